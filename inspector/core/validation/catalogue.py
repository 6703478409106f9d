"""The business-rule catalogue as a reader sees it: `inspector rules`, README's rule table and
the app's explanation of a finding.

:func:`rule_rows` lists the rules a profile switches on (or every rule) with the severity and
parameter values the profile gives them; :func:`render` writes them as text, JSON or Markdown;
:func:`rule_explanation` is the text the app shows for a business-rule finding.
"""

from __future__ import annotations

import json
from typing import Any

from inspector.core.validation.profiles import Profile
from inspector.core.validation.rules import PARAM_DEFAULTS, RULES, active_rules

FORMATS = ("text", "json", "markdown")


def rule_rows(profile: Profile | None = None, *, every: bool = False) -> list[dict[str, Any]]:
    """One row per rule active under ``profile`` (every registered rule with ``every``), in
    registry order: code, severity (after the profile's setting), default_severity, tag
    (None = base rule), title, source, fix, elements, params (name -> value under the profile)
    and autofix."""
    profile = profile or Profile("base")
    rules = RULES if every else active_rules([profile])
    values = {**PARAM_DEFAULTS, **profile.params}
    rows = []
    for r in rules:
        setting = profile.rules.get(r.code)
        rows.append(
            {
                "code": r.code,
                "severity": (setting.severity if setting else None) or r.severity,
                "default_severity": r.severity,
                "tag": r.profile,
                "title": r.title,
                "source": r.source,
                "fix": r.fix,
                "elements": list(r.elements),
                "params": {name: _plain(values.get(name, d)) for name, d in r.params.items()},
                "autofix": r.autofix,
            }
        )
    return rows


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _param_text(params: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {json.dumps(v)}" for k, v in params.items())


def render(rows: list[dict[str, Any]], fmt: str, profile: Profile | None = None) -> str:
    """The rows as ``text`` (a block per rule), ``json`` (an object with the profile and the
    rules) or ``markdown`` (a table, as in README)."""
    if fmt == "json":
        head: dict[str, Any] = {}
        if profile is not None:
            head = {
                "profile": profile.name,
                "title": profile.title,
                "tags": list(profile.tags),
                "params": {k: _plain(v) for k, v in profile.params.items()},
            }
        return json.dumps({**head, "rules": rows}, indent=2)
    if fmt == "markdown":
        return markdown_table(rows)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    lines = []
    if profile is not None:
        tags = ", ".join(profile.tags) or "none: base rules only"
        lines += [f"profile {profile.name}: {profile.label} (tags: {tags})", ""]
    for row in rows:
        changed = (
            f" (default {row['default_severity']})"
            if row["severity"] != row["default_severity"]
            else ""
        )
        lines.append(
            f"{row['code']}  {row['severity']}{changed}  [{row['tag'] or 'base'}]  {row['title']}"
        )
        for label, value in (
            ("source", row["source"]),
            ("fix", row["fix"]),
            ("elements", ", ".join(row["elements"])),
            ("params", _param_text(row["params"])),
            (
                "autofix",
                "yes: the file determines the fix (Fix all like this)" if row["autofix"] else "",
            ),
        ):
            if value:
                lines.append(f"    {label + ':':<10}{value}")
    lines.append(f"{len(rows)} rule(s)")
    return "\n".join(lines)


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The README's rule table."""

    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")

    out = [
        "| code | severity | profile tag | rule | elements | parameters | source | fix |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        params = ", ".join(f"`{k}`" for k in r["params"])
        elements = ", ".join(r["elements"])
        out.append(
            f"| `{r['code']}` | {r['severity']} | {r['tag'] or 'base'} | {cell(r['title'])} | "
            f"{cell(elements)} | {params} | {cell(r['source'])} | {cell(r['fix'])} |"
        )
    return "\n".join(out)


def rule_explanation(code: str) -> str | None:
    """What the app shows beside a business-rule finding: the rule's title, what justifies it
    and what a correction looks like (None for a code that is not a registered rule)."""
    for r in RULES:
        if r.code == code:
            parts = [r.title]
            if r.source:
                parts.append(f"Source: {r.source}")
            if r.fix:
                parts.append(f"Fix: {r.fix}")
            return "\n".join(parts)
    return None
