"""Robust I/O: only regular files are read; every file written is user-only and atomic, and a
write that fails (full disk, no permission, a device as target) is a message naming the path."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.cli import main
from inspector.core.editing.journal import Journal
from inspector.core.files import (
    OutputError,
    append_private,
    make_private_dir,
    private_file,
    write_private,
)
from inspector.resources import demo_path

posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and special files")
ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix
def test_write_private_is_user_only_and_replaces(tmp_path):
    target = tmp_path / "a" / "b" / "x.csv"
    target.parent.parent.parent.chmod(0o755)
    write_private(target, "one")
    assert target.read_text() == "one" and _mode(target) == 0o600
    assert _mode(target.parent) == 0o700 and _mode(target.parent.parent) == 0o700
    assert _mode(tmp_path) == 0o755  # a folder that was there keeps its mode
    target.chmod(0o644)
    write_private(target, b"two")
    assert target.read_bytes() == b"two" and _mode(target) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["x.csv"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "x.834"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError) as info:
        write_private(target, b"new")
    assert str(info.value) == f"cannot write {target}: the disk is full"
    assert isinstance(info.value, OSError) and info.value.filename == str(target)
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_a_body_that_fails_leaves_nothing(tmp_path):
    target = tmp_path / "x.csv"
    with pytest.raises(RuntimeError), private_file(target, "w") as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


@posix
@pytest.mark.parametrize("target", ["/dev/full", "/dev/null"])
def test_a_device_is_never_replaced(target):
    if not Path(target).exists():
        pytest.skip(f"no {target}")
    with pytest.raises(OutputError, match="not a regular file"):
        write_private(target, b"x")
    assert stat.S_ISCHR(os.stat(target).st_mode)


def test_a_file_in_the_way_of_a_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match=r"not a folder|in the way"):
        make_private_dir(tmp_path / "f" / "sub")


@posix
def test_the_journal_is_user_only(tmp_path):
    old = tmp_path / "old.jsonl"
    old.write_text("")
    old.chmod(0o644)
    append_private(old, "line\n")
    assert _mode(old) == 0o600 and old.read_text() == "line\n"
    journal = Journal(tmp_path / "journals" / "demo.journal.jsonl", source="demo.834")
    journal.record("undo")
    assert _mode(journal.path) == 0o600 and _mode(journal.path.parent) == 0o700
    journal.discard()
    assert not journal.path.exists()


@posix
def test_check_process_shared_memory_is_user_only():
    from inspector.core.validation.check_process import SharedBytes

    block = SharedBytes(b"ISA*")
    try:
        shm = Path("/dev/shm") / block.name.lstrip("/")
        if not shm.exists():
            pytest.skip("shared memory is not under /dev/shm here")
        assert _mode(shm) == 0o600
    finally:
        block.release()


def _export(tmp_path, *extra: str) -> list[str]:
    return ["export", str(demo_path()), "--out", str(tmp_path / "out"), "--no-pyx12", *extra]


@posix
def test_cli_outputs_are_user_only(tmp_path, capsys):
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([{"segment": 18, "element": "DMG02", "value": "20110816"}]))
    fixed, ack = tmp_path / "fixed" / "demo.834", tmp_path / "acks" / "demo.999"
    argv = _export(tmp_path, "--edits", str(edits), "--corrected-834", str(fixed))
    assert main([*argv, "--ack", str(ack)]) in (0, 1)
    written = [Path(line) for line in capsys.readouterr().out.splitlines()[:-1]]
    names = {p.name for p in written}
    assert {"members.csv", "coverage.csv", "findings.csv", "corrections.csv"} <= names
    assert fixed in written and ack in written
    for path in written:
        assert _mode(path) == 0o600, path
    for folder in (tmp_path / "out", fixed.parent, ack.parent):
        assert _mode(folder) == 0o700, folder


@posix
@pytest.mark.parametrize("option", ["--out", "--corrected-834", "--ack"])
def test_cli_output_on_a_device_is_a_message(tmp_path, capsys, option):
    argv = _export(tmp_path)
    if option == "--out":
        argv[3] = "/dev/full"
    else:
        argv += [option, "/dev/full"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "/dev/full" in err and "Traceback" not in err


def test_cli_disk_full_is_a_message_naming_the_path(tmp_path, capsys, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(_export(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "members.csv" in err and "the disk is full" in err
    assert not list((tmp_path / "out").iterdir())


def test_cli_permission_denied_is_a_message_naming_the_path(tmp_path, capsys, monkeypatch):
    import tempfile

    def denied(*a, **kw):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    fixed = tmp_path / "ro" / "fixed.834"
    assert main(_export(tmp_path, "--corrected-834", str(fixed))) == 2
    err = capsys.readouterr().err
    assert "permission denied" in err and "Traceback" not in err


@posix
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_cli_read_only_folder(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    try:
        assert main(["export", str(demo_path()), "--out", str(folder), "--no-pyx12"]) == 2
        err = capsys.readouterr().err
        assert "ro" in err and "permission denied" in err
    finally:
        folder.chmod(0o700)


@posix
@pytest.mark.parametrize("command", ["summary", "validate --no-pyx12", "export --no-pyx12"])
def test_stdout_on_a_full_disk_is_a_message(tmp_path, command):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    argv = [sys.executable, "-m", "inspector", *command.split(), str(demo_path())]
    if command.startswith("export"):
        argv += ["--out", str(tmp_path / "out")]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(argv, stdout=full, stderr=subprocess.PIPE, cwd=ROOT, timeout=120)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "/dev/full" in err and "disk is full" in err and "Traceback" not in err


@posix
@pytest.mark.parametrize("command", ["summary", "validate --no-pyx12", "export --no-pyx12"])
def test_a_fifo_or_a_device_as_file_is_refused_at_once(tmp_path, capsys, command):
    fifo = tmp_path / "pipe.834"
    os.mkfifo(fifo)
    for path, kind in ((fifo, "pipe"), (Path("/dev/zero"), "device")):
        if not path.exists():
            continue
        argv = [*command.split(), str(path)]
        if command.startswith("export"):
            argv += ["--out", str(tmp_path / "out")]
        assert main(argv) == 2  # used to wait for a writer for ever (or read /dev/zero)
        err = capsys.readouterr().err
        assert path.name in err and kind in err and "not a regular file" in err
