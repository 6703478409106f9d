"""The command line on every public sample: summary and export never crash; exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from inspector.cli import EXIT_BROKEN_PIPE, EXIT_NO_GUI, main
from inspector.core.records.document import load
from inspector.resources import demo_path
from tests.conftest import REPO, non834_files, sample_files

NO_SCREEN = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name[:60])
def test_summary_and_export_on_every_sample(path, tmp_path, capsys):
    assert main(["summary", str(path)]) in (0, 1)
    out = capsys.readouterr().out
    assert "members" in out
    before = path.read_bytes()
    code = main(["export", str(path), "--out", str(tmp_path), "--no-pyx12"])
    assert code in (0, 1)
    members = pd.read_csv(tmp_path / "members.csv", encoding="utf-8-sig", dtype=str)
    assert len(members) == sum(1 for sid in load(path).store.ids if sid == "INS")
    assert (tmp_path / "coverage.csv").exists() and (tmp_path / "findings.csv").exists()
    assert path.read_bytes() == before  # the source file is never touched


@pytest.mark.parametrize("path", non834_files(), ids=lambda p: p.name)
def test_non_834_exits_2_with_message(path, capsys):
    assert main(["summary", str(path)]) == 2
    err = capsys.readouterr().err
    assert path.name in err and "not an 834" in err and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.834"), "--no-pyx12"]) == 2
    assert "missing.834: the file does not exist" in capsys.readouterr().err


def test_validate_text_and_json(sample, capsys):
    path = sample("healthsim__pcp-change-834.edi")  # SE01 says 86, the set has 88
    assert main(["validate", str(path), "--no-pyx12"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "ENV-SE01-COUNT" in x)
    assert line.startswith(f"{path}:90:90 SE01 error ENV-SE01-COUNT ")
    assert main(["validate", str(path), "--no-pyx12", "--format", "json"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert isinstance(reports, list) and len(reports) == 1  # a list even for one file
    report = reports[0]
    assert report["file"] == str(path) and report["members"] == 5
    keys = {
        "severity",
        "code",
        "message",
        "segment",
        "segment_id",
        "element",
        "value",
        "loop",
        "member",
        "source",
    }
    assert all(keys == set(f) for f in report["findings"])
    se = next(f for f in report["findings"] if f["code"] == "ENV-SE01-COUNT")
    assert (se["segment"], se["segment_id"], se["element"], se["value"]) == (90, "SE", "SE01", "86")


def test_summary_json(sample, capsys):
    assert main(["summary", str(sample("pyx12__834_deident_family.txt")), "--format", "json"]) == 0
    (s,) = json.loads(capsys.readouterr().out)  # a list even for one file
    assert (s["members"], s["subscribers"], s["dependents"], s["coverages"]) == (3, 1, 2, 1)
    assert s["maintenance_types"] == {"021 Addition": 3}


def test_json_is_a_list_for_any_number_of_files(sample, capsys):
    one = sample("pyx12__834_deident_family.txt")
    two = sample("healthsim__pcp-change-834.edi")
    assert main(["validate", str(one), str(two), "--no-pyx12", "--format", "json"]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in reports] == [str(one), str(two)]
    assert main(["summary", str(one), str(two), "--format", "json"]) in (0, 1)
    assert [s["members"] for s in json.loads(capsys.readouterr().out)] == [3, 5]


@pytest.mark.parametrize("command", ["validate", "export"])
def test_unknown_profile_exits_2_naming_it_and_the_known_ones(command, tmp_path, capsys):
    args = [command, str(demo_path()), "--no-pyx12", "--profile", "ffe", "--profile", "bogus"]
    if command == "export":
        args += ["--out", str(tmp_path / "out")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert (
        "unknown rule profile 'bogus' (known: " in err and "ffe" in err and "Traceback" not in err
    )
    assert not (tmp_path / "out").exists()  # nothing was written


def _run(args: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inspector", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Qt always has a screen there")
@pytest.mark.parametrize("args", [["--demo"], [str(demo_path())]], ids=["demo", "file"])
def test_without_a_display_one_line_says_what_to_do(args):
    env = {k: v for k, v in os.environ.items() if k not in NO_SCREEN}
    run = _run(args, env)
    assert run.returncode == EXIT_NO_GUI == 3, run.stderr
    assert run.stdout == ""
    (line,) = run.stderr.splitlines()  # one line, no Qt messages, no abort
    assert line.startswith("inspector: no display")
    exe = sys.executable  # shown relative when inside the checkout (.venv/bin/python)
    if exe.startswith(str(REPO) + os.sep):
        exe = os.path.relpath(exe, REPO)
    assert f"xvfb-run -a {exe} -m inspector {args[0]}" in line
    assert "QT_QPA_PLATFORM=offscreen" in line


def test_a_broken_qt_install_gives_the_hint_not_a_traceback(tmp_path):
    fake = tmp_path / "PySide6"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "QtWidgets.abi3.so").write_bytes(b"")  # fails to load, like a missing libEGL
    (fake / "QtWidgets.pyd").write_bytes(b"")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(tmp_path))
    run = _run(["--demo"], env)
    assert run.returncode == EXIT_NO_GUI, run.stderr
    (line,) = run.stderr.splitlines()
    assert "Qt is missing or broken" in line and "QtWidgets" in line


def test_a_closed_pipe_ends_quietly():
    demo = str(demo_path())
    with subprocess.Popen(
        [sys.executable, "-m", "inspector", "summary", *[demo] * 200],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()  # like `| head -1`
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert code == EXIT_BROKEN_PIPE == 141
    assert err == ""  # no BrokenPipeError traceback, no "Exception ignored"


def test_validate_ack_keeps_the_files_verdict_when_no_999_can_be_built(sample, tmp_path, capsys):
    """An X307 file cannot be checked against the guide, so there is no 999: validate says so,
    naming the file, and still exits 1 like validate and export without --ack."""
    path = sample("linuxforhealth-x12__hist_X307-enroll-individuals-qhp-exchange.copy.edi")
    plain = main(["validate", str(path)])
    out = tmp_path / "999.txt"
    assert main(["validate", str(path), "--ack", str(out)]) == plain == 1
    assert main(["export", str(path), "--out", str(tmp_path / "x")]) == 1
    assert not out.exists()
    assert f"{path}: the 999 acknowledgment was not written" in capsys.readouterr().err
    # a path that cannot be written is the command failing: 2, naming the file and the path
    clean = sample("healthsim__pcp-change-834.edi")
    (tmp_path / "a-file").write_text("x")
    bad = tmp_path / "a-file" / "999.txt"  # a file is in the way of the folder
    assert main(["validate", str(clean), "--ack", str(bad)]) == 2
    assert str(bad) in capsys.readouterr().err


def test_json_is_written_in_pieces_exactly_as_json_dumps(capsys):
    from inspector.cli import _print_json

    value = [{"file": "x", "findings": [{"code": f"C{k}", "member": None} for k in range(5000)]}]
    _print_json(value)  # many more than one batch of pieces
    assert capsys.readouterr().out == json.dumps(value, indent=2) + "\n"


def test_a_whole_number_argument_is_ascii_digits():
    import argparse

    from inspector.cli import _positive

    assert _positive("12") == 12 and _positive(" 3 ") == 3
    with pytest.raises(argparse.ArgumentTypeError):
        _positive("١٢")  # int() would read Arabic-Indic digits as 12
