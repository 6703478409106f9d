"""The main window: opening files (API, drop, recent), refused drops, errors, cancel, quit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QTableView

from tests.conftest import REPO, non834_files, sample_files
from tests.gui.conftest import LOAD_TIMEOUT_MS, open_and_wait


def _mime(urls: list[QUrl] | None = None, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if urls is not None:
        mime.setUrls(urls)
    if text is not None:
        mime.setText(text)
    return mime


def _drag_enter(window, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return event


def _drop(window, mime: QMimeData) -> QDropEvent:
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    return event


def test_start_page_invites_a_drop_or_open(window):
    assert window.stack.currentWidget() is window.start_page
    title = window.start_page.findChild(QLabel, "startTitle")
    assert title.text() == "Drop an 834 file here, or File \u25b8 Open\u2026"
    assert window.start_page.open_button.text() == "Open a file\u2026"
    assert not window.actions_.close_tab.isEnabled()


def test_open_paths_populates_every_view(qtbot, window, small_file):
    tab = open_and_wait(qtbot, window, small_file)
    doc = tab.prepared.doc
    for name in ("membersView", "coverageView", "segmentsView", "findingsView"):
        view = window.findChild(QTableView, name)
        assert view is not None and view.accessibleName()
    assert tab.members.model.rowCount() == len(doc.members)
    assert tab.coverage.model.table.frame is doc.coverage
    assert tab.segments.model.rowCount() == len(doc.store)
    assert window.stack.currentWidget() is window.tabs
    assert tab.summary.value("file") == small_file.name
    assert tab.summary.value("members") == str(len(doc.members))
    assert window.windowTitle().startswith(small_file.name)


def test_several_files_get_one_tab_each_and_ctrl_w_closes(qtbot, window, small_file, findings_file):
    with qtbot.waitSignals(
        [window.document_loaded, window.document_loaded], timeout=LOAD_TIMEOUT_MS
    ):
        window.open_paths([small_file, findings_file])
    assert window.tabs.count() == 2
    window.open_paths([small_file])  # already open: its tab is shown, no new tab
    assert window.tabs.count() == 2
    assert window.current_tab().path == small_file.resolve()
    assert window.actions_.close_tab.shortcut() == QKeySequence("Ctrl+W")
    window.actions_.close_tab.trigger()
    window.actions_.close_tab.trigger()
    assert window.tabs.count() == 0
    assert window.stack.currentWidget() is window.start_page


def test_dropping_local_files_opens_them(qtbot, window, small_file, findings_file):
    mime = _mime([QUrl.fromLocalFile(str(small_file)), QUrl.fromLocalFile(str(findings_file))])
    assert _drag_enter(window, mime).isAccepted()
    with qtbot.waitSignals(
        [window.document_loaded, window.document_loaded], timeout=LOAD_TIMEOUT_MS
    ):
        event = _drop(window, mime)
    assert event.isAccepted()
    assert {t.path for t in window.document_tabs()} == {
        small_file.resolve(),
        findings_file.resolve(),
    }


@pytest.mark.parametrize("kind", ["web link", "plain text", "folder", "missing file"])
def test_other_drops_are_refused(window, tmp_path, kind):
    mime = {
        "web link": lambda: _mime([QUrl("https://example.com/file.834")]),
        "plain text": lambda: _mime(text="ISA*00*..."),
        "folder": lambda: _mime([QUrl.fromLocalFile(str(tmp_path))]),
        "missing file": lambda: _mime([QUrl.fromLocalFile(str(tmp_path / "gone.834"))]),
    }[kind]()
    assert not _drag_enter(window, mime).isAccepted()
    assert not _drop(window, mime).isAccepted()
    assert window.tabs.count() == 0


def test_recent_files_menu_lists_opened_files_newest_first(
    qtbot, window, small_file, findings_file
):
    open_and_wait(qtbot, window, small_file)
    open_and_wait(qtbot, window, findings_file)
    menu = window.actions_.recent
    menu.rebuild()
    names = [a.data() for a in menu.actions() if a.data()]
    assert names == [str(findings_file.resolve()), str(small_file.resolve())]
    window.close_tab(0)
    window.close_tab(0)
    with qtbot.waitSignal(window.document_loaded, timeout=LOAD_TIMEOUT_MS):
        menu.actions()[1].trigger()  # the older file
    assert window.current_tab().path == small_file.resolve()


def test_a_file_that_is_not_an_834_shows_a_clear_message(qtbot, window, tmp_path, capfd):
    bad = tmp_path / "letter.txt"
    bad.write_text("Dear colleague, please find the enrollment attached.")
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.open_paths([bad])
    path, message = blocker.args
    assert path == bad.resolve() and "letter.txt" in message
    tab = window.current_tab()
    assert tab.state == "failed"
    assert tab.pages.currentWidget() is tab.message_page
    assert "letter.txt" in tab.message_page.text.text()
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("path", non834_files()[:2], ids=lambda p: p.name)
def test_other_x12_transactions_are_refused_clearly(qtbot, window, path):
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.open_paths([path])
    assert "not an 834" in blocker.args[1]


def test_missing_file_shows_a_message_not_a_traceback(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT_MS) as blocker:
        window.open_paths([tmp_path / "nowhere.834"])
    assert "does not exist" in blocker.args[1]


def test_cancelling_a_load_shows_cancelled_and_can_be_retried(qtbot, window, big_file):
    loaded = []
    window.document_loaded.connect(loaded.append)
    window.open_paths([big_file])
    tab = window.current_tab()
    assert tab.pages.currentWidget() is tab.loading_page
    qtbot.mouseClick(tab.loading_page.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.state == "cancelled", timeout=LOAD_TIMEOUT_MS)
    assert "cancelled" in tab.message_page.title.text().lower()
    assert tab.pages.currentWidget() is tab.message_page
    assert not loaded
    qtbot.waitUntil(lambda: tab.session is not None and tab.session.idle, timeout=5000)
    with qtbot.waitSignal(window.document_loaded, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(tab.message_page.retry, Qt.MouseButton.LeftButton)
    assert tab.state == "loaded" and tab.members.model.rowCount() > 0
    window.close_tab(0)  # closing right after loading (checks still starting) is fine too
    assert window.tabs.count() == 0


def test_closing_a_tab_while_loading_and_validating_is_safe(
    qtbot, make_window, big_file, findings_file
):
    window = make_window(use_pyx12=True)
    window.open_paths([big_file])
    window.close_tab(0)  # still loading
    open_and_wait(qtbot, window, findings_file)
    window.close_tab(0)  # pyx12 child just started
    qtbot.waitUntil(lambda: not window.closing_sessions, timeout=10_000)
    assert window.tabs.count() == 0


def test_shortcuts_are_in_the_menus(window):
    a = window.actions_
    expected = {
        a.open: "Ctrl+O",
        a.close_tab: "Ctrl+W",
        a.quit: "Ctrl+Q",
        a.filter: "Ctrl+F",
        a.next_finding: "F8",
        a.previous_finding: "Shift+F8",
        a.next_view: "F6",
        a.view_actions[0]: "Ctrl+1",
        a.view_actions[3]: "Ctrl+4",
    }
    for action, keys in expected.items():
        assert action.shortcut().toString() == keys
    menu_actions = {act for menu in window.menuBar().actions() for act in menu.menu().actions()}
    assert set(expected) <= menu_actions


def test_keyboard_switches_views_and_focuses_the_filter(qtbot, window, small_file):
    tab = open_and_wait(qtbot, window, small_file)
    window.activateWindow()
    for number, panel in enumerate(tab.panels):
        window.actions_.view_actions[number].trigger()
        qtbot.waitUntil(lambda p=panel: p.view.hasFocus(), timeout=2000)
    window.actions_.view_actions[0].trigger()
    window.actions_.filter.trigger()
    qtbot.waitUntil(lambda: tab.members.filter_box.hasFocus(), timeout=2000)
    window.actions_.view_actions[0].trigger()
    window.actions_.next_view.trigger()
    qtbot.waitUntil(lambda: tab.coverage.view.hasFocus(), timeout=2000)


def test_window_geometry_and_layout_are_remembered(qtbot, settings, make_window, small_file):
    window = make_window()
    tab = open_and_wait(qtbot, window, small_file, validated=True)
    tab._set_checking(True)  # the longest count texts ("... so far (checking…)") ...
    assert window.minimumSizeHint().width() <= 790  # ... do not widen the window past it
    tab._set_checking(False)
    window.resize(790, 540)  # fits the offscreen screen (800x600), so it is not clamped
    size = window.size()
    window.close()
    assert settings.state("window/geometry") is not None
    assert settings.state("splitter/outer") is not None
    again = make_window()
    assert again.size() == size


def test_about_box_names_the_version(qtbot, window, monkeypatch):
    from inspector import __version__

    seen = {}
    monkeypatch.setattr(
        "inspector.gui.dialogs.QMessageBox.about",
        lambda parent, title, text: seen.update(text=text),
    )
    window.actions_.about.trigger()
    assert __version__ in seen["text"]


def test_cli_smoke_run_quits_after_load_and_validation(findings_file, tmp_path):
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path)
    )
    ok = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "open", "--quit-after-load", str(findings_file)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert f"{findings_file.name}: 5 members" in ok.stdout  # printed once checks are done
    assert "errors" in ok.stdout and "inspector:" not in ok.stderr  # no check failed
    bad = tmp_path / "not.834"
    bad.write_text("hello")
    failed = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "open", "--quit-after-load", str(bad)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode != 0
    assert "not.834" in failed.stderr and "Traceback" not in failed.stderr


def test_tab_moves_through_filters_then_tables(qtbot, window, small_file):
    tab = open_and_wait(qtbot, window, small_file)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    chain = [w for panel in tab.panels for w in panel.focus_chain()]
    assert chain[0] is tab.members.filter_box and chain[-1] is tab.findings.view
    chain[0].setFocus()
    qtbot.waitUntil(lambda: chain[0].hasFocus(), timeout=2000)
    for expected in chain[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected


def test_a_file_changed_after_loading_is_not_checked_against_other_bytes(
    qtbot, make_window, findings_file, tmp_path
):
    """The check processes get the bytes the app loaded, not the file on disk: overwritten as
    soon as it is loaded (before the checks start), it is still checked as it was loaded."""
    from inspector.core.records.document import load
    from inspector.core.validation.run import validate_document

    path = tmp_path / findings_file.name
    path.write_bytes(findings_file.read_bytes())
    window = make_window(use_pyx12=True)
    window.document_loaded.connect(lambda p: p.write_bytes(b"ISA*garbage~"))
    tab = open_and_wait(qtbot, window, path, validated=True)
    assert path.read_bytes() == b"ISA*garbage~"
    shown = sorted((f.segment, f.code, f.element) for f in tab.findings.model.findings)
    expected = sorted(
        (f.segment, f.code, f.element) for f in validate_document(load(findings_file))
    )
    assert shown == expected
    assert not tab.notes  # no check failed or was skipped
    # the reader's own envelope findings are still there
    assert any(f.source == "envelope" for f in tab.findings.model.findings)


def test_pyside_keeps_none_and_true_alive(window):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void C++ call and to
    True on every emit, until the interpreter aborts ("deallocating None"). pyproject.toml pins
    a release without that bug; this test fails if a version bump brings it back."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        happened = Signal(int)

    emitter = Emitter()
    emitter.happened.connect(lambda value: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(5000):
        emitter.happened.emit(i)
        emitter.setObjectName("x")
    if sys.version_info < (3, 12):  # from 3.12 on None/True are immortal: counts mean nothing
        assert sys.getrefcount(None) >= none_before - 100
        assert sys.getrefcount(True) >= true_before - 100


def test_every_public_sample_opens_in_a_tab(qtbot, make_window):
    """Tables (or a clear message) for every sample; no exception escapes a slot."""
    window = make_window(use_pyx12=False, use_rules=False)
    paths = sample_files()
    if not paths:
        pytest.skip("public samples not available")
    done: list[Path] = []
    window.document_loaded.connect(done.append)
    window.load_failed.connect(lambda path, message: done.append(path))
    # Opened a batch at a time, each batch closed before the next: the same files through the
    # same window and slots, without the cost of every tab-bar update growing with 80+ tabs
    # (25 s at once, 6 s in batches of 8).
    for start in range(0, len(paths), 8):
        batch = paths[start : start + 8]
        done.clear()
        window.open_paths(batch)
        qtbot.waitUntil(lambda batch=batch: len(done) == len(batch), timeout=60_000)
        assert window.tabs.count() == len(batch)
        for tab in window.document_tabs():
            assert tab.state in ("loaded", "failed"), tab.path
            if tab.state == "loaded":
                assert tab.members.model.rowCount() == len(tab.prepared.doc.members)
                assert tab.segments.model.rowCount() == len(tab.prepared.doc.store)
        while window.tabs.count():
            window.close_tab(0)


def test_window_shows_the_same_findings_as_the_command_line(qtbot, make_window):
    """Rules and pyx12 run in separate processes in the app; a problem both of them see (the
    demo's impossible birth date) must still be listed once, exactly as `inspector validate`."""
    from inspector.core.records.document import load
    from inspector.core.validation.run import validate_document
    from inspector.resources import demo_path

    window = make_window(use_pyx12=True, use_rules=True)
    tab = open_and_wait(qtbot, window, demo_path(), validated=True)
    shown = sorted((f.segment, f.code, f.element) for f in tab.findings.model.findings)
    expected = sorted((f.segment, f.code, f.element) for f in validate_document(load(demo_path())))
    assert shown == expected
    assert not any(code == "IG-ELE-8" for _, code, _ in shown)


def test_start_page_offers_the_demo_and_the_recent_files(qtbot, make_window, settings):
    from inspector.resources import demo_path

    settings.add_recent_file(demo_path())
    window = make_window(False)
    page = window.start_page
    assert page.demo_button.isVisible() and page.demo_button.text() == "Open the demo"
    assert [b.text() for b in page.recent_buttons] == [demo_path().name]
    with qtbot.waitSignal(window.document_loaded, timeout=60_000):
        qtbot.mouseClick(page.recent_buttons[0], Qt.MouseButton.LeftButton)
    assert window.current_tab().path == demo_path()
    window.actions_.close_tab.trigger()
    assert window.stack.currentWidget() is page
    with qtbot.waitSignal(window.document_loaded, timeout=60_000):
        qtbot.mouseClick(page.demo_button, Qt.MouseButton.LeftButton)
    assert window.current_tab().path.name == demo_path().name


def test_while_checks_run_counts_say_so_far_and_stop_names_what_did_not_finish(
    qtbot, make_window, big_file
):
    window = make_window(use_pyx12=True)
    with qtbot.waitSignal(window.document_loaded, timeout=120_000):
        window.open_paths([big_file])
    tab = window.current_tab()
    assert tab.session.validating
    assert "so far (checking" in tab.members.count.text()
    window.actions_.stop_checks.trigger()
    assert not tab.session.validating
    assert "the implementation-guide check did not finish" in tab.banner.text
    assert "so far" not in tab.members.count.text()
