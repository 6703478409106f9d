"""Bulk steps from the tables: "Set field for N selected rows…" and "Fix all N like this…".

Both check everything first, off the GUI thread with a progress dialog (nothing changes yet),
then show a preview: how many rows change, which are refused and why (set field), or every
change with member, segment, element, before → after (fix all). Apply writes exactly what was
previewed as ONE undo step (one history entry, one journal entry), again off the GUI thread
while the window waits; Cancel changes nothing. The questions (which field and value, the
previews) are methods tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressDialog,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.core.editing.corrections_list import CorrectionsResult, corrections_label
from inspector.core.editing.edits import EditRejected
from inspector.core.editing.fix_all import FixAllPlan, determines, fixable
from inspector.core.editing.session import parse_element
from inspector.core.editing.table_edits import SetFieldResult, editable_columns, field_spec
from inspector.core.errors import InspectorError
from inspector.core.findings import Finding
from inspector.core.records.codes import decode
from inspector.core.records.dates import show_date
from inspector.gui.editing.controller import RECOVERY_FIRST, DocumentEditor
from inspector.gui.editing.delegates import editor_value, make_editor
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.roles import EditHint
from inspector.gui.workers import Worker, start_in_thread, wait_for_thread

MAX_SHOWN = 500  # rows listed in a preview (the counts say how many in all)
_NOUN = {"members": "member", "coverage": "coverage"}


def field_hint(table: str, column: str) -> EditHint:
    spec = field_spec(table, column)
    if spec is None:
        return EditHint("text", None, column, "")
    return EditHint(spec.kind, spec.codes, spec.label, spec.element_name or "")


def shown(hint: EditHint, value: str, mask: ViewMask | None, element: str = "") -> str:
    """A value as the tables show it (a date CCYY-MM-DD, a code with its meaning; masked)."""
    if not value:
        return "(empty)"
    text = value
    if hint.kind == "date":
        text = show_date(value)
    elif hint.kind == "code" and hint.codes:
        text = decode(value, hint.codes)
    if mask is not None:
        element = element or hint.element
        try:
            sid = parse_element(element).segment_id if element else ""
        except (ValueError, EditRejected):
            sid = element[:-2]
        return mask.element_value(element, text, sid)
    return text


# -- the dialogs ----------------------------------------------------------------------------------
class SetFieldDialog(QDialog):
    """Which column to set, and the value, for ``count`` selected rows."""

    def __init__(self, table: str, columns: list[str], count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("setFieldDialog")
        self.table = table
        self.setWindowTitle(f"Set field for {count:,} selected rows")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Set one field of the {count:,} selected {_NOUN[table]} row(s) to the same value. "
            "Every row is checked like a single edit; a preview follows before anything changes."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.column = QComboBox()
        self.column.setObjectName("setFieldColumn")
        for column in columns:
            hint = field_hint(table, column)
            label = f"{hint.label} ({hint.element})" if hint.element else hint.label
            self.column.addItem(label, column)
        form.addRow("&Field:", self.column)
        self.value_editor: QWidget = QLabel()
        form.addRow("&Value:", self.value_editor)
        self.form = form
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Check…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.column.currentIndexChanged.connect(self._on_column_current_index_changed)
        self._on_column_current_index_changed(0)
        self.resize(520, self.sizeHint().height())

    @property
    def hint(self) -> EditHint:
        return field_hint(self.table, str(self.column.currentData()))

    def choose(self, column: str) -> None:
        self.column.setCurrentIndex(max(0, self.column.findData(column)))

    def value(self) -> str:
        return editor_value(self.hint, self.value_editor)

    def set_value(self, text: str) -> None:
        editor = self.value_editor
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(text)))
        else:
            editor.setText(text)  # type: ignore[attr-defined]

    @Slot(int)
    def _on_column_current_index_changed(self, _i: int) -> None:
        editor = make_editor(self.hint, "", self)
        editor.setObjectName("setFieldValue")
        self.form.replaceWidget(self.value_editor, editor)
        self.value_editor.hide()
        self.value_editor.deleteLater()
        self.value_editor = editor
        label = self.form.labelForField(editor)
        if isinstance(label, QLabel):
            label.setBuddy(editor)


class BulkPreview(QDialog):
    """A preview: summary, a table of rows, Apply (accept) or Cancel (reject)."""

    def __init__(
        self,
        title: str,
        summary: str,
        headings: list[str],
        rows: list[list[str]],
        apply_text: str,
        can_apply: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bulkPreview")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(rows), len(headings))
        self.table.setObjectName("bulkPreviewRows")
        self.table.setHorizontalHeaderLabels(headings)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # a long reason is cut off in the cell
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setVisible(bool(rows))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton(apply_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(can_apply)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 480 if rows else 200)


def set_field_preview(
    result: SetFieldResult, where: Callable[[int], str], mask: ViewMask | None, parent=None
) -> BulkPreview:
    hint = field_hint(result.table, result.column)
    noun = _NOUN[result.table]
    lines = [
        f"{hint.label} := {shown(hint, result.value, mask)} for {len(result.rows):,} "
        f"selected {noun} row(s):",
        f"{len(result.changed):,} row(s) will change.",
    ]
    if result.same:
        lines.append(f"{len(result.same):,} row(s) already hold this value.")
    if result.refused:
        lines.append(f"{len(result.refused):,} row(s) are refused and will not change (below).")
    lines.append("Apply makes one step: a single Undo takes it all back.")
    listed = [*result.refused, *result.changed][:MAX_SHOWN]
    rows = [
        [
            where(r.row),
            "refused" if r.status == "refused" else "changes",
            r.reason
            if r.status == "refused"
            else f"{shown(hint, r.before, mask)} \u2192 {shown(hint, r.after, mask)}",
        ]
        for r in listed
    ]
    return BulkPreview(
        f"Set {hint.label}",
        "\n".join(lines),
        [noun.title(), "Result", "Change / why it was refused"],
        rows,
        f"Apply to {len(result.changed):,} row(s)",
        bool(result.changed),
        parent,
    )


def fix_all_preview(
    plan: FixAllPlan, label_of: Callable[[int | None], str], mask: ViewMask | None, parent=None
) -> BulkPreview:
    lines = [
        f"{plan.code}: {plan.title}.",
        f"{plan.fixed_findings:,} finding(s) will be fixed by {len(plan.fixes):,} change(s), "
        "listed below.",
    ]
    if plan.left:
        reasons = sorted({why for _f, why in plan.left})
        lines.append(
            f"{len(plan.left):,} finding(s) are left as they are (the file does not say what "
            f"they should be), e.g.: {reasons[0]}"
        )
    lines.append("Apply makes exactly these changes as one step: a single Undo takes it back.")
    rows = []
    for p in plan.fixes[:MAX_SHOWN]:
        hint = EditHint("text", None, "", p.element)
        rows.append(
            [
                label_of(p.member_pos),
                f"{p.element[:-2]} {p.segment:,}",
                p.element,
                shown(hint, p.before, mask, p.element),
                shown(hint, p.after, mask, p.element),
            ]
        )
    return BulkPreview(
        f"Fix all like this: {plan.code}",
        "\n".join(lines),
        ["Member", "Segment", "Element", "Before", "After"],
        rows,
        f"Apply {len(plan.fixes):,} change(s)",
        bool(plan.fixes),
        parent,
    )


# -- running off the GUI thread -------------------------------------------------------------------
class BulkWorker(Worker):
    """Runs ``job(progress, cancelled)`` on a thread; reports by signals only."""

    def __init__(self, job: Callable[[Callable[[int, int], None], Callable[[], bool]], Any]):
        super().__init__()
        self.job = job

    def work(self) -> object:
        return self.job(self.progressed.emit, self._cancel.is_set)

    def explain(self, exc: Exception) -> str:
        if isinstance(exc, EditRejected):
            return exc.reason
        if isinstance(exc, MemoryError):
            return "not enough memory; nothing was changed"
        if isinstance(exc, InspectorError):
            return str(exc)
        return f"an unexpected problem ({type(exc).__name__}: {exc}); nothing was changed"


class BulkCommands(QObject):
    """The two bulk commands of one document tab."""

    applied = Signal(str)  # what was applied (a status line)
    failed = Signal(str)  # why nothing was applied
    busy_changed = Signal(bool)

    def __init__(
        self,
        editor: DocumentEditor,
        parent_widget: QWidget,
        findings: Callable[[], list[Finding]],
        where: Callable[[int], str],
        mask: Callable[[], ViewMask | None],
    ) -> None:
        super().__init__(parent_widget)
        self.editor = editor
        self.parent_widget = parent_widget
        self.findings = findings  # every current finding of the document
        self.where = where  # segment ordinal → "member #12 DOE, JANE"
        self.mask = mask
        self._job: tuple[QThread, BulkWorker, QProgressDialog] | None = None
        self._on_done: Callable[[Any], None] = lambda _result: None
        self._on_failed: Callable[[str], None] | None = None

    @property
    def busy(self) -> bool:
        return self._job is not None

    # -- questions (replaced in tests) ------------------------------------------------------
    def ask_field(self, table: str, columns: list[str], count: int) -> tuple[str, str] | None:
        dialog = SetFieldDialog(table, columns, count, self.parent_widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(dialog.column.currentData()), dialog.value()

    def confirm_set_field(self, result: SetFieldResult) -> bool:
        dialog = set_field_preview(
            result, self._row_label(result.table), self.mask(), self.parent_widget
        )
        return dialog.exec() == QDialog.DialogCode.Accepted

    def confirm_fix_all(self, plan: FixAllPlan) -> bool:
        dialog = fix_all_preview(plan, self._member_label, self.mask(), self.parent_widget)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # -- set field for the selected rows ------------------------------------------------------
    def set_field(self, table: str, rows: list[int], column: str | None = None) -> bool:
        """Ask for a field and value, check, preview, apply; False when nothing started."""
        if not self._ready():
            return False
        if not rows:
            self.failed.emit("Select the rows to change first (Ctrl+click or Shift+click).")
            return False
        columns = editable_columns(self.editor.session, table)
        answer = self.ask_field(table, columns, len(rows))
        if answer is None:
            return False
        column_name, value = answer
        label = field_hint(table, column_name).label

        def job(progress, cancelled):
            return self.editor.plan_set_field(table, rows, column_name, value, progress, cancelled)

        def checked(result: SetFieldResult) -> None:
            if not self.confirm_set_field(result):
                return
            if not result.changed:
                self.failed.emit(f"No selected row changes {label}; nothing was applied.")
                return
            text = f"{label} set for {len(result.changed):,} row(s)"
            refused = f"; {len(result.refused):,} refused" if result.refused else ""
            self._write(
                result.plan,
                text,
                f"Set {label} for {len(result.changed):,} row(s){refused}. "
                "Undo takes them all back.",
            )

        return self._run(job, f"Checking {len(rows):,} row(s)…", checked)

    # -- fix all like this ----------------------------------------------------------------------
    def fix_all_count(self, code: str) -> int:
        """How many current findings of ``code`` there are (0 when the rule has no fix)."""
        if not fixable(code):
            return 0
        return sum(1 for f in self.findings() if f.code == code)

    def determines(self, finding: Finding) -> bool:
        """Whether the file determines this finding's fix."""
        session = self.editor.session
        return session is not None and determines(finding, session.doc)

    def fix_all(self, code: str) -> bool:
        if not self._ready():
            return False
        if not fixable(code):
            self.failed.emit(f"{code} has no fix the file determines; correct it by hand.")
            return False
        findings = [f for f in self.findings() if f.code == code]

        def job(progress, cancelled):
            return self.editor.plan_fix_all(findings, code)

        def checked(plan: FixAllPlan) -> None:
            if not self.confirm_fix_all(plan):
                return
            if not plan.fixes:
                self.failed.emit(
                    f"No finding of {code} can be fixed from the file; nothing changed."
                )
                return
            left = f"; {len(plan.left):,} left to correct by hand" if plan.left else ""
            self._write(
                plan.plan,
                f"Fix all {code} ({plan.fixed_findings:,})",
                f"Fixed {plan.fixed_findings:,} finding(s) of {code} with "
                f"{len(plan.fixes):,} change(s){left}. Undo takes them all back.",
            )

        return self._run(job, f"Working out the fixes of {len(findings):,} finding(s)…", checked)

    # -- helpers --------------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.busy:
            self.failed.emit("A bulk change is still being checked or written; wait for it.")
            return False
        if self.editor.recovery_pending:
            self.failed.emit(RECOVERY_FIRST)
            return False
        return True

    def _write(
        self,
        plan,
        label: str,
        message: str,
        on_failed: Callable[[str], None] | None = None,
        on_applied: Callable[[str], None] | None = None,
    ) -> None:
        editor = self.editor

        def job(_progress, _cancelled):
            return editor.write_plan(plan, label)

        def written(change) -> None:
            editor.bulk_written(change)
            (on_applied or self.applied.emit)(message)

        self._run(
            job,
            "Writing the changes as one step…",
            written,
            cancellable=False,
            on_failed=on_failed,
        )

    def apply_list(
        self,
        path: Path,
        confirm: Callable[[CorrectionsResult], bool],
        on_failed: Callable[[str], None],
        on_applied: Callable[[str], None],
    ) -> bool:
        """Check a corrections list, ask ``confirm(result)``, then write its accepted rows as
        one step: checking and writing run off the GUI thread, as for the other bulk steps."""
        if not self._ready():
            return False
        editor = self.editor

        def checked(result: CorrectionsResult) -> None:
            if not confirm(result):
                return
            if not result.applied:
                on_failed(f"{path.name}: no row changes anything; nothing was applied.")
                return
            refused = f"; {len(result.refused):,} row(s) refused" if result.refused else ""
            self._write(
                result.plan,
                corrections_label(result),
                f"Applied {len(result.applied):,} row(s) of {path.name} to "
                f"{result.members:,} member(s){refused}. Undo takes them all back.",
                on_failed=lambda why: on_failed(f"{path.name}: {why}"),
                on_applied=on_applied,
            )

        return self._run(
            lambda _progress, _cancelled: editor.check_corrections(path),
            f"Checking {path.name}…",
            checked,
            cancellable=False,
            on_failed=on_failed,
        )

    def _run(
        self,
        job,
        text: str,
        on_done: Callable[[Any], None],
        cancellable: bool = True,
        on_failed: Callable[[str], None] | None = None,
    ) -> bool:
        progress = QProgressDialog(
            text, "Cancel" if cancellable else None, 0, 0, self.parent_widget
        )
        progress.setObjectName("bulkProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        worker = BulkWorker(job)
        worker.progressed.connect(self._on_worker_progressed)
        worker.done.connect(self._on_worker_done)  # queued: runs in the GUI thread
        worker.failed.connect(self._on_worker_failed)
        worker.cancelled.connect(self._on_worker_cancelled)
        progress.canceled.connect(worker.cancel)
        thread = start_in_thread(worker, "bulk-step")
        self._job = (thread, worker, progress)
        self._on_done = on_done
        self._on_failed = on_failed
        self.busy_changed.emit(True)
        return True

    def _end(self) -> None:
        job, self._job = self._job, None
        if job is None:
            return
        thread, _worker, progress = job
        wait_for_thread(thread, 10.0)
        progress.close()
        progress.deleteLater()
        self.busy_changed.emit(False)

    @Slot(object)
    def _on_worker_done(self, result: Any) -> None:
        on_done = self._on_done
        self._end()
        on_done(result)

    @Slot(int, int)
    def _on_worker_progressed(self, done: int, total: int) -> None:
        if self._job is not None:
            progress = self._job[2]
            progress.setMaximum(max(total, 1))
            progress.setValue(min(done, total))

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        on_failed = self._on_failed
        self._end()
        if on_failed is not None:  # the caller words it (e.g. naming its list)
            on_failed(message)
        else:
            self.failed.emit(f"Nothing was changed: {message}")

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self._end()
        self.failed.emit("Cancelled; nothing was changed.")

    def _row_label(self, table: str) -> Callable[[int], str]:
        df = self.editor.doc.members if table == "members" else self.editor.doc.coverage
        first = df["seg_first"].to_numpy()
        if table == "members":
            return lambda r: self.where(int(first[r]))
        lines = df["insurance_line"].to_numpy(dtype=object) if "insurance_line" in df else None
        return lambda r: (
            self.where(int(first[r])) + (f" \u00b7 {lines[r]}" if lines is not None else "")
        )

    def _member_label(self, pos: int | None) -> str:
        if pos is None:
            return "(outside any member)"
        try:
            first, _last = self.editor.member_span(pos)
        except KeyError:
            return f"member #{pos}"
        return self.where(first)
