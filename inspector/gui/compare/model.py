"""The compare result as a table: one row per pair or unpaired member, filtered by category.

``data()`` is an array lookup into columns prepared once; sorting is a pandas mergesort; the
category and text filters are boolean masks over the prepared arrays (no proxy model).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from inspector.core.export.compare import CATEGORIES, CompareResult
from inspector.gui.models.roles import SOURCE_ROW_ROLE
from inspector.gui.models.row_order_model import RowOrderModel

#: (result column, heading)
COLUMNS: list[tuple[str, str]] = [
    ("category_label", "Category"),
    ("subscriber_id", "Subscriber ID"),
    ("member_id", "Member ID"),
    ("last_name", "Last name"),
    ("first_name", "First name"),
    ("birth_date", "Birth date"),
    ("changed", "Changed"),
    ("match", "Matched by"),
    ("old_where", "OLD at"),
    ("new_where", "NEW at"),
    ("note", "Note"),
]
#: (old_where, new_where) of a row: the INS ordinal (834) or line (table), None where absent.
WHERE_ROLE = Qt.ItemDataRole.UserRole + 20
CATEGORY_ROLE = Qt.ItemDataRole.UserRole + 21
_TINT = {
    "not_in_audit": "#f4b4b4",
    "only_in_audit": "#ffd98a",
    "dropped": "#f4b4b4",
    "added": "#cdeccd",
    "terminated": "#e0e0e0",
    "cancelled": "#e0e0e0",
    "identity_changed": "#f4b4b4",
    "duplicated": "#ffd98a",
    "changed": "#dbe8fb",
}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ROOT = QModelIndex()
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


class CompareModel(RowOrderModel):
    """Rows of a :class:`CompareResult`; categories switched on and off by :meth:`set_categories`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: CompareResult | None = None
        self._cells: list[np.ndarray] = []
        self._frame = pd.DataFrame()
        self._categories = np.zeros(0, dtype=object)
        self._shown: set[str] = set(CATEGORIES) - {"unchanged"}
        self._text = ""
        self._brushes = {k: QBrush(QColor(v)) for k, v in _TINT.items()}
        self._details: dict[int, str] = {}

    def set_result(self, result: CompareResult | None) -> None:
        self.beginResetModel()
        self.result = result
        frame = (
            result.members if result is not None else pd.DataFrame(columns=[c for c, _ in COLUMNS])
        )
        self._frame = frame
        shown = (
            frame.assign(category_label=frame["category"].map(CATEGORIES)) if len(frame) else frame
        )
        self._cells = [
            np.asarray(
                shown[c].astype(object).where(shown[c].notna(), "").astype(str), dtype=object
            )
            if c in shown
            else np.full(len(frame), "", dtype=object)
            for c, _ in COLUMNS
        ]
        self._categories = (
            frame["category"].to_numpy(dtype=object) if len(frame) else self._categories[:0]
        )
        self._details = _details(result) if result is not None else {}
        self._rows = self._compute_rows()
        self._inverse = None
        self.endResetModel()
        self.rows_changed.emit()

    # -- filters ----------------------------------------------------------------------------
    def set_categories(self, categories: set[str]) -> None:
        self._shown = set(categories)
        self.refilter()

    @property
    def categories(self) -> set[str]:
        return set(self._shown)

    def set_text_filter(self, text: str) -> None:
        self._text = text.strip().upper()
        self.refilter()

    def filter_mask(self) -> np.ndarray | None:
        if not len(self._categories):
            return None
        mask = np.isin(self._categories, list(self._shown))
        if self._text:
            hit = np.zeros(len(mask), dtype=bool)
            for k in (1, 2, 3, 4, 6):  # ids, names, changed fields
                hit |= (
                    pd.Series(self._cells[k])
                    .str.upper()
                    .str.contains(self._text, regex=False)
                    .to_numpy()
                )
            mask &= hit
        return mask

    # -- RowOrderModel ----------------------------------------------------------------------
    def source_count(self) -> int:
        return len(self._categories)

    def sorted_sources(self, column: int, ascending: bool) -> np.ndarray:
        if COLUMNS[column][0] == "category_label":  # by the work order, not alphabetically
            values = pd.Series(np.arange(len(self._categories)))
        else:
            values = pd.Series(self._cells[column])
        if COLUMNS[column][0] in ("old_where", "new_where"):
            values = pd.to_numeric(values, errors="coerce")
        return values.sort_values(ascending=ascending, kind="mergesort").index.to_numpy()

    # -- Qt ---------------------------------------------------------------------------------
    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            role == _DISPLAY
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        source = int(self._rows[index.row()])
        if role == _DISPLAY:
            return self._cells[index.column()][source]
        if role == _BACKGROUND:
            return self._brushes.get(self._categories[source])
        if role == _TOOLTIP:
            return self._details.get(source) or None
        if role == SOURCE_ROW_ROLE:
            return source
        if role == CATEGORY_ROLE:
            return self._categories[source]
        if role == WHERE_ROLE:
            return self.where(source)
        return None

    def where(self, source: int) -> tuple[int | None, int | None]:
        row = self._frame.iloc[source]
        old, new = row["old_where"], row["new_where"]
        return (None if pd.isna(old) else int(old), None if pd.isna(new) else int(new))

    def details(self, source: int) -> str:
        """The row's field differences, one per line (``field: old -> new``)."""
        return self._details.get(source, "")


def _details(result: CompareResult) -> dict[int, str]:
    lines: dict[int, list[str]] = {}
    for c in result.changes.to_dict("records"):
        where = f"{c['coverage']} " if c["coverage"] else ""
        lines.setdefault(int(c["row"]), []).append(
            f"{where}{c['field']}: {c['old'] or '(none)'} → {c['new'] or '(none)'}"
        )
    return {row: "\n".join(text) for row, text in lines.items()}
