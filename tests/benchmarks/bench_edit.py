"""Edit benchmark: apply, undo and redo one element edit on a large file and report the times.

Runs in this checkout, or in another one given with ``--tree`` (e.g. an older commit), so the
two can be compared on the same file in the same session. Prints the median and the best of
``--repeat`` rounds for each step (ms); each round edits a different member's birth date.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _session_class():
    try:
        from inspector.core.editing.session import EditSession
    except ImportError:  # an older layout: one flat editing module
        from inspector.core.editing import EditSession  # type: ignore[attr-defined,no-redef]
    return EditSession


def _load(path: Path):
    try:
        from inspector.core.records.document import load
    except ImportError:  # an older layout
        from inspector.core.document import load  # type: ignore[no-redef]
    return load(path)


def run(path: Path, repeat: int) -> None:
    t0 = time.perf_counter()
    session = _session_class()(_load(path))
    print(
        f"load              {time.perf_counter() - t0:8.2f} s  ({len(session.doc.members):,} members)"
    )
    members = session.doc.members
    n = len(members)
    times: dict[str, list[float]] = {"apply": [], "undo": [], "redo": []}
    for k in range(repeat):
        r = (k * 7919 + n // 2) % n
        o = int(members["seg_dmg"].iat[r])
        if o <= 0:
            continue
        edit = {"segment": o, "element": "DMG02", "value": f"19{70 + k % 29:02d}0101"}
        for step, call in (
            ("apply", partial(session.apply, edit)),
            ("undo", session.undo),
            ("redo", session.redo),
        ):
            start = time.perf_counter()
            change = call()
            times[step].append(time.perf_counter() - start)
            assert change is not None and not change.reset, step
    for step, values in times.items():
        ms = [v * 1000 for v in values]
        print(f"{step:<17} {statistics.median(ms):8.1f} ms median, {min(ms):.1f} ms best")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--file", type=Path, help="use this file instead of generating one")
    parser.add_argument("--repeat", type=int, default=15, help="edits to time (default 15)")
    parser.add_argument("--tree", type=Path, help="run the benchmark in this other checkout")
    args = parser.parse_args()
    path = args.file
    if path is None:
        path = Path(tempfile.gettempdir()) / f"bench_edit_{args.members}.834"
        if not path.exists():
            from tests.support.synthetic import write_834

            write_834(path, args.members)
    if args.tree is not None:
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
            "from bench_edit import run; run(__import__('pathlib').Path(sys.argv[3]),"
            " int(sys.argv[4]))"
        )
        here = str(Path(__file__).resolve().parent)
        cmd = [sys.executable, "-c", code, str(args.tree.resolve()), here, str(path)]
        return subprocess.call([*cmd, str(args.repeat)], cwd=args.tree)
    run(path, args.repeat)
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
