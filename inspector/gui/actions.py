"""The window's actions, their shortcuts, and the menus that hold them.

Only construction lives here; the main window connects ``triggered`` to its slots.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle

from inspector.gui.settings import Settings

SHORTCUT_HELP = (
    ("Ctrl+O", "Open files"),
    ("Ctrl+S", "Save the corrected 834 (never over the original)"),
    ("Double-click / F2", "Change a cell, or the elements of a segment"),
    ("Ctrl+Z", "Undo the last correction"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+W / Ctrl+F4", "Close the current file"),
    ("Ctrl+E", "Export the worklist: every member with an error or a warning, with the reasons"),
    ("Ctrl+C", "Copy the selected rows with headers (tab-separated, pastes into Excel)"),
    ("Ctrl+Q", "Quit"),
    ("Ctrl+0", "The file's overview (counts, totals, problems by rule)"),
    ("Ctrl+1 … Ctrl+4", "Members, Coverage, Segments, Findings"),
    ("F6 / Shift+F6", "Next / previous table"),
    ("Ctrl+F", "Filter the current table (members by default)"),
    ("Ctrl+G", "Go to a segment number"),
    ("F8 / Shift+F8", "Next / previous finding (shows its segment)"),
    ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous file tab"),
    ("Tab / Shift+Tab", "Move between filters and tables"),
    ("Esc", "Cancel opening a file"),
)


def unique_keys(keys: list[QKeySequence]) -> list[QKeySequence]:
    """The key sequences in order, each once (and none empty)."""
    seen: set[str] = set()
    result = []
    for key in keys:
        text = key.toString(QKeySequence.SequenceFormat.PortableText)
        if text and text not in seen:
            seen.add(text)
            result.append(key)
    return result


def _action(
    parent: QObject,
    text: str,
    shortcut: QKeySequence | str | None = None,
    tip: str = "",
    name: str = "",
) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if name:
        action.setObjectName(name)
    return action


class RecentFilesMenu(QMenu):
    """File ▸ Open Recent, rebuilt from the settings every time it opens."""

    file_chosen = Signal(Path)

    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__("Open &Recent", parent)
        self.setObjectName("recentMenu")
        self.settings = settings
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        self.clear()
        paths = self.settings.recent_files()
        if not paths:
            empty = self.addAction("No recent files")
            empty.setEnabled(False)
            return
        for number, path in enumerate(paths, start=1):
            label = f"&{number % 10} {path.name}" if number <= 10 else path.name
            action = self.addAction(label)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.setData(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.file_chosen.emit(p))
        self.addSeparator()
        clear = self.addAction("Clear list")
        clear.triggered.connect(self._on_clear_triggered)

    def _on_clear_triggered(self) -> None:
        self.settings.clear_recent_files()
        self.rebuild()


class RuleProfileMenu(QMenu):
    """Findings ▸ Rule Profile: the built-in profiles and the clerk's own (``*.toml`` in the
    settings folder's ``profiles``), rebuilt every time it opens; a profile file that cannot be
    used is listed greyed out with the reason. The choice applies to files opened next."""

    profile_chosen = Signal(str)

    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__("Rule &Profile", parent)
        self.setObjectName("ruleProfileMenu")
        self.setToolTipsVisible(True)
        self.settings = settings
        self.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        from inspector.core.validation.profiles import list_profiles

        self.clear()
        group = QActionGroup(self)
        current = self.settings.rule_profile()
        profiles, errors = list_profiles(self.settings.profiles_dir())
        for p in profiles:
            action = self.addAction(f"{p.label} ({p.name})" if p.title else p.name)
            action.setCheckable(True)
            action.setChecked(p.name == current)
            action.setData(p.name)
            tip = p.description or p.label
            action.setToolTip(tip if p.builtin else f"{tip}\n{p.path}")
            action.setStatusTip(tip)
            group.addAction(action)
            action.triggered.connect(lambda _checked=False, n=p.name: self._choose(n))
        for exc in errors:
            broken = self.addAction(f"{exc.path.name if exc.path else '?'} (cannot be used)")
            broken.setEnabled(False)
            broken.setToolTip(str(exc))
        self.addSeparator()
        folder = self.addAction("Your profiles: " + str(self.settings.profiles_dir()))
        folder.setEnabled(False)

    def _choose(self, name: str) -> None:
        self.settings.set_rule_profile(name)
        self.profile_chosen.emit(name)


class WindowActions(QObject):
    """Every action of the main window, grouped by menu."""

    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        super().__init__(window)
        style = window.style()
        self.open = _action(
            window,
            "&Open…",
            QKeySequence.StandardKey.Open,
            "Open one or more 834 files",
            "actionOpen",
        )
        self.open.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.open_demo = _action(
            window,
            "Open the &Demo File",
            None,
            "Open the bundled fictitious 834 with sample problems",
            "actionOpenDemo",
        )
        self.compare = _action(
            window,
            "Co&mpare with…",
            None,
            "Compare the current file with an earlier 834 or the insurer's enrollment CSV/XLSX",
            "actionCompare",
        )
        self.close_tab = _action(window, "&Close", None, "Close the current file", "actionClose")
        # Ctrl+W first, then the platform's Close keys (Ctrl+F4 ...) without repeating Ctrl+W:
        # a key listed twice is an "ambiguous shortcut overload" and does nothing.
        self.close_tab.setShortcuts(
            unique_keys(
                [QKeySequence("Ctrl+W"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Close)]
            )
        )
        self.quit = _action(window, "&Quit", "Ctrl+Q", "Quit the inspector", "actionQuit")
        self.apply_corrections = _action(
            window,
            "&Apply Corrections…",
            None,
            "Apply a corrections list (CSV/XLSX of new values per member) as one undo step, "
            "after a preview",
            "actionApplyCorrections",
        )
        self.set_field = _action(
            window,
            "Set &Field for Selected Rows…",
            None,
            "Set one field of the rows selected in the members or coverage table to the same "
            "value (checked, previewed, one undo step)",
            "actionSetField",
        )
        self.recent = RecentFilesMenu(settings, window)
        self.rule_profile = RuleProfileMenu(settings, window)

        self.overview = _action(
            window,
            "&Overview",
            "Ctrl+0",
            "Show the file's overview: counts, totals and problems by rule",
            "actionOverview",
        )
        self.view_actions = [
            _action(window, "&Members", "Ctrl+1", "Go to the members table", "actionMembers"),
            _action(window, "&Coverage", "Ctrl+2", "Go to the coverage table", "actionCoverage"),
            _action(
                window, "&Segments", "Ctrl+3", "Go to the segments of the file", "actionSegments"
            ),
            _action(window, "&Findings", "Ctrl+4", "Go to the findings list", "actionFindings"),
        ]
        self.next_view = _action(window, "Next &Table", "F6", "Move to the next table")
        self.previous_view = _action(
            window, "Previous Ta&ble", "Shift+F6", "Move to the previous table"
        )
        self.filter = _action(
            window,
            "&Filter…",
            QKeySequence.StandardKey.Find,
            "Type to filter the current table",
            "actionFilter",
        )
        self.goto = _action(
            window, "&Go to Segment…", "Ctrl+G", "Jump to a segment number", "actionGoto"
        )
        self.next_finding = _action(
            window,
            "&Next Finding",
            "F8",
            "Show the next finding and its segment",
            "actionNextFinding",
        )
        self.previous_finding = _action(
            window,
            "&Previous Finding",
            "Shift+F8",
            "Show the previous finding and its segment",
            "actionPreviousFinding",
        )
        self.mask_phi = _action(
            window,
            "Mask &Personal Data",
            None,
            "Show SSNs (last 4 digits), birth dates (year only) masked everywhere, e.g. for a "
            "screen share; the app's CSV exports are masked too. The editors show real values",
            "actionMaskPhi",
        )
        self.mask_phi.setCheckable(True)
        self.mask_phi.setChecked(settings.mask_phi())
        self.mask_names = _action(
            window,
            "Mask &Names and Addresses Too",
            None,
            "While personal data is masked, also mask names (initials kept), street, city, ZIP "
            "(first 3 digits kept), phone and e-mail",
            "actionMaskNames",
        )
        self.mask_names.setCheckable(True)
        self.mask_names.setChecked(settings.mask_names())
        self.mask_names.setEnabled(self.mask_phi.isChecked())
        self.next_tab = _action(window, "Next File", "Ctrl+PgDown", "Show the next open file")
        self.previous_tab = _action(
            window, "Previous File", "Ctrl+PgUp", "Show the previous open file"
        )
        self.stop_checks = _action(
            window,
            "&Stop Checking",
            None,
            "Stop the implementation-guide check of the current file",
        )
        self.undo = _action(
            window, "&Undo", QKeySequence.StandardKey.Undo, "Undo the last correction", "actionUndo"
        )
        self.undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo = _action(window, "&Redo", None, "Redo the last correction undone", "actionRedo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.export_worklist = _action(
            window,
            "&Worklist: Members with Problems\u2026",
            "Ctrl+E",
            "Every member with an error or a warning, with the reasons (Excel workbook or CSV)",
            "actionExportWorklist",
        )
        self.export_report = _action(
            window,
            "Discrepancy &Report (PDF)\u2026",
            None,
            "Per member, the problems and the corrections made: the report to send back to "
            "the exchange",
            "actionExportReport",
        )
        self.export_corrections = _action(
            window,
            "&Corrections CSV\u2026",
            None,
            "One row per corrected member and coverage: what changed, the original values and "
            "the findings still open",
            "actionExportCorrections",
        )
        self.export_members = _action(
            window,
            "&Members (CSV or XLSX)\u2026",
            None,
            "The members table as shown (filter and sort), with each member's issues",
            "actionExportMembers",
        )
        self.export_coverage = _action(
            window,
            "C&overage (CSV or XLSX)\u2026",
            None,
            "The coverage table as shown (filter and sort), with each coverage's issues",
            "actionExportCoverage",
        )
        self.export_findings = _action(
            window,
            "&Findings (CSV or XLSX)\u2026",
            None,
            "The findings list as shown, with the member's name and ids",
            "actionExportFindings",
        )
        self.export_834 = _action(
            window,
            "Corrected &834\u2026",
            None,
            "Save the file with the corrections under a new name (the "
            "original is never overwritten)",
            "actionExportCorrected834",
        )
        self.save_corrected = _action(
            window,
            "&Save Corrected 834\u2026",
            QKeySequence.StandardKey.Save,
            self.export_834.statusTip(),
            "actionSaveCorrected",
        )
        self.export_ack = _action(
            window,
            "999 &Acknowledgment\u2026",
            None,
            "The 999 acknowledgment of the file as received",
            "actionExportAck",
        )
        self.export_actions = [
            self.export_worklist,
            self.export_report,
            self.export_corrections,
            self.export_members,
            self.export_coverage,
            self.export_findings,
            self.export_834,
            self.export_ack,
        ]
        self.about = _action(
            window, "&About 834 Inspector", None, "Version and credits", "actionAbout"
        )
        self.shortcuts = _action(
            window,
            "&Keyboard Shortcuts",
            QKeySequence.StandardKey.HelpContents,
            "List every keyboard shortcut",
            "actionShortcuts",
        )
        self.document_actions = [
            self.overview,
            *self.view_actions,
            self.next_view,
            self.previous_view,
            self.filter,
            self.goto,
            self.next_finding,
            self.previous_finding,
            self.close_tab,
            self.stop_checks,
            self.save_corrected,
            self.apply_corrections,
            self.set_field,
            *self.export_actions,
        ]

    def build_menus(self, window: QMainWindow) -> None:
        bar = window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open)
        file_menu.addMenu(self.recent)
        file_menu.addAction(self.open_demo)
        file_menu.addAction(self.compare)
        file_menu.addSeparator()
        file_menu.addAction(self.save_corrected)
        file_menu.addAction(self.apply_corrections)
        export_menu = file_menu.addMenu("&Export")
        export_menu.setObjectName("exportMenu")
        for action in self.export_actions:
            export_menu.addAction(action)
            if action in (self.export_report, self.export_findings):
                export_menu.addSeparator()
        file_menu.addSeparator()
        file_menu.addAction(self.close_tab)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo)
        edit_menu.addAction(self.redo)
        edit_menu.addSeparator()
        edit_menu.addAction(self.set_field)

        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.overview)
        for action in self.view_actions:
            view_menu.addAction(action)
        view_menu.addAction(self.next_view)
        view_menu.addAction(self.previous_view)
        view_menu.addSeparator()
        view_menu.addAction(self.filter)
        view_menu.addAction(self.goto)
        view_menu.addSeparator()
        view_menu.addAction(self.next_tab)
        view_menu.addAction(self.previous_tab)
        view_menu.addSeparator()
        view_menu.addAction(self.mask_phi)
        view_menu.addAction(self.mask_names)

        check_menu = bar.addMenu("&Findings")
        check_menu.addAction(self.next_finding)
        check_menu.addAction(self.previous_finding)
        check_menu.addSeparator()
        check_menu.addMenu(self.rule_profile)
        check_menu.addSeparator()
        check_menu.addAction(self.stop_checks)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.shortcuts)
        help_menu.addAction(self.about)

    def set_document_actions_enabled(self, enabled: bool) -> None:
        for action in self.document_actions:
            action.setEnabled(enabled)

    def set_edit_state(self, undo: str | None, redo: str | None) -> None:
        """Undo/Redo enabled (with what they would undo) or disabled (None)."""
        for action, text, plain in ((self.undo, undo, "&Undo"), (self.redo, redo, "&Redo")):
            action.setEnabled(text is not None)
            action.setText(text.replace("&", "&&") if text else plain)
