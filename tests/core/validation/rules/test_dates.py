"""Dates across loops (rules/dates.py): coverage against birth, death, plan year and
eligibility; 2750 dates against the coverage; cancellations; exchange first-of-month starts."""

from __future__ import annotations

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.rules import run_rules
from tests.core.validation.test_rules import TODAY, at, cats, check, dep, of, one, sub, x834


def cov(begin="20250201", end="", hd="021", extra="") -> str:
    parts = [f"HD*{hd}**HLT*GOLD", f"DTP*348*D8*{begin}"]
    if end:
        parts.append(f"DTP*349*D8*{end}")
    parts.append("REF*1L*P1")
    if extra:
        parts.append(extra)
    return "~".join(parts)


def _dental(begin: str) -> str:
    return f"HD*021**DEN*BASIC~DTP*348*D8*{begin}~REF*1L*P1"


def test_coverage_before_birth():
    # every coverage begins before the birth date: the birth date is the odd one out
    doc, found = check(sub(), dep(dob="20250310", cov=cov("20250201")))
    f = one(found, "RULE-DATE-BEFORE-BIRTH")
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG02", "20250310")
    assert "HLT 2025-02-01" in f.message
    # only one of two coverages does: that coverage's DTP*348 is
    both = cov("20250201") + "~" + _dental("20250401")
    doc, found = check(sub(), dep(dob="20250310", cov=both))
    f = one(found, "RULE-DATE-BEFORE-BIRTH")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*348", 2), "DTP03", "20250201")
    # a newborn covered from birth
    assert not of(
        check(sub(), dep(dob="20250210", cov=cov("20250210")))[1],
        "RULE-DATE-BEFORE-BIRTH",
    )


def test_coverage_after_death():
    ins = "INS*Y*18*021*28*A***FT***D8*20250115"
    doc, found = check(sub(ins=ins, cov=cov("20250201")))
    f = one(found, "RULE-DATE-AFTER-DEATH")
    assert (f.segment, f.element, f.value) == (at(doc, "INS"), "INS12", "20250115")
    # health and dental both begin after the death: one finding, at INS12
    doc, found = check(sub(ins=ins, cov=cov("20250201") + "~" + _dental("20250301")))
    f = one(found, "RULE-DATE-AFTER-DEATH")
    assert (f.segment, f.element) == (at(doc, "INS"), "INS12")
    assert "HLT 2025-02-01, DEN 2025-03-01" in f.message
    # the dental coverage alone begins after it: its DTP*348
    doc, found = check(sub(ins=ins, cov=cov("20250101") + "~" + _dental("20250201")))
    f = one(found, "RULE-DATE-AFTER-DEATH")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*348", 2), "DTP03", "20250201")
    ins = "INS*Y*18*024*03*A***FT***D8*20250215"
    assert not of(
        check(sub(ins=ins, cov=cov("20250201", "20250215", hd="024")))[1],
        "RULE-DATE-AFTER-DEATH",
    )


def _run(*members, profiles=(), **params):
    doc = load_store(read_bytes(x834(*members)))
    return doc, run_rules(doc, profiles=profiles, today=TODAY, params=params)


def test_outside_plan_year():
    doc, found = _run(sub(cov=cov("20240201")), plan_year="2025")
    f = one(found, "RULE-DATE-OUTSIDE-PLAN-YEAR")
    assert (f.segment, f.value) == (at(doc, "DTP*348"), "20240201")
    # skipped unless the profile sets the plan year; quiet inside the year
    assert not of(_run(sub(cov=cov("20240201")))[1], "RULE-DATE-OUTSIDE-PLAN-YEAR")
    assert not of(
        _run(sub(cov=cov("20250201", "20251231")), plan_year="2025")[1],
        "RULE-DATE-OUTSIDE-PLAN-YEAR",
    )


def test_coverage_before_eligibility():
    doc, found = check(sub(dates="DTP*356*D8*20250301", cov=cov("20250201")))
    f = one(found, "RULE-DATE-BEFORE-ELIGIBILITY")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*356"), "DTP03", "20250301")
    # one coverage of two begins before the eligibility: that one is pointed at
    both = cov("20250201") + "~" + _dental("20250301")
    doc, found = check(sub(dates="DTP*356*D8*20250301", cov=both))
    f = one(found, "RULE-DATE-BEFORE-ELIGIBILITY")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*348"), "DTP03", "20250201")
    assert not of(
        check(sub(dates="DTP*356*D8*20250201", cov=cov("20250201")))[1],
        "RULE-DATE-BEFORE-ELIGIBILITY",
    )


def test_coverage_after_eligibility_end():
    ins = "INS*Y*18*024*07*A***FT"
    doc, found = check(
        sub(ins=ins, dates="DTP*357*D8*20250331", cov=cov("20250201", "20250430", hd="024"))
    )
    f = one(found, "RULE-DATE-AFTER-ELIG-END")
    assert (f.segment, f.value) == (at(doc, "DTP*349"), "20250430")
    assert not of(
        check(sub(ins=ins, dates="DTP*357*D8*20250331", cov=cov("20250201")))[1],
        "RULE-DATE-AFTER-ELIG-END",
    )


def test_financial_date_after_coverage_end():
    money = cats(("PRE AMT 1", "100.00"), date="20250501")
    ins = "INS*Y*18*024*07*A***FT"
    member = sub(ins=ins, cov=cov("20250201", "20250331", hd="024"), cats=money)
    doc, found = check(member, profiles=["ffe", "exchange"])
    f = one(found, "RULE-FFE-DATE-AFTER-COVERAGE")
    assert (f.segment, f.value) == (at(doc, "DTP*007"), "20250501")
    assert not of(check(member)[1], "RULE-FFE-DATE-AFTER-COVERAGE")  # ffe only
    ok = sub(ins=ins, cov=cov("20250201", "20250331", hd="024"), cats=cats(("PRE AMT 1", "1.00")))
    assert not of(check(ok, profiles=["ffe"])[1], "RULE-FFE-DATE-AFTER-COVERAGE")


def test_cancellation_not_sent_as_termination():
    doc, found = check(sub(ins="INS*Y*18*001*22*A***FT", cov=cov("20250201", "20250201", "001")))
    f = one(found, "RULE-DATE-CANCEL-NOT-024")
    assert (f.segment, f.element, f.value) == (at(doc, "HD"), "HD01", "001")
    cancel = sub(ins="INS*Y*18*024*14*A***FT", cov=cov("20250201", "20250201", "024"))
    assert not of(check(cancel)[1], "RULE-DATE-CANCEL-NOT-024")


def test_ffe_cancel_whose_end_is_not_its_begin():
    reason = "LX*1~N1*75*ADDL MAINT REASON~REF*17*CANCEL"
    ins = "INS*Y*18*024*14*A***FT"
    member = sub(ins=ins, cov=cov("20250201", "20250228", "024"), cats=reason)
    doc, found = check(member, profiles=["ffe", "exchange"])
    f = one(found, "RULE-DATE-CANCEL-END")
    assert (f.segment, f.value) == (at(doc, "DTP*349"), "20250228")
    ok = sub(ins=ins, cov=cov("20250201", "20250201", "024"), cats=reason)
    assert not of(check(ok, profiles=["ffe", "exchange"])[1], "RULE-DATE-CANCEL-END")


def test_exchange_addition_not_on_the_first():
    doc, found = check(sub(cov=cov("20250215")), profiles=["exchange"])
    f = one(found, "RULE-DATE-EXCHANGE-NOT-FIRST")
    assert (f.segment, f.value) == (at(doc, "DTP*348"), "20250215")
    assert not of(check(sub(cov=cov("20250215")))[1], "RULE-DATE-EXCHANGE-NOT-FIRST")  # base


def test_exchange_addition_reasons_that_allow_another_day():
    birth = dep(ins="INS*N*19*021*02*A", dob="20250214", cov=cov("20250214"))
    _doc, found = check(sub(), birth, profiles=["exchange"])
    assert not of(found, "RULE-DATE-EXCHANGE-NOT-FIRST")
    # newborn covered from birth even with another reason; a configured reason list
    newborn = dep(dob="20250214", cov=cov("20250214"))
    assert not of(check(sub(), newborn, profiles=["exchange"])[1], "RULE-DATE-EXCHANGE-NOT-FIRST")
    _doc, found = _run(
        sub(ins="INS*Y*18*021*EC*A***FT", cov=cov("20250215")),
        profiles=["exchange"],
        first_of_month_reasons=("EC",),
    )
    assert not of(found, "RULE-DATE-EXCHANGE-NOT-FIRST")
