"""The worklist and the discrepancy report from the app: every member with an error or a warning,
with the reasons, in at most three clicks; written off the GUI thread, user-only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from tests.gui.conftest import open_and_wait

openpyxl = pytest.importorskip("openpyxl")


def _save_to(window, monkeypatch, path: Path) -> list[str]:
    titles: list[str] = []

    def choose(title, _suggested, _filter):
        titles.append(title)
        return path

    monkeypatch.setattr(window.exporter, "choose_save_path", choose)
    return titles


def _wait_written(qtbot, window, path: Path) -> str:
    qtbot.waitUntil(lambda: str(path) in window.statusBar().currentMessage(), timeout=60_000)
    assert window.exporter.wait_for_jobs(10)
    return window.statusBar().currentMessage()


def _problem_members(tab) -> set[int]:
    return {
        f.member_pos
        for f in tab.findings.model.findings
        if f.member_pos and f.severity in ("error", "warning")
    }


def test_worklist_is_one_click_on_the_strip_and_lists_each_problem_member(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    out = tmp_path / "worklist.xlsx"
    _save_to(window, monkeypatch, out)
    button = tab.summary.findChild(QToolButton, "buttonExportWorklist")
    assert button is not None and button.isVisible() and "worklist" in button.text().lower()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # click 1; click 2 is the dialog's Save
    message = _wait_written(qtbot, window, out)
    assert "member(s) with an error or a warning" in message
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Members", "Coverage", "Findings"]
    members = book["Members"]
    headers = [c.value for c in members[1]]
    assert headers[:3] == ["#", "Issues", "Last name"]
    rows = list(members.iter_rows(min_row=2, values_only=True))
    wanted = _problem_members(tab)
    assert {int(r[0]) for r in rows} == wanted and len(rows) == len(wanted)
    assert all(r[1] and ("error " in r[1] or "warning " in r[1]) for r in rows)
    ids = headers.index("Subscriber ID")
    assert all(isinstance(r[ids], str) for r in rows if r[ids])  # ids stay text
    assert any(str(r[ids]).startswith("0") for r in rows if r[ids])  # leading zeros kept
    fill = members.cell(row=2, column=1).fill.start_color.rgb
    assert fill.endswith(("FFC7CE", "FFEB9C"))  # error red or warning amber


def test_worklist_as_csv_and_the_menu_and_shortcut(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    out = tmp_path / "worklist.csv"
    _save_to(window, monkeypatch, out)
    action = window.actions_.export_worklist
    assert action.shortcut().toString() == "Ctrl+E"
    assert (
        action
        in window.findChild(type(window.menuBar().actions()[0].menu()), "exportMenu").actions()
    )
    action.trigger()
    _wait_written(qtbot, window, out)
    lines = out.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("#,Issues,Last name")
    assert len(lines) - 1 == len(_problem_members(tab))


def test_discrepancy_report_pdf(qtbot, window, demo_copy, tmp_path, monkeypatch):
    open_and_wait(qtbot, window, demo_copy, validated=True)
    out = tmp_path / "report.pdf"
    _save_to(window, monkeypatch, out)
    window.actions_.export_report.trigger()
    message = _wait_written(qtbot, window, out)
    assert "discrepancy report" in message and "page(s)" in message
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_worklist_that_cannot_be_written_is_a_plain_message(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    _save_to(window, monkeypatch, blocker / "worklist.xlsx")  # a folder that is a file
    window.actions_.export_worklist.trigger()
    qtbot.waitUntil(lambda: "was not written" in tab.notice.text, timeout=60_000)
    assert "Traceback" not in tab.notice.text


def test_a_table_exported_as_xlsx_is_written_off_the_gui_thread(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    out = tmp_path / "members.xlsx"
    _save_to(window, monkeypatch, out)
    assert window.exporter.export_members(tab) == out
    assert f"Writing {out.name}" in window.statusBar().currentMessage()  # not written yet
    _wait_written(qtbot, window, out)
    sheet = openpyxl.load_workbook(out)["Members"]
    assert sheet.max_row - 1 == len(tab.members.model.table)
    assert [c.value for c in sheet[1]][:2] == ["#", "Issues"]
