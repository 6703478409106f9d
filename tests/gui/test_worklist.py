"""The clerk's worklist in the window: the finding detail pane, element names on hover, the
findings list following the selected member, search across every field, Ctrl+C as
tab-separated rows, Ctrl+W/Ctrl+F4, the status line per tab, an unsupported guide said once,
and nothing cut off at 1024x700 (offscreen, on copies of the demo file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from inspector.gui.main_window import MainWindow
from inspector.gui.models.findings_model import CODE, MEMBER, MESSAGE
from inspector.gui.models.segments_model import TEXT
from inspector.gui.panels.detail_pane import rule_for
from inspector.resources import demo_path
from tests.conftest import SAMPLES
from tests.gui.conftest import LOAD_TIMEOUT_MS, VALIDATION_TIMEOUT_MS, open_and_wait

# member 10 of the demo: PATEL, AVA, NM1*IL*1*PATEL*AVA*C***34*666678638 at segment 240
PATEL_ROW, PATEL_POS, PATEL_NM1 = 9, 10, 240
PATEL_SSN = "666678638"
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DISPLAY = Qt.ItemDataRole.DisplayRole
X307 = "linuxforhealth-x12__hist_X307-shop-enrollment-qhp-exchange.edi"


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")


def _copy(tmp_path: Path, name: str = "demo.834") -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(demo_path(), path)
    return path


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    return _copy(tmp_path)


@pytest.fixture
def tab(qtbot, window, demo_copy):
    return open_and_wait(qtbot, window, demo_copy, validated=True)


def _finding_row(tab, code: str) -> int:
    model = tab.findings.model
    return next(r for r in range(model.rowCount()) if model.finding(r).code == code)


def _select_finding(tab, code: str):
    row = _finding_row(tab, code)
    tab.findings.select_view_row(row)
    return tab.findings.model.finding(row)


def _mask(window, names: bool = False) -> None:
    window.actions_.mask_phi.setChecked(True)
    window.actions_.mask_names.setChecked(names)


def _search(panel, qtbot, text: str) -> None:
    assert panel.filter_box is not None
    panel.filter_box.setText(text)
    qtbot.keyClick(panel.filter_box, Qt.Key.Key_Return)  # applied at once, not after the delay


def _shown_column(panel, column: str) -> list[str]:
    model = panel.model
    j = model.table.column_index(column)
    return [str(model.index(r, j).data(DISPLAY)) for r in range(model.rowCount())]


# -- the detail pane --------------------------------------------------------------------------
def test_detail_pane_shows_the_whole_finding(tab):
    f = _select_finding(tab, "RULE-SSN-IMPOSSIBLE")
    text = tab.detail.text()
    assert " ".join(f.message.split()) in " ".join(text.split())  # the full message, not cut
    rule = rule_for(f.code)
    assert rule is not None and rule.title in text
    for attr in ("source", "fix"):
        value = getattr(rule, attr, "") or ""
        if value:
            assert " ".join(value.split()) in " ".join(text.split())
    # the member: name and ids
    assert "AVA" in text and "PATEL" in text and f"#{PATEL_POS}" in text
    assert "Subscriber ID 0274540375" in text and "Member ID 0718591607" in text
    # both positions: in the file, and in its transaction set (what a 999's IK3 counts)
    assert "segment 240 of the file, 238 of its transaction (the 999's IK3 position)" in text
    # the segment, every element named from the guide
    assert "NM1*IL*1*PATEL*AVA" in text
    for label in ("NM101", "NM103", "NM108", "NM109"):
        assert label in text
    assert "Member Last Name" in text and "Member Identifier" in text
    assert "element NM109 (Member Identifier)" in text


def test_detail_pane_follows_the_findings_and_clears(tab):
    first = _select_finding(tab, "RULE-DUP-MEMBER")
    assert "RULE-DUP-MEMBER" in tab.detail.text() and "TURNER" in tab.detail.text()
    assert first.segment is not None
    assert f"segment {first.segment} of the file" in tab.detail.text()
    _select_finding(tab, "RULE-AMOUNT-NEGATIVE")
    text = tab.detail.text()
    assert "RULE-AMOUNT-NEGATIVE" in text and "RULE-DUP-MEMBER" not in text
    assert "PEREZ" in text and "REF02" in text
    tab.detail.show_finding(None)
    assert "Select a finding" in tab.detail.text()


def test_detail_pane_stays_masked(tab):
    window = tab.window()
    _select_finding(tab, "RULE-SSN-IMPOSSIBLE")
    assert PATEL_SSN in tab.detail.text()
    _mask(window, names=True)
    text = tab.detail.text()
    assert PATEL_SSN not in text and "PATEL" not in text
    assert "1955-12-16" not in text and "19551216" not in text
    assert "***" in text and "Member Identifier" in text  # still named, only the value masked
    window.actions_.mask_phi.setChecked(False)
    assert PATEL_SSN in tab.detail.text()


def test_segments_show_element_names_on_hover(tab):
    model = tab.segments.model
    tip = model.index(PATEL_NM1 - 1, TEXT).data(TOOLTIP)
    assert tip and "NM103 Member Last Name: PATEL" in tip
    assert f"NM109 Member Identifier: {PATEL_SSN}" in tip
    assert "RULE-SSN-IMPOSSIBLE" in tip or "SSN" in tip.split("\n")[0]  # its finding first
    dmg = model.index(int(tab.prepared.doc.members["seg_dmg"].iat[PATEL_ROW]) - 1, TEXT)
    assert "DMG02 Member Birth Date: 19551216" in dmg.data(TOOLTIP)
    isa = model.index(0, TEXT).data(TOOLTIP)
    assert "ISA01" in isa and "Authorization Information Qualifier" in isa
    _mask(tab.window())
    masked = model.index(PATEL_NM1 - 1, TEXT).data(TOOLTIP)
    shown = model.text(PATEL_NM1).split("*")[9]
    assert shown != PATEL_SSN and shown.endswith("8638")
    assert PATEL_SSN not in masked and f"NM109 Member Identifier: {shown}" in masked
    assert "19551216" not in dmg.data(TOOLTIP)


# -- the findings list follows the selected member --------------------------------------------
def test_findings_follow_the_selected_member(tab):
    members = tab.members
    members.select_view_row(members.model.view_row(PATEL_ROW))
    current = tab.findings.view.currentIndex()
    assert current.isValid()
    assert tab.findings.model.finding(current.row()).member_pos == PATEL_POS
    assert "PATEL" in tab.detail.text()
    total = tab.findings.model.rowCount()
    tab.findings.only_member.setChecked(True)
    model = tab.findings.model
    assert 0 < model.rowCount() < total
    assert {model.finding(r).member_pos for r in range(model.rowCount())} == {PATEL_POS}
    # another member: the filter follows it
    turner = tab.prepared.doc.members.index[tab.prepared.doc.members["last_name"] == "TURNER"]
    members.select_view_row(members.model.view_row(int(turner[-1])))
    assert {model.finding(r).member_pos for r in range(model.rowCount())} == {int(turner[-1]) + 1}
    tab.findings.only_member.setChecked(False)
    assert model.rowCount() == total


# -- search across every field ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27711", {"PATEL"}),  # ZIP
        ("asheville", {"ORTIZ"}),  # city, any case
        ("1955-12-16", {"PATEL"}),  # birth date as shown
        ("19551216", {"PATEL"}),  # as in the file
        ("12/16/1955", {"PATEL"}),  # as a US date
        ("0718591607", {"PATEL"}),  # member id
    ],
)
def test_members_search_every_field(tab, qtbot, text, expected):
    _search(tab.members, qtbot, text)
    names = set(_shown_column(tab.members, "last_name"))
    assert names == expected
    if text == "asheville":
        assert tab.members.model.rowCount() == 3


def test_coverage_search_by_plan_and_amount(tab, qtbot):
    doc = tab.prepared.doc
    tab.members.select_view_row(tab.members.model.view_row(1))  # PARKER, LIAM: PLATINUM 500
    assert tab.coverage.only_selected.isChecked()
    assert _shown_column(tab.coverage, "member_name") == ["PARKER, LIAM"]
    # a search looks through every coverage, not only the selected member's
    _search(tab.coverage, qtbot, "BRONZE HSA")
    expected = int(doc.coverage["plan"].str.contains("BRONZE HSA").sum())
    assert tab.coverage.model.rowCount() == expected > 1
    assert {p for p in _shown_column(tab.coverage, "plan")} == {"BRONZE HSA 6500"}
    _search(tab.coverage, qtbot, "GOLD 1500")
    assert tab.coverage.model.rowCount() == int((doc.coverage["plan"] == "GOLD 1500").sum()) > 0
    assert set(_shown_column(tab.coverage, "plan")) == {"GOLD 1500"}
    _search(tab.coverage, qtbot, "303.46")
    assert tab.coverage.model.rowCount() == 1
    assert _shown_column(tab.coverage, "member_name") == ["HUGHES, JACK"]
    _search(tab.coverage, qtbot, "-35.21")
    assert _shown_column(tab.coverage, "member_name") == ["PEREZ, SOFIA"]
    _search(tab.coverage, qtbot, "2027-01-01 platinum")  # every word, in any column
    assert tab.coverage.model.rowCount() == int(
        (
            doc.coverage["plan"].str.contains("PLATINUM")
            & (doc.coverage["benefit_begin"] == "2027-01-01")
        ).sum()
    )
    _search(tab.coverage, qtbot, "")  # no search: the selected member's coverage again
    assert _shown_column(tab.coverage, "member_name") == ["PARKER, LIAM"]
    tab.coverage.only_selected.setChecked(False)
    assert tab.coverage.model.rowCount() == len(doc.coverage)


def test_findings_search_by_member_name(tab, qtbot):
    model = tab.findings.model
    total = model.rowCount()
    _search(tab.findings, qtbot, "patel")
    assert 0 < model.rowCount() < total
    assert {model.finding(r).member_pos for r in range(model.rowCount())} == {PATEL_POS}
    _search(tab.findings, qtbot, "TURNER, RUTH")
    assert model.rowCount() >= 1 and all(
        model.finding(r).code == "RULE-DUP-MEMBER" for r in range(model.rowCount())
    )
    _search(tab.findings, qtbot, "")
    assert model.rowCount() == total


# -- Ctrl+C -----------------------------------------------------------------------------------
def _select_rows(panel, rows: list[int]) -> None:
    view = panel.view
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().clearSelection()
    for r in rows:
        view.selectionModel().select(view.model().index(r, 0), flags)


def _expected_tsv(panel, rows: list[int]) -> list[list[str]]:
    view, model = panel.view, panel.view.model()
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(v)
        for v in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(v))
    ]
    lines = [[str(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns]]
    for r in rows:
        lines.append(
            [
                "" if model.index(r, c).data(DISPLAY) is None else str(model.index(r, c).data())
                for c in columns
            ]
        )
    return lines


def _clipboard_rows() -> list[list[str]]:
    text = QApplication.clipboard().text()
    assert text.endswith("\n")
    return [line.split("\t") for line in text.rstrip("\n").split("\n")]


def test_copy_action_puts_rows_with_headers_as_tsv(tab):
    QApplication.clipboard().clear()
    panel = tab.members
    _select_rows(panel, [0, 1])
    panel.copy_action.trigger()
    rows = _clipboard_rows()
    assert rows == _expected_tsv(panel, [0, 1])
    assert rows[0][:3] == ["#", "Issues", "Last name"]
    assert {"HUGHES", "JACK", "0897181846"} <= set(rows[1])
    assert {"PARKER", "LIAM", "0104729003"} <= set(rows[2])
    assert len(rows) == 3 and len({len(r) for r in rows}) == 1


def test_ctrl_c_on_the_view_copies_the_selection(tab, qtbot):
    window = tab.window()
    panel = tab.members
    _select_rows(panel, [PATEL_ROW, PATEL_ROW + 1])
    window.activateWindow()
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus, timeout=2000)
    QApplication.clipboard().clear()
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    rows = _clipboard_rows()
    assert rows == _expected_tsv(panel, [PATEL_ROW, PATEL_ROW + 1])
    assert "PATEL" in rows[1] and PATEL_SSN in rows[1]
    # masked: the clipboard gets what the table shows
    _mask(window, names=True)
    QApplication.clipboard().clear()
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    masked = QApplication.clipboard().text()
    assert masked.count("\n") == 3
    assert PATEL_SSN not in masked and "PATEL" not in masked and "1955-12-16" not in masked


def test_copy_from_the_findings_list(tab):
    panel = tab.findings
    row = _finding_row(tab, "RULE-SSN-IMPOSSIBLE")
    panel.select_view_row(row)
    panel.copy_action.trigger()
    rows = _clipboard_rows()
    assert rows[0][:3] == ["Severity", "Code", "Member"]
    assert len(rows) == 2 and "RULE-SSN-IMPOSSIBLE" in rows[1]


# -- Ctrl+W / Ctrl+F4 -------------------------------------------------------------------------
def test_close_shortcuts_are_unambiguous(window):
    keys = [k.toString() for k in window.actions_.close_tab.shortcuts()]
    assert "Ctrl+W" in keys and "Ctrl+F4" in keys
    assert len(keys) == len(set(keys))
    everywhere: dict[str, list[str]] = {}
    for action in window.findChildren(type(window.actions_.close_tab)):
        if action.shortcutContext() != Qt.ShortcutContext.WidgetShortcut:
            for key in action.shortcuts():
                everywhere.setdefault(key.toString(), []).append(action.objectName())
    assert everywhere["Ctrl+W"] == ["actionClose"]
    assert everywhere["Ctrl+F4"] == ["actionClose"]


@pytest.mark.parametrize("key", ["Ctrl+W", "Ctrl+F4"])
def test_ctrl_w_and_ctrl_f4_close_the_tab(qtbot, window, demo_copy, tmp_path, key, qtlog):
    other = _copy(tmp_path, "other.834")
    open_and_wait(qtbot, window, demo_copy)
    open_and_wait(qtbot, window, other)
    assert window.tabs.count() == 2
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    sequence = QKeySequence(key)
    combo = sequence[0]
    qtbot.keyClick(window.current_tab(), combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=2000)
    assert window.current_tab().path == demo_copy.resolve()
    qtbot.keyClick(window.current_tab(), combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: window.tabs.count() == 0, timeout=2000)
    assert not [r for r in qtlog.records if "Ambiguous shortcut" in r.message]


# -- the status line is the current tab's -----------------------------------------------------
def test_status_bar_shows_the_current_tabs_own_status(qtbot, window, demo_copy, tmp_path):
    small = SAMPLES / "linuxforhealth-x12__enroll-employee-multiple-products.834"
    if not small.exists():
        pytest.skip("public sample not available")
    first = open_and_wait(qtbot, window, demo_copy, validated=True)
    second = open_and_wait(qtbot, window, small, validated=True)
    assert first.last_status and second.last_status
    assert first.last_status != second.last_status
    bar = window.statusBar()
    assert window.current_tab() is second
    window.tabs.setCurrentWidget(first)
    assert bar.currentMessage() == first.last_status
    window.tabs.setCurrentWidget(second)
    assert bar.currentMessage() == second.last_status
    # a background tab's news does not take over the status bar
    first.status_changed.emit("news from the other tab")
    assert first.last_status == "news from the other tab"
    assert bar.currentMessage() != "news from the other tab"
    window.tabs.setCurrentWidget(first)
    assert bar.currentMessage() == "news from the other tab"
    # closing the shown tab: the one shown next brings its own status back
    second.status_changed.emit("second's own news")
    window.actions_.close_tab.trigger()
    assert window.current_tab() is second
    assert bar.currentMessage() == "second's own news"


# -- an unsupported guide is said once --------------------------------------------------------
@pytest.mark.parametrize("name", [X307, "oopfactory-x12parser__4010_Example1_IG.txt"])
def test_an_unsupported_guide_is_reported_once(qtbot, make_window, name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("public sample not available")
    window = make_window(use_pyx12=True)
    tab = open_and_wait(qtbot, window, path, validated=True)
    model = tab.findings.model
    about_guide = [
        model.finding(r)
        for r in range(model.rowCount())
        if model.finding(r).code in ("IG-GUIDE-UNSUPPORTED", "ENV-GUIDE-VERSION")
    ]
    assert len(about_guide) == 1, [f.code for f in about_guide]
    assert "not checked against its guide" in about_guide[0].message


# -- nothing cut off at 1024x700 --------------------------------------------------------------
def _fits(view, column: int, text: str, margin: int = 8) -> bool:
    return view.horizontalHeader().sectionSize(column) >= (
        view.fontMetrics().horizontalAdvance(text) + margin
    )


def test_columns_and_counts_fit_at_1024x700(qtbot, make_window, demo_copy):
    window = make_window(False)
    window.resize(1024, 700)
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    qtbot.wait(50)
    view, model = tab.findings.view, tab.findings.model
    for r in range(model.rowCount()):
        code = str(model.index(r, CODE).data(DISPLAY))
        assert _fits(view, CODE, code, 16), code
        assert _fits(view, MEMBER, str(model.index(r, MEMBER).data(DISPLAY)), 8)
    # the longest code of any rule fits too
    from inspector.core.validation.rules import RULES

    longest = max((r.code for r in RULES), key=len)
    assert _fits(view, CODE, longest, 16), longest
    # the message column is on screen and wide enough to read
    header = view.horizontalHeader()
    assert not header.isSectionHidden(MESSAGE)
    assert header.sectionViewportPosition(MESSAGE) < view.viewport().width()
    assert header.sectionSize(MESSAGE) >= view.fontMetrics().horizontalAdvance("M" * 12)
    for panel in (tab.members, tab.coverage, tab.findings, tab.segments):
        label = panel.count
        if label.isVisible() and label.text():
            assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()), (
                panel.title.text(),
                label.text(),
                label.width(),
            )


def test_five_digit_positions_fit(qtbot, make_window, tmp_path):
    from tests.support.synthetic import write_834

    path = tmp_path / "wide.834"
    write_834(path, 10_050)
    window = make_window(False)
    window.resize(1024, 700)
    with qtbot.waitSignal(window.document_loaded, timeout=LOAD_TIMEOUT_MS + VALIDATION_TIMEOUT_MS):
        window.open_paths([path])
    tab = window.tab_for(path.resolve())
    members = tab.members
    j = members.model.table.column_index("member_pos")
    last = str(members.model.index(members.model.rowCount() - 1, j).data(DISPLAY))
    assert len(last.replace(",", "")) >= 5
    assert _fits(members.view, j, last, 8), (last, members.view.horizontalHeader().sectionSize(j))
    coverage = tab.coverage
    k = coverage.model.table.column_index("coverage_pos")
    last_cov = str(coverage.model.index(coverage.model.rowCount() - 1, k).data(DISPLAY))
    assert _fits(coverage.view, k, last_cov, 8), last_cov
    segments = tab.segments
    ordinal = str(segments.model.rowCount())
    assert _fits(segments.view, 0, ordinal, 8)


# -- more of the same, on other files ---------------------------------------------------------
def test_copy_cells_gives_only_their_columns(tab):
    panel = tab.members
    view, model = panel.view, panel.model
    j = model.table.column_index("zip")
    flags = QItemSelectionModel.SelectionFlag.Select
    view.selectionModel().clearSelection()
    for r in (0, 1):
        view.selectionModel().select(model.index(r, j), flags)
    panel.copy_action.trigger()
    assert _clipboard_rows() == [["ZIP"], ["27719"], ["27621"]]


def test_a_truncated_files_missing_trailers_are_no_members_findings(qtbot, window, tmp_path):
    segs = demo_path().read_text(encoding="ascii").split("~\n")
    path = tmp_path / "cut.834"
    path.write_text("~\n".join(segs[:-6]) + "~\n", encoding="ascii")  # ends in a 2750 REF
    tab = open_and_wait(qtbot, window, path, validated=True)
    model = tab.findings.model
    missing = [
        model.finding(r)
        for r in range(model.rowCount())
        if model.finding(r).code.startswith("ENV-MISSING-")
    ]
    assert {f.code for f in missing} == {"ENV-MISSING-SE", "ENV-MISSING-GE", "ENV-MISSING-IEA"}
    assert all(f.member_pos is None for f in missing)
    last = len(tab.prepared.doc.members)
    own = [model.finding(r) for r in range(model.rowCount()) if model.finding(r).member_pos == last]
    members = tab.prepared.index.members
    assert int(members.errors[last - 1]) == sum(1 for f in own if f.severity == "error")
    assert not any(f.code.startswith("ENV-") for f in members.findings.get(last - 1, []))
    coverage = tab.prepared.index.coverage
    assert not any(
        f.code.startswith("ENV-MISSING") for found in coverage.findings.values() for f in found
    )
    # the detail pane: the envelope's finding, no member
    tab.findings.select_view_row(_finding_row(tab, "ENV-MISSING-SE"))
    text = tab.detail.text()
    assert "Member: none" in text and "ENV-MISSING-SE" in text


def test_positions_in_a_later_transaction_set(qtbot, window):
    path = SAMPLES / "x12-types__parse_834_2_emedny-MCE834Sample_2.txt"
    if not path.exists():
        pytest.skip("public sample not available")
    from inspector.core.findings import Finding

    tab = open_and_wait(qtbot, window, path, validated=True)
    third = tab.prepared.doc.structure.transactions[2]
    o = third.st + 5
    tab.detail.show_finding(Finding("warning", "X-TEST", "a test finding", segment=o))
    text = tab.detail.text()
    assert f"segment {o} of the file, 6 of its transaction (the 999's IK3 position)" in text
    # a trailer between two sets (GE, IEA) is in no transaction set
    tab.detail.show_finding(Finding("warning", "X-TEST", "x", segment=len(tab.prepared.doc.store)))
    assert "of its transaction" not in tab.detail.text()


def test_a_4010_file_is_named_from_its_own_guide(qtbot, window):
    path = SAMPLES / "pyx12__x12testdata_834_lui_id_4010.txt"
    if not path.exists():
        pytest.skip("public sample not available")
    tab = open_and_wait(qtbot, window, path, validated=True)
    tip = tab.segments.model.index(12, TEXT).data(TOOLTIP)  # NM1*IL at segment 13
    assert "NM103 Subscriber Last Name: DOE" in tip
    assert "NM109 Subscriber Identifier: 999999999" in tip


def test_selecting_a_member_scrolls_the_findings_to_it(qtbot, window, tmp_path):
    from tests.support.synthetic import DEFECTS, write_834

    path = write_834(tmp_path / "many.834", 300, defects=DEFECTS)
    tab = open_and_wait(qtbot, window, path, validated=True)
    model, view = tab.findings.model, tab.findings.view
    assert model.rowCount() > 20  # more than the list shows at once
    last = next(
        model.finding(r)
        for r in reversed(range(model.rowCount()))
        if model.finding(r).member_pos is not None
    )
    tab.members.select_view_row(tab.members.model.view_row(last.member_pos - 1))
    current = view.currentIndex()
    assert model.finding(current.row()).member_pos == last.member_pos
    assert view.viewport().rect().intersects(view.visualRect(current))  # scrolled to it
    assert f"#{last.member_pos}" in tab.detail.text()
