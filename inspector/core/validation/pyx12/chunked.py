"""pyx12 on every core: a file's member loops checked in parts, in parallel, as one run.

pyx12 walks a file one segment at a time on one core. The member loops (2000) of an 834 do not
depend on each other once the header is known, so a large file is cut at member boundaries
(INS) into parts, and each part is checked by a worker process as if it were the whole run:

* the worker hands pyx12 the file's ISA, GS and the part's transaction-set header (ST to the
  segment before the first INS), then jumps to the part's first segment with the reader's
  counters set to what they would be there (segment count, transaction sets so far), and
  reads on to the first segment of the next part, to which pyx12 only walks (so that what
  closing the part's last member loop finds — a missing required segment — is found);
* every finding and every call that shapes pyx12's error tree is tagged with the segment and
  the phase of its handling (before, during or after the walk); a part keeps what the
  unsplit run would have done in its range: the header's and the walk into its first segment
  belong to the part before it, the walk into the next part's first segment to it;
* the parent hands the parts' findings on in file order and replays their error-tree calls on
  one fresh tree, from which pyx12's own visitor writes the 999.

The parts run exactly pyx12's code; a part's results are those of the whole run when it starts
in the state the whole run has there. A file is split only where that can be arranged: one
interchange and one group, transaction sets opened and closed in turn, no empty segment, a guide
pyx12 can check, and enough segments to be worth it. And each part checks it: the walker's state
after walking into the next part's first INS (its map node and every loop and segment count but
the member loop's own, which may repeat without limit) is compared with the state the next part
reached there from the header. Where they differ (a stray segment pyx12 placed outside the member
loop, or a segment it could not place right before the cut), the file is checked again in one
piece from that part on, so such findings are always those of a plain run.

The parity tests run split and unsplit on every public sample and on thousands of mutated files
and require the same findings and the same 999.
"""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass
from multiprocessing import reduction
from typing import Any

import numpy as np

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding
from inspector.core.reading.source import SegmentStore, read_bytes
from inspector.core.validation.pyx12.feed import Window, handed_over

#: Below this many segments a file is checked in one piece (starting workers costs ~1 s).
MIN_SEGMENTS = 20_000
#: Parts per worker: more parts give steadier progress, each costs a map load (~0.1 s).
PARTS_PER_WORKER = 3


def workers_available() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


class NoWorkers(Exception):
    """Worker processes could not be started (the run goes on in one piece)."""


@dataclass(frozen=True)
class Part:
    """One part of a split run: its window, its number and how many segments it checks."""

    index: int
    window: Window
    size: int

    @property
    def first(self) -> bool:
        return self.index == 0


def plan(
    store: SegmentStore, workers: int, *, min_segments: int = MIN_SEGMENTS, parts: int = 0
) -> list[Part] | None:
    """The parts ``store`` is checked in, or None if it is to be checked in one piece.

    ``parts`` (default ``workers * PARTS_PER_WORKER``) is how many parts to aim for.
    """
    total = handed_over(store)
    if workers < 2 or total < max(min_segments, 8):
        return None
    ids = store.ids
    names = ids.names
    codes = ids.code_array()[:total]

    def ordinals(seg_id: str) -> np.ndarray:
        if seg_id not in names:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(codes == names.index(seg_id)) + 1

    if np.any(store.starts[:total] == store.ends[:total]):
        return None  # an empty segment: its report is handed on with the next segment
    isa, gs, ge, iea = (ordinals(s) for s in ("ISA", "GS", "GE", "IEA"))
    st, se, ins = ordinals("ST"), ordinals("SE"), ordinals("INS")
    if list(isa) != [1] or list(gs) != [2] or list(iea) != [total] or list(ge) != [total - 1]:
        return None
    if len(st) == 0 or len(st) != len(se) or st[0] != 3 or se[-1] != total - 2:
        return None
    if np.any(se <= st) or np.any(st[1:] <= se[:-1]):  # each ST closed before the next opens
        return None
    # cut points: an INS that is not the first of its transaction set
    st_of_ins = np.searchsorted(st, ins, side="right") - 1
    inside = (st_of_ins >= 0) & (ins < se[np.clip(st_of_ins, 0, None)])
    ins, st_of_ins = ins[inside], st_of_ins[inside]
    if len(ins) < 2:
        return None
    later = np.ones(len(ins), dtype=bool)
    later[np.flatnonzero(np.r_[True, st_of_ins[1:] != st_of_ins[:-1]])] = False
    cuts, cut_st = ins[later], st_of_ins[later]
    if len(cuts) == 0:
        return None
    want = parts or workers * PARTS_PER_WORKER
    targets = np.linspace(0, total, want + 1)[1:-1]
    chosen = np.unique(np.clip(np.searchsorted(cuts, targets), 0, len(cuts) - 1))
    first_ins = {int(s): int(i) for s, i in zip(st_of_ins[~later], ins[~later], strict=True)}
    st02 = [_st02(store, int(o)) for o in st]
    windows: list[Part] = []
    starts = [1] + [int(cuts[c]) for c in chosen]
    owners = [0] + [int(cut_st[c]) for c in chosen]
    for k, (start, owner) in enumerate(zip(starts, owners, strict=True)):
        stop = starts[k + 1] if k + 1 < len(starts) else None
        end = stop if stop is not None else total
        if k == 0:
            spans: tuple[tuple[int, int], ...] = ((2, end),)
        else:
            st_at = int(st[owner])
            header_end = first_ins[owner] - 1
            spans = (
                ((2, header_end), (start, end))
                if st_at == 3
                else ((2, 2), (st_at, header_end), (start, end))
            )
        window = Window(
            spans=spans,
            start=start,
            stop=stop,
            st_ordinal=int(st[owner]),
            st_count=owner + 1,
            st_ids=tuple(st02[: owner + 1]),
        )
        windows.append(Part(k, window, end - start))
    return windows


def _st02(store: SegmentStore, ordinal: int) -> str:
    elements = store.elements(ordinal)
    return store.decode(elements[2]) if len(elements) > 2 else ""


# -- what a part keeps ---------------------------------------------------------------------------
def keeps(part: Part, phase: tuple[int, str]) -> bool:
    """Whether what happened in ``phase`` (segment ordinal, phase name) belongs to ``part``."""
    from inspector.core.validation.pyx12.driver import END, PREPARE, WALK

    ordinal, name = phase
    window = part.window
    if name == PREPARE:
        return part.first
    if name == END:
        return window.stop is None
    if window.stop is not None and ordinal == window.stop:
        return name == WALK
    if ordinal < window.start:
        return part.first
    if ordinal == window.start:
        return part.first or name != WALK
    return window.stop is None or ordinal < window.stop


@dataclass
class PartResult:
    """What a worker sends back for one part."""

    index: int
    findings: list[Finding]
    calls: list[tuple[str, tuple[Any, ...]]]
    finished: bool  # pyx12 reached the end of the part (or of the file, for the last part)
    failed: bool  # pyx12 failed (IG-INTERNAL): check the file in one piece
    guide: str | None
    term: Any
    start_state: tuple[Any, ...] | None  # the walker at the part's first segment
    stop_state: tuple[Any, ...] | None  # ... at the next part's first (None: not comparable)

    def follows(self, before: PartResult) -> bool:
        """Whether this part started in the state the part before left pyx12 in (then its
        results are those of the whole run)."""
        return before.stop_state is not None and before.stop_state == self.start_state


def run_part(
    store: SegmentStore, part: Part, progress: Callable[[int], None] | None = None
) -> PartResult:
    """Check one part (in a worker, or in this process); ``progress(n)``: n more segments of the
    part checked (about every 2,000)."""
    from inspector.core.validation.pyx12.adapter import run_window

    counted = part.window.start

    def ticked(done: int, total: int) -> None:
        nonlocal counted
        if progress is not None and done > counted:
            progress(done - counted)
            counted = done

    run, _ = run_window(store, part.window, ticked if progress is not None else None)
    kept = [f for f, ph in zip(run.findings, run.phases, strict=True) if keeps(part, ph)]
    log = run.log.calls if run.log is not None else []
    calls = [(name, args) for ph, name, args in log if keeps(part, ph)]
    failed = any(f.code == "IG-INTERNAL" for f in run.findings)
    finished = run.reached_stop if part.window.stop is not None else run.completed
    term = run.reader.get_term() if run.reader is not None else None
    return PartResult(
        part.index,
        kept,
        calls,
        finished,
        failed,
        run.guide,
        term,
        run.start_state,
        run.stop_state,
    )


# -- worker processes ----------------------------------------------------------------------------
_worker_store: SegmentStore | None = None
_worker_done: Any = None  # shared count of segments checked by all workers


#: Workers yield the CPU to the app's window (and to whatever else the clerk runs).
WORKER_NICENESS = 10


class HandedBytes:
    """The file's bytes for the workers, in an anonymous in-memory file (Linux ``memfd``).

    Passed as a plain argument, the bytes are pickled once for each worker the pool starts (on
    a 20 MiB file two 20 MiB pickles, whose memory the parent's allocator keeps afterwards: 20
    MiB more for the rest of an export). Here the parent writes them to the in-memory file
    with ``write()`` (never mapped, so they add nothing to its resident memory) and each
    worker, when it starts, receives a duplicate of the file's descriptor (multiprocessing
    passes descriptors to the processes it starts) and copies the bytes out.
    """

    def __init__(self, data: bytes) -> None:
        self.size = len(data)
        self.fd = os.memfd_create("inspector-834", os.MFD_CLOEXEC)
        try:
            with open(self.fd, "wb", closefd=False) as fh:
                fh.write(data)
        except BaseException:
            os.close(self.fd)
            raise

    def close(self) -> None:
        os.close(self.fd)

    def __reduce__(self) -> tuple[Any, tuple[Any, int]]:
        # pickled only while the pool starts a worker: the descriptor goes to that process
        return _handed_bytes, (reduction.DupFd(self.fd), self.size)


def _handed_bytes(dup: Any, size: int) -> bytes:
    """The bytes of a :class:`HandedBytes`, in the worker (its descriptor then closed)."""
    fd = dup.detach()
    try:
        if size == 0:
            return b""
        with mmap.mmap(fd, size, access=mmap.ACCESS_READ) as view:
            return bytes(view)
    finally:
        os.close(fd)


def _handed(data: bytes) -> HandedBytes | None:
    """The bytes as a :class:`HandedBytes`, or None where there is no ``memfd`` (not Linux)."""
    if not hasattr(os, "memfd_create"):
        return None
    try:
        return HandedBytes(data)
    except OSError:
        return None


def _init_worker(data: bytes, done: Any) -> None:
    global _worker_store, _worker_done
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(WORKER_NICENESS)
    _worker_store, _worker_done = read_bytes(data), done


def _count(n: int) -> None:
    with _worker_done.get_lock():
        _worker_done.value += n


def _work(part: Part) -> PartResult:
    assert _worker_store is not None
    return run_part(_worker_store, part, _count)


def _context() -> Any:
    # forkserver: workers are forked from a clean server, not from a process with threads
    # (the app's check process, the CLI's pyx12 thread); spawn where there is no forkserver.
    if sys.platform.startswith("linux") and not getattr(sys, "frozen", False):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def run_parts(
    store: SegmentStore,
    parts: list[Part],
    workers: int,
    *,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Generator[PartResult, None, None]:
    """The parts' results in file order, as the workers finish them. ``progress(n)``: n
    segments checked so far by all workers (about every 0.1 s); closing the generator (or
    ``cancel()`` returning True, which raises :class:`Cancelled`) stops the workers."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["inspector.core.validation.pyx12.chunked"])
    done = ctx.Value("q", 0)
    handed = _handed(store.data)
    try:
        data = bytes(store.data) if handed is None else handed
        pool = ctx.Pool(min(workers, len(parts)), _init_worker, (data, done))
    except (OSError, RuntimeError) as exc:  # no processes here: the caller checks unsplit
        if handed is not None:
            handed.close()
        raise NoWorkers(str(exc)) from exc
    try:
        pending = pool.imap(_work, parts)
        for _ in parts:
            while True:
                try:
                    result = pending.next(timeout=0.1)
                    break
                except multiprocessing.TimeoutError:
                    if cancel is not None and cancel():
                        raise Cancelled("pyx12 validation was cancelled") from None
                    if progress is not None:
                        progress(int(done.value))
            yield result
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        if handed is not None:
            handed.close()
