"""Profile "ffe": CMS Federally-facilitated Exchange companion-guide rules on 2750 categories.

These follow the FFE companion guide as summarised in the project's 834 primer (section 5); other
exchanges (SBEs) and non-exchange senders use the 2750 loop differently, so they only run when
the "ffe" profile is asked for.
"""

from __future__ import annotations

import re

from inspector.core.records.codes import FINANCIAL_CATEGORIES
from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import Problem, is_date, money, rule
from inspector.core.validation.rules.context import TransactionView
from inspector.core.validation.rules.money import amounts_by_name, money_categories, pick
from inspector.core.validation.rules.views import MemberView

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
)
def subscriber_category_on_dependent(m: MemberView):
    if m.is_sub:
        return
    for c in m.categories:
        if c.name in SUBSCRIBER_ONLY:
            yield Problem(
                c.n1,
                None,
                None,
                f"The {c.name} category is sent on a dependent. On "
                "the FFE it belongs to the subscriber only (dependents carry PRE AMT 1 "
                "and ADDL MAINT REASON); move it to the subscriber's 2700 loops.",
            )


@rule(
    "RULE-FFE-DATE-BEFORE-COVERAGE",
    severity="warning",
    profile="ffe",
    title="A financial category's DTP*007 is before the coverage begins (DTP*348)",
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


@rule("RULE-FFE-PREMIUM-SUM", severity="error", profile="ffe", title=_SUM_TITLE)
def premium_collect(m: MemberView):
    """Keep each member's PRE AMT 1 / PRE AMT TOT amounts for the transaction part."""
    found = amounts_by_name(m)
    if found:
        shares, totals = found.get("PRE AMT 1"), found.get("PRE AMT TOT") if m.is_sub else None
        if shares or totals:
            m.tx.scratch.setdefault("premiums", {})[m] = (shares, totals)
    return None


@rule(
    "RULE-FFE-PREMIUM-SUM", severity="error", profile="ffe", scope="transaction", title=_SUM_TITLE
)
def premium_sum(t: TransactionView):
    premiums: dict[MemberView, tuple] = t.scratch.get("premiums", {})
    for s in t.subscribers:
        tots = premiums.get(s, (None, None))[1]
        if not tots:
            continue
        family = [s, *t.family(s)]
        if any(_terminating(m) for m in family):
            continue  # who is still on the policy depends on the end dates; do not guess
        complete = t.full_file or all(m.maintenance == "021" for m in family)
        for c, tot in tots:
            # a member without PRE AMT 1 for that date: the sum cannot be checked
            picked = [pick(premiums.get(m, (None,))[0], c.date) for m in family]
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


def _terminating(m: MemberView) -> bool:
    return m.maintenance == "024" or any(c.maintenance == "024" for c in m.coverages)
