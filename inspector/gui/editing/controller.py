"""The corrections of one open document: edits, undo/redo, the crash journal, re-checks.

Every change goes through :class:`~inspector.core.editing.session.EditSession`; this object adds what the
window needs around it: a plain-English reason instead of an exception, signals after each change,
re-checking the touched member in the background, and keeping the journal in step with saving.
It never touches widgets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from inspector.core.editing.bulk import BulkPlan
from inspector.core.editing.corrections_list import (
    CorrectionsResult,
    check_corrections,
)
from inspector.core.editing.fix_all import FixAllPlan, plan_fix_all
from inspector.core.editing.journal import Journal
from inspector.core.editing.session import Change, Edit, EditRejected, EditSession, parse_element
from inspector.core.editing.table_edits import SetFieldResult, plan_set_field
from inspector.core.export.corrections import write_corrected_834
from inspector.core.findings import Finding
from inspector.core.records.document import Document
from inspector.core.records.frames import MEMBER_FIELDS, coverage_field
from inspector.gui.editing.revalidation import Revalidator
from inspector.gui.models.roles import EditHint

RECOVERY_FIRST = (
    "Restore or discard the corrections from your earlier session first "
    "(see the message above the tables)."
)


class DocumentEditor(QObject):
    """Edits of one document, with undo/redo, a journal and per-member re-checks."""

    change_applied = Signal(object)  # Change (apply, undo or redo)
    state_changed = Signal()  # can_undo / can_redo / dirty may have changed
    member_revalidated = Signal(int, list)  # member position, its findings now
    revalidation_failed = Signal(int, str)
    revalidation_finished = Signal()
    journal_failed = Signal(str)  # the journal could not be written (editing goes on)

    def __init__(
        self,
        doc: Document,
        journal: Journal | None = None,
        *,
        recoverable: int = 0,
        use_pyx12: bool = True,
        use_rules: bool = True,
        profiles: tuple[str, ...] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal = journal
        self.session = EditSession(doc, journal)
        #: Edits of an earlier session wait in the journal for the clerk to restore or discard.
        self.recovery_pending = bool(journal is not None and recoverable)
        self.saved_path: Path | None = None
        self.touched: set[int] = set()  # member positions whose findings come from re-checks
        self._rebase_journal = False
        self._journal_error_shown = False
        self.revalidator = Revalidator(
            self.session, use_pyx12=use_pyx12, use_rules=use_rules, profiles=profiles, parent=self
        )
        self.revalidator.member_revalidated.connect(self.member_revalidated)
        self.revalidator.revalidation_failed.connect(self.revalidation_failed)
        self.revalidator.revalidation_finished.connect(self.revalidation_finished)

    # -- state ------------------------------------------------------------------------------
    @property
    def doc(self) -> Document:
        return self.session.doc

    @property
    def can_undo(self) -> bool:
        return self.session.can_undo

    @property
    def can_redo(self) -> bool:
        return self.session.can_redo

    @property
    def dirty(self) -> bool:
        return self.session.dirty

    @property
    def history(self) -> list[Change]:
        return self.session.history

    def last_change(self) -> Change | None:
        """The change Undo would revert (for the menu text)."""
        return self.session.undo_entry

    def next_redo(self) -> Change | None:
        """The change Redo would re-apply (for the menu text)."""
        return self.session.redo_entry

    # -- reading values ---------------------------------------------------------------------
    def element_value(self, segment: int, element: str) -> str:
        """An element's (or component's) value as a person reads it."""
        target = parse_element(element)
        store = self.doc.store
        d = store.delimiters
        els = store.raw(segment).split(d.element)
        value = els[target.position] if target.position < len(els) else ""
        if target.component is not None:
            parts = value.split(d.component)
            value = parts[target.component - 1] if target.component <= len(parts) else ""
        return store.decode(value)

    def element_hint(self, segment: int, element: str) -> EditHint:
        """Which editor suits an element: that of the table column showing it, else by kind."""
        target = parse_element(element)
        spec = None
        for table, column in self.session.fields_at(segment, element):
            spec = MEMBER_FIELDS.get(column) if table == "members" else coverage_field(column)
            if spec is not None and spec.kind != "text":
                break
        if spec is not None and target.component in (None, 1):
            return EditHint(spec.kind, spec.codes, spec.label, element)
        sid, k = target.segment_id, target.position
        if target.component is None:
            qualifier = {("DTP", 3): 2, ("DMG", 2): 1, ("INS", 12): 11}.get((sid, k))
            if qualifier is not None and self.element_value(segment, f"{sid}{qualifier:02d}") in (
                "D8",
                "",
            ):
                return EditHint("date", None, "", element)
        return EditHint("text", None, "", element)

    def cell_value(self, table: str, row: int, column: str) -> str | None:
        df = self.doc.members if table == "members" else self.doc.coverage
        spec = MEMBER_FIELDS.get(column) if table == "members" else coverage_field(column)
        if spec is None or spec.element_name is None or spec.segment_column not in df:
            return None
        ordinal = int(df[spec.segment_column].iat[row])
        return self.element_value(ordinal, spec.element_name) if ordinal > 0 else None

    # -- editing ----------------------------------------------------------------------------
    def edit_cell(self, table: str, row: int, column: str, value: str) -> str | None:
        """Change the element behind a table cell; None, or the reason it was refused."""
        if self.recovery_pending:
            return RECOVERY_FIRST
        try:
            edit = self.session.cell_edit(table, row, column, value)
        except EditRejected as exc:
            return exc.reason
        return self._apply(edit)

    def edit_element(self, segment: int, element: str, value: str) -> str | None:
        """Change one element of a segment; None, or the reason it was refused."""
        if self.recovery_pending:
            return RECOVERY_FIRST
        return self._apply(Edit(segment, element, value))

    def _apply(self, edit: Edit) -> str | None:
        try:
            change = self.session.apply(edit)
        except EditRejected as exc:
            return exc.reason
        except Exception as exc:  # a bug must not lose the clerk's work: report it
            return (
                f"the change could not be made because of an unexpected problem "
                f"({type(exc).__name__}: {exc}); nothing was changed"
            )
        if change.changed:
            self._after(change)
        return None

    def check_corrections(self, path: Path) -> CorrectionsResult:
        """Read and check a corrections list (nothing changes); raises InspectorError when the
        list itself cannot be used."""
        return check_corrections(self.session, path)

    # -- bulk steps: many rows at once, fix all like this ---------------------------------
    def plan_set_field(
        self, table: str, rows: list[int], column: str, value: str, progress=None, cancel=None
    ) -> SetFieldResult:
        """Check setting ``column`` of ``rows`` to ``value`` (nothing changes; may run off the
        GUI thread). Raises EditRejected for a column that cannot be set, Cancelled."""
        return plan_set_field(self.session, table, rows, column, value, progress, cancel)

    def plan_fix_all(self, findings: list[Finding], code: str) -> FixAllPlan:
        """Check the fixes of every finding of ``code`` (nothing changes; may run off the GUI
        thread): the findings of members still being re-checked are computed first."""
        return plan_fix_all(self.session, self.settled_findings(findings), code)

    def write_plan(self, plan: BulkPlan, label: str) -> Change | None:
        """Write a checked plan as one undo step (may run off the GUI thread while the window
        waits); call :meth:`bulk_written` in the GUI thread afterwards. Raises EditRejected."""
        if self.recovery_pending:
            raise EditRejected(RECOVERY_FIRST)
        return self.session.apply_plan(plan, label)

    def bulk_written(self, change: Change | None) -> None:
        """In the GUI thread, after :meth:`write_plan`: refresh, re-check, journal state."""
        if change is not None:
            self._after(change)

    def undo(self) -> Change | None:
        return self._step(self.session.undo)

    def redo(self) -> Change | None:
        return self._step(self.session.redo)

    def _step(self, step: Callable[[], Change | None]) -> Change | None:
        try:
            change = step()
        except EditRejected as exc:
            self.journal_failed.emit(exc.reason)
            return None
        if change is not None:
            self._after(change)
        return change

    def _after(self, change: Change) -> None:
        self.revalidator.document_changed()
        self._keep_journal()
        self.touched.update(change.member_positions)
        self.change_applied.emit(change)
        # the edited member and the members compared with it (family, duplicates, subscriber)
        recheck = change.recheck_positions or change.member_positions
        if recheck:
            self.revalidator.request(recheck)
        self.state_changed.emit()

    # -- journal ----------------------------------------------------------------------------
    def _keep_journal(self) -> None:
        session, journal = self.session, self.journal
        if journal is None:
            return
        if self._rebase_journal:
            # The journal was cleared when the corrected 834 was saved; it always describes
            # the edits from the original file, so write the whole history again.
            self._rebase_journal = False
            session.journal = journal
            try:
                for change in session.history:
                    if change.bulk:  # one entry for the whole step, as when it was made
                        journal.record_bulk(change.edits, change.label)
                    else:
                        journal.record("apply", change.edit)
                session.journal_error = None
            except OSError as exc:
                session.journal_error = exc
        error = session.journal_error
        if error is not None and not self._journal_error_shown:
            self._journal_error_shown = True
            self.journal_failed.emit(
                f"Your corrections could not be written to the recovery journal "
                f"({error.strerror or error}). They are kept while the inspector runs; save the "
                "corrected 834 soon."
            )
        elif error is None:
            self._journal_error_shown = False

    def recoverable_edits(self) -> list[Edit]:
        return self.journal.load() if self.journal is not None else []

    def restore(self) -> str | None:
        """Re-apply the journal's edits; None, or why not all of them could be restored."""
        if self.journal is None:
            return None
        self.recovery_pending = False
        before = len(self.session.history)
        problem = None
        try:
            self.journal.replay(self.session)
        except Exception as exc:  # EditRejected, or a journal of another version of the file
            problem = getattr(exc, "reason", None) or str(exc)
        restored = self.session.history[before:]
        self.revalidator.document_changed()
        positions: list[int] = []
        for change in restored:
            self.touched.update(change.member_positions)
            positions += change.recheck_positions or change.member_positions
            self.change_applied.emit(change)
        if positions:
            self.revalidator.request(sorted(set(positions)))
        self.state_changed.emit()
        return problem

    def discard_recovery(self) -> None:
        """The clerk does not want the earlier session's corrections: delete the journal."""
        self.recovery_pending = False
        self._discard_journal()
        self.state_changed.emit()

    def _discard_journal(self) -> None:
        if self.journal is not None:
            # a stale journal is only offered again for the very same file
            with contextlib.suppress(OSError):
                self.journal.discard()

    def closing(self, keep_journal: bool = False) -> None:
        """The document is being closed (after saving or discarding, unless ``keep_journal``)."""
        self.revalidator.shutdown()
        if not keep_journal and not self.recovery_pending:
            self._discard_journal()

    # -- saving -----------------------------------------------------------------------------
    def save_corrected(self, path: Path) -> Path:
        """Write the corrected 834 (never over the original); raises InspectorError/OSError."""
        written = write_corrected_834(self.session, path)
        self.saved_path = written
        self.session.journal = None
        self._discard_journal()
        self._rebase_journal = True
        self.state_changed.emit()
        return written

    # -- findings ---------------------------------------------------------------------------
    def member_span(self, pos: int) -> tuple[int, int]:
        members = self.doc.members
        row = self.session.member_row_of(pos)
        return int(members["seg_first"].iat[row]), int(members["seg_last"].iat[row])

    def belongs_to(self, pos: int) -> Callable[[Finding], bool]:
        """Whether a finding is one a re-check of member ``pos`` replaces."""
        first, last = self.member_span(pos)
        return lambda f: (
            f.member_pos == pos or (f.segment is not None and first <= f.segment <= last)
        )

    def settled_findings(self, findings: list[Finding]) -> list[Finding]:
        """``findings`` with those of members still being re-checked computed now."""
        result = list(findings)
        for pos in self.revalidator.outstanding():
            try:
                fresh = self.revalidator.check(pos)
            except Exception:
                continue
            belongs = self.belongs_to(pos)
            result = [f for f in result if not belongs(f)] + fresh
        return result

    @Slot()
    def shutdown(self) -> None:
        self.revalidator.shutdown()
