"""Set a field for many rows: rows × column × value as one checked, undoable bulk step."""

from __future__ import annotations

import pytest

from inspector.core.editing.edits import EditRejected
from inspector.core.editing.journal import Journal
from inspector.core.editing.session import EditSession
from inspector.core.editing.table_edits import (
    apply_set_field,
    editable_columns,
    plan_set_field,
)
from inspector.core.errors import Cancelled
from inspector.core.records.document import load
from inspector.resources import demo_path


@pytest.fixture
def session() -> EditSession:
    return EditSession(load(demo_path()))


def _diff_segments(a: bytes, b: bytes) -> set[int]:
    sa, sb = a.split(b"~"), b.split(b"~")
    assert len(sa) == len(sb)
    return {i for i, (x, y) in enumerate(zip(sa, sb), start=1) if x != y}


def test_editable_columns_are_the_single_element_ones(session):
    members = editable_columns(session, "members")
    assert {"birth_date", "zip", "gender", "relationship"} <= set(members)
    assert not {"phone", "member_ids", "member_pos", "coverage_count"} & set(members)
    coverage = editable_columns(session, "coverage")
    assert {"benefit_begin", "coverage_level", "APTC AMT"} <= set(coverage)


def test_set_birth_date_for_rows_is_one_step_and_touches_only_those_elements(session, tmp_path):
    original = session.corrected_bytes()
    journal = Journal.for_file(tmp_path, demo_path())
    session.journal = journal
    rows = [0, 1, 2, 3]
    dmg = {int(session.doc.members["seg_dmg"].iat[r]) for r in rows}
    result = plan_set_field(session, "members", rows, "birth_date", "1980-02-29")
    assert [r.status for r in result.rows] == ["change"] * 4
    assert all(r.after == "19800229" for r in result.changed)
    assert session.corrected_bytes() == original  # planning writes nothing
    apply_set_field(session, result)
    assert len(session.history) == 1 and session.history[0].bulk
    assert len(journal.load_steps()) == 1
    assert set(session.doc.members["birth_date"].iloc[rows]) == {"1980-02-29"}  # as shown
    assert _diff_segments(original, session.corrected_bytes()) == dmg
    assert {(c.element, c.new) for c in session.net_changes()} == {("DMG02", "19800229")}
    session.undo()
    assert session.corrected_bytes() == original


def test_refused_and_unchanged_rows_are_reported_and_change_nothing(session):
    m = session.doc.members
    held = str(m["birth_date"].iat[1])  # as the table shows it: CCYY-MM-DD
    # an impossible date: every row refused with the element check's reason
    bad = plan_set_field(session, "members", [0, 1], "birth_date", "1981-02-29")
    assert [r.status for r in bad.rows] == ["refused", "refused"]
    assert "February 1981 has only 28 days" in (bad.rows[0].reason or "")
    assert not bad.plan.writes
    # row 1 already holds the value, as shown or typed as in the file (CCYYMMDD): "same"
    for typed in (held, held.replace("-", "")):
        mixed = plan_set_field(session, "members", [0, 1], "birth_date", typed)
        assert [r.status for r in mixed.rows] == ["change", "same"]
        assert [e.segment for e in mixed.plan.edits] == [int(m["seg_dmg"].iat[0])]
    # a row without the segment (no DTP*357) is refused, the others still change
    has_end = m["seg_dtp_357"].to_numpy() > 0
    without = [r for r in range(len(m)) if not has_end[r]][:2]
    ends = plan_set_field(session, "members", without, "eligibility_end", "2027-06-30")
    assert all(r.status == "refused" and "no DTP segment" in (r.reason or "") for r in ends.rows)


def test_coverage_rows_sharing_a_member_level_value_write_it_once(session):
    cov = session.doc.coverage
    original = session.corrected_bytes()
    rows = [k for k in range(len(cov)) if int(cov["seg_cat:APTC AMT"].iat[k]) > 0][:3]
    assert rows
    result = plan_set_field(session, "coverage", rows, "APTC AMT", "10.00")
    assert {r.status for r in result.rows} <= {"change", "same"}
    apply_set_field(session, result)
    refs = {int(cov["seg_cat:APTC AMT"].iat[k]) for k in rows}
    assert _diff_segments(original, session.corrected_bytes()) == refs
    session.undo()
    assert session.corrected_bytes() == original


def test_an_amount_that_is_not_a_number_is_refused(session):
    cov = session.doc.coverage
    rows = [k for k in range(len(cov)) if int(cov["seg_cat:APTC AMT"].iat[k]) > 0][:2]
    result = plan_set_field(session, "coverage", rows, "APTC AMT", "$10")
    assert all("not a plain decimal" in (r.reason or "") for r in result.refused)
    assert len(result.refused) == len(rows)


def test_a_computed_column_cannot_be_set(session):
    with pytest.raises(EditRejected):
        plan_set_field(session, "members", [0], "phone", "8045550123")


def test_cancel_stops_before_anything_is_planned(session):
    with pytest.raises(Cancelled):
        plan_set_field(session, "members", [0, 1], "gender", "F", cancel=lambda: True)
    seen = []
    plan_set_field(session, "members", [0, 1], "gender", "F", progress=lambda d, t: seen.append(t))
    assert seen and seen[-1] == 4
