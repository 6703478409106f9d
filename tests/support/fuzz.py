"""Deterministic fuzzing of the inspector: mutated 834 files and hostile edit lists, run through
``inspector.cli.main`` in-process, checked against the invariants of issue 13.

A case is (seed, index): ``random.Random(f"{seed}:{index}")`` picks a base file, a mutation
family and its parameters, so any case can be replayed alone (``tests/tools/fuzz.py --case``).

Invariants checked for every case:

- no traceback (no exception escapes ``main``); exit code in {0, 1, 2}; exit 2 always carries a
  message naming the file;
- the same verdict from every command: ``validate`` and ``export`` give the same exit code, and
  ``summary`` agrees on whether the file can be read (its 1 is about the envelope only);
- member count = INS count (INS segments inside 834 transaction sets);
- the unedited round trip is byte-identical (``--corrected-834`` without edits);
- a refused edit writes nothing (no output folder, no corrected 834); an accepted edit list
  writes a corrected 834 that reads again and holds only ASCII digits where it was edited.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.resources import demo_path
from tests.support.synthetic import generate_834

Mutation = Callable[[bytes, random.Random], bytes]

UNICODE_DIGITS = "\u00b2\u00b3\u00b9\u0661\u0669\u06f5\u0966\u09e6\uff11\u2460\U0001d7ce"
UNICODE_LETTERS = "\u00c9\u00df\u0410\u03a9\u05d0\u4e2d\u200b\u202e\ufeff"
OTHER_CHARS = "*~:^|\x00\x1c\x1d\x1e\n\r\t"


# ---------------------------------------------------------------------------------------------
# base files
# ---------------------------------------------------------------------------------------------
def base_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of the files mutations start from: the demo and small synthetic files."""
    bases = [("demo", demo_path().read_bytes())]
    bases.append(("syn3", generate_834(3, seed=7).encode("latin-1")))
    bases.append(("syn8-1line", generate_834(8, seed=11, line_breaks=False).encode("latin-1")))
    bases.append(
        (
            "syn5-delims",
            generate_834(5, seed=13, delimiters=("|", "!", "^", "\n"), line_breaks=False).encode(
                "latin-1"
            ),
        )
    )
    bases.append(("syn6-2sets", generate_834(6, seed=17, transactions=2).encode("latin-1")))
    return bases


# ---------------------------------------------------------------------------------------------
# helpers over the bytes
# ---------------------------------------------------------------------------------------------
def _delims(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(element, component, segment) of a (mostly) intact file, else the usual ones."""
    at = data.find(b"ISA")
    if at < 0 or len(data) < at + 106:
        return b"*", b":", b"~"
    return data[at + 3 : at + 4], data[at + 104 : at + 105], data[at + 105 : at + 106]


def _segments(data: bytes) -> tuple[list[bytes], bytes]:
    """The file cut after each segment terminator (terminator and line break kept)."""
    _, _, term = _delims(data)
    parts = data.split(term)
    segs = [p + term for p in parts[:-1]]
    if parts[-1]:
        segs.append(parts[-1])
    return segs, term


def _join(segs: list[bytes]) -> bytes:
    return b"".join(segs)


def _pick_segment(segs: list[bytes], rng: random.Random, ids: tuple[bytes, ...] = ()) -> int:
    if ids:
        hits = [i for i, s in enumerate(segs) if s.lstrip().split(b"*")[0].split(b"|")[0] in ids]
        if hits:
            return rng.choice(hits)
    return rng.randrange(len(segs)) if segs else 0


def _replace_element(data: bytes, rng: random.Random, ids: tuple[bytes, ...], new: bytes) -> bytes:
    """Put ``new`` in a random element of a random segment with one of ``ids``."""
    segs, term = _segments(data)
    if not segs:
        return data
    elem, _, _ = _delims(data)
    i = _pick_segment(segs, rng, ids)
    body = segs[i].removesuffix(term)
    els = body.split(elem)
    if len(els) < 2:
        return data
    k = rng.randrange(1, len(els))
    els[k] = new
    segs[i] = elem.join(els) + (term if segs[i].endswith(term) else b"")
    return _join(segs)


def _encoded(text: str, rng: random.Random) -> bytes:
    return text.encode(rng.choice(["utf-8", "utf-8", "latin-1"]), errors="replace")


# ---------------------------------------------------------------------------------------------
# mutation families
# ---------------------------------------------------------------------------------------------
def byte_flips(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 5, 20])):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def truncation(data: bytes, rng: random.Random) -> bytes:
    segs, _ = _segments(data)
    cut = sum(len(s) for s in segs[: rng.randrange(len(segs) + 1)])
    return data[: max(0, cut + rng.choice([-2, -1, 0, 0, 1, 2, 5]))]


def segment_duplication(data: bytes, rng: random.Random) -> bytes:
    segs, _ = _segments(data)
    i = rng.randrange(len(segs))
    n = rng.choice([1, 1, 2, 50])
    return _join(segs[: i + 1] + [segs[i]] * n + segs[i + 1 :])


def segment_deletion(data: bytes, rng: random.Random) -> bytes:
    segs, _ = _segments(data)
    ids = rng.choice([(), (b"ISA",), (b"GS",), (b"ST",), (b"SE",), (b"INS",), (b"NM1",), (b"IEA",)])
    i = _pick_segment(segs, rng, ids)
    return _join(segs[:i] + segs[i + rng.choice([1, 1, 3]) :])


def segment_reordering(data: bytes, rng: random.Random) -> bytes:
    segs, _ = _segments(data)
    if len(segs) < 3:
        return data
    i, j = sorted(rng.sample(range(len(segs)), 2))
    if rng.random() < 0.5:
        segs[i], segs[j] = segs[j], segs[i]
    else:  # move a block
        block = segs[i:j]
        rest = segs[:i] + segs[j:]
        at = rng.randrange(len(rest) + 1)
        segs = rest[:at] + block + rest[at:]
    return _join(segs)


def delimiter_swap(data: bytes, rng: random.Random) -> bytes:
    elem, comp, term = _delims(data)
    choices = [b"*", b"|", b"^", b":", b"~", b"!", b"\n", b"A", b"1", b" ", b"\x1d", b"\xa7"]
    new = rng.choice(choices)
    which = rng.choice(["element", "component", "segment", "isa16", "isa11", "body"])
    at = data.find(b"ISA")
    b = bytearray(data)
    if which == "isa16" and at >= 0 and len(b) > at + 104:
        b[at + 104] = new[0]  # collides with another delimiter or a letter
    elif which == "isa11" and at >= 0 and len(b) > at + 82:
        b[at + 82] = new[0]
    elif which == "body":  # the old delimiter appears inside data
        return _replace_element(data, rng, (), b"A" + rng.choice([elem, comp, term]) + b"B")
    else:
        old = {"element": elem, "component": comp, "segment": term}[which]
        return data.replace(old, new)
    return bytes(b)


def isa_width(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b"ISA")
    if at < 0:
        return data
    elem = data[at + 3 : at + 4]
    end = data.find(elem, at + 4)
    for _ in range(rng.randrange(1, 12)):
        end = data.find(elem, end + 1)
    if end < 0:
        return data
    if rng.random() < 0.5:
        return data[:end] + b" " * rng.choice([1, 2, 30]) + data[end:]
    return data[: end - 1] + data[end:]


def nul_encoding_bom(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["nul", "nuls", "bom", "boms", "utf16", "utf16-nobom", "latin1-name", "crlf"])
    if kind == "nul":
        at = rng.randrange(len(data))
        return data[:at] + b"\x00" + data[at:]
    if kind == "nuls":
        return data.replace(b"~", b"~\x00", rng.choice([1, 10, 10_000]))
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "boms":
        return b"\xef\xbb\xbf" * 3 + b" \r\n" + data
    if kind == "utf16":
        return data.decode("latin-1").encode("utf-16")
    if kind == "utf16-nobom":
        return data.decode("latin-1").encode("utf-16-le")
    if kind == "latin1-name":
        return _replace_element(
            data, rng, (b"NM1", b"N3", b"N4"), "JOS\u00c9 \u00d1".encode("latin-1")
        )
    return data.replace(b"\n", b"\r\n")


def unicode_in_fields(data: bytes, rng: random.Random) -> bytes:
    """A digit of a numeric, date or id element (one made of ASCII digits) replaced by a
    Unicode digit or letter, the length kept: superscripts in latin-1 (one byte, so the
    store's latin-1 view holds a real '²'), others in UTF-8."""
    segs, term = _segments(data)
    elem, _, _ = _delims(data)
    spots = []
    for i, seg in enumerate(segs):
        els = seg.removesuffix(term).split(elem)
        spots += [(i, k) for k in range(1, len(els)) if els[k].strip().isdigit()]
    if not spots or rng.random() < 0.1:
        odd = "".join(rng.choice(UNICODE_DIGITS) for _ in range(8))
        return _replace_element(data, rng, (b"DMG", b"DTP", b"NM1"), _encoded(odd, rng))
    i, k = rng.choice(spots)
    els = segs[i].removesuffix(term).split(elem)
    value = els[k].decode("latin-1")
    odd = rng.choice(UNICODE_DIGITS + UNICODE_LETTERS)
    for _ in range(rng.choice([1, 1, 2])):
        at = rng.randrange(len(value))
        value = value[:at] + odd + value[at + 1 :]
    latin = all(ord(ch) < 256 for ch in value) and rng.random() < 0.7
    els[k] = value.encode("latin-1" if latin else "utf-8")
    segs[i] = elem.join(els) + (term if segs[i].endswith(term) else b"")
    return _join(segs)


def huge(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["element", "count", "qty", "segments", "hl"])
    if kind == "element":
        return _replace_element(data, rng, (), b"X" * rng.choice([10_000, 1_000_000]))
    if kind == "count":
        ids = rng.choice([(b"SE",), (b"GE",), (b"IEA",)])
        return _replace_element(data, rng, ids, rng.choice([b"9" * 40, b"-1", b"1e309", b"0"]))
    if kind == "qty":
        return _replace_element(
            data, rng, (b"QTY",), rng.choice([b"9" * 30, b"nan", b"inf", b"1e5", b" 40"])
        )
    if kind == "segments":
        segs, term = _segments(data)
        return _join(segs[:-3] + [term] * rng.choice([1000, 50_000]) + segs[-3:])
    return _replace_element(data, rng, (b"INS", b"LX"), b"9" * rng.choice([5, 20, 400]))


def control_numbers(data: bytes, rng: random.Random) -> bytes:
    ids = rng.choice([(b"ISA",), (b"GS",), (b"ST",), (b"SE",), (b"GE",), (b"IEA",), (b"BGN",)])
    new = rng.choice(
        [b"", b"0", b"ABC", b"000000000", b"1" * 20, b"-5", "١٢".encode(), b"999999999"]
    )
    return _replace_element(data, rng, ids, new)


FAMILIES: dict[str, Mutation] = {
    "byte_flips": byte_flips,
    "truncation": truncation,
    "segment_duplication": segment_duplication,
    "segment_deletion": segment_deletion,
    "segment_reordering": segment_reordering,
    "delimiters": delimiter_swap,
    "isa_width": isa_width,
    "nul_encoding_bom": nul_encoding_bom,
    "unicode_fields": unicode_in_fields,
    "huge": huge,
    "control_numbers": control_numbers,
    "edit_lists": lambda data, rng: data,  # the file stays; the edit list is hostile
}


# ---------------------------------------------------------------------------------------------
# hostile edit lists
# ---------------------------------------------------------------------------------------------
def hostile_edits(data: bytes, rng: random.Random) -> Any:
    segs, _ = _segments(data)
    n = max(1, len(segs))
    elements = [
        "DMG02",
        "DMG03",
        "DMG99",
        "NM109",
        "NM103",
        "INS06-01",
        "INS06-09",
        "DTP03",
        "REF02",
        "ISA13",
        "ISA16",
        "ISA06",
        "GS06",
        "SE01",
        "N401",
        "HD03",
        "QTY02",
        "ZZZ01",
        "DMG05-02",
        "dmg02",
        "DMG٠٢",
        "NM1",
        "",
        5,
        None,
    ]
    values = [
        "19800101",
        "1980-01-01",
        "19810231",
        "١٩٨٠٠١٠١",
        "19²01231",
        "12345678²",
        "123456789",
        "*",
        "~",
        ":",
        "^",
        "A\nB",
        "\x00",
        "X" * 100_000,
        "",
        "JOSÉ",
        "\u202eEVIL",
        "ZO\u200bE",
        "-1.5",
        "1e5",
        3,
        2.5,
        True,
        None,
        ["x"],
        {"a": 1},
        "M Male",
        "021 Addition",
    ]
    segments = [rng.randrange(1, n + 1) for _ in range(4)] + [
        0,
        -1,
        n + 1,
        10**30,
        "12",
        "١٢",
        1.0,
        None,
        True,
    ]
    entries: list[Any] = []
    for _ in range(rng.choice([1, 1, 2, 3, 8])):
        roll = rng.random()
        if roll < 0.05:
            entries.append(rng.choice([1, "x", None, [1, 2]]))
            continue
        entry: dict[str, Any] = {
            "segment": rng.choice(segments),
            "element": rng.choice(elements),
            "value": rng.choice(values),
        }
        if rng.random() < 0.1:
            entry["old"] = rng.choice(["", "X", "19810231"])
        if rng.random() < 0.05:
            del entry[rng.choice(["segment", "element", "value"])]
        entries.append(entry)
    shape = rng.random()
    if shape < 0.05:
        return {"edits": entries}
    if shape < 0.08:
        return rng.choice([{"segment": 1}, "text", 42, [[[]]]])
    return entries


# ---------------------------------------------------------------------------------------------
# running a case
# ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    index: int
    base: str
    family: str
    pyx12: bool
    seconds: float = 0.0
    codes: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)  # tracebacks
    violations: list[str] = field(default_factory=list)  # invariant broken (not a crash)

    @property
    def ok(self) -> bool:
        return not self.crashes and not self.violations

    def describe(self) -> str:
        what = "; ".join(self.violations) or (
            self.crashes[0].strip().splitlines()[-1] if self.crashes else "ok"
        )
        return f"case {self.index} [{self.family} on {self.base}{', pyx12' if self.pyx12 else ''}]: {what}"


def _run(argv: list[str]) -> tuple[int | None, str, str, str | None]:
    """(exit code, stdout, stderr, traceback text) of ``main(argv)`` in-process."""
    from inspector.cli import main

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exc:  # argparse: never expected here
        return int(exc.code or 0), out.getvalue(), err.getvalue(), None
    except Exception:
        return None, out.getvalue(), err.getvalue(), traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), None


def _command(outcome: Outcome, name: str, argv: list[str], *paths: Path) -> tuple[int | None, str]:
    """Run one command; exit 2 must name one of ``paths``."""
    code, _, stderr, tb = _run(argv)
    if tb is not None:
        outcome.crashes.append(f"{name}: {tb}")
        return None, stderr
    if "Traceback" in stderr:
        outcome.crashes.append(f"{name}: traceback on stderr: {stderr[-400:]}")
    outcome.codes[name] = code if code is not None else -1
    if code not in (0, 1, 2):
        outcome.violations.append(f"{name} exit {code}")
    if code == 2 and not any(p.name in stderr for p in paths):
        outcome.violations.append(f"{name} exit 2 without naming the file: {stderr[-200:]!r}")
    return code, stderr


def _member_invariant(outcome: Outcome, path: Path) -> None:
    from inspector.core.errors import InspectorError
    from inspector.core.records.document import load

    try:
        doc = load(path)
    except InspectorError:
        return
    except Exception:
        outcome.crashes.append(f"load: {traceback.format_exc()}")
        return
    store = doc.store
    ins = 0
    in_834 = False
    for o in range(1, len(store) + 1):
        sid = store.segment_id(o)
        if sid == "ST":
            els = store.elements(o)
            in_834 = len(els) > 1 and els[1] == "834"
        elif sid == "SE":
            in_834 = False
        elif sid == "INS" and in_834:
            ins += 1
    if len(doc.members) != ins:
        outcome.violations.append(f"members {len(doc.members)} != INS segments {ins}")
    from inspector.core.editing.session import EditSession

    if EditSession(doc).corrected_bytes() != store.data:
        outcome.violations.append("the unedited session's bytes differ from the file")


def run_case(
    seed: int,
    index: int,
    work: Path,
    *,
    pyx12_share: float = 0.03,
    bases: list[tuple[str, bytes]] | None = None,
    families: list[str] | None = None,
) -> Outcome:
    """Build and run case ``index`` of ``seed`` in folder ``work`` (emptied first)."""
    rng = random.Random(f"{seed}:{index}")
    bases = bases or base_files()
    names = families or list(FAMILIES)
    base, data = bases[rng.randrange(len(bases))]
    family = names[rng.randrange(len(names))]
    outcome = Outcome(index, base, family, pyx12=rng.random() < pyx12_share)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    mutated = FAMILIES[family](data, rng)
    path = work / f"case{index}.834"
    path.write_bytes(mutated)
    started = time.perf_counter()
    try:
        if family == "edit_lists":
            _edit_case(outcome, path, hostile_edits(mutated, rng), work)
        else:
            _file_case(outcome, path, work)
    finally:
        outcome.seconds = time.perf_counter() - started
    return outcome


def _file_case(outcome: Outcome, path: Path, work: Path) -> None:
    guide = [] if outcome.pyx12 else ["--no-pyx12"]
    s, _ = _command(outcome, "summary", ["summary", str(path)], path)
    v, _ = _command(outcome, "validate", ["validate", *guide, str(path)], path)
    fixed = work / "roundtrip.834"
    argv = ["export", *guide, "--out", str(work / "out"), "--corrected-834", str(fixed), str(path)]
    e, _ = _command(outcome, "export", argv, path)
    if None in (s, v, e):
        return
    if v != e:
        outcome.violations.append(f"validate exit {v} but export exit {e}")
    if (s == 2) != (v == 2):
        outcome.violations.append(f"summary exit {s} but validate exit {v}")
    if e in (0, 1) and fixed.read_bytes() != path.read_bytes():
        outcome.violations.append("the unedited round trip is not byte-identical")
    if e == 2 and fixed.exists():
        outcome.violations.append("export exit 2 but a corrected 834 was written")
    if v in (0, 1):
        _member_invariant(outcome, path)


def _edit_case(outcome: Outcome, path: Path, edits: Any, work: Path) -> None:
    edits_path = work / "edits.json"
    edits_path.write_text(json.dumps(edits, ensure_ascii=False), encoding="utf-8")
    out, fixed = work / "out", work / "fixed.834"
    argv = [
        "export",
        "--no-pyx12",
        "--out",
        str(out),
        "--edits",
        str(edits_path),
        "--corrected-834",
        str(fixed),
        str(path),
    ]
    code, _ = _command(outcome, "export", argv, path, edits_path)
    if code is None:
        return
    if code == 2:
        if out.exists() or fixed.exists():
            outcome.violations.append("a refused edit list wrote files")
        return
    if not fixed.exists():
        outcome.violations.append(f"export exit {code} with edits but no corrected 834")
        return
    again, _ = _command(outcome, "summary-of-corrected", ["summary", str(fixed)], fixed)
    if again == 2:
        outcome.violations.append("the corrected 834 cannot be read again")
    text = fixed.read_bytes().decode("utf-8", errors="replace")
    if any(ch.isdigit() and not ch.isascii() for ch in text) and not any(
        ch.isdigit() and not ch.isascii()
        for ch in path.read_bytes().decode("utf-8", errors="replace")
    ):
        outcome.violations.append("an edit wrote a non-ASCII digit")


@contextlib.contextmanager
def scratch() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="inspector-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
