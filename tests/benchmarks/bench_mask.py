"""Masking benchmark: the cost of View ▸ Mask Personal Data on a large file.

Prints (ms, best of ``--repeat``): switching masking on for the members and coverage tables
(the masked columns are computed once), ``data()`` per cell of the members table, the segments
view and the findings list with masking off and on, and a masked members export. Offscreen Qt.

    python3 tests/benchmarks/bench_mask.py --members 50000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _per_cell(model, rows: range, columns: range, repeat: int) -> float:
    """Seconds per data(DisplayRole) call over the given cells (best round)."""
    from PySide6.QtCore import Qt

    role = Qt.ItemDataRole.DisplayRole
    index = [model.index(r, c) for r in rows for c in columns]

    def run() -> None:
        data = model.data
        for i in index:
            data(i, role)

    if not index:  # e.g. no findings in a clean --file
        return float("nan")
    return _best(run, repeat) / len(index)


def run(path: Path, repeat: int) -> None:
    from PySide6.QtGui import QGuiApplication

    from inspector.core.export.corrections import write_members_csv
    from inspector.core.records.mask import MaskPolicy
    from inspector.core.validation.rules import run_rules
    from inspector.gui.models.findings_model import FindingsModel
    from inspector.gui.models.masking import ViewMask
    from inspector.gui.models.record_model import RecordModel
    from inspector.gui.models.segments_model import SegmentsModel
    from inspector.gui.prepared import prepare

    _app = QGuiApplication.instance() or QGuiApplication([])
    t0 = time.perf_counter()
    p = prepare(path)
    print(f"prepare              {time.perf_counter() - t0:8.2f} s  ({len(p.members):,} members)")
    findings = run_rules(p.doc)
    p.index.add(findings)
    # a file with many findings: the rule findings again for members spread over the file
    # (distinct objects, so no message cache is shared)
    n = len(p.members)
    findings = findings + [
        replace(f, member_pos=(k * 7919) % n + 1)
        for k in range(20_000 // max(1, len(findings)))
        for f in findings
    ]
    members = RecordModel(p.members, p.index.members, p.index, "member")
    coverage = RecordModel(p.coverage, p.index.coverage, p.index, "coverage")
    segments = SegmentsModel(p.doc, p.index)
    found = FindingsModel(p.doc.store)
    found.append(findings)
    policy = MaskPolicy(names=True)

    def switch_on() -> None:
        mask = ViewMask(policy, p.doc.members)
        members.set_mask(mask)
        coverage.set_mask(mask)
        segments.set_mask(mask)
        found.set_mask(mask)

    def switch_off() -> None:
        for model in (members, coverage, segments, found):
            model.set_mask(None)

    on_times = []
    for _ in range(repeat):
        switch_off()
        t0 = time.perf_counter()
        switch_on()
        on_times.append(time.perf_counter() - t0)
    print(f"switch masking on    {min(on_times) * 1000:8.1f} ms  (names and addresses too)")
    rows = range(min(members.rowCount(), 2000))
    cols = range(members.columnCount())
    seg_rows = range(min(segments.rowCount(), 20000))
    f_rows = range(min(found.rowCount(), 5000))
    figures = {}
    for label, setter in (("off", switch_off), ("on", switch_on)):
        setter()
        figures[label] = (
            _per_cell(members, rows, cols, repeat),
            _per_cell(segments, seg_rows, range(3, 4), repeat),
            _per_cell(found, f_rows, range(7, 8), repeat),
        )
    for k, what in enumerate(("members cell", "segment text", "finding message")):
        off, on = figures["off"][k] * 1e6, figures["on"][k] * 1e6
        print(f"data() {what:<16} off {off:6.2f} us   on {on:6.2f} us")
    print(f"  ({len(found.findings):,} findings; a message is masked once, then cached)")
    mask = ViewMask(policy, p.doc.members)
    if found.findings:
        first = _best(lambda: [mask.masker.finding(f) for f in found.findings], 1)
        print(f"mask a finding       {first / len(found.findings) * 1e6:8.1f} us  (first time)")
    with tempfile.TemporaryDirectory() as tmp:
        plain = _best(lambda: write_members_csv(p.doc, Path(tmp) / "a.csv"), repeat)
        masked = _best(lambda: write_members_csv(p.doc, Path(tmp) / "b.csv", mask=policy), repeat)
    print(f"members.csv          {plain * 1000:8.1f} ms plain, {masked * 1000:8.1f} ms masked")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50_000, help="synthetic file size")
    parser.add_argument("--file", type=Path, help="an 834 file instead of a synthetic one")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.file is not None:
        run(args.file, args.repeat)
        return 0
    from tests.support.synthetic import DEFECTS, write_834

    with tempfile.TemporaryDirectory() as tmp:
        path = write_834(Path(tmp) / "bench.834", args.members, defects=DEFECTS)
        run(path, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
