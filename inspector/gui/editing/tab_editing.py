"""Corrections inside one document tab: the editor wired to the views, history and banners.

After every edit, undo or redo the touched member's rows are refreshed in the members, coverage
and segments views (a model reset only when the core rebuilt the tables), the history is redrawn,
and the member is re-checked in the background; its findings and row tints are then replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QTableView, QToolTip

from inspector.core.editing.session import Change, parse_element
from inspector.core.findings import Finding
from inspector.core.records.codes import decode
from inspector.core.validation.locate import Locator
from inspector.gui.editing.controller import RECOVERY_FIRST, DocumentEditor
from inspector.gui.editing.delegates import FieldDelegate, shown_date
from inspector.gui.editing.element_names import element_name
from inspector.gui.editing.segment_editor import SegmentEditor
from inspector.gui.models.finding_index import FindingIndex, RowFindings
from inspector.gui.models.history_model import HistoryEntry, HistoryModel
from inspector.gui.models.table_data import (
    build_coverage_table,
    build_member_table,
    coverage_extra_segments,
)
from inspector.gui.prepared import PreparedDocument

if TYPE_CHECKING:
    from inspector.gui.document_tab import DocumentTab

_VERB = {"apply": "Changed", "undo": "Undid", "redo": "Redid"}
_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)


class TabEditing(QObject):
    """Everything about correcting the document shown in one tab."""

    edits_changed = Signal()  # undo/redo availability or the unsaved state changed
    status_reported = Signal(str)

    def __init__(
        self, tab: DocumentTab, prepared: PreparedDocument, *, use_pyx12: bool, use_rules: bool
    ) -> None:
        super().__init__(tab)
        self.tab = tab
        self.prepared = prepared
        self.editor = DocumentEditor(
            prepared.doc,
            prepared.journal,
            recoverable=len(prepared.recoverable),
            use_pyx12=use_pyx12,
            use_rules=use_rules,
            parent=self,
        )
        self.dialog: SegmentEditor | None = None
        self.last_rejection = ""
        self._showing_refusal = False  # the notice shows a refused value (gone after an edit)
        for panel, slot in (
            (tab.members, self._on_members_model_edit_rejected),
            (tab.coverage, self._on_coverage_model_edit_rejected),
        ):
            panel.model.set_editor(self.editor)
            panel.view.setItemDelegate(FieldDelegate(panel.view))
            panel.view.setEditTriggers(_EDIT_TRIGGERS)
            panel.model.edit_rejected.connect(slot)
        tab.segments.segment_edit_requested.connect(self._on_segments_segment_edit_requested)
        self.history_model = HistoryModel(self.describe, self)
        tab.history.set_model(self.history_model)
        tab.history.segment_chosen.connect(self._on_history_segment_chosen)
        tab.recovery.restore_requested.connect(self._on_recovery_restore_requested)
        tab.recovery.discard_requested.connect(self._on_recovery_discard_requested)
        editor = self.editor
        editor.change_applied.connect(self._on_editor_change_applied)
        editor.member_revalidated.connect(self._on_editor_member_revalidated)
        editor.revalidation_failed.connect(self._on_editor_revalidation_failed)
        editor.state_changed.connect(self._on_editor_state_changed)
        editor.journal_failed.connect(self._on_editor_journal_failed)
        if editor.recovery_pending:
            edits = prepared.recoverable
            tab.recovery.offer(tab.path.name, len(edits), edits[-1].when if edits else None)
        self._on_editor_state_changed()

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

    def open_segment_editor(self, ordinal: int) -> SegmentEditor | None:
        """Open the element editor of segment ``ordinal`` (window-modal, returns at once)."""
        if self.editor.recovery_pending:
            self._notice(RECOVERY_FIRST, "warning")
            return None
        if self.dialog is not None:
            self.dialog.close()
        named = [f.element for f in self.prepared.index.at_segment(ordinal) if f.element]
        dialog = SegmentEditor(
            self.editor.doc.store, ordinal, self.editor, self.where(ordinal), self.tab
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
        return f"member #{members['member_pos'].iat[row]}" + (f" {name}" if name else "")

    def describe(self, change: Change) -> HistoryEntry:
        edit = change.edit
        o = change.segment
        target = parse_element(edit.element)
        hint = self.editor.element_hint(o, edit.element)
        label = hint.label or element_name(target.segment_id, target.position)
        what = f"{label[:1].upper()}{label[1:]} ({edit.element})" if label else edit.element

        def shown(value: str) -> str:
            if not value:
                return "(empty)"
            if hint.kind == "date":
                return shown_date(value)
            if hint.kind == "code" and hint.codes:
                return decode(value, hint.codes)
            return value

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
        tab, doc = self.tab, self.editor.doc
        if change.reset:
            self._rebuild()
        else:
            tab.members.model.rows_edited(change.member_rows)
            tab.coverage.model.rows_edited(change.coverage_rows)
            tab.segments.model.segments_edited(doc, [change.segment])
            tab.findings.model.set_store(doc.store)
        self.history_model.set_history(self.editor.history)
        tab.summary.show_summary(doc.summary())  # e.g. adds/terms after an INS03 change
        if self.dialog is not None:
            self.dialog.refresh(doc.store)
            self.dialog.clear_message()
        if self._showing_refusal:
            tab.notice.hide()
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
        tab, index = self.tab, self.prepared.index
        belongs = self.editor.belongs_to(pos)
        m_gone, c_gone, s_gone = index.remove_where(belongs)
        tab.findings.model.remove_where(belongs)
        m_new, c_new, s_new = index.add(findings)
        tab.findings.model.append(findings)
        tab.members.model.findings_changed(m_gone | m_new)
        tab.coverage.model.findings_changed(c_gone | c_new)
        tab.segments.model.findings_changed(s_gone + s_new)
        tab.findings_replaced()

    @Slot(int, str)
    def _on_editor_revalidation_failed(self, pos: int, message: str) -> None:
        self.status_reported.emit(
            f"Member #{pos} could not be checked again ({message}); "
            "its findings are those from before the change."
        )

    @Slot()
    def _on_editor_state_changed(self) -> None:
        editor, tab = self.editor, self.tab
        wanted = bool(editor.history) or editor.can_redo
        if wanted and tab.history.isHidden():
            tab.history.show()
            sizes = tab.bottom.sizes()
            total = sum(sizes)
            if total > 0 and sizes[-1] < 200:
                # the findings keep two thirds: their messages matter more than the history
                tab.bottom.setSizes([total * 2 // 3, total - total * 2 // 3])
        elif not wanted:
            tab.history.hide()
        state = (
            "unsaved"
            if editor.dirty
            else (f"saved to {editor.saved_path.name}" if editor.saved_path else "")
        )
        tab.history.update_count(state)
        self.edits_changed.emit()

    @Slot(str)
    def _on_editor_journal_failed(self, message: str) -> None:
        self._notice(message, "warning")

    # -- slots: views, banner, dialog -------------------------------------------------------
    @Slot(str, int, int)
    def _on_members_model_edit_rejected(self, reason: str, row: int, column: int) -> None:
        self._rejected(self.tab.members.view, reason, row, column)

    @Slot(str, int, int)
    def _on_coverage_model_edit_rejected(self, reason: str, row: int, column: int) -> None:
        self._rejected(self.tab.coverage.view, reason, row, column)

    def _rejected(self, view: QTableView, reason: str, row: int, column: int) -> None:
        model = view.model()
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
        self.tab.segments.show_segments(ordinal, center=True)

    @Slot()
    def _on_recovery_restore_requested(self) -> None:
        self.tab.recovery.hide()
        problem = self.editor.restore()
        n = len(self.editor.history)
        if problem:
            self._notice(f"{n} correction(s) were restored, but not all: {problem}", "warning")
        self.status_reported.emit(
            f"Restored {n} unsaved correction{'s' if n != 1 else ''} to {self.tab.path.name}"
        )

    @Slot()
    def _on_recovery_discard_requested(self) -> None:
        self.tab.recovery.hide()
        self.editor.discard_recovery()
        self.status_reported.emit("The unsaved corrections of the earlier session were discarded")

    # -- helpers ----------------------------------------------------------------------------
    def _notice(self, text: str, tone: str) -> None:
        notice = self.tab.notice
        notice.hide()  # replace, not append to, the previous message
        notice.show_message(text, tone)
        self._showing_refusal = False

    def _rebuild(self) -> None:
        """The core re-derived the whole document: new tables, index and segment view."""
        tab, p, doc = self.tab, self.prepared, self.editor.doc
        findings = list(p.index.findings)
        p.members = build_member_table(doc)
        p.coverage = build_coverage_table(doc)
        index = FindingIndex(
            RowFindings(p.members.first, p.members.last),
            RowFindings(p.coverage.first, p.coverage.last, coverage_extra_segments(p.coverage)),
        )
        index.add(findings)
        p.index = index
        p.locator = Locator(doc)
        tab.members.model.replace_table(p.members, index.members, index)
        tab.coverage.model.replace_table(p.coverage, index.coverage, index)
        tab.segments.model.replace_document(doc, index)
        tab.findings.model.set_store(doc.store)
        tab.members.hide_empty_columns()
        tab.coverage.hide_empty_columns()
