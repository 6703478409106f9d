"""Trading-partner rule profiles as data: TOML files that switch rules on and off, change their
severities and set their parameters.

A profile file (read with the standard library's :mod:`tomllib`)::

    name = "acme"                       # optional; the file name (acme.toml) is how it is found
    title = "ACME state exchange"       # optional, shown in the app's menu and `inspector rules`
    description = "What it is for."     # optional
    extends = "sbe"                     # optional: a built-in or user profile name, or a path
    tags = ["exchange"]                 # rule tags switched on (added to those of `extends`)

    [rules]                             # optional: per rule code
    "RULE-SSN-FORMAT" = "off"           # "off", "on" (even when its tag is not switched on),
    "RULE-COVERAGE-LEVEL" = "warning"   # or a severity: "error", "warning", "info"
    "RULE-BIRTH-TOO-OLD" = { enabled = true, severity = "info" }   # the same as a table

    [params]                            # optional: rule parameters (see `inspector rules`)
    plan_year = "2025"
    allowed_states = ["CA", "NV"]

Built-in profiles (``base``, ``ffe``, ``sbe``, ``employer``) ship beside this module; a clerk's own
profiles live in the ``profiles`` folder of the app's settings folder (:func:`user_profiles_dir`)
and are found by file name, or are given by path (``--profile path/to/acme.toml``). A profile that
cannot be used raises :class:`ProfileError`, whose message names the file, the line and what is
wrong.

A :class:`Profile` is plain, picklable data: it is what the validation stream and the check
processes are given (``profiles=(profile,)``); the rule runner applies its tags, rule settings
and parameters (see :func:`inspector.core.validation.rules.run_rules`).
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.core.errors import InspectorError

BUILTIN_DIR = Path(__file__).resolve().parent
#: The built-in profiles, in the order the app lists them.
BUILTIN = ("base", "ffe", "sbe", "employer")
#: The app's settings folder name (the GUI's QSettings organisation, see inspector/gui/settings.py).
APP_FOLDER = "834 Inspector"
SEVERITIES = ("error", "warning", "info")
_KEYS = ("name", "title", "description", "extends", "tags", "rules", "params")


class ProfileError(InspectorError):
    """A profile that cannot be used: the message names the file, the line and what is wrong."""

    def __init__(
        self,
        path: str | Path | None,
        reason: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.reason = reason
        self.line = line
        self.column = column
        if self.path is None:
            super().__init__(reason)
            return
        where = f"profile {self.path}"
        if line is not None:
            where += f", line {line}" + (f", column {column}" if column is not None else "")
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class RuleSetting:
    """What a profile says about one rule: switched on/off (None = by its tag) and severity."""

    enabled: bool | None = None
    severity: str | None = None


@dataclass(frozen=True, eq=False)
class Profile:
    """A resolved profile (its ``extends`` chain already merged in)."""

    name: str
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    #: the file it was read from (None for a profile built in code)
    path: str | None = None
    builtin: bool = False

    @property
    def label(self) -> str:
        return self.title or self.name


#: What ``profiles=`` of the validation functions accepts: rule tags and resolved profiles.
ProfileLike = str | Profile


def combine(profiles: Iterable[Profile]) -> Profile:
    """Several profiles as one (``--profile a --profile b``): tags added up, later rule settings
    and parameters win."""
    items = list(profiles)
    if len(items) == 1:
        return items[0]
    tags: list[str] = []
    rules: dict[str, RuleSetting] = {}
    params: dict[str, Any] = {}
    for p in items:
        tags += [t for t in p.tags if t not in tags]
        rules.update(p.rules)
        params.update(p.params)
    name = "+".join(p.name for p in items)
    return Profile(name, " + ".join(p.label for p in items), "", tuple(tags), rules, params)


# -- where profiles are found ---------------------------------------------------------------------
def user_profiles_dir() -> Path:
    """The clerk's own profiles: ``profiles`` in the app's settings folder (the folder of the
    GUI's settings file: ``%APPDATA%\\834 Inspector`` on Windows, else
    ``$XDG_CONFIG_HOME/834 Inspector``, by default ``~/.config/834 Inspector``)."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_FOLDER / "profiles"


def builtin_path(name: str) -> Path:
    return BUILTIN_DIR / f"{name}.toml"


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or os.sep in text


def _user_files(folder: Path) -> list[Path]:
    try:
        return sorted(
            (p for p in folder.glob("*.toml") if p.is_file() and p.stem not in BUILTIN),
            key=lambda p: p.stem.lower(),
        )
    except OSError:
        return []


def known_names(folder: Path | None = None) -> list[str]:
    """Built-in profile names, then the user's (built-in names win over a user file's)."""
    folder = user_profiles_dir() if folder is None else folder
    return [*BUILTIN, *(p.stem for p in _user_files(folder))]


def list_profiles(folder: Path | None = None) -> tuple[list[Profile], list[ProfileError]]:
    """Every profile that can be chosen (built-in first, then the user's by name), and the
    errors of the user's profile files that cannot be used."""
    folder = user_profiles_dir() if folder is None else folder
    found: list[Profile] = [load_profile(n) for n in BUILTIN]
    errors: list[ProfileError] = []
    for path in _user_files(folder):
        try:
            found.append(load_profile(path, folder=folder))
        except ProfileError as exc:
            errors.append(exc)
    return found, errors


def load_profile(name_or_path: str | Path, *, folder: Path | None = None) -> Profile:
    """A built-in profile or a user profile by name, or a profile file by path.

    ``folder`` is where user profiles are looked up (default :func:`user_profiles_dir`).
    Raises :class:`ProfileError` (never another exception) when the profile cannot be used.
    """
    return _load(name_or_path, folder, base_dir=None, chain=())


def load_profiles(names: Iterable[str | Path], *, folder: Path | None = None) -> Profile:
    """Several ``--profile`` values as one profile (see :func:`combine`); none gives ``base``."""
    items = [load_profile(n, folder=folder) for n in names]
    return combine(items) if items else load_profile("base")


def _locate(name_or_path: str | Path, folder: Path | None, base_dir: Path | None) -> Path:
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or _looks_like_path(text):
        path = Path(text).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if not path.is_file():
            raise ProfileError(path, "no such profile file")
        return path
    if text in BUILTIN:
        return builtin_path(text)
    folder = user_profiles_dir() if folder is None else folder
    path = folder / f"{text}.toml"
    if path.is_file():
        return path
    known = ", ".join(known_names(folder))
    raise ProfileError(
        None,
        f"unknown rule profile {text!r} (known: {known}; or the path of a .toml profile file; "
        f"your own profiles go in {folder})",
    )


def _load(
    name_or_path: str | Path, folder: Path | None, base_dir: Path | None, chain: tuple[Path, ...]
) -> Profile:
    path = _locate(name_or_path, folder, base_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ProfileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, line, column = _decode_error(exc, text)
        raise ProfileError(path, f"not valid TOML: {reason}", line, column) from None
    return _Reader(path, text, folder, chain).profile(data)


def _decode_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None, int | None]:
    """tomllib's message without its place, and the place (line, column) it names."""
    message = str(exc)
    line = getattr(exc, "lineno", None)  # Python 3.14 has the attributes
    column = getattr(exc, "colno", None)
    m = re.search(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$", message)
    if m:
        message = message[: m.start()]
        if m.group(1):
            line, column = int(m.group(1)), int(m.group(2))
        else:
            line, column = max(1, text.count("\n") + (0 if text.endswith("\n") else 1)), None
    return message[:1].lower() + message[1:], line, column


class _Reader:
    """Checks one parsed profile file; errors name the line of the key they concern."""

    def __init__(self, path: Path, text: str, folder: Path | None, chain: tuple[Path, ...]):
        self.path = path
        self.lines = text.splitlines()
        self.folder = folder
        self.chain = (*chain, path.resolve())
        self.builtin = path.resolve().parent == BUILTIN_DIR

    def fail(self, reason: str, table: str | None = None, key: str | None = None) -> ProfileError:
        return ProfileError(self.path, reason, self.line_of(table, key))

    def line_of(self, table: str | None, key: str | None) -> int | None:
        """The line of ``key`` in ``[table]`` (top level: None), else of the table's header."""
        header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
        keyed = (
            None
            if key is None
            else re.compile(
                r"^\s*(?:" + "|".join(re.escape(k) for k in _spellings(key)) + r")\s*[=.]"
            )
        )
        section: str | None = None
        table_line = None
        for number, raw in enumerate(self.lines, 1):
            m = header.match(raw)
            if m:
                section = _unquote(m.group(1))
                if table is not None and section == table and table_line is None:
                    table_line = number
                if table is None and key is not None and section.split(".")[0] == key:
                    return number
                continue
            if keyed is None:
                continue
            if section == table and keyed.match(raw):
                return number
            # a dotted key at the top level: rules."RULE-X" = ... / params.plan_year = ...
            if table is not None and section is None:
                dotted = re.match(r"^\s*" + re.escape(table) + r"\s*\.\s*(.*)$", raw)
                if dotted and keyed.match(dotted.group(1)):
                    return number
        if table is not None and table_line is None:  # rules = { ... } inline at the top level
            return self.line_of(None, table)
        return table_line

    # -- the keys -------------------------------------------------------------------------
    def profile(self, data: dict[str, Any]) -> Profile:
        for key in data:
            if key not in _KEYS:
                raise self.fail(
                    f"unknown key {key!r} (a profile has: {', '.join(_KEYS)})", None, key
                )
        name = self.text(data, "name") or self.path.stem
        title = self.text(data, "title")
        description = self.text(data, "description")
        parent = self.parent(data)
        tags = self.tags(data)
        rules = self.rules(data.get("rules", {}))
        params = self.params(data.get("params", {}))
        if parent is not None:
            tags = (*parent.tags, *(t for t in tags if t not in parent.tags))
            rules = {**parent.rules, **rules}
            params = {**parent.params, **params}
            title = title or parent.title
            description = description or parent.description
        return Profile(name, title, description, tags, rules, params, str(self.path), self.builtin)

    def text(self, data: dict[str, Any], key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(f"{key} must be text in quotes, not {_kind(value)}", None, key)
        return value

    def parent(self, data: dict[str, Any]) -> Profile | None:
        if "extends" not in data:
            return None
        target = data["extends"]
        if not isinstance(target, str) or not target:
            raise self.fail(
                f"extends must be a profile name or path in quotes, not {_kind(target)}",
                None,
                "extends",
            )
        try:
            where = _locate(target, self.folder, self.path.parent)
        except ProfileError as exc:
            raise self.fail(f"extends: {exc.reason}", None, "extends") from None
        if where.resolve() in self.chain:
            raise self.fail(
                f"extends {target!r} leads back to this profile (a loop)", None, "extends"
            )
        return _load(where, self.folder, self.path.parent, self.chain)

    def tags(self, data: dict[str, Any]) -> tuple[str, ...]:
        value = data.get("tags", [])
        if isinstance(value, list) and (not value or self.builtin):
            # no registry import (0.2-0.7 s) for the built-ins: tests check their tags, and
            # active_rules() rejects an unknown tag anyway
            return tuple(dict.fromkeys(value))
        from inspector.core.validation.rules import PROFILES as TAGS

        known = ", ".join(sorted(TAGS))
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise self.fail(
                f'tags must be a list of rule tags in quotes, e.g. tags = ["exchange"] '
                f"(known: {known})",
                None,
                "tags",
            )
        for t in value:
            if t not in TAGS:
                raise self.fail(f"unknown rule tag {t!r} in tags (known: {known})", None, "tags")
        return tuple(dict.fromkeys(value))

    def rules(self, table: Any) -> dict[str, RuleSetting]:
        if not isinstance(table, dict):
            raise self.fail(f"rules must be a table ([rules]), not {_kind(table)}", None, "rules")
        if not table:
            return {}
        from inspector.core.validation.rules import RULES

        codes = {r.code for r in RULES}
        out: dict[str, RuleSetting] = {}
        for code, value in table.items():
            if code not in codes:
                close = difflib.get_close_matches(code, sorted(codes), n=3, cutoff=0.75)
                hint = f" (did you mean {' or '.join(close)}?)" if close else ""
                raise self.fail(
                    f"unknown rule code {code!r} in [rules]{hint}; `inspector rules` lists them",
                    "rules",
                    code,
                )
            out[code] = self.setting(code, value)
        return out

    def setting(self, code: str, value: Any) -> RuleSetting:
        choices = '"off", "on", "error", "warning", "info"'
        if isinstance(value, str):
            if value == "off":
                return RuleSetting(enabled=False)
            if value == "on":
                return RuleSetting(enabled=True)
            if value in SEVERITIES:
                return RuleSetting(severity=value)
            raise self.fail(f"{code} = {value!r}: must be one of {choices}", "rules", code)
        if isinstance(value, dict):
            for k in value:
                if k not in ("enabled", "severity"):
                    raise self.fail(
                        f"{code}: unknown key {k!r} (a rule's table has: enabled, severity)",
                        "rules",
                        code,
                    )
            enabled = value.get("enabled")
            if enabled is not None and not isinstance(enabled, bool):
                raise self.fail(
                    f"{code}: enabled must be true or false, not {_kind(enabled)}", "rules", code
                )
            severity = value.get("severity")
            if severity is not None and severity not in SEVERITIES:
                raise self.fail(
                    f'{code}: severity must be "error", "warning" or "info", not {severity!r}',
                    "rules",
                    code,
                )
            return RuleSetting(enabled, severity)
        raise self.fail(
            f'{code}: must be one of {choices} or a table such as {{ severity = "warning" }}, '
            f"not {_kind(value)}",
            "rules",
            code,
        )

    def params(self, table: Any) -> dict[str, Any]:
        if not isinstance(table, dict):
            raise self.fail(
                f"params must be a table ([params]), not {_kind(table)}", None, "params"
            )
        if not table:
            return {}
        from inspector.core.validation.rules import PARAM_DEFAULTS

        out: dict[str, Any] = {}
        for name, value in table.items():
            if name not in PARAM_DEFAULTS:
                known = ", ".join(sorted(PARAM_DEFAULTS)) or "none"
                raise self.fail(
                    f"unknown parameter {name!r} in [params] (known: {known})", "params", name
                )
            try:
                out[name] = check_param(name, value, PARAM_DEFAULTS[name])
            except ValueError as exc:
                raise self.fail(f"{name}: {exc}", "params", name) from None
        return out


def check_param(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the parameter's ``default`` (lists become tuples), else
    ValueError saying what is expected."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {_kind(value)}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be a whole number such as {default}, not {_kind(value)}")
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number such as {default}, not {_kind(value)}")
        value = float(value)
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"must be text in quotes, not {_kind(value)}")
    elif isinstance(default, tuple):
        if not isinstance(value, list):
            raise ValueError(f'must be a list such as ["A", "B"], not {_kind(value)}')
        item = type(default[0]) if default else str
        bad = [v for v in value if not isinstance(v, item) or isinstance(v, bool) != (item is bool)]
        if bad:
            what = "text in quotes" if item is str else item.__name__
            raise ValueError(f"every item must be {what}, not {_kind(bad[0])}")
        value = tuple(value)
    problem = _VALUES.get(name)
    if problem is not None:
        why = problem(value)
        if why:
            raise ValueError(why)
    return value


def _each(pattern: str, what: str):
    rx = re.compile(pattern)

    def check(values: tuple) -> str | None:
        wrong = [v for v in values if not rx.fullmatch(v)]
        return f"{wrong[0]!r} is not {what}" if wrong else None

    return check


#: Checks of a parameter's value beyond its type (by name; a name no rule declares is unused).
#: Digits are [0-9]: ``\d`` would take Arabic-Indic and other digits (records/charset.py).
_VALUES: dict[str, Any] = {
    "plan_year": lambda v: (
        None if re.fullmatch(r"([0-9]{4})?", v) else f"{v!r} is not a year (CCYY)"
    ),
    "file_kind": lambda v: (
        None
        if v in ("", "full", "change")
        else f'{v!r} must be "full", "change" or "" (from BGN08)'
    ),
    "dependent_age_limit": lambda v: None if 0 < v <= 120 else f"{v} is not an age",
    "allowed_states": _each(r"[A-Z]{2}", 'a 2-letter state code in capitals (e.g. "CA")'),
    "issuer_hios_ids": _each(r"[0-9]{5}", "a 5-digit HIOS issuer id"),
    "first_of_month_reasons": _each(r"[0-9A-Z]{2}", "a 2-character INS04 reason code"),
}


def _spellings(key: str) -> list[str]:
    return [f'"{key}"', f"'{key}'", key]


def _unquote(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


__all__ = [
    "BUILTIN",
    "Profile",
    "ProfileError",
    "ProfileLike",
    "RuleSetting",
    "check_param",
    "combine",
    "known_names",
    "list_profiles",
    "load_profile",
    "load_profiles",
    "user_profiles_dir",
]
