"""The members and coverage DataFrames prepared for display: plain arrays, built off the GUI thread.

Everything here is pure pandas/numpy so the load worker can build it; the Qt models then answer
``data()`` with an array lookup. Sorting is done in pandas (stable mergesort) on whole columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspector.core.records.columns import (
    COVERAGE_ORDER,
    ISSUES,
    MEMBER_ORDER,
    column_label,
    screen_order,
)
from inspector.core.records.document import Document
from inspector.core.records.frames import (
    MEMBER_FIELDS,
    FieldSpec,
    coverage_field,
    display_columns,
)
from inspector.core.records.mask import Masker

# The columns' order and titles are the core's (records/columns.py): exports "as on screen" use
# the same ones.
_MEMBER_FIRST = MEMBER_ORDER
_COVERAGE_FIRST = COVERAGE_ORDER
_MEMBER_SEARCH = (
    "last_name",
    "first_name",
    "middle_name",
    "subscriber_id",
    "member_id",
    "member_ids",
    "ssn",
    "member_identifier",
    "policy_number",
)
_COVERAGE_SEARCH = (
    "member_name",
    "subscriber_id",
    "plan",
    "policy_id",
    "plan_id",
    "insurance_line",
)


@dataclass
class TableData:
    """One table (members or coverage) as display-ready arrays."""

    frame: pd.DataFrame
    columns: list[str]  # frame column names in display order (ISSUES is virtual)
    labels: list[str]
    specs: list[FieldSpec | None]
    display: list[np.ndarray | None]  # object arrays of str as shown (masked), None for ISSUES
    segments: list[np.ndarray | None]  # per column: segment ordinal of each row's cell
    first: np.ndarray
    last: np.ndarray
    member_pos: np.ndarray
    haystack: np.ndarray  # lower-case text searched by the filter box
    empty: list[bool]  # column has no value in any row
    search_columns: tuple[str, ...] = ()
    _sort_cache: dict[tuple[int, bool], np.ndarray] = field(default_factory=dict, repr=False)
    masker: Masker | None = None  # personal data masked in ``display`` (see set_masker)
    _plain: dict[int, np.ndarray] = field(default_factory=dict, repr=False)  # unmasked columns

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def issues_column(self) -> int:
        return self.columns.index(ISSUES)

    def column_index(self, name: str) -> int:
        return self.columns.index(name)

    def header_tooltip(self, column: int) -> str:
        spec = self.specs[column]
        if self.columns[column] == ISSUES:
            return "Errors and warnings found in this row"
        if spec is None:
            return self.labels[column]
        where = spec.element_name or (spec.segment_column or "").replace("seg_", "").upper()
        return f"{spec.label} ({where})" if where else spec.label

    def sort_order(
        self,
        column: int,
        ascending: bool,
        rank: np.ndarray | None = None,
        count: np.ndarray | None = None,
    ) -> np.ndarray:
        """Source rows in sorted order: pandas stable mergesort; blanks last."""
        if self.columns[column] == ISSUES:
            assert rank is not None and count is not None
            # worst severity first, then the most findings; rows without findings last
            key = rank.astype(np.int64) * 10_000_000 - np.minimum(count, 9_999_999)
            series = pd.Series(key)
            return series.sort_values(kind="mergesort", ascending=ascending).index.to_numpy()
        cached = self._sort_cache.get((column, ascending))
        if cached is not None:
            return cached
        series = self.frame[self.columns[column]]
        spec = self.specs[column]
        if series.dtype.kind not in "iuf":
            if spec is not None and spec.kind == "amount":
                series = pd.to_numeric(series, errors="coerce")
            else:
                series = series.mask(series == "")
        order = series.sort_values(
            kind="mergesort", ascending=ascending, na_position="last"
        ).index.to_numpy()
        self._sort_cache[(column, ascending)] = order
        return order

    def set_masker(self, masker: Masker | None) -> None:
        """Show personal data masked (``display`` then holds the masked columns; the real values
        are kept aside) or, with None, as in the file. Sorting and the filter box still use the
        real values, so a clerk can find a member by the SSN a caller reads out."""
        for j, plain in self._plain.items():
            self.display[j] = plain
        self._plain = {}
        self.masker = masker
        if masker is None:
            return
        specs = dict(zip(self.columns, self.specs))
        for name, masked in masker.columns(self.frame, specs.get).items():
            j = self.columns.index(name) if name in specs else -1
            if j >= 0 and self.display[j] is not None:
                self._plain[j] = self.display[j]  # type: ignore[assignment]
                self.display[j] = masked

    def plain_value(self, row: int, column: int) -> object:
        """A cell's value as in the file, whether or not it is shown masked."""
        plain = self._plain.get(column)
        values = plain if plain is not None else self.display[column]
        return None if values is None else values[row]

    def _remask_rows(self, rows: list[int]) -> None:
        """After an edit: the masked display of these rows, from their real values."""
        masker = self.masker
        if masker is None:
            return
        specs = dict(zip(self.columns, self.specs))
        part = self.frame.iloc[rows]
        found = masker.columns(part, specs.get)
        for j, name in enumerate(self.columns):
            if self.display[j] is None:
                continue
            masked = found.get(name)
            plain = self._plain.get(j)
            if masked is None and plain is None:
                continue
            if plain is None:
                plain = self._plain[j] = self.display[j].copy()  # type: ignore[union-attr]
                self.display[j] = plain.copy()
            shown = self.display[j]
            assert shown is not None
            for k, r in enumerate(rows):
                shown[r] = masked[k] if masked is not None else plain[r]

    def refresh_rows(self, rows) -> None:
        """Re-read these rows from ``frame`` after an edit re-derived them in place."""
        rows = [int(r) for r in rows]
        if not rows:
            return
        frame = self.frame
        self._sort_cache.clear()
        for j, name in enumerate(self.columns):
            values = self._plain.get(j, self.display[j])
            if values is None:
                continue
            if not values.flags.writeable:
                values = values.copy()
                if j in self._plain:
                    self._plain[j] = values
                else:
                    self.display[j] = values
            series = frame[name]
            numeric = series.dtype.kind in "iuf"
            for r in rows:
                value = series.iat[r]
                values[r] = str(value) if numeric else ("" if pd.isna(value) else value)
            if self.empty[j] and any(values[r] for r in rows):
                self.empty[j] = False
            spec = self.specs[j]
            ordinals = self.segments[j]
            if ordinals is not None and spec is not None and spec.segment_column in frame:
                if not ordinals.flags.writeable:  # a read-only view of the frame's column
                    ordinals = self.segments[j] = ordinals.copy()
                column = frame[spec.segment_column]
                for r in rows:
                    ordinals[r] = column.iat[r]
        present = [c for c in self.search_columns if c in frame.columns]
        if present:
            if not self.haystack.flags.writeable:
                self.haystack = self.haystack.copy()
            for r in rows:
                self.haystack[r] = "\x1f".join(
                    "" if pd.isna(frame[c].iat[r]) else str(frame[c].iat[r]) for c in present
                ).lower()
        self._remask_rows(rows)

    def search(self, text: str) -> np.ndarray:
        """Rows whose name or ids contain every word of ``text`` (case-insensitive)."""
        mask = np.ones(len(self.haystack), dtype=bool)
        for word in text.lower().split():
            mask &= _contains(self.haystack, word)
        return mask


def _contains(haystack: np.ndarray, word: str) -> np.ndarray:
    return pd.Series(haystack, copy=False).str.contains(word, regex=False).to_numpy(dtype=bool)


def build_member_table(doc: Document) -> TableData:
    return _build(doc.members, MEMBER_FIELDS.get, _MEMBER_SEARCH, _MEMBER_FIRST)


def build_coverage_table(doc: Document) -> TableData:
    return _build(doc.coverage, coverage_field, _COVERAGE_SEARCH, _COVERAGE_FIRST)


def _build(
    df: pd.DataFrame,
    field_of: Callable[[str], FieldSpec | None],
    search: tuple[str, ...],
    first: tuple[str, ...],
) -> TableData:
    shown = display_columns(df)
    columns = screen_order(shown, first)
    labels: list[str] = []
    specs: list[FieldSpec | None] = []
    display: list[np.ndarray | None] = []
    segments: list[np.ndarray | None] = []
    empty: list[bool] = []
    n = len(df)
    for name in columns:
        if name == ISSUES:
            labels.append(column_label(name, None))
            specs.append(None)
            display.append(None)
            segments.append(None)
            empty.append(False)
            continue
        spec = field_of(name)
        specs.append(spec)
        labels.append(column_label(name, spec))
        series = df[name]
        if series.dtype.kind in "iuf":
            values = series.astype(str).to_numpy(dtype=object)
        else:
            values = series.fillna("").to_numpy(dtype=object)
        display.append(values)
        empty.append(bool(n) and not any(values))
        seg_col = spec.segment_column if spec else None
        segments.append(df[seg_col].to_numpy() if seg_col and seg_col in df.columns else None)
    present = [c for c in search if c in df.columns]
    if present and n:
        hay = df[present[0]].fillna("").astype(str)
        for c in present[1:]:
            hay = hay + "\x1f" + df[c].fillna("").astype(str)
        haystack = hay.str.lower().to_numpy(dtype=object)
    else:
        haystack = np.full(n, "", dtype=object)
    return TableData(
        frame=df,
        columns=columns,
        labels=labels,
        specs=specs,
        display=display,
        segments=segments,
        first=df["seg_first"].to_numpy(),
        last=df["seg_last"].to_numpy(),
        member_pos=df["member_pos"].to_numpy(),
        haystack=haystack,
        empty=empty,
        search_columns=tuple(present),
    )
