"""The findings list: grows while validation streams in, sortable and filterable without a proxy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from inspector.core.findings import Finding
from inspector.core.reading.source import SegmentStore
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.roles import (
    INFO,
    RANK,
    SEGMENT_RANGE_ROLE,
    SEVERITY_LABEL,
    SEVERITY_ROLE,
    SOURCE_ROW_ROLE,
    header_data,
    row_brush,
    severity_icon,
)
from inspector.gui.models.row_order_model import NATURAL, RowOrderModel

SEVERITY, CODE, MEMBER, SEGMENT, LINE, ELEMENT, SOURCE, MESSAGE = range(8)
HEADERS = ("Severity", "Code", "Member", "Segment", "Line", "Element", "Source", "Message")
SOURCE_LABEL = {
    "implementation-guide": "Implementation guide",
    "business-rule": "Business rule",
    "envelope": "Envelope",
}
_NUMERIC = {SEVERITY, SEGMENT, LINE, MEMBER}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class FindingsModel(RowOrderModel):
    """One row per finding."""

    def __init__(self, store: SegmentStore | None = None, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.findings: list[Finding] = []
        self._ranks: list[int] = []
        self._counts = {0: 0, 1: 0}  # errors, warnings
        self._severities: set[int] | None = None
        self._sources: set[str] | None = None
        self._text = ""
        self._keys: dict[int, list] = {}  # sort keys per column, extended as findings arrive
        self._mask: ViewMask | None = None
        self._member: int | None = None  # show only this member's findings (member_pos)
        self._names: Callable[[int], str] | None = None  # member_pos -> name as shown
        self._hay: list[str] | None = None  # lower-case searched text per finding (lazily)

    def set_member_names(self, names: Callable[[int], str] | None) -> None:
        """How to name a member (by ``member_pos``) in the Member column and the search: the
        members table as shown, so masked names stay masked."""
        self._names = names
        self._forget_text()

    def _forget_text(self) -> None:
        self._keys.pop(MESSAGE, None)
        self._keys.pop(MEMBER, None)
        self._hay = None

    def set_mask(self, mask: ViewMask | None) -> None:
        """Show messages (and the member's id, if it is an SSN) with personal data masked; the
        text filter then searches what is shown."""
        self._mask = mask
        self._forget_text()
        if self._text:
            self.refilter()
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, len(HEADERS) - 1),
                [int(_DISPLAY), int(Qt.ItemDataRole.ToolTipRole)],
            )

    def shown(self, f: Finding) -> Finding:
        """The finding as the list shows it (masked while masking is on)."""
        return f if self._mask is None else self._mask.finding(f)

    # -- content ----------------------------------------------------------------------------
    def append(self, batch: list[Finding]) -> None:
        """Add findings; they appear in the current sort order and filter."""
        if not batch:
            return
        start = len(self.findings)
        self.findings.extend(batch)
        ranks = [RANK.get(f.severity, INFO) for f in batch]
        self._ranks.extend(ranks)
        for rank in ranks:
            if rank in self._counts:
                self._counts[rank] += 1
        for column, keys in self._keys.items():
            keys.extend(self._sort_key(f, r, column) for f, r in zip(batch, ranks))
        if self._hay is not None:
            self._hay.extend(self._finding_text(f) for f in batch)
        self._inverse = None
        new = np.arange(start, len(self.findings), dtype=np.int64)
        if self._filtering:
            new = new[self._passes(new)]
        if new.size:
            first = len(self._rows)
            self.updating += 1
            self.beginInsertRows(QModelIndex(), first, first + int(new.size) - 1)
            self._rows = np.concatenate([self._rows, new])
            self._inverse = None
            self.endInsertRows()
            self.updating -= 1
            if self.sort_column != NATURAL:
                self.resort()
        self.rows_changed.emit()

    def remove_where(self, doomed: Callable[[Finding], bool]) -> int:
        """Remove the findings for which ``doomed`` is true (rows removed, no reset); count."""
        n = len(self.findings)
        mask = np.fromiter((bool(doomed(f)) for f in self.findings), dtype=bool, count=n)
        removed = int(mask.sum())
        if not removed:
            return 0
        view_rows = np.flatnonzero(mask[self._rows]) if len(self._rows) else np.zeros(0, int)
        # Contiguous runs of view rows, removed bottom-up so earlier runs keep their rows.
        runs: list[tuple[int, int]] = []
        for row in view_rows.tolist():
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        self.updating += 1  # the current row may move: that is no choice of the user's
        for first, last in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._rows = np.concatenate([self._rows[:first], self._rows[last + 1 :]])
            self._inverse = None
            self.endRemoveRows()
        self.updating -= 1
        # Renumber the remaining source rows and drop the removed findings.
        shift = np.cumsum(mask) - mask
        self._rows = (self._rows - shift[self._rows]).astype(np.int64)
        keep = (~mask).tolist()
        for rank, gone in zip(self._ranks, mask.tolist()):
            if gone and rank in self._counts:
                self._counts[rank] -= 1
        self.findings = [f for f, k in zip(self.findings, keep) if k]
        if self._hay is not None:
            self._hay = [h for h, k in zip(self._hay, keep) if k]
        self._ranks = [r for r, k in zip(self._ranks, keep) if k]
        for column, keys in self._keys.items():
            self._keys[column] = [v for v, k in zip(keys, keep) if k]
        self._inverse = None
        self.rows_changed.emit()
        return removed

    def set_store(self, store: SegmentStore) -> None:
        """The document's store after an edit (line numbers are read from it)."""
        self.store = store

    def finding(self, view_row: int) -> Finding:
        return self.findings[self.source_row(view_row)]

    # -- filters ----------------------------------------------------------------------------
    def set_severity_filter(self, ranks: set[int] | None) -> None:
        self._severities = ranks
        self.refilter()

    def set_source_filter(self, sources: set[str] | None) -> None:
        self._sources = sources
        self.refilter()

    def set_text_filter(self, text: str) -> None:
        self._text = text.strip().lower()
        self.refilter()

    def set_member_filter(self, member_pos: int | None) -> None:
        """Show only the findings of this member (1-based position), or every finding."""
        if member_pos == self._member:
            return
        self._member = member_pos
        self.refilter()

    def first_row_of_member(self, member_pos: int) -> int | None:
        """The first view row showing a finding of this member, or None."""
        fs = self.findings
        for row, src in enumerate(self._rows.tolist()):
            if fs[src].member_pos == member_pos:
                return row
        return None

    def count_text(self) -> str:
        total = len(self.findings)
        errors, warnings = self._counts[0], self._counts[1]
        shown = self.rowCount()
        head = f"{total:,} findings" if shown == total else f"{shown:,} of {total:,} findings"
        return f"{head} ({errors:,} errors, {warnings:,} warnings)"

    # -- RowOrderModel ----------------------------------------------------------------------
    def source_count(self) -> int:
        return len(self.findings)

    @property
    def _filtering(self) -> bool:
        return (
            self._severities is not None
            or self._sources is not None
            or bool(self._text)
            or self._member is not None
        )

    def filter_mask(self) -> np.ndarray | None:
        if not self._filtering:
            return None
        return self._passes(np.arange(len(self.findings), dtype=np.int64))

    def _passes(self, rows: np.ndarray) -> np.ndarray:
        """Which of these source rows pass the filters (only they are looked at)."""
        fs, ranks = self.findings, self._ranks
        idx = rows.tolist()
        keep = np.ones(len(idx), dtype=bool)
        if self._severities is not None:
            keep &= np.fromiter((ranks[i] in self._severities for i in idx), bool, len(idx))
        if self._sources is not None:
            keep &= np.fromiter((fs[i].source in self._sources for i in idx), bool, len(idx))
        if self._member is not None:
            keep &= np.fromiter((fs[i].member_pos == self._member for i in idx), bool, len(idx))
        words = self._text.split()
        if words and len(idx):
            if self._hay is None:
                self._hay = [self._finding_text(f) for f in fs]
            hay = pd.Series([self._hay[i] for i in idx], dtype=object)
            for word in words:
                keep &= hay.str.contains(word, regex=False).to_numpy(dtype=bool)
        return keep

    def _finding_text(self, f: Finding) -> str:
        """What the text filter searches: code, message, element, member name and ids, as
        shown (masked while masking is on)."""
        shown = self.shown(f)
        return (
            f"{shown.code} {shown.message} {shown.element or ''} {shown.subscriber_id or ''} "
            f"{self._member_label(shown)} {SOURCE_LABEL.get(f.source, f.source)}"
        ).lower()

    def sorted_sources(self, column: int, ascending: bool) -> np.ndarray:
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = [
                self._sort_key(f, r, column) for f, r in zip(self.findings, self._ranks)
            ]
        series = pd.Series(keys, dtype="float64" if column in _NUMERIC else object)
        return series.sort_values(
            kind="mergesort", ascending=ascending, na_position="last"
        ).index.to_numpy()

    def _sort_key(self, f: Finding, rank: int, column: int):
        if column == SEVERITY:
            return float(rank)
        if column in (SEGMENT, LINE):
            return np.nan if f.segment is None else float(f.segment)
        if column == MEMBER:
            return np.nan if f.member_pos is None else float(f.member_pos)
        return self._text_of(f, column) or None

    # -- Qt model API -----------------------------------------------------------------------
    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        return header_data(section, orientation, role, HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if not index.isValid():
            return None
        src = int(self._rows[index.row()])
        f = self.findings[src]
        column = index.column()
        if role == _DISPLAY:
            if column == LINE:
                return self._line(f)
            return self._text_of(f, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return finding_tooltip(self.shown(f))
        if role == Qt.ItemDataRole.BackgroundRole:
            return row_brush(self._ranks[src])
        if role == Qt.ItemDataRole.DecorationRole:
            return severity_icon(self._ranks[src]) if column == SEVERITY else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (SEGMENT, LINE) else None
        if role == SEVERITY_ROLE:
            return self._ranks[src]
        if role == SOURCE_ROW_ROLE:
            return src
        if role == SEGMENT_RANGE_ROLE:
            return (f.segment, f.segment) if f.segment else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _line(self, f: Finding) -> str:
        if f.segment is None or self.store is None or not 1 <= f.segment <= len(self.store):
            return ""
        return str(self.store.line(f.segment))

    def _text_of(self, f: Finding, column: int) -> str:
        if column == SEVERITY:
            return SEVERITY_LABEL.get(RANK.get(f.severity, INFO), f.severity.capitalize())
        if column == CODE:
            return f.code
        if column == MEMBER:
            return self._member_label(self.shown(f))
        if column == SEGMENT:
            return "" if f.segment is None else str(f.segment)
        if column == LINE:
            return self._line(f)
        if column == ELEMENT:
            return f.element or f.segment_id or ""
        if column == SOURCE:
            return SOURCE_LABEL.get(f.source, f.source)
        return self.shown(f).message

    def _member_label(self, f: Finding) -> str:
        """``#12 HUGHES, JACK`` (the name as the members table shows it), else ``#12 <id>``."""
        if f.member_pos is None:
            return ""
        name = self._names(f.member_pos) if self._names is not None else ""
        if name:
            return f"#{f.member_pos} {name}"
        return f"#{f.member_pos} {f.subscriber_id}" if f.subscriber_id else f"#{f.member_pos}"


def finding_tooltip(f: Finding) -> str:
    """A finding's message; for a business rule also the rule's title, source and fix."""
    if f.source != "business-rule":
        return f.message
    from inspector.core.validation.catalogue import rule_explanation

    explained = rule_explanation(f.code)
    return f"{f.message}\n\n{f.code}: {explained}" if explained else f.message
