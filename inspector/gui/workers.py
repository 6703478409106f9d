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


class LoadWorker(CancellableWorker):
    """Reads and tabulates one file."""

    progressed = Signal(int, int)
    loaded = Signal(object)  # PreparedDocument
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, path: Path, journal_dir: Path | None = None) -> None:
        super().__init__()
        self.path = path
        self.journal_dir = journal_dir

    @Slot()
    def run(self) -> None:
        try:
            prepared = prepare(
                self.path, self.progressed.emit, self._cancel.is_set, self.journal_dir
            )
            if self._cancel.is_set():
                raise Cancelled()
            self.loaded.emit(prepared)
        except Cancelled:
            self.cancelled.emit()
        except InspectorError as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit(
                f"{self.path.name}: the file is too large to open on this computer "
                "(not enough memory)."
            )
        except Exception as exc:  # a bug or an OS problem: still a message, not a traceback
            self.failed.emit(
                f"{self.path.name}: the file could not be opened because of an "
                f"unexpected problem ({type(exc).__name__}: {exc})."
            )
        finally:
            self.finished.emit()


class JobWorker(CancellableWorker):
    """Runs one function off the GUI thread (an export, a report) and reports its result.

    ``job()`` returns what ``done`` carries; an :class:`InspectorError` or an ``OSError``
    (disk full, no permission) becomes ``failed`` with a message naming the problem.
    """

    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, job, describe: str) -> None:
        super().__init__()
        self.job = job
        self.describe = describe  # what is being done, for messages ("the worklist")

    @Slot()
    def run(self) -> None:
        try:
            self.done.emit(self.job())
        except InspectorError as exc:  # OutputError too: its message names the path
            self.failed.emit(f"{self.describe} was not written: {exc}")
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            self.failed.emit(f"{self.describe} was not written: {exc.strerror or exc}{where}")
        except MemoryError:
            self.failed.emit(f"{self.describe} was not written: not enough memory.")
        except Exception as exc:  # a bug: still a message, not a traceback
            self.failed.emit(
                f"{self.describe} was not written because of an unexpected problem "
                f"({type(exc).__name__}: {exc})."
            )
        finally:
            self.finished.emit()


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
