"""Business-rules benchmark: CPU and wall seconds of ``run_rules`` on one large file.

    python tests/benchmarks/bench_rules.py [--members 50000] [--file PATH] [--profile base ffe]
                                           [--repeat 3] [--top N] [--tree DIR ...] [--rounds N]

Generates the synthetic file of ``--members`` members (once, in the temp folder, as
``bench_validate.py`` does) or reads ``--file``, loads it once, then times
``run_rules(doc, (profile,))`` for each ``--profile`` (built-in profile names, or paths of
.toml profiles; each one measured on its own): CPU seconds (``time.process_time``) and wall
seconds, best of ``--repeat`` runs, every run listed, and the number of findings. ``--top N``
profiles one more run with cProfile and lists the N rules costing most (the cumulative time of
their functions, profiler overhead included: compare the rules with each other, not with the
timed runs; a function several rules share, such as one ``select=``, counts in each of
them), and the time spent reading the members.

``--tree DIR`` (may be repeated) measures the same in another checkout too (e.g. an older
commit in a git worktree): each checkout runs in its own process (cwd and ``sys.path`` of that
checkout), the other trees first, then this one, so that old and new are compared in one
session; ``--rounds N`` repeats that sequence, which spreads a noisy machine's slow moments
over both.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def measure(path: Path, profiles: list[str], repeat: int, top: int) -> None:
    """Load ``path`` once and time the rules under each profile (imports the inspector found
    first on ``sys.path``)."""
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.profiles import load_profile
    from inspector.core.validation.rules import run_rules

    t0 = time.perf_counter()
    doc = load_store(read_bytes(path.read_bytes(), path))
    members = len(doc.structure.member_rows) if hasattr(doc.structure, "member_rows") else 0
    print(f"  load {time.perf_counter() - t0:.2f} s ({members:,} members)", flush=True)
    for name in profiles:
        profile = load_profile(name)
        cpu: list[float] = []
        wall: list[float] = []
        count = 0
        for _ in range(max(1, repeat)):
            c0, w0 = time.process_time(), time.perf_counter()
            count = len(run_rules(doc, (profile,)))
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        runs = " ".join(f"{c:.2f}" for c in cpu)
        print(
            f"  profile {name}: CPU best {min(cpu):.2f} s (runs {runs})  "
            f"wall best {min(wall):.2f} s  {count:,} findings",
            flush=True,
        )
        if top:
            _top_rules(doc, profile, top)


def _top_rules(doc, profile, top: int) -> None:
    """One profiled run: the ``top`` rules whose functions cost most, and the member reading."""
    from inspector.core.validation.rules import active_rules, run_rules
    from inspector.core.validation.rules.views import MemberReader

    prof = cProfile.Profile()
    prof.enable()
    run_rules(doc, (profile,))
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in stats.values())

    def cumulative(fn) -> float:
        code = getattr(fn, "__code__", None)
        if code is None:
            return 0.0
        row = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        return row[3] if row else 0.0

    rules = active_rules((profile,))
    uses: dict[object, int] = {}  # function -> rules it belongs to (a shared select=)
    for r in rules:
        for fn in {r.member, r.transaction, r.file, r.select} - {None}:
            uses[fn] = uses.get(fn, 0) + 1
    costs = []
    for r in rules:
        fns = {r.member, r.transaction, r.file, r.select} - {None}
        shared = any(uses[fn] > 1 for fn in fns)
        costs.append((sum(cumulative(fn) for fn in fns), r.code, shared))
    costs.sort(reverse=True)
    print(f"    profiled run: {total:.2f} s; reading members {cumulative(MemberReader.read):.2f} s")
    for seconds, code, shared in costs[:top]:
        note = "  (includes a function shared with other rules)" if shared else ""
        print(f"    {seconds:6.2f} s  {code}{note}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=50_000)
    ap.add_argument("--file", type=Path, help="use this file instead of generating one")
    ap.add_argument("--profile", nargs="+", default=["base"], help="profiles, each timed alone")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per profile (best shown)")
    ap.add_argument("--top", type=int, default=0, help="list the N rules costing most")
    ap.add_argument("--tree", type=Path, action="append", default=[], help="another checkout")
    ap.add_argument("--rounds", type=int, default=1, help="times to measure every checkout")
    ap.add_argument("--inside", type=Path, help=argparse.SUPPRESS)  # a child: the checkout
    args = ap.parse_args()
    if args.inside is not None:  # a child process: this checkout's inspector only
        sys.path.insert(0, str(args.inside))
        measure(args.file, args.profile, args.repeat, args.top)
        return 0
    sys.path.insert(0, str(ROOT))
    path = args.file
    if path is None:
        path = Path(tempfile.gettempdir()) / f"bench_{args.members}.834"
        if not path.exists():
            from tests.support.synthetic import write_834

            write_834(path, args.members)
    path = path.resolve()
    print(f"file: {path} ({path.stat().st_size / 2**20:.1f} MiB)", flush=True)
    if not args.tree:
        measure(path, args.profile, args.repeat, args.top)
        return 0
    options = ["--file", str(path), "--profile", *args.profile]
    options += ["--repeat", str(args.repeat), "--top", str(args.top)]
    for _ in range(max(1, args.rounds)):
        for tree in [*(t.resolve() for t in args.tree), ROOT]:
            print(f"inspector from: {tree}", flush=True)
            cmd = [sys.executable, str(Path(__file__).resolve()), *options, "--inside", str(tree)]
            code = subprocess.call(cmd, cwd=tree)
            if code:
                return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
