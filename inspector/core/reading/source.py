"""Reading an X12 file into a compact segment store.

The store keeps the raw bytes, a latin-1 view of them (one character per byte, so character offsets
are byte offsets) and numpy arrays of segment start/end offsets. A 1.5 M-segment file therefore
costs a few arrays, not 1.5 M Python objects; elements are split on demand.

Segment ordinals are 1-based and count from the ISA (ISA = 1). A segment is the text between two
segment terminators; whitespace (CR, LF, space, tab) right after a terminator belongs to nobody; an
empty piece (``~~``) still counts as a segment so that it can be reported where it sits.
"""

from __future__ import annotations

import os
import stat
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inspector.core.errors import NotAn834Error
from inspector.core.findings import Finding, Severity

BOM = b"\xef\xbb\xbf"
ISA_WIDTH = 106
#: Blank bytes: after a terminator or before the ISA they belong to no segment (the one notion).
BLANKS = b" \t\r\n\x0b\x0c"
_WHITESPACE = BLANKS
_WS_TABLE = np.zeros(256, dtype=bool)
_WS_TABLE[list(_WHITESPACE)] = True

# What a clerk should be told when the file is X12 but another transaction.
TRANSACTION_NAMES = {
    "270": "an eligibility inquiry (270)",
    "271": "an eligibility response (271)",
    "276": "a claim status inquiry (276)",
    "277": "a claim status response (277)",
    "820": "a premium payment (820)",
    "835": "a claim payment/remittance advice (835)",
    "837": "a health care claim (837)",
    "997": "a functional acknowledgment (997)",
    "999": "an implementation acknowledgment (999)",
    "TA1": "an interchange acknowledgment (TA1)",
}


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 delimiters, as read from the ISA."""

    element: str
    repetition: str | None
    component: str
    segment: str

    def describe(self) -> str:
        def show(ch: str | None) -> str:
            if ch is None:
                return "none"
            return {"\n": "LF", "\r": "CR", " ": "space"}.get(ch, ch)

        return (
            f"element {show(self.element)}  repetition {show(self.repetition)}  "
            f"component {show(self.component)}  segment {show(self.segment)}"
        )


class SegmentIds(Sequence):
    """Segment id of every segment (index = ordinal - 1), stored as 2-byte codes."""

    def __init__(self, codes: array, names: list[str]) -> None:
        self.codes = codes
        self.names = names

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.names[c] for c in self.codes[i]]
        return self.names[self.codes[i]]

    def __iter__(self):
        return map(self.names.__getitem__, self.codes)

    def code_array(self) -> np.ndarray:
        """The codes as a numpy array (a view, no copy)."""
        if not len(self.codes):
            return np.zeros(0, dtype=np.uint16)
        return np.frombuffer(self.codes, dtype=np.uint16)

    def ordinals_of(self, segment_id: str) -> np.ndarray:
        """1-based ordinals of every segment with this id."""
        try:
            code = self.names.index(segment_id)
        except ValueError:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.code_array() == code) + 1


#: Bytes (and segments) looked at a time by :func:`_line_numbers`.
_LINE_BLOCK = 1 << 18


def _line_end(data: bytes) -> bytes:
    """What ends a physical line of the file: LF, or CR in a file without LF."""
    return b"\n" if b"\n" in data else b"\r"


def _line_numbers(data: bytes, starts: np.ndarray) -> np.ndarray:
    """1-based physical line (int32) of each segment start: lines end at LF, or at CR in a
    file without LF. Worked out a block at a time, and with 4-byte offsets for a file under
    2 GiB: a byte mask of the whole file and 8-byte arrays per segment (about 2.5 times the
    file in all) would be freed at once but stay in the process's heap."""
    newline = _line_end(data)
    arr = np.frombuffer(data, dtype=np.uint8)
    offset = np.int32 if len(data) < 2**31 else np.int64
    breaks = np.empty(data.count(newline), dtype=offset)  # offset of each line end
    found = 0
    for a in range(0, len(arr), _LINE_BLOCK):
        hits = np.flatnonzero(arr[a : a + _LINE_BLOCK] == newline[0])
        breaks[found : found + len(hits)] = hits + a
        found += len(hits)
    lines = np.empty(len(starts), dtype=np.int32)
    for a in range(0, len(starts), _LINE_BLOCK):
        block = starts[a : a + _LINE_BLOCK].astype(offset)
        lines[a : a + _LINE_BLOCK] = np.searchsorted(breaks, block, "right")
    lines += 1
    return lines


class SegmentStore:
    """All segments of one file, addressable by 1-based ordinal (ISA = 1).

    Attributes of note: ``data`` (the bytes as on disk),
    ``starts``/``ends`` (byte offsets of each segment's first character and of its terminator),
    ``delimiters``, ``problems`` (reader-level findings such as a BOM or a short ISA).
    """

    def __init__(
        self,
        data: bytes,
        path: Path | None,
        delimiters: Delimiters,
        starts: np.ndarray,
        ends: np.ndarray,
        problems: list[Finding],
    ) -> None:
        self.data = data
        self.path = path
        self.delimiters = delimiters
        self.starts = starts
        self.ends = ends
        self.problems = problems
        self.is_ascii = data.isascii()
        # UTF-8 files show names like "José" correctly; anything else is shown byte by byte.
        self.utf8 = False
        if not self.is_ascii:
            try:
                data.decode("utf-8")
                self.utf8 = True
            except UnicodeDecodeError:
                self.utf8 = False
        self._ids: SegmentIds | None = None
        self._lines: np.ndarray | None = None
        self._joint: str | None = None  # see _segment_joint()

    # -- size and addressing -------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.starts.shape[0])

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else "<input>"

    def _index(self, ordinal: int) -> int:
        if not 1 <= ordinal <= len(self):
            raise IndexError(f"segment {ordinal} is outside 1..{len(self)}")
        return ordinal - 1

    def text_between(self, start: int, end: int) -> str:
        """Bytes ``start:end`` as text, one character per byte (latin-1), so offsets carry over."""
        return self.data[start:end].decode("latin-1")

    def raw(self, ordinal: int) -> str:
        """The segment's text without its terminator (latin-1 view; byte = character)."""
        i = self._index(ordinal)
        return self.data[self.starts[i] : self.ends[i]].decode("latin-1")

    def raw_span(self, first: int, last: int) -> list[str]:
        """:meth:`raw` of every segment ``first..last`` (inclusive), read in one slice.

        When every terminator is followed by the same characters (the usual "~\\n" or "~\\r\\n",
        or nothing) one split of the slice gives the segments; otherwise they are cut from the
        slice at their offsets.
        """
        if last < first:
            return []
        a, b = self._index(first), self._index(last)
        start = int(self.starts[a])
        text = self.data[start : int(self.ends[b])].decode("latin-1")
        joint = self._joint if self._joint is not None else self._segment_joint()
        if joint:
            pieces = text.split(joint)
            if len(pieces) == b - a + 1:
                return pieces
        cuts = zip(self.starts[a : b + 1].tolist(), self.ends[a : b + 1].tolist())
        return [text[s - start : e - start] for s, e in cuts]

    def _segment_joint(self) -> str:
        """What separates every two segments (terminator + the same blanks), or "" if it varies."""
        starts, ends, joint = self.starts, self.ends, ""
        gaps = starts[1:] - ends[:-1] - 1
        width = int(gaps[0]) if len(gaps) else 0
        if not len(gaps) or not gaps.any():
            joint = self.delimiters.segment
        elif (gaps == width).all():
            arr = np.frombuffer(self.data, dtype=np.uint8)
            gap = self.data[int(ends[0]) + 1 : int(starts[1])]
            if all((arr[ends[:-1] + 1 + k] == gap[k]).all() for k in range(width)):
                joint = self.delimiters.segment + gap.decode("latin-1")
        self._joint = joint
        return joint

    def display(self, ordinal: int) -> str:
        """The segment's text for showing to a person (UTF-8 decoded where the file is UTF-8)."""
        return self.decode(self.raw(ordinal))

    def decode(self, value: str) -> str:
        """Turn a latin-1 view value into what the file's author meant (UTF-8 if the file is)."""
        if self.utf8 and not value.isascii():
            return value.encode("latin-1").decode("utf-8", errors="replace")
        return value

    def elements(self, ordinal: int) -> list[str]:
        """Segment split on the element separator: ``[id, e01, e02, ...]`` (latin-1 view)."""
        return self.raw(ordinal).split(self.delimiters.element)

    def segment_id(self, ordinal: int) -> str:
        return self.ids[self._index(ordinal)]

    def byte_offset(self, ordinal: int) -> int:
        return int(self.starts[self._index(ordinal)])

    def line(self, ordinal: int) -> int:
        """1-based physical line of the segment's first character."""
        return int(self.lines[self._index(ordinal)])

    def lines_of(self, ordinals: Iterable[int]) -> list[int]:
        """:meth:`line` of each ordinal. Unless :attr:`lines` exists already, the line breaks
        before each segment are counted in the bytes (in offset order, each byte once), so
        that a few thousand findings of a large file need no array of every segment's line."""
        wanted = [self._index(o) for o in ordinals]
        if self._lines is not None:
            return [int(self._lines[i]) for i in wanted]
        newline = _line_end(self.data)
        starts = self.starts[np.asarray(wanted, dtype=np.intp)].tolist()
        out = [0] * len(wanted)
        count = seen = 0  # line breaks in data[:seen]
        count_in = self.data.count
        for k in sorted(range(len(wanted)), key=starts.__getitem__):
            end = starts[k] + 1  # breaks up to and including the segment's first byte
            if end > seen:
                count += count_in(newline, seen, end)
                seen = end
            out[k] = count + 1
        return out

    @property
    def ids(self) -> SegmentIds:
        """Segment id of every segment (index = ordinal - 1); built on first use."""
        if self._ids is None:
            sep = self.delimiters.element.encode("latin-1")
            data = self.data
            cache: dict[bytes, int] = {}
            names: list[str] = []
            codes = array("H")
            append = codes.append
            for s, e in zip(self.starts.tolist(), self.ends.tolist()):
                piece = data[s : min(e, s + 4)]
                cut = piece.find(sep)
                key = piece if cut < 0 else piece[:cut]
                code = cache.get(key)
                if code is None:
                    code = cache[key] = len(names)
                    names.append(key.decode("latin-1"))
                append(code)
            self._ids = SegmentIds(codes, names)
        return self._ids

    def adopt_ids(self, ids: SegmentIds) -> None:
        """Keep segment ids worked out by a pass that split every segment anyway (the
        structure pass), so that :attr:`ids` need not read the bytes a second time."""
        if len(ids) != len(self):
            raise ValueError(f"{len(ids)} segment ids for a store of {len(self)} segments")
        self._ids = ids

    @property
    def lines(self) -> np.ndarray:
        """1-based physical line number of each segment (int32), computed on first use."""
        if self._lines is None:
            self._lines = _line_numbers(self.data, self.starts)
        return self._lines

    def ordinal_at_offset(self, offset: int) -> int:
        """Ordinal of the segment containing (or starting after) a byte offset."""
        i = int(np.searchsorted(self.starts, offset, side="right")) - 1
        return max(1, min(len(self), i + 1))

    # -- edits -----------------------------------------------------------------------------------
    def spliced(self, ordinal: int, new: bytes) -> bytes:
        """The file's bytes with segment ``ordinal``'s text (terminator excluded) set to ``new``."""
        i = self._index(ordinal)
        view = memoryview(self.data)  # slices of a view are not copies: one copy of the file
        return b"".join((view[: int(self.starts[i])], new, view[int(self.ends[i]) :]))

    def with_segment(self, ordinal: int, new: bytes) -> SegmentStore:
        """A new store with segment ``ordinal``'s text set to ``new``: the same segments, later
        offsets shifted. ``self`` is unchanged (its offset arrays are shared when nothing moves).

        The segment id must stay the same (element 00 is never edited): the id cache is carried
        over, and so are the line numbers unless a line break enters or leaves the segment.
        """
        i = self._index(ordinal)
        s, e = int(self.starts[i]), int(self.ends[i])
        delta = len(new) - (e - s)
        starts, ends = self.starts, self.ends
        if delta:
            starts, ends = starts.copy(), ends.copy()
            starts[i + 1 :] += delta
            ends[i:] += delta
        out = SegmentStore(
            self.spliced(ordinal, new),
            self.path,
            self.delimiters,
            starts,
            ends,
            list(self.problems),
        )
        out._ids = self._ids
        old = self.data[s:e]
        if b"\n" not in old and b"\r" not in old and b"\n" not in new and b"\r" not in new:
            out._lines = self._lines
        # the bytes between segments are untouched, and so is what joins them
        out._joint = self._joint
        return out

    def with_segments(self, texts: dict[int, bytes]) -> SegmentStore:
        """:meth:`with_segment` of many segments at once (one copy of the file, not one per
        segment): ``texts`` maps ordinals to new segment text (terminator excluded)."""
        if not texts:
            return self
        order = sorted(texts)
        index = np.array([self._index(o) for o in order], dtype=np.int64)
        starts, ends = self.starts, self.ends
        view = memoryview(self.data)
        pieces: list[bytes | memoryview] = []
        at = 0
        delta = np.zeros(len(self), dtype=np.int64)
        crosses_line = False
        for o, i in zip(order, index.tolist()):
            s, e = int(starts[i]), int(ends[i])
            new = texts[o]
            pieces += [view[at:s], new]
            at = e
            delta[i] = len(new) - (e - s)
            old = self.data[s:e]
            if b"\n" in old or b"\r" in old or b"\n" in new or b"\r" in new:
                crosses_line = True
        pieces.append(view[at:])
        if delta.any():
            moved = np.cumsum(delta)
            new_ends = (ends + moved).astype(ends.dtype)
            new_starts = (starts + (moved - delta)).astype(starts.dtype)
        else:
            new_starts, new_ends = starts, ends
        out = SegmentStore(
            b"".join(pieces), self.path, self.delimiters, new_starts, new_ends, list(self.problems)
        )
        out._ids = self._ids
        if not crosses_line:
            out._lines = self._lines
        out._joint = self._joint
        return out


# ---------------------------------------------------------------------------------------------
def read_file(path: str | Path) -> SegmentStore:
    """Read a file from disk into a :class:`SegmentStore` (raises :class:`NotAn834Error`)."""
    path = Path(path)
    try:
        data = _read_regular(path)
    except IsADirectoryError:
        raise NotAn834Error(path, "this is a folder, not a file") from None
    except FileNotFoundError:
        raise NotAn834Error(path, "the file does not exist") from None
    except PermissionError:
        raise NotAn834Error(path, "the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise NotAn834Error(path, f"the file cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path)


_KINDS = (
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file. Anything else is refused before a byte is read: opened
    non-blocking and checked on the open descriptor (no race with the name), a FIFO would
    otherwise wait for a writer for ever and a device such as /dev/zero never end."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            kind = next((what for test, what in _KINDS if test(mode)), "a special file")
            raise NotAn834Error(
                path, f"this is {kind}, not a regular file; give the 834 file itself"
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def read_bytes(data: bytes, path: str | Path | None = None) -> SegmentStore:
    """Split X12 bytes into segments, taking the delimiters from the ISA."""
    path = Path(path) if path is not None else None
    problems: list[Finding] = []
    if not data:
        raise NotAn834Error(path, "the file is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise NotAn834Error(path, "the file is UTF-16 text; X12 files must be plain ASCII text")
    pos = _skip_preamble(data, problems)
    isa16_at = _find_isa16(data, pos, path)
    delimiters = _delimiters(data[pos : isa16_at + 2], path, problems)
    segment = delimiters.segment
    starts, ends, unterminated = _split(data, pos, ord(segment))
    if unterminated:
        problems.append(
            _reader_problem(
                "warning",
                "X12-NO-FINAL-TERMINATOR",
                f"The last segment is not closed by the segment terminator '{segment}'; "
                "the file may be cut off.",
            )
        )
    store = SegmentStore(data, path, delimiters, starts, ends, problems)
    _check_empty_segments(store)
    return store


def _skip_preamble(data: bytes, problems: list[Finding]) -> int:
    """Offset of what should be the ISA, past byte-order marks and blanks (each reported)."""
    pos = 0
    boms = 0
    while data.startswith(BOM, pos):
        pos += len(BOM)
        boms += 1
    ws_start = pos
    while pos < len(data) and data[pos] in _WHITESPACE:
        pos += 1
    if boms:
        problems.append(
            _reader_problem(
                "warning",
                "X12-BOM",
                f"The file starts with {boms} UTF-8 byte-order mark{'s' if boms > 1 else ''} "
                "before the ISA. Many trading partners reject this; save the file as plain ASCII.",
            )
        )
    if pos > ws_start:
        problems.append(
            _reader_problem(
                "warning",
                "X12-LEADING-WHITESPACE",
                f"There are {pos - ws_start} blank characters before the ISA segment; "
                "the file should start directly with 'ISA'.",
            )
        )
    return pos


def _find_isa16(data: bytes, pos: int, path: Path | None) -> int:
    """Offset of ISA16 (the component separator) of the ISA at ``pos``.

    Found by counting element separators: robust to short, padded or non-ASCII ISAs.
    """
    if data[pos : pos + 3] != b"ISA":
        raise NotAn834Error(path, _explain_not_x12(data, pos))
    if len(data) < pos + 4:
        raise NotAn834Error(path, "the file ends inside the ISA segment (it is truncated)")
    element = chr(data[pos + 3])
    if element.isalnum() or element in " \r\n\t":
        raise NotAn834Error(
            path, f"the ISA segment has no valid element separator (found {element!r} after 'ISA')"
        )
    sep_byte = data[pos + 3]
    cursor = pos + 3
    for _ in range(15):
        cursor = data.find(sep_byte, cursor + 1, pos + 400)
        if cursor < 0:
            raise NotAn834Error(
                path, "the ISA segment is truncated: it does not have its 16 elements"
            )
    isa16_at = cursor + 1
    if isa16_at + 1 >= len(data):
        raise NotAn834Error(path, "the file ends inside the ISA segment (it is truncated)")
    return isa16_at


def _delimiters(isa_bytes: bytes, path: Path | None, problems: list[Finding]) -> Delimiters:
    """The delimiters an ISA declares (``isa_bytes``: the ISA through its terminator)."""
    element, component, segment = chr(isa_bytes[3]), chr(isa_bytes[-2]), chr(isa_bytes[-1])
    if segment.isalnum():
        raise NotAn834Error(
            path,
            f"the character after ISA16 is {segment!r}, which cannot be a segment terminator; "
            "the ISA segment is damaged",
        )
    _check_isa_width(isa_bytes, problems)
    isa_fields = isa_bytes[:-1].decode("latin-1").split(element)
    repetition = _repetition(isa_fields, (element, component, segment), problems)
    if segment in "\r\n" and component == "~":
        problems.append(
            _reader_problem(
                "error",
                "X12-ISA16-MISSING",
                "ISA16 (the component separator) seems to be missing: the '~' after ISA15 was "
                "taken as ISA16 and the line break as the segment terminator, so every segment "
                "ends in a stray '~'. Add the component separator (usually ':') before the '~'.",
            )
        )
    delimiters = Delimiters(element, repetition, component, segment)
    if len({element, component, segment} | ({repetition} if repetition else set())) < (
        4 if repetition else 3
    ):
        raise NotAn834Error(
            path,
            f"the ISA declares the same character for two delimiters ({delimiters.describe()})",
        )
    return delimiters


def _check_isa_width(isa_bytes: bytes, problems: list[Finding]) -> None:
    if len(isa_bytes) == ISA_WIDTH:
        return
    if len(isa_bytes.decode("utf-8", errors="replace")) == ISA_WIDTH:
        detail = (
            f"the ISA is {ISA_WIDTH} characters but {len(isa_bytes)} bytes: it contains "
            "non-ASCII characters (for example no-break spaces) where plain spaces belong"
        )
    else:
        detail = (
            f"the ISA segment is {len(isa_bytes)} characters long; it must be exactly "
            f"{ISA_WIDTH} (its fields are fixed-width and space-padded)"
        )
    problems.append(_reader_problem("error", "X12-ISA-WIDTH", detail[0].upper() + detail[1:] + "."))


def _repetition(
    isa_fields: list[str], others: tuple[str, str, str], problems: list[Finding]
) -> str | None:
    """ISA11 as the repetition separator (5010), or None (4010's 'U', or not a delimiter)."""
    if len(isa_fields) <= 11:
        return None
    rep = isa_fields[11]
    version = isa_fields[12] if len(isa_fields) > 12 else ""
    if len(rep) == 1 and not rep.isalnum() and rep not in others:
        return rep
    if version >= "00501" and rep == "U":
        problems.append(
            _reader_problem(
                "warning",
                "X12-ISA11-U",
                "ISA11 is 'U' (a 4010 habit) although ISA12 says 5010; in 5010 ISA11 is the "
                "repetition separator. Repeated values are not split in this file.",
            )
        )
    return None


#: Bytes searched for terminators at a time (the search's temporary arrays stay this small).
_SCAN_BLOCK = 1 << 23


def _terminators(arr: np.ndarray, pos: int, terminator: int, dtype: type) -> np.ndarray:
    """Offsets (``dtype``) of every ``terminator`` byte at or after ``pos``, found block by
    block: one search over the whole file made a boolean array the size of the file and an
    8-byte offset per segment at once."""
    pieces: list[np.ndarray] = []
    for a in range(pos, len(arr), _SCAN_BLOCK):
        hits: np.ndarray = np.flatnonzero(arr[a : a + _SCAN_BLOCK] == terminator).astype(dtype)
        hits += a
        pieces.append(hits)
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=dtype)


def _split(data: bytes, pos: int, terminator: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Vectorised segment split: returns start/end offsets and whether the tail is unterminated."""
    arr = np.frombuffer(data, dtype=np.uint8)
    n = len(data)
    # 4-byte offsets when they fit: they halve the memory of the two largest arrays
    dtype = np.int32 if n < 2**31 - 1 else np.int64
    found = _terminators(arr, pos, terminator, dtype)
    # Where each piece ends (its terminator; the tail ends at the end of the data). Skipping
    # whitespace never passes it: with a whitespace terminator (a line break) a run of 50,000
    # empty segments used to be rescanned once per segment (quadratic: 86 s for 53 kB).
    # ``ends`` is a view of it: no second copy of the largest array (peak RSS on 50k members).
    limit = np.empty(found.shape[0] + 1, dtype=dtype)
    limit[:-1] = found
    limit[-1] = n
    del found
    ends = limit[:-1]
    starts = np.empty(ends.shape[0] + 1, dtype=dtype)
    starts[0] = pos
    starts[1:] = ends + 1
    # Skip whitespace after each terminator; usually one or two passes (LF or CRLF).
    for _ in range(64):
        live = starts < limit
        if not live.any():
            break
        ws = np.zeros(live.shape[0], dtype=bool)
        ws[live] = _WS_TABLE[arr[starts[live]]]
        if not ws.any():
            break
        starts[ws] += 1
    else:  # pathological indentation: fall back to a search per segment (within the segment)
        for k in range(starts.shape[0]):
            s, stop = int(starts[k]), int(limit[k])
            while s < stop and data[s] in _WHITESPACE:
                s += 1
            starts[k] = s
    # The piece after the last terminator is a segment only if it holds something.
    tail_start = int(starts[-1])
    unterminated = tail_start < n
    if unterminated:
        ends = np.append(ends, n).astype(dtype, copy=False)
    else:
        starts = starts[:-1]
    # A start that ran past its own terminator means the piece was whitespace only; keep it as an
    # empty segment at its terminator so that ordinals stay aligned with what other tools count.
    over = starts > ends
    if over.any():
        starts[over] = ends[over]
    return starts, ends, unterminated


def _check_empty_segments(store: SegmentStore) -> None:
    empty = np.flatnonzero(store.starts == store.ends)
    for i in empty[:20].tolist():
        store.problems.append(
            Finding(
                severity="error",
                code="X12-EMPTY-SEGMENT",
                message=(
                    "Empty segment: two segment terminators follow each other here. Remove the "
                    "extra terminator; many systems (pyx12 among them) stop reading at this point."
                ),
                segment=i + 1,
                segment_id="",
                source="envelope",
            )
        )


def _reader_problem(severity: Severity, code: str, message: str) -> Finding:
    return Finding(
        severity=severity,
        code=code,
        message=message,
        segment=1,
        segment_id="ISA",
        source="envelope",
    )


def _explain_not_x12(data: bytes, pos: int) -> str:
    sample = data[pos : pos + 2048]
    if b"\x00" in sample:
        return "this is a binary file, not an X12 text file"
    if pos >= len(data):
        return "the file contains only blank characters"
    if sample.lstrip().startswith((b"{", b"[")):
        return "this looks like a JSON file, not an X12 834 file (X12 files start with 'ISA')"
    if sample.lstrip().startswith(b"<"):
        return "this looks like an XML/HTML file, not an X12 834 file (X12 files start with 'ISA')"
    found = data.find(b"ISA", pos, pos + 4096)
    if found > 0:
        return (
            f"the file does not start with an ISA segment: there are {found - pos} characters "
            "of other text before 'ISA'"
        )
    if sample[:3].upper() in (b"GS*", b"ST*"):
        return "the interchange header (ISA segment) is missing; an X12 file must start with 'ISA'"
    return "this is not an X12 file: it does not start with an ISA segment"
