"""Exports of a document and its corrections.

Members/coverage as the tables show them (optionally a selection), findings, the corrections a
clerk keys into the enrollment system (one row per corrected member x coverage, with what
changed, the original values and the findings still open), the corrected 834 (never over the
original) and the 999 for the original file. Every CSV goes through
:func:`inspector.core.export.tables.write_csv` (UTF-8 with BOM, CRLF, formula injection
neutralised).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from inspector.core.editing.session import EditSession
from inspector.core.errors import InspectorError
from inspector.core.export.tables import (
    findings_frame,
    iter_problem_sheets,
    write_csv,
    write_sheet_csv,
)
from inspector.core.files import write_private
from inspector.core.findings import SEVERITY_RANK, Finding, sort_key
from inspector.core.records.document import Document
from inspector.core.records.frames import (
    COVERAGE_FIELDS,
    MEMBER_FIELDS,
    FieldSpec,
    coverage_field,
    display_columns,
)
from inspector.core.records.mask import Masker, MaskPolicy, element_kind, mask_findings

if TYPE_CHECKING:
    from inspector.core.validation.profiles import ProfileLike

# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
Selection = pd.DataFrame | pd.Index | pd.Series | np.ndarray | Iterable[int] | None


def table_frame(df: pd.DataFrame, rows: Selection = None) -> pd.DataFrame:
    """The columns a person sees (ordinal columns hidden), for all rows or a selection.

    ``rows`` may be a filtered DataFrame (its index is used), index labels, or a boolean mask.
    """
    if rows is not None:
        if isinstance(rows, pd.DataFrame):
            df = df.loc[rows.index]
        elif isinstance(rows, (pd.Series, np.ndarray)) and np.asarray(rows).dtype == bool:
            df = df.loc[np.asarray(rows)]
        else:
            df = df.loc[list(rows)]
    return df[display_columns(df)]


def write_members_csv(
    doc: Document, path: str | Path, rows: Selection = None, mask: MaskPolicy | None = None
) -> Path:
    """``mask``: personal data masked as :mod:`inspector.core.records.mask` shows it."""
    frame = table_frame(doc.members, rows)
    if mask is not None:
        frame = Masker(mask, doc.members).frame(frame, MEMBER_FIELDS.get)
    return write_csv(frame, path)


def write_coverage_csv(
    doc: Document, path: str | Path, rows: Selection = None, mask: MaskPolicy | None = None
) -> Path:
    frame = table_frame(doc.coverage, rows)
    if mask is not None:
        frame = Masker(mask, doc.members).frame(frame, coverage_field)
    return write_csv(frame, path)


def write_findings_csv(
    findings: Iterable[Finding],
    path: str | Path,
    doc: Document | None = None,
    mask: MaskPolicy | None = None,
) -> Path:
    if mask is not None:
        findings = mask_findings(findings, Masker(mask, doc.members if doc else None))
    return write_csv(findings_frame(findings, store=doc.store if doc is not None else None), path)


# ---------------------------------------------------------------------------------------------
# Corrections
# ---------------------------------------------------------------------------------------------
#: Member fields a clerk keys into the enrollment system, in the order they appear.
CORRECTION_MEMBER_FIELDS = [
    "member_pos",
    "transaction",
    "subscriber_id",
    "member_id",
    "is_subscriber",
    "relationship",
    "maintenance_type",
    "maintenance_reason",
    "benefit_status",
    "last_name",
    "first_name",
    "middle_name",
    "name_suffix",
    "ssn",
    "birth_date",
    "gender",
    "marital_status",
    "address1",
    "address2",
    "city",
    "state",
    "zip",
    "phone",
    "email",
    "eligibility_begin",
    "eligibility_end",
    "policy_number",
]
#: Coverage fields, with the name they get in the corrections table.
CORRECTION_COVERAGE_FIELDS = {
    "coverage_pos": "coverage_pos",
    "maintenance_type": "coverage_maintenance_type",
    "insurance_line": "insurance_line",
    "plan": "plan",
    "coverage_level": "coverage_level",
    "benefit_begin": "benefit_begin",
    "benefit_end": "benefit_end",
    "policy_id": "policy_id",
    "plan_id": "plan_id",
}
_MIRRORED = {"member_pos", "transaction", "subscriber_id", "member_name", "is_subscriber"}


def _coverage_name(column: str) -> str:
    """Name of a coverage column in the corrections table (prefixed where a member field clashes)."""
    named = CORRECTION_COVERAGE_FIELDS.get(column)
    if named:
        return named
    return f"coverage_{column}" if column in MEMBER_FIELDS else column


def _category_columns(cov: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in cov.columns
        if str(c) not in COVERAGE_FIELDS and not str(c).startswith("seg_")
    ]


def _differs(a: Any, b: Any) -> bool:
    if a is b or a == b:
        return False
    return not (pd.isna(a) and pd.isna(b))


def _format_findings(findings: list[Finding]) -> str:
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.segment or 0))
    return " | ".join(f"{f.severity} {f.code}: {f.message}" for f in ordered)


def corrections_frame(
    session: EditSession,
    findings: Iterable[Finding] | None = None,
    *,
    profiles: Iterable[ProfileLike] = (),
    use_pyx12: bool = True,
    mask: MaskPolicy | None = None,
) -> pd.DataFrame:
    """One row per corrected member x coverage (a member without coverage: one row).

    Columns: the member and coverage fields to key in, ``changed_fields`` (e.g.
    "birth_date; last_name"), ``original_values`` ("birth_date=1981-02-31; ..."), ``edits``
    (element-level: "DMG02 (segment 748): 19810231 -> 19810228") and ``open_findings``. Open
    findings come from ``findings`` (a validation of the corrected file) when given, else from
    :meth:`EditSession.revalidate_member` for each corrected member. ``mask`` masks the
    personal data in every column (values, original values, edits and findings).
    """
    doc = session.doc
    masker = Masker(mask, doc.members) if mask is not None else None
    members, cov = doc.members, doc.coverage
    categories = _category_columns(cov)
    by_member: dict[int, list[Finding]] = {}
    if findings is not None:
        for f in findings:
            if f.member_pos is not None:
                by_member.setdefault(f.member_pos, []).append(f)
    net = session.net_changes()
    profiles = tuple(profiles)

    member_cols = [c for c in CORRECTION_MEMBER_FIELDS if c in members.columns]
    cov_cols = [c for c in CORRECTION_COVERAGE_FIELDS if c in cov.columns] + categories
    out_columns = (
        member_cols
        + [_coverage_name(c) for c in cov_cols]
        + ["changed_fields", "original_values", "edits", "open_findings"]
    )
    rows: list[dict[str, Any]] = []
    seg_first, seg_last = members["seg_first"].to_numpy(), members["seg_last"].to_numpy()
    for pos in session.corrected_members():
        r = session.member_row_of(pos)
        first, last = int(seg_first[r]), int(seg_last[r])
        mine = [c for c in net if first <= c.segment <= last]
        original = session.original_rows(pos)
        current_m = members.iloc[r].to_dict()
        orig_m, orig_c = original if original is not None else (current_m, [])
        member_changed = [
            (c, orig_m.get(c))
            for c in display_columns(members)
            if c in orig_m and _differs(orig_m.get(c), current_m.get(c))
        ]
        # Elements no table column shows (e.g. a second REF) are named by their element id.
        unmapped = [c.element for c in mine if not session.fields_at(c.segment, c.element)]
        edits = "; ".join(
            f"{c.element} (segment {c.segment}): "
            f"{_shown(masker, c.element, c.old)} -> {_shown(masker, c.element, c.new)}"
            for c in mine
        )
        if findings is not None:
            open_f = by_member.get(pos, [])
        else:
            open_f = session.revalidate_member(pos, profiles=profiles, use_pyx12=use_pyx12)
        cov_rows: list[int | None] = [*session.coverage_rows_of(r)] or [None]
        for n, j in enumerate(cov_rows):
            row = {c: current_m.get(c, "") for c in member_cols}
            changed = list(member_changed)
            if j is not None:
                current_c = cov.iloc[j].to_dict()
                for c in cov_cols:
                    row[_coverage_name(c)] = current_c.get(c, "")
                was = orig_c[n] if n < len(orig_c) else current_c
                changed += [
                    (_coverage_name(c), was.get(c))
                    for c in display_columns(cov)
                    if c not in _MIRRORED and c in was and _differs(was.get(c), current_c.get(c))
                ]
            else:
                for c in cov_cols:
                    row[_coverage_name(c)] = ""
            names = list(dict.fromkeys([name for name, _ in changed] + unmapped))
            row["changed_fields"] = "; ".join(names)
            row["original_values"] = "; ".join(
                f"{name}={_original(masker, name, value)}" for name, value in changed
            )
            row["edits"] = edits
            row["open_findings"] = _format_findings(mask_findings(open_f, masker))
            rows.append(row)
    frame = pd.DataFrame(rows, columns=out_columns)
    return masker.frame(frame, _correction_field) if masker is not None else frame


def _correction_field(name: str) -> FieldSpec | None:
    """The field behind a column of the corrections table (coverage columns renamed)."""
    if name in MEMBER_FIELDS and name in CORRECTION_MEMBER_FIELDS:
        return MEMBER_FIELDS[name]
    coverage = {v: k for k, v in CORRECTION_COVERAGE_FIELDS.items()}.get(name)
    if coverage is None and name.startswith("coverage_"):
        coverage = name[len("coverage_") :]
    return coverage_field(coverage or name)


def _original(masker: Masker | None, name: str, value: Any) -> Any:
    if masker is None or not isinstance(value, str):
        return value
    spec = _correction_field(name)
    return masker.value(spec.phi if spec is not None else None, value)


def _shown(masker: Masker | None, element: str, value: str) -> str:
    return value if masker is None else masker.value(element_kind(element), value)


def write_corrections_csv(
    session: EditSession, path: str | Path, findings: Iterable[Finding] | None = None, **kw: Any
) -> Path:
    return write_csv(corrections_frame(session, findings, **kw), path)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------
def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def check_output_path(session: EditSession, path: str | Path) -> Path:
    """Refuse an output path that is the file being corrected (the original stays untouched)."""
    path = Path(path)
    source = session.doc.store.path or session.doc.path
    if source is not None and str(source) != "<input>" and _same_file(path, Path(source)):
        raise InspectorError(
            f"{path.name}: refusing to overwrite the original file; save the "
            "corrected 834 under another name"
        )
    return path


def write_corrected_834(session: EditSession, path: str | Path) -> Path:
    """Write the corrected bytes (atomically, user-only) and mark the session saved."""
    path = check_output_path(session, path)
    write_private(path, session.corrected_bytes())
    session.mark_saved()
    return path


def write_ack(session: EditSession, path: str | Path, *, result: Any = None) -> Path:
    """Write the 999 acknowledgment of the file as received (not of the corrections).

    ``result`` is pyx12's result for exactly the original bytes, when a validation already has
    it (the 999 is then built without running pyx12 again).
    """
    from inspector.core.validation.pyx12.adapter import write_999

    path = Path(path)
    write_999(session.original, path, result=result)
    return path


#: Why a masked export does not write the corrected 834 or the 999.
MASK_REFUSED = (
    "masking applies to the CSV files only: the corrected 834 and the 999 go back to the "
    "trading partner, who must receive the real values, so they are never masked. Write them "
    "in a separate export without masking"
)


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    members: int = 0
    coverages: int = 0
    document: Document | None = None  # the document the findings are of (corrected)


def export_all(
    session: EditSession,
    out_dir: str | Path,
    *,
    profiles: Iterable[ProfileLike] = (),
    use_pyx12: bool = True,
    corrections: bool | None = None,
    corrected_834: str | Path | None = None,
    ack: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    mask: MaskPolicy | None = None,
    machine_names: bool = False,
    table_format: str = "csv",
    problems_only: bool = False,
) -> ExportResult:
    """Validate the corrected file and write members.csv, coverage.csv, findings.csv,
    corrections.csv (by default when anything was corrected), and optionally the corrected 834
    and the 999 of the original file.

    Members and coverage carry an issues column, findings the member's name and ids; headers
    are the app's column titles unless ``machine_names``. ``table_format`` "xlsx" writes one
    workbook (``<file>.xlsx``: Summary, Members, Coverage, Findings) instead of the three
    table CSVs, "none" neither (the findings are still returned, e.g. for a report).
    ``problems_only``: only the members with an error or a warning (and their coverage and
    findings).

    ``mask`` masks the personal data of the CSV files (for files that leave the team). It
    cannot be combined with the corrected 834 or the 999 (:data:`MASK_REFUSED`): they go to
    the trading partner, who must receive the real values.
    """
    from inspector.core.validation.run import validation_stream

    if mask is not None and (corrected_834 is not None or ack is not None):
        raise InspectorError(MASK_REFUSED)
    out_dir = Path(out_dir)
    if corrected_834 is not None:
        check_output_path(session, corrected_834)
    doc = session.full_document(cancel=cancel)
    found: list[Finding] = []
    pyx12_result = None
    for batch in validation_stream(
        doc, profiles=tuple(profiles), use_pyx12=use_pyx12, progress=progress, cancel=cancel
    ):
        found.extend(batch.findings)
        pyx12_result = batch.pyx12_result or pyx12_result
    found.sort(key=sort_key)
    # pyx12 checked the corrected bytes; they are the original bytes when nothing was corrected
    unchanged = doc.store.data == session.original
    result = ExportResult(findings=found, members=len(doc.members), coverages=len(doc.coverage))
    result.document = doc
    if table_format == "xlsx":
        from inspector.core.export.xlsx import write_document_xlsx

        name = f"{Path(str(session.doc.path)).stem or 'export'}.xlsx"
        result.written.append(
            write_document_xlsx(
                doc,
                found,
                out_dir / name,
                mask=mask,
                machine_names=machine_names,
                problems_only=problems_only,
            )
        )
    elif table_format == "csv":
        # one sheet at a time: each is dropped once written, before the next is built
        for sheet in iter_problem_sheets(doc, found, mask=mask, problems_only=problems_only):
            path = out_dir / f"{sheet.name.lower()}.csv"
            result.written.append(write_sheet_csv(sheet, path, machine_names))
            del sheet
    if corrections or (corrections is None and session.corrected_segments()):
        result.written.append(
            write_corrections_csv(session, out_dir / "corrections.csv", found, mask=mask)
        )
    if corrected_834 is not None:
        result.written.append(write_corrected_834(session, corrected_834))
    if ack is not None:
        result.written.append(write_ack(session, ack, result=pyx12_result if unchanged else None))
    return result
