"""Exports with personal data masked: members, coverage, findings and corrections CSV; the
corrected 834 and the 999 are never masked (refused together with masking)."""

from __future__ import annotations

import csv

import pytest

from inspector.core.editing.session import Edit, EditSession
from inspector.core.errors import InspectorError
from inspector.core.export.corrections import MASK_REFUSED, export_all
from inspector.core.records.document import load
from inspector.core.records.mask import MaskPolicy
from tests.core.records.test_mask import leaks, secrets_of
from tests.support.synthetic import DEFECTS, write_834


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("maskexp") / "in.834"
    write_834(path, 120, defects=DEFECTS)
    return path


def _dmg_of(doc, row: int) -> int:
    return int(doc.members["seg_dmg"].iat[row])


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_masked_export_writes_no_personal_data(source, tmp_path):
    doc = load(source)
    secrets = secrets_of(doc)
    session = EditSession(doc)
    dmg = _dmg_of(doc, 3)
    session.apply(Edit(dmg, "DMG02", "19750820"))
    secrets |= {"19750820", "1975-08-20"}
    result = export_all(
        session, tmp_path, use_pyx12=False, machine_names=True, mask=MaskPolicy(names=True)
    )
    names = sorted(p.name for p in result.written)
    assert names == ["corrections.csv", "coverage.csv", "findings.csv", "members.csv"]
    for path in result.written:
        text = path.read_text(encoding="utf-8-sig")
        assert not leaks(text, secrets), path.name
    members = _rows(tmp_path / "members.csv")
    assert len(members) == len(doc.members)
    assert all(r["ssn"] == "" or r["ssn"].startswith("***") for r in members)
    corrections = _rows(tmp_path / "corrections.csv")
    assert corrections and corrections[0]["birth_date"] == "1975-**-**"
    assert "DMG02" in corrections[0]["edits"] and "1975****" in corrections[0]["edits"]
    findings = _rows(tmp_path / "findings.csv")
    ssn_rows = [r for r in findings if r["code"].startswith("RULE-SSN")]
    assert ssn_rows and all("*" in r["value"] for r in ssn_rows if r["value"])


def test_unmasked_export_is_unchanged(source, tmp_path):
    doc = load(source)
    export_all(EditSession(doc), tmp_path, use_pyx12=False, machine_names=True)
    members = _rows(tmp_path / "members.csv")
    assert [r["ssn"] for r in members] == [
        "" if not isinstance(v, str) else v for v in doc.members["ssn"]
    ]


def test_ssn_and_birth_dates_only_keeps_names(source, tmp_path):
    doc = load(source)
    export_all(EditSession(doc), tmp_path, use_pyx12=False, machine_names=True, mask=MaskPolicy())
    members = _rows(tmp_path / "members.csv")
    assert [r["last_name"] for r in members] == list(doc.members["last_name"])
    assert not leaks((tmp_path / "members.csv").read_text("utf-8-sig"), secrets_of(doc, False))


@pytest.mark.parametrize("what", ["corrected_834", "ack"])
def test_the_834_and_the_999_are_never_masked(source, tmp_path, what):
    session = EditSession(load(source))
    with pytest.raises(InspectorError) as caught:
        export_all(
            session,
            tmp_path,
            use_pyx12=False,
            mask=MaskPolicy(),
            **{what: tmp_path / "out.txt"},
        )
    assert str(caught.value) == MASK_REFUSED
    assert list(tmp_path.iterdir()) == []  # nothing written
