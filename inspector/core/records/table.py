"""A compact column store for the rows the structure pass collects.

A list per row costs ~500 bytes plus one Python int object per segment ordinal; for 50,000
members that is most of the memory a load needs. Here text columns are plain lists (one pointer
per cell) and integer columns are ``array('i')`` (4 bytes per cell, no int objects).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np


class ColumnTable:
    """Rows appended as lists, stored column-wise."""

    def __init__(self, columns: Sequence[str], int_columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.index = {name: k for k, name in enumerate(self.columns)}
        ints = set(int_columns)
        self.is_int = [name in ints for name in self.columns]
        self.data: list = [array("i") if flag else [] for flag in self.is_int]
        # a row: ints, strings, and per-member lists that the pass fills in
        self.template: list[Any] = [0 if flag else "" for flag in self.is_int]
        self._pending: list[list] = []
        #: Per text column: a dict that gives one string object per value (None: the column's
        #: values are mostly distinct, e.g. SSNs, and are stored as they come; unset: not
        #: decided yet). Every split makes a new object even for "VA" or a plan id, which was
        #: 41 MB of a 50,000-member file's 160 MB of tables.
        self._share: list[dict[str, str] | None] | None = None

    def __len__(self) -> int:
        return (len(self.data[0]) if self.data else 0) + len(self._pending)

    def new_row(self) -> list:
        """A row list with every cell at its default ('' or 0), to fill and then append."""
        return self.template.copy()

    def append(self, row: list) -> None:
        # Rows wait in a small batch that is transposed with C-level extends: ~10x cheaper
        # than one append per cell.
        self._pending.append(row)
        if len(self._pending) >= 2048:
            self._flush()

    def extend(self, rows: Iterable[list]) -> None:
        """:meth:`append` of several rows at once."""
        self._pending.extend(rows)
        if len(self._pending) >= 2048:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            shares = self._share
            if shares is None:
                shares = self._share = [self._sharing(values) for values in zip(*self._pending)]
            for k, (column, values) in enumerate(zip(self.data, zip(*self._pending))):
                share = shares[k]
                if share is None:
                    column.extend(values)
                else:
                    try:
                        shared = list(map(share.setdefault, values, values))
                        column.extend(shared)
                    except TypeError:  # an unhashable cell: this column is not shared
                        column.extend(values)
                        shares[k] = None
            self._pending = []

    def _sharing(self, values: tuple) -> dict[str, str] | None:
        """A sharing dict for a text column whose first values repeat (see ``_share``)."""
        if not values or type(values[0]) is not str:  # ints, and lists still being filled
            return None
        if not all(type(v) is str for v in values):
            return None
        distinct = len(set(values))
        if distinct * 2 > len(values):  # mostly distinct (SSNs, ids)
            return None
        if len({id(v) for v in values}) <= 2 * distinct:  # already shared ("" everywhere)
            return None
        return {}

    def column(self, name: str):
        self._flush()
        return self.data[self.index[name]]

    def set_row(self, i: int, values: dict) -> None:
        """Overwrite the cells of row ``i`` named in ``values`` (after an edit)."""
        self._flush()
        for name, value in values.items():
            k = self.index.get(name)
            if k is not None:
                self.data[k][i] = int(value) if self.is_int[k] else value

    def row(self, i: int) -> list:
        self._flush()
        return [column[i] for column in self.data]

    def freeze(self) -> None:
        """Turn text columns into numpy object arrays, once, dropping the lists.

        DataFrames built afterwards share these arrays instead of holding a second copy of
        every pointer. Appending is no longer possible afterwards.
        """
        self._flush()
        self._share = None
        for k, column in enumerate(self.data):
            if not self.is_int[k] and isinstance(column, list):
                out = np.empty(len(column), dtype=object)
                out[:] = column
                self.data[k] = out

    def array(self, name: str) -> np.ndarray:
        """A column as a numpy array (int32 view without copying, or an object array)."""
        self._flush()
        k = self.index[name]
        column = self.data[k]
        if self.is_int[k]:
            if not len(column):
                return np.zeros(0, dtype=np.int32)
            return np.frombuffer(column, dtype=np.int32)
        if isinstance(column, np.ndarray):
            return column
        out = np.empty(len(column), dtype=object)
        out[:] = column
        return out


class RowView(Sequence[list]):
    """Read-only ``rows[i][k]`` access over a :class:`ColumnTable` (rows built on demand)."""

    def __init__(self, table: ColumnTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    @overload
    def __getitem__(self, i: int) -> list: ...
    @overload
    def __getitem__(self, i: slice) -> list[list]: ...
    def __getitem__(self, i: int | slice) -> list | list[list]:
        if isinstance(i, slice):
            return [self._table.row(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._table.row(i)

    def __iter__(self) -> Iterator[list]:
        self._table._flush()
        return (list(r) for r in zip(*self._table.data))
