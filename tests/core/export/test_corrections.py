"""Exports: full and filtered tables, corrections, findings, corrected 834, CLI export."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from inspector.cli import main
from inspector.core.editing.session import EditSession
from inspector.core.errors import InspectorError, NotAn834Error
from inspector.core.export.corrections import (
    corrections_frame,
    export_all,
    table_frame,
    write_ack,
    write_corrected_834,
    write_corrections_csv,
    write_coverage_csv,
    write_findings_csv,
    write_members_csv,
)
from inspector.core.export.tables import FORMULA_PREFIXES
from inspector.core.records.document import load
from tests.conftest import sample_files
from tests.core.editing.test_session import _byte_diffs
from tests.support.synthetic import generate_834_with_manifest

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def defect_path(tmp_path):
    text, manifest = generate_834_with_manifest(
        40, defects=["bad_ssn", "bad_birth_date", "add_without_coverage"]
    )
    path = tmp_path / "in.834"
    path.write_bytes(text.encode("ascii"))
    return path, {m["defect"]: m for m in manifest}


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _changed_ranges(a: bytes, b: bytes) -> list[tuple[bytes, bytes]]:
    """Differing byte runs, segment by segment (edits never add or remove segments)."""
    return [(x, y) for _, _, x, y in _byte_diffs(a, b)]


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name[:60])
def test_saving_an_unedited_file_is_byte_identical(path, tmp_path):
    try:
        session = EditSession(load(path))
    except NotAn834Error:
        pytest.skip("not readable as an 834")
    out = write_corrected_834(session, tmp_path / "saved.834")
    assert out.read_bytes() == path.read_bytes()
    members = _read(write_members_csv(session.doc, tmp_path / "members.csv"))
    assert len(members) == sum(1 for sid in session.doc.store.ids if sid == "INS")


def test_full_and_filtered_tables(defect_path, tmp_path):
    path, _ = defect_path
    doc = load(path)
    members = _read(write_members_csv(doc, tmp_path / "m.csv"))
    assert len(members) == sum(1 for sid in doc.store.ids if sid == "INS") == 40
    assert not any(c.startswith("seg_") for c in members.columns)
    assert list(members.columns) == list(table_frame(doc.members).columns)
    coverage = _read(write_coverage_csv(doc, tmp_path / "c.csv"))
    assert len(coverage) == len(doc.coverage)
    subs = doc.members[doc.members["is_subscriber"] == "Y"]
    picked = _read(write_members_csv(doc, tmp_path / "subs.csv", rows=subs))
    assert len(picked) == len(subs) and set(picked["is_subscriber"]) == {"Y"}
    mask = doc.coverage["insurance_line"].str.startswith("DEN").to_numpy()
    assert len(_read(write_coverage_csv(doc, tmp_path / "den.csv", rows=mask))) == mask.sum()
    assert len(_read(write_members_csv(doc, tmp_path / "two.csv", rows=[0, 5]))) == 2


def test_csv_is_excel_safe_and_round_trips_accents(defect_path, tmp_path):
    path, defects = defect_path
    session = EditSession(load(path))
    pos = defects["bad_ssn"]["member_pos"]
    nm1 = defects["bad_ssn"]["segment_pos"]
    session.apply({"segment": nm1, "element": "NM103", "value": INJECTION})
    session.apply({"segment": nm1, "element": "NM104", "value": "JOSÉ"})
    assert session.doc.members["first_name"].iat[pos - 1] == "JOSÉ"
    result = export_all(session, tmp_path / "out", use_pyx12=False, machine_names=True)
    names = {p.name for p in result.written}
    assert {"members.csv", "coverage.csv", "findings.csv", "corrections.csv"} <= names
    for written in result.written:
        raw = written.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        table = _read(written)
        for col in table.columns:
            assert not any(v.startswith(FORMULA_PREFIXES) for v in table[col]), (written, col)
    members = _read(tmp_path / "out" / "members.csv")
    row = members[members["member_pos"] == str(pos)].iloc[0]
    assert row["last_name"] == "'" + INJECTION and row["first_name"] == "JOSÉ"
    coverage = _read(tmp_path / "out" / "coverage.csv")
    assert ("'" + INJECTION + ", JOSÉ") in set(coverage["member_name"])
    corrections = _read(tmp_path / "out" / "corrections.csv")
    assert set(corrections["last_name"]) == {"'" + INJECTION}
    assert set(corrections["first_name"]) == {"JOSÉ"}


def test_corrections_csv(defect_path, tmp_path):
    path, defects = defect_path
    session = EditSession(load(path))
    dob = defects["bad_birth_date"]
    ssn = defects["bad_ssn"]
    lone = defects["add_without_coverage"]
    session.apply({"segment": dob["segment_pos"], "element": "DMG02", "value": "19810228"})
    session.apply({"segment": dob["segment_pos"] - 4, "element": "NM103", "value": "YOUNGER"})
    session.apply({"segment": ssn["segment_pos"], "element": "NM104", "value": "EVA"})
    nm1_lone = int(session.doc.members["seg_nm1"].iat[lone["member_pos"] - 1])
    session.apply({"segment": nm1_lone, "element": "NM104", "value": "SOLO"})
    # an edit undone by hand does not make a correction
    first = int(session.doc.members["seg_nm1"].iat[0])
    was = session.doc.store.elements(first)[3]
    session.apply({"segment": first, "element": "NM103", "value": "TEMP"})
    session.apply({"segment": first, "element": "NM103", "value": was})

    frame = corrections_frame(session, use_pyx12=False)
    per_member = frame.groupby("member_pos").size().to_dict()
    assert set(per_member) == {dob["member_pos"], ssn["member_pos"], lone["member_pos"]}
    cov = session.doc.coverage
    assert per_member[dob["member_pos"]] == (cov["member_pos"] == dob["member_pos"]).sum()
    assert per_member[lone["member_pos"]] == 1  # no coverage: still one row

    out = _read(write_corrections_csv(session, tmp_path / "corrections.csv", use_pyx12=False))
    assert len(out) == len(frame)
    fixed = out[out["member_pos"] == str(dob["member_pos"])].iloc[0]
    assert fixed["changed_fields"] == "last_name; birth_date"
    assert "birth_date=1981-02-31" in fixed["original_values"]
    assert f"DMG02 (segment {dob['segment_pos']}): 19810231 -> 19810228" in fixed["edits"]
    assert fixed["birth_date"] == "1981-02-28" and fixed["last_name"] == "YOUNGER"
    assert "DMG02" not in fixed["open_findings"]
    still_bad = out[out["member_pos"] == str(ssn["member_pos"])].iloc[0]
    assert still_bad["changed_fields"] == "first_name"
    assert still_bad["open_findings"], "the SSN finding stays open"
    alone = out[out["member_pos"] == str(lone["member_pos"])].iloc[0]
    assert alone["insurance_line"] == "" and alone["first_name"] == "SOLO"
    for col in (
        "subscriber_id",
        "member_id",
        "ssn",
        "gender",
        "relationship",
        "coverage_maintenance_type",
        "insurance_line",
        "plan",
        "coverage_level",
        "benefit_begin",
        "benefit_end",
        "policy_id",
        "plan_id",
        "APTC AMT",
    ):
        assert col in out.columns


def test_findings_csv_after_edits(defect_path, tmp_path):
    path, defects = defect_path
    session = EditSession(load(path))
    o = defects["bad_birth_date"]["segment_pos"]
    before = export_all(session, tmp_path / "a", use_pyx12=False).findings
    assert any(f.segment == o for f in before)
    session.apply({"segment": o, "element": "DMG02", "value": "19810228"})
    result = export_all(session, tmp_path / "b", use_pyx12=False)
    assert not any(f.segment == o for f in result.findings)
    table = _read(write_findings_csv(result.findings, tmp_path / "f.csv", session.doc))
    assert len(table) == len(result.findings)


def test_corrected_834_never_overwrites_the_original(defect_path, tmp_path):
    path, defects = defect_path
    before = path.read_bytes()
    session = EditSession(load(path))
    session.apply(
        {
            "segment": defects["bad_birth_date"]["segment_pos"],
            "element": "DMG02",
            "value": "19810228",
        }
    )
    with pytest.raises(InspectorError, match="original"):
        write_corrected_834(session, path)
    with pytest.raises(InspectorError, match="original"):
        write_corrected_834(session, path.parent / "." / path.name)
    assert path.read_bytes() == before and session.dirty
    out = write_corrected_834(session, tmp_path / "fixed.834")
    assert out.read_bytes() == session.corrected_bytes() and not session.dirty
    assert _changed_ranges(before, out.read_bytes()) == [(b"31", b"28")]


def test_999_for_the_original_file(defect_path, tmp_path):
    path, _ = defect_path
    session = EditSession(load(path))
    ack = write_ack(session, tmp_path / "ack.999")
    text = ack.read_text(encoding="utf-8")
    assert text.startswith("ISA") and "AK9" in text


# -- command line --------------------------------------------------------------------------------
def test_cli_export_with_edits(defect_path, tmp_path, capsys):
    path, defects = defect_path
    o = defects["bad_birth_date"]["segment_pos"]
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([{"segment": o, "element": "DMG02", "value": "19810228"}]))
    out = tmp_path / "out"
    fixed = tmp_path / "fixed.834"
    code = main(
        [
            "export",
            str(path),
            "--out",
            str(out),
            "--edits",
            str(edits),
            "--corrected-834",
            str(fixed),
            "--no-pyx12",
            "--machine-names",
        ]
    )
    assert code in (0, 1), capsys.readouterr().err
    assert "1 edit(s) applied" in capsys.readouterr().out
    assert _changed_ranges(path.read_bytes(), fixed.read_bytes()) == [(b"31", b"28")]
    for name in ("members.csv", "coverage.csv", "findings.csv", "corrections.csv"):
        assert (out / name).stat().st_size > 0
    assert len(_read(out / "members.csv")) == 40
    findings = _read(out / "findings.csv")
    assert str(o) not in set(findings["segment"])
    assert _read(out / "corrections.csv")["birth_date"].tolist() == ["1981-02-28"] * len(
        _read(out / "corrections.csv")
    )


@pytest.mark.parametrize(
    "edit, words",
    [
        ({"element": "DMG02", "value": "19810230"}, ["edit 2 of 2", "DMG02", "28 days"]),
        ({"element": "NM103", "value": "X"}, ["edit 2 of 2", "NM103", "element of NM1"]),
        ({"element": "DMG02", "value": "1981*0228"}, ["edit 2 of 2", "element separator"]),
    ],
)
def test_cli_export_rejects_a_bad_edit(defect_path, tmp_path, capsys, edit, words):
    path, defects = defect_path
    o = defects["bad_birth_date"]["segment_pos"]
    edits = tmp_path / "edits.json"
    edits.write_text(
        json.dumps([{"segment": o, "element": "DMG03", "value": "M"}, {"segment": o, **edit}])
    )
    out = tmp_path / "out"
    code = main(
        [
            "export",
            str(path),
            "--out",
            str(out),
            "--edits",
            str(edits),
            "--corrected-834",
            str(tmp_path / "fixed.834"),
            "--no-pyx12",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert all(w in err for w in words), err
    assert "Nothing was written" in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "fixed.834").exists()


def test_cli_export_refuses_to_overwrite_the_input(defect_path, tmp_path, capsys):
    path, _ = defect_path
    before = path.read_bytes()
    code = main(
        [
            "export",
            str(path),
            "--out",
            str(tmp_path / "out"),
            "--corrected-834",
            str(path),
            "--no-pyx12",
        ]
    )
    assert code == 2 and "original" in capsys.readouterr().err
    assert path.read_bytes() == before and not (tmp_path / "out").exists()


def test_cli_export_bad_edits_file(defect_path, tmp_path, capsys):
    path, _ = defect_path
    edits = tmp_path / "edits.json"
    edits.write_text("[{not json")
    assert (
        main(
            ["export", str(path), "--out", str(tmp_path / "o"), "--edits", str(edits), "--no-pyx12"]
        )
        == 2
    )
    assert "not valid JSON" in capsys.readouterr().err
    edits.write_text(json.dumps({"segment": 1}))
    assert (
        main(
            ["export", str(path), "--out", str(tmp_path / "o"), "--edits", str(edits), "--no-pyx12"]
        )
        == 2
    )
    assert "list of edits" in capsys.readouterr().err
