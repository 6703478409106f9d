"""Table cells as element edits: the one column → element mapping, and "set a field for rows".

A member or coverage column that shows exactly one element of one segment (``birth_date`` is
DMG02, ``benefit_begin`` the 2300 DTP*348's DTP03, a 2750 category such as ``APTC AMT`` its
REF02) can be edited; :func:`field_spec` and :func:`edit_for_cell` are what single-cell edits
(:meth:`EditSession.cell_edit`), corrections lists (:mod:`.corrections_list`) and
:func:`plan_set_field` share.

:func:`plan_set_field` turns "these rows × this column × this value" into one edit group per
row and checks them all like single edits (:func:`~inspector.core.editing.bulk.plan_bulk`):
rows that already hold the value change nothing, a row that cannot take it (no such segment,
a date that is not a date, a code not in the list) is refused with the reason and left as it
is; :func:`apply_set_field` writes the accepted rows as ONE undo step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from inspector.core.editing.bulk import BulkPlan
from inspector.core.editing.edits import Change, Edit, EditRejected
from inspector.core.errors import Cancelled
from inspector.core.records.frames import MEMBER_FIELDS, FieldSpec, coverage_field, display_columns

if TYPE_CHECKING:
    from inspector.core.editing.session import EditSession

TABLES = ("members", "coverage")


def field_spec(table: str, column: str) -> FieldSpec | None:
    """The :class:`FieldSpec` of a column of ``table`` ("members" or "coverage"), 2750
    categories included; None for a column that is not a field."""
    return MEMBER_FIELDS.get(column) if table == "members" else coverage_field(column)


def is_single_element(spec: FieldSpec | None) -> bool:
    """True when the column shows one element of one segment (what a cell edit can change)."""
    return spec is not None and spec.segment_column is not None and spec.element is not None


def editable_columns(session: EditSession, table: str) -> list[str]:
    """The columns of ``table`` a cell edit can change, in display order."""
    df = frame_of(session, table)
    out = []
    for column in display_columns(df):
        spec = field_spec(table, str(column))
        if is_single_element(spec) and spec is not None and spec.segment_column in df.columns:
            out.append(str(column))
    return out


def frame_of(session: EditSession, table: str) -> pd.DataFrame:
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r} (known: {', '.join(TABLES)})")
    return session.doc.members if table == "members" else session.doc.coverage


def shown_values(df: pd.DataFrame, column: str) -> Any:
    """A column's values as the table holds them (Nones when the file has no such column)."""
    return df[column].to_numpy(dtype=object) if column in df.columns else [None] * len(df)


def edit_for_cell(
    session: EditSession, table: str, row: int, column: str, value: str, shown: Any = None
) -> Edit | None:
    """The edit that sets cell (``row``, ``column``) to ``value``; None when the cell shows that
    value already (``shown``: :func:`shown_values` of the column, computed once by callers of
    many rows). Raises :class:`EditRejected` when the cell is not one element of a segment."""
    if shown is not None and shown[row] == value:
        return None
    return session.cell_edit(table, row, column, value)


# -- many rows, one column, one value ---------------------------------------------------------
@dataclass(frozen=True)
class RowResult:
    """What setting the field does to one row: ``status`` "change", "same" or "refused"."""

    row: int
    status: str
    reason: str | None = None
    before: str = ""
    after: str = ""


@dataclass
class SetFieldResult:
    """A checked "set field for rows" (nothing written until :func:`apply_set_field`)."""

    table: str
    column: str
    value: str
    rows: list[RowResult]
    plan: BulkPlan
    change: Change | None = None
    label: str = field(default="")

    def _with(self, status: str) -> list[RowResult]:
        return [r for r in self.rows if r.status == status]

    @property
    def changed(self) -> list[RowResult]:
        return self._with("change")

    @property
    def same(self) -> list[RowResult]:
        return self._with("same")

    @property
    def refused(self) -> list[RowResult]:
        return self._with("refused")


def plan_set_field(
    session: EditSession,
    table: str,
    rows: Iterable[int],
    column: str,
    value: str,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> SetFieldResult:
    """Check setting ``column`` of every row in ``rows`` (0-based rows of ``table``) to
    ``value``; one group per row, so a refused row never stops the others. Nothing is written.

    ``progress(done, total)`` is called now and then; ``cancel()`` returning True raises
    :class:`~inspector.core.errors.Cancelled`."""
    df = frame_of(session, table)
    spec = field_spec(table, column)
    if not is_single_element(spec) or spec is None or spec.segment_column not in df.columns:
        label = spec.label if spec is not None else column
        raise EditRejected(
            f"'{label}' is computed from several elements or not in this file; "
            "it cannot be set for many rows"
        )
    wanted: Sequence[int] = sorted(set(int(r) for r in rows))
    shown = shown_values(df, column)
    total = len(wanted)
    groups: list[list[Edit]] = []
    group_rows: list[int] = []
    early: dict[int, RowResult] = {}
    for n, r in enumerate(wanted):
        if n % 500 == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(n, total * 2)
        if not 0 <= r < len(df):
            early[r] = RowResult(r, "refused", f"there is no row {r + 1} in the {table} table")
            continue
        try:
            edit = edit_for_cell(session, table, r, column, value, shown)
        except EditRejected as exc:
            early[r] = RowResult(r, "refused", exc.reason)
            continue
        if edit is None:
            early[r] = RowResult(r, "same", None, str(value), str(value))
            continue
        groups.append([edit])
        group_rows.append(r)
    if cancel is not None and cancel():
        raise Cancelled()
    if progress is not None:
        progress(total, total * 2)
    plan = session.plan_bulk(groups)
    # a value the file holds already in another form (1980-01-01 for 19800101) changes nothing:
    # it is "same", and left out of the step (and its journal entry)
    plan = replace(plan, edits=tuple(e for e in plan.edits if e.old != e.new))
    if progress is not None:
        progress(total * 2, total * 2)
    refused = dict(plan.refused)
    changing = {(e.segment, e.element): e for e in plan.edits}
    out = dict(early)
    for gi, r in enumerate(group_rows):
        if gi in refused:
            out[r] = RowResult(r, "refused", refused[gi])
            continue
        asked = groups[gi][0]
        done = changing.get((asked.segment, asked.element))
        if done is None:
            out[r] = RowResult(r, "same", None, str(value), str(value))
        else:
            out[r] = RowResult(r, "change", None, done.old or "", done.new)
    return SetFieldResult(table, column, str(value), [out[r] for r in wanted], plan)


def apply_set_field(
    session: EditSession, result: SetFieldResult, label: str | None = None
) -> SetFieldResult:
    """Write a checked :class:`SetFieldResult` as ONE undo step (one journal entry)."""
    spec = field_spec(result.table, result.column)
    name = spec.label if spec is not None else result.column
    text = label or f"{name} set for {len(result.changed):,} row(s)"
    result.label = text
    result.change = session.apply_plan(result.plan, text)
    return result
