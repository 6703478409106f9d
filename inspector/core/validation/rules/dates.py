"""Date rules: real calendar dates, end not before begin, begin/end dates present, birth dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from inspector.core.records.codes import DATE_QUALIFIER
from inspector.core.records.dates import date_problem, show_date
from inspector.core.validation.rules.base import (
    FixEdit,
    Problem,
    element_now,
    fix_of,
    fixer,
    is_date,
    rule,
)
from inspector.core.validation.rules.context import TransactionView
from inspector.core.validation.rules.money import money_categories
from inspector.core.validation.rules.views import Coverage, MemberView

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document

# end qualifier -> begin qualifier, for pairs that live in the same loop
_PAIRS_2000 = {
    "357": "356",
    "337": "336",
    "339": "338",
    "341": "340",
    "351": "350",
    "474": "473",
    "386": "385",
}
_ADD = ("021", "025")


def _what(q: str) -> str:
    name = DATE_QUALIFIER.get(q)
    return f"{name.lower()} date (DTP*{q})" if name else f"DTP*{q} date"


def _dtp_problems(dtps) -> Iterator[Problem]:
    for o, els in dtps:
        if len(els) < 4:
            continue
        fmt, v = els[2], els[3]
        if fmt == "D8":
            if is_date(v):
                continue
            why = date_problem(v)
            if why:
                yield Problem(
                    o,
                    "DTP03",
                    v,
                    f"The {_what(els[1])} {v} {why}. Correct the date (CCYYMMDD, e.g. 20250131).",
                )
        elif fmt == "RD8":
            parts = v.split("-")
            if len(parts) != 2:
                yield Problem(
                    o,
                    "DTP03",
                    v,
                    f"The {_what(els[1])} range {v} is not two dates "
                    "joined by a hyphen (RD8 format CCYYMMDD-CCYYMMDD).",
                )
                continue
            for label, part in zip(("start", "end"), parts):
                why = date_problem(part)
                if why:
                    yield Problem(
                        o,
                        "DTP03",
                        v,
                        f"The {label} of the {_what(els[1])} range {v} "
                        f"{why}. Correct the date (CCYYMMDD-CCYYMMDD).",
                    )


@rule(
    "RULE-DATE-INVALID",
    severity="error",
    title="Dates (DTP03, DMG02, INS12, BGN03) must be real calendar dates",
    source="TR3 005010X220A1, DTP02 D8 = CCYYMMDD, RD8 = CCYYMMDD-CCYYMMDD; DMG02, INS12 "
    "and BGN03 are CCYYMMDD dates",
    fix="Send a real calendar date in CCYYMMDD form (e.g. 20250131; a range as 20250101-20251231).",
    elements=("DTP03", "DMG02", "INS12", "BGN03"),
)
def date_invalid(m: MemberView):
    if not m.odd_dtps and not (m.birth and not m.birth_ok) and len(m.ins) <= 12:
        return None  # every date is a real D8 date (checked while the member was read)
    return list(_date_invalid(m))


def _date_invalid(m: MemberView):
    if m.odd_dtps:
        yield from _dtp_problems(m.odd_dtps)
    if m.birth and not is_date(m.birth):
        why = date_problem(m.birth)
        if why:
            yield Problem(
                m.dmg_o,
                "DMG02",
                m.dmg[2],
                f"The birth date {m.dmg[2]} {why}. Check the member's date of birth (CCYYMMDD).",
            )
    death = m.ins[12] if len(m.ins) > 12 else ""
    if death:
        why = date_problem(death)
        if why:
            yield Problem(
                m.ins_o,
                "INS12",
                death,
                f"The death date {death} in INS12 {why}. "
                "Correct it (CCYYMMDD) or remove INS11/INS12.",
            )


@rule(
    "RULE-DATE-INVALID",
    severity="error",
    title="Dates (DTP03, DMG02, INS12, BGN03) must be real calendar dates",
    scope="transaction",
    header=True,
)
def header_date_invalid(t: TransactionView):
    bgn, o = t.bgn, t.bgn_segment
    if o and len(bgn) > 3 and bgn[3]:
        why = date_problem(bgn[3])
        if why:
            yield Problem(
                o,
                "BGN03",
                bgn[3],
                f"The file creation date BGN03 {bgn[3]} {why}. Correct it (CCYYMMDD).",
            )
    if o:  # header DTPs (file effective dates) sit between BGN and the first member
        store, loop_of = t.ctx.store, t.ctx.structure.loop_of
        ids = store.ids
        stop = t.first_ins or t.tx.se or len(ids) + 1
        header = [
            (k, store.elements(k))
            for k in range(o + 1, stop)
            if ids[k - 1] == "DTP" and loop_of(k) == "HEADER"
        ]
        yield from _dtp_problems(header)


@rule(
    "RULE-DATE-END-BEFORE-BEGIN",
    severity="error",
    title="End dates must not be before begin dates (349/348, 357/356, RD8 ranges)",
    source="common practice: an end date (349, 357, 337, ... or the second date of an RD8 "
    "range) cannot precede its begin date (348, 356, 336, ...); TR3 005010X220A1 DTP "
    "qualifier pairs",
    fix="Correct one of the two dates; for a coverage cancelled before it starts send the "
    "end date equal to the begin date.",
    elements=("DTP03",),
)
def end_before_begin(m: MemberView):
    mdates = m.mdates
    if len(mdates) > 1:
        for end_q, end in mdates.items():
            begin_q = _PAIRS_2000.get(end_q)
            if begin_q is not None and begin_q in mdates:
                yield from _compare(begin_q, mdates[begin_q], end_q, end)
    for c in m.coverages:
        benefit_end = c.dates.get("349")
        if benefit_end is not None and "348" in c.dates:
            yield from _compare("348", c.dates["348"], "349", benefit_end)
    for o, els in m.odd_dtps:  # RD8 ranges are never on the fast path
        if len(els) > 3 and els[2] == "RD8":
            parts = els[3].split("-")
            if len(parts) == 2 and is_date(parts[0]) and is_date(parts[1]) and parts[1] < parts[0]:
                yield Problem(
                    o,
                    "DTP03",
                    els[3],
                    f"The {_what(els[1])} range {els[3]} ends "
                    f"({show_date(parts[1])}) before it starts ({show_date(parts[0])}). "
                    "Swap or correct the two dates.",
                )


def _compare(begin_q: str, begin: tuple, end_q: str, end: tuple) -> Iterator[Problem]:
    (bo, bfmt, bv), (eo, efmt, ev) = begin, end
    if ev < bv and bfmt == efmt == "D8" and is_date(bv) and is_date(ev):
        hint = (
            " If the coverage is cancelled before it starts, send the end date equal to the "
            "begin date."
            if end_q == "349"
            else ""
        )
        yield Problem(
            eo,
            "DTP03",
            ev,
            f"The {_what(end_q)} {show_date(ev)} is before the "
            f"{_what(begin_q)} {show_date(bv)} (segment {bo}). An end date cannot "
            f"precede its begin date; correct one of them.{hint}",
        )


@rule(
    "RULE-BENEFIT-BEGIN-MISSING",
    severity="error",
    title="A 2300 coverage that is added (HD01 021) or reinstated (025) needs DTP*348",
    source="TR3 005010X220A1, 2300 DTP*348 (benefit begin) note: required for an addition "
    "or reinstatement; CMS FFE Enrollment Companion Guide for 834 requires 348 in every 2300",
    fix="Add DTP*348*D8*CCYYMMDD (the first covered day) right after the HD segment.",
    elements=("HD01",),
)
def benefit_begin_missing(m: MemberView):
    for c in m.coverages:
        if c.maintenance in _ADD and "348" not in c.dates:
            verb = "adds" if c.maintenance == "021" else "reinstates"
            yield Problem(
                c.hd,
                None,
                None,
                f"This coverage (HD*{c.maintenance}, "
                f"{c.line or 'no line'}) {verb} benefits but has no benefit begin "
                "date. Add DTP*348*D8*CCYYMMDD with the first covered day right after "
                "the HD segment.",
            )


@rule(
    "RULE-TERM-NO-END",
    severity="error",
    title="A termination (INS03/HD01 024) needs an end date (DTP*357 or DTP*349)",
    source="TR3 005010X220A1, 2000 DTP*357 (eligibility end, ends every coverage of the "
    "member) and 2300 DTP*349 (benefit end): a termination needs its last covered day",
    fix="Add DTP*357*D8*CCYYMMDD after the member's REF segments, or DTP*349 in each coverage "
    "that ends.",
    elements=("INS03", "HD01"),
)
def term_no_end(m: MemberView):
    if "357" in m.mdates:  # a member-level end date ends every coverage of the member
        return
    if m.maintenance == "024" and not any("349" in c.dates for c in m.coverages):
        yield Problem(
            m.ins_o,
            "INS03",
            "024",
            "This member is terminated (INS03=024) but no end "
            "date is given: there is no eligibility end DTP*357 in the member loop and "
            "no benefit end DTP*349 in any coverage. Add DTP*357*D8*CCYYMMDD (last "
            "covered day) after the REF segments, or DTP*349 in each coverage that ends.",
        )
        return
    for c in m.coverages:
        if c.maintenance == "024" and "349" not in c.dates:
            yield Problem(
                c.hd,
                None,
                None,
                f"This coverage is terminated (HD*024, "
                f"{c.line or 'no line'}) but has no benefit end date. Add "
                "DTP*349*D8*CCYYMMDD (last covered day) after the HD segment.",
            )


@rule(
    "RULE-BIRTH-FUTURE",
    severity="error",
    title="Birth date must not be after the file date (BGN03, or today without one)",
    source="common practice: a member is born before the file is created (BGN03)",
    fix="Correct the birth date in DMG02 (a typo in the year is common).",
    elements=("DMG02",),
)
def birth_future(m: MemberView):
    b = m.birth_ok
    ref = m.tx.file_date
    if b and b > ref:
        when = (
            f"today ({show_date(ref)})"
            if m.tx.file_date_is_today
            else f"the file's creation date {show_date(ref)}"
        )
        return [
            Problem(
                m.dmg_o,
                "DMG02",
                b,
                f"The birth date {show_date(b)} is after {when}. "
                "Check the date of birth (a typo in the year is common).",
            )
        ]


@rule(
    "RULE-BIRTH-TOO-OLD",
    severity="warning",
    title="Birth date more than 120 years before the file date",
    source="common practice: a birth date more than 120 years back is almost always a "
    "placeholder (19000101) or a typo in the year",
    fix="Send the member's real birth date in DMG02.",
    elements=("DMG02",),
)
def birth_too_old(m: MemberView):
    b = m.birth_ok
    if b and b < m.tx.oldest_birth:
        ref = m.tx.file_date
        return [
            Problem(
                m.dmg_o,
                "DMG02",
                b,
                f"The birth date {show_date(b)} makes this member "
                f"more than 120 years old on {show_date(ref)}. Check the year of birth.",
            )
        ]


# -- dates across loops -----------------------------------------------------------------------------
def _d8(entry: tuple[int, str, str] | None) -> str:
    """DTP03 of a (ordinal, DTP02, DTP03) entry when it is a real D8 date, else ""."""
    if entry is None:
        return ""
    _o, fmt, v = entry
    return v if fmt == "D8" and is_date(v) else ""


def _death(m: MemberView) -> str:
    v = m.ins_el(12)
    return v if v and is_date(v) else ""


def _dated(m: MemberView) -> int:
    """How many of the member's coverages have a real D8 benefit begin (DTP*348)."""
    return sum(1 for c in m.coverages if _d8(c.dates.get("348")))


def _begins(found: list[tuple[Coverage, str]]) -> str:
    return ", ".join(f"{c.line or 'coverage'} {show_date(v)}" for c, v in found)


def _one_date_against_coverages(
    m: MemberView,
    found: list[tuple[Coverage, str]],
    at: tuple[int, str, str] | None,
    whole: str,
    each: Callable[[Coverage, str], str],
) -> Iterator[Problem]:
    """Report coverages whose begin (DTP*348) contradicts one member-level date.

    ``found``: (coverage, begin) of each contradicting coverage; ``at``: (segment, element,
    value) of the member-level date. When every dated coverage contradicts it, that one date is
    the likelier error: one finding at it (``whole``, naming the coverages). Otherwise the
    coverages that disagree with the rest are: one finding at each DTP*348 (``each``)."""
    if not found:
        return
    if at is not None and at[0] and len(found) == _dated(m):
        yield Problem(at[0], at[1], at[2], whole.format(begins=_begins(found)))
        return
    for c, begin in found:
        yield Problem(c.dates["348"][0], "DTP03", begin, each(c, begin))


@rule(
    "RULE-DATE-BEFORE-BIRTH",
    severity="error",
    title="Coverage (2300 DTP*348) begins before the member's birth date (DMG02)",
    source="TR3 005010X220A1, 2300 DTP*348 (benefit begin) and 2100A DMG02 (birth date): "
    "coverage cannot start before the person is born (a newborn's coverage starts at birth)",
    fix="Correct the benefit begin date (DTP*348) or the birth date (DMG02); a newborn's "
    "coverage begins on the birth date. When every coverage begins before the birth date the "
    "finding points at DMG02, else at the DTP*348 that disagrees.",
    elements=("DMG02", "DTP03"),
)
def coverage_before_birth(m: MemberView):
    b = m.birth_ok
    if not b or not any((d := c.dates.get("348")) is not None and d[2] < b for c in m.coverages):
        return None
    return list(_coverage_before_birth(m))


def _coverage_before_birth(m: MemberView):
    b = m.birth_ok
    if not b:
        return
    found = []
    for c in m.coverages:
        d = c.dates.get("348")
        if d is None or d[2] >= b:  # the common case, decided without parsing
            continue
        begin = _d8(d)
        if begin:
            found.append((c, begin))
    yield from _one_date_against_coverages(
        m,
        found,
        (m.dmg_o, "DMG02", b),
        f"The member's birth date {show_date(b)} (DMG02) is after the begin of every "
        "coverage ({begins}): coverage cannot begin before birth. Correct the birth date, or "
        "the benefit begin dates (DTP*348); a newborn's coverage begins on the birth date.",
        lambda c, begin: (
            f"The {c.line or ''} coverage begins {show_date(begin)}, before the "
            f"member is born ({show_date(b)}, DMG02 at segment {m.dmg_o}). Correct the benefit "
            "begin date or the birth date; a newborn's coverage begins on the birth date."
        ),
    )


@rule(
    "RULE-DATE-AFTER-DEATH",
    severity="error",
    title="Coverage (2300 DTP*348) begins after the member's death date (INS12)",
    source="TR3 005010X220A1, 2000 INS11/INS12 (member death date) and 2300 DTP*348 "
    "(benefit begin)",
    fix="Correct the death date (INS12) or the benefit begin date (DTP*348), or remove the "
    "coverage that cannot begin after death. When every coverage begins after the death date "
    "the finding points at INS12, else at the DTP*348 that disagrees.",
    elements=("INS12", "DTP03"),
)
def coverage_after_death(m: MemberView):
    ins = m.ins
    if len(ins) < 13 or not ins[12]:
        return None
    return list(_coverage_after_death(m))


def _coverage_after_death(m: MemberView):
    death = _death(m)
    if not death:
        return
    found = []
    for c in m.coverages:
        d = c.dates.get("348")
        begin = _d8(d) if d is not None and d[2] > death else ""
        if begin:
            found.append((c, begin))
    yield from _one_date_against_coverages(
        m,
        found,
        (m.ins_o, "INS12", death),
        f"The member's death date {show_date(death)} (INS12) is before the begin of every "
        "coverage ({begins}): coverage cannot begin after death. Correct the death date, or "
        "the benefit begin dates (DTP*348), or remove the coverages.",
        lambda c, begin: (
            f"The {c.line or ''} coverage begins {show_date(begin)}, after the "
            f"member's death date {show_date(death)} (INS12). Correct one of the dates, or remove "
            "the coverage."
        ),
    )


@rule(
    "RULE-DATE-OUTSIDE-PLAN-YEAR",
    severity="warning",
    title="A coverage date (2300 DTP*348/349) is outside the plan year",
    params={"plan_year": ""},
    source="common practice: exchange and employer enrollments are issued per plan year "
    "(the profile's plan_year, CCYY); a benefit begin or end in another year belongs to "
    "another year's enrollment",
    fix="Correct the date, or send the coverage in the file for its own plan year.",
    elements=("DTP03",),
)
def outside_plan_year(m: MemberView):
    if not m.tx.ctx.params.get("plan_year"):
        return None
    return list(_outside_plan_year(m))


def _outside_plan_year(m: MemberView):
    year = str(m.tx.ctx.params.get("plan_year") or "")
    if not year:
        return
    for c in m.coverages:
        for q in ("348", "349"):
            v = _d8(c.dates.get(q))
            if v and v[:4] != year:
                yield Problem(
                    c.dates[q][0],
                    "DTP03",
                    v,
                    f"The {c.line or ''} coverage {_what(q)} {show_date(v)} is outside the "
                    f"plan year {year}. Correct the date, or send the coverage in the file "
                    "for its own plan year.",
                )


@rule(
    "RULE-DATE-BEFORE-ELIGIBILITY",
    severity="warning",
    title="Coverage (2300 DTP*348) begins before the member's eligibility (2000 DTP*356)",
    source="TR3 005010X220A1, 2000 DTP*356 (eligibility begin: the date the member could "
    "enroll) and 2300 DTP*348 (benefit begin): coverage cannot start before eligibility",
    fix="Correct the benefit begin date (DTP*348) or the eligibility begin date (DTP*356). "
    "When every coverage begins before the eligibility the finding points at DTP*356, else at "
    "the DTP*348 that disagrees.",
    elements=("DTP03",),
)
def coverage_before_eligibility(m: MemberView):
    elig = m.mdates.get("356")
    if elig is None or not any(
        (d := c.dates.get("348")) is not None and d[2] < elig[2] for c in m.coverages
    ):
        return None  # the common case: no coverage begins before the eligibility
    return list(_coverage_before_eligibility(m))


def _coverage_before_eligibility(m: MemberView):
    d = m.mdates.get("356")
    if d is None or not _d8(d):
        return
    elig = d[2]
    found = []
    for c in m.coverages:
        d = c.dates.get("348")
        if d is None or d[2] >= elig:  # the common case, decided without parsing
            continue
        begin = _d8(d)
        if begin:
            found.append((c, begin))
    at = m.mdates["356"][0]
    yield from _one_date_against_coverages(
        m,
        found,
        (at, "DTP03", elig),
        f"The member's {_what('356')} {show_date(elig)} is after the begin of every coverage "
        "({begins}): coverage cannot begin before the member is eligible. Correct the "
        "eligibility begin date, or the benefit begin dates (DTP*348).",
        lambda c, begin: (
            f"The {c.line or ''} coverage begins {show_date(begin)}, before the "
            f"member is eligible ({_what('356')} {show_date(elig)}, segment {at}). Correct one of "
            "the two dates."
        ),
    )


@rule(
    "RULE-DATE-AFTER-ELIG-END",
    severity="warning",
    title="Coverage (2300 DTP*348/349) begins or ends after the eligibility end (2000 DTP*357)",
    source="TR3 005010X220A1, 2000 DTP*357 (eligibility end, the last covered day, ends "
    "every coverage of the member) and 2300 DTP*348/349",
    fix="Correct the eligibility end (DTP*357) or the coverage dates; send the end date at "
    "one level only (357 for the member or 349 per coverage).",
    elements=("DTP03",),
)
def coverage_after_eligibility_end(m: MemberView):
    if "357" not in m.mdates:
        return None
    return list(_coverage_after_eligibility_end(m))


def _coverage_after_eligibility_end(m: MemberView):
    end = _d8(m.mdates.get("357"))
    if not end:
        return
    for c in m.coverages:
        for q, verb in (("348", "begins"), ("349", "ends")):
            v = _d8(c.dates.get(q))
            if v and v > end:
                yield Problem(
                    c.dates[q][0],
                    "DTP03",
                    v,
                    f"The {c.line or ''} coverage {verb} {show_date(v)}, after the member's "
                    f"eligibility ends ({_what('357')} {show_date(end)}, segment "
                    f"{m.mdates['357'][0]}), which ends every coverage. Correct one of the "
                    "dates; send the end date at one level only.",
                )
                break


@rule(
    "RULE-FFE-DATE-AFTER-COVERAGE",
    severity="warning",
    profile="ffe",
    title="A financial category's DTP*007 is after the member's coverage ends",
    source="CMS FFE Enrollment Companion Guide for 834, 2750 loop: DTP*007 is the effective "
    "date of the premium/APTC/CSR amounts, within the coverage (2300 DTP*348 to DTP*349, or "
    "2000 DTP*357); the date before the coverage begins is RULE-FFE-DATE-BEFORE-COVERAGE. "
    "Not a base rule: Medicaid files date informational categories (disenrollment reason, "
    "due dates) after the coverage ends",
    fix="Correct the DTP*007 date (on or before the last covered day), or the coverage end.",
    elements=("DTP03",),
)
def financial_after_coverage(m: MemberView):
    if not m.categories or not m.coverages:
        return
    cats = money_categories(m)
    if not cats:
        return
    end = _d8(m.mdates.get("357"))
    if not end:
        ends = [_d8(c.dates.get("349")) for c in m.coverages]
        if not all(ends):
            return  # a coverage without an end date is still running
        end = max(ends)
    for cat in cats:
        if cat.dtp and cat.date > end and is_date(cat.date):
            yield Problem(
                cat.dtp,
                "DTP03",
                cat.date,
                f"The {cat.name} effective date {show_date(cat.date)} (DTP*007) is after the "
                f"member's coverage ends ({show_date(end)}). Financial amounts cannot take "
                "effect after the last covered day; correct the date.",
            )


@rule(
    "RULE-DATE-CANCEL-NOT-024",
    severity="warning",
    title="A coverage that ends the day it begins (a cancellation) is not sent as a "
    "termination (INS03/HD01 024)",
    source="CMS FFE Enrollment Companion Guide for 834: a cancellation is sent as a "
    "termination (024) whose end date equals the begin date; TR3 005010X220A1, HD01/INS03 "
    "024 (cancellation or termination)",
    fix="Send the cancellation with INS03=024 and HD01=024, or correct the end date "
    "(DTP*349) if the coverage continues.",
    elements=("HD01", "DTP03"),
)
def cancel_not_termination(m: MemberView):
    if not any("349" in c.dates for c in m.coverages):
        return None
    return list(_cancel_not_termination(m))


def _cancel_not_termination(m: MemberView):
    if m.maintenance in ("024", "030"):
        return
    for c in m.coverages:
        e = c.dates.get("349")
        if e is None or c.maintenance in ("024", "030"):
            continue
        begin, end = _d8(c.dates.get("348")), _d8(e)
        if begin and begin == end:
            yield Problem(
                c.hd,
                "HD01",
                c.maintenance,
                f"The {c.line or ''} coverage ends on the day it begins ({show_date(begin)}), "
                f"which is a cancellation, but HD01 is {c.maintenance or 'empty'} and INS03 "
                f"is {m.maintenance or 'empty'}. Send a cancellation as a termination "
                "(HD01=024, INS03=024), or correct the end date if the coverage continues.",
            )


def _addl_reason(m: MemberView) -> str:
    for cat in m.categories:
        if cat.name == "ADDL MAINT REASON" and cat.value:
            return cat.value.strip().upper()
    return ""


@rule(
    "RULE-DATE-CANCEL-END",
    severity="error",
    profile="ffe",
    title="An FFE cancellation (ADDL MAINT REASON CANCEL) whose end date is not its begin date",
    source="CMS FFE Enrollment Companion Guide for 834: a cancellation (2750 ADDL MAINT "
    "REASON = CANCEL) carries a coverage end date (DTP*349) equal to the begin date (DTP*348)",
    fix="Send DTP*349 equal to DTP*348 for a cancellation, or ADDL MAINT REASON TERM (or "
    "none) for a termination that ends later.",
    elements=("DTP03",),
)
def cancel_end_not_begin(m: MemberView):
    if not m.categories or _addl_reason(m) != "CANCEL":
        return
    for c in m.coverages:
        begin, end = _d8(c.dates.get("348")), _d8(c.dates.get("349"))
        if begin and end and end != begin:
            yield Problem(
                c.dates["349"][0],
                "DTP03",
                end,
                f"This member is cancelled (ADDL MAINT REASON CANCEL), but the {c.line or ''} "
                f"coverage ends {show_date(end)}, not on its begin date {show_date(begin)}. "
                "A cancellation's end date equals its begin date; correct DTP*349, or send "
                "a termination if the coverage was in force.",
            )


@rule(
    "RULE-DATE-EXCHANGE-NOT-FIRST",
    severity="warning",
    profile="exchange",
    title="An exchange addition's coverage begins on a day other than the 1st without a "
    "reason that allows it (INS04)",
    params={"first_of_month_reasons": ("02", "05")},
    source="CMS FFE Enrollment Companion Guide for 834 / 45 CFR 155.420: exchange coverage "
    "starts on the 1st of a month, except for a birth or adoption (INS04 02 Birth, 05 "
    "Adoption, TR3 005010X220A1 INS04 code list; the profile's first_of_month_reasons)",
    fix="Correct the benefit begin date to the 1st of the month, or send the maintenance "
    "reason (INS04) that allows another start, e.g. 02 (birth).",
    elements=("DTP03", "INS04"),
)
def exchange_not_first(m: MemberView):
    if m.maintenance != "021":
        return
    reason = m.ins_el(4)
    if reason and reason in tuple(m.tx.ctx.params.get("first_of_month_reasons") or ()):
        return
    for c in m.coverages:
        d = c.dates.get("348")
        if d is None or d[2][6:] == "01" or c.maintenance != "021":
            continue
        begin = _d8(d)
        if begin and begin != m.birth_ok:
            yield Problem(
                c.dates["348"][0],
                "DTP03",
                begin,
                f"This exchange addition's {c.line or ''} coverage begins {show_date(begin)}, "
                f"not on the 1st of a month, and its reason INS04 ({reason or 'none'}) does "
                "not allow another start. Correct the begin date, or send the reason that "
                "allows it (e.g. INS04=02 birth, 05 adoption).",
            )


# -- fixes the file determines ("Fix all like this") -------------------------------------------
#: A date written year first with separators: 2025-01-31, 2025/1/31, 2025.01.31.
_YEAR_FIRST = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})\Z")


@fixer("RULE-DATE-INVALID")
def fix_date_format(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """A real date written in another form, year first (``2025-01-31``), becomes CCYYMMDD.
    Month-first or day-first forms (``01/02/2025``) and impossible dates are not guessed."""
    element = f.element or ""
    if element not in ("DTP03", "DMG02", "INS12", "BGN03"):
        return "this finding does not point at a date element"
    if element == "DTP03":
        qualifier = element_now(doc, f.segment, "DTP02")
        if qualifier != "D8":
            return "the DTP is not a single date (DTP02 is not D8)"
    m = _YEAR_FIRST.match((f.value or "").strip())
    if m is None:
        return (
            f"'{f.value}' is not a real date written year first (CCYY-MM-DD); which date is "
            "meant is not certain"
        )
    value = f"{m.group(1)}{int(m.group(2)):02d}{int(m.group(3)):02d}"
    why = date_problem(value)
    if why:
        return f"'{f.value}' is not a real date in any form ({value} {why})"
    return fix_of(f, doc, element, value)
