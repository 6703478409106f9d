"""Profile "ffe": CMS Federally-facilitated Exchange companion-guide rules on 2750 categories.

These follow the FFE companion guide as summarised in the project's 834 primer (section 5); other
exchanges (SBEs) and non-exchange senders use the 2750 loop differently, so they only run when
the "ffe" profile is asked for.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files

from inspector.core.records.codes import FINANCIAL_CATEGORIES
from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import Problem, is_date, money, rule
from inspector.core.validation.rules.context import TransactionView
from inspector.core.validation.rules.money import amounts_by_name, money_categories, pick
from inspector.core.validation.rules.views import Coverage, MemberView

_RATING_AREA = re.compile(r"R-[A-Z]{2}[0-9]{3}\Z")  # ASCII digits (\d is Unicode)
# Categories the FFE sends on the subscriber only (policy-level values).
SUBSCRIBER_ONLY = frozenset(
    {
        "PRE AMT TOT",
        "APTC AMT",
        "CSR AMT",
        "TOT RES AMT",
        "TOT EMP RES AMT",
        "OTH PAY AMT 1",
        "OTH PAY AMT 2",
        "RATING AREA",
        "REQUEST SUBMIT TIMESTAMP",
        "SEP REASON",
    }
)


@rule(
    "RULE-FFE-RATING-AREA",
    severity="warning",
    profile="ffe",
    title="RATING AREA must look like R-XX000 (R-, state, three digits)",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 RATING AREA (REF02 is 'R-', the "
    "state and a three-digit area number)",
    fix="Send the rating area as R-, the two-letter state and three digits, e.g. R-FL003.",
    elements=("REF02",),
)
def rating_area(m: MemberView):
    for c in m.categories:
        if c.name == "RATING AREA" and c.value is not None and not _RATING_AREA.match(c.value):
            yield Problem(
                c.ref or c.n1,
                "REF02",
                c.value,
                f"The RATING AREA value "
                f"'{c.value}' is not in the FFE form R-XX000: 'R-', the two-letter "
                "state and three digits, e.g. R-FL003.",
            )


@rule(
    "RULE-FFE-FINANCIAL-NO-DATE",
    severity="error",
    profile="ffe",
    title="Financial categories (PRE AMT, APTC, CSR, TOT RES ...) need DTP*007",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 loop (each financial category is "
    "dated by DTP*007, its effective date)",
    fix="Add DTP*007*D8*CCYYMMDD (the date the amount takes effect) after the category's REF.",
    elements=("DTP03",),
)
def financial_without_date(m: MemberView):
    for c in m.categories:
        if c.name in FINANCIAL_CATEGORIES and not c.dtp:
            yield Problem(
                c.n1,
                None,
                None,
                f"The {c.name} category has no effective date. The "
                "FFE dates every financial category: add DTP*007*D8*CCYYMMDD after its "
                "REF segment.",
            )


@rule(
    "RULE-FFE-CATEGORY-REPEATED",
    severity="warning",
    profile="ffe",
    title="A category appears twice for one member and one DTP*007 date",
    source="common practice (mirrors the CMS FFE 2750 use): one value per category, member "
    "and effective date; two leave the receiver to guess which applies",
    fix="Send each category once per effective date; remove the repeated 2700 loop or give it "
    "its own DTP*007 date.",
    elements=("N102",),
)
def category_repeated(m: MemberView):
    seen: dict[tuple[str, str], int] = {}
    for c in m.categories:
        key = (c.name, c.date)
        if key in seen:
            yield Problem(
                c.n1,
                None,
                None,
                f"The {c.name} category appears twice"
                f"{' for ' + show_date(c.date) if c.date else ''} (first at segment "
                f"{seen[key]}). Send each category once per effective date.",
            )
        else:
            seen[key] = c.n1


@rule(
    "RULE-FFE-SUBSCRIBER-CATEGORY",
    applies_to="dependents",
    severity="warning",
    profile="ffe",
    title="A policy-level category (PRE AMT TOT, APTC AMT ...) is sent on a dependent",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 loop (policy-level categories "
    "are sent on the subscriber only; dependents carry PRE AMT 1 and ADDL MAINT REASON)",
    fix="Move the category to the subscriber's 2700 loops and remove it from the dependent.",
    elements=("N102",),
)
def subscriber_category_on_dependent(m: MemberView):
    if m.is_sub:
        return
    for c in m.categories:
        if c.name in SUBSCRIBER_ONLY:
            yield Problem(
                c.n1,
                "N102",
                c.name,
                f"The {c.name} category is sent on a dependent. On "
                "the FFE it belongs to the subscriber only (dependents carry PRE AMT 1 "
                "and ADDL MAINT REASON); move it to the subscriber's 2700 loops.",
            )


@rule(
    "RULE-FFE-DATE-BEFORE-COVERAGE",
    severity="warning",
    profile="ffe",
    title="A financial category's DTP*007 is before the coverage begins (DTP*348)",
    source="common practice (X12 industry error code 'financial date precedes premium "
    "date'): an amount cannot take effect before the coverage it prices (2300 DTP*348)",
    fix="Date the amount (DTP*007) on or after the benefit begin date (DTP*348).",
    elements=("DTP03",),
)
def date_before_coverage(m: MemberView):
    cats = money_categories(m)
    if not cats:
        return
    begins = [
        c.dates["348"][2] for c in m.coverages if "348" in c.dates and is_date(c.dates["348"][2])
    ]
    if not begins:
        return
    first = min(begins)
    for c in cats:
        if c.dtp and c.date < first and is_date(c.date):
            yield Problem(
                c.dtp,
                "DTP03",
                c.date,
                f"The {c.name} effective date "
                f"{show_date(c.date)} is before the coverage begins "
                f"({show_date(first)}). Financial amounts cannot take effect before "
                "the coverage; check the DTP*007 date.",
            )


_SUM_TITLE = "PRE AMT TOT must equal the sum of PRE AMT 1 of the policy's members"


@rule(
    "RULE-FFE-PREMIUM-SUM",
    severity="error",
    profile="ffe",
    title=_SUM_TITLE,
    source="CMS FFE Enrollment Companion Guide for 834, 2750 PRE AMT TOT (the total premium "
    "for all enrollees of the policy, i.e. the sum of their PRE AMT 1)",
    fix="Correct PRE AMT TOT to the sum of the members' PRE AMT 1 amounts for the same date, "
    "or correct the member amounts.",
    elements=("REF02",),
)
def premium_collect(m: MemberView):
    """Keep each member's PRE AMT 1 / PRE AMT TOT amounts for the transaction part."""
    found = amounts_by_name(m)
    if found:
        shares, totals = found.get("PRE AMT 1"), found.get("PRE AMT TOT") if m.is_sub else None
        if shares or totals:
            m.tx.scratch.setdefault("premiums", {})[m.index] = (shares, totals)
    return None


@rule(
    "RULE-FFE-PREMIUM-SUM", severity="error", profile="ffe", scope="transaction", title=_SUM_TITLE
)
def premium_sum(t: TransactionView):
    premiums: dict[int, tuple] = t.scratch.get("premiums", {})  # by member number
    for s in t.distinct_subscribers():
        tots = premiums.get(s.index, (None, None))[1]
        if not tots:
            continue
        family = [s, *t.family(s)]
        if any(_terminating(m) for m in family):
            continue  # who is still on the policy depends on the end dates; do not guess
        complete = t.full_file or all(m.maintenance == "021" for m in family)
        for c, tot in tots:
            # a member without PRE AMT 1 for that date: the sum cannot be checked
            picked = [pick(premiums.get(m.index, (None,))[0], c.date) for m in family]
            shares = [x for x in picked if x is not None]
            if len(shares) < len(picked):
                continue
            total = sum(x[1] for x in shares)
            if abs(total - tot) <= 0.01 + 1e-9 or (total < tot and not complete):
                continue
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"PRE AMT TOT {money(tot)}"
                f"{' effective ' + show_date(c.date) if c.date else ''} is not the sum "
                f"of the members' PRE AMT 1 amounts ({money(total)} for "
                f"{len(family)} member(s) of this policy in the file). The total "
                "premium must equal the sum of the individual premiums; correct the "
                "total or the member amounts.",
                member=s,
                extra={"sum": round(total, 2), "members": [m.pos for m in family]},
            )


@rule(
    "RULE-FFE-PREMIUM-TOTAL-MISSING",
    severity="error",
    profile="ffe",
    applies_to="subscribers",
    title="A subscriber with APTC or TOT RES AMT has no PRE AMT TOT",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 reporting categories: the "
    "subscriber's loop carries PRE AMT TOT, the total premium of the policy, with the APTC "
    "and responsibility amounts it is the basis of",
    fix="Add the 2750 loop N1*75*PRE AMT TOT with REF*9X*<total premium> and DTP*007 on the "
    "subscriber.",
    elements=("N102",),
)
def premium_total_missing(m: MemberView):
    found = amounts_by_name(m)
    if not found or found.get("PRE AMT TOT"):
        return None
    if _terminating(m) or any(c.name == "PRE AMT TOT" for c in m.categories):
        return None  # an unparseable total is the money rules' finding
    based = found.get("APTC AMT") or found.get("TOT RES AMT")
    if not based:
        return None
    cat = based[0][0]
    return [
        Problem(
            cat.n1,
            "N102",
            cat.name,
            f"The subscriber sends {cat.name} but no PRE AMT TOT: the FFE reports the "
            "policy's total premium on the subscriber, and APTC and the member's "
            "responsibility are figured from it. Add N1*75*PRE AMT TOT with REF*9X (the "
            "total premium) and DTP*007.",
        )
    ]


def _terminating(m: MemberView) -> bool:
    return m.maintenance == "024" or any(c.maintenance == "024" for c in m.coverages)


# -- plan ids (2300 REF*CE, HD04) ---------------------------------------------------------------
#: HIOS plan id: issuer (5 digits), state (2 letters), product (3 digits), plan (4 digits),
#: dash, variant (2 digits): 12345VA0010001-01. The first 14 characters are the standard
#: component id of the plan.
HIOS_PLAN = re.compile(r"([0-9]{5})([A-Z]{2})([0-9]{3})([0-9]{4})-([0-9]{2})\Z")
_HIOS_LIKE = re.compile(r"[0-9]{5}[A-Z]{2}[0-9]{7}(-[0-9]{2})?\Z")
#: CSR variants of a plan id: 00 off-exchange, 01 on-exchange standard (no cost-sharing
#: reduction), 02 zero cost sharing (AI/AN), 03 limited cost sharing (AI/AN), 04-06 silver
#: 73%/87%/94% actuarial value.
CSR_VARIANTS = {
    "00": "off-exchange plan",
    "01": "standard plan, no cost-sharing reduction",
    "02": "zero cost sharing",
    "03": "limited cost sharing",
    "04": "73% AV silver cost-sharing reduction",
    "05": "87% AV silver cost-sharing reduction",
    "06": "94% AV silver cost-sharing reduction",
}
_PLAN_SOURCE = (
    "CMS FFE Enrollment Companion Guide for 834, 2300 REF*CE (class of contract code: the QHP "
    "id, a HIOS plan id with its CSR variant)"
)


_HIOS_SEEN: dict[str, re.Match | None] = {}


def hios_match(value: str) -> re.Match | None:
    """The HIOS_PLAN match of a REF*CE value (cached per distinct value)."""
    try:
        return _HIOS_SEEN[value]
    except KeyError:
        found = _HIOS_SEEN[value] = HIOS_PLAN.match(value)
        if len(_HIOS_SEEN) > 100_000:
            _HIOS_SEEN.clear()
        return found


_NO_PLANS: list[tuple[Coverage, re.Match]] = []


def hios_plans(m: MemberView) -> list[tuple[Coverage, re.Match]]:
    """(coverage, match) for each 2300 whose REF*CE is a well-formed HIOS plan id (computed
    once per member; several rules ask)."""
    if not any(c.contract for c in m.coverages):
        return _NO_PLANS
    return m.cached("hios", lambda: _hios_plans(m))


def _hios_plans(m: MemberView) -> list[tuple[Coverage, re.Match]]:
    out = []
    for c in m.coverages:
        if c.contract:
            found = hios_match(c.contract)
            if found:
                out.append((c, found))
    return out


@rule(
    "RULE-FFE-PLAN-ID-FORM",
    severity="error",
    profile="ffe",
    title="The QHP id in 2300 REF*CE is not a HIOS plan id (12345VA0010001-01)",
    source=_PLAN_SOURCE,
    fix="Send the 16-character plan id: 5-digit issuer id, 2-letter state, 3-digit product, "
    "4-digit plan, a dash and the 2-digit CSR variant (00-06), e.g. 12345VA0010001-01.",
    elements=("REF02",),
)
def plan_id_form(m: MemberView):
    for c in m.coverages:
        v = c.contract
        if not c.contract_o:
            continue
        found = hios_match(v)
        if found and found.group(5) in CSR_VARIANTS:
            continue
        why = (
            f"its CSR variant -{found.group(5)} is not one of -00 to -06"
            if found
            else "it must be 5 digits, 2 letters, 7 digits, a dash and 2 digits"
        )
        yield Problem(
            c.contract_o,
            "REF02",
            v,
            f"The QHP plan id '{v}' (REF*CE) is not a HIOS plan id: {why}, e.g. "
            "12345VA0010001-01. Send the plan id the exchange assigned.",
        )


@rule(
    "RULE-FFE-PLAN-ID-HD04",
    severity="warning",
    profile="ffe",
    title="HD04 names another plan than REF*CE in the same coverage",
    source=_PLAN_SOURCE + "; HD04 may carry the same plan id",
    fix="Send the same plan id in HD04 and REF*CE, or a plan description in HD04.",
    elements=("HD04", "REF02"),
)
def plan_id_hd04(m: MemberView):
    for c in m.coverages:
        if not c.contract or not c.plan or c.plan[0] not in "0123456789 ":
            continue  # (HD04 is usually a plan description)
        hd04 = c.plan.strip()
        if not _HIOS_LIKE.match(hd04) or not hios_match(c.contract):
            continue
        same = hd04 == c.contract if len(hd04) > 14 else hd04 == c.contract[:14]
        if not same:
            yield Problem(
                c.hd,
                "HD04",
                c.plan,
                f"HD04 names plan {hd04} but REF*CE of this coverage (segment {c.contract_o}) "
                f"says {c.contract}. One coverage is one plan: correct HD04 or REF*CE.",
            )


@rule(
    "RULE-PLAN-ISSUER-UNKNOWN",
    severity="warning",
    profile="exchange",
    title="The plan id's issuer (first 5 digits of REF*CE) is not one of the expected issuers",
    source=_PLAN_SOURCE + "; the first five digits are the HIOS issuer id",
    fix="Check that the file was meant for this issuer; the plan id's first five digits are "
    "the HIOS issuer id (parameter issuer_hios_ids lists the expected ones).",
    elements=("REF02",),
    params={"issuer_hios_ids": ()},
)
def plan_issuer_unknown(m: MemberView):
    issuers = m.tx.ctx.params["issuer_hios_ids"]
    if not issuers:
        return
    for c, found in hios_plans(m):
        if found.group(1) not in issuers:
            yield Problem(
                c.contract_o,
                "REF02",
                c.contract,
                f"The plan {c.contract} belongs to HIOS issuer {found.group(1)}, which is not "
                f"among the expected issuers ({', '.join(issuers)}). Check that this "
                "enrollment was sent to the right issuer.",
            )


def _ending(m: MemberView) -> bool:
    return m.maintenance == "024" or any(c.maintenance == "024" for c in m.coverages)


def _home_state(m: MemberView) -> str:
    """The subscriber's 2100A N402 (the residence state), '' when absent."""
    n4 = m.n4
    return n4[2] if n4 and len(n4) > 2 else ""


@rule(
    "RULE-FFE-PLAN-STATE",
    applies_to="subscribers",
    severity="warning",
    profile="ffe",
    title="The plan id's state (REF*CE characters 6-7) differs from the subscriber's N402",
    source=_PLAN_SOURCE + "; a QHP is sold to residents of the state in its id (45 CFR "
    "155.305(a)(3): residency in the exchange's service area)",
    fix="Check the subscriber's residential address (2100A N4) and the plan id: a QHP is "
    "offered to residents of the state named in its id.",
    elements=("REF02", "N402"),
)
def plan_state(m: MemberView):
    state = _home_state(m)
    if not state or _ending(m):
        return
    for c, found in hios_plans(m):
        if found.group(2) != state:
            yield Problem(
                c.contract_o,
                "REF02",
                c.contract,
                f"The plan {c.contract} is a {found.group(2)} plan but the subscriber's "
                f"address (segment {m.n4_o}) is in {state}. Correct the address or the plan.",
            )
            return


@rule(
    "RULE-FFE-RATING-AREA-STATE",
    applies_to="subscribers",
    severity="warning",
    profile="ffe",
    title="The RATING AREA's state (R-XX...) differs from the subscriber's N402",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 RATING AREA (R- + state + area "
    "number); 45 CFR 147.102(b): the rating area is that of the primary enrollee's residence",
    fix="Correct the rating area or the subscriber's residential address so that the states agree.",
    elements=("REF02", "N402"),
)
def rating_area_state(m: MemberView):
    state = _home_state(m)
    if not state or _ending(m):
        return
    for c in m.categories:
        v = c.value
        if c.name == "RATING AREA" and v and _RATING_AREA.match(v) and v[2:4] != state:
            yield Problem(
                c.ref,
                "REF02",
                v,
                f"The RATING AREA {v} is in {v[2:4]} but the subscriber's address (segment "
                f"{m.n4_o}) is in {state}. The rating area follows the primary enrollee's "
                "residence; correct one of them.",
            )


@rule(
    "RULE-RATING-AREA-UNKNOWN",
    severity="warning",
    profile="exchange",
    title="The RATING AREA is not one of the expected rating areas",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 RATING AREA; the state's rating "
    "areas (45 CFR 147.102(b)) are listed in parameter rating_areas",
    fix="Send one of the state's rating areas (parameter rating_areas lists them).",
    elements=("REF02",),
    params={"rating_areas": ()},
)
def rating_area_unknown(m: MemberView):
    areas = m.tx.ctx.params["rating_areas"]
    if not areas:
        return
    for c in m.categories:
        if c.name == "RATING AREA" and c.value and c.value not in areas:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"The RATING AREA {c.value} is not one of the expected rating areas "
                f"({', '.join(areas[:8])}{' ...' if len(areas) > 8 else ''}). Check the "
                "member's address and the rating area.",
            )


@rule(
    "RULE-STATE-NOT-ALLOWED",
    applies_to="subscribers",
    severity="warning",
    title="The subscriber lives in a state outside the expected ones (N402)",
    source="common practice: an issuer or exchange enrolls residents of its service area "
    "(parameter allowed_states)",
    fix="Check the subscriber's residential address (2100A N4); parameter allowed_states "
    "lists the states served.",
    elements=("N402",),
    params={"allowed_states": ()},
)
def state_not_allowed(m: MemberView):
    allowed = m.tx.ctx.params["allowed_states"]
    state = _home_state(m)
    if allowed and state and state not in allowed and m.maintenance != "024":
        return [
            Problem(
                m.n4_o,
                "N402",
                state,
                f"The subscriber's address is in {state}, outside the states served "
                f"({', '.join(allowed)}). Check the address or whether the enrollment belongs "
                "to another issuer or exchange.",
            )
        ]


@rule(
    "RULE-FFE-CSR-ON-STANDARD-PLAN",
    applies_to="subscribers",
    severity="error",
    profile="ffe",
    title="A CSR AMT above zero while the health plan is the standard variant (-00/-01)",
    source=_PLAN_SOURCE + "; the variant -01 is the plan without cost-sharing reductions, so "
    "no CSR amount applies (2750 CSR AMT)",
    fix="Send CSR AMT 0.00 (or none) for a -01 plan, or the CSR variant (-02 to -06) the "
    "enrollee is eligible for in REF*CE.",
    elements=("REF02",),
)
def csr_on_standard_plan(m: MemberView):
    csr = amounts_by_name(m).get("CSR AMT")
    if not csr or not any(x > 0.005 for _, x in csr):
        return
    plans = [(c, f) for c, f in hios_plans(m) if c.line != "DEN"]
    if not plans or any(f.group(5) not in ("00", "01") for _, f in plans):
        return
    c, x = next((c, x) for c, x in csr if x > 0.005)
    cov = plans[0][0]
    yield Problem(
        c.ref,
        "REF02",
        c.value,
        f"CSR AMT {money(x)} is sent, but the plan {cov.contract} (segment {cov.contract_o}) "
        "is the variant without cost-sharing reductions. Send CSR AMT 0.00 or the plan's CSR "
        "variant (-02 to -06).",
    )


# -- values shared by the enrollment group ------------------------------------------------------
#: 2750 values that are the same for everyone in one enrollment group (primer section 5:
#: SBEs repeat them on dependents).
GROUP_VALUES = ("RATING AREA", "SOURCE EXCHANGE ID")


def _group(m: MemberView) -> tuple[MemberView, dict[str, tuple[str, int]], dict]:
    vals = {c.name: (c.value, c.ref) for c in m.categories if c.name in GROUP_VALUES and c.value}
    plans: dict[tuple[str, str], Coverage] = {}
    for c, _f in hios_plans(m):
        for p in c.policies or m.policy_refs:
            plans.setdefault((c.line, p), c)
    return m, vals, plans


def _subscriber_group(m: MemberView):
    """The group values of this dependent's subscriber (the head of its family block)."""
    found = m.tx.scratch.get("group-head")
    if found is None or found[0] is not m.head or not m.sub_id or m.sub_id != m.head.sub_id:
        return None
    return found


@rule(
    "RULE-EXCHANGE-GROUP-VALUE",
    severity="warning",
    profile="exchange",
    title="A dependent's RATING AREA or SOURCE EXCHANGE ID differs from the subscriber's",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 loop (RATING AREA and SOURCE "
    "EXCHANGE ID are values of the enrollment group); 45 CFR 147.102(b): one rating area per "
    "family, the primary enrollee's",
    fix="Send the subscriber's rating area and exchange id on the dependents as well (or "
    "leave them off the dependents).",
    elements=("REF02",),
)
def group_value(m: MemberView):
    if m.is_sub:
        m.tx.scratch["group-head"] = _group(m)
        return
    found = _subscriber_group(m)
    if found is None:
        return
    vals = found[1]
    for c in m.categories:
        if c.name in vals and c.value and c.value != vals[c.name][0]:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"The dependent's {c.name} is {c.value} but the subscriber's is "
                f"{vals[c.name][0]} (segment {vals[c.name][1]}). The value belongs to the "
                "whole enrollment group: send the subscriber's value.",
            )


@rule(
    "RULE-PLAN-DIFFERS-IN-POLICY",
    applies_to="dependents",
    severity="warning",
    profile="exchange",
    title="A dependent's plan id (REF*CE) differs from the subscriber's for the same policy",
    source=_PLAN_SOURCE + "; one policy (REF*1L) covers its members under one plan",
    fix="Send the subscriber's plan id on every member of the policy, or a separate policy "
    "number for a member in another plan.",
    elements=("REF02",),
)
def plan_differs_in_policy(m: MemberView):
    found = _subscriber_group(m)
    if found is None or not found[2]:
        return
    plans = found[2]
    for c, _f in hios_plans(m):
        for p in c.policies or m.policy_refs:
            theirs = plans.get((c.line, p))
            if theirs is not None and theirs.contract[:14] != c.contract[:14]:
                yield Problem(
                    c.contract_o,
                    "REF02",
                    c.contract,
                    f"This dependent's {c.line or ''} coverage under policy {p} is plan "
                    f"{c.contract}, but the subscriber's is {theirs.contract} (segment "
                    f"{theirs.contract_o}). Members of one policy share its plan: correct the "
                    "plan id or the policy number.",
                )
                break


# -- the FFE's reason code lists ------------------------------------------------------------------
def _ffe_reasons() -> tuple[dict[str, str], dict[str, dict]]:
    data = json.loads(
        files("inspector.core.validation.rules").joinpath("data/ffe_reasons.json").read_text()
    )
    amrc = {amrc_key(k): v for k, v in data["additional_maintenance_reasons"].items()}
    return data["sep_reasons"], amrc


_DASHES = re.compile(r"\s*[-\u2013\u2014]\s*")


def amrc_key(value: str) -> str:
    """An additional maintenance reason as the lists hold it: upper case, single spaces, the
    guide's dashes (hyphen, en or em dash) and the spaces around them one hyphen."""
    return _DASHES.sub("-", " ".join(value.upper().split()))


#: CMS FFE companion guide v7.2 Appendix A (SEP REASON codes) and Appendix C / section 6.10
#: (ADDL MAINT REASON values with their INS03/INS04 combinations): data/ffe_reasons.json.
SEP_REASONS, ADDL_MAINT_REASONS = _ffe_reasons()
_CG72 = "CMS X12 834 Companion Guide (FFE) v7.2, August 2024"


def _codes(values) -> str:
    return ", ".join(v or "none" for v in values)


@rule(
    "RULE-FFE-ADDL-MAINT-REASON",
    severity="warning",
    profile="ffe",
    title="The 2750 ADDL MAINT REASON is not an FFE additional maintenance reason, or does not "
    "fit the member's INS03/INS04",
    source=f"{_CG72}, section 6.10 (Tables 8 and 9) and Appendix C (Tables 29 and 30: the "
    "INS03 / INS04 / additional maintenance reason combinations the FFE accepts and sends); "
    "the list ships in data/ffe_reasons.json",
    fix="Send one of the guide's reasons (CANCEL, TERM, CONFIRM, ISSUER MAINT, ...) with the "
    "INS03 and INS04 Appendix C gives for it, e.g. INS*Y*18*024*59 with CANCEL for an unpaid "
    "binder.",
    elements=("REF02", "INS03", "INS04"),
)
def addl_maint_reason(m: MemberView):
    for c in m.categories:
        if c.name != "ADDL MAINT REASON" or not c.value or not c.ref:
            continue
        known = ADDL_MAINT_REASONS.get(amrc_key(c.value))
        if known is None:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"ADDL MAINT REASON '{c.value}' is not one of the FFE's additional maintenance "
                f"reasons ({_CG72}, section 6.10 and Appendix C: CANCEL, TERM, CONFIRM, "
                "ISSUER MAINT, NO CHANGE, ...). Send the reason the guide names for this "
                "transaction.",
            )
            continue
        ins03, ins04 = m.maintenance, m.ins_el(4)
        if ins03 not in known["ins03"]:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"ADDL MAINT REASON '{c.value}' ({known['meaning']}) goes with INS03 "
                f"{_codes(known['ins03'])}, but this member's INS03 is {ins03 or 'empty'} "
                f"({_CG72}, Appendix C). Correct INS03 or the reason.",
            )
        elif known["ins04"] is not None and ins04 not in known["ins04"]:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"ADDL MAINT REASON '{c.value}' ({known['meaning']}) goes with INS04 "
                f"{_codes(known['ins04'])}, but this member's INS04 is {ins04 or 'not sent'} "
                f"({_CG72}, Appendix C). Correct INS04 or the reason.",
            )


@rule(
    "RULE-FFE-SEP-REASON",
    severity="warning",
    profile="ffe",
    title="The 2750 SEP REASON is not an FFE special enrollment period reason code",
    source=f"{_CG72}, section 6.8 (2750 N1*75*SEP REASON, REF*17, REF02 a 2-character code) "
    "and Appendix A Table 26 (02, 05, 07, 32, 43, FC, NE, QS, HR); the list ships in "
    "data/ffe_reasons.json",
    fix="Send the 2-character code of the special enrollment period (e.g. 02 birth, 32 "
    "marriage, 43 permanent move), not its name or another list's code.",
    elements=("REF02",),
)
def sep_reason(m: MemberView):
    for c in m.categories:
        if c.name != "SEP REASON" or c.value is None or not c.ref:
            continue
        if c.value.strip() in SEP_REASONS:
            continue
        yield Problem(
            c.ref,
            "REF02",
            c.value,
            f"SEP REASON '{c.value}' is not one of the FFE's special enrollment period reason "
            f"codes ({_CG72}, Appendix A: {', '.join(SEP_REASONS)}). Send the 2-character "
            "code of the special enrollment period, e.g. 02 birth, 32 marriage, 43 move.",
        )
