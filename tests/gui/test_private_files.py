"""What the app writes is user-only: the crash journal (0600, in a 0700 folder), the settings,
the 999 and the exports; the journal is gone once the corrections are saved."""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import pytest

from inspector.gui.export_actions import VISIBLE, Exporter
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.resources import demo_path
from tests.gui.test_editing_gui import _edit_birth_date, _open, _save_to

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    """No modal dialog offscreen (as in test_editing_gui)."""
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(Exporter, "choose_save_path", lambda self, *a: None)
    monkeypatch.setattr(Exporter, "choose_rows", lambda self, *a: VISIBLE)


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    path = tmp_path / "in" / "demo.834"
    path.parent.mkdir()
    shutil.copyfile(demo_path(), path)
    return path


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_journal_is_user_only_and_removed_on_save(
    qtbot, window, demo_copy, tmp_path, monkeypatch
):
    tab = _open(qtbot, window, demo_copy)
    assert _edit_birth_date(qtbot, tab)
    journal = tab.editing.editor.journal.path
    assert _mode(journal) == 0o600 and _mode(journal.parent) == 0o700
    out = tmp_path / "new" / "demo-corrected.834"
    _save_to(window, monkeypatch, out)
    window.actions_.export_834.trigger()
    assert _mode(out) == 0o600 and _mode(out.parent) == 0o700
    assert not journal.exists()


def test_exports_from_the_app_are_user_only(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = _open(qtbot, window, demo_copy)
    window.exporter._write_ack(tab, tmp_path / "ack" / "demo.999", "ISA*...~")
    assert _mode(tmp_path / "ack" / "demo.999") == 0o600


def test_settings_are_user_only(tmp_path):
    folder = tmp_path / "conf"
    folder.mkdir(mode=0o755)
    path = folder / "inspector.ini"
    settings = Settings(path)
    settings.set_last_folder(tmp_path)
    settings.sync()
    assert _mode(path) == 0o600 and _mode(folder) == 0o700
