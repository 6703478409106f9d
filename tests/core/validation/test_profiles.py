"""Rule profiles as data (inspector.core.validation.profiles): the built-in TOML files, a clerk's
own profile by path or by name, what a profile changes in a rule run (tags, rules on/off,
severities, parameters), the error of every kind of bad profile file, and `inspector rules`."""

from __future__ import annotations

import json
import pickle

import pytest

from inspector.cli import main
from inspector.core.validation import profiles as profiles_module
from inspector.core.validation.catalogue import render, rule_explanation, rule_rows
from inspector.core.validation.profiles import (
    BUILTIN,
    Profile,
    ProfileError,
    RuleSetting,
    list_profiles,
    load_profile,
    load_profiles,
)
from inspector.core.validation.rules import PARAM_DEFAULTS, RULES, active_rules, rule, run_rules
from inspector.core.validation.rules import base as rules_base
from inspector.core.validation.rules.base import Problem
from inspector.core.validation.run import validate_document
from inspector.resources import demo_path
from tests.core.validation.test_rules import TODAY, at, load_834, of, one, sub

BAD_SSN = sub(ssn="12345")  # RULE-SSN-FORMAT, an error by default


def write(folder, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    """The user's profiles folder, redirected."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    monkeypatch.setattr(profiles_module, "user_profiles_dir", lambda: folder)
    return folder


@pytest.fixture
def param_rule():
    """A test-only rule with a parameter: reports the parameter's value on every subscriber."""
    code, name = "RULE-TEST-PARAM", "test_only_limit"

    def check(m):
        yield Problem(m.ins_o, "INS01", None, f"limit {m.tx.ctx.params[name]!r}.")

    rule(
        code,
        severity="info",
        title="test only",
        applies_to="subscribers",
        params={name: 3},
        source="test",
        fix="none",
        elements=("INS01",),
    )(check)
    yield code
    RULES[:] = [r for r in RULES if r.code != code]
    rules_base._BY_CODE.pop(code, None)
    PARAM_DEFAULTS.pop(name, None)


# -- built-in profiles ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "tags"),
    [
        ("base", ()),
        ("ffe", ("ffe", "exchange")),
        ("sbe", ("exchange",)),
        ("employer", ("employer",)),
    ],
)
def test_builtin_profiles_load_with_their_tags(name, tags):
    p = load_profile(name)
    assert p.name == name and p.tags == tags and p.builtin and p.title and p.description
    assert not p.rules and not p.params


def test_every_builtin_file_is_listed_and_shipped():
    shipped = {p.stem for p in profiles_module.BUILTIN_DIR.glob("*.toml")}
    assert shipped == set(BUILTIN)
    found, errors = list_profiles(profiles_module.BUILTIN_DIR / "no-such-folder")
    assert [p.name for p in found] == list(BUILTIN) and errors == []


def test_ffe_profile_runs_the_ffe_and_exchange_rules():
    active = {r.code for r in active_rules([load_profile("ffe")])}
    assert {r.code for r in RULES if r.profile in (None, "ffe", "exchange")} == active
    assert {r.code for r in active_rules([load_profile("base")])} == {
        r.code for r in RULES if r.profile is None
    }


def test_a_profile_is_plain_picklable_data_for_the_check_process():
    p = load_profile("ffe")
    back = pickle.loads(pickle.dumps(p))
    assert (back.name, back.tags, dict(back.rules), dict(back.params)) == (
        "ffe",
        ("ffe", "exchange"),
        {},
        {},
    )


# -- what a profile changes ---------------------------------------------------------------------
def test_rule_switched_off(tmp_path):
    p = load_profile(write(tmp_path, "p.toml", '[rules]\n"RULE-SSN-FORMAT" = "off"\n'))
    assert p.rules == {"RULE-SSN-FORMAT": RuleSetting(enabled=False)}
    doc = load_834(BAD_SSN)
    assert of(run_rules(doc, today=TODAY), "RULE-SSN-FORMAT")
    assert not of(run_rules(doc, [p], today=TODAY), "RULE-SSN-FORMAT")


def test_rule_switched_on_without_its_tag(tmp_path):
    tagged = next(r for r in RULES if r.profile == "ffe")
    p = load_profile(write(tmp_path, "p.toml", f'[rules]\n"{tagged.code}" = "on"\n'))
    assert tagged in active_rules([p])
    assert tagged not in active_rules([load_profile("base")])


@pytest.mark.parametrize(
    "setting", ['"warning"', '{ severity = "warning" }', '{ enabled = true, severity = "warning" }']
)
def test_severity_override_applies_to_the_findings(tmp_path, setting):
    p = load_profile(write(tmp_path, "p.toml", f'[rules]\n"RULE-SSN-FORMAT" = {setting}\n'))
    doc = load_834(BAD_SSN)
    assert one(run_rules(doc, today=TODAY), "RULE-SSN-FORMAT").severity == "error"
    f = one(run_rules(doc, [p], today=TODAY), "RULE-SSN-FORMAT")
    assert f.severity == "warning" and f.segment == at(doc, "NM1*IL")
    # the same through the validation stream that the CLI, the export and the app use
    stream = validate_document(doc, profiles=[p], use_pyx12=False)
    assert one(stream, "RULE-SSN-FORMAT").severity == "warning"


def test_params_reach_the_rules(tmp_path, param_rule):
    doc = load_834(sub())
    assert one(run_rules(doc, today=TODAY), param_rule).message == "limit 3."
    p = load_profile(write(tmp_path, "p.toml", "[params]\ntest_only_limit = 7\n"))
    assert p.params == {"test_only_limit": 7}
    assert one(run_rules(doc, [p], today=TODAY), param_rule).message == "limit 7."
    # run_rules(params=...) wins over the profile
    found = run_rules(doc, [p], today=TODAY, params={"test_only_limit": 9})
    assert one(found, param_rule).message == "limit 9."


def test_list_params_become_tuples_and_types_are_checked(tmp_path, monkeypatch):
    monkeypatch.setitem(PARAM_DEFAULTS, "allowed_states", ())
    monkeypatch.setitem(PARAM_DEFAULTS, "one_plan_per_group", False)
    p = load_profile(
        write(
            tmp_path,
            "p.toml",
            '[params]\nallowed_states = ["CA", "NV"]\none_plan_per_group = true\n',
        )
    )
    assert p.params == {"allowed_states": ("CA", "NV"), "one_plan_per_group": True}
    bad = write(tmp_path, "bad.toml", '[params]\n\nallowed_states = "CA"\n')
    with pytest.raises(ProfileError) as exc:
        load_profile(bad)
    assert exc.value.line == 3 and "allowed_states: must be a list" in str(exc.value)


def test_extends_inherits_and_overrides(tmp_path, param_rule):
    write(
        tmp_path,
        "parent.toml",
        'extends = "ffe"\ntitle = "Parent"\n[rules]\n"RULE-SSN-FORMAT" = "off"\n'
        '"RULE-BIRTH-TOO-OLD" = "info"\n[params]\ntest_only_limit = 5\n',
    )
    child = load_profile(
        write(
            tmp_path,
            "child.toml",
            'extends = "parent.toml"\ntags = ["employer"]\n'
            '[rules]\n"RULE-SSN-FORMAT" = "warning"\n',
        )
    )
    assert child.tags == ("ffe", "exchange", "employer")
    assert child.title == "Parent"  # inherited
    assert child.rules["RULE-SSN-FORMAT"] == RuleSetting(severity="warning")  # replaced
    assert child.rules["RULE-BIRTH-TOO-OLD"] == RuleSetting(severity="info")
    assert child.params == {"test_only_limit": 5}


def test_several_profiles_combine_later_ones_win(tmp_path):
    a = write(tmp_path, "a.toml", '[rules]\n"RULE-SSN-FORMAT" = "off"\n')
    b = write(tmp_path, "b.toml", '[rules]\n"RULE-SSN-FORMAT" = "info"\n')
    p = load_profiles(["ffe", str(a), str(b)])
    assert p.tags == ("ffe", "exchange")
    assert p.rules["RULE-SSN-FORMAT"] == RuleSetting(severity="info")
    assert load_profiles([]).name == "base"


# -- where profiles are found -------------------------------------------------------------------
def test_user_profile_by_path(tmp_path):
    path = write(tmp_path, "acme.toml", 'title = "ACME"\ntags = ["exchange"]\n')
    p = load_profile(str(path))
    assert (p.name, p.title, p.tags, p.builtin, p.path) == (
        "acme",
        "ACME",
        ("exchange",),
        False,
        str(path),
    )


def test_user_profile_by_name_in_the_settings_folder(user_dir):
    write(user_dir, "acme.toml", 'extends = "sbe"\n[rules]\n"RULE-SSN-FORMAT" = "off"\n')
    write(user_dir, "broken.toml", "tags = [\n")
    p = load_profile("acme")
    assert p.tags == ("exchange",) and p.path == str(user_dir / "acme.toml")
    found, errors = list_profiles()
    assert [x.name for x in found] == [*BUILTIN, "acme"]
    assert len(errors) == 1 and errors[0].path == user_dir / "broken.toml"


def test_user_profiles_dir_is_the_apps_settings_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(profiles_module.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert profiles_module.user_profiles_dir() == tmp_path / "834 Inspector" / "profiles"


def test_unknown_profile_name_names_the_known_ones(user_dir):
    write(user_dir, "acme.toml", "")
    with pytest.raises(ProfileError) as exc:
        load_profile("bogus")
    text = str(exc.value)
    assert "unknown rule profile 'bogus' (known: base, ffe, sbe, employer, acme;" in text
    assert str(user_dir) in text


# -- bad profile files ---------------------------------------------------------------------------
BAD = [
    ("syntax", 'title = "x"\ntags = ["ffe"\n', 2, "not valid TOML"),
    ("bare value", '[rules]\n"RULE-SSN-FORMAT" = off\n', 2, "not valid TOML: invalid value"),
    ("unknown key", 'title = "x"\ncolour = "red"\n', 2, "unknown key 'colour'"),
    ("unknown code", '[rules]\n"RULE-SSN-FORMAT" = "off"\n"RULE-NOPE" = "off"\n', 3, "RULE-NOPE"),
    ("near code", '\n[rules]\n"RULE-SSN-FORMT" = "off"\n', 3, "did you mean RULE-SSN-FORMAT"),
    ("dotted code", 'rules."RULE-NOPE" = "off"\n', 1, "unknown rule code 'RULE-NOPE'"),
    ("bad setting", '[rules]\n"RULE-SSN-FORMAT" = "loud"\n', 2, "must be one of"),
    ("bad severity", '[rules]\n"RULE-SSN-FORMAT" = { severity = "fatal" }\n', 2, "'fatal'"),
    ("bad enabled", '[rules]\n"RULE-SSN-FORMAT" = { enabled = "no" }\n', 2, "true or false"),
    ("rule table key", '[rules]\n"RULE-SSN-FORMAT" = { level = 1 }\n', 2, "unknown key 'level'"),
    ("unknown param", "tags = []\n[params]\nno_such_param = 1\n", 3, "unknown parameter"),
    ("unknown tag", 'tags = ["ffe", "medicaid"]\n', 1, "unknown rule tag 'medicaid'"),
    ("tags type", 'tags = "ffe"\n', 1, "tags must be a list"),
    ("title type", "title = 3\n", 1, "title must be text"),
    ("rules type", 'rules = "off"\n', 1, "rules must be a table"),
    ("extends missing", 'extends = "nowhere"\n', 1, "extends: unknown rule profile 'nowhere'"),
    ("extends loop", 'extends = "bad.toml"\n', 1, "leads back to this profile"),
]


@pytest.mark.parametrize(("text", "line", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_profile_file_names_file_line_and_reason(tmp_path, user_dir, text, line, reason):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    message = str(exc.value)
    assert exc.value.path == path and exc.value.line == line, message
    assert message.startswith(f"profile {path}, line {line}") and reason in message, message


def test_bad_param_type(tmp_path, param_rule):
    path = write(tmp_path, "bad.toml", '[params]\ntest_only_limit = "seven"\n')
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert exc.value.line == 2 and "test_only_limit: must be a whole number" in str(exc.value)
    path = write(tmp_path, "bad.toml", "[params]\ntest_only_limit = true\n")
    with pytest.raises(ProfileError, match="whole number"):
        load_profile(path)


def test_a_bad_parent_names_the_parent_file(tmp_path):
    parent = write(tmp_path, "parent.toml", "\n\ncolour = 1\n")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n')
    with pytest.raises(ProfileError) as exc:
        load_profile(child)
    assert exc.value.path == parent and exc.value.line == 3


def test_unreadable_profile_files(tmp_path):
    (tmp_path / "latin.toml").write_bytes(b'title = "caf\xe9"\n')
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(tmp_path / "latin.toml")
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "missing.toml")


@pytest.mark.parametrize("command", ["validate", "export"])
def test_cli_bad_profile_exits_2_without_traceback(tmp_path, capsys, command):
    path = write(tmp_path, "bad.toml", '[rules]\n"RULE-SSN-FORMAT" = "off"\n"RULE-NOPE" = "off"\n')
    args = [command, "--profile", str(path), str(demo_path()), "--no-pyx12"]
    if command == "export":
        args += ["--out", str(tmp_path / "out")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"inspector: profile {path}, line 3: unknown rule code 'RULE-NOPE'")
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_cli_validate_applies_a_profile_file(tmp_path, capsys):
    doc_path = tmp_path / "f.834"
    from tests.core.validation.test_rules import x834

    doc_path.write_bytes(x834(BAD_SSN))
    assert main(["validate", str(doc_path), "--no-pyx12", "--format", "json"]) == 1
    codes = {f["code"]: f["severity"] for f in json.loads(capsys.readouterr().out)[0]["findings"]}
    assert codes["RULE-SSN-FORMAT"] == "error"
    profile = write(tmp_path, "p.toml", '[rules]\n"RULE-SSN-FORMAT" = "info"\n')
    main(["validate", str(doc_path), "--no-pyx12", "--format", "json", "--profile", str(profile)])
    codes = {f["code"]: f["severity"] for f in json.loads(capsys.readouterr().out)[0]["findings"]}
    assert codes["RULE-SSN-FORMAT"] == "info"


# -- inspector rules -----------------------------------------------------------------------------
def test_rules_command_text(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "profile base:" in out and "RULE-SSN-FORMAT  error  [base]" in out
    assert "RULE-FFE-" not in out
    assert main(["rules", "--profile", "ffe"]) == 0
    out = capsys.readouterr().out
    assert "[ffe]" in out and out.rstrip().endswith("rule(s)")


def test_rules_command_json_shows_profile_severity_and_params(tmp_path, capsys, param_rule):
    profile = write(
        tmp_path,
        "p.toml",
        'extends = "ffe"\n[rules]\n"RULE-SSN-FORMAT" = "warning"\n"RULE-BIRTH-TOO-OLD" = "off"\n'
        "[params]\ntest_only_limit = 8\n",
    )
    assert main(["rules", "--profile", str(profile), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profile"] == "p" and data["tags"] == ["ffe", "exchange"]
    rows = {r["code"]: r for r in data["rules"]}
    assert rows["RULE-SSN-FORMAT"]["severity"] == "warning"
    assert rows["RULE-SSN-FORMAT"]["default_severity"] == "error"
    assert "RULE-BIRTH-TOO-OLD" not in rows
    assert rows[param_rule]["params"] == {"test_only_limit": 8}
    assert set(rows[param_rule]) >= {"tag", "title", "source", "fix", "elements", "params"}


def test_rules_command_markdown(capsys):
    assert main(["rules", "--all", "--format", "markdown"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| code | severity | profile tag | rule |")
    assert len(lines) == 2 + len(RULES)


def test_rules_command_bad_profile(capsys):
    assert main(["rules", "--profile", "bogus"]) == 2
    assert "unknown rule profile 'bogus'" in capsys.readouterr().err


def test_render_and_explanation(param_rule):
    rows = rule_rows(Profile("x", params={"test_only_limit": 4}))
    text = render(rows, "text")
    assert f"{param_rule}  info  [base]  test only" in text
    assert "params:   test_only_limit = 4" in text
    assert rule_explanation(param_rule) == "test only\nSource: test\nFix: none"
    assert rule_explanation("RULE-NO-SUCH") is None
    with pytest.raises(ValueError):
        render(rows, "yaml")


def test_the_rules_check_process_applies_a_profile(tmp_path):
    """The app hands the resolved profile (pickled, as 'spawn' does) to the rules child."""
    from tests.core.validation.test_check_process import _messages
    from tests.core.validation.test_rules import x834

    p = load_profile(write(tmp_path, "p.toml", '[rules]\n"RULE-SSN-FORMAT" = "info"\n'))
    sent = _messages("rules", x834(BAD_SSN), (pickle.loads(pickle.dumps(p)),))
    found = [f for m in sent if m[0] == "findings" for f in m[1]]
    assert one(found, "RULE-SSN-FORMAT").severity == "info"
    assert sent[-1] == ("done", True)


def test_profile_years_and_ids_are_ascii_digits():
    # \d would take Arabic-Indic digits: a plan year ٢٠٢٥ would then never equal a file's 2025
    from inspector.core.validation.profiles import check_param

    assert check_param("plan_year", "2025", "") == "2025"
    assert check_param("issuer_hios_ids", ["12345"], ()) == ("12345",)
    with pytest.raises(ValueError, match="not a year"):
        check_param("plan_year", "٢٠٢٥", "")
    with pytest.raises(ValueError, match="HIOS"):
        check_param("issuer_hios_ids", ["١٢٣٤٥"], ())
