"""Members and coverage tables: a Qt model over :class:`TableData` plus the document's findings.

``data()`` is an array lookup. Rows with findings are tinted (the cell whose element a finding
names more strongly) and carry the messages as tooltips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from inspector.core.export.overview import members_with_rule
from inspector.gui.models.finding_index import FindingIndex, RowFindings, tooltip
from inspector.gui.models.masking import ViewMask
from inspector.gui.models.roles import (
    CLEAN,
    EDIT_HINT_ROLE,
    ERROR,
    RANK,
    SEGMENT_RANGE_ROLE,
    SEVERITY_ROLE,
    SOURCE_ROW_ROLE,
    WARNING,
    EditHint,
    cell_brush,
    header_data,
    row_brush,
    severity_icon,
)
from inspector.gui.models.row_order_model import RowOrderModel
from inspector.gui.models.table_data import ISSUES, TableData

_DISPLAY = Qt.ItemDataRole.DisplayRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_EDIT = Qt.ItemDataRole.EditRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CHANGED_ROLES = [int(_DISPLAY), int(_BACKGROUND), int(_TOOLTIP), int(_DECORATION)]
_EDITED_ROLES = [*CHANGED_ROLES, int(_EDIT)]


class CellEditor(Protocol):
    """What the model asks to read and change a cell (``table`` is "members" or "coverage")."""

    def cell_value(self, table: str, row: int, column: str) -> str | None: ...

    def edit_cell(self, table: str, row: int, column: str, value: str) -> str | None:
        """Apply the edit; return None, or the reason it was refused."""


class RecordModel(RowOrderModel):
    """One row per member (2000 loop) or per coverage (2300 loop).

    Cells that show exactly one segment element are editable once an editor is attached
    (:meth:`set_editor`); a refused value leaves the cell as it was and emits ``edit_rejected``.
    """

    edit_rejected = Signal(str, int, int)  # reason, view row, column

    def __init__(
        self,
        table: TableData,
        rows: RowFindings,
        index: FindingIndex,
        noun: str = "row",
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.row_findings = rows
        self.index_ = index
        self.noun = noun
        self.checking = False  # the checks still run (counts are "so far")
        self._issues = table.issues_column
        self._text = ""
        self._text_mask: np.ndarray | None = None
        self._worst: int | None = None  # show rows with a finding at least this severe
        self._values: dict[int, str] = {}  # column -> exact display value
        self._members: np.ndarray | None = None  # member positions to show
        self._rule: tuple[str, str | None] | None = None  # (code, severity): members with it
        self._rule_members: np.ndarray | None = None
        self._rule_members_of: tuple[int, int] | None = None  # the findings they were taken from
        self._rows = np.arange(len(table), dtype=np.int64)
        self._editor: CellEditor | None = None
        self._mask: ViewMask | None = None
        self._table_name = "members" if noun == "member" else "coverage"
        # data() for every role but the display: role -> (source row, column) -> value
        self._by_role: dict[int, Callable[[int, int], Any]] = {
            int(_BACKGROUND): self._background,
            int(_TOOLTIP): self._tooltip,
            int(_DECORATION): self._decoration,
            int(_ALIGN): self._alignment,
            int(SEVERITY_ROLE): self._severity,
            int(SOURCE_ROW_ROLE): self._source_row,
            int(SEGMENT_RANGE_ROLE): self._segment_range,
            int(_EDIT): self._edit_value,
            int(EDIT_HINT_ROLE): self._edit_hint,
        }

    # -- editing ----------------------------------------------------------------------------
    def set_editor(self, editor: CellEditor | None) -> None:
        self._editor = editor

    def set_mask(self, mask: ViewMask | None) -> None:
        """Show personal data masked (or not): the masked columns are computed once here, so
        ``data()`` stays an array lookup. The editor still gets the real value."""
        self._mask = mask
        self.table.set_masker(mask.masker if mask is not None else None)
        if self.rowCount() and self.columnCount():
            bottom_right = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), bottom_right, [int(_DISPLAY), int(_TOOLTIP)])

    def rows_edited(self, source_rows) -> None:
        """These source rows were re-derived by an edit: refresh their values and tints."""
        self.table.refresh_rows(source_rows)
        self.emit_rows_changed(source_rows, _EDITED_ROLES)

    def replace_table(self, table: TableData, rows: RowFindings, index: FindingIndex) -> None:
        """New arrays after an edit rebuilt the whole table (filters and sort are kept)."""
        self.beginResetModel()
        table.set_masker(self._mask.masker if self._mask is not None else None)
        self.table = table
        self.row_findings = rows
        self.index_ = index
        if self._text:
            self._text_mask = table.search(self._text)
        self._rows = self._compute_rows()
        self._inverse = None
        self.endResetModel()
        self.rows_changed.emit()

    def _editable(self, src: int, column: int) -> bool:
        spec = self.table.specs[column]
        ordinals = self.table.segments[column]
        return (
            self._editor is not None
            and spec is not None
            and spec.element is not None
            and ordinals is not None
            and int(ordinals[src]) > 0
        )

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = _EDIT) -> bool:
        if role != _EDIT or not index.isValid() or self._editor is None:
            return False
        src = int(self._rows[index.row()])
        column = index.column()
        if not self._editable(src, column):
            return False
        typed = "" if value is None else str(value)
        reason = self._editor.edit_cell(self._table_name, src, self.table.columns[column], typed)
        if reason is not None:
            if self._mask is not None:  # the refusal may quote what was typed
                spec = self.table.specs[column]
                reason = self._mask.typed(reason, spec.phi if spec else None, typed)
            self.edit_rejected.emit(reason, index.row(), column)
            return False
        return True

    # -- RowOrderModel ----------------------------------------------------------------------
    def source_count(self) -> int:
        return len(self.table)

    def sorted_sources(self, column: int, ascending: bool) -> np.ndarray:
        rf = self.row_findings
        return self.table.sort_order(column, ascending, rf.rank, rf.errors + rf.warnings)

    def filter_mask(self) -> np.ndarray | None:
        mask: np.ndarray | None = None

        def both(m: np.ndarray) -> None:
            nonlocal mask
            mask = m if mask is None else (mask & m)

        if self._text_mask is not None:
            both(self._text_mask)
        if self._worst is not None:
            both(self.row_findings.rank <= self._worst)
        for column, value in self._values.items():
            both(self.table.display[column] == value)
        if self._members is not None:
            both(np.isin(self.table.member_pos, self._members))
        if self._rule is not None:
            both(np.isin(self.table.member_pos, self._members_with_rule()))
        return mask

    # -- filters ----------------------------------------------------------------------------
    def set_text_filter(self, text: str) -> None:
        text = text.strip()
        if text == self._text:
            return
        self._text = text
        self._text_mask = self.table.search(text) if text else None
        self.refilter()

    def set_severity_filter(self, worst: int | None) -> None:
        """Show only rows with a finding of this rank or worse (ERROR, WARNING), or all (None)."""
        self._worst = worst
        self.refilter()

    def set_value_filter(self, column_name: str, value: str | None) -> None:
        column = self.table.column_index(column_name)
        if value is None:
            self._values.pop(column, None)
        else:
            self._values[column] = value
        self.refilter()

    def set_member_filter(self, member_positions: list[int] | None) -> None:
        self._members = None if member_positions is None else np.asarray(member_positions)
        self.refilter()

    def set_rule_filter(self, code: str | None, severity: str | None = None) -> None:
        """Show only the members with a finding of rule ``code`` (of ``severity``, when given),
        as the Overview counts them (:func:`~inspector.core.export.overview.members_with_rule`);
        None shows every member again. The rows follow while more findings arrive."""
        self._rule = None if code is None else (code, severity)
        self._rule_members_of = None
        self.refilter()

    @property
    def rule_filter(self) -> tuple[str, str | None] | None:
        """The rule (code, severity) the rows are filtered to, or None."""
        return self._rule

    def _members_with_rule(self) -> np.ndarray:
        found = self.index_.findings
        seen = (id(found), len(found))  # findings are appended, or the list is replaced
        if self._rule_members is None or self._rule_members_of != seen:
            assert self._rule is not None
            code, severity = self._rule
            positions = members_with_rule(found, code, severity)
            self._rule_members = np.fromiter(positions, dtype=np.int64, count=len(positions))
            self._rule_members_of = seen
        return self._rule_members

    @property
    def filters_by_findings(self) -> bool:
        """The rows shown depend on the findings (re-apply when more arrive)."""
        return self._worst is not None or self._rule is not None

    def distinct_values(self, column_name: str) -> list[str]:
        values = self.table.display[self.table.column_index(column_name)]
        return sorted({v for v in values if v}) if values is not None else []

    def findings_changed(self, source_rows: set[int]) -> None:
        self.emit_rows_changed(source_rows, CHANGED_ROLES)

    # -- counts -----------------------------------------------------------------------------
    def count_text(self) -> str:
        total = len(self.table)
        shown = self.rowCount()
        with_errors = int(np.count_nonzero(self.row_findings.rank == ERROR))
        noun = self.noun if total == 1 else self.noun + "s"
        head = f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"
        if self.checking:  # findings still arrive: a count, not yet a verdict
            return f"{head}, {with_errors:,} with errors so far (checking\u2026)"
        return f"{head}, {with_errors:,} with errors"

    # -- Qt model API -----------------------------------------------------------------------
    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.table.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        return header_data(section, orientation, role, self.table.labels, self.table.header_tooltip)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        """An array lookup per cell: the display inline (the most frequent role), the other
        roles through one dictionary lookup."""
        if not index.isValid():
            return None
        column = index.column()
        src = int(self._rows[index.row()])
        if role == _DISPLAY:
            if column == self._issues:
                return self._issues_text(src)
            return self.table.display[column][src]
        by_role = self._by_role.get(role)
        return by_role(src, column) if by_role is not None else None

    # -- data() by role ---------------------------------------------------------------------
    def _background(self, src: int, column: int):
        rank = int(self.row_findings.rank[src])
        if rank == CLEAN:
            return None
        cell = self._cell_rank(src, column)
        return cell_brush(cell) if cell is not None else row_brush(rank)

    def _decoration(self, src: int, column: int):
        if column != self._issues:
            return None
        rank = int(self.row_findings.rank[src])
        return severity_icon(rank) if rank != CLEAN else None

    @staticmethod
    def _alignment(_src: int, column: int) -> int | None:
        return _RIGHT if column == 0 else None

    def _severity(self, src: int, _column: int) -> int:
        return int(self.row_findings.rank[src])

    @staticmethod
    def _source_row(src: int, _column: int) -> int:
        return src

    def _segment_range(self, src: int, _column: int) -> tuple[int, int]:
        return (int(self.table.first[src]), int(self.table.last[src]))

    def _edit_value(self, src: int, column: int) -> str | None:
        if self._editor is None or not self._editable(src, column):
            return None
        return self._editor.cell_value(self._table_name, src, self.table.columns[column])

    def _edit_hint(self, src: int, column: int) -> EditHint | None:
        spec = self.table.specs[column]
        if spec is None or not self._editable(src, column):
            return None
        return EditHint(spec.kind, spec.codes, spec.label, spec.element_name or "")

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(int(self._rows[index.row()]), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # -- helpers ----------------------------------------------------------------------------
    def segment_range(self, source_row: int) -> tuple[int, int]:
        return int(self.table.first[source_row]), int(self.table.last[source_row])

    def _issues_text(self, src: int) -> str:
        rf = self.row_findings
        errors, warnings = int(rf.errors[src]), int(rf.warnings[src])
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' if errors > 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings > 1 else ''}")
        if not parts and rf.rank[src] != CLEAN:
            parts.append("note")
        return ", ".join(parts)

    def _cell_findings(self, src: int, column: int):
        ordinals = self.table.segments[column]
        spec = self.table.specs[column]
        if ordinals is None or spec is None or spec.element_name is None:
            return []
        o = int(ordinals[src])
        if not o:
            return []
        name = spec.element_name
        return [f for f in self.index_.at_segment(o) if f.element == name]

    def _cell_rank(self, src: int, column: int) -> int | None:
        found = self._cell_findings(src, column)
        return min(RANK.get(f.severity, WARNING) for f in found) if found else None

    def _tooltip(self, src: int, column: int) -> str | None:
        shown = self._mask.message if self._mask is not None else None
        found = self._cell_findings(src, column)
        if found:
            return tooltip(found, message=shown)
        row_found = self.row_findings.findings.get(src)
        if row_found:
            return tooltip(row_found, message=shown)
        if self.table.columns[column] != ISSUES:
            value = self.table.display[column][src]
            return value if isinstance(value, str) and len(value) > 30 else None
        return None
