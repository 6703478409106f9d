"""The one door to pyx12 4.0.0: implementation-guide (TR3) validation and 999 acknowledgments.

No other module imports pyx12. This one drives pyx12's own building blocks (``X12Reader``, the map
walker, ``err_handler``) the way ``pyx12.x12n_document.x12n_document`` does, segment by segment, so
it can report progress, honour a cancel token and stream findings, and it works around pyx12's
known pitfalls (see DESIGN.md):

* pyx12 opens files as ASCII: we decode the bytes ourselves (UTF-8, else Latin-1) and hand it text.
* BOMs / whitespace before ``ISA``: skipped; the ISA stays segment 1.
* ISA not 106 characters: pyx12 refuses; we pad the fixed-width elements in our working copy.
* ``~~`` (empty segment): pyx12 silently stops; we skip it, keep the ordinals aligned and go on.
* Unknown GS08 raises ``EngineError``: we check the map ourselves and say which guide is claimed.
* pyx12's loggers print every error: silenced while we run, restored afterwards.

pyx12's "line" numbers are segment ordinals (ISA = 1), counted exactly like ours; the adapter keeps
them identical, including across skipped empty segments. Envelope-level errors (SE/GE/IEA counts and
control numbers) are reported by pyx12 at the opening segment (ST/GS/ISA); we keep that ordinal and
put the trailer's ordinal in ``extra["detected_at_segment"]``.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pyx12.error_997
import pyx12.error_999
import pyx12.error_handler
import pyx12.map_if
import pyx12.map_index
import pyx12.params
import pyx12.x12file
from pyx12.map_walker import apply_walk_errors, walk_tree

from inspector.core.errors import Cancelled, InspectorError
from inspector.core.findings import Finding
from inspector.core.validation.pyx12.messages import describe, loop_id

#: Guides pyx12 can validate an 834 against, with the map file maps.xml resolves them to.
SUPPORTED_GUIDES: dict[str, str] = {
    "004010X095A1": "834.4010.X095.A1.xml",
    "005010X220A1": "834.5010.X220.A1.xml",
}
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_BATCH = 2000
_ENVELOPE = {"ISA", "GS", "ST", "SE", "GE", "IEA"}
_IG = "implementation-guide"
_BLANK = " \t\r\n"  # whitespace between segments belongs to no segment


@dataclass
class Pyx12Result:
    """Outcome of one pyx12 run. Plain data (picklable) so it can cross a process boundary."""

    findings: list[Finding]
    segments_seen: int
    completed: bool  # False when validation stopped before the end of the file
    guide: str | None  # guide pyx12 validated against (GS08), None if it could not run
    total_segments: int = 0
    ack: str | None = None  # pyx12's 999 (005010) or 997 (004010) text for this file
    ack_kind: str | None = None
    ack_unavailable: str | None = None  # why ``ack`` is None
    encoding: str = "ascii"


class _CallbackFailed(Exception):
    """Wraps an exception from a caller's callback so it is not mistaken for a pyx12 failure."""


_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved: dict[str, bool] = {}


@contextmanager
def _quiet_pyx12() -> Iterator[None]:
    """Disable pyx12's loggers (it logs every validation error) and restore them afterwards."""
    global _quiet_depth
    with _quiet_lock:
        if _quiet_depth == 0:
            names = {"pyx12", "pyx12.params", "pyx12.error_999", "pyx12.error_997"}
            names |= {n for n in list(logging.root.manager.loggerDict) if n.startswith("pyx12.")}
            _quiet_saved.clear()
            for name in names:
                logger = logging.getLogger(name)
                _quiet_saved[name] = logger.disabled
                logger.disabled = True  # checked first by isEnabledFor: cheapest way to mute
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                for name, disabled in _quiet_saved.items():
                    logging.getLogger(name).disabled = disabled


class _CapturingErrh(pyx12.error_handler.err_handler):
    """pyx12's error tree (needed for the 999) that also hands every error to the adapter.

    The ordinal is computed exactly as ``err_handler`` does for its log lines, so it equals what
    bare pyx12 prints.
    """

    def __init__(self, sink: Callable[..., None]) -> None:
        super().__init__()
        self._sink = sink
        self.seg_map_node: Any = None
        self.ele_map_node: Any = None

    def add_seg(
        self, map_node: Any, seg_data: Any, seg_count: int, cur_line: int, ls_id: Any
    ) -> None:
        super().add_seg(map_node, seg_data, seg_count, cur_line, ls_id)
        self.seg_map_node = map_node

    def add_ele(self, map_node: Any) -> None:
        super().add_ele(map_node)
        self.ele_map_node = map_node

    def isa_error(self, err_cde: str, err_str: str) -> None:
        super().isa_error(err_cde, err_str)
        self._sink("ISA", err_cde, err_str, None, self.cur_isa_node.get_cur_line(), None)

    def gs_error(self, err_cde: str, err_str: str) -> None:
        super().gs_error(err_cde, err_str)
        self._sink("GS", err_cde, err_str, None, self.cur_gs_node.get_cur_line(), None)

    def st_error(self, err_cde: str, err_str: str) -> None:
        super().st_error(err_cde, err_str)
        self._sink("ST", err_cde, err_str, None, self.cur_st_node.get_cur_line(), None)

    def seg_error(
        self, err_cde: str, err_str: str, err_value: Any = None, src_line: Any = None
    ) -> None:
        super().seg_error(err_cde, err_str, err_value, src_line)
        line = src_line or (self.cur_seg_node.get_cur_line() if self.cur_seg_node else None)
        self._sink("SEG", err_cde, err_str, err_value, line, None)

    def ele_error(self, err_cde: str, err_str: str, bad_value: Any, refdes: Any = None) -> None:
        super().ele_error(err_cde, err_str, bad_value, refdes)
        self._sink("ELE", err_cde, err_str, bad_value, self.cur_seg_node.get_cur_line(), refdes)


def _decode(data: bytes) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    try:
        text = data.decode("utf-8")
        return text, "ascii" if text.isascii() else "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"  # every byte maps, so this never fails


def _fit(value: str, width: int, index: int) -> str:
    """An ISA element brought to its fixed width (ISA13 is numeric: zero-padded)."""
    if len(value) > width:
        value = value.rstrip()[:width]
    if index == 12 and value.isdigit():
        return value.zfill(width)
    return value.ljust(width)


class _Run:
    """State of one validation run; findings are streamed as soon as they are known."""

    def __init__(self, on_finding: Callable[[Finding], None] | None) -> None:
        self.findings: list[Finding] = []
        self.on_finding = on_finding
        self.pending: list[Finding] = []  # found while splitting, emitted before the next segment
        self.ordinal = 0  # ordinal of the last piece read (segments and empty pieces)
        self.cur_line = 0  # ordinal of the segment pyx12 is working on
        self.seg: Any = None
        self.node: Any = None
        self.detail: Any = None  # original pyx12 EleError behind a segment-level "8"
        self.reader: Any = None
        self.errh: _CapturingErrh | None = None
        self.completed = False
        self.guide: str | None = None
        self.encoding = "ascii"
        self.total = 0
        self.sep = "*"
        self.in_walk = False
        self.prev: tuple[int, str | None, Any] = (0, None, None)  # line, segment id, map node
        self.env_ids: dict[int, str] = {}  # ISA/GS/ST/SE/GE/IEA ids by ordinal

    def emit(self, finding: Finding) -> None:
        self.findings.append(finding)
        if self.on_finding is not None:
            try:
                self.on_finding(finding)
            except Exception as exc:
                raise _CallbackFailed from exc

    @staticmethod
    def own(
        code: str,
        message: str,
        segment: int | None,
        *,
        severity: Any = "error",
        source: Any = "envelope",
        **kw: Any,
    ) -> Finding:
        """A finding the adapter makes itself (file hygiene, envelope repairs, pyx12 failures)."""
        return Finding(
            severity=severity, code=code, message=message, segment=segment, source=source, **kw
        )

    # -- reading --------------------------------------------------------------------------------
    def prepare(self, data: bytes) -> tuple[str, str] | None:
        """Decode, skip the preamble, check and if needed repair the ISA; return (isa, rest)."""
        text, self.encoding = _decode(data)
        start, boms = 0, 0
        while start < len(text) and (text[start] == "\ufeff" or text[start] in _BLANK):
            boms += text[start] == "\ufeff"
            start += 1
        if boms:
            self.emit(
                self.own(
                    "IG-ENC-BOM",
                    f"The file starts with {boms} byte-order mark(s) (BOM). X12 files "
                    "should start directly with 'ISA'; save the file as plain ASCII without BOM. The "
                    "BOM was ignored for checking.",
                    1,
                    severity="warning",
                    segment_id="ISA",
                )
            )
        if start - boms:
            self.emit(
                self.own(
                    "IG-ENC-LEADING-WHITESPACE",
                    "There are blank lines or spaces before 'ISA'; remove "
                    "them so the file starts with 'ISA'. They were ignored for checking.",
                    1,
                    severity="warning",
                    segment_id="ISA",
                )
            )
        if text[start : start + 3] != "ISA" or len(text) < start + 16:
            self.emit(
                self.own(
                    "IG-NOT-X12",
                    "This is not an X12 file: it must start with an ISA "
                    f"segment, but it starts with {text[start : start + 20]!r}.",
                    None,
                )
            )
            return None
        self.sep = sep = text[start + 3]
        pos = start + 3  # the separator before ISA01; ISA16 follows the 16th
        for _ in range(15):
            pos = text.find(sep, pos + 1, start + 400)
            if pos < 0:
                self.emit(
                    self.own(
                        "IG-ISA-WIDTH",
                        "The ISA segment is incomplete: it must have 16 "
                        f"elements separated by '{sep}'.",
                        1,
                        segment_id="ISA",
                    )
                )
                return None
        isa_end = pos + 3  # ISA16 and the segment terminator follow the 16th separator
        isa, rest = text[start:isa_end], text[isa_end:]
        elements = [*isa[4:-2].split(sep)[:15], isa[-2]]
        fixed = [_fit(v, w, i) for i, (v, w) in enumerate(zip(elements, _ISA_WIDTHS, strict=True))]
        if fixed != elements or fixed[11] not in ("00401", "00501"):
            # pyx12 reads the delimiters and ISA12 at fixed offsets, so misaligned elements break it
            repaired = self.repair_isa(isa, elements, fixed, rest)
            if repaired is None:
                return None
            isa = repaired
        return isa, rest

    def repair_isa(self, isa: str, elements: list[str], fixed: list[str], rest: str) -> str | None:
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
                self.own(
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
        if version not in ("00401", "00501"):
            gs = rest[: rest.find(isa[-1])].lstrip().split(self.sep)
            guess = {"004010": "00401", "005010": "00501"}.get(gs[8][:6] if len(gs) > 8 else "")
            tail = (
                f" GS08 says '{gs[8]}', so the file was checked as version {guess}; set ISA12 "
                f"to {guess}."
                if guess
                else " The file could not be checked."
            )
            self.emit(
                self.own(
                    "IG-ISA-VERSION",
                    f"ISA12 (interchange version) is '{version}', but "
                    "only 00401 and 00501 can be checked." + tail,
                    1,
                    segment_id="ISA",
                    element="ISA12",
                    value=version,
                )
            )
            if guess is None:
                return None
            fixed[11] = guess
        return "ISA" + "".join(self.sep + v for v in fixed[:15]) + self.sep + fixed[15] + isa[-1]

    def pieces(self, isa: str, rest: str) -> Iterator[str]:
        """Yield segments for ``X12Reader`` the way ``RawX12File`` would, minus its pitfalls."""
        term, reader, check_ascii = isa[-1], self.reader, not rest.isascii()
        self.ordinal = 1
        if not isa.isascii():
            self.pending.append(self.non_ascii(isa[:-1]))
        yield isa[:-1]
        pos = 0
        while True:
            end = rest.find(term, pos)
            if end < 0:
                tail = rest[pos:].strip(_BLANK)
                if tail:
                    self.pending.append(
                        self.own(
                            "IG-TRAILING-DATA",
                            f"Text after the last segment terminator {term!r} was "
                            f"not read: {tail[:40]!r}. Every segment, including IEA, must end with "
                            f"{term!r}.",
                            self.ordinal + 1,
                            source=_IG,
                            value=tail[:80],
                        )
                    )
                return
            piece, pos = rest[pos:end], end + 1
            self.ordinal += 1
            if not piece.strip(_BLANK):
                reader.cur_line += 1  # keep pyx12's line count equal to our ordinals
                self.pending.append(
                    self.own(
                        "IG-EMPTY-SEGMENT",
                        f"Segment {self.ordinal} is empty: two segment "
                        f"terminators {term!r} follow each other. Remove the extra {term!r}. (pyx12 "
                        "alone stops reading here; the inspector skipped it and checked the rest.)",
                        self.ordinal,
                        source=_IG,
                        extra={"in_transaction": self.open_st()},
                    )
                )
                continue
            line = piece.lstrip("\r\n")
            if line[:1] in (" ", "\t"):
                line = " " + line.lstrip(_BLANK)  # pyx12 reports a leading space and strips it
            if check_ascii and not line.isascii():
                self.pending.append(self.non_ascii(line))
            yield line

    def non_ascii(self, line: str) -> Finding:
        parts = line.strip().split(self.sep)
        idx = next(i for i, p in enumerate(parts) if not p.isascii())
        chars = "".join(sorted({c for c in parts[idx] if ord(c) > 127}))
        where = f"element {parts[0]}{idx:02d}" if idx else "the segment name"
        return self.own(
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

    def open_st(self) -> bool:
        st = self.errh.cur_st_node if self.errh else None
        return st is not None and not st.is_closed()

    def flush_pending(self) -> None:
        for finding in self.pending:
            if finding.code == "IG-EMPTY-SEGMENT" and finding.extra["in_transaction"]:
                # Let pyx12's 999 reject the transaction set ("5": segments in error); bypass our
                # capture because the finding above already says it.
                pyx12.error_handler.err_handler.st_error(self.errh, "5", finding.message)
            self.emit(finding)
        self.pending.clear()

    # -- driving pyx12 --------------------------------------------------------------------------
    def tick(
        self, progress: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None
    ) -> None:
        try:
            stop = cancel is not None and cancel()
            if progress is not None and not stop:
                progress(min(self.ordinal, self.total), self.total)
        except Exception as exc:
            raise _CallbackFailed from exc
        if stop:
            raise Cancelled("pyx12 validation was cancelled")

    def drive(self, isa: str, rest: str, progress: Any, cancel: Any) -> None:
        """The steps of ``x12n_document``, one segment at a time (no HTML/XML, no 837 BHT)."""
        self.total = 1 + rest.count(isa[-1])
        self.tick(progress, cancel)
        param = pyx12.params.ParamsBase()  # defaults only: user config files must not matter
        reader = self.reader = pyx12.x12file.X12Reader(io.StringIO(isa))
        reader.raw = self.pieces(isa, rest)  # type: ignore[assignment]
        errh = self.errh = _CapturingErrh(self.on_pyx12_error)
        map_file = "x12.control.00501.xml" if reader.icvn == "00501" else "x12.control.00401.xml"
        control_map = pyx12.map_if.load_map_file(map_file, param, None)
        index = pyx12.map_index.map_index(None)
        node: Any = control_map.getnodebypath("/ISA_LOOP/ISA")
        walker, cur_map, icvn, seen = walk_tree(), cast(Any, None), reader.icvn, 0
        for seg in reader:
            self.flush_pending()
            sid = seg.get_seg_id()
            self.prev = (self.cur_line, self.seg and self.seg.get_seg_id(), self.node)
            line = self.cur_line = reader.get_cur_line()
            self.seg = seg
            if sid in _ENVELOPE:
                self.env_ids[line] = sid
            orig_node = node
            if sid in ("ISA", "GS"):
                path = "/ISA_LOOP/ISA" if sid == "ISA" else "/ISA_LOOP/GS_LOOP/GS"
                node = control_map.getnodebypath(path)
                walker.forceWalkCounterToLoopStart(path.rsplit("/", 1)[0], path)
                self.node = node
            else:
                node, _, _, walk_errors = walker.walk_errors(
                    node, seg, reader.get_seg_count(), line, reader.get_ls_id()
                )
                self.node = node if node is not None else orig_node
                self.in_walk = True
                apply_walk_errors(errh, walk_errors)
                self.in_walk = False
            if node is None:
                node = orig_node  # like pyx12: skip the segment, its reader errors stay queued
            else:
                if sid == "ISA":
                    errh.add_isa_loop(seg, reader)
                    icvn = seg.get_value("ISA12")
                    errh.handle_errors(reader.pop_errors())
                elif sid == "GS":
                    fic, vriic = seg.get_value("GS01"), seg.get_value("GS08")
                    new_file = index.get_filename(icvn, vriic, fic)
                    if new_file not in SUPPORTED_GUIDES.values():
                        self.emit(self.unsupported(line, icvn, fic, vriic))
                        return
                    if new_file != map_file:
                        map_file = new_file
                        cur_map = pyx12.map_if.load_map_file(new_file, param, None)
                    node = self.node = cur_map.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
                    self.guide = vriic
                    errh.add_gs_loop(seg, reader)
                    errh.handle_errors(reader.pop_errors())
                elif sid == "ST":
                    errh.add_st_loop(seg, reader)
                    errh.handle_errors(reader.pop_errors())
                elif sid in ("IEA", "GE", "SE"):
                    errh.handle_errors(reader.pop_errors())
                    close = {
                        "IEA": errh.close_isa_loop,
                        "GE": errh.close_gs_loop,
                        "SE": errh.close_st_loop,
                    }[sid]
                    close(node, seg, reader)
                else:
                    errh.add_seg(node, seg, reader.get_seg_count(), line, reader.get_ls_id())
                    errh.handle_errors(reader.pop_errors())
                self.validate_segment(node, seg)
            seen += 1  # noqa: SIM113  (the loop ends inside on IEA; a counter reads clearer)
            if seen % _BATCH == 0:
                self.tick(progress, cancel)
        self.flush_pending()
        reader.cleanup()  # reports missing SE/GE/IEA trailers
        errh.handle_errors(reader.pop_errors())
        self.completed = True
        self.tick(progress, cancel)

    def validate_segment(self, node: Any, seg: Any) -> None:
        """``map_if._segment.apply_segment_errors``, keeping the detail pyx12 folds into code 8."""
        errh = cast(_CapturingErrh, self.errh)
        _, errors = node.is_valid_errors(seg)
        cursor = None
        for err in errors:
            if err.map_node is None:
                self.detail = err
                errh.seg_error("8", err.err_str, err.err_val)
                self.detail = None
                continue
            if err.map_node is not cursor:
                errh.add_ele(err.map_node)
                cursor = err.map_node
            errh.ele_error(err.err_cde, err.err_str, err.err_val, err.refdes)

    def unsupported(self, line: int, icvn: str, fic: str | None, vriic: str | None) -> Finding:
        hints, vriic = [], vriic or ""
        if fic != "BE":
            hints.append(f"GS01 is '{fic}', but an 834 enrollment group uses 'BE'")
        if vriic not in SUPPORTED_GUIDES:
            exchange = " (X307 is the exchange 834, a different guide)" if "X307" in vriic else ""
            hints.append(f"GS08 '{vriic}' is not 004010X095A1 or 005010X220A1{exchange}")
        elif fic == "BE":
            hints.append(
                f"ISA12 '{icvn}' does not match the GS08 version; it should be "
                f"{'00501' if vriic.startswith('005') else '00401'}"
            )
        return self.own(
            "IG-GUIDE-UNSUPPORTED",
            f"The functional group (GS, segment {line}) says the file "
            f"follows guide '{vriic}' (GS08). Only 834 files for 004010X095A1 and 005010X220A1 can "
            "be checked against the implementation guide, so this check was skipped: "
            + "; ".join(hints)
            + ".",
            line,
            source=_IG,
            segment_id="GS",
            element="GS08",
            value=vriic,
            extra={"claimed_guide": vriic, "functional_id": fic, "isa_version": icvn},
        )

    def build_ack(self) -> tuple[str | None, str | None, str | None]:
        errh = self.errh
        if not self.completed:
            return None, None, "the implementation-guide check did not complete"
        if errh is None or errh.cur_isa_node is None or errh.cur_gs_node is None:
            return None, None, "the file has no ISA/GS envelope pyx12 could read"
        kind = "997" if (errh.cur_gs_node.vriic or "").startswith("004010") else "999"
        visitor = (
            pyx12.error_997.error_997_visitor
            if kind == "997"
            else pyx12.error_999.error_999_visitor
        )
        out = io.StringIO()
        try:
            _patch_for_ack(errh)
            errh.accept(visitor(out, self.reader.get_term()))
        except Exception as exc:  # pyx12's visitors assume a well-formed error tree
            return None, None, f"pyx12 could not build the {kind}: {type(exc).__name__}: {exc}"
        return out.getvalue(), kind, None

    # -- pyx12 errors -> findings ---------------------------------------------------------------
    def seg_id_at(self, line: int | None) -> str | None:
        if line == self.cur_line and self.seg is not None:
            return self.seg.get_seg_id()
        if line in self.env_ids:
            return self.env_ids[line]
        # reader errors of a segment the walker could not place are handled one segment later
        return self.prev[1] if line == self.prev[0] else None

    def on_pyx12_error(
        self, kind: str, code: str, text: str, value: Any, line: int | None, refdes: Any
    ) -> None:
        errh = self.errh
        assert errh is not None
        extra: dict[str, Any] = {"pyx12_message": text, "pyx12_level": kind, "pyx12_code": code}
        seg_id, element, name, loop = self.seg_id_at(line), None, None, loop_id(self.node)
        if kind in ("ISA", "GS", "ST"):
            loop = f"{kind}_LOOP"
            if line != self.cur_line:  # trailer problems are reported at the opening segment
                extra["detected_at_segment"] = self.cur_line
        elif kind == "SEG":
            if line == self.prev[0]:
                loop = loop_id(self.prev[2])
            elif self.in_walk and code != "2" and errh.seg_map_node is not None:
                loop = loop_id(errh.seg_map_node)
            if code == "3":
                extra["missing_segment"] = errh.cur_seg_node.seg_id
                name = errh.seg_map_node.name if errh.seg_map_node is not None else None
            detail = self.detail
            if detail is not None:
                extra["pyx12_detail_code"] = detail.err_cde
                ref = detail.refdes
                element = ref if isinstance(ref, str) else f"{seg_id}{ref:02d}" if ref else None
        else:
            node = errh.ele_map_node
            element = refdes if isinstance(refdes, str) else None
            name = node.name if node is not None else None
            if value is None and code == "10" and element and line == self.cur_line:
                value = self.seg.get_value(element)  # pyx12 omits the unwanted value
        message = describe(kind, code, text, value, seg_id, element, name, self)
        self.emit(
            Finding(
                severity="error",
                code=f"IG-{kind}-{code}",
                message=message,
                segment=line,
                segment_id=seg_id,
                element=element,
                value=value,
                loop=loop,
                source=_IG,
                extra=extra,
            )
        )


def _patch_for_ack(errh: Any) -> None:
    """Work around two pyx12 4.0.0 visitor crashes on a transaction set with a bad ST segment."""
    for isa in errh.children:
        for gs in isa.children:
            for st in gs.children:
                # AK2 needs ST01-03; without ST03 (or ST02) the visitors raise EngineError.
                st.trn_set_id = st.trn_set_id or "834"
                st.trn_set_control_num = st.trn_set_control_num or ""
                st.vriic = st.vriic or gs.vriic
                # Only ST01/ST02 have an IK5 code; an ST03 error raises KeyError. Still reject.
                if any(ele.ele_pos > 2 for ele in st.elements):
                    st.elements = [ele for ele in st.elements if ele.ele_pos <= 2]
                    st.errors.append(("5", "ST03 error"))
                    st.ack_code = "R"
                    gs.ack_code = gs.ack_code and gs._get_ack_code()  # AK901 was decided at GE


def validate_with_pyx12(
    data: bytes,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    on_finding: Callable[[Finding], None] | None = None,
) -> Pyx12Result:
    """Check ``data`` (the whole file as on disk) against its 834 implementation guide with pyx12.

    Never raises for bad input: every problem, including pyx12 failing, becomes a Finding (an
    internal pyx12 failure is ``IG-INTERNAL``). ``progress(done, total)`` is called about every 2000
    segments; when ``cancel()`` returns True, :class:`Cancelled` is raised. Each Finding is passed
    to ``on_finding`` as soon as it is known. Exceptions from callbacks propagate unchanged.
    """
    run = _Run(on_finding)
    ack: tuple[str | None, str | None, str | None] = (None, None, "the file could not be read")
    with _quiet_pyx12():
        try:
            prepared = run.prepare(data)
            if prepared is not None:
                run.drive(*prepared, progress, cancel)
                ack = run.build_ack()
        except Cancelled:
            raise
        except _CallbackFailed as exc:
            raise exc.__cause__ from None  # type: ignore[misc]
        except Exception as exc:  # pyx12 must never hand the caller a traceback
            where = run.cur_line or None
            run.emit(
                run.own(
                    "IG-INTERNAL",
                    f"The implementation-guide check stopped at segment {where} because "
                    f"pyx12 failed ({type(exc).__name__}: {exc}). This usually means the envelope "
                    "(ISA/GS/ST/SE/GE/IEA) is broken near that segment. Findings before this point "
                    "stand; later segments were not checked.",
                    where,
                    source=_IG,
                    segment_id=run.seg_id_at(where),
                    extra={"exception": type(exc).__name__, "detail": str(exc)},
                )
            )
            ack = (None, None, f"pyx12 failed: {type(exc).__name__}")
    return Pyx12Result(
        findings=run.findings,
        segments_seen=run.ordinal,
        completed=run.completed,
        guide=run.guide,
        total_segments=run.total,
        ack=ack[0],
        ack_kind=ack[1],
        ack_unavailable=ack[2],
        encoding=run.encoding,
    )


def build_999(data: bytes, *, result: Pyx12Result | None = None) -> str:
    """Return pyx12's acknowledgment for ``data``: a 999 (005010X231A1), or a 997 for 004010 files.

    Pass the ``result`` of an earlier :func:`validate_with_pyx12` on the same bytes to avoid
    validating twice. Raises :class:`InspectorError` when pyx12 cannot produce one.
    """
    result = result if result is not None else validate_with_pyx12(data)
    if result.ack is None:
        raise InspectorError(f"No 999 acknowledgment could be built: {result.ack_unavailable}.")
    return result.ack


def write_999(data: bytes, out_path: str | Path, *, result: Pyx12Result | None = None) -> None:
    """Write :func:`build_999`'s acknowledgment for ``data`` to ``out_path``."""
    text = build_999(data, result=result)
    Path(out_path).write_text(text, encoding="utf-8", errors="replace", newline="")
