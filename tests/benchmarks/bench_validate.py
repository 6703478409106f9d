"""Validation benchmark: ``inspector validate`` next to bare pyx12 on the same file, same run.

    python tests/benchmarks/bench_validate.py [--members 50000] [--file PATH]

Both run as separate processes one after the other (wall-clock seconds, peak RSS); the ratio
is what to compare across machines.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support.synthetic import write_834  # noqa: E402

BARE = """
import logging, sys
import pyx12.params, pyx12.x12n_document
logging.getLogger('pyx12').setLevel(logging.CRITICAL)
ok = pyx12.x12n_document.x12n_document(pyx12.params.ParamsBase(), sys.argv[1], None, None)
sys.exit(0 if ok else 1)
"""


def timed(cmd: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    run = subprocess.run(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if run.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({run.returncode}): {run.stderr[-2000:]}")
    return seconds, max(peak, before) / 1024, run.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--file", type=Path)
    args = ap.parse_args()
    path = args.file or Path(tempfile.gettempdir()) / f"bench_{args.members}.834"
    if not path.exists():
        write_834(path, args.members)
    print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MiB)", flush=True)
    ours, ours_rss, code = timed(
        [sys.executable, "-m", "inspector.cli", "validate", str(path), "--format", "json"]
    )
    print(
        f"inspector validate (envelope + rules + pyx12): {ours:7.1f} s  exit {code}  "
        f"peak RSS {ours_rss:.0f} MiB",
        flush=True,
    )
    rules, _, _ = timed(
        [
            sys.executable,
            "-m",
            "inspector.cli",
            "validate",
            str(path),
            "--format",
            "json",
            "--no-pyx12",
        ]
    )
    print(f"inspector validate --no-pyx12 (load + rules):   {rules:7.1f} s", flush=True)
    bare, bare_rss, _ = timed([sys.executable, "-c", BARE, str(path)])
    print(
        f"bare pyx12 x12n_document:                      {bare:7.1f} s  peak RSS "
        f"{bare_rss:.0f} MiB (max of the runs so far)"
    )
    print(f"ratio inspector/bare pyx12: {ours / bare:.2f}")


if __name__ == "__main__":
    main()
