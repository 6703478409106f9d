"""A comparison written out: text for a terminal, JSON, three CSV tables or one XLSX workbook.

Text and JSON list the result rows that are not unchanged (all rows with ``every=True``); the
CSV and XLSX exports hold every row, so a spreadsheet filter on ``category`` does the rest. The
text form shows SSNs as their last four digits only. CSV goes through
:func:`inspector.core.export.tables.write_csv`; XLSX cells are typed text (leading zeros of ids
and ZIPs survive) and neutralised against formula injection like the CSV.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from inspector.core.export.compare.engine import CATEGORIES, UNCHANGED, CompareResult
from inspector.core.export.compare.roster import Roster
from inspector.core.export.tables import neutralise, write_csv
from inspector.core.files import private_file
from inspector.core.records.mask import mask_value

CSV_NAMES = ("compare_members.csv", "compare_changes.csv", "compare_coverage.csv")
XLSX_NAME = "compare.xlsx"


def xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ModuleNotFoundError as exc:  # only a missing openpyxl; a broken one shows its error
        if exc.name != "openpyxl":
            raise
        return False
    return True


def mask_ssn(value: str) -> str:
    """``123456789`` → ``***-**-6789`` (a terminal is no place for a whole SSN)."""
    return mask_value("ssn", str(value))


def members_table(result: CompareResult) -> pd.DataFrame:
    """The member rows as exported: category labels, 1-based sides, where each member is."""
    out = result.members.copy()
    out.insert(1, "category_label", out["category"].map(CATEGORIES))
    for side in ("old", "new"):
        out[f"{side}_row"] = out[f"{side}_row"] + 1  # member number in the file, as the app shows
    return out.rename(columns={"old_row": "old_member", "new_row": "new_member"})


def changes_table(result: CompareResult) -> pd.DataFrame:
    ids = result.members[["category", "subscriber_id", "member_id"]]
    return result.changes.join(ids, on="row")[
        [
            "row",
            "category",
            "subscriber_id",
            "member_id",
            "level",
            "coverage",
            "group",
            "field",
            "old",
            "new",
        ]
    ]


def coverage_table(result: CompareResult) -> pd.DataFrame:
    ids = result.members[["subscriber_id", "member_id"]]
    return result.coverage.join(ids, on="row")


# ---------------------------------------------------------------------------------------------
def to_text(result: CompareResult, every: bool = False) -> str:
    s = result.summary()
    mode = "audit (NEW is a full file)" if result.audit else "change"
    lines = [
        f"OLD  {s['old']}  ({s['old_members']:,} members)",
        f"NEW  {s['new']}  ({s['new_members']:,} members)",
        f"mode {mode}",
        "",
    ]
    for category, count in s["counts"].items():
        if count or category in ("added", "dropped", "changed", "unchanged"):
            lines.append(f"  {CATEGORIES[category]:<24} {count:>8,}")
    cov = {k: v for k, v in s["coverage"].items() if k != "unchanged"}
    if cov:
        lines.append("  coverages: " + ", ".join(f"{k} {v:,}" for k, v in sorted(cov.items())))
    lines.append("")
    by_row = _changes_by_row(result)
    rows = result.members if every else result.members[result.members["category"] != UNCHANGED]
    for k, row in zip(rows.index, rows.to_dict("records")):
        where = f"old {_where(result.old, row['old_where'])} / new {_where(result.new, row['new_where'])}"
        lines.append(
            f"{CATEGORIES[row['category']]:<22} {row['subscriber_id'] or '-'} "
            f"{row['member_id'] or '-'}  {row['last_name']}, {row['first_name']}  "
            f"[{row['match'] or 'unmatched'}; {where}]"
            + (f"  {row['note']}" if row["note"] else "")
        )
        for change in by_row.get(k, []):
            lines.append(f"    {change}")
    return "\n".join(lines)


def _where(side: Roster, value: Any) -> str:
    if value is pd.NA or value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return f"{'segment' if side.kind == '834' else 'line'} {int(value)}"


def _changes_by_row(result: CompareResult) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for c in result.changes.to_dict("records"):
        old, new = str(c["old"]), str(c["new"])
        if c["field"] == "ssn":
            old, new = mask_ssn(old), mask_ssn(new)
        where = f"{c['coverage']} " if c["coverage"] else ""
        out.setdefault(int(c["row"]), []).append(
            f"{where}{c['field']}: {old or '(none)'} -> {new or '(none)'}"
        )
    return out


def to_json(result: CompareResult, every: bool = False) -> dict[str, Any]:
    changes: dict[int, list[dict[str, Any]]] = {}
    for c in result.changes.to_dict("records"):
        changes.setdefault(int(c["row"]), []).append(
            {k: c[k] for k in ("level", "coverage", "field", "old", "new")}
        )
    table = members_table(result)
    rows = table if every else table[table["category"] != UNCHANGED]
    members = []
    for k, record in zip(rows.index, rows.to_dict("records")):
        clean: dict[str, Any] = {
            str(key): (None if value is pd.NA else value) for key, value in record.items()
        }
        for key in ("old_member", "new_member", "old_where", "new_where"):
            clean[key] = None if clean[key] is None else int(clean[key])
        clean["changes"] = changes.get(int(k), [])
        members.append(clean)
    return {**result.summary(), "members": members}


def write_csvs(result: CompareResult, folder: str | Path) -> list[Path]:
    folder = Path(folder)
    tables = (members_table(result), changes_table(result), coverage_table(result))
    return [write_csv(t, folder / name) for t, name in zip(tables, CSV_NAMES)]


def write_xlsx(result: CompareResult, path: str | Path) -> Path:
    """One workbook: Summary, Members, Changes, Coverage (needs openpyxl)."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook(write_only=True)
    s = result.summary()
    summary = pd.DataFrame(
        [("OLD", s["old"]), ("NEW", s["new"]), ("audit mode", "yes" if s["audit"] else "no")]
        + [(CATEGORIES[k], v) for k, v in s["counts"].items()],
        columns=["", "value"],
    )
    sheets = {
        "Summary": summary,
        "Members": members_table(result),
        "Changes": changes_table(result),
        "Coverage": coverage_table(result),
    }
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append([neutralise(str(c)) for c in frame.columns])
        for record in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in record])
    with private_file(path, "wb") as fh:  # user-only, atomically, like every export
        book.save(fh)
    return path


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return neutralise(str(value))
