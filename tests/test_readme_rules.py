"""README.md's rule table is the registry's (`inspector rules --all --format markdown`)."""

from __future__ import annotations

from tests.tools import update_readme_rules as tool


def test_readme_rule_table_is_up_to_date():
    text = tool.README.read_text(encoding="utf-8")
    assert tool.BEGIN in text and tool.END in text
    assert tool.updated(text) == text, (
        f"README.md's rule table is out of date: run `{tool.COMMAND}` and commit README.md"
    )
