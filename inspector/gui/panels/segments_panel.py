"""The raw file: one segment per row, with the bad elements marked."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSpinBox, QWidget

from inspector.gui.models.segments_model import LINE, LOOP, ORDINAL, TEXT, SegmentsModel
from inspector.gui.panels.table_panel import TablePanel
from inspector.gui.segment_delegate import SegmentTextDelegate


class SegmentsPanel(TablePanel):
    """Segments of the whole file (virtual: rows are computed when shown).

    Double-click, F2 or the context menu asks to edit the current segment's elements
    (``segment_edit_requested``); the tab opens the editor.
    """

    segment_edit_requested = Signal(int)  # segment ordinal

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Segments",
            "segmentsView",
            "Segments",
            "The file as written, one segment per row; segments with findings are "
            "tinted and the element at fault is underlined",
            None,
            parent,
        )
        self.view.setSortingEnabled(False)
        self.view.horizontalHeader().setSortIndicatorShown(False)
        self.view.horizontalHeader().setSectionsMovable(False)
        self.view.setAlternatingRowColors(False)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setItemDelegateForColumn(TEXT, SegmentTextDelegate(self.view))
        label = QLabel("&Go to segment:")
        self.goto = QSpinBox()
        self.goto.setObjectName("segmentsGoto")
        self.goto.setAccessibleName("Go to segment number")
        self.goto.setMinimum(1)
        self.goto.setKeyboardTracking(False)
        self.goto.setToolTip("Type a segment number and press Enter (Ctrl+G)")
        label.setBuddy(self.goto)
        self.goto.editingFinished.connect(self._on_goto_editing_finished)
        self.add_tool(label, 20)
        self.add_tool(self.goto, 60)
        self.model: SegmentsModel | None = None
        self.edit_action = QAction("&Edit Segment\u2026", self.view)
        self.edit_action.setObjectName("actionEditSegment")
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_action.setStatusTip("Change an element of this segment")
        self.edit_action.triggered.connect(self._on_edit_action_triggered)
        self.view.addAction(self.edit_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.doubleClicked.connect(self._on_view_double_clicked)

    def set_model(self, model: SegmentsModel) -> None:
        self.model = model
        self.view.setModel(model)
        count = model.rowCount()
        self.goto.setMaximum(max(count, 1))
        self.count.setText(f"{count:,} segments")
        header = self.view.horizontalHeader()
        metrics = self.view.fontMetrics()
        digits = metrics.horizontalAdvance("9" * len(str(count))) + 16
        header.resizeSection(ORDINAL, max(digits, 40))
        header.resizeSection(LINE, max(digits, 40))
        header.resizeSection(LOOP, metrics.horizontalAdvance("2000/2700/2750") + 14)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)

    def focus_filter(self) -> None:
        self.goto.setFocus()
        self.goto.selectAll()

    def show_segments(self, first: int, last: int | None = None, center: bool = False) -> None:
        """Select segments ``first..last`` (ordinals) and scroll them into view."""
        if self.model is None:
            return
        n = self.model.rowCount()
        last = first if last is None else last
        first, last = max(1, min(first, n)), max(1, min(last, n))
        top = self.model.index(first - 1, 0)
        bottom = self.model.index(last - 1, self.model.columnCount() - 1)
        selection = self.view.selectionModel()
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection.setCurrentIndex(top, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.select(QItemSelection(top, bottom), flags)
        hint = (
            QAbstractItemView.ScrollHint.PositionAtCenter
            if center or first == last
            else QAbstractItemView.ScrollHint.PositionAtTop
        )
        if hint == QAbstractItemView.ScrollHint.PositionAtTop and first > 1:
            self.view.scrollTo(self.model.index(first - 2, 0), hint)  # one row of context
        else:
            self.view.scrollTo(top, hint)

    def _on_edit_action_triggered(self) -> None:
        current = self.view.currentIndex()
        if self.model is not None and current.isValid():
            self.segment_edit_requested.emit(current.row() + 1)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.segment_edit_requested.emit(index.row() + 1)

    def _on_goto_editing_finished(self) -> None:
        if self.model is not None and self.goto.hasFocus():
            self.show_segments(self.goto.value(), center=True)
            self.view.setFocus()
