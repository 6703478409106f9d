"""The corrections made to a document, newest first: what, where, before, after, when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inspector.core.editing.session import Change
from inspector.gui.models.roles import SEGMENT_RANGE_ROLE, header_data

WHEN, WHAT, WHERE, BEFORE, AFTER = range(5)
HEADERS = ("When", "What", "Where", "Before", "After")
TIPS = (
    "When the correction was made (hover for the date)",
    "The field and the element (segment id and position) that was changed",
    "The member (#position and name) and the segment (id and number in the file)",
    "The value before the correction",
    "The value after the correction",
)
_DISPLAY = Qt.ItemDataRole.DisplayRole


@dataclass(frozen=True)
class HistoryEntry:
    """A correction described for people."""

    when: str  # 16:48:56
    when_full: str  # 2026-11-26 16:48:56 +00:00
    what: str  # Birth date (DMG02)
    where: str  # #28 SMITH, JANE · DMG 748
    before: str
    after: str
    segment: int
    where_full: str = ""  # DMG segment 748, member #28 SMITH, JANE


class HistoryModel(QAbstractTableModel):
    """Read-only; rebuilt after every change (the history is short)."""

    def __init__(self, describe: Callable[[Change], HistoryEntry], parent=None) -> None:
        super().__init__(parent)
        self._describe = describe
        self._cache: dict[Change, HistoryEntry] = {}
        self._entries: list[HistoryEntry] = []

    def set_history(self, changes: list[Change]) -> None:
        """The applied corrections, oldest first (as the edit session keeps them)."""
        cache = {c: self._cache.get(c) or self._describe(c) for c in changes}
        self.beginResetModel()
        self._cache = cache
        self._entries = [cache[c] for c in reversed(changes)]
        self.endResetModel()

    def redescribe(self, changes: list[Change]) -> None:
        """Describe every correction again (masking of personal data switched on or off)."""
        self._cache = {}
        self.set_history(changes)

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        return header_data(section, orientation, role, HEADERS, TIPS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if not index.isValid():
            return None
        e = self._entries[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return (e.when, e.what, e.where, e.before, e.after)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WHEN:
                return e.when_full
            return (None, e.what, e.where_full or e.where, e.before, e.after)[column] or None
        if role == SEGMENT_RANGE_ROLE:
            return (e.segment, e.segment)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
