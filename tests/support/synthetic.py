"""Deterministic generator of FICTITIOUS 834 (005010X220A1) enrollment files.

Everything in a generated file is invented: names are random combinations of common first and
last names, street addresses use obviously fake street names ("100 SAMPLE ST"), phone numbers
use the reserved fictional range 555-0100..555-0199, ids are derived from counters, and the
sponsor/payer are "SAMPLE STATE HEALTH EXCHANGE" / "EXAMPLE HEALTH PLAN".  SSNs follow the usual
validity rules (area not 000/666/900-999, group not 00, serial not 0000) so that validators accept
them; they are random and not tied to any person.

The same arguments always produce the same text (no clock, no global random state, no hash
randomisation).  Each file looks like an FFE (HealthCare.gov style) change file: families of 1-5
members, one health 2300 loop per member (plus a dental one for some families), and LS/2700/2750
reporting categories with premium / APTC / CSR / responsibility amounts whose arithmetic holds.

Named defects (see :data:`DEFECTS`) can be injected, each into one deterministic member;
:func:`generate_834_with_manifest` says which member and segment each defect hit.

Pure standard library; nothing here imports Qt, pandas or pyx12.

Command line::

    python -m tests.support.synthetic --demo resources/demo.834
    python -m tests.support.synthetic --members 500 --out /tmp/x.834 [--seed N] [--defects all]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "DEFECTS",
    "DEMO_DEFECTS",
    "DEMO_MEMBERS",
    "DEMO_SEED",
    "generate_834",
    "generate_834_with_manifest",
    "iter_834",
    "main",
    "write_834",
    "write_demo",
]

#: Every defect :func:`generate_834` can inject, in the order they are applied.
DEFECTS: tuple[str, ...] = (
    "duplicate_member",
    "orphan_dependent",
    "dependent_ref0f_mismatch",
    "subscriber_not_18",
    "bad_birth_date",
    "future_birth_date",
    "birth_over_120",
    "end_before_begin",
    "missing_348",
    "term_without_end",
    "bad_ssn",
    "ssn_not_9_digits",
    "amount_not_number",
    "negative_amount",
    "aptc_over_premium",
    "tot_res_mismatch",
    "bgn_verify_with_add",
    "coverage_level_mismatch",
    "no_address",
    "add_without_coverage",
    "wrong_se_count",
    "bad_element_code",
    "ssn_shared",
    "child_as_spouse",
    "coverage_after_death",
    "aptc_without_premium",
)

#: Defects that hit the envelope/header rather than a member.
_FILE_DEFECTS = frozenset({"bgn_verify_with_add", "wrong_se_count"})

#: The bundled demo (resources/demo.834).
DEMO_SEED = 834
DEMO_MEMBERS = 40
DEMO_DEFECTS: tuple[str, ...] = (
    "aptc_over_premium",
    "duplicate_member",
    "orphan_dependent",
    "bad_birth_date",
    "missing_348",
    "bad_ssn",
    "term_without_end",
    "bad_element_code",
    # the rule families of the catalogue (after the others, so that these keep their members)
    "ssn_shared",
    "child_as_spouse",
    "coverage_after_death",
)

# --------------------------------------------------------------------------------------------
# Fictitious vocabulary
# --------------------------------------------------------------------------------------------

_LAST = (
    "ADAMS",
    "ALVAREZ",
    "BAKER",
    "BENNETT",
    "BROOKS",
    "CAMPBELL",
    "CARTER",
    "CHEN",
    "COLLINS",
    "COOPER",
    "DAVIS",
    "DIAZ",
    "EDWARDS",
    "EVANS",
    "FISHER",
    "FLORES",
    "FOSTER",
    "GARCIA",
    "GRAY",
    "GREEN",
    "HALL",
    "HARRIS",
    "HAYES",
    "HUGHES",
    "JACKSON",
    "JAMES",
    "JENKINS",
    "JOHNSON",
    "KELLY",
    "KIM",
    "LEE",
    "LEWIS",
    "LONG",
    "LOPEZ",
    "MARTIN",
    "MARTINEZ",
    "MILLER",
    "MITCHELL",
    "MOORE",
    "MORGAN",
    "MURPHY",
    "NGUYEN",
    "NELSON",
    "OLSON",
    "ORTIZ",
    "PARKER",
    "PATEL",
    "PEREZ",
    "PETERSON",
    "PHILLIPS",
    "PRICE",
    "REED",
    "REYES",
    "RIVERA",
    "ROBERTS",
    "ROGERS",
    "ROSS",
    "SANCHEZ",
    "SCOTT",
    "SHAW",
    "SULLIVAN",
    "TAYLOR",
    "THOMAS",
    "TORRES",
    "TURNER",
    "WALKER",
    "WARD",
    "WATSON",
    "WHITE",
    "WILSON",
    "WOOD",
    "WRIGHT",
    "YOUNG",
)
_FIRST_F = (
    "ABIGAIL",
    "ALICE",
    "AMELIA",
    "ANNA",
    "AVA",
    "CAMILA",
    "CHLOE",
    "CLAIRE",
    "DIANA",
    "ELENA",
    "ELLA",
    "EMILY",
    "EMMA",
    "GRACE",
    "HANNAH",
    "HARPER",
    "ISABEL",
    "JULIA",
    "LAURA",
    "LEAH",
    "LILY",
    "LUCY",
    "MAYA",
    "MIA",
    "NAOMI",
    "NORA",
    "OLIVIA",
    "PAIGE",
    "RACHEL",
    "ROSE",
    "RUTH",
    "SARAH",
    "SOFIA",
    "STELLA",
    "TESSA",
    "VIOLET",
    "ZOE",
)
_FIRST_M = (
    "AARON",
    "ADAM",
    "ALEX",
    "BENJAMIN",
    "CALEB",
    "CARLOS",
    "DANIEL",
    "DAVID",
    "DYLAN",
    "ELI",
    "ETHAN",
    "GABRIEL",
    "HENRY",
    "ISAAC",
    "JACK",
    "JAMES",
    "JOEL",
    "JONAH",
    "JOSE",
    "KEVIN",
    "LEO",
    "LIAM",
    "LUCAS",
    "MARCUS",
    "MATEO",
    "NATHAN",
    "NOAH",
    "OSCAR",
    "OWEN",
    "PAUL",
    "RYAN",
    "SAMUEL",
    "SIMON",
    "THOMAS",
    "VICTOR",
    "WESLEY",
    "ZACHARY",
)
_STREETS = (
    "SAMPLE ST",
    "EXAMPLE AVE",
    "DEMO RD",
    "TESTING LN",
    "PLACEHOLDER CT",
    "FICTIONAL WAY",
    "MOCK BLVD",
    "SPECIMEN DR",
    "PRETEND PL",
    "IMAGINARY CIR",
    "MADEUP TER",
    "DUMMY PKWY",
)

# state -> (cities (name, ZIP prefix, rating area), phone area codes)
_STATES: dict[str, tuple[tuple[tuple[str, str, int], ...], tuple[str, ...]]] = {
    "VA": (
        (
            ("RICHMOND", "232", 10),
            ("NORFOLK", "235", 8),
            ("ROANOKE", "240", 4),
            ("ARLINGTON", "222", 1),
            ("LYNCHBURG", "245", 5),
            ("CHARLOTTESVILLE", "229", 3),
            ("FREDERICKSBURG", "224", 1),
            ("HARRISONBURG", "228", 2),
        ),
        ("804", "757", "540", "703", "434"),
    ),
    "TX": (
        (
            ("AUSTIN", "787", 10),
            ("DALLAS", "752", 9),
            ("HOUSTON", "770", 17),
            ("SAN ANTONIO", "782", 21),
            ("EL PASO", "799", 7),
            ("LUBBOCK", "794", 13),
        ),
        ("512", "214", "713", "210", "915", "806"),
    ),
    "FL": (
        (
            ("TAMPA", "336", 39),
            ("ORLANDO", "328", 44),
            ("JACKSONVILLE", "322", 31),
            ("MIAMI", "331", 43),
            ("TALLAHASSEE", "323", 30),
            ("GAINESVILLE", "326", 5),
        ),
        ("813", "407", "904", "305", "850", "352"),
    ),
    "NC": (
        (
            ("RALEIGH", "276", 13),
            ("CHARLOTTE", "282", 11),
            ("GREENSBORO", "274", 9),
            ("ASHEVILLE", "288", 1),
            ("DURHAM", "277", 13),
            ("WILMINGTON", "284", 15),
        ),
        ("919", "704", "336", "828", "910"),
    ),
    "OH": (
        (
            ("COLUMBUS", "432", 7),
            ("CLEVELAND", "441", 1),
            ("CINCINNATI", "452", 4),
            ("TOLEDO", "436", 14),
            ("DAYTON", "454", 5),
            ("AKRON", "443", 2),
        ),
        ("614", "216", "513", "419", "937", "330"),
    ),
    "GA": (
        (
            ("ATLANTA", "303", 1),
            ("SAVANNAH", "314", 7),
            ("AUGUSTA", "309", 6),
            ("MACON", "312", 11),
            ("ATHENS", "306", 3),
            ("COLUMBUS", "319", 8),
        ),
        ("404", "912", "706", "478", "770"),
    ),
}

# (HD04 plan description, product, plan number, base monthly premium at age 21 in cents, silver)
_HEALTH_PLANS = (
    ("BRONZE 7000", 1, 1, 27850, False),
    ("BRONZE HSA 6500", 1, 2, 29420, False),
    ("SILVER 4500", 1, 3, 36675, True),
    ("SILVER PLUS 3000", 1, 4, 39510, True),
    ("GOLD 1500", 1, 5, 43240, False),
    ("PLATINUM 500", 1, 6, 51390, False),
)
_DENTAL_PLANS = (("DENTAL BASIC", 2, 1), ("DENTAL PLUS", 2, 2))

_NAME_SPONSOR = "SAMPLE STATE HEALTH EXCHANGE"
_NAME_PAYER = "EXAMPLE HEALTH PLAN"

# characters that occur inside data elements; none of them may be used as a delimiter
_DATA_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.")

# relationship codes
_SELF, _SPOUSE, _CHILD = "18", "01", "19"

_ID_MOD = 10**9


def _perm(n: int, mul: int, add: int) -> int:
    """A bijection on 0..10**9-1 (mul is coprime to 10), so derived ids never collide."""
    return (n * mul + add) % _ID_MOD


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


# --------------------------------------------------------------------------------------------
# Plan: family shapes, decided before any text is produced
# --------------------------------------------------------------------------------------------


class _Family:
    __slots__ = ("defect", "dental", "idx", "orphan", "rels")

    def __init__(self, idx: int, rels: list[str], dental: bool) -> None:
        self.idx = idx
        self.rels = rels
        self.dental = dental
        self.defect: str | None = None
        self.orphan = False

    @property
    def size(self) -> int:
        return len(self.rels)

    def ins_count(self) -> int:
        n = len(self.rels) - (1 if self.orphan else 0)
        return n + (1 if self.defect == "duplicate_member" else 0)

    def subscriber_count(self) -> int:
        if self.orphan:
            return 0
        return 2 if self.defect == "duplicate_member" else 1


def _is_ind(f: _Family) -> bool:
    return f.size == 1


def _is_ind_health_only(f: _Family) -> bool:
    return f.size == 1 and not f.dental


def _any(f: _Family) -> bool:
    return True


def _has_dependent(f: _Family) -> bool:
    return f.size >= 2


#: defect -> family predicate used to pick its target
_PREDICATES = {
    "duplicate_member": _is_ind,
    "orphan_dependent": lambda f: f.size == 2,
    "dependent_ref0f_mismatch": _has_dependent,
    "subscriber_not_18": _any,
    "bad_birth_date": _any,
    "future_birth_date": _any,
    "birth_over_120": _any,
    "end_before_begin": _is_ind_health_only,
    "missing_348": _any,
    "term_without_end": _is_ind_health_only,
    "bad_ssn": _any,
    "ssn_not_9_digits": _any,
    "amount_not_number": _any,
    "negative_amount": _any,
    "aptc_over_premium": _any,
    "tot_res_mismatch": _any,
    "coverage_level_mismatch": _is_ind,
    "no_address": _is_ind,
    "add_without_coverage": _is_ind,
    "bad_element_code": _any,
    "ssn_shared": lambda f: _CHILD in f.rels,
    "child_as_spouse": lambda f: _CHILD in f.rels and _SPOUSE not in f.rels,
    "coverage_after_death": _any,
    "aptc_without_premium": _any,
}

_FAMILY_SIZE_WEIGHTS = (40, 22, 16, 14, 8)  # sizes 1..5


def _plan(persons: int, rng: random.Random) -> list[_Family]:
    fams: list[_Family] = []
    left = persons
    sizes = (1, 2, 3, 4, 5)
    while left > 0:
        n = min(rng.choices(sizes, _FAMILY_SIZE_WEIGHTS)[0], left)
        rels = [_SELF]
        if n >= 2:
            spouse = rng.random() < (0.55 if n == 2 else 0.75)
            if spouse:
                rels.append(_SPOUSE)
            rels.extend([_CHILD] * (n - len(rels)))
        fams.append(_Family(len(fams), rels, rng.random() < 0.2))
        left -= n
    return fams


# --------------------------------------------------------------------------------------------
# Member text
# --------------------------------------------------------------------------------------------


class _Member:
    __slots__ = ("rel", "segs", "sub")

    def __init__(self, segs: list[str], sub: bool, rel: str) -> None:
        self.segs = segs
        self.sub = sub
        self.rel = rel


def _find(segs: list[str], prefix: str, start: int = 0) -> int:
    for i in range(start, len(segs)):
        if segs[i].startswith(prefix):
            return i
    raise LookupError(prefix)


class _Gen:
    """Holds one file's settings and produces it as text chunks."""

    def __init__(
        self,
        members: int,
        seed: int,
        defects: Iterable[str],
        line_breaks: bool,
        delimiters: tuple[str, str, str, str] | list[str],
        transactions: int,
    ) -> None:
        if not isinstance(members, int) or members < 1:
            raise ValueError("members must be a positive integer")
        if not isinstance(transactions, int) or transactions < 1:
            raise ValueError("transactions must be a positive integer")
        wanted = list(dict.fromkeys(defects))  # keep order, drop repeats
        unknown = [d for d in wanted if d not in DEFECTS]
        if unknown:
            raise ValueError(
                f"unknown defect(s): {', '.join(unknown)}; known: {', '.join(DEFECTS)}"
            )
        self.defects = [d for d in DEFECTS if d in wanted]
        delims = tuple(delimiters)
        if len(delims) != 4 or any(not isinstance(c, str) or len(c) != 1 for c in delims):
            raise ValueError(
                "delimiters must be four single characters (element, repetition, component, terminator)"
            )
        if len(set(delims)) != 4:
            raise ValueError("the four delimiters must differ from each other")
        for c in delims:
            if c in _DATA_CHARS:
                raise ValueError(
                    f"delimiter {c!r} would clash with data (letters, digits, space, '-', '.')"
                )
        for c in delims[:3]:
            if c in "\r\n":
                raise ValueError("only the segment terminator may be a line break")
        self.e, self.rep, self.comp, self.term = delims
        self.members = members
        self.seed = seed
        self.transactions = transactions
        self.sep = self.term if (not line_breaks or self.term in "\r\n") else self.term + "\n"
        self.manifest: list[dict[str, Any]] = []

        rng = random.Random(seed)
        self.state = rng.choice(sorted(_STATES))
        self.cities, self.area_codes = _STATES[self.state]
        self.issuer = f"{rng.randint(10000, 99999)}"
        self.file_day = rng.randint(1, 28)
        self.file_date = f"202611{self.file_day:02d}"
        self.file_time = f"{rng.randint(6, 21):02d}{rng.randint(0, 59):02d}"
        self.isa13 = f"{(seed % _ID_MOD) or 1:09d}"
        self.gs06 = str(rng.randint(1, 999_999))
        self.sponsor_ein = f"99{rng.randint(0, 9_999_999):07d}"
        self.payer_ein = f"98{rng.randint(0, 9_999_999):07d}"
        self.premium_factor = rng.uniform(0.9, 1.15)

        persons = members
        if "orphan_dependent" in self.defects:
            persons += 1  # its subscriber is dropped
        if "duplicate_member" in self.defects:
            persons -= 1  # its copy is extra
        if persons < 1:
            raise ValueError("members too small for the requested defects")
        self.fams = _plan(persons, rng)
        self._assign_defects()
        # orphan goes first so that it does not seem to belong to the family it follows
        orphans = [f for f in self.fams if f.orphan]
        self.order = orphans + [f for f in self.fams if not f.orphan]
        self.ssns: set[int] = set()

    # -- plan-level defect targeting -------------------------------------------------------

    def _assign_defects(self) -> None:
        n = len(self.fams)
        for d in self.defects:
            if d in _FILE_DEFECTS:
                continue
            pred = _PREDICATES[d]
            start = random.Random(f"{self.seed}:{d}").randrange(n)
            for k in range(n):
                f = self.fams[(start + k) % n]
                if f.defect is None and pred(f):
                    f.defect = d
                    if d == "orphan_dependent":
                        f.orphan = True
                    break
            else:
                raise ValueError(
                    f"not enough suitable families for defect {d!r} with members={self.members}; "
                    "use more members"
                )

    def _subscriber_id(self, idx: int) -> str:
        return f"{_perm(idx, 792_452_843, 104_729_003):010d}"

    def _member_id(self, idx: int, j: int) -> str:
        return f"{_perm(idx * 8 + j, 482_711_357, 271_828_183):010d}"

    def _policy_id(self, idx: int, dental: bool) -> str:
        return f"{'D' if dental else 'H'}{_perm(idx * 2 + dental, 168_070_013, 314_159_265):09d}"

    # -- members ---------------------------------------------------------------------------

    def _ssn(self, r: random.Random) -> str:
        while True:
            area = r.randint(1, 899)
            if area == 666:
                continue
            v = area * 1_000_000 + r.randint(1, 99) * 10_000 + r.randint(1, 9999)
            if v not in self.ssns:
                self.ssns.add(v)
                return f"{v:09d}"

    def _family(self, f: _Family) -> tuple[list[_Member], dict[str, Any]]:
        """Build the clean members of one family (subscriber first)."""
        e = self.e
        r = random.Random(self.seed * 2_000_003 + f.idx)
        rels = f.rels
        last = r.choice(_LAST)
        city, zip3, rating = r.choice(self.cities)
        zipc = f"{zip3}{r.randint(1, 99):02d}"
        street = f"{r.randint(1, 99) * 100 + r.choice((0, 0, 0, 10, 25, 50))} {r.choice(_STREETS)}"
        apt = f"APT {r.randint(1, 40)}" if r.random() < 0.15 else ""
        phone = f"{r.choice(self.area_codes)}5550{r.randint(100, 199)}"
        begin = r.choices(("20270101", "20270201", "20270301"), (85, 10, 5))[0]
        bm = int(begin[4:6])
        has_sp = _SPOUSE in rels
        has_ch = _CHILD in rels
        level = "FAM" if has_sp and has_ch else "ESP" if has_sp else "ECH" if has_ch else "IND"
        pname, prod, pnum, base, silver = r.choice(_HEALTH_PLANS)
        variant = r.choices(("01", "04", "05", "06"), (55, 15, 15, 15))[0] if silver else "01"
        plan_id = f"{self.issuer}{self.state}{prod:03d}{pnum:04d}-{variant}"
        dname, dprod, dnum = r.choice(_DENTAL_PLANS)
        dplan_id = f"{self.issuer}{self.state}{dprod:03d}{dnum:04d}-01"
        sid = self._subscriber_id(f.idx)
        hpol = self._policy_id(f.idx, False)
        dpol = self._policy_id(f.idx, True)
        addr = [
            f"N3{e}{street}{e}{apt}" if apt else f"N3{e}{street}",
            f"N4{e}{city}{e}{self.state}{e}{zipc}",
        ]

        # people: (gender, first, middle, last, dob, age)
        people = []
        sub_age = r.randint(24, 60) if has_ch else r.randint(19, 74)
        sub_g = r.choice("FM")
        for rel in rels:
            if rel == _SELF:
                g, age = sub_g, sub_age
            elif rel == _SPOUSE:
                g = ("M" if sub_g == "F" else "F") if r.random() < 0.95 else sub_g
                age = max(19, min(74, sub_age + r.randint(-6, 6)))
            else:
                g = r.choice("FM")
                age = r.randint(1, min(25, sub_age - 18))
            year = 2026 - age
            month = r.randint(1, 12)
            day = r.randint(1, 28)
            # age on coverage begin; (year, month) after begin month means one year younger
            age_at = 2027 - year - (1 if month >= bm else 0)
            exact = 2027 - year - ((month, day) > (bm, 1))  # age on the coverage begin date
            if rel not in (_SELF, _SPOUSE) and exact >= 26:  # a child is covered until 26
                year, age_at = year + 1, age_at - 1
            first = r.choice(_FIRST_F if g == "F" else _FIRST_M)
            mid = chr(65 + r.randrange(26))
            lname = last if rel != _SPOUSE or r.random() < 0.85 else r.choice(_LAST)
            people.append((g, first, mid, lname, f"{year}{month:02d}{day:02d}", age_at))

        # premiums in cents
        pf = self.premium_factor
        pre1 = []
        for p in people:
            a = p[5]
            factor = 0.635 if a < 21 else min(3.0, 1.0 + (a - 21) * 0.046)
            pre1.append(round(base * pf * factor))
        tot = sum(pre1)
        x = r.random()
        if x < 0.35:
            aptc = 0
        elif x < 0.40:
            aptc = tot
        else:
            aptc = int(tot * r.uniform(0.3, 0.95))
        csr = round(tot * r.uniform(0.05, 0.15)) if variant in ("04", "05", "06") else 0
        fin = {"tot": tot, "aptc": aptc, "csr": csr, "begin": begin}

        members: list[_Member] = []
        marital = "M" if has_sp else r.choice(("I", "I", "U", "D", "W", ""))
        for j, (rel, p) in enumerate(zip(rels, people)):
            g, first, mid, lname, dob, _ = p
            sub = rel == _SELF
            if sub:
                segs = [f"INS{e}Y{e}18{e}021{e}EC{e}A{e}{e}{e}FT"]
            else:
                segs = [f"INS{e}N{e}{rel}{e}021{e}EC{e}A"]
            segs.append(f"REF{e}0F{e}{sid}")
            segs.append(f"REF{e}17{e}{self._member_id(f.idx, j)}")
            segs.append(f"DTP{e}356{e}D8{e}{begin}")
            segs.append(f"NM1{e}IL{e}1{e}{lname}{e}{first}{e}{mid}{e}{e}{e}34{e}{self._ssn(r)}")
            if sub:
                segs.append(f"PER{e}IP{e}{e}TE{e}{phone}")
            segs.extend(addr)
            if sub and marital:
                segs.append(f"DMG{e}D8{e}{dob}{e}{g}{e}{marital}")
            else:
                segs.append(f"DMG{e}D8{e}{dob}{e}{g}")
            lvl = f"{e}{level}" if sub else ""
            segs += [
                f"HD{e}021{e}{e}HLT{e}{pname}{lvl}",
                f"DTP{e}348{e}D8{e}{begin}",
                f"REF{e}CE{e}{plan_id}",
                f"REF{e}1L{e}{hpol}",
            ]
            if f.dental:
                segs += [
                    f"HD{e}021{e}{e}DEN{e}{dname}{lvl}",
                    f"DTP{e}348{e}D8{e}{begin}",
                    f"REF{e}CE{e}{dplan_id}",
                    f"REF{e}1L{e}{dpol}",
                ]
            d007 = f"DTP{e}007{e}D8{e}{begin}"
            segs += [
                "LS" + e + "2700",
                f"LX{e}1",
                f"N1{e}75{e}PRE AMT 1",
                f"REF{e}9X{e}{_money(pre1[j])}",
                d007,
            ]
            if sub:
                segs += [
                    f"LX{e}2",
                    f"N1{e}75{e}PRE AMT TOT",
                    f"REF{e}9X{e}{_money(tot)}",
                    d007,
                    f"LX{e}3",
                    f"N1{e}75{e}APTC AMT",
                    f"REF{e}9V{e}{_money(aptc)}",
                    d007,
                    f"LX{e}4",
                    f"N1{e}75{e}CSR AMT",
                    f"REF{e}9V{e}{_money(csr)}",
                    d007,
                    f"LX{e}5",
                    f"N1{e}75{e}TOT RES AMT",
                    f"REF{e}9V{e}{_money(tot - aptc)}",
                    d007,
                    f"LX{e}6",
                    f"N1{e}75{e}RATING AREA",
                    f"REF{e}9X{e}R-{self.state}{rating:03d}",
                    d007,
                ]
            segs.append("LE" + e + "2700")
            members.append(_Member(segs, sub, rel))
        return members, fin

    # -- member-level defects --------------------------------------------------------------

    def _set_cat(self, m: _Member, name: str, value: str) -> int:
        e = self.e
        i = _find(m.segs, f"N1{e}75{e}{name}") + 1
        q = m.segs[i].split(e)[1]
        m.segs[i] = f"REF{e}{q}{e}{value}"
        return i

    def _set_el(self, m: _Member, prefix: str, pos: int, value: str) -> int:
        e = self.e
        i = _find(m.segs, prefix)
        els = m.segs[i].split(e)
        while len(els) <= pos:
            els.append("")
        els[pos] = value
        m.segs[i] = e.join(els).rstrip(e)
        return i

    def _apply(
        self, d: str, f: _Family, ms: list[_Member], fin: dict[str, Any], r: random.Random
    ) -> tuple[int, int, str]:
        """Inject defect d into the family; return (member index, segment index, description)."""
        e = self.e
        sub = ms[0]
        begin = fin["begin"]
        tot, aptc = fin["tot"], fin["aptc"]

        if d == "duplicate_member":
            ms.append(_Member(list(sub.segs), True, sub.rel))
            return 1, 0, "the previous member's whole 2000 loop (INS through LE) is repeated"
        if d == "orphan_dependent":
            del ms[0]
            sid = self._subscriber_id(f.idx)
            return (
                0,
                1,
                f"dependent with REF*0F {sid}; no subscriber with that id is in the file (a "
                "change file may send a dependent alone: wrong only where the partner wants "
                "the subscriber with every dependent, profile subscriber_with_dependents)",
            )
        if d == "dependent_ref0f_mismatch":
            j = len(ms) - 1
            other = self._neighbour(f)
            i = self._set_el(ms[j], f"REF{e}0F{e}", 2, self._subscriber_id(other.idx))
            return (
                j,
                i,
                (
                    f"dependent's REF*0F is {self._subscriber_id(other.idx)} (another family's subscriber), "
                    f"its own subscriber's id is {self._subscriber_id(f.idx)}"
                ),
            )
        if d == "subscriber_not_18":
            i = self._set_el(sub, "INS", 2, "19")
            return 0, i, "subscriber (INS01=Y) has relationship INS02=19 instead of 18"
        if d == "bad_birth_date":
            j = r.randrange(len(ms))
            i = _find(ms[j].segs, "DMG")
            year = ms[j].segs[i].split(e)[2][:4]
            self._set_el(ms[j], "DMG", 2, f"{year}0231")
            return j, i, f"birth date {year}0231 is not a calendar date"
        if d == "future_birth_date":
            j = next((k for k, m in enumerate(ms) if m.rel == _CHILD), 0)
            i = self._set_el(ms[j], "DMG", 2, "20270614")
            return j, i, "birth date 20270614 is after the file date (and the coverage begin)"
        if d == "birth_over_120":
            i = self._set_el(sub, "DMG", 2, "19030312")
            return 0, i, "birth date 19030312: member would be over 120 years old"
        if d == "end_before_begin":
            self._set_el(sub, "INS", 3, "024")
            self._set_el(sub, "INS", 4, "07")
            hd = self._set_el(sub, "HD", 1, "024")
            sub.segs.insert(hd + 2, f"DTP{e}349{e}D8{e}20261201")
            return (
                0,
                hd + 2,
                f"termination: benefit end DTP*349 20261201 is before benefit begin DTP*348 {begin}",
            )
        if d == "missing_348":
            j = r.randrange(len(ms))
            hd = _find(ms[j].segs, "HD")
            ms[j].segs[hd + 1] = f"DTP{e}303{e}D8{e}{begin}"
            return (
                j,
                hd,
                "HD*021 (addition) has no DTP*348 benefit begin; it carries DTP*303 instead",
            )
        if d == "term_without_end":
            self._set_el(sub, "INS", 3, "024")
            self._set_el(sub, "INS", 4, "07")
            self._set_el(sub, "HD", 1, "024")
            return 0, 0, "INS03=024 termination (HD*024 too) with no DTP*357 or DTP*349 end date"
        if d == "bad_ssn":
            j = r.randrange(len(ms))
            i = _find(ms[j].segs, "NM1")
            bad = f"666{r.randint(10, 99)}{r.randint(1000, 9999)}"
            self._set_el(ms[j], "NM1", 9, bad)
            return j, i, f"SSN {bad} has area 666, which is never issued"
        if d == "ssn_not_9_digits":
            j = r.randrange(len(ms))
            i = _find(ms[j].segs, "NM1")
            ssn = ms[j].segs[i].split(e)[9][:8]
            self._set_el(ms[j], "NM1", 9, ssn)
            return j, i, f"SSN {ssn} has 8 digits instead of 9"
        if d == "amount_not_number":
            a = max(1000, aptc // 1000 * 1000)  # whole tens, at least 10.00
            a = min(a, tot // 1000 * 1000) if tot >= 1000 else a
            txt = _money(a)
            k = txt.index(".") - 1  # last digit of the whole part is 0
            bad = txt[:k] + "O" + txt[k + 1 :]
            i = self._set_cat(sub, "APTC AMT", bad)
            self._set_cat(sub, "TOT RES AMT", _money(tot - a))
            return 0, i, f"APTC AMT {bad} contains a letter O instead of a zero"
        if d == "negative_amount":
            i = self._set_cat(sub, "CSR AMT", "-25.00")
            return 0, i, "CSR AMT is negative (-25.00)"
        if d == "aptc_over_premium":
            over = 1000 + r.randint(0, 9000)
            i = self._set_cat(sub, "APTC AMT", _money(tot + over))
            self._set_cat(sub, "TOT RES AMT", _money(-over))
            return (
                0,
                i,
                (
                    f"APTC AMT {_money(tot + over)} exceeds PRE AMT TOT {_money(tot)} "
                    f"(TOT RES AMT follows the arithmetic and is {_money(-over)})"
                ),
            )
        if d == "tot_res_mismatch":
            wrong = tot - aptc + 1000
            i = self._set_cat(sub, "TOT RES AMT", _money(wrong))
            return (
                0,
                i,
                (
                    f"TOT RES AMT {_money(wrong)} != PRE AMT TOT {_money(tot)} - APTC AMT {_money(aptc)} "
                    f"= {_money(tot - aptc)}"
                ),
            )
        if d == "coverage_level_mismatch":
            i = self._set_el(sub, "HD", 5, "FAM")
            if f.dental:
                self._set_el(sub, f"HD{e}021{e}{e}DEN", 5, "FAM")
            return 0, i, "coverage level HD05=FAM but the subscriber has no dependents"
        if d == "no_address":
            i = _find(sub.segs, "N3")
            del sub.segs[i : i + 2]
            return 0, _find(sub.segs, "NM1"), "subscriber has no N3/N4 address"
        if d == "add_without_coverage":
            i = _find(sub.segs, "HD")
            ls = _find(sub.segs, "LS")
            del sub.segs[i:ls]
            return 0, 0, "INS03=021 (addition) without any 2300 (HD) health coverage loop"
        if d == "bad_element_code":
            j = r.randrange(len(ms))
            i = self._set_el(ms[j], "DMG", 3, "X")
            return j, i, "DMG03 gender code 'X' is not a valid code (F, M, U)"
        if d == "ssn_shared":
            j = next(k for k, m in enumerate(ms) if m.rel == _CHILD)
            i = _find(ms[j].segs, "NM1")
            ssn = sub.segs[_find(sub.segs, "NM1")].split(e)[9]
            self._set_el(ms[j], "NM1", 9, ssn)
            return j, i, f"a child carries the subscriber's SSN {ssn} (one SSN, two people)"
        if d == "child_as_spouse":
            j = next(k for k, m in enumerate(ms) if m.rel == _CHILD)
            k = _find(ms[j].segs, "DMG")
            dob = ms[j].segs[k].split(e)[2]
            if dob < "20140101":  # make the child a young one: no doubt it is not a spouse
                dob = f"2018{dob[4:]}"
                self._set_el(ms[j], "DMG", 2, dob)
            i = self._set_el(ms[j], "INS", 2, _SPOUSE)
            return (
                j,
                i,
                f"a child born {dob} is coded INS02=01 (spouse): a daughter coded as a wife",
            )
        if d == "coverage_after_death":
            death = f"{self.file_date[:6]}01"
            self._set_el(sub, "INS", 11, "D8")
            i = self._set_el(sub, "INS", 12, death)
            return 0, i, f"INS12 death date {death}, but the coverage begins {begin} (after it)"
        if d == "aptc_without_premium":
            for name in ("PRE AMT TOT", "PRE AMT 1"):
                k = _find(sub.segs, f"N1{e}75{e}{name}") - 1  # its LX
                del sub.segs[k : k + 4]
            for n, k in enumerate(
                (k for k, seg in enumerate(sub.segs) if seg.startswith(f"LX{e}")), 1
            ):
                sub.segs[k] = f"LX{e}{n}"
            a = max(aptc, 10000)
            i = self._set_cat(sub, "APTC AMT", _money(a))
            self._set_cat(sub, "TOT RES AMT", _money(0))
            return (
                0,
                i,
                f"APTC AMT {_money(a)} is sent without any premium (no PRE AMT TOT or PRE AMT 1)",
            )
        raise AssertionError(d)  # pragma: no cover

    def _neighbour(self, f: _Family) -> _Family:
        """The nearest other family that keeps its subscriber in the file."""
        for k in range(1, len(self.fams)):
            for idx in (f.idx - k, f.idx + k):
                if 0 <= idx < len(self.fams) and not self.fams[idx].orphan:
                    return self.fams[idx]
        raise ValueError("dependent_ref0f_mismatch needs at least two families")

    # -- envelope --------------------------------------------------------------------------

    def _isa(self) -> str:
        e = self.e
        isa = e.join(
            (
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                "SAMPLEEXCHANGE".ljust(15),
                "ZZ",
                f"EXAMPLEPLAN{self.issuer}".ljust(15)[:15],
                self.file_date[2:],
                self.file_time,
                self.rep,
                "00501",
                self.isa13,
                "0",
                "T",
                self.comp,
            )
        )
        return isa

    def chunks(self) -> Iterator[str]:
        e, sep = self.e, self.sep
        units = self.order
        if self.transactions > len(units):
            raise ValueError(
                f"transactions={self.transactions} but the file has only {len(units)} families"
            )
        # split families into contiguous transactions of roughly equal INS counts
        total = sum(f.ins_count() for f in units)
        groups: list[list[_Family]] = []
        acc = 0
        cur: list[_Family] = []
        for i, f in enumerate(units):
            cur.append(f)
            acc += f.ins_count()
            left_units = len(units) - i - 1
            need = self.transactions - len(groups) - 1
            if need > 0 and (
                acc * self.transactions >= total * (len(groups) + 1) or left_units == need
            ):
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)

        seg_no = 0  # segments emitted so far (ISA is segment 1)
        ins_no = 0
        head = [
            self._isa(),
            f"GS{e}BE{e}SAMPLEXCH{e}EXAMPLEPLAN{e}{self.file_date}{e}{self.file_time}{e}{self.gs06}{e}X{e}005010X220A1",
        ]
        yield sep.join(head) + sep
        seg_no += 2
        for t, grp in enumerate(groups, 1):
            st02 = f"{t:04d}"
            to = sum(f.ins_count() for f in grp)
            et = sum(f.subscriber_count() for f in grp)
            bgn08 = "4" if (t == 1 and "bgn_verify_with_add" in self.defects) else "2"
            hdr = [
                f"ST{e}834{e}{st02}{e}005010X220A1",
                f"BGN{e}00{e}SYN{self.seed % _ID_MOD}{self.file_date}{st02}{e}{self.file_date}{e}{self.file_time}{e}{e}{e}{e}{bgn08}",
                f"DTP{e}007{e}D8{e}20270101",
                f"QTY{e}TO{e}{to}",
                f"QTY{e}ET{e}{et}",
                f"QTY{e}DT{e}{to - et}",
                f"N1{e}P5{e}{_NAME_SPONSOR}{e}FI{e}{self.sponsor_ein}",
                f"N1{e}IN{e}{_NAME_PAYER}{e}FI{e}{self.payer_ein}",
            ]
            if bgn08 == "4":
                self.manifest.append(
                    {
                        "defect": "bgn_verify_with_add",
                        "member_pos": None,
                        "segment_pos": seg_no + 2,
                        "segment": "BGN",
                        "description": "BGN08=4 (verify/audit file) while the members are INS03=021 additions",
                    }
                )
            yield sep.join(hdr) + sep
            seg_no += len(hdr)
            st_count = len(hdr)
            for f in grp:
                ms, fin = self._family(f)
                hit = None
                if f.defect is not None:
                    r = random.Random(f"{self.seed}:{f.defect}:apply")
                    hit = self._apply(f.defect, f, ms, fin, r)
                out: list[str] = []
                for j, m in enumerate(ms):
                    if hit is not None and hit[0] == j:
                        entry = {
                            "defect": f.defect,
                            "member_pos": ins_no + 1,
                            "segment_pos": seg_no + len(out) + hit[1] + 1,
                            "segment": m.segs[hit[1]].split(e, 1)[0],
                            "description": hit[2],
                        }
                        if f.defect == "duplicate_member":
                            entry["description"] += f" (copy of member {ins_no})"
                        self.manifest.append(entry)
                    ins_no += 1
                    out.extend(m.segs)
                yield sep.join(out) + sep
                seg_no += len(out)
                st_count += len(out)
            se01 = st_count + 1
            if t == 1 and "wrong_se_count" in self.defects:
                se01 += 1
                self.manifest.append(
                    {
                        "defect": "wrong_se_count",
                        "member_pos": None,
                        "segment_pos": seg_no + 1,
                        "segment": "SE",
                        "description": f"SE01 says {se01} segments, the transaction has {se01 - 1}",
                    }
                )
            yield f"SE{e}{se01}{e}{st02}" + sep
            seg_no += 1
        yield sep.join([f"GE{e}{len(groups)}{e}{self.gs06}", f"IEA{e}1{e}{self.isa13}"]) + sep
        self.manifest.sort(key=lambda m: (m["segment_pos"], m["defect"]))
        assert ins_no == self.members, (ins_no, self.members)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def iter_834(
    members: int,
    *,
    seed: int = 834,
    defects: Iterable[str] = (),
    line_breaks: bool = True,
    delimiters: tuple[str, str, str, str] | list[str] = ("*", "^", ":", "~"),
    transactions: int = 1,
    manifest: list[dict[str, Any]] | None = None,
) -> Iterator[str]:
    """Yield the file text in chunks (one family at a time); fills ``manifest`` when given.

    The manifest list is complete once the iterator is exhausted.
    """
    gen = _Gen(members, seed, defects, line_breaks, delimiters, transactions)
    yield from gen.chunks()
    if manifest is not None:
        manifest.extend(gen.manifest)


def generate_834_with_manifest(
    members: int,
    *,
    seed: int = 834,
    defects: Iterable[str] = (),
    line_breaks: bool = True,
    delimiters: tuple[str, str, str, str] | list[str] = ("*", "^", ":", "~"),
    transactions: int = 1,
) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(text, manifest)``.

    ``manifest`` has one dict per injected defect: ``defect``; ``member_pos`` (1-based INS number
    in the file, ``None`` for envelope defects); ``segment_pos`` (1-based segment number in the
    file, ISA = 1, which is the line number when ``line_breaks`` is true); ``segment`` (its id);
    ``description``.
    """
    manifest: list[dict[str, Any]] = []
    text = "".join(
        iter_834(
            members,
            seed=seed,
            defects=defects,
            line_breaks=line_breaks,
            delimiters=delimiters,
            transactions=transactions,
            manifest=manifest,
        )
    )
    return text, manifest


def generate_834(
    members: int,
    *,
    seed: int = 834,
    defects: Iterable[str] = (),
    line_breaks: bool = True,
    delimiters: tuple[str, str, str, str] | list[str] = ("*", "^", ":", "~"),
    transactions: int = 1,
) -> str:
    """Return the text of a fictitious 834 with ``members`` INS loops (subscribers + dependents).

    ``delimiters`` = (element, repetition, component, segment terminator).  ``transactions``
    splits the families over that many ST/SE sets in one GS.  ``defects`` names entries of
    :data:`DEFECTS`, each injected into one deterministic member.
    """
    return generate_834_with_manifest(
        members,
        seed=seed,
        defects=defects,
        line_breaks=line_breaks,
        delimiters=delimiters,
        transactions=transactions,
    )[0]


def write_834(path: str | Path, members: int, **kw: Any) -> Path:
    """Stream a generated file to ``path`` (keyword arguments as :func:`generate_834`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="ascii", newline="") as fh:
        buf: list[str] = []
        size = 0
        for chunk in iter_834(members, **kw):
            buf.append(chunk)
            size += len(chunk)
            if size >= 1 << 20:
                fh.write("".join(buf))
                buf.clear()
                size = 0
        fh.write("".join(buf))
    return path


def write_demo(path: str | Path = "resources/demo.834") -> tuple[Path, Path]:
    """Write the bundled demo file and its manifest (``<stem>.manifest.json``) next to it."""
    path = Path(path)
    text, manifest = generate_834_with_manifest(DEMO_MEMBERS, seed=DEMO_SEED, defects=DEMO_DEFECTS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii", newline="")
    mpath = path.with_name(path.stem + ".manifest.json")
    doc = {
        "generator": "tests.support.synthetic",
        "note": "Fictitious data: every name, address, phone, SSN and id in the demo file is invented.",
        "seed": DEMO_SEED,
        "members": DEMO_MEMBERS,
        "defects": manifest,
    }
    mpath.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8", newline="\n")
    return path, mpath


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.support.synthetic",
        description="Generate fictitious 834 (005010X220A1) files.",
    )
    ap.add_argument(
        "--demo", metavar="PATH", help="write the bundled demo file (and its manifest) to PATH"
    )
    ap.add_argument("--members", type=int, default=100, help="number of INS loops (default 100)")
    ap.add_argument("--out", metavar="PATH", help="output file")
    ap.add_argument("--seed", type=int, default=834)
    ap.add_argument("--defects", default="", help="comma-separated defect names, or 'all'")
    ap.add_argument("--transactions", type=int, default=1)
    ap.add_argument(
        "--one-line", action="store_true", help="no line break after segment terminators"
    )
    ap.add_argument("--manifest", metavar="PATH", help="also write the defect manifest as JSON")
    args = ap.parse_args(argv)

    if args.demo:
        p, m = write_demo(args.demo)
        print(f"wrote {p} and {m}")
        return 0
    if not args.out:
        ap.error("--out or --demo is required")
    defects = list(DEFECTS) if args.defects == "all" else [d for d in args.defects.split(",") if d]
    kw = dict(
        seed=args.seed,
        defects=defects,
        line_breaks=not args.one_line,
        transactions=args.transactions,
    )
    if args.manifest:
        text, manifest = generate_834_with_manifest(args.members, **kw)
        Path(args.out).write_text(text, encoding="ascii", newline="")
        Path(args.manifest).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    else:
        write_834(args.out, args.members, **kw)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
