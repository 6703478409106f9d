"""Driving pyx12 one segment at a time: progress, cancel and findings as soon as they are known.

This does what ``pyx12.x12n_document.x12n_document`` does (no HTML/XML output, no 837 BHT), with
pyx12's own building blocks (``X12Reader``, the map walker, ``err_handler``), reading the
segments :class:`~.feed.Feed` hands it. An unknown GS08 would make pyx12 raise ``EngineError``:
the map is looked up here first and the claimed guide reported instead.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any

import pyx12.map_if
import pyx12.map_index
import pyx12.params
import pyx12.x12file
from pyx12.map_walker import apply_walk_errors, walk_tree

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding
from inspector.core.validation.pyx12.feed import Feed, Window
from inspector.core.validation.pyx12.results import (
    IG,
    CapturingErrh,
    Cursor,
    ErrhLog,
    build_ack,
    own_finding,
    pyx12_finding,
)

#: Guides pyx12 can validate an 834 against, with the map file maps.xml resolves them to.
SUPPORTED_GUIDES: dict[str, str] = {
    "004010X095A1": "834.4010.X095.A1.xml",
    "005010X220A1": "834.5010.X220.A1.xml",
}
_BATCH = 2000  # segments between progress ticks (and cancel checks)
_ENVELOPE = {"ISA", "GS", "ST", "SE", "GE", "IEA"}
_CLOSE = {"IEA": "close_isa_loop", "GE": "close_gs_loop", "SE": "close_st_loop"}
# phases of a segment's handling (what a part of a split run keeps, see .chunked)
PREPARE, PRE, WALK, REST, END = "prepare", "pre", "walk", "rest", "end"
END_ORDINAL = 1 << 62
_UNBOUNDED = 2**31 - 1  # pyx12's maximum repeat of a loop or segment marked ">1"


_maps: dict[str, Any] = {}
_maps_lock = threading.Lock()


def load_map(name: str) -> Any:
    """pyx12's map ``name`` (loaded once per process: ~0.1 s each time otherwise).

    A loaded map is not changed by a run (the walker keeps its counts itself; the map's nodes
    only cache their own paths), so runs one after another, or in threads, can share it.
    """
    with _maps_lock:
        if name not in _maps:
            _maps[name] = pyx12.map_if.load_map_file(name, pyx12.params.ParamsBase(), None)
        return _maps[name]


class CallbackFailed(Exception):
    """Wraps an exception from a caller's callback so it is not mistaken for a pyx12 failure."""


class Run:
    """State of one validation run; findings are streamed as soon as they are known."""

    def __init__(
        self, on_finding: Callable[[Finding], None] | None, window: Window | None = None
    ) -> None:
        self.findings: list[Finding] = []
        self.on_finding = on_finding
        # a part of a file (see .chunked): the phase each finding and tree call happened in
        self.window = window
        self.phase: tuple[int, str] = (0, PREPARE)
        self.phases: list[tuple[int, str]] = []
        self.log: ErrhLog | None = ErrhLog(lambda: self.phase) if window is not None else None
        self.reached_stop = False
        # the walker's state at the part's first segment and at the next part's (see .chunked)
        self.start_state: tuple[Any, ...] | None = None
        self.stop_state: tuple[Any, ...] | None = None
        self.placed_last = True  # the walker placed the segment before this one
        self.cur = Cursor()
        self.feed: Feed | None = None
        self.completed = False
        self.guide: str | None = None  # GS08 pyx12 validated against
        # set up by drive(): pyx12's reader, error tree, maps and walker
        self.reader: Any = None
        self.errh: CapturingErrh | None = None
        self.param: Any = None
        self.index: Any = None
        self.walker: Any = None
        self.control_map: Any = None
        self.cur_map: Any = None
        self.map_file = ""
        self.icvn = ""
        self.node: Any = None  # the walker's position in the map

    def emit(self, finding: Finding) -> None:
        self.findings.append(finding)
        if self.window is not None:
            self.phases.append(self.phase)
        if self.on_finding is not None:
            try:
                self.on_finding(finding)
            except Exception as exc:
                raise CallbackFailed from exc

    def tick(
        self, progress: Callable[[int, int], None] | None, cancel: Callable[[], bool] | None
    ) -> None:
        feed = self.feed
        assert feed is not None
        try:
            stop = cancel is not None and cancel()
            if progress is not None and not stop:
                progress(min(feed.ordinal, feed.total), feed.total)
        except Exception as exc:
            raise CallbackFailed from exc
        if stop:
            raise Cancelled("pyx12 validation was cancelled")

    # -- the run ----------------------------------------------------------------------------------
    def drive(self, feed: Feed, isa: str, progress: Any, cancel: Any) -> None:
        """Validate ``feed``'s segments, ``isa`` (repaired if need be) first."""
        self.feed = feed
        self.tick(progress, cancel)
        self.param = pyx12.params.ParamsBase()  # defaults only: user config files must not matter
        reader = self.reader = self.cur.reader = pyx12.x12file.X12Reader(io.StringIO(isa))
        reader.raw = feed.segments(isa, reader, self.open_st, self.window)
        errh = self.errh = self.cur.errh = CapturingErrh(self.on_pyx12_error, self.log)
        self.map_file = (
            "x12.control.00501.xml" if reader.icvn == "00501" else "x12.control.00401.xml"
        )
        self.control_map = load_map(self.map_file)
        self.index = pyx12.map_index.map_index(None)
        self.node = self.control_map.getnodebypath("/ISA_LOOP/ISA")
        self.walker, self.icvn = walk_tree(), reader.icvn
        for seen, seg in enumerate(reader, 1):
            if not self.step(seg):
                return
            if seen % _BATCH == 0:
                self.tick(progress, cancel)
        self.phase = (END_ORDINAL, END)
        self.flush_pending()
        reader.cleanup()  # reports missing SE/GE/IEA trailers
        errh.handle_errors(reader.pop_errors())
        self.completed = True
        self.tick(progress, cancel)

    def step(self, seg: Any) -> bool:
        """One segment through the walker and the error tree; False: stop (unsupported guide)."""
        cur, window = self.cur, self.window
        line = self.reader.get_cur_line()
        if window is not None:
            self.phase = (line, PRE)
        if self.feed is not None and self.feed.pending:
            self.flush_pending()
        sid = seg.get_seg_id()
        cur.prev = (cur.cur_line, cur.seg and cur.seg.get_seg_id(), cur.node)
        cur.cur_line = line
        cur.seg = seg
        if sid in _ENVELOPE:
            cur.env_ids[line] = sid
        if window is not None:
            self.phase = (line, WALK)
        node = self.walk(seg, sid, line)
        if window is not None:
            if line == window.stop:  # the next part's first segment: only walked to
                self.reached_stop = True
                self.stop_state = self.walker_state(node) if self.placed_last else None
                return False
            if line == window.start and window.start > 1:
                self.start_state = self.walker_state(node)
            self.phase = (line, REST)
            self.placed_last = node is not None
        if node is None:
            return True  # like pyx12: skip the segment, its reader errors stay queued
        self.node = node
        if not self.record(node, seg, sid, line):
            return False
        self.validate_segment(self.node, seg)
        return True

    def walker_state(self, node: Any) -> tuple[Any, ...] | None:
        """What the walk from a member's INS on depends on: the map node and the loop and
        segment counts as the walker reads them (it asks only whether a count is 0 and whether
        it is over the node's maximum, so the count of a node that may repeat without limit is
        only "some"). None if the segment was not placed."""
        if node is None:
            return None
        counts = []
        for path, n in self.walker.counter.getState().items():
            text = path.format()
            if n > 1 and self.unbounded(text):
                n = 1
            counts.append((text, n))
        return (node.x12path.format(), *sorted(counts))

    def unbounded(self, path: str) -> bool:
        for tree in (self.cur_map, self.control_map):
            if tree is None:
                continue
            try:
                found = tree.getnodebypath(path)
            except Exception:  # not in this map (pyx12 raises EngineError)
                continue
            return bool(found.get_max_repeat() >= _UNBOUNDED)
        return False

    def walk(self, seg: Any, sid: str, line: int) -> Any:
        """The map node of ``seg`` (None if the walker could not place it)."""
        cur = self.cur
        if sid in ("ISA", "GS"):
            path = "/ISA_LOOP/ISA" if sid == "ISA" else "/ISA_LOOP/GS_LOOP/GS"
            node = self.control_map.getnodebypath(path)
            self.walker.forceWalkCounterToLoopStart(path.rsplit("/", 1)[0], path)
            cur.node = node
            return node
        reader = self.reader
        node, _, _, walk_errors = self.walker.walk_errors(
            self.node, seg, reader.get_seg_count(), line, reader.get_ls_id()
        )
        cur.node = node if node is not None else self.node
        cur.in_walk = True
        apply_walk_errors(self.errh, walk_errors)
        cur.in_walk = False
        return node

    def record(self, node: Any, seg: Any, sid: str, line: int) -> bool:
        """Add ``seg`` to pyx12's error tree; False: stop (unsupported guide)."""
        errh, reader = self.errh, self.reader
        assert errh is not None
        if sid == "ISA":
            errh.add_isa_loop(seg, reader)
            self.icvn = seg.get_value("ISA12")
        elif sid == "GS":
            if not self.open_group(seg, line):
                return False
        elif sid == "ST":
            errh.add_st_loop(seg, reader)
        elif sid in _CLOSE:
            errh.handle_errors(reader.pop_errors())
            getattr(errh, _CLOSE[sid])(node, seg, reader)
            return True
        else:
            errh.add_seg(node, seg, reader.get_seg_count(), line, reader.get_ls_id())
        errh.handle_errors(reader.pop_errors())
        return True

    def open_group(self, seg: Any, line: int) -> bool:
        """Load the guide's map GS08 names; False (reported) if pyx12 has none for an 834."""
        fic, vriic = seg.get_value("GS01"), seg.get_value("GS08")
        new_file = self.index.get_filename(self.icvn, vriic, fic)
        if new_file not in SUPPORTED_GUIDES.values():
            self.emit(unsupported(line, self.icvn, fic, vriic))
            return False
        if new_file != self.map_file:
            self.map_file = new_file
            self.cur_map = load_map(new_file)
        self.node = self.cur.node = self.cur_map.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
        self.guide = vriic
        assert self.errh is not None
        self.errh.add_gs_loop(seg, self.reader)
        return True

    def validate_segment(self, node: Any, seg: Any) -> None:
        """``map_if._segment.apply_segment_errors``, keeping the detail pyx12 folds into code 8."""
        errh, cur = self.errh, self.cur
        assert errh is not None
        _, errors = node.is_valid_errors(seg)
        cursor = None
        for err in errors:
            if err.map_node is None:
                cur.detail = err
                errh.seg_error("8", err.err_str, err.err_val)
                cur.detail = None
                continue
            if err.map_node is not cursor:
                errh.add_ele(err.map_node)
                cursor = err.map_node
            errh.ele_error(err.err_cde, err.err_str, err.err_val, err.refdes)

    # -- findings ---------------------------------------------------------------------------------
    def open_st(self) -> bool:
        st = self.errh.cur_st_node if self.errh else None
        return st is not None and not st.is_closed()

    def flush_pending(self) -> None:
        """Hand on what the feed found while pyx12 read the segments before this one."""
        assert self.feed is not None
        pending = self.feed.pending
        for finding in pending:
            if finding.code == "IG-EMPTY-SEGMENT" and finding.extra["in_transaction"]:
                # Let pyx12's 999 reject the transaction set ("5": segments in error); bypass our
                # capture because the finding above already says it.
                assert self.errh is not None
                self.errh.st_error_quiet("5", finding.message)
            self.emit(finding)
        pending.clear()

    def on_pyx12_error(
        self, kind: str, code: str, text: str, value: Any, line: int | None, refdes: Any
    ) -> None:
        self.emit(pyx12_finding(self.cur, kind, code, text, value, line, refdes))

    def internal_failure(self, exc: Exception) -> None:
        """Report pyx12 failing (the run stops; what was found before stands)."""
        where = self.cur.cur_line or None
        self.emit(
            own_finding(
                "IG-INTERNAL",
                f"The implementation-guide check stopped at segment {where} because "
                f"pyx12 failed ({type(exc).__name__}: {exc}). This usually means the envelope "
                "(ISA/GS/ST/SE/GE/IEA) is broken near that segment. Findings before this point "
                "stand; later segments were not checked.",
                where,
                source=IG,
                segment_id=self.cur.seg_id_at(where),
                extra={"exception": type(exc).__name__, "detail": str(exc)},
            )
        )

    def build_ack(self) -> tuple[str | None, str | None, str | None]:
        return build_ack(self.cur, self.completed)


def unsupported(line: int, icvn: str, fic: str | None, vriic: str | None) -> Finding:
    """The finding for a functional group whose guide pyx12 cannot check as an 834."""
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
    return own_finding(
        "IG-GUIDE-UNSUPPORTED",
        f"The functional group (GS, segment {line}) says the file "
        f"follows guide '{vriic}' (GS08). Only 834 files for 004010X095A1 and 005010X220A1 can "
        "be checked against the implementation guide, so this check was skipped: "
        + "; ".join(hints)
        + ".",
        line,
        source=IG,
        segment_id="GS",
        element="GS08",
        value=vriic,
        extra={"claimed_guide": vriic, "functional_id": fic, "isa_version": icvn},
    )
