"""The main window: composes the start page, the document tabs, the actions and the menus."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from inspector.core.records.mask import describe_policy
from inspector.gui import dialogs, gc_guard
from inspector.gui.actions import WindowActions
from inspector.gui.corrections_dialog import CorrectionsApplier
from inspector.gui.dialogs import APP_TITLE
from inspector.gui.document_tab import DocumentTab
from inspector.gui.dropping import local_files
from inspector.gui.export_actions import Exporter
from inspector.gui.session import DocumentSession
from inspector.gui.settings import Settings
from inspector.gui.start_page import StartPage
from inspector.resources import demo_path

FILE_FILTER = "X12 834 files (*.834 *.edi *.txt *.x12 *.dat);;All files (*)"
QUIT_WAIT_S = 5.0
DIRTY = "\u2022 "  # marks a document with unsaved corrections (tab and window title)

#: A command on the current document tab (run only when there is one).
TabCommand = Callable[[DocumentTab], object]


class MainWindow(QMainWindow):
    """One tab per open file; an empty start page when nothing is open."""

    document_loaded = Signal(Path)  # the tables of this file are populated
    validation_finished = Signal(Path)  # every finding of this file is in
    load_failed = Signal(Path, str)  # the file could not be opened (message shown in its tab)

    def __init__(
        self, settings: Settings | None = None, use_pyx12: bool = True, use_rules: bool = True
    ) -> None:
        """``use_pyx12``/``use_rules`` switch the implementation-guide and business-rule checks
        (both on in the app; tests and benchmarks may leave one out to run faster)."""
        super().__init__()
        gc_guard.install()
        self.settings = settings or Settings()
        self.use_pyx12 = use_pyx12
        self.use_rules = use_rules
        self._retiring: list[DocumentSession] = []
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1400, 900)

        self.start_page = StartPage()
        self.start_page.open_requested.connect(self.open_dialog)
        self.start_page.demo_requested.connect(self._on_open_demo_triggered)
        self.start_page.recent_chosen.connect(self._on_start_page_recent_chosen)
        self.start_page.show_recent(self.settings.recent_files())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("documentTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.tabs.tabCloseRequested.connect(self._on_tabs_tab_close_requested)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.actions_ = WindowActions(self, self.settings)
        self.actions_.build_menus(self)
        self.exporter = Exporter(self, self.settings)
        self.exporter.exported.connect(self._on_exporter_exported)
        self.exporter.export_failed.connect(self._on_exporter_export_failed)
        self.corrections = CorrectionsApplier(self)
        self.corrections.applied.connect(self._on_exporter_exported)
        self.corrections.failed.connect(self._on_exporter_export_failed)
        self._wire_actions()
        self.mask_indicator = QLabel()  # says so while personal data is masked (screen shares)
        self.mask_indicator.setObjectName("maskIndicator")
        self.statusBar().addPermanentWidget(self.mask_indicator)
        self._show_mask_indicator()
        self.statusBar().showMessage("Ready: open or drop an 834 file", 5000)
        self._restore_window()
        self._on_tabs_current_changed(-1)

    # -- public API -------------------------------------------------------------------------
    def open_paths(self, paths: list[Path]) -> None:
        """Open each file in its own tab (a file already open just gets its tab shown)."""
        for raw in paths:
            path = Path(raw).expanduser().resolve()
            existing = self.tab_for(path)
            if existing is not None:
                self.tabs.setCurrentWidget(existing)
                continue
            tab = DocumentTab(path, self.settings, self.use_pyx12, self.use_rules)
            tab.loaded.connect(self._on_tab_loaded)
            tab.validation_finished.connect(self.validation_finished)
            tab.load_failed.connect(self._on_tab_load_failed)
            tab.close_requested.connect(self._on_tab_close_requested)
            tab.status_changed.connect(self._on_tab_status_changed)
            tab.edits_changed.connect(self._on_tab_edits_changed)
            tab.set_masking(self.settings.mask_policy())
            tab.summary.add_action(self.actions_.export_worklist, "Export worklist\u2026")
            tab.restore_layout()
            index = self.tabs.addTab(tab, path.name)
            self.tabs.setTabToolTip(index, str(path))
            self.tabs.setCurrentIndex(index)
            self.stack.setCurrentWidget(self.tabs)
            tab.start()
            if path.parent.is_dir():
                self.settings.set_last_folder(path.parent)

    @property
    def closing_sessions(self) -> int:
        """Sessions of closed tabs whose background work is still ending."""
        return len(self._retiring)

    def document_tabs(self) -> list[DocumentTab]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def current_tab(self) -> DocumentTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, DocumentTab) else None

    def tab_for(self, path: Path) -> DocumentTab | None:
        return next((t for t in self.document_tabs() if t.path == path), None)

    def close_tab(self, index: int) -> bool:
        """Close a tab, asking first if it has unsaved corrections; False if it stays open."""
        tab = self.tabs.widget(index)
        if not isinstance(tab, DocumentTab):
            return False
        if not self._settle_unsaved(tab):
            return False
        tab.save_layout()
        session = tab.shutdown(keep_journal=False)
        if session is not None and not session.idle:
            self._retiring.append(session)
            session.stopped.connect(self._on_retired_session_stopped)
        self.tabs.removeTab(index)
        tab.deleteLater()
        if self.tabs.count() == 0:
            self.start_page.show_recent(self.settings.recent_files())
            self.stack.setCurrentWidget(self.start_page)
            self.start_page.open_button.setFocus()
        return True

    def ask_unsaved_changes(self, tab: DocumentTab) -> str:
        """ "save", "discard" or "cancel" for a tab with unsaved corrections (tests replace it)."""
        return dialogs.ask_unsaved(self, tab.path.name, tab.edit_count)

    def _settle_unsaved(self, tab: DocumentTab) -> bool:
        """True when the tab may close: nothing unsaved, saved now, or discarded."""
        if not tab.dirty:
            return True
        self.tabs.setCurrentWidget(tab)
        choice = self.ask_unsaved_changes(tab)
        if choice == dialogs.SAVE:
            return self.exporter.save_corrected(tab)
        return choice == dialogs.DISCARD

    # -- slots: actions ---------------------------------------------------------------------
    @Slot()
    def open_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Open 834 files", self.settings.last_folder(), FILE_FILTER
        )
        if names:
            self.open_paths([Path(n) for n in names])

    def _wire_actions(self) -> None:
        a = self.actions_
        a.open.triggered.connect(self.open_dialog)
        a.open_demo.triggered.connect(self._on_open_demo_triggered)
        a.recent.file_chosen.connect(self._on_recent_file_chosen)
        a.close_tab.triggered.connect(self._on_close_tab_triggered)
        a.quit.triggered.connect(self.close)
        a.goto.triggered.connect(self._on_goto_triggered)
        a.next_tab.triggered.connect(lambda: self._step_tab(1))
        a.previous_tab.triggered.connect(lambda: self._step_tab(-1))
        a.stop_checks.triggered.connect(self._on_stop_checks_triggered)
        a.about.triggered.connect(self._on_about_triggered)
        a.shortcuts.triggered.connect(self._on_shortcuts_triggered)
        a.mask_phi.toggled.connect(self._on_mask_toggled)
        a.mask_names.toggled.connect(self._on_mask_toggled)
        a.compare.triggered.connect(self._on_compare_triggered)
        a.rule_profile.profile_chosen.connect(self._on_rule_profile_chosen)
        a.open_demo.setEnabled(demo_path().is_file())
        self.start_page.demo_button.setVisible(demo_path().is_file())
        for action, command in self._tab_commands():
            action.triggered.connect(lambda _c=False, run=command: self._with_tab(run))

    def _tab_commands(self) -> list[tuple[QAction, TabCommand]]:
        """The actions that act on the current tab, each with what it does."""
        a, exporter = self.actions_, self.exporter
        commands: list[tuple[QAction, TabCommand]] = [
            (action, partial(DocumentTab.focus_view, number=number))
            for number, action in enumerate(a.view_actions)
        ]
        commands += [
            (a.overview, DocumentTab.show_overview),
            (a.next_view, lambda tab: tab.cycle_view(1)),
            (a.previous_view, lambda tab: tab.cycle_view(-1)),
            (a.filter, DocumentTab.focus_filter),
            (a.next_finding, lambda tab: tab.step_finding(1)),
            (a.previous_finding, lambda tab: tab.step_finding(-1)),
            (a.undo, DocumentTab.undo),
            (a.redo, DocumentTab.redo),
            (a.save_corrected, exporter.save_corrected),
            (a.apply_corrections, self.corrections.apply_corrections),
            (a.set_field, DocumentTab.set_field_for_selection),
            (a.export_worklist, exporter.export_worklist),
            (a.export_report, exporter.export_report),
            (a.export_corrections, exporter.export_corrections),
            (a.export_members, exporter.export_members),
            (a.export_coverage, exporter.export_coverage),
            (a.export_findings, exporter.export_findings),
            (a.export_834, exporter.save_corrected),
            (a.export_ack, exporter.export_ack),
        ]
        return commands

    def _with_tab(self, command: TabCommand) -> None:
        tab = self.current_tab()
        if tab is not None:
            command(tab)

    def _step_tab(self, delta: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + delta) % self.tabs.count())

    @Slot()
    def _on_start_page_recent_chosen(self, path: Path) -> None:
        self.open_paths([path])

    def _on_open_demo_triggered(self) -> None:
        self.open_paths([demo_path()])

    @Slot(Path)
    def _on_recent_file_chosen(self, path: Path) -> None:
        if path.is_file():
            self.open_paths([path])
        else:
            self.settings.remove_recent_file(path)
            self.statusBar().showMessage(f"{path.name} no longer exists", 5000)

    @Slot()
    def _on_close_tab_triggered(self) -> None:
        if self.tabs.count():
            self.close_tab(self.tabs.currentIndex())

    @Slot()
    def _on_compare_triggered(self) -> None:
        from inspector.gui.compare import open_compare  # built only when asked for

        tab = self.current_tab()
        open_compare(self, tab.path if tab is not None else None)

    @Slot()
    def _on_goto_triggered(self) -> None:
        tab = self.current_tab()
        if tab is not None and tab.state == "loaded":
            tab.segments.focus_filter()

    @Slot()
    def _on_stop_checks_triggered(self) -> None:
        tab = self.current_tab()
        if tab is not None and tab.session is not None:
            tab.session.cancel_validation()

    @Slot(bool)
    def _on_mask_toggled(self, _checked: bool) -> None:
        """View ▸ Mask Personal Data (and names too): remembered, applied to every open file."""
        a = self.actions_
        self.settings.set_mask_phi(a.mask_phi.isChecked())
        self.settings.set_mask_names(a.mask_names.isChecked())
        a.mask_names.setEnabled(a.mask_phi.isChecked())
        policy = self.settings.mask_policy()
        for tab in self.document_tabs():
            tab.set_masking(policy)
        for view in self.findChildren(QWidget, "compareView"):  # open File ▸ Compare windows
            view.set_masking(policy)
        self._show_mask_indicator()
        what = describe_policy(policy)
        self.statusBar().showMessage(
            what[:1].upper() + what[1:] + (" (editors show the real values)" if policy else ""),
            8000,
        )

    def _show_mask_indicator(self) -> None:
        policy = self.settings.mask_policy()
        text = describe_policy(policy) if policy is not None else ""
        self.mask_indicator.setText(text[:1].upper() + text[1:])
        self.mask_indicator.setToolTip("View \u25b8 Mask Personal Data" if policy else "")
        self.mask_indicator.setVisible(policy is not None)

    @Slot()
    def _on_about_triggered(self) -> None:
        dialogs.show_about(self)

    @Slot()
    def _on_shortcuts_triggered(self) -> None:
        dialogs.show_shortcuts(self)

    # -- slots: tabs ------------------------------------------------------------------------
    @Slot(int)
    def _on_tabs_tab_close_requested(self, index: int) -> None:
        self.close_tab(index)

    @Slot()
    def _on_tab_close_requested(self) -> None:
        index = self.tabs.indexOf(self.sender())
        if index >= 0:
            self.close_tab(index)

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        tab = self.current_tab()
        self.actions_.set_document_actions_enabled(tab is not None)
        self._show_edit_state(tab)  # the other tabs' labels did not change
        # the status line is the shown tab's own, never what another tab said last
        if tab is not None and tab.last_status:
            self.statusBar().showMessage(tab.last_status, 8000)
        elif tab is not None:
            self.statusBar().clearMessage()

    @Slot()
    def _on_tab_edits_changed(self) -> None:
        sender = self.sender()
        self._show_edit_state(sender if isinstance(sender, DocumentTab) else None)

    def _label_tab(self, tab: DocumentTab) -> None:
        """The dirty marker and tooltip of one tab (set only when they change)."""
        i = self.tabs.indexOf(tab)
        if i < 0:
            return
        text = f"{DIRTY if tab.dirty else ''}{tab.path.name}"
        if self.tabs.tabText(i) != text:
            self.tabs.setTabText(i, text)
        tip = f"{tab.path}\nUnsaved corrections" if tab.dirty else str(tab.path)
        if self.tabs.tabToolTip(i) != tip:
            self.tabs.setTabToolTip(i, tip)

    def _show_edit_state(self, changed: DocumentTab | None = None) -> None:
        """Dirty markers on the tab that changed (every tab when not known) and the title;
        Undo/Redo for the current tab."""
        for tab in [changed] if changed is not None else self.document_tabs():
            self._label_tab(tab)
        tab = self.current_tab()
        if tab is None:
            self.setWindowTitle(APP_TITLE)
            self.actions_.set_edit_state(None, None)
            return
        self.setWindowTitle(f"{DIRTY if tab.dirty else ''}{tab.path.name} \u2014 {APP_TITLE}")
        self.actions_.set_edit_state(tab.undo_text(), tab.redo_text())

    @Slot(str)
    def _on_exporter_exported(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    @Slot(str)
    def _on_exporter_export_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        tab = self.current_tab()
        if tab is not None:
            tab.show_notice(message, "error")

    @Slot(Path)
    def _on_tab_loaded(self, path: Path) -> None:
        self.settings.add_recent_file(path)
        self.document_loaded.emit(path)

    @Slot(Path, str)
    def _on_tab_load_failed(self, path: Path, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        self.load_failed.emit(path, message)

    @Slot(str)
    def _on_rule_profile_chosen(self, name: str) -> None:
        self.statusBar().showMessage(
            f"Rule profile {name}: applies to the files opened from now on", 8000
        )

    @Slot(str)
    def _on_tab_status_changed(self, message: str) -> None:
        if self.sender() is self.current_tab():
            self.statusBar().showMessage(message, 8000)

    @Slot()
    def _on_retired_session_stopped(self) -> None:
        session = self.sender()
        self._retiring = [s for s in self._retiring if s is not session]

    # -- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_files(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_paths(paths)

    # -- window state -----------------------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self.settings.state("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        for tab in self.document_tabs():
            if not self._settle_unsaved(tab):
                event.ignore()
                return
        self.settings.set_state("window/geometry", self.saveGeometry())
        tab = self.current_tab()
        if tab is not None:
            tab.save_layout()
        sessions = [t.shutdown(keep_journal=False) for t in self.document_tabs()] + self._retiring
        for session in sessions:
            if session is not None:
                session.wait(QUIT_WAIT_S)
        self._retiring = []
        self.exporter.wait_for_jobs(QUIT_WAIT_S)  # a workbook being written is finished first
        self.settings.sync()
        super().closeEvent(event)
