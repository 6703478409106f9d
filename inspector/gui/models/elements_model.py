"""The elements of one segment, one per row, for the segment editor (values editable)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from inspector.core.reading.source import SegmentStore
from inspector.core.records.mask import TABLE_FILL, element_kind
from inspector.gui.models.masking import ViewMask
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
    """Rows: ``DMG01``, ``DMG02`` … (components as ``INS06-01``); the value column is editable.

    With a :class:`ViewMask` the value column shows personal data masked; the editor of a value
    (``EditRole``) still gets the real one.
    """

    edit_rejected = Signal(str, int)  # reason, row

    def __init__(
        self,
        store: SegmentStore,
        segment: int,
        editor: ElementEditor | None,
        names,
        parent=None,
        mask: ViewMask | None = None,
    ) -> None:
        super().__init__(parent)
        self.segment = segment
        self._editor = editor
        self._names = names  # (segment id, position) -> name
        self._mask = mask
        self._rows: list[tuple[str, str, str]] = []  # element, name, value
        self._shown: list[str] = []  # the value column as shown (masked or not)
        self.segment_id = ""
        self._store = store
        self.reload(store)

    def set_mask(self, mask: ViewMask | None) -> None:
        self._mask = mask
        self.reload(self._store)

    def reload(self, store: SegmentStore) -> None:
        """Read the segment again (after any change to the document)."""
        self._store = store
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
        self._shown = self._masked_values(rows, elements, store)
        if len(rows) == len(self._rows):  # the usual case: values changed in place
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, 2), [])
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def _masked_values(
        self, rows: list[tuple[str, str, str]], elements: list[str], store: SegmentStore
    ) -> list[str]:
        """The value column as shown: each element masked as its segment says (NM109 under
        NM108=34, DMG02, ...); a component of a masked element is masked whole."""
        if self._mask is None:
            return [value for _e, _n, value in rows]
        decoded = [store.decode(e) for e in elements]
        masked = self._mask.masker.elements(decoded, fill=TABLE_FILL)
        shown = []
        for element, _name, value in rows:
            k = int(element[len(elements[0]) :][:2])
            if masked is decoded or k >= len(masked) or masked[k] == decoded[k]:
                shown.append(value)
            elif "-" in element[len(elements[0]) :]:  # a component of a masked element
                shown.append(TABLE_FILL * 4 if value else value)
            else:
                shown.append(masked[k])
        return shown

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
            return self._shown[index.row()] if column == VALUE else (element, name)[column]
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
        typed = "" if value is None else str(value)
        reason = self._editor.edit_element(self.segment, element, typed)
        if reason is not None:
            if self._mask is not None:  # the refusal may quote what was typed
                reason = self._mask.typed(reason, element_kind(element, self.segment_id), typed)
            self.edit_rejected.emit(reason, index.row())
            return False
        return True

    def _editable(self, row: int) -> bool:
        return self._editor is not None and self._rows[row][0] not in FIXED
