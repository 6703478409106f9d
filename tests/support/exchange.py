"""Deterministic generator of realistic CMS-FFE-style 834 files (005010X220A1), with planted defects.

It builds the measurement issue 10 asks for: a valid exchange file, then the same file with one
business defect planted per family, and a manifest saying where each defect sits.

    make(members=2000, seed=1, kind="change"|"audit") -> bytes                 (a clean file)
    make(members=2000, seed=1, defects=DEFECT_KINDS)  -> (bytes, manifest)     (planted defects)

Everything is FICTITIOUS (names combine common first/last names, streets are "SAMPLE ST"-style,
phone numbers use the fictional 555-01xx range behind real area codes of the state, SSNs are
random valid-shaped numbers). What follows the CMS FFE conventions of the project's 834 primer:

* envelope ISA/GS/ST...SE/GE/IEA with counted SE01 and matching control numbers; BGN08 ``2``
  (change: INS03 021 additions, 001 changes, 024 terminations/cancellations, 025
  reinstatements) or ``4`` (audit: INS03 and HD01 030, INS04 XN); QTY totals;
* families: subscriber (INS08 AC), spouse, children of plausible ages, newborns added with INS04
  02 and coverage from the birth date (some without an SSN), adoptions (INS02 09, INS04 05),
  marriages (INS04 32), child-only policies (a minor subscriber with a 2100G responsible person);
* 2000: REF*0F (the subscriber's exchange member id, also the subscriber's REF*17), REF*17
  member id, REF*23 issuer member id on existing members, DTP*356 on additions, DTP*303 on
  changes, DTP*357 (and INS11/INS12) on death terminations (then the HD*024 has no DTP*349:
  the TR3 wants the end date at one level only);
* 2100A NM1*IL (NM108 34 SSN), PER*IP (subscriber), N3/N4 (ZIP of the state), DMG, HLH;
* 2300 HD*..*HLT / DEN, HD04 the HIOS plan id with its CSR variant (``12345VA0010001-04``) and
  REF*CE the same value, REF*1L the exchange policy id; DTP*348 on the 1st of a month (births
  and adoptions: the event date), DTP*349 the plan-year end or the last covered day;
* LS/2700/2750: PRE AMT 1 on every member; PRE AMT TOT, APTC AMT, CSR AMT, TOT RES AMT,
  RATING AREA, SOURCE EXCHANGE ID, REQUEST SUBMIT TIMESTAMP on the subscriber only, with
  DTP*007 on the dated ones; TOT RES AMT = PRE AMT TOT - APTC AMT and PRE AMT TOT = the sum of
  the policy's PRE AMT 1. The amounts are those of the health policy (the dental 2300 rides
  along without amounts). CSR AMT is 0.00 on -01 variants and positive on -02/-04/-05/-06.

Command line: ``python -m tests.support.exchange --members 200 --kind change --out x.834``
(``--defects all`` writes the manifest beside it as JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tests.support.synthetic import _FIRST_F, _FIRST_M, _LAST, _STATES, _STREETS

__all__ = ["DEFECT_KINDS", "Defect", "main", "make", "plant"]

PLAN_YEAR = 2025
ISSUER = "12345"
_ISSUER_NAME = "SAMPLE MUTUAL HEALTH PLAN"
_EXCHANGE_NAME = "CMS FEDERALLY FACILITATED EXCHANGE"
_CSR_PAID = ("02", "04", "05", "06")
_METALS = (  # product, plan, name, monthly base rate at age 21, variants
    ("001", "0001", "BRONZE", 310.0, ("01",)),
    ("001", "0002", "BRONZE HSA", 298.0, ("01",)),
    ("002", "0001", "SILVER", 412.0, ("01", "04", "05", "06")),
    ("002", "0003", "SILVER PLUS", 436.0, ("01", "04", "05", "06", "02")),
    ("003", "0001", "GOLD", 505.0, ("01",)),
)
_DENTAL = ("010", "0001", 31.0)


def _age_factor(age: int) -> float:
    """Roughly the federal default age curve (0-14 flat, 21 = 1.0, 64 = 3.0)."""
    if age <= 14:
        return 0.765
    if age <= 20:
        return 0.635 + 0.04 * (age - 15) + 0.2
    if age <= 24:
        return 1.0
    if age <= 44:
        return 1.0 + 0.0175 * (age - 24)
    return 1.35 + 0.0825 * (age - 44)


def _d8(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def _first_of_next(d: dt.date) -> dt.date:
    return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _month_end(d: dt.date) -> dt.date:
    return _first_of_next(d) - dt.timedelta(days=1)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ------------------------------------------------------------------------------------------------
# the model
# ------------------------------------------------------------------------------------------------
@dataclass
class Person:
    rel: str  # INS02
    first: str
    last: str
    middle: str
    gender: str
    birth: dt.date
    ssn: str  # "" = none sent
    member_id: str
    maint: str = "021"  # INS03 (and HD01)
    reason: str = "EC"  # INS04
    start: dt.date = dt.date(PLAN_YEAR, 1, 1)
    end: dt.date | None = None  # last covered day (None: the plan year end)
    death: dt.date | None = None
    is_sub: bool = False
    existing: bool = False  # enrolled before this file: has an issuer member id
    issuer_id: str = ""
    hd01: str | None = None  # HD01 when it differs from INS03 (a defect)
    plan: str | None = None  # a plan id other than the family's (a defect)
    ce: str | None = None  # REF*CE other than HD04 (a defect)
    extra_cats: list[tuple[str, str, str]] = field(default_factory=list)  # (name, qual, value)
    cat_date: dt.date | None = None  # DTP*007 other than the family's (a defect)
    eligibility: dt.date | None = None  # DTP*356 other than the start (a defect)
    coverage_end: dt.date | None = None  # DTP*349 other than the family's (a defect)
    second_health: dt.date | None = None  # a second HLT 2300 from this date (a defect)
    drop_cats: tuple[str, ...] = ()
    csr: float | None = None  # CSR AMT override (a defect)
    zip: str | None = None
    phone: str | None = None
    no_dmg: bool = False
    ins01: str | None = None  # INS01 other than the role (a defect)
    student: str = ""


@dataclass
class Family:
    sub_id: str
    state: str
    city: str
    zip: str
    street: str
    street2: str
    phone: str
    rating: str
    metal: tuple
    variant: str
    policy: str
    dental_policy: str
    dental: str  # "": none, "line": a DEN 2300 in each member loop, "policy": separate loops
    event: str
    money_date: dt.date
    people: list[Person]
    responsible: Person | None = None  # 2100G of a child-only policy
    timestamp: str = ""
    aptc_share: float = 0.0
    level: str = "IND"  # HD05, from the whole family (also members not in this file)
    others: float = 0.0  # PRE AMT 1 of family members not in this file
    others_dental: float = 0.0
    change_date: dt.date | None = None  # DTP*303 of changes (None: the money date)

    @property
    def size(self) -> int:
        """Member (INS) loops the family renders to."""
        return len(self.people) * (2 if self.dental == "policy" else 1)

    @property
    def plan(self) -> str:
        product, plan = self.metal[0], self.metal[1]
        return f"{ISSUER}{self.state}{product}{plan}-{self.variant}"

    @property
    def dental_plan(self) -> str:
        return f"{ISSUER}{self.state}{_DENTAL[0]}{_DENTAL[1]}-01"


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ssns: set[str] = set()
        self.ids: set[str] = set()

    def ssn(self) -> str:
        while True:
            area = self.rng.randint(1, 899)
            if area == 666:
                continue
            v = f"{area:03d}{self.rng.randint(1, 99):02d}{self.rng.randint(1, 9999):04d}"
            if v not in self.ssns and v not in ("078051120", "219099999"):
                self.ssns.add(v)
                return v

    def number(self, digits: int, prefix: str = "") -> str:
        while True:
            v = prefix + "".join(self.rng.choice("0123456789") for _ in range(digits))
            if v not in self.ids:
                self.ids.add(v)
                return v


@dataclass
class Shape:
    """What a defect needs of its family (None: chosen at random)."""

    event: str | None = None
    spouse: bool | None = None
    kids: tuple[int, ...] | None = None  # ages at the file date
    sub_age: int | None = None
    variant: str | None = None
    aptc: bool | None = None
    start: dt.date | None = None


class _Builder:
    def __init__(self, rng: random.Random, kind: str, file_date: dt.date, state: str) -> None:
        self.rng, self.kind, self.today, self.state = rng, kind, file_date, state
        self.ids = _Ids(rng)
        self.cities, self.area_codes = _STATES[state]

    def person(self, rel: str, last: str, birth: dt.date, gender: str | None = None) -> Person:
        r = self.rng
        gender = gender or r.choice("FM")
        first = r.choice(_FIRST_F if gender == "F" else _FIRST_M)
        return Person(
            rel=rel,
            first=first,
            last=last,
            middle=r.choice("ABCDEFGHJKLMNPRSTW") if r.random() < 0.6 else "",
            gender=gender,
            birth=birth,
            ssn=self.ids.ssn(),
            member_id=self.ids.number(7, "000"),
        )

    def birth_for(self, age: int) -> dt.date:
        year = self.today.year - age
        day = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randint(0, 364))
        if _age(day, self.today) != age:  # birthday not reached yet this year: one year earlier
            day = dt.date(day.year - 1, day.month, min(day.day, 28))
        return day

    def phone(self) -> str:
        return f"{self.rng.choice(self.area_codes)}5550{self.rng.randint(100, 199)}"[:10]

    def event(self) -> str:
        if self.kind == "audit":
            return "audit"
        events = (
            ("add", 46),
            ("add_retro", 6),
            ("birth", 5),
            ("adoption", 1),
            ("marriage", 3),
            ("change", 14),
            ("term", 12),
            ("cancel", 3),
            ("dep_term", 3),
            ("reinstate", 4),
            ("death", 1),
            ("child_only", 2),
        )
        return self.rng.choices([e for e, _ in events], [w for _, w in events])[0]

    def family(self, shape: Shape | None = None) -> Family:
        f = self._family(shape)
        gone = [p for p in self._whole if all(p is not q for q in f.people)]
        f.others = round(sum(_premium(f, p) for p in gone), 2)
        f.others_dental = round(
            sum(31.0 if _age(p.birth, self.today) >= 19 else 22.0 for p in gone), 2
        )
        return f

    def _family(self, shape: Shape | None = None) -> Family:
        shape = shape or Shape()
        r = self.rng
        event = shape.event or self.event()
        if self.kind == "audit" and event not in ("child_only", "death"):
            event = "audit"
        city, zip3, area = r.choice(self.cities)
        metal = r.choice(_METALS)
        variant = shape.variant or r.choice(metal[4])
        if shape.variant and shape.variant not in metal[4]:
            metal = next(m for m in _METALS if shape.variant in m[4])
        last = r.choice(_LAST)
        year_start = dt.date(PLAN_YEAR, 1, 1)
        # when the family's coverage starts
        if shape.start is not None:
            start = shape.start
        elif event == "add":
            start = _first_of_next(self.today)
        elif event == "add_retro":
            start = dt.date(self.today.year, self.today.month, 1)
        elif event == "audit":
            start = dt.date(PLAN_YEAR, r.choice((1, 1, 1, 1, 2, 3, 4, 5, 6)), 1)
        else:
            start = dt.date(PLAN_YEAR, r.choice((1, 1, 1, 2, 3, 4)), 1)
        existing = event not in ("add", "add_retro", "child_only")
        people: list[Person] = []
        responsible = None
        if event == "child_only":
            age = shape.sub_age if shape.sub_age is not None else r.randint(3, 17)
            sub = self.person("18", last, self.birth_for(age))
            sub.ssn = sub.ssn if age >= 1 else ""
            people.append(sub)
            responsible = self.person("QD", last, self.birth_for(r.randint(30, 55)))
            start = shape.start or _first_of_next(self.today)
        else:
            age = shape.sub_age if shape.sub_age is not None else r.randint(19, 64)
            sub = self.person("18", last, self.birth_for(age))
            people.append(sub)
            spouse = shape.spouse if shape.spouse is not None else (age >= 22 and r.random() < 0.45)
            if event == "marriage":
                spouse = True
            if spouse:
                sp_age = max(19, min(64, age + r.randint(-5, 5)))
                people.append(
                    self.person(
                        "01", last, self.birth_for(sp_age), "F" if sub.gender == "M" else "M"
                    )
                )
            if shape.kids is not None:
                kids = list(shape.kids)
            else:
                n = r.choices((0, 1, 2, 3, 4), (45, 20, 20, 10, 5))[0] if age >= 20 else 0
                top = min(24, age - 18)
                kids = sorted((r.randint(0, top) for _ in range(n)), reverse=True)
            for k in kids:
                people.append(self.person("19", last, self.birth_for(k)))
        sub.is_sub = True
        money_date = start
        self._whole = list(people)
        for p in people:
            p.start = start if p.birth < start else p.birth
            p.existing = existing
            if p.ssn and p.start == p.birth:
                p.ssn = p.ssn if r.random() < 0.5 else ""
        # the event
        change_date = None
        if event in ("add", "add_retro", "child_only"):
            for p in people:  # a baby born after the family's start is covered from birth
                p.maint = "021"
                p.reason = "02" if p.start == p.birth and p.start.day != 1 else "EC"
        elif event == "audit":
            for p in people:
                p.maint, p.reason = "030", "XN"
        elif event == "change":
            people = people[:1]
            sub.maint, sub.reason = "001", r.choice(("43", "25", "AI"))
            change_date = _first_of_next(self.today)
        elif event in ("term", "cancel"):
            if event == "cancel":
                start = _first_of_next(self.today)
                money_date = start
                for p in people:
                    p.start = start
                    p.end = start
            else:
                end = _month_end(max(start, dt.date(self.today.year, self.today.month, 1)))
                for p in people:
                    p.end = end
            for p in people:
                p.maint, p.reason = "024", r.choice(("07", "14", "59")) if event == "term" else "14"
                if event == "cancel":
                    p.existing = False
        elif event == "reinstate":
            for p in people:
                p.maint, p.reason = "025", "41"
        elif event == "death":
            people = people[:1]
            sub.maint, sub.reason = "024", "03"
            sub.death = dt.date(self.today.year, self.today.month, 1) - dt.timedelta(
                days=r.randint(1, 20)
            )
            sub.end = sub.death
        elif event in ("birth", "adoption", "marriage"):
            for p in people:
                p.maint, p.reason = "001", "AI"
            if event == "birth":
                born = self.today - dt.timedelta(days=r.randint(3, 40))
                baby = self.person("19", last, born)
                baby.ssn = baby.ssn if r.random() < 0.4 else ""
                baby.maint, baby.reason, baby.start, baby.existing = "021", "02", born, False
            elif event == "adoption":
                placed = self.today - dt.timedelta(days=r.randint(3, 40))
                baby = self.person("09", last, self.birth_for(r.randint(1, 10)))
                baby.maint, baby.reason, baby.start, baby.existing = "021", "05", placed, False
            else:
                baby = next(p for p in people if p.rel == "01")
                people.remove(baby)
                baby.maint, baby.reason = "021", "32"
                baby.start, baby.existing = _first_of_next(self.today), False
            people.insert(1 if baby.rel == "01" else len(people), baby)
            money_date = change_date = baby.start
        elif event == "dep_term":
            if len(people) < 2:
                people.append(self.person("19", last, self.birth_for(r.randint(1, 17))))
                people[-1].start = start
                people[-1].existing = True
            for p in people:
                p.maint, p.reason = "001", "AI"
            gone = people[-1]
            gone.maint, gone.reason = "024", "07"
            gone.end = _month_end(self.today)
            change_date = _first_of_next(self.today)
        if self.kind == "audit":
            for p in people:
                p.maint, p.reason, p.existing = "030", "XN", True
        everyone = self._whole + [p for p in people if all(p is not q for q in self._whole)]
        self._whole = everyone
        deps = [p for p in everyone if p.rel != "18"]
        spouse = any(p.rel == "01" for p in deps)
        level = (
            "IND"
            if not deps
            else "ESP"
            if len(deps) == 1 and spouse
            else "FAM"
            if spouse
            else "ECH"
        )
        for p in people:
            if p.existing:
                p.issuer_id = self.ids.number(9, "M")
        n = r.randint(1, 9899)
        return Family(
            sub_id=sub.member_id,
            state=self.state,
            city=city,
            zip=f"{zip3}{r.randint(1, 99):02d}"
            + (f"{r.randint(1, 9999):04d}" if r.random() < 0.2 else ""),
            street=f"{n} {r.choice(_STREETS)}",
            street2=f"APT {r.randint(1, 40)}" if r.random() < 0.15 else "",
            phone=self.phone(),
            rating=f"R-{self.state}{area:03d}",
            metal=metal,
            variant=variant,
            policy=self.ids.number(8, "H"),
            dental_policy=self.ids.number(8, "D"),
            dental=""
            if event == "child_only"
            else r.choices(("", "line", "policy"), (75, 10, 15))[0],
            event=event,
            money_date=max(money_date, year_start),
            change_date=change_date,
            people=people,
            responsible=responsible,
            timestamp=_d8(self.today - dt.timedelta(days=r.randint(1, 20)))
            + f"{r.randint(6, 21):02d}{r.randint(0, 59):02d}{r.randint(0, 59):02d}",
            level=level,
            others=0.0,
            aptc_share=(
                (r.choice((0.6, 0.75, 0.85, 0.95, 1.0)) if r.random() < 0.75 else 0.0)
                if shape.aptc is None
                else (0.8 if shape.aptc else 0.0)
            ),
        )


# ------------------------------------------------------------------------------------------------
# rendering a family: one list of segments (element lists) per INS
# ------------------------------------------------------------------------------------------------
Seg = list[str]


def _premium(f: Family, p: Person) -> float:
    age = _age(p.birth, dt.date(PLAN_YEAR, 1, 1) if p.birth.year < PLAN_YEAR else p.birth)
    return round(f.metal[3] * _age_factor(max(0, age)), 2)


def _cat(lx: int, name: str, qual: str, value: str, date: dt.date | None) -> list[Seg]:
    out = [["LX", str(lx)], ["N1", "75", name], ["REF", qual, value]]
    if date is not None:
        out.append(["DTP", "007", "D8", _d8(date)])
    return out


def render(f: Family, today: dt.date, dependent_levels: bool = True) -> list[list[Seg]]:
    """The segments of every member loop of ``f``, in file order: the health policy's members
    (index = position in ``f.people``), then those of a separate dental policy, if any."""
    out = _loops(f, today, False, dependent_levels)
    if f.dental == "policy":
        out += _loops(f, today, True, dependent_levels)
    return out


def _loops(f: Family, today: dt.date, dental: bool, dependent_levels: bool) -> list[list[Seg]]:
    plan_end = dt.date(PLAN_YEAR, 12, 31)
    if dental:
        shares = [(31.0 if _age(p.birth, today) >= 19 else 22.0) for p in f.people]
        total = round(sum(shares) + f.others_dental, 2)
        aptc = csr = 0.0
    else:
        shares = [_premium(f, p) for p in f.people]
        total = round(sum(shares) + f.others, 2)
        aptc = round(min(total, total * f.aptc_share), 2)
        csr = round(total * 0.11, 2) if f.variant in _CSR_PAID else 0.0
    level = f.level
    out: list[list[Seg]] = []
    for p, share in zip(f.people, shares):
        segs: list[Seg] = []
        sub = p.is_sub
        ins = ["INS", p.ins01 or ("Y" if sub else "N"), p.rel, p.maint, p.reason, "A"]
        if sub or p.death or p.student:
            ins += ["", "", "AC" if sub else ""]
        if p.student or p.death:
            ins += [p.student, ""]
        if p.death:
            ins += ["D8", _d8(p.death)]
        while ins[-1] == "":
            ins.pop()
        segs.append(ins)
        segs.append(["REF", "0F", f.sub_id])
        segs.append(["REF", "17", p.member_id])
        if p.existing and p.issuer_id:
            segs.append(["REF", "23", p.issuer_id])
        if p.maint == "021":
            segs.append(["DTP", "356", "D8", _d8(p.eligibility or p.start)])
        elif p.eligibility:
            segs.append(["DTP", "356", "D8", _d8(p.eligibility)])
        if p.maint == "001":
            segs.append(["DTP", "303", "D8", _d8(f.change_date or f.money_date)])
        if p.death:
            segs.append(["DTP", "357", "D8", _d8(p.death)])
        nm1 = ["NM1", "IL", "1", p.last, p.first, p.middle]
        if p.ssn:
            nm1 += ["", "", "34", p.ssn]
        while nm1[-1] == "":
            nm1.pop()
        segs.append(nm1)
        if sub:
            segs.append(["PER", "IP", "", "TE", p.phone or f.phone])
        if f.street2:
            segs.append(["N3", f.street, f.street2])
        else:
            segs.append(["N3", f.street])
        segs.append(["N4", f.city, f.state, p.zip or f.zip])
        if not p.no_dmg:
            segs.append(["DMG", "D8", _d8(p.birth), p.gender])
        if _age(p.birth, today) >= 18:
            segs.append(["HLH", "N"])
        if sub and f.responsible is not None:
            rp = f.responsible
            segs += [
                ["NM1", "QD", "1", rp.last, rp.first],
                ["PER", "RP", "", "TE", f.phone],
                ["N3", f.street],
                ["N4", f.city, f.state, f.zip],
            ]
        # 2300
        hd01 = p.hd01 or p.maint
        end = p.coverage_end or (p.end if p.end is not None else plan_end)
        lines = [("HLT", p.plan or f.plan, f.policy, p.start)]
        if dental:
            lines = [("DEN", f.dental_plan, f.dental_policy, p.start)]
        elif p.second_health is not None:
            lines.append(("HLT", p.ce or _other_plan(f), f.policy, p.second_health))
        if f.dental == "line":
            lines.append(("DEN", f.dental_plan, f.dental_policy, p.start))
        for k, (line, plan, policy, begin) in enumerate(lines):
            hd = ["HD", hd01, "", line, plan, level]
            segs.append(hd if sub or dependent_levels else hd[:5])
            segs.append(["DTP", "348", "D8", _d8(begin)])
            if not p.death:
                segs.append(["DTP", "349", "D8", _d8(end if k == 0 or line == "DEN" else plan_end)])
            ce = p.ce if (p.ce and k == 0 and not dental) else plan
            segs.append(["REF", "CE", ce])
            segs.append(["REF", "1L", policy])
        # 2700
        when = p.cat_date or (f.money_date if f.money_date >= p.start else p.start)
        cats: list[tuple[str, str, str, dt.date | None]] = [
            ("PRE AMT 1", "9X", f"{share:.2f}", when)
        ]
        if sub:
            cats += [
                ("PRE AMT TOT", "9X", f"{total:.2f}", when),
                ("APTC AMT", "9V", f"{aptc:.2f}", when),
                ("CSR AMT", "9V", f"{(p.csr if p.csr is not None else csr):.2f}", when),
            ]
            if dental:
                cats.pop()  # no cost-sharing reduction on a dental policy
            cats += [
                ("TOT RES AMT", "9V", f"{total - aptc:.2f}", when),
                ("RATING AREA", "9X", f.rating, when),
                ("SOURCE EXCHANGE ID", "17", f"{f.state}0", None),
                ("REQUEST SUBMIT TIMESTAMP", "17", f.timestamp, None),
            ]
        if p.maint == "024" and f.event == "cancel":
            cats.append(("ADDL MAINT REASON", "17", "CANCEL", None))
        if not dental:
            cats = [c for c in cats if c[0] not in p.drop_cats]
            cats += [(n, q, v, when) for n, q, v in p.extra_cats]
        segs.append(["LS", "2700"])
        for lx, (name, qual, value, date) in enumerate(cats, 1):
            segs += _cat(lx, name, qual, value, date)
        segs.append(["LE", "2700"])
        out.append(segs)
    return out


def _other_plan(f: Family) -> str:
    other = next(m for m in _METALS if m[:2] != f.metal[:2])
    return f"{ISSUER}{f.state}{other[0]}{other[1]}-01"


# ------------------------------------------------------------------------------------------------
# defects
# ------------------------------------------------------------------------------------------------
@dataclass
class Defect:
    """One defect kind: the family it needs, how it changes the model, where it shows."""

    kind: str
    description: str
    shape: Shape
    change: Callable[[Family, Family, _Builder], tuple[int, str, int, str]]
    # change(target, donor, builder) -> (member index, segment id, nth such segment in the
    # member (1-based), element such as "DMG02"; element "" = the segment itself: a missing
    # segment's neighbour, or the INS of a member loop that is wrong as a whole)


def _kid(f: Family) -> int:
    return next(i for i, p in enumerate(f.people) if p.rel == "19")


def _spouse(f: Family) -> int:
    return next(i for i, p in enumerate(f.people) if p.rel == "01")


def _d_dup_person(f: Family, donor: Family, b: _Builder):
    i = _spouse(f)
    src = donor.people[0]
    f.people[i] = replace(
        f.people[i],
        first=src.first,
        last=src.last,
        middle=src.middle,
        gender=src.gender,
        birth=src.birth,
        ssn=src.ssn,
    )
    return i, "INS", 1, ""  # the whole member loop is the duplicate enrollment


def _d_same_ssn(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].ssn = donor.people[0].ssn
    return i, "NM1", 1, "NM109"


def _d_same_member_id(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].member_id = donor.people[_kid(donor)].member_id
    return i, "REF", 2, "REF02"


def _d_dup_birth(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    copy = replace(f.people[i], birth=f.people[i].birth - dt.timedelta(days=365 * 2 + 17))
    f.people.insert(i + 1, copy)
    return i + 1, "DMG", 1, "DMG02"


def _d_overlap(f: Family, donor: Family, b: _Builder):
    f.people[0].second_health = dt.date(PLAN_YEAR, 9, 1)
    return 0, "DTP*348", 2, "DTP03"


def _d_two_spouses(f: Family, donor: Family, b: _Builder):
    sp = f.people[_spouse(f)]
    other = b.person("01", f.people[0].last, sp.birth + dt.timedelta(days=800), sp.gender)
    other.start, other.maint, other.reason = sp.start, sp.maint, sp.reason
    f.people.insert(_spouse(f) + 1, other)
    return _spouse(f) + 1, "INS", 1, "INS02"


def _d_child_older(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].birth = f.people[0].birth - dt.timedelta(days=400)
    return i, "DMG", 1, "DMG02"


def _d_child_over_26(f: Family, donor: Family, b: _Builder):
    return _kid(f), "DMG", 1, "DMG02"


def _d_minor_sub(f: Family, donor: Family, b: _Builder):
    f.responsible = None
    return 0, "DMG", 1, "DMG02"


def _d_dep_other_plan(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].plan = _other_plan(f)
    f.people[i].ce = f.people[i].plan
    return i, "REF*CE", 1, "REF02"  # the plan id the exchange rules compare


def _d_before_birth(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].birth = f.people[i].start + dt.timedelta(days=24)
    return i, "DMG", 1, "DMG02"


def _d_after_death(f: Family, donor: Family, b: _Builder):
    s = f.people[0]
    s.death = s.start - dt.timedelta(days=9)
    s.end = s.death
    return 0, "INS", 1, "INS12"


def _d_plan_year(f: Family, donor: Family, b: _Builder):
    f.people[0].coverage_end = dt.date(PLAN_YEAR + 1, 6, 30)
    return 0, "DTP*349", 1, "DTP03"


def _d_eligibility(f: Family, donor: Family, b: _Builder):
    s = f.people[0]
    s.eligibility = s.start + dt.timedelta(days=61)
    return 0, "DTP*356", 1, "DTP03"


def _d_cat_date(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].cat_date = f.people[i].start - dt.timedelta(days=31)
    return i, "DTP*007", 1, "DTP03"


def _d_midmonth(f: Family, donor: Family, b: _Builder):
    return 0, "DTP*348", 1, "DTP03"


def _d_hd01(f: Family, donor: Family, b: _Builder):
    f.people[0].hd01 = "001"
    return 0, "HD", 1, "HD01"


def _d_reason(f: Family, donor: Family, b: _Builder):
    f.people[0].reason = "59"
    return 0, "INS", 1, "INS04"


def _d_hios(f: Family, donor: Family, b: _Builder):
    bad = f"{ISSUER}{f.state}{f.metal[0]}{f.metal[1][1:]}-{f.variant}"  # 13 characters + variant
    for p in f.people:
        p.plan = p.ce = bad
    return 0, "REF*CE", 1, "REF02"  # the QHP id (HD04 repeats it)


def _d_ce(f: Family, donor: Family, b: _Builder):
    f.people[0].ce = f.plan  # REF*CE keeps the -01 plan
    f.people[0].plan = f.plan[:-2] + "04"
    return 0, "HD", 1, "HD04"


def _d_csr_01(f: Family, donor: Family, b: _Builder):
    f.people[0].csr = 47.35
    return 0, "REF*9V", 2, "REF02"  # APTC AMT, CSR AMT


def _d_aptc_no_premium(f: Family, donor: Family, b: _Builder):
    f.people[0].drop_cats = ("PRE AMT TOT",)
    return 0, "N1*75*APTC AMT", 1, "N102"  # the category whose basis is missing


def _d_rating_state(f: Family, donor: Family, b: _Builder):
    other = "MD" if f.state != "MD" else "DE"
    f.rating = f"R-{other}001"
    return 0, "REF*9X", 3, "REF02"  # PRE AMT 1, PRE AMT TOT, RATING AREA


def _d_group_value(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].extra_cats.append(("APTC AMT", "9V", "12.34"))
    return i, "N1*75*APTC AMT", 1, "N102"  # the category that belongs to the subscriber


def _d_zip(f: Family, donor: Family, b: _Builder):
    f.people[0].zip = f.zip[:4]
    return 0, "N4", 1, "N403"


def _d_phone(f: Family, donor: Family, b: _Builder):
    f.people[0].phone = "1" + f.phone[1:]
    return 0, "PER", 1, "PER04"


def _d_name_digits(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    p = f.people[i]
    p.last = p.last[:1] + "1" + p.last[2:]
    return i, "NM1", 1, "NM103"


def _d_no_dmg(f: Family, donor: Family, b: _Builder):
    f.people[0].no_dmg = True
    return 0, "NM1", 1, ""


def _d_daughter_wife(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i].rel = "01"
    return i, "INS", 1, "INS02"


def _d_child_sub(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    child, parent = f.people[i], f.people[0]
    child.rel, child.is_sub = "18", True
    parent.rel, parent.is_sub = "03", False
    f.people[0], f.people[i] = child, parent
    f.sub_id = child.member_id
    return 0, "INS", 1, "INS01"


def _d_same_child(f: Family, donor: Family, b: _Builder):
    i = _kid(f)
    f.people[i + 1 : i + 1] = [replace(f.people[i]), replace(f.people[i])]
    return i + 1, "INS", 1, ""  # the repeated member loop


_ADD = "add"
DEFECTS: tuple[Defect, ...] = (
    Defect(
        "person_twice_other_subscriber",
        "the spouse is the subscriber of the previous family (same name, birth date, SSN) "
        "under another REF*0F",
        Shape(_ADD, spouse=True, sub_age=40, kids=()),
        _d_dup_person,
    ),
    Defect(
        "same_ssn_two_people",
        "a child carries the SSN of the previous family's subscriber",
        Shape(_ADD, kids=(9,), sub_age=38),
        _d_same_ssn,
    ),
    Defect(
        "same_member_id_two_people",
        "a child carries the REF*17 member id of a child of the previous family",
        Shape(_ADD, kids=(7,), sub_age=36),
        _d_same_member_id,
    ),
    Defect(
        "member_added_twice_other_birth",
        "a child is added twice (same name, SSN, member id) with another birth date",
        Shape(_ADD, kids=(12, 6), sub_age=41),
        _d_dup_birth,
    ),
    Defect(
        "overlapping_coverage",
        "the subscriber has a second HLT 2300 (another plan) starting inside the first one",
        Shape(_ADD, sub_age=50, kids=()),
        _d_overlap,
    ),
    Defect(
        "two_spouses",
        "a second INS02=01 spouse is added to a family that has one",
        Shape(_ADD, spouse=True, sub_age=45, kids=(10,)),
        _d_two_spouses,
    ),
    Defect(
        "child_older_than_subscriber",
        "a child born before the subscriber",
        Shape(_ADD, spouse=False, sub_age=22, kids=(1,)),
        _d_child_older,
    ),
    Defect(
        "child_over_26",
        "a child aged 28 without student or handicap status",
        Shape(_ADD, spouse=True, sub_age=56, kids=(28,)),
        _d_child_over_26,
    ),
    Defect(
        "minor_subscriber_no_responsible",
        "a 15-year-old subscriber (child-only policy) without a 2100G responsible person",
        Shape("child_only", sub_age=15),
        _d_minor_sub,
    ),
    Defect(
        "dependent_other_plan",
        "a child enrolled in another health plan than the subscriber",
        Shape(_ADD, kids=(8,), sub_age=35),
        _d_dep_other_plan,
    ),
    Defect(
        "coverage_before_birth",
        "a child born 24 days after its coverage begins",
        Shape(_ADD, kids=(4,), sub_age=33),
        _d_before_birth,
    ),
    Defect(
        "coverage_after_death",
        "the subscriber died 9 days before the coverage began (INS12 before DTP*348)",
        Shape("death", sub_age=61),
        _d_after_death,
    ),
    Defect(
        "coverage_outside_plan_year",
        "the health coverage ends 30 June of the next plan year",
        Shape(_ADD, sub_age=44, kids=()),
        _d_plan_year,
    ),
    Defect(
        "eligibility_after_coverage",
        "DTP*356 eligibility begins two months after the DTP*348 coverage begin",
        Shape(_ADD, sub_age=29, kids=()),
        _d_eligibility,
    ),
    Defect(
        "category_date_outside_coverage",
        "a dependent's PRE AMT 1 DTP*007 is a month before its coverage begins",
        Shape(_ADD, kids=(11,), sub_age=39),
        _d_cat_date,
    ),
    Defect(
        "midmonth_start_no_reason",
        "an exchange addition (INS04 EC) whose coverage begins on the 15th",
        Shape(_ADD, sub_age=31, kids=()),
        _d_midmonth,
    ),
    Defect(
        "ins03_hd01_mismatch",
        "an addition (INS03 021) whose health HD01 is 001",
        Shape(_ADD, sub_age=47, kids=()),
        _d_hd01,
    ),
    Defect(
        "reason_not_fitting_ins03",
        "an addition (INS03 021) with INS04 59 (non-payment, a termination reason)",
        Shape(_ADD, sub_age=52, kids=()),
        _d_reason,
    ),
    Defect(
        "bad_hios_plan_id",
        "HD04/REF*CE plan id with a 3-digit plan number (not 5+2+3+4 digits + variant)",
        Shape(_ADD, sub_age=34, kids=()),
        _d_hios,
    ),
    Defect(
        "hd04_not_ref_ce",
        "HD04 carries the -04 variant while REF*CE is the -01 plan",
        Shape(_ADD, sub_age=58, kids=(), variant="01"),
        _d_ce,
    ),
    Defect(
        "csr_on_01_variant",
        "CSR AMT 47.35 on a -01 (no cost-sharing reduction) plan",
        Shape(_ADD, sub_age=42, kids=(), variant="01"),
        _d_csr_01,
    ),
    Defect(
        "aptc_without_premium",
        "APTC AMT sent but no PRE AMT TOT on the subscriber",
        Shape(_ADD, sub_age=37, kids=(), aptc=True),
        _d_aptc_no_premium,
    ),
    Defect(
        "rating_area_other_state",
        "RATING AREA of another state than the member's address",
        Shape(_ADD, sub_age=49, kids=()),
        _d_rating_state,
    ),
    Defect(
        "group_value_disagrees",
        "a dependent carries its own APTC AMT (subscriber-level) with another value",
        Shape(_ADD, kids=(13,), sub_age=43, aptc=True),
        _d_group_value,
    ),
    Defect("invalid_zip", "a 4-digit ZIP code", Shape(_ADD, sub_age=27, kids=()), _d_zip),
    Defect(
        "invalid_phone",
        "a phone number whose area code starts with 1",
        Shape(_ADD, sub_age=55, kids=()),
        _d_phone,
    ),
    Defect(
        "name_with_digits",
        "a digit 1 in a child's last name",
        Shape(_ADD, kids=(6,), sub_age=32),
        _d_name_digits,
    ),
    Defect(
        "subscriber_without_dmg",
        "the subscriber's 2100A has no DMG segment (points at its NM1)",
        Shape(_ADD, sub_age=46, kids=()),
        _d_no_dmg,
    ),
    Defect(
        "daughter_as_wife",
        "an 8-year-old coded INS02=01 (spouse)",
        Shape(_ADD, spouse=False, kids=(8,), sub_age=34),
        _d_daughter_wife,
    ),
    Defect(
        "child_as_subscriber",
        "a 10-year-old is the subscriber (INS01=Y, INS02=18), the parent a dependent (03)",
        Shape(_ADD, spouse=False, kids=(10,), sub_age=38),
        _d_child_sub,
    ),
    Defect(
        "same_child_three_times",
        "the same child (name, birth date, SSN, member id) three times in one family",
        Shape(_ADD, spouse=True, kids=(5,), sub_age=33),
        _d_same_child,
    ),
)
DEFECT_KINDS: tuple[str, ...] = tuple(d.kind for d in DEFECTS)
_BY_KIND = {d.kind: d for d in DEFECTS}
#: the donor family (the one before the target) these defects copy from must look like this
_DONOR = Shape(_ADD, spouse=True, kids=(9,), sub_age=42)


def _locate(segs: list[Seg], sid: str, nth: int) -> int:
    """Index in ``segs`` of the nth segment matching ``sid`` ("DMG" or "DTP*348")."""
    want = sid.split("*")
    seen = 0
    for k, s in enumerate(segs):
        if s[: len(want)] == want:
            seen += 1
            if seen == nth:
                return k
    raise AssertionError(f"no {sid} #{nth} in {segs}")


# ------------------------------------------------------------------------------------------------
# the file
# ------------------------------------------------------------------------------------------------
def make(
    members: int = 2000,
    seed: int = 1,
    kind: str = "change",
    version: str = "5010",
    *,
    defects: Iterable[str] | None = None,
    state: str = "VA",
    file_date: str = f"{PLAN_YEAR}0616",
    dependent_levels: bool = True,
) -> Any:
    """A CMS-FFE-style 834 of about ``members`` INS loops (exactly, when clean).

    Returns the bytes; with ``defects`` (kinds from :data:`DEFECT_KINDS`, or ``"all"``) returns
    ``(bytes, manifest)``: one manifest entry per defect, each a dict with ``kind``,
    ``member`` (1-based INS position), ``segment`` (1-based ordinal, ISA = 1), ``element``
    (e.g. "DMG02"; "" when the defect is a missing segment or a whole member loop, e.g. a
    duplicate enrollment, which the manifest points at by its INS), ``value`` (the element's value
    there), ``first``/``last`` (the member's segment ordinals) and ``family`` (INS positions of
    the family's members). Each defect sits in a family of its own (after a clean donor family).
    ``dependent_levels``: HD05 on the dependents' coverages too (the FFE sends the policy's level
    on every member); False sends it on the subscriber only.
    """
    if version != "5010":
        raise ValueError("only version='5010' (005010X220A1) is generated")
    if kind not in ("change", "audit"):
        raise ValueError("kind is 'change' or 'audit'")
    wanted = list(DEFECT_KINDS if defects == "all" else defects or ())
    for k in wanted:
        if k not in _BY_KIND:
            raise ValueError(f"unknown defect kind {k!r}; known: {', '.join(DEFECT_KINDS)}")
    rng = random.Random(f"exchange-{seed}-{kind}-{state}")
    today = dt.datetime.strptime(file_date, "%Y%m%d").date()
    b = _Builder(rng, kind, today, state)
    # families until the member count is reached
    fams: list[Family] = []
    count = 0
    while count < members:
        f = b.family()
        room = members - count
        while f.size > room:  # the last families: one member each
            f = b.family(Shape(spouse=False, kids=()))
        fams.append(f)
        count += f.size
    # the defects: each replaces a family (and the one before it, its clean donor)
    targets: dict[int, Defect] = {}
    if wanted:
        if len(fams) < 3 * len(wanted):
            raise ValueError(f"{members} members are too few for {len(wanted)} defects")
        step = len(fams) // (len(wanted) + 1)
        for n, k in enumerate(wanted, 1):
            targets[n * step] = _BY_KIND[k]
    located: dict[int, tuple[Defect, int, str, int, str]] = {}
    for i, d in sorted(targets.items()):
        donor = b.family(replace(_DONOR, event=_ADD if kind == "change" else None))
        fams[i - 1] = donor
        shape = d.shape
        if d.kind == "midmonth_start_no_reason":
            shape = replace(shape, start=dt.date(today.year, today.month, 15))
        if d.kind == "coverage_before_birth":
            shape = replace(shape, start=dt.date(today.year, today.month - 1, 1))
        if d.kind == "hd04_not_ref_ce" or d.kind == "csr_on_01_variant":
            shape = replace(shape, variant="01")
        target = b.family(shape)
        located[i] = (d, *d.change(target, fams[i - 1], b))
        fams[i] = target
    # render and number
    body: list[Seg] = []
    manifest: list[dict[str, Any]] = []
    header = _header(b, today, kind, fams)
    ordinal = 3 + len(header)  # ISA, GS, ST, then the header
    pos = 0
    subs = deps = 0
    rendered_all = []
    for i, f in enumerate(fams):
        rendered = render(f, today, dependent_levels)
        rendered_all.append(rendered)
        first_pos = pos + 1
        spans = []
        for segs in rendered:
            pos += 1
            spans.append((pos, ordinal + 1, ordinal + len(segs)))
            ordinal += len(segs)
            body += segs
            if segs[0][1] == "Y":
                subs += 1
            else:
                deps += 1
        if i in located:
            d, mi, sid, nth, element = located[i]
            k = _locate(rendered[mi], sid, nth)
            seg = rendered[mi][k]
            idx = int(element[-2:]) if element else 0
            mpos, first, last = spans[mi]
            manifest.append(
                {
                    "kind": d.kind,
                    "description": d.description,
                    "member": mpos,
                    "segment": first + k,
                    "segment_id": seg[0],
                    "element": element,
                    "value": seg[idx] if element and idx < len(seg) else None,
                    "first": first,
                    "last": last,
                    "family": list(range(first_pos, pos + 1)),
                }
            )
    header = _header(b, today, kind, fams, totals=(subs + deps, subs, deps))
    st = [["ST", "834", "0001", "005010X220A1"], *header, *body]
    st.append(["SE", str(len(st) + 1), "0001"])
    control = f"{rng.randint(1, 999_999_999):09d}"
    group = str(rng.randint(1, 99999))
    stamp = today.strftime("%y%m%d")
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "CMSFFM".ljust(15),
        "ZZ",
        f"{ISSUER}{state}".ljust(15),
        stamp,
        "0215",
        "^",
        "00501",
        control,
        "0",
        "T",
        ":",
    ]
    segs = [
        isa,
        ["GS", "BE", "CMSFFM", f"{ISSUER}{state}", _d8(today), "0215", group, "X", "005010X220A1"],
        *st,
        ["GE", "1", group],
        ["IEA", "1", control],
    ]
    data = ("~\n".join("*".join(s) for s in segs) + "~\n").encode("ascii")
    assert len("*".join(isa)) == 105
    if wanted:
        return data, manifest
    return data


def _header(b: _Builder, today: dt.date, kind: str, fams, totals=(0, 0, 0)) -> list[Seg]:
    return [
        [
            "BGN",
            "00",
            f"FFM{_d8(today)}{b.state}{kind[0].upper()}01",
            _d8(today),
            "0215",
            "ET",
            "",
            "",
            "2" if kind == "change" else "4",
        ],
        ["QTY", "TO", str(totals[0])],
        ["QTY", "ET", str(totals[1])],
        ["QTY", "DT", str(totals[2])],
        ["N1", "P5", _EXCHANGE_NAME, "FI", "521234567"],
        ["N1", "IN", _ISSUER_NAME, "FI", "541234567"],
    ]


def plant(
    members: int = 2000, seed: int = 1, kind: str = "change", defects: Iterable[str] = DEFECT_KINDS
) -> tuple[bytes, list[dict[str, Any]]]:
    """``make(..., defects=defects)``: the file with the defects planted and its manifest."""
    return make(members, seed, kind, defects=list(defects))  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", choices=("change", "audit"), default="change")
    ap.add_argument("--defects", default="", help="'all' or a comma-separated list of kinds")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.defects:
        kinds = DEFECT_KINDS if a.defects == "all" else tuple(a.defects.split(","))
        data, manifest = plant(a.members, a.seed, a.kind, kinds)
        a.out.with_suffix(".manifest.json").write_text(json.dumps(manifest, indent=1))
    else:
        data = make(a.members, a.seed, a.kind)
    a.out.write_bytes(data)
    print(f"{a.out}: {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
