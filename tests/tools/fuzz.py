"""Longer fuzz runs for developers (the CI runs a bounded share: tests/core/test_fuzz.py).

    python3 tests/tools/fuzz.py --cases 2000 --seed 1            # print figures and failures
    python3 tests/tools/fuzz.py --case 17 --seed 1 --keep /tmp/c  # replay one case, keep files
    python3 tests/tools/fuzz.py --cases 500 --family unicode_fields --family huge

Prints the cases run, the crashes (tracebacks), the verdict mismatches and other broken
invariants (see tests/support/fuzz.py), per family, and the worst time and peak memory.
Exit status 1 when any case failed.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.support import fuzz  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1000)
    p.add_argument("--seed", type=int, default=834)
    p.add_argument("--start", type=int, default=0, help="first case index")
    p.add_argument("--case", type=int, help="run this one case only")
    p.add_argument("--family", action="append", choices=sorted(fuzz.FAMILIES))
    p.add_argument("--pyx12-share", type=float, default=0.03, help="share of cases with pyx12")
    p.add_argument("--keep", type=Path, help="work in this folder and keep it (with --case)")
    p.add_argument("--verbose", action="store_true", help="print every failure's traceback")
    args = p.parse_args(argv)

    import logging

    logging.disable(logging.CRITICAL)  # pyx12 logs every error it finds
    bases = fuzz.base_files()
    indices = [args.case] if args.case is not None else range(args.start, args.start + args.cases)
    per_family: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures: list[fuzz.Outcome] = []
    worst: fuzz.Outcome | None = None
    started = time.perf_counter()
    with fuzz.scratch() as tmp:
        for i in indices:
            work = args.keep or tmp / "case"
            o = fuzz.run_case(
                args.seed, i, work, pyx12_share=args.pyx12_share, bases=bases, families=args.family
            )
            c = per_family[o.family]
            c["cases"] += 1
            c["crashes"] += bool(o.crashes)
            c["mismatches"] += any("exit" in v for v in o.violations)
            c["other"] += bool(o.violations) and not any("exit" in v for v in o.violations)
            if not o.ok:
                failures.append(o)
                print(o.describe(), flush=True)
                if args.verbose:
                    for text in o.crashes:
                        print(text)
            if worst is None or o.seconds > worst.seconds:
                worst = o
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = collections.Counter()
    print(f"\n{'family':<22}{'cases':>7}{'crashes':>9}{'verdicts':>10}{'other':>7}")
    for name in sorted(per_family):
        c = per_family[name]
        total.update(c)
        print(f"{name:<22}{c['cases']:>7}{c['crashes']:>9}{c['mismatches']:>10}{c['other']:>7}")
    print(
        f"{'all':<22}{total['cases']:>7}{total['crashes']:>9}{total['mismatches']:>10}"
        f"{total['other']:>7}"
    )
    if worst is not None:
        print(
            f"\n{total['cases']} cases in {elapsed:.1f} s (seed {args.seed}); worst case "
            f"{worst.index} ({worst.family} on {worst.base}) {worst.seconds:.2f} s; "
            f"peak RSS {peak:.0f} MiB"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
