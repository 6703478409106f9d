"""Keeps the four views of a document pointing at the same place.

Choosing a member, a coverage row or a finding selects its segments; choosing a segment selects its
member. The findings list follows the selected member (scrolled to, or filtered to, its findings)
and the detail pane shows the finding chosen. A guard stops the programmatic selections from
echoing back.
"""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QModelIndex, QObject

from inspector.core.records.structure import span_containing
from inspector.gui.models.roles import SOURCE_ROW_ROLE
from inspector.gui.panels.detail_pane import DetailPane
from inspector.gui.panels.findings_panel import FindingsPanel
from inspector.gui.panels.record_panels import CoveragePanel, MembersPanel
from inspector.gui.panels.segments_panel import SegmentsPanel


class SelectionSync(QObject):
    """Wires selection between members, coverage, segments and findings of one document."""

    def __init__(
        self,
        members: MembersPanel,
        coverage: CoveragePanel,
        segments: SegmentsPanel,
        findings: FindingsPanel,
        parent: QObject | None = None,
        detail: DetailPane | None = None,
    ) -> None:
        super().__init__(parent)
        self.members = members
        self.coverage = coverage
        self.segments = segments
        self.findings = findings
        self.detail = detail
        self._busy = False
        members.view.selectionModel().currentRowChanged.connect(
            self._on_members_current_row_changed
        )
        coverage.view.selectionModel().currentRowChanged.connect(
            self._on_coverage_current_row_changed
        )
        segments.view.selectionModel().currentRowChanged.connect(
            self._on_segments_current_row_changed
        )
        findings.view.selectionModel().currentRowChanged.connect(
            self._on_findings_current_row_changed
        )
        findings.view.activated.connect(self._on_findings_activated)
        members.view.selectionModel().selectionChanged.connect(self._on_members_selection_changed)

    @contextmanager
    def _guard(self):
        self._busy = True
        try:
            yield
        finally:
            self._busy = False

    # -- lookups ----------------------------------------------------------------------------
    def member_of_segment(self, ordinal: int) -> int | None:
        """0-based member row holding a segment, or None (header, envelope)."""
        table = self.members.model.table  # read each time: an edit may rebuild the table
        return span_containing(table.first, table.last, ordinal)

    def _member_label(self, member_row: int) -> str:
        table = self.members.model.table

        def shown(column: str) -> str:  # as the table shows it (masked while masking is on)
            if column not in table.columns:
                return ""
            values = table.display[table.column_index(column)]
            return str(values[member_row]) if values is not None else ""

        name = ", ".join(p for p in (shown("last_name"), shown("first_name")) if p)
        return f"{name} (#{member_row + 1})" if name else f"member #{member_row + 1}"

    def _follow_member(self, member_row: int | None) -> None:
        """The findings list follows the member (0-based row; None: no member selected)."""
        self.findings.follow_member(None if member_row is None else member_row + 1)

    def _show_member_finding(self, member_row: int) -> None:
        """Selecting a member makes its first finding current, and the detail pane shows it."""
        row = self.findings.follow_member(member_row + 1)
        if row is not None:
            self.findings.select_view_row(row)
            self._show_detail(row)
        elif self.detail is not None:
            self.detail.clear()

    def _show_detail(self, view_row: int | None) -> None:
        if self.detail is None:
            return
        model = self.findings.model
        if view_row is None or model is None or not 0 <= view_row < model.rowCount():
            self.detail.clear()
        else:
            self.detail.show_finding(model.finding(view_row))

    def _select_member(self, member_row: int | None) -> None:
        """Select a member without jumping the segments view, and show its coverage."""
        if member_row is None:
            self.members.view.selectionModel().clearSelection()
            self._follow_member(None)
            return
        row = self.members.model.view_row(member_row)
        if row is not None:
            self.members.select_view_row(row)
        else:
            self.members.view.selectionModel().clearSelection()
        self.coverage.show_member(member_row + 1, self._member_label(member_row))

    # -- slots ------------------------------------------------------------------------------
    def _on_members_current_row_changed(self, current: QModelIndex, _previous) -> None:
        if self._busy or not current.isValid():
            return
        with self._guard():
            src = current.data(SOURCE_ROW_ROLE)
            first, last = self.members.model.segment_range(src)
            self.segments.show_segments(first, last)
            self.coverage.show_member(src + 1, self._member_label(src))
            self._show_member_finding(src)

    def _on_members_selection_changed(self, _selected, _deselected) -> None:
        if self._busy or self.members.view.selectionModel().hasSelection():
            return
        with self._guard():
            self._follow_member(None)  # no member selected: every finding

    def _on_coverage_current_row_changed(self, current: QModelIndex, _previous) -> None:
        if self._busy or not current.isValid():
            return
        with self._guard():
            src = current.data(SOURCE_ROW_ROLE)
            first, last = self.coverage.model.segment_range(src)
            self.segments.show_segments(first, last)
            member_pos = int(self.coverage.model.table.member_pos[src])
            if member_pos >= 1:
                row = self.members.model.view_row(member_pos - 1)
                if row is not None:
                    self.members.select_view_row(row)

    def _on_segments_current_row_changed(self, current: QModelIndex, _previous) -> None:
        if self._busy or not current.isValid():
            return
        with self._guard():
            member = self.member_of_segment(current.row() + 1)
            self._select_member(member)
            if member is not None:
                self._follow_member(member)

    def _on_findings_current_row_changed(self, current: QModelIndex, _previous) -> None:
        model = self.findings.model
        if self._busy or (model is not None and model.updating):
            return  # a programmatic selection, or rows replaced after an edit: no jump
        if not current.isValid():
            self._show_detail(None)
            return
        self.show_finding(current.row())

    def _on_findings_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_finding(index.row())
            self.segments.view.setFocus()

    def show_finding(self, view_row: int) -> None:
        finding = self.findings.model.finding(view_row)
        self._show_detail(view_row)
        if finding.segment is None:
            return
        with self._guard():
            self.segments.show_segments(finding.segment, center=True)
            member = (
                finding.member_pos - 1
                if finding.member_pos is not None
                else self.member_of_segment(finding.segment)
            )
            self._select_member(member)
