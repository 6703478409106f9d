"""The settings facade: recent files are deduplicated, newest first, capped, and pruned."""

from __future__ import annotations

from pathlib import Path

from inspector.gui.settings import RECENT_LIMIT, Settings


def _files(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        path = folder / f"file{i:02d}.834"
        path.write_text("ISA")
        paths.append(path)
    return paths


def test_recent_files_newest_first_without_duplicates(settings, tmp_path):
    a, b, c = _files(tmp_path, 3)
    for path in (a, b, c, a):
        settings.add_recent_file(path)
    assert settings.recent_files() == [a, c, b]


def test_recent_files_are_capped(settings, tmp_path):
    paths = _files(tmp_path, RECENT_LIMIT + 3)
    for path in paths:
        settings.add_recent_file(path)
    recent = settings.recent_files()
    assert len(recent) == RECENT_LIMIT
    assert recent[0] == paths[-1]
    assert paths[0] not in recent


def test_missing_files_are_dropped(settings, tmp_path):
    a, b = _files(tmp_path, 2)
    settings.add_recent_file(a)
    settings.add_recent_file(b)
    b.unlink()
    assert settings.recent_files() == [a]


def test_same_file_by_another_spelling_is_one_entry(settings, tmp_path):
    (a,) = _files(tmp_path, 1)
    (tmp_path / "sub").mkdir()
    settings.add_recent_file(a)
    settings.add_recent_file(tmp_path / "sub" / ".." / a.name)
    assert len(settings.recent_files()) == 1


def test_settings_persist_in_an_ini_file(tmp_path):
    path = tmp_path / "s.ini"
    (a,) = _files(tmp_path, 1)
    first = Settings(path)
    first.add_recent_file(a)
    first.sync()
    assert Settings(path).recent_files() == [a]
    assert path.read_text().startswith("[")


def test_default_settings_live_under_the_redirected_folder(isolated_settings):
    assert Settings().file_name.startswith(str(isolated_settings))
