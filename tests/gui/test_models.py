"""The table models: sorting and filtering in pandas, finding tints and tooltips, model checks."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from inspector.core.findings import Finding
from inspector.gui.models.findings_model import CODE, SEGMENT
from inspector.gui.models.roles import (
    CLEAN,
    ERROR,
    SEVERITY_ROLE,
    SPANS_ROLE,
    WARNING,
    cell_brush,
    row_brush,
)
from inspector.gui.models.segments_model import TEXT, element_number, element_span
from tests.gui.conftest import open_and_wait

BG = Qt.ItemDataRole.BackgroundRole
TIP = Qt.ItemDataRole.ToolTipRole
ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


@pytest.fixture
def checked_tab(qtbot, make_window, findings_file):
    """The sample with findings, opened and fully validated (pyx12 in its child process)."""
    window = make_window(use_pyx12=True)
    return open_and_wait(qtbot, window, findings_file, validated=True)


def _column_values(model, name: str) -> list[str]:
    column = model.table.column_index(name)
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_every_model_passes_the_qt_model_tester(qtmodeltester, checked_tab):
    tab = checked_tab
    assert tab.findings.model.rowCount() > 0
    for model in (tab.members.model, tab.coverage.model, tab.segments.model, tab.findings.model):
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)


def test_sorting_members_by_last_name_uses_a_stable_pandas_sort(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    model = tab.members.model
    column = model.table.column_index("last_name")
    original = _column_values(model, "last_name")
    tab.members.view.sortByColumn(column, ASC)
    names = _column_values(model, "last_name")
    filled = [n for n in names if n]
    assert filled == sorted(filled) and names[: len(filled)] == filled  # blanks last
    # stable: equal names keep file order (the member numbers rise within each name)
    numbers = [int(model.index(r, 0).data()) for r in range(model.rowCount())]
    for name in set(filled):
        same = [n for n, last in zip(numbers, names) if last == name]
        assert same == sorted(same)
    tab.members.view.sortByColumn(column, DESC)
    assert [n for n in _column_values(model, "last_name") if n] == sorted(filled, reverse=True)
    tab.members.view.sortByColumn(-1, ASC)  # back to file order
    assert _column_values(model, "last_name") == original


def test_sorting_keeps_the_current_member_selected(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    model = tab.members.model
    tab.members.select_view_row(2)
    source = tab.members.current_source_row()
    tab.members.view.sortByColumn(model.table.column_index("first_name"), DESC)
    assert tab.members.current_source_row() == source


def test_text_filter_finds_members_by_name_or_id(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    model = tab.members.model
    total = model.rowCount()
    target_id = _column_values(model, "subscriber_id")[0]
    tab.members.filter_box.setText(target_id.lower())
    qtbot.waitUntil(lambda: model.rowCount() < total, timeout=3000)
    assert all(target_id in (v or "") for v in _column_values(model, "subscriber_id"))
    assert "of" in tab.members.count.text()
    name = _column_values(model, "last_name")[0]
    tab.members.filter_box.setText(f"{name.lower()} {target_id}")  # every word must match
    qtbot.waitUntil(
        lambda: model.rowCount() >= 1 and set(_column_values(model, "last_name")) == {name},
        timeout=3000,
    )
    tab.members.filter_box.clear()
    qtbot.waitUntil(lambda: model.rowCount() == total, timeout=3000)


def test_maintenance_type_filter(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    combo = tab.members.maintenance
    assert combo.count() >= 2
    combo.setCurrentIndex(1)
    wanted = combo.itemData(1)
    values = _column_values(tab.members.model, "maintenance_type")
    assert values and set(values) == {wanted}
    combo.setCurrentIndex(0)
    assert tab.members.model.rowCount() == len(tab.prepared.doc.members)


def test_findings_tint_member_rows_with_messages_as_tooltips(checked_tab):
    tab = checked_tab
    model = tab.members.model
    index = tab.prepared.index
    erroneous = [f for f in index.findings if f.member_pos is not None and f.severity == "error"]
    assert erroneous, "the sample is known to have member-level errors"
    finding = erroneous[0]
    row = model.view_row(finding.member_pos - 1)
    issues = model.index(row, model.table.issues_column)
    assert issues.data(BG).color() == row_brush(ERROR).color()
    assert finding.message in issues.data(TIP)
    assert "error" in issues.data()
    clean = [r for r in range(model.rowCount()) if model.index(r, 0).data(SEVERITY_ROLE) == CLEAN]
    for r in clean:
        assert model.index(r, 0).data(BG) is None


def test_only_members_with_errors(checked_tab):
    tab = checked_tab
    model = tab.members.model
    tab.members.severity.setCurrentIndex(1)  # "With errors"
    ranks = model.row_findings.rank[model.visible_sources()]
    assert model.rowCount() > 0 and np.all(ranks == ERROR)
    assert model.rowCount() == int(np.count_nonzero(model.row_findings.rank == ERROR))
    tab.members.severity.setCurrentIndex(0)
    assert model.rowCount() == len(tab.prepared.doc.members)


def test_the_cell_a_finding_names_is_tinted_more_strongly(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    model = tab.members.model
    frame = tab.prepared.doc.members
    nm1 = int(frame["seg_nm1"].iat[0])
    finding = Finding(
        severity="warning",
        code="TEST",
        message="Last name looks odd.",
        segment=nm1,
        segment_id="NM1",
        element="NM103",
        member_pos=1,
    )
    tab._on_session_findings_arrived([finding])
    row = model.view_row(0)
    cell = model.index(row, model.table.column_index("last_name"))
    other = model.index(row, model.table.column_index("first_name"))
    assert cell.data(BG).color() == cell_brush(WARNING).color()
    assert "Last name looks odd." in cell.data(TIP)
    assert other.data(BG).color() != cell.data(BG).color()


def test_segments_mark_the_bad_element(checked_tab):
    tab = checked_tab
    model = tab.segments.model
    store = tab.prepared.doc.store
    finding = next(
        f
        for f in tab.prepared.index.findings
        if f.element and f.segment and f.source == "implementation-guide"
    )
    index = model.index(finding.segment - 1, TEXT)
    assert index.data() == store.display(finding.segment)
    assert index.data(BG) is not None
    assert finding.message in index.data(TIP)
    spans = index.data(SPANS_ROLE)
    number = element_number(finding.element, finding.segment_id)
    assert spans and spans[0][:2] == element_span(index.data(), store.delimiters.element, number)
    clean_row = next(r for r in range(model.rowCount()) if not tab.prepared.index.at_segment(r + 1))
    assert model.index(clean_row, TEXT).data(BG) is None


def test_segments_model_is_virtual_and_uses_store_numbers(qtbot, window, small_file):
    tab = open_and_wait(qtbot, window, small_file)
    model = tab.segments.model
    store = tab.prepared.doc.store
    last = model.rowCount() - 1
    assert model.index(0, 0).data() == "1"
    assert model.index(last, 1).data() == str(store.line(last + 1))
    assert model.index(0, 2).data() == "ISA"
    assert model.index(last, TEXT).data().startswith("IEA")


def test_findings_sort_and_filter(checked_tab):
    tab = checked_tab
    model = tab.findings.model
    total = model.rowCount()
    segments = [int(model.index(r, SEGMENT).data() or 0) for r in range(total)]
    assert segments == sorted(segments)  # default: file order
    tab.findings.view.sortByColumn(CODE, ASC)
    codes = [model.index(r, CODE).data() for r in range(total)]
    assert codes == sorted(codes)
    tab.findings.severity.setCurrentIndex(2)  # warnings
    assert model.rowCount() < total
    assert all(model.finding(r).severity == "warning" for r in range(model.rowCount()))
    tab.findings.severity.setCurrentIndex(0)
    tab.findings.source.setCurrentIndex(1)  # implementation guide
    assert all(model.finding(r).source == "implementation-guide" for r in range(model.rowCount()))
    tab.findings.source.setCurrentIndex(0)
    assert model.rowCount() == total
    assert str(total) in tab.findings.count.text()


def test_findings_stream_into_a_sorted_list(qtbot, window, findings_file):
    tab = open_and_wait(qtbot, window, findings_file)
    model = tab.findings.model
    before = model.rowCount()
    early = Finding(severity="error", code="TEST-EARLY", message="first segment", segment=1)
    late = Finding(severity="warning", code="TEST-LATE", message="last", segment=10_000)
    tab._on_session_findings_arrived([late, early])
    assert model.rowCount() == before + 2
    assert model.finding(0).code == "TEST-EARLY"
    assert model.finding(model.rowCount() - 1).code == "TEST-LATE"


@pytest.mark.parametrize(
    "element, segment_id, number",
    [
        ("DMG02", "DMG", 2),
        ("N301", "N3", 1),
        ("NM109", "NM1", 9),
        ("HD03-1", "HD", 3),
        ("SE01", None, 1),
        ("REF", "REF", None),
    ],
)
def test_element_numbers(element, segment_id, number):
    assert element_number(element, segment_id) == number


def test_element_spans():
    assert element_span("DMG*D8*19810231*F", "*", 2) == (7, 15)
    assert element_span("NM1*IL*1*DOE", "*", 3) == (9, 12)
    assert element_span("NM1*IL", "*", 5) == (6, 6)  # missing: marked at the end


def test_search_spells_a_date_other_ways_only_in_digits_0_to_9(qapp):
    # \d matched Arabic-Indic digits: "١٩٨١-٠٢-٢٨" was also found as ٠٢/٢٨/١٩٨١
    import pandas as pd

    from inspector.gui.models.row_order_model import RowOrderModel

    class Dates(RowOrderModel):
        frame = pd.DataFrame({"birth_date": ["1981-02-28", "١٩٨١-٠٢-٢٨"]})

        def source_count(self) -> int:
            return 2

        def search_frame(self):
            return self.frame

        def search_kinds(self):
            return {"birth_date": "date"}

    hay = Dates()._row_haystack().tolist()
    assert hay == ["1981-02-28 19810228 02/28/1981", "١٩٨١-٠٢-٢٨  "]
