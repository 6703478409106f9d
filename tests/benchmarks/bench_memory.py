"""Memory benchmark on a large file: peak RSS of ``summary``, ``validate --no-pyx12`` and
``export`` against the file size (issue goal: at most 10x the file).

The file is the member loops of a small synthetic file repeated until the file reaches ``--mb`` MiB (what an attacker
or a runaway export would send: a valid envelope, hundreds of thousands of members), with the SE
count and control numbers kept right. Each command runs in a fresh process; its peak RSS is the
child's own ``ru_maxrss``. Not part of the test run:

    python tests/benchmarks/bench_memory.py [--mb 200] [--commands summary,validate,export]
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

from tests.support.synthetic import generate_834  # noqa: E402

COMMANDS = {
    "summary": ["summary"],
    "validate": ["validate", "--no-pyx12", "--format", "json"],
    "export": ["export", "--out", "{out}"],
}


def repeated_file(path: Path, mb: int) -> Path:
    """An 834 of about ``mb`` MiB: the header and trailer of a small synthetic file around its
    member loops repeated (INS..next INS), SE01 counting every segment."""
    text = generate_834(20, seed=5)
    term = text[105]  # ISA16 is followed by the segment terminator
    segs = [s for s in text.split(term) if s.strip("\r\n")]
    sep = segs[0][3]
    first_ins = next(k for k, s in enumerate(segs) if s.lstrip().startswith(f"INS{sep}"))
    se = next(k for k, s in enumerate(segs) if s.lstrip().startswith(f"SE{sep}"))
    head, body, tail = segs[:first_ins], segs[first_ins:se], segs[se:]
    st = next(k for k, s in enumerate(head) if s.lstrip().startswith(f"ST{sep}"))
    block = term.join(body) + term
    target = mb * 2**20
    copies = max(1, target // len(block))
    with open(path, "w", encoding="ascii", newline="") as fh:
        fh.write(term.join(head) + term)
        for _ in range(copies):
            fh.write(block)
        count = len(head) - st + copies * len(body) + 1
        se_els = tail[0].split(sep)
        se_els[1] = str(count)
        fh.write(term.join([sep.join(se_els), *tail[1:]]) + term)
    return path


_PROBE = """
import resource, runpy, sys
sys.argv = ["inspector", *sys.argv[2:]]
code = 0
try:
    runpy.run_module("inspector", run_name="__main__")
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
with open({out!r}, "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.exit(code)
"""


def peak_of(argv: list[str], scratch: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of ``inspector *argv`` in a fresh process."""
    out = scratch / "peak.txt"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(out=str(out)), "-", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        print(proc.stderr[-2000:])
    return seconds, int(out.read_text()) / 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--commands", default="summary,validate,export")
    ap.add_argument("--file", type=Path, help="use this file instead of generating one")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_memory_"))
    path = args.file or repeated_file(tmp / f"repeated_{args.mb}mb.834", args.mb)
    size = path.stat().st_size / 2**20
    print(f"file: {path.name} ({size:.1f} MiB)")
    for name in args.commands.split(","):
        argv = [
            COMMANDS[name][0],
            str(path),
            *[a.format(out=tmp / "out") for a in COMMANDS[name][1:]],
        ]
        seconds, peak, code = peak_of(argv, tmp)
        print(
            f"{name:<10} {seconds:7.1f} s  peak RSS {peak:8.0f} MiB = {peak / size:5.1f}x the file"
            f"  (exit {code})"
        )


if __name__ == "__main__":
    main()
