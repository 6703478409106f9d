"""Masking personal data: one rule set from the field map, applied to values, columns,
segments, messages and findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspector.core.findings import Finding
from inspector.core.records.document import load
from inspector.core.records.frames import COVERAGE_FIELDS, MEMBER_FIELDS, coverage_field
from inspector.core.records.mask import (
    ELEMENT_KINDS,
    SEGMENT_FILL,
    SSN_QUALIFIERS,
    Masker,
    MaskPolicy,
    element_kind,
    mask_value,
)
from inspector.core.validation.rules import run_rules
from tests.support.synthetic import DEFECTS, write_834

ALL = MaskPolicy(names=True)
BASIC = MaskPolicy()


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    path = tmp_path_factory.mktemp("mask") / "defects.834"
    write_834(path, 300, defects=DEFECTS)
    return load(path)


def secrets_of(doc, names: bool = True) -> set[str]:
    """Every SSN, full birth date (both forms) and, with ``names``, last/first name and street
    of the file: what may not show once masked."""
    m = doc.members
    found: set[str] = set()
    for column in ("ssn", "birth_date") + (
        ("last_name", "first_name", "address1") if names else ()
    ):
        for v in m[column]:
            if isinstance(v, str) and len(v) >= 3:
                found.add(v)
                if column == "birth_date":
                    found.add(v.replace("-", ""))
    return found


def leaks(text: str, secrets: set[str]) -> list[str]:
    words = set(re.findall(r"[^\W_]+(?:-[^\W_]+)*", text))
    return sorted(
        s for s in secrets if s in words or s.title() in words or (s in text and not s.isalpha())
    )


# -- values ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("ssn", "216771094", "***-**-1094"),
        ("ssn", "21677109", "****7109"),  # 8 digits: still the last four only
        ("ssn", "123", "***"),
        ("date", "1981-02-31", "1981-**-**"),
        ("date", "19810231", "1981****"),
        ("date", "x1981", "*****"),
        ("name", "YOUNG, JULIA", "Y***, J***"),
        ("zip", "28294", "282**"),
        ("zip", "282941234", "282******"),
        ("phone", "3365550107", "**********"),
        ("email", "jane@example.com", "****@****"),
        ("street", "5700 EXAMPLE AVE", "****"),
        ("city", "CHARLOTTE", "****"),
        ("ssn", "", ""),
    ],
)
def test_mask_value(kind, value, shown):
    assert mask_value(kind, value) == shown


def test_segment_text_keeps_the_length_and_uses_a_fill_that_is_no_delimiter():
    assert mask_value("ssn", "216771094", SEGMENT_FILL, formatted=False) == "\u2022" * 5 + "1094"
    assert mask_value("date", "19810231", SEGMENT_FILL, formatted=False) == "1981" + "\u2022" * 4


# -- the rules come from the field map ------------------------------------------------------
def test_the_elements_are_those_of_the_field_map():
    from_map = {
        (s.segment_id, s.element): s.phi
        for s in (*MEMBER_FIELDS.values(), *COVERAGE_FIELDS.values())
        if s.phi and s.element
    }
    assert from_map == ELEMENT_KINDS
    assert ELEMENT_KINDS[("NM1", 9)] == "ssn" and ELEMENT_KINDS[("DMG", 2)] == "date"
    assert {("NM1", 3), ("NM1", 4), ("NM1", 5), ("N3", 1), ("N4", 1), ("N4", 3)} <= set(
        ELEMENT_KINDS
    )
    assert SSN_QUALIFIERS == {("NM1", 9): (8, "34")}  # from the NM108 code list ("34": "SSN")
    # ids, codes and benefit dates are not personal data for this purpose
    for column in ("subscriber_id", "member_id", "policy_number", "eligibility_begin", "gender"):
        assert MEMBER_FIELDS[column].phi is None
    assert element_kind("DMG02") == "date" and element_kind("NM109") == "ssn"
    assert element_kind("N403", "N4") == "zip" and element_kind("REF02") is None
    assert element_kind("PER04") == "phone" and element_kind("INS12") == "date"


# -- segments -------------------------------------------------------------------------------
def test_segments():
    masker = Masker(ALL)
    seg = masker.segment
    dot = SEGMENT_FILL
    assert seg("NM1*IL*1*YOUNG*JULIA*B***34*216771094", "*") == (
        f"NM1*IL*1*Y{dot * 3}*J{dot * 3}*B{dot * 3}***34*{dot * 5}1094"
    )
    # another qualifier: NM109 is an id, not an SSN
    assert seg("NM1*IL*1*YOUNG*JULIA****ZZ*A12345", "*").endswith("*ZZ*A12345")
    # a non-person entity (employer) keeps its name
    assert seg("NM1*36*2*ACME WIDGETS*****FI*123456789", "*") == (
        "NM1*36*2*ACME WIDGETS*****FI*123456789"
    )
    assert seg("DMG*D8*19810231*F*D", "*") == f"DMG*D8*1981{dot * 4}*F*D"
    assert seg("N3*5700 EXAMPLE AVE*APT 2", "*") == f"N3*{dot * 4}*{dot * 4}"
    assert seg("N4*CHARLOTTE*NC*28294", "*") == f"N4*{dot * 4}*NC*282{dot * 2}"
    assert seg("PER*IP*JANE DOE*TE*3365550107*EM*jd@x.org", "*") == (
        f"PER*IP*J{dot * 3} D{dot * 3}*TE*{dot * 10}*EM*{dot * 4}@{dot * 4}"
    )
    assert seg("DTP*348*D8*20250101", "*") == "DTP*348*D8*20250101"
    # SSNs and dates only: names and addresses stay
    basic = Masker(BASIC)
    assert basic.segment("N4*CHARLOTTE*NC*28294", "*") == "N4*CHARLOTTE*NC*28294"
    assert basic.segment("NM1*IL*1*YOUNG*JULIA****34*216771094", "*") == (
        f"NM1*IL*1*YOUNG*JULIA****34*{dot * 5}1094"
    )
    # other delimiters
    assert seg("DMG|D8|19810231|F", "|") == f"DMG|D8|1981{dot * 4}|F"


def test_an_id_that_is_an_ssn_is_masked_like_the_ssn(doc):
    masker = Masker(BASIC, doc.members)
    ssn = next(v for v in doc.members["ssn"] if isinstance(v, str) and len(v) == 9)
    assert masker.segment(f"REF*0F*{ssn}", "*") == f"REF*0F*{SEGMENT_FILL * 5}{ssn[5:]}"
    assert masker.segment("REF*0F*A00001", "*") == "REF*0F*A00001"


def test_every_segment_of_a_file_is_masked(doc):
    store, masker = doc.store, Masker(ALL, doc.members)
    secrets = secrets_of(doc)
    sep = store.delimiters.element
    texts = [masker.segment(store.raw(o), sep) for o in range(1, len(store) + 1)]
    joined = "\n".join(texts)
    assert not leaks(joined, {s for s in secrets if not s[:1].isalpha()})
    for text in texts:
        els = text.split(sep)
        if els[0] == "NM1" and len(els) > 4 and els[2] == "1":
            assert els[3][1:] in ("", SEGMENT_FILL * 3) and els[4][1:] in ("", SEGMENT_FILL * 3)


# -- columns and frames ---------------------------------------------------------------------
def test_frame_masks_the_phi_columns_and_nothing_else(doc):
    members = doc.members
    masked = Masker(ALL, members).frame(members, MEMBER_FIELDS.get)
    assert masked.shape == members.shape
    row = members.index[0]
    assert masked.at[row, "ssn"] == "***-**-" + members.at[row, "ssn"][-4:]
    assert masked.at[row, "birth_date"] == members.at[row, "birth_date"][:4] + "-**-**"
    assert masked.at[row, "last_name"] == members.at[row, "last_name"][0] + "***"
    for column in ("member_pos", "gender", "eligibility_begin", "state", "maintenance_type"):
        assert masked[column].tolist() == members[column].tolist()
    basic = Masker(BASIC, members).frame(members, MEMBER_FIELDS.get)
    assert basic["last_name"].tolist() == members["last_name"].tolist()
    assert basic.at[row, "ssn"].startswith("***-**-")
    cov = Masker(ALL, members).frame(doc.coverage, coverage_field)
    assert all(v == "" or "***" in v for v in cov["member_name"])
    assert not leaks(cov.to_csv(), secrets_of(doc))


def test_subscriber_id_equal_to_an_ssn_is_masked(doc):
    members = doc.members.copy()
    members.loc[members.index[0], "subscriber_id"] = members["ssn"].iat[1]
    masked = Masker(BASIC, members).frame(members, MEMBER_FIELDS.get)
    assert masked["subscriber_id"].iat[0] == "***-**-" + members["ssn"].iat[1][-4:]
    assert masked["subscriber_id"].iat[2] == members["subscriber_id"].iat[2]


# -- messages and findings ------------------------------------------------------------------
def test_findings_quote_no_personal_data(doc):
    found = run_rules(doc)
    codes = {f.code for f in found}
    assert {"RULE-SSN-FORMAT", "RULE-DATE-INVALID", "RULE-DUP-MEMBER"} <= codes
    masker = Masker(ALL, doc.members)
    secrets = secrets_of(doc)
    changed = 0
    for f in found:
        g = masker.finding(f)
        changed += g is not f
        text = f"{g.message} {g.value} {g.extra}"
        assert not leaks(text, secrets), (f.code, g.message)
        assert (g.code, g.segment, g.element, g.member_pos) == (
            f.code,
            f.segment,
            f.element,
            f.member_pos,
        )
    assert changed


def test_a_bad_birth_date_message_hides_day_and_month():
    masker = Masker(BASIC)
    f = Finding(
        "error",
        "RULE-DATE-INVALID",
        "The birth date 19810231 has the day 31, but February 1981 has only 28 days.",
        segment=9,
        segment_id="DMG",
        element="DMG02",
        value="19810231",
    )
    g = masker.finding(f)
    assert g.value == "1981****"
    assert "31" not in g.message and "February" not in g.message and "28" not in g.message
    assert "1981" in g.message


def test_member_labels_and_quoted_names_are_masked():
    masker = Masker(ALL)
    text = "first: member 12 (DOE, JANE) at segment 40"
    assert masker.message(text) == "first: member 12 (D***, J***) at segment 40"
    assert Masker(BASIC).message(text) == text


def test_a_word_inside_a_longer_word_is_left_alone(doc):
    masker = Masker(ALL, doc.members)
    pos = int(doc.members["member_pos"].iat[0])
    last = doc.members["last_name"].iat[0]
    masked = masker.message(f"{last} {last}X", member_pos=pos)
    assert masked == f"{last[0]}*** {last}X"


def test_no_masking_of_numbers_that_are_not_ssns(doc):
    masker = Masker(BASIC, doc.members)
    assert masker.message("SE01 says 123456780 segments") == "SE01 says 123456780 segments"


def test_cost_per_cell_is_small(doc, tmp_path: Path):
    """Guards the vectorised column path (distinct values once, then an array take)."""
    import time

    members = doc.members
    masker = Masker(ALL, members)
    start = time.perf_counter()
    masker.frame(members, MEMBER_FIELDS.get)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0


def test_a_birth_date_column_in_other_digits_hides_the_year_too():
    # the column's fast path kept a year of Arabic-Indic digits that mask_value hides
    import numpy as np

    from inspector.core.records.frames import MEMBER_FIELDS as FIELDS

    values = np.array(["1981-02-28", "١٩٨١-٠٢-٢٨"], dtype=object)
    masked = Masker(BASIC).column(FIELDS["birth_date"], values)
    assert masked is not None
    assert masked.tolist() == ["1981-**-**", mask_value("date", "١٩٨١-٠٢-٢٨")]
    assert masked[1] == "****-**-**"
