"""Bounded, deterministic fuzzing in CI (issue 13): mutated files and hostile edit lists through
``inspector.cli.main`` in-process; see tests/support/fuzz.py for the families and invariants
and tests/tools/fuzz.py for longer runs. About 15 s on 2 idle cores (200 cases + one per family with pyx12)."""

from __future__ import annotations

import logging

import pytest

from inspector.cli import main
from tests.support import fuzz
from tests.support.synthetic import generate_834

SEED = 834
CHUNKS, PER_CHUNK = 8, 25  # 200 cases, spread over the xdist workers


@pytest.fixture(scope="module")
def bases():
    return fuzz.base_files()


@pytest.fixture(autouse=True)
def quiet_pyx12():
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzz_cases(chunk, bases, tmp_path):
    failed = []
    for i in range(chunk * PER_CHUNK, (chunk + 1) * PER_CHUNK):
        outcome = fuzz.run_case(SEED, i, tmp_path / "case", bases=bases)
        if not outcome.ok:
            failed.append(outcome.describe() + "".join("\n" + c for c in outcome.crashes))
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("family", sorted(fuzz.FAMILIES))
def test_every_family_runs_with_the_guide_check(family, bases, tmp_path):
    """One case of each family with pyx12 (the bulk runs with --no-pyx12, for speed)."""
    outcome = fuzz.run_case(
        SEED, 10_000, tmp_path / "c", bases=bases, families=[family], pyx12_share=1.0
    )
    assert outcome.family == family and outcome.pyx12
    assert outcome.ok, outcome.describe() + "".join("\n" + c for c in outcome.crashes)


def test_truncation_at_every_segment_boundary(tmp_path, capsys):
    data = generate_834(2, seed=5).encode("ascii")
    segs, _ = fuzz._segments(data)
    cuts = set()
    at = 0
    for s in segs:
        at += len(s)
        cuts.update({at - 1, at, at + 1})
    path = tmp_path / "cut.834"
    for cut in sorted(c for c in cuts if 0 <= c <= len(data)):
        path.write_bytes(data[:cut])
        code = main(["summary", str(path)])
        err = capsys.readouterr().err
        assert code in (0, 1, 2) and "Traceback" not in err, cut
        assert code != 2 or "cut.834" in err, (cut, err)


def test_a_run_of_empty_lines_as_segments_is_linear(tmp_path, capsys):
    """With a line break as segment terminator, 50,000 empty segments took 86 s (quadratic
    whitespace skip in the reader); now well under a second."""
    import time

    data = generate_834(3, seed=13, delimiters=("|", "!", "^", "\n"), line_breaks=False)
    segs = data.split("\n")
    text = "\n".join(segs[:-4]) + "\n" * 50_000 + "\n".join(segs[-4:])
    path = tmp_path / "empty.834"
    path.write_text(text, encoding="ascii")
    started = time.perf_counter()
    assert main(["summary", str(path)]) == 1  # the empty segments are envelope errors
    assert time.perf_counter() - started < 10
    assert "Traceback" not in capsys.readouterr().err


def test_a_case_is_replayable(bases, tmp_path):
    a = fuzz.run_case(SEED, 3, tmp_path / "a", bases=bases)
    b = fuzz.run_case(SEED, 3, tmp_path / "b", bases=bases)
    assert (a.base, a.family, a.pyx12, a.codes) == (b.base, b.family, b.pyx12, b.codes)
