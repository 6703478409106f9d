"""Edits of segment elements: validation, exact bytes, undo/redo, re-derivation, journal."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from inspector.core.editing.journal import Journal
from inspector.core.editing.session import Edit, EditRejected, EditSession
from inspector.core.errors import InspectorError, NotAn834Error
from inspector.core.reading.source import read_bytes
from inspector.core.records.dates import date_problem
from inspector.core.records.document import load, load_store
from tests.conftest import sample_files
from tests.support.synthetic import generate_834_with_manifest, write_834

DEFECTS = [
    "amount_not_number",
    "bad_ssn",
    "bad_birth_date",
    "add_without_coverage",
    "wrong_se_count",
]


@pytest.fixture(scope="module")
def defect_file():
    text, manifest = generate_834_with_manifest(40, defects=DEFECTS)
    return text.encode("ascii"), {m["defect"]: m for m in manifest}


def _session(data: bytes, name: str = "synthetic.834") -> EditSession:
    return EditSession(load_store(read_bytes(data, name)))


def _element_span(store, ordinal: int, position: int) -> tuple[int, int]:
    """Byte range of element ``position`` of a segment in ``store.data``."""
    start = int(store.starts[ordinal - 1])
    raw = store.raw(ordinal)
    sep = store.delimiters.element
    cut = 0
    for _ in range(position):
        cut = raw.index(sep, cut) + 1
    end = raw.find(sep, cut)
    return start + cut, start + (len(raw) if end < 0 else end)


def _trimmed(x: bytes, y: bytes, offset: int) -> tuple[int, int, bytes, bytes]:
    p = 0
    while p < min(len(x), len(y)) and x[p] == y[p]:
        p += 1
    s = 0
    while s < min(len(x), len(y)) - p and x[-1 - s] == y[-1 - s]:
        s += 1
    return offset + p, offset + len(x) - s, x[p : len(x) - s], y[p : len(y) - s]


def _byte_diffs(
    a: bytes, b: bytes, terminator: bytes = b"~", separator: bytes = b"*"
) -> list[tuple[int, int, bytes, bytes]]:
    """Differing byte runs of two files with the same segments: (start, end in ``a``, a-run, b-run).

    Segments are compared pairwise (edits never add or remove segments), and element by element
    when both have the same number of elements; common prefixes and suffixes are trimmed.
    """
    pa, pb = a.split(terminator), b.split(terminator)
    assert len(pa) == len(pb), "the number of segments changed"
    out, offset = [], 0
    for x, y in zip(pa, pb):
        if x != y:
            ex, ey = x.split(separator), y.split(separator)
            if len(ex) == len(ey):
                at = offset
                for u, v in zip(ex, ey):
                    if u != v:
                        out.append(_trimmed(u, v, at))
                    at += len(u) + len(separator)
            else:
                out.append(_trimmed(x, y, offset))
        offset += len(x) + len(terminator)
    return out


def _assert_only_in(original: bytes, corrected: bytes, spans: list[tuple[int, int]]) -> None:
    """Every byte difference lies inside one of the (original) element spans."""
    changed = _byte_diffs(original, corrected)
    assert changed, "nothing changed"
    for i1, i2, _, _ in changed:
        assert any(a <= i1 and i2 <= b for a, b in spans), (i1, i2, spans)


def _assert_tables_match_full_reload(session: EditSession) -> None:
    fresh = load_store(read_bytes(session.corrected_bytes(), "fresh.834"))
    pd.testing.assert_frame_equal(session.doc.members, fresh.members)
    pd.testing.assert_frame_equal(session.doc.coverage, fresh.coverage)
    assert bytes(session.doc.structure.loops) == bytes(fresh.structure.loops)
    assert session.doc.store.starts.tolist() == fresh.store.starts.tolist()
    assert session.doc.store.ends.tolist() == fresh.store.ends.tolist()


# -- unedited and undone files are byte-identical ------------------------------------------------
@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name[:60])
def test_unedited_and_undone_bytes_are_identical(path):
    original = path.read_bytes()
    try:
        session = EditSession(load(path))
    except NotAn834Error:
        pytest.skip("not readable as an 834")
    assert session.corrected_bytes() == original
    assert not session.dirty and not session.can_undo
    # Edit the first member's last name (if any), check the targeted re-derivation against a
    # full reload, then undo back to the exact original bytes.
    members = session.doc.members
    nm1 = [int(o) for o in members["seg_nm1"] if o]
    if nm1:
        change = session.apply({"segment": nm1[0], "element": "NM103", "value": "TESTNAME"})
        assert change.changed and session.dirty
        _assert_tables_match_full_reload(session)
        assert session.undo() is not None
    assert session.corrected_bytes() == original


# -- a correction end to end ---------------------------------------------------------------------
def test_fix_bad_birth_date(defect_file):
    data, defects = defect_file
    hit = defects["bad_birth_date"]
    o, pos = hit["segment_pos"], hit["member_pos"]
    session = _session(data)
    before = session.revalidate_member(pos)
    assert any(f.segment == o and f.element == "DMG02" for f in before), before
    assert all(f.member_pos == pos for f in before)

    change = session.apply({"segment": o, "element": "DMG02", "value": "19810228"})
    assert (change.before, change.after) == ("19810231", "19810228")
    assert change.member_positions == (pos,) and change.member_rows == (pos - 1,)
    assert not change.reset
    row = session.doc.members.iloc[pos - 1]
    assert row["birth_date"] == "1981-02-28"
    assert session.doc.store.raw(o) == "DMG*D8*19810228*F*D"

    corrected = session.corrected_bytes()
    assert len(corrected) == len(data)
    _assert_only_in(data, corrected, [_element_span(read_bytes(data), o, 2)])
    after = session.revalidate_member(pos)
    assert not any(f.segment == o and f.element == "DMG02" for f in after), after
    _assert_tables_match_full_reload(session)

    hist = session.history
    assert len(hist) == 1 and hist[0].edit.old == "19810231" and hist[0].when


def test_undo_redo_and_dirty(defect_file):
    data, defects = defect_file
    o = defects["bad_birth_date"]["segment_pos"]
    session = _session(data)
    session.apply({"segment": o, "element": "DMG02", "value": "19810228"})
    session.apply({"segment": o - 4, "element": "NM104", "value": "JULIANA"})
    edited = session.corrected_bytes()
    assert session.can_undo and not session.can_redo

    undone = session.undo()
    assert undone.action == "undo" and undone.after == "JULIA"
    assert session.undo().action == "undo"
    assert session.corrected_bytes() == data and not session.dirty
    assert session.undo() is None and session.can_redo
    _assert_tables_match_full_reload(session)

    assert session.redo().after == "19810228"
    assert session.redo().after == "JULIANA"
    assert session.corrected_bytes() == edited and session.redo() is None
    session.mark_saved()
    assert not session.dirty
    session.undo()
    assert session.dirty
    # a new edit clears the redo stack
    session.apply({"segment": o, "element": "DMG03", "value": "M"})
    assert not session.can_redo and len(session.history) == 2


def test_undo_redo_state_is_public(defect_file):
    """What Undo and Redo would do next, read from the session (the GUI keeps no stack)."""
    data, defects = defect_file
    o = defects["bad_birth_date"]["segment_pos"]
    session = _session(data)
    assert session.undo_entry is None and session.redo_entry is None and not session.undone
    first = session.apply({"segment": o, "element": "DMG02", "value": "19810228"})
    second = session.apply({"segment": o - 4, "element": "NM104", "value": "JULIANA"})
    assert session.undo_entry is second and session.history == [first, second]

    session.undo()
    assert session.undo_entry is first and session.redo_entry is second
    assert session.undone == [second] and session.history == [first]
    session.undo()
    assert session.undo_entry is None and session.undone == [second, first]
    assert session.redo_entry is first  # the next Redo re-applies the oldest undone edit

    redone = session.redo()
    assert redone.action == "redo" and redone.edit == first.edit
    assert session.undo_entry is first and session.redo_entry is second
    session.apply({"segment": o, "element": "DMG03", "value": "M"})
    assert session.redo_entry is None and not session.undone and not session.can_redo
    # the lists handed out are copies: changing them does not change the session
    session.history.clear()
    session.undone.append(first)
    assert session.can_undo and not session.can_redo


def test_change_rows_and_times(defect_file):
    """Each Change names the re-derived rows by field, and an apply carries its edit's time."""
    data, defects = defect_file
    hit = defects["bad_birth_date"]
    o, pos = hit["segment_pos"], hit["member_pos"]
    se = defects["wrong_se_count"]["segment_pos"]
    session = _session(data)
    when = "2025-03-04T05:06:07+00:00"
    change = session.apply(Edit(o, "DMG02", "19810228", when=when))
    assert change.when == when and change.edit.when == when
    assert change.member_rows == (pos - 1,) and change.member_positions == (pos,)
    assert change.coverage_rows == tuple(session.coverage_rows_of(pos - 1))
    assert not change.reset and pos in change.recheck_positions
    undone = session.undo()
    assert undone.member_rows == (pos - 1,) and undone.when and not undone.reset
    assert pos in undone.recheck_positions

    reloaded = session.apply(Edit(se, "SE01", "1052", when=when))
    assert reloaded.reset and reloaded.when == when
    assert (reloaded.member_rows, reloaded.coverage_rows, reloaded.member_positions) == ((), (), ())
    # an edit that changes nothing is not recorded, but its Change is dated like any other
    same = session.apply(Edit(se, "SE01", "1052", when=when))
    assert not same.changed and same.when == when and not same.reset
    assert len(session.history) == 1


def test_several_edits_touch_only_their_elements(defect_file):
    data, defects = defect_file
    store = read_bytes(data)
    ssn_o = defects["bad_ssn"]["segment_pos"]
    amt_o = defects["amount_not_number"]["segment_pos"]
    session = _session(data)
    c1 = session.apply({"segment": ssn_o, "element": "NM109", "value": "123456789"})
    c2 = session.apply({"segment": amt_o, "element": "REF02", "value": "870.00"})
    c3 = session.apply({"segment": ssn_o, "element": "NM103", "value": "PATEL-SMITH"})
    assert not (c1.reset or c2.reset or c3.reset)
    _assert_only_in(
        data,
        session.corrected_bytes(),
        [
            _element_span(store, ssn_o, 9),
            _element_span(store, amt_o, 2),
            _element_span(store, ssn_o, 3),
        ],
    )
    cov = session.doc.coverage
    assert cov.loc[cov["member_pos"] == 1, "APTC AMT"].tolist()[0] == "870.00"
    assert c2.coverage_rows and all(cov["member_pos"].iat[j] == 1 for j in c2.coverage_rows)
    m = session.doc.members.iloc[defects["bad_ssn"]["member_pos"] - 1]
    assert (m["ssn"], m["last_name"]) == ("123456789", "PATEL-SMITH")
    _assert_tables_match_full_reload(session)
    nets = {(c.segment, c.element): (c.old, c.new) for c in session.net_changes()}
    assert nets[(amt_o, "REF02")] == ("87O.00", "870.00")
    assert nets[(ssn_o, "NM109")] == ("666678638", "123456789")


def test_padding_trimming_and_components():
    data, _ = generate_834_with_manifest(3)
    data = data.encode()
    session = _session(data)
    doc = session.doc
    dep = int(doc.members["seg_ins"].iat[1])
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A"
    session.apply({"segment": dep, "element": "INS08", "value": "FT"})
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A***FT"  # INS06, INS07 padded
    assert session.doc.members["employment_status"].iat[1] == "FT Full-time"
    session.apply({"segment": dep, "element": "INS08", "value": ""})
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A"
    assert session.corrected_bytes() == data
    session.apply({"segment": dep, "element": "INS06-01", "value": "C"})
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A*C"
    session.apply({"segment": dep, "element": "INS06-02", "value": "X"})
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A*C:X"
    session.apply({"segment": dep, "element": "INS06-02", "value": ""})
    assert doc.store.raw(dep) == "INS*N*19*021*EC*A*C"
    _assert_tables_match_full_reload(session)
    # Clearing an element that is not there is a no-op, not an edit
    change = session.apply({"segment": dep, "element": "INS17", "value": ""})
    assert not change.changed and len(session.history) == 5


def test_values_as_the_tables_show_them(defect_file):
    data, defects = defect_file
    o = defects["bad_birth_date"]["segment_pos"]
    session = _session(data)
    assert (
        session.apply({"segment": o, "element": "DMG02", "value": "1981-02-28"}).after == "19810228"
    )
    assert session.apply({"segment": o, "element": "DMG03", "value": "M Male"}).after == "M"
    row = defects["bad_birth_date"]["member_pos"] - 1
    edit = session.cell_edit("members", row, "birth_date", "19800101")
    assert (edit.segment, edit.element) == (o, "DMG02")
    with pytest.raises(EditRejected, match="computed"):
        session.cell_edit("members", row, "other_dates", "x")


@pytest.mark.parametrize(
    "edit, reason",
    [
        ({"element": "DMG02", "value": "19810230"}, "February 1981 has only 28 days"),
        ({"element": "DMG02", "value": "1981023"}, "CCYYMMDD"),
        ({"element": "DMG02", "value": "1981*0228"}, "element separator"),
        ({"element": "DMG02", "value": "19810228~"}, "segment terminator"),
        ({"element": "DMG02", "value": "1981:0228"}, "component separator"),
        ({"element": "DMG02", "value": "1981^0228"}, "repetition separator"),
        ({"element": "DMG02", "value": "1981\n0228"}, "control character"),
        ({"element": "NM103", "value": "SMITH"}, "element of NM1 segments, but segment"),
        ({"element": "DMG03", "value": "X"}, "not a valid gender code"),
        ({"element": "DMG2", "value": "19810228"}, "not an element id"),
        ({"element": "DMG02", "value": "19810228", "old": "19800101"}, "not '19800101'"),
        ({"segment": 99999, "element": "DMG02", "value": "19810228"}, "does not exist"),
        ({"segment": 1, "element": "ISA06", "value": "SHORT"}, "fixed-width"),
        ({"segment": 1, "element": "ISA16", "value": ">"}, "delimiters"),
        ({"segment": "amount", "element": "REF02", "value": "1,250.00"}, "plain decimal"),
        ({"segment": "ssn", "element": "NM109", "value": "123-45-6789"}, "nine digits"),
        ({"segment": "hd", "element": "HD03", "value": "XYZ"}, "not a valid"),
        ({"segment": "st", "element": "ST01", "value": "835"}, "unreadable as an 834"),
    ],
)
def test_rejected_edits_change_nothing(defect_file, edit, reason):
    data, defects = defect_file
    session = _session(data)
    where = {
        "amount": defects["amount_not_number"]["segment_pos"],
        "ssn": defects["bad_ssn"]["segment_pos"],
        "hd": int(session.doc.coverage["seg_hd"].iat[0]),
        "st": 3,
    }
    seg = edit.get("segment", defects["bad_birth_date"]["segment_pos"])
    edit = {**edit, "segment": where.get(seg, seg)}
    members = session.doc.members.copy()
    coverage = session.doc.coverage.copy()
    with pytest.raises(EditRejected, match=reason) as exc:
        session.apply(edit)
    assert exc.value.reason
    assert session.corrected_bytes() == data
    assert not session.history and not session.dirty
    pd.testing.assert_frame_equal(session.doc.members, members)
    pd.testing.assert_frame_equal(session.doc.coverage, coverage)


def test_envelope_edit_reloads(defect_file):
    data, defects = defect_file
    se = defects["wrong_se_count"]["segment_pos"]
    session = _session(data)
    assert any(f.code == "ENV-SE01-COUNT" for f in session.doc.problems)
    change = session.apply({"segment": se, "element": "SE01", "value": "1052"})
    assert change.reset and not change.member_rows
    assert not any(f.code == "ENV-SE01-COUNT" for f in session.doc.problems)
    assert session.undo().reset
    assert session.corrected_bytes() == data


def test_edit_json_round_trip():
    edit = Edit.from_json({"segment": "12", "element": "dmg02", "value": 19800228})
    assert edit == Edit(12, "DMG02", "19800228")
    assert Edit.from_json(edit.to_json()) == edit
    full = Edit(3, "NM103", "X", old="Y", when="2025-01-01T00:00:00+00:00")
    assert Edit.from_json(full.to_json()) == full
    with pytest.raises(EditRejected, match="no value"):
        Edit.from_json({"segment": 1, "element": "DMG02"})
    assert date_problem("20240229") is None and "has only 28" in date_problem("20230229")


def test_targeted_rederivation_is_fast(tmp_path):
    path = write_834(tmp_path / "big.834", 5000)
    session = EditSession(load(path))
    members = session.doc.members
    r = 3217
    o = int(members["seg_dmg"].iat[r])
    start = time.perf_counter()
    change = session.apply({"segment": o, "element": "DMG02", "value": "19700101"})
    took = time.perf_counter() - start
    assert not change.reset and change.member_rows == (r,)
    assert session.doc.members["birth_date"].iat[r] == "1970-01-01"
    assert took < 1.0, took


# -- journal -------------------------------------------------------------------------------------
def test_journal_survives_a_crash(tmp_path, defect_file):
    data, defects = defect_file
    source = tmp_path / "in.834"
    source.write_bytes(data)
    jdir = tmp_path / "journals"
    journal = Journal.for_file(jdir, source)
    assert not journal.has_edits and not journal.path.exists()
    session = EditSession(load(source), journal=journal)
    o = defects["bad_birth_date"]["segment_pos"]
    session.apply({"segment": o, "element": "DMG02", "value": "19810228"})
    session.apply({"segment": o - 4, "element": "NM104", "value": "JULES"})
    session.apply({"segment": o - 4, "element": "NM103", "value": "YOUNGER"})
    session.undo()
    expected = session.corrected_bytes()
    del session  # crash: nothing saved

    again = Journal.for_file(jdir, source)
    assert again.path == journal.path and again.has_edits
    assert [e.element for e in again.load()] == ["DMG02", "NM104"]
    fresh = EditSession(load(source), journal=again)
    changes = again.replay(fresh)
    assert len(changes) == 2 and fresh.corrected_bytes() == expected
    # replaying wrote nothing new; further edits are journaled
    fresh.apply({"segment": o, "element": "DMG03", "value": "M"})
    assert len(Journal.for_file(jdir, source).load()) == 3

    # a torn last line (crash mid-write) loses only that line
    with open(journal.path, "a", encoding="utf-8") as fh:
        fh.write('{"op": "apply", "edit": {"segm')
    assert len(Journal.for_file(jdir, source).load()) == 3

    again.discard()
    assert not again.path.exists() and not Journal.for_file(jdir, source).has_edits


def test_journal_not_offered_for_another_file(tmp_path, defect_file):
    data, defects = defect_file
    source = tmp_path / "in.834"
    source.write_bytes(data)
    jdir = tmp_path / "journals"
    session = EditSession(load(source), journal=Journal.for_file(jdir, source))
    session.apply(
        {
            "segment": defects["bad_birth_date"]["segment_pos"],
            "element": "DMG02",
            "value": "19810228",
        }
    )
    other = tmp_path / "other.834"
    other.write_bytes(data)  # same content, other path
    assert not Journal.for_file(jdir, other).has_edits
    source.write_bytes(data.replace(b"PATEL", b"PATIL"))  # same path, changed content
    assert not Journal.for_file(jdir, source).has_edits
    stale = Journal.for_file(jdir, other)
    stale.path.write_text(session.journal.path.read_text(encoding="utf-8"), encoding="utf-8")
    assert not stale.has_edits  # header names another file version
    changed = EditSession(load_store(read_bytes(data.replace(b"PATEL", b"PATIL"))))
    with pytest.raises(InspectorError, match="different file"):
        session.journal.replay(changed)


def test_structure_tables_follow_a_targeted_edit():
    """Rules and summaries read the structure's tables: an edit must reach them too."""
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from tests.support.synthetic import generate_834

    doc = load_store(read_bytes(generate_834(30, seed=5).encode(), "s.834"))
    session = EditSession(doc)
    row = 3
    nm1 = int(doc.members["seg_nm1"].iat[row])
    session.apply({"segment": nm1, "element": "NM103", "value": "CHANGED"})
    assert session.doc.members["last_name"].iat[row] == "CHANGED"
    assert session.doc.structure.members.column("last_name")[row] == "CHANGED"
    ref = int(doc.members["seg_ref_0f"].iat[row])
    session.apply({"segment": ref, "element": "REF01", "value": "ZZ"})
    assert session.doc.members["seg_ref_0f"].iat[row] == 0
    assert session.doc.structure.members.column("seg_ref_0f")[row] == 0


def test_recheck_keeps_counterparts_outside_the_family():
    """A duplicate sits in another family: an unrelated edit of the duplicate must not make the
    duplicate finding vanish, and changing the first copy's SSN names the copy for a re-check."""
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from tests.support.synthetic import generate_834_with_manifest

    text, manifest = generate_834_with_manifest(40, defects=["duplicate_member"], seed=834)
    second = manifest[0]["member_pos"]  # 18 is a copy of 17, each a one-person family
    session = EditSession(load_store(read_bytes(text.encode(), "dup.834")))
    before = {f.code for f in session.revalidate_member(second, use_pyx12=False)}
    assert "RULE-DUP-MEMBER" in before
    row = session.member_row_of(second)
    n3 = int(session.doc.members["seg_n3"].iat[row])
    change = session.apply({"segment": n3, "element": "N301", "value": "1 OTHER ST"})
    assert second in change.recheck_positions
    after = {f.code for f in session.revalidate_member(second, use_pyx12=False)}
    assert "RULE-DUP-MEMBER" in after  # the first copy (member 17) is still in the file
    first_row = session.member_row_of(second - 1)
    nm1 = int(session.doc.members["seg_nm1"].iat[first_row])
    change = session.apply({"segment": nm1, "element": "NM109", "value": "123456780"})
    assert {second - 1, second} <= set(change.recheck_positions)


def test_recheck_names_the_neighbours_before_and_after_the_edit():
    """Re-check positions are the members around the edited one before the write and after it:
    a new duplicate is named at once; an edit that changes no deciding cell names the same set."""
    from tests.support.synthetic import generate_834_with_manifest

    text, manifest = generate_834_with_manifest(40, defects=["duplicate_member"], seed=834)
    second = manifest[0]["member_pos"]  # a copy of member second - 1, each a family of one
    session = EditSession(load_store(read_bytes(text.encode(), "dup.834")))
    members = session.doc.members
    other = next(
        p
        for p in members["member_pos"].tolist()
        if abs(p - second) > 3 and members["is_subscriber"].iat[session.member_row_of(p)] == "Y"
    )
    row = session.member_row_of(other)

    end = row  # the family: the subscriber and the dependents after it
    while end + 1 < len(members) and members["is_subscriber"].iat[end + 1] != "Y":
        end += 1
    family = set(members["member_pos"].iloc[row : end + 1].tolist())

    n3 = int(members["seg_n3"].iat[row])
    change = session.apply({"segment": n3, "element": "N301", "value": "9 ELSEWHERE RD"})
    assert set(change.recheck_positions) == family and second not in family
    # taking the duplicate's SSN makes it a counterpart: named although it was not before
    ssn = str(members["ssn"].iat[session.member_row_of(second)])
    nm1 = int(members["seg_nm1"].iat[row])
    change = session.apply({"segment": nm1, "element": "NM109", "value": ssn})
    assert {second - 1, second, other} <= set(change.recheck_positions)
    undone = session.undo()  # and the undo still names them (they lose their counterpart)
    assert {second - 1, second, other} <= set(undone.recheck_positions)
