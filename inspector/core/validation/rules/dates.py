"""Date rules: real calendar dates, end not before begin, begin/end dates present, birth dates."""

from __future__ import annotations

from collections.abc import Iterator

from inspector.core.records.codes import DATE_QUALIFIER
from inspector.core.records.dates import date_problem, show_date
from inspector.core.validation.rules.base import Problem, is_date, rule
from inspector.core.validation.rules.context import TransactionView
from inspector.core.validation.rules.views import MemberView

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
)
def date_invalid(m: MemberView):
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
        stop = t.members[0].ins_o if t.members else (t.tx.se or len(ids) + 1)
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
        yield Problem(
            m.dmg_o,
            "DMG02",
            b,
            f"The birth date {show_date(b)} is after {when}. "
            "Check the date of birth (a typo in the year is common).",
        )


@rule(
    "RULE-BIRTH-TOO-OLD",
    severity="warning",
    title="Birth date more than 120 years before the file date",
)
def birth_too_old(m: MemberView):
    b = m.birth_ok
    if b and b < m.tx.oldest_birth:
        ref = m.tx.file_date
        yield Problem(
            m.dmg_o,
            "DMG02",
            b,
            f"The birth date {show_date(b)} makes this member "
            f"more than 120 years old on {show_date(ref)}. Check the year of birth.",
        )
