"""The command line on every public sample: summary and export never crash; exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from inspector.cli import main
from inspector.core.records.document import load
from tests.conftest import non834_files, sample_files


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
    report = json.loads(capsys.readouterr().out)
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
    s = json.loads(capsys.readouterr().out)
    assert (s["members"], s["subscribers"], s["dependents"], s["coverages"]) == (3, 1, 2, 1)
    assert s["maintenance_types"] == {"021 Addition": 3}
