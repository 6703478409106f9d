"""No personal data in the app's log output: a session with debug logging (pyx12's loggers
included) and the implementation-guide check running in its child process opens a file full of
defects, corrects it, refuses a value, opens the segment editor, masks and exports; nothing
written to stdout, stderr (the child's included) or the log records holds the file's SSNs,
names or birth dates."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt

from inspector.gui.export_actions import VISIBLE, Exporter
from inspector.gui.main_window import MainWindow
from tests.gui.conftest import open_and_wait
from tests.support.phi import debug_logging, file_phi, phi_in
from tests.support.synthetic import DEFECTS, write_834

EDIT = Qt.ItemDataRole.EditRole
REVALIDATE_MS = 20_000


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(Exporter, "choose_rows", lambda self, *a: VISIBLE)


def test_an_app_session_logs_no_personal_data(
    qtbot, make_window, tmp_path, capfd, caplog, monkeypatch
):
    debug_logging()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="pyx12")
    source = write_834(tmp_path / "defects.834", 200, defects=DEFECTS)
    phi = file_phi(source) | {"19750820", "1975-08-20"}
    window = make_window(True)  # with the pyx12 check (a child process)
    tab = open_and_wait(qtbot, window, source, validated=True)
    assert len(tab.findings.model.findings) > 10
    members = tab.members.model
    column = members.table.column_index("birth_date")
    index = members.index(members.view_row(2), column)
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert members.setData(index, "19750820", EDIT)
    assert not members.setData(index, "19751340", EDIT)  # refused
    nm1 = int(tab.editing.editor.doc.members["seg_nm1"].iat[2])
    dialog = tab.editing.open_segment_editor(nm1)
    assert dialog is not None
    dialog.close()
    window.actions_.mask_phi.setChecked(True)
    window.actions_.mask_names.setChecked(True)
    out = tmp_path / "members.csv"
    monkeypatch.setattr(Exporter, "choose_save_path", lambda *a: out)
    assert window.exporter.export_members(tab) == out
    window.close()
    logging.getLogger("pyx12.x12file").debug("capture-check")
    captured = capfd.readouterr()
    printed = captured.out + captured.err + caplog.text
    assert "capture-check" in printed
    assert not phi_in(printed, phi)
    assert not phi_in(out.read_text("utf-8-sig"), phi)
