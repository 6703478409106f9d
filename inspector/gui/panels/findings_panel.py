"""The findings list with severity and source filters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QWidget

from inspector.gui.models.findings_model import (
    CODE,
    ELEMENT,
    LINE,
    MEMBER,
    MESSAGE,
    SEGMENT,
    SEVERITY,
    SOURCE,
    FindingsModel,
)
from inspector.gui.models.roles import ERROR, INFO, WARNING
from inspector.gui.panels.table_panel import TablePanel

_SEVERITIES = (
    ("All severities", None),
    ("Errors", {ERROR}),
    ("Warnings", {WARNING}),
    ("Errors and warnings", {ERROR, WARNING}),
    ("Notes", {INFO}),
)
_SOURCES = (
    ("All checks", None),
    ("Implementation guide", {"implementation-guide"}),
    ("Business rules", {"business-rule"}),
    ("Envelope", {"envelope"}),
)
_WIDTHS = {SEVERITY: 90, CODE: 170, MEMBER: 150, SEGMENT: 75, LINE: 65, ELEMENT: 75, SOURCE: 150}


class FindingsPanel(TablePanel):
    """Every finding; choosing one jumps to its segment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Findings",
            "findingsView",
            "Findings",
            "Errors and warnings; select one to see its segment",
            "Code, message or ID",
            parent,
        )
        self.severity = QComboBox()
        self.severity.setObjectName("findingsSeverity")
        self.severity.setAccessibleName("Severity")
        for label, _ in _SEVERITIES:
            self.severity.addItem(label)
        self.source = QComboBox()
        self.source.setObjectName("findingsSource")
        self.source.setAccessibleName("Check")
        for label, _ in _SOURCES:
            self.source.addItem(label)
        self.add_tool(self.severity)
        self.add_tool(self.source)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.model: FindingsModel | None = None

    def set_model(self, model: FindingsModel) -> None:
        self.model = model
        self.view.setModel(model)
        self.watch_model(model)
        header = self.view.horizontalHeader()
        for column, width in _WIDTHS.items():
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Interactive)
        header.setSortIndicator(SEGMENT, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)  # sorts by segment: file order
        self.severity.currentIndexChanged.connect(self._on_severity_current_index_changed)
        self.source.currentIndexChanged.connect(self._on_source_current_index_changed)
        self.filter_text_changed.connect(model.set_text_filter)
        model.rows_changed.connect(self._update_count)
        model.modelReset.connect(self._update_count)
        self._update_count()

    def step(self, delta: int) -> bool:
        """Select the next (+1) or previous (-1) finding; False at either end."""
        if self.model is None or self.model.rowCount() == 0:
            return False
        current = self.view.currentIndex()
        row = (
            current.row() + delta
            if current.isValid()
            else (0 if delta > 0 else self.model.rowCount() - 1)
        )
        if not 0 <= row < self.model.rowCount():
            return False
        self.select_view_row(row)
        return True

    def _on_severity_current_index_changed(self, i: int) -> None:
        if self.model is not None:
            self.model.set_severity_filter(_SEVERITIES[i][1])

    def _on_source_current_index_changed(self, i: int) -> None:
        if self.model is not None:
            self.model.set_source_filter(_SOURCES[i][1])

    def _update_count(self) -> None:
        if self.model is not None:
            self.count.setText(self.model.count_text())
