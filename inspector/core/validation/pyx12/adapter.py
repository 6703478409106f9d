"""The one door to pyx12 4.0.0: implementation-guide (TR3) validation and 999 acknowledgments.

No module outside this package imports pyx12. The package drives pyx12's own building blocks the
way ``pyx12.x12n_document`` does, segment by segment, so it can report progress, honour a cancel
token and stream findings, and it works around pyx12's known pitfalls (see DESIGN.md):

* :mod:`.feed`: pyx12 reads the segment store's segments (the inspector's one reader), so its
  ordinals are the store's; BOMs, non-ASCII text, short ISAs and empty segments are handled there.
* :mod:`.driver`: the run (progress, cancel, an unknown GS08 reported instead of pyx12 raising).
* :mod:`.results`: pyx12's errors as located findings (:mod:`.messages` words them), the 999.
* here: the public functions, and pyx12's loggers (it logs every error) muted while it runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from inspector.core.errors import Cancelled, InspectorError, NotAn834Error
from inspector.core.findings import Finding
from inspector.core.reading.source import SegmentStore, read_bytes
from inspector.core.validation.pyx12 import chunked
from inspector.core.validation.pyx12.driver import SUPPORTED_GUIDES, CallbackFailed, Run
from inspector.core.validation.pyx12.feed import Feed, Window, handed_over
from inspector.core.validation.pyx12.results import ack_from_tree, own_finding, replay
from inspector.core.validation.pyx12.speedups import accelerated

__all__ = [
    "SUPPORTED_GUIDES",
    "Pyx12Result",
    "build_999",
    "validate_with_pyx12",
    "write_999",
]


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
    parts: int = 1  # parts the file was checked in (see .chunked; 1: in one piece)
    rechecked: bool = False  # split, then checked again in one piece (a part's start differed)


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


def _encoding(data: bytes | SegmentStore) -> str:
    if isinstance(data, SegmentStore):
        data = data.data
    if data.isascii():
        return "ascii"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "latin-1"


def _store(data: bytes | SegmentStore, run: Run) -> SegmentStore | None:
    """The segment store of ``data`` (None, reported, if the inspector cannot read it as X12)."""
    if isinstance(data, SegmentStore):
        return data
    try:
        return read_bytes(data)
    except NotAn834Error as exc:
        reason = exc.reason[:1].upper() + exc.reason[1:]
        run.emit(own_finding("IG-NOT-X12", f"{reason}.", None))
        return None


def validate_with_pyx12(
    data: bytes | SegmentStore,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    on_finding: Callable[[Finding], None] | None = None,
    workers: int | None = None,
    min_segments: int | None = None,
    parts: int = 0,
    pool: bool = True,
) -> Pyx12Result:
    """Check a file against its 834 implementation guide with pyx12.

    ``data`` is the whole file as on disk, or its :class:`SegmentStore` (then it is not read
    again); either way pyx12 reads the store's segments, so its ordinals are the store's.
    Never raises for bad input: every problem, including pyx12 failing, becomes a Finding (an
    internal pyx12 failure is ``IG-INTERNAL``). ``progress(done, total)`` is called about every 2000
    segments; when ``cancel()`` returns True, :class:`Cancelled` is raised. Each Finding is passed
    to ``on_finding`` as soon as it is known. Exceptions from callbacks propagate unchanged.

    A large file is checked in parts on ``workers`` processes (default: one per core; 1: in this
    process), see :mod:`.chunked`; ``min_segments`` and ``parts`` tune the split, and with
    ``pool=False`` the parts run one after another in this process (tests: same results).
    """
    with _quiet_pyx12(), accelerated():
        run = Run(on_finding)
        try:
            store = _store(data, run)
            if store is not None:
                split = _split_run(
                    store, progress, cancel, on_finding, workers, min_segments, parts, pool
                )
                if split is not None:
                    return split
            return _whole_run(run, store, data, progress, cancel)
        except CallbackFailed as exc:
            raise exc.__cause__ from None  # type: ignore[misc]


def _whole_run(
    run: Run,
    store: SegmentStore | None,
    data: bytes | SegmentStore,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> Pyx12Result:
    """pyx12 over the whole file in this process (``run`` may already hold findings)."""
    feed = None
    ack: tuple[str | None, str | None, str | None] = (None, None, "the file could not be read")
    try:
        if store is not None:
            feed = Feed(store, run.emit)
            isa = feed.prepare()
            if isa is not None:
                run.drive(feed, isa, progress, cancel)
                ack = run.build_ack()
    except (Cancelled, CallbackFailed):
        raise
    except Exception as exc:  # pyx12 must never hand the caller a traceback
        run.internal_failure(exc)
        ack = (None, None, f"pyx12 failed: {type(exc).__name__}")
    return Pyx12Result(
        findings=run.findings,
        segments_seen=feed.ordinal if feed is not None else 0,
        completed=run.completed,
        guide=run.guide,
        total_segments=feed.total if feed is not None else 0,
        ack=ack[0],
        ack_kind=ack[1],
        ack_unavailable=ack[2],
        encoding=feed.encoding if feed is not None else _encoding(data),
    )


def run_window(
    store: SegmentStore, window: Window, progress: Callable[[int, int], None] | None = None
) -> tuple[Run, Feed]:
    """pyx12 over one part of ``store`` (see :mod:`.chunked`): the run, its phases recorded."""
    run = Run(None, window)
    feed = Feed(store, run.emit)
    with _quiet_pyx12(), accelerated():
        try:
            isa = feed.prepare()
            if isa is not None:
                run.drive(feed, isa, progress, None)
        except Exception as exc:  # reported; the parent then checks the file unsplit
            run.internal_failure(exc)
    return run, feed


def _split_run(
    store: SegmentStore,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    on_finding: Callable[[Finding], None] | None,
    workers: int | None,
    min_segments: int | None,
    parts: int,
    pool: bool,
) -> Pyx12Result | None:
    """The run in parts on worker processes; None if the file is not to be split.

    Findings are handed on part by part in file order. If a part did not start in the state the
    part before left pyx12 in, the file is checked again in this process and only what comes
    from that part on is handed on (what was handed on before stands: it came from parts that
    ran as the whole run does).
    """
    n = workers if workers is not None else chunked.workers_available()
    probe = Feed(store, lambda finding: None)  # each part reports the ISA's problems itself
    if probe.prepare() is None:
        return None
    pieces = chunked.plan(
        store,
        n,
        min_segments=chunked.MIN_SEGMENTS if min_segments is None else min_segments,
        parts=parts,
    )
    if pieces is None:
        return None
    feed_total = probe.total
    findings: list[Finding] = []

    def hand_on(finding: Finding) -> None:
        findings.append(finding)
        if on_finding is not None:
            on_finding(finding)

    calls: list[Any] = []
    done, guide, term = 0, None, None
    previous: chunked.PartResult | None = None
    if progress is not None:
        progress(0, feed_total)

    def tell(segments: int) -> None:
        if progress is not None:
            progress(min(max(done, segments), feed_total), feed_total)

    results = (
        chunked.run_parts(store, pieces, n, cancel=cancel, progress=tell)
        if pool
        else (chunked.run_part(store, piece) for piece in pieces)
    )
    try:
        for result in results:
            if not pool and cancel is not None and cancel():
                raise Cancelled("pyx12 validation was cancelled")
            follows = previous is None or result.follows(previous)
            if result.failed or not result.finished or not follows:
                return _finish_unsplit(
                    store, pieces[result.index], hand_on, findings, progress, cancel
                )
            for finding in result.findings:
                hand_on(finding)
            calls.extend(result.calls)
            previous = result
            guide = guide or result.guide
            term = term or result.term
            done += pieces[result.index].size
            if progress is not None:
                progress(min(done, feed_total), feed_total)
    except chunked.NoWorkers:  # raised before the first part: nothing was handed on yet
        return None
    finally:
        results.close()
    if progress is not None:
        progress(feed_total, feed_total)
    text, kind, why = ack_from_tree(replay(calls), term)
    return Pyx12Result(
        findings=findings,
        segments_seen=feed_total,
        completed=True,
        guide=guide,
        total_segments=feed_total,
        ack=text,
        ack_kind=kind,
        ack_unavailable=why,
        encoding=probe.encoding,
        parts=len(pieces),
    )


def _finish_unsplit(
    store: SegmentStore,
    part: chunked.Part,
    hand_on: Callable[[Finding], None],
    findings: list[Finding],
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> Pyx12Result:
    """The whole run in this process, handing on only what belongs to ``part`` and later."""
    whole = Window(((2, handed_over(store)),), 1, None, 3, 1, ())
    later = chunked.Part(part.index, replace(part.window, stop=None), 0)
    run = Run(None, whole)

    def maybe(finding: Finding) -> None:
        if chunked.keeps(later, run.phase):
            hand_on(finding)

    run.on_finding = maybe
    result = _whole_run(run, store, store, progress, cancel)
    return replace(result, findings=findings, rechecked=True)


def build_999(data: bytes | SegmentStore, *, result: Pyx12Result | None = None) -> str:
    """Return pyx12's acknowledgment for ``data``: a 999 (005010X231A1), or a 997 for 004010 files.

    Pass the ``result`` of an earlier :func:`validate_with_pyx12` on the same bytes to avoid
    validating twice. Raises :class:`InspectorError` when pyx12 cannot produce one.
    """
    result = result if result is not None else validate_with_pyx12(data)
    if result.ack is None:
        raise InspectorError(f"No 999 acknowledgment could be built: {result.ack_unavailable}.")
    return result.ack


def write_999(
    data: bytes | SegmentStore, out_path: str | Path, *, result: Pyx12Result | None = None
) -> None:
    """Write :func:`build_999`'s acknowledgment for ``data`` to ``out_path`` (user-only,
    atomically: :func:`inspector.core.files.write_private`)."""
    from inspector.core.files import write_private

    text = build_999(data, result=result)
    write_private(out_path, text)
