"""The XLSX workbook a clerk opens in Excel: typed cells, problem rows coloured, one sheet a table.

Why XLSX at all: Excel drops the leading zeros of ids and ZIPs it reads from a CSV and turns
dates and amounts into whatever the locale guesses. Here every cell has its type:

- ids, SSNs, ZIPs, phones, codes and names are text (``0897181846`` keeps its zero);
- dates are real dates (a value that is no calendar date, or a masked one, stays text so the
  mistake stays visible); amounts are numbers with two decimals; positions and counts are ints;
- text that looks like a formula is written as text, never as a formula (no quote needed:
  a text cell is never evaluated).

Rows with an error are filled red, rows with a warning amber; the header row is frozen and has an
autofilter; a Summary sheet comes first (counts, findings by rule). The workbook is written with
openpyxl's write-only mode (streamed: 50,000 members do not hold a cell object each in memory)
and saved user-only and atomically through :func:`inspector.core.files.private_file`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from inspector.core.export.tables import (
    AMOUNT,
    DATE,
    ERROR_ROW,
    INT,
    PLAIN_NUMBER,
    WARNING_ROW,
    Sheet,
    findings_by_rule,
    problem_sheets,
    summary_counts,
)
from inspector.core.files import private_file
from inspector.core.findings import Finding
from inspector.core.records.document import Document
from inspector.core.records.mask import MaskPolicy, describe_policy

#: Excel's own "bad" and "neutral" cell styles, so the colours read as Excel's.
ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
HEADER_FILL = "D9E1F2"
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 60
SUMMARY = "Summary"


#: Excel's limit on the characters of a cell (a longer one makes Excel "repair" the workbook).
MAX_CELL_CHARS = 32_767
CUT_NOTE = " … (cut: Excel holds 32,767 characters a cell)"
#: Control characters XML 1.0 cannot hold (openpyxl refuses them: an 834 value with a stray
#: BEL or SUB would otherwise stop the whole export). Shown as U+FFFD, so the mistake stays
#: visible where it is.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def cell_text(value: str) -> str:
    """``value`` as an XLSX cell can hold it: illegal control characters replaced, cut at
    :data:`MAX_CELL_CHARS`."""
    value = _ILLEGAL.sub(REPLACEMENT, value)
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - len(CUT_NOTE)] + CUT_NOTE
    return value


def xlsx_available() -> bool:
    """True when openpyxl can be imported (it is a dependency; a broken install says so)."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def _date(value: str) -> dt.date | None:
    # int() reads other digits too (int('١٩٨١') is 1981): such a value stays text
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
        return None
    try:
        return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        return None


def _amount(value: str) -> float | None:
    value = value.strip()
    return float(value) if value and PLAIN_NUMBER.match(value) else None


class _Writer:
    """Turns a sheet's values into write-only cells (styles made once per workbook)."""

    def __init__(self, book) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.book = book
        self.fills = {
            ERROR_ROW: PatternFill("solid", start_color=ERROR_FILL, end_color=ERROR_FILL),
            WARNING_ROW: PatternFill("solid", start_color=WARNING_FILL, end_color=WARNING_FILL),
        }
        self.header_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
        self.bold = Font(bold=True)
        self.top = Alignment(vertical="top")

    def cell(self, ws, value: object, fill=None, number_format: str | None = None):
        from openpyxl.cell import WriteOnlyCell

        if isinstance(value, str):
            value = cell_text(value)
        c = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
        if isinstance(value, str) and value.startswith("="):
            c.data_type = "s"  # text that looks like a formula stays text
        if fill is not None:
            c.fill = fill
        if number_format is not None:
            c.number_format = number_format
        return c

    def header(self, ws, titles: Sequence[str]) -> list:
        out = []
        for title in titles:
            c = self.cell(ws, title)
            c.font, c.fill = self.bold, self.header_fill
            out.append(c)
        return out


def _converters(kinds: Sequence[str]) -> list[Callable[[object], tuple[object, str | None]]]:
    def text(v: object) -> tuple[object, str | None]:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return None, None
        s = cell_text(str(v))
        return (s if s else None), None

    def integer(v: object) -> tuple[object, str | None]:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            return None, None
        try:
            return int(v), None  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return text(v)

    def date(v: object) -> tuple[object, str | None]:
        if isinstance(v, str):
            d = _date(v)
            if d is not None:
                return d, DATE_FORMAT
        return text(v)

    def amount(v: object) -> tuple[object, str | None]:
        if isinstance(v, str):
            a = _amount(v)
            if a is not None:
                return a, AMOUNT_FORMAT
        return text(v)

    table = {INT: integer, DATE: date, AMOUNT: amount}
    return [table.get(k, text) for k in kinds]


def _width(title: str, values: Iterable[object]) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(max(len(title), longest, 4) + 2, MAX_WIDTH))


def _write_table(
    writer: _Writer,
    title: str,
    headers: Sequence[str],
    columns: Sequence[pd.Series],
    kinds: Sequence[str],
    severity: Sequence[int] | np.ndarray | None,
) -> None:
    from openpyxl.utils import get_column_letter

    ws = writer.book.create_sheet(title[:31])
    n = len(columns[0]) if columns else 0
    for j, (head, series) in enumerate(zip(headers, columns), start=1):
        ws.column_dimensions[get_column_letter(j)].width = _width(head, series.iloc[:300])
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    ws.append(writer.header(ws, headers))
    convert = _converters(kinds)
    values = [s.to_numpy(dtype=object) for s in columns]
    for i in range(n):
        fill = writer.fills.get(int(severity[i])) if severity is not None else None
        row = []
        for j, to_cell in enumerate(convert):
            value, number_format = to_cell(values[j][i])
            if (
                fill is None
                and number_format is None
                and not (isinstance(value, str) and value.startswith("="))
            ):
                row.append(value)  # a plain value: openpyxl types it (str, int) itself
            else:
                row.append(writer.cell(ws, value, fill, number_format))
        ws.append(row)


def _write_summary(
    writer: _Writer, counts: dict[str, object], by_rule: pd.DataFrame, notes: Sequence[str]
) -> None:
    from openpyxl.utils import get_column_letter

    ws = writer.book.create_sheet(SUMMARY)
    widths = [34, 50, 12, 12, 12]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.append(writer.header(ws, ["", "Count"]))
    for label, value in counts.items():
        ws.append([writer.cell(ws, label), value])
    for note in notes:
        ws.append([writer.cell(ws, note)])
    ws.append([])
    ws.append([writer.cell(ws, "Findings by rule")])
    ws.append(writer.header(ws, list(by_rule.columns)))
    for record in by_rule.itertuples(index=False, name=None):
        ws.append([writer.cell(ws, v) if isinstance(v, str) else int(v) for v in record])


def write_xlsx(
    path: str | Path,
    sheets: Sequence[Sheet],
    *,
    counts: dict[str, object] | None = None,
    by_rule: pd.DataFrame | None = None,
    notes: Sequence[str] = (),
    machine_names: bool = False,
) -> Path:
    """Write a workbook: a Summary sheet (``counts``, ``notes``, ``by_rule``) when counts are
    given, then one sheet per table. Headers as on screen, or machine names. Raises
    :class:`inspector.core.files.OutputError` naming the path."""
    from openpyxl import Workbook

    path = Path(path)
    # The output is opened first: a path that cannot be written fails before any sheet is
    # built (write-only sheets left unsaved complain when they are collected).
    with private_file(path, "wb") as fh:  # user-only, atomically, like every export
        _build(Workbook(write_only=True), fh, sheets, counts, by_rule, notes, machine_names)
    return path


def _build(
    book,
    fh,
    sheets: Sequence[Sheet],
    counts: dict[str, object] | None,
    by_rule: pd.DataFrame | None,
    notes: Sequence[str],
    machine_names: bool,
) -> None:
    """Fill the write-only workbook ``book`` and save it into the open file ``fh``."""
    writer = _Writer(book)
    if counts is not None:
        _write_summary(
            writer,
            counts,
            by_rule if by_rule is not None else pd.DataFrame(columns=["Code"]),
            notes,
        )
    for sheet in sheets:
        names = sheet.columns(machine_names)
        _write_table(
            writer,
            sheet.name,
            sheet.headers(machine_names),
            [sheet.frame[c] for c in names],
            [sheet.kinds.get(c, "text") for c in names],
            sheet.severity,
        )
    book.save(fh)


def write_document_xlsx(
    doc: Document,
    findings: Iterable[Finding],
    path: str | Path,
    *,
    mask: MaskPolicy | None = None,
    machine_names: bool = False,
    problems_only: bool = False,
    notes: Sequence[str] = (),
) -> Path:
    """The workbook of a document: Summary, Members, Coverage, Findings (``mask``: personal data
    masked in every sheet). ``problems_only``: the worklist, only the members with an error or a
    warning, their coverages and their findings (the Summary still counts the whole file)."""
    found = list(findings)
    members, coverage, listed = problem_sheets(doc, found, mask=mask, problems_only=problems_only)
    notes = [
        *notes,
        f"File: {Path(str(doc.path)).name}",
        f"Written: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
    ]
    if mask is not None:
        notes.append(f"Personal data: {describe_policy(mask)}")
    if problems_only:
        notes.append(f"Only the {len(members):,} members with an error or a warning are listed")
    return write_xlsx(
        path,
        [members, coverage, listed],
        counts=dict(summary_counts(doc, found)),
        by_rule=findings_by_rule(found),  # codes and counts: nothing personal
        notes=notes,
        machine_names=machine_names,
    )
