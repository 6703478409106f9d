"""File ▸ Apply corrections…: preview, one undo step, the CLI's bytes (offscreen, demo copy)."""

from __future__ import annotations

import csv

import pytest

from inspector.cli import main
from inspector.gui.corrections_dialog import CorrectionsApplier, CorrectionsPreview
from inspector.gui.main_window import MainWindow
from tests.gui.conftest import open_and_wait

BAD_ROW, BAD_POS = 27, 28  # member 28: DMG*D8*19810231 (see the demo manifest)
BAD_DMG, GOOD_DMG = b"DMG*D8*19810231*F*D", b"DMG*D8*19810228*F*D"
REVALIDATE_MS = 20_000


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(CorrectionsApplier, "choose_list", lambda self, folder: None)


def _list(tab, path) -> None:
    m = tab.editor.doc.members
    r = BAD_ROW
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Subscriber ID", "Member ID", "Birth date"])
        out.writerow([m["subscriber_id"].iat[r], m["member_id"].iat[r], "1981-02-28"])
        out.writerow(["NOPE", "1", "1981-02-28"])


def test_apply_corrections_previews_then_applies_one_undo_step(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    original = demo_copy.read_bytes()
    listing = tmp_path / "fix.csv"
    _list(tab, listing)
    seen = []

    def confirm(self, result, masker):
        dialog = CorrectionsPreview(result, masker, window)
        qtbot.addWidget(dialog)
        seen.append((dialog.summary.text(), dialog.refused.rowCount(), dialog.apply_button.text()))
        assert tab.editor.session.corrected_bytes() == original  # nothing changed yet
        return True

    monkeypatch.setattr(CorrectionsApplier, "choose_list", lambda self, folder: listing)
    monkeypatch.setattr(CorrectionsApplier, "confirm", confirm)
    action = window.actions_.apply_corrections
    assert action.isEnabled()
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        action.trigger()
    summary, refused, button = seen[0]
    assert "1 row(s) will change 1 member(s): Birth date" in summary
    assert "1 row(s) are refused" in summary and refused == 1 and button == "Apply 1 row(s)"
    session = tab.editing.editor.session
    assert session.corrected_bytes() == original.replace(BAD_DMG, GOOD_DMG)
    assert tab.history.model.rowCount() == 1 and tab.dirty
    assert window.actions_.undo.text().startswith("Undo corrections list fix.csv")
    assert "RULE-DATE-INVALID" not in [
        f.code for f in tab.findings.model.findings if f.member_pos == BAD_POS
    ]

    # the CLI writes the same corrected bytes from the same list
    fixed = tmp_path / "cli.834"
    args = ["export", str(demo_copy), "--out", str(tmp_path / "out"), "--no-pyx12"]
    code = main([*args, "--apply", str(listing), "--corrected-834", str(fixed)])
    assert code == 1 and fixed.read_bytes() == session.corrected_bytes()

    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        window.actions_.undo.trigger()
    assert session.corrected_bytes() == original and not tab.dirty


def test_cancel_in_the_preview_changes_nothing(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy)
    listing = tmp_path / "fix.csv"
    _list(tab, listing)
    monkeypatch.setattr(CorrectionsApplier, "choose_list", lambda self, folder: listing)
    asked = []
    monkeypatch.setattr(
        CorrectionsApplier, "confirm", lambda self, result, masker: asked.append(1) and False
    )
    window.actions_.apply_corrections.trigger()
    qtbot.waitUntil(lambda: bool(asked) and not tab.editing.bulk.busy, timeout=REVALIDATE_MS)
    assert not tab.editor.session.can_undo and not tab.dirty


def test_an_unusable_list_is_a_plain_message(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy)
    listing = tmp_path / "fix.csv"
    listing.write_text("Gender\nF\n", encoding="utf-8")
    monkeypatch.setattr(CorrectionsApplier, "choose_list", lambda self, folder: listing)
    with qtbot.waitSignal(window.corrections.failed) as blocker:
        window.actions_.apply_corrections.trigger()
    assert "fix.csv" in blocker.args[0] and "no column to find members" in blocker.args[0]
    assert not tab.editor.session.can_undo


def test_the_list_is_checked_off_the_gui_thread(qtbot, window, demo_copy, tmp_path, monkeypatch):
    import threading

    from inspector.gui.editing.controller import DocumentEditor

    tab = open_and_wait(qtbot, window, demo_copy)
    listing = tmp_path / "fix.csv"
    _list(tab, listing)
    threads = []
    check = DocumentEditor.check_corrections

    def recording(self, path):
        threads.append(threading.current_thread() is threading.main_thread())
        return check(self, path)

    monkeypatch.setattr(DocumentEditor, "check_corrections", recording)
    monkeypatch.setattr(CorrectionsApplier, "choose_list", lambda self, folder: listing)
    monkeypatch.setattr(CorrectionsApplier, "confirm", lambda self, result, masker: False)
    window.actions_.apply_corrections.trigger()
    qtbot.waitUntil(lambda: bool(threads) and not tab.editing.bulk.busy, timeout=REVALIDATE_MS)
    assert threads == [False]
