"""The Overview page: first after loading, counts that match the tables, a bar click that filters
the members to one rule, "checking…" while the checks run."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from inspector.core.export.overview import members_with_rule
from inspector.core.findings import Finding
from inspector.gui.panels.overview import CHECKING, _money
from inspector.resources import demo_path
from tests.gui.conftest import open_and_wait


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    path = tmp_path / "in" / "demo.834"
    path.parent.mkdir()
    shutil.copyfile(demo_path(), path)
    return path


def _value(tab, key: str) -> str:
    return tab.overview.tiles[key].value.text()


def _shown_member_positions(tab) -> set[int]:
    model = tab.members.model
    positions = model.table.member_pos
    return {int(positions[model.source_row(r)]) for r in range(model.rowCount())}


def test_the_overview_comes_first_and_its_counts_match_the_tables(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    assert tab.views.currentWidget() is tab.overview
    assert tab.overview.isVisible() and not tab.members.view.isVisible()
    members = tab.prepared.doc.members
    assert _value(tab, "members") == f"{tab.members.model.rowCount():,}" == f"{len(members):,}"
    codes = members["maintenance_type"].str[:3]
    assert _value(tab, "adds") == f"{int((codes == '021').sum()):,}"
    assert _value(tab, "changes") == f"{int((codes == '001').sum()):,}"
    terms_and_cancels = int(_value(tab, "terms")) + int(_value(tab, "cancels"))
    assert terms_and_cancels == int((codes == "024").sum())
    found = tab.prepared.index.findings
    errors = {f.member_pos for f in found if f.severity == "error" and f.member_pos}
    warnings = {f.member_pos for f in found if f.severity == "warning" and f.member_pos}
    assert errors, "the demo has members with errors"
    assert _value(tab, "errors") == f"{len(errors):,}"
    assert _value(tab, "warnings") == f"{len(warnings):,}"
    # the members table's own filter agrees with the tile
    tab.members.severity.setCurrentIndex(1)  # "With errors"
    assert tab.members.model.rowCount() == len(errors)
    tab.members.severity.setCurrentIndex(0)
    # amounts: the coverage table's 2750 columns, each member once
    once = tab.prepared.doc.coverage.drop_duplicates("member_pos")
    for category, key in (("PRE AMT TOT", "PRE_AMT_TOT"), ("APTC AMT", "APTC_AMT")):
        cents = round(
            once[category].replace("", "0").astype(float).mul(100).round().astype(int).sum()
        )
        tile = tab.overview.findChild(type(tab.overview.tiles["members"]), f"overview_amount_{key}")
        assert tile is not None, category
        assert tile.value.text() == _money(cents)
    table = tab.overview.rule_table
    assert table.rowCount() == len(tab.overview.problems.by_rule)
    codes_shown = {table.item(r, 0).text() for r in range(table.rowCount())}
    assert codes_shown == {f.code for f in found}


def test_a_bar_click_shows_exactly_the_members_with_that_rule(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    overview = tab.overview
    chart = overview.rule_chart
    assert chart.labels, "the demo has problems to chart"
    found = tab.prepared.index.findings
    for row in range(len(chart.labels)):
        tab.show_overview()
        overview.on_bar_clicked(row)  # what a click on bar ``row`` calls
        rule = overview._rules.iloc[row]
        expected = members_with_rule(found, rule["Code"], rule["Severity"])
        assert tab.views.currentWidget() is tab.outer
        assert _shown_member_positions(tab) == expected
        assert tab.members.model.rowCount() == rule["Members"]
        chip = tab.members.rule_chip
        assert chip.isVisible() and rule["Code"] in chip.text()
    qtbot.mouseClick(tab.members.rule_chip, Qt.MouseButton.LeftButton)
    assert not tab.members.rule_chip.isVisible()
    assert tab.members.model.rowCount() == len(tab.prepared.doc.members)


def test_a_real_mouse_click_on_a_bar_filters_the_members(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    chart = tab.overview.rule_chart
    last = len(chart.labels) - 1
    with qtbot.waitSignal(chart.bar_clicked, timeout=2000) as clicked:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.row_centre(last))
    assert clicked.args == [last]
    rule = tab.overview._rules.iloc[last]
    assert tab.views.currentWidget() is tab.outer
    assert tab.members.model.rule_filter == (rule["Code"], rule["Severity"])
    assert tab.members.model.rowCount() == rule["Members"]


def test_the_rule_filter_clears_the_other_filters_and_ctrl_0_returns(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    tab.members.filter_box.setText("zzzz-no-such-member")
    tab.members.filter_box.returnPressed.emit()
    assert tab.members.model.rowCount() == 0
    tab.show_overview()
    tab.overview.on_bar_clicked(0)
    assert tab.members.model.rowCount() == tab.overview._rules.iloc[0]["Members"] > 0
    assert tab.members.filter_box.text() == ""
    window.actions_.overview.trigger()
    assert tab.views.currentWidget() is tab.overview
    window.actions_.view_actions[0].trigger()  # Ctrl+1: the members table again
    assert tab.views.currentWidget() is tab.outer


def test_checking_is_shown_while_the_checks_run(qtbot, window, demo_copy):
    seen: list[tuple[str, str]] = []

    def on_loaded(path) -> None:  # the first moment the overview is shown
        tab = window.tab_for(path)
        seen.append((_value(tab, "errors"), _value(tab, "warnings")))

    window.document_loaded.connect(on_loaded)
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    assert seen == [(CHECKING, CHECKING)]  # not "0" before a single finding is in
    assert _value(tab, "errors") != CHECKING
    # findings streaming in while the checks still run: the count so far, marked as partial
    overview = tab.overview
    overview.set_running(True)
    overview.refresh()
    assert overview.tiles["errors"].note.text().endswith(CHECKING)
    overview.set_running(False)
    assert not overview.tiles["errors"].note.text().endswith(CHECKING)


def test_the_overview_follows_findings_as_they_arrive(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    before = int(_value(tab, "errors"))
    clean = next(
        p
        for p in tab.prepared.doc.members["member_pos"]
        if p not in {f.member_pos for f in tab.prepared.index.findings}
    )
    batch = [Finding("error", "X-TEST", "invented", member_pos=int(clean), segment=1)]
    tab.prepared.index.add(batch)
    tab.overview.findings_changed()
    qtbot.waitUntil(lambda: _value(tab, "errors") == f"{before + 1:,}", timeout=10_000)
    assert "X-TEST" in tab.overview.rule_chart.labels


def test_the_rule_filter_follows_new_findings(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    model = tab.members.model
    tab.members.show_rule("X-LATE", "error", "arrives later")
    assert model.rowCount() == 0 and model.filters_by_findings
    positions = [int(p) for p in np.asarray(tab.prepared.doc.members["member_pos"])[:3]]
    tab.prepared.index.add([Finding("error", "X-LATE", "late", member_pos=p) for p in positions])
    tab.members.refresh_after_findings()
    assert _shown_member_positions(tab) == set(positions)


def test_the_make_up_chart_switches_between_plan_and_maintenance_type(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True, overview=True)
    overview = tab.overview
    plans = overview.makeup_chart.labels
    assert len(plans) == min(len(overview.problems.by_plan), 9) and "GOLD 1500 -01" in plans
    overview.makeup_by.setCurrentIndex(1)
    assert overview.makeup_chart.labels == overview.problems.by_action["Action"].tolist()


def test_the_overview_follows_corrections(qtbot, window, demo_copy, monkeypatch):
    from inspector.gui.main_window import MainWindow
    from tests.gui.test_editing_gui import BAD_ROW, EDIT, REVALIDATE_MS, _cell

    # closing with unsaved corrections would ask (a modal dialog offscreen): discard them
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    adds, changes = int(_value(tab, "adds")), int(_value(tab, "changes"))
    model = tab.members.model
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert model.setData(_cell(tab, BAD_ROW, "birth_date"), "19810228", EDIT)
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert model.setData(_cell(tab, 0, "maintenance_type"), "001", EDIT)
    tab.show_overview()  # recounted when shown
    found = tab.prepared.index.findings
    errors = {f.member_pos for f in found if f.severity == "error" and f.member_pos}
    qtbot.waitUntil(lambda: _value(tab, "errors") == f"{len(errors):,}", timeout=10_000)
    assert (int(_value(tab, "adds")), int(_value(tab, "changes"))) == (adds - 1, changes + 1)
