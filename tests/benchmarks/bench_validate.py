"""Validation benchmark: ``inspector validate`` next to bare pyx12 on the same file, same run.

    python tests/benchmarks/bench_validate.py [--members 5000 20000 50000] [--file PATH]
                                              [--no-pyx12] [--repeat N] [--tree DIR]
                                              [--workers N]

Each run is a separate process, one after the other (wall-clock seconds, CPU seconds including
the pyx12 worker processes, that process's own peak RSS and the summed peak of it and its
workers); the ratio is what to compare across machines. ``--no-pyx12`` times only
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


def _tree(pid: int, cpu: dict[int, float]) -> int:
    """Resident bytes of ``pid`` and all its descendants now (0 once gone), from /proc; records
    each one's CPU seconds so far in ``cpu`` (the pyx12 workers are the forkserver's children,
    whose CPU no wait4 of ours reports)."""
    total, todo = 0, [pid]
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[1]) != pid:  # the child's own children: wait4 counts them once reaped
                cpu[p] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, int, float, float]:
    """Wall seconds, peak RSS (MiB) of the child process itself, exit code, CPU seconds of the
    child and its workers (theirs as last sampled: up to 0.1 s short each), and the peak of the
    summed RSS of the child and its workers (MiB, sampled every 0.1 s)."""
    t0 = time.perf_counter()
    peak_tree, cpu_of = 0, {}
    with subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as child:
        while True:
            # wait4 reports the rusage of this child (and the workers it reaped) alone
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, _tree(child.pid, cpu_of))
            time.sleep(0.1)
        seconds = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        err = child.stderr.read() if child.stderr else ""
    if child.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({child.returncode}): {err[-2000:]}")
    cpu_of.pop(child.pid, None)  # its own CPU (and its reaped children's) comes from wait4
    cpu = usage.ru_utime + usage.ru_stime + sum(cpu_of.values())
    tree = max(peak_tree / 2**20, usage.ru_maxrss / 1024)
    return seconds, usage.ru_maxrss / 1024, child.returncode, cpu, tree


def one_file(path: Path, args: argparse.Namespace, tree: Path) -> None:
    size = path.stat().st_size / 2**20
    print(f"file: {path} ({size:.1f} MiB)", flush=True)
    validate = [sys.executable, "-m", "inspector.cli", "validate", str(path), "--format", "json"]
    rules = min(
        (timed([*validate, "--no-pyx12"], tree) for _ in range(max(1, args.repeat))),
        key=lambda r: r[0],
    )
    print(
        f"  inspector validate --no-pyx12 (load + rules):   {rules[0]:7.2f} s  "
        f"peak RSS {rules[1]:.0f} MiB = {rules[1] / size:.1f}x the file  "
        f"(best of {max(1, args.repeat)})",
        flush=True,
    )
    if args.no_pyx12:
        return
    ours = timed([*validate, *(["--workers", str(args.workers)] if args.workers else [])], tree)
    print(
        f"  inspector validate (envelope + rules + pyx12):  {ours[0]:7.1f} s  exit {ours[2]}  "
        f"CPU {ours[3]:.1f} s  peak RSS {ours[1]:.0f} MiB, with its workers {ours[4]:.0f} MiB",
        flush=True,
    )
    bare = timed([sys.executable, "-c", BARE, str(path)])
    print(
        f"  bare pyx12 x12n_document:                       {bare[0]:7.1f} s  "
        f"CPU {bare[3]:.1f} s  peak RSS {bare[1]:.0f} MiB"
    )
    print(
        f"  ratio inspector/bare pyx12: wall {ours[0] / bare[0]:.2f}  CPU {ours[3] / bare[3]:.2f}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, nargs="+", default=[5_000, 20_000, 50_000])
    ap.add_argument("--file", type=Path)
    ap.add_argument("--no-pyx12", action="store_true", help="only load + envelope + rules")
    ap.add_argument("--repeat", type=int, default=1, help="runs of --no-pyx12 (best is shown)")
    ap.add_argument("--tree", type=Path, help="run the inspector of this checkout instead")
    ap.add_argument("--workers", type=int, help="pyx12 worker processes (default: one per core)")
    args = ap.parse_args()
    tree = args.tree.resolve() if args.tree else ROOT
    print(f"cores: {len(os.sched_getaffinity(0))}", flush=True)
    if args.tree:
        print(f"inspector from: {tree}", flush=True)
    if args.file:
        one_file(args.file, args, tree)
        return
    for members in args.members:
        path = Path(tempfile.gettempdir()) / f"bench_{members}.834"
        if not path.exists():
            write_834(path, members)
        one_file(path, args, tree)


if __name__ == "__main__":
    main()
