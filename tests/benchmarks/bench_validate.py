"""Validation benchmark: ``inspector validate`` next to bare pyx12 on the same file, same run.

    python tests/benchmarks/bench_validate.py [--members 50000] [--file PATH] [--no-pyx12]
                                              [--repeat N] [--tree DIR]

Each run is a separate process, one after the other (wall-clock seconds, that process's own
peak RSS); the ratio is what to compare across machines. ``--no-pyx12`` times only
``inspector validate --no-pyx12`` (load + envelope + rules), best of ``--repeat``. ``--tree DIR``
runs the inspector of another checkout (e.g. an older commit in a git worktree) on the same
file, so that old and new can be compared in one session.
"""

from __future__ import annotations

import argparse
import os
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


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) of this one child, exit code."""
    t0 = time.perf_counter()
    with subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as child:
        # wait4 reports the rusage of this child alone (RUSAGE_CHILDREN would be the max so far)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        err = child.stderr.read() if child.stderr else ""
    if child.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({child.returncode}): {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--file", type=Path)
    ap.add_argument("--no-pyx12", action="store_true", help="only load + envelope + rules")
    ap.add_argument("--repeat", type=int, default=1, help="runs of --no-pyx12 (best is shown)")
    ap.add_argument("--tree", type=Path, help="run the inspector of this checkout instead")
    args = ap.parse_args()
    path = args.file or Path(tempfile.gettempdir()) / f"bench_{args.members}.834"
    if not path.exists():
        write_834(path, args.members)
    print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MiB)", flush=True)
    tree = args.tree.resolve() if args.tree else ROOT
    if args.tree:
        print(f"inspector from: {tree}", flush=True)
    validate = [sys.executable, "-m", "inspector.cli", "validate", str(path), "--format", "json"]
    rules = min(
        (timed([*validate, "--no-pyx12"], tree) for _ in range(max(1, args.repeat))),
        key=lambda r: r[0],
    )
    print(
        f"inspector validate --no-pyx12 (load + rules):   {rules[0]:7.2f} s  "
        f"peak RSS {rules[1]:.0f} MiB  (best of {max(1, args.repeat)})",
        flush=True,
    )
    if args.no_pyx12:
        return
    ours, ours_rss, code = timed(validate, tree)
    print(
        f"inspector validate (envelope + rules + pyx12): {ours:7.1f} s  exit {code}  "
        f"peak RSS {ours_rss:.0f} MiB",
        flush=True,
    )
    bare, bare_rss, _ = timed([sys.executable, "-c", BARE, str(path)])
    print(
        f"bare pyx12 x12n_document:                      {bare:7.1f} s  peak RSS {bare_rss:.0f} MiB"
    )
    print(f"ratio inspector/bare pyx12: {ours / bare:.2f}")


if __name__ == "__main__":
    main()
