"""The members and coverage panels: a record table with quick filters."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QToolButton, QWidget

from inspector.gui.models.record_model import RecordModel
from inspector.gui.models.roles import ERROR, WARNING
from inspector.gui.panels.table_panel import TablePanel
from inspector.gui.style import fit_columns

_SEVERITY_CHOICES = (("All", None), ("With errors", ERROR), ("With errors or warnings", WARNING))
_HIDDEN_BY_DEFAULT = {"member_identifier", "transaction"}
SAMPLE_ROWS = 200  # rows measured to size the columns
TAIL_ROWS = 20  # ... and rows measured at the end of the table


class RecordPanel(TablePanel):
    """Shared behaviour of the members and coverage panels."""

    def _setup_record_model(self, model: RecordModel) -> None:
        self.model = model
        self.view.setModel(model)
        self.view.setSortingEnabled(True)
        self.watch_model(model)
        model.rows_changed.connect(self._update_count)
        model.modelReset.connect(self._update_count)
        # every column: names, ids, ZIP, city, birth date, plan, amounts (a vectorised search
        # over one precomputed text per row, see RowOrderModel.set_search_text)
        self.filter_text_changed.connect(model.set_search_text)
        self.hide_empty_columns()
        header = self.view.horizontalHeader()
        # the first rows and the last few: positions (#, Member #) are widest at the end
        # ("20,000" is wider than any of the first 200)
        sample = [
            [*values[:SAMPLE_ROWS], *values[-TAIL_ROWS:]] if values is not None else []
            for values in model.table.display
        ]
        fit_columns(self.view, sample)
        issues_width = self.view.fontMetrics().horizontalAdvance("00 errors, 00 warnings") + 24
        header.resizeSection(model.table.issues_column, issues_width)
        self._update_count()

    def hide_empty_columns(self) -> None:
        """Hide columns with no value in this file (and a few rarely needed ones)."""
        header = self.view.horizontalHeader()
        table = self.model.table
        for column, name in enumerate(table.columns):
            header.setSectionHidden(column, table.empty[column] or name in _HIDDEN_BY_DEFAULT)

    def _severity_combo(self, noun: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"{self.view.objectName()}Severity")
        combo.setAccessibleName(f"Show {noun}")
        for label, _value in _SEVERITY_CHOICES:
            combo.addItem(f"{label} {noun}" if label == "All" else label)
        combo.currentIndexChanged.connect(self._on_severity_current_index_changed)
        return combo

    def _on_severity_current_index_changed(self, i: int) -> None:
        self.model.set_severity_filter(_SEVERITY_CHOICES[i][1])

    def _update_count(self) -> None:
        self.count.setText(self.model.count_text())

    def refresh_count(self) -> None:
        self._update_count()

    def refresh_after_findings(self) -> None:
        """Re-apply a sort/filter that depends on findings (called a few times a second)."""
        if self.model.filters_by_findings:
            self.model.refilter()  # sorted as well, by the findings known now
        elif self.model.sort_column == self.model.table.issues_column:
            self.model.resort()  # keeps the selection on its rows
        self._update_count()


class MembersPanel(RecordPanel):
    """Members with a text filter, a findings filter and a maintenance-type filter; the
    Overview can filter them to one rule's members (shown as a button that clears it)."""

    rule_filter_changed = Signal(object)  # (code, severity) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Members",
            "membersView",
            "Members",
            "One row per member (2000 loop); tinted rows have findings",
            "Search: name, ID, ZIP, city, birth date…",
            parent,
        )
        self.severity = self._severity_combo("members")
        self.maintenance = QComboBox()
        self.maintenance.setObjectName("membersMaintenance")
        self.maintenance.setAccessibleName("Maintenance type")
        self.maintenance.setToolTip("Show only members with this maintenance type (INS03)")
        self.maintenance.currentIndexChanged.connect(self._on_maintenance_current_index_changed)
        self.add_tool(self.severity)
        self.add_tool(self.maintenance)
        self.rule_chip = QToolButton()
        self.rule_chip.setObjectName("membersRuleFilter")
        self.rule_chip.setAccessibleName("Clear the rule filter")
        self.rule_chip.setProperty("role", "filterChip")
        self.rule_chip.clicked.connect(self.clear_rule_filter)
        self.rule_chip.hide()
        self._rule_title = ""
        self.tools.insertWidget(self.tools.count() - 2, self.rule_chip)

    def set_model(self, model: RecordModel) -> None:
        self._setup_record_model(model)
        self._show_rule_chip()
        self.maintenance.blockSignals(True)
        self.maintenance.clear()
        self.maintenance.addItem("All maintenance types", None)
        for value in model.distinct_values("maintenance_type"):
            self.maintenance.addItem(value, value)
        self.maintenance.blockSignals(False)

    def _on_maintenance_current_index_changed(self, i: int) -> None:
        if i >= 0 and hasattr(self, "model"):
            self.model.set_value_filter("maintenance_type", self.maintenance.itemData(i))

    # -- the Overview's rule filter ---------------------------------------------------------
    def show_rule(self, code: str, severity: str | None = None, title: str = "") -> None:
        """Show exactly the members with a finding of rule ``code``: the other filters (search,
        findings, maintenance type) are cleared so none of those members is hidden."""
        if not hasattr(self, "model"):
            return
        self._rule_title = title
        if self.filter_box is not None and self.filter_box.text():
            self.filter_box.blockSignals(True)
            self.filter_box.clear()
            self.filter_box.blockSignals(False)
            self.model.set_search_text("")
        for combo in (self.severity, self.maintenance):
            combo.setCurrentIndex(0)
        self.model.set_rule_filter(code, severity)
        self._show_rule_chip()
        self.rule_filter_changed.emit(self.model.rule_filter)

    def clear_rule_filter(self) -> None:
        if hasattr(self, "model") and self.model.rule_filter is not None:
            self.model.set_rule_filter(None)
            self.rule_filter_changed.emit(None)
        self._show_rule_chip()

    def _show_rule_chip(self) -> None:
        rule = self.model.rule_filter if hasattr(self, "model") else None
        if rule is None:
            self.rule_chip.hide()
            return
        code, severity = rule
        self.rule_chip.setText(f"Rule {code} ✕")
        what = self._rule_title or code
        kind = f"{severity}s" if severity else "findings"
        self.rule_chip.setToolTip(
            f"Showing only the members with {kind} of {code}: {what}. Click to show every member."
        )
        self.rule_chip.show()


class CoveragePanel(RecordPanel):
    """Coverage rows, by default only those of the member selected in the members table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Coverage",
            "coverageView",
            "Coverage",
            "One row per coverage (2300 loop) with the member's reporting categories",
            "Search: member, plan, amount, date…",
            parent,
        )
        self.only_selected = QCheckBox("Selected member")
        self.only_selected.setObjectName("coverageSelectedOnly")
        self.only_selected.setToolTip("Show only the coverage of the member selected above")
        self.only_selected.setChecked(True)
        self.only_selected.toggled.connect(self._on_only_selected_toggled)
        self.severity = self._severity_combo("coverage")
        self.add_tool(self.only_selected)
        self.add_tool(self.severity)
        self._member: int | None = None
        self._member_label = ""
        self._searching = False
        # a search looks through every coverage (a plan, an amount), not just the member's
        self.filter_text_changed.connect(self._on_search_text_changed)

    def set_model(self, model: RecordModel) -> None:
        self._setup_record_model(model)

    def show_member(self, member_pos: int | None, label: str = "") -> None:
        """The member selected in the members table (None: no member selected)."""
        self._member = member_pos
        self._member_label = label
        self._apply_member()

    def _on_only_selected_toggled(self, _checked: bool) -> None:
        self._apply_member()

    def _on_search_text_changed(self, text: str) -> None:
        searching = bool(text.strip())
        if searching != self._searching:
            self._searching = searching
            self._apply_member()

    def _apply_member(self) -> None:
        if not hasattr(self, "model"):
            return
        label = self._member_label or (f"member #{self._member}" if self._member else "")
        if self._member is not None:
            self.only_selected.setText(f"Only #{self._member}")
            self.only_selected.setToolTip(f"Show only the coverage of {label}")
        if self.only_selected.isChecked() and self._member is not None and not self._searching:
            self.title.setToolTip(f"Coverage of {label}")
            self.model.set_member_filter([self._member])
        else:
            searched = " (searching every coverage)" if self._searching else ""
            self.title.setToolTip(f"Coverage of every member{searched}")
            self.model.set_member_filter(None)
