"""A small dialog listing one segment's elements by name, to change one of them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.core.reading.source import SegmentStore
from inspector.gui.editing.delegates import FieldDelegate
from inspector.gui.editing.element_names import element_name
from inspector.gui.models.elements_model import NAME, VALUE, ElementEditor, ElementsModel
from inspector.gui.models.masking import ViewMask


class SegmentEditor(QDialog):
    """Edit the elements of segment ``segment``; every change is applied (and undoable) at once."""

    edit_rejected = Signal(str)

    def __init__(
        self,
        store: SegmentStore,
        segment: int,
        editor: ElementEditor,
        where: str = "",
        parent: QWidget | None = None,
        mask: ViewMask | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("segmentEditor")
        self.segment = segment
        self._mask = mask
        self._store = store
        self.model = ElementsModel(store, segment, editor, element_name, self, mask=mask)
        self.model.edit_rejected.connect(self._on_model_edit_rejected)
        self.setWindowTitle(f"Segment {segment:,} ({self.model.segment_id})")
        self.heading = QLabel()
        self.heading.setObjectName("segmentEditorHeading")
        self.heading.setWordWrap(True)
        self.text = QLabel()
        self.text.setObjectName("segmentEditorText")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        self.view = QTableView()
        self.view.setObjectName("segmentEditorView")
        self.view.setAccessibleName("Elements of the segment")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(VALUE, FieldDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.resizeSection(0, self.fontMetrics().horizontalAdvance("INS06-01") + 24)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        hint = QLabel(
            "Double-click a value or press F2 to change it. Each change is applied "
            "at once and can be undone with Edit \u25b8 Undo (Ctrl+Z)."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "count")
        self.message = QLabel()
        self.message.setObjectName("segmentEditorMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self.refresh(store, where)

    def refresh(self, store: SegmentStore, where: str | None = None) -> None:
        """Show the segment as it is now (after an edit, undo or redo anywhere)."""
        if where is not None:
            self._where = where
        self._store = store
        self.model.reload(store)
        self.heading.setText(
            f"<b>Segment {self.segment:,}</b> \u2014 "
            f"{self.model.segment_id}" + (f", {self._where}" if self._where else "")
        )
        text = store.display(self.segment)
        if self._mask is not None:
            text = self._mask.segment(text, store.delimiters.element)
        self.text.setText(text)

    def set_mask(self, mask: ViewMask | None, where: str | None = None) -> None:
        """Show personal data masked (or not); the value editors still get the real values."""
        self._mask = mask
        self.model.set_mask(mask)
        self.refresh(self._store, where)

    def start_editing(self, element: str | None = None) -> None:
        """Select (and open the editor of) ``element``, or the first editable value."""
        row = self.model.row_of(element) if element else None
        if row is None:
            row = next(
                (
                    r
                    for r in range(self.model.rowCount())
                    if self.model.flags(self.model.index(r, VALUE)) & Qt.ItemFlag.ItemIsEditable
                ),
                0,
            )
        index = self.model.index(row, VALUE)
        self.view.setCurrentIndex(index)
        self.view.setFocus()

    def _on_model_edit_rejected(self, reason: str, row: int) -> None:
        self.message.setText(f"{self.model.element(row)} was not changed: {reason}")
        self.message.show()
        self.edit_rejected.emit(reason)

    def clear_message(self) -> None:
        self.message.hide()
