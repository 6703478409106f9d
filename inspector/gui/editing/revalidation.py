"""Re-checking edited members off the GUI thread.

A member's re-check (:meth:`EditSession.revalidate_member`: the core's validation stream over the
member's family cut out as a small file) takes 40-170 ms with pyx12, enough to make typing
stutter, so it runs on a worker thread. Edits happen on the GUI thread meanwhile; every
edit bumps a generation number, and a result computed while the generation changed is thrown away
and the member queued again, so a result read from a half-edited document is never shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from inspector.core.editing.session import EditSession
from inspector.core.findings import Finding
from inspector.gui import gc_guard
from inspector.gui.workers import CancellableWorker, start_in_thread, wait_for_thread


class RevalidateWorker(CancellableWorker):
    """Re-checks a list of members, one result signal each."""

    revalidated = Signal(int, int, object)  # member position, generation, findings or message
    finished = Signal()

    def __init__(
        self, check: Callable[[int], list[Finding]], positions: list[int], generation: int
    ) -> None:
        super().__init__()
        self._check = check
        self.positions = positions
        self.generation = generation

    @Slot()
    def run(self) -> None:
        try:
            for pos in self.positions:
                if self._cancel.is_set():
                    break
                try:
                    result: object = self._check(pos)
                except Exception as exc:  # reported to the clerk; the old findings stay
                    result = f"{type(exc).__name__}: {exc}"
                self.revalidated.emit(pos, self.generation, result)
        finally:
            self.finished.emit()


class Revalidator(QObject):
    """Queues members to re-check and delivers their findings in the GUI thread."""

    member_revalidated = Signal(int, list)  # member position, its findings now
    revalidation_failed = Signal(int, str)
    revalidation_finished = Signal()  # nothing is queued or running any more

    def __init__(
        self,
        session: EditSession,
        *,
        use_pyx12: bool,
        use_rules: bool,
        profiles: tuple[str, ...] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.use_pyx12 = use_pyx12
        self.use_rules = use_rules
        self.profiles = profiles
        self.generation = 0
        self._pending: list[int] = []
        self._running: list[int] = []  # members of the job in flight not yet reported
        self._thread: QThread | None = None
        self._worker: RevalidateWorker | None = None
        self._closed = False

    # -- control ----------------------------------------------------------------------------
    def document_changed(self) -> None:
        """Call on every edit, undo and redo (results under way become stale)."""
        self.generation += 1

    def request(self, positions) -> None:
        for pos in positions:
            if pos not in self._pending:
                self._pending.append(int(pos))
        self._start()

    @property
    def busy(self) -> bool:
        return self._thread is not None or bool(self._pending)

    def outstanding(self) -> list[int]:
        """Members whose findings shown are not yet those of the current bytes."""
        return sorted(set(self._pending) | set(self._running))

    def check(self, pos: int) -> list[Finding]:
        """Findings of one member now (also used synchronously, e.g. before an export)."""
        return self.session.revalidate_member(
            pos, profiles=self.profiles, use_pyx12=self.use_pyx12, use_rules=self.use_rules
        )

    def shutdown(self) -> None:
        self._closed = True
        self._pending.clear()
        if self._worker is not None:
            self._worker.cancel()
        if self._thread is not None:
            wait_for_thread(self._thread, 5.0)
            self._forget()

    # -- the job ----------------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is not None or not self._pending or self._closed:
            return
        positions, self._pending = self._pending, []
        self._running = list(positions)
        worker = RevalidateWorker(self.check, positions, self.generation)
        worker.revalidated.connect(self._on_worker_revalidated)
        worker.finished.connect(self._on_worker_finished)
        gc_guard.hold()
        self._worker = worker
        self._thread = start_in_thread(worker, "inspector-revalidate")

    @Slot(int, int, object)
    def _on_worker_revalidated(self, pos: int, generation: int, result: object) -> None:
        if pos in self._running:
            self._running.remove(pos)
        if self._closed:
            return
        if generation != self.generation:
            if pos not in self._pending:
                self._pending.append(pos)  # computed while the document changed: again
            return
        if isinstance(result, list):
            self.member_revalidated.emit(pos, result)
        else:
            self.revalidation_failed.emit(pos, str(result))

    @Slot()
    def _on_worker_finished(self) -> None:
        if self._thread is not None:
            wait_for_thread(self._thread, 5.0)
            self._forget()
        if self._closed:
            return
        if self._pending:
            self._start()
        else:
            self.revalidation_finished.emit()

    def _forget(self) -> None:
        self._thread = None
        self._worker = None
        self._running = []
        gc_guard.release()
