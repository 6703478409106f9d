"""The PySide6 desktop app: the only package that imports Qt.

``inspector.gui`` itself imports nothing from Qt so that the pyx12 child process, which imports
:mod:`inspector.gui.pyx12_child`, starts without loading Qt.
"""
