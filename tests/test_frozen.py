"""Frozen-app smoke test: build build.spec with PyInstaller and run what it produced.

Building takes a few minutes, so it runs in CI (CI=true) or when INSPECTOR_FROZEN=1 is set;
otherwise it is skipped. A build that cannot find its data (pyx12 maps, resources/) fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("CI") or os.environ.get("INSPECTOR_FROZEN")),
        reason="builds the app with PyInstaller (minutes); set INSPECTOR_FROZEN=1 to run",
    ),
    # One build for the module: under xdist (--dist loadgroup) its tests share one worker.
    pytest.mark.xdist_group("frozen"),
]


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    if shutil.which("pyinstaller") is None and not _has_module("PyInstaller"):
        pytest.fail("PyInstaller is not installed (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("frozen")
    started = time.perf_counter()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "work"),
            str(REPO / "build.spec"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    app = out / "dist" / "inspector"
    size = sum(p.stat().st_size for p in app.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nfrozen build: {time.perf_counter() - started:.0f} s, {size / 2**20:.0f} MiB in {app}")
    return app


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _exe(app: Path, name: str) -> str:
    suffix = ".exe" if sys.platform == "win32" else ""
    return str(app / f"{name}{suffix}")


def test_frozen_cli_validates_and_exports(frozen, tmp_path):
    sample = SAMPLES / "healthsim__pcp-change-834.edi"
    run = subprocess.run(
        [_exe(frozen, "inspector"), "validate", str(sample), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    (report,) = json.loads(run.stdout)  # one report per file, always a list
    codes = {f["code"] for f in report["findings"]}
    assert "ENV-SE01-COUNT" in codes
    # pyx12 ran inside the bundle: it needs its map files to report anything of its own
    assert any(f["source"] == "implementation-guide" for f in report["findings"]), codes
    run = subprocess.run(
        [_exe(frozen, "inspector"), "export", str(sample), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode in (0, 1), run.stderr
    for name in ("members.csv", "coverage.csv", "findings.csv"):
        assert (tmp_path / name).stat().st_size > 0
    demo = subprocess.run(
        [
            _exe(frozen, "inspector"),
            "summary",
            "--format",
            "json",
            str(frozen / "_internal" / "resources" / "demo.834")
            if (frozen / "_internal").exists()
            else str(frozen / "resources" / "demo.834"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert demo.returncode in (0, 1) and json.loads(demo.stdout)[0]["members"] == 40


def test_frozen_bundle_carries_no_test_code(frozen):
    """Neither the test package nor the synthetic-data generator (tests/support) is shipped."""
    from PyInstaller.archive.readers import CArchiveReader

    for name in ("inspector", "inspector-gui"):
        modules = list(CArchiveReader(_exe(frozen, name)).open_embedded_archive("PYZ.pyz").toc)
        assert "inspector.cli" in modules and "inspector.core.records.structure" in modules
        shipped = [m for m in modules if m.split(".")[0] == "tests" or "synthetic" in m]
        assert shipped == [], name
    files = [p.relative_to(frozen) for p in frozen.rglob("*")]
    assert [f for f in files if "synthetic" in f.name or f.parts[-1] == "tests"] == []
    assert any((frozen / d / "resources" / "demo.834").is_file() for d in ("_internal", "."))


def test_frozen_gui_opens_demo(frozen):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run(
        [_exe(frozen, "inspector-gui"), "--demo", "--quit-after-load"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-4000:])
