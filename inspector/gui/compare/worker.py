"""The comparison off the GUI thread: both sides read (834 loaded, or a CSV/XLSX), then compared.

Progress runs 0..1000 over the whole job: loading OLD 0-450, NEW 450-900, compare 900-1000.
"""

from __future__ import annotations

from pathlib import Path

from inspector.core.errors import Cancelled, InspectorError
from inspector.core.export.compare import Roster, compare, from_document, open_roster
from inspector.core.export.compare.roster import TABLE_SUFFIXES
from inspector.core.records.document import load
from inspector.gui.workers import Worker

TOTAL = 1000


class CompareWorker(Worker):
    """``done`` carries the CompareResult."""

    def __init__(self, old: Path, new: Path, mapping: dict[str, str] | None = None) -> None:
        super().__init__()
        self.old = old
        self.new = new
        self.mapping = mapping

    def _side(self, path: Path, mapping: dict[str, str] | None, start: int, span: int) -> Roster:
        if path.suffix.lower() in TABLE_SUFFIXES or mapping:
            roster = open_roster(path, mapping)
        else:

            def step(done: int, total: int) -> None:
                self.progressed.emit(start + (span * done) // max(total, 1), TOTAL)

            roster = from_document(load(path, step, self._cancel.is_set))
        self.progressed.emit(start + span, TOTAL)
        if self._cancel.is_set():
            raise Cancelled()
        return roster

    def work(self) -> object:
        old = self._side(self.old, self.mapping, 0, 450)
        new = self._side(self.new, None, 450, 450)
        return compare(
            old,
            new,
            progress=lambda d, t: self.progressed.emit(900 + (100 * d) // max(t, 1), TOTAL),
            cancel=self._cancel.is_set,
        )

    def explain(self, exc: Exception) -> str:
        if isinstance(exc, InspectorError):
            return str(exc)
        if isinstance(exc, MemoryError):
            return "The files are too large to compare on this computer (not enough memory)."
        return (
            "The comparison stopped because of an unexpected problem "
            f"({type(exc).__name__}: {exc})."
        )
