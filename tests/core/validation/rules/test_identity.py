"""Identity and duplication across the whole file (rules/identity.py): each rule fires at the
right segment on a small hand-built file and stays quiet on conventional practice."""

from __future__ import annotations

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.rules import run_rules
from tests.core.validation.test_rules import ISA, TODAY, at, check, dep, of, one, sub


def x834_sets(*sets: tuple[str, list[str]]) -> bytes:
    """An 834 with one ST/SE per (BGN08, members) pair, envelope counted."""
    segs = [ISA, "GS*BE*S*R*20250115*1200*1*X*005010X220A1"]
    for k, (bgn08, members) in enumerate(sets, 1):
        ctl = f"{k:04d}"
        body = [s for m in members for s in m.split("~") if s.strip()]
        st = [
            f"ST*834*{ctl}*005010X220A1",
            f"BGN*00*REF{k}*20250115*1200****{bgn08}",
            "N1*P5*SPONSOR*FI*999999999",
            "N1*IN*PAYER*FI*888888888",
            *body,
        ]
        segs += [*st, f"SE*{len(st) + 1}*{ctl}"]
    segs += [f"GE*{len(sets)}*1", "IEA*1*000000001"]
    return ("~\n".join(segs) + "~\n").encode("ascii")


def check_sets(*sets, profiles=()):
    doc = load_store(read_bytes(x834_sets(*sets)))
    return doc, run_rules(doc, profiles=profiles, today=TODAY)


P2 = "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P2"
TERM = "INS*Y*18*024*07*A***FT"
TERM_COV = "HD*024**HLT*GOLD~DTP*348*D8*20250101~DTP*349*D8*20250131~REF*1L*P1"


# -- RULE-ID-SAME-PERSON-TWICE -------------------------------------------------------------------
def test_same_person_under_another_subscriber_id():
    doc, found = check(sub(), sub("S200", cov=P2))
    f = one(found, "RULE-ID-SAME-PERSON-TWICE")
    assert (f.segment, f.member_pos) == (at(doc, "INS", 2), 2)
    assert "S100" in f.message and "S200" in f.message
    assert not of(found, "RULE-DUP-MEMBER")  # one finding for one defect


def test_same_person_in_two_transaction_sets():
    doc, found = check_sets(("2", [sub()]), ("2", [sub("S200", ssn="", cov=P2)]))
    f = one(found, "RULE-ID-SAME-PERSON-TWICE")
    assert f.segment == at(doc, "INS", 2)
    assert "transaction set 0001" in f.message


def test_same_person_twice_quiet_on_conventional_practice():
    # one ST terminates, the other adds (a move to another household)
    term = sub(ins=TERM, cov=TERM_COV)
    _doc, found = check_sets(("2", [term]), ("2", [sub("S200", cov=P2)]))
    assert not of(found, "RULE-ID-SAME-PERSON-TWICE")
    # health and dental in separate loops of the same member
    dental = sub(cov="HD*021**DEN*BASIC~DTP*348*D8*20250201~REF*1L*D1")
    assert not of(check(sub(), dental)[1], "RULE-ID-SAME-PERSON-TWICE")
    # an audit record (full file) beside a change for the same person
    audit = sub(ins="INS*Y*18*030*XN*A***FT", cov="HD*030**HLT*GOLD~DTP*348*D8*20250201")
    _doc, found = check_sets(("4", [audit]), ("2", [sub("S200", cov=P2)]))
    assert not of(found, "RULE-ID-SAME-PERSON-TWICE")
    # two different people
    assert not of(
        check(sub(), sub("S200", name="ROE*ANN", ssn="345678901", cov=P2))[1],
        "RULE-ID-SAME-PERSON-TWICE",
    )


# -- RULE-ID-SSN-SHARED --------------------------------------------------------------------------
def test_ssn_shared_by_two_people():
    doc, found = check(sub(), dep(ssn="123456789"))
    f = one(found, "RULE-ID-SSN-SHARED")
    assert (f.segment, f.element, f.value) == (at(doc, "NM1*IL", 2), "NM109", "123456789")
    assert not of(found, "RULE-DUP-MEMBER")


def test_ssn_shared_quiet_for_the_same_person():
    # a typo in the first name and birth date is still one person (RULE-DUP-MEMBER's)
    _doc, found = check(sub(), sub(name="DOE*JON", dob="19800511", ins="INS*Y*18*001*25*A***FT"))
    assert not of(found, "RULE-ID-SSN-SHARED")
    assert not of(check(sub(), dep())[1], "RULE-ID-SSN-SHARED")


# -- RULE-ID-SUBSCRIBER-ID-SHARED ----------------------------------------------------------------
def test_subscriber_id_shared_by_two_subscribers():
    doc, found = check(sub(), sub(name="ROE*ANN", ssn="345678901", dob="19700101"))
    f = one(found, "RULE-ID-SUBSCRIBER-ID-SHARED")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*0F", 2), "REF02", "S100")


def test_subscriber_id_shared_quiet_for_one_subscriber():
    term = sub(ins=TERM, cov=TERM_COV)
    _doc, found = check_sets(("2", [term]), ("2", [sub()]))
    assert not of(found, "RULE-ID-SUBSCRIBER-ID-SHARED")
    assert not of(check(sub(), dep())[1], "RULE-ID-SUBSCRIBER-ID-SHARED")  # a dependent


# -- RULE-ID-MEMBER-ID-SHARED (exchange) ---------------------------------------------------------
def test_member_id_shared_by_two_people():
    members = (
        sub(refs="REF*17*M1"),
        sub("S200", refs="REF*17*M1", name="ROE*ANN", ssn="345678901", dob="19700101"),
    )
    doc = load_store(read_bytes(x834_sets(("2", list(members)))))
    found = run_rules(doc, profiles=["exchange"], today=TODAY)
    f = one(found, "RULE-ID-MEMBER-ID-SHARED")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*17", 2), "REF02", "M1")
    # REF*17 is a shared reporting category outside exchanges: base rules stay quiet
    assert not of(run_rules(doc, today=TODAY), "RULE-ID-MEMBER-ID-SHARED")


def test_member_id_shared_quiet_for_one_person():
    dental = sub(refs="REF*17*M1", cov="HD*021**DEN*BASIC~DTP*348*D8*20250201~REF*1L*D1")
    _doc, found = check(sub(refs="REF*17*M1"), dental, profiles=["exchange"])
    assert not of(found, "RULE-ID-MEMBER-ID-SHARED")


# -- RULE-ID-ADDED-TWICE-CONFLICT ----------------------------------------------------------------
def test_added_twice_with_another_birth_date():
    doc, found = check(sub(), sub(dob="19800612"))
    f = one(found, "RULE-ID-ADDED-TWICE-CONFLICT")
    # the finding points at the second addition's birth date, the value that disagrees
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG02", "19800612")
    assert f.member_pos == 2
    assert f"birth date 1980-06-12 here, another in DMG02 at segment {at(doc, 'DMG')}" in f.message
    assert "1980-05-10" not in f.message  # the other member's date (masking cannot see it)
    assert not of(found, "RULE-DUP-MEMBER")


def test_added_twice_with_another_gender():
    doc, found = check(sub(), sub().replace("DMG*D8*19800510*M", "DMG*D8*19800510*F"))
    f = one(found, "RULE-ID-ADDED-TWICE-CONFLICT")
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG03", "F")


def test_added_twice_as_spouse_and_child():
    # "a daughter coded as a wife": the same person added as 19 and as 01
    doc, found = check(sub(), dep(), dep(ins="INS*N*01*021*28*A"))
    f = one(found, "RULE-ID-ADDED-TWICE-CONFLICT")
    assert "relationship INS02 19 / 01" in f.message
    assert (f.segment, f.element, f.value) == (at(doc, "INS", 3), "INS02", "01")


def test_added_twice_in_two_sets_with_another_plan():
    gold = "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*CE*11111XX0010001-01~REF*1L*P1"
    silver = "HD*021**HLT*SILVER~DTP*348*D8*20250201~REF*CE*11111XX0020001-01~REF*1L*P1"
    doc, found = check_sets(("2", [sub(cov=gold)]), ("2", [sub(cov=silver)]))
    f = one(found, "RULE-ID-ADDED-TWICE-CONFLICT")
    assert "HLT plan 11111XX0010001-01 / 11111XX0020001-01" in f.message
    assert (f.segment, f.element, f.value) == (
        at(doc, "REF*CE", 2),
        "REF02",
        "11111XX0020001-01",
    )
    assert not of(found, "RULE-ID-SAME-PERSON-TWICE")


def test_added_twice_quiet():
    # an identical repeat is RULE-DUP-MEMBER's
    _doc, found = check(sub(), sub())
    assert not of(found, "RULE-ID-ADDED-TWICE-CONFLICT") and of(found, "RULE-DUP-MEMBER")
    # siblings of the same first name (other birth date) are two children
    twins = check(sub(), dep(ssn=""), dep(ssn="", dob="20140817"))[1]
    assert not of(twins, "RULE-ID-ADDED-TWICE-CONFLICT")


# -- RULE-ID-COVERAGE-OVERLAP --------------------------------------------------------------------
def test_plan_change_whose_old_coverage_ends_too_late():
    cov = (
        "HD*024**HLT*GOLD~DTP*348*D8*20250101~DTP*349*D8*20250331~REF*1L*P1~"
        "HD*021**HLT*SILVER~DTP*348*D8*20250301~REF*1L*P1"
    )
    doc, found = check(sub(ins="INS*Y*18*001*22*A***FT", cov=cov))
    f = one(found, "RULE-ID-COVERAGE-OVERLAP")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*348", 2), "DTP03", "20250301")


def test_overlap_across_transaction_sets():
    term = sub(
        ins=TERM,
        cov="HD*024**HLT*GOLD~DTP*348*D8*20250101~DTP*349*D8*20250630~REF*1L*P1",
    )
    doc, found = check_sets(("2", [term]), ("2", [sub("S200", cov=P2)]))
    f = one(found, "RULE-ID-COVERAGE-OVERLAP")
    assert (f.segment, f.member_pos) == (at(doc, "DTP*348", 2), 2)


def test_coverage_overlap_quiet():
    cov = (
        "HD*024**HLT*GOLD~DTP*348*D8*20250101~DTP*349*D8*20250228~REF*1L*P1~"
        "HD*021**HLT*SILVER~DTP*348*D8*20250301~REF*1L*P1"
    )
    assert not of(check(sub(ins="INS*Y*18*001*22*A***FT", cov=cov))[1], "RULE-ID-COVERAGE-OVERLAP")
    # a dual-eligible member: Medicare and Medicaid health coverage at once
    dual = (
        "HD*021**HLT*MEDICARE ADVANTAGE~DTP*348*D8*20250101~"
        "HD*021**HLT*MEDICAID~DTP*348*D8*20250101"
    )
    assert not of(check(sub(cov=dual))[1], "RULE-ID-COVERAGE-OVERLAP")
    # a term and an add that follow each other
    _doc, found = check_sets(("2", [sub(ins=TERM, cov=TERM_COV)]), ("2", [sub("S200", cov=P2)]))
    assert not of(found, "RULE-ID-COVERAGE-OVERLAP")


def test_two_health_plans_at_once_on_an_exchange():
    both = (
        "HD*021**HLT*12345VA0010001-01~DTP*348*D8*20250101~DTP*349*D8*20251231~REF*1L*P1~"
        "HD*021**HLT*12345VA0010002-01~DTP*348*D8*20250901~DTP*349*D8*20251231~REF*1L*P1"
    )
    doc, found = check(sub(cov=both), profiles=["exchange"])
    f = one(found, "RULE-ID-COVERAGE-OVERLAP")
    assert f.segment in (at(doc, "DTP*348", 1), at(doc, "DTP*348", 2))
    # outside an exchange two continuing health plans may be Medicare and Medicaid at once
    assert not of(check(sub(cov=both))[1], "RULE-ID-COVERAGE-OVERLAP")
    # on an exchange, health and dental at once are fine
    hlt_den = (
        "HD*021**HLT*12345VA0010001-01~DTP*348*D8*20250101~REF*1L*P1~"
        "HD*021**DEN*12345VA0100001-01~DTP*348*D8*20250101~REF*1L*P1"
    )
    assert not of(check(sub(cov=hlt_den), profiles=["exchange"])[1], "RULE-ID-COVERAGE-OVERLAP")


# -- the members the file rules are given (rules/__init__.py _Chosen) -----------------------------
@pytest.mark.parametrize("compact_at", [None, 3, 8])
def test_file_rules_get_the_first_members_of_each_shared_key_in_file_order(compact_at, monkeypatch):
    """The same members whether or not what cannot be chosen is dropped while reading."""
    from types import SimpleNamespace

    import inspector.core.validation.rules as rules
    from inspector.core.validation.rules import _Chosen
    from inspector.core.validation.rules.base import GROUP_LIMIT

    # member number -> its keys; "alone" members are chosen whatever their keys
    keys = {0: ["a", "b"], 1: ["a"], 2: ["c"], 3: ["b", "b"], 4: ["d"], 5: ["d"], 6: ["e"]}
    many = range(10, 10 + GROUP_LIMIT + 5)  # one key shared by more members than the limit
    keys.update({n: ["x"] for n in many})
    alone = {6, 40}
    keys[40] = []

    def select(m, ctx):
        return keys[m.index], m.index in alone

    if compact_at is not None:
        monkeypatch.setattr(rules, "_COMPACT_AT", compact_at)
    chosen = _Chosen(SimpleNamespace(selectors=[select, select]), ctx=None)
    for n in sorted(keys):
        chosen.note(SimpleNamespace(index=n))
    if compact_at is not None:  # the compactions kept at most GROUP_LIMIT members of x
        assert len(chosen.hashes) < 2 * len(keys)
    # a, b, d are shared (3 gives b twice: still one member); c and e are not; of x the first
    # GROUP_LIMIT members; 6 and 40 stand alone
    expected = [0, 1, 3, 4, 5, 6, *list(many)[:GROUP_LIMIT], 40]
    assert chosen.members() == expected
    assert chosen.members() == [6, 40]  # the keys were handed over once; alone members remain
