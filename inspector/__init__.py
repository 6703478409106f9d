"""834 enrollment-file inspector: a Qt-free core, a command line and a PySide6 desktop app."""

__version__ = "0.1.0"
