"""Finding bundled resources (demo file, icons): in a frozen app, an installed wheel, a checkout.

The files live in ``resources/`` at the top of the repository. A wheel carries them as the
package data ``inspector/_resources/`` (mapped from ``resources/`` in pyproject.toml), and
build.spec copies the folder into the PyInstaller bundle as ``resources/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding the resources, wherever this copy of the inspector runs from."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / "resources"  # PyInstaller bundle
    installed = _HERE / "_resources"  # a wheel (pip install .)
    if installed.is_dir():
        return installed
    return _HERE.parent / "resources"  # a checkout, or an editable install of one


def resource_path(name: str) -> Path:
    return resources_dir() / name


def demo_path() -> Path:
    """The bundled synthetic demo 834 (fictitious people only)."""
    return resource_path("demo.834")
