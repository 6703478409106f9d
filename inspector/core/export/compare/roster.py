"""One side of a comparison: the members (and coverages) of an 834 or of an enrollment table.

A :class:`Roster` holds, per member, the normalised values compare matches and diffs on, the
values as shown (for the report), and where the member is: the INS segment ordinal of an 834, or
the line of a CSV/XLSX row. An 834 comes from a loaded :class:`Document`; a table is the members
export of this app, or any CSV/XLSX whose columns are named by a mapping
(``{"ssn": "SSN", "last_name": "Surname"}``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from inspector.core.errors import InspectorError
from inspector.core.export.compare.fields import (
    AUDIT_MAINTENANCE,
    COVERAGE_COMPARED,
    COVERAGE_STATUS,
    FULL_FILE_ACTIONS,
    KNOWN_NAMES,
    MEMBER_COMPARED,
    MEMBER_STATUS,
    category_field,
    normalise,
)
from inspector.core.records.codes import FINANCIAL_CATEGORIES
from inspector.core.records.document import Document
from inspector.core.records.frames import COVERAGE_FIELDS, MEMBER_FIELDS

TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xlsx", ".xlsm"})
_KINDS = {**{k: f.kind for k, f in MEMBER_COMPARED.items()}, **{k: "code" for k in MEMBER_STATUS}}
_COVERAGE_KINDS = {
    **{k: f.kind for k, f in COVERAGE_COMPARED.items()},
    **{k: "code" for k in COVERAGE_STATUS},
}


class CompareInputError(InspectorError):
    """A file given to compare cannot be used; the message names it and says why."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


@dataclass
class Roster:
    """Members (one row each, positions 0..n-1) and coverages of one side of a comparison."""

    path: Path
    kind: str  # "834" or "table"
    members: dict[str, np.ndarray]  # normalised values, one array per field
    shown: dict[str, np.ndarray]  # the same fields as a person reads them
    where: np.ndarray  # INS segment ordinal (834) or line number (table), per member
    coverage: pd.DataFrame  # member, line, occurrence, where, normalised and shown fields
    categories: list[str] = field(default_factory=list)  # 2750 category names present
    full_file: bool = False  # an audit/full file (BGN08 4 or RX, or INS03 030 throughout)
    document: Document | None = None

    def __len__(self) -> int:
        return len(self.where)

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def fields(self) -> set[str]:
        """Names of the member fields this side has (a table may lack most of them)."""
        return set(self.members)


# ---------------------------------------------------------------------------------------------
def from_document(doc: Document) -> Roster:
    """The members and coverages of a loaded 834."""
    members = doc.members
    shown = {name: members[name].to_numpy() for name in _KINDS}
    shown.update(_category_columns(doc, len(members)))
    norm = {name: normalise(values, _kind(name)) for name, values in shown.items()}
    actions = [t.action for t in doc.structure.transactions]
    maintenance = norm["maintenance_type"]
    full = bool(actions) and all(a in FULL_FILE_ACTIONS for a in actions)
    full = full or (len(maintenance) > 0 and bool((maintenance == AUDIT_MAINTENANCE).all()))
    cov = doc.coverage
    cover = pd.DataFrame(
        {"member": cov["member_pos"].to_numpy() - 1, "where": cov["seg_hd"].to_numpy()}
    )
    return Roster(
        path=doc.path,
        kind="834",
        members=norm,
        shown=shown,
        where=members["seg_ins"].to_numpy(),
        coverage=_coverage_frame(cover, {c: cov[c].to_numpy() for c in _COVERAGE_KINDS}),
        categories=[c for c in shown if c not in _KINDS],
        full_file=full,
        document=doc,
    )


def _kind(name: str) -> str:
    return _KINDS.get(name) or category_field(name).kind


def _category_columns(doc: Document, n: int) -> dict[str, np.ndarray]:
    """The member's 2750 reporting categories as one column each ('' where not sent)."""
    cats = doc.structure.categories
    if not len(cats) or not n:
        return {}
    long = pd.DataFrame(
        {
            "member": cats.array("member"),
            "name": cats.array("name"),
            "value": cats.array("value"),
        }
    )
    wide = long.pivot_table(index="member", columns="name", values="value", aggfunc="first")
    wide = wide.reindex(range(n)).fillna("")
    return {str(name): wide[name].to_numpy(dtype=object) for name in wide.columns}


def _coverage_frame(base: pd.DataFrame, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Coverages with normalised columns ``n:<field>`` and shown ones ``s:<field>``; a
    coverage's key is its member, line (HLT, DEN ...) and its occurrence within that line."""
    out = base.copy()
    for name, kind in _COVERAGE_KINDS.items():
        values = columns.get(name)
        if values is None:
            continue
        out[f"s:{name}"] = values
        out[f"n:{name}"] = normalise(values, kind)
    line = out["n:insurance_line"] if "n:insurance_line" in out else pd.Series("HLT", out.index)
    out["line"] = np.where(line == "", "HLT", line)
    out["occurrence"] = out.groupby(["member", "line"], sort=False).cumcount()
    return out


# ---------------------------------------------------------------------------------------------
def from_table(path: str | Path, mapping: Mapping[str, str] | None = None) -> Roster:
    """The members of a CSV/XLSX: this app's members export, or any table with a mapping
    from field names (``ssn``, ``last_name``, ``APTC AMT`` ...) to its column headings.

    Raises :class:`CompareInputError` naming the file and what is wrong.
    """
    path = Path(path)
    table = _read_table(path)
    columns = _resolve_columns(path, table, dict(mapping or {}))
    data = {name: _unescape(table[col]) for name, col in columns.items()}
    member_names = [n for n in data if n in _KINDS or n not in _COVERAGE_KINDS]
    shown = {n: data[n] for n in member_names}
    norm = {n: normalise(v, _kind(n)) for n, v in shown.items()}
    where = np.arange(2, len(table) + 2, dtype=np.int64)  # line 1 is the heading
    cov_cols = {n: data[n] for n in _COVERAGE_KINDS if n in data and n not in _KINDS}
    if "maintenance_type" in data and any(n in COVERAGE_COMPARED for n in cov_cols):
        cov_cols.setdefault("maintenance_type", data["maintenance_type"])
    if any(n in COVERAGE_COMPARED for n in cov_cols):
        base = pd.DataFrame({"member": np.arange(len(table)), "where": where})
        coverage = _coverage_frame(base, cov_cols)
    else:
        coverage = _coverage_frame(pd.DataFrame({"member": [], "where": []}, dtype=np.int64), {})
    maintenance = norm.get("maintenance_type", np.array([], dtype=object))
    return Roster(
        path=path,
        kind="table",
        members=norm,
        shown=shown,
        where=where,
        coverage=coverage,
        categories=[n for n in shown if n not in _KINDS],
        full_file=len(maintenance) > 0 and bool((maintenance == AUDIT_MAINTENANCE).all()),
    )


def parse_mapping(text: str) -> dict[str, str]:
    """``"ssn=SSN,last_name=Surname"`` → ``{"ssn": "SSN", "last_name": "Surname"}``."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, eq, column = part.partition("=")
        if not eq or not name.strip() or not column.strip():
            raise ValueError(f"{part!r} is not field=column (e.g. ssn=SSN)")
        out[name.strip()] = column.strip()
    return out


def _read_table(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        return _read_csv(path)
    except FileNotFoundError:
        raise CompareInputError(path, "no such file") from None
    except OSError as exc:
        raise CompareInputError(path, f"cannot be read ({exc.strerror or exc})") from None
    except pd.errors.EmptyDataError:
        raise CompareInputError(path, "the file is empty (no heading row)") from None
    except (pd.errors.ParserError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CompareInputError(path, f"is not a readable table ({reason})") from None


def _read_csv(path: Path) -> pd.DataFrame:
    with open(path, "rb") as fh:
        head = fh.read(65536)
    encoding = "utf-8-sig"
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            encoding = "latin-1"
        text = head.decode(encoding, errors="ignore")
    if "\x00" in text:
        raise ValueError("it holds binary data, not comma-separated text")
    try:
        sep = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = "\t" if path.suffix.lower() == ".tsv" else ","
    return pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep, na_filter=False
    )


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401  (pandas needs it; say so instead of its ImportError)
    except ModuleNotFoundError as exc:
        if exc.name != "openpyxl":
            raise  # openpyxl is there but broken: show that, not "install it"
        raise CompareInputError(
            path, "reading .xlsx needs the openpyxl package (pip install openpyxl); save as CSV"
        ) from None
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, na_filter=False)
    except (KeyError, OSError, ValueError) as exc:
        raise ValueError(f"not a readable Excel workbook: {exc}") from None
    except Exception as exc:  # zipfile.BadZipFile and openpyxl's own errors
        raise ValueError(f"not a readable Excel workbook ({type(exc).__name__})") from None


def _labels() -> dict[str, str]:
    """Heading (lower case) → field name: the field names and the app's column labels."""
    out: dict[str, str] = {}
    for spec in [*MEMBER_FIELDS.values(), *COVERAGE_FIELDS.values()]:
        if spec.column in KNOWN_NAMES:
            out.setdefault(spec.label.lower(), spec.column)
    out.update({name.lower(): name for name in KNOWN_NAMES})
    out.update({name.lower(): name for name in FINANCIAL_CATEGORIES})
    return out


def _resolve_columns(path: Path, table: pd.DataFrame, mapping: dict[str, str]) -> dict[str, str]:
    """Field name → heading in the table; a mapping overrides what headings say."""
    headings = {str(c).strip(): c for c in table.columns}
    by_lower = {h.lower(): h for h in headings}
    labels = _labels()
    found: dict[str, str] = {}
    for heading in headings:
        name = labels.get(heading.lower())
        if name is not None:
            found.setdefault(name, headings[heading])
    for name, column in mapping.items():
        canonical = labels.get(name.lower(), name if name.isupper() else None)
        if canonical is None:
            known = ", ".join(sorted(KNOWN_NAMES))
            raise CompareInputError(
                path,
                f"--map names the field {name!r}, which compare does not know "
                f"(known: {known}, or a 2750 category such as 'APTC AMT')",
            )
        given = by_lower.get(column.strip().lower())
        if given is None:
            raise CompareInputError(
                path,
                f"--map {name}={column}: the file has no column {column!r} "
                f"(its columns: {', '.join(list(headings)[:20])})",
            )
        found[canonical] = headings[given]
    _check_keys(path, found, list(headings))
    return found


def _check_keys(path: Path, found: dict[str, str], headings: list[str]) -> None:
    has_id = "subscriber_id" in found
    has_ssn = "ssn" in found
    has_name = {"last_name", "first_name", "birth_date"} <= set(found)
    if not (has_id or has_ssn or has_name):
        raise CompareInputError(
            path,
            "no column to match members on: the table needs subscriber_id (+ member_id), ssn, "
            "or last_name + first_name + birth_date; name its columns with --map, e.g. "
            f"--map ssn=SSN,last_name=Surname (its columns: {', '.join(headings[:20])})",
        )


def _unescape(column: pd.Series) -> np.ndarray:
    """Undo the formula guard of this app's CSV export (a ``'`` before ``= + - @``)."""
    s = column.astype(str)
    guarded = s.str.match(r"'[=+\-@\t\r]")
    if guarded.any():
        s = s.where(~guarded, s.str.slice(1))
    return s.to_numpy(dtype=object)


def open_roster(path: str | Path, mapping: Mapping[str, str] | None = None) -> Roster:
    """An 834 (loaded) or, by its suffix, a CSV/XLSX enrollment table."""
    path = Path(path)
    if path.suffix.lower() in TABLE_SUFFIXES or mapping:
        return from_table(path, mapping)
    from inspector.core.records.document import load

    return from_document(load(path))
