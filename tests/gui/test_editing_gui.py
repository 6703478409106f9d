"""Corrections in the desktop app: cell and segment edits, undo/redo, history, the dirty marker,
the close prompt, the crash journal and the exports (offscreen, on a copy of the demo file)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QValidator
from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView

from inspector.gui.editing.controller import RECOVERY_FIRST
from inspector.gui.export_actions import VISIBLE, Exporter
from inspector.gui.main_window import MainWindow
from inspector.gui.models.elements_model import VALUE
from inspector.gui.models.roles import CLEAN, SEVERITY_ROLE
from inspector.resources import demo_path
from tests.gui.conftest import open_and_wait

BAD_ROW, BAD_POS, BAD_SEGMENT = 27, 28, 748  # member 28: DMG*D8*19810231 (see the manifest)
BAD_DMG, GOOD_DMG = b"DMG*D8*19810231*F*D", b"DMG*D8*19810228*F*D"
GENDER_SEGMENT = 841  # member 32: DMG03 = X, not a gender code
REVALIDATE_MS = 10_000
EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    """No modal dialog may open offscreen: prompts answer "discard", file dialogs nothing.

    Autouse, so it is undone only after the windows were closed."""
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(Exporter, "choose_save_path", lambda self, *a: None)
    monkeypatch.setattr(Exporter, "choose_rows", lambda self, *a: VISIBLE)


def _open(qtbot, window, path):
    return open_and_wait(qtbot, window, path, validated=True)


def _member_findings(tab, pos=BAD_POS) -> list[str]:
    return [f.code for f in tab.findings.model.findings if f.member_pos == pos]


def _cell(tab, source_row: int, column: str):
    model = tab.members.model
    return model.index(model.view_row(source_row), model.table.column_index(column))


def _edit_birth_date(qtbot, tab, value: str = "19810228") -> bool:
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        ok = tab.members.model.setData(_cell(tab, BAD_ROW, "birth_date"), value, EDIT)
    return ok


def _save_to(window, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(window.exporter, "choose_save_path", lambda *a: path)


def test_editing_a_cell_through_the_view_fixes_the_finding_and_the_tint(qtbot, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    view, model = tab.members.view, tab.members.model
    index = _cell(tab, BAD_ROW, "birth_date")
    assert "RULE-DATE-INVALID" in _member_findings(tab)
    assert index.data(SEVERITY_ROLE) != CLEAN and index.data(Qt.ItemDataRole.BackgroundRole)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    for derived in ("other_dates", "member_ids", "member_pos"):  # composite: read-only
        assert not model.flags(_cell(tab, BAD_ROW, derived)) & Qt.ItemFlag.ItemIsEditable

    view.scrollTo(index)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit) and editor.text() == "1981-02-31"  # shown CCYY-MM-DD
    editor.setText("1981-02-28")
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return)

    assert index.data() == "1981-02-28" and index.data(EDIT) == "19810228"  # stored CCYYMMDD
    assert tab.segments.model.index(BAD_SEGMENT - 1, 3).data() == GOOD_DMG.decode()
    assert "RULE-DATE-INVALID" not in _member_findings(tab)
    assert index.data(SEVERITY_ROLE) == CLEAN
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None
    assert window.windowTitle() == "\u2022 demo.834 \u2014 834 Inspector"
    assert window.tabs.tabText(0) == "\u2022 demo.834"
    history = window.findChild(QTableView, "historyView")
    assert history is not None and history.isVisible()
    row = [history.model().index(0, c).data() for c in range(5)]
    assert row[1:] == [
        "Birth date (DMG02)",
        "#28 YOUNG, JULIA \u00b7 DMG 748",
        "1981-02-31",
        "1981-02-28",
    ]
    assert "Birth date (DMG02)" in window.statusBar().currentMessage()


def test_a_refused_value_leaves_the_cell_and_says_why(qtbot, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    model = tab.members.model
    index = _cell(tab, BAD_ROW, "birth_date")
    with qtbot.waitSignal(model.edit_rejected) as rejected:
        assert model.setData(index, "20230230", EDIT) is False
    assert "February 2023 has only 28 days" in rejected.args[0]
    assert index.data() == "1981-02-31"
    assert "February 2023 has only 28 days" in tab.notice.text and tab.notice.isVisible()
    assert "February 2023" in window.statusBar().currentMessage()
    gender = _cell(tab, BAD_ROW, "gender")
    assert model.setData(gender, "Q", EDIT) is False
    assert "'Q' is not a valid gender code" in tab.editing.last_rejection
    assert gender.data() == "F Female"
    assert not tab.dirty and not window.actions_.undo.isEnabled()
    assert tab.editing.editor.session.corrected_bytes() == demo_copy.read_bytes()
    # the code editor lists "code meaning" with the code as data
    tab.members.view.edit(gender)
    combo = tab.members.view.indexWidget(gender)
    assert isinstance(combo, QComboBox) and combo.currentText() == "F Female"
    assert combo.currentData() == "F" and combo.findText("M Male") >= 0


def test_undo_and_redo_restore_the_exact_bytes_and_the_finding(qtbot, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    original = demo_copy.read_bytes()
    undo, redo = window.actions_.undo, window.actions_.redo
    assert QKeySequence("Ctrl+Z") in undo.shortcuts()
    assert {QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")} <= set(redo.shortcuts())
    assert _edit_birth_date(qtbot, tab)
    assert undo.isEnabled() and undo.text() == "Undo Birth date (DMG02)"
    assert not redo.isEnabled()

    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        undo.trigger()
    session = tab.editing.editor.session
    assert session.corrected_bytes() == original
    assert "RULE-DATE-INVALID" in _member_findings(tab)
    assert _cell(tab, BAD_ROW, "birth_date").data(SEVERITY_ROLE) != CLEAN
    assert not tab.dirty and window.windowTitle() == "demo.834 \u2014 834 Inspector"
    assert not undo.isEnabled() and redo.isEnabled()

    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        redo.trigger()
    assert session.corrected_bytes() == original.replace(BAD_DMG, GOOD_DMG)
    assert _cell(tab, BAD_ROW, "birth_date").data() == "1981-02-28"
    assert "RULE-DATE-INVALID" not in _member_findings(tab)
    assert tab.history.model.rowCount() == 1 and tab.dirty


def test_saving_the_corrected_834_clears_the_marker_and_the_journal(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    journal = tab.editing.editor.journal.path
    assert journal.is_file() and journal.parent == window.settings.journal_dir()

    _save_to(window, monkeypatch, demo_copy)  # over the original: refused
    window.actions_.save_corrected.trigger()
    assert "refusing to overwrite the original" in tab.notice.text
    assert tab.dirty and demo_copy.read_bytes() == demo_path().read_bytes()

    out = tmp_path / "out" / "demo-corrected.834"
    _save_to(window, monkeypatch, out)
    window.actions_.export_834.trigger()
    assert out.read_bytes() == demo_copy.read_bytes().replace(BAD_DMG, GOOD_DMG)
    assert not tab.dirty and window.windowTitle() == "demo.834 \u2014 834 Inspector"
    assert window.tabs.tabText(0) == "demo.834"
    assert str(out) in window.statusBar().currentMessage()
    assert not journal.exists()
    # editing again after the save is dirty again and journalled from the original file on
    gender = _cell(tab, BAD_ROW, "gender")
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert tab.members.model.setData(gender, "M", EDIT)
    assert tab.dirty and len(tab.editing.editor.journal.load()) == 2


def test_csv_exports_write_what_the_tables_show(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = _open(qtbot, window, demo_copy)
    out = tmp_path / "out"
    _save_to(window, monkeypatch, out / "nothing.csv")
    window.actions_.export_corrections.trigger()  # nothing corrected yet: said, not written
    assert "no corrections" in tab.notice.text and not (out / "nothing.csv").exists()
    assert _edit_birth_date(qtbot, tab)

    def export(action, name: str) -> list[dict]:
        _save_to(window, monkeypatch, out / name)
        action.trigger()
        assert name in window.statusBar().currentMessage()
        with open(out / name, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    a = window.actions_
    corrections = export(a.export_corrections, "corrections.csv")
    assert len(corrections) == 1 and corrections[0]["member_pos"] == str(BAD_POS)
    assert corrections[0]["birth_date"] == "1981-02-28"
    assert "birth_date=1981-02-31" in corrections[0]["original_values"]
    assert "DMG02 (segment 748): 19810231 -> 19810228" in corrections[0]["edits"]
    assert "RULE-DATE-INVALID" not in corrections[0]["open_findings"]

    members = export(a.export_members, "members.csv")
    ins_count = sum(
        1 for s in demo_copy.read_text("latin-1").split("~") if s.strip().startswith("INS*")
    )
    assert len(members) == ins_count == 40
    # headers as on screen, and each member's issues beside its values
    assert members[BAD_ROW]["Birth date"] == "1981-02-28"
    assert members[BAD_ROW]["Issues"] == ""  # the corrected birth date was its only problem
    flagged = {f.member_pos for f in tab.findings.model.findings if f.member_pos}
    assert {int(m["#"]) for m in members if m["Issues"]} == flagged

    findings = export(a.export_findings, "findings.csv")
    assert len(findings) == len(tab.findings.model.findings) > 0
    assert "RULE-DATE-INVALID" not in {f["Code"] for f in findings}
    named = [f for f in findings if f["Member #"]]
    assert named and all(f["Member"] and "," in f["Member"] for f in named)

    coverage = export(a.export_coverage, "coverage.csv")  # shows member 1 only: asked
    assert len(coverage) == tab.coverage.model.rowCount() < tab.coverage.model.source_count()
    assert "shown of" in window.statusBar().currentMessage()

    tab.members.filter_box.setText("YOUNG")  # a filtered table exports the rows shown
    qtbot.waitUntil(lambda: tab.members.model.rowCount() < 40, timeout=3000)
    shown = export(a.export_members, "young.csv")
    assert len(shown) == tab.members.model.rowCount()
    assert {m["Last name"] for m in shown} == {"YOUNG"}


def test_a_failed_export_is_a_plain_message(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = _open(qtbot, window, demo_copy)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    _save_to(window, monkeypatch, blocker / "members.csv")  # a folder that is a file
    window.actions_.export_members.trigger()
    assert "members.csv was not written:" in tab.notice.text
    assert "Traceback" not in tab.notice.text


def test_the_999_is_written_without_freezing_the_window(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = _open(qtbot, window, demo_copy)  # pyx12 off: the 999 needs a run of its own
    out = tmp_path / "demo.999"
    _save_to(window, monkeypatch, out)
    with qtbot.waitSignal(tab.session.ack_built, timeout=60_000):
        window.actions_.export_ack.trigger()
        assert "in the background" in window.statusBar().currentMessage()
    text = out.read_text("utf-8")
    assert text.startswith("ISA") and "ST*999" in text
    assert str(out) in window.statusBar().currentMessage()


def test_the_journal_survives_a_crash_and_restores_the_same_bytes(qtbot, make_window, demo_copy):
    first = make_window()
    tab = _open(qtbot, first, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert tab.members.model.setData(_cell(tab, BAD_ROW, "last_name"), "YOUNGER", EDIT)
    expected = tab.editing.editor.session.corrected_bytes()
    # The "crash": the first window is never closed or saved; a new one opens the file.
    second = make_window()
    again = _open(qtbot, second, demo_copy)
    banner = again.recovery
    assert banner.isVisible() and banner.text.startswith("2 corrections to demo.834")
    assert not again.dirty
    assert not again.members.model.setData(_cell(again, BAD_ROW, "gender"), "M", EDIT)
    assert again.editing.last_rejection == RECOVERY_FIRST
    with qtbot.waitSignal(again.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        qtbot.mouseClick(banner.restore, Qt.MouseButton.LeftButton)
    session = again.editing.editor.session
    assert session.corrected_bytes() == expected
    assert session.can_undo and len(session.history) == 2 and again.dirty
    assert not banner.isVisible() and _cell(again, BAD_ROW, "last_name").data() == "YOUNGER"
    assert "RULE-DATE-INVALID" not in _member_findings(again)
    assert second.windowTitle().startswith("\u2022 demo.834")


def test_discarding_the_recovered_corrections_deletes_the_journal(qtbot, make_window, demo_copy):
    first = make_window()
    tab = _open(qtbot, first, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    journal = tab.editing.editor.journal.path
    second = make_window()
    again = _open(qtbot, second, demo_copy)
    assert again.recovery.isVisible()
    qtbot.mouseClick(again.recovery.discard, Qt.MouseButton.LeftButton)
    assert not journal.exists() and not again.recovery.isVisible()
    assert again.editing.editor.session.corrected_bytes() == demo_copy.read_bytes()
    assert _edit_birth_date(qtbot, again)  # editing works once the clerk has chosen


def test_closing_with_unsaved_corrections_asks_first(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    asked = []

    def answer(choice):
        return lambda t: asked.append(t) or choice

    monkeypatch.setattr(window, "ask_unsaved_changes", answer("cancel"))
    assert window.close_tab(0) is False and window.tabs.count() == 1
    assert window.close() is False and window.isVisible()
    assert asked == [tab, tab] and tab.dirty
    journal = tab.editing.editor.journal.path
    assert journal.exists()

    out = tmp_path / "saved.834"
    _save_to(window, monkeypatch, out)
    monkeypatch.setattr(window, "ask_unsaved_changes", answer("save"))
    window.actions_.close_tab.trigger()
    assert window.tabs.count() == 0 and out.read_bytes().count(GOOD_DMG) == 1
    assert not journal.exists()


def test_discarding_on_close_deletes_the_journal(qtbot, window, demo_copy, monkeypatch):
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    journal = tab.editing.editor.journal.path
    monkeypatch.setattr(window, "ask_unsaved_changes", lambda t: "discard")
    assert window.close_tab(0) and not journal.exists()


def test_segment_elements_are_edited_in_the_segment_editor(qtbot, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    view = tab.segments.view
    tab.segments.show_segments(GENDER_SEGMENT, center=True)
    index = tab.segments.model.index(GENDER_SEGMENT - 1, 3)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # as a person does
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    dialog = tab.editing.dialog
    assert dialog is not None and dialog.isVisible()
    model = dialog.model
    rows = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert rows["DMG02"] == "Birth date" and rows["DMG03"] == "Gender"
    gender = model.index(model.row_of("DMG03"), VALUE)
    assert gender.data() == "X"

    assert model.setData(gender, "Q", EDIT) is False  # refused, with the reason in the dialog
    assert "not a valid gender code" in dialog.message.text() and dialog.message.isVisible()
    dialog.view.edit(gender)  # a code list, as in the members table
    combo = dialog.view.indexWidget(gender)
    assert isinstance(combo, QComboBox) and combo.currentText() == "X (not a valid code)"
    combo.setCurrentIndex(combo.findData("F"))
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert tab.editing.editor.doc.store.raw(GENDER_SEGMENT).split("*")[3] == "F"
    assert model.index(model.row_of("DMG03"), VALUE).data() == "F"
    assert _cell(tab, 31, "gender").data() == "F Female"  # member 32 in the members table
    assert tab.history.model.entry(0).what == "Gender (DMG03)"
    assert not dialog.message.isVisible()
    dialog.close()

    isa = tab.editing.open_segment_editor(1)  # delimiters and segment ids cannot be edited
    flags = {
        isa.model.element(r): isa.model.flags(isa.model.index(r, VALUE))
        for r in range(isa.model.rowCount())
    }
    assert not flags["ISA16"] & Qt.ItemFlag.ItemIsEditable
    assert not flags["ISA11"] & Qt.ItemFlag.ItemIsEditable
    assert flags["ISA13"] & Qt.ItemFlag.ItemIsEditable and "ISA00" not in flags
    isa.close()


def test_edited_models_still_pass_the_model_tester(qtbot, qtmodeltester, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    dialog = tab.editing.open_segment_editor(BAD_SEGMENT)
    for model in (
        dialog.model,
        tab.members.model,
        tab.coverage.model,
        tab.segments.model,
        tab.findings.model,
        tab.history.model,
    ):  # the dialog's first: it is closed
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)
    dialog.close()


def test_a_journal_that_cannot_be_written_is_said_and_editing_goes_on(qtbot, window, demo_copy):
    journals = window.settings.journal_dir()
    journals.parent.mkdir(parents=True, exist_ok=True)
    journals.write_text("not a folder")  # e.g. a read-only or full disk
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    assert "could not be written to the recovery journal" in tab.notice.text
    assert tab.dirty and _cell(tab, BAD_ROW, "birth_date").data() == "1981-02-28"
    window.actions_.undo.trigger()
    assert window.actions_.redo.text() == "Redo Birth date (DMG02)"


def test_coverage_cells_are_edited_with_editors_that_fit(qtbot, window, demo_copy):
    tab = _open(qtbot, window, demo_copy)
    tab.members.select_view_row(tab.members.model.view_row(BAD_ROW))  # shows its coverage
    model, view = tab.coverage.model, tab.coverage.view
    assert model.rowCount() == 1
    amount = model.index(0, model.table.column_index("PRE AMT 1"))
    ordinal = int(model.table.segments[model.table.column_index("PRE AMT 1")][model.source_row(0)])
    view.edit(amount)
    editor = view.indexWidget(amount)
    assert isinstance(editor, QLineEdit) and editor.text() == "918.76"
    for typed in ("12,50", "$12", "1.234"):  # two decimals, no separators or signs
        assert editor.validator().validate(typed, 0)[0] != QValidator.State.Acceptable
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert model.setData(amount, "abc", EDIT) is False
    assert "not a plain decimal amount" in tab.editing.last_rejection
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert model.setData(amount, "920.00", EDIT)
    assert amount.data() == "920.00"
    assert tab.segments.model.index(ordinal - 1, 3).data() == "REF*9X*920.00"
    assert tab.history.model.entry(0).what == "Pre Amt 1 (REF02)"


def test_undo_and_redo_texts_follow_the_session(qtbot, window, demo_copy):
    """The menu names what Undo and Redo would do next, read from the session's own stacks."""
    tab = _open(qtbot, window, demo_copy)
    undo, redo = window.actions_.undo, window.actions_.redo
    assert _edit_birth_date(qtbot, tab)
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert tab.members.model.setData(_cell(tab, BAD_ROW, "gender"), "M", EDIT)
    assert undo.text() == "Undo Gender (DMG03)" and not redo.isEnabled()
    for expected_undo, expected_redo in (
        ("Undo Birth date (DMG02)", "Redo Gender (DMG03)"),
        ("&Undo", "Redo Birth date (DMG02)"),
    ):
        with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
            undo.trigger()
        assert (undo.text(), redo.text()) == (expected_undo, expected_redo)
    session = tab.editing.editor.session
    assert tab.editing.editor.next_redo() is session.redo_entry
    assert [c.edit.element for c in session.undone] == ["DMG03", "DMG02"]
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        redo.trigger()
    assert (undo.text(), redo.text()) == ("Undo Birth date (DMG02)", "Redo Gender (DMG03)")
    assert tab.edit_count == 1 and tab.history.model.rowCount() == 1


def test_a_typed_date_is_stored_as_ccyymmdd_only_in_digits_0_to_9():
    from inspector.gui.editing.delegates import stored_date

    assert stored_date(" 1981-02-28 ") == "19810228"
    assert stored_date("1981-02-3") == "1981-02-3"
    # isdigit() took Arabic-Indic digits: the core is handed what was typed and says why not
    assert stored_date("١٩٨١-٠٢-٢٨") == "١٩٨١-٠٢-٢٨"
