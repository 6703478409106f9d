"""The view business rules read for each member (2000 loop); see also ``rules_context``.

A :class:`MemberView` is built in one pass over the member's segments: each segment is split at
most once, only if a rule looks at it, and the LS..LE reporting-category area is read with one
regular expression. All rules together therefore stay linear in the size of the file (under two
seconds for 50,000 members). Once the member rules have run, :meth:`MemberView.release` drops what
transaction rules do not need, so that a large file does not keep every element string alive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from inspector.core.records.structure import LOOPS
from inspector.core.validation.rules.base import _DATE_OK, is_date, name_key

if TYPE_CHECKING:
    from inspector.core.validation.rules.context import TransactionView

_L2000, _L2100A, _L2300, _L2700, _L2750 = (
    LOOPS.index(n) for n in ("2000", "2100A", "2300", "2700", "2750")
)


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
    """One 2300 loop: HD01/HD03/HD05, its DTP dates by qualifier, its REF*1L policy numbers."""

    __slots__ = ("dates", "hd", "level", "line", "maintenance", "policies")

    def __init__(self, hd: int, els: list[str]) -> None:
        n = len(els)
        self.hd = hd  # ordinal of the HD
        self.maintenance = els[1] if n > 1 else ""  # HD01
        self.line = els[3] if n > 3 else ""  # HD03
        self.level = els[5] if n > 5 else ""  # HD05
        self.dates: dict[str, tuple[int, str, str]] = {}  # qualifier -> (ordinal, DTP02, DTP03)
        self.policies: list[str] = []


_WS = " \t\r\n\x0b\x0c"
_AREA_PATTERNS: dict[tuple[str, str], re.Pattern] = {}


def _area_pattern(sep: str, term: str) -> re.Pattern:
    """One 2700 loop: LX, N1*75 name, optional REF qualifier/value, optional DTP*007 date."""
    pat = _AREA_PATTERNS.get((sep, term))
    if pat is None:
        e, t, t0 = re.escape(sep), re.escape(term), re.escape(term[0])
        field_ = f"([^{e}{t0}]*)"
        rest = f"[^{t0}]*{t}"
        pat = _AREA_PATTERNS[(sep, term)] = re.compile(
            f"LX{e}{rest}N1{e}75{e}{field_}{rest}"
            f"(?:REF{e}{field_}{e}{field_}{rest})?"
            f"(?:DTP{e}007{e}{field_}{e}{field_}{rest})?"
        )
    return pat


def _read_categories(
    text: str, at: int, o: int, last: int, sep: str, term: str, categories: list, odd_dtps: list
) -> bool:
    """Read the LS..LE area starting at ``text[at]`` (the LS, ordinal ``o``) into categories.

    True when the area is exactly LS, regular 2700 loops and a final LE ending the member.
    """
    end = text.find(term, at)
    if end < 0:
        return False
    match = _area_pattern(sep, term).match
    date_ok = _DATE_OK
    pos = end + len(term)
    o += 1  # the first LX
    while True:
        mt = match(text, pos)
        if mt is None:
            break
        name, qualifier, value, fmt, date = mt.groups()
        cat = Category(name_key(name), o + 1)
        k = o + 2
        if qualifier is not None:
            cat.qualifier, cat.value, cat.ref = qualifier, value, k
            k += 1
        if fmt is not None:
            cat.date, cat.dtp = date, k
            if fmt != "D8" or not date_ok.get(date):
                odd_dtps.append((k, ["DTP", "007", fmt, date]))
            k += 1
        categories.append(cat)
        o = k
        pos = mt.end()
    return o == last and text.startswith("LE" + sep, pos) and text.find(term, pos) < 0


class MemberView:
    """One 2000 loop (INS up to the next INS/SE), parsed in a single pass.

    Fields hold what rules look at: INS, 2000 REFs and dates, every DTP and NM1, the 2100A
    NM1/DMG/N3/N4, the 2300 coverages and the 2750 categories, each with its segment ordinal.
    ``segments`` gives every segment as ``(ordinal, loop name, elements)``, split on first use.
    """

    __slots__ = (
        "_address",
        "_cache",
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
        "names",
        "nm1",
        "nm1_o",
        "odd_dtps",
        "policy_refs",
        "pos",
        "prev",
        "refs",
        "rel",
        "sub_id",
        "tx",
    )

    def __init__(
        self,
        tx: TransactionView,
        index: int,
        pos: int,
        sub_id: str,
        first: int,
        last: int,
        text: str,
        seps: tuple[str, str, bool],
        loops: bytearray,
    ) -> None:
        """``text`` runs from the INS to the end of the member's last segment; ``seps`` is
        (element separator, what segments are split on, whether pieces need left-stripping)."""
        self.tx = tx
        self.index = index  # 0-based member index in the file
        self.pos = pos  # 1-based INS position in the file
        self.sub_id = sub_id  # REF*0F as the structure pass read it
        self.first, self.last = first, last  # ordinals of the INS and of the member's last segment
        self.prev: MemberView | None = None  # previous member of the transaction
        self.head: MemberView | None = None  # last subscriber before this member
        #: The subscriber whose family block this member sits in (set by the family rules;
        #: False until computed).
        self.family: MemberView | bool | None = False
        self._cache: dict[str, Any] | None = None  # see cached()
        self.money: Any = None  # the money rules' parsed amounts (rules_money.MoneyInfo)
        self._policies: set[str] | None = None
        self._address: tuple[str, ...] | None = None
        refs: list[tuple[str, str, int]] = []  # 2000 REF: (qualifier, value, ordinal)
        policy_refs: list[str] = []  # 2000 REF*1L values
        # DTPs other than D8 with a date already seen to be valid (RD8, malformed, first seen);
        # the dates themselves are in mdates (2000), Coverage.dates (2300), Category (2750)
        odd_dtps: list[tuple[int, list[str]]] = []
        date_ok = _DATE_OK
        mdates: dict[str, tuple[int, str, str]] = {}  # 2000 DTP: qualifier -> (o, DTP02, DTP03)
        names: list[tuple[int, list[str]]] = []  # every NM1: (ordinal, elements)
        coverages: list[Coverage] = []
        categories: list[Category] = []
        nm1: list[str] = []
        dmg: list[str] = []
        nm1_o = dmg_o = 0
        n3 = n4 = None
        cov: Coverage | None = None
        cat: Category | None = None
        sep, term, strip = seps
        pieces = None
        if not strip:
            # The LS..LE reporting-category area (half of an exchange file) is read with one
            # pattern; anything unexpected in it falls back to the segment-by-segment loop.
            at = text.find(term + "LS" + sep)
            if at >= 0:
                pieces = text[:at].split(term)
                if not _read_categories(
                    text, at + len(term), first + len(pieces), last, sep, term, categories, odd_dtps
                ):
                    pieces = None
                    del categories[:], odd_dtps[:]
        if pieces is None:
            pieces = text.split(term)
            if strip:
                pieces = [p.lstrip(_WS) for p in pieces]
            if len(pieces) != last - first + 1:  # not expected; fall back to the offsets
                store = tx.ctx.store
                pieces = [store.raw(k) for k in range(first, last + 1)]
        # Dispatch on the loop first (the structure pass labelled every segment), then on the
        # segment's first letter; only segments a rule looks at are split.
        for piece, lp, o in zip(pieces, loops[first - 1 : last], range(first, last + 1)):
            if lp == _L2750:  # N1*75 (category name), REF (value), DTP*007 (date)
                c = piece[:1]
                if c == "R":
                    if cat is not None and not cat.ref:
                        els = piece.split(sep)
                        if len(els) > 2 and els[0] == "REF":
                            cat.qualifier, cat.value, cat.ref = els[1], els[2], o
                elif c == "D":
                    els = piece.split(sep)
                    if els[0] == "DTP":
                        if len(els) < 4 or els[2] != "D8" or not date_ok.get(els[3]):
                            odd_dtps.append((o, els))
                        if cat is not None and not cat.dtp and len(els) > 3 and els[1] == "007":
                            cat.date, cat.dtp = els[3], o
                elif c == "N":
                    els = piece.split(sep)
                    if els[0] == "N1":
                        cat = Category(name_key(els[2]) if len(els) > 2 else "", o)
                        categories.append(cat)
            elif lp == _L2700:  # LX
                cat = None
            elif lp == _L2300:  # HD, DTP, REF*1L (AMT, IDC, other REFs: not needed)
                c = piece[:1]
                if c == "H":
                    els = piece.split(sep)
                    if els[0] == "HD":
                        cov = Coverage(o, els)
                        coverages.append(cov)
                elif c == "D":
                    els = piece.split(sep)
                    if els[0] == "DTP":
                        if len(els) < 4 or els[2] != "D8" or not date_ok.get(els[3]):
                            odd_dtps.append((o, els))
                        if cov is not None and len(els) > 3 and els[1] not in cov.dates:
                            cov.dates[els[1]] = (o, els[2], els[3])
                elif c == "R" and cov is not None:
                    els = piece.split(sep)
                    if len(els) > 2 and els[1] == "1L" and els[0] == "REF":
                        cov.policies.append(els[2])
            elif lp == _L2000:  # INS, REF, DTP
                c = piece[:1]
                if c == "R":
                    els = piece.split(sep)
                    if len(els) > 2 and els[0] == "REF":
                        refs.append((els[1], els[2], o))
                        if els[1] == "1L":
                            policy_refs.append(els[2])
                elif c == "D":
                    els = piece.split(sep)
                    if els[0] == "DTP":
                        if len(els) < 4 or els[2] != "D8" or not date_ok.get(els[3]):
                            odd_dtps.append((o, els))
                        if len(els) > 3 and els[1] not in mdates:
                            mdates[els[1]] = (o, els[2], els[3])
            elif lp == _L2100A:  # NM1, DMG, N3, N4 (PER, EC, ICM ...: not needed)
                c = piece[:2]
                if c == "NM":
                    els = piece.split(sep)
                    names.append((o, els))
                    if not nm1_o:
                        nm1, nm1_o = els, o
                elif c == "DM":
                    if not dmg_o:
                        dmg, dmg_o = piece.split(sep), o
                elif c == "N3":
                    if n3 is None:
                        n3 = piece.split(sep)
                elif c == "N4" and n4 is None:
                    n4 = piece.split(sep)
            else:  # other loops: names (2100B-H, 2310, 2330) and dates (2200, 2320, ...)
                c = piece[:1]
                if c == "N":
                    els = piece.split(sep)
                    if els[0] == "NM1":
                        names.append((o, els))
                elif c == "D":
                    els = piece.split(sep)
                    if els[0] == "DTP" and (
                        len(els) < 4 or els[2] != "D8" or not date_ok.get(els[3])
                    ):
                        odd_dtps.append((o, els))
        ins = pieces[0].split(sep) if pieces else ["INS"]
        n = len(ins)
        self.ins = ins
        self.ins_o = first
        self.is_sub = n > 1 and ins[1] == "Y"
        self.rel = ins[2] if n > 2 else ""  # INS02
        self.maintenance = ins[3] if n > 3 else ""  # INS03
        self.refs, self.mdates, self.names = refs, mdates, names
        self.policy_refs = policy_refs or ()
        self.odd_dtps = odd_dtps
        self.coverages, self.categories = coverages, categories
        self.nm1, self.nm1_o, self.dmg, self.dmg_o = nm1, nm1_o, dmg, dmg_o
        self.n3, self.n4 = n3, n4
        self.birth = birth = dmg[2] if len(dmg) > 2 else ""  # DMG02 as sent
        self.birth_ok = birth if birth and is_date(birth) else ""  # DMG02 if a real date

    def release(self, keep: frozenset[str] | set[str] = frozenset()) -> None:
        """Drop what transaction rules do not use, once the member rules have run.

        A 50,000-member file would otherwise keep hundreds of MB of element strings alive until
        the end of the transaction. Kept: pos, index, first/last, ins_o, is_sub, rel,
        maintenance, sub_id, nm1/nm1_o, birth/birth_ok, coverages (HD01/HD03/HD05, ordinal,
        policies) and ``policies``; a subscriber's n3/n4 until the next subscriber (see
        :meth:`forget_address`); categories and money only if ``"categories"`` is in ``keep``
        (transaction rules declare this with ``uses=``). Everything else becomes ``None``.
        """
        self.odd_dtps = self.mdates = self.names = self.dmg = None  # type: ignore[assignment]
        self.ins = self.prev = self.head = self.refs = None  # type: ignore[assignment]
        self._cache = None  # type: ignore[assignment]
        if not self.is_sub:
            self.n3 = self.n4 = None
        for c in self.coverages:
            c.dates = None  # type: ignore[assignment]
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
    def policies(self) -> set[str]:
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
