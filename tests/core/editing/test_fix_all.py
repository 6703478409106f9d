"""Fix all like this: each rule's fixer, the preview is what is applied, one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.core.editing.fix_all import apply_fix_all, fixable, plan_fix_all
from inspector.core.editing.journal import Journal
from inspector.core.editing.session import EditSession
from inspector.core.findings import Finding
from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.catalogue import render, rule_rows
from inspector.core.validation.rules import RULES
from inspector.core.validation.run import validate_document
from inspector.resources import demo_path

#: Segment ordinal -> faulty text written into a copy of the demo file (see the demo's lines).
FAULTS = {
    15: b"NM1*IL*1*HUGHES*JACK*J***34*172-08-0503",  # SSN with punctuation: fixable
    17: b"N4*DURHAM*NC*27719-1234",  # ZIP+4 with a hyphen: fixable
    18: b"DMG*D8*2011-08-15*M",  # a date in another format: fixable
    26: b"REF*9X*$303.46",  # PRE AMT 1 with a dollar sign: fixable
    33: b"NM1*IL*1*PARKER*LIAM*T***34*XXX-XX-5683",  # a masked SSN: not determined
    36: b"N4*RALEIGH*NC*2762",  # four digits: not determined
    37: b"DMG*D8*07/09/1998*M*D",  # month first: not determined
    61: b"REF*9V*600.00",  # TOT RES AMT: 1472.18 - 870.81 = 601.37
    208: b"HD*021**HLT*PLATINUM 500*IND",  # dependent's level; the subscriber has FAM
}
# Already in the demo: DMG*D8*19810231 (member 28), a birth date that no form makes real.


def faulty_bytes(faults: dict[int, bytes] = FAULTS) -> bytes:
    segments = demo_path().read_bytes().split(b"~")
    for ordinal, text in faults.items():
        lead = segments[ordinal - 1][
            : len(segments[ordinal - 1]) - len(segments[ordinal - 1].lstrip())
        ]
        segments[ordinal - 1] = lead + text
    return b"~".join(segments)


def _session(data: bytes, journal: Journal | None = None) -> EditSession:
    return EditSession(load_store(read_bytes(data, "faulty.834")), journal)


def _findings(session: EditSession, code: str | None = None) -> list[Finding]:
    doc = load_store(read_bytes(session.corrected_bytes(), "faulty.834"))
    found = validate_document(doc, use_pyx12=False)
    return [f for f in found if code is None or f.code == code]


@pytest.fixture
def faulty() -> bytes:
    return faulty_bytes()


CASES = [
    # code, (segment, element, before, after) fixed, segments of findings left alone
    ("RULE-TOT-RES-MISMATCH", [(61, "REF02", "600.00", "601.37")], []),
    ("RULE-DATE-INVALID", [(18, "DMG02", "2011-08-15", "20110815")], [37, 748]),
    ("RULE-AMOUNT-NOT-NUMBER", [(26, "REF02", "$303.46", "303.46")], []),
    ("RULE-COVERAGE-LEVEL-DEPENDENT", [(208, "HD05", "IND", "FAM")], []),
    ("RULE-SSN-FORMAT", [(15, "NM109", "172-08-0503", "172080503")], [33]),
    ("RULE-ZIP-FORMAT", [(17, "N403", "27719-1234", "277191234")], [36]),
]


@pytest.mark.parametrize(("code", "fixed", "left"), CASES, ids=[c[0] for c in CASES])
def test_fixer_fixes_what_the_file_determines_and_leaves_the_rest(faulty, code, fixed, left):
    session = _session(faulty)
    before = _findings(session, code)
    assert {f.segment for f in before} == {s for s, *_ in fixed} | set(left)
    plan = plan_fix_all(session, before, code)
    assert [(p.segment, p.element, p.before, p.after) for p in plan.fixes] == fixed
    assert sorted(f.segment for f, _why in plan.left) == sorted(left)
    assert all(why for _f, why in plan.left)
    apply_fix_all(session, plan)
    after = _findings(session, code)
    # the fixed findings are gone on a fresh check; those it could not determine stay, untouched
    assert sorted(f.segment for f in after) == sorted(left)
    for f in after:
        assert session.doc.store.raw(f.segment or 0) == _session(faulty).doc.store.raw(
            f.segment or 0
        )


def test_preview_is_exactly_what_is_applied_and_one_undo_restores_the_bytes(faulty, tmp_path):
    journal = Journal.for_file(tmp_path / "j", Path("faulty.834"), faulty)
    session = _session(faulty, journal)
    findings = _findings(session)
    for code in [c for c, *_ in CASES]:
        plan = plan_fix_all(session, findings, code)
        preview = {(p.segment, p.element, p.before, p.after) for p in plan.fixes}
        history = len(session.history)
        apply_fix_all(session, plan)
        assert len(session.history) == history + 1  # one step per fix-all
        applied = {
            (c.segment, c.element, c.old, c.new)
            for c in session.net_changes()
            if (c.segment, c.element) in {(s, e) for s, e, *_ in preview}
        }
        assert applied == preview
    # net: exactly the previewed elements changed, nothing else in the file
    changed = {(c.segment, c.element) for c in session.net_changes()}
    assert changed == {(s, e) for _c, fixed, _l in CASES for s, e, *_ in fixed}
    assert _byte_diff_segments(faulty, session.corrected_bytes()) == {s for s, _e in changed}
    assert len(journal.load_steps()) == len(CASES)  # one journal entry per step
    while session.can_undo:
        session.undo()
    assert session.corrected_bytes() == faulty


def _byte_diff_segments(a: bytes, b: bytes) -> set[int]:
    sa, sb = a.split(b"~"), b.split(b"~")
    assert len(sa) == len(sb)
    return {i for i, (x, y) in enumerate(zip(sa, sb), start=1) if x != y}


def test_one_undo_takes_a_whole_fix_all_back(faulty):
    session = _session(faulty)
    plan = plan_fix_all(session, _findings(session), "RULE-DATE-INVALID")
    apply_fix_all(session, plan)
    assert session.corrected_bytes() != faulty
    session.undo()
    assert session.corrected_bytes() == faulty and not session.can_undo


def test_a_stale_finding_is_not_fixed(faulty):
    """A finding whose element no longer holds the value found changes nothing."""
    session = _session(faulty)
    findings = _findings(session, "RULE-ZIP-FORMAT")
    session.apply(session.cell_edit("members", 0, "zip", "27719"))
    plan = plan_fix_all(session, findings, "RULE-ZIP-FORMAT")
    assert not plan.fixes
    assert any("now holds '27719'" in why for _f, why in plan.left)


def test_negative_tot_res_is_not_fixed():
    # APTC above the premium: TOT RES AMT would be negative, the premium or APTC is wrong
    data = faulty_bytes({53: b"REF*9V*1500.00"})
    session = _session(data)
    found = _findings(session, "RULE-TOT-RES-MISMATCH")
    assert found
    plan = plan_fix_all(session, found, "RULE-TOT-RES-MISMATCH")
    assert not plan.fixes and "negative" in plan.left[0][1]


def test_a_plan_applies_only_to_the_state_it_was_made_for(faulty):
    from inspector.core.editing.edits import EditRejected

    session = _session(faulty)
    plan = plan_fix_all(session, _findings(session), "RULE-SSN-FORMAT")
    session.apply(session.cell_edit("members", 0, "zip", "27719"))
    with pytest.raises(EditRejected):
        apply_fix_all(session, plan)


def test_autofix_is_said_exactly_for_rules_with_a_fixer():
    with_fixer = {r.code for r in RULES if r.fixer is not None}
    assert with_fixer == {c for c, *_ in CASES}
    rows = rule_rows(every=True)
    assert {r["code"] for r in rows if r["autofix"]} == with_fixer
    text = render(rows, "text")
    for code in with_fixer:
        block = text.split(code + "  ", 1)[1].split("\nRULE-", 1)[0]
        assert "autofix:" in block
    assert fixable("RULE-DATE-INVALID") and not fixable("RULE-DUP-MEMBER")
    with pytest.raises(ValueError):
        plan_fix_all(_session(demo_path().read_bytes()), [], "RULE-DUP-MEMBER")
