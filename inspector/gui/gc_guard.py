"""Run Python's cyclic garbage collector on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate. If it runs in a worker thread
and frees a cycle holding a Qt object (a closed window, a finished session), Qt objects get
destroyed off their thread and the app crashes. So, as long as the app runs, automatic collection
is off and a timer collects on the GUI thread with the usual generation thresholds. The core's
own ``gc`` pauses (while loading) keep it off, because they restore the state they found.

While a worker thread builds millions of objects (loading, business rules), collecting would only
rescan them again and again with the GIL held, freezing the window for a second or more; the
sessions therefore ``hold()`` collection while their threads run, as the core itself does.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 500
_holds = 0


def hold() -> None:
    """Postpone collections (a worker thread is allocating heavily); pair with release()."""
    global _holds
    _holds += 1


def release() -> None:
    global _holds
    _holds = max(0, _holds - 1)


class GuiThreadCollector(QObject):
    """Collects the generations whose thresholds were passed, on a GUI-thread timer."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        if _holds:
            return
        counts = gc.get_count()
        t0, t1, t2 = self._thresholds
        if counts[0] <= t0:
            return
        if counts[1] > t1:
            gc.collect(2 if counts[2] > t2 else 1)
        else:
            gc.collect(0)


def install() -> None:
    """Once per application (safe to call again: it only makes sure automatic GC is off)."""
    app = QApplication.instance()
    if app is None:
        return
    if app.findChild(GuiThreadCollector) is None:
        GuiThreadCollector(app)
    gc.disable()
