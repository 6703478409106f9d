"""Parity of the split pyx12 run (inspector.core.validation.pyx12.chunked) with the whole run.

The contract: checked in parts, a file gets the same implementation-guide findings (code,
segment, element, value, message, loop, extra) and the same 999 as checked in one piece. Tested
on every public sample the planner splits and on 2,000+ deterministic mutations of synthetic
files (segments dropped, duplicated, swapped, moved; bad codes, lengths, dates and characters;
required elements emptied; loops out of order; envelope damage), each split into 2, 3 and 5
parts. Parts run in this process here (``pool=False``: the same code a worker runs); one test
runs the real worker pool.
"""

from __future__ import annotations

import difflib
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from inspector.core.errors import NotAn834Error
from inspector.core.findings import Finding
from inspector.core.reading.source import read_bytes
from inspector.core.validation.pyx12 import chunked
from inspector.core.validation.pyx12.adapter import Pyx12Result, validate_with_pyx12
from tests.support.synthetic import generate_834

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "834" / "public"
MUTATIONS = 2100
BATCHES = 14


def key(f: Finding) -> tuple[Any, ...]:
    extra = tuple(sorted((k, repr(v)) for k, v in f.extra.items()))
    return (
        f.code,
        f.segment,
        f.segment_id,
        f.element,
        f.value,
        f.message,
        f.severity,
        f.loop,
        extra,
    )


def ack(result: Pyx12Result) -> str | None:
    """The 999 without what pyx12 takes from the clock or chance (ISA09/10/13, GS04-06, GE02,
    IEA02)."""
    if result.ack is None:
        return None
    text = re.sub(r"(GS\*FA\*[^*]*\*[^*]*)\*\d+\*\d+\*\d+", r"\1*D*T*N", result.ack)
    text = re.sub(r"(GE\*\d+)\*\d+", r"\1*N", text)
    text = re.sub(r"(IEA\*\d+)\*\d+", r"\1*N", text)
    return re.sub(r"^(ISA(?:\*[^*]*){8})\*\d+\*\d+((?:\*[^*]*){2})\*\d+", r"\1*D*T\2*N", text)


def same(data: bytes, parts: int) -> tuple[bool, Pyx12Result]:
    store = read_bytes(data)
    whole = validate_with_pyx12(store, workers=1)
    split = validate_with_pyx12(store, workers=2, min_segments=0, parts=parts, pool=False)
    a, b = [key(f) for f in whole.findings], [key(f) for f in split.findings]
    ok = a == b and ack(whole) == ack(split) and whole.completed == split.completed
    ok = ok and whole.guide == split.guide
    if not ok:  # say what differs
        first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print("whole:", a[first : first + 2], whole.completed, whole.guide)
        print("split:", b[first : first + 2], split.completed, split.guide)
        print(
            "\n".join(
                difflib.unified_diff(
                    (ack(whole) or "").split("~"), (ack(split) or "").split("~"), lineterm=""
                )
            )
        )
    return ok, split


# -- public samples -----------------------------------------------------------------------------
def _samples() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.name != "SOURCES.md")


def test_public_samples_split_like_whole() -> None:
    split = 0
    for path in _samples():
        try:
            store = read_bytes(path.read_bytes())
        except NotAn834Error:
            continue
        if chunked.plan(store, 2, min_segments=0, parts=4) is None:
            continue
        for parts in (2, 4):
            ok, _ = same(path.read_bytes(), parts)
            assert ok, f"{path.name}: split into {parts} differs from the whole run"
        split += 1
    assert split >= 15  # the samples with several members in a plain envelope


# -- mutated files ------------------------------------------------------------------------------
_BASES: dict[int, list[str]] = {}


def _base(kind: int) -> list[str]:
    if kind not in _BASES:
        text = generate_834(7 if kind == 0 else 9, seed=11 + kind, transactions=1 + kind)
        _BASES[kind] = [s for s in text.split("~\n") if s]
    return _BASES[kind]


_ID_ELEMENTS = {
    "INS": (1, 2, 3, 4, 5),
    "HD": (1, 3, 5),
    "REF": (1,),
    "DTP": (1, 2),
    "NM1": (1, 2, 8),
    "DMG": (1, 3),
    "N1": (1, 3),
    "QTY": (1,),
    "BGN": (1, 8),
}


def _mutate(segs: list[str], rng: random.Random, kind: str = "") -> tuple[str, list[str]]:
    s = list(segs)
    n = len(s)
    body = range(3, n - 3)  # after ISA/GS/ST, before SE/GE/IEA
    kind = kind or rng.choice(
        [
            "drop",
            "duplicate",
            "swap",
            "move",
            "code",
            "length",
            "empty",
            "date",
            "char",
            "extra",
            "loop",
            "envelope",
            "member",
            "two",
        ]
    )
    if kind == "two":  # two element-level changes
        s = _mutate(s, rng, "code")[1]
        kind = rng.choice(["empty", "date", "length"])
    i = rng.choice(body)
    els = s[i].split("*")
    if kind == "drop":
        del s[i]
    elif kind == "duplicate":
        s.insert(i, s[i])
    elif kind == "swap":
        s[i], s[i + 1] = s[i + 1], s[i]
    elif kind == "move":
        seg = s.pop(i)
        s.insert(rng.choice(range(3, len(s) - 3)), seg)
    elif kind in ("code", "length", "empty", "date", "char", "extra"):
        if kind == "date":
            dates = [j for j, x in enumerate(s) if x.startswith(("DTP*", "DMG*"))]
            i = rng.choice(dates)
            els = s[i].split("*")
            pos = 3 if els[0] == "DTP" else 2
            els[pos] = rng.choice(["20251340", "2025010", "2O250101", "20250230", ""])
        elif kind == "code" and els[0] in _ID_ELEMENTS:
            pos = rng.choice(_ID_ELEMENTS[els[0]])
            if pos < len(els):
                els[pos] = rng.choice(["ZZ", "99", "X", "", "A1B"])
        elif kind == "length" and len(els) > 1:
            pos = rng.randrange(1, len(els))
            els[pos] = rng.choice(["X" * 81, "1" * 40, "A"])
        elif kind == "empty" and len(els) > 1:
            els[rng.randrange(1, len(els))] = ""
        elif kind == "char" and len(els) > 1:
            pos = rng.randrange(1, len(els))
            els[pos] = els[pos] + rng.choice(["\x07", "é", "a", "!"])
        elif kind == "extra":
            els.append(rng.choice(["X", "", "123"]))
        s[i] = "*".join(els)
    elif kind == "loop":  # a member's name loop after its coverage
        ins = [j for j, x in enumerate(s) if x.startswith("INS*")]
        j = rng.choice(ins)
        nm1 = next((k for k in range(j, len(s)) if s[k].startswith("NM1*IL")), None)
        hd = next((k for k in range(j, len(s)) if s[k].startswith("HD*")), None)
        if nm1 is not None and hd is not None and nm1 < hd:
            seg = s.pop(nm1)
            s.insert(hd, seg)
    elif kind == "member":  # a whole member loop dropped or duplicated
        ins = [j for j, x in enumerate(s) if x.startswith("INS*")]
        k = rng.randrange(len(ins))
        end = (
            ins[k + 1]
            if k + 1 < len(ins)
            else next(j for j in range(ins[k], len(s)) if s[j].startswith("SE*"))
        )
        loop = s[ins[k] : end]
        if rng.random() < 0.5:
            del s[ins[k] : end]
        else:
            s[end:end] = loop
    elif kind == "envelope":
        which = rng.choice(
            ["SE01", "SE02", "GE01", "IEA01", "ST02", "ISA13", "GS06", "ST01", "BGN", "QTY"]
        )
        for j, x in enumerate(s):
            e = x.split("*")
            if which == "SE01" and e[0] == "SE":
                e[1] = str(int(e[1]) + rng.choice([-1, 1, 7]))
            elif which == "SE02" and e[0] == "SE":
                e[2] = "9999"
            elif which == "GE01" and e[0] == "GE":
                e[1] = "3"
            elif which == "IEA01" and e[0] == "IEA":
                e[1] = "2"
            elif which == "ST02" and e[0] == "ST":
                e[2] = "0001"
            elif which == "GS06" and e[0] == "GS":
                e[6] = "1"
            elif which == "ST01" and e[0] == "ST" and j > 2:
                e[1] = "835"
            elif which == "BGN" and e[0] == "BGN":
                e[8] = "9"
            elif which == "QTY" and e[0] == "QTY":
                e[2] = "X"
            s[j] = "*".join(e)
    return kind, s


def _mutations(batch: int) -> list[tuple[str, bytes, int]]:
    out = []
    for k in range(batch, MUTATIONS, BATCHES):
        rng = random.Random(k)
        kind, segs = _mutate(_base(k % 2), rng)
        text = "~\n".join(segs) + "~\n"
        out.append((kind, text.encode("utf-8"), (2, 3, 5)[k % 3]))
    return out


@pytest.mark.parametrize("batch", range(BATCHES))
def test_mutated_files_split_like_whole(batch: int) -> None:
    used: Counter[str] = Counter()
    for n, (kind, data, parts) in enumerate(_mutations(batch)):
        ok, result = same(data, parts)
        assert ok, f"mutation {batch + n * BATCHES} ({kind}, {parts} parts) differs"
        used[
            "split"
            if result.parts > 1 and not result.rechecked
            else "rechecked"
            if result.rechecked
            else "whole"
        ] += 1
    # nearly every mutation is checked in parts (447 of the first 450): the parts' own results
    # are what is compared, not a re-check in one piece
    assert used["split"] >= 0.9 * sum(used.values()), used


def test_real_pool_gives_the_same_findings() -> None:
    data = generate_834(40, seed=5, transactions=2).encode()
    store = read_bytes(data)
    whole = validate_with_pyx12(store, workers=1)
    pooled = validate_with_pyx12(store, workers=2, min_segments=0, parts=4)
    assert pooled.parts == 4 and not pooled.rechecked
    assert [key(f) for f in whole.findings] == [key(f) for f in pooled.findings]
    assert ack(whole) == ack(pooled)


def test_small_and_irregular_files_are_not_split() -> None:
    small = read_bytes(generate_834(5).encode())
    assert chunked.plan(small, 2) is None  # below MIN_SEGMENTS
    assert chunked.plan(small, 1, min_segments=0) is None  # one core
    segs = generate_834(20).split("~\n")
    segs.insert(12, "")  # an empty segment
    assert chunked.plan(read_bytes("~\n".join(segs).encode()), 2, min_segments=0) is None
