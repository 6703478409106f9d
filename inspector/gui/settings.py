"""A small facade over QSettings: recent files, window geometry, splitter and header states,
the masking of personal data, and the folder of the corrections' crash journals (beside the
settings file).

Stored as an INI file in the user's scope. Tests redirect it with
``QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tmp_path)`` or pass ``path``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from inspector.core.records.mask import MaskPolicy

ORGANIZATION = "834 Inspector"
APPLICATION = "inspector"
RECENT_LIMIT = 10


class Settings:
    """Typed access to the few things the app remembers between runs."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def profiles_dir(self) -> Path:
        """The clerk's own rule profiles (``*.toml``): ``profiles`` beside the settings file (the
        core's ``user_profiles_dir()``, which the command line reads, is the same folder)."""
        return Path(self.file_name).parent / "profiles"

    def rule_profile(self) -> str:
        """Findings ▸ Rule Profile: the name of a built-in or user profile (default "base")."""
        return str(self._qs.value("rules/profile", "base") or "base")

    def set_rule_profile(self, name: str) -> None:
        self._qs.setValue("rules/profile", name)

    def journal_dir(self) -> Path:
        """Where the crash journals of corrections live: ``journals`` beside the settings file."""
        return Path(self.file_name).parent / "journals"

    def sync(self) -> None:
        self._qs.sync()
        _make_private(Path(self.file_name))

    # -- recent files -----------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        """Newest first, without duplicates, only files that still exist."""
        raw = self._qs.value("recent/files", [])
        if isinstance(raw, str):  # QSettings returns a bare string for a one-item list
            raw = [raw]
        seen: set[str] = set()
        result: list[Path] = []
        for item in raw or []:
            path = Path(str(item))
            key = _key(path)
            if key in seen or not path.is_file():
                continue
            seen.add(key)
            result.append(path)
        return result[:RECENT_LIMIT]

    def add_recent_file(self, path: Path) -> None:
        path = Path(path).absolute()
        key = _key(path)
        others = [p for p in self.recent_files() if _key(p) != key]
        self._write_recent([path, *others][:RECENT_LIMIT])

    def remove_recent_file(self, path: Path) -> None:
        key = _key(Path(path).absolute())
        self._write_recent([p for p in self.recent_files() if _key(p) != key])

    def clear_recent_files(self) -> None:
        self._write_recent([])

    def _write_recent(self, paths: list[Path]) -> None:
        self._qs.setValue("recent/files", [str(p) for p in paths])

    # -- window, splitter and header state --------------------------------------------------
    def state(self, name: str) -> QByteArray | None:
        """A saved ``saveGeometry()``/``saveState()`` blob, or None."""
        value = self._qs.value(f"state/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, name: str, value: QByteArray) -> None:
        self._qs.setValue(f"state/{name}", value)

    # -- last folder of the open dialog -----------------------------------------------------
    def last_folder(self) -> str:
        value = self._qs.value("open/last_folder", "")
        return str(value) if value and Path(str(value)).is_dir() else ""

    def set_last_folder(self, folder: Path) -> None:
        self._qs.setValue("open/last_folder", str(folder))

    # -- last folder exported to ------------------------------------------------------------
    def export_folder(self) -> str:
        value = self._qs.value("export/last_folder", "")
        return str(value) if value and Path(str(value)).is_dir() else ""

    def set_export_folder(self, folder: Path) -> None:
        self._qs.setValue("export/last_folder", str(folder))

    # -- masking of personal data (View menu) -----------------------------------------------
    def mask_phi(self) -> bool:
        """View ▸ Mask Personal Data: SSNs and birth dates masked in every view and export."""
        return _flag(self._qs.value("view/mask_phi", False))

    def set_mask_phi(self, on: bool) -> None:
        self._qs.setValue("view/mask_phi", bool(on))

    def mask_names(self) -> bool:
        """View ▸ Mask Names and Addresses Too (applies while personal data is masked)."""
        return _flag(self._qs.value("view/mask_names", False))

    def set_mask_names(self, on: bool) -> None:
        self._qs.setValue("view/mask_names", bool(on))

    def mask_policy(self) -> MaskPolicy | None:
        """What the views and the app's exports mask (None: nothing)."""
        return MaskPolicy(names=self.mask_names()) if self.mask_phi() else None


def _flag(value: object) -> bool:
    """A boolean from the INI file (QSettings gives back "true"/"false" strings)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _key(path: Path) -> str:
    """Compare paths the way the file system would (resolving symlinks and ``..``)."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def _make_private(settings_file: Path) -> None:
    """The settings file user-only (0600) and its folder, which holds the journals, 0700 (the
    app also runs with umask 077, see gui/app.py; this covers files an older version wrote)."""
    for target, mode in ((settings_file, 0o600), (settings_file.parent, 0o700)):
        with contextlib.suppress(OSError):  # not there yet, or not ours: nothing to do
            target.chmod(mode)
