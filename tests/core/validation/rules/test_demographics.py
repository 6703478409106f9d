"""Demographics rules: ZIP codes, phone numbers, names, DMG on additions."""

from __future__ import annotations

import pytest

from tests.core.validation.test_rules import at, check, dep, of, one, sub


def _addr(zipc: str, state: str = "IL", country: str = "") -> str:
    n4 = f"N4*SPRINGFIELD*{state}*{zipc}" + (f"*{country}" if country else "")
    return f"N3*100 MAIN ST~{n4}"


@pytest.mark.parametrize("zipc", ["6270", "62701-1234", "6270A", "627011"])
def test_zip_format(zipc):
    doc, found = check(sub(address=_addr(zipc)))
    f = one(found, "RULE-ZIP-FORMAT")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "N4"), "N403", zipc, "warning")
    if zipc == "62701-1234":
        assert "627011234" in f.message


@pytest.mark.parametrize("zipc", ["62701", "627011234"])
def test_zip_format_good(zipc):
    assert not check(sub(address=_addr(zipc)))[1]


def test_zip_format_skips_canada_and_abroad():
    assert not check(sub(address=_addr("K1A0B1", "ON")))[1]
    assert not check(sub(address=_addr("SW1A1AA", "", "GB")))[1]


def test_zip_zero():
    doc, found = check(sub(address=_addr("00000")))
    f = one(found, "RULE-ZIP-ZERO")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "N4"), "N403", "00000", "error")
    assert not of(check(sub(address=_addr("00501", "NY")))[1], "RULE-ZIP-ZERO")


def test_zip_state():
    doc, found = check(sub(address=_addr("50313", "NM")))
    f = one(found, "RULE-ZIP-STATE")
    assert (f.segment, f.element, f.value) == (at(doc, "N4"), "N403", "50313")
    assert "IA" in f.message and "NM" in f.message
    for zipc, state in (("50313", "IA"), ("20171", "VA"), ("96910", "GU"), ("09001", "AE")):
        assert not of(check(sub(address=_addr(zipc, state)))[1], "RULE-ZIP-STATE"), (zipc, state)


def test_zip_table_names_its_source():
    from inspector.core.validation.rules.demographics import ZIP_PREFIX_STATES, ZIP_SOURCE

    assert "USPS" in ZIP_SOURCE and "GeoDaCenter/opioid-policy-scan" in ZIP_SOURCE
    assert ZIP_PREFIX_STATES["627"] == {"IL"} and ZIP_PREFIX_STATES["969"] >= {"GU", "MP"}
    # prefixes that serve two states (checked against per-state ZIP ranges)
    assert ZIP_PREFIX_STATES["063"] == {"CT", "NY"} and ZIP_PREFIX_STATES["681"] == {"NE", "IA"}
    assert ZIP_PREFIX_STATES["200"] == {"DC", "VA"} and ZIP_PREFIX_STATES["712"] == {"LA", "MS"}


def test_zip_state_across_a_state_line_is_quiet():
    # Fishers Island NY (06390, a Connecticut prefix), Texarkana AR (75502, a Texas prefix)
    for zipc, state in (("06390", "NY"), ("75502", "AR"), ("71233", "MS"), ("06390", "CT")):
        assert not of(check(sub(address=_addr(zipc, state)))[1], "RULE-ZIP-STATE"), (zipc, state)
    # still a warning for a state the prefix does not serve
    assert of(check(sub(address=_addr("06390", "MA")))[1], "RULE-ZIP-STATE")


def _phone(number: str, q: str = "TE") -> str:
    return f"PER*IP**{q}*{number}"


def _with_phone(per: str) -> str:
    return sub().replace("~N3*", f"~{per}~N3*", 1)


@pytest.mark.parametrize("number", ["(804) 555-0123", "804-555-0123", "8045550", "CALLME"])
def test_phone_format(number):
    doc, found = check(_with_phone(_phone(number)))
    f = one(found, "RULE-PHONE-FORMAT")
    assert (f.segment, f.element, f.value) == (at(doc, "PER"), "PER04", number)
    if number.startswith("("):
        assert "8045550123" in f.message


def test_phone_in_the_second_pair():
    found = check(_with_phone("PER*IP**HP*8045550123*WP*555-12"))[1]
    assert one(found, "RULE-PHONE-FORMAT").element == "PER06"


@pytest.mark.parametrize("number", ["8045550123", "18045550123", "7035550199"])
def test_phone_good(number):
    # 555-01XX numbers are reserved for fiction but have a valid form: not reported
    assert not check(_with_phone(_phone(number, "CP")))[1]


@pytest.mark.parametrize(
    "number", ["0805550123", "1805550123", "4115550123", "8995550123", "8041550123", "8049110123"]
)
def test_phone_number_breaks_nanp(number):
    doc, found = check(_with_phone(_phone(number)))
    f = one(found, "RULE-PHONE-NUMBER")
    assert (f.segment, f.element, f.value) == (at(doc, "PER"), "PER04", number)


def test_phone_email_is_not_a_phone():
    assert not check(_with_phone("PER*IP**EM*JOHN@EXAMPLE.COM"))[1]


@pytest.mark.parametrize(
    ("name", "element"), [("DOE2*JOHN", "NM103"), ("DOE*JOHN#", "NM104"), ("DOE*JOHN*4", "NM105")]
)
def test_name_characters(name, element):
    doc, found = check(sub(name=name, ssn=""))
    f = one(found, "RULE-NAME-CHARACTERS")
    assert (f.segment, f.element) == (at(doc, "NM1*IL"), element)


@pytest.mark.parametrize(
    "name", ["O'BRIEN*JOHN", "SMITH-JONES*MARY", "ST. JOHN*ANN", "DE LA CRUZ*JOSE"]
)
def test_name_characters_good(name):
    assert not check(sub(name=name, ssn=""))[1]


def test_addition_without_demographics():
    member = sub().replace("~DMG*D8*19800510*M", "")
    doc, found = check(member)
    f = one(found, "RULE-ADD-NO-DEMOGRAPHICS")
    assert (f.segment, f.severity) == (at(doc, "NM1*IL"), "warning")
    # a change or termination need not repeat the demographics
    change = sub(ins="INS*Y*18*001*AI*A***FT").replace("~DMG*D8*19800510*M", "")
    assert not of(check(change)[1], "RULE-ADD-NO-DEMOGRAPHICS")
    assert not of(check(sub(), dep())[1], "RULE-ADD-NO-DEMOGRAPHICS")


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_accented_names_are_letters(encoding):
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.rules import run_rules
    from tests.core.validation.test_rules import TODAY, x834

    data = x834(sub(name="NUNEZ*JOSE", ssn="")).replace(
        b"NUNEZ*JOSE", "NÚÑEZ*JOSÉ".encode(encoding)
    )
    doc = load_store(read_bytes(data))
    assert not of(run_rules(doc, today=TODAY), "RULE-NAME-CHARACTERS")
