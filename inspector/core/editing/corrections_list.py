"""Corrections lists: a CSV or XLSX of new values per member, applied as ONE bulk step.

The list has a heading row. Members are found by a key: ``subscriber_id`` + ``member_id``
(``subscriber_id`` alone when it names one member), or ``ssn``; the other columns are named like
the export's columns, by their screen titles ("Birth date", "Benefit begin", "APTC AMT") or
machine names (``birth_date``, ``benefit_begin``), case and spaces aside. A ``Line`` /
``insurance_line`` column, when present, says which coverage (HLT, DEN ...) the coverage columns
of a row address. A blank cell leaves the value as it is; a cell equal to the current value
changes nothing (so an exported members table can be edited and fed back).

Every row is checked like a single edit (:mod:`inspector.core.editing.checks`); a row with one
refused cell is refused whole, with the reason, and nothing of it is written. All accepted rows
are one bulk step (:mod:`inspector.core.editing.bulk`). A file that cannot be used at all (not
CSV/XLSX, not UTF-8, empty, no key column, two columns naming one field) raises
:class:`CorrectionsListError` naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspector.core.editing.bulk import BulkPlan
from inspector.core.editing.edits import Change, Edit, EditRejected
from inspector.core.editing.session import EditSession
from inspector.core.editing.table_edits import edit_for_cell, field_spec, shown_values
from inspector.core.errors import InspectorError
from inspector.core.records.charset import has_foreign_digit
from inspector.core.records.columns import ISSUES_LABEL, ISSUES_MACHINE_NAME
from inspector.core.records.frames import COVERAGE_FIELDS, MEMBER_FIELDS, coverage_field

if TYPE_CHECKING:
    from inspector.core.records.mask import Masker

MAX_LIST_BYTES = 64 * 1024 * 1024  # as for edit lists: a bound on what a hostile file costs
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
#: Key headings (lower case, spaces and underscores alike) → key name.
_KEYS = {"subscriber id": "subscriber_id", "member id": "member_id", "ssn": "ssn"}
_LINE = ("line", "insurance line")
#: Columns of the app's exports that are not values: ignored.
_IGNORED = {
    ISSUES_LABEL.lower(),
    ISSUES_MACHINE_NAME,
    "#",
    "member #",
    "member pos",
    "coverage pos",
}


class CorrectionsListError(InspectorError):
    """A corrections list that cannot be used at all; nothing was written."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}. Nothing was written.")


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: ``line`` is its row number in the file (the heading is 1)."""

    line: int
    key: dict[str, str]
    member_pos: int | None
    fields: tuple[str, ...]  # the columns (machine names) the row changes
    reason: str | None = None  # why it was refused (None: accepted, or nothing to change)
    #: (kind, value) of the personal data in the row (SSN, dates, names): what a caller masks
    #: in ``reason`` and ``key`` before showing them (see records.mask.Masker.message).
    personal: tuple[tuple[str, str], ...] = ()

    @property
    def refused(self) -> bool:
        return self.reason is not None


@dataclass
class CorrectionsResult:
    """A checked corrections list; ``change`` is set once :func:`apply_corrections` wrote it."""

    path: Path
    rows: list[RowOutcome]
    plan: BulkPlan
    change: Change | None = None
    fields: list[str] = field(default_factory=list)  # value columns, machine names

    @property
    def applied(self) -> list[RowOutcome]:
        return [r for r in self.rows if not r.refused and r.fields]

    @property
    def refused(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.refused]

    @property
    def unchanged(self) -> list[RowOutcome]:
        return [r for r in self.rows if not r.refused and not r.fields]

    @property
    def members(self) -> int:
        """How many members the accepted rows change."""
        return len({r.member_pos for r in self.applied})


# -- reading ---------------------------------------------------------------------------------
def read_table(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """(headings, rows of text) of a CSV or XLSX; raises :class:`CorrectionsListError`."""
    path = Path(path)
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        if not path.is_file():
            what = "a folder" if path.is_dir() else "not a regular file"
            raise CorrectionsListError(path, f"the corrections list cannot be read ({what})")
        if path.stat().st_size > MAX_LIST_BYTES:
            raise CorrectionsListError(path, "the corrections list is too large (over 64 MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorrectionsListError(path, "the corrections list does not exist") from None
    except OSError as exc:
        raise CorrectionsListError(
            path, f"the corrections list cannot be read ({exc.strerror or exc})"
        ) from None
    suffix = path.suffix.lower()
    if suffix in _XLSX_SUFFIXES or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(path, data)
    elif suffix in _CSV_SUFFIXES or not suffix:
        table = _read_csv(path, data)
    else:
        raise CorrectionsListError(
            path, f"a corrections list must be a CSV or XLSX file, not '{path.suffix}'"
        )
    rows = [[c.strip() for c in row] for row in table]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise CorrectionsListError(path, "the corrections list is empty (no heading row)")
    return rows[0], rows[1:]


def _read_csv(path: Path, data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorrectionsListError(
            path,
            f"the corrections list is not UTF-8 text (byte {exc.start + 1} is not); save it as "
            "'CSV UTF-8' or as an Excel workbook",
        ) from None
    if "\x00" in text:
        raise CorrectionsListError(path, "the corrections list holds binary data, not CSV text")
    head = text.split("\n", 1)[0]
    try:
        sep = csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    except csv.Error as exc:
        raise CorrectionsListError(
            path, f"the corrections list is not readable CSV ({exc})"
        ) from None


def _read_xlsx(path: Path, data: bytes) -> list[list[str]]:
    try:
        import openpyxl
    except ModuleNotFoundError:
        raise CorrectionsListError(
            path, "reading .xlsx needs the openpyxl package; save the list as CSV"
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:  # zipfile.BadZipFile, KeyError, openpyxl's own errors
        raise CorrectionsListError(
            path, f"the corrections list is not a readable Excel workbook ({type(exc).__name__})"
        ) from None
    return rows


def _cell_text(value: Any) -> str:
    """A cell as the text a clerk typed: dates as 2025-01-31, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# -- columns ---------------------------------------------------------------------------------
def _norm(heading: str) -> str:
    return " ".join(heading.replace("_", " ").lower().split())


def _field_names(coverage: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Normalised heading → (table, column): machine names and screen titles of both tables,
    member fields first; 2750 categories of the file (``APTC AMT``) as coverage columns."""
    out: dict[str, tuple[str, str]] = {}
    for name, spec in MEMBER_FIELDS.items():
        out.setdefault(_norm(name), ("members", name))
        out.setdefault(_norm(spec.label), ("members", name))
    for name, spec in COVERAGE_FIELDS.items():
        out.setdefault(_norm(name), ("coverage", name))
        out.setdefault(_norm(spec.label), ("coverage", name))
    for col in coverage.columns:
        name = str(col)
        if not name.startswith("seg_") and name not in COVERAGE_FIELDS:
            out.setdefault(_norm(name), ("coverage", name))
    return out


@dataclass(frozen=True)
class _Columns:
    keys: dict[str, int]  # key name → column index
    line: int | None  # the insurance line selector
    values: list[tuple[int, str, str, str]]  # (index, heading, table, column)
    unknown: list[tuple[int, str]]


def _columns(path: Path, headings: list[str], coverage: pd.DataFrame) -> _Columns:
    names = _field_names(coverage)
    keys: dict[str, int] = {}
    line = None
    values: list[tuple[int, str, str, str]] = []
    unknown: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for j, heading in enumerate(headings):
        h = _norm(heading)
        if not h or h in _IGNORED:
            continue
        if h in _KEYS:
            if _KEYS[h] in keys:
                raise CorrectionsListError(path, f"two columns name the key {_KEYS[h]}")
            keys[_KEYS[h]] = j
        elif h in _LINE:
            line = j
        elif h in names:
            target = names[h]
            if target in seen:
                raise CorrectionsListError(
                    path, f"the columns '{seen[target]}' and '{heading}' both name {target[1]}"
                )
            seen[target] = heading
            values.append((j, heading, *target))
        else:
            unknown.append((j, heading))
    if "ssn" not in keys and "subscriber_id" not in keys:
        shown = ", ".join(repr(h) for h in headings[:12])
        raise CorrectionsListError(
            path,
            "no column to find members by: the list needs 'Subscriber ID' (with 'Member ID' "
            f"for dependents) or 'SSN' (its columns: {shown})",
        )
    return _Columns(keys, line, values, unknown)


# -- checking and applying ----------------------------------------------------------------------
def check_corrections(session: EditSession, path: str | Path) -> CorrectionsResult:
    """Read a corrections list and check every row against the document; nothing is written."""
    path = Path(path)
    headings, rows = read_table(path)
    doc = session.doc
    cols = _columns(path, headings, doc.coverage)
    members, coverage = doc.members, doc.coverage
    index = _KeyIndex(members)
    shown = {
        (t, c): shown_values(members if t == "members" else coverage, c)
        for _, _, t, c in cols.values
    }
    line_values = coverage["insurance_line"].to_numpy(dtype=object) if len(coverage) else None
    outcomes: list[tuple[int, dict[str, str], int | None, tuple[str, ...], str | None]] = []
    groups: list[list[Edit]] = []
    group_of: list[int] = []  # outcome index of each group
    phi = [(j, _phi_kind(table, column)) for j, _, table, column in cols.values]
    personal: dict[int, tuple[tuple[str, str], ...]] = {}
    for n, row in enumerate(rows, start=2):
        cells = row + [""] * (len(headings) - len(row))
        if not any(cells):
            continue
        found = [(kind, cells[j]) for j, kind in phi if kind and cells[j]]
        if "ssn" in cols.keys and cells[cols.keys["ssn"]]:
            found.append(("ssn", "".join(ch for ch in cells[cols.keys["ssn"]] if ch.isdigit())))
        personal[n] = tuple(found)
        # a member ID column left blank still says "the member without one", not "any member"
        key = {k: cells[j] for k, j in cols.keys.items() if cells[j] or k == "member_id"}
        r, why = index.find(key)
        pos = int(session._pos[r]) if r is not None else None
        if r is None:
            outcomes.append((n, key, None, (), why))
            continue
        stray = [h for j, h in cols.unknown if cells[j]]
        if stray:
            outcomes.append(
                (n, key, pos, (), f"unknown column '{stray[0]}' (not a column of the tables)")
            )
            continue
        edits: list[Edit] = []
        changed: list[str] = []
        problem = None
        for j, heading, table, column in cols.values:
            value = cells[j]
            if not value:
                continue
            try:
                target = r
                if table == "coverage":
                    line = cells[cols.line] if cols.line is not None else ""
                    target = _coverage_row(session, r, column, line, line_values)
                edit = edit_for_cell(session, table, target, column, value, shown[(table, column)])
            except EditRejected as exc:
                problem = f"{heading}: {exc.reason}"
                break
            if edit is None:
                continue  # as it is: nothing to write
            edits.append(edit)
            changed.append(column)
        if problem is not None:
            outcomes.append((n, key, pos, (), problem))
            continue
        if edits:
            group_of.append(len(outcomes))
            groups.append(edits)
        outcomes.append((n, key, pos, tuple(changed), None))
    plan = session.plan_bulk(groups)
    for gi, reason in plan.refused:
        k = group_of[gi]
        n, key, pos, _fields, _ = outcomes[k]
        outcomes[k] = (n, key, pos, (), reason)
    result_rows = [RowOutcome(n, key, pos, f, why, personal[n]) for n, key, pos, f, why in outcomes]
    return CorrectionsResult(path, result_rows, plan, fields=[c for _, _, _, c in cols.values])


def apply_corrections(
    session: EditSession, path: str | Path, label: str | None = None
) -> CorrectionsResult:
    """:func:`check_corrections`, then write every accepted row as one undo step."""
    result = check_corrections(session, path)
    return apply_checked(session, result, label)


def apply_checked(
    session: EditSession, result: CorrectionsResult, label: str | None = None
) -> CorrectionsResult:
    """Write a checked list (e.g. after a preview) as one undo step."""
    result.change = session.apply_plan(result.plan, label or corrections_label(result))
    return result


def corrections_label(result: CorrectionsResult) -> str:
    """The undo step's name for a checked list."""
    return f"corrections list {result.path.name} ({len(result.applied):,} rows)"


def _phi_kind(table: str, column: str) -> str | None:
    spec = field_spec(table, column)
    return spec.phi if spec is not None else None


def _coverage_row(session: EditSession, r: int, column: str, line: str, lines: Any) -> int:
    """The coverage row of member row ``r`` a coverage column addresses; raises EditRejected
    when the member has none, or several and the list does not say which."""
    rows = list(session.coverage_rows_of(r))
    if line:  # the table shows "HLT Health": the code, or the whole text, names it
        wanted = line.upper()
        rows = [k for k in rows if wanted in (str(lines[k]).upper(), str(lines[k]).split(" ")[0])]
    if not rows:
        where = f" with line {line}" if line else ""
        raise EditRejected(f"the member has no coverage{where}")
    if len(rows) > 1:
        spec = coverage_field(column)
        seg = spec.segment_column if spec is not None else None
        cov = session.doc.coverage
        if seg is not None and seg in cov.columns:
            held_at = cov[seg].to_numpy()
            ordinals = {int(held_at[k]) for k in rows}
            if len(ordinals) == 1:  # a member-level value (a 2750 category) shown per coverage
                return rows[0]
        held = ", ".join(str(lines[k]) for k in rows)
        raise EditRejected(
            f"the member has {len(rows)} coverages ({held}); add a 'Line' column "
            "(e.g. HLT) to say which one"
        )
    return rows[0]


class _KeyIndex:
    """Member rows by subscriber id (+ member id) and by SSN."""

    def __init__(self, members: pd.DataFrame) -> None:
        self.by_sub: dict[str, list[int]] = {}
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        self.by_ssn: dict[str, list[int]] = {}
        subs = members["subscriber_id"].to_numpy(dtype=object).tolist()
        mids = members["member_id"].to_numpy(dtype=object).tolist()
        ssns = members["ssn"].to_numpy(dtype=object).tolist()
        for r, (s, m, n) in enumerate(zip(subs, mids, ssns)):
            if s:
                self.by_sub.setdefault(str(s), []).append(r)
                self.by_pair.setdefault((str(s), str(m or "")), []).append(r)
            if n:
                self.by_ssn.setdefault(str(n), []).append(r)

    def find(self, key: dict[str, str]) -> tuple[int | None, str | None]:
        """(member row, None) or (None, why not)."""
        sub, mid, ssn = key.get("subscriber_id"), key.get("member_id"), key.get("ssn")
        if sub:
            if mid is not None:
                found = self.by_pair.get((sub, mid), [])
                what = "subscriber ID and member ID"
            else:
                found = self.by_sub.get(sub, [])
                what = "subscriber ID"
        elif ssn:
            if has_foreign_digit(ssn):  # ١٢٣٤٥٦٧٨٩ would find a file SSN written the same way
                return None, "the SSN holds a character that looks like a digit but is not 0-9"
            found = self.by_ssn.get("".join(ch for ch in ssn if ch.isdigit()), [])
            what = "SSN"
        else:
            return None, "no member key in this row (subscriber ID or SSN is empty)"
        if not found:
            return None, f"no member has this {what}"
        if len(found) > 1:
            hint = "; add a 'Member ID' column" if what == "subscriber ID" else ""
            return None, f"the {what} matches {len(found)} members{hint}"
        return found[0], None


def refused_rows(
    result: CorrectionsResult, masker: Masker, limit: int | None = None
) -> list[tuple[str, str, str]]:
    """(line, member key, reason) of each refused row (the first ``limit``): the key's SSN
    masked, and any SSN in the reason; a refused date stays, the clerk needs it."""
    from inspector.core.records.mask import mask_value

    out = []
    for row in result.refused[:limit]:
        key = []
        for name, label in (
            ("subscriber_id", "subscriber"),
            ("member_id", "member"),
            ("ssn", "SSN"),
        ):
            value = row.key.get(name)
            if value:
                if name == "ssn":
                    digits = "".join(ch for ch in value if ch.isdigit())
                    key.append(
                        f"{label} {mask_value('ssn', digits if len(digits) == 9 else value)}"
                    )
                else:
                    key.append(f"{label} {masker.value(None, value)}")
        ssns = [(k, v) for k, v in row.personal if k == "ssn"]
        out.append((str(row.line), ", ".join(key), masker.message(row.reason or "", None, ssns)))
    return out
