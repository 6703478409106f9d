"""Jumping between views: finding/member/coverage -> segments, segment -> member; F8."""

from __future__ import annotations

import pytest

from inspector.gui.models.roles import SOURCE_ROW_ROLE
from tests.gui.conftest import open_and_wait


def _selected_segment_rows(tab) -> list[int]:
    return sorted({i.row() for i in tab.segments.view.selectionModel().selectedRows()})


@pytest.fixture
def tab(qtbot, window, findings_file):
    return open_and_wait(qtbot, window, findings_file)


@pytest.fixture
def checked(qtbot, make_window, findings_file):
    window = make_window(use_pyx12=True)
    return open_and_wait(qtbot, window, findings_file, validated=True)


def test_clicking_a_finding_selects_its_segment_and_member(checked):
    tab = checked
    model = tab.findings.model
    row = next(r for r in range(model.rowCount()) if model.finding(r).member_pos is not None)
    finding = model.finding(row)
    tab.findings.select_view_row(row)
    assert tab.segments.view.currentIndex().row() == finding.segment - 1
    assert _selected_segment_rows(tab) == [finding.segment - 1]
    assert tab.members.current_source_row() == finding.member_pos - 1


def test_f8_walks_through_the_findings(checked, qtbot):
    tab = checked
    window = tab.window()
    tab.findings.view.setCurrentIndex(tab.findings.model.index(-1, -1))
    window.actions_.next_finding.trigger()
    first = tab.findings.model.finding(0)
    assert tab.findings.view.currentIndex().row() == 0
    window.actions_.next_finding.trigger()
    second = tab.findings.model.finding(1)
    assert tab.findings.view.currentIndex().row() == 1
    if second.segment:
        assert tab.segments.view.currentIndex().row() == second.segment - 1
    window.actions_.previous_finding.trigger()
    assert tab.findings.view.currentIndex().row() == 0
    if first.segment:
        assert tab.segments.view.currentIndex().row() == first.segment - 1


def test_selecting_a_member_selects_its_segments_and_filters_coverage(tab):
    frame = tab.prepared.doc.members
    tab.members.select_view_row(tab.members.model.view_row(1))
    first, last = int(frame["seg_first"].iat[1]), int(frame["seg_last"].iat[1])
    assert _selected_segment_rows(tab) == list(range(first - 1, last))
    coverage = tab.coverage.model
    assert coverage.rowCount() == int(frame["coverage_count"].iat[1])
    assert all(
        int(coverage.table.member_pos[coverage.source_row(r)]) == 2
        for r in range(coverage.rowCount())
    )
    assert "#2" in tab.coverage.only_selected.text()
    tab.coverage.only_selected.setChecked(False)
    assert coverage.rowCount() == len(tab.prepared.doc.coverage)


def test_selecting_a_coverage_row_selects_its_segments(tab):
    tab.coverage.only_selected.setChecked(False)
    coverage = tab.coverage.model
    row = coverage.rowCount() - 1
    src = coverage.index(row, 0).data(SOURCE_ROW_ROLE)
    tab.coverage.select_view_row(row)
    first, last = coverage.segment_range(src)
    assert _selected_segment_rows(tab) == list(range(first - 1, last))
    member = int(coverage.table.member_pos[src]) - 1
    assert tab.members.current_source_row() == member


def test_selecting_a_segment_selects_its_member(tab):
    frame = tab.prepared.doc.members
    target = int(frame["seg_first"].iat[2]) + 1  # a segment inside the third member
    tab.segments.view.setCurrentIndex(tab.segments.model.index(target - 1, 0))
    assert tab.members.current_source_row() == 2
    assert tab.segments.view.currentIndex().row() == target - 1  # no echo back


def test_go_to_segment(qtbot, tab):
    tab.segments.goto.setFocus()
    tab.segments.goto.setValue(5)
    tab.segments.goto.editingFinished.emit()
    assert tab.segments.view.currentIndex().row() == 4
