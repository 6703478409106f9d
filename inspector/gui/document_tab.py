"""One open file: summary strip, its Overview and the members/coverage/segments/findings
panels (two pages, the Overview first), and its session."""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QSplitter, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from inspector.core.export.overview import file_profile
from inspector.core.progress import TimeLeft
from inspector.core.records.mask import MaskPolicy
from inspector.gui.banner import ActivityRow, Banner
from inspector.gui.editing.controller import DocumentEditor
from inspector.gui.editing.recovery_banner import RecoveryBanner
from inspector.gui.editing.tab_editing import EditingViews, TabEditing
from inspector.gui.message_pages import LoadingPage, MessagePage
from inspector.gui.models.findings_model import FindingsModel
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.record_model import RecordModel
from inspector.gui.models.segments_model import SegmentsModel
from inspector.gui.navigation import SelectionSync
from inspector.gui.panels.detail_pane import DetailPane
from inspector.gui.panels.findings_panel import FindingsPanel
from inspector.gui.panels.history_panel import HistoryPanel
from inspector.gui.panels.overview import OverviewPanel
from inspector.gui.panels.record_panels import CoveragePanel, MembersPanel
from inspector.gui.panels.segments_panel import SegmentsPanel
from inspector.gui.prepared import PreparedDocument
from inspector.gui.session import DocumentSession
from inspector.gui.settings import Settings
from inspector.gui.summary_strip import SummaryStrip

REFRESH_MS = 700  # re-apply findings-dependent sorts/filters at most this often
_SPLITTERS = ("outer", "top", "left", "bottom", "right")
_HEADERS = ("members", "coverage", "findings")


class DocumentTab(QWidget):
    """Everything about one file; the main window holds one per tab."""

    loaded = Signal(Path)
    validation_finished = Signal(Path)
    load_failed = Signal(Path, str)
    close_requested = Signal()
    status_changed = Signal(str)
    edits_changed = Signal()  # undo/redo availability or the unsaved state changed

    def __init__(
        self,
        path: Path,
        settings: Settings,
        use_pyx12: bool = True,
        use_rules: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.settings = settings
        self.use_pyx12 = use_pyx12
        self.use_rules = use_rules
        self.prepared: PreparedDocument | None = None
        self.session: DocumentSession | None = None
        self.sync: SelectionSync | None = None
        self.editing: TabEditing | None = None
        self.state = "loading"  # loading | loaded | failed | cancelled
        self.notes: list[str] = []  # validation problems shown in the banner
        self.mask_policy: MaskPolicy | None = None  # View ▸ Mask Personal Data
        self.view_mask: ViewMask | None = None

        self.summary = SummaryStrip()
        self.summary.show_file(path)
        self.banner = Banner()
        self.notice = Banner()  # edits refused, exports written or failed
        self.recovery = RecoveryBanner()
        self.activity = ActivityRow()
        self.activity.stop_requested.connect(self._on_activity_stop_requested)

        self.members = MembersPanel()
        self.coverage = CoveragePanel()
        self.segments = SegmentsPanel()
        self.detail = DetailPane()  # the finding selected, in full (beside the segments)
        self.findings = FindingsPanel()
        self.history = HistoryPanel()
        self.history.hide()  # shown once the document has corrections
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("leftSplitter")
        self.left.addWidget(self.members)
        self.left.addWidget(self.coverage)
        self.left.setStretchFactor(0, 3)
        self.left.setStretchFactor(1, 2)
        self.top = QSplitter(Qt.Orientation.Horizontal)
        self.top.setObjectName("topSplitter")
        self.top.addWidget(self.left)
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        self.right.addWidget(self.segments)
        self.right.addWidget(self.detail)
        self.right.setStretchFactor(0, 1)
        self.right.setStretchFactor(1, 1)
        self.top.addWidget(self.right)
        self.top.setStretchFactor(0, 3)
        self.top.setStretchFactor(1, 2)
        self.outer = QSplitter(Qt.Orientation.Vertical)
        self.outer.setObjectName("outerSplitter")
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        self.bottom.setObjectName("bottomSplitter")
        self.bottom.addWidget(self.findings)
        self.bottom.addWidget(self.history)
        self.bottom.setStretchFactor(0, 2)
        self.bottom.setStretchFactor(1, 1)
        self.outer.addWidget(self.top)
        self.outer.addWidget(self.bottom)
        self.outer.setStretchFactor(0, 4)
        self.outer.setStretchFactor(1, 1)
        for splitter in (self.left, self.top, self.outer, self.bottom, self.right):
            splitter.setChildrenCollapsible(False)
        # Sensible first layout at 1400x900; the user's own is restored from the settings.
        self.left.setSizes([470, 210])
        self.top.setSizes([850, 550])
        self.outer.setSizes([600, 250])
        self.right.setSizes([300, 380])
        self.bottom.setSizes([950, 450])

        self.loading_page = LoadingPage()
        self.loading_page.cancel_requested.connect(self.cancel_load)
        self.message_page = MessagePage()
        self.message_page.retry_requested.connect(self.start)
        self.message_page.close_requested.connect(self.close_requested)
        # The loaded file: its Overview (shown first) and the tables, one click apart.
        self.overview = OverviewPanel()
        self.overview.rule_chosen.connect(self._on_overview_rule_chosen)
        self.overview.tables_requested.connect(self.show_tables)
        self.views = QTabWidget()
        self.views.setObjectName("documentViews")
        self.views.setDocumentMode(True)
        self.views.addTab(self.overview, "Overview")
        self.views.addTab(self.outer, "Tables")
        self.views.setTabToolTip(0, "Counts, totals and problems by rule (Ctrl+0)")
        self.views.setTabToolTip(1, "Members, coverage, segments and findings (Ctrl+1 … Ctrl+4)")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.loading_page)
        self.pages.addWidget(self.views)
        self.pages.addWidget(self.message_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        layout.addWidget(self.recovery)
        layout.addWidget(self.notice)
        layout.addWidget(self.activity)
        layout.addWidget(self.pages, 1)
        self.last_status = ""  # this tab's latest status line (the window shows the current tab's)
        self.status_changed.connect(self._on_status_changed)
        self._time_left = TimeLeft()  # of the implementation-guide check
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._on_refresh_timeout)
        chain = [w for panel in self.panels for w in panel.focus_chain()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- lifecycle --------------------------------------------------------------------------
    @property
    def panels(self) -> tuple:
        return (self.members, self.coverage, self.segments, self.findings)

    @property
    def splitters(self) -> tuple[QSplitter, ...]:
        return (self.outer, self.top, self.left, self.bottom, self.right)

    @property
    def busy(self) -> bool:
        return self.session is not None and (self.session.loading or self.session.validating)

    @property
    def dirty(self) -> bool:
        """The document has corrections that were not saved as a corrected 834."""
        return self.editing is not None and self.editing.dirty

    @property
    def can_undo(self) -> bool:
        return self.editing is not None and self.editing.can_undo

    @property
    def can_redo(self) -> bool:
        return self.editing is not None and self.editing.can_redo

    @property
    def edit_count(self) -> int:
        """Corrections in effect (0 before the file is loaded)."""
        return self.editing.edit_count if self.editing is not None else 0

    @property
    def editor(self) -> DocumentEditor | None:
        """The corrections of the loaded document (None until it is loaded)."""
        if self.state != "loaded" or self.editing is None:
            return None
        return self.editing.editor

    def undo_text(self) -> str | None:
        """Undo's menu text ("Undo Birth date (DMG02)"), or None when there is nothing to undo."""
        return self.editing.undo_text() if self.editing is not None and self.can_undo else None

    def redo_text(self) -> str | None:
        """Redo's menu text, or None when there is nothing to redo."""
        return self.editing.redo_text() if self.editing is not None and self.can_redo else None

    def undo(self) -> None:
        if self.editing is not None and self.state == "loaded":
            self.editing.undo()

    def redo(self) -> None:
        if self.editing is not None and self.state == "loaded":
            self.editing.redo()

    def set_field_for_selection(self) -> None:
        """Edit ▸ Set Field for Selected Rows…: in the coverage table when it has the focus,
        else in the members table."""
        if self.editing is None or self.state != "loaded":
            return
        table = "coverage" if self.coverage.view.hasFocus() else "members"
        self.editing.set_field_for_selection(table)

    def set_masking(self, policy: MaskPolicy | None) -> None:
        """Show personal data masked under ``policy`` (None: as in the file) in every view."""
        self.mask_policy = policy
        if self.prepared is not None and self.editing is not None:
            self._apply_mask()

    def _apply_mask(self) -> None:
        policy, editing = self.mask_policy, self.editing
        assert editing is not None
        mask = ViewMask(policy, editing.editor.doc.members) if policy is not None else None
        self.view_mask = mask
        self.members.model.set_mask(mask)
        self.coverage.model.set_mask(mask)
        self.segments.model.set_mask(mask)
        self.findings.model.set_mask(mask)
        editing.set_mask(mask)
        self.detail.refresh()

    def start(self) -> None:
        """Start (or restart) loading the file in the background."""
        old = self.session
        if old is not None:  # "Try again": the old session has ended or is ending
            old.stopped.connect(old.deleteLater)
            old.shutdown()
        self.state = "loading"
        self.notes = []
        self.banner.hide()
        self.loading_page.show_file(self.path.name)
        self.pages.setCurrentWidget(self.loading_page)
        self.loading_page.cancel.setFocus()
        self.rule_profiles = self._rule_profiles()
        session = DocumentSession(
            self.path,
            use_pyx12=self.use_pyx12,
            use_rules=self.use_rules,
            profiles=self.rule_profiles,
            journal_dir=self.settings.journal_dir(),
            parent=self,
        )
        session.load_progressed.connect(self._on_session_load_progressed)
        session.loaded.connect(self._on_session_loaded)
        session.load_failed.connect(self._on_session_load_failed)
        session.load_cancelled.connect(self._on_session_load_cancelled)
        session.findings_arrived.connect(self._on_session_findings_arrived)
        session.validation_progressed.connect(self._on_session_validation_progressed)
        session.validation_note.connect(self._on_session_validation_note)
        session.validation_finished.connect(self._on_session_validation_finished)
        self.session = session
        self.status_changed.emit(f"Opening {self.path.name}…")
        session.start()

    def _rule_profiles(self) -> tuple:
        """The rule profile chosen in Findings ▸ Rule Profile, resolved (base if it has become
        unusable: the banner says why)."""
        from inspector.core.validation.profiles import ProfileError, load_profile

        name = self.settings.rule_profile()
        try:
            return (load_profile(name, folder=self.settings.profiles_dir()),)
        except ProfileError as exc:
            message = f"Rule profile not used, base rules only: {exc}"
            self.notes.append(message)
            self.banner.show_message(message, "warning")
            return ()

    def cancel_load(self) -> None:
        if self.session is not None and self.session.loading:
            self.loading_page.label.setText(f"Cancelling {self.path.name}…")
            self.loading_page.cancel.setEnabled(False)
            self.session.cancel_load()

    def shutdown(self, keep_journal: bool = True) -> DocumentSession | None:
        """Stop background work; returns the session so the caller can wait for its threads.

        The corrections' journal is deleted unless ``keep_journal`` (the clerk saved or
        discarded them); kept, it offers the corrections again when the file is next opened.
        """
        self._refresh.stop()
        if self.editing is not None:
            self.editing.shutdown(keep_journal)
        session = self.session
        if session is not None:
            session.setParent(None)  # outlives this tab until its threads have ended
            session.shutdown()
        self.session = None
        return session

    # -- state persistence ------------------------------------------------------------------
    def restore_layout(self) -> None:
        for name, splitter in zip(_SPLITTERS, self.splitters):
            state = self.settings.state(f"splitter/{name}")
            if state is not None:
                splitter.restoreState(state)

    def save_layout(self) -> None:
        if self.prepared is None:
            return  # the tables were never shown: nothing the user arranged
        for name, splitter in zip(_SPLITTERS, self.splitters):
            if splitter is self.bottom and self.history.isHidden():
                continue  # its sizes mean something only while the history is shown
            self.settings.set_state(f"splitter/{name}", splitter.saveState())
        for name, panel in zip(_HEADERS, (self.members, self.coverage, self.findings)):
            header = panel.view.horizontalHeader()
            self.settings.set_state(f"header/{name}/{header.count()}", header.saveState())

    def _restore_headers(self) -> None:
        for name, panel in zip(_HEADERS, (self.members, self.coverage, self.findings)):
            header = panel.view.horizontalHeader()
            state = self.settings.state(f"header/{name}/{header.count()}")
            if state is not None:
                header.restoreState(state)
                panel.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        # Widths, order and sort carry over from the last file; which columns are empty does not.
        self.members.hide_empty_columns()
        self.coverage.hide_empty_columns()

    # -- overview and tables ----------------------------------------------------------------
    def show_overview(self) -> None:
        if self.state == "loaded":
            self.views.setCurrentWidget(self.overview)
            self.overview.setFocus()

    def show_tables(self) -> None:
        if self.state == "loaded" and self.views.currentWidget() is not self.outer:
            self.views.setCurrentWidget(self.outer)
            self.members.view.setFocus()

    @Slot(str, object, str)
    def _on_overview_rule_chosen(self, code: str, severity: str | None, title: str) -> None:
        """A bar (or row) of the Overview's problems: the members with that rule's findings."""
        self.members.show_rule(code, severity, title)
        self.show_tables()
        view = self.members.view
        view.setFocus()
        if self.members.model.rowCount():
            self.members.select_view_row(0)
        shown = self.members.model.rowCount()
        self.status_changed.emit(
            f"{shown:,} member(s) with {code}" + (f": {title}" if title else "")
        )

    # -- keyboard helpers -------------------------------------------------------------------
    def focus_view(self, number: int) -> None:
        if self.state == "loaded" and 0 <= number < 4:
            self.show_tables()
            self.panels[number].view.setFocus()

    def cycle_view(self, delta: int = 1) -> None:
        if self.state != "loaded":
            return
        self.show_tables()
        views = [p.view for p in self.panels]
        focused = next((i for i, v in enumerate(views) if v.hasFocus()), -1)
        views[(focused + delta) % len(views)].setFocus()

    def focus_filter(self) -> None:
        if self.state != "loaded":
            return
        self.show_tables()
        focused = self.focusWidget()
        for panel in self.panels:
            if focused is not None and (panel is focused or panel.isAncestorOf(focused)):
                panel.focus_filter()
                return
        self.members.focus_filter()

    def step_finding(self, delta: int) -> bool:
        if self.state != "loaded":
            return False
        moved = self.findings.step(delta)
        if moved:
            self.show_tables()
            self.findings.view.setFocus()
        return moved

    # -- session slots ----------------------------------------------------------------------
    @Slot(int, int)
    def _on_session_load_progressed(self, done: int, total: int) -> None:
        self.loading_page.show_progress(done, total)

    @Slot(object)
    def _on_session_loaded(self, prepared: PreparedDocument) -> None:
        self.prepared = prepared
        index = prepared.index
        self.members.set_model(RecordModel(prepared.members, index.members, index, "member", self))
        self.coverage.set_model(
            RecordModel(prepared.coverage, index.coverage, index, "coverage", self)
        )
        segments_model = SegmentsModel(prepared.doc, index, self)
        findings_model = FindingsModel(prepared.doc.store, self)
        self.segments.set_model(segments_model)
        self.findings.set_model(findings_model)
        findings_model.set_member_names(self._member_name)
        self.detail.set_models(findings_model, segments_model, self.members.model)
        self.sync = SelectionSync(
            self.members, self.coverage, self.segments, self.findings, self, self.detail
        )
        views = EditingViews(
            self.members,
            self.coverage,
            self.segments,
            segments_model,
            findings_model,
            self.history,
            self.recovery,
            dialog_parent=self,
            findings=self.findings,
        )
        editing = TabEditing(
            views,
            prepared,
            self.path.name,
            use_pyx12=self.use_pyx12,
            use_rules=self.use_rules,
            profiles=self.rule_profiles,
            parent=self,
        )
        self.detail.fix_text = editing.fix_all_text
        self.detail.fix_all_requested.connect(editing.fix_all_like)
        editing.edits_changed.connect(self.edits_changed)
        editing.status_reported.connect(self.status_changed)
        editing.notice_requested.connect(self.show_notice)
        editing.notice_withdrawn.connect(self.notice.hide)
        editing.summary_changed.connect(self.summary.show_summary)
        editing.summary_changed.connect(self._on_editing_summary_changed)
        editing.findings_replaced.connect(self.findings_replaced)
        editing.history_wanted.connect(self._on_editing_history_wanted)
        self.editing = editing
        if self.mask_policy is not None:
            self._apply_mask()
        editing.start()
        self.summary.show_summary(prepared.summary)
        self.summary.show_counts(0, 0, running=True)
        self._restore_headers()
        self.overview.set_file(self.path.name)
        self.overview.set_findings_source(self._known_findings)
        self.overview.set_running(True)
        self.overview.set_profile(prepared.profile or file_profile(prepared.doc))
        self.views.setCurrentWidget(self.overview)
        self.pages.setCurrentWidget(self.views)
        self.state = "loaded"
        self.members.view.setFocus()  # where Ctrl+1 and "Show the tables" land
        self.overview.setFocus()
        if self.members.model.rowCount():
            self.members.view.setCurrentIndex(self.members.model.index(0, 0))
        others = prepared.summary.get("other_transaction_sets") or []
        if others:
            self.banner.show_message(
                f"This file also holds {len(others)} transaction set(s) "
                f"that are not 834s ({', '.join(others)}); they are not "
                "shown in the tables.",
                "info",
            )
        self.activity.show_progress("Checking the file…", 0, 0)
        self._time_left = TimeLeft()
        self._set_checking(True)
        self.status_changed.emit(
            f"Opened {self.path.name}: {prepared.summary['members']:,} members"
        )
        self.loaded.emit(self.path)

    @Slot(str)
    def _on_session_load_failed(self, message: str) -> None:
        self.state = "failed"
        self.summary.show_file(self.path)
        self.message_page.show_message(
            "This file could not be opened",
            f"{message}\n\nCheck that you chose an X12 834 enrollment file (it starts with "
            "\u201cISA\u201d). You can close this tab and open another file.",
            can_retry=True,
        )
        self.pages.setCurrentWidget(self.message_page)
        self.status_changed.emit(f"Could not open {self.path.name}")
        self.load_failed.emit(self.path, message)

    @Slot()
    def _on_session_load_cancelled(self) -> None:
        self.state = "cancelled"
        self.message_page.show_message(
            "Loading cancelled",
            f"Opening {self.path.name} was cancelled. Nothing was changed.",
            can_retry=True,
        )
        self.message_page.retry.setText("Open again")
        self.pages.setCurrentWidget(self.message_page)
        self.status_changed.emit(f"Loading {self.path.name} cancelled")

    @Slot(list)
    def _on_session_findings_arrived(self, batch: list) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        if self.editing is not None:
            batch = self.editing.fresh(batch)
        member_rows, coverage_rows, segments = prepared.index.add(batch)
        self.members.model.findings_changed(member_rows)
        self.coverage.model.findings_changed(coverage_rows)
        self.segments.model.findings_changed(segments)
        self.findings.model.append(batch)
        running = self.session is not None and self.session.validating
        self.summary.show_counts(prepared.index.errors, prepared.index.warnings, running)
        self.overview.findings_changed()
        if not self._refresh.isActive():
            self._refresh.start()

    @Slot(int, int)
    def _on_session_validation_progressed(self, done: int, total: int) -> None:
        pct = f" {100 * done // total}%" if total else ""
        left = self._time_left.text(done, total)
        self.activity.show_progress(
            f"Checking against the 834 implementation guide…{pct}"
            + (f" \u2014 {left}" if left else ""),
            done,
            total,
        )

    @Slot(str)
    def _on_session_validation_note(self, message: str) -> None:
        self.notes.append(message)
        self.banner.show_message(message, "warning")

    @Slot()
    def _on_session_validation_finished(self) -> None:
        self.activity.hide()
        self._set_checking(False)
        self._on_refresh_timeout()
        self.overview.set_running(False)
        if self.prepared is not None:
            index = self.prepared.index
            self.summary.show_counts(index.errors, index.warnings, running=False)
            self.status_changed.emit(
                f"{self.path.name}: checks finished, {index.errors:,} "
                f"errors, {index.warnings:,} warnings"
            )
        self.validation_finished.emit(self.path)

    def _known_findings(self) -> list:
        """Every finding received so far (the Overview counts them)."""
        return self.prepared.index.findings if self.prepared is not None else []

    @Slot(dict)
    def _on_editing_summary_changed(self, _summary: dict) -> None:
        editing = self.editing
        if editing is not None:  # counted again when the Overview is next shown
            self.overview.profile_stale(lambda: file_profile(editing.editor.doc))

    def _set_checking(self, running: bool) -> None:
        """The tables' counts say "so far" while checks still run (0 is not yet a verdict)."""
        for panel in (self.members, self.coverage):
            if getattr(panel, "model", None) is not None:
                panel.model.checking = running
                panel.refresh_count()

    def _on_status_changed(self, message: str) -> None:
        self.last_status = message

    def _member_name(self, member_pos: int) -> str:
        """ "LAST, FIRST" of a member as the members table shows it (masked while masking is on)."""
        table = self.members.model.table
        row = member_pos - 1
        if not 0 <= row < len(table):
            return ""
        parts = []
        for column in ("last_name", "first_name"):
            if column in table.columns:
                values = table.display[table.column_index(column)]
                if values is not None and values[row]:
                    parts.append(str(values[row]))
        return ", ".join(parts)

    def findings_replaced(self) -> None:
        """A member's findings were replaced after an edit: counts, sorts and filters follow."""
        if self.prepared is not None:
            index = self.prepared.index
            running = self.session is not None and self.session.validating
            self.summary.show_counts(index.errors, index.warnings, running)
        self.overview.findings_changed()
        current = self.findings.view.currentIndex()
        model = self.findings.model
        if current.isValid() and model is not None and current.row() < model.rowCount():
            self.detail.show_finding(model.finding(current.row()))  # its segment as edited
        else:
            self.detail.clear()
        if not self._refresh.isActive():
            self._refresh.start()

    @Slot(bool)
    def _on_editing_history_wanted(self, wanted: bool) -> None:
        if wanted and self.history.isHidden():
            self.history.show()
            sizes = self.bottom.sizes()
            total = sum(sizes)
            if total > 0 and sizes[-1] < 200:
                # the findings keep two thirds: their messages matter more than the history
                self.bottom.setSizes([total * 2 // 3, total - total * 2 // 3])
        elif not wanted:
            self.history.hide()

    @Slot(str, str)
    def show_notice(self, text: str, tone: str = "info") -> None:
        """A message about edits or exports above the tables (replacing the previous one)."""
        self.notice.hide()
        self.notice.show_message(text, tone)

    def _on_activity_stop_requested(self) -> None:
        if self.session is not None:
            self.session.cancel_validation()

    def _on_refresh_timeout(self) -> None:
        if self.prepared is not None:
            self.members.refresh_after_findings()
            self.coverage.refresh_after_findings()
