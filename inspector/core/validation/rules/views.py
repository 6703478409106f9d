"""The view business rules read for each member (2000 loop); see also ``context``.

A :class:`MemberReader` builds one :class:`MemberView` per member from what the earlier stages
know: the segment store gives the member's segments (:meth:`SegmentStore.raw_span`, one slice
per member) and their segment ids, the structure gives the member's span and 2100A segments (its
member table) and the loop of every segment. Which segments a rule looks at is a table over
(loop, segment id), computed for the whole file at once; only those segments are split, each
once. All rules together therefore stay linear in the size of the file. Once the member rules
have run, :meth:`MemberView.release` drops what transaction rules do not need: members wait for
their family to be complete (a file where many members share one REF*0F keeps many).
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern
from typing import TYPE_CHECKING, Any

import numpy as np

from inspector.core.records.structure import LOOPS
from inspector.core.validation.rules.base import _DATE_OK, is_date, name_key

if TYPE_CHECKING:
    from inspector.core.validation.rules.context import TransactionView


#: 2000 REF qualifiers kept by :meth:`MemberView.release` with ``"refs"``: the subscriber
#: number and the person identifiers.
_ID_REFS = frozenset(("0F", "17", "23", "4A", "ABB", "F6", "Q4"))


class Category:
    """One 2750 reporting category of a member: N1*75 name, REF value, DTP*007 date."""

    __slots__ = ("date", "dtp", "n1", "name", "qualifier", "ref", "value")

    def __init__(self, name: str, n1: int) -> None:
        self.name = name  # upper-case, single-spaced N102
        self.n1 = n1  # ordinal of the N1*75
        self.qualifier = ""  # REF01
        self.value: str | None = None  # REF02 (None: no REF)
        self.ref = 0  # ordinal of the REF
        self.date = ""  # DTP03 of DTP*007 ("" when absent)
        self.dtp = 0  # ordinal of the DTP*007

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Category({self.name!r}={self.value!r} @{self.ref} date={self.date!r})"


class Coverage:
    """One 2300 loop: HD01/HD03/HD04/HD05, its DTP dates by qualifier, its REF*1L policy
    numbers and its REF*CE (class of contract: on exchanges the HIOS plan id)."""

    __slots__ = (
        "contract",
        "contract_o",
        "dates",
        "hd",
        "level",
        "line",
        "maintenance",
        "plan",
        "plan_ids",
        "policies",
    )

    def __init__(self, hd: int, els: list[str]) -> None:
        n = len(els)
        self.hd = hd  # ordinal of the HD
        # codes, kept until the end of the transaction: one string object per distinct code
        self.maintenance = intern(els[1]) if n > 1 else ""  # HD01
        self.line = intern(els[3]) if n > 3 else ""  # HD03
        self.level = intern(els[5]) if n > 5 else ""  # HD05
        self.plan = els[4] if n > 4 else ""  # HD04 plan coverage description
        self.contract = ""  # REF02 of the first REF*CE
        self.contract_o = 0  # its ordinal
        self.dates: dict[str, tuple[int, str, str]] = {}  # qualifier -> (ordinal, DTP02, DTP03)
        self.policies: list[str] = []  # a tuple once released
        self.plan_ids: tuple[str, ...] = ()  # REF*CE values (class of contract: plan id)


class MemberView:
    """One 2000 loop (INS up to the next INS/SE), as business rules see it.

    Fields hold what rules look at: INS, 2000 REFs and dates, every DTP and NM1, the 2100A
    NM1/DMG/N3/N4, the 2300 coverages and the 2750 categories, each with its segment ordinal.
    ``segments`` gives every segment as ``(ordinal, loop name, elements)``, split on first use.
    A :class:`MemberReader` fills the fields.
    """

    __slots__ = (
        "_address",
        "_cache",
        "_category",
        "_policies",
        "birth",
        "birth_ok",
        "categories",
        "coverages",
        "dmg",
        "dmg_o",
        "family",
        "first",
        "head",
        "index",
        "ins",
        "ins_o",
        "is_sub",
        "last",
        "maintenance",
        "mdates",
        "money",
        "n3",
        "n4",
        "n4_o",
        "names",
        "nm1",
        "nm1_o",
        "odd_dtps",
        "phones",
        "policy_refs",
        "pos",
        "prev",
        "refs",
        "rel",
        "sub_id",
        "tx",
    )

    def __init__(
        self, tx: TransactionView, index: int, pos: int, sub_id: str, first: int, last: int
    ) -> None:
        self.tx = tx
        self.index = index  # 0-based member index in the file
        self.pos = pos  # 1-based INS position in the file
        self.sub_id = sub_id  # REF*0F as the structure pass read it
        self.first, self.last = first, last  # ordinals of the INS and of the member's last segment
        self.ins_o = first
        self.prev: MemberView | None = None  # previous member of the transaction
        self.head: MemberView | None = None  # last subscriber before this member
        #: The subscriber whose family block this member sits in (set by the family rules;
        #: False until computed).
        self.family: MemberView | bool | None = False
        self._cache: dict[str, Any] | None = None  # see cached()
        self.money: Any = None  # the money rules' parsed amounts (rules.money.MoneyInfo)
        self._policies: set[str] | frozenset[str] | None = None
        self._address: tuple[str, ...] | None = None
        self._category: Category | None = None  # the 2750 being read (reader only)
        self.refs: list[tuple[str, str, int]] = []  # 2000 REF: (qualifier, value, ordinal)
        self.policy_refs: tuple[str, ...] = ()  # 2000 REF*1L values
        # DTPs other than D8 with a date already seen to be valid (RD8, malformed, first seen);
        # the dates themselves are in mdates (2000), Coverage.dates (2300), Category (2750)
        self.odd_dtps: list[tuple[int, list[str]]] = []
        self.mdates: dict[str, tuple[int, str, str]] = {}  # 2000 DTP: qualifier -> (o, 02, 03)
        self.names: list[tuple[int, list[str]]] = []  # every NM1: (ordinal, elements)
        self.phones: list[tuple[int, list[str]]] = []  # 2100A PER: (ordinal, elements)
        self.coverages: list[Coverage] = []
        self.categories: list[Category] = []
        self.ins: list[str] = ["INS"]
        self.is_sub = False
        self.rel = self.maintenance = ""  # INS02, INS03
        self.nm1: list[str] = []
        self.dmg: list[str] = []
        self.nm1_o = self.dmg_o = 0
        self.n3: list[str] | None = None
        self.n4: list[str] | None = None
        self.n4_o = 0  # ordinal of the 2100A N4 (0: none)
        self.birth = self.birth_ok = ""  # DMG02 as sent; DMG02 if a real date

    def release(self, keep: frozenset[str] | set[str] = frozenset()) -> None:
        """Drop what transaction and file rules do not use, once the member rules have run.

        Members wait for their family to be complete (see :meth:`~.context.TransactionView.
        complete`), a file where many members share one REF*0F keeps many of them, and a kept
        view should not hold every element string. Kept: pos, index, first/last, ins_o,
        is_sub, rel, maintenance, sub_id, nm1 (name and SSN)/nm1_o, birth/birth_ok, coverages
        (HD01/HD03/HD05, ordinal, policies) and ``policies``; a subscriber's n3/n4 until the
        next subscriber (see :meth:`forget_address`); categories and money only if
        ``"categories"`` is in ``keep`` (transaction rules declare this with ``uses=``);
        likewise ``"refs"`` keeps the 2000 REFs, ``"dmg"`` the DMG, ``"ins"`` the INS
        elements, ``"mdates"`` the 2000 dates and ``"coverage_dates"`` the 2300 dates.
        Everything else becomes ``None``.
        """
        self.odd_dtps = self.names = None  # type: ignore[assignment]
        self.phones = None  # type: ignore[assignment]
        self.prev = self.head = None
        mdates = self.mdates
        if "mdates" not in keep:
            self.mdates = None  # type: ignore[assignment]
        else:  # the eligibility end only (357 ends every coverage); None without one
            end = mdates.get("357") if mdates else None
            self.mdates = {"357": end} if end is not None else None  # type: ignore[assignment]
        dmg = self.dmg
        if "dmg" not in keep:
            self.dmg = None  # type: ignore[assignment]
        elif dmg:  # DMG03 (gender) at its place; the birth date is in birth/birth_ok
            self.dmg = ["DMG", "", "", dmg[3]] if len(dmg) > 3 else []
        if "ins" not in keep:
            self.ins = None  # type: ignore[assignment]
        if "refs" not in keep:
            self.refs = None  # type: ignore[assignment]
        elif self.refs:  # the identifiers only
            self.refs = [r for r in self.refs if r[0] in _ID_REFS]
        self._cache = None
        nm1 = self.nm1
        if len(nm1) > 5:  # keep NM103/NM104 (name) and NM108/NM109 (SSN) at their places
            self.nm1 = ["", "", "", *nm1[3:5], "", "", "", *nm1[8:10]]
        if not self.is_sub:
            self.n3 = self.n4 = None
        keep_dates = "coverage_dates" in keep
        for c in self.coverages:
            if not keep_dates:
                c.dates = None  # type: ignore[assignment]
            elif len(c.dates) > 2 or (c.dates and not ("348" in c.dates or "349" in c.dates)):
                c.dates = {q: c.dates[q] for q in ("348", "349") if q in c.dates}
            c.policies = tuple(c.policies)  # type: ignore[assignment]
        if "categories" not in keep:
            self.categories = self.money = None  # type: ignore[assignment]

    def forget_address(self) -> None:
        """Drop a released subscriber's N3/N4 (its dependents have all been read)."""
        self.n3 = self.n4 = self._address = None

    @property
    def segments(self) -> list[tuple[int, str, list[str]]]:
        """Every segment of the member as ``(ordinal, loop name, elements)`` (split on demand)."""
        store = self.tx.ctx.store
        loops = self.tx.ctx.structure.loops
        return [
            (o, LOOPS[loops[o - 1]], store.elements(o)) for o in range(self.first, self.last + 1)
        ]

    def loop_of(self, ordinal: int) -> str:
        return LOOPS[self.tx.ctx.structure.loops[ordinal - 1]]

    # -- derived values -----------------------------------------------------------------------
    def ins_el(self, k: int) -> str:
        ins = self.ins
        return ins[k] if len(ins) > k else ""

    @property
    def last_name(self) -> str:
        return name_key(self.nm1[3]) if len(self.nm1) > 3 else ""

    @property
    def first_name(self) -> str:
        return name_key(self.nm1[4]) if len(self.nm1) > 4 else ""

    @property
    def ssn(self) -> str:
        nm1 = self.nm1
        return nm1[9] if len(nm1) > 9 and nm1[8] == "34" else ""

    @property
    def address(self) -> tuple[str, ...]:
        """N3 + N4 values (upper-case, trimmed), empty when the member has neither."""
        found = self._address
        if found is None:
            if self.n3 is None and self.n4 is None:
                found = ()
            else:
                parts = (self.n3 or [])[1:3] + (self.n4 or [])[1:4]
                found = tuple(name_key(p) for p in parts)
            self._address = found
        return found

    @property
    def policies(self) -> set[str] | frozenset[str]:
        """REF*1L policy numbers of the member (2000 and every 2300)."""
        found = self._policies
        if found is None:
            found = set(self.policy_refs)
            for c in self.coverages:
                if c.policies:
                    found.update(c.policies)
            self._policies = found
        return found

    @property
    def lines(self) -> set[str]:
        """HD03 insurance lines of the member's 2300 loops."""
        return {c.line for c in self.coverages if c.line}

    def label(self) -> str:
        """'member 3 (DOE, JANE)' for messages."""
        name = ", ".join(
            p
            for p in (
                self.nm1[3] if len(self.nm1) > 3 else "",
                self.nm1[4] if len(self.nm1) > 4 else "",
            )
            if p
        )
        name = self.tx.ctx.decode(name)
        return f"member {self.pos} ({name})" if name else f"member {self.pos}"

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per member and shared by several rules."""
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        elif key in cache:
            return cache[key]
        value = cache[key] = make()
        return value


# ---------------------------------------------------------------------------------------------
# Reading members: which segments matter, and what each kind of segment contributes
# ---------------------------------------------------------------------------------------------
#: A segment handler: (member being read, ordinal, segment text) -> None.
Handler = Callable[[MemberView, int, str], None]

# The segment ids rules read, by column of the dispatch table (0: any other id).
_IDS = ("DTP", "NM1", "REF", "N1", "HD", "PER")
# (loop, segment id) -> handler name. Loops not listed use the "*" row; "*" as an id: any id.
# 2100A is read from the structure's member table (NM1/DMG/N3/N4 ordinals), except that its
# NM1 is one of the member's names; its DTPs are not read (no date belongs in 2100A).
_DISPATCH: dict[str, dict[str, str]] = {
    "*": {"DTP": "odd_date", "NM1": "name"},
    "2000": {"DTP": "member_date", "REF": "member_ref"},
    "2100A": {"NM1": "name", "PER": "contact"},
    "2300": {"DTP": "coverage_date", "REF": "coverage_ref", "HD": "coverage"},
    "2700": {"*": "end_category"},
    "2750": {"DTP": "category_date", "REF": "category_ref", "N1": "category"},
}


class _Handlers:
    """What each kind of segment contributes to a member; methods are :data:`Handler` s."""

    __slots__ = ("sep",)

    def __init__(self, sep: str) -> None:
        self.sep = sep  # the file's element separator

    def by_name(self) -> dict[str, Handler]:
        return {
            name: getattr(self, name) for names in _DISPATCH.values() for name in names.values()
        }

    def odd_date(self, m: MemberView, o: int, text: str) -> list[str]:
        els = text.split(self.sep)
        if len(els) < 4 or els[2] != "D8" or not _DATE_OK.get(els[3]):
            m.odd_dtps.append((o, els))
        return els

    def member_date(self, m: MemberView, o: int, text: str) -> None:
        els = self.odd_date(m, o, text)
        if len(els) > 3 and els[1] not in m.mdates:
            m.mdates[intern(els[1])] = (o, els[2], els[3])

    def coverage_date(self, m: MemberView, o: int, text: str) -> None:
        els = self.odd_date(m, o, text)
        dates = m.coverages[-1].dates  # a 2300 segment always follows its HD
        if len(els) > 3 and els[1] not in dates:
            dates[intern(els[1])] = (o, els[2], els[3])

    def category_date(self, m: MemberView, o: int, text: str) -> None:
        els = self.odd_date(m, o, text)
        cat = m._category
        if cat is not None and not cat.dtp and len(els) > 3 and els[1] == "007":
            cat.date, cat.dtp = els[3], o

    def name(self, m: MemberView, o: int, text: str) -> None:
        m.names.append((o, text.split(self.sep)))

    def contact(self, m: MemberView, o: int, text: str) -> None:
        m.phones.append((o, text.split(self.sep)))

    def member_ref(self, m: MemberView, o: int, text: str) -> None:
        els = text.split(self.sep)
        if len(els) > 2:
            value = els[2]
            m.refs.append((intern(els[1]), value, o))
            if els[1] == "1L":
                m.policy_refs = (*m.policy_refs, value)

    def coverage(self, m: MemberView, o: int, text: str) -> None:
        m.coverages.append(Coverage(o, text.split(self.sep)))

    def coverage_ref(self, m: MemberView, o: int, text: str) -> None:
        els = text.split(self.sep)
        if len(els) > 2:
            if els[1] == "1L":
                m.coverages[-1].policies.append(els[2])
            elif els[1] == "CE":
                c = m.coverages[-1]
                value = els[2]
                c.plan_ids = (*c.plan_ids, value)
                if not c.contract_o:  # the first REF*CE, where the plan-id rules point
                    c.contract, c.contract_o = value, o

    def category(self, m: MemberView, o: int, text: str) -> None:
        els = text.split(self.sep)
        cat = m._category = Category(name_key(els[2]) if len(els) > 2 else "", o)
        m.categories.append(cat)

    def category_ref(self, m: MemberView, o: int, text: str) -> None:
        cat = m._category
        if cat is not None and not cat.ref:
            els = text.split(self.sep)
            if len(els) > 2:
                cat.qualifier, cat.value, cat.ref = intern(els[1]), els[2], o

    def end_category(self, m: MemberView, o: int, text: str) -> None:
        m._category = None


def _dispatch_codes(store: Any, loops: bytearray, handlers: list[str]) -> bytes:
    """Handler number (1-based index into ``handlers``, 0: not read) of every segment."""
    ids = store.ids
    column = {sid: k for k, sid in enumerate(_IDS, 1)}
    table = np.zeros((len(LOOPS), len(_IDS) + 1), dtype=np.uint8)
    for k, loop in enumerate(LOOPS):
        row = _DISPATCH.get(loop, _DISPATCH["*"])
        for sid, what in row.items():
            cols = range(len(_IDS) + 1) if sid == "*" else (column[sid],)
            for c in cols:
                table[k, c] = handlers.index(what) + 1
    id_column = np.array([column.get(n, 0) for n in ids.names], dtype=np.uint8)
    loop_codes = np.frombuffer(bytes(loops), dtype=np.uint8)
    if not len(loop_codes):
        return b""
    return table[loop_codes, id_column[ids.code_array()]].tobytes()


class MemberReader:
    """Builds the :class:`MemberView` of each member of a document, in file order."""

    def __init__(self, doc: Any, columns: dict[str, Any]) -> None:
        store = doc.store
        self.store = store
        self.sep = store.delimiters.element
        by_name = _Handlers(self.sep).by_name()
        names = list(by_name)
        self.handlers: list[Handler | None] = [None, *by_name.values()]
        self.codes = _dispatch_codes(store, doc.structure.loops, names)
        self.pos, self.sub_id = columns["member_pos"], columns["subscriber_id"]
        self.first, self.last = columns["seg_first"], columns["seg_last"]
        self.nm1, self.dmg = columns["seg_nm1"], columns["seg_dmg"]
        self.n3, self.n4 = columns["seg_n3"], columns["seg_n4"]

    #: Member-table columns the reader needs (see :func:`~.context.member_columns`).
    COLUMNS = (
        "member_pos",
        "subscriber_id",
        "seg_first",
        "seg_last",
        "seg_nm1",
        "seg_dmg",
        "seg_n3",
        "seg_n4",
    )

    def read(self, tx: TransactionView, index: int) -> MemberView:
        """The view of member ``index`` (0-based) of transaction ``tx``."""
        first, last = self.first[index], self.last[index]
        m = MemberView(tx, index, self.pos[index], self.sub_id[index], first, last)
        texts = self.store.raw_span(first, last)
        handlers = self.handlers
        for o, code, text in zip(range(first, last + 1), self.codes[first - 1 : last], texts):
            if code:
                handlers[code](m, o, text)  # type: ignore[misc]
        m._category = None
        self._member_segments(m, index, texts)
        return m

    def _member_segments(self, m: MemberView, index: int, texts: list[str]) -> None:
        """INS and the 2100A NM1/DMG/N3/N4 the structure found for the member."""
        sep, first = self.sep, m.first
        ins = m.ins = texts[0].split(sep) if texts else ["INS"]
        n = len(ins)
        m.is_sub = n > 1 and ins[1] == "Y"
        m.rel = intern(ins[2]) if n > 2 else ""  # codes: see Coverage
        m.maintenance = intern(ins[3]) if n > 3 else ""
        o = self.nm1[index]
        if o:
            m.nm1_o = o
            for k, els in m.names:  # the 2100A NM1 is one of the member's names
                if k == o:
                    m.nm1 = els
                    break
        o = self.dmg[index]
        if o:
            m.dmg_o = o
            m.dmg = texts[o - first].split(sep)
            birth = m.dmg[2] if len(m.dmg) > 2 else ""
            m.birth = birth
            m.birth_ok = birth if birth and is_date(birth) else ""
        o = self.n3[index]
        if o:
            m.n3 = texts[o - first].split(sep)
        o = self.n4[index]
        if o:
            m.n4_o = o
            m.n4 = texts[o - first].split(sep)
