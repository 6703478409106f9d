"""Small message dialogs of the main window: About, the keyboard-shortcut list, and the question
asked before closing a document with unsaved corrections."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from inspector import __version__
from inspector.gui.actions import SHORTCUT_HELP

APP_TITLE = "834 Inspector"


def show_about(parent: QWidget) -> None:
    from PySide6 import __version__ as pyside_version

    QMessageBox.about(
        parent,
        f"About {APP_TITLE}",
        f"<h3>{APP_TITLE} {__version__}</h3>"
        "<p>Inspect ANSI X12 834 benefit-enrollment files: members and coverage in sortable "
        "tables, every problem highlighted where it sits in the file, with a plain-English "
        "reason.</p>"
        "<p>Implementation-guide checks by pyx12; tables by pandas; interface by Qt "
        f"(PySide6 {pyside_version}).</p>",
    )


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(
        f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
        for keys, what in SHORTCUT_HELP
    )
    QMessageBox.information(parent, "Keyboard shortcuts", f"<table>{rows}</table>")


SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_unsaved(parent: QWidget, file_name: str, corrections: int) -> str:
    """Save corrected 834… / Discard / Cancel for a document with unsaved corrections."""
    noun = "correction" if corrections == 1 else "corrections"
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Unsaved corrections",
        f"{file_name} has {corrections} {noun} that were not saved as a corrected 834.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setInformativeText(
        "Save them as a corrected 834 under a new name (the original file "
        "is never changed), discard them, or cancel and keep working."
    )
    save = box.addButton("Save Corrected 834\u2026", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is discard else CANCEL
