"""Shared test fixtures: sample locations, offscreen Qt, and a loud stop when the samples are missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples" / "834" / "public"
DATA = Path(__file__).resolve().parent / "data"

# A developer without the sample folder may run what is left by setting this explicitly; CI never.
NO_SAMPLES_OPT_OUT = "INSPECTOR_ALLOW_NO_SAMPLES"


def sample_files() -> list[Path]:
    """Every public 834 sample (not SOURCES.md, not the non-834 folder)."""
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.name != "SOURCES.md")


def non834_files() -> list[Path]:
    folder = SAMPLES / "non834"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def samples_problem() -> str | None:
    """Why the public sample folder cannot be used, or None when it can."""
    if not SAMPLES.is_dir():
        return f"the public sample folder {SAMPLES} is missing"
    if not sample_files():
        return f"the public sample folder {SAMPLES} holds no 834 files"
    if not non834_files():
        return f"the public sample folder has no non834/ files ({SAMPLES / 'non834'})"
    return None


def _opted_out() -> bool:
    return bool(os.environ.get(NO_SAMPLES_OPT_OUT)) and not os.environ.get("CI")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop before collecting when the samples are missing: a quiet run over half the tests
    (every parametrized sample test collects nothing) would look like a green one."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller has checked
        return
    problem = samples_problem()
    if problem is None or _opted_out():
        return
    hint = (
        "CI=true: the opt-out does not apply, CI needs the samples."
        if os.environ.get("CI")
        else f"To run without them anyway, set {NO_SAMPLES_OPT_OUT}=1."
    )
    pytest.exit(
        f"\n\n*** {problem}.\n*** The tests read the public samples from "
        f"../shared/samples/834/public beside the checkout ({REPO}). {hint}\n",
        returncode=pytest.ExitCode.USAGE_ERROR,
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    problem = samples_problem()
    if problem is None:
        return [f"samples: {len(sample_files())} 834 files, {len(non834_files())} non-834 files"]
    return [f"samples: *** {problem}; {NO_SAMPLES_OPT_OUT} is set: sample tests are SKIPPED ***"]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    problem = samples_problem()
    if problem is not None and not hasattr(config, "workerinput"):
        terminalreporter.write_sep("!", f"{problem}: every sample test was skipped", red=True)


@pytest.fixture
def sample():
    def get(name: str) -> Path:
        path = SAMPLES / name
        if not path.exists():
            if samples_problem() is not None and _opted_out():
                pytest.skip(f"public samples not available ({NO_SAMPLES_OPT_OUT} is set)")
            pytest.fail(f"public sample {name} is not in {SAMPLES}")
        return path

    return get
