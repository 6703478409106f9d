"""Starting the desktop app: ``run_gui(files, quit_after_load)`` (called by ``inspector open``)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from pathlib import Path

from inspector import __version__

SMOKE_TIMEOUT_MS = 15 * 60 * 1000  # --quit-after-load gives up after this long
EXIT_OK, EXIT_FAILED = 0, 2


def missing_display(command: str = "inspector --demo") -> str | None:
    """One line saying what to do when Qt would find no screen here, else None.

    On Linux and other X11/Wayland systems Qt aborts the process (after misleading messages
    about xcb libraries) when neither ``DISPLAY`` nor ``WAYLAND_DISPLAY`` is set and no
    platform plugin is chosen with ``QT_QPA_PLATFORM``. Windows and macOS always have a screen
    for Qt, so there is no check there. Qt-free: ``inspector open`` asks before loading Qt.
    """
    if sys.platform in ("win32", "darwin"):
        return None
    if any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return None
    return (
        "no display to show the window on (DISPLAY and WAYLAND_DISPLAY are not set): run it "
        f"on a virtual screen with `xvfb-run -a {command}`, or set QT_QPA_PLATFORM=offscreen "
        "to run it without a window"
    )


def run_gui(files: list[Path], quit_after_load: bool = False) -> int:
    """Show the main window with ``files`` opened; returns the process exit status.

    With ``quit_after_load`` the app exits 0 once every file is loaded and checked, or
    nonzero as soon as one cannot be opened (the frozen-app smoke test).
    """
    multiprocessing.freeze_support()  # the pyx12 child of a frozen app starts here
    if hasattr(os, "umask"):
        # Everything the app writes holds personal data (settings naming files, journals,
        # exports, Qt's own files): user-only, whatever the user's umask.
        os.umask(0o077)
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import APPLICATION, ORGANIZATION
    from inspector.gui.style import apply_style
    from inspector.resources import resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("834 Inspector")
    app.setApplicationVersion(__version__)
    icon = resource_path("icon.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    apply_style(app)
    if not quit_after_load:
        sys.excepthook = _show_unexpected_error

    window = MainWindow()
    window.show()
    status = {"code": EXIT_OK}
    if quit_after_load:
        _quit_when_done(app, window, [Path(f) for f in files], status)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: _give_up(app, status))
    if files:
        QTimer.singleShot(0, lambda: window.open_paths([Path(f) for f in files]))
    elif quit_after_load:
        QTimer.singleShot(0, app.quit)
    result = app.exec()
    return status["code"] if quit_after_load else int(result)


def _quit_when_done(app, window, files: list[Path], status: dict) -> None:
    pending_load = {Path(f).expanduser().resolve() for f in files}
    pending_check = set(pending_load)

    def check() -> None:
        if not pending_load and not pending_check:
            app.quit()

    def loaded(path: Path) -> None:
        pending_load.discard(path)
        check()

    def validated(path: Path) -> None:
        tab = window.tab_for(path)
        if tab is not None and tab.prepared is not None:
            index = tab.prepared.index
            print(
                f"{path.name}: {len(tab.prepared.doc.members):,} members, "
                f"{index.errors:,} errors, {index.warnings:,} warnings",
                flush=True,
            )
            for note in tab.notes:
                print(f"inspector: {path.name}: {note}", file=sys.stderr, flush=True)
        pending_check.discard(path)
        check()

    def failed(path: Path, message: str) -> None:
        print(f"inspector: {message}", file=sys.stderr)
        status["code"] = EXIT_FAILED
        app.quit()

    window.document_loaded.connect(loaded)
    window.validation_finished.connect(validated)
    window.load_failed.connect(failed)


def _give_up(app, status: dict) -> None:
    print("inspector: gave up waiting for the files to load and be checked", file=sys.stderr)
    status["code"] = EXIT_FAILED
    app.quit()


def _show_unexpected_error(kind, value, tb) -> None:
    """Last resort for a bug: tell the clerk in a dialog rather than only on a console."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    details = "".join(traceback.format_exception(kind, value, tb))
    print(details, file=sys.stderr)
    if QApplication.instance() is None:
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        "The inspector hit an unexpected problem. Your files were not changed. "
        "If it happens again, please send the details below to support.",
    )
    box.setDetailedText(details)
    box.exec()
