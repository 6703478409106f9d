"""The elements of one segment, one per row, for the segment editor (values editable)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from inspector.core.reading.source import SegmentStore
from inspector.gui.models.roles import EDIT_HINT_ROLE, EditHint

ELEMENT, NAME, VALUE = range(3)
HEADERS = ("Element", "Name", "Value")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
#: ISA elements that declare the file's delimiters: changing them would re-split the whole file.
FIXED = {"ISA11", "ISA16"}


class ElementEditor(Protocol):
    def element_hint(self, segment: int, element: str) -> EditHint: ...

    def edit_element(self, segment: int, element: str, value: str) -> str | None:
        """Apply the edit; None, or the reason it was refused."""


class ElementsModel(QAbstractTableModel):
    """Rows: ``DMG01``, ``DMG02`` … (components as ``INS06-01``); the value column is editable."""

    edit_rejected = Signal(str, int)  # reason, row

    def __init__(
        self, store: SegmentStore, segment: int, editor: ElementEditor | None, names, parent=None
    ) -> None:
        super().__init__(parent)
        self.segment = segment
        self._editor = editor
        self._names = names  # (segment id, position) -> name
        self._rows: list[tuple[str, str, str]] = []  # element, name, value
        self.segment_id = ""
        self.reload(store)

    def reload(self, store: SegmentStore) -> None:
        """Read the segment again (after any change to the document)."""
        d = store.delimiters
        elements = store.raw(self.segment).split(d.element)
        sid = elements[0]
        self.segment_id = sid
        known = 0
        while self._names(sid, known + 1):
            known += 1
        rows = []
        for k in range(1, max(len(elements), known + 1)):
            value = elements[k] if k < len(elements) else ""
            name = self._names(sid, k)
            parts = value.split(d.component) if sid != "ISA" else [value]
            if len(parts) > 1:
                for c, part in enumerate(parts, start=1):
                    rows.append(
                        (
                            f"{sid}{k:02d}-{c:02d}",
                            f"{name} ({c})" if name else "",
                            store.decode(part),
                        )
                    )
            else:
                rows.append((f"{sid}{k:02d}", name, store.decode(value)))
        if len(rows) == len(self._rows):  # the usual case: values changed in place
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 2), [])
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def element(self, row: int) -> str:
        return self._rows[row][0]

    def row_of(self, element: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r[0] == element), None)

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < 3:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if not index.isValid():
            return None
        element, name, value = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return (element, name, value)[column]
        if role == _EDIT and column == VALUE:
            return value
        if role == EDIT_HINT_ROLE and column == VALUE and self._editable(index.row()):
            return self._editor.element_hint(self.segment, element)
        if role == Qt.ItemDataRole.ToolTipRole and column == VALUE and element in FIXED:
            return f"{element} declares one of the file's delimiters and cannot be edited"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == VALUE and self._editable(index.row()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = _EDIT) -> bool:
        if (
            role != _EDIT
            or not index.isValid()
            or index.column() != VALUE
            or not self._editable(index.row())
        ):
            return False
        element = self._rows[index.row()][0]
        reason = self._editor.edit_element(
            self.segment, element, "" if value is None else str(value)
        )
        if reason is not None:
            self.edit_rejected.emit(reason, index.row())
            return False
        return True

    def _editable(self, row: int) -> bool:
        return self._editor is not None and self._rows[row][0] not in FIXED
