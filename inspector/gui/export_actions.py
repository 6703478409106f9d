"""File ▸ Export: the worklist, the discrepancy report (PDF), corrections, tables and findings as
CSV or XLSX, the corrected 834 and the 999.

Tables are written as the clerk sees them: column titles as on screen, members and coverage with
an Issues column (the codes and messages of each row's findings), findings with the member's name
and ids; a name ending in ``.xlsx`` gives a typed, coloured workbook. The worklist (every member
with an error or a warning, with the reasons) and the PDF report are written off the GUI thread.

Each export asks where to write (:meth:`Exporter.choose_save_path`, replaceable in tests), writes
through the core, and reports what it wrote (``exported``) or why it could not
(``export_failed``), never with a traceback. The 999 needs a pyx12 run of the whole file; the
session's check keeps the one it built, otherwise one runs in a child process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from inspector.core.errors import InspectorError
from inspector.core.export.corrections import corrections_frame
from inspector.core.export.tables import (
    Sheet,
    coverage_sheet,
    findings_sheet,
    member_sheet,
    problem_members,
    problem_sheets,
    write_csv,
    write_sheet_csv,
)
from inspector.core.files import write_private
from inspector.core.records.mask import MaskPolicy, describe_policy
from inspector.gui.models.row_order_model import NATURAL
from inspector.gui.settings import Settings
from inspector.gui.workers import JobWorker, start_in_thread

if TYPE_CHECKING:
    from inspector.gui.document_tab import DocumentTab
    from inspector.gui.editing.controller import DocumentEditor

CSV_FILTER = "CSV files (*.csv);;All files (*)"
TABLE_FILTER = "CSV files (*.csv);;Excel workbooks (*.xlsx);;All files (*)"
WORKLIST_FILTER = "Excel workbooks (*.xlsx);;CSV files (*.csv);;All files (*)"
PDF_FILTER = "PDF documents (*.pdf);;All files (*)"
X12_FILTER = "X12 files (*.834 *.edi *.txt *.x12);;All files (*)"
ACK_FILTER = "999 acknowledgments (*.999 *.txt *.edi);;All files (*)"
VISIBLE, ALL = "visible", "all"


def _problem(exc: BaseException) -> str:
    """A clerk-readable reason for a failed write (disk full, no permission, …)."""
    if isinstance(exc, OSError):
        what = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{what}{where}"
    return str(exc)


class Exporter(QObject):
    """The export commands of the window, for the document of a given tab."""

    exported = Signal(str)  # what was written, and where
    export_failed = Signal(str)  # why nothing (or not everything) was written

    def __init__(self, parent: QWidget, settings: Settings) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.settings = settings
        self._acks: dict[object, tuple[DocumentTab, Path]] = {}
        self._jobs: list[tuple[QThread, JobWorker]] = []  # background exports

    # -- questions (replaced in tests) ------------------------------------------------------
    def choose_save_path(self, title: str, suggested: Path, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.parent_widget, title, str(suggested), file_filter
        )
        return Path(name) if name else None

    def choose_rows(self, noun: str, shown: int, total: int) -> str | None:
        """Export the rows the table shows (VISIBLE) or every row (ALL); None cancels."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Export {noun}",
            f"The table shows {shown:,} of {total:,} {noun}. Which rows should be exported?",
            QMessageBox.StandardButton.Cancel,
            self.parent_widget,
        )
        visible = box.addButton(f"The {shown:,} shown", QMessageBox.ButtonRole.AcceptRole)
        every = box.addButton(f"All {total:,}", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(visible)
        box.exec()
        clicked = box.clickedButton()
        return VISIBLE if clicked is visible else ALL if clicked is every else None

    # -- exports ----------------------------------------------------------------------------
    def export_corrections(self, tab: DocumentTab) -> Path | None:
        editor = self._editor(tab)
        if editor is None:
            return None
        if not editor.session.corrected_segments():
            self.export_failed.emit(
                "There are no corrections to export yet: change a cell or a segment first."
            )
            return None
        path = self._ask(tab, "Export corrections", "corrections.csv", CSV_FILTER, masked=True)
        if path is None:
            return None
        findings = editor.settled_findings(list(tab.findings.model.findings))
        try:
            frame = corrections_frame(editor.session, findings, mask=self.mask)
            write_csv(frame, path)
        except (OSError, InspectorError) as exc:
            return self._failed(path, exc)
        members = frame["member_pos"].nunique() if len(frame) else 0
        self.exported.emit(
            f"Wrote {len(frame):,} correction row(s) for {members:,} corrected member(s)"
            f"{self._masked()} to {path}"
        )
        return path

    def export_members(self, tab: DocumentTab) -> Path | None:
        return self._export_table(tab, "members", "members", "members.csv", member_sheet)

    def export_coverage(self, tab: DocumentTab) -> Path | None:
        return self._export_table(tab, "coverage", "coverage rows", "coverage.csv", coverage_sheet)

    def export_findings(self, tab: DocumentTab) -> Path | None:
        editor = self._editor(tab)
        if editor is None:
            return None
        model = tab.findings.model
        scope = self._scope(model, "findings")
        if scope is None:
            return None
        path = self._ask(tab, "Export findings", "findings.csv", TABLE_FILTER, masked=True)
        if path is None:
            return None
        if scope == VISIBLE:
            findings = [model.findings[int(i)] for i in model.visible_sources()]
        else:
            findings = editor.settled_findings(list(model.findings))
        done = (
            f"Wrote {len(findings):,} findings{self._how(scope, model)}{self._masked()} to {path}"
        )
        doc, mask = editor.doc, self.mask
        return self._write_sheet(lambda: findings_sheet(findings, doc, mask=mask), path, done)

    def export_worklist(self, tab: DocumentTab) -> bool:
        """Every member with an error or a warning, with the reasons: an XLSX workbook
        (Summary, Members, Coverage, Findings) or a members CSV; written off the GUI thread."""
        editor = self._editor(tab)
        if editor is None:
            return False
        title = "Export the worklist (members with problems)"
        path = self._ask(tab, title, "worklist.xlsx", WORKLIST_FILTER, masked=True)
        if path is None:
            return False
        doc, mask = editor.doc, self.mask
        findings = editor.settled_findings(list(tab.findings.model.findings))
        notes = self._incomplete(tab)
        xlsx = path.suffix.lower() == ".xlsx"

        def job() -> str:
            if xlsx:  # the app's workbook, the CLI's `export --format xlsx --problems-only`
                from inspector.core.export.xlsx import write_document_xlsx

                write_document_xlsx(doc, findings, path, mask=mask, problems_only=True, notes=notes)
                listed = problem_members(findings)
            else:
                members = problem_sheets(doc, findings, mask=mask, problems_only=True)[0]
                write_sheet_csv(members, path)
                listed = len(members)
            return (
                f"Wrote the worklist: {listed:,} member(s) with an error or a warning, "
                f"with the reasons{self._masked()}, to {path}" + "".join(f" ({n})" for n in notes)
            )

        return self._run(job, "The worklist", f"Writing the worklist {path.name}\u2026")

    def export_report(self, tab: DocumentTab) -> bool:
        """The discrepancy report (PDF): per member, the problems and the corrections made;
        what a clerk sends back to the exchange. Written off the GUI thread."""
        editor = self._editor(tab)
        if editor is None:
            return False
        path = self._ask(tab, "Export the discrepancy report", "report.pdf", PDF_FILTER, True)
        if path is None:
            return False
        doc, session, mask = editor.doc, editor.session, self.mask
        findings = editor.settled_findings(list(tab.findings.model.findings))
        notes = self._incomplete(tab)

        def job() -> str:
            from inspector.gui.report_pdf import write_report_pdf

            written, report, pages = write_report_pdf(
                path, doc, findings, session, mask=mask, notes=notes
            )
            return (
                f"Wrote the discrepancy report ({report.members:,} member(s), "
                f"{report.problems:,} problem(s), {report.corrections:,} correction(s), "
                f"{pages} page(s)){self._masked()} to {written}"
            )

        return self._run(job, "The report", f"Writing the report {path.name}\u2026")

    def _incomplete(self, tab: DocumentTab) -> list[str]:
        """A note for exports made while checks still run (their findings are not all in)."""
        session = tab.session
        if session is not None and session.validating:
            return ["checks were still running: findings received so far only"]
        return []

    def _run(self, job, describe: str, busy: str) -> bool:
        """Run ``job`` (returns the message to show) in a background thread."""
        worker = JobWorker(job, describe)
        worker.done.connect(self._on_job_done)
        worker.failed.connect(self.export_failed)
        self.exported.emit(busy)  # the status line says what is being written meanwhile
        thread = start_in_thread(worker, "export", self._on_job_thread_finished)
        self._jobs.append((thread, worker))
        return True

    def _on_job_done(self, message: str) -> None:
        self.exported.emit(message)

    def _on_job_thread_finished(self) -> None:
        thread = self.sender()
        for job in list(self._jobs):
            if job[0] is thread:
                self._jobs.remove(job)
        if isinstance(thread, QThread):
            thread.deleteLater()

    def wait_for_jobs(self, timeout_s: float = 60.0) -> bool:
        """Wait for the background exports (tests, and the window before it closes)."""
        from inspector.gui.workers import wait_for_thread

        return all(wait_for_thread(thread, timeout_s) for thread, _w in list(self._jobs))

    def save_corrected(self, tab: DocumentTab) -> bool:
        """Save the corrected 834 under a new name; True when it was written."""
        editor = self._editor(tab)
        if editor is None:
            return False
        suggested = editor.saved_path or self._suggest(tab, f"corrected{tab.path.suffix or '.834'}")
        path = self.choose_save_path(
            "Save the corrected 834" + self._unmasked_note(), suggested, X12_FILTER
        )
        if path is None:
            return False
        try:
            written = editor.save_corrected(path)
        except (OSError, InspectorError) as exc:
            self._failed(path, exc)
            return False
        self._remember(written)
        n = len(editor.session.net_changes())
        self.exported.emit(
            f"Saved the corrected 834 ({n} corrected element(s)) to {written}; "
            f"the original {tab.path.name} is unchanged"
        )
        return True

    def export_ack(self, tab: DocumentTab) -> None:
        """Write the 999 of the file as received (at once, or when pyx12 has built it)."""
        session = tab.session
        if self._editor(tab) is None or session is None:
            return
        path = self._ask(
            tab, "Export the 999 acknowledgment" + self._unmasked_note(), "999.txt", ACK_FILTER
        )
        if path is None:
            return
        if session.ack is not None:
            self._write_ack(tab, path, session.ack)
            return
        if session not in self._acks:
            session.ack_built.connect(self._on_session_ack_built)
            session.ack_failed.connect(self._on_session_ack_failed)
            session.ack_progressed.connect(self._on_session_ack_progressed)
        self._acks[session] = (tab, path)
        self.exported.emit(
            f"Building the 999 acknowledgment of {tab.path.name} in the "
            f"background; it will be written to {path.name} when ready"
        )
        session.request_ack()

    # -- the 999 ----------------------------------------------------------------------------
    def _on_session_ack_built(self, text: str) -> None:
        job = self._acks.pop(self.sender(), None)
        if job is not None:
            tab, path = job
            tab.activity.hide()
            self._write_ack(tab, path, text)

    def _on_session_ack_failed(self, message: str) -> None:
        job = self._acks.pop(self.sender(), None)
        if job is not None:
            job[0].activity.hide()
            self.export_failed.emit(f"The 999 acknowledgment was not written: {message}")

    def _on_session_ack_progressed(self, done: int, total: int) -> None:
        job = self._acks.get(self.sender())
        if job is not None:
            pct = f" {100 * done // total}%" if total else ""
            job[0].activity.show_progress(
                f"Building the 999 acknowledgment\u2026{pct}", done, total
            )

    def _write_ack(self, tab: DocumentTab, path: Path, text: str) -> None:
        try:
            write_private(path, text)  # user-only, atomically
        except OSError as exc:
            self._failed(path, exc)
            return
        self._remember(path)
        self.exported.emit(
            f"Wrote the 999 acknowledgment of {tab.path.name} (as received) to {path}"
        )

    # -- helpers ----------------------------------------------------------------------------
    def _export_table(
        self, tab: DocumentTab, table: str, noun: str, name: str, write
    ) -> Path | None:
        editor = self._editor(tab)
        if editor is None:
            return None
        model = tab.members.model if table == "members" else tab.coverage.model
        scope = self._scope(model, noun)
        if scope is None:
            return None
        path = self._ask(tab, f"Export {noun}", name, TABLE_FILTER, masked=True)
        if path is None:
            return None
        findings = editor.settled_findings(list(tab.findings.model.findings))
        rows = model.visible_sources()
        natural = model.sort_column == NATURAL
        selection = (
            None
            if scope == ALL or (natural and len(rows) == model.source_count())
            else [int(r) for r in rows]
        )
        count = model.source_count() if selection is None else len(selection)
        done = f"Wrote {count:,} {noun}{self._how(scope, model)}{self._masked()} to {path}"
        doc, mask = editor.doc, self.mask
        return self._write_sheet(lambda: write(doc, findings, selection, mask=mask), path, done)

    def _write_sheet(self, make: Callable[[], Sheet], path: Path, done: str) -> Path | None:
        """A table as CSV (at once: a CSV of 50,000 rows takes about a second), or, for a name
        ending in .xlsx, as a workbook of one sheet written off the GUI thread (typed cells
        take longer). ``done`` is the message once written."""
        if path.suffix.lower() == ".xlsx":

            def job() -> str:
                from inspector.core.export.xlsx import write_xlsx

                write_xlsx(path, [make()])
                return done

            self._run(job, path.name, f"Writing {path.name}\u2026")
            return path
        try:
            write_sheet_csv(make(), path)
        except (OSError, InspectorError) as exc:
            return self._failed(path, exc)
        self.exported.emit(done)
        return path

    def _scope(self, model, noun: str) -> str | None:
        shown, total = model.rowCount(), model.source_count()
        return ALL if shown == total else self.choose_rows(noun, shown, total)

    @staticmethod
    def _how(scope: str, model) -> str:
        if scope == VISIBLE and model.rowCount() != model.source_count():
            return (
                f" (the {model.rowCount():,} shown of {model.source_count():,}, in the "
                "table's order)"
            )
        if scope == ALL and model.rowCount() != model.source_count():
            return " (all rows, in file order)"
        return " (all rows, in the table's order)" if model.sort_column != NATURAL else ""

    def _editor(self, tab: DocumentTab | None) -> DocumentEditor | None:
        editor = tab.editor if tab is not None else None
        if editor is None:
            self.export_failed.emit("Open an 834 file (and let it finish loading) to export.")
        return editor

    def _suggest(self, tab: DocumentTab, ending: str) -> Path:
        folder = self.settings.export_folder() or tab.path.parent
        return Path(folder) / f"{tab.path.stem}-{ending}"

    # -- masking: the CSV exports follow View ▸ Mask Personal Data --------------------------
    @property
    def mask(self) -> MaskPolicy | None:
        """What the CSV exports mask: what the views mask (the corrected 834 and the 999 are
        never masked; the trading partner must receive the real values)."""
        return self.settings.mask_policy()

    def _masked(self) -> str:
        return f" ({describe_policy(self.mask)})" if self.mask is not None else ""

    def _unmasked_note(self) -> str:
        return " (real values: an 834 or a 999 is never masked)" if self.mask is not None else ""

    def _ask(
        self, tab: DocumentTab, title: str, ending: str, file_filter: str, masked: bool = False
    ) -> Path | None:
        if masked:
            title += self._masked()
        path = self.choose_save_path(title, self._suggest(tab, ending), file_filter)
        if path is not None:
            self._remember(path)
        return path

    def _remember(self, path: Path) -> None:
        if path.parent.is_dir():
            self.settings.set_export_folder(path.parent)

    def _failed(self, path: Path, exc: BaseException) -> None:
        self.export_failed.emit(f"{path.name} was not written: {_problem(exc)}")
        return None
