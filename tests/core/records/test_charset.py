"""One definition of valid characters: ASCII digits, the X12 character set of the version."""

from __future__ import annotations

import json

import pytest

from inspector.cli import main
from inspector.core.records.charset import (
    character_problem,
    has_foreign_digit,
    is_digits,
    version_of,
)
from inspector.core.records.codes import AMOUNT_PATTERN
from inspector.core.records.dates import date_problem, show_date, show_period
from inspector.core.validation.rules.ids import ssn_problem
from inspector.resources import demo_path

ARABIC_1980 = "\u0661\u0669\u0668\u0660\u0660\u0661\u0660\u0661"  # ١٩٨٠٠١٠١


@pytest.mark.parametrize("value", ["2\u00b3110815", "201\u00b20101", ARABIC_1980, "٢٠٢٥٠١٠١"])
def test_unicode_digits_are_not_digits(value):
    assert value.isdigit()  # what Python says, and why str.isdigit() must not be used
    assert not is_digits(value) and has_foreign_digit(value)
    why = date_problem(value)  # used to raise ValueError from int()
    assert why is not None and "0-9" in why
    assert show_date(value) == value and show_period(value + "-" + value) == value + "-" + value


def test_ascii_digits():
    assert is_digits("0123456789") and not is_digits("") and not is_digits("12 3")
    assert not has_foreign_digit("20250101") and date_problem("20250131") is None


def test_amounts_take_ascii_digits_only():
    assert AMOUNT_PATTERN.match("125.50") and AMOUNT_PATTERN.match("-.5")
    assert not AMOUNT_PATTERN.match("\u0661\u0662.50") and not AMOUNT_PATTERN.match("1\u00b2")


def test_ssn_with_a_superscript_is_a_format_error():
    code, reason = ssn_problem("12345678\u00b2")
    assert code == "RULE-SSN-FORMAT" and "0-9" in reason
    assert ssn_problem("\u0661" * 9)[0] == "RULE-SSN-FORMAT"
    assert ssn_problem("123456789") is None


@pytest.mark.parametrize(
    "value, version, national, bad",
    [
        ("SMITH JR.", "00501", False, None),
        ("a^b", "00501", False, None),
        ("a^b", "00401", False, "^"),
        ("JOS\u00c9", "00501", True, None),
        ("JOS\u00c9", "00501", False, "U+00C9"),
        ("AB\u200bC", "00501", True, "U+200B"),  # zero-width space: never
        ("\u202eABC", "00501", True, "U+202E"),  # right-to-left override: never
        ("12\u00b2", "00501", True, "U+00B2"),  # a digit of another kind: never
        ("A\x00B", "00501", True, "control"),
    ],
)
def test_character_problem(value, version, national, bad):
    why = character_problem(value, version, national=national)
    if bad is None:
        assert why is None
    else:
        assert why is not None and bad in why


def test_version_of_isa():
    isa = ["ISA", "00", "", "00", "", "ZZ", "A", "ZZ", "B", "261108", "1135", "^", "00401"]
    assert version_of(isa) == "00401" and version_of([]) == "00501"
    assert version_of([*isa[:12], "\u0660\u0660501"]) == "00501"


def _demo_with(tmp_path, old: str, new: str):
    text = demo_path().read_text("latin-1")
    assert old in text
    path = tmp_path / "demo.834"
    path.write_bytes(text.replace(old, new, 1).encode("latin-1"))
    return path


@pytest.mark.parametrize(
    "old, new",
    [
        ("DMG*D8*20110815*M", "DMG*D8*2\u00b3110815*M"),
        ("*20261108*1135****2~", "*201\u00b21108*1135****2~"),  # BGN03: the file's date
        ("DTP*356*D8*20270101", "DTP*356*D8*2\u00b3270101"),
    ],
)
def test_a_unicode_digit_in_a_date_gives_a_finding_not_a_traceback(tmp_path, capsys, old, new):
    path = _demo_with(tmp_path, old, new)
    codes = set()
    for argv in (
        ["validate", "--no-pyx12", str(path)],
        ["export", "--no-pyx12", "--out", str(tmp_path / "out"), str(path)],
        ["summary", str(path)],
    ):
        codes.add(main(argv))
        assert "Traceback" not in capsys.readouterr().err
    assert codes <= {0, 1}
    assert main(["validate", "--no-pyx12", "--format", "json", str(path)]) == 1
    assert "RULE-DATE" in capsys.readouterr().out or old.startswith("*")


@pytest.mark.parametrize("odd", ["\u4e2d", "\u00e9", "\u0661"])
def test_a_non_ascii_subscriber_id_in_a_utf8_file_is_reported_as_sent(tmp_path, capsys, odd):
    """A rule's value is decoded once: REF*0F came decoded from the member table and was
    decoded again (a CJK letter raised UnicodeEncodeError in validate and export; found by
    the fuzz test)."""
    # a full replacement file (BGN08 RX), where the demo's first member, a dependent without
    # its subscriber, is reported (in a change file it may come alone)
    text = demo_path().read_text("ascii").replace("****2~", "****RX~", 1)
    sent = f"08971{odd}1846"
    path = tmp_path / "utf8.834"
    path.write_bytes(text.replace("REF*0F*0897181846~", f"REF*0F*{sent}~", 1).encode("utf-8"))
    assert main(["validate", "--no-pyx12", "--format", "json", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    findings = json.loads(out)[0]["findings"]
    ref0f = [f for f in findings if f["code"].startswith("RULE-DEP-")]
    assert ref0f and all(f["value"] == sent for f in ref0f)
    assert main(["export", "--no-pyx12", "--out", str(tmp_path / "out"), str(path)]) == 1
