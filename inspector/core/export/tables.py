"""Exports: CSV files a spreadsheet opens cleanly and safely.

CSV choices: UTF-8 with a byte-order mark (Excel otherwise guesses the ANSI code page and garbles
names such as "José") and CRLF line endings (RFC 4180; Excel and every CSV reader accept them).
Cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR are prefixed with a single quote so a
spreadsheet never evaluates them as formulas (CSV/formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from inspector.core.files import private_file
from inspector.core.findings import Finding

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"
CSV_LINE_END = "\r\n"


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells are neutralised against formula injection."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as a spreadsheet-safe CSV (UTF-8 with BOM, CRLF), user-only and
    atomically (:func:`inspector.core.files.private_file`; raises its ``OutputError``)."""
    path = Path(path)
    frame = safe_frame(df)
    with private_file(path, "w", encoding=CSV_ENCODING, newline="") as fh:
        frame.to_csv(fh, index=False, lineterminator=CSV_LINE_END)
    return path


FINDING_COLUMNS = [
    "severity",
    "code",
    "segment",
    "line",
    "segment_id",
    "element",
    "value",
    "loop",
    "subscriber_id",
    "member_pos",
    "source",
    "message",
]


def findings_frame(findings: Iterable[Finding], lines=None) -> pd.DataFrame:
    """Findings as a table; ``lines(ordinal)`` adds the physical line of each segment."""
    rows = []
    for f in findings:
        rows.append(
            {
                "severity": f.severity,
                "code": f.code,
                "segment": f.segment,
                "line": lines(f.segment) if (lines is not None and f.segment) else None,
                "segment_id": f.segment_id,
                "element": f.element,
                "value": f.value,
                "loop": f.loop,
                "subscriber_id": f.subscriber_id,
                "member_pos": f.member_pos,
                "source": f.source,
                "message": f.message,
            }
        )
    df = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for col in ("segment", "line", "member_pos"):
        df[col] = df[col].astype("Int64")
    return df
