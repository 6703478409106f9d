"""Runs one check (pyx12 or business rules) in a child process, streaming findings to the GUI.

The child (see :mod:`inspector.core.validation.check_process`) is started with the 'spawn' method, which works
the same on Linux, macOS, Windows and in a PyInstaller bundle (the app calls
``multiprocessing.freeze_support()`` at start). A QTimer drains the result queue a few times a
second with a small time budget per tick, so the window never waits on the child. Cancelling
terminates the child. The findings are passed on raw; the session's
:class:`~inspector.core.validation.run.BatchMerger` orders, de-duplicates and locates them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import time

from PySide6.QtCore import QObject, QTimer, Signal

from inspector.core.validation import check_process
from inspector.core.validation.check_process import SharedBytes

POLL_MS = 100
TICK_BUDGET_S = 0.015
_DEAD_POLLS = 5  # polls with an empty queue after the child died before we call it a crash


class CheckRunner(QObject):
    """One check (``check_process.PYX12``, ``RULES`` or ``ACK``) of the bytes in ``shared``."""

    findings_found = Signal(list)
    progressed = Signal(int, int)
    finished = Signal(bool)  # completed (False: the check stopped before the end of the file)
    failed = Signal(str)
    ack_built = Signal(object, str)  # pyx12's 999 text (None if it could not be built), why not

    def __init__(
        self,
        kind: str,
        shared: SharedBytes,
        path: str,
        profiles: tuple[str, ...] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self._shared: SharedBytes | None = shared.acquire()  # released once the child copied it
        self._job = shared.job(path)
        self._profiles = tuple(profiles)
        self._process = None
        self._results = None
        self._dead_polls = 0
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._results = ctx.Queue()
        self._process = ctx.Process(
            target=check_process.run_check,
            args=(self.kind, self._profiles, self._job, self._results),
            name=f"inspector-{self.kind}",
            daemon=True,
        )
        try:
            self._process.start()
        except OSError as exc:
            self._process = None
            self._let_go_of_bytes()
            self.failed.emit(f"A background check could not start ({exc}).")
            return
        self._running = True
        self._timer.start()

    def cancel(self) -> None:
        """Stop the child now; no more signals are emitted."""
        self._running = False
        self._timer.stop()
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
        self._release()

    # -- polling ----------------------------------------------------------------------------
    def _on_timer_timeout(self) -> None:
        if not self._running or self._results is None:
            return
        deadline = time.monotonic() + TICK_BUDGET_S
        batches: list = []
        final = None
        got_any = False
        while time.monotonic() < deadline:
            try:
                message = self._results.get_nowait()
            except (queue.Empty, OSError, EOFError):
                break
            got_any = True
            kind = message[0]
            if kind == "findings":
                batches.extend(message[1])
            elif kind == "progress":
                self.progressed.emit(message[1], message[2])
            elif kind == "ack":
                self.ack_built.emit(message[1], str(message[2]))
            elif kind == "read":
                self._let_go_of_bytes()
            else:
                final = message
                break
        if batches:
            self.findings_found.emit(batches)
        if final is not None:
            self._end()
            if final[0] == "done":
                self.finished.emit(bool(final[1]))
            else:
                self.failed.emit(str(final[1]))
            return
        if not got_any and self._process is not None and not self._process.is_alive():
            self._dead_polls += 1
            if self._dead_polls >= _DEAD_POLLS:
                code = self._process.exitcode
                self._end()
                self.failed.emit(
                    f"A background check ({self.kind}) stopped unexpectedly "
                    f"(exit code {code}); findings so far are shown."
                )

    def _end(self) -> None:
        self._running = False
        self._timer.stop()
        self._reap(10)

    def _reap(self, tries: int) -> None:
        """Collect the exited child without blocking the GUI thread."""
        process = self._process
        if process is None:
            return
        if process.is_alive() and tries > 0:
            QTimer.singleShot(100, self, lambda: self._reap(tries - 1))
            return
        if process.is_alive():
            process.terminate()
        process.join(0.5)
        self._release()

    def _let_go_of_bytes(self) -> None:
        if self._shared is not None:
            self._shared.release()
            self._shared = None

    def _release(self) -> None:
        self._let_go_of_bytes()
        if self._results is not None:
            self._results.cancel_join_thread()  # never wait at exit for a child that is gone
            self._results.close()
        self._results = None
        if self._process is not None and not self._process.is_alive():
            with contextlib.suppress(ValueError):
                self._process.close()
        self._process = None
