"""The Overview page of a document tab: what the file does, what it costs, what is wrong.

Counts (members, adds, changes, terms, cancels, reinstatements, audits), members with errors and
with warnings (members, not findings; "checking…" while the checks still run), the 2750 premium,
APTC and CSR totals, a chart of the top problems (click a bar: the members table shows exactly the
members with that rule's findings), a chart of the file's make-up (by plan or maintenance type)
and the tables behind them. Every figure is computed in :mod:`inspector.core.export.overview`.

Charts are drawn with **pyqtgraph**: pure Python on QtWidgets' graphics view, maintained, and it
runs on PySide6-Essentials, which is what the app ships. Qt Charts and Qt Graphs live in
PySide6-Addons (~200 MB more in every install and in the frozen build) for two bar charts.
pyqtgraph picks its Qt binding at import time; ``PYQTGRAPH_QT_LIB`` makes it PySide6 even when
another binding is installed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from inspector.core.export.overview import (
    ACTIONS,
    FileProfile,
    ProblemOverview,
    ProblemTally,
)
from inspector.core.findings import Finding

REFRESH_MS = 500  # recount at most this often while findings stream in
MAX_REFRESH_MS = 4000  # ... and at least this often (slow recounts back off up to here)
TOP_RULES = 10  # bars in the top-problems chart
TOP_PLANS = 8  # bars in the make-up chart (the rest are one "other plans" bar)
CHECKING = "checking…"
ERROR_COLOUR = "#c62828"  # the app's error red (models/roles.py)
WARNING_COLOUR = "#d68910"  # the app's warning amber
CLEAN_COLOUR = "#7f9cc0"
TEXT_COLOUR = "#1f2933"
MUTED_COLOUR = "#5f6b7a"
_SEVERITY_COLOUR = {"error": ERROR_COLOUR, "warning": WARNING_COLOUR}


# -- tiles --------------------------------------------------------------------------------------
class Tile(QFrame):
    """One figure: a caption, the value, and a note under it."""

    def __init__(self, key: str, caption: str, tip: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"overview_{key}")
        self.setProperty("role", "tile")
        self.setToolTip(tip)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(9, 5, 9, 5)
        layout.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "tileCaption")
        self.value = QLabel("–")
        self.value.setProperty("role", "tileValue")
        self.value.setObjectName(f"overview_{key}_value")
        self.note = QLabel("")
        self.note.setProperty("role", "tileNote")
        for label in (self.caption, self.value, self.note):
            layout.addWidget(label)

    def show_value(self, value: str, note: str = "", tone: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)
        if self.property("tone") != tone:
            self.setProperty("tone", tone)
            for widget in (self, self.value):
                widget.style().unpolish(widget)
                widget.style().polish(widget)


def _whole_step(widest: float, ticks: int = 6) -> float:
    """A whole-number tick spacing (1, 2, 5, 10, 20, 50 ...) giving about ``ticks`` ticks."""
    raw = max(widest / ticks, 1.0)
    magnitude = 10 ** int(np.floor(np.log10(raw)))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


class TileGrid(QWidget):
    """Tiles of one width in as many columns as fit (re-flowed when the width changes)."""

    SPACING = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(self.SPACING)
        self._tiles: list[Tile] = []
        self._columns = 0

    def set_tiles(self, tiles: list[Tile]) -> None:
        for tile in self._tiles:
            if tile not in tiles:
                tile.setParent(None)
                tile.deleteLater()
        self._tiles = tiles
        self._columns = 0
        self._flow(self.width())

    def tile_width(self) -> int:
        return max([118, *(t.sizeHint().width() for t in self._tiles)])

    def columns_for(self, width: int) -> int:
        return max(1, (width + self.SPACING) // (self.tile_width() + self.SPACING))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._flow(event.size().width())

    def _flow(self, width: int) -> None:
        if not self._tiles:
            return
        columns = min(self.columns_for(width), len(self._tiles))
        tile_width = max(self.tile_width(), (width - self.SPACING * (columns - 1)) // columns)
        for tile in self._tiles:
            tile.setFixedWidth(tile_width)
        if columns == self._columns:
            return
        self._columns = columns
        while self._grid.count():
            self._grid.takeAt(0)
        for k, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, k // columns, k % columns)
        rows = (len(self._tiles) + columns - 1) // columns
        height = max(t.sizeHint().height() for t in self._tiles)
        self.setFixedHeight(rows * height + (rows - 1) * self.SPACING)


# -- charts -------------------------------------------------------------------------------------
class BarChart(pg.PlotWidget):
    """Horizontal bars, one row per label (the first at the top), optionally stacked; a click on
    a row (bar, value or the space beside it) emits ``bar_clicked(row)``."""

    bar_clicked = Signal(int)

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(150)
        plot = self.getPlotItem()
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.invertY(True)
        plot.showGrid(x=True, y=False, alpha=0.12)
        plot.getViewBox().setDefaultPadding(0)
        font = QFont(self.font())
        self._metrics = QFontMetrics(font)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setTextPen(pg.mkPen(TEXT_COLOUR))
            axis.setPen(pg.mkPen("#aab4c0"))
            axis.setTickFont(font)
        plot.getAxis("left").setStyle(tickLength=0)
        self._labels: list[str] = []
        self._tips: list[str] = []
        self._items: list = []
        self.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    def show_bars(
        self,
        labels: list[str],
        stacks: list[tuple[np.ndarray, list[str] | str]],
        tips: list[str] | None = None,
        clickable: bool = True,
    ) -> None:
        """``stacks``: (values per row, colour per row or one colour), drawn left to right."""
        plot = self.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items = []
        self._labels = labels
        self._tips = tips or ["" for _ in labels]
        self.setCursor(
            Qt.CursorShape.PointingHandCursor
            if clickable and labels
            else Qt.CursorShape.ArrowCursor
        )
        n = len(labels)
        left = np.zeros(n)
        for values, colours in stacks if n else []:  # pyqtgraph fails on zero bars
            values = np.asarray(values, dtype=float)
            brushes = [colours] * n if isinstance(colours, str) else colours
            bars = pg.BarGraphItem(
                x0=left.copy(),
                y=np.arange(n),
                height=0.62,
                width=values,
                brushes=[pg.mkBrush(c) for c in brushes],
                pens=[pg.mkPen(None)] * n,
            )
            plot.addItem(bars)
            self._items.append(bars)
            left += values
        widest = float(left.max()) if n else 0.0
        for row, total in enumerate(left.tolist()):
            text = pg.TextItem(f"{int(total):,}", color=TEXT_COLOUR, anchor=(0, 0.5))
            text.setPos(total + widest * 0.01, row)
            plot.addItem(text)
            self._items.append(text)
        axis = plot.getAxis("left")
        axis.setTicks([[(row, label) for row, label in enumerate(labels)], []])
        width = max((self._metrics.horizontalAdvance(label) for label in labels), default=20)
        axis.setWidth(min(width + 14, 320))
        plot.setXRange(0, max(widest * 1.14, 1.0), padding=0)
        plot.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
        step = _whole_step(widest)  # members are whole numbers: no 0.1 ... 1.1 ticks
        plot.getAxis("bottom").setTickSpacing(step, step)
        self.setFixedHeight(max(150, 36 + 24 * n))

    # -- clicks and tooltips ------------------------------------------------------------------
    def row_at(self, scene_pos: QPointF) -> int | None:
        """The row under a point of the scene, or None (outside the bars' area)."""
        box = self.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        y = box.mapSceneToView(scene_pos).y()
        row = round(y)
        return row if 0 <= row < len(self._labels) and abs(y - row) <= 0.45 else None

    def row_centre(self, row: int) -> QPoint:
        """Where row ``row``'s bar is, in widget coordinates (for tests and key handling)."""
        box = self.getPlotItem().getViewBox()
        x = box.viewRange()[0][1] * 0.05
        return self.mapFromScene(box.mapViewToScene(QPointF(x, row)))

    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = self.row_at(event.scenePos())
        if row is not None:
            event.accept()
            self.bar_clicked.emit(row)

    def _on_scene_mouse_moved(self, scene_pos: QPointF) -> None:
        row = self.row_at(scene_pos)
        tip = self._tips[row] if row is not None and row < len(self._tips) else ""
        if tip:
            global_pos = self.mapToGlobal(self.mapFromScene(scene_pos))
            QToolTip.showText(global_pos, tip, self)
        else:
            QToolTip.hideText()


# -- tables -------------------------------------------------------------------------------------
def _small_table(name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setMinimumHeight(120)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, frame: pd.DataFrame, columns: list[str], stretch: str) -> None:
    table.setRowCount(len(frame))
    numbers = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for r, row in enumerate(frame[columns].itertuples(index=False)):
        for c, value in enumerate(row):
            item = QTableWidgetItem(
                f"{value:,}" if isinstance(value, int | np.integer) else str(value)
            )
            if isinstance(value, int | np.integer):
                item.setTextAlignment(numbers)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    column = columns.index(stretch)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "panelTitle")
    return label


# -- the page -----------------------------------------------------------------------------------
class OverviewPanel(QScrollArea):
    """The overview of one document (see the module docstring)."""

    rule_chosen = Signal(str, object, str)  # code, severity, title: filter the members to it
    tables_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview")
        self.setAccessibleName("Overview")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.profile: FileProfile | None = None
        self.problems: ProblemOverview | None = None
        self._shown: dict[str, Any] = {}  # what the charts and tables show (see _show_problems)
        self.running = False
        self._findings: Callable[[], list[Finding]] = list
        self._profile_source: Callable[[], FileProfile] | None = None
        self._dirty = False
        self._rules: pd.DataFrame = pd.DataFrame()
        self._tally: ProblemTally | None = None
        self._tallied: list[Finding] | None = None  # the list tallied (held: its id stays)
        self._tallied_count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

        body = QWidget()
        body.setObjectName("overviewBody")
        self.setWidget(body)
        page = QVBoxLayout(body)
        page.setContentsMargins(12, 8, 12, 8)
        page.setSpacing(8)

        head = QHBoxLayout()
        self.heading = QLabel("Overview")
        self.heading.setProperty("role", "overviewHeading")
        self.to_tables = QPushButton("Show the tables \u25b8")
        self.to_tables.setObjectName("overviewToTables")
        self.to_tables.setToolTip("Members, coverage, segments and findings (Ctrl+1)")
        self.to_tables.clicked.connect(self.tables_requested)
        head.addWidget(self.heading)
        head.addStretch(1)
        head.addWidget(self.to_tables)
        page.addLayout(head)

        # Tiles flow into as many columns as the width allows (TileGrid): nothing is cut off
        # at 1024 px, and at 1400 px the member counts fill the first row.
        self.tiles: dict[str, Tile] = {}
        for key, caption, tip in [
            ("members", "Members", "Every 2000 loop (INS) in the file"),
            ("errors", "With errors", "Members with at least one error"),
            ("warnings", "With warnings", "Members with at least one warning"),
            *[(a[0], a[1], a[3]) for a in ACTIONS if a[0] != "other"],
        ]:
            self.tiles[key] = Tile(key, caption, tip)
        self.tile_grid = TileGrid()
        page.addWidget(self.tile_grid)

        charts = QGridLayout()
        charts.setHorizontalSpacing(14)
        charts.setVerticalSpacing(4)
        self.rules_title = _title("Top problems \u2014 members affected")
        self.rules_hint = QLabel("Click a bar to see those members.")
        self.rules_hint.setProperty("role", "count")
        rules_head = QHBoxLayout()
        rules_head.addWidget(self.rules_title)
        rules_head.addStretch(1)
        rules_head.addWidget(self.rules_hint)
        self.rule_chart = BarChart("overviewRuleChart", "Top problems: members affected per rule")
        self.rule_chart.bar_clicked.connect(self.on_bar_clicked)
        self.no_problems = QLabel()
        self.no_problems.setObjectName("overviewNoProblems")
        self.no_problems.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_problems.setProperty("role", "count")
        self.no_problems.hide()
        makeup_head = QHBoxLayout()
        makeup_head.addWidget(_title("Make-up \u2014 members"))
        makeup_head.addStretch(1)
        self.makeup_by = QComboBox()
        self.makeup_by.setObjectName("overviewMakeupBy")
        self.makeup_by.setAccessibleName("Make-up by")
        self.makeup_by.addItems(["by plan", "by maintenance type"])
        self.makeup_by.currentIndexChanged.connect(self._on_makeup_by_current_index_changed)
        makeup_head.addWidget(self.makeup_by)
        self.makeup_chart = BarChart("overviewMakeupChart", "Members by plan or maintenance type")
        legend = QLabel(
            f'<span style="color:{ERROR_COLOUR}">\u25a0</span> with errors&nbsp;&nbsp; '
            f'<span style="color:{WARNING_COLOUR}">\u25a0</span> with warnings only&nbsp;&nbsp; '
            f'<span style="color:{CLEAN_COLOUR}">\u25a0</span> no problems found'
        )
        legend.setProperty("role", "count")
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addLayout(rules_head)
        left.addWidget(self.rule_chart)
        left.addWidget(self.no_problems)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(4)
        right.addLayout(makeup_head)
        right.addWidget(self.makeup_chart)
        right.addWidget(legend)
        right.addStretch(1)
        charts.addLayout(left, 0, 0)
        charts.addLayout(right, 0, 1)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 2)
        page.addLayout(charts)

        tables = QGridLayout()
        tables.setHorizontalSpacing(14)
        tables.setVerticalSpacing(4)
        self.rule_table = _small_table(
            "overviewRuleTable",
            "Problems by rule",
            ["Code", "Rule", "Severity", "Members", "Findings"],
        )
        self.rule_table.cellActivated.connect(self._on_rule_table_cell_activated)
        self.rule_table.setToolTip("Double-click or Enter: show the members with this problem")
        self.plan_table = _small_table(
            "overviewPlanTable",
            "Members by plan",
            ["Plan", "Members", "With errors", "With warnings"],
        )
        self.action_table = _small_table(
            "overviewActionTable",
            "Members by maintenance type",
            ["Action", "Members", "With errors", "With warnings"],
        )
        tables.addWidget(_title("Problems by rule"), 0, 0)
        tables.addWidget(self.rule_table, 1, 0, 3, 1)
        tables.addWidget(_title("By plan"), 0, 1)
        tables.addWidget(self.plan_table, 1, 1)
        tables.addWidget(_title("By maintenance type"), 2, 1)
        tables.addWidget(self.action_table, 3, 1)
        tables.setColumnStretch(0, 3)
        tables.setColumnStretch(1, 2)
        page.addLayout(tables, 1)

    # -- inputs -------------------------------------------------------------------------------
    def set_file(self, name: str) -> None:
        self.heading.setText(f"Overview of {name}")

    def set_profile(self, profile: FileProfile) -> None:
        """The file's counts (after loading, and again after an edit)."""
        self.profile = profile
        self._profile_source = None
        self._shown.clear()
        self._show_profile()
        self.refresh()

    def profile_stale(self, source: Callable[[], FileProfile]) -> None:
        """An edit changed the tables: recompute the profile with ``source()`` when shown."""
        self._profile_source = source
        self._schedule()

    def set_findings_source(self, findings: Callable[[], list[Finding]]) -> None:
        """Where the findings known so far are (read when the overview recounts)."""
        self._findings = findings
        self._tally = None

    def set_running(self, running: bool) -> None:
        """The checks are (still) running: counts are partial ("checking…")."""
        self.running = running
        if running:
            self._schedule()
        else:
            self.refresh()

    def findings_changed(self) -> None:
        """More findings arrived (or an edit replaced some): recount soon."""
        self._schedule()

    # -- refreshing ---------------------------------------------------------------------------
    def _schedule(self) -> None:
        self._dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        if self.isVisible():
            self.refresh()
        # hidden: recounted when shown (showEvent), so a background tab costs nothing

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Recount now from the findings known so far."""
        self._timer.stop()
        self._dirty = False
        if self._profile_source is not None:
            self.profile = self._profile_source()
            self._profile_source = None
            self._shown.clear()
            self._show_profile()
        if self.profile is None:
            return
        started = time.perf_counter()
        self.problems = self._tally_findings().overview(self.profile)
        self._show_problems(self.problems)
        # a huge file: recount less often, so the GUI spends at most ~1/5 of its time here
        spent_ms = int(1000 * (time.perf_counter() - started))
        self._timer.setInterval(min(max(REFRESH_MS, 5 * spent_ms), MAX_REFRESH_MS))

    def _tally_findings(self) -> ProblemTally:
        """The findings known so far, counted: only the new ones when the list grew (findings
        arrive by appending), all of them when it was replaced (an edit re-checked members)."""
        found = self._findings()
        tally = self._tally
        if tally is None or found is not self._tallied or len(found) < self._tallied_count:
            tally = self._tally = ProblemTally(found)
        elif len(found) > self._tallied_count:
            tally.add(found[self._tallied_count :])
        self._tallied = found
        self._tallied_count = len(found)
        return tally

    # -- showing ------------------------------------------------------------------------------
    def _show_profile(self) -> None:
        profile = self.profile
        assert profile is not None
        self.tiles["members"].show_value(
            f"{profile.members:,}", f"{profile.subscribers:,} subscribers"
        )
        self.tiles["members"].setToolTip(
            f"Every 2000 loop (INS) in the file: {profile.subscribers:,} subscribers, "
            f"{profile.dependents:,} dependents, {profile.coverages:,} coverages (2300)"
        )
        for key, _caption, _code, _tip in ACTIONS:
            if key in self.tiles:
                n = profile.action(key)
                self.tiles[key].show_value(f"{n:,}", _share(n, profile.members))
        money: list[Tile] = []
        shown = [t for t in profile.totals if t.category != "PRE AMT 1"] or profile.totals
        for total in shown[:6]:
            tip = (
                f"Sum of {total.category} (loop 2750), each member once: {total.members:,} "
                "members carry it"
            )
            if total.left_out:
                tip += f"; {total.left_out:,} value(s) that are not an amount left out"
            tile = Tile(f"amount_{total.category.replace(' ', '_')}", total.title, tip)
            note = f"{total.members:,} members"
            if total.left_out:
                note += f", {total.left_out:,} left out"
            tile.show_value(_money(total.cents), note, "warning" if total.left_out else "")
            money.append(tile)
        order = ["members", "errors", "warnings", *[a[0] for a in ACTIONS if a[0] != "other"]]
        self.tile_grid.set_tiles([self.tiles[k] for k in order] + money)

    def _show_problems(self, problems: ProblemOverview) -> None:
        profile = self.profile
        assert profile is not None
        checking = self.running
        for key, count, tone in (
            ("errors", problems.members_with_errors, "error"),
            ("warnings", problems.members_with_warnings, "warning"),
        ):
            tile = self.tiles[key]
            if checking and count == 0:
                tile.show_value(CHECKING, "no problem found yet")
            elif checking:
                tile.show_value(f"{count:,}", f"so far, {CHECKING}", tone)
            else:
                tile.show_value(
                    f"{count:,}", _share(count, profile.members), tone if count else "ok"
                )
        # Redraw only what changed: while checks run, most recounts find what is shown already,
        # and a redraw costs ~0.1 s of the GUI thread (charts rebuilt, tables refilled).
        changed = {
            key: not (key in self._shown and self._shown[key].equals(frame))
            for key, frame in (
                ("rule", problems.by_rule),
                ("plan", problems.by_plan),
                ("action", problems.by_action),
            )
        }
        if self._shown.get("running") != checking:
            changed["rule"] = True  # the chart's "still checking" text
        self._shown.update(
            rule=problems.by_rule,
            plan=problems.by_plan,
            action=problems.by_action,
            running=checking,
        )
        if changed["rule"]:
            self._show_rules(problems)
        if changed["plan"]:
            self._show_plans(problems)
        if changed["action"]:
            _fill(
                self.action_table,
                problems.by_action,
                ["Action", "Members", "With errors", "With warnings"],
                "Action",
            )
        if changed["plan"] or changed["action"]:
            self._show_makeup()

    def _show_rules(self, problems: ProblemOverview) -> None:
        rules = problems.by_rule
        self._rules = rules.head(TOP_RULES).reset_index(drop=True)
        self._show_rule_chart(problems)
        _fill(self.rule_table, rules, ["Code", "Rule", "Severity", "Members", "Findings"], "Rule")
        for r, severity in enumerate(rules["Severity"].tolist()):
            item = self.rule_table.item(r, 2)
            if item is not None and severity in _SEVERITY_COLOUR:
                item.setForeground(QColor(_SEVERITY_COLOUR[severity]))
            title = self.rule_table.item(r, 1)
            if title is not None:
                title.setToolTip(title.text())

    def _show_plans(self, problems: ProblemOverview) -> None:
        plans = problems.by_plan.assign(
            Short=[
                _plan_label(n, i, p)
                for n, i, p in zip(
                    problems.by_plan["Name"], problems.by_plan["Plan ID"], problems.by_plan["Plan"]
                )
            ]
        )
        _fill(
            self.plan_table,
            plans,
            ["Short", "Members", "With errors", "With warnings"],
            "Short",
        )
        for r, (plan, line, n) in enumerate(zip(plans["Plan"], plans["Line"], plans["Coverages"])):
            item = self.plan_table.item(r, 0)
            if item is not None:
                item.setToolTip(f"{plan} — {line or 'no line'}, {n:,} coverage(s)")

    def _show_rule_chart(self, problems: ProblemOverview) -> None:
        rules = self._rules
        if not len(rules):
            self.rule_chart.show_bars([], [])
            self.rule_chart.hide()
            self.no_problems.setText(
                "Still checking \u2014 no problems found so far."
                if self.running
                else "No problems found in this file."
            )
            self.no_problems.show()
            self.rules_hint.setText("")
            return
        self.no_problems.hide()
        self.rule_chart.show()
        more = len(problems.by_rule) - len(rules)
        self.rules_hint.setText(
            "Click a bar to see those members."
            + (f" {more} more rule(s) in the table below." if more > 0 else "")
        )
        labels = [str(code) for code in rules["Code"]]
        tips = [
            f"{row.Code} ({row.Severity}): {row.Rule or 'implementation-guide check'}\n"
            f"{row.Members:,} member(s), {row.Findings:,} finding(s). Click to see the members."
            for row in rules.itertuples()
        ]
        colours = [_SEVERITY_COLOUR.get(s, CLEAN_COLOUR) for s in rules["Severity"]]
        self.rule_chart.show_bars(labels, [(rules["Members"].to_numpy(), colours)], tips)

    def _show_makeup(self) -> None:
        problems = self.problems
        if problems is None:
            return
        if self.makeup_by.currentIndex() == 0:
            frame = problems.by_plan
            labels = [
                _plan_label(name, plan_id, plan)
                for name, plan_id, plan in zip(frame["Name"], frame["Plan ID"], frame["Plan"])
            ]
            if len(frame) > TOP_PLANS:
                rest = frame.iloc[TOP_PLANS:][["Members", "With errors", "With warnings"]].sum()
                frame = pd.concat([frame.iloc[:TOP_PLANS], pd.DataFrame([rest])], ignore_index=True)
                labels = [*labels[:TOP_PLANS], f"{len(problems.by_plan) - TOP_PLANS} other plans"]
        else:
            frame = problems.by_action
            labels = [str(a) for a in frame["Action"]]
        members = frame["Members"].to_numpy(dtype=float)
        errors = frame["With errors"].to_numpy(dtype=float)
        warnings = frame["With warnings"].to_numpy(dtype=float)
        # "with warnings" counts members with errors too; the bar shows each member once
        warnings_only = np.clip(np.minimum(warnings, members - errors), 0, None)
        clean = np.clip(members - errors - warnings_only, 0, None)
        tips = [
            f"{label}: {int(m):,} members, {int(e):,} with errors, {int(w):,} with warnings"
            for label, m, e, w in zip(labels, members, errors, warnings)
        ]
        self.makeup_chart.show_bars(
            labels,
            [(errors, ERROR_COLOUR), (warnings_only, WARNING_COLOUR), (clean, CLEAN_COLOUR)],
            tips,
            clickable=False,
        )

    def _on_makeup_by_current_index_changed(self, _index: int) -> None:
        self._show_makeup()

    # -- choosing a rule ----------------------------------------------------------------------
    def on_bar_clicked(self, row: int) -> None:
        """A bar of the top-problems chart was clicked: show that rule's members."""
        if 0 <= row < len(self._rules):
            rule = self._rules.iloc[row]
            self.rule_chosen.emit(str(rule["Code"]), str(rule["Severity"]), str(rule["Rule"]))

    def _on_rule_table_cell_activated(self, row: int, _column: int) -> None:
        if self.problems is not None and 0 <= row < len(self.problems.by_rule):
            rule = self.problems.by_rule.iloc[row]
            self.rule_chosen.emit(str(rule["Code"]), str(rule["Severity"]), str(rule["Rule"]))


def _share(n: int, total: int) -> str:
    if not total or not n:
        return ""
    pct = 100 * n / total
    return f"{pct:.0f}% of members" if pct >= 1 else "under 1% of members"


def _plan_label(name: str, plan_id: str, plan: str) -> str:
    """A short label for a chart row: the plan's name with its CSR variant ("SILVER 4500 -04"),
    else its id."""
    if name and "-" in plan_id:
        return f"{name} -{plan_id.rsplit('-', 1)[1]}"
    return str(name or plan_id or plan)
