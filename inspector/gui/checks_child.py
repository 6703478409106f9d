"""Child processes that run the CPU-bound checks and stream findings back through a queue.

Business rules and pyx12 are pure Python and CPU-bound: in a thread of the app they would hold the
GIL and make the window stutter, so each runs in its own process ('spawn'). This module must not
import Qt (the children never need it).

The child gets ``(path, size, crc32)`` and reads the file itself (sending 30 MB through a pipe
would cost the app's GUI thread a pickled copy); if the file no longer has the size and checksum
the app loaded, it says so instead of reporting findings for other bytes, so segment numbers
always match the app's. It puts on the result queue, in order:
``("progress", done, total)``, ``("findings", [Finding, ...])``, for pyx12 also
``("ack", text or None, why not)`` (the 999 of the file, so exporting it needs no second run),
then exactly one of ``("done", completed)`` or ``("error", message)``. The ``ack`` check runs
pyx12 for the 999 alone (no findings sent).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

BATCH_SIZE = 250
FLUSH_SECONDS = 0.25
PYX12, RULES, ACK = "pyx12", "rules", "ack"


class _Stream:
    """Batches findings and throttles progress messages."""

    def __init__(self, results: Any) -> None:
        self.results = results
        self.batch: list = []
        self.last_flush = time.monotonic()
        self.last_progress = 0.0

    def flush(self) -> None:
        if self.batch:
            self.results.put(("findings", self.batch))
            self.batch = []
        self.last_flush = time.monotonic()

    def finding(self, finding: Any) -> None:
        self.batch.append(finding)
        if len(self.batch) >= BATCH_SIZE or time.monotonic() - self.last_flush > FLUSH_SECONDS:
            self.flush()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last_progress > 0.2 or done >= total:
            self.last_progress = now
            self.results.put(("progress", int(done), int(total)))
            if now - self.last_flush > FLUSH_SECONDS:
                self.flush()


def _pyx12(data: bytes, path: str, profiles: tuple[str, ...], out: _Stream) -> bool:
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12

    result = validate_with_pyx12(data, progress=out.progress, cancel=None, on_finding=out.finding)
    out.flush()
    out.results.put(("ack", result.ack, result.ack_unavailable or ""))
    return bool(getattr(result, "completed", True))


def _ack(data: bytes, path: str, profiles: tuple[str, ...], out: _Stream) -> bool:
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12

    result = validate_with_pyx12(data, progress=out.progress, cancel=None)
    out.results.put(("ack", result.ack, result.ack_unavailable or ""))
    return bool(getattr(result, "completed", True))


def _rules(data: bytes, path: str, profiles: tuple[str, ...], out: _Stream) -> bool:
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.rules import run_rules

    doc = load_store(read_bytes(data, path))
    for finding in run_rules(doc, profiles=profiles):
        out.finding(finding)
    return True


_CHECKS: dict[str, Callable[[bytes, str, tuple[str, ...], _Stream], bool]] = {
    PYX12: _pyx12,
    RULES: _rules,
    ACK: _ack,
}
_NAMES = {
    PYX12: "implementation-guide check",
    RULES: "business-rule check",
    ACK: "999 acknowledgment",
}


def checksum(data: bytes) -> int:
    return zlib.crc32(data)


def run(kind: str, profiles: tuple[str, ...], job: tuple[str, int, int], results: Any) -> None:
    """Process entry point: check the file ``job = (path, size, crc32)``, report on ``results``."""
    path, size, crc = job
    out = _Stream(results)
    name = _NAMES.get(kind, kind)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        results.put(("error", f"The {name} could not read the file ({exc.strerror or exc})."))
        return
    if len(data) != size or checksum(data) != crc:
        results.put(
            (
                "error",
                f"The file changed on disk after it was opened, so the {name} "
                "did not run. Close and open the file again to check it.",
            )
        )
        return
    try:
        completed = _CHECKS[kind](data, path, profiles, out)
        out.flush()
        results.put(("done", completed))
    except ImportError as exc:
        results.put(("error", f"The {name} is not available in this installation ({exc})."))
    except MemoryError:
        out.flush()
        results.put(("error", f"The {name} ran out of memory; findings so far are shown."))
    except Exception as exc:  # report, never print a traceback in the child
        out.flush()
        results.put(
            (
                "error",
                f"The {name} stopped early ({type(exc).__name__}: {exc}); "
                "findings so far are shown.",
            )
        )
