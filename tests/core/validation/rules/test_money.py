"""Plan and money rules (FFE/exchange): HIOS plan ids, CSR variants, APTC, rating areas, values
shared by the enrollment group."""

from __future__ import annotations

from inspector.core.validation.rules import run_rules
from tests.core.validation.test_rules import (
    TODAY,
    at,
    cat,
    cats,
    check,
    dep,
    load_834,
    of,
    one,
    sub,
)

FFE = ["ffe", "exchange"]
PLAN = "12345IL0010001-01"


def cov(plan: str = PLAN, hd04: str = "GOLD", line: str = "HLT", policy: str = "P1") -> str:
    return f"HD*021**{line}*{hd04}~DTP*348*D8*20250201~REF*CE*{plan}~REF*1L*{policy}"


def run(*members: str, params=None, profiles=FFE):
    doc = load_834(*members)
    return doc, run_rules(doc, profiles=profiles, today=TODAY, params=params)


def test_plan_id_form():
    for bad in ("12345IL001000101", "1234IL0010001-01", "12345IL0010001-07", "3N;101"):
        doc, found = check(sub(cov=cov(bad)), profiles=FFE)
        f = one(found, "RULE-FFE-PLAN-ID-FORM")
        assert (f.segment, f.element, f.value, f.severity) == (
            at(doc, "REF*CE"),
            "REF02",
            bad,
            "error",
        )
    assert not check(sub(cov=cov()), profiles=FFE)[1]
    assert not check(sub(cov=cov("3N;101")))[1]  # FFE profile only


def test_plan_id_in_hd04_must_match_ref_ce():
    doc, found = check(sub(cov=cov(hd04="12345IL0010002")), profiles=FFE)
    f = one(found, "RULE-FFE-PLAN-ID-HD04")
    assert (f.segment, f.element, f.value) == (at(doc, "HD*"), "HD04", "12345IL0010002")
    for same in ("12345IL0010001", "12345IL0010001-01", "SILVER 4500"):
        assert not check(sub(cov=cov(hd04=same)), profiles=FFE)[1], same
    doc, found = check(sub(cov=cov(hd04="12345IL0010001-04")), profiles=FFE)
    assert one(found, "RULE-FFE-PLAN-ID-HD04")


def test_plan_issuer_against_the_expected_issuers():
    doc, found = run(sub(cov=cov()), params={"issuer_hios_ids": ("99999",)})
    f = one(found, "RULE-PLAN-ISSUER-UNKNOWN")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*CE"), "REF02", PLAN)
    assert not run(sub(cov=cov()), params={"issuer_hios_ids": ("12345",)})[1]
    assert not run(sub(cov=cov()))[1]  # default (): not checked


def test_plan_state_against_the_subscriber_address():
    doc, found = check(sub(cov=cov("12345VA0010001-01")), profiles=FFE)
    f = one(found, "RULE-FFE-PLAN-STATE")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*CE"), "REF02", "12345VA0010001-01")
    assert "VA" in f.message and "IL" in f.message
    # a terminated enrollment may follow a move; the subscriber's address only
    term = "HD*024**HLT*GOLD~DTP*349*D8*20250531~REF*CE*12345VA0010001-01~REF*1L*P1"
    assert not of(
        check(sub(ins="INS*Y*18*001*AI*A***FT", cov=term), profiles=FFE)[1], "RULE-FFE-PLAN-STATE"
    )


def test_rating_area_state_against_the_subscriber_address():
    member = sub(cats=cat(1, "RATING AREA", "R-FL003", date=None, q="9X"))
    doc, found = check(member, profiles=FFE)
    f = one(found, "RULE-FFE-RATING-AREA-STATE")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9X"), "REF02", "R-FL003")
    good = sub(cats=cat(1, "RATING AREA", "R-IL003", date=None, q="9X"))
    assert not check(good, profiles=FFE)[1]


def test_rating_area_against_the_expected_areas():
    member = sub(cats=cat(1, "RATING AREA", "R-IL003", date=None, q="9X"))
    doc, found = run(member, params={"rating_areas": ("R-IL001", "R-IL002")})
    f = one(found, "RULE-RATING-AREA-UNKNOWN")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9X"), "REF02", "R-IL003")
    assert not run(member, params={"rating_areas": ("R-IL003",)})[1]
    assert not run(member)[1]


def test_state_not_allowed():
    doc, found = run(sub(), params={"allowed_states": ("VA", "MD")}, profiles=())
    f = one(found, "RULE-STATE-NOT-ALLOWED")
    assert (f.segment, f.element, f.value) == (at(doc, "N4"), "N402", "IL")
    assert not run(sub(), params={"allowed_states": ("IL",)}, profiles=())[1]
    assert not run(sub(), profiles=())[1]
    # dependents are judged by the subscriber's address
    assert not of(
        run(
            sub(), dep(address="N3*1 A ST~N4*RICHMOND*VA*23220"), params={"allowed_states": ("IL",)}
        )[1],
        "RULE-STATE-NOT-ALLOWED",
    )


def test_csr_amount_on_a_standard_plan():
    money = cats(("PRE AMT TOT", "500.00"), ("CSR AMT", "40.00"))
    doc, found = check(sub(cov=cov(), cats=money), profiles=FFE)
    f = one(found, "RULE-FFE-CSR-ON-STANDARD-PLAN")
    assert (f.segment, f.element, f.value, f.severity) == (
        at(doc, "REF*9V", 2),
        "REF02",
        "40.00",
        "error",
    )
    assert not check(sub(cov=cov("12345IL0010001-04"), cats=money), profiles=FFE)[1]
    zero = cats(("PRE AMT TOT", "500.00"), ("CSR AMT", "0.00"))
    assert not check(sub(cov=cov(), cats=zero), profiles=FFE)[1]
    # a -01 dental plan beside a CSR health plan is fine
    both = cov("12345IL0010001-05") + "~" + cov("12345IL0020001-01", line="DEN", policy="D1")
    assert not check(sub(cov=both, cats=money), profiles=FFE)[1]


def test_aptc_without_any_premium():
    doc, found = check(sub(cats=cats(("APTC AMT", "300.00"))))
    f = one(found, "RULE-APTC-NO-PREMIUM")
    assert (f.segment, f.element, f.value, f.severity) == (
        at(doc, "REF*9V"),
        "REF02",
        "300.00",
        "error",
    )
    assert not check(sub(cats=cats(("PRE AMT TOT", "500.00"), ("APTC AMT", "300.00"))))[1]
    assert not check(sub(cats=cats(("PRE AMT 1", "500.00"), ("APTC AMT", "300.00"))))[1]
    assert not check(sub(cats=cats(("APTC AMT", "0.00"))))[1]


def _sbe(area: str, exchange: str = "NY0") -> str:
    return "~".join(
        (
            cat(1, "RATING AREA", area, date=None, q="9X"),
            cat(2, "SOURCE EXCHANGE ID", exchange, None, "17"),
        )
    )


def test_group_values_on_dependents():
    s = sub(cats=_sbe("R-IL003"))
    doc, found = check(s, dep(cats=_sbe("R-IL004")), profiles=["exchange"])
    f = one(found, "RULE-EXCHANGE-GROUP-VALUE")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9X", 2), "REF02", "R-IL004")
    doc, found = check(s, dep(cats=_sbe("R-IL003", "CO0")), profiles=["exchange"])
    assert one(found, "RULE-EXCHANGE-GROUP-VALUE").value == "CO0"
    assert not check(s, dep(cats=_sbe("R-IL003")), profiles=["exchange"])[1]
    assert not check(s, dep(), profiles=["exchange"])[1]
    # another family's dependent is not compared
    other = dep("S200", cats=_sbe("R-IL004"))
    assert not of(check(s, other, profiles=["exchange"])[1], "RULE-EXCHANGE-GROUP-VALUE")


def test_plan_differs_within_one_policy():
    s = sub(cov=cov())
    doc, found = check(s, dep(cov=cov("12345IL0010002-01")), profiles=FFE)
    f = one(found, "RULE-PLAN-DIFFERS-IN-POLICY")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*CE", 2), "REF02", "12345IL0010002-01")
    assert not check(s, dep(cov=cov()), profiles=FFE)[1]
    # another policy number: another enrollment, another plan is fine
    assert not check(s, dep(cov=cov("12345IL0010002-01", policy="P2")), profiles=FFE)[1]


def test_ffe_and_money_rules_explain_themselves():
    from inspector.core.validation.rules import RULES

    for r in RULES:
        module = (r.member or r.transaction or r.file).__module__
        if module.endswith((".ffe", ".money", ".maintenance", ".demographics")):
            assert r.source and r.fix and r.elements, r.code


def test_ffe_subscriber_without_the_total_premium():
    doc, found = run(sub(cats=cats(("PRE AMT 1", "365.80"), ("APTC AMT", "292.64"))))
    f = one(found, "RULE-FFE-PREMIUM-TOTAL-MISSING")
    assert (f.segment, f.element, f.value) == (at(doc, "N1*75*APTC AMT"), "N102", "APTC AMT")
    assert "PRE AMT TOT" in f.message
    with_total = sub(
        cats=cats(("PRE AMT 1", "365.80"), ("PRE AMT TOT", "365.80"), ("APTC AMT", "292.64"))
    )
    assert not of(run(with_total)[1], "RULE-FFE-PREMIUM-TOTAL-MISSING")
    # a dependent's own PRE AMT 1 needs no total; outside the FFE profile the rule is off
    assert not of(
        run(sub(), dep(cats=cats(("PRE AMT 1", "100.00"))))[1], "RULE-FFE-PREMIUM-TOTAL-MISSING"
    )
    no_total = sub(cats=cats(("PRE AMT 1", "365.80"), ("APTC AMT", "292.64")))
    assert not of(run(no_total, profiles=[])[1], "RULE-FFE-PREMIUM-TOTAL-MISSING")
