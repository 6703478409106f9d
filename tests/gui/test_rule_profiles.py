"""The app's rule profile (Findings ▸ Rule Profile) and its explanation of business-rule
findings (the findings list's tooltip)."""

from __future__ import annotations

from inspector.core.findings import Finding
from inspector.core.validation.profiles import BUILTIN
from inspector.gui.models.findings_model import finding_tooltip
from inspector.resources import demo_path
from tests.gui.conftest import open_and_wait

TIP_CODE = "RULE-SSN-IMPOSSIBLE"  # one of the demo's planted problems


def test_a_business_rule_finding_tooltip_explains_the_rule():
    f = Finding("error", TIP_CODE, "SSN 000-12-3456 was never issued.", source="business-rule")
    tip = finding_tooltip(f)
    assert tip.startswith(f.message + "\n\n" + TIP_CODE + ": ")
    assert len(tip.splitlines()) >= 3  # message, blank, title (+ source and fix when given)
    other = Finding("error", "ENV-SE01-COUNT", "SE01 says 5.", source="envelope")
    assert finding_tooltip(other) == other.message


def test_rule_profile_menu_lists_builtin_and_user_profiles(window, settings):
    folder = settings.profiles_dir()
    folder.mkdir(parents=True)
    (folder / "acme.toml").write_text('title = "ACME"\nextends = "sbe"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("tags = [\n", encoding="utf-8")
    menu = window.actions_.rule_profile
    menu.rebuild()
    choices = [a.data() for a in menu.actions() if a.isCheckable()]
    assert choices == [*BUILTIN, "acme"]
    assert [a.data() for a in menu.actions() if a.isChecked()] == ["base"]
    broken = [a for a in menu.actions() if a.text().startswith("broken.toml")]
    assert broken and not broken[0].isEnabled() and "line" in broken[0].toolTip()
    acme = next(a for a in menu.actions() if a.data() == "acme")
    acme.trigger()
    assert settings.rule_profile() == "acme"


def test_the_chosen_profile_applies_to_files_opened_next(qtbot, window, settings):
    folder = settings.profiles_dir()
    folder.mkdir(parents=True)
    (folder / "quiet.toml").write_text(
        f'[rules]\n"{TIP_CODE}" = "off"\n"RULE-DUP-MEMBER" = "info"\n', encoding="utf-8"
    )
    settings.set_rule_profile("quiet")
    tab = open_and_wait(qtbot, window, demo_path(), validated=True)
    findings = tab.findings.model.findings
    assert not [f for f in findings if f.code == TIP_CODE]
    dup = [f for f in findings if f.code == "RULE-DUP-MEMBER"]
    assert dup and {f.severity for f in dup} == {"info"}
    model = tab.findings.model
    rows = [
        r
        for r in range(model.rowCount())
        if model.findings[model._rows[r]].code == "RULE-DUP-MEMBER"
    ]
    from PySide6.QtCore import Qt

    tip = model.index(rows[0], 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "RULE-DUP-MEMBER: " in tip


def test_an_unusable_chosen_profile_falls_back_to_base_and_says_so(qtbot, window, settings):
    settings.set_rule_profile("gone")
    tab = open_and_wait(qtbot, window, demo_path(), validated=True)
    assert any("Rule profile not used" in n and "'gone'" in n for n in tab.notes)
    assert any(f.code == TIP_CODE for f in tab.findings.model.findings)
