"""Set field for selected rows and Fix all like this, through the window (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel

from inspector.gui.editing.bulk_commands import (
    BulkCommands,
    SetFieldDialog,
    fix_all_preview,
    set_field_preview,
)
from inspector.gui.main_window import MainWindow
from tests.core.editing.test_fix_all import faulty_bytes
from tests.gui.conftest import open_and_wait

STEP_MS = 30_000


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(BulkCommands, "ask_field", lambda self, table, columns, n: None)
    monkeypatch.setattr(BulkCommands, "confirm_set_field", lambda self, result: False)
    monkeypatch.setattr(BulkCommands, "confirm_fix_all", lambda self, plan: False)


def _select(view, rows) -> None:
    model = view.model()
    selection = QItemSelection()
    for r in rows:
        selection.select(model.index(r, 0), model.index(r, model.columnCount() - 1))
    view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def _diff_segments(a: bytes, b: bytes) -> set[int]:
    sa, sb = a.split(b"~"), b.split(b"~")
    assert len(sa) == len(sb)
    return {i for i, (x, y) in enumerate(zip(sa, sb), start=1) if x != y}


def test_set_field_for_selected_rows_previews_and_applies_one_step(
    qtbot, window, demo_copy, monkeypatch
):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    original = demo_copy.read_bytes()
    editing = tab.editing
    view = tab.members.view
    _select(view, [0, 1, 2])
    rows = editing.selected_rows("members")
    assert len(rows) == 3
    assert editing.set_field_actions["members"].text() == "Set Field for 3 Selected Rows…"
    assert editing.set_field_actions["members"] in view.actions()
    seen = {}

    def ask(self, table, columns, n):
        dialog = SetFieldDialog(table, columns, n, window)
        qtbot.addWidget(dialog)
        assert "phone" not in columns and "birth_date" in columns
        dialog.choose("birth_date")
        assert dialog.value_editor.objectName() == "setFieldValue"
        dialog.set_value("1980-02-29")
        seen["asked"] = (table, n)
        return str(dialog.column.currentData()), dialog.value()

    def confirm(self, result):
        dialog = set_field_preview(result, self._row_label(result.table), None, window)
        qtbot.addWidget(dialog)
        seen["summary"] = dialog.summary.text()
        seen["listed"] = dialog.table.rowCount()
        assert editing.editor.session.corrected_bytes() == original  # nothing changed yet
        return True

    monkeypatch.setattr(BulkCommands, "ask_field", ask)
    monkeypatch.setattr(BulkCommands, "confirm_set_field", confirm)
    view.setFocus()
    with qtbot.waitSignal(editing.bulk.applied, timeout=STEP_MS):
        window.actions_.set_field.trigger()
    assert seen["asked"] == ("members", 3)
    assert "3 row(s) will change" in seen["summary"] and seen["listed"] == 3
    session = editing.editor.session
    assert len(session.history) == 1 and editing.history_model.rowCount() == 1
    members = session.doc.members
    dmg = {int(members["seg_dmg"].iat[r]) for r in rows}
    assert _diff_segments(original, session.corrected_bytes()) == dmg
    assert [members["birth_date"].iat[r] for r in rows] == ["1980-02-29"] * 3
    # what the table shows now
    column = tab.members.model.table.column_index("birth_date")
    shown = {tab.members.model.index(r, column).data() for r in range(3)}
    assert shown == {"1980-02-29"}
    window.actions_.undo.trigger()
    assert session.corrected_bytes() == original


def test_a_refused_value_is_listed_and_nothing_is_applied(qtbot, window, demo_copy, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy)
    original = demo_copy.read_bytes()
    editing = tab.editing
    _select(tab.members.view, [0, 1])
    seen = {}
    monkeypatch.setattr(BulkCommands, "ask_field", lambda self, t, c, n: ("birth_date", "19810229"))

    def confirm(self, result):
        dialog = set_field_preview(result, self._row_label(result.table), None, window)
        qtbot.addWidget(dialog)
        seen["text"] = dialog.summary.text()
        seen["why"] = dialog.table.item(0, 2).text()
        seen["apply"] = dialog.apply_button.isEnabled()
        return True

    monkeypatch.setattr(BulkCommands, "confirm_set_field", confirm)
    with qtbot.waitSignal(editing.bulk.failed, timeout=STEP_MS) as blocker:
        editing.set_field_for_selection("members")
    assert "2 row(s) are refused" in seen["text"] and "28 days" in seen["why"]
    assert seen["apply"] is False
    assert "nothing was applied" in blocker.args[0]
    assert not editing.editor.session.history
    assert editing.editor.session.corrected_bytes() == original


def test_fix_all_like_this_previews_exactly_what_it_applies(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "in" / "faulty.834"
    path.parent.mkdir()
    original = faulty_bytes()
    path.write_bytes(original)
    tab = open_and_wait(qtbot, window, path, validated=True)
    editing = tab.editing
    model = tab.findings.model
    rows = [r for r in range(model.rowCount()) if model.finding(r).code == "RULE-DATE-INVALID"]
    assert rows
    finding = model.finding(rows[0])
    assert editing.fix_all_text(finding) == "Fix All 3 Like This…"
    dup = next(r for r in range(model.rowCount()) if model.finding(r).code == "RULE-DUP-MEMBER")
    assert editing.fix_all_text(model.finding(dup)) is None  # no fix the file determines
    seen = {}

    def confirm(self, plan):
        dialog = fix_all_preview(plan, self._member_label, None, window)
        qtbot.addWidget(dialog)
        seen["rows"] = [
            tuple(dialog.table.item(r, c).text() for c in range(5))
            for r in range(dialog.table.rowCount())
        ]
        seen["summary"] = dialog.summary.text()
        seen["plan"] = [(p.segment, p.element, p.before, p.after) for p in plan.fixes]
        return True

    monkeypatch.setattr(BulkCommands, "confirm_fix_all", confirm)
    with qtbot.waitSignal(editing.editor.revalidation_finished, timeout=STEP_MS):
        editing.fix_all_like(finding)
    assert seen["plan"] == [(18, "DMG02", "2011-08-15", "20110815")]
    assert seen["rows"][0][1:] == ("DMG 18", "DMG02", "2011-08-15", "20110815")
    assert "2 finding(s) are left as they are" in seen["summary"]
    session = editing.editor.session
    applied = [(c.segment, c.element, c.old, c.new) for c in session.net_changes()]
    assert applied == seen["plan"]
    assert _diff_segments(original, session.corrected_bytes()) == {18}
    # the re-check replaced the member's findings: the fixed one is gone, the others stay
    left = [model.finding(r) for r in range(model.rowCount())]
    assert {f.segment for f in left if f.code == "RULE-DATE-INVALID"} == {37, 748}
    assert len(session.history) == 1
    window.actions_.undo.trigger()
    assert session.corrected_bytes() == original


def test_the_detail_pane_offers_fix_all_for_a_fixable_finding(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "faulty.834"
    path.write_bytes(faulty_bytes())
    tab = open_and_wait(qtbot, window, path, validated=True)
    model, pane = tab.findings.model, tab.detail
    fixable_row = next(
        r for r in range(model.rowCount()) if model.finding(r).code == "RULE-DATE-INVALID"
    )
    other_row = next(
        r for r in range(model.rowCount()) if model.finding(r).code == "RULE-DUP-MEMBER"
    )
    pane.show_finding(model.finding(other_row))
    assert pane.fix_button.isHidden()  # the rule has no fix
    undetermined = next(
        model.finding(r)
        for r in range(model.rowCount())
        if model.finding(r).code == "RULE-DATE-INVALID" and model.finding(r).segment == 37
    )
    pane.show_finding(undetermined)
    assert pane.fix_button.isHidden()  # the rule has one, but the file does not determine it
    pane.show_finding(model.finding(fixable_row))
    assert not pane.fix_button.isHidden()
    assert pane.fix_button.text() == "Fix All 3 Like This…"
    asked = []
    monkeypatch.setattr(
        BulkCommands, "confirm_fix_all", lambda self, plan: asked.append(len(plan.fixes))
    )
    pane.fix_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=STEP_MS)
    assert asked == [1]  # the same plan the findings menu previews (one the file determines)
    assert not tab.editing.editor.session.history  # declined: nothing changed
    pane.clear()
    assert pane.fix_button.isHidden()
