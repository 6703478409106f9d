"""The findings list with severity and source filters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QCheckBox, QComboBox, QHeaderView, QWidget

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
# Widths as samples of the text they must show (measured with the view's font).
_SAMPLES = {
    SEVERITY: "Warning",
    CODE: "RULE-COVERAGE-LEVEL-DEPENDENT",
    MEMBER: "#00000 HUGHES, JACK",
    SEGMENT: "0000000",
    LINE: "0000000",
    ELEMENT: "DMG02",
    SOURCE: "Implementation guide",
}


class FindingsPanel(TablePanel):
    """Every finding; choosing one jumps to its segment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Findings",
            "findingsView",
            "Findings",
            "Errors and warnings; select one to see its segment",
            "Code, message, member name or ID",
            parent,
        )
        self.only_member = QCheckBox("Selected member")
        self.only_member.setObjectName("findingsMemberOnly")
        self.only_member.setToolTip(
            "Show only the findings of the member selected in the members table "
            "(off: every finding, scrolled to the member's first one)"
        )
        self.only_member.toggled.connect(self._on_only_member_toggled)
        self._member: int | None = None
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
        self.add_tool(self.only_member)
        self.add_tool(self.severity)
        self.add_tool(self.source)
        self.view.setSelectionMode(self.view.SelectionMode.SingleSelection)
        self.model: FindingsModel | None = None

    def set_model(self, model: FindingsModel) -> None:
        self.model = model
        self.view.setModel(model)
        self.watch_model(model)
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        bold = header.font()
        bold.setBold(True)
        titles = QFontMetrics(bold)
        samples = dict(_SAMPLES)
        if model.store is not None:  # segment and line numbers: as many digits as the file has
            samples[SEGMENT] = samples[LINE] = "0" * len(str(max(len(model.store), 1)))
        for column, sample in samples.items():
            # a severity icon, the sort arrow and the cell margins come on top of the text
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = max(
                metrics.horizontalAdvance(sample) + 34, titles.horizontalAdvance(title) + 28
            )
            header.resizeSection(column, width)
        # The check a finding comes from is in its code (IG-, RULE-, ENV-), the Check filter and
        # the detail pane: its column starts hidden so the message keeps room at 1024 pixels
        # (the header's menu shows it again).
        header.setSectionHidden(SOURCE, True)
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

    def follow_member(self, member_pos: int | None) -> int | None:
        """The member selected elsewhere: filter to it (when asked) or scroll to its first
        finding. Returns the view row of that finding (None: the member has none shown)."""
        self._member = member_pos
        if self.model is None:
            return None
        self.model.set_member_filter(member_pos if self.only_member.isChecked() else None)
        row = self.model.first_row_of_member(member_pos) if member_pos is not None else None
        if row is not None:
            self.view.scrollTo(self.model.index(row, 0), self.view.ScrollHint.PositionAtTop)
        return row

    def _on_only_member_toggled(self, checked: bool) -> None:
        if self.model is not None:
            self.model.set_member_filter(self._member if checked else None)

    def _on_severity_current_index_changed(self, i: int) -> None:
        if self.model is not None:
            self.model.set_severity_filter(_SEVERITIES[i][1])

    def _on_source_current_index_changed(self, i: int) -> None:
        if self.model is not None:
            self.model.set_source_filter(_SOURCES[i][1])

    def _update_count(self) -> None:
        if self.model is not None:
            self.count.setText(self.model.count_text())
