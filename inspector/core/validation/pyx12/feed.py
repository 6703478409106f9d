"""What pyx12 reads: the segment store's segments as text, in the store's order and ordinals.

pyx12's own reader (``RawX12File``) splits the text itself and trips over files the inspector
reads fine (see DESIGN.md). Here every segment comes from the :class:`SegmentStore`, so a
segment, a blank and an ordinal mean the same for pyx12 as for the rest of the inspector:

* BOMs / blanks before ``ISA``: the store skips them; the ISA stays segment 1 (reported here).
* Non-ASCII bytes: pyx12 only takes text; a segment is decoded as the store decodes it (UTF-8 if
  the file is UTF-8, else one character per byte) and reported.
* ISA not 106 characters, or ISA12 not 00401/00501: pyx12 reads the delimiters at fixed offsets,
  so it is handed an ISA with the elements brought to their widths (reported).
* Empty segment (``~~``): pyx12 silently stops at one; it is skipped, pyx12's line count is moved
  on so later ordinals stay the store's, and it is reported.
* Blanks after a terminator other than line breaks (indentation): pyx12 reports a segment that
  starts with a space, so the segment is handed over with one leading space.
* Text after the last terminator: the store's unterminated last segment; not handed to pyx12.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from inspector.core.findings import Finding
from inspector.core.reading.source import BLANKS, BOM, SegmentStore
from inspector.core.validation.pyx12.results import IG, own_finding

_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_VERSIONS = ("00401", "00501")
_SPAN = 2000  # segments read from the store at a time
_BLANK_TEXT = BLANKS.decode("ascii")
_LF, _CR = ord("\n"), ord("\r")


def has_unterminated(store: SegmentStore) -> bool:
    """Whether the store's last segment is text after the last terminator (pyx12 never sees
    it)."""
    return bool(len(store)) and int(store.ends[-1]) == len(store.data)


def handed_over(store: SegmentStore) -> int:
    """How many of the store's segments pyx12 reads (all but an unterminated last one)."""
    return len(store) - has_unterminated(store)


@dataclass(frozen=True)
class Window:
    """The part of a file one worker checks (see :mod:`.chunked`).

    ``spans``: the ordinal ranges handed to pyx12 after the ISA, in order (the envelope and
    header the part needs, then the part itself up to and including ``stop``); ``start``: the
    first segment of the part; ``stop``: the first segment of the next part (pyx12 only walks
    to it), None for the last part; ``st_ordinal``/``st_count``/``st_ids``: the transaction set
    ``start`` is in (its ordinal, its number in the group, the ST02s of the group so far).
    """

    spans: tuple[tuple[int, int], ...]
    start: int
    stop: int | None
    st_ordinal: int
    st_count: int
    st_ids: tuple[str, ...]

    def enter(self, reader: Any) -> None:
        """Bring pyx12's reader to its state just before reading ``start``."""
        reader.seg_count = self.start - self.st_ordinal
        reader.st_count = self.st_count
        reader.st_ids = list(self.st_ids)


def _fit(value: str, width: int, index: int) -> str:
    """An ISA element brought to its fixed width (ISA13 is numeric: zero-padded)."""
    if len(value) > width:
        value = value.rstrip()[:width]
    if index == 12 and value.isascii() and value.isdigit():
        return value.zfill(width)
    return value.ljust(width)


class Feed:
    """The segments of one store as pyx12 is to read them, and the findings about them.

    Findings known before pyx12 starts go to ``emit``; those found while pyx12 pulls segments
    wait in ``pending`` until the driver hands them on (before pyx12 works on the next segment).
    """

    def __init__(self, store: SegmentStore, emit: Callable[[Finding], None]) -> None:
        self.store = store
        self.emit = emit
        self.pending: list[Finding] = []
        self.ordinal = 0  # ordinal of the last segment handed to pyx12 (empty ones included)
        self.sep = store.delimiters.element
        self.term = store.delimiters.segment
        if store.is_ascii:
            self.encoding = "ascii"
        else:
            self.encoding = "utf-8" if store.utf8 else "latin-1"
        self.unterminated = has_unterminated(store)
        self.total = handed_over(store)
        self._bytes = np.frombuffer(store.data, dtype=np.uint8)

    # -- before pyx12 starts --------------------------------------------------------------------
    def prepare(self) -> str | None:
        """Report the preamble, check and if needed repair the ISA; return the ISA text pyx12 is
        to read (terminator included), or None if pyx12 cannot be run."""
        store = self.store
        prefix = store.data[: int(store.starts[0])]
        boms = prefix.count(BOM)
        if boms:
            self.emit(
                own_finding(
                    "IG-ENC-BOM",
                    f"The file starts with {boms} byte-order mark(s) (BOM). X12 files "
                    "should start directly with 'ISA'; save the file as plain ASCII without BOM. The "
                    "BOM was ignored for checking.",
                    1,
                    severity="warning",
                    segment_id="ISA",
                )
            )
        if len(prefix) > boms * len(BOM):
            self.emit(
                own_finding(
                    "IG-ENC-LEADING-WHITESPACE",
                    "There are blank lines or spaces before 'ISA'; remove "
                    "them so the file starts with 'ISA'. They were ignored for checking.",
                    1,
                    severity="warning",
                    segment_id="ISA",
                )
            )
        text = store.decode(store.raw(1))
        parts = text.split(self.sep)
        if len(parts) != 17:  # the store found a terminator before ISA16
            self.emit(
                own_finding(
                    "IG-ISA-WIDTH",
                    "The ISA segment is incomplete: it must have 16 "
                    f"elements separated by '{self.sep}'.",
                    1,
                    segment_id="ISA",
                )
            )
            return None
        isa, elements = text + self.term, parts[1:]
        fixed = [_fit(v, w, i) for i, (v, w) in enumerate(zip(elements, _ISA_WIDTHS, strict=True))]
        if fixed != elements or fixed[11] not in _VERSIONS:
            # pyx12 reads the delimiters and ISA12 at fixed offsets, so misaligned elements break it
            return self.repair_isa(isa, elements, fixed)
        return isa

    def repair_isa(self, isa: str, elements: list[str], fixed: list[str]) -> str | None:
        """Report what is wrong with the ISA and return the repaired copy (None: cannot run)."""
        notes = [
            f"ISA{i + 1:02d} has {len(old)} characters instead of {_ISA_WIDTHS[i]}"
            for i, (old, new) in enumerate(zip(elements, fixed))
            if old != new
        ]
        if notes:
            size = (
                f"is {len(isa)} characters long; it must be exactly 106"
                if len(isa) != 106
                else "has elements that are not at their fixed widths"
            )
            self.emit(
                own_finding(
                    "IG-ISA-WIDTH",
                    f"The ISA segment {size}, because every ISA element has a fixed "
                    "width ("
                    + "; ".join(notes)
                    + "). Pad ISA02/04/06/08 with spaces and ISA13 with "
                    "leading zeros. The inspector fixed the widths in its working copy so the rest of "
                    "the file could still be checked (a 999 built here uses those values).",
                    1,
                    segment_id="ISA",
                    value=isa,
                    extra={"isa_length": len(isa), "repaired": True},
                )
            )
        version = fixed[11]
        if version not in _VERSIONS:
            guess = self.version_from_gs(version)
            if guess is None:
                return None
            fixed[11] = guess
        return "ISA" + "".join(self.sep + v for v in fixed[:15]) + self.sep + fixed[15] + isa[-1]

    def version_from_gs(self, version: str) -> str | None:
        """Report an ISA12 pyx12 cannot check; return the version GS08 implies, if any."""
        store = self.store
        gs = store.decode(store.raw(2)).split(self.sep) if len(store) > 1 else [""]
        guess = {"004010": "00401", "005010": "00501"}.get(gs[8][:6] if len(gs) > 8 else "")
        tail = (
            f" GS08 says '{gs[8]}', so the file was checked as version {guess}; set ISA12 "
            f"to {guess}."
            if guess
            else " The file could not be checked."
        )
        self.emit(
            own_finding(
                "IG-ISA-VERSION",
                f"ISA12 (interchange version) is '{version}', but "
                "only 00401 and 00501 can be checked." + tail,
                1,
                segment_id="ISA",
                element="ISA12",
                value=version,
            )
        )
        return guess

    # -- while pyx12 reads ----------------------------------------------------------------------
    def segments(
        self, isa: str, reader: Any, open_st: Callable[[], bool], window: Window | None = None
    ) -> Iterator[str]:
        """Yield segments for ``X12Reader`` the way ``RawX12File`` would, minus its pitfalls.

        ``reader`` is the ``X12Reader`` pulling them (its line count is moved on past an empty
        segment); ``open_st()`` says whether a transaction set is open (an empty segment inside
        one rejects it in the 999). With a ``window`` only its spans are handed over, each at its
        own ordinal, and the reader is brought to the state it would have at ``window.start``.
        """
        store = self.store
        check_ascii = not store.is_ascii
        self.ordinal = 1
        if not isa.isascii():
            self.pending.append(self.non_ascii(isa[:-1]))
        yield isa[:-1]
        spans = window.spans if window is not None else ((2, self.total),)
        previous = 1
        for first_of_span, last_of_span in spans:
            if first_of_span != previous + 1:
                reader.cur_line = first_of_span - 1
            if window is not None and first_of_span == window.start:
                window.enter(reader)
            previous = last_of_span
            for first in range(first_of_span, last_of_span + 1, _SPAN):
                last = min(first + _SPAN - 1, last_of_span)
                indented = self.indented(first, last)
                for ordinal, text in enumerate(store.raw_span(first, last), first):
                    self.ordinal = ordinal
                    if not text:
                        reader.cur_line += 1  # keep pyx12's line count equal to the ordinals
                        self.pending.append(self.empty(ordinal, open_st()))
                        continue
                    line = " " + text if ordinal in indented else text  # pyx12 reports it
                    if check_ascii and not line.isascii():
                        line = store.decode(line)
                        self.pending.append(self.non_ascii(line))
                    yield line
        if self.unterminated and (window is None or window.stop is None):
            self.pending.append(self.trailing())

    def indented(self, first: int, last: int) -> set[int]:
        """Ordinals ``first..last`` whose blanks before them hold more than line breaks."""
        starts, ends, data = self.store.starts, self.store.ends, self._bytes
        prev_end = ends[first - 2 : last - 1].astype(np.int64)
        gap = starts[first - 1 : last] - prev_end - 1
        found = np.zeros(gap.shape[0], dtype=bool)
        live, k = np.flatnonzero(gap > 0), 0
        while live.size:  # one pass per blank position: gaps are short (a line break, an indent)
            byte = data[prev_end[live] + 1 + k]
            found[live[(byte != _LF) & (byte != _CR)]] = True
            k += 1
            live = live[(gap[live] > k) & ~found[live]]
        return {int(i) + first for i in np.flatnonzero(found)} if found.any() else set()

    def empty(self, ordinal: int, in_transaction: bool) -> Finding:
        return own_finding(
            "IG-EMPTY-SEGMENT",
            f"Segment {ordinal} is empty: two segment "
            f"terminators {self.term!r} follow each other. Remove the extra {self.term!r}. (pyx12 "
            "alone stops reading here; the inspector skipped it and checked the rest.)",
            ordinal,
            source=IG,
            extra={"in_transaction": in_transaction},
        )

    def trailing(self) -> Finding:
        store, term = self.store, self.term
        tail = store.decode(store.raw(len(store))).rstrip(_BLANK_TEXT)
        return own_finding(
            "IG-TRAILING-DATA",
            f"Text after the last segment terminator {term!r} was "
            f"not read: {tail[:40]!r}. Every segment, including IEA, must end with {term!r}.",
            len(store),
            source=IG,
            value=tail[:80],
        )

    def non_ascii(self, line: str) -> Finding:
        parts = line.strip().split(self.sep)
        idx = next(i for i, p in enumerate(parts) if not p.isascii())
        chars = "".join(sorted({c for c in parts[idx] if ord(c) > 127}))
        where = f"element {parts[0]}{idx:02d}" if idx else "the segment name"
        return own_finding(
            "IG-ENC-NON-ASCII",
            f"Segment {self.ordinal} ({parts[0]}) has non-ASCII "
            f"character(s) {chars!r} in {where}. X12 allows plain ASCII only: replace "
            "accented letters (é → e) and special spaces with plain ones.",
            self.ordinal,
            severity="warning",
            segment_id=parts[0][:3],
            element=f"{parts[0]}{idx:02d}" if idx else None,
            value=parts[idx],
            extra={"encoding": self.encoding},
        )
