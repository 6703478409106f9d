"""Shared test fixtures: sample locations and offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests never need a screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples" / "834" / "public"
DATA = Path(__file__).resolve().parent / "data"


def sample_files() -> list[Path]:
    """Every public 834 sample (not SOURCES.md, not the non-834 folder)."""
    if not SAMPLES.is_dir():
        return []
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.name != "SOURCES.md")


def non834_files() -> list[Path]:
    folder = SAMPLES / "non834"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def sample():
    def get(name: str) -> Path:
        path = SAMPLES / name
        if not path.exists():
            pytest.skip(f"public sample {name} not available")
        return path

    return get
