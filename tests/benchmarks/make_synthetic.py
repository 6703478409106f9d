"""Write a large fictitious 834 for benchmarks and report its size, segments and generation time.

    python tests/benchmarks/make_synthetic.py --members 50000 --out /tmp/big.834 [--seed N] [--defects]

``--defects`` alone injects every defect in ``tests.support.synthetic.DEFECTS``; it also takes a
comma-separated list of names.  The defect manifest is written next to the output as
``<out>.manifest.json`` when defects are requested.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.synthetic import DEFECTS, iter_834  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--members", type=int, default=50_000, help="number of INS loops (default 50000)"
    )
    ap.add_argument("--out", required=True, help="output path")
    ap.add_argument("--seed", type=int, default=834)
    ap.add_argument(
        "--defects",
        nargs="?",
        const="all",
        default="",
        help="inject defects: no value = all, or a comma-separated list",
    )
    ap.add_argument("--transactions", type=int, default=1)
    ap.add_argument("--one-line", action="store_true", help="no line break after each segment")
    args = ap.parse_args(argv)

    defects = list(DEFECTS) if args.defects == "all" else [d for d in args.defects.split(",") if d]
    manifest: list[dict] = []
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    n_bytes = 0
    with open(out, "w", encoding="ascii", newline="") as fh:
        for chunk in iter_834(
            args.members,
            seed=args.seed,
            defects=defects,
            line_breaks=not args.one_line,
            transactions=args.transactions,
            manifest=manifest,
        ):
            fh.write(chunk)
            n_bytes += len(chunk)
    elapsed = time.perf_counter() - t0

    # count segments independently of the generator: read the terminator from the ISA
    text = out.read_text(encoding="ascii")
    segments = text.count(text[105])
    print(f"file      {out}")
    print(f"members   {args.members}")
    print(f"bytes     {n_bytes:,} ({n_bytes / 1e6:.1f} MB)")
    print(f"segments  {segments:,} ({segments / args.members:.1f} per member)")
    print(f"time      {elapsed:.2f} s (generate + write)")
    if defects:
        mpath = out.with_name(out.name + ".manifest.json")
        mpath.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        print(f"defects   {len(manifest)} injected; manifest {mpath}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
