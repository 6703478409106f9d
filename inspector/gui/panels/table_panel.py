"""A titled table with a filter row and a count label; the base of every panel."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.models.roles import SOURCE_ROW_ROLE
from inspector.gui.style import configure_table

FILTER_DELAY_MS = 200


class CountLabel(QLabel):
    """The count at a panel's top right ("40 members, 6 with errors").

    Its minimum width is its whole text up to :data:`COUNT_MIN_CAP` pixels (the longer "so far
    (checking…)" form while checks run is clipped first): a usual count is
    never cut off (the filter box and the combo boxes shrink first), while a long one ("1 of 43
    coverages, 2 with errors so far (checking…)") may be clipped on a narrow window rather than
    forcing the window wider than the screen; the tooltip always holds the whole text.
    """

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), COUNT_MIN_CAP))
        return hint

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)


COUNT_MIN_CAP = 200


class TablePanel(QWidget):
    """Title, tool row (filters), table, count. Subclasses add their filters to ``tools``."""

    filter_text_changed = Signal(str)

    def __init__(
        self,
        title: str,
        view_name: str,
        accessible_name: str,
        description: str = "",
        filter_hint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(3)
        self.tools = QHBoxLayout()
        self.tools.setSpacing(6)
        self._tools: list[QWidget] = []
        self.title = QLabel(title)
        self.title.setProperty("role", "panelTitle")
        self.tools.addWidget(self.title)
        self.tools.addSpacing(8)
        self.filter_box: QLineEdit | None = None
        if filter_hint is not None:
            box = QLineEdit()
            box.setObjectName(f"{view_name}Filter")
            box.setPlaceholderText(filter_hint)
            box.setAccessibleName(f"Filter {accessible_name.lower()}")
            box.setClearButtonEnabled(True)
            box.setToolTip(f"{filter_hint}: type to filter, Enter to go to the table (Ctrl+F)")
            box.setMinimumWidth(90)
            box.setMaximumWidth(280)
            self.filter_box = box
            self._filter_timer = QTimer(self)
            self._filter_timer.setSingleShot(True)
            self._filter_timer.setInterval(FILTER_DELAY_MS)
            self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
            box.textChanged.connect(self._on_filter_box_text_changed)
            box.returnPressed.connect(self._on_filter_box_return_pressed)
            self.tools.addWidget(box)
        self.tools.addStretch(1)
        self.count = CountLabel()
        self.count.setProperty("role", "count")
        self.count.setObjectName(f"{view_name}Count")
        layout.addLayout(self.tools)
        self.view = QTableView()
        configure_table(self.view, view_name, accessible_name, description)
        layout.addWidget(self.view, 1)
        self.tools.addWidget(self.count)
        header = self.view.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)
        self._restore_row: int | None = None
        self.copy_action = QAction("&Copy", self.view)
        self.copy_action.setObjectName(f"{view_name}Copy")
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.setStatusTip(
            "Copy the selected rows with their headers, tab-separated (pastes into columns)"
        )
        self.copy_action.triggered.connect(self.copy_selection)
        self.view.addAction(self.copy_action)

    def add_tool(self, widget: QWidget, minimum_width: int = 60) -> None:
        """Add a filter control after the filter box; it may shrink to ``minimum_width``."""
        widget.setMinimumWidth(minimum_width)
        widget.setMaximumWidth(max(minimum_width, 190))
        self.tools.insertWidget(self.tools.count() - 2, widget)
        self._tools.append(widget)

    def focus_chain(self) -> list[QWidget]:
        """The panel's controls in Tab order: filter box, other filters, then the table."""
        chain: list[QWidget] = [self.filter_box] if self.filter_box is not None else []
        chain += [w for w in self._tools if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        return [*chain, self.view]

    # -- selection that survives a filter ---------------------------------------------------
    def watch_model(self, model) -> None:
        """Keep the current row (by source row) across model resets caused by filtering."""
        model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        model.modelReset.connect(self._on_model_reset)

    def _on_model_about_to_be_reset(self) -> None:
        current = self.view.currentIndex()
        self._restore_row = current.data(SOURCE_ROW_ROLE) if current.isValid() else None

    def _on_model_reset(self) -> None:
        source = self._restore_row
        self._restore_row = None
        if source is None:
            return
        row = self.view.model().view_row(source)
        if row is not None:
            self.select_view_row(row)

    def select_view_row(self, row: int) -> None:
        model = self.view.model()
        index = model.index(row, max(self.view.currentIndex().column(), 0))
        self.view.setCurrentIndex(index)
        self.view.selectRow(row)
        self.view.scrollTo(index)

    def current_source_row(self) -> int | None:
        current = self.view.currentIndex()
        return current.data(SOURCE_ROW_ROLE) if current.isValid() else None

    # -- filter box -------------------------------------------------------------------------
    def focus_filter(self) -> None:
        if self.filter_box is not None:
            self.filter_box.setFocus()
            self.filter_box.selectAll()
        else:
            self.view.setFocus()

    def _on_filter_box_text_changed(self, _text: str) -> None:
        self._filter_timer.start()

    def _on_filter_box_return_pressed(self) -> None:
        self._filter_timer.stop()
        self._on_filter_timer_timeout()
        self.view.setFocus()

    def _on_filter_timer_timeout(self) -> None:
        if self.filter_box is not None:
            self.filter_text_changed.emit(self.filter_box.text())

    # -- column chooser ---------------------------------------------------------------------
    def _on_header_context_menu_requested(self, pos) -> None:
        model = self.view.model()
        if model is None:
            return
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for section in range(model.columnCount(QModelIndex())):
            label = model.headerData(section, header.orientation())
            action = QAction(str(label), menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(section))
            action.toggled.connect(lambda shown, s=section: header.setSectionHidden(s, not shown))
            menu.addAction(action)
        menu.exec(header.mapToGlobal(pos))

    # -- copy -------------------------------------------------------------------------------
    def selection_text(self) -> str:
        """The selected rows (or cells) as shown, with a header line, tab-separated.

        Only the visible columns, in the order they are shown; values as the view shows them
        (masked while masking is on). Nothing selected: the current cell.
        """
        view, model = self.view, self.view.model()
        if model is None:
            return ""
        header = view.horizontalHeader()
        indexes = view.selectionModel().selectedIndexes() if view.selectionModel() else []
        if not indexes and view.currentIndex().isValid():
            indexes = [view.currentIndex()]
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        by_row: dict[int, set[int]] = {}
        for i in indexes:
            by_row.setdefault(i.row(), set()).add(i.column())
        visible = [
            header.logicalIndex(v)
            for v in range(header.count())
            if not header.isSectionHidden(header.logicalIndex(v))
        ]
        chosen = set().union(*by_row.values())
        columns = [c for c in visible if c in chosen] or visible
        display = Qt.ItemDataRole.DisplayRole

        def cell(value) -> str:
            text = "" if value is None else str(value)
            return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")

        lines = ["\t".join(cell(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns)]
        for r in rows:
            lines.append("\t".join(cell(model.index(r, c).data(display)) for c in columns))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> int:
        """Ctrl+C: put :meth:`selection_text` on the clipboard; returns the rows copied."""
        text = self.selection_text()
        if not text:
            return 0
        clipboard = QGuiApplication.clipboard() if QApplication.instance() else None
        if clipboard is not None:
            clipboard.setText(text)
        return text.count("\n") - 1
