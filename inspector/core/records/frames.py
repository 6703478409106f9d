"""Members and coverage as pandas DataFrames, with back-references to segment ordinals.

Every displayed column is described by a :class:`FieldSpec` naming the segment-ordinal column and
element it comes from, so a GUI can jump from a cell to its segment, and an edit of a cell is an
edit of exactly one segment element. The field map is declared once, in
:mod:`inspector.core.records.grammar`, and read by the structure pass too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspector.core.records import codes
from inspector.core.records.grammar import COVERAGE_FIELDS, MEMBER_FIELDS, FieldSpec
from inspector.core.records.structure import Structure
from inspector.core.records.table import ColumnTable

__all__ = [
    "AMOUNT_CATEGORIES",
    "COVERAGE_FIELDS",
    "MEMBER_FIELDS",
    "CategoryRows",
    "FieldSpec",
    "category_segment_column",
    "coverage_field",
    "coverage_frame",
    "display_columns",
    "member_frame",
]


#: 2750 categories whose value is an amount (the one list is records/codes.py).
AMOUNT_CATEGORIES = codes.FINANCIAL_CATEGORIES


def category_segment_column(category: str) -> str:
    """Name of the ordinal column behind a 2750 reporting-category column."""
    return f"seg_cat:{category}"


class CategoryRows:
    """The coverage rows that show each 2750 reporting-category segment: a member's categories
    are shown on every one of its coverages, so a finding at such a segment belongs to all those
    rows. Two sorted arrays (segment ordinal, row), not a dict of lists: on a file of 37,000
    families the dict's Python ints and lists were an export's peak memory."""

    def __init__(self, coverage: pd.DataFrame) -> None:
        ordinals: list[np.ndarray] = []
        rows: list[np.ndarray] = []
        for column in display_columns(coverage):
            seg = category_segment_column(str(column))
            if seg in coverage.columns:
                column_ordinals = coverage[seg].to_numpy()
                hit = np.flatnonzero(column_ordinals)
                ordinals.append(column_ordinals[hit].astype(np.int64))
                rows.append(hit)
        if ordinals:
            all_ordinals, all_rows = np.concatenate(ordinals), np.concatenate(rows)
            order = np.lexsort((all_rows, all_ordinals))  # by ordinal, then row
            self._ordinals, self._rows = all_ordinals[order], all_rows[order]
        else:
            self._ordinals = self._rows = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._ordinals)

    def rows(self, ordinal: int) -> list[int]:
        """The rows (ascending) that show the category segment ``ordinal`` ([] for another)."""
        lo = int(np.searchsorted(self._ordinals, ordinal, side="left"))
        hi = int(np.searchsorted(self._ordinals, ordinal, side="right"))
        return self._rows[lo:hi].tolist()


def member_frame(structure: Structure) -> pd.DataFrame:
    """One row per 2000 loop (INS), in file order."""
    return _frame(structure.members)


def coverage_frame(structure: Structure) -> pd.DataFrame:
    """One row per 2300 loop (HD), with the member's 2750 reporting categories as columns.

    Categories belong to the member (loop 2000), so each of a member's coverages shows them.
    A category sent twice for one member (e.g. two effective dates) shows both values.
    """
    df = _frame(structure.coverages)
    names = structure.category_names
    if not names or df.empty:
        return df
    cats = structure.categories
    member_index = cats.array("member")
    name_code = {name: k for k, name in enumerate(names)}
    codes = np.fromiter(
        (name_code[n] for n in cats.column("name")), dtype=np.int32, count=len(cats)
    )
    values = cats.array("value")
    ordinals = cats.array("segment")
    n_members = int(member_index.max()) + 1 if len(member_index) else 0
    value_grid = np.full((n_members, len(names)), "", dtype=object)
    ordinal_grid = np.zeros((n_members, len(names)), dtype=np.int32)
    value_grid[member_index, codes] = values
    ordinal_grid[member_index, codes] = ordinals
    rows = df["member_pos"].to_numpy() - 1
    inside = rows < n_members
    extra: dict[str, object] = {}
    for k, name in enumerate(names):
        column = np.full(len(df), "", dtype=object)
        column[inside] = value_grid[rows[inside], k]
        extra[name] = column
    for k, name in enumerate(names):
        column = np.zeros(len(df), dtype=np.int32)
        column[inside] = ordinal_grid[rows[inside], k]
        extra[category_segment_column(name)] = column
    cat_frame = pd.DataFrame(extra, index=df.index, copy=False)
    # Displayed columns first, then every seg_* column.
    shown = [c for c in df.columns if not c.startswith("seg_")]
    segs = [c for c in df.columns if c.startswith("seg_")]
    return pd.concat(
        [
            df[shown],
            cat_frame[list(names)],
            df[segs],
            cat_frame[[category_segment_column(n) for n in names]],
        ],
        axis=1,
    )


def coverage_field(column: str) -> FieldSpec | None:
    """FieldSpec of a coverage column, including dynamic 2750 category columns."""
    spec = COVERAGE_FIELDS.get(column)
    if spec is None and not column.startswith("seg_"):
        kind = "amount" if column in codes.FINANCIAL_CATEGORIES else "text"
        spec = FieldSpec(column, column.title(), category_segment_column(column), "REF", 2, kind)
    return spec


def display_columns(df: pd.DataFrame) -> list[str]:
    """Columns a person should see (ordinal columns hidden)."""
    return [c for c in df.columns if not str(c).startswith("seg_")]


def _frame(table: ColumnTable) -> pd.DataFrame:
    data = {name: table.array(name) for name in table.columns}
    return pd.DataFrame(data, columns=table.columns, copy=False)
