"""One part of the validation stream (the rules, or pyx12) run in a child process.

The business rules and pyx12 are pure Python and CPU-bound: in a thread of the app they would hold
the GIL and make the window stutter, so the app runs each in its own process ('spawn') and feeds
what it sends to a :class:`~inspector.core.validation.run.BatchMerger`, which orders,
de-duplicates and locates exactly as :func:`~inspector.core.validation.run.validation_stream`
does. This module never imports Qt; the app's side (a timer polling the queue) is
``inspector/gui/check_runner.py``.

The child checks the bytes the app holds, not the file on disk: the parent puts them in a
shared-memory block (:class:`SharedBytes`) and the child copies them out. So the findings are
always those of the app's segments (the file may have changed on disk since) and no second read
or checksum comparison is needed. Measured on the 50,000-member file (24 MiB, 2 cores): creating
and filling the block costs the GUI thread ~14 ms once for both children, the child's copy ~14 ms;
passing the bytes as a process argument instead would block the GUI thread in
``Process.start()`` for ~110-130 ms while the pickle goes down the pipe.

The child puts on the result queue, in order: ``("read",)`` once it has copied the bytes (the
parent may free the block), ``("progress", done, total)``, ``("findings", [Finding, ...])`` (raw:
not located, not de-duplicated), for pyx12 also ``("ack", text or None, why not)`` (the 999 of
the same run, so exporting it needs no second run), then exactly one of ``("done", completed)`` or
``("error", message)``. The ``ack`` check runs pyx12 for the 999 alone (no findings sent).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
from collections.abc import Callable
from multiprocessing import shared_memory
from typing import TYPE_CHECKING, Any

from inspector.core.validation.run import BATCH_SIZE, guide_batches, rule_batches

if TYPE_CHECKING:
    from inspector.core.validation.profiles import ProfileLike

PYX12, RULES, ACK = "pyx12", "rules", "ack"
PROGRESS_SECONDS = 0.2

#: What the child is started with: shared block name, byte count, the file's name (for messages).
Job = tuple[str, int, str]


class SharedBytes:
    """Bytes in a shared-memory block, freed when the last user releases it.

    The creator holds one use; :meth:`acquire` adds one per child that will read the block.
    """

    def __init__(self, data: bytes) -> None:
        self.size = len(data)
        block = shared_memory.SharedMemory(create=True, size=max(1, self.size))
        buf = block.buf
        assert buf is not None  # a block just created is mapped
        buf[: self.size] = data
        self._block: shared_memory.SharedMemory | None = block
        self.name = block.name
        self._users = 1

    def job(self, path: str) -> Job:
        return (self.name, self.size, path)

    def acquire(self) -> SharedBytes:
        self._users += 1
        return self

    def release(self) -> None:
        self._users -= 1
        if self._users <= 0 and self._block is not None:
            block, self._block = self._block, None
            block.close()
            block.unlink()


def read_shared(name: str, size: int) -> bytes:
    """Copy the bytes of a :class:`SharedBytes` block (in the child)."""
    block = shared_memory.SharedMemory(name=name)
    try:
        buf = block.buf
        assert buf is not None  # a block just opened is mapped
        return bytes(buf[:size])
    finally:
        block.close()


class _Out:
    """Puts messages on the result queue, progress at most every PROGRESS_SECONDS."""

    def __init__(self, results: Any) -> None:
        self.results = results
        self._last_progress = 0.0

    def put(self, *message: Any) -> None:
        self.results.put(message)

    def findings(self, found: list) -> None:
        for i in range(0, len(found), BATCH_SIZE):  # small pieces: the app drains per time slice
            self.put("findings", found[i : i + BATCH_SIZE])

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress > PROGRESS_SECONDS or done >= total:
            self._last_progress = now
            self.put("progress", int(done), int(total))


def _pyx12(
    data: bytes, path: str, profiles: tuple[ProfileLike, ...], out: _Out, send: bool
) -> bool:
    completed = True
    for batch in guide_batches(data, progress=out.progress):
        if send:
            out.findings(batch.findings)
        result = batch.pyx12_result
        if result is not None:
            out.put("ack", result.ack, result.ack_unavailable or "")
            completed = bool(result.completed)
    return completed


def _rules(
    data: bytes, path: str, profiles: tuple[ProfileLike, ...], out: _Out, send: bool
) -> bool:
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store

    doc = load_store(read_bytes(data, path))  # the app's reader on the app's bytes: same ordinals
    for batch in rule_batches(doc, profiles=profiles):
        out.findings(batch.findings)
    return True


_CHECKS: dict[str, Callable[[bytes, str, tuple[ProfileLike, ...], _Out, bool], bool]] = {
    PYX12: _pyx12,
    RULES: _rules,
    ACK: _pyx12,
}
_NAMES = {
    PYX12: "implementation-guide check",
    RULES: "business-rule check",
    ACK: "999 acknowledgment",
}


def _may_have_workers() -> None:
    """Let this child start pyx12's worker processes (see ``pyx12.chunked``), and stop them
    with it.

    The app starts the child as a daemon, so that it never outlives the app; a daemon may not
    start processes of its own, so the child drops the flag for itself (the app still ends it:
    it holds the handle). SIGTERM (how the app cancels a check) becomes SystemExit, so the
    worker pool is shut down on the way out; a killed child's workers see their task queue
    close and exit.
    """
    if multiprocessing.parent_process() is None:  # called in-process (tests): leave it be
        return
    with contextlib.suppress(AssertionError, AttributeError):
        multiprocessing.current_process().daemon = False

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError, OSError):  # not the main thread / no signals here
        signal.signal(signal.SIGTERM, stop)


def run_check(kind: str, profiles: tuple[ProfileLike, ...], job: Job, results: Any) -> None:
    """Process entry point: run check ``kind`` on the shared bytes of ``job``, report on
    ``results`` (a multiprocessing queue)."""
    name, size, path = job
    _may_have_workers()
    out = _Out(results)
    what = _NAMES.get(kind, kind)
    try:
        data = read_shared(name, size)
    except OSError as exc:
        out.put("error", f"The {what} could not get the file's bytes ({exc.strerror or exc}).")
        return
    out.put("read")
    try:
        out.put("done", _CHECKS[kind](data, path, profiles, out, kind != ACK))
    except ModuleNotFoundError as exc:  # pyx12 not installed; any other module is a bug
        if (exc.name or "").partition(".")[0] == "pyx12":
            out.put("error", f"The {what} is not available in this installation ({exc}).")
        else:
            out.put("error", f"The {what} stopped early (ModuleNotFoundError: {exc}).")
    except MemoryError:
        out.put("error", f"The {what} ran out of memory; findings so far are shown.")
    except Exception as exc:  # report, never print a traceback in the child
        out.put(
            "error",
            f"The {what} stopped early ({type(exc).__name__}: {exc}); findings so far are shown.",
        )
