"""Compare benchmark: two synthetic 50,000-member files with planted differences.

Prints, in one fresh process (so the peak RSS is this work's): seconds to load OLD and NEW,
seconds for ``compare`` (best of --repeat), the total, the categories found, and the peak RSS
against the two files' size (the issue asks for <= 5 s and <= 10x). Not part of the test run:

    python tests/benchmarks/bench_compare.py [--members 50000] [--count 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


_PROBE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import pandas, numpy  # noqa: F401  (the baseline every run pays)
from inspector.core.records.document import load
from inspector.core.export.compare import compare
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
old = load({old!r})
new = load({new!r})
t1 = time.perf_counter()
best = 1e9
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = None
for _ in range({repeat}):
    result = None  # a clerk holds one result at a time
    t2 = time.perf_counter()
    result = compare(old, new)
    best = min(best, time.perf_counter() - t2)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"load": t1 - t0, "compare": best, "base_kb": base, "peak_kb": peak,
    "loaded_kb": loaded,
    "old": len(old.members), "new": len(new.members), "counts": result.counts,
    "changes": len(result.changes), "coverages": len(result.coverage)}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--count", type=int, default=100, help="planted differences of each kind")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--folder", type=Path, help="where the pair is (generated when missing)")
    args = ap.parse_args()

    folder = args.folder or Path(tempfile.gettempdir()) / f"bench_pair_{args.members}_{args.count}"
    old, new = folder / "old.834", folder / "new.834"
    if not (old.exists() and new.exists()):
        # In a child of its own: a child's peak RSS starts at its parent's (Linux keeps
        # ru_maxrss across fork + exec), so the probe below must start from a small parent.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.support.synthetic_pairs",
                "--members",
                str(args.members),
                "--count",
                str(args.count),
                "--out",
                str(folder),
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    size = (old.stat().st_size + new.stat().st_size) / 2**20
    print(f"files: {old} + {new} ({size:.1f} MiB together)")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE.format(root=str(ROOT), old=str(old), new=str(new), repeat=args.repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(probe.stdout)
    peak = r["peak_kb"] / 1024
    print(f"members: {r['old']:,} old, {r['new']:,} new; {r['coverages']:,} coverage rows")
    print(f"load both:        {r['load']:.2f} s")
    print(f"compare (best):   {r['compare']:.2f} s")
    print(f"load + compare:   {r['load'] + r['compare']:.2f} s")
    print(f"peak RSS:         {peak:.0f} MiB = {peak / size:.1f}x the two files")
    print(f"  of which Python + pandas before loading: {r['base_kb'] / 1024:.0f} MiB")
    print(f"  peak after loading both files:          {r['loaded_kb'] / 1024:.0f} MiB")
    print("found:", ", ".join(f"{k} {v:,}" for k, v in r["counts"].items() if v))
    print(f"field differences: {r['changes']:,}")


if __name__ == "__main__":
    main()
