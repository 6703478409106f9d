"""A table model whose rows are a numpy array of source rows: sorting and filtering without a proxy.

Sorting replaces the array inside ``layoutAboutToBeChanged``/``layoutChanged`` (persistent indexes
follow their rows); filtering resets the model. Subclasses say how to sort a column (in pandas) and
which source rows pass the current filters.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

NATURAL = -1  # sort column meaning "file order"


class RowOrderModel(QAbstractTableModel):
    """Base for the members, coverage and findings models."""

    rows_changed = Signal()  # the visible rows changed (filter, reset, rows appended)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows = np.zeros(0, dtype=np.int64)
        self._inverse: np.ndarray | None = None
        self._sort_column = NATURAL
        self._ascending = True

    # -- to be provided by subclasses -------------------------------------------------------
    def source_count(self) -> int:
        raise NotImplementedError

    def sorted_sources(self, column: int, ascending: bool) -> np.ndarray:
        """Every source row, sorted by ``column``."""
        raise NotImplementedError

    def filter_mask(self) -> np.ndarray | None:
        """Boolean array over source rows, or None when nothing is filtered."""
        return None

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else int(self._rows.shape[0])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (NATURAL <= column < self.columnCount()):
            column = NATURAL
        self._sort_column = column
        self._ascending = order == Qt.SortOrder.AscendingOrder
        self.resort()

    # -- row mapping ------------------------------------------------------------------------
    @property
    def sort_column(self) -> int:
        return self._sort_column

    def source_row(self, view_row: int) -> int:
        return int(self._rows[view_row])

    def view_row(self, source_row: int) -> int | None:
        """Where a source row is shown, or None if it is filtered out."""
        if self._inverse is None:
            inverse = np.full(self.source_count(), -1, dtype=np.int64)
            inverse[self._rows] = np.arange(self._rows.shape[0])
            self._inverse = inverse
        if not 0 <= source_row < self._inverse.shape[0]:
            return None
        row = int(self._inverse[source_row])
        return row if row >= 0 else None

    def visible_sources(self) -> np.ndarray:
        return self._rows

    def _compute_rows(self) -> np.ndarray:
        n = self.source_count()
        if self._sort_column == NATURAL or n == 0:
            order = np.arange(n, dtype=np.int64)
        else:
            order = np.asarray(
                self.sorted_sources(self._sort_column, self._ascending), dtype=np.int64
            )
        mask = self.filter_mask()
        if mask is not None and n:
            order = order[mask[order]]
        return order

    # -- changes ----------------------------------------------------------------------------
    def resort(self) -> None:
        """Re-apply the sort, keeping selection and current item on their rows."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [
            int(self._rows[i.row()]) if 0 <= i.row() < len(self._rows) else -1 for i in persistent
        ]
        self._rows = self._compute_rows()
        self._inverse = None
        moved = []
        for old, src in zip(persistent, sources):
            row = self.view_row(src) if src >= 0 else None
            moved.append(QModelIndex() if row is None else self.index(row, old.column()))
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def refilter(self) -> None:
        """Recompute the visible rows after a filter changed (resets the model)."""
        rows = self._compute_rows()
        if rows.shape == self._rows.shape and np.array_equal(rows, self._rows):
            return
        self.beginResetModel()
        self._rows = rows
        self._inverse = None
        self.endResetModel()
        self.rows_changed.emit()

    def reset_rows(self) -> None:
        self.beginResetModel()
        self._rows = self._compute_rows()
        self._inverse = None
        self.endResetModel()
        self.rows_changed.emit()

    def emit_rows_changed(self, source_rows, roles: list[int]) -> None:
        """``dataChanged`` over the span of view rows showing these source rows."""
        view = [r for r in (self.view_row(s) for s in source_rows) if r is not None]
        if not view or self.columnCount() == 0:
            return
        self.dataChanged.emit(
            self.index(min(view), 0), self.index(max(view), self.columnCount() - 1), roles
        )
