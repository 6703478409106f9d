"""What every long-running core function shares: progress and cancel callbacks, the GC pause.

Long work in the core takes ``progress(done, total)`` and ``cancel() -> bool``; ``cancel`` is
polled every few thousand items and stops the work by raising
:class:`~inspector.core.errors.Cancelled`. The GUI wraps such a function in a worker.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are created.

    Loading and the rules build lists and strings, none of them in reference cycles; without the
    pause the collector rescans the growing heap again and again (measured: 2.4 s instead of
    1.3 s to load a 50,000-member file). Reference counting still frees everything as usual. The
    state found is restored, so the GUI's own collector policy (``gui/gc_guard.py``) is kept.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TimeLeft:
    """An estimate of the time left of work that reports ``done`` of ``total``.

    The rate is measured from the first report on (start-up time does not count); no estimate
    is given before ``min_seconds`` have passed or 2% is done, since early rates mislead.
    ``clock`` is replaceable for tests.
    """

    def __init__(self, min_seconds: float = 3.0, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.min_seconds = min_seconds
        self._start: tuple[float, int] | None = None

    def text(self, done: int, total: int) -> str:
        """``"about 2 min left"``, ``"about 40 s left"``, or "" while no estimate is sound."""
        now = self.clock()
        if self._start is None or done < self._start[1]:
            self._start = (now, done)
            return ""
        t0, d0 = self._start
        elapsed, progressed = now - t0, done - d0
        if total <= 0 or elapsed < self.min_seconds or progressed <= 0 or done < total * 0.02:
            return ""
        left = elapsed * (total - done) / progressed
        return f"about {format_duration(left)} left"


def format_duration(seconds: float) -> str:
    """``"40 s"``, ``"2 min"``, ``"1 h 5 min"`` (rounded up to 5 s below a minute)."""
    if seconds < 60:
        return f"{max(5, int(-(-seconds // 5) * 5))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
