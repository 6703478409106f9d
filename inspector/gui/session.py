"""One open file's background work: load, then envelope checks, business rules and pyx12.

The session lives in the GUI thread and owns the workers: the load runs on a QThread, the business
rules and pyx12 each in a child process (both are CPU-bound pure Python; in a thread they would
compete with the window for the GIL). The children check the bytes the session holds (handed over
in shared memory), and what they send goes through the core's
:class:`~inspector.core.validation.run.BatchMerger`, so the app gets the same ordered,
de-duplicated, located batches as ``inspector validate``. It reports by signals and never touches
widgets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from inspector.core.findings import Source
from inspector.core.validation.check_process import ACK, PYX12, RULES, SharedBytes
from inspector.core.validation.run import ENVELOPE, GUIDE, Batch, BatchMerger
from inspector.core.validation.run import RULES as RULE_SOURCE
from inspector.gui import gc_guard
from inspector.gui.check_runner import CheckRunner
from inspector.gui.prepared import PreparedDocument
from inspector.gui.workers import LoadWorker, start_in_thread, wait_for_thread

#: The part of the validation stream each check process runs.
_SOURCE_OF: dict[str, Source] = {RULES: RULE_SOURCE, PYX12: GUIDE}
#: The checks as a stop message names them.
_CHECK_NAMES = {RULES: "the business rules", PYX12: "the implementation-guide check"}


class DocumentSession(QObject):
    """Loads one file and validates it, all in the background."""

    load_progressed = Signal(int, int)
    loaded = Signal(object)  # PreparedDocument
    load_failed = Signal(str)
    load_cancelled = Signal()
    findings_arrived = Signal(list)
    validation_progressed = Signal(int, int)
    validation_note = Signal(str)  # part of the validation could not run or was stopped
    validation_finished = Signal()
    stopped = Signal()  # every thread and process has ended after shutdown()
    ack_built = Signal(str)  # the 999 of the file as received (after request_ack)
    ack_failed = Signal(str)
    ack_progressed = Signal(int, int)

    def __init__(
        self,
        path: Path,
        *,
        use_pyx12: bool = True,
        use_rules: bool = True,
        profiles: tuple[str, ...] = (),
        journal_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.journal_dir = journal_dir
        #: pyx12's 999 for the file as received, kept from the check (None until it is known).
        self.ack: str | None = None
        self.ack_unavailable = ""
        self._ack_runner: CheckRunner | None = None
        self._ack_wanted = False
        self.use_pyx12 = use_pyx12
        self.use_rules = use_rules
        self.profiles = profiles
        self.prepared: PreparedDocument | None = None
        self._received = b""  # the bytes as loaded: what the checks and the 999 are about
        self._threads: list[QThread] = []
        self._workers: list[QObject] = []
        self._load_worker: LoadWorker | None = None
        self._runners: list[CheckRunner] = []  # checks still running
        self._validating = False
        self._closed = False
        self._merger: BatchMerger | None = None

    # -- control ----------------------------------------------------------------------------
    def start(self) -> None:
        worker = LoadWorker(self.path, self.journal_dir)
        worker.progressed.connect(self._on_load_worker_progressed)
        worker.done.connect(self._on_load_worker_loaded)
        worker.failed.connect(self._on_load_worker_failed)
        worker.cancelled.connect(self._on_load_worker_cancelled)
        self._load_worker = worker
        self._run(worker, "inspector-load")

    @property
    def loading(self) -> bool:
        return self._load_worker is not None

    @property
    def validating(self) -> bool:
        return self._validating

    def cancel_load(self) -> None:
        if self._load_worker is not None:
            self._load_worker.cancel()

    def cancel_validation(self) -> None:
        """Stop the checks still running; findings so far stay."""
        if not self._validating:
            return
        unfinished = [_CHECK_NAMES.get(r.kind, r.kind) for r in self._runners]
        self._stop_runners()
        self._validating = False
        if self._ack_wanted and self._ack_runner is None and not self._closed:
            self._start_ack_runner()  # the 999 asked for was to come from the stopped check
        which = " and ".join(unfinished) if unfinished else "the checks"
        self.validation_note.emit(
            f"Checking was stopped: {which} did not finish. Every finding received so far is "
            "shown; members not reached yet may have problems that are not listed."
        )
        self.validation_finished.emit()

    def shutdown(self) -> None:
        """Cancel everything; emits ``stopped`` once no thread is left."""
        self._closed = True
        self.cancel_load()
        self._stop_runners()
        if self._ack_runner is not None:
            self._ack_runner.cancel()
            self._ack_runner = None
        self._validating = False
        if not self._threads:
            self.stopped.emit()

    def wait(self, timeout_s: float = 5.0) -> bool:
        """Block until the worker threads have ended (used on quit); True if they did."""
        ended = True
        for thread in list(self._threads):
            if wait_for_thread(thread, timeout_s):
                self._forget_thread(thread)
            else:
                ended = False
        return ended

    @property
    def idle(self) -> bool:
        return not self._threads and not self._runners

    def _stop_runners(self) -> None:
        for runner in self._runners:
            runner.cancel()
        self._runners = []

    # -- threads ----------------------------------------------------------------------------
    def _run(self, worker: QObject, name: str) -> None:
        gc_guard.hold()
        thread = start_in_thread(worker, name, self._on_thread_finished)
        self._threads.append(thread)
        self._workers.append(worker)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._forget_thread(self.sender())
        if self._closed and not self._threads:
            self.stopped.emit()

    def _forget_thread(self, thread: QObject) -> None:
        for i, t in enumerate(self._threads):
            if t is thread:
                # finished() is emitted just before the thread really ends: let it end before
                # the last reference (and so the QThread) goes away.
                wait_for_thread(t, 5.0)
                gc_guard.release()
                del self._threads[i]
                worker = self._workers.pop(i)
                if worker is self._load_worker:
                    self._load_worker = None
                return

    # -- loading ----------------------------------------------------------------------------
    @Slot(int, int)
    def _on_load_worker_progressed(self, done: int, total: int) -> None:
        if not self._closed:
            self.load_progressed.emit(done, total)

    @Slot(object)
    def _on_load_worker_loaded(self, prepared: PreparedDocument) -> None:
        if self._closed:
            return
        self.prepared = prepared
        self._received = prepared.doc.store.data
        self.loaded.emit(prepared)
        self._start_validation()

    @Slot(str)
    def _on_load_worker_failed(self, message: str) -> None:
        if not self._closed:
            self.load_failed.emit(message)

    @Slot()
    def _on_load_worker_cancelled(self) -> None:
        if not self._closed:
            self.load_cancelled.emit()

    # -- validation -------------------------------------------------------------------------
    def _start_validation(self) -> None:
        prepared = self.prepared
        assert prepared is not None
        self._validating = True
        kinds = [k for k, wanted in ((RULES, self.use_rules), (PYX12, self.use_pyx12)) if wanted]
        merger = BatchMerger(prepared.doc, [_SOURCE_OF[k] for k in kinds], prepared.locator)
        self._merger = merger
        self._deliver(merger.add(ENVELOPE, prepared.doc.problems) + merger.finish(ENVELOPE))
        shared = self._share(kinds)
        if shared is not None:
            try:
                for kind in kinds:
                    self._runners.append(self._runner(kind, shared, self.profiles))
            finally:
                shared.release()  # the runners hold it until their child has copied the bytes
            for runner in list(self._runners):
                runner.start()
        if not self._runners:
            self._runner_done(None)

    def _share(self, kinds: list[str]) -> SharedBytes | None:
        if not kinds:
            return None
        try:
            return SharedBytes(self._received)
        except OSError as exc:
            self.validation_note.emit(f"The background checks could not start ({exc}).")
            return None

    def _runner(self, kind: str, shared: SharedBytes, profiles: tuple[str, ...]) -> CheckRunner:
        assert self.prepared is not None
        runner = CheckRunner(kind, shared, str(self.prepared.doc.path), profiles, self)
        runner.ack_built.connect(self._on_runner_ack_built)
        if kind == ACK:
            runner.progressed.connect(self.ack_progressed)
            runner.finished.connect(self._on_ack_runner_finished)
            runner.failed.connect(self._on_ack_runner_failed)
        else:
            runner.findings_found.connect(self._on_runner_findings_found)
            runner.progressed.connect(self._on_runner_progressed)
            runner.finished.connect(self._on_runner_finished)
            runner.failed.connect(self._on_runner_failed)
        return runner

    def _deliver(self, batches: list[Batch]) -> None:
        found = [f for batch in batches for f in batch.findings]
        if found and not self._closed:
            self.findings_arrived.emit(found)

    def _runner_done(self, runner: CheckRunner | None) -> None:
        if runner is not None and self._merger is not None and self._validating:
            self._deliver(self._merger.finish(_SOURCE_OF[runner.kind]))
        self._runners = [r for r in self._runners if r is not runner]
        if not self._runners and self._validating and not self._closed:
            self._validating = False
            self.validation_finished.emit()

    @Slot(list)
    def _on_runner_findings_found(self, batch: list) -> None:
        runner = self.sender()
        if self._validating and self._merger is not None and isinstance(runner, CheckRunner):
            self._deliver(self._merger.add(_SOURCE_OF[runner.kind], batch))

    @Slot(int, int)
    def _on_runner_progressed(self, done: int, total: int) -> None:
        if self._validating and getattr(self.sender(), "kind", None) == PYX12:
            self.validation_progressed.emit(done, total)

    @Slot(bool)
    def _on_runner_finished(self, completed: bool) -> None:
        runner = self.sender()
        if not completed:
            self.validation_note.emit(
                "The implementation-guide check could not read the whole "
                "file; see the findings for where it stopped."
            )
        self._runner_done(runner)

    @Slot(str)
    def _on_runner_failed(self, message: str) -> None:
        runner = self.sender()
        self.validation_note.emit(message)
        self._runner_done(runner)
        if getattr(runner, "kind", None) == PYX12 and self._ack_wanted:
            self._start_ack_runner()  # the check's own 999 will not come

    # -- the 999 acknowledgment -------------------------------------------------------------
    @property
    def ack_running(self) -> bool:
        return self._ack_wanted

    def request_ack(self) -> None:
        """Emit ``ack_built`` with the 999 of the file as received: at once when the check
        already built it, when the running check finishes, or from a pyx12 run of its own."""
        if self.ack is not None:
            self.ack_built.emit(self.ack)
            return
        if self._ack_wanted or self.prepared is None or self._closed:
            return
        self._ack_wanted = True
        if any(r.kind == PYX12 for r in self._runners):
            return  # the implementation-guide check under way sends it when it ends
        self._start_ack_runner()

    def _start_ack_runner(self) -> None:
        shared = self._share([ACK])
        if shared is None:
            self._ack_wanted = False
            self.ack_failed.emit("No 999 acknowledgment could be built: the check could not start.")
            return
        try:
            self._ack_runner = self._runner(ACK, shared, ())
        finally:
            shared.release()
        self._ack_runner.start()

    @Slot(object, str)
    def _on_runner_ack_built(self, text: object, why_not: str) -> None:
        if isinstance(text, str):
            self.ack = text
        else:
            self.ack_unavailable = why_not or "pyx12 could not build it"
        if not self._ack_wanted:
            return
        self._ack_wanted = False
        if self.ack is not None:
            self.ack_built.emit(self.ack)
        else:
            self.ack_failed.emit(f"No 999 acknowledgment could be built: {self.ack_unavailable}.")

    @Slot(bool)
    def _on_ack_runner_finished(self, _completed: bool) -> None:
        self._ack_runner = None
        if self._ack_wanted:  # finished without sending one
            self._ack_wanted = False
            self.ack_failed.emit("No 999 acknowledgment could be built: the check stopped.")

    @Slot(str)
    def _on_ack_runner_failed(self, message: str) -> None:
        self._ack_runner = None
        if self._ack_wanted:
            self._ack_wanted = False
            self.ack_failed.emit(message)
