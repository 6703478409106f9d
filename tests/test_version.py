"""The version is written once (pyproject.toml) and read from there in every kind of install."""

from __future__ import annotations

import sys
import tomllib

import inspector
from inspector.cli import main
from tests.conftest import REPO


def _pyproject_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def test_version_is_pyproject_version(capsys):
    # a stale editable install fails here: run `bash .ci/setup` again
    assert inspector.__version__ == _pyproject_version()
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert capsys.readouterr().out.strip() == f"inspector {_pyproject_version()}"


def test_version_is_not_written_in_the_package():
    for path in (REPO / "inspector").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert f'"{_pyproject_version()}"' not in text, path


def test_source_checkout_reads_pyproject(tmp_path):
    assert inspector._checkout_version(REPO / "pyproject.toml") == _pyproject_version()
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "someone-else"\nversion = "9.9"\n')
    assert inspector._checkout_version(other) == inspector.UNKNOWN_VERSION
    assert inspector._checkout_version(tmp_path / "none.toml") == inspector.UNKNOWN_VERSION


def test_frozen_bundle_reads_version_txt(tmp_path, monkeypatch):
    (tmp_path / "version.txt").write_text("1.2.3\n")  # what build.spec writes
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert inspector._version() == "1.2.3"
    (tmp_path / "version.txt").unlink()
    assert inspector._version() == inspector.UNKNOWN_VERSION
