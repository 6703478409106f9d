"""The rule catalogue explains itself: every registered rule says what justifies it, what a fix
looks like and which elements it points at (README's table and `inspector rules` show them)."""

from __future__ import annotations

from inspector.core.validation.rules import RULES


def test_every_rule_has_source_fix_and_elements():
    missing = [
        (r.code, [k for k in ("source", "fix", "elements") if not getattr(r, k)])
        for r in RULES
        if not (r.source.strip() and r.fix.strip() and r.elements)
    ]
    assert missing == [], "rules without source=, fix= or elements= (see rules/base.py: rule())"


def test_the_catalogue_is_well_past_sixty_rules_in_every_family():
    codes = {r.code for r in RULES}
    assert len(codes) > 60
    families = {
        "identity": "RULE-ID-",
        "family": "RULE-FAM-",
        "dates": "RULE-DATE-",
        "plan": "RULE-FFE-PLAN-",
        "demographics": "RULE-ZIP-",
    }
    for family, prefix in families.items():
        assert any(c.startswith(prefix) for c in codes), family
