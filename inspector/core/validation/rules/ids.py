"""Identifier rules: SSN shape and validity, the same member sent twice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector.core.records.charset import ASCII_DIGITS, has_foreign_digit, is_digits
from inspector.core.records.dates import show_date
from inspector.core.validation.rules.base import FixEdit, Problem, fix_of, fixer, name_key, rule
from inspector.core.validation.rules.views import MemberView

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document

# Numbers the SSA says were never (validly) issued, beyond the area/group/serial rules.
_NEVER_ISSUED = {"078051120", "219099999"}
# 2000 REF qualifiers that identify one person (not a household, case or department).
PERSON_ID_QUALIFIERS = {"17", "23", "4A", "ABB", "F6", "Q4"}


def ssn_problem(v: str) -> tuple[str, str] | None:
    """(code, reason) when an SSN value is malformed or impossible, else None."""
    impossible, bad_format = "RULE-SSN-IMPOSSIBLE", "RULE-SSN-FORMAT"
    if len(v) == 9 and is_digits(v):
        area, group, serial = v[:3], v[3:5], v[5:]
        if area == "000" or area == "666" or area[0] == "9":
            return impossible, f"its area number {area} is never issued"
        if group == "00":
            return impossible, "its group number (digits 4-5) is 00, which is never issued"
        if serial == "0000":
            return impossible, "its serial number (last four digits) is 0000, never issued"
        if v in _NEVER_ISSUED:
            return impossible, "it is a well-known sample number that is not valid"
        return None
    if not v:
        return bad_format, "it is empty although NM108=34 says an SSN follows"
    if any(ch in "Xx*#" for ch in v):
        return bad_format, (
            "it looks masked (some digits are replaced by X or *); the file "
            "must carry the full nine-digit SSN"
        )
    if has_foreign_digit(v):
        return bad_format, "it holds a character that looks like a digit but is not one of 0-9"
    if any(ch.isalpha() for ch in v):
        return bad_format, "it contains letters; an SSN is nine digits"
    digits = "".join(ch for ch in v if ch in ASCII_DIGITS)
    if len(digits) == 9:
        return bad_format, f"it has punctuation or spaces; send the nine digits only ({digits})"
    if is_digits(v):
        lost = " (a leading zero may have been lost)" if len(v) == 8 else ""
        return bad_format, f"it has {len(v)} digits instead of 9{lost}"
    return bad_format, "it is not nine digits"


def ssn_problems(m: MemberView) -> list[tuple[int, str, str, str]]:
    """(ordinal, value, code, reason) for every bad SSN in the member's NM1s (computed once)."""

    def make() -> list[tuple[int, str, str, str]]:
        found = []
        for o, els in m.names:
            if len(els) > 8 and els[8] == "34":
                v = els[9] if len(els) > 9 else ""
                bad = ssn_problem(v)
                if bad:
                    found.append((o, v, bad[0], bad[1]))
        return found

    return m.cached("ssn", make)


def _ssn_rule(code: str):
    fix = (
        "Correct the SSN, or if it is not known send NM108/NM109 empty or "
        "use NM108=ZZ with the member id."
    )

    def check(m: MemberView):
        return [
            Problem(
                o,
                "NM109",
                v,
                f"The {'member' if o == m.nm1_o else 'person'}'s SSN in NM109 ({v}) is not "
                f"valid: {reason}. {fix}",
            )
            for o, v, c, reason in ssn_problems(m)
            if c == code
        ]

    return check


_SSN_FIX = (
    "Send the person's full nine-digit SSN in NM109, or leave NM108/NM109 out (or use "
    "NM108=ZZ with the member id) when it is not known."
)
rule(
    "RULE-SSN-FORMAT",
    severity="error",
    title="SSN (NM108=34) must be nine digits (no dashes, not masked)",
    source="TR3 005010X220A1, NM108 34 (Social Security number) with NM109 the number: "
    "nine digits, no punctuation",
    fix=_SSN_FIX,
    elements=("NM109",),
)(_ssn_rule("RULE-SSN-FORMAT"))


@fixer("RULE-SSN-FORMAT")
def fix_ssn_punctuation(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """``123-45-6789`` → ``123456789``: nine ASCII digits with only hyphens, periods or
    spaces between them; a masked, short or lettered SSN is not guessed."""
    v = f.value or ""
    digits = "".join(ch for ch in v if ch in ASCII_DIGITS)
    if len(digits) != 9 or any(ch not in ASCII_DIGITS and ch not in "-. " for ch in v):
        return "the SSN is not nine digits with punctuation; only the member's records can say"
    return fix_of(f, doc, "NM109", digits)


rule(
    "RULE-SSN-IMPOSSIBLE",
    severity="error",
    title="SSN has an area, group or serial number that is never issued",
    source="common practice: Social Security Administration numbering rules (area 000, 666 "
    "and 900-999, group 00 and serial 0000 are never issued)",
    fix=_SSN_FIX,
    elements=("NM109",),
)(_ssn_rule("RULE-SSN-IMPOSSIBLE"))


# ----------------------------------------------------------------------------------------------
def _keys(m: MemberView) -> list[tuple]:
    """Identity keys of a member: (sub id, person id), SSN, (name, birth date)."""
    keys: list[tuple] = []
    if m.sub_id:
        for q, v, _o in m.refs:
            if q in PERSON_ID_QUALIFIERS:
                v = v.strip()
                if v:
                    keys.append(("id", m.sub_id, q, v))
    nm1 = m.nm1
    if len(nm1) > 9 and nm1[8] == "34" and nm1[9] and not _bad_ssn(m):
        keys.append(("ssn", nm1[9]))
    dob = m.birth_ok
    if dob and len(nm1) > 4 and nm1[3] and nm1[4]:
        keys.append(("name", name_key(nm1[3]), name_key(nm1[4]), dob))
    return keys


def _bad_ssn(m: MemberView) -> bool:
    """The member's own SSN (2100A NM109) is malformed or impossible."""
    bad = ssn_problems(m)
    return bool(bad) and any(o == m.nm1_o for o, *_ in bad)


_Ids = tuple[tuple[str, str], ...]


def person_ids(m: MemberView) -> tuple[tuple[str, str], ...] | None:
    """The member's person ids as (REF qualifier, value) pairs (a tuple: kept per member)."""
    found = tuple((q, v.strip()) for q, v, _o in m.refs if q in PERSON_ID_QUALIFIERS and v.strip())
    return found or None


def terminates(m: MemberView) -> bool:
    return m.maintenance == "024" or (
        bool(m.coverages) and all(c.maintenance == "024" for c in m.coverages)
    )


def adds(m: MemberView) -> bool:
    return m.maintenance in ("021", "025") or any(
        c.maintenance in ("021", "025") for c in m.coverages
    )


def different_people(a: MemberView, b: MemberView) -> bool:
    """True when two members sharing an identifier are clearly two people: both birth dates
    are known and differ, and so do their last names, the first letters of their first names
    or their relationships (a parent and a child of the same name); a typo in a name or a date
    alone does not make another person."""
    da, db = a.birth_ok, b.birth_ok
    if not (da and db) or da == db:
        return False
    if a.rel and b.rel and a.rel != b.rel:
        return True
    la, lb = a.last_name, b.last_name
    if la and lb and la != lb:
        return True
    fa, fb = a.first_name, b.first_name
    return bool(fa and fb) and fa[0] != fb[0]


def gender(m: MemberView) -> str:
    """DMG03 (gender), "" when not sent or no longer kept."""
    dmg = m.dmg
    return dmg[3] if dmg and len(dmg) > 3 else ""


def _plans(m: MemberView) -> dict[str, str]:
    """Insurance line (HD03) -> plan (first REF*CE, else HD04) of the member's coverages."""
    return {
        c.line: (c.plan_ids[0] if c.plan_ids else c.plan).strip()
        for c in m.coverages
        if c.line and (c.plan_ids or c.plan.strip())
    }


def same_enrollment(a: MemberView, b: MemberView) -> bool:
    """The two member loops can be the same enrollment: an insurance line in common (or no
    lines) and REF*1L policy numbers that are not all different."""
    la, lb = a.lines, b.lines
    if la and lb and not la & lb:
        return False
    pa, pb = a.policies, b.policies
    return not (pa and pb and not pa & pb)


def add_conflicts(a: MemberView, b: MemberView) -> list[str]:
    """What two additions (INS03=021) of the same person disagree on: birth date, gender,
    relationship, plan of a line both add (descriptions for a message; empty: no conflict)."""
    found = []
    if a.birth_ok and b.birth_ok and a.birth_ok != b.birth_ok:
        # only this member's own date is quoted: masking knows the values of the member a
        # finding is about, not those of the other member
        found.append(
            f"birth date {show_date(b.birth_ok)} here, another in DMG02 at segment {a.dmg_o}"
        )
    ga, gb = gender(a), gender(b)
    if ga and gb and ga != gb:
        found.append(f"gender {ga} / {gb}")
    if a.rel and b.rel and a.rel != b.rel:
        found.append(f"relationship INS02 {a.rel} / {b.rel}")
    pa, pb = _plans(a), _plans(b)
    for line in sorted(pa.keys() & pb.keys()):
        if pa[line] != pb[line]:
            found.append(f"{line} plan {pa[line]} / {pb[line]}")
    return found


def conflict_at(a: MemberView, b: MemberView) -> tuple[int, str | None, str | None]:
    """Where in ``b`` the first thing :func:`add_conflicts` names sits: (segment ordinal,
    element, value) of its DMG02 (birth date), DMG03 (gender), INS02 (relationship) or the
    REF*CE / HD of the plan that differs; its INS when none of these can be placed."""
    if a.birth_ok and b.birth_ok and a.birth_ok != b.birth_ok and b.dmg_o:
        return b.dmg_o, "DMG02", b.birth_ok
    ga, gb = gender(a), gender(b)
    if ga and gb and ga != gb and b.dmg_o:
        return b.dmg_o, "DMG03", gb
    if a.rel and b.rel and a.rel != b.rel:
        return b.ins_o, "INS02", b.rel
    pa = _plans(a)
    for c in b.coverages:
        theirs = pa.get(c.line)
        mine = (c.plan_ids[0] if c.plan_ids else c.plan).strip()
        if theirs is not None and mine and mine != theirs:
            if c.plan_ids and c.contract_o:
                return c.contract_o, "REF02", c.contract
            return c.hd, "HD04", c.plan
    return b.ins_o, "INS03", b.maintenance


def conflicting_adds(a: MemberView, b: MemberView) -> list[str]:
    """:func:`add_conflicts` when both loops add (INS03=021) the same enrollment, else []
    (such pairs are RULE-ID-ADDED-TWICE-CONFLICT's, not RULE-DUP-MEMBER's)."""
    if a.maintenance == b.maintenance == "021" and same_enrollment(a, b):
        return add_conflicts(a, b)
    return []


def same_person(a: MemberView, ia: _Ids | None, b: MemberView, ib: _Ids | None) -> bool:
    """False when the two INS loops are clearly different people or different enrollments
    (``ia``/``ib``: their person ids, see :func:`person_ids`)."""
    if a.ssn and b.ssn and a.ssn != b.ssn:
        return False
    if different_people(a, b):
        return False
    if ia and ib:
        by_q = dict(ib)
        if any(q in by_q and by_q[q] != v for q, v in dict(ia).items()):
            return False
    if not same_enrollment(a, b):
        return False  # e.g. the same person's health and dental enrollments, two policies
    # end one enrollment, start another: not a duplicate
    return not ((terminates(a) and adds(b)) or (adds(a) and terminates(b)))


_KEY_TEXT = {
    "id": "same subscriber id and member id",
    "ssn": "same SSN",
    "name": "same name and date of birth",
}


@rule(
    "RULE-DUP-MEMBER",
    severity="error",
    title="The same member is sent twice in one transaction",
    source="TR3 005010X220A1, 2000 loop: one INS loop per member and enrollment in a "
    "transaction; matched on subscriber id + person id (REF*17/23/...), SSN, or name + birth "
    "date. Across ST sets, and for conflicting additions or different people, see the "
    "RULE-ID-* rules",
    fix="Remove the repeated member loop (from its INS to the segment before the next INS), "
    "or merge the two if they carry different data.",
    elements=("INS01",),
)
def duplicate_member(m: MemberView):
    hit = _earlier_duplicate(m)
    return None if hit is None else [_duplicate_problem(m, *hit)]


def _earlier_duplicate(m: MemberView) -> tuple[tuple, MemberView] | None:
    """(key, earlier member) of the first earlier member of the transaction that is the same
    person as ``m`` by one of its identity keys; notes ``m``'s keys for the members after it."""
    # Looks back only, so it runs per member (while the member is at hand) with the keys seen
    # so far in the transaction kept in the transaction's scratch space: key -> number of the
    # first member with it (the member itself is read again only when a key repeats).
    # The keys are kept as their hashes (a member's strings are not kept alive for the rest of
    # the transaction); a hit is the same person only if same_person() says so, and two keys
    # of one 64-bit hash are about as likely as 1 in 10^9 on a 150,000-key file.
    scratch = m.tx.scratch
    seen: dict[int, int] | None = scratch.get("dup-keys")
    if seen is None:
        seen = scratch["dup-keys"] = {}
    keys = _keys(m)
    if not keys:
        return None
    hit = None
    for k in keys:
        index = seen.get(hash(k))
        if index is None:
            continue
        earlier = m.tx.earlier(index)
        ids = person_ids(m)
        if same_person(earlier, person_ids(earlier), m, ids) and not conflicting_adds(earlier, m):
            hit = (k, earlier)
            break
    for k in keys:
        seen.setdefault(hash(k), m.index)
    return hit


def _duplicate_problem(m: MemberView, k: tuple, first: MemberView) -> Problem:
    # The message and extra say only what the first member is and which key it shares, so
    # every repeat of one member by one key gets the same two objects: a file that repeats a
    # family 37,000 times held 37,000 equal 340-byte messages and their dicts (~20 MB).
    # Kept in the transaction's scratch space by (first member, key).
    t = m.tx
    said: dict[tuple[int, tuple], tuple[str, dict]] | None = t.scratch.get("dup-said")
    if said is None:
        said = t.scratch["dup-said"] = {}
    known = said.get((first.index, k))
    if known is not None:
        return Problem(m.ins_o, None, None, known[0], extra=known[1])
    if k[0] == "id":
        how = f"same subscriber id {k[1]} and member id REF*{k[2]} {k[3]}"
    elif k[0] == "ssn":
        how = f"same SSN {k[1]}"
    else:
        name = t.ctx.decode(f"{k[2]} {k[1]}").title()
        how = f"same name {name} and birth date {show_date(k[3])}"
    message = (
        f"This member is already in transaction set {t.control}: {first.label()} at "
        f"segment {first.ins_o} has the {how}. Remove the repeated member loop (from this INS "
        "to the segment before the next INS), or merge the two if they carry different data."
    )
    extra = {"first_member_pos": first.pos, "first_segment": first.ins_o, "match": _KEY_TEXT[k[0]]}
    said[first.index, k] = (message, extra)
    return Problem(m.ins_o, None, None, message, extra=extra)
