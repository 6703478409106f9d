"""The 834 structure: envelopes, header, members (2000 loops) and coverages (2300 loops).

One pass over the segment store labels every segment with its loop, collects one row per member
and per coverage (as plain lists, turned into DataFrames by :mod:`inspector.core.records.frames`), and
checks the envelope (SE/GE/IEA counts and control numbers). The pass touches each segment once;
it is the hot loop of loading a file, so it favours local variables over abstraction.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from inspector.core.errors import Cancelled, NotAn834Error
from inspector.core.findings import Finding
from inspector.core.progress import CancelCheck, Progress
from inspector.core.reading.source import TRANSACTION_NAMES, SegmentIds, SegmentStore
from inspector.core.records.dates import show_period
from inspector.core.records.table import ColumnTable, RowView

# Loop labels, indexed by the code stored per segment in Structure.loops.
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

# Path of each loop in the 834 tree, as used in findings (e.g. "2000/2300").
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

_NM1_2100 = {
    "IL": L_2100A,
    "74": L_2100A,
    "70": L_2100B,
    "31": L_2100C,
    "36": L_2100D,
    "M8": L_2100E,
    "S3": L_2100F,
    "45": L_2100H,
}
_HEADER_N1 = {"P5": L_1000A, "IN": L_1000B, "BO": L_1000C, "TV": L_1000C}
PHONE_QUALIFIERS = {"TE", "HP", "WP", "CP", "AP"}
KNOWN_834_GUIDES = ("005010X220A1", "004010X095A1")

# Member row layout. Display columns first, then segment ordinals (0 = no such segment).
MEMBER_COLUMNS = [
    "member_pos",
    "transaction",
    "subscriber_id",
    "is_subscriber",
    "relationship",
    "maintenance_type",
    "maintenance_reason",
    "benefit_status",
    "medicare_plan",
    "employment_status",
    "student_status",
    "handicap",
    "death_date",
    "member_id",
    "member_ids",
    "policy_number",
    "last_name",
    "first_name",
    "middle_name",
    "name_suffix",
    "id_qualifier",
    "ssn",
    "member_identifier",
    "birth_date",
    "gender",
    "marital_status",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "email",
    "eligibility_begin",
    "eligibility_end",
    "maintenance_effective",
    "other_dates",
    "coverage_count",
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
    "coverage_pos",
    "member_pos",
    "transaction",
    "subscriber_id",
    "member_name",
    "is_subscriber",
    "maintenance_type",
    "insurance_line",
    "plan",
    "coverage_level",
    "benefit_begin",
    "benefit_end",
    "other_dates",
    "policy_id",
    "plan_id",
    "other_refs",
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
M = {name: i for i, name in enumerate(MEMBER_COLUMNS)}
C = {name: i for i, name in enumerate(COVERAGE_COLUMNS)}


@dataclass
class Transaction:
    """One ST/SE transaction set."""

    st: int
    control: str
    set_id: str
    guide: str
    se: int | None = None
    bgn: list[str] = field(default_factory=list)
    bgn_segment: int | None = None
    sponsor: str = ""
    payer: str = ""
    master_policy: str = ""
    qty: dict[str, tuple[str, int]] = field(default_factory=dict)
    first_member: int = 0  # index into the member rows
    member_count: int = 0

    @property
    def action(self) -> str:
        """BGN08: '2' change, '4' verify, 'RX' replace ('' when absent)."""
        return self.bgn[8] if len(self.bgn) > 8 else ""


@dataclass
class Group:
    gs: int
    control: str
    functional_id: str
    version: str
    ge: int | None = None
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Interchange:
    isa: int
    control: str
    sender: str
    receiver: str
    date: str
    time: str
    version: str
    usage: str
    iea: int | None = None
    groups: list[Group] = field(default_factory=list)


@dataclass
class Structure:
    """Everything the single pass learned about a file."""

    interchanges: list[Interchange]
    transactions: list[Transaction]
    loops: bytearray  # loop code per segment (index = ordinal - 1)
    members: ColumnTable  # one row per 2000 loop, columns MEMBER_COLUMNS
    coverages: ColumnTable  # one row per 2300 loop, columns COVERAGE_COLUMNS
    categories: ColumnTable  # one row per 2750 category: member index, name, value, ordinal
    category_names: list[str]
    problems: list[Finding]
    other_transactions: list[str]

    @property
    def member_rows(self) -> RowView:
        """Rows as lists indexed by ``M[column]`` (read-only, built on access)."""
        return RowView(self.members)

    @property
    def coverage_rows(self) -> RowView:
        """Rows as lists indexed by ``C[column]`` (read-only, built on access)."""
        return RowView(self.coverages)

    @property
    def member_starts(self) -> np.ndarray:
        return self.members.array("seg_first")

    @property
    def member_ends(self) -> np.ndarray:
        return self.members.array("seg_last")

    def loop_of(self, ordinal: int) -> str:
        return LOOPS[self.loops[ordinal - 1]]

    def loop_path(self, ordinal: int) -> str:
        name = self.loop_of(ordinal)
        return LOOP_PATHS.get(name, name)

    def member_at(self, ordinal: int) -> int | None:
        """0-based member index of the 2000 loop that holds a segment, or None."""
        return span_containing(self.member_starts, self.member_ends, ordinal)


def span_containing(firsts: np.ndarray, lasts: np.ndarray, ordinal: int) -> int | None:
    """Index ``i`` of the span ``firsts[i]..lasts[i]`` holding ``ordinal``, or None.

    Spans are sorted and do not overlap (members, coverages): a binary search, O(log n).
    """
    i = int(np.searchsorted(firsts, ordinal, side="right")) - 1
    if i < 0 or ordinal > lasts[i]:
        return None
    return i


_WS = " \t\r\n\x0b\x0c"


def _same(value: str) -> str:
    return value


class _Decoded(dict):
    """Code → "code meaning" display string, each built once (saves time and memory)."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__({k: f"{k} {v}" for k, v in table.items()})
        self[""] = ""

    def __missing__(self, code: str) -> str:
        value = self[code] = f"{code} (unknown code)"
        return value


class _Dates(dict):
    """Cache of :func:`show_period`: files repeat the same few dates thousands of times."""

    def __missing__(self, value: str) -> str:
        shown = self[value] = show_period(value)
        return shown


def build_structure(
    store: SegmentStore, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> Structure:
    """Walk every segment once; raises :class:`NotAn834Error` if the file holds no 834."""
    from inspector.core.records import codes as K

    BENEFIT_STATUS, COVERAGE_LEVEL = _Decoded(K.BENEFIT_STATUS), _Decoded(K.COVERAGE_LEVEL)
    EMPLOYMENT_STATUS, GENDER = _Decoded(K.EMPLOYMENT_STATUS), _Decoded(K.GENDER)
    INSURANCE_LINE, MAINTENANCE_REASON = _Decoded(K.INSURANCE_LINE), _Decoded(K.MAINTENANCE_REASON)
    MAINTENANCE_TYPE, MARITAL_STATUS = _Decoded(K.MAINTENANCE_TYPE), _Decoded(K.MARITAL_STATUS)
    MEDICARE_PLAN, RELATIONSHIP = _Decoded(K.MEDICARE_PLAN), _Decoded(K.RELATIONSHIP)
    STUDENT_STATUS, YES_NO = _Decoded(K.STUDENT_STATUS), _Decoded(K.YES_NO)
    DATE = _Dates()

    sep = store.delimiters.element
    comp = store.delimiters.component
    term = store.delimiters.segment
    starts = store.starts
    ends = store.ends
    n = len(store)
    # Pieces between terminators carry the line breaks/indentation that follow a terminator
    # unless the file has none (one-line files): strip only when needed.
    needs_strip = bool(n > 1 and np.any(starts[1:] != ends[:-1] + 1))
    ids = array("H")  # segment id code per segment; names in id_names
    ids_append = ids.append
    id_codes: dict[str, int] = {}
    id_names: list[str] = []
    shared_text: dict[str, str] = {}
    loops = bytearray(n)
    text_of = store.text_between
    dec = store.decode if (store.utf8 and not store.is_ascii) else _same
    problems: list[Finding] = []

    interchanges: list[Interchange] = []
    transactions: list[Transaction] = []
    other_sets: list[str] = []
    members = ColumnTable(MEMBER_COLUMNS, MEMBER_INT_COLUMNS)
    coverages = ColumnTable(COVERAGE_COLUMNS, COVERAGE_INT_COLUMNS)
    categories = ColumnTable(["member", "name", "value", "segment"], ["member", "segment"])
    category_names: dict[str, None] = {}
    member_template = members.template
    coverage_template = coverages.template
    member_count = 0
    coverage_count = 0

    isa: Interchange | None = None
    gs: Group | None = None
    st: Transaction | None = None
    ctx = L_NONE
    mrow: list | None = None  # current member row
    mcovs: list[list] = []  # coverage rows of the current member
    mcats: dict[str, tuple[str, int]] = {}
    cov: list | None = None
    category = ""
    category_valued = False  # the current 2750 already gave its value (REF, or DTP alone)
    supplemental: list[str] = []
    mdates: list[str] = []
    cdates: list[str] = []
    crefs: list[str] = []
    in_cov_area = False
    step = 32768

    def env(
        code: str,
        message: str,
        ordinal: int,
        seg_id: str,
        element: str | None = None,
        value: str | None = None,
        severity: str = "error",
    ) -> None:
        problems.append(
            Finding(
                severity=severity,
                code=code,
                message=message,
                segment=ordinal,  # type: ignore[arg-type]
                segment_id=seg_id,
                element=element,
                value=value,
                source="envelope",
            )
        )

    def close_member(last: int) -> None:
        # The finished rows move into the column tables; the row lists are dropped.
        nonlocal mrow, mcovs, mcats
        if mrow is None:
            return
        close_coverage(last)
        mrow[M["seg_last"]] = last
        mrow[M["coverage_count"]] = len(mcovs)
        mrow[M["member_ids"]] = "; ".join(supplemental)
        mrow[M["other_dates"]] = "; ".join(mdates)
        name = ", ".join(p for p in (mrow[M["last_name"]], mrow[M["first_name"]]) if p)
        for crow in mcovs:
            crow[C["subscriber_id"]] = mrow[M["subscriber_id"]]
            crow[C["member_name"]] = name
            coverages.append(crow)
        index = mrow[M["member_pos"]] - 1
        for cat_name, (cat_value, cat_segment) in mcats.items():
            categories.append([index, cat_name, cat_value, cat_segment])
        members.append(mrow)
        mrow = None
        mcovs = []
        mcats = {}

    def close_coverage(last: int) -> None:
        nonlocal cov
        if cov is not None:
            cov[C["seg_last"]] = min(cov[C["seg_last"]] or last, last)
            cov[C["other_dates"]] = "; ".join(cdates)
            cov[C["other_refs"]] = "; ".join(crefs)
            cov = None

    for a in range(0, n, step):
        b = min(n, a + step)
        if a:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(a, n)
        pieces = text_of(int(starts[a]), int(ends[b - 1])).split(term)
        if needs_strip:
            pieces = [p.lstrip(_WS) for p in pieces]
        i = a - 1
        for seg in pieces:
            i += 1
            els = seg.split(sep)
            tag = els[0]
            code = id_codes.get(tag)
            if code is None:
                code = id_codes[tag] = len(id_names)
                id_names.append(tag)
            ids_append(code)
            o = i + 1
            ne = len(els)

            # ---- member level: the bulk of any real file -----------------------------------------
            if mrow is not None:
                if tag == "REF":
                    q = els[1] if ne > 1 else ""
                    v = els[2] if ne > 2 else ""
                    if ctx in (L_2750, L_2700):
                        ctx = L_2750
                        if category and not category_valued:
                            category_valued = True
                            old = mcats.get(category)
                            mcats[category] = (v, o) if old is None else (f"{old[0]}; {v}", old[1])
                    elif in_cov_area:
                        if ctx != L_2300:
                            pass  # REF inside 2310/2320/2330 belongs there
                        elif q == "1L" and not cov[C["seg_ref_1l"]]:
                            cov[C["policy_id"]] = dec(v)
                            cov[C["seg_ref_1l"]] = o
                        elif q == "CE" and not cov[C["seg_ref_ce"]]:
                            cov[C["plan_id"]] = dec(v)
                            cov[C["seg_ref_ce"]] = o
                        else:
                            crefs.append(f"{q}={dec(v)}")
                    elif ctx == L_2000:
                        if q == "0F" and not mrow[M["seg_ref_0f"]]:
                            mrow[M["subscriber_id"]] = dec(v)
                            mrow[M["seg_ref_0f"]] = o
                        elif q == "1L" and not mrow[M["seg_ref_1l"]]:
                            mrow[M["policy_number"]] = dec(v)
                            mrow[M["seg_ref_1l"]] = o
                        else:
                            if not mrow[M["seg_ref_id"]]:
                                mrow[M["member_id"]] = dec(v)
                                mrow[M["seg_ref_id"]] = o
                            supplemental.append(f"{q}={dec(v)}")
                    loops[i] = ctx
                    continue
                if tag == "DTP":
                    q = els[1] if ne > 1 else ""
                    v = els[3] if ne > 3 else ""
                    if ctx in (L_2750, L_2700):
                        ctx = L_2750
                        if category and not category_valued and q == "007":
                            # A category carried by its date alone (e.g. a previous end date)
                            category_valued = True
                            old = mcats.get(category)
                            shown = DATE[v]
                            mcats[category] = (
                                (shown, o) if old is None else (f"{old[0]}; {shown}", old[1])
                            )
                    elif in_cov_area:
                        if ctx == L_2300:
                            if q == "348" and not cov[C["seg_dtp_348"]]:
                                cov[C["benefit_begin"]] = DATE[v]
                                cov[C["seg_dtp_348"]] = o
                            elif q == "349" and not cov[C["seg_dtp_349"]]:
                                cov[C["benefit_end"]] = DATE[v]
                                cov[C["seg_dtp_349"]] = o
                            else:
                                cdates.append(f"{q}={DATE[v]}")
                    elif ctx == L_2000:
                        if q == "356" and not mrow[M["seg_dtp_356"]]:
                            mrow[M["eligibility_begin"]] = DATE[v]
                            mrow[M["seg_dtp_356"]] = o
                        elif q == "357" and not mrow[M["seg_dtp_357"]]:
                            mrow[M["eligibility_end"]] = DATE[v]
                            mrow[M["seg_dtp_357"]] = o
                        elif q == "303" and not mrow[M["seg_dtp_303"]]:
                            mrow[M["maintenance_effective"]] = DATE[v]
                            mrow[M["seg_dtp_303"]] = o
                        else:
                            mdates.append(f"{q}={DATE[v]}")
                    loops[i] = ctx
                    continue
                if tag == "LX":
                    if ctx in (L_LS, L_2700, L_2750):
                        ctx = L_2700
                        category = ""
                    elif in_cov_area:
                        ctx = L_2310
                    loops[i] = ctx
                    continue
                if tag == "N1" and ctx in (L_2700, L_2750):
                    ctx = L_2750
                    category = (els[2] if ne > 2 else "").strip().upper()
                    shared = shared_text.get(category)
                    if shared is None:
                        shared_text[category] = shared = category
                    category = shared
                    category_valued = False
                    if category:
                        category_names.setdefault(category, None)
                    loops[i] = ctx
                    continue
                if tag == "NM1":
                    q = els[1] if ne > 1 else ""
                    if in_cov_area:
                        ctx = L_2330 if ctx in (L_2320, L_2330) else L_2310
                    else:
                        ctx = _NM1_2100.get(q, L_2100G)
                        if ctx == L_2100A and not mrow[M["seg_nm1"]]:
                            mrow[M["seg_nm1"]] = o
                            mrow[M["last_name"]] = dec(els[3]) if ne > 3 else ""
                            mrow[M["first_name"]] = dec(els[4]) if ne > 4 else ""
                            mrow[M["middle_name"]] = dec(els[5]) if ne > 5 else ""
                            mrow[M["name_suffix"]] = dec(els[7]) if ne > 7 else ""
                            idq = els[8] if ne > 8 else ""
                            idv = els[9] if ne > 9 else ""
                            mrow[M["id_qualifier"]] = idq
                            mrow[M["member_identifier"]] = idv
                            if idq == "34":
                                mrow[M["ssn"]] = idv
                    loops[i] = ctx
                    continue
                if ctx == L_2100A and tag in ("DMG", "N3", "N4", "PER"):
                    if tag == "DMG" and not mrow[M["seg_dmg"]]:
                        mrow[M["seg_dmg"]] = o
                        mrow[M["birth_date"]] = DATE[els[2]] if ne > 2 else ""
                        mrow[M["gender"]] = GENDER[els[3]] if ne > 3 else ""
                        mrow[M["marital_status"]] = MARITAL_STATUS[els[4]] if ne > 4 else ""
                    elif tag == "N3" and not mrow[M["seg_n3"]]:
                        mrow[M["seg_n3"]] = o
                        mrow[M["address1"]] = dec(els[1]) if ne > 1 else ""
                        mrow[M["address2"]] = dec(els[2]) if ne > 2 else ""
                    elif tag == "N4" and not mrow[M["seg_n4"]]:
                        mrow[M["seg_n4"]] = o
                        mrow[M["city"]] = dec(els[1]) if ne > 1 else ""
                        mrow[M["state"]] = els[2] if ne > 2 else ""
                        mrow[M["zip"]] = els[3] if ne > 3 else ""
                        mrow[M["country"]] = els[4] if ne > 4 else ""
                    elif tag == "PER" and not mrow[M["seg_per"]]:
                        mrow[M["seg_per"]] = o
                        for k in (3, 5, 7):
                            if ne > k + 1:
                                if els[k] in PHONE_QUALIFIERS and not mrow[M["phone"]]:
                                    mrow[M["phone"]] = els[k + 1]
                                elif els[k] == "EM" and not mrow[M["email"]]:
                                    mrow[M["email"]] = dec(els[k + 1])
                    loops[i] = ctx
                    continue
                if tag == "HD":
                    close_coverage(o - 1)
                    in_cov_area = True
                    ctx = L_2300
                    cov = coverage_template.copy()
                    coverage_count += 1
                    cov[C["coverage_pos"]] = coverage_count
                    cov[C["member_pos"]] = mrow[M["member_pos"]]
                    cov[C["transaction"]] = mrow[M["transaction"]]
                    cov[C["is_subscriber"]] = mrow[M["is_subscriber"]]
                    cov[C["maintenance_type"]] = MAINTENANCE_TYPE[els[1]] if ne > 1 else ""
                    cov[C["insurance_line"]] = INSURANCE_LINE[els[3]] if ne > 3 else ""
                    cov[C["plan"]] = dec(els[4]) if ne > 4 else ""
                    cov[C["coverage_level"]] = COVERAGE_LEVEL[els[5]] if ne > 5 else ""
                    cov[C["seg_hd"]] = o
                    cov[C["seg_first"]] = o
                    cdates = []
                    crefs = []
                    mcovs.append(cov)
                    loops[i] = ctx
                    continue
                if tag == "LS":
                    close_coverage(o - 1)
                    in_cov_area = False
                    ctx = L_LS
                    loops[i] = ctx
                    continue
                if tag == "LE":
                    ctx = L_LE
                    loops[i] = ctx
                    continue
                if tag == "COB" and in_cov_area:
                    ctx = L_2320
                    loops[i] = ctx
                    continue
                if tag == "DSB" and not in_cov_area:
                    ctx = L_2200
                    loops[i] = ctx
                    continue
                if tag not in ("INS", "SE", "ST", "GE", "IEA", "GS", "ISA"):
                    loops[i] = ctx
                    continue
                # INS or an envelope segment ends the member
                close_member(o - 1)

            if tag == "INS":
                if st is None:
                    env(
                        "ENV-INS-OUTSIDE-ST",
                        "This INS (member) segment is outside any ST/SE transaction set.",
                        o,
                        tag,
                    )
                    loops[i] = L_2000
                    continue
                if ctx == L_OTHER:
                    loops[i] = L_OTHER
                    continue
                member_count += 1
                mrow = member_template.copy()
                mrow[M["member_pos"]] = member_count
                mrow[M["transaction"]] = st.control
                mrow[M["is_subscriber"]] = els[1] if ne > 1 else ""
                mrow[M["relationship"]] = RELATIONSHIP[els[2]] if ne > 2 else ""
                mrow[M["maintenance_type"]] = MAINTENANCE_TYPE[els[3]] if ne > 3 else ""
                mrow[M["maintenance_reason"]] = MAINTENANCE_REASON[els[4]] if ne > 4 else ""
                mrow[M["benefit_status"]] = BENEFIT_STATUS[els[5]] if ne > 5 else ""
                mrow[M["medicare_plan"]] = MEDICARE_PLAN[els[6].split(comp)[0]] if ne > 6 else ""
                mrow[M["employment_status"]] = EMPLOYMENT_STATUS[els[8]] if ne > 8 else ""
                mrow[M["student_status"]] = STUDENT_STATUS[els[9]] if ne > 9 else ""
                mrow[M["handicap"]] = YES_NO[els[10]] if ne > 10 else ""
                mrow[M["death_date"]] = DATE[els[12]] if ne > 12 else ""
                mrow[M["seg_ins"]] = o
                mrow[M["seg_first"]] = o
                st.member_count += 1
                supplemental = []
                mdates = []
                mcats = {}
                category = ""
                in_cov_area = False
                ctx = L_2000
                loops[i] = ctx
                continue

            # ---- header and envelope ----------------------------------------------------------------
            if tag == "ISA":
                if isa is not None and isa.iea is None:
                    env(
                        "ENV-MISSING-IEA",
                        "A new ISA starts before the previous interchange was "
                        "closed by an IEA segment.",
                        o,
                        tag,
                    )
                if gs is not None and gs.ge is None:
                    gs = None
                st = None
                f = els + [""] * (17 - ne)
                isa = Interchange(
                    o, f[13].strip(), f[6].strip(), f[8].strip(), f[9], f[10], f[12], f[15]
                )
                interchanges.append(isa)
                loops[i] = ctx = L_ISA
            elif tag == "GS":
                if isa is None:
                    env("ENV-GS-OUTSIDE-ISA", "GS segment outside an ISA/IEA interchange.", o, tag)
                if gs is not None and gs.ge is None:
                    env(
                        "ENV-MISSING-GE",
                        "A new GS starts before the previous functional group "
                        "was closed by a GE segment.",
                        o,
                        tag,
                    )
                f = els + [""] * (9 - ne)
                gs = Group(o, f[6], f[1], f[8])
                if isa is not None:
                    isa.groups.append(gs)
                loops[i] = ctx = L_GS
            elif tag == "ST":
                if st is not None and st.se is None:
                    env(
                        "ENV-MISSING-SE",
                        f"A new ST starts before transaction set {st.control} was "
                        "closed by an SE segment.",
                        o,
                        tag,
                    )
                f = els + [""] * (4 - ne)
                guide = f[3] or (gs.version if gs else "")
                st = Transaction(o, f[2], f[1], guide, first_member=member_count)
                if gs is None:
                    env("ENV-ST-OUTSIDE-GS", "ST segment outside a GS/GE functional group.", o, tag)
                else:
                    gs.transactions.append(st)
                if f[1] != "834":
                    other_sets.append(f[1])
                    env(
                        "ENV-NOT-834",
                        f"Transaction set {f[2]} is {TRANSACTION_NAMES.get(f[1], 'a ' + f[1])}"
                        ", not an 834; its content is not shown.",
                        o,
                        tag,
                        "ST01",
                        f[1],
                        "warning",
                    )
                    loops[i] = ctx = L_OTHER
                else:
                    transactions.append(st)
                    if guide and guide not in KNOWN_834_GUIDES:
                        env(
                            "ENV-GUIDE-VERSION",
                            f"This 834 says it follows guide {guide}; the "
                            "inspector reads it, but implementation-guide checks exist only for "
                            "005010X220A1 and 004010X095A1.",
                            o,
                            tag,
                            "ST03" if f[3] else "GS08",
                            guide,
                            "warning",
                        )
                    if f[3] and gs is not None and gs.version and f[3] != gs.version:
                        env(
                            "ENV-ST03-GS08",
                            f"ST03 ({f[3]}) differs from GS08 ({gs.version}); they "
                            "must name the same guide.",
                            o,
                            tag,
                            "ST03",
                            f[3],
                            "warning",
                        )
                    loops[i] = ctx = L_HEADER
            elif tag == "SE":
                if st is None:
                    env("ENV-SE-WITHOUT-ST", "SE segment without a matching ST.", o, tag)
                else:
                    st.se = o
                    f = els + [""] * (3 - ne)
                    actual = o - st.st + 1
                    if f[1].strip() != str(actual):
                        env(
                            "ENV-SE01-COUNT",
                            f"SE01 says the transaction set has {f[1] or 'no'} "
                            f"segments, but it has {actual} (ST through SE). Set SE01 to {actual}.",
                            o,
                            tag,
                            "SE01",
                            f[1],
                        )
                    if f[2] != st.control:
                        env(
                            "ENV-SE02-CONTROL",
                            f"SE02 ({f[2]}) does not match ST02 ({st.control}); "
                            "they must be the same control number.",
                            o,
                            tag,
                            "SE02",
                            f[2],
                        )
                    _check_qty(st, env)
                    st = None
                loops[i] = ctx = L_SE
            elif tag == "GE":
                if gs is None:
                    env("ENV-GE-WITHOUT-GS", "GE segment without a matching GS.", o, tag)
                else:
                    gs.ge = o
                    f = els + [""] * (3 - ne)
                    count = len(gs.transactions)
                    if f[1].strip() != str(count):
                        env(
                            "ENV-GE01-COUNT",
                            f"GE01 says the group has {f[1] or 'no'} transaction "
                            f"sets, but it has {count}. Set GE01 to {count}.",
                            o,
                            tag,
                            "GE01",
                            f[1],
                        )
                    if f[2].strip() != gs.control.strip():
                        env(
                            "ENV-GE02-CONTROL",
                            f"GE02 ({f[2]}) does not match GS06 ({gs.control}).",
                            o,
                            tag,
                            "GE02",
                            f[2],
                        )
                    gs = None
                loops[i] = ctx = L_GE
            elif tag == "IEA":
                if isa is None:
                    env("ENV-IEA-WITHOUT-ISA", "IEA segment without a matching ISA.", o, tag)
                else:
                    isa.iea = o
                    f = els + [""] * (3 - ne)
                    count = len(isa.groups)
                    if f[1].strip() != str(count):
                        env(
                            "ENV-IEA01-COUNT",
                            f"IEA01 says the interchange has {f[1] or 'no'} "
                            f"functional groups, but it has {count}. Set IEA01 to {count}.",
                            o,
                            tag,
                            "IEA01",
                            f[1],
                        )
                    if f[2].strip() != isa.control:
                        env(
                            "ENV-IEA02-CONTROL",
                            f"IEA02 ({f[2]}) does not match ISA13 ({isa.control}).",
                            o,
                            tag,
                            "IEA02",
                            f[2],
                        )
                loops[i] = ctx = L_IEA
            elif ctx == L_OTHER:
                loops[i] = L_OTHER
            elif st is not None:
                # transaction header (before the first INS)
                if tag == "N1":
                    ctx = _HEADER_N1.get(els[1] if ne > 1 else "", L_1000)
                    name = dec(els[2]) if ne > 2 else ""
                    if ctx == L_1000A and not st.sponsor:
                        st.sponsor = name
                    elif ctx == L_1000B and not st.payer:
                        st.payer = name
                elif tag == "ACT":
                    ctx = L_1100C
                elif tag == "BGN":
                    st.bgn = els
                    st.bgn_segment = o
                elif tag == "REF" and ctx == L_HEADER and ne > 2 and els[1] == "38":
                    st.master_policy = dec(els[2])
                elif tag == "QTY" and ne > 2:
                    st.qty[els[1]] = (els[2], o)
                loops[i] = ctx
            else:
                if tag:
                    env(
                        "ENV-OUTSIDE-ENVELOPE",
                        f"Segment {tag} is outside any ST/SE transaction "
                        "set; it will be ignored by most systems.",
                        o,
                        tag,
                        severity="error",
                    )
                loops[i] = L_NONE

    close_member(n)
    if st is not None and st.se is None:
        env(
            "ENV-MISSING-SE",
            f"The file ends before transaction set {st.control} is closed by an "
            "SE segment: the file is truncated or incomplete.",
            n,
            id_names[ids[-1]] if ids else "",
        )
        _check_qty(st, env)
    if gs is not None and gs.ge is None:
        env(
            "ENV-MISSING-GE",
            "The file ends before the functional group is closed by a GE segment.",
            n,
            id_names[ids[-1]] if ids else "",
        )
    if isa is not None and isa.iea is None:
        env(
            "ENV-MISSING-IEA",
            "The file ends before the interchange is closed by an IEA "
            "segment: the file is truncated or incomplete.",
            n,
            id_names[ids[-1]] if ids else "",
        )
    if progress is not None:
        progress(n, n)

    store._ids = SegmentIds(ids, id_names)
    for table in (members, coverages, categories):
        table.freeze()
    if not transactions:
        if other_sets:
            kinds = ", ".join(sorted({TRANSACTION_NAMES.get(s, "a " + s) for s in other_sets}))
            raise NotAn834Error(store.path, f"this X12 file is {kinds}, not an 834 enrollment file")
        raise NotAn834Error(
            store.path, "this X12 file has no ST*834 transaction set (no enrollment data)"
        )
    return Structure(
        interchanges,
        transactions,
        loops,
        members,
        coverages,
        categories,
        list(category_names),
        problems,
        other_sets,
    )


def _check_qty(st: Transaction, env: Callable[..., None]) -> None:
    """QTY*TO/ET/DT control totals, when sent, should match the members in the set."""
    if not st.qty:
        return
    # Subscribers and dependents are counted at the end, from the member rows, by frames;
    # here only the total is known cheaply.
    total = st.qty.get("TO")
    if total is not None:
        try:
            expected = float(total[0])
        except ValueError:
            env(
                "ENV-QTY-VALUE",
                f"QTY*TO value '{total[0]}' is not a number.",
                total[1],
                "QTY",
                "QTY02",
                total[0],
                "warning",
            )
            return
        if expected != st.member_count:
            env(
                "ENV-QTY-TOTAL",
                f"QTY*TO says {total[0]} members, but transaction set "
                f"{st.control} has {st.member_count} INS loops.",
                total[1],
                "QTY",
                "QTY02",
                total[0],
                "warning",
            )
