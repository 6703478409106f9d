"""Custom item roles and the colours that mark findings, shared by every model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

# Severity ranks live with the finding index (no Qt there); re-exported for the models.
from inspector.gui.models.finding_index import CLEAN, ERROR, INFO, RANK, WARNING  # noqa: F401

SEVERITY_LABEL = {ERROR: "Error", WARNING: "Warning", INFO: "Info"}

#: The source row behind a view row (int), for navigation code.
SOURCE_ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: Worst severity rank of the row (int, CLEAN when nothing was found).
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 2
#: Segment text spans to mark: list of (start, end, rank) character offsets.
SPANS_ROLE = Qt.ItemDataRole.UserRole + 3
#: First and last segment ordinal a row stands for: (first, last).
SEGMENT_RANGE_ROLE = Qt.ItemDataRole.UserRole + 4
#: How an editable cell is edited: an :class:`EditHint` (kind, code list, label).
EDIT_HINT_ROLE = Qt.ItemDataRole.UserRole + 5


@dataclass(frozen=True)
class EditHint:
    """What an editor for a value should offer: ``kind`` is text | id | code | date | amount."""

    kind: str = "text"
    codes: dict[str, str] | None = None
    label: str = ""
    element: str = ""  # e.g. "DMG02"


_ROW_TINT = {ERROR: "#fbe0e0", WARNING: "#fff1cc", INFO: "#e3eefb"}
_CELL_TINT = {ERROR: "#f4b4b4", WARNING: "#ffd98a", INFO: "#bcd6f5"}
_MARK = {ERROR: "#c62828", WARNING: "#d68910", INFO: "#1e6bb8"}


@cache
def row_brush(rank: int) -> QBrush | None:
    """Light tint for a whole row whose worst finding has this severity."""
    colour = _ROW_TINT.get(rank)
    return QBrush(QColor(colour)) if colour else None


@cache
def cell_brush(rank: int) -> QBrush | None:
    """Stronger tint for the very cell (element) a finding points at."""
    colour = _CELL_TINT.get(rank)
    return QBrush(QColor(colour)) if colour else None


@cache
def mark_colour(rank: int) -> QColor:
    """Saturated colour for underlines and severity dots."""
    return QColor(_MARK.get(rank, "#777777"))


@cache
def severity_icon(rank: int) -> QIcon:
    """A small filled dot in the severity colour (no image files needed)."""
    size = 12
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(mark_colour(rank))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def header_data(
    section: int,
    orientation: Qt.Orientation,
    role: int,
    labels: Sequence[str],
    tips: Sequence[str] | Callable[[int], str] | None = None,
):
    """headerData for the tables: column labels (and tooltips), row numbers from 1."""
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(labels):
        if role == Qt.ItemDataRole.DisplayRole:
            return labels[section]
        if role == Qt.ItemDataRole.ToolTipRole and tips is not None:
            return tips(section) if callable(tips) else tips[section]
    elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
        return str(section + 1)
    return None
