"""The 834 structure: envelopes, header, members (2000 loops) and coverages (2300 loops).

One pass over the segment store labels every segment with its loop, collects one row per member
and per coverage (column tables, turned into DataFrames by :mod:`inspector.core.records.frames`),
and checks the envelope (:mod:`inspector.core.records.envelope`).

The pass is one generic loop over tables compiled from :mod:`inspector.core.records.grammar`:
for the state it is in (the loop, whether inside the 2300 area, whether a transaction set is
open) a segment id gives the state it moves to and the small handler that reads its fields.
It touches each segment once and is the hot loop of loading a file.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from inspector.core.errors import Cancelled, NotAn834Error
from inspector.core.findings import Finding
from inspector.core.progress import CancelCheck, Progress
from inspector.core.reading.source import TRANSACTION_NAMES, SegmentIds, SegmentStore
from inspector.core.records.dates import show_period
from inspector.core.records.envelope import (
    TRAILERS,
    Group,
    Interchange,
    Transaction,
    envelope_finding,
    missing_trailer,
    qty_findings,
    trailer_findings,
    unclosed,
)
from inspector.core.records.grammar import (
    CATEGORY_COLUMNS,
    COVERAGE_COLUMNS,
    COVERAGE_FIELDS,
    COVERAGE_INT_COLUMNS,
    FINANCIAL_CATEGORIES,
    HEADER_LOOPS,
    KNOWN_834_GUIDES,
    L_2000,
    L_2750,
    L_GS,
    L_HEADER,
    L_ISA,
    L_NONE,
    L_OTHER,
    LOOP_CODE,
    LOOP_PATHS,
    LOOPS,
    MEMBER_COLUMNS,
    MEMBER_FIELDS,
    MEMBER_INT_COLUMNS,
    MEMBER_LOOPS,
    OTHER_QUALIFIED,
    PHONE_QUALIFIERS,
    TRANSITIONS,
    C,
    FieldSpec,
    M,
    Transition,
    category_name,
)
from inspector.core.records.table import ColumnTable, RowView

__all__ = [
    "COVERAGE_COLUMNS",
    "FINANCIAL_CATEGORIES",
    "LOOPS",
    "LOOP_PATHS",
    "MEMBER_COLUMNS",
    "C",
    "Group",
    "Interchange",
    "M",
    "Structure",
    "Transaction",
    "build_structure",
    "span_containing",
]

# A pass state is a loop code (bits 0-4) plus two flags.
COV = 32  # inside the 2300 area: from an HD up to the LS or the member's end
OUT = 64  # no transaction set open (before the first ST, after an SE)
# In 2750: the category named by the last N1 still waits for its value (REF02, or DTP*007 alone)
PENDING = 128
LABEL = 31
_STATES = 256

#: handler(elements, ordinal, state it moves to) -> the state after the segment
Action = Callable[[list[str], int, int], int]
Step = tuple[int, Action | None]
#: (row index, element, converter) and the same with a (element, value) condition
Plain = list[tuple[int, int, Callable[[str], str]]]
Conditional = list[tuple[int, int, Callable[[str], str], tuple[int, str]]]

# Row cells the handlers write (module constants: cheaper than M[...] once per segment).
_M_COVERAGE_COUNT = M["coverage_count"]
_M_EMAIL = M["email"]
_M_FIRST_NAME = M["first_name"]
_M_IS_SUBSCRIBER = M["is_subscriber"]
_M_LAST_NAME = M["last_name"]
_M_MEMBER_POS = M["member_pos"]
_M_PHONE = M["phone"]
_M_SEG_FIRST = M["seg_first"]
_M_SEG_INS = M["seg_ins"]
_M_SEG_LAST = M["seg_last"]
_M_SEG_PER = M["seg_per"]
_M_SUBSCRIBER_ID = M["subscriber_id"]
_M_TRANSACTION = M["transaction"]
_C_COVERAGE_POS = C["coverage_pos"]
_C_IS_SUBSCRIBER = C["is_subscriber"]
_C_MEMBER_NAME = C["member_name"]
_C_MEMBER_POS = C["member_pos"]
_C_SEG_FIRST = C["seg_first"]
_C_SEG_HD = C["seg_hd"]
_C_SEG_LAST = C["seg_last"]
_C_SUBSCRIBER_ID = C["subscriber_id"]
_C_TRANSACTION = C["transaction"]

# Segments read where they open a row (their fields by the opener, not a reader of the loop).
_OPENERS = {("2000", "INS"), ("2300", "HD")}


@dataclass
class Structure:
    """Everything the single pass learned about a file."""

    interchanges: list[Interchange]
    transactions: list[Transaction]
    loops: bytearray  # loop code per segment (index = ordinal - 1)
    members: ColumnTable  # one row per 2000 loop, columns MEMBER_COLUMNS
    coverages: ColumnTable  # one row per 2300 loop, columns COVERAGE_COLUMNS
    #: one row per (member, 2750 category): member index, name, value, ordinal of the segment
    #: that gave the value (REF02, or DTP03 for a category carried by its date alone)
    categories: ColumnTable
    category_names: list[str]  # every category name in the file, in order of first use
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

    def categories_of(self, member: int) -> dict[str, tuple[str, int]]:
        """The 2750 categories of one member (0-based index): name -> (value, ordinal).

        A category sent twice for the member shows both values ("a; b") at the first ordinal.
        """
        rows = self.categories.array("member")
        a, b = np.searchsorted(rows, [member, member + 1])  # rows are in member order
        names, values = self.categories.column("name"), self.categories.column("value")
        ordinals = self.categories.column("segment")
        return {names[k]: (values[k], int(ordinals[k])) for k in range(int(a), int(b))}


def span_containing(firsts: np.ndarray, lasts: np.ndarray, ordinal: int) -> int | None:
    """Index ``i`` of the span ``firsts[i]..lasts[i]`` holding ``ordinal``, or None.

    Spans are sorted and do not overlap (members, coverages): a binary search, O(log n).
    """
    i = int(np.searchsorted(firsts, ordinal, side="right")) - 1
    if i < 0 or ordinal > lasts[i]:
        return None
    return i


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


def _transition(tag: str, loop: str, cov: bool) -> Transition | None:
    """The first rule of the grammar for ``tag`` seen in ``loop`` (None: it stays there)."""
    for t in TRANSITIONS:
        if t.segment == tag and loop in t.within and (t.coverage is None or t.coverage == cov):
            return t
    return None


def _target(loop: str, cov: bool) -> int:
    return LOOP_CODE[loop] | (COV if cov else 0)


class _Pass:
    """State and handlers of one structure pass (see :func:`build_structure`)."""

    def __init__(self, store: SegmentStore) -> None:
        self.store = store
        self.dec = store.decode if (store.utf8 and not store.is_ascii) else _same
        self.comp = store.delimiters.component
        self.dates = _Dates()
        self._decoded: dict[int, _Decoded] = {}
        self.loops = bytearray(len(store))
        self.ids = array("H")  # segment id code per segment; names in id_names
        self.id_codes: dict[str, int] = {}
        self.id_names: list[str] = []
        self.problems: list[Finding] = []
        self.interchanges: list[Interchange] = []
        self.transactions: list[Transaction] = []
        self.other_sets: list[str] = []
        self.members = ColumnTable(MEMBER_COLUMNS, MEMBER_INT_COLUMNS)
        self.coverages = ColumnTable(COVERAGE_COLUMNS, COVERAGE_INT_COLUMNS)
        self.categories = ColumnTable(CATEGORY_COLUMNS, ["member", "segment"])
        self.category_names: dict[str, None] = {}
        self.names: dict[str, str] = {}  # N102 as sent -> category name
        self.isa: Interchange | None = None
        self.gs: Group | None = None
        self.st: Transaction | None = None
        self.mrow: list | None = None  # the member being read
        self.mcovs: list[list] = []  # its coverage rows
        self.mcats: dict[str, tuple[str, int]] = {}  # its 2750 categories
        self.cov: list | None = None  # the coverage being read
        self.category = ""  # name of the 2750 being read (its value pending: state PENDING)
        self.member_count = 0
        self.coverage_count = 0
        self.ins_fields = self._plain(MEMBER_FIELDS.values(), "2000", "INS")
        self.hd_fields = self._plain(COVERAGE_FIELDS.values(), "2300", "HD")
        self.member_lists = [M[c] for (loop, _), c in OTHER_QUALIFIED.items() if loop == "2000"]
        self.coverage_lists = [C[c] for (loop, _), c in OTHER_QUALIFIED.items() if loop == "2300"]
        self.steps = self._compile()

    # ---- the generic loop ------------------------------------------------------------------
    def run(self, progress: Progress | None, cancel: CancelCheck | None) -> None:
        n = len(self.store)
        state = L_NONE | OUT
        chunk = 32768
        for a in range(0, n, chunk):
            b = min(n, a + chunk)
            if a:
                if cancel is not None and cancel():
                    raise Cancelled()
                if progress is not None:
                    progress(a, n)
            state = self._walk(self.store.raw_span(a + 1, b), a, state)
        self._close_member(n)
        self._end_of_file(n)
        if progress is not None:
            progress(n, n)

    def _walk(self, pieces: list[str], index: int, state: int) -> int:
        """Every segment: its id, then the step the tables give for (state, id)."""
        sep = self.store.delimiters.element
        steps, loops, id_codes = self.steps, self.loops, self.id_codes
        ids_append = self.ids.append
        for seg in pieces:
            els = seg.split(sep)
            tag = els[0]
            code = id_codes.get(tag)
            if code is None:
                code = id_codes[tag] = len(self.id_names)
                self.id_names.append(tag)
            ids_append(code)
            step = steps[state].get(tag)
            if step is not None:
                state, action = step
                if action is not None:
                    state = action(els, index + 1, state)
            elif state & OUT:
                state = self._outside(tag, index + 1)
            loops[index] = state & 31  # LABEL, as a constant in the hot loop
            index += 1
        return state

    # ---- compiling the grammar into steps ---------------------------------------------------
    def _compile(self) -> list[dict[str, Step]]:
        envelope: dict[str, Step] = {
            "ISA": (0, self._isa),
            "GS": (0, self._gs),
            "ST": (0, self._st),
            **{tag: (0, self._trailer) for tag in TRAILERS},
        }
        outside = {**envelope, "INS": (0, self._ins)}
        readers = self._readers()
        tags = {t.segment for t in TRANSITIONS} | {tag for _, tag in readers}
        steps: list[dict[str, Step]] = [outside] * _STATES  # OUT, and states that never occur
        steps[L_OTHER] = envelope
        for code, loop in enumerate(LOOPS):
            if loop in MEMBER_LOOPS:
                for cov in (0, COV):
                    table = self._loop_steps(loop, bool(cov), tags, readers)
                    steps[code | cov] = {**table, **outside}
            elif loop in HEADER_LOOPS:
                steps[code] = {**self._loop_steps(loop, False, tags, readers), **outside}
        # a category whose value is pending: the same moves, but its REF or DTP*007 is read
        pending = {("2750", "REF"): self._category_ref, ("2750", "DTP"): self._category_date}
        table = self._loop_steps("2750", False, tags, {**readers, **pending})
        steps[L_2750 | PENDING] = {**table, **outside}
        return steps

    def _loop_steps(
        self, loop: str, cov: bool, tags: set[str], readers: dict[tuple[str, str], Action]
    ) -> dict[str, Step]:
        """What each segment id does in one loop (and area): where it goes, who reads it."""
        table: dict[str, Step] = {}
        for tag in tags:
            t = _transition(tag, loop, cov)
            if t is None:
                if (loop, tag) in readers:
                    table[tag] = (_target(loop, cov), readers[loop, tag])
                continue
            after = cov if t.enters_coverage is None else t.enters_coverage
            if t.by_qualifier is None:
                table[tag] = (_target(t.opens, after), readers.get((t.opens, tag)))
            else:
                table[tag] = (0, self._router(t, after, readers))
        return table

    def _router(self, t: Transition, cov: bool, readers: dict[tuple[str, str], Action]) -> Action:
        """The loop named by element 01 (NM101, N101), then the reader of that loop."""
        targets = {q: _target(loop, cov) for q, loop in (t.by_qualifier or {}).items()}
        default = _target(t.opens, cov)
        loops = {t.opens, *(t.by_qualifier or {}).values()}
        read_in = {
            LOOP_CODE[loop]: readers[loop, t.segment]
            for loop in loops
            if (loop, t.segment) in readers
        }

        def route(els: list[str], o: int, state: int) -> int:
            target = targets.get(els[1] if len(els) > 1 else "", default)
            read = read_in.get(target & LABEL)
            return target if read is None else read(els, o, target)

        return route

    def _readers(self) -> dict[tuple[str, str], Action]:
        """(loop, segment id) -> handler, from the field maps plus the few special segments."""
        readers: dict[tuple[str, str], Action] = {
            ("2100A", "PER"): self._communication,
            ("2300", "HD"): self._open_coverage,
            ("LS", "LS"): self._leave_coverage,
            ("2750", "N1"): self._category,
            ("HEADER", "REF"): self._master_policy,
            ("1000A", "N1"): self._sponsor,
            ("1000B", "N1"): self._payer,
        }
        for loop in HEADER_LOOPS:
            readers[loop, "BGN"] = self._bgn
            readers[loop, "QTY"] = self._qty
        for coverage, fields in ((False, MEMBER_FIELDS), (True, COVERAGE_FIELDS)):
            groups: dict[tuple[str, str], list[FieldSpec]] = {}
            for spec in fields.values():
                if spec.loop and spec.segment_id:
                    groups.setdefault((spec.loop, spec.segment_id), []).append(spec)
            for key, specs in groups.items():
                if key in _OPENERS:
                    continue
                if specs[0].qualifier:
                    readers[key] = self._qualified_reader(coverage, key, specs)
                else:
                    readers[key] = self._first_reader(coverage, specs)
        return readers

    def _converter(self, spec: FieldSpec) -> Callable[[str], str]:
        how = spec.reading
        if how == "raw":
            return _same
        if how == "text":
            return self.dec
        if how == "date":
            return self.dates.__getitem__
        table = self._decoded.get(id(spec.codes))
        if table is None:
            table = self._decoded[id(spec.codes)] = _Decoded(spec.codes or {})
        if how == "composite":
            comp = self.comp
            return lambda value: table[value.split(comp)[0]]
        return table.__getitem__

    def _plain(self, specs: Iterable[FieldSpec], loop: str, segment: str) -> Plain:
        index = M if loop != "2300" else C
        return [
            (index[s.column], s.element or 0, self._converter(s))
            for s in specs
            if s.loop == loop and s.segment_id == segment and s.when is None
        ]

    def _first_reader(self, coverage: bool, specs: list[FieldSpec]) -> Action:
        """Fields of a segment the first of which in the loop wins (NM1, DMG, N3, N4)."""
        index = C if coverage else M
        slot = index[specs[0].segment_column or ""]
        plain = self._plain(specs, specs[0].loop or "", specs[0].segment_id or "")
        conditional: Conditional = [
            (index[s.column], s.element or 0, self._converter(s), s.when)
            for s in specs
            if s.when is not None
        ]

        def read(els: list[str], o: int, state: int) -> int:
            row = self.cov if coverage else self.mrow
            if row[slot]:  # type: ignore[index]
                return state
            row[slot] = o  # type: ignore[index]
            ne = len(els)
            for k, e, conv in plain:
                row[k] = conv(els[e]) if e < ne else ""  # type: ignore[index]
            if conditional:
                for k, e, conv, (ce, value) in conditional:
                    if ce < ne and els[ce] == value:
                        row[k] = conv(els[e]) if e < ne else ""  # type: ignore[index]
            return state

        return read

    def _qualified_reader(
        self, coverage: bool, key: tuple[str, str], specs: list[FieldSpec]
    ) -> Action:
        """REF/DTP: the first with each claimed qualifier fills its column; the others are listed
        as ``qualifier=value`` (and the first of them fills the ``"*"`` column, if any)."""
        index = C if coverage else M
        element = specs[0].element or 0
        conv = self._converter(specs[0])
        slots = {s.qualifier: (index[s.column], index[s.segment_column or ""]) for s in specs}
        anything = slots.pop("*", None)
        others = index[OTHER_QUALIFIED[key]]

        def read(els: list[str], o: int, state: int) -> int:
            row = self.cov if coverage else self.mrow
            ne = len(els)
            q = els[1] if ne > 1 else ""
            v = conv(els[element]) if ne > element else ""
            slot = slots.get(q)
            if slot is not None and not row[slot[1]]:  # type: ignore[index]
                row[slot[0]] = v  # type: ignore[index]
                row[slot[1]] = o  # type: ignore[index]
                return state
            if anything is not None and not row[anything[1]]:  # type: ignore[index]
                row[anything[0]] = v  # type: ignore[index]
                row[anything[1]] = o  # type: ignore[index]
            row[others].append(f"{q}={v}")  # type: ignore[index]
            return state

        return read

    # ---- members and coverages ----------------------------------------------------------------
    def _ins(self, els: list[str], o: int, state: int) -> int:
        st = self.st
        if st is None:
            message = "This INS (member) segment is outside any ST/SE transaction set."
            self.problems.append(envelope_finding("ENV-INS-OUTSIDE-ST", message, o, "INS"))
            return L_2000 | OUT  # labelled 2000; nothing is read until an ST
        if self.mrow is not None:
            self._close_member(o - 1)
        self.member_count += 1
        row = self.mrow = self.members.template.copy()
        row[_M_MEMBER_POS] = self.member_count
        row[_M_TRANSACTION] = st.control
        ne = len(els)
        for k, e, conv in self.ins_fields:
            row[k] = conv(els[e]) if e < ne else ""
        row[_M_SEG_INS] = row[_M_SEG_FIRST] = o
        for k in self.member_lists:
            row[k] = []
        st.member_count += 1
        self.mcovs = []
        self.mcats = {}
        return L_2000

    def _close_member(self, last: int) -> None:
        # The finished rows move into the column tables; the row lists are dropped.
        row = self.mrow
        if row is None:
            return
        self._close_coverage(last)
        row[_M_SEG_LAST] = last
        row[_M_COVERAGE_COUNT] = len(self.mcovs)
        for k in self.member_lists:
            row[k] = "; ".join(row[k])
        name = ", ".join(p for p in (row[_M_LAST_NAME], row[_M_FIRST_NAME]) if p)
        subscriber = row[_M_SUBSCRIBER_ID]
        for crow in self.mcovs:
            crow[_C_SUBSCRIBER_ID] = subscriber
            crow[_C_MEMBER_NAME] = name
        self.coverages.extend(self.mcovs)
        index = row[_M_MEMBER_POS] - 1
        self.categories.extend([index, n, v, o] for n, (v, o) in self.mcats.items())
        self.members.append(row)
        self.mrow = None

    def _open_coverage(self, els: list[str], o: int, state: int) -> int:
        self._close_coverage(o - 1)
        member = self.mrow
        assert member is not None
        self.coverage_count += 1
        row = self.cov = self.coverages.template.copy()
        row[_C_COVERAGE_POS] = self.coverage_count
        row[_C_MEMBER_POS] = member[_M_MEMBER_POS]
        row[_C_TRANSACTION] = member[_M_TRANSACTION]
        row[_C_IS_SUBSCRIBER] = member[_M_IS_SUBSCRIBER]
        ne = len(els)
        for k, e, conv in self.hd_fields:
            row[k] = conv(els[e]) if e < ne else ""
        row[_C_SEG_HD] = row[_C_SEG_FIRST] = o
        for k in self.coverage_lists:
            row[k] = []
        self.mcovs.append(row)
        return state

    def _close_coverage(self, last: int) -> None:
        row = self.cov
        if row is not None:
            row[_C_SEG_LAST] = min(row[_C_SEG_LAST] or last, last)
            for k in self.coverage_lists:
                row[k] = "; ".join(row[k])
            self.cov = None

    def _leave_coverage(self, els: list[str], o: int, state: int) -> int:
        self._close_coverage(o - 1)
        return state

    def _communication(self, els: list[str], o: int, state: int) -> int:
        """PER: the first phone-like and the first e-mail number of the first PER."""
        row = self.mrow
        assert row is not None
        if row[_M_SEG_PER]:
            return state
        row[_M_SEG_PER] = o
        ne = len(els)
        for k in (3, 5, 7):
            if ne > k + 1:
                if els[k] in PHONE_QUALIFIERS and not row[_M_PHONE]:
                    row[_M_PHONE] = els[k + 1]
                elif els[k] == "EM" and not row[_M_EMAIL]:
                    row[_M_EMAIL] = self.dec(els[k + 1])
        return state

    # ---- 2750 reporting categories ------------------------------------------------------------
    # An N1 names the category and makes its value pending; the first REF, or a DTP*007 before
    # any REF (a category carried by its date alone, e.g. a previous end date), gives the value.
    # LX, or any other loop, ends the category: only the PENDING state reads REF and DTP.
    def _category(self, els: list[str], o: int, state: int) -> int:
        sent = els[2] if len(els) > 2 else ""
        name = self.names.get(sent)
        if name is None:  # one string object per distinct N102, normalised once
            name = self.names[sent] = category_name(sent)
            if name:
                self.category_names.setdefault(name, None)
        self.category = name
        return state | PENDING if name else state

    def _category_value(self, value: str, o: int) -> None:
        name = self.category
        old = self.mcats.get(name)
        self.mcats[name] = (value, o) if old is None else (f"{old[0]}; {value}", old[1])

    def _category_ref(self, els: list[str], o: int, state: int) -> int:
        # _category_value inlined: a third of a file's segments are 2750 REFs
        name, value = self.category, els[2] if len(els) > 2 else ""
        old = self.mcats.get(name)
        self.mcats[name] = (value, o) if old is None else (f"{old[0]}; {value}", old[1])
        return state

    def _category_date(self, els: list[str], o: int, state: int) -> int:
        ne = len(els)
        if ne > 1 and els[1] == "007":
            self._category_value(self.dates[els[3] if ne > 3 else ""], o)
            return state
        return state | PENDING

    # ---- transaction header -------------------------------------------------------------------
    def _sponsor(self, els: list[str], o: int, state: int) -> int:
        st = self.st
        if st is not None and not st.sponsor:
            st.sponsor = self.dec(els[2]) if len(els) > 2 else ""
        return state

    def _payer(self, els: list[str], o: int, state: int) -> int:
        st = self.st
        if st is not None and not st.payer:
            st.payer = self.dec(els[2]) if len(els) > 2 else ""
        return state

    def _bgn(self, els: list[str], o: int, state: int) -> int:
        if self.st is not None:
            self.st.bgn = els
            self.st.bgn_segment = o
        return state

    def _master_policy(self, els: list[str], o: int, state: int) -> int:
        if self.st is not None and len(els) > 2 and els[1] == "38":
            self.st.master_policy = self.dec(els[2])
        return state

    def _qty(self, els: list[str], o: int, state: int) -> int:
        if self.st is not None and len(els) > 2:
            self.st.qty[els[1]] = (els[2], o)
        return state

    # ---- envelope -----------------------------------------------------------------------------
    def _open_flags(self) -> int:
        return OUT if self.st is None else 0

    def _outside(self, tag: str, o: int) -> int:
        if tag:
            message = (
                f"Segment {tag} is outside any ST/SE transaction set; it will be ignored by most "
                "systems."
            )
            self.problems.append(envelope_finding("ENV-OUTSIDE-ENVELOPE", message, o, tag))
        return L_NONE | OUT

    def _isa(self, els: list[str], o: int, state: int) -> int:
        self._close_member(o - 1)
        if unclosed(TRAILERS["IEA"], self.isa):
            self.problems.append(missing_trailer(TRAILERS["IEA"], self.isa, o, "ISA", False))
        if self.gs is not None and self.gs.ge is None:
            self.gs = None
        self.st = None
        f = els + [""] * (17 - len(els))
        self.isa = Interchange(
            o, f[13].strip(), f[6].strip(), f[8].strip(), f[9], f[10], f[12], f[15]
        )
        self.interchanges.append(self.isa)
        return L_ISA | OUT

    def _gs(self, els: list[str], o: int, state: int) -> int:
        self._close_member(o - 1)
        if self.isa is None:
            message = "GS segment outside an ISA/IEA interchange."
            self.problems.append(envelope_finding("ENV-GS-OUTSIDE-ISA", message, o, "GS"))
        if unclosed(TRAILERS["GE"], self.gs):
            self.problems.append(missing_trailer(TRAILERS["GE"], self.gs, o, "GS", False))
        f = els + [""] * (9 - len(els))
        self.gs = Group(o, f[6], f[1], f[8])
        if self.isa is not None:
            self.isa.groups.append(self.gs)
        return L_GS | self._open_flags()

    def _st(self, els: list[str], o: int, state: int) -> int:
        self._close_member(o - 1)
        gs = self.gs
        if unclosed(TRAILERS["SE"], self.st):
            self.problems.append(missing_trailer(TRAILERS["SE"], self.st, o, "ST", False))
        f = els + [""] * (4 - len(els))
        guide = f[3] or (gs.version if gs else "")
        st = self.st = Transaction(o, f[2], f[1], guide, first_member=self.member_count)
        if gs is None:
            message = "ST segment outside a GS/GE functional group."
            self.problems.append(envelope_finding("ENV-ST-OUTSIDE-GS", message, o, "ST"))
        else:
            gs.transactions.append(st)
        if f[1] != "834":
            self.other_sets.append(f[1])
            message = (
                f"Transaction set {f[2]} is {TRANSACTION_NAMES.get(f[1], 'a ' + f[1])}, not an "
                "834; its content is not shown."
            )
            self.problems.append(
                envelope_finding("ENV-NOT-834", message, o, "ST", "ST01", f[1], "warning")
            )
            return L_OTHER
        self.transactions.append(st)
        self.problems.extend(_guide_findings(f[3], gs, guide, o))
        return L_HEADER

    def _trailer(self, els: list[str], o: int, state: int) -> int:
        """SE, GE or IEA: its counts and control number against what it closes."""
        self._close_member(o - 1)
        trailer = TRAILERS[els[0]]
        opened = {"SE": self.st, "GE": self.gs, "IEA": self.isa}[trailer.segment]
        self.problems.extend(trailer_findings(trailer, opened, els, o))
        if opened is not None:
            setattr(opened, trailer.attribute, o)
            if trailer.segment == "SE":
                self.problems.extend(qty_findings(self.st))  # type: ignore[arg-type]
                self.st = None
            elif trailer.segment == "GE":
                self.gs = None
        return LOOP_CODE[trailer.segment] | self._open_flags()

    def _end_of_file(self, n: int) -> None:
        last_id = self.id_names[self.ids[-1]] if self.ids else ""
        for trailer, opened in zip(TRAILERS.values(), (self.st, self.gs, self.isa), strict=True):
            if unclosed(trailer, opened):
                self.problems.append(missing_trailer(trailer, opened, n, last_id, True))
                if isinstance(opened, Transaction):
                    self.problems.extend(qty_findings(opened))

    def result(self) -> Structure:
        self.store.adopt_ids(SegmentIds(self.ids, self.id_names))
        for table in (self.members, self.coverages, self.categories):
            table.freeze()
        if not self.transactions:
            path = self.store.path
            if self.other_sets:
                names = {TRANSACTION_NAMES.get(s, "a " + s) for s in self.other_sets}
                kinds = ", ".join(sorted(names))
                raise NotAn834Error(path, f"this X12 file is {kinds}, not an 834 enrollment file")
            raise NotAn834Error(
                path, "this X12 file has no ST*834 transaction set (no enrollment data)"
            )
        return Structure(
            self.interchanges,
            self.transactions,
            self.loops,
            self.members,
            self.coverages,
            self.categories,
            list(self.category_names),
            self.problems,
            self.other_sets,
        )


def _guide_findings(st03: str, gs: Group | None, guide: str, o: int) -> list[Finding]:
    """The guide an 834 names: one the inspector knows, and the same in ST03 and GS08."""
    found = []
    if guide and guide not in KNOWN_834_GUIDES:
        message = (
            f"This 834 says it follows guide {guide}"
            + (" (X307 is the exchange 834, a different guide)" if "X307" in guide else "")
            + "; the inspector reads it, but implementation-guide checks exist only for "
            "005010X220A1 and 004010X095A1, so the file is not checked against its guide."
        )
        element = "ST03" if st03 else "GS08"
        found.append(
            envelope_finding("ENV-GUIDE-VERSION", message, o, "ST", element, guide, "warning")
        )
    if st03 and gs is not None and gs.version and st03 != gs.version:
        message = f"ST03 ({st03}) differs from GS08 ({gs.version}); they must name the same guide."
        found.append(envelope_finding("ENV-ST03-GS08", message, o, "ST", "ST03", st03, "warning"))
    return found


def build_structure(
    store: SegmentStore, progress: Progress | None = None, cancel: CancelCheck | None = None
) -> Structure:
    """Walk every segment once; raises :class:`NotAn834Error` if the file holds no 834."""
    walk = _Pass(store)
    try:
        walk.run(progress, cancel)
        return walk.result()
    finally:
        walk.steps = []  # the handlers refer back to the pass: break the cycle now, not at a GC
