"""Helpers for the "no personal data in the output" tests: what a file's PHI is, and where it
shows up in a text."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from inspector.core.records.document import load

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def file_phi(path: Path) -> set[str]:
    """The SSNs (NM109 under NM108=34, every loop), last and first names (NM103, NM104 of
    people) and full birth dates (DMG02) of a file."""
    doc = load(path)
    store = doc.store
    sep = store.delimiters.element
    found: set[str] = set()
    for o in range(1, len(store) + 1):
        sid = store.ids[o - 1]
        if sid not in ("NM1", "DMG"):
            continue
        els = store.raw(o).split(sep)
        if sid == "NM1" and len(els) > 2 and els[2] == "1":
            found |= {v for v in els[3:5] if len(v) >= 3}
            if len(els) > 9 and els[8] == "34" and len(els[9]) >= 8:
                found.add(els[9])
        elif sid == "DMG" and len(els) > 2 and len(els[2]) == 8:
            found |= {els[2], f"{els[2][:4]}-{els[2][4:6]}-{els[2][6:]}"}
    return found


def phi_in(text: str, phi: set[str]) -> list[str]:
    """The values of ``phi`` that ``text`` contains: names as whole words (as written, or in
    title case), numbers anywhere."""
    words = set(_WORD.findall(text))
    return sorted(
        v
        for v in phi
        if (v.isalpha() and (v in words or v.title() in words)) or (not v.isalpha() and v in text)
    )


def debug_logging() -> None:
    """Everything at DEBUG, pyx12's loggers included, to stderr."""
    logging.basicConfig(level=logging.DEBUG, force=True)
    for name in ("pyx12", "pyx12.error_handler", "pyx12.x12file", "pyx12.map_walker"):
        logging.getLogger(name).setLevel(logging.DEBUG)
