"""File ▸ Compare with…: a window comparing two enrollment files (gui/compare/view.py).

:func:`open_compare` asks for the files (NEW defaults to the current tab's file) and, for a
CSV/XLSX OLD, for an optional column mapping; jumps to segments open the file in the main window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMainWindow, QWidget

from inspector.core.export.compare import parse_mapping
from inspector.core.export.compare.roster import TABLE_SUFFIXES
from inspector.gui.compare.view import CompareView

__all__ = ["CompareView", "CompareWindow", "open_compare"]

_FILES = "Enrollment files (*.834 *.edi *.x12 *.txt *.csv *.tsv *.xlsx);;All files (*)"


class CompareWindow(QMainWindow):
    """A top-level window holding one :class:`CompareView`; closing it cancels the work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare enrollment files")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.view = CompareView(self)
        self.setCentralWidget(self.view)
        self.resize(1200, 700)
        app = QApplication.instance()
        if app is not None:  # quitting with a comparison running: stop it first
            app.aboutToQuit.connect(self.view.cancel)
            app.aboutToQuit.connect(lambda: self.view.wait(10))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.view.cancel()
        self.view.wait(10)
        super().closeEvent(event)


def open_compare(window, new: Path | None = None) -> CompareWindow | None:
    """Ask for OLD (and NEW when not given), then show the comparison in a new window.

    ``window`` is the main window: jumps open the file there (``open_paths``/``tab_for``).
    """
    if new is None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, "NEW file (this week's or the audit file)", "", _FILES
        )
        if not chosen:
            return None
        new = Path(chosen)
    chosen, _ = QFileDialog.getOpenFileName(
        window, f"Compare {new.name} with… (OLD file)", "", _FILES
    )
    if not chosen:
        return None
    old = Path(chosen)
    mapping = None
    if old.suffix.lower() in TABLE_SUFFIXES:
        text, ok = QInputDialog.getText(
            window,
            "Columns of the enrollment table",
            "Column names, if they are not this app's (e.g. ssn=SSN,last_name=Surname,"
            "first_name=Given,birth_date=DOB). Leave empty to use the headings as they are:",
        )
        if not ok:
            return None
        try:
            mapping = parse_mapping(text) or None
        except ValueError:
            mapping = None
    return show_compare(window, old, new, mapping)


def show_compare(
    window, old: Path, new: Path, mapping: dict[str, str] | None = None
) -> CompareWindow:
    compare_window = CompareWindow(window)
    compare_window.view.set_masking(window.settings.mask_policy())
    compare_window.view.segment_requested.connect(
        lambda path, ordinal: _jump(window, path, ordinal)
    )
    compare_window.show()
    compare_window.view.start(old, new, mapping)
    return compare_window


def _jump(window, path: Path, ordinal: int) -> None:
    """Show segment ``ordinal`` of ``path`` in the main window (opening the file if needed)."""
    tab = window.tab_for(path)
    if tab is None:
        window.open_paths([path])
        tab = window.tab_for(path)
        if tab is None:
            return
        tab.loaded.connect(lambda _p: _show(window, tab, ordinal))
        return
    _show(window, tab, ordinal)


def _show(window, tab, ordinal: int) -> None:
    window.tabs.setCurrentWidget(tab)
    tab.segments.show_segments(ordinal, center=True)
    window.raise_()
    window.activateWindow()
