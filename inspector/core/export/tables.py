"""Exports: CSV files a spreadsheet opens cleanly and safely, and the tables behind them.

CSV choices: UTF-8 with a byte-order mark (Excel otherwise guesses the ANSI code page and garbles
names such as "José") and CRLF line endings (RFC 4180; Excel and every CSV reader accept them).

The formula guard (CSV/formula injection): a text cell that a spreadsheet would read as a formula
gets a leading single quote, so it shows as the text it is and is never evaluated. A cell is a
formula when, after leading spaces, it starts with ``=``, ``+``, ``-``, ``@``, tab or CR and the
whole cell is *not* a plain decimal number: ``-35.21``, ``+5``, ``-0.5``, ``1.5E-3`` stay numbers
(a number cannot call anything, and a quote would turn an amount into text), while
``=cmd|' /C calc'!A0``, ``@SUM(A1:A9)``, ``+1+1``, ``-2+3``, ``- 5`` and ``-`` are neutralised.

The tables a clerk exports (:class:`Sheet`): members and coverage with an *issues* column (the
codes and messages of the row's findings), findings with the member's name and ids. Columns are
titled as on screen by default (:mod:`inspector.core.records.columns`); ``machine_names`` keeps
the column names scripts use (``last_name``, ``issues`` last).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from inspector.core.files import private_file
from inspector.core.findings import SEVERITY_RANK, Finding
from inspector.core.records.columns import (
    COVERAGE_ORDER,
    ISSUES,
    ISSUES_LABEL,
    ISSUES_MACHINE_NAME,
    MEMBER_ORDER,
    column_label,
    screen_order,
)
from inspector.core.records.document import Document
from inspector.core.records.envelope import outside_members
from inspector.core.records.frames import (
    COVERAGE_FIELDS,
    MEMBER_FIELDS,
    CategoryRows,
    FieldSpec,
    coverage_field,
    display_columns,
)
from inspector.core.records.mask import Masker, MaskPolicy, mask_findings

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"
CSV_LINE_END = "\r\n"
#: A plain decimal number, optionally signed, with an optional exponent (ASCII digits only).
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def is_formula(value: str) -> bool:
    """True when a spreadsheet could evaluate the text ``value`` as a formula (see the module
    docstring: plain numbers such as ``-35.21`` are not formulas)."""
    head = value.lstrip(" ")
    if not head.startswith(FORMULA_PREFIXES):
        return False
    return PLAIN_NUMBER.match(head) is None


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would treat as a formula with a single quote."""
    if isinstance(value, str) and is_formula(value):
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


#: Rows neutralised and written at a time: a large table is never copied whole (50,000
#: members x 53 columns are 20 MiB of cell pointers per copy).
CSV_CHUNK_ROWS = 10_000


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as a spreadsheet-safe CSV (UTF-8 with BOM, CRLF), user-only and
    atomically (:func:`inspector.core.files.private_file`; raises its ``OutputError``).

    The rows are neutralised (:func:`safe_frame`) and written :data:`CSV_CHUNK_ROWS` at a
    time; the bytes are those of the whole frame written at once (pandas formats each cell on
    its own and writes in chunks too)."""
    path = Path(path)
    with private_file(path, "w", encoding=CSV_ENCODING, newline="") as fh:
        for start in range(0, max(len(df), 1), CSV_CHUNK_ROWS):
            part = safe_frame(df.iloc[start : start + CSV_CHUNK_ROWS])
            part.to_csv(fh, index=False, header=start == 0, lineterminator=CSV_LINE_END)
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


def findings_frame(findings: Iterable[Finding], store=None) -> pd.DataFrame:
    """Findings as a table; ``store`` (the document's segment store) adds the physical line
    of each finding's segment, counted in one pass over the bytes (no line number for every
    segment of the file)."""
    # Built column by column: a dict per finding (12 keys) would hold several times the
    # findings' own size until the frame exists.
    cols: dict[str, list] = {c: [] for c in FINDING_COLUMNS}
    (severity, code, segment, line, segment_id, element, value, loop, subscriber_id,
     member_pos, source, message) = (cols[c].append for c in FINDING_COLUMNS)  # fmt: skip
    for f in findings:
        severity(f.severity)
        code(f.code)
        segment(f.segment)
        line(None)
        segment_id(f.segment_id)
        element(f.element)
        value(f.value)
        loop(f.loop)
        subscriber_id(f.subscriber_id)
        member_pos(f.member_pos)
        source(f.source)
        message(f.message)
    # (no findings: object columns, as rows would give, not the float64 of empty lists)
    if store is not None:
        found = [o for o in cols["segment"] if o]
        numbers = iter(store.lines_of(found))
        cols["line"] = [next(numbers) if o else None for o in cols["segment"]]
    df = pd.DataFrame(cols if cols["code"] else [], columns=FINDING_COLUMNS)
    del cols
    for col in ("segment", "line", "member_pos"):
        df[col] = df[col].astype("Int64")
    return df


# ---------------------------------------------------------------------------------------------
# The tables a clerk exports: members, coverage and findings, with their issues
# ---------------------------------------------------------------------------------------------
#: How a column's values are typed in an XLSX: text (ids, SSNs, ZIPs, phones, codes: leading
#: zeros kept), int, date (CCYY-MM-DD shown; a value that is no real date stays text), amount.
TEXT, INT, DATE, AMOUNT = "text", "int", "date", "amount"
ERROR_ROW, WARNING_ROW, INFO_ROW, CLEAN_ROW = 0, 1, 2, 3

#: The findings table: machine names in the order scripts know (new columns last) ...
FINDING_MACHINE_COLUMNS = [*FINDING_COLUMNS, "member_name", "member_id"]
#: ... and the order and titles on screen (the findings list: Severity, Code, Member, ...).
FINDING_SCREEN_COLUMNS = [
    ("severity", "Severity"),
    ("code", "Code"),
    ("member_name", "Member"),
    ("subscriber_id", "Subscriber ID"),
    ("member_id", "Member ID"),
    ("member_pos", "Member #"),
    ("segment", "Segment"),
    ("line", "Line"),
    ("element", "Element"),
    ("value", "Value"),
    ("segment_id", "Segment ID"),
    ("loop", "Loop"),
    ("source", "Source"),
    ("message", "Message"),
]
_FINDING_FIELDS: dict[str, FieldSpec] = {
    "member_name": COVERAGE_FIELDS["member_name"],
    "subscriber_id": MEMBER_FIELDS["subscriber_id"],
    "member_id": MEMBER_FIELDS["member_id"],
}


@dataclass
class Sheet:
    """One exported table: values (machine column names, screen order), titles and types of
    its columns, and the worst severity of each row (for the XLSX fills)."""

    name: str
    frame: pd.DataFrame
    labels: dict[str, str]  # machine name -> title on screen
    kinds: dict[str, str]  # machine name -> TEXT | INT | DATE | AMOUNT
    severity: np.ndarray  # per row: ERROR_ROW, WARNING_ROW, INFO_ROW or CLEAN_ROW
    machine_order: list[str]

    def __len__(self) -> int:
        return len(self.frame)

    def columns(self, machine_names: bool = False) -> list[str]:
        """The machine names of the columns, in the order written."""
        return self.machine_order if machine_names else list(self.frame.columns)

    def headers(self, machine_names: bool = False) -> list[str]:
        return [c if machine_names else self.labels[c] for c in self.columns(machine_names)]

    def table(self, machine_names: bool = False) -> pd.DataFrame:
        """The values with the headers written (on screen, or machine names)."""
        out = self.frame[self.columns(machine_names)]
        out = out.copy()
        out.columns = self.headers(machine_names)
        return out

    def rows(self, keep: np.ndarray) -> Sheet:
        """The sheet restricted to the rows where ``keep`` (boolean) is true."""
        return Sheet(
            self.name,
            self.frame[keep].reset_index(drop=True),
            self.labels,
            self.kinds,
            self.severity[keep],
            self.machine_order,
        )


def format_findings(findings: Iterable[Finding]) -> str:
    """``"error RULE-X: message | warning Y: message"``: worst first, then in file order."""
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.segment or 0))
    return " | ".join(f"{f.severity} {f.code}: {f.message}" for f in ordered)


def _column_kind(series: pd.Series, spec: FieldSpec | None) -> str:
    if series.dtype.kind in "iu":
        return INT
    if spec is not None and spec.kind in (DATE, AMOUNT):
        return spec.kind
    return TEXT


def _select(df: pd.DataFrame, rows: object) -> np.ndarray:
    """Row numbers (0-based positions) of a selection: None (all), a boolean mask, a filtered
    DataFrame (its index), or positions."""
    n = len(df)
    if rows is None:
        return np.arange(n)
    if isinstance(rows, pd.DataFrame):
        return df.index.get_indexer(rows.index)
    arr = np.asarray(rows if not isinstance(rows, pd.Index) else rows.to_numpy())
    if arr.dtype == bool:
        return np.flatnonzero(arr)
    return df.index.get_indexer(pd.Index(arr))


def _row_findings(
    first: np.ndarray,
    last: np.ndarray,
    findings: Iterable[Finding],
    positions: np.ndarray | None = None,
    extra: CategoryRows | None = None,
) -> dict[int, list[Finding]]:
    """Row -> the findings in it: by member position when given (``positions``: the member_pos
    of each row), else by the segment spans ``first..last`` (ascending), plus ``extra``
    segments shown by several rows (a member's 2750 categories on each of its coverages).
    A finding about the envelope (a trailer missing at the end of a truncated file, reported at
    the last member's last segment) belongs to no row."""
    by_row: dict[int, list[Finding]] = {}
    for f in findings:
        rows: list[int] = []
        if outside_members(f):
            continue
        if positions is not None and f.member_pos is not None:
            i = int(np.searchsorted(positions, f.member_pos))
            if i < len(positions) and positions[i] == f.member_pos:
                rows = [i]
        elif f.segment:
            i = int(np.searchsorted(first, f.segment, side="right")) - 1
            if 0 <= i < len(first) and f.segment <= last[i]:
                rows = [i]
            elif extra is not None:
                rows = extra.rows(f.segment)
        for r in rows:
            by_row.setdefault(r, []).append(f)
    return by_row


def _table_sheet(
    name: str,
    df: pd.DataFrame,
    field_of: Callable[[str], FieldSpec | None],
    first_columns: tuple[str, ...],
    by_row: dict[int, list[Finding]],
    rows: object,
    masker: Masker | None,
) -> Sheet:
    picked = _select(df, rows)
    shown = display_columns(df)
    order = screen_order(shown, first_columns)
    # The shown columns only (not every column of the table first), and all rows without a
    # copy (copy-on-write: the masker and the issues column below do not change them in place).
    frame = df[shown] if rows is None else df[shown].iloc[picked]
    frame = frame.reset_index(drop=True)
    if masker is not None:
        frame = masker.frame(frame, field_of)
    severity = np.full(len(picked), CLEAN_ROW, dtype=np.int8)
    issues = np.full(len(picked), "", dtype=object)
    for k, r in enumerate(picked.tolist()):
        found = by_row.get(r)
        if found:
            shown_findings = mask_findings(found, masker)
            issues[k] = format_findings(shown_findings)
            severity[k] = min(SEVERITY_RANK.get(f.severity, INFO_ROW) for f in found)
    frame[ISSUES_MACHINE_NAME] = issues
    order = [ISSUES_MACHINE_NAME if c == ISSUES else c for c in order]
    frame = frame[order]
    labels = {c: column_label(c, field_of(c)) for c in shown}
    labels[ISSUES_MACHINE_NAME] = ISSUES_LABEL
    kinds = {c: _column_kind(df[c], field_of(c)) for c in shown}
    kinds[ISSUES_MACHINE_NAME] = TEXT
    if masker is not None:  # a masked birth date (1981-**-**) is no date any more
        for c in shown:
            spec = field_of(c)
            if spec is not None and spec.phi in masker.policy.kinds:
                kinds[c] = TEXT
    return Sheet(name, frame, labels, kinds, severity, [*shown, ISSUES_MACHINE_NAME])


def member_sheet(
    doc: Document,
    findings: Iterable[Finding] = (),
    rows: object = None,
    mask: MaskPolicy | None = None,
) -> Sheet:
    """The members table as the app shows it (every column, all rows or ``rows``), with the
    codes and messages of each member's findings in the issues column."""
    members = doc.members
    by_row = _row_findings(
        members["seg_first"].to_numpy(),
        members["seg_last"].to_numpy(),
        findings,
        positions=members["member_pos"].to_numpy(),
    )
    masker = Masker(mask, members) if mask is not None else None
    return _table_sheet("Members", members, MEMBER_FIELDS.get, MEMBER_ORDER, by_row, rows, masker)


def coverage_sheet(
    doc: Document,
    findings: Iterable[Finding] = (),
    rows: object = None,
    mask: MaskPolicy | None = None,
) -> Sheet:
    """The coverage table as the app shows it, with the findings of each 2300 loop (and of
    the member's 2750 categories it shows) in the issues column."""
    cov = doc.coverage
    by_row = _row_findings(
        cov["seg_first"].to_numpy(),
        cov["seg_last"].to_numpy(),
        findings,
        extra=CategoryRows(cov),
    )
    masker = Masker(mask, doc.members) if mask is not None else None
    return _table_sheet("Coverage", cov, coverage_field, COVERAGE_ORDER, by_row, rows, masker)


def findings_sheet(
    findings: Iterable[Finding],
    doc: Document | None = None,
    mask: MaskPolicy | None = None,
) -> Sheet:
    """Findings with the member's name (Last, First) and ids, for a clerk who works the list
    in a spreadsheet; masked like the tables under ``mask``."""
    found = list(findings)
    masker = Masker(mask, doc.members if doc is not None else None) if mask is not None else None
    frame = findings_frame(mask_findings(found, masker), store=doc.store if doc else None)
    names = np.full(len(frame), "", dtype=object)
    ids = np.full(len(frame), "", dtype=object)
    if doc is not None and len(frame) and len(doc.members):
        members = doc.members
        positions = members["member_pos"].to_numpy()
        last, first = members["last_name"].to_numpy(), members["first_name"].to_numpy()
        member_ids = members["member_id"].to_numpy()
        for k, f in enumerate(found):
            if f.member_pos is None:
                continue
            i = int(np.searchsorted(positions, f.member_pos))
            if i < len(positions) and positions[i] == f.member_pos:
                names[k] = ", ".join(v for v in (last[i], first[i]) if v)
                ids[k] = member_ids[i]
    frame["member_name"] = names
    frame["member_id"] = ids
    if masker is not None:
        frame = masker.frame(frame, _FINDING_FIELDS.get)
    order = [c for c, _ in FINDING_SCREEN_COLUMNS]
    labels = dict(FINDING_SCREEN_COLUMNS)
    kinds = {c: (INT if c in ("segment", "line", "member_pos") else TEXT) for c in order}
    severity = np.array([SEVERITY_RANK.get(f.severity, INFO_ROW) for f in found], dtype=np.int8)
    return Sheet("Findings", frame[order], labels, kinds, severity, FINDING_MACHINE_COLUMNS)


def problem_sheets(
    doc: Document,
    findings: Iterable[Finding],
    *,
    mask: MaskPolicy | None = None,
    problems_only: bool = False,
) -> list[Sheet]:
    """Members, coverage (both with their issues) and findings (with names and ids);
    ``problems_only``: the members with an error or a warning, their coverage and findings."""
    return list(iter_problem_sheets(doc, findings, mask=mask, problems_only=problems_only))


def iter_problem_sheets(
    doc: Document,
    findings: Iterable[Finding],
    *,
    mask: MaskPolicy | None = None,
    problems_only: bool = False,
) -> Iterator[Sheet]:
    """The sheets of :func:`problem_sheets`, each built when the previous one has been taken:
    a caller that writes and drops each one never holds the three at once."""
    found = list(findings)
    members = member_sheet(doc, found, mask=mask)
    positions: set[int] | None = None
    if problems_only:
        keep = members.severity <= WARNING_ROW  # an error or a warning
        positions = set(doc.members["member_pos"].to_numpy()[keep].tolist())
        members = members.rows(keep)
    yield members
    del members
    coverage = coverage_sheet(doc, found, mask=mask)
    if positions is not None:
        coverage = coverage.rows(doc.coverage["member_pos"].isin(positions).to_numpy())
    yield coverage
    del coverage
    listed = findings_sheet(found, doc, mask=mask)
    if positions is not None:
        listed = listed.rows(np.array([f.member_pos in positions for f in found], dtype=bool))
    yield listed


def write_sheet_csv(sheet: Sheet, path: str | Path, machine_names: bool = False) -> Path:
    """Write a sheet as a spreadsheet-safe CSV (headers as on screen, or machine names)."""
    frame = sheet.frame[sheet.columns(machine_names)]  # copy-on-write: no copy is made here
    return write_csv(frame.set_axis(sheet.headers(machine_names), axis=1), path)


def problem_members(findings: Iterable[Finding]) -> int:
    """How many members have an error or a warning (the worklist's rows)."""
    return len(
        {f.member_pos for f in findings if f.member_pos and f.severity in ("error", "warning")}
    )


def summary_counts(doc: Document, findings: Iterable[Finding]) -> dict[str, int]:
    """The counts a clerk reads first: members, subscribers, coverages, members with errors
    and with warnings, findings by severity."""
    found = list(findings)
    members = doc.members
    with_errors = {f.member_pos for f in found if f.severity == "error" and f.member_pos}
    with_warnings = {f.member_pos for f in found if f.severity == "warning" and f.member_pos}
    subscribers = int((members["is_subscriber"] == "Y").sum()) if len(members) else 0
    return {
        "Members": len(members),
        "Subscribers": subscribers,
        "Dependents": len(members) - subscribers,
        "Coverages": len(doc.coverage),
        "Members with errors": len(with_errors),
        "Members with warnings": len(with_warnings),
        "Members with warnings only": len(with_warnings - with_errors),
        "Errors": sum(1 for f in found if f.severity == "error"),
        "Warnings": sum(1 for f in found if f.severity == "warning"),
        "File-level findings (no member)": sum(1 for f in found if f.member_pos is None),
    }


def rule_titles() -> dict[str, str]:
    """Business-rule code -> its title (implementation-guide and envelope codes have none)."""
    from inspector.core.validation.rules import RULES

    return {r.code: r.title for r in RULES}


def findings_by_rule(findings: Iterable[Finding]) -> pd.DataFrame:
    """One row per rule (code): its title, severity, findings, members affected; the worst and
    most widespread first."""
    rows: dict[tuple[str, str], list] = {}
    for f in findings:
        entry = rows.setdefault((f.code, f.severity), [0, set()])
        entry[0] += 1
        if f.member_pos is not None:
            entry[1].add(f.member_pos)
    titles = rule_titles()
    return rules_frame(
        [(code, titles.get(code, ""), sev, n, len(m)) for (code, sev), (n, m) in rows.items()]
    )


def rules_frame(rows: list[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    """Rows (code, title, severity, findings, members) as a table: the worst and most
    widespread first."""
    table = pd.DataFrame(rows, columns=["Code", "Rule", "Severity", "Findings", "Members"])
    if len(table):
        table["_rank"] = table["Severity"].map(lambda s: SEVERITY_RANK.get(s, 9))
        table = table.sort_values(
            ["_rank", "Members", "Findings", "Code"],
            ascending=[True, False, False, True],
            kind="mergesort",
        ).drop(columns="_rank")
    return table.reset_index(drop=True)
