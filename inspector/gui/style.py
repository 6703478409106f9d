"""Look and feel: the app style sheet and the common set-up of every table view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

STYLE_SHEET = """
QFrame#summaryStrip { background: #f4f6f9; border-bottom: 1px solid #d5dae1; }
QLabel[role="chipName"] { color: #5f6b7a; }
QLabel[role="chipValue"] { font-weight: 600; color: #1f2933; }
QLabel[role="chipValue"][tone="error"] { color: #b3261e; }
QLabel[role="chipValue"][tone="warning"] { color: #9a6700; }
QLabel[role="chipValue"][tone="ok"] { color: #1e7b34; }
QLabel[role="panelTitle"] { font-weight: 600; color: #1f2933; }
QLabel[role="count"] { color: #5f6b7a; }
QToolButton[role="filterChip"] { background: #e8f1fb; border: 1px solid #8fb3de;
    border-radius: 9px; padding: 1px 8px; color: #1e4f8a; font-weight: 600; }
QToolButton[role="filterChip"]:hover { background: #d3e4f7; }
QFrame#banner[tone="error"] { background: #fde7e9; border: 1px solid #f1aeb5; border-radius: 4px; }
QFrame#banner[tone="warning"] { background: #fff4ce; border: 1px solid #f2d37b; border-radius: 4px; }
QFrame#banner[tone="info"] { background: #e8f1fb; border: 1px solid #b5d0ee; border-radius: 4px; }
QFrame#recoveryBanner { background: #fff4ce; border: 1px solid #f2d37b; border-radius: 4px; }
QLabel#startTitle { font-size: 20pt; font-weight: 600; color: #1f2933; }
QLabel#startHint { font-size: 12pt; color: #5f6b7a; }
QFrame#dropZone { border: 2px dashed #aab4c0; border-radius: 12px; background: #fafbfc; }
QLabel#messageTitle { font-size: 15pt; font-weight: 600; }
QTableView { gridline-color: #e3e7ec; }
QLabel[role="overviewHeading"] { font-size: 13pt; font-weight: 600; color: #1f2933; }
QFrame[role="tile"] { background: #f7f9fb; border: 1px solid #dfe4ea; border-radius: 6px; }
QFrame[role="tile"][tone="error"] { background: #fdecec; border: 1px solid #f1aeb5; }
QFrame[role="tile"][tone="warning"] { background: #fff6dc; border: 1px solid #f2d37b; }
QFrame[role="tile"][tone="ok"] { background: #eaf6ec; border: 1px solid #a9d8b4; }
QFrame[role="tile"] QLabel { background: transparent; border: none; }
QLabel[role="tileCaption"] { color: #5f6b7a; }
QLabel[role="tileValue"] { font-size: 13pt; font-weight: 600; color: #1f2933; }
QFrame[tone="error"] QLabel[role="tileValue"] { color: #b3261e; }
QFrame[tone="warning"] QLabel[role="tileValue"] { color: #8a5a00; }
QFrame[tone="ok"] QLabel[role="tileValue"] { color: #1e7b34; }
QLabel[role="tileNote"] { color: #5f6b7a; }
"""


def apply_style(app: QApplication) -> None:
    """Fusion everywhere (same look on every platform) plus the app's few custom touches."""
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)


def configure_table(
    view: QTableView,
    object_name: str,
    accessible_name: str,
    description: str = "",
    sortable: bool = True,
) -> None:
    """Settings every table shares: whole-row selection, compact fixed rows, keyboard-friendly."""
    view.setObjectName(object_name)
    view.setAccessibleName(accessible_name)
    if description:
        view.setAccessibleDescription(description)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTabKeyNavigation(False)  # Tab moves to the next control, arrows move in the table
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # required for millions of rows
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setResizeContentsPrecision(200)  # widths from the first rows, not all 50,000
    header.setMinimumSectionSize(36)
    if sortable:
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)


def fit_columns(view: QTableView, samples: list[list[str]], maximum: int = 280) -> None:
    """Size each column to its header and a sample of its values, within a sensible maximum.

    Measures strings directly (a few thousand font-metric calls) instead of
    ``resizeColumnsToContents``, which asks the model for every role of hundreds of rows.
    """
    header = view.horizontalHeader()
    text_metrics = view.fontMetrics()
    bold = header.font()
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    model = view.model()
    for section, values in enumerate(samples):
        if header.isSectionHidden(section):
            continue
        label = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        width = max(
            [
                header_metrics.horizontalAdvance(label) + 28,
                *(text_metrics.horizontalAdvance(v) + 16 for v in values),
            ]
        )
        header.resizeSection(section, min(width, maximum))
