"""Corrections inside one document tab: the editor wired to the views, history and banners.

After every edit, undo or redo the touched member's rows are refreshed in the members, coverage
and segments views (a model reset only when the core rebuilt the tables), the history is redrawn,
and the member is re-checked in the background; its findings and row tints are then replaced.

The tab hands over what corrections touch (:class:`EditingViews`) and hears back through
signals (notices, the summary, the history panel's visibility, replaced findings); this object
never reaches into the tab itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTableView, QToolTip, QWidget

from inspector.core.editing.session import Change, parse_element
from inspector.core.findings import Finding
from inspector.core.validation.locate import Locator
from inspector.gui.editing.bulk_commands import BulkCommands
from inspector.gui.editing.bulk_commands import shown as shown_value
from inspector.gui.editing.controller import RECOVERY_FIRST, DocumentEditor
from inspector.gui.editing.delegates import FieldDelegate
from inspector.gui.editing.element_names import element_name
from inspector.gui.editing.recovery_banner import RecoveryBanner
from inspector.gui.editing.segment_editor import SegmentEditor
from inspector.gui.models.finding_index import FindingIndex
from inspector.gui.models.findings_model import FindingsModel
from inspector.gui.models.history_model import HistoryEntry, HistoryModel
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.record_model import RecordModel
from inspector.gui.models.roles import SOURCE_ROW_ROLE
from inspector.gui.models.segments_model import SegmentsModel
from inspector.gui.models.table_data import (
    build_coverage_table,
    build_member_table,
)
from inspector.gui.panels.history_panel import HistoryPanel
from inspector.gui.panels.record_panels import RecordPanel
from inspector.gui.panels.segments_panel import SegmentsPanel
from inspector.gui.prepared import PreparedDocument

_VERB = {"apply": "Changed", "undo": "Undid", "redo": "Redid"}
_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)


@dataclass(frozen=True)
class EditingViews:
    """The parts of a document tab that corrections update (their models already set)."""

    members: RecordPanel
    coverage: RecordPanel
    segments: SegmentsPanel
    segments_model: SegmentsModel
    findings_model: FindingsModel
    history: HistoryPanel
    recovery: RecoveryBanner
    dialog_parent: QWidget  # the segment editor opens over this widget
    findings: Any = None  # the findings panel (its context menu offers "Fix all like this")


class TabEditing(QObject):
    """Everything about correcting the document shown in one tab."""

    edits_changed = Signal()  # undo/redo availability or the unsaved state changed
    status_reported = Signal(str)
    notice_requested = Signal(str, str)  # text, tone: replaces the notice above the tables
    notice_withdrawn = Signal()  # the refusal the notice shows no longer applies
    summary_changed = Signal(dict)  # the document's summary after a change
    findings_replaced = Signal()  # a member's findings were replaced after a re-check
    history_wanted = Signal(bool)  # whether the history panel should be shown

    def __init__(
        self,
        views: EditingViews,
        prepared: PreparedDocument,
        file_name: str,
        *,
        use_pyx12: bool,
        use_rules: bool,
        profiles: tuple = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.views = views
        self.prepared = prepared
        self.file_name = file_name
        self.members_model = views.members.model
        self.coverage_model = views.coverage.model
        self.segments_model = views.segments_model
        self.findings_model = views.findings_model
        self.editor = DocumentEditor(
            prepared.doc,
            prepared.journal,
            recoverable=len(prepared.recoverable),
            use_pyx12=use_pyx12,
            use_rules=use_rules,
            profiles=profiles,
            parent=self,
        )
        self.dialog: SegmentEditor | None = None
        self.mask: ViewMask | None = None  # personal data masked in what this shows
        self.last_rejection = ""
        self._showing_refusal = False  # the notice shows a refused value (gone after an edit)
        for panel, slot in (
            (views.members, self._on_members_model_edit_rejected),
            (views.coverage, self._on_coverage_model_edit_rejected),
        ):
            panel.model.set_editor(self.editor)
            panel.view.setItemDelegate(FieldDelegate(panel.view))
            panel.view.setEditTriggers(_EDIT_TRIGGERS)
            panel.model.edit_rejected.connect(slot)
        views.segments.segment_edit_requested.connect(self._on_segments_segment_edit_requested)
        self.history_model = HistoryModel(self.describe, self)
        views.history.set_model(self.history_model)
        views.history.segment_chosen.connect(self._on_history_segment_chosen)
        views.recovery.restore_requested.connect(self._on_recovery_restore_requested)
        views.recovery.discard_requested.connect(self._on_recovery_discard_requested)
        editor = self.editor
        editor.change_applied.connect(self._on_editor_change_applied)
        editor.member_revalidated.connect(self._on_editor_member_revalidated)
        editor.revalidation_failed.connect(self._on_editor_revalidation_failed)
        editor.state_changed.connect(self._on_editor_state_changed)
        editor.journal_failed.connect(self._on_editor_journal_failed)
        if editor.recovery_pending:
            edits = prepared.recoverable
            views.recovery.offer(file_name, len(edits), edits[-1].when if edits else None)
        self.bulk = BulkCommands(
            editor,
            views.dialog_parent,
            lambda: list(prepared.index.findings),
            self.where,
            lambda: self.mask,
        )
        self.bulk.applied.connect(self.status_reported)
        self.bulk.failed.connect(self._on_bulk_failed)
        self.set_field_actions: dict[str, QAction] = {}
        for table, panel in (("members", views.members), ("coverage", views.coverage)):
            action = QAction("Set Field for Selected Rows…", panel.view)
            action.setObjectName(f"{table}SetField")
            action.setStatusTip(
                "Set one field of every selected row to the same value (checked, previewed, "
                "one undo step)"
            )
            action.triggered.connect(lambda _c=False, t=table: self.set_field_for_selection(t))
            panel.view.addAction(action)
            panel.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            panel.view.selectionModel().selectionChanged.connect(
                lambda *_a, t=table: self._update_set_field_text(t)
            )
            self.set_field_actions[table] = action
        if views.findings is not None:
            fview = views.findings.view
            fview.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            fview.customContextMenuRequested.connect(self._on_findings_context_menu_requested)

    def start(self) -> None:
        """Show the initial state (call once the signals are connected)."""
        self._on_editor_state_changed()

    # -- state ------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """There are corrections not saved as a corrected 834."""
        return self.editor.dirty

    @property
    def can_undo(self) -> bool:
        return self.editor.can_undo

    @property
    def can_redo(self) -> bool:
        return self.editor.can_redo

    @property
    def edit_count(self) -> int:
        """Corrections in effect (what Undo can step back through)."""
        return len(self.editor.history)

    # -- commands ---------------------------------------------------------------------------
    def undo(self) -> Change | None:
        return self.editor.undo()

    def redo(self) -> Change | None:
        return self.editor.redo()

    def undo_text(self) -> str:
        change = self.editor.last_change()
        return f"Undo {self.describe(change).what}" if change else "Undo"

    def redo_text(self) -> str:
        change = self.editor.next_redo()
        return f"Redo {self.describe(change).what}" if change else "Redo"

    def set_mask(self, mask: ViewMask | None) -> None:
        """Mask personal data (or not) in the history, status lines and the segment editor."""
        self.mask = mask
        self.history_model.redescribe(self.editor.history)
        if self.dialog is not None:
            self.dialog.set_mask(mask, self.where(self.dialog.segment))

    def open_segment_editor(self, ordinal: int) -> SegmentEditor | None:
        """Open the element editor of segment ``ordinal`` (window-modal, returns at once)."""
        if self.editor.recovery_pending:
            self._notice(RECOVERY_FIRST, "warning")
            return None
        if self.dialog is not None:
            self.dialog.close()
        named = [f.element for f in self.prepared.index.at_segment(ordinal) if f.element]
        dialog = SegmentEditor(
            self.editor.doc.store,
            ordinal,
            self.editor,
            self.where(ordinal),
            self.views.dialog_parent,
            mask=self.mask,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.edit_rejected.connect(self._on_dialog_edit_rejected)
        self.dialog = dialog
        dialog.open()
        dialog.start_editing(named[0] if named else None)
        return dialog

    def fresh(self, batch: list[Finding]) -> list[Finding]:
        """Drop findings of the full check that concern members re-checked since the edit."""
        touched = self.editor.touched
        return [f for f in batch if f.member_pos not in touched] if touched else batch

    def shutdown(self, keep_journal: bool = True) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.editor.closing(keep_journal=keep_journal)

    # -- bulk steps ---------------------------------------------------------------------------
    def selected_rows(self, table: str) -> list[int]:
        """Source rows (0-based rows of the core's table) selected in the members/coverage view."""
        panel = self.views.members if table == "members" else self.views.coverage
        found = {
            int(i.data(SOURCE_ROW_ROLE))
            for i in panel.view.selectionModel().selectedIndexes()
            if i.data(SOURCE_ROW_ROLE) is not None
        }
        return sorted(found)

    def set_field_for_selection(self, table: str) -> bool:
        """Set field for the rows selected in ``table`` ("members" or "coverage")."""
        return self.bulk.set_field(table, self.selected_rows(table))

    def _update_set_field_text(self, table: str) -> None:
        n = len(self.selected_rows(table))
        self.set_field_actions[table].setText(
            f"Set Field for {n:,} Selected Rows…" if n > 1 else "Set Field for Selected Rows…"
        )

    def fix_all_text(self, finding: Finding | None) -> str | None:
        """The "Fix all N like this…" text for a finding (N: the rule's findings), None when
        its rule has no fix or the file does not determine this finding's."""
        if finding is None or finding.code is None:
            return None
        n = self.bulk.fix_all_count(finding.code)
        if not n or not self.bulk.determines(finding):
            return None  # no fix, or none the file determines for this one
        return f"Fix All {n:,} Like This…"

    def fix_all_like(self, finding: Finding) -> bool:
        return self.bulk.fix_all(finding.code or "")

    def _on_findings_context_menu_requested(self, pos) -> None:
        view = self.views.findings.view
        index = view.indexAt(pos)
        if not index.isValid():
            return
        finding = self.findings_model.finding(index.row())
        text = self.fix_all_text(finding)
        menu = QMenu(view)
        menu.setObjectName("findingsMenu")
        action = menu.addAction(text or "Fix All Like This… (this rule has no automatic fix)")
        action.setEnabled(text is not None)
        action.triggered.connect(lambda: self.fix_all_like(finding))
        menu.popup(view.viewport().mapToGlobal(pos))

    @Slot(str)
    def _on_bulk_failed(self, message: str) -> None:
        self._notice(message, "warning")
        self.status_reported.emit(message)

    # -- describing changes -----------------------------------------------------------------
    def where(self, ordinal: int) -> str:
        doc = self.editor.doc
        row = self.editor.session.member_row(ordinal)
        if row is None:
            loop = doc.structure.loop_path(ordinal)
            if not loop:
                return "envelope"
            return "header" if loop.upper() == "HEADER" else f"loop {loop}"
        members = doc.members
        name = ", ".join(
            str(members[c].iat[row])
            for c in ("last_name", "first_name")
            if c in members and members[c].iat[row]
        )
        if self.mask is not None:
            name = self.mask.value("name", name)
        return f"member #{members['member_pos'].iat[row]}" + (f" {name}" if name else "")

    def _describe_bulk(self, change: Change) -> HistoryEntry:
        """One history row for a bulk step (one undo step): its label and its size."""
        date, _, time = change.when.partition("T")
        members = len(change.member_positions) or len(change.writes)
        first, last = change.writes[0].segment, change.writes[-1].segment
        return HistoryEntry(
            time[:8] or change.when,
            f"{date} {time[:8]} {time[8:]}".strip(),
            change.label,
            f"{members:,} member(s) \u00b7 {len(change.writes):,} segment(s)",
            "",
            f"{len(change.edits):,} element(s) changed",
            first,
            f"segments {first:,} to {last:,}",
        )

    def describe(self, change: Change) -> HistoryEntry:
        if change.bulk:
            return self._describe_bulk(change)
        edit = change.edit
        o = change.segment
        target = parse_element(edit.element)
        hint = self.editor.element_hint(o, edit.element)
        label = hint.label or element_name(target.segment_id, target.position)
        what = f"{label[:1].upper()}{label[1:]} ({edit.element})" if label else edit.element

        def shown(value: str) -> str:
            return shown_value(hint, value, self.mask, edit.element)

        stamp = edit.when or change.when
        date, _, time = stamp.partition("T")
        where = self.where(o)
        short = where[len("member ") :] if where.startswith("member ") else where
        return HistoryEntry(
            time[:8] or stamp,
            f"{date} {time[:8]} {time[8:]}".strip(),
            what,
            f"{short} \u00b7 {target.segment_id} {o:,}",
            shown(change.before),
            shown(change.after),
            o,
            f"{target.segment_id} segment {o:,}, {where}",
        )

    # -- slots: the editor ------------------------------------------------------------------
    @Slot(object)
    def _on_editor_change_applied(self, change: Change) -> None:
        doc = self.editor.doc
        if self.mask is not None:  # the SSNs and member values the masking compares with
            self.mask.set_members(doc.members)
        if change.reset:
            self._rebuild()
        else:
            self.members_model.rows_edited(change.member_rows)
            self.coverage_model.rows_edited(change.coverage_rows)
            self.segments_model.segments_edited(doc, [change.segment])
            self.findings_model.set_store(doc.store)
        self.history_model.set_history(self.editor.history)
        self.summary_changed.emit(doc.summary())  # e.g. adds/terms after an INS03 change
        if self.dialog is not None:
            self.dialog.refresh(doc.store)
            self.dialog.clear_message()
        if self._showing_refusal:
            self.notice_withdrawn.emit()
            self._showing_refusal = False
        entry = self.describe(change)
        self.status_reported.emit(
            f"{_VERB[change.action]} {entry.what} in {entry.where_full}: "
            f"{entry.before} \u2192 {entry.after}"
        )
        if change.reset:
            self._notice(
                "This correction is outside any member, so the tables were rebuilt. "
                "Findings about the envelope and header are still those of the file "
                "as opened; open the saved corrected 834 to check them again.",
                "info",
            )

    @Slot(int, list)
    def _on_editor_member_revalidated(self, pos: int, findings: list) -> None:
        index = self.prepared.index
        belongs = self.editor.belongs_to(pos)
        m_gone, c_gone, s_gone = index.remove_where(belongs)
        self.findings_model.remove_where(belongs)
        m_new, c_new, s_new = index.add(findings)
        self.findings_model.append(findings)
        self.members_model.findings_changed(m_gone | m_new)
        self.coverage_model.findings_changed(c_gone | c_new)
        self.segments_model.findings_changed(s_gone + s_new)
        self.findings_replaced.emit()

    @Slot(int, str)
    def _on_editor_revalidation_failed(self, pos: int, message: str) -> None:
        self.status_reported.emit(
            f"Member #{pos} could not be checked again ({message}); "
            "its findings are those from before the change."
        )

    @Slot()
    def _on_editor_state_changed(self) -> None:
        editor = self.editor
        self.history_wanted.emit(bool(editor.history) or editor.can_redo)
        state = (
            "unsaved"
            if editor.dirty
            else (f"saved to {editor.saved_path.name}" if editor.saved_path else "")
        )
        self.views.history.update_count(state)
        self.edits_changed.emit()

    @Slot(str)
    def _on_editor_journal_failed(self, message: str) -> None:
        self._notice(message, "warning")

    # -- slots: views, banner, dialog -------------------------------------------------------
    @Slot(str, int, int)
    def _on_members_model_edit_rejected(self, reason: str, row: int, column: int) -> None:
        self._rejected(self.views.members.view, self.members_model, reason, row, column)

    @Slot(str, int, int)
    def _on_coverage_model_edit_rejected(self, reason: str, row: int, column: int) -> None:
        self._rejected(self.views.coverage.view, self.coverage_model, reason, row, column)

    def _rejected(
        self, view: QTableView, model: RecordModel, reason: str, row: int, column: int
    ) -> None:
        label = model.table.labels[column]
        text = f"{label} was not changed: {reason}"
        self.last_rejection = reason
        self._notice(text, "error")
        self._showing_refusal = True
        self.status_reported.emit(text)
        rect = view.visualRect(model.index(row, column))
        QToolTip.showText(view.viewport().mapToGlobal(rect.bottomLeft()), text, view.viewport())

    @Slot(str)
    def _on_dialog_edit_rejected(self, reason: str) -> None:
        self.last_rejection = reason
        self.status_reported.emit(f"Not changed: {reason}")

    @Slot(int)
    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    @Slot(int)
    def _on_segments_segment_edit_requested(self, ordinal: int) -> None:
        self.open_segment_editor(ordinal)

    @Slot(int)
    def _on_history_segment_chosen(self, ordinal: int) -> None:
        self.views.segments.show_segments(ordinal, center=True)

    @Slot()
    def _on_recovery_restore_requested(self) -> None:
        self.views.recovery.hide()
        problem = self.editor.restore()
        n = len(self.editor.history)
        if problem:
            self._notice(f"{n} correction(s) were restored, but not all: {problem}", "warning")
        self.status_reported.emit(
            f"Restored {n} unsaved correction{'s' if n != 1 else ''} to {self.file_name}"
        )

    @Slot()
    def _on_recovery_discard_requested(self) -> None:
        self.views.recovery.hide()
        self.editor.discard_recovery()
        self.status_reported.emit("The unsaved corrections of the earlier session were discarded")

    # -- helpers ----------------------------------------------------------------------------
    def _notice(self, text: str, tone: str) -> None:
        self.notice_requested.emit(text, tone)  # replaces the previous message
        self._showing_refusal = False

    def _rebuild(self) -> None:
        """The core re-derived the whole document: new tables, index and segment view."""
        p, doc, views = self.prepared, self.editor.doc, self.views
        findings = list(p.index.findings)
        p.members = build_member_table(doc)
        p.coverage = build_coverage_table(doc)
        index = FindingIndex.of_tables(p.members, p.coverage)
        index.add(findings)
        p.index = index
        p.locator = Locator(doc)
        self.members_model.replace_table(p.members, index.members, index)
        self.coverage_model.replace_table(p.coverage, index.coverage, index)
        self.segments_model.replace_document(doc, index)
        self.findings_model.set_store(doc.store)
        views.members.hide_empty_columns()
        views.coverage.hide_empty_columns()
