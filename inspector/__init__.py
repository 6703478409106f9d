"""834 enrollment-file inspector: a Qt-free core, a command line and a PySide6 desktop app.

The version is written once, in pyproject.toml. ``inspector.__version__`` reads it (lazily, on
first use) from the installed package's metadata; a PyInstaller bundle has no metadata and reads
the ``version.txt`` that build.spec writes from pyproject.toml; a source checkout that was never
installed reads pyproject.toml itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

DISTRIBUTION = "x834-inspector"  # [project] name in pyproject.toml
UNKNOWN_VERSION = "0+unknown"


def _version() -> str:
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's boot loader
    if getattr(sys, "frozen", False) and bundle:
        try:
            return (Path(bundle) / "version.txt").read_text(encoding="utf-8").strip()
        except OSError:
            return UNKNOWN_VERSION
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return _checkout_version(Path(__file__).resolve().parent.parent / "pyproject.toml")


def _checkout_version(pyproject: Path) -> str:
    """The [project] version of a source checkout's pyproject.toml (not installed)."""
    import tomllib

    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return UNKNOWN_VERSION
    if project.get("name") != DISTRIBUTION:
        return UNKNOWN_VERSION
    return str(project.get("version", UNKNOWN_VERSION))


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = _version()
        globals()["__version__"] = value  # computed once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
