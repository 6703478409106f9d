"""A truncated file (its SE, GE and IEA cut off): the missing trailers are the envelope's
problem, never counted against the last member — not in the findings, the counts or exports."""

from __future__ import annotations

import pytest

from inspector.core.export.tables import (
    coverage_sheet,
    findings_sheet,
    member_sheet,
    problem_sheets,
    summary_counts,
)
from inspector.core.records.document import load
from inspector.core.records.envelope import outside_members
from inspector.core.validation.run import validate_document
from inspector.resources import demo_path

MISSING = {"ENV-MISSING-SE", "ENV-MISSING-GE", "ENV-MISSING-IEA"}


def _truncated(tmp_path, cut: int):
    """The demo without its last ``cut`` segments (4: SE, GE, IEA and the empty tail)."""
    segs = demo_path().read_text(encoding="ascii").split("~\n")
    assert segs[-4:-1] == [segs[-4], segs[-3], segs[-2]] and segs[-4].startswith("SE*")
    path = tmp_path / f"cut{cut}.834"
    path.write_text("~\n".join(segs[: len(segs) - cut]) + "~\n", encoding="ascii")
    return path


@pytest.mark.parametrize("cut", [4, 5, 6, 8])  # ends at LE, at a 2750 DTP, a 2750 REF, an LX
def test_missing_trailers_belong_to_no_member(tmp_path, cut):
    doc = load(_truncated(tmp_path, cut))
    problems = {p.code: p for p in doc.problems if p.code in MISSING}
    assert set(problems) == MISSING
    last = int(doc.members["seg_last"].iat[-1])
    for p in problems.values():
        assert p.member_pos is None and outside_members(p)
        assert p.segment == len(doc.store) == last  # reported at the last member's last segment
    found = validate_document(doc, use_pyx12=False)
    envelope = [f for f in found if f.code in MISSING]
    assert {f.code for f in envelope} == MISSING
    assert all(f.member_pos is None and f.subscriber_id is None for f in envelope)
    counts = summary_counts(doc, found)
    assert counts["File-level findings (no member)"] >= 3
    members = member_sheet(doc, found)
    assert not any("ENV-MISSING" in i for i in members.frame["issues"])
    coverage = coverage_sheet(doc, found)
    assert not any("ENV-MISSING" in i for i in coverage.frame["issues"])
    listed = findings_sheet(found, doc).frame
    rows = listed[listed["code"].isin(MISSING)]
    assert len(rows) == 3 and set(rows["member_name"]) == {""} and set(rows["member_id"]) == {""}


def test_a_clean_last_member_is_no_problem_member_when_the_file_is_truncated(tmp_path):
    doc = load(_truncated(tmp_path, 4))
    found = validate_document(doc, use_pyx12=False)
    last = int(doc.members["member_pos"].iat[-1])
    # the last member's own findings (the demo's last member has one) are all it shows
    own = sorted(f.code for f in found if f.member_pos == last)
    members = member_sheet(doc, found)
    issues = members.frame["issues"].iat[-1]
    assert sorted(part.split(":")[0].split(" ")[1] for part in issues.split(" | ")) == own
    # without its own findings the last member would be clean: not in --problems-only
    found_without = [f for f in found if f.member_pos != last]
    sheets = problem_sheets(doc, found_without, problems_only=True)
    assert last not in set(sheets[0].frame["member_pos"])


def test_pyx12_adds_no_member_to_the_missing_trailers(tmp_path):
    doc = load(_truncated(tmp_path, 4))
    found = validate_document(doc)
    envelope = [f for f in found if f.code in MISSING]
    assert {f.code for f in envelope} == MISSING
    assert all(f.member_pos is None for f in envelope)
