"""Load benchmark: a synthetic 50,000-member 834 through the reader and the DataFrames.

Prints, from one run on the same file: seconds for a plain ``bytes.split`` of the file (the floor
any reader must pay), seconds to the segment store, seconds to both DataFrames, and the peak RSS
of a fresh process that loads the file once, against the file size. Not part of the test run:

    python tests/benchmarks/bench_load.py [--members 50000] [--repeat 3] [--file PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from inspector.core.reading.source import read_file  # noqa: E402
from inspector.core.records.document import load_store  # noqa: E402
from tests.support.synthetic import write_834  # noqa: E402

_MEMORY_PROBE = """
import json, resource, sys
sys.path.insert(0, {root!r})
import pandas, numpy  # noqa: F401  (the baseline every run pays)
from inspector.core.records.document import load
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
doc = load({path!r})
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"before_kb": before, "peak_kb": after, "members": len(doc.members)}}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--file", type=Path, help="use this file instead of generating one")
    args = ap.parse_args()

    path = args.file or Path(tempfile.gettempdir()) / f"bench_{args.members}.834"
    if not path.exists():
        write_834(path, args.members)
    size_mb = path.stat().st_size / 2**20
    print(f"file: {path} ({size_mb:.1f} MiB)")

    probe = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE.format(root=str(ROOT), path=str(path))],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(probe.stdout)
    before, peak = mem["before_kb"] / 1024, mem["peak_kb"] / 1024

    best = {"split": 1e9, "store": 1e9, "frames": 1e9}
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        pieces = path.read_bytes().split(b"~")
        t1 = time.perf_counter()
        count = len(pieces)
        del pieces
        gc.collect()
        t2 = time.perf_counter()
        store = read_file(path)
        t3 = time.perf_counter()
        doc = load_store(store)
        t4 = time.perf_counter()
        best["split"] = min(best["split"], t1 - t0)
        best["store"] = min(best["store"], t3 - t2)
        best["frames"] = min(best["frames"], t4 - t2)
        members, coverages, segments = len(doc.members), len(doc.coverage), len(store)
        del doc, store
    print(
        f"segments: {segments:,} (split pieces {count:,})  members: {members:,}  "
        f"coverages: {coverages:,}   best of {args.repeat}"
    )
    print(f"plain read + bytes.split:   {best['split']:.3f} s")
    print(
        f"segment store (read_file):  {best['store']:.3f} s  "
        f"({best['store'] / best['split']:.1f}x the plain split)"
    )
    print(
        f"both DataFrames ready:      {best['frames']:.3f} s  "
        f"({best['frames'] / best['split']:.1f}x the plain split)   target <= 3 s"
    )
    print(
        f"peak RSS (fresh process):   {peak:.0f} MiB = {peak / size_mb:.1f}x the file "
        f"(of which {before:.0f} MiB is Python+pandas before loading; the load adds "
        f"{peak - before:.0f} MiB = {(peak - before) / size_mb:.1f}x)   target <= 10x"
    )


if __name__ == "__main__":
    main()
