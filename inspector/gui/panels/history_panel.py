"""The corrections made to the document, newest first; choosing one shows its segment."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHeaderView, QWidget

from inspector.gui.models.history_model import AFTER, BEFORE, WHAT, WHEN, WHERE, HistoryModel
from inspector.gui.panels.table_panel import TablePanel

_WIDTHS = {WHEN: 64, WHAT: 135, WHERE: 185}


class HistoryPanel(TablePanel):
    """Edit history of one document (objectName of the table: ``historyView``)."""

    segment_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Corrections",
            "historyView",
            "Edit history",
            "Corrections made to this file, newest first; Ctrl+Z undoes the top one",
            None,
            parent,
        )
        self.view.setSortingEnabled(False)
        self.view.horizontalHeader().setSortIndicatorShown(False)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.model: HistoryModel | None = None
        self.state = ""  # "unsaved" / "saved" shown next to the count

    def set_model(self, model: HistoryModel) -> None:
        self.model = model
        self.view.setModel(model)
        header = self.view.horizontalHeader()
        for column, width in _WIDTHS.items():
            header.resizeSection(column, width)
        for column in (BEFORE, AFTER):  # share what is left: both values stay readable
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)
        self.view.activated.connect(self._on_view_activated)
        model.modelReset.connect(self.update_count)
        self.update_count()

    def update_count(self, state: str | None = None) -> None:
        if state is not None:
            self.state = state
        n = self.model.rowCount() if self.model is not None else 0
        head = "No corrections yet" if n == 0 else (f"{n} correction{'s' if n != 1 else ''}")
        self.count.setText(f"{head}, {self.state}" if n and self.state else head)

    def _on_view_current_row_changed(self, current: QModelIndex, _previous) -> None:
        if current.isValid() and self.model is not None:
            self.segment_chosen.emit(self.model.entry(current.row()).segment)

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid() and self.model is not None:
            self.segment_chosen.emit(self.model.entry(index.row()).segment)
