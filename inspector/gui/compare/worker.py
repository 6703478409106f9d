"""The comparison off the GUI thread: both sides read (834 loaded, or a CSV/XLSX), then compared.

Progress runs 0..1000 over the whole job: loading OLD 0-450, NEW 450-900, compare 900-1000.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot

from inspector.core.errors import Cancelled, InspectorError
from inspector.core.export.compare import Roster, compare, from_document, open_roster
from inspector.core.export.compare.roster import TABLE_SUFFIXES
from inspector.core.records.document import load
from inspector.gui.workers import CancellableWorker

TOTAL = 1000


class CompareWorker(CancellableWorker):
    progressed = Signal(int, int)
    compared = Signal(object)  # CompareResult
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

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

    @Slot()
    def run(self) -> None:
        try:
            old = self._side(self.old, self.mapping, 0, 450)
            new = self._side(self.new, None, 450, 450)
            result = compare(
                old,
                new,
                progress=lambda d, t: self.progressed.emit(900 + (100 * d) // max(t, 1), TOTAL),
                cancel=self._cancel.is_set,
            )
            self.compared.emit(result)
        except Cancelled:
            self.cancelled.emit()
        except InspectorError as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit(
                "The files are too large to compare on this computer (not enough memory)."
            )
        except Exception as exc:  # a bug or an OS problem: still a message, not a traceback
            self.failed.emit(
                f"The comparison stopped because of an unexpected problem ({type(exc).__name__}: {exc})."
            )
        finally:
            self.finished.emit()
