"""GUI benchmark: open a 50,000-member file in the main window (offscreen) and measure.

    python tests/benchmarks/bench_gui.py [--members 50000] [--file PATH] [--timeout 240]

Prints the seconds until ``document_loaded``, the seconds to sort the members table by last name,
and the worst GUI stall (largest gap between ticks of a 10 ms QTimer) while loading and while
validating, then waits for ``validation_finished`` (or the timeout). Not part of the test run.
"""

from __future__ import annotations

import argparse
import faulthandler
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SAMPLE = ROOT.parent / "shared" / "samples" / "834" / "public" / "healthsim__pcp-change-834.edi"


def make_file(members: int, folder: Path) -> Path:
    """A synthetic file with every known defect injected once (so some findings stream in)."""
    path = folder / f"bench_{members}_defects.834"
    if path.exists():
        return path
    try:
        from tests.support.synthetic import DEFECTS, write_834
    except ImportError:
        return _replicate(SAMPLE, path, members)
    return write_834(path, members, defects=DEFECTS)


def _replicate(sample: Path, out: Path, members: int) -> Path:
    """Fallback when the synthetic generator is missing: repeat a public sample's members."""
    text = sample.read_text("latin-1")
    term = text[105]
    segs = [s.strip() for s in text.split(term) if s.strip()]
    first = next(i for i, s in enumerate(segs) if s.startswith("INS"))
    last = next(i for i, s in enumerate(segs) if re.match(r"SE\W", s))
    per_copy = sum(1 for s in segs[first:last] if s.startswith("INS"))
    body = segs[first:last] * max(1, members // per_copy)
    out.write_text(term.join(segs[:first] + body + segs[last:]) + term, "latin-1")
    return out


class StallMeter:
    """A 10 ms timer; the largest gap between two ticks is the worst time the GUI was frozen."""

    def __init__(self, trace: Path | None = None) -> None:
        from PySide6.QtCore import QTimer

        self.trace = open(trace, "a") if trace else None  # noqa: SIM115 (kept open on purpose)
        self.worst = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now
        if self.trace is not None:
            # every thread's stack is written if the GUI thread misses ticks for 250 ms
            faulthandler.dump_traceback_later(0.25, file=self.trace)

    def reset(self) -> float:
        worst, self.worst = self.worst, 0.0
        self._last = time.perf_counter()
        return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--file", type=Path, help="use this file instead of generating one")
    ap.add_argument("--timeout", type=float, default=240.0)
    ap.add_argument("--no-pyx12", action="store_true", help="skip implementation-guide checks")
    ap.add_argument(
        "--trace-stalls",
        type=Path,
        metavar="LOG",
        help="append the stacks of all threads to LOG whenever the GUI stalls",
    )
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    settings_dir = tempfile.mkdtemp(prefix="inspector-bench-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    from inspector.gui.main_window import MainWindow
    from inspector.gui.style import apply_style

    path = args.file or make_file(args.members, Path(tempfile.gettempdir()))
    size = path.stat().st_size
    app = QApplication.instance() or QApplication([])
    apply_style(app)
    window = MainWindow(use_pyx12=not args.no_pyx12)
    window.resize(1400, 900)
    window.show()
    app.processEvents()

    events: dict[str, float] = {}
    loop = QEventLoop()
    window.document_loaded.connect(
        lambda p: (events.setdefault("loaded", time.perf_counter()), loop.quit())
    )
    window.validation_finished.connect(
        lambda p: (events.setdefault("validated", time.perf_counter()), loop.quit())
    )
    window.load_failed.connect(lambda p, m: (print("load failed:", m), loop.quit()))
    QTimer.singleShot(int(args.timeout * 1000), loop.quit)

    meter = StallMeter(args.trace_stalls)
    start = time.perf_counter()
    window.open_paths([path])
    loop.exec()
    if "loaded" not in events:
        print("the file did not load")
        return 1
    load_stall = meter.reset()
    tab = window.current_tab()
    segments = len(tab.prepared.doc.store)
    members = len(tab.prepared.doc.members)

    model = tab.members.model
    column = model.table.column_index("last_name")
    # Sorting happens while validation runs (the realistic case); the time includes the model's
    # pandas sort, the view's layout update and one repaint of the visible rows.
    viewport = tab.members.view.viewport()
    t0 = time.perf_counter()
    tab.members.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    viewport.repaint()
    sort_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    tab.members.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    viewport.repaint()
    sort_again_s = time.perf_counter() - t0
    meter.reset()

    if "validated" not in events:
        remaining = args.timeout - (time.perf_counter() - start)
        QTimer.singleShot(int(max(remaining, 1) * 1000), loop.quit)
        loop.exec()
    validate_stall = meter.reset()
    findings = tab.findings.model.rowCount()
    model.table._sort_cache.clear()
    t0 = time.perf_counter()
    tab.members.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    viewport.repaint()
    sort_idle_s = time.perf_counter() - t0
    window.close()

    print(
        f"file              {path} ({size / 1e6:.1f} MB, {segments:,} segments, "
        f"{members:,} members)"
    )
    print(f"document_loaded   {events['loaded'] - start:6.2f} s")
    print(
        f"sort last name    {sort_s:6.3f} s while validating (ascending, first sort), "
        f"{sort_again_s:.3f} s (descending); {sort_idle_s:.3f} s when idle"
    )
    print(f"worst GUI stall   {load_stall * 1000:6.0f} ms while loading")
    if "validated" in events:
        print(
            f"validation done   {events['validated'] - start:6.2f} s after opening "
            f"({findings:,} findings)"
        )
    else:
        print(
            f"validation        not finished after {args.timeout:.0f} s ({findings:,} "
            "findings so far)"
        )
    print(f"worst GUI stall   {validate_stall * 1000:6.0f} ms while validating")
    return 0


if __name__ == "__main__":  # required: the pyx12 child process is started with 'spawn'
    sys.exit(main())
