"""Small message dialogs of the main window: About and the keyboard-shortcut list."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from inspector import __version__
from inspector.gui.actions import SHORTCUT_HELP

APP_TITLE = "834 Inspector"


def show_about(parent: QWidget) -> None:
    from PySide6 import __version__ as pyside_version

    QMessageBox.about(
        parent, f"About {APP_TITLE}",
        f"<h3>{APP_TITLE} {__version__}</h3>"
        "<p>Inspect ANSI X12 834 benefit-enrollment files: members and coverage in sortable "
        "tables, every problem highlighted where it sits in the file, with a plain-English "
        "reason.</p>"
        "<p>Implementation-guide checks by pyx12; tables by pandas; interface by Qt "
        f"(PySide6 {pyside_version}).</p>")


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                   for keys, what in SHORTCUT_HELP)
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table>{rows}</table>")
