"""The 834 as data: its loops, which segment opens which loop, and where every table cell comes from.

The structure pass (:mod:`inspector.core.records.structure`) is one generic loop over these
tables; the tables (:mod:`inspector.core.records.frames`) and editing read the same field map to
know which segment element a cell shows. The idea follows stupidedi's declarative X220A1
definitions (the grammar is data, one reader walks it); the tables here are only what the
inspector needs, not the whole implementation guide (pyx12 checks that).
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.core.records import codes

# ---- loops ------------------------------------------------------------------------------------
#: Loop labels, indexed by the code stored per segment in ``Structure.loops``.
LOOPS = [
    "",
    "ISA",
    "GS",
    "HEADER",
    "1000A",
    "1000B",
    "1000C",
    "1100C",
    "1000",
    "2000",
    "2100A",
    "2100B",
    "2100C",
    "2100D",
    "2100E",
    "2100F",
    "2100G",
    "2100H",
    "2200",
    "2300",
    "2310",
    "2320",
    "2330",
    "LS",
    "2700",
    "2750",
    "LE",
    "SE",
    "GE",
    "IEA",
    "OTHER-ST",
]
(
    L_NONE,
    L_ISA,
    L_GS,
    L_HEADER,
    L_1000A,
    L_1000B,
    L_1000C,
    L_1100C,
    L_1000,
    L_2000,
    L_2100A,
    L_2100B,
    L_2100C,
    L_2100D,
    L_2100E,
    L_2100F,
    L_2100G,
    L_2100H,
    L_2200,
    L_2300,
    L_2310,
    L_2320,
    L_2330,
    L_LS,
    L_2700,
    L_2750,
    L_LE,
    L_SE,
    L_GE,
    L_IEA,
    L_OTHER,
) = range(len(LOOPS))
LOOP_CODE = {name: code for code, name in enumerate(LOOPS)}

#: Path of each member loop in the 834 tree, as used in findings (e.g. "2000/2300").
LOOP_PATHS = {
    "2000": "2000",
    "2100A": "2000/2100A",
    "2100B": "2000/2100B",
    "2100C": "2000/2100C",
    "2100D": "2000/2100D",
    "2100E": "2000/2100E",
    "2100F": "2000/2100F",
    "2100G": "2000/2100G",
    "2100H": "2000/2100H",
    "2200": "2000/2200",
    "2300": "2000/2300",
    "2310": "2000/2300/2310",
    "2320": "2000/2300/2320",
    "2330": "2000/2300/2320/2330",
    "LS": "2000",
    "2700": "2000/2700",
    "2750": "2000/2700/2750",
    "LE": "2000",
}
#: Loops of a member (INS through the next INS or envelope segment).
MEMBER_LOOPS = tuple(LOOP_PATHS)
#: Loops of the transaction header and the envelope (before the first INS).
HEADER_LOOPS: tuple[str, ...] = (
    *("", "ISA", "GS", "HEADER", "1000A", "1000B", "1000C", "1100C", "1000"),
    *("SE", "GE", "IEA"),  # after a trailer, until the next ST
)
#: Segments that close the member being read (the next member or the envelope).
ENVELOPE_SEGMENTS = ("ISA", "GS", "ST", "SE", "GE", "IEA")

KNOWN_834_GUIDES = ("005010X220A1", "004010X095A1")
PHONE_QUALIFIERS = frozenset({"TE", "HP", "WP", "CP", "AP"})


# ---- loop transitions ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Transition:
    """``segment`` seen in one of the loops ``within`` opens loop ``opens``.

    ``coverage`` restricts the rule to inside (True) or outside (False) the 2300 area (an HD up to
    the LS or the next member); ``by_qualifier`` names the loop by element 01 (NM101, N101), with
    ``opens`` as the default; ``enters_coverage`` says whether the segment enters (HD) or leaves
    (LS) the 2300 area. The first rule that matches wins; no rule: the segment stays in its loop.
    """

    segment: str
    within: tuple[str, ...]
    opens: str
    coverage: bool | None = None
    by_qualifier: dict[str, str] | None = None
    enters_coverage: bool | None = None


#: 2100 loops by NM101 (anything else: 2100G, a responsible person).
NM1_LOOPS = {
    "IL": "2100A",
    "74": "2100A",
    "70": "2100B",
    "31": "2100C",
    "36": "2100D",
    "M8": "2100E",
    "S3": "2100F",
    "45": "2100H",
}
#: 1000 loops of the header by N101 (anything else: a generic 1000).
HEADER_N1_LOOPS = {"P5": "1000A", "IN": "1000B", "BO": "1000C", "TV": "1000C"}

_CATEGORY_LOOPS = ("2700", "2750")
TRANSITIONS: tuple[Transition, ...] = (
    # member loops
    Transition("HD", MEMBER_LOOPS, "2300", enters_coverage=True),
    Transition("LS", MEMBER_LOOPS, "LS", enters_coverage=False),
    Transition("LE", MEMBER_LOOPS, "LE"),
    Transition("LX", ("LS", *_CATEGORY_LOOPS), "2700"),
    Transition("LX", MEMBER_LOOPS, "2310", coverage=True),
    Transition("N1", _CATEGORY_LOOPS, "2750"),
    Transition("REF", _CATEGORY_LOOPS, "2750"),
    Transition("DTP", _CATEGORY_LOOPS, "2750"),
    Transition("NM1", ("2320", "2330"), "2330", coverage=True),
    Transition("NM1", MEMBER_LOOPS, "2310", coverage=True),
    Transition("NM1", MEMBER_LOOPS, "2100G", coverage=False, by_qualifier=NM1_LOOPS),
    Transition("COB", MEMBER_LOOPS, "2320", coverage=True),
    Transition("DSB", MEMBER_LOOPS, "2200", coverage=False),
    # transaction header
    Transition("N1", HEADER_LOOPS, "1000", by_qualifier=HEADER_N1_LOOPS),
    Transition("ACT", HEADER_LOOPS, "1100C"),
)


# ---- fields -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Where a table column comes from: the segment (via an ordinal column) and element.

    ``loop`` and ``qualifier`` say which segment the structure pass reads it from: the first
    ``segment_id`` in ``loop`` (with element 01 equal to ``qualifier`` when given; ``"*"``: any
    qualifier no other column claims). ``read`` says how the element becomes the cell: "text"
    (decoded, UTF-8 where the file is), "raw" (as sent), "code" (``"021 Addition"``), "date"
    (CCYY-MM-DD), "composite" (first component, as a code); "" derives it from ``kind``.
    ``when`` = (element, value): the cell is filled only when that element holds that value.
    Columns without a ``loop`` are filled by the pass from several segments or from the row.
    """

    column: str
    label: str
    segment_column: str | None  # name of the column holding the segment ordinal
    segment_id: str | None = None
    element: int | None = None  # 1-based element position inside the segment
    kind: str = "text"  # text | code | date | amount | id
    codes: dict[str, str] | None = None
    #: personal data the column holds, for masking (records/mask.py): "ssn", "date" (of
    #: birth or death), "name", "street", "city", "zip", "phone", "email"; None for none
    phi: str | None = None
    loop: str | None = None
    qualifier: str | None = None
    read: str = ""
    when: tuple[int, str] | None = None

    @property
    def element_name(self) -> str | None:
        if self.segment_id is None or self.element is None:
            return None
        return f"{self.segment_id}{self.element:02d}"

    @property
    def reading(self) -> str:
        """How the structure pass turns the element into the cell (see the class docstring)."""
        if self.read:
            return self.read
        return {"date": "date", "code": "code"}.get(self.kind, "text")


def _f(
    column: str,
    label: str,
    seg: str | None,
    sid: str | None = None,
    el: int | None = None,
    kind: str = "text",
    table: dict[str, str] | None = None,
    phi: str | None = None,
    *,
    loop: str | None = None,
    qualifier: str | None = None,
    read: str = "",
    when: tuple[int, str] | None = None,
) -> FieldSpec:
    return FieldSpec(column, label, seg, sid, el, kind, table, phi, loop, qualifier, read, when)


MEMBER_FIELDS: dict[str, FieldSpec] = {
    f.column: f
    for f in [
        _f("member_pos", "#", "seg_ins"),
        _f("transaction", "Set", None),
        _f(
            "subscriber_id",
            "Subscriber ID",
            "seg_ref_0f",
            "REF",
            2,
            "id",
            loop="2000",
            qualifier="0F",
        ),
        _f(
            "is_subscriber",
            "Sub?",
            "seg_ins",
            "INS",
            1,
            "code",
            codes.INS01,
            loop="2000",
            read="raw",
        ),
        _f(
            "relationship",
            "Relationship",
            "seg_ins",
            "INS",
            2,
            "code",
            codes.RELATIONSHIP,
            loop="2000",
        ),
        _f(
            "maintenance_type",
            "Maintenance",
            "seg_ins",
            "INS",
            3,
            "code",
            codes.MAINTENANCE_TYPE,
            loop="2000",
        ),
        _f(
            "maintenance_reason",
            "Reason",
            "seg_ins",
            "INS",
            4,
            "code",
            codes.MAINTENANCE_REASON,
            loop="2000",
        ),
        _f(
            "benefit_status",
            "Benefit status",
            "seg_ins",
            "INS",
            5,
            "code",
            codes.BENEFIT_STATUS,
            loop="2000",
        ),
        _f(
            "medicare_plan",
            "Medicare",
            "seg_ins",
            "INS",
            6,
            "code",
            codes.MEDICARE_PLAN,
            loop="2000",
            read="composite",
        ),
        _f(
            "employment_status",
            "Employment",
            "seg_ins",
            "INS",
            8,
            "code",
            codes.EMPLOYMENT_STATUS,
            loop="2000",
        ),
        _f(
            "student_status",
            "Student",
            "seg_ins",
            "INS",
            9,
            "code",
            codes.STUDENT_STATUS,
            loop="2000",
        ),
        _f("handicap", "Handicap", "seg_ins", "INS", 10, "code", codes.YES_NO, loop="2000"),
        _f("death_date", "Death date", "seg_ins", "INS", 12, "date", phi="date", loop="2000"),
        _f("member_id", "Member ID", "seg_ref_id", "REF", 2, "id", loop="2000", qualifier="*"),
        _f("member_ids", "Other IDs", "seg_ref_id"),
        _f(
            "policy_number", "Policy no.", "seg_ref_1l", "REF", 2, "id", loop="2000", qualifier="1L"
        ),
        _f("last_name", "Last name", "seg_nm1", "NM1", 3, phi="name", loop="2100A"),
        _f("first_name", "First name", "seg_nm1", "NM1", 4, phi="name", loop="2100A"),
        _f("middle_name", "Middle", "seg_nm1", "NM1", 5, phi="name", loop="2100A"),
        _f("name_suffix", "Suffix", "seg_nm1", "NM1", 7, loop="2100A"),
        _f(
            "id_qualifier",
            "ID qual.",
            "seg_nm1",
            "NM1",
            8,
            "code",
            {"34": "SSN", "ZZ": "Mutually defined"},
            loop="2100A",
            read="raw",
        ),
        _f(
            "ssn",
            "SSN",
            "seg_nm1",
            "NM1",
            9,
            "id",
            phi="ssn",
            loop="2100A",
            read="raw",
            when=(8, "34"),
        ),
        _f("member_identifier", "NM1 ID", "seg_nm1", "NM1", 9, "id", loop="2100A", read="raw"),
        _f("birth_date", "Birth date", "seg_dmg", "DMG", 2, "date", phi="date", loop="2100A"),
        _f("gender", "Gender", "seg_dmg", "DMG", 3, "code", codes.GENDER, loop="2100A"),
        _f(
            "marital_status",
            "Marital",
            "seg_dmg",
            "DMG",
            4,
            "code",
            codes.MARITAL_STATUS,
            loop="2100A",
        ),
        _f("address1", "Address", "seg_n3", "N3", 1, phi="street", loop="2100A"),
        _f("address2", "Address 2", "seg_n3", "N3", 2, phi="street", loop="2100A"),
        _f("city", "City", "seg_n4", "N4", 1, phi="city", loop="2100A"),
        _f("state", "State", "seg_n4", "N4", 2, loop="2100A", read="raw"),
        _f("zip", "ZIP", "seg_n4", "N4", 3, "id", phi="zip", loop="2100A", read="raw"),
        _f("country", "Country", "seg_n4", "N4", 4, loop="2100A", read="raw"),
        # PER: the first telephone-like and the first e-mail communication number
        _f("phone", "Phone", "seg_per", phi="phone"),
        _f("email", "E-mail", "seg_per", phi="email"),
        _f(
            "eligibility_begin",
            "Eligibility begin",
            "seg_dtp_356",
            "DTP",
            3,
            "date",
            loop="2000",
            qualifier="356",
        ),
        _f(
            "eligibility_end",
            "Eligibility end",
            "seg_dtp_357",
            "DTP",
            3,
            "date",
            loop="2000",
            qualifier="357",
        ),
        _f(
            "maintenance_effective",
            "Maint. effective",
            "seg_dtp_303",
            "DTP",
            3,
            "date",
            loop="2000",
            qualifier="303",
        ),
        _f("other_dates", "Other dates", "seg_ins"),
        _f("coverage_count", "Coverages", "seg_ins"),
    ]
}

COVERAGE_FIELDS: dict[str, FieldSpec] = {
    f.column: f
    for f in [
        _f("coverage_pos", "#", "seg_hd"),
        _f("member_pos", "Member #", "seg_hd"),
        _f("transaction", "Set", None),
        _f("subscriber_id", "Subscriber ID", "seg_hd"),
        _f("member_name", "Member", "seg_hd", phi="name"),
        _f("is_subscriber", "Sub?", "seg_hd"),
        _f(
            "maintenance_type",
            "Maintenance",
            "seg_hd",
            "HD",
            1,
            "code",
            codes.MAINTENANCE_TYPE,
            loop="2300",
        ),
        _f("insurance_line", "Line", "seg_hd", "HD", 3, "code", codes.INSURANCE_LINE, loop="2300"),
        _f("plan", "Plan", "seg_hd", "HD", 4, loop="2300"),
        _f("coverage_level", "Level", "seg_hd", "HD", 5, "code", codes.COVERAGE_LEVEL, loop="2300"),
        _f(
            "benefit_begin",
            "Benefit begin",
            "seg_dtp_348",
            "DTP",
            3,
            "date",
            loop="2300",
            qualifier="348",
        ),
        _f(
            "benefit_end",
            "Benefit end",
            "seg_dtp_349",
            "DTP",
            3,
            "date",
            loop="2300",
            qualifier="349",
        ),
        _f("other_dates", "Other dates", "seg_hd"),
        _f("policy_id", "Policy ID", "seg_ref_1l", "REF", 2, "id", loop="2300", qualifier="1L"),
        _f("plan_id", "Plan ID", "seg_ref_ce", "REF", 2, "id", loop="2300", qualifier="CE"),
        _f("other_refs", "Other refs", "seg_hd"),
    ]
}

#: Where a REF/DTP whose qualifier no column claims is listed as ``qualifier=value``.
OTHER_QUALIFIED = {
    ("2000", "REF"): "member_ids",
    ("2000", "DTP"): "other_dates",
    ("2300", "REF"): "other_refs",
    ("2300", "DTP"): "other_dates",
}

# Row layouts: displayed columns (the field maps, in order), then segment ordinals (0 = none).
MEMBER_COLUMNS = [
    *MEMBER_FIELDS,
    "seg_ins",
    "seg_ref_0f",
    "seg_ref_1l",
    "seg_ref_id",
    "seg_nm1",
    "seg_per",
    "seg_n3",
    "seg_n4",
    "seg_dmg",
    "seg_dtp_356",
    "seg_dtp_357",
    "seg_dtp_303",
    "seg_first",
    "seg_last",
]
COVERAGE_COLUMNS = [
    *COVERAGE_FIELDS,
    "seg_hd",
    "seg_dtp_348",
    "seg_dtp_349",
    "seg_ref_1l",
    "seg_ref_ce",
    "seg_first",
    "seg_last",
]
MEMBER_INT_COLUMNS = [
    c for c in MEMBER_COLUMNS if c.startswith("seg_") or c in ("member_pos", "coverage_count")
]
COVERAGE_INT_COLUMNS = [
    c for c in COVERAGE_COLUMNS if c.startswith("seg_") or c in ("coverage_pos", "member_pos")
]
#: Column index in a member row / a coverage row.
M = {name: i for i, name in enumerate(MEMBER_COLUMNS)}
C = {name: i for i, name in enumerate(COVERAGE_COLUMNS)}

# ---- 2750 reporting categories ------------------------------------------------------------------
#: Columns of ``Structure.categories``: one row per (member, category name).
CATEGORY_COLUMNS = ["member", "name", "value", "segment"]


def category_name(n102: str) -> str:
    """The name a 2750 category is known by (N102 without surrounding blanks, upper-case)."""
    return n102.strip().upper()


#: 2750 categories whose REF02 is a dollar amount (the one list: :mod:`records.codes`).
FINANCIAL_CATEGORIES = codes.FINANCIAL_CATEGORIES
