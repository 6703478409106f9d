"""The FFE's reason code lists (rules/data/ffe_reasons.json, CMS X12 834 Companion Guide v7.2):
2750 ADDL MAINT REASON against the guide's values and their INS03/INS04 combinations, and 2750
SEP REASON against the special enrollment period codes."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from inspector.core.validation.rules import RULES
from inspector.core.validation.rules.ffe import ADDL_MAINT_REASONS, SEP_REASONS, amrc_key
from tests.core.validation.test_rules import at, check, of, one, sub

FFE = ["ffe", "exchange"]
TERM_COV = "HD*024**HLT*GOLD~DTP*348*D8*20250201~DTP*349*D8*20250331~REF*1L*P1"


def _reason(name: str, value: str) -> str:
    return f"LX*1~N1*75*{name}~REF*17*{value}"


def _member(ins: str, name: str, value: str, cov: str | None = None) -> str:
    return sub(ins=ins, cov=cov, cats=_reason(name, value))


def test_the_lists_name_their_source_and_hold_the_guide_codes():
    data = json.loads(
        files("inspector.core.validation.rules").joinpath("data/ffe_reasons.json").read_text()
    )
    assert "Companion Guide" in data["source"] and "7.2" in data["source"]
    assert "Appendix A" in data["source"] and "Appendix C" in data["source"]
    assert set(SEP_REASONS) == {"02", "05", "07", "32", "43", "FC", "NE", "QS", "HR"}
    assert len(ADDL_MAINT_REASONS) == 37
    assert ADDL_MAINT_REASONS["CANCEL"]["ins03"] == ["024"]
    # the guide writes some with an en dash and spaces
    assert amrc_key("ISSUER \u2013 REINSTATEMENT") in ADDL_MAINT_REASONS
    assert amrc_key("term - nle") == "TERM-NLE"
    for r in RULES:
        if r.code in ("RULE-FFE-ADDL-MAINT-REASON", "RULE-FFE-SEP-REASON"):
            assert r.profile == "ffe" and "Companion Guide" in r.source and r.fix


@pytest.mark.parametrize(
    "ins, value, cov",
    [
        ("INS*Y*18*024*59*A***FT", "CANCEL", TERM_COV),  # binder not paid (inbound)
        ("INS*Y*18*024*14*A***FT", "TERM", TERM_COV),  # ended by the enrollee (outbound)
        ("INS*Y*18*024**A***FT", "CANCEL-OTH", TERM_COV),
        ("INS*Y*18*024*03*A***FT", "TERM-PDM", TERM_COV),
        ("INS*Y*18*021*28*A***FT", "CONFIRM", None),  # effectuation
        ("INS*Y*18*001*43*A***FT", "DEMOGRAPHIC CHANGE", None),
        ("INS*Y*18*001**A***FT", "DEMOGRAPHIC CHANGE", None),
        ("INS*Y*18*025**A***FT", "ISSUER - REINSTATEMENT", None),
        ("INS*Y*18*021*41*A***FT", "PASSIVE - B2S", None),
    ],
)
def test_guide_combinations_are_quiet(ins, value, cov):
    _doc, found = check(_member(ins, "ADDL MAINT REASON", value, cov), profiles=FFE)
    assert not of(found, "RULE-FFE-ADDL-MAINT-REASON"), value


def test_unknown_additional_maintenance_reason():
    doc, found = check(
        _member("INS*Y*18*024*59*A***FT", "ADDL MAINT REASON", "CHANGED", TERM_COV), profiles=FFE
    )
    f = one(found, "RULE-FFE-ADDL-MAINT-REASON")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*17*CHANGED"), "REF02", "CHANGED")
    assert "not one of the FFE's" in f.message and f.severity == "warning"
    # base and the state-based exchange do not use the FFE's list
    assert not of(
        check(_member("INS*Y*18*024*59*A***FT", "ADDL MAINT REASON", "CHANGED", TERM_COV))[1],
        "RULE-FFE-ADDL-MAINT-REASON",
    )
    assert not of(
        check(
            _member("INS*Y*18*024*59*A***FT", "ADDL MAINT REASON", "CHANGED", TERM_COV),
            profiles=["exchange"],
        )[1],
        "RULE-FFE-ADDL-MAINT-REASON",
    )


def test_additional_reason_against_ins03_and_ins04():
    # a cancellation reason on an addition
    doc, found = check(
        _member("INS*Y*18*021*EC*A***FT", "ADDL MAINT REASON", "CANCEL"), profiles=FFE
    )
    f = one(found, "RULE-FFE-ADDL-MAINT-REASON")
    assert f.segment == at(doc, "REF*17*CANCEL") and "INS03 024" in f.message
    assert "this member's INS03 is 021" in f.message
    # CANCEL with INS04 07 (the guide: 59 inbound, 14 outbound)
    _doc, found = check(
        _member("INS*Y*18*024*07*A***FT", "ADDL MAINT REASON", "CANCEL", TERM_COV), profiles=FFE
    )
    f = one(found, "RULE-FFE-ADDL-MAINT-REASON")
    assert "INS04 59, 14" in f.message and "INS04 is 07" in f.message
    # ISSUER MAINT needs INS04 25
    _doc, found = check(
        _member("INS*Y*18*001**A***FT", "ADDL MAINT REASON", "ISSUER MAINT"), profiles=FFE
    )
    assert "INS04 is not sent" in one(found, "RULE-FFE-ADDL-MAINT-REASON").message


@pytest.mark.parametrize("code", ["02", "05", "07", "32", "43", "FC", "NE", "QS", "HR"])
def test_sep_reason_codes_of_the_guide_are_quiet(code):
    _doc, found = check(_member("INS*Y*18*021*EC*A***FT", "SEP REASON", code), profiles=FFE)
    assert not of(found, "RULE-FFE-SEP-REASON")


@pytest.mark.parametrize("value", ["BIRTH", "2", "99", "EC"])
def test_sep_reason_not_in_the_guide(value):
    doc, found = check(_member("INS*Y*18*021*EC*A***FT", "SEP REASON", value), profiles=FFE)
    f = one(found, "RULE-FFE-SEP-REASON")
    assert (f.segment, f.element, f.value) == (at(doc, f"REF*17*{value}"), "REF02", value)
    assert "02, 05, 07, 32, 43, FC, NE, QS, HR" in f.message
    assert not of(
        check(_member("INS*Y*18*021*EC*A***FT", "SEP REASON", value))[1], "RULE-FFE-SEP-REASON"
    )
