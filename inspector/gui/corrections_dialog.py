"""File ▸ Apply corrections…: a corrections list (CSV/XLSX) checked, previewed, applied as one step.

The clerk picks a list; the core checks every row (nothing changes yet) and the preview says how
many members and which fields the accepted rows change and lists the refused rows with their
reasons (SSNs masked). Apply writes the accepted rows as ONE undo step through the tab's editor;
Cancel changes nothing. The file question and the preview are methods tests replace.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.core.editing.corrections_list import CorrectionsResult, refused_rows
from inspector.core.records.frames import MEMBER_FIELDS, coverage_field
from inspector.core.records.mask import Masker, MaskPolicy

if TYPE_CHECKING:
    from inspector.gui.document_tab import DocumentTab

LIST_FILTER = "Corrections lists (*.csv *.xlsx);;All files (*)"
MAX_SHOWN = 500  # refused rows listed in the preview (the count says how many in all)


def preview_text(result: CorrectionsResult) -> str:
    """The preview's summary: rows, members and fields that change; rows refused."""
    labels = []
    for column in dict.fromkeys(c for row in result.applied for c in row.fields):
        spec = MEMBER_FIELDS.get(column) or coverage_field(column)
        labels.append(spec.label if spec is not None else column)
    lines = [
        f"{result.path.name}: {len(result.rows):,} row(s).",
        f"{len(result.applied):,} row(s) will change {result.members:,} member(s)"
        + (f": {', '.join(labels)}." if labels else "."),
    ]
    if result.unchanged:
        lines.append(f"{len(result.unchanged):,} row(s) already hold these values.")
    if result.refused:
        lines.append(f"{len(result.refused):,} row(s) are refused and will not be written:")
    lines.append("Apply makes one step: a single Undo takes it all back.")
    return "\n".join(lines)


class CorrectionsPreview(QDialog):
    """What a corrections list would do; Apply (accept) or Cancel (reject)."""

    def __init__(self, result: CorrectionsResult, masker: Masker, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("correctionsPreview")
        self.setWindowTitle("Apply corrections")
        layout = QVBoxLayout(self)
        self.summary = QLabel(preview_text(result))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        rows = refused_rows(result, masker, MAX_SHOWN)
        self.refused = QTableWidget(len(rows), 3)
        self.refused.setObjectName("refusedRows")
        self.refused.setHorizontalHeaderLabels(["Line", "Member", "Why it was refused"])
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.refused.setItem(r, c, QTableWidgetItem(text))
        self.refused.horizontalHeader().setStretchLastSection(True)
        self.refused.setVisible(bool(rows))
        layout.addWidget(self.refused)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton(
            f"Apply {len(result.applied):,} row(s)", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setEnabled(bool(result.applied))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420 if rows else 200)


class CorrectionsApplier(QObject):
    """The Apply corrections… command for the document of a given tab."""

    applied = Signal(str)  # what was applied
    failed = Signal(str)  # why nothing was applied

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent

    # -- questions (replaced in tests) ------------------------------------------------------
    def choose_list(self, folder: Path) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Apply corrections", str(folder), LIST_FILTER
        )
        return Path(name) if name else None

    def confirm(self, result: CorrectionsResult, masker: Masker) -> bool:
        dialog = CorrectionsPreview(result, masker, self.parent_widget)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # -- the command ------------------------------------------------------------------------
    def apply_corrections(self, tab: DocumentTab) -> bool:
        """Choose a list, then check it, preview it and write it off the GUI thread (the tab's
        bulk steps: one undo step, progress while it runs); True if the check started."""
        editor = tab.editor
        if editor is None or tab.editing is None:
            self.failed.emit("Open an 834 file (and let it finish loading) to apply corrections.")
            return False
        path = self.choose_list(tab.path.parent)
        if path is None:
            return False
        masker = Masker(MaskPolicy(), editor.doc.members)
        return tab.editing.bulk.apply_list(
            path,
            lambda result: self.confirm(result, masker),
            on_failed=self.failed.emit,
            on_applied=self.applied.emit,
        )
