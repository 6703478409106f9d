"""Money rules on the 2750 reporting categories (PRE AMT 1, PRE AMT TOT, APTC AMT, ...).

The amounts are REF02 values of the 2750 loop whatever REF01 qualifier carries them (9X, 9V, ZZ
...). A member can have several effective periods: amounts are paired by their DTP*007 date.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from inspector.core.records.codes import FINANCIAL_CATEGORIES
from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import (
    _AMOUNTS,
    FixEdit,
    Problem,
    fix_of,
    fixer,
    is_date,
    money,
    parse_amount,
    rule,
)
from inspector.core.validation.rules.views import Category, MemberView

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document

# Subtracted from PRE AMT TOT to give TOT RES AMT.
_OTHER_PAYERS = ("APTC AMT", "OTH PAY AMT 1", "OTH PAY AMT 2", "TOT EMP RES AMT")


class MoneyInfo:
    """A member's financial categories, parsed once and shared by the money rules."""

    __slots__ = ("by_name", "cats", "long_decimals", "negatives", "not_numbers")

    def __init__(self, cats: list[Category]) -> None:
        self.cats = cats  # financial categories that carry a REF value
        self.by_name: dict[str, list[tuple[Category, float]]] = {}  # parseable amounts
        self.not_numbers: list[Category] = []
        self.negatives: list[tuple[Category, float]] = []
        self.long_decimals: list[tuple[Category, float]] = []
        cache = _AMOUNTS
        for c in cats:
            value: str = c.value  # type: ignore[assignment]  # only categories with a REF
            x = cache[value] if value in cache else parse_amount(value)
            if x is None:
                self.not_numbers.append(c)
                continue
            self.by_name.setdefault(c.name, []).append((c, x))
            if x < 0:
                self.negatives.append((c, x))
            dot = value.find(".")
            if dot >= 0 and len(value) - dot > 3:
                self.long_decimals.append((c, x))


_NO_MONEY = MoneyInfo([])


def money_info(m: MemberView) -> MoneyInfo:
    """The member's :class:`MoneyInfo` (computed on first use)."""
    info = m.money
    if info is None:
        info = m.money = (
            MoneyInfo(
                [c for c in m.categories if c.name in FINANCIAL_CATEGORIES and c.value is not None]
            )
            if m.categories
            else _NO_MONEY
        )
    return info


def money_categories(m: MemberView) -> list[Category]:
    """The member's financial categories that carry a value."""
    return money_info(m).cats


def amounts_by_name(m: MemberView) -> dict[str, list[tuple[Category, float]]]:
    """Parseable financial amounts of the member, by category name."""
    return money_info(m).by_name


def pick(
    cands: list[tuple[Category, float]] | None, date: str, carry: bool = True
) -> tuple[Category, float] | None:
    """The amount in effect on ``date``: same DTP*007 date, else (``carry``) the latest earlier
    date, else an undated one; a lone amount pairs with anything when dates are missing."""
    if not cands:
        return None
    for c in cands:
        if c[0].date == date:
            return c
    if carry and date and is_date(date):
        earlier = [c for c in cands if c[0].date and is_date(c[0].date) and c[0].date < date]
        if earlier:
            return max(earlier, key=lambda c: c[0].date)
    if carry:
        for c in cands:
            if not c[0].date:
                return c
    if len(cands) == 1 and (not date or not cands[0][0].date):
        return cands[0]
    return None


def _when(c: Category) -> str:
    return f" effective {show_date(c.date)}" if c.date else ""


def _not_number_hint(v: str) -> str:
    if not v.strip():
        return "it is empty"
    cleaned = v.replace("$", "").replace(",", "").strip()
    if cleaned != v and parse_amount(cleaned) is not None:
        what = [
            w
            for w, ch in (("dollar sign", "$"), ("thousands comma", ","), ("spaces", " "))
            if ch in v
        ]
        return f"remove the {' and '.join(what) or 'extra characters'} and send {cleaned}"
    if cleaned.endswith("-") and parse_amount("-" + cleaned[:-1]) is not None:
        return f"the minus sign must come first: -{cleaned[:-1]}"
    fixed = cleaned.upper().replace("O", "0").replace("L", "1")
    if fixed != cleaned.upper() and parse_amount(fixed) is not None:
        return f"it contains a letter where a digit belongs ({fixed} was probably meant)"
    return "it must be a plain decimal number such as 412.50 (digits and a decimal point only)"


@rule(
    "RULE-AMOUNT-NOT-NUMBER",
    severity="error",
    title="Premium/APTC/CSR/responsibility amounts must be plain decimal numbers",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 financial categories (REF02 is a "
    "decimal amount, e.g. 412.50); X12 type R: digits, sign and decimal point",
    fix="Send the amount as digits with an optional decimal point: no $, commas or spaces "
    "(1,250.00 becomes 1250.00).",
    elements=("REF02",),
)
def amount_not_number(m: MemberView):
    return [
        Problem(
            c.ref,
            "REF02",
            c.value,
            f"The {c.name} amount '{c.value}'{_when(c)} is "
            f"not a number: {_not_number_hint(c.value or '')}.",
        )
        for c in money_info(m).not_numbers
    ]


@rule(
    "RULE-AMOUNT-DECIMALS",
    severity="warning",
    title="Amounts should have at most two decimal places",
    source="common practice: dollar amounts are in cents (CMS FFE 2750 amounts have two "
    "decimal places)",
    fix="Round the amount to cents (two decimal places).",
    elements=("REF02",),
)
def amount_decimals(m: MemberView):
    return [
        Problem(
            c.ref,
            "REF02",
            c.value,
            f"The {c.name} amount {c.value} has more than two "
            "decimal places; dollar amounts carry cents only. Round it to cents.",
        )
        for c, _x in money_info(m).long_decimals
    ]


@rule(
    "RULE-AMOUNT-NEGATIVE",
    severity="error",
    title="Premium/APTC/CSR/responsibility amounts must not be negative",
    source="common practice: premiums, credits and responsibility amounts in the 2750 loop "
    "are never below zero",
    fix="Send the amount without the minus sign after checking it with the exchange.",
    elements=("REF02",),
)
def amount_negative(m: MemberView):
    return [
        Problem(
            c.ref,
            "REF02",
            c.value,
            f"The {c.name} amount {c.value}{_when(c)} is "
            "negative; premiums, credits and responsibility amounts are never below "
            "zero. Check the amount with the exchange.",
        )
        for c, _x in money_info(m).negatives
    ]


@rule(
    "RULE-APTC-OVER-PREMIUM",
    severity="error",
    title="APTC AMT is more than the total premium PRE AMT TOT",
    source="common practice (X12 industry error code 'APTC is more than total premium'): the "
    "advance tax credit cannot exceed the premium it pays",
    fix="Correct the APTC amount (at most PRE AMT TOT) or the total premium.",
    elements=("REF02",),
)
def aptc_over_premium(m: MemberView):
    found = amounts_by_name(m)
    if "PRE AMT TOT" not in found or "APTC AMT" not in found:
        return None
    return list(_aptc_over_premium(found))


def _aptc_over_premium(found: dict[str, list[tuple[Category, float]]]):
    tots = found["PRE AMT TOT"]
    for c, aptc in found.get("APTC AMT", ()):
        tot = pick(tots, c.date)
        if tot is not None and aptc > tot[1] + 0.005:
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"APTC AMT {money(aptc)}{_when(c)} is more "
                f"than the total premium PRE AMT TOT {money(tot[1])}"
                f"{_when(tot[0])} (segment {tot[0].ref}); the tax credit cannot exceed "
                "the premium. Check the APTC amount with the exchange.",
            )


@rule(
    "RULE-TOT-RES-MISMATCH",
    severity="error",
    title="TOT RES AMT differs from PRE AMT TOT - APTC AMT - other payers",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 TOT RES AMT (the enrollee's "
    "responsibility: total premium minus APTC; other payers and the employer share as sent "
    "by SBE and SHOP files)",
    fix="Correct TOT RES AMT to PRE AMT TOT minus APTC AMT and the other payments, or correct "
    "whichever of those is wrong.",
    elements=("REF02",),
)
def tot_res_mismatch(m: MemberView):
    info = money_info(m)
    found = info.by_name
    if "PRE AMT TOT" not in found or "TOT RES AMT" not in found or info.not_numbers:
        return None  # (an amount that is not a number is reported already; no arithmetic on it)
    return list(_tot_res_mismatch(found))


def _tot_res_mismatch(found: dict[str, list[tuple[Category, float]]]):
    tots = found["PRE AMT TOT"]
    for c, owed in found["TOT RES AMT"]:
        tot = pick(tots, c.date, carry=False)
        if tot is None:
            continue
        paid = [(name, pick(found.get(name), c.date)) for name in _OTHER_PAYERS]
        others = [(name, x[1]) for name, x in paid if x is not None]
        expected = tot[1] - sum(x for _, x in others)
        if abs(owed - expected) > 0.01 + 1e-9:
            parts = [f"PRE AMT TOT {money(tot[1])}"] + [f"{n} {money(x)}" for n, x in others]
            yield Problem(
                c.ref,
                "REF02",
                c.value,
                f"TOT RES AMT {money(owed)}{_when(c)} should be "
                f"{money(expected)} ({' - '.join(parts)}). The enrollee's "
                "responsibility is the total premium minus the credits and other "
                "payments; correct whichever amount is wrong.",
                extra={"expected": round(expected, 2)},
            )


@rule(
    "RULE-APTC-NO-PREMIUM",
    applies_to="subscribers",
    severity="error",
    title="An APTC AMT above zero is sent without any premium (PRE AMT TOT / PRE AMT 1)",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 APTC AMT: the tax credit is "
    "applied to the policy's total premium (PRE AMT TOT), which must be sent with it",
    fix="Send PRE AMT TOT (and each member's PRE AMT 1) with the APTC amount, dated with the "
    "same DTP*007.",
    elements=("REF02",),
)
def aptc_without_premium(m: MemberView):
    found = amounts_by_name(m)
    aptc = found.get("APTC AMT")
    if not aptc or "PRE AMT TOT" in found or "PRE AMT 1" in found:
        return None  # (a total of 0.00 below the credit is RULE-APTC-OVER-PREMIUM)
    if money_info(m).not_numbers:
        return None  # a premium that is not a number is reported already
    for c, x in aptc:
        if x > 0.005:
            return [
                Problem(
                    c.ref,
                    "REF02",
                    c.value,
                    f"APTC AMT {money(x)}{_when(c)} is sent but the subscriber has no premium "
                    "(no PRE AMT TOT or PRE AMT 1). A tax credit reduces a premium: send the "
                    "total premium with it.",
                )
            ]
    return None


# -- fixes the file determines ("Fix all like this") -------------------------------------------
#: An amount written with a dollar sign, thousands commas (groups of three) or spaces.
_DRESSED_AMOUNT = re.compile(r"\$?(-?)\$?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]*)?\Z")


@fixer("RULE-AMOUNT-NOT-NUMBER")
def fix_amount_not_number(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """``$1,250.00`` → ``1250.00``: only a dollar sign, thousands commas and spaces are
    dropped; a letter, a decimal comma (``1,25``) or a minus at the end is not guessed."""
    text = "".join((f.value or "").split())
    m = _DRESSED_AMOUNT.match(text)
    if not text or m is None:
        return f"'{f.value}' cannot be read as an amount without guessing; correct it by hand"
    value = m.group(1) + m.group(2).replace(",", "") + (m.group(3) or "")
    if parse_amount(value) is None:
        return f"'{f.value}' cannot be read as an amount without guessing; correct it by hand"
    return fix_of(f, doc, "REF02", value)


@fixer("RULE-TOT-RES-MISMATCH")
def fix_tot_res(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """TOT RES AMT := PRE AMT TOT minus APTC AMT and the other payments (as the rule computed
    them), in cents; not when that comes out negative (then the premium or a credit is wrong)."""
    expected = f.extra.get("expected")
    if not isinstance(expected, (int, float)):
        return "the finding does not say what TOT RES AMT should be; check the file again"
    if expected < -0.005:
        return (
            f"the premium minus the credits is negative ({money(expected)}): the premium or "
            "the APTC is wrong, not TOT RES AMT"
        )
    return fix_of(f, doc, "REF02", money(max(expected, 0.0)))
