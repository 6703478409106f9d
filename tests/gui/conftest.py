"""GUI test fixtures: settings redirected to tmp_path, a main window, sample files."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings

from inspector.resources import demo_path
from tests.conftest import SAMPLES

LOAD_TIMEOUT_MS = 20_000
VALIDATION_TIMEOUT_MS = 30_000
WITH_FINDINGS = "healthsim__pcp-change-834.edi"  # SE01 wrong, empty NM110s, masked SSNs


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path):
    """Every test gets its own settings file: nothing leaks into the user's real settings."""
    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def settings(tmp_path: Path):
    from inspector.gui.settings import Settings

    return Settings(tmp_path / "inspector.ini")


@pytest.fixture
def make_window(qtbot, settings):
    """Build a MainWindow (optionally without pyx12) that is closed cleanly after the test."""
    from inspector.gui.main_window import MainWindow

    windows = []

    def make(use_pyx12: bool = False, use_rules: bool = True):
        window = MainWindow(settings=settings, use_pyx12=use_pyx12, use_rules=use_rules)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()  # cancels and waits for workers and the pyx12 child
    # The app keeps automatic GC off (it collects on the GUI thread, see gui/gc_guard.py);
    # collect here and switch it back on so later, non-GUI tests run as usual.
    gc.collect()
    gc.enable()


@pytest.fixture
def window(make_window):
    return make_window(False)


@pytest.fixture
def demo_copy(tmp_path) -> Path:
    """A copy of the bundled demo file (edits and saves never touch the original)."""
    path = tmp_path / "in" / "demo.834"
    path.parent.mkdir()
    shutil.copyfile(demo_path(), path)
    return path


@pytest.fixture
def findings_file() -> Path:
    path = SAMPLES / WITH_FINDINGS
    if not path.exists():
        pytest.skip(f"public sample {WITH_FINDINGS} not available")
    return path


@pytest.fixture
def small_file() -> Path:
    path = SAMPLES / "linuxforhealth-x12__enroll-employee-multiple-products.834"
    if not path.exists():
        pytest.skip("public sample not available")
    return path


def open_and_wait(qtbot, window, path: Path, validated: bool = False, overview: bool = False):
    """Open ``path`` and wait until its tables (and optionally all findings) are in.

    A loaded file shows its Overview first; the tab is switched to the tables (where most tests
    look) unless ``overview``.
    """
    if validated:
        with qtbot.waitSignals(
            [window.document_loaded, window.validation_finished],
            timeout=LOAD_TIMEOUT_MS + VALIDATION_TIMEOUT_MS,
        ):
            window.open_paths([path])
    else:
        with qtbot.waitSignal(window.document_loaded, timeout=LOAD_TIMEOUT_MS):
            window.open_paths([path])
    tab = window.tab_for(path.resolve())
    assert tab is not None
    if not overview:
        tab.show_tables()
    return tab


@pytest.fixture(scope="session")
def big_file(tmp_path_factory) -> Path:
    """A synthetic file large enough that loading takes a while (for cancel tests)."""
    path = tmp_path_factory.mktemp("big") / "big.834"
    from tests.support.synthetic import write_834

    write_834(path, 30_000)
    return path
