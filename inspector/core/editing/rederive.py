"""Patching table rows after an edit (the store itself is spliced by
:meth:`~inspector.core.reading.source.SegmentStore.with_segment`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from inspector.core.records.table import ColumnTable


def row_updates(
    df: pd.DataFrame, rows: list[int], mini: pd.DataFrame, mini_rows: list[int], file_of: np.ndarray
) -> list[tuple[int, int, Any]] | None:
    """Cells of ``df.iloc[rows]`` to overwrite from ``mini.iloc[mini_rows]``: (row, column, value).

    Ordinal columns (``seg_*``) are mapped to file ordinals; positions keep their file values;
    columns the mini frame lacks (reporting categories the family does not use) become empty.
    None when the mini frame has a non-empty column the full frame lacks.
    """
    mini_index = {str(c): j for j, c in enumerate(mini.columns)}
    full = {str(c) for c in df.columns}
    for mini_name, mini_j in mini_index.items():
        if mini_name not in full and any(
            mini.iat[k, mini_j] not in ("", 0, None) for k in mini_rows
        ):
            return None
    updates: list[tuple[int, int, Any]] = []
    for j, col in enumerate(df.columns):
        name = str(col)
        if name in ("member_pos", "coverage_pos"):
            continue
        mj = mini_index.get(name)
        for r, k in zip(rows, mini_rows):
            if mj is None:
                value: Any = 0 if name.startswith("seg_") else ""
            else:
                value = mini.iat[k, mj]
                if name.startswith("seg_"):
                    value = int(file_of[value - 1]) if value > 0 else 0
            if df.iat[r, j] != value:
                updates.append((r, j, value))
    return updates


def sync_rows(table: ColumnTable, df: pd.DataFrame, rows: list[int]) -> None:
    """Copy rows of a DataFrame back into the structure's column table of the same layout."""
    columns = [c for c in table.columns if c in df.columns]
    for r in rows:
        table.set_row(r, {c: df[c].iat[r] for c in columns})


def assign_cells(df: pd.DataFrame, updates: list[tuple[int, int, Any]]) -> None:
    # Cell by cell: .iat is ~40x faster than .iloc for a few cells and keeps each column's dtype.
    for r, j, value in updates:
        df.iat[r, j] = value
