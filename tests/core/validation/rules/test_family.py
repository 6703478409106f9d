"""Family structure rules (rules/family.py): relationships against each other and against
ages, one plan per enrollment group, coverage level on dependents; silence on clean files."""

from __future__ import annotations

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.rules import run_rules
from tests.core.validation.test_rules import TODAY, at, check, dep, of, one, sub, x834
from tests.support import synthetic

SPOUSE = "INS*N*01*021*28*A"


# -- RULE-FAM-SPOUSE-TWICE -----------------------------------------------------------------------
def test_two_spouses():
    doc, found = check(
        sub(),
        dep(ins=SPOUSE, name="DOE*MARY", ssn="234567891", dob="19810101"),
        dep(ins=SPOUSE, name="DOE*JANE", ssn="234567892", dob="20100305"),
    )
    f = one(found, "RULE-FAM-SPOUSE-TWICE")
    assert (f.segment, f.element, f.value, f.member_pos) == (at(doc, "INS", 3), "INS02", "01", 3)


def test_one_spouse_is_fine():
    spouse = dep(ins=SPOUSE, name="DOE*MARY", ssn="234567891", dob="19810101")
    # the same spouse in a separate dental loop, and a former spouse being terminated
    dental = dep(
        ins=SPOUSE,
        name="DOE*MARY",
        ssn="234567891",
        dob="19810101",
        cov="HD*021**DEN*BASIC~DTP*348*D8*20250201",
    )
    former = dep(
        ins="INS*N*01*024*01*A",
        name="DOE*ANN",
        ssn="234567893",
        dob="19820101",
        cov="HD*024**HLT*GOLD~DTP*349*D8*20250131~REF*1L*P1",
    )
    assert not of(check(sub(), spouse, dental, former)[1], "RULE-FAM-SPOUSE-TWICE")


# -- RULE-FAM-CHILD-OLDER ------------------------------------------------------------------------
def test_child_older_than_subscriber():
    doc, found = check(sub(), dep(dob="19700101"))
    f = one(found, "RULE-FAM-CHILD-OLDER")
    # the child's birth date, the value that contradicts the relationship
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG02", "19700101")


def test_child_younger_or_parent_older_is_fine():
    parent = dep(ins="INS*N*03*021*28*A", dob="19500101")  # a parent (03) may be older
    assert not of(check(sub(), dep(), parent)[1], "RULE-FAM-CHILD-OLDER")


# -- RULE-FAM-CHILD-AS-SUBSCRIBER ----------------------------------------------------------------
def test_child_coded_as_subscriber_with_parent_as_dependent():
    child = sub(ins="INS*Y*18*021*28*A***AC", dob="20141228")
    mother = dep(ins="INS*N*03*021*28*A", dob="19870304")
    doc, found = check(child, mother)
    f = one(found, "RULE-FAM-CHILD-AS-SUBSCRIBER")
    assert (f.segment, f.element, f.value, f.member_pos) == (at(doc, "INS"), "INS01", "Y", 1)
    assert "INS02=03" in f.message and f.severity == "error"
    step = dep(ins="INS*N*16*021*28*A", dob="19870304")
    assert of(check(child, step)[1], "RULE-FAM-CHILD-AS-SUBSCRIBER")


def test_child_subscriber_without_parent_or_adult_subscriber_is_fine():
    child = sub(ins="INS*Y*18*021*28*A***AC", dob="20141228")
    # a child-only enrollment: a minor subscriber with a sibling
    assert not of(check(child, dep(dob="20160101"))[1], "RULE-FAM-CHILD-AS-SUBSCRIBER")
    # an adult subscriber with an older parent as a dependent (03 is correct there)
    parent = dep(ins="INS*N*03*021*28*A", dob="19500101")
    assert not of(check(sub(), parent)[1], "RULE-FAM-CHILD-AS-SUBSCRIBER")
    # a "parent" younger than the minor subscriber is another error, not this one
    young = dep(ins="INS*N*03*021*28*A", dob="20200101")
    assert not of(check(child, young)[1], "RULE-FAM-CHILD-AS-SUBSCRIBER")


# -- RULE-FAM-CHILD-OVER-AGE ---------------------------------------------------------------------
def test_child_over_the_age_limit():
    doc, found = check(sub(), dep(dob="19980101"))  # 27 on 2025-02-01
    f = one(found, "RULE-FAM-CHILD-OVER-AGE")
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG02", "19980101")
    assert "27" in f.message


@pytest.mark.parametrize(
    "ins",
    [
        "INS*N*19*021*28*A****F",  # full-time student (INS09)
        "INS*N*19*021*28*A*****Y",  # handicapped (INS10)
        "INS*N*19*024*07*A",  # being terminated
    ],
)
def test_over_age_child_allowed(ins):
    assert not of(check(sub(), dep(ins=ins, dob="19980101"))[1], "RULE-FAM-CHILD-OVER-AGE")


def test_age_limit_is_a_parameter():
    doc = load_store(read_bytes(x834(sub(), dep(dob="19980101"))))
    assert not of(
        run_rules(doc, today=TODAY, params={"dependent_age_limit": 30}), "RULE-FAM-CHILD-OVER-AGE"
    )
    assert not of(check(sub(), dep(dob="20000302"))[1], "RULE-FAM-CHILD-OVER-AGE")  # 24


# -- RULE-FAM-MINOR-NO-RESPONSIBLE (exchange) ----------------------------------------------------
def test_minor_subscriber_without_responsible_person():
    doc, found = check(sub(dob="20100101"), profiles=["exchange"])
    f = one(found, "RULE-FAM-MINOR-NO-RESPONSIBLE")
    assert (f.segment, f.element) == (at(doc, "DMG"), "DMG02")
    assert not of(check(sub(dob="20100101"))[1], "RULE-FAM-MINOR-NO-RESPONSIBLE")  # base


def test_minor_subscriber_with_responsible_person():
    cov = "NM1*QD*1*DOE*MARY~N3*1 MAIN ST~N4*SPRINGFIELD*IL*62701~HD*021**HLT*GOLD~" + (
        "DTP*348*D8*20250201~REF*1L*P1"
    )
    _doc, found = check(sub(dob="20100101", cov=cov), profiles=["exchange"])
    assert not of(found, "RULE-FAM-MINOR-NO-RESPONSIBLE")
    assert not of(check(sub(), profiles=["exchange"])[1], "RULE-FAM-MINOR-NO-RESPONSIBLE")


# -- RULE-FAM-PLAN-DIFFERS (exchange, one_plan_per_group) ----------------------------------------
GOLD = "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*CE*11111XX0010001-01~REF*1L*P1"
SILVER = "HD*021**HLT*SILVER~DTP*348*D8*20250201~REF*CE*11111XX0020001-01~REF*1L*P1"


def _run(*members, profiles=("exchange",), **params):
    doc = load_store(read_bytes(x834(*members)))
    return doc, run_rules(doc, profiles=profiles, today=TODAY, params=params)


def test_dependent_in_another_plan():
    doc, found = _run(sub(cov=GOLD), dep(cov=SILVER), one_plan_per_group=True)
    f = one(found, "RULE-FAM-PLAN-DIFFERS")
    assert (f.segment, f.member_pos) == (at(doc, "HD", 2), 2)
    assert "11111XX0020001-01" in f.message


def test_dependent_plan_quiet():
    # the parameter is off by default, even with the exchange tag
    assert not of(_run(sub(cov=GOLD), dep(cov=SILVER))[1], "RULE-FAM-PLAN-DIFFERS")
    assert not of(
        _run(sub(cov=GOLD), dep(cov=GOLD), one_plan_per_group=True)[1], "RULE-FAM-PLAN-DIFFERS"
    )


# -- RULE-COVERAGE-LEVEL-DEPENDENT: silence on clean files ---------------------------------------
@pytest.mark.parametrize("profiles", [(), ("ffe", "exchange")])
def test_clean_synthetic_file_is_silent(profiles):
    text = synthetic.generate_834(2000, transactions=2)
    doc = load_store(read_bytes(text.encode("ascii")))
    found = run_rules(doc, profiles=profiles, today=TODAY)
    assert not found, [(f.code, f.segment, f.message) for f in found[:5]]


# -- RULE-FAM-SPOUSE-MINOR -----------------------------------------------------------------------
def test_a_child_coded_as_a_spouse():
    doc, found = check(sub(), dep(ins=SPOUSE, name="DOE*AMY", ssn="234567891", dob="20161126"))
    f = one(found, "RULE-FAM-SPOUSE-MINOR")
    assert (f.segment, f.element, f.value, f.member_pos) == (at(doc, "INS", 2), "INS02", "01", 2)
    assert "8 years old" in f.message and "19 child" in f.message


def test_an_adult_spouse_or_partner_is_fine():
    for ins, dob in ((SPOUSE, "19810101"), ("INS*N*53*021*28*A", "20070101")):
        found = check(sub(), dep(ins=ins, name="DOE*MARY", ssn="234567891", dob=dob))[1]
        assert not of(found, "RULE-FAM-SPOUSE-MINOR"), (ins, dob)
