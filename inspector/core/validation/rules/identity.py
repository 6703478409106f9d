"""Identity and duplication across the whole file (every ST/SE set): the same person enrolled
twice, one SSN or id carried by different people, conflicting repeated additions, overlapping
coverage of one insurance line.

All rules here are file-scope: they see every member of every transaction once the file has
been read (members released, keeping what ``uses=`` names). Members are grouped by identity
key in dicts (SSN; last + first name + birth date; subscriber id + person id), so the work is
linear in the number of members; a group is compared pairwise only over its first few entries.

How the rules share the work (one defect, one finding):

- two loops of one person in the *same* transaction that :func:`~.ids.same_person` calls the
  same enrollment are RULE-DUP-MEMBER's (ids.py), except two additions whose data conflict,
  which are RULE-ID-ADDED-TWICE-CONFLICT's (RULE-DUP-MEMBER stays quiet on those);
- one person in two *active* enrollments of one insurance line under different households
  (REF*0F), policies or plans, or added twice in two transactions: RULE-ID-SAME-PERSON-TWICE;
- two coverage periods of one line for one person that overlap, where one of the loops ends
  (termination) or within one member loop: RULE-ID-COVERAGE-OVERLAP.

Conventional practice that is not a duplicate (the rules stay quiet): one loop terminates and
another adds or changes (a plan change, a move to another household); health and dental in
separate loops (different HD03); an audit record (030, a full-file comparison that is not
applied) beside a change for the same person; the same enrollment changed (001) in two ST sets.
"""

from __future__ import annotations

from collections.abc import Iterator

from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import GROUP_LIMIT, Problem, is_date, rule
from inspector.core.validation.rules.context import FileView
from inspector.core.validation.rules.ids import (
    PERSON_ID_QUALIFIERS,
    conflict_at,
    conflicting_adds,
    different_people,
    person_ids,
    same_person,
    ssn_problem,
    terminates,
)
from inspector.core.validation.rules.views import Coverage, MemberView

#: Member fields the file rules read after release.
_USES = ("coverage_dates", "dmg", "mdates", "refs")
_OPEN = "99991231"


_SSN_OK: dict[str, bool] = {}


def _ssn(m: MemberView) -> str:
    """The member's own SSN (2100A NM109 with NM108=34) when it is a possible SSN."""
    v = m.ssn
    if not v:
        return ""
    ok = _SSN_OK.get(v)
    if ok is None:
        ok = ssn_problem(v) is None
        if len(_SSN_OK) < 100_000:
            _SSN_OK[v] = ok
    return v if ok else ""


def _keys(m: MemberView, member_ids: bool) -> list[tuple]:
    """Every identity key of a member (see :func:`_index`); ``member_ids``: also REF*17 alone
    (RULE-ID-MEMBER-ID-SHARED, exchange profiles only)."""
    ssn = _ssn(m)
    keys: list[tuple] = [("ssn", ssn)] if ssn else []
    last, first, dob = m.last_name, m.first_name, m.birth_ok
    if last and first and dob:
        keys.append(("name", last, first, dob))
    sid = m.sub_id
    if sid:
        if last and first and m.maintenance == "021":  # an addition repeated, other birth date
            keys.append(("family-name", sid, last, first))
        if m.is_sub:
            keys.append(("sub", sid))
    refs = m.refs
    if refs:
        for q, v, _o in refs:
            if q in PERSON_ID_QUALIFIERS:
                v = v.strip()
                if v:
                    if sid:
                        keys.append(("id", sid, q, v))
                    if member_ids and q == "17":
                        keys.append(("17", v))
    return keys


def _choose(m: MemberView, ctx) -> tuple[list[tuple], bool]:
    """The members the rules of this module look at (see ``select`` in :func:`~.base.rule`):
    those sharing an identity key, and those whose own loops overlap (RULE-ID-COVERAGE-OVERLAP
    compares a member's coverages of one line)."""
    exchange = "exchange" in ctx.profiles
    alone = _overlaps_itself(m, exchange)
    return _keys(m, exchange), alone


def _overlaps_itself(m: MemberView, one_plan: bool) -> bool:
    """Two coverages of one line of the member overlap (see :func:`_overlaps`)."""
    return (
        len(m.coverages) > 1
        and m.maintenance != "030"
        and next(_overlaps(m, m, one_plan), None) is not None
    )


#: Key kinds that say "the same person" (the others: an id that must not be shared).
_PERSON_KEYS = frozenset(("ssn", "name", "family-name", "id"))


def _index(fv: FileView) -> dict[tuple, list[MemberView]]:
    """Members by identity key, for keys two or more members share (built once per file and
    shared by the rules of this module): a dict pass over the members, linear in the file."""
    cache = fv.__dict__
    found = cache.get("_identity_index")
    if found is None:
        # key -> the first member with it; a list only once a second member shares it
        groups: dict[tuple, MemberView | list[MemberView]] = {}
        member_ids = "exchange" in fv.ctx.profiles
        for m in fv.members:
            for k in _keys(m, member_ids):
                g = groups.get(k)
                if g is None:
                    groups[k] = m
                elif type(g) is list:
                    if len(g) < GROUP_LIMIT:
                        g.append(m)
                else:
                    groups[k] = [g, m]  # type: ignore[list-item]
        found = cache["_identity_index"] = {k: g for k, g in groups.items() if type(g) is list}
    return found


def _groups(fv: FileView, kind: str) -> Iterator[list[MemberView]]:
    """Lists of members (file order) sharing a key of one kind."""
    for k, g in _index(fv).items():
        if k[0] == kind:
            yield g


def _pairs(fv: FileView) -> list[tuple[MemberView, MemberView, str]]:
    """(earlier, later, how they match) for every pair of members sharing a person key, once."""
    cache = fv.__dict__
    found = cache.get("_identity_pairs")
    if found is None:
        seen: set[tuple[int, int]] = set()
        found = []
        for k, g in _index(fv).items():
            if k[0] not in _PERSON_KEYS:
                continue
            for j, b in enumerate(g):
                for a in g[:j]:
                    pair = (a.index, b.index)
                    if pair not in seen:
                        seen.add(pair)
                        found.append((a, b, _match(a, b)))
        cache["_identity_pairs"] = found
    return found


def _match(a: MemberView, b: MemberView) -> str:
    sa, sb = _ssn(a), _ssn(b)
    if sa and sa == sb:
        return "the same SSN"
    if (
        a.birth_ok
        and a.birth_ok == b.birth_ok
        and a.last_name == b.last_name
        and a.first_name == b.first_name
    ):
        return "the same name and birth date"
    if a.refs and b.refs and set(person_ids(a) or ()) & set(person_ids(b) or ()):
        return "the same subscriber id and member id"
    return FAMILY_NAME


#: How two members match when only their subscriber id and full name agree.
FAMILY_NAME = "the same subscriber id and full name"


def _far_dates(a: MemberView, b: MemberView) -> bool:
    """Birth dates that differ in more than one of year, month and day (not a typo): two
    people, e.g. siblings of the same first name."""
    x, y = a.birth_ok, b.birth_ok
    return bool(x and y) and ((x[:4] != y[:4]) + (x[4:6] != y[4:6]) + (x[6:] != y[6:])) > 1


def _range(m: MemberView, c: Coverage) -> tuple[str, str] | None:
    """(begin, end) of a coverage: DTP*348 to DTP*349 (or the member's 357, or open);
    None when the begin is unknown or the coverage is cancelled (ends on or before it starts)."""
    dates = c.dates
    if not dates or "348" not in dates:
        return None
    begin = dates["348"][2]
    if not is_date(begin):
        return None
    end = _OPEN
    if "349" in dates and is_date(dates["349"][2]):
        end = dates["349"][2]
    elif m.mdates and "357" in m.mdates and is_date(m.mdates["357"][2]):
        end = m.mdates["357"][2]
    if end <= begin:
        return None  # a cancellation (end = begin) covers nothing
    return begin, end


def _plan(c: Coverage) -> str:
    return (c.plan_ids[0] if c.plan_ids else c.plan).strip()


def _overlaps(
    a: MemberView, b: MemberView, one_plan: bool = False
) -> Iterator[tuple[Coverage, tuple[str, str], Coverage, tuple[str, str]]]:
    """Coverages of one line in ``a`` and ``b`` (``a`` may be ``b``) whose periods overlap:
    the same plan from two begin dates, or two plans of which one is being ended (HD01 024,
    a plan change). Two plans of one line that both continue are left alone (a dual-eligible
    member has Medicare and Medicaid health coverage at once) unless ``one_plan``: on an
    exchange a person is enrolled in one qualified health plan of a line at a time."""
    same = a is b
    for i, ca in enumerate(a.coverages):
        if not ca.line:
            continue
        ra = _range(a, ca)
        if ra is None:
            continue
        for cb in b.coverages[i + 1 :] if same else b.coverages:
            if cb.line != ca.line:
                continue
            rb = _range(b, cb)
            if rb is None:
                continue
            if not (ra[0] <= rb[1] and rb[0] <= ra[1]):
                continue
            if _plan(ca) == _plan(cb):
                if ra[0] != rb[0]:  # the same plan twice from two begin dates
                    yield ca, ra, cb, rb
            elif one_plan or (ca.maintenance == "024") != (cb.maintenance == "024"):
                yield ca, ra, cb, rb  # a plan change whose old coverage ends too late


def _period(r: tuple[str, str]) -> str:
    end = "open-ended" if r[1] == _OPEN else f"to {show_date(r[1])}"
    return f"{show_date(r[0])} {end}"


def _where(a: MemberView, b: MemberView) -> str:
    if a.tx is b.tx:
        return f"{a.label()} at segment {a.ins_o}"
    return f"{a.label()} at segment {a.ins_o} (transaction set {a.tx.control})"


def _two_people(a: MemberView, b: MemberView, how: str) -> bool:
    sa, sb = _ssn(a), _ssn(b)
    return (
        different_people(a, b)
        or bool(sa and sb and sa != sb)
        or (how == FAMILY_NAME and (a.birth_ok != b.birth_ok or a.rel != b.rel))
    )


def _audit_beside_change(a: MemberView, b: MemberView) -> bool:
    return (a.maintenance == "030") != (b.maintenance == "030")


# ----------------------------------------------------------------------------------------------
@rule(
    "RULE-ID-ADDED-TWICE-CONFLICT",
    severity="error",
    title="The same member is added (INS03=021) twice with conflicting data",
    scope="file",
    uses=_USES,
    select=_choose,
    source="TR3 005010X220A1, 2000 INS03 (021 addition): one addition per member and "
    "enrollment; common practice: a repeated addition with other data cannot both be applied",
    fix="Keep one addition with the correct birth date, gender, relationship and plan, and "
    "remove the other member loop. The finding points at the first value the second addition "
    "disagrees on (DMG02, DMG03, INS02, then the plan's REF*CE or HD04).",
    elements=("DMG02", "DMG03", "INS02", "REF02", "HD04", "INS03"),
)
def added_twice_conflict(fv: FileView):
    for a, b, how in _pairs(fv):
        if different_people(a, b) or (how == FAMILY_NAME and _far_dates(a, b)):
            continue
        found = conflicting_adds(a, b)
        if found:
            at, element, value = conflict_at(a, b)
            yield Problem(
                at,
                element,
                value,
                f"This member is added (INS03=021) a second time: {_where(a, b)} adds the "
                f"person with {how}, but the two additions disagree ({'; '.join(found)}). "
                "Keep one addition with the correct data and remove the other.",
                member=b,
                extra={"first_member_pos": a.pos, "first_segment": a.ins_o},
            )


@rule(
    "RULE-ID-SAME-PERSON-TWICE",
    severity="warning",
    title="The same person is enrolled twice in one insurance line (other household, policy "
    "or plan, or added in two ST sets)",
    scope="file",
    uses=_USES,
    select=_choose,
    source="common practice: a person has one enrollment per insurance line with one payer "
    "(duplicate enrollments were the exchanges' most reported 834 defect); matched on SSN "
    "(NM108=34), else last + first name + birth date",
    fix="Remove the duplicate enrollment, or terminate (INS03/HD01 024 with an end date) the "
    "one that no longer applies.",
    elements=("INS01", "REF02", "NM109"),
)
def same_person_twice(fv: FileView):
    for a, b, how in _pairs(fv):
        if _two_people(a, b, how):
            continue
        if conflicting_adds(a, b):
            continue  # RULE-ID-ADDED-TWICE-CONFLICT
        if a.tx is b.tx and same_person(a, person_ids(a), b, person_ids(b)):
            continue  # RULE-DUP-MEMBER
        shared = a.lines & b.lines if a.lines and b.lines else set()
        if not shared or _audit_beside_change(a, b) or terminates(a) or terminates(b):
            continue
        why = _why_twice(a, b, shared)
        if why is None:
            continue
        ra = [_range(a, c) for c in a.coverages if c.line in shared]
        rb = [_range(b, c) for c in b.coverages if c.line in shared]
        known_a, known_b = [r for r in ra if r], [r for r in rb if r]
        if (
            known_a
            and known_b
            and len(known_a) == len(ra)
            and len(known_b) == len(rb)
            and not any(x[0] <= y[1] and y[0] <= x[1] for x in known_a for y in known_b)
        ):
            continue  # one enrollment after the other
        line = ", ".join(sorted(shared))
        yield Problem(
            b.ins_o,
            None,
            None,
            f"This person is already enrolled in {line}: {_where(a, b)} has {how} ({why}). "
            "A person has one enrollment per insurance line; remove the duplicate, or "
            "terminate the enrollment that no longer applies.",
            member=b,
            extra={"first_member_pos": a.pos, "first_segment": a.ins_o},
        )


def _why_twice(a: MemberView, b: MemberView, shared: set[str]) -> str | None:
    if a.sub_id != b.sub_id:
        return f"subscriber id {a.sub_id or 'none'} there, {b.sub_id or 'none'} here"
    pa, pb = a.policies, b.policies
    if pa and pb and not pa & pb:
        return f"policy {', '.join(sorted(pa))} there, {', '.join(sorted(pb))} here"
    plans_a = {c.line: _plan(c) for c in a.coverages if c.line in shared and _plan(c)}
    for c in b.coverages:
        p = _plan(c)
        if c.line in plans_a and p and p != plans_a[c.line]:
            return f"{c.line} plan {plans_a[c.line]} there, {p} here"
    if a.tx is not b.tx and a.maintenance == b.maintenance == "021":
        return f"added in transaction sets {a.tx.control} and {b.tx.control}"
    return None


@rule(
    "RULE-ID-COVERAGE-OVERLAP",
    severity="warning",
    title="Two coverage periods of the same insurance line overlap for one person",
    scope="file",
    uses=_USES,
    select=_choose,
    source="TR3 005010X220A1, 2300 DTP*348/349 (benefit begin, last covered day): one "
    "coverage per line at a time; common practice: a plan change ends the old coverage "
    "(349) the day before the new one begins (348)",
    fix="End the earlier coverage (DTP*349) the day before the later one begins, or correct "
    "the begin date (DTP*348) of the later one.",
    elements=("DTP03",),
)
def coverage_overlap(fv: FileView):
    one_plan = "exchange" in fv.ctx.profiles  # one QHP per line and person at a time
    for m in fv.members:
        if _overlaps_itself(m, one_plan):
            for ca, ra, cb, rb in _overlaps(m, m, one_plan):
                yield _overlap_problem(m, ca, ra, cb, rb, "this member's")
    for a, b, how in _pairs(fv):
        if _two_people(a, b, how):
            continue
        if _audit_beside_change(a, b) or not (terminates(a) or terminates(b)):
            continue  # active enrollments twice: RULE-ID-SAME-PERSON-TWICE / RULE-DUP-MEMBER
        for ca, ra, cb, rb in _overlaps(a, b):
            yield _overlap_problem(b, ca, ra, cb, rb, f"{_where(a, b)} and this member's")


def _overlap_problem(
    m: MemberView, ca: Coverage, ra: tuple, cb: Coverage, rb: tuple, whose: str
) -> Problem:
    o = cb.dates["348"][0]
    return Problem(
        o,
        "DTP03",
        cb.dates["348"][2],
        f"The {cb.line} coverage beginning {show_date(rb[0])} (HD at segment {cb.hd}) "
        f"overlaps the {ca.line} coverage {_period(ra)} (HD at segment {ca.hd}) in "
        f"{whose} loops: one person cannot have the same insurance line twice at once. End "
        "the earlier coverage (DTP*349) the day before the later one begins, or correct the "
        "begin date.",
        member=m,
        extra={"other_segment": ca.hd},
    )


@rule(
    "RULE-ID-SSN-SHARED",
    severity="warning",
    title="One SSN is carried by different people (other name and birth date)",
    scope="file",
    uses=_USES,
    select=_choose,
    source="TR3 005010X220A1, 2100A NM108/NM109 (34 = the member's own Social Security "
    "number); common practice: dependents sent with the subscriber's SSN",
    fix="Send each person's own SSN in NM109, or leave NM108/NM109 out when it is not known.",
    elements=("NM109",),
)
def ssn_shared(fv: FileView):
    for g in _groups(fv, "ssn"):
        first = g[0]
        for b in g[1:]:
            if different_people(first, b):
                yield Problem(
                    b.nm1_o or b.ins_o,
                    "NM109",
                    b.ssn,
                    f"The SSN {b.ssn} is also the SSN of {_where(first, b)}, a different "
                    f"person (another birth date, DMG02 at segment {first.dmg_o}; this "
                    f"member is born {show_date(b.birth_ok)}). Each person needs their own SSN: "
                    "correct "
                    "NM109, or leave NM108/NM109 out if it is not known.",
                    member=b,
                    extra={"first_member_pos": first.pos, "first_segment": first.ins_o},
                )


def _distinct(a: MemberView, b: MemberView) -> bool:
    sa, sb = _ssn(a), _ssn(b)
    return bool(sa and sb and sa != sb) or different_people(a, b)


def _ref(m: MemberView, q: str) -> tuple[int, str] | None:
    for rq, v, o in m.refs or ():
        if rq == q:
            return o, v
    return None


@rule(
    "RULE-ID-SUBSCRIBER-ID-SHARED",
    severity="error",
    title="Two different subscribers (INS01=Y) have the same subscriber id (REF*0F)",
    scope="file",
    uses=_USES,
    select=_choose,
    source="TR3 005010X220A1, 2000 REF*0F (subscriber identifier): the subscriber's own "
    "number, repeated on its dependents only",
    fix="Give each subscriber their own REF*0F, and use it on that subscriber's dependents.",
    elements=("REF02",),
)
def subscriber_id_shared(fv: FileView):
    for g in _groups(fv, "sub"):
        first = g[0]
        for b in g[1:]:
            if _distinct(first, b):
                found = _ref(b, "0F")
                o, v = found if found else (b.ins_o, b.sub_id)
                yield Problem(
                    o,
                    "REF02",
                    v,
                    f"The subscriber id {b.sub_id} (REF*0F) is also the id of "
                    f"{_where(first, b)}, another subscriber (other SSN, or other name and "
                    "birth date). Each subscriber needs their own REF*0F; correct it here "
                    "and on this subscriber's dependents.",
                    member=b,
                    extra={"first_member_pos": first.pos, "first_segment": first.ins_o},
                )


@rule(
    "RULE-ID-MEMBER-ID-SHARED",
    severity="error",
    profile="exchange",
    title="One exchange member id (REF*17) is used for different people",
    scope="file",
    uses=_USES,
    select=_choose,
    source="CMS FFE Enrollment Companion Guide for 834, 2000 REF*17 (exchange-assigned "
    "member id, one per person); outside exchanges REF*17 is a client reporting category "
    "that many members share, hence exchange profiles only",
    fix="Send each person's own exchange member id in REF*17.",
    elements=("REF02",),
)
def member_id_shared(fv: FileView):
    for k, g in _index(fv).items():
        if k[0] != "17":
            continue
        first = g[0]
        for b in g[1:]:
            if _distinct(first, b):
                o, v = next(
                    ((o, v) for q, v, o in b.refs or () if q == "17" and v.strip() == k[1]),
                    (b.ins_o, k[1]),
                )
                yield Problem(
                    o,
                    "REF02",
                    v,
                    f"The member id {k[1]} (REF*17) is also the id of {_where(first, b)}, "
                    "a different person (other SSN, or other name and birth date). Each "
                    "person has their own exchange member id; correct REF*17.",
                    member=b,
                    extra={"first_member_pos": first.pos, "first_segment": first.ins_o},
                )
