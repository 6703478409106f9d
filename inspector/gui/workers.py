"""Background work on QThreads: loading a file (the checks run in child processes).

Workers are QObjects moved to a thread; they never touch widgets and report only by signals. Every
exception is caught and reported as a message a clerk can read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from inspector.core.errors import Cancelled, InspectorError
from inspector.gui.prepared import prepare


class CancellableWorker(QObject):
    """A worker for a QThread that stops at its next check once ``cancel()`` was called."""

    def __init__(self) -> None:
        super().__init__()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()


class Worker(CancellableWorker):
    """One job off the GUI thread, its outcome told by exactly one of ``done``, ``failed`` or
    ``cancelled``, then ``finished``.

    Subclasses implement :meth:`work` and say in :meth:`explain` what a clerk reads when it
    fails: an :class:`InspectorError` already names the file and the problem; anything else
    (a bug, the operating system) is still a sentence, never a traceback.
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def work(self) -> object:
        raise NotImplementedError

    def explain(self, exc: Exception) -> str:
        if isinstance(exc, InspectorError):
            return str(exc)
        if isinstance(exc, MemoryError):
            return "not enough memory"
        return f"an unexpected problem ({type(exc).__name__}: {exc})"

    @Slot()
    def run(self) -> None:
        try:
            self.done.emit(self.work())
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # MemoryError too: reported, not raised into Qt
            self.failed.emit(self.explain(exc))
        finally:
            self.finished.emit()


class LoadWorker(Worker):
    """Reads and tabulates one file; ``done`` carries the PreparedDocument."""

    def __init__(self, path: Path, journal_dir: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.journal_dir = journal_dir

    def work(self) -> object:
        prepared = prepare(self.path, self.progressed.emit, self._cancel.is_set, self.journal_dir)
        if self._cancel.is_set():
            raise Cancelled()
        return prepared

    def explain(self, exc: Exception) -> str:
        if isinstance(exc, InspectorError):
            return str(exc)
        if isinstance(exc, MemoryError):
            return (
                f"{self.path.name}: the file is too large to open on this computer "
                "(not enough memory)."
            )
        return (
            f"{self.path.name}: the file could not be opened because of an "
            f"unexpected problem ({type(exc).__name__}: {exc})."
        )


class JobWorker(Worker):
    """Runs one function off the GUI thread (an export, a report) and reports its result.

    ``job()`` returns what ``done`` carries; an :class:`InspectorError` or an ``OSError``
    (disk full, no permission) becomes ``failed`` with a message naming the problem.
    """

    def __init__(self, job, describe: str) -> None:
        super().__init__()
        self.job = job
        self.describe = describe  # what is being done, for messages ("the worklist")

    def work(self) -> object:
        return self.job()

    def explain(self, exc: Exception) -> str:
        if isinstance(exc, InspectorError):  # OutputError too: its message names the path
            return f"{self.describe} was not written: {exc}"
        if isinstance(exc, OSError):
            where = f" ({exc.filename})" if exc.filename else ""
            return f"{self.describe} was not written: {exc.strerror or exc}{where}"
        if isinstance(exc, MemoryError):
            return f"{self.describe} was not written: not enough memory."
        return (
            f"{self.describe} was not written because of an unexpected problem "
            f"({type(exc).__name__}: {exc})."
        )


def start_in_thread(
    worker: QObject, name: str, on_finished: Callable[[], None] | None = None
) -> QThread:
    """Move ``worker`` to a new thread and run it; the thread quits when the worker finishes.

    ``on_finished`` (a slot) is connected to ``thread.finished`` before the thread starts: a
    worker that fails at once may end before the caller could connect it afterwards, and the
    signal would be lost. The caller keeps references to both until ``thread.finished``.
    """
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    if on_finished is not None:
        thread.finished.connect(on_finished)
    # Direct: quit() is thread-safe, and the thread must be able to end while the GUI thread
    # waits for it on quit (a queued call would only run after the wait).
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.start()
    return thread


def wait_for_thread(thread: QThread, timeout_s: float) -> bool:
    """Wait until ``thread`` has ended; True if it did within ``timeout_s``.

    ``QThread.wait()`` keeps holding the GIL in PySide6, so a worker still running Python code
    could never finish while we wait; sleeping in small steps lets it run.
    """
    deadline = time.monotonic() + timeout_s
    while not thread.isFinished() and thread.isRunning():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)
    return thread.wait(1000)
