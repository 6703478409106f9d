"""The raw file, one segment per row, computed from the segment store on demand.

Nothing is built per segment: a 1.5 M-segment file costs the store's arrays only. Segments with
findings are tinted, and :data:`SPANS_ROLE` gives the character spans of the elements a finding
names so a delegate can mark them.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontDatabase

from inspector.core.findings import Finding
from inspector.core.records.document import Document
from inspector.gui.models.finding_index import FindingIndex, tooltip
from inspector.gui.models.guide_names import element_label, guide_of
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.roles import (
    CLEAN,
    RANK,
    SEGMENT_RANGE_ROLE,
    SEVERITY_ROLE,
    SOURCE_ROW_ROLE,
    SPANS_ROLE,
    WARNING,
    header_data,
    row_brush,
)

ORDINAL, LINE, LOOP, TEXT = range(4)
HEADERS = ("#", "Line", "Loop", "Segment")
HEADER_TIPS = (
    "Segment number in the file (ISA = 1), as pyx12 counts them",
    "Physical line in the file",
    "Implementation-guide loop the segment belongs to",
    "The segment as written in the file",
)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ELEMENT = re.compile(r"(\d{1,2})(?:-\d+)?$")


def element_number(element: str, segment_id: str | None) -> int | None:
    """``"DMG02"`` → 2 (``"N301"`` with id ``N3`` → 1); None if it names no element."""
    rest = element
    if segment_id and element.upper().startswith(segment_id.upper()):
        rest = element[len(segment_id) :]
    match = _ELEMENT.search(rest)
    return int(match.group(1)) if match else None


def element_span(text: str, separator: str, number: int) -> tuple[int, int]:
    """Character span of element ``number`` (1-based) in a segment's text; past the end if absent."""
    start = 0
    for k, part in enumerate(text.split(separator)):
        if k == number:
            return start, start + len(part)
        start += len(part) + 1
    return len(text), len(text)


class SegmentsModel(QAbstractTableModel):
    """Read-only view of every segment of a document."""

    def __init__(self, doc: Document, index: FindingIndex, parent=None) -> None:
        super().__init__(parent)
        self._mask: ViewMask | None = None
        self._bind(doc, index)
        self._font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    def set_mask(self, mask: ViewMask | None) -> None:
        """Show the personal elements of each segment masked (or not); computed per shown row,
        from the segment's own elements (no per-segment cache: 1.5 M segments stay cheap)."""
        self._mask = mask
        if self._count:
            self.dataChanged.emit(
                self.index(0, TEXT),
                self.index(self._count - 1, TEXT),
                [int(_DISPLAY), int(Qt.ItemDataRole.ToolTipRole), int(SPANS_ROLE)],
            )

    def text(self, ordinal: int) -> str:
        """The segment as shown: as written in the file, personal elements masked if asked."""
        text = self.store.display(ordinal)
        if self._mask is None:
            return text
        return self._mask.segment(text, self.store.delimiters.element)

    def _bind(self, doc: Document, index: FindingIndex) -> None:
        self.doc = doc
        self.store = doc.store
        self.structure = doc.structure
        self.index_ = index
        self._lines = doc.store.lines
        self._ids = doc.store.ids
        self._count = len(doc.store)

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        return header_data(section, orientation, role, HEADERS[:4], HEADER_TIPS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        o = row + 1
        if role == _DISPLAY:
            if column == ORDINAL:
                return str(o)
            if column == LINE:
                return str(int(self._lines[row]))
            if column == LOOP:
                return self.structure.loop_path(o)
            return self.text(o)
        if role == Qt.ItemDataRole.BackgroundRole:
            rank = self.index_.segment_rank(o)
            return row_brush(rank) if rank != CLEAN else None
        if role == Qt.ItemDataRole.ToolTipRole:
            found = self.index_.at_segment(o)
            shown = self._mask.message if self._mask is not None else None
            said = tooltip(found, message=shown) if found else ""
            if column != TEXT:
                return said or None
            named = self.element_tooltip(o)  # every element with its name in the guide
            return "\n\n".join(p for p in (said, named) if p) or None
        if role == Qt.ItemDataRole.FontRole:
            return self._font if column == TEXT else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in (ORDINAL, LINE) else None
        if role == SPANS_ROLE:
            return self.spans(o) if column == TEXT else None
        if role == SEVERITY_ROLE:
            return self.index_.segment_rank(o)
        if role == SOURCE_ROW_ROLE:
            return row
        if role == SEGMENT_RANGE_ROLE:
            return (o, o)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def element_tooltip(self, ordinal: int, limit: int = 40) -> str:
        """The segment's elements, one a line, each named as the implementation guide names it
        in the segment's loop (``NM103 Member Last Name: SMITH``); values as shown (masked while
        masking is on). Computed on hover only."""
        parts = self.text(ordinal).split(self.store.delimiters.element)
        seg_id = parts[0]
        loop = self.structure.loop_path(ordinal)
        guide = guide_of(self.structure.transactions, ordinal)
        lines = []
        for k, value in enumerate(parts[1 : limit + 1], start=1):
            name = element_label(seg_id, k, loop, guide)
            lines.append(
                f"{seg_id}{k:02d} {name}: {value}" if name else f"{seg_id}{k:02d}: {value}"
            )
        if len(parts) - 1 > limit:
            lines.append(f"… and {len(parts) - 1 - limit} more elements")
        return "\n".join(lines)

    # -- findings ---------------------------------------------------------------------------
    def spans(self, ordinal: int) -> list[tuple[int, int, int]]:
        found: list[Finding] = self.index_.at_segment(ordinal)
        if not found:
            return []
        text = self.text(ordinal)
        sep = self.store.delimiters.element
        seg_id = self._ids[ordinal - 1]
        spans = []
        for f in found:
            if not f.element:
                continue
            number = element_number(f.element, f.segment_id or seg_id)
            if number is None or number == 0:
                continue
            start, end = element_span(text, sep, number)
            spans.append((start, end, RANK.get(f.severity, WARNING)))
        return spans

    def segments_edited(self, doc: Document, ordinals: list[int]) -> None:
        """Segments rewritten by an edit (same segments, new bytes): show their new text."""
        self.store = doc.store
        self._lines = doc.store.lines
        self._ids = doc.store.ids
        if ordinals:
            top, bottom = min(ordinals) - 1, max(ordinals) - 1
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, 3), [])

    def replace_document(self, doc: Document, index: FindingIndex) -> None:
        """The document was derived again from scratch (an edit outside any member)."""
        self.beginResetModel()
        self._bind(doc, index)
        self.endResetModel()

    def findings_changed(self, ordinals: list[int]) -> None:
        if not ordinals:
            return
        top, bottom = min(ordinals) - 1, max(ordinals) - 1
        self.dataChanged.emit(
            self.index(top, 0),
            self.index(bottom, 3),
            [
                int(Qt.ItemDataRole.BackgroundRole),
                int(Qt.ItemDataRole.ToolTipRole),
                int(SPANS_ROLE),
            ],
        )
