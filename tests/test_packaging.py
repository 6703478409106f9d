"""What a wheel and the frozen app carry: every package, the resources, and where the code finds them."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import inspector.resources as resources
from tests.conftest import REPO

SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def test_every_package_is_listed_for_the_wheel():
    """pyproject.toml lists the packages (find cannot map resources/): a new one must be added."""
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "inspector").rglob("__init__.py")
    }
    listed = set(SETUPTOOLS["packages"]) - {"inspector._resources"}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert listed - found == set(), "these are listed in pyproject.toml but do not exist"


def test_the_wheel_carries_what_the_program_opens():
    folder = REPO / SETUPTOOLS["package-dir"]["inspector._resources"]
    carried = {
        p.name for g in SETUPTOOLS["package-data"]["inspector._resources"] for p in folder.glob(g)
    }
    assert {"demo.834", "demo.manifest.json", "icon.png"} <= carried


def test_the_wheel_carries_the_rule_code_lists():
    """Every file in inspector/core/validation/rules/data is package data of the rules."""
    package = "inspector.core.validation.rules"
    folder = REPO.joinpath(*package.split("."))
    carried = {p for g in SETUPTOOLS["package-data"][package] for p in folder.glob(g)}
    present = {p for p in (folder / "data").iterdir() if p.is_file()}
    assert present and present <= carried


def test_resources_in_a_checkout():
    assert resources.resources_dir() == REPO / "resources"
    assert resources.demo_path().is_file()


def test_resources_in_an_installed_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    package = tmp_path / "site-packages" / "inspector"
    (package / "_resources").mkdir(parents=True)
    monkeypatch.setattr(resources, "_HERE", package)
    assert resources.demo_path() == package / "_resources" / "demo.834"


def test_resources_in_a_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.demo_path() == tmp_path / "resources" / "demo.834"
