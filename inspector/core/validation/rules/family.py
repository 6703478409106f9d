"""Family and consistency rules: subscriber/dependent links, coverage level, BGN08 versus INS03,
incomplete members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector.core.records.codes import COVERAGE_LEVEL, RELATIONSHIP
from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import FixEdit, Problem, fix_of, fixer, is_date, rule
from inspector.core.validation.rules.context import TransactionView
from inspector.core.validation.rules.views import MemberView

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document

# Coverage levels that say dependents are covered along with the subscriber.
_WITH_DEPENDENTS = {
    "FAM",
    "ESP",
    "ECH",
    "E1D",
    "E2D",
    "E3D",
    "E5D",
    "E6D",
    "E7D",
    "E8D",
    "E9D",
    "SPC",
    "TWO",
}
_ALONE = {"IND", "EMP"}
# Audit code; an empty code is an implementation-guide error, reported there.
_AUDIT = ("030", "")
# INS03 codes for which the subscriber's address is expected: additions (error) and full-file
# (audit) records (warning). Changes, terminations and reinstatements often omit it (the TR3's
# own reinstatement examples do).
_ADDRESS_EXPECTED = ("021", "030")


def _level(code: str) -> str:
    name = COVERAGE_LEVEL.get(code)
    return f"{code} ({name.lower()})" if name else code


@rule(
    "RULE-SUB-NOT-SELF",
    applies_to="subscribers",
    severity="error",
    title="A subscriber (INS01=Y) must have relationship INS02=18 (self)",
    source="TR3 005010X220A1, 2000 INS02 note: the subscriber's relationship is 18 (self)",
    fix="Set INS02 to 18, or INS01 to N if this person is a dependent.",
    elements=("INS02",),
)
def subscriber_not_self(m: MemberView):
    rel = m.rel
    if m.is_sub and rel != "18":
        meaning = RELATIONSHIP.get(rel, "unknown code")
        return [
            Problem(
                m.ins_o,
                "INS02",
                rel,
                f"This member is the subscriber (INS01=Y) but its "
                f"relationship INS02 is {rel or 'empty'} ({meaning}) instead of 18 (self). "
                "Set INS02 to 18, or INS01 to N if this person is a dependent.",
            )
        ]


@rule(
    "RULE-DEP-IS-SELF",
    applies_to="dependents",
    severity="warning",
    title="A dependent (INS01=N) with relationship INS02=18 (self)",
    source="TR3 005010X220A1, 2000 INS01/INS02: only the subscriber (INS01=Y) is 18 (self)",
    fix="Set INS01 to Y if this is the subscriber, or INS02 to the relationship to the "
    "subscriber (01 spouse, 19 child, ...).",
    elements=("INS01", "INS02"),
)
def dependent_is_self(m: MemberView):
    if m.ins_el(1) == "N" and m.rel == "18":
        return [
            Problem(
                m.ins_o,
                "INS02",
                "18",
                "This member is a dependent (INS01=N) but its "
                "relationship INS02 is 18 (self), which only the subscriber can have. Set "
                "INS01 to Y if this is the subscriber, or INS02 to the relationship to the "
                "subscriber (01 spouse, 19 child, ...).",
            )
        ]


def _ref0f(m: MemberView) -> int:
    return next((o for q, _v, o in m.refs if q == "0F"), m.ins_o)


def _ref0f_value(m: MemberView) -> str:
    """REF*0F as the file holds it (the latin-1 view a Problem's value is): ``m.sub_id`` comes
    decoded from the member table, and decoding it again broke UTF-8 files (found by fuzzing:
    a CJK letter in REF02 raised UnicodeEncodeError)."""
    return next((v for q, v, _o in m.refs if q == "0F"), m.sub_id)


def family_of(m: MemberView) -> MemberView | None:
    """The subscriber whose family block this member sits in (None when it is not clear).

    A subscriber is its own; a dependent with the same REF*0F as the last subscriber belongs
    to it; a dependent with another REF*0F belongs to it only when it directly follows that
    family (the previous member belongs to it) and shares its address (or, having no address
    of its own, its last name). Computed once per member, while the member is being read.
    """
    if m.is_sub:
        return m
    if m.family is not False:  # computed already (False = not yet)
        return m.family  # type: ignore[return-value]
    found = None
    head, prev = m.head, m.prev
    if head is not None and prev is not None and m.sub_id and head.sub_id:
        if m.sub_id == head.sub_id:
            found = head
        elif family_of(prev) is head:
            mine = m.address
            if (mine and mine == head.address) or (
                not mine and m.last_name and m.last_name == head.last_name
            ):
                found = head
    m.family = found
    return found


def belongs_elsewhere(m: MemberView) -> MemberView | None:
    """The subscriber whose family this dependent sits in, when its REF*0F says otherwise."""
    if m.is_sub or not m.sub_id:
        return None
    head = family_of(m)
    return head if head is not None and head.sub_id != m.sub_id else None


def _full_file(m: MemberView) -> bool:
    """The member is in a full file (every current member listed): the profile's
    ``file_kind``, else BGN08 4/RX or the member's own audit record (INS03=030)."""
    kind = m.tx.ctx.params.get("file_kind") or ""
    if kind:
        return kind == "full"
    return m.tx.full_file or m.maintenance == "030"


@rule(
    "RULE-DEP-NO-SUBSCRIBER",
    applies_to="dependents",
    severity="warning",
    title="Dependent whose subscriber (REF*0F) is not in a full file (or, where the partner "
    "requires it, not sent with the dependent)",
    params={"file_kind": "", "subscriber_with_dependents": False},
    source="TR3 005010X220A1, 2000 REF*0F note: a dependent carries its subscriber's "
    "identifier, and the subscriber's loop may have been sent in an earlier file, so a change "
    "file may add, change or cancel a dependent alone (the TR3's own add-dependent and "
    "cancel-dependent examples do); BGN08 4/RX (full file) lists every current member, so "
    "there a dependent without its subscriber is an orphan. Profile parameters: file_kind "
    '("full"/"change", default from BGN08) and subscriber_with_dependents (a partner that '
    "wants the subscriber's loop with every dependent)",
    fix="Repeat the subscriber's own REF*0F on the dependent, or add the subscriber's member "
    "loop (INS*Y) to the file.",
    elements=("REF02",),
)
def dependent_without_subscriber(m: MemberView):
    if (
        m.ins_el(1) != "N"
        or not m.sub_id
        or m.sub_id in m.tx.ctx.subscriber_ids
        or belongs_elsewhere(m) is not None
    ):
        return None
    if _full_file(m):
        why = (
            "This is a full file (BGN08 4 or RX, or an audit record INS03=030): it lists every "
            f"current member, but no subscriber with id {m.sub_id} (REF*0F) is in it."
        )
    elif m.tx.ctx.params.get("subscriber_with_dependents"):
        why = (
            "The trading partner wants the subscriber's member loop with every dependent "
            f"(profile: subscriber_with_dependents), but no subscriber with id {m.sub_id} "
            "(REF*0F) is in this file."
        )
    else:
        return None  # a change file may send a dependent of an enrollment sent earlier alone
    return [
        Problem(
            _ref0f(m),
            "REF02",
            _ref0f_value(m),
            f"{why} Check the dependent's REF*0F, which must repeat the subscriber's own REF*0F "
            "value, or add the subscriber's loop (INS*Y).",
        )
    ]


@rule(
    "RULE-DEP-REF0F-DIFFERS",
    applies_to="dependents",
    severity="warning",
    title="Dependent inside a family whose REF*0F differs from that subscriber's",
    source="TR3 005010X220A1, 2000 REF*0F note: every dependent repeats its subscriber's "
    "REF*0F; a family block (same address or last name, right after the subscriber) with "
    "another value is a keying error",
    fix="Send the subscriber's REF*0F (given in the message) on the dependent.",
    elements=("REF02",),
)
def dependent_ref0f_differs(m: MemberView):
    head = belongs_elsewhere(m)
    if head is not None:
        elsewhere = (
            "another subscriber in this file"
            if m.sub_id in m.tx.ctx.subscriber_ids
            else "no subscriber in this file"
        )
        return [
            Problem(
                _ref0f(m),
                "REF02",
                _ref0f_value(m),
                f"This dependent follows the family of "
                f"subscriber {head.sub_id} ({head.label()}) and shares its "
                f"{'address' if m.address else 'last name'}, but its REF*0F is {m.sub_id}, "
                f"which belongs to {elsewhere}. A dependent's REF*0F must be its "
                f"subscriber's id: probably {head.sub_id}.",
                extra={"expected": head.sub_id},
            )
        ]


@rule(
    "RULE-COVERAGE-LEVEL",
    severity="warning",
    scope="transaction",
    title="Subscriber's coverage level (HD05) does not fit the dependents in the file",
    source="TR3 005010X220A1, 2300 HD05 (coverage level) note: the subscriber's level "
    "includes the dependents enrolled in the coverage; a new or full-file family lists them",
    fix="Send the level that matches the enrolled dependents (IND/EMP alone, ESP, ECH, FAM, "
    "...), or add or move the dependents.",
    elements=("HD05",),
)
def coverage_level(t: TransactionView):
    for s in t.distinct_subscribers():
        if s.maintenance == "024" or not s.coverages or not s.sub_id:
            continue
        family = None
        for c in s.coverages:
            lvl = c.level
            if not lvl or c.maintenance == "024":
                continue
            if family is None:
                family = t.family(s)
            if lvl in _ALONE:
                covered = [
                    d
                    for d in family
                    if d.maintenance != "024"
                    and any(dc.line == c.line and dc.maintenance != "024" for dc in d.coverages)
                ]
                if covered:
                    yield Problem(
                        c.hd,
                        "HD05",
                        lvl,
                        f"The subscriber's {c.line or ''} coverage "
                        f"level is {_level(lvl)}, but {len(covered)} dependent(s) "
                        f"enrolled in the same coverage are in this file (first: "
                        f"{covered[0].label()}). Use a level that includes them (e.g. "
                        "ESP, ECH or FAM), or check whether they belong to another "
                        "subscriber.",
                        member=s,
                    )
            elif (
                lvl in _WITH_DEPENDENTS
                and not family
                and (
                    t.full_file
                    or c.maintenance == "030"
                    or (s.maintenance == "021" and c.maintenance == "021")
                )
            ):
                why = (
                    "this is a full file that lists every member"
                    if t.full_file or c.maintenance == "030"
                    else "the subscriber is a new enrollment"
                )
                yield Problem(
                    c.hd,
                    "HD05",
                    lvl,
                    f"The subscriber's {c.line or ''} coverage level "
                    f"is {_level(lvl)}, but no dependent of this subscriber (REF*0F "
                    f"{s.sub_id}) is in the file although {why}. Use IND or EMP if the "
                    "subscriber is covered alone, or add the dependents.",
                    member=s,
                )


@rule(
    "RULE-COVERAGE-LEVEL-DEPENDENT",
    applies_to="dependents",
    severity="warning",
    title="A dependent's coverage level (HD05) contradicts the subscriber's level for the line",
    source="TR3 005010X220A1, 2300 HD05 note: the coverage level belongs on the subscriber; "
    "a dependent that repeats the subscriber's level is harmless (common practice)",
    fix="Remove HD05 from the dependent's HD, or send the subscriber's level (e.g. FAM).",
    elements=("HD05",),
)
def coverage_level_on_dependent(m: MemberView):
    if not any(c.level for c in m.coverages):
        return None
    return list(_coverage_level_on_dependent(m))


def _coverage_level_on_dependent(m: MemberView):
    if m.ins_el(1) != "N" or not any(c.level for c in m.coverages):
        return
    head = family_of(m)
    if head is None or not head.coverages:
        return  # no subscriber to compare with (e.g. a dependent-only change)
    theirs = {c.line: c.level for c in head.coverages if c.level and c.maintenance != "024"}
    for c in m.coverages:
        lvl = c.level
        sub_level = theirs.get(c.line)
        if not lvl or not sub_level or lvl == sub_level or c.maintenance == "024":
            continue
        yield Problem(
            c.hd,
            "HD05",
            lvl,
            f"This dependent's {c.line or ''} coverage level is {_level(lvl)}, but the "
            f"subscriber ({head.label()}) has {_level(sub_level)} for the same line. The "
            "level belongs on the subscriber's HD: remove HD05 here, or send the "
            f"subscriber's level {sub_level}.",
            extra={"expected": sub_level},
        )


@fixer("RULE-COVERAGE-LEVEL-DEPENDENT")
def fix_dependent_level(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """The dependent's HD05 := the subscriber's level for the same line (as the rule found it)."""
    expected = f.extra.get("expected")
    if not isinstance(expected, str) or not expected:
        return "the finding does not name the subscriber's level; check the file again"
    return fix_of(f, doc, "HD05", expected)


# -- relationships against each other and against ages --------------------------------------------
#: INS02 codes of a child of the subscriber (natural, adopted, foster, step).
_CHILD = ("19", "09", "10", "17")
#: Children who cannot be older than the subscriber (natural, adopted, foster; grandchild).
_YOUNGER = ("19", "09", "10", "05")
#: NM101 codes of 2100F (custodial parent) and 2100G (responsible person).
_RESPONSIBLE = frozenset(
    ("S3", "6Y", "9K", "E1", "EI", "EXS", "GB", "GD", "J6", "LR", "QD", "S1", "TZ", "X4")
)


def age_on(birth: str, day: str) -> int:
    """Whole years from ``birth`` to ``day`` (both CCYYMMDD)."""
    return int(day[:4]) - int(birth[:4]) - (day[4:8] < birth[4:8])


def _ended(m: MemberView) -> bool:
    return m.maintenance == "024" or (
        bool(m.coverages) and all(c.maintenance == "024" for c in m.coverages)
    )


def _one_person(a: MemberView, b: MemberView) -> bool:
    """The same person in two loops (e.g. a separate dental enrollment)."""
    if a.ssn and a.ssn == b.ssn:
        return True
    return bool(a.birth_ok) and a.birth_ok == b.birth_ok and a.first_name == b.first_name


@rule(
    "RULE-FAM-SPOUSE-TWICE",
    severity="error",
    scope="transaction",
    title="More than one spouse (INS02=01) in one subscriber's family",
    source="TR3 005010X220A1, 2000 INS02 (01 spouse): a subscriber has one spouse; common "
    "practice: a second spouse is usually a child or ex-spouse (25) coded wrongly",
    fix="Correct the relationship INS02 of the member who is not the spouse (19 child, 25 "
    "ex-spouse, 53 life partner, ...), or terminate the former spouse.",
    elements=("INS02",),
)
def spouse_twice(t: TransactionView):
    for s in t.distinct_subscribers():
        if not s.sub_id:
            continue
        spouses: list[MemberView] = []
        for d in t.family(s):
            if d.rel != "01" or _ended(d) or any(_one_person(x, d) for x in spouses):
                continue
            spouses.append(d)
            if len(spouses) > 1:
                first = spouses[0]
                yield Problem(
                    d.ins_o,
                    "INS02",
                    "01",
                    f"Subscriber {s.sub_id} ({s.label()}) already has a spouse: "
                    f"{first.label()} at segment {first.ins_o} is also INS02=01. A "
                    "subscriber has one spouse; correct the relationship of the member who "
                    "is not the spouse (19 child, 25 ex-spouse, 53 life partner, ...).",
                    member=d,
                )


@rule(
    "RULE-FAM-CHILD-OLDER",
    severity="error",
    scope="transaction",
    title="A child or grandchild (INS02 19, 09, 10, 05) is older than the subscriber",
    source="common practice: a child is younger than the parent; a child older than the "
    "subscriber means the relationship (INS02) or a birth date (DMG02) is wrong, or the "
    "subscriber and the dependent are swapped",
    fix="Correct the relationship (INS02) or the birth date (DMG02); if the parent is the "
    "dependent, swap the subscriber and the dependent. The finding points at the child's "
    "birth date.",
    elements=("DMG02", "INS02"),
)
def child_older(t: TransactionView):
    for s in t.distinct_subscribers():
        sb = s.birth_ok
        if not sb or not s.sub_id:
            continue
        for d in t.family(s):
            if d.rel in _YOUNGER and d.birth_ok and d.birth_ok < sb and not _ended(d):
                yield Problem(
                    d.dmg_o or d.ins_o,
                    "DMG02" if d.dmg_o else "INS02",
                    d.birth_ok if d.dmg_o else d.rel,
                    f"This member is the subscriber's {RELATIONSHIP.get(d.rel, d.rel).lower()} "
                    f"(INS02={d.rel}) but is born {show_date(d.birth_ok)}, before the "
                    f"subscriber ({s.label()}, birth date in DMG02 at segment {s.dmg_o}). "
                    "Correct the relationship "
                    "or the birth date, or swap subscriber and dependent if the parent is the "
                    "dependent.",
                    member=d,
                )


#: INS02 codes of a parent of the subscriber (father or mother, stepparent).
_PARENT = ("03", "16")


@rule(
    "RULE-FAM-CHILD-AS-SUBSCRIBER",
    severity="error",
    scope="transaction",
    title="A minor is the subscriber and an adult in the family is coded as the subscriber's "
    "parent (INS02 03, 16): child and parent swapped",
    source="TR3 005010X220A1, 2000 INS01 (Y subscriber) and INS02 (18 self; 03 father or "
    "mother, 16 stepparent, seen from the subscriber); common practice: a parent enrolled "
    "with a minor child is the subscriber (a child-only enrollment has no parent in it); a "
    "child coded as the subscriber is a known exchange 834 error",
    fix="Make the parent the subscriber (INS01=Y, INS02=18, its own REF*0F on every member) "
    "and the child a dependent (INS01=N, INS02=19), or correct the birth dates.",
    elements=("INS01", "INS02"),
)
def child_as_subscriber(t: TransactionView):
    day = t.file_date
    for s in t.distinct_subscribers():
        sb = s.birth_ok
        if not sb or not s.sub_id or _ended(s) or age_on(sb, day) >= 18:
            continue
        for d in t.family(s):
            if d.rel not in _PARENT or not d.birth_ok or _ended(d):
                continue
            if d.birth_ok >= sb or age_on(d.birth_ok, day) < 18:
                continue  # not an adult older than the subscriber (RULE-FAM-CHILD-OLDER ...)
            what = RELATIONSHIP.get(d.rel, d.rel).lower()
            yield Problem(
                s.ins_o,
                "INS01",
                "Y",
                f"The subscriber is {age_on(sb, day)} on {show_date(day)} (born "
                f"{show_date(sb)}) and {d.label()} at segment {d.ins_o}, an adult, is coded "
                f"as the subscriber's {what} (INS02={d.rel}): the child and the parent seem "
                "swapped. Make the parent the subscriber (INS01=Y, INS02=18) and the child a "
                "dependent (INS01=N, INS02=19), or correct the birth dates.",
                member=s,
            )
            break


#: Under this age (on the file's date) a spouse or life partner is certainly a child coded as
#: one: no US state allows marriage below 15 (most set 18), and a domestic partner is an adult.
SPOUSE_MIN_AGE = 15


@rule(
    "RULE-FAM-SPOUSE-MINOR",
    severity="error",
    applies_to="dependents",
    title="A spouse or life partner (INS02 01, 53) is a child by birth date",
    source="common practice: a spouse or domestic partner is an adult (no US state allows "
    "marriage under 15); a young child coded as a spouse is the exchanges' known 'daughter "
    "coded as a wife' error",
    fix="Set INS02 to the member's real relationship (19 child, 17 stepchild, ...) and check "
    "the subscriber's coverage level, or correct the birth date (DMG02).",
    elements=("INS02", "DMG02"),
)
def spouse_minor(m: MemberView):
    if m.rel not in ("01", "53") or not m.birth_ok:
        return None
    age = age_on(m.birth_ok, m.tx.file_date)
    if age >= SPOUSE_MIN_AGE:
        return None
    what = "spouse" if m.rel == "01" else "life partner"
    return [
        Problem(
            m.ins_o,
            "INS02",
            m.rel,
            f"This member is coded as the subscriber's {what} (INS02={m.rel}) but is {age} "
            f"years old (born {show_date(m.birth_ok)}). A child is coded as a {what}: set "
            "INS02 to the real relationship (19 child, 17 stepchild, ...), or correct the "
            "birth date in DMG02.",
        )
    ]


def _begin(m: MemberView) -> str:
    """The earliest valid benefit begin (2300 DTP*348) of the member's coverages, or ""."""
    found = ""
    for c in m.coverages:
        d = c.dates.get("348")
        if (
            d is not None
            and (not found or d[2] < found)
            and c.maintenance != "024"
            and is_date(d[2])
        ):
            found = d[2]
    return found


_LIMIT_DAY: dict[tuple[str, int], str] = {}


def _limit_birth(day: str, limit: int) -> str:
    """The latest birth date of someone who is ``limit`` years old on ``day`` (CCYYMMDD)."""
    key = (day, limit)
    found = _LIMIT_DAY.get(key)
    if found is None:
        found = f"{int(day[:4]) - limit:04d}{day[4:]}"
        if len(_LIMIT_DAY) < 10_000:
            _LIMIT_DAY[key] = found
    return found


@rule(
    "RULE-FAM-CHILD-OVER-AGE",
    applies_to="dependents",
    severity="warning",
    title="A child dependent is at or over the dependent age limit on the coverage begin date "
    "without student (INS09) or handicap (INS10) status",
    params={"dependent_age_limit": 26},
    source="TR3 005010X220A1, 2000 INS09 (student status F/P) and INS10 (handicap indicator "
    "Y), the indicators that keep an over-age child covered; ACA: children are covered up "
    "to age 26 (dependent_age_limit)",
    fix="Terminate the child's coverage at the limit, or send INS09=F/P (student) or INS10=Y "
    "(handicapped) when the plan keeps the child covered for that reason.",
    elements=("DMG02", "INS09", "INS10"),
)
def child_over_age(m: MemberView):
    if m.rel not in _CHILD or not m.birth_ok:
        return None
    return list(_child_over_age(m))


def _child_over_age(m: MemberView):
    if m.rel not in _CHILD or not m.birth_ok or _ended(m):
        return
    limit = m.tx.ctx.params["dependent_age_limit"]
    if not limit or m.ins_el(9) in ("F", "P") or m.ins_el(10) == "Y":
        return
    day = _begin(m) or m.tx.file_date
    if m.birth_ok <= _limit_birth(day, int(limit)):  # at or over the limit on that day
        age = age_on(m.birth_ok, day)
        on = "the coverage begin date" if day != m.tx.file_date else "the file date"
        yield Problem(
            m.dmg_o,
            "DMG02",
            m.birth_ok,
            f"This child (INS02={m.rel}) is {age} on {on} {show_date(day)} (born "
            f"{show_date(m.birth_ok)}), at or over the dependent age limit of {limit}, and "
            "neither INS09 (student) nor INS10 (handicapped) says why the child stays "
            "covered. Terminate the coverage at the limit, or send INS09=F/P or INS10=Y.",
        )


@rule(
    "RULE-FAM-MINOR-NO-RESPONSIBLE",
    applies_to="subscribers",
    severity="warning",
    profile="exchange",
    title="A subscriber under 18 without a responsible person (2100G) or custodial parent (2100F)",
    source="TR3 005010X220A1, loops 2100F (custodial parent, NM1*S3) and 2100G (responsible "
    "person, NM1*QD/S1/GD/E1/...): the adult responsible for a minor member; exchanges send "
    "one for a child-only enrollment. Not a base rule: Medicaid files (e.g. eMedNY) make "
    "every recipient, child or not, a subscriber without 2100G",
    fix="Add the responsible person (NM1*QD, or S1 parent / GD guardian, with N3/N4) after "
    "the member's 2100A-2100E loops, or correct the birth date.",
    elements=("DMG02",),
)
def minor_without_responsible(m: MemberView):
    if not m.is_sub or not m.birth_ok or _ended(m):
        return
    day = m.tx.file_date
    age = age_on(m.birth_ok, day)
    if age >= 18 or any(len(els) > 1 and els[1] in _RESPONSIBLE for _o, els in m.names):
        return
    yield Problem(
        m.dmg_o,
        "DMG02",
        m.birth_ok,
        f"The subscriber is {age} on {show_date(day)} (born {show_date(m.birth_ok)}), a "
        "minor, but the member has no responsible person (2100G NM1*QD, S1, GD, ...) or "
        "custodial parent (2100F NM1*S3). Add the adult responsible for the minor, or correct "
        "the birth date.",
    )


def _plan_of(c) -> str:
    return (c.plan_ids[0] if c.plan_ids else c.plan).strip()


@rule(
    "RULE-FAM-PLAN-DIFFERS",
    severity="error",
    profile="exchange",
    scope="transaction",
    title="A dependent's plan (REF*CE / HD04) or policy (REF*1L) differs from the "
    "subscriber's (one plan per enrollment group)",
    params={"one_plan_per_group": False},
    source="CMS FFE Enrollment Companion Guide for 834: one QHP (REF*CE plan id) and one "
    "policy (REF*1L) per enrollment group; only when the profile sets one_plan_per_group",
    fix="Send the dependent the subscriber's plan and policy for that insurance line, or "
    "enroll the dependent as its own enrollment group (its own subscriber).",
    elements=("REF02", "HD04"),
)
def plan_differs(t: TransactionView):
    if not t.ctx.params.get("one_plan_per_group"):
        return
    for s in t.subscribers:
        if not s.sub_id or _ended(s):
            continue
        mine = {c.line: c for c in s.coverages if c.line and c.maintenance != "024"}
        if not mine:
            continue
        for d in t.dependents.get(s.sub_id, ()):
            if _ended(d):
                continue
            for c in d.coverages:
                sc = mine.get(c.line)
                if sc is None or c.maintenance == "024":
                    continue
                pd, ps = _plan_of(c), _plan_of(sc)
                if pd and ps and pd != ps:
                    what = f"plan {pd}, the subscriber's is {ps}"
                elif c.policies and sc.policies and not set(c.policies) & set(sc.policies):
                    what = (
                        f"policy {', '.join(c.policies)}, the subscriber's is "
                        f"{', '.join(sc.policies)}"
                    )
                else:
                    continue
                yield Problem(
                    c.hd,
                    None,
                    None,
                    f"This dependent's {c.line} coverage has {what} (subscriber {s.sub_id}, "
                    f"{s.label()}). An enrollment group has one plan and one policy per line; "
                    "send the subscriber's plan and policy, or enroll the dependent as its own "
                    "group.",
                    member=d,
                )


_BGN_TITLE = "BGN08 (change/verify/replace) disagrees with the members' INS03/HD01"


@rule(
    "RULE-BGN-ACTION-MISMATCH",
    severity="warning",
    title=_BGN_TITLE,
    source="TR3 005010X220A1, BGN08 (2 change, 4 verify, RX replace) and 2000 INS03 / 2300 "
    "HD01: a full file (4/RX) sends 030, a change file the change codes",
    fix="Make BGN08 match the members: 2 for changes (001/021/024/025), 4 or RX for a full "
    "file with INS03 (and for 4 HD01) 030.",
    elements=("BGN08", "INS03", "HD01"),
)
def bgn_action_member(m: MemberView):
    """Collect the members that disagree with BGN08; the transaction part reports once."""
    action = m.tx.action
    if action == "2":  # a change file must not carry audit codes
        bad = m.maintenance == "030" or any(c.maintenance == "030" for c in m.coverages)
    elif action == "4":  # verify: INS03 and HD01 are 030
        bad = m.maintenance not in _AUDIT or any(c.maintenance not in _AUDIT for c in m.coverages)
    elif action == "RX":  # replace: INS03 is 030
        bad = m.maintenance not in _AUDIT
    else:
        return None
    if bad:  # the first member, the positions of the first 100, how many
        found = m.tx.scratch.get("bgn-bad")
        if found is None:
            m.tx.scratch["bgn-bad"] = found = [m, [], 0]
        if len(found[1]) < 100:
            found[1].append(m.pos)
        found[2] += 1
    return None


@rule(
    "RULE-BGN-ACTION-MISMATCH",
    severity="warning",
    scope="transaction",
    title=_BGN_TITLE,
    header=True,
)
def bgn_action_mismatch(t: TransactionView):
    action, o = t.action, t.bgn_segment
    first, positions, bad = t.scratch.get("bgn-bad", (None, [], 0))
    if not o or not bad:
        return
    count = f"{bad} member(s)" if bad > 1 else "1 member"
    if action == "2":
        msg = (
            f"BGN08 is 2 (change file) but {count} use maintenance type 030 (audit or compare), "
            f"which belongs in a full file; first: {first.label()} at segment {first.ins_o}. "
            "Use BGN08=4 (verify) or RX (replace) for a full file, or the change codes "
            "001/021/024/025 for an update."
        )
    else:
        kind = "4 (verify/audit" if action == "4" else "RX (replace"
        what = "INS03 and HD01" if action == "4" else "INS03"
        msg = (
            f"BGN08 is {kind} file) but {count} have {what} other than 030; first: "
            f"{first.label()} at segment {first.ins_o} (INS03={first.maintenance or 'empty'}). "
            f"A full file sends every member with {what}=030; for adds and terminations use "
            "BGN08=2 (change)."
        )
    yield Problem(o, "BGN08", action, msg, extra={"members": positions, "count": bad})


@rule(
    "RULE-SUB-NO-ADDRESS",
    applies_to="subscribers",
    severity="warning",
    also=("error",),
    title="Subscriber added (error) or in a full-file audit record (warning) without N3/N4 "
    "address in 2100A",
    source="TR3 005010X220A1, 2100A N3/N4 (member residence) notes: required for the "
    "subscriber when the address is first sent (an addition) and in full-file records",
    fix="Add N3 (street) and N4 (city, state, ZIP) after the subscriber's NM1*IL (and PER).",
    elements=("N301", "N401"),
)
def subscriber_without_address(m: MemberView):
    if m.maintenance not in _ADDRESS_EXPECTED or (m.n3 is not None and m.n4 is not None):
        return None
    missing = (
        "N3 (street) and N4 (city, state, ZIP)"
        if m.n3 is None and m.n4 is None
        else "N3 (street)"
        if m.n3 is None
        else "N4 (city, state, ZIP)"
    )
    add = m.maintenance == "021"
    need = "A new enrollment needs" if add else "Send"
    return [
        Problem(
            m.nm1_o or m.ins_o,
            None,
            None,
            f"The subscriber has no {missing} in the member name loop 2100A. {need} the "
            "residential address: add the address segments after the NM1*IL (and PER) "
            "segment.",
            severity="error" if add else None,
        )
    ]


@rule(
    "RULE-ADD-NO-COVERAGE",
    severity="warning",
    title="Member added (INS03=021) without any 2300 coverage loop",
    source="common practice: an addition enrols the member in at least one coverage (2300 "
    "HD loop); TR3 005010X220A1 2300 loop",
    fix="Add the coverage the member enrols in (HD*021, DTP*348 and the plan references).",
    elements=("INS03",),
)
def add_without_coverage(m: MemberView):
    if m.maintenance == "021" and not m.coverages:
        return [
            Problem(
                m.ins_o,
                "INS03",
                "021",
                "This member is an addition (INS03=021) but has "
                "no coverage: there is no HD segment (loop 2300). Add the health coverage "
                "the member enrols in (HD*021, DTP*348 and the plan references).",
            )
        ]
