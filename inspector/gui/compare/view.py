"""The compare view: counts at the top (each a category filter), the rows, a row's differences,
jumps to the member's segments in either file, export of the result.

The comparison runs in a :class:`CompareWorker` on its own thread, with progress and Cancel.
The view never reads files itself; it asks for segments by the ``segment_requested`` signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inspector.core.export.compare import CATEGORIES, CompareResult, report
from inspector.core.export.compare.masking import mask_result
from inspector.core.records.mask import MaskPolicy, describe_policy
from inspector.gui.compare.model import CompareModel
from inspector.gui.compare.worker import TOTAL, CompareWorker
from inspector.gui.workers import start_in_thread, wait_for_thread


class CompareView(QWidget):
    """Compare OLD with NEW and show the result."""

    segment_requested = Signal(Path, int)  # file, INS segment ordinal
    comparison_finished = Signal()  # a result, a failure or a cancel: the worker is done
    exported = Signal(str)  # a message naming what was written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.model = CompareModel(self)
        self.result: CompareResult | None = None
        #: View ▸ Mask Personal Data of the main window (None: nothing masked)
        self.mask_policy: MaskPolicy | None = None
        #: what is shown and exported: the result, masked under mask_policy
        self.shown: CompareResult | None = None
        self.message = ""
        self._worker: CompareWorker | None = None
        self._thread: QThread | None = None
        self._build()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("")
        self.title.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, TOTAL)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        self.counts = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for category, label in CATEGORIES.items():
            button = QToolButton()
            button.setObjectName(f"category_{category}")
            button.setCheckable(True)
            button.setChecked(category != "unchanged")
            button.setText(f"{label}\n–")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.toggled.connect(self._on_category_toggled)
            self.buttons[category] = button
            self.counts.addWidget(button)
        self.counts.addStretch(1)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by id, name or changed field…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.model.set_text_filter)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select a row to see what differs.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        self.show_old = QPushButton("Show in OLD")
        self.show_new = QPushButton("Show in NEW")
        self.export_button = QPushButton("Export…")
        self.show_old.clicked.connect(lambda: self._jump(old=True))
        self.show_new.clicked.connect(lambda: self._jump(old=False))
        self.export_button.clicked.connect(self._on_export_clicked)
        self.status = QLabel("")
        actions = QHBoxLayout()
        actions.addWidget(self.show_old)
        actions.addWidget(self.show_new)
        actions.addStretch(1)
        actions.addWidget(self.status)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(busy)
        layout.addLayout(self.counts)
        layout.addWidget(self.filter)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self._set_busy(False)
        self._update_buttons()

    # -- running ----------------------------------------------------------------------------
    def start(self, old: Path, new: Path, mapping: dict[str, str] | None = None) -> None:
        """Compare ``old`` with ``new`` in the background (a running comparison is cancelled)."""
        self.cancel()
        self.wait(10)
        self.title.setText(f"OLD  {old.name}   →   NEW  {new.name}")
        self.message = ""
        self.status.setText("Comparing…")
        self.progress.setValue(0)
        self._worker = worker = CompareWorker(Path(old), Path(new), mapping)
        worker.progressed.connect(self._on_worker_progressed)
        worker.done.connect(self._on_worker_compared)
        worker.failed.connect(self._on_worker_failed)
        worker.cancelled.connect(self._on_worker_cancelled)
        self._set_busy(True)
        self._thread = start_in_thread(worker, "compare", self._on_thread_finished)

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def wait(self, timeout_s: float = 30) -> bool:
        """Wait for a running comparison to end (the window is closing)."""
        if self._thread is None:
            return True
        return wait_for_thread(self._thread, timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None

    @Slot(int, int)
    def _on_worker_progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    @Slot(object)
    def _on_worker_compared(self, result: CompareResult) -> None:
        self.set_result(result)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self.message = message
        self.status.setText(message)

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self.message = "Comparison cancelled."
        self.status.setText(self.message)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread = None
        self._worker = None
        self._set_busy(False)
        self.comparison_finished.emit()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    # -- result -----------------------------------------------------------------------------
    def set_masking(self, policy: MaskPolicy | None) -> None:
        """Show (and export) the result with personal data masked under ``policy``."""
        self.mask_policy = policy
        if self.result is not None:
            self._show(self.result)

    def _show(self, result: CompareResult) -> None:
        current = self._current_source()
        self.shown = mask_result(result, self.mask_policy)
        self.model.set_result(self.shown)
        self.details.setPlainText("" if current is None else self.model.details(current))
        row = self.model.view_row(current) if current is not None else None
        if row is not None:  # the same member stays selected
            self.select_row(row)

    def set_result(self, result: CompareResult) -> None:
        self.result = result
        self._show(result)
        s = result.summary()
        mode = "  ·  audit mode: NEW is a full file" if result.audit else ""
        self.title.setText(
            f"OLD  {result.old.label} ({s['old_members']:,} members)   →   "
            f"NEW  {result.new.label} ({s['new_members']:,} members){mode}"
        )
        for category, count in result.counts.items():
            button = self.buttons[category]
            button.setText(f"{CATEGORIES[category]}\n{count:,}")
            audit_only = category in ("not_in_audit", "only_in_audit")
            button.setVisible(result.audit or not audit_only)
            button.setEnabled(count > 0)
        self.status.setText(f"{result.differences:,} differences")
        self.table.resizeColumnsToContents()
        self._update_buttons()

    @Slot(bool)
    def _on_category_toggled(self, _checked: bool) -> None:
        chosen = {c for c, b in self.buttons.items() if b.isChecked()}
        self.model.set_categories(chosen)
        self._update_buttons()

    def show_categories(self, categories: set[str]) -> None:
        """Check exactly these category buttons (the filter follows)."""
        for category, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(category in categories)
            button.blockSignals(False)
        self.model.set_categories(set(categories))

    def select_row(self, view_row: int) -> None:
        index = self.model.index(view_row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _current_source(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.source_row(index.row())

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        source = self._current_source()
        self.details.setPlainText("" if source is None else self.model.details(source))
        self._update_buttons()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        source = self._current_source()
        if source is not None:
            self._jump(old=self.model.where(source)[1] is None)

    def _update_buttons(self) -> None:
        source = self._current_source()
        old = new = None
        if source is not None and self.result is not None:
            old, new = self.model.where(source)
        r = self.result
        self.show_old.setEnabled(old is not None and r is not None and r.old.kind == "834")
        self.show_new.setEnabled(new is not None and r is not None and r.new.kind == "834")
        self.export_button.setEnabled(r is not None)

    def _jump(self, old: bool) -> None:
        source = self._current_source()
        if source is None or self.result is None:
            return
        where = self.model.where(source)[0 if old else 1]
        side = self.result.old if old else self.result.new
        if where is not None and side.kind == "834":
            self.segment_requested.emit(side.path, where)

    # -- export -----------------------------------------------------------------------------
    @Slot()
    def _on_export_clicked(self) -> None:
        filters = ["CSV files, three tables (*.csv)"]
        if report.xlsx_available():
            filters.insert(0, "Excel workbook (*.xlsx)")
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export comparison",
            "compare.xlsx" if len(filters) > 1 else "compare.csv",
            ";;".join(filters),
        )
        if path:
            self.export_to(Path(path), xlsx="xlsx" in chosen or path.lower().endswith(".xlsx"))

    def export_to(self, path: Path, xlsx: bool) -> list[Path]:
        """Write the result: one workbook at ``path``, or three CSVs in ``path``'s folder."""
        shown = self.shown
        if shown is None:
            return []
        try:
            if xlsx:
                written = [report.write_xlsx(shown, path.with_suffix(".xlsx"))]
            else:
                written = report.write_csvs(shown, path.parent)
        except OSError as exc:
            self.status.setText(f"Could not write {path.name}: {exc.strerror or exc}")
            return []
        message = "Exported " + ", ".join(p.name for p in written)
        if self.mask_policy is not None:
            message += f" ({describe_policy(self.mask_policy)})"
        self.status.setText(message)
        self.exported.emit(message)
        return written
