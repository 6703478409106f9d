"""Bulk steps and corrections lists: one undo step, one journal entry, all or nothing."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from inspector.cli import main
from inspector.core.editing import bulk
from inspector.core.editing.corrections_list import (
    CorrectionsListError,
    apply_corrections,
    check_corrections,
)
from inspector.core.editing.journal import Journal
from inspector.core.editing.session import Edit, EditRejected, EditSession
from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load, load_store
from inspector.resources import demo_path
from tests.support.synthetic import generate_834


@pytest.fixture
def session() -> EditSession:
    return EditSession(load(demo_path()))


def _fresh(data: bytes):
    return load_store(read_bytes(data, "x.834"))


def _assert_tables_match(session: EditSession) -> None:
    """The targeted re-derivation gives the tables a load of the current bytes gives."""
    fresh = _fresh(session.corrected_bytes())
    pd.testing.assert_frame_equal(session.doc.members, fresh.members)
    pd.testing.assert_frame_equal(session.doc.coverage, fresh.coverage)
    assert bytes(session.doc.structure.loops) == bytes(fresh.structure.loops)


def _groups(session: EditSession) -> list[list[Edit]]:
    """Birth dates of every third member, and APTC amounts where a member has one."""
    m, c = session.doc.members, session.doc.coverage
    groups = [
        [session.cell_edit("members", r, "birth_date", f"1970-01-{1 + r % 9:02d}")]
        for r in range(0, len(m), 3)
    ]
    for r in range(len(c)):
        if int(c["seg_cat:APTC AMT"].iat[r]) > 0 and c["insurance_line"].iat[r].startswith("HLT"):
            groups.append([session.cell_edit("coverage", r, "APTC AMT", f"{100 + r}.25")])
    return groups


def _gender_edit(session: EditSession, r: int) -> Edit:
    now = session.doc.members["gender"].iat[r]
    return session.cell_edit("members", r, "gender", "M" if now.startswith("F") else "F")


def _differing_elements(a: bytes, b: bytes) -> set[tuple[int, int]]:
    """(segment, element) pairs whose text differs; the files must have the same segments."""
    sa, sb = read_bytes(a, "a"), read_bytes(b, "b")
    assert len(sa) == len(sb)
    out = set()
    for o in range(1, len(sa) + 1):
        x, y = sa.raw(o), sb.raw(o)
        if x != y:
            ex, ey = x.split("*"), y.split("*")
            for k in range(max(len(ex), len(ey))):
                if (ex[k] if k < len(ex) else "") != (ey[k] if k < len(ey) else ""):
                    out.add((o, k))
    # outside the segments (terminators, line breaks) nothing moved
    assert sa.data[: sa.starts[0]] == sb.data[: sb.starts[0]]
    for i in range(len(sa) - 1):
        assert sa.data[sa.ends[i] : sa.starts[i + 1]] == sb.data[sb.ends[i] : sb.starts[i + 1]]
    return out


# -- the bulk step ---------------------------------------------------------------------------
def test_bulk_step_is_one_undo_step_with_exact_bytes(session):
    original = session.corrected_bytes()
    groups = _groups(session)
    plan = session.plan_bulk(groups)
    assert not plan.refused and len(plan.edits) == len(groups) > 10
    change = session.apply_plan(plan, "birth dates and APTC")
    assert change is not None and change.bulk and not change.reset
    assert len(session.history) == 1 and change.label == "birth dates and APTC"
    assert len(change.edits) == len(groups)
    # only the edited elements differ, and exactly as single edits one by one would write them
    expected = {(e.segment, int(e.element[3:5])) for e in plan.edits}
    assert _differing_elements(original, session.corrected_bytes()) == expected
    singly = EditSession(load(demo_path()))
    for group in groups:
        for edit in group:
            singly.apply(edit)
    assert singly.corrected_bytes() == session.corrected_bytes()
    _assert_tables_match(session)
    assert set(change.member_positions) <= set(change.recheck_positions)

    undone = session.undo()
    assert undone is not None and undone.action == "undo" and undone.bulk
    assert session.corrected_bytes() == original
    assert not session.can_undo and session.can_redo
    _assert_tables_match(session)
    pd.testing.assert_frame_equal(session.doc.members, load(demo_path()).members)

    session.redo()
    assert session.corrected_bytes() == singly.corrected_bytes()
    _assert_tables_match(session)
    assert len(session.net_changes()) == len(groups)


def test_refused_group_changes_nothing_of_its_own(session):
    ok = session.cell_edit("members", 0, "birth_date", "1980-01-01")
    bad = session.cell_edit("members", 1, "birth_date", "1980-02-30")
    fine_but_grouped = session.cell_edit("members", 1, "gender", "F")
    plan = session.plan_bulk([[ok], [fine_but_grouped, bad]])
    assert plan.accepted == (0,)
    assert plan.refused[0][0] == 1 and "February" in plan.refused[0][1]
    session.apply_plan(plan)
    assert [c.segment for c in session.net_changes()] == [ok.segment]


def test_two_edits_of_one_segment_in_one_step(session):
    r = 1
    plan = session.plan_bulk(
        [
            [session.cell_edit("members", r, "birth_date", "1980-01-01")],
            [session.cell_edit("members", r, "gender", "F")],
        ]
    )
    assert len(plan.writes) == 1 and len(plan.edits) == 2
    session.apply_plan(plan)
    assert session.doc.members["birth_date"].iat[r] == "1980-01-01"
    assert session.doc.members["gender"].iat[r].startswith("F")
    session.undo()
    assert session.corrected_bytes() == session.original


def test_an_edit_outside_members_reloads_once(session):
    header = next(o for o in range(1, 30) if session.doc.store.segment_id(o) == "BGN")
    plan = session.plan_bulk(
        [
            [Edit(header, "BGN02", "NEWREF")],
            [session.cell_edit("members", 2, "birth_date", "1990-05-05")],
        ]
    )
    change = session.apply_plan(plan)
    assert change is not None and change.reset
    _assert_tables_match(session)
    session.undo()
    assert session.corrected_bytes() == session.original


def test_a_stale_plan_is_refused(session):
    plan = session.plan_bulk([[session.cell_edit("members", 0, "birth_date", "1980-01-01")]])
    session.apply(session.cell_edit("members", 3, "birth_date", "1981-01-01"))
    with pytest.raises(EditRejected, match="changed since"):
        session.apply_plan(plan)


@pytest.mark.parametrize("where", ["_prepare_rederive", "_load_whole"])
def test_a_crash_mid_step_leaves_nothing(session, monkeypatch, tmp_path, where):
    journal = Journal.for_file(tmp_path, demo_path())
    session.journal = journal
    before = session.doc.members.copy()
    groups = _groups(session)
    if where == "_load_whole":  # a header edit takes the whole-reload path
        header = next(o for o in range(1, 30) if session.doc.store.segment_id(o) == "BGN")
        groups.append([Edit(header, "BGN02", "NEWREF")])
    plan = session.plan_bulk(groups)

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(bulk, where, crash)
    with pytest.raises(RuntimeError):
        session.apply_plan(plan)
    assert session.corrected_bytes() == session.original
    assert not session.can_undo and not session.corrected_segments()
    pd.testing.assert_frame_equal(session.doc.members, before)
    assert not journal.path.exists()
    monkeypatch.undo()
    assert session.apply_plan(plan) is not None  # and it works once the cause is gone
    _assert_tables_match(session)


# -- the journal -----------------------------------------------------------------------------
def test_journal_holds_one_entry_per_step_and_replays_it(session, tmp_path):
    journal = Journal.for_file(tmp_path, demo_path())
    session.journal = journal
    session.apply(_gender_edit(session, 5))
    session.apply_plan(session.plan_bulk(_groups(session)), "list")
    lines = journal.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x).get("op") for x in lines[1:]] == ["apply", "bulk"]
    steps = journal.load_steps()
    assert [s.label for s in steps] == [None, "list"]

    fresh = EditSession(load(demo_path()), journal=journal)
    changes = journal.replay(fresh)
    assert len(changes) == 2 and changes[1].bulk and len(fresh.history) == 2
    assert fresh.corrected_bytes() == session.corrected_bytes()
    assert journal.path.read_text(encoding="utf-8").splitlines() == lines  # nothing re-written
    _assert_tables_match(fresh)

    session.undo()  # the bulk step
    assert len(journal.load_steps()) == 1
    session.redo()
    assert len(journal.load_steps()) == 2


def test_a_half_written_bulk_entry_replays_nothing_of_it(session, tmp_path):
    journal = Journal.for_file(tmp_path, demo_path())
    session.journal = journal
    session.apply(_gender_edit(session, 5))
    single = session.corrected_bytes()
    session.apply_plan(session.plan_bulk(_groups(session)))
    text = journal.path.read_text(encoding="utf-8")
    cut = text[: text.rindex("\n", 0, len(text) - 1) + 1] + text.splitlines()[-1][:-40]
    journal.path.write_text(cut, encoding="utf-8")  # the crash hit while writing the step
    fresh = EditSession(load(demo_path()))
    journal.replay(fresh)
    assert fresh.corrected_bytes() == single and len(fresh.history) == 1


# -- corrections lists -------------------------------------------------------------------------
def _write_csv(path, rows) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def _ids(session: EditSession, r: int) -> tuple[str, str, str]:
    m = session.doc.members
    return m["subscriber_id"].iat[r], m["member_id"].iat[r], m["ssn"].iat[r]


def test_list_by_subscriber_and_member_id(session, tmp_path):
    sub1, mem1, _ = _ids(session, 1)
    sub2, mem2, _ = _ids(session, 4)
    sub3, _, _ = _ids(session, 2)
    path = tmp_path / "fix.csv"
    _write_csv(
        path,
        [
            ["Subscriber ID", "Member ID", "Birth date", "APTC AMT", "Issues"],
            [sub1, mem1, "1998-07-10", "800.00", "whatever the export said"],
            [sub2, mem2, "1975-02-30", "", ""],  # not a date
            [sub3, "", "2000-01-01", "", ""],  # no member without a member id
            ["NOPE", "1", "2000-01-01", "", ""],
            [sub2, mem2, "", "", ""],  # nothing to change
        ],
    )
    result = apply_corrections(session, path)
    assert [r.line for r in result.applied] == [2]
    assert result.applied[0].fields == ("birth_date", "APTC AMT")
    reasons = {r.line: r.reason for r in result.refused}
    assert "February" in reasons[3]
    assert "no member" in reasons[4] and "no member" in reasons[5]
    assert [r.line for r in result.unchanged] == [6]
    assert result.change is not None and len(session.history) == 1
    assert {c.element for c in session.net_changes()} == {"DMG02", "REF02"}
    assert session.doc.members["birth_date"].iat[1] == "1998-07-10"
    session.undo()
    assert session.corrected_bytes() == session.original


def test_list_by_ssn_machine_names_and_refusals(session, tmp_path):
    _, _, ssn = _ids(session, 6)
    sub, _, _ = _ids(session, 1)
    path = tmp_path / "fix.csv"
    _write_csv(
        path,
        [
            ["ssn", "birth_date", "gender", "member_name", "Notes"],
            [f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}", "1982-06-19", "F", "", ""],
            ["123456789", "1982-06-19", "", "", ""],
            [ssn, "", "", "", "call back"],
            [ssn, "", "", "", ""],
        ],
    )
    result = check_corrections(session, path)
    assert [r.line for r in result.applied] == [2]
    reasons = {r.line: r.reason for r in result.refused}
    assert "no member has this SSN" in reasons[3] and "Notes" in reasons[4]
    assert not session.can_undo  # only checked
    # a subscriber id alone names the whole family: ambiguous
    _write_csv(path, [["Subscriber ID", "Birth date"], [sub, "1990-01-01"]])
    assert "matches" in check_corrections(session, path).refused[0].reason
    # a column no single element backs
    _write_csv(path, [["SSN", "Other IDs"], [ssn, "X"]])
    assert "several elements" in check_corrections(session, path).refused[0].reason


def test_coverage_columns_need_a_line_when_a_member_has_two(session, tmp_path):
    r = int(session.doc.coverage["member_pos"].duplicated(keep=False).idxmax())
    pos = int(session.doc.coverage["member_pos"].iat[r])
    sub, mem, _ = _ids(session, session.member_row_of(pos))
    path = tmp_path / "fix.csv"
    _write_csv(path, [["Subscriber ID", "Member ID", "Benefit begin"], [sub, mem, "2027-04-01"]])
    assert "Line" in check_corrections(session, path).refused[0].reason
    _write_csv(
        path,
        [["Subscriber ID", "Member ID", "Line", "Benefit begin"], [sub, mem, "DEN", "2027-04-01"]],
    )
    result = apply_corrections(session, path)
    assert len(result.applied) == 1
    cov = session.doc.coverage
    mine = cov[cov["member_pos"] == pos]
    assert (
        mine[mine["insurance_line"].str.startswith("DEN")]["benefit_begin"].iat[0] == "2027-04-01"
    )


def test_xlsx_list(session, tmp_path):
    import datetime as dt

    sub, mem, _ = _ids(session, 4)
    path = tmp_path / "fix.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Subscriber ID", "Member ID", "Birth date", "APTC AMT"])
    sheet.append([sub, mem, dt.date(1975, 3, 2), 851.7])
    book.save(path)
    result = apply_corrections(session, path)
    assert len(result.applied) == 1, result.refused
    assert session.doc.members["birth_date"].iat[4] == "1975-03-02"
    assert {c.new for c in session.net_changes()} == {"19750302", "851.7"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("fix.pdf", b"%PDF-1.4", "CSV or XLSX"),
        ("fix.csv", b"", "empty"),
        ("fix.csv", b"Birth date,Gender\n1980-01-01,F\n", "no column to find members"),
        ("fix.csv", "SSN,Last name\n123456789,M\xfcller\n".encode("cp1252"), "not UTF-8"),
        ("fix.xlsx", b"PK\x03\x04 not really", "not a readable Excel workbook"),
        ("fix.csv", b"SSN,Birth date,birth_date\n1,2,3\n", "both name birth_date"),
    ],
)
def test_unusable_lists(session, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorrectionsListError, match=reason) as info:
        check_corrections(session, path)
    assert name in str(info.value)
    with pytest.raises(CorrectionsListError, match="does not exist"):
        check_corrections(session, tmp_path / "missing.csv")


# -- a bigger file: the targeted re-derivation of many members --------------------------------
def test_many_members_rederived_together():
    data = generate_834(600, seed=7).encode("ascii")
    session = EditSession(_fresh(data))
    m = session.doc.members
    rows = range(0, len(m), 2)
    plan = session.plan_bulk(
        [[session.cell_edit("members", r, "birth_date", f"19{50 + r % 40}0101")] for r in rows]
    )
    change = session.apply_plan(plan)
    assert change is not None and not change.reset and len(change.member_rows) == len(rows)
    _assert_tables_match(session)
    session.undo()
    assert session.corrected_bytes() == data
    _assert_tables_match(session)


# -- the command line --------------------------------------------------------------------------
def test_cli_export_apply(session, tmp_path, capsys):
    sub, mem, ssn = _ids(session, 1)
    path = tmp_path / "fix.csv"
    _write_csv(
        path,
        [
            ["Subscriber ID", "Member ID", "SSN", "Birth date"],
            [sub, mem, "", "1998-07-10"],
            ["NOPE", "1", ssn, "1998-07-10"],
        ],
    )
    edits = tmp_path / "edits.json"
    r = session.member_row_of(5)
    gender = _gender_edit(session, r)
    edits.write_text(json.dumps([gender.to_json()]))
    out, fixed = tmp_path / "out", tmp_path / "fixed.834"
    code = main(
        [
            "export",
            str(demo_path()),
            "--out",
            str(out),
            "--no-pyx12",
            "--edits",
            str(edits),
            "--apply",
            str(path),
            "--corrected-834",
            str(fixed),
        ]
    )
    text = capsys.readouterr().out
    assert code == 1  # a row was refused
    assert "1 row(s) applied" in text and "1 refused" in text and "1 edit(s) applied" in text
    assert "refused line 3" in text and ssn not in text and f"***-**-{ssn[5:]}" in text
    # the original values come from the rows the bulk step kept before writing
    assert "birth_date=1998-07-09" in (out / "corrections.csv").read_text(encoding="utf-8-sig")
    expected = EditSession(load(demo_path()))
    expected.apply(gender)
    expected.apply(expected.cell_edit("members", 1, "birth_date", "1998-07-10"))
    assert fixed.read_bytes() == expected.corrected_bytes()


def test_cli_unusable_list_writes_nothing(tmp_path, capsys):
    path = tmp_path / "fix.csv"
    path.write_text("Gender\nF\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["export", str(demo_path()), "--out", str(out), "--no-pyx12", "--apply", str(path)])
    assert code == 2
    assert "fix.csv" in capsys.readouterr().err
    assert not out.exists()


def test_recheck_members_finds_what_single_rechecks_find(session):
    from inspector.core.editing.bulk import recheck_members

    change = session.apply_plan(session.plan_bulk(_groups(session)))
    assert change is not None
    positions = change.member_positions
    together = recheck_members(session, positions)
    one_by_one = [f for pos in positions for f in session.revalidate_member(pos, use_pyx12=False)]

    def key(f):  # messages may name the other member by its place in the small file
        return (f.code, f.segment, f.member_pos, f.severity)

    assert together and sorted(map(key, together)) == sorted(map(key, one_by_one))


def test_a_list_ssn_in_other_digits_is_refused_as_such(session, tmp_path):
    # isdigit() keeps Arabic-Indic digits: the key would find a file SSN written the same way
    _, _, ssn = _ids(session, 6)
    arabic = ssn.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    path = tmp_path / "fix.csv"
    _write_csv(path, [["SSN", "Birth date"], [ssn, "1982-06-19"], [arabic, "1982-06-19"]])
    result = check_corrections(session, path)
    assert [r.line for r in result.applied] == [2]
    assert "not 0-9" in result.refused[0].reason and result.refused[0].line == 3
