"""A table model whose rows are a numpy array of source rows: sorting and filtering without a proxy.

Sorting replaces the array inside ``layoutAboutToBeChanged``/``layoutChanged`` (persistent indexes
follow their rows); filtering resets the model. Subclasses say how to sort a column (in pandas) and
which source rows pass the current filters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
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
        #: >0 while rows are inserted, removed, reset or re-sorted: a current-row change then is
        #: the model's doing, not the user's (views must not navigate on it)
        self.updating = 0
        self._search = ""  # words searched in every column (see set_search_text)
        self._search_mask: np.ndarray | None = None
        self._haystack: np.ndarray | None = None  # lower-case text of each row, built lazily
        self._haystack_of: object = None  # the frame the haystack was built from
        self.dataChanged.connect(self._on_data_changed)

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
        search = self._current_search_mask()
        if search is not None and n:
            order = order[search[order]]
        return order

    # -- changes ----------------------------------------------------------------------------
    def resort(self) -> None:
        """Re-apply the sort, keeping selection and current item on their rows."""
        self.updating += 1
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
        self.updating -= 1

    def refilter(self) -> None:
        """Recompute the visible rows after a filter changed (resets the model)."""
        rows = self._compute_rows()
        if rows.shape == self._rows.shape and np.array_equal(rows, self._rows):
            return
        self.updating += 1
        self.beginResetModel()
        self._rows = rows
        self._inverse = None
        self.endResetModel()
        self.updating -= 1
        self.rows_changed.emit()

    def reset_rows(self) -> None:
        self.updating += 1
        self.beginResetModel()
        self._rows = self._compute_rows()
        self._inverse = None
        self.endResetModel()
        self.updating -= 1
        self.rows_changed.emit()

    def emit_rows_changed(self, source_rows, roles: list[int]) -> None:
        """``dataChanged`` over the span of view rows showing these source rows."""
        view = [r for r in (self.view_row(s) for s in source_rows) if r is not None]
        if not view or self.columnCount() == 0:
            return
        self.dataChanged.emit(
            self.index(min(view), 0), self.index(max(view), self.columnCount() - 1), roles
        )

    # -- search across every column ---------------------------------------------------------
    def search_frame(self) -> pd.DataFrame | None:
        """The values the search box looks through, one row per source row (None: no search).

        Models over a :class:`~inspector.gui.models.table_data.TableData` search every column of
        its frame: the values as in the file (a clerk can find a member by the SSN or birth date a
        caller reads out, masked or not). Subclasses may give another frame.
        """
        table = getattr(self, "table", None)
        frame = getattr(table, "frame", None)
        if not isinstance(frame, pd.DataFrame):
            return None
        names = [c for c in getattr(table, "columns", frame.columns) if c in frame.columns]
        return frame[names]

    def search_kinds(self) -> dict[str, str]:
        """Column name -> kind ("date", "amount", ...) for the columns of :meth:`search_frame`."""
        table = getattr(self, "table", None)
        if table is None:
            return {}
        return {
            name: spec.kind
            for name, spec in zip(getattr(table, "columns", ()), getattr(table, "specs", ()))
            if spec is not None
        }

    def set_search_text(self, text: str) -> None:
        """Show only rows holding every word of ``text`` in some column (case-insensitive): the
        ZIP, city, birth date (2011-08-15, 20110815 or 08/15/2011), plan, amounts, names, ids."""
        text = " ".join(text.lower().split())
        if text == self._search:
            return
        self._search = text
        self._search_mask = None
        self.refilter()

    @property
    def search_text(self) -> str:
        return self._search

    def _current_search_mask(self) -> np.ndarray | None:
        if not self._search:
            return None
        if self._search_source() is not self._haystack_of:  # a new table after an edit
            self._forget_haystack()
        if self._search_mask is None or len(self._search_mask) != self.source_count():
            hay = self._row_haystack()
            mask = np.ones(len(hay), dtype=bool)
            series = pd.Series(hay, dtype=object, copy=False)
            for word in self._search.split():
                mask &= series.str.contains(word, regex=False).to_numpy(dtype=bool)
            self._search_mask = mask
        return self._search_mask

    def _row_haystack(self) -> np.ndarray:
        """One lower-case string per row joining every column (built once: a search is then one
        vectorised ``str.contains`` per word, not a Python loop over rows and columns)."""
        n = self.source_count()
        if self._haystack is not None and len(self._haystack) == n:
            return self._haystack
        self._haystack_of = self._search_source()
        frame = self.search_frame()
        if frame is None or not len(frame.columns) or len(frame) != n:
            self._haystack = np.full(n, "", dtype=object)
            return self._haystack
        kinds = self.search_kinds()
        hay: pd.Series | None = None
        for name in frame.columns:
            column = frame[name]
            text = (
                column.astype(str) if column.dtype.kind in "iuf" else column.fillna("").astype(str)
            )
            if kinds.get(name) == "date":  # CCYY-MM-DD: also as CCYYMMDD and MM/DD/CCYY
                iso = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"  # [0-9]: \d is Unicode (charset.py)
                parts = text.str.extract(iso, expand=True).fillna("")
                has = parts[0] != ""
                digits = (parts[0] + parts[1] + parts[2]).where(has, "")
                us = (parts[1] + "/" + parts[2] + "/" + parts[0]).where(has, "")
                text = text + " " + digits + " " + us
            hay = text if hay is None else hay + "\x1f" + text
        assert hay is not None
        self._haystack = hay.str.lower().to_numpy(dtype=object)
        return self._haystack

    def _search_source(self) -> object:
        """What the haystack depends on (the table's frame; replaced when an edit rebuilds it)."""
        return getattr(getattr(self, "table", None), "frame", None)

    def _forget_haystack(self) -> None:
        """The values changed (an edit, a rebuilt table): search them afresh."""
        self._haystack = None
        self._search_mask = None

    def _on_data_changed(self, _top, _bottom, roles=()) -> None:
        # Edits re-derive rows (EditRole among the roles, or all roles); findings and masking
        # only change tints and what is shown, not the values searched.
        if (
            not roles or int(Qt.ItemDataRole.EditRole) in [int(r) for r in roles]
        ) and self._haystack is not None:
            self._forget_haystack()
            if self._search:
                self.refilter()
