"""Pairs of FICTITIOUS 834 files (OLD, NEW) with known differences, and their manifest.

Both files come from one :func:`tests.support.synthetic.generate_834` file (everything in it is
invented); NEW is OLD with planted differences, each in its own family or member:

- ``added``: families only in NEW; ``dropped``: families only in OLD
- ``terminated``: NEW sends INS03/HD01 024 with an end date after the begin date;
  ``cancelled``: the same with the end date equal to the begin date
- ``changed``: one field of one member each (address, city, ZIP, gender, APTC and premium
  amounts, relationship, plan, coverage begin date, coverage level, a dental coverage added or
  removed, a new member id found again by SSN, new member id and SSN found again by name +
  birth date)
- ``identity_changed``: same ids, another SSN or birth date; ``id_swap``: two children of one
  family exchange member ids (each id now points at the other child: identity changed twice)
- ``duplicated``: a member sent twice in NEW (both copies match the one in OLD)

With ``audit=True`` NEW is a full file (BGN08 4, INS03/HD01 030): the dropped families are
"not in the audit file", the added ones "only in the audit file", and no terminations are planted.

The manifest lists every result row compare must report other than unchanged
(``members``: category, subscriber_id, member_id) and every field difference of the ``changed``
members (``changes``: subscriber_id, member_id, level, coverage, field, old, new as the X12
values). Command line::

    python -m tests.support.synthetic_pairs --members 2000 --out DIR [--seed N] [--count 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.synthetic import generate_834

SEP = "~\n"
E = "*"
END_DATE = "20270331"


@dataclass
class _Member:
    segs: list[str]

    def find(self, prefix: str, start: int = 0) -> int:
        for i in range(start, len(self.segs)):
            if self.segs[i].startswith(prefix):
                return i
        raise LookupError(prefix)

    def has(self, prefix: str) -> bool:
        return any(s.startswith(prefix) for s in self.segs)

    def get(self, prefix: str, pos: int) -> str:
        els = self.segs[self.find(prefix)].split(E)
        return els[pos] if len(els) > pos else ""

    def set(self, prefix: str, pos: int, value: str, start: int = 0) -> str:
        i = self.find(prefix, start)
        els = self.segs[i].split(E)
        while len(els) <= pos:
            els.append("")
        old = els[pos]
        els[pos] = value
        self.segs[i] = E.join(els).rstrip(E)
        return old

    @property
    def sid(self) -> str:
        return self.get("REF*0F*", 2)

    @property
    def mid(self) -> str:
        return self.get("REF*17*", 2)

    @property
    def is_sub(self) -> bool:
        return self.segs[0].startswith("INS*Y*")

    def copy(self) -> _Member:
        return _Member(list(self.segs))


@dataclass
class Pair:
    old: str
    new: str
    manifest: dict[str, Any] = field(default_factory=dict)


def _parse(text: str) -> tuple[list[str], list[list[_Member]], list[str]]:
    segs = [s for s in text.split(SEP) if s]
    first = next(i for i, s in enumerate(segs) if s.startswith("INS*"))
    last = next(i for i in range(len(segs) - 1, -1, -1) if segs[i].startswith("SE*"))
    head, body, tail = segs[:first], segs[first:last], segs[last:]
    members: list[_Member] = []
    for s in body:
        if s.startswith("INS*"):
            members.append(_Member([]))
        members[-1].segs.append(s)
    families: list[list[_Member]] = []
    for m in members:
        if not families or families[-1][0].sid != m.sid:
            families.append([])
        families[-1].append(m)
    return head, families, tail


def _render(head: list[str], families: list[list[_Member]], tail: list[str], audit: bool) -> str:
    members = [m for fam in families for m in fam]
    body = [s for m in members for s in m.segs]
    subs = sum(1 for m in members if m.is_sub)
    out_head = []
    for s in head:
        if s.startswith("QTY*TO*"):
            s = f"QTY*TO*{len(members)}"
        elif s.startswith("QTY*ET*"):
            s = f"QTY*ET*{subs}"
        elif s.startswith("QTY*DT*"):
            s = f"QTY*DT*{len(members) - subs}"
        elif s.startswith("BGN*") and audit:
            els = s.split(E)
            els[8] = "4"
            s = E.join(els)
        out_head.append(s)
    st = next(i for i, s in enumerate(out_head) if s.startswith("ST*"))
    count = len(out_head) - st + len(body) + 1
    se = tail[0].split(E)
    se[1] = str(count)
    return SEP.join([*out_head, *body, E.join(se), *tail[1:]]) + SEP


def _terminate(m: _Member, end: str) -> None:
    m.set("INS*", 3, "024")
    m.set("INS*", 4, "07")
    i = m.find("DTP*356*")
    m.segs.insert(i + 1, f"DTP*357*D8*{end}")
    k = 0
    while True:
        try:
            k = m.find("HD*", k)
        except LookupError:
            break
        m.set("HD*", 1, "024", k)
        j = m.find("DTP*348*", k)
        m.segs.insert(j + 1, f"DTP*349*D8*{end}")
        k = j + 2


def _to_audit(m: _Member) -> None:
    m.set("INS*", 3, "030")
    m.set("INS*", 4, "XN")
    k = 0
    while True:
        try:
            k = m.find("HD*", k)
        except LookupError:
            return
        m.set("HD*", 1, "030", k)
        k += 1


def _dental_block(m: _Member) -> tuple[int, int] | None:
    try:
        i = m.find("HD*")
        i = m.find("HD*", i + 1)
    except LookupError:
        return None
    j = i + 1
    while not m.segs[j].startswith(("HD*", "LS*", "LE*")):
        j += 1
    return i, j


class _Planter:
    """Plants the differences into copies of the families and writes the manifest."""

    def __init__(self, families: list[list[_Member]], rng: random.Random, audit: bool) -> None:
        self.rng = rng
        self.audit = audit
        self.old = families
        self.new = [[m.copy() for m in fam] for fam in families]
        self.free = list(range(len(families)))
        rng.shuffle(self.free)
        self.drop_from_new: set[int] = set()
        self.drop_from_old: set[int] = set()
        self.rows: list[dict[str, str]] = []
        self.changes: list[dict[str, str]] = []
        self.taken: set[str] | None = None

    def take(self, want) -> int:
        for k, f in enumerate(self.free):
            if want(self.old[f]):
                return self.free.pop(k)
        raise ValueError("not enough families for the planted differences; use more members")

    def row(self, category: str, m: _Member) -> None:
        self.rows.append({"category": category, "subscriber_id": m.sid, "member_id": m.mid})

    def change(self, m: _Member, level: str, coverage: str, name: str, old: str, new: str) -> None:
        self.changes.append(
            {
                "subscriber_id": m.sid,
                "member_id": m.mid,
                "level": level,
                "coverage": coverage,
                "field": name,
                "old": old,
                "new": new,
            }
        )

    # -- whole families ---------------------------------------------------------------------
    def added(self) -> None:
        f = self.take(lambda fam: True)
        self.drop_from_old.add(f)
        for m in self.new[f]:
            self.row("only_in_audit" if self.audit else "added", m)

    def dropped(self) -> None:
        f = self.take(lambda fam: True)
        self.drop_from_new.add(f)
        for m in self.old[f]:
            self.row("not_in_audit" if self.audit else "dropped", m)

    def terminated(self, cancel: bool) -> None:
        f = self.take(lambda fam: True)
        for m in self.new[f]:
            _terminate(m, m.get("DTP*356*", 3) if cancel else END_DATE)
            self.row("cancelled" if cancel else "terminated", m)

    def duplicated(self) -> None:
        f = self.take(lambda fam: len(fam) == 1)
        self.new[f].append(self.new[f][0].copy())
        self.row("duplicated", self.new[f][0])
        self.row("duplicated", self.new[f][0])

    def id_swap(self) -> None:
        f = self.take(lambda fam: sum(1 for m in fam if m.segs[0].startswith("INS*N*19*")) >= 2)
        a, b = [m for m in self.new[f] if m.segs[0].startswith("INS*N*19*")][:2]
        ida, idb = a.mid, b.mid
        a.set("REF*17*", 2, idb)
        b.set("REF*17*", 2, ida)
        self.row("identity_changed", a)
        self.row("identity_changed", b)

    def identity(self, what: str) -> None:
        f = self.take(lambda fam: True)
        m = self.new[f][0]
        if what == "ssn":
            m.set("NM1*IL*", 9, self.fresh_ssn())
        else:
            m.set("DMG*", 2, "19700707" if m.get("DMG*", 2) != "19700707" else "19700708")
        self.row("identity_changed", m)

    # -- one field of one member ------------------------------------------------------------
    def changed(self, kind: str) -> None:
        want = _CHANGE_NEEDS.get(kind, lambda fam: True)
        f = self.take(want)
        m = self.new[f][0]
        if kind == "relationship":
            m = next(x for x in self.new[f] if x.segs[0].startswith("INS*N*19*"))
            m.set("INS*", 2, "17")
            self.change(m, "member", "", "relationship", "19", "17")
        elif kind in _MEMBER_EDITS:
            prefix, pos, name, new = _MEMBER_EDITS[kind]
            old = m.get(prefix, pos)
            new = new(old)
            m.set(prefix, pos, new)
            self.change(m, "member", "", name, old, new)
        elif kind in ("aptc", "premium"):
            name = "APTC AMT" if kind == "aptc" else "PRE AMT 1"
            i = m.find(f"N1*75*{name}") + 1
            old = m.segs[i].split(E)[2]
            new = f"{float(old) + 12.34:.2f}"
            m.segs[i] = E.join([*m.segs[i].split(E)[:2], new])
            self.change(m, "member", "", name, old, new)
        elif kind in _COVERAGE_EDITS:
            prefix, pos, name, new = _COVERAGE_EDITS[kind]
            start = m.find("HD*")
            old = (
                m.get(prefix, pos)
                if prefix == "HD*"
                else m.segs[m.find(prefix, start)].split(E)[pos]
            )
            m.set(prefix, pos, new(old), start)
            self.change(m, "coverage", "HLT", name, old, new(old))
        else:
            self._coverage_or_keys(kind, f, m)
        self.row("changed", m)

    def _coverage_or_keys(self, kind: str, f: int, m: _Member) -> None:
        if kind == "dental_removed":
            i, j = _dental_block(m)  # type: ignore[misc]
            plan = m.segs[i].split(E)[4]
            del m.segs[i:j]
            self.change(m, "coverage", "DEN", "coverage", plan, "")
        elif kind == "dental_added":
            old = self.old[f][0].copy()
            i, j = _dental_block(old)  # type: ignore[misc]
            plan = old.segs[i].split(E)[4]
            del old.segs[i:j]
            self.old[f] = [old, *self.old[f][1:]]
            self.change(m, "coverage", "DEN", "coverage", "", plan)
        elif kind == "member_id":
            old = m.mid
            new = f"9{old[1:]}"
            m.set("REF*17*", 2, new)
            self.change(m, "member", "", "member_id", old, new)
        elif kind == "ssn_and_member_id":
            old_id, old_ssn = m.mid, m.get("NM1*IL*", 9)
            new_id, new_ssn = f"8{old_id[1:]}", self.fresh_ssn()
            m.set("REF*17*", 2, new_id)
            m.set("NM1*IL*", 9, new_ssn)
            self.change(m, "member", "", "ssn", old_ssn, new_ssn)
            self.change(m, "member", "", "member_id", old_id, new_id)
        else:
            raise ValueError(kind)

    def fresh_ssn(self) -> str:
        if self.taken is None:
            self.taken = {m.get("NM1*IL*", 9) for fam in self.old for m in fam}
        taken = self.taken
        while True:
            ssn = f"{self.rng.randint(100, 665)}{self.rng.randint(10, 99)}{self.rng.randint(1000, 9999)}"
            if ssn not in taken:
                taken.add(ssn)
                return ssn


def _street(old: str) -> str:
    return "4321 CHANGED AVE" if old != "4321 CHANGED AVE" else "4322 CHANGED AVE"


#: kind -> (segment prefix, element, field name, new value from old)
_MEMBER_EDITS = {
    "address": ("N3*", 1, "address1", _street),
    "city": ("N4*", 1, "city", lambda old: "SAMPLEVILLE"),
    "zip": ("N4*", 3, "zip", lambda old: "00" + old[2:] if old[:2] != "00" else "01" + old[2:]),
    "gender": ("DMG*", 3, "gender", lambda old: "F" if old == "M" else "M"),
}
_COVERAGE_EDITS = {
    "plan": (
        "HD*",
        4,
        "plan",
        lambda old: "SAMPLE GOLD 250" if old != "SAMPLE GOLD 250" else "SAMPLE GOLD 300",
    ),
    "coverage_begin": ("DTP*348*", 3, "benefit_begin", lambda old: "20270215"),
    "coverage_level": ("HD*", 5, "coverage_level", lambda old: "EMP"),
}
_CHANGE_NEEDS = {
    "relationship": lambda fam: any(m.segs[0].startswith("INS*N*19*") for m in fam),
    "coverage_level": lambda fam: len(fam) > 1,
    "dental_removed": lambda fam: _dental_block(fam[0]) is not None,
    "dental_added": lambda fam: _dental_block(fam[0]) is not None,
}
CHANGE_KINDS = (
    "address",
    "city",
    "zip",
    "gender",
    "aptc",
    "premium",
    "relationship",
    "plan",
    "coverage_begin",
    "coverage_level",
    "dental_removed",
    "dental_added",
    "member_id",
    "ssn_and_member_id",
)


def generate_pair(
    members: int = 400, *, seed: int = 14, count: int = 2, audit: bool = False
) -> Pair:
    """OLD and NEW 834 texts from one synthetic file of ``members`` INS loops, with ``count``
    planted differences of every kind, and the manifest of what compare must find."""
    head, families, tail = _parse(generate_834(members, seed=seed))
    rng = random.Random(f"pairs:{seed}")
    p = _Planter(families, rng, audit)
    for _ in range(count):
        p.added()
        p.dropped()
        if not audit:
            p.terminated(cancel=False)
            p.terminated(cancel=True)
        p.duplicated()
        p.id_swap()
        p.identity("ssn")
        p.identity("birth_date")
        for kind in CHANGE_KINDS:
            p.changed(kind)
    if audit:
        for fam in p.new:
            for m in fam:
                _to_audit(m)
    old_fams = [fam for k, fam in enumerate(p.old) if k not in p.drop_from_old]
    new_fams = [fam for k, fam in enumerate(p.new) if k not in p.drop_from_new]
    old_n = sum(len(f) for f in old_fams)
    new_n = sum(len(f) for f in new_fams)
    manifest = {
        "generator": "tests.support.synthetic_pairs",
        "note": "Fictitious data: every name, SSN and id is invented.",
        "seed": seed,
        "count": count,
        "audit": audit,
        "old_members": old_n,
        "new_members": new_n,
        "members": p.rows,
        "changes": p.changes,
    }
    return Pair(
        _render(head, old_fams, tail, False), _render(head, new_fams, tail, audit), manifest
    )


def write_pair(folder: str | Path, members: int = 400, **kw: Any) -> tuple[Path, Path, Path]:
    """Write ``old.834``, ``new.834`` and ``manifest.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pair = generate_pair(members, **kw)
    old, new, man = folder / "old.834", folder / "new.834", folder / "manifest.json"
    old.write_text(pair.old, encoding="ascii", newline="")
    new.write_text(pair.new, encoding="ascii", newline="")
    man.write_text(json.dumps(pair.manifest, indent=2) + "\n", encoding="utf-8")
    return old, new, man


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.support.synthetic_pairs")
    ap.add_argument("--members", type=int, default=400)
    ap.add_argument("--out", required=True, help="folder for old.834, new.834, manifest.json")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--count", type=int, default=2, help="planted differences of each kind")
    ap.add_argument("--audit", action="store_true", help="NEW is a full (audit) file")
    args = ap.parse_args(argv)
    paths = write_pair(args.out, args.members, seed=args.seed, count=args.count, audit=args.audit)
    print("wrote", *map(str, paths))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
