"""Maintenance consistency rules: INS03 against HD01, INS04 against INS03."""

from __future__ import annotations

from tests.core.validation.test_rules import at, check, of, one, sub

TERM_COV = "HD*024**HLT*GOLD~DTP*349*D8*20250531~REF*1L*P1"
ADD_COV = "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P1"


def test_addition_that_ends_a_coverage():
    doc, found = check(sub(cov=TERM_COV))
    f = one(found, "RULE-ADD-WITH-COVERAGE-END")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "HD*"), "HD01", "024", "warning")
    assert "INS03=021" in f.message and f.message.endswith(".")
    assert one(check(sub(cov=TERM_COV.replace("024", "002", 1)))[1], "RULE-ADD-WITH-COVERAGE-END")
    changed = one(
        check(sub(cov=TERM_COV.replace("024", "001", 1)))[1], "RULE-ADD-WITH-COVERAGE-END"
    )
    assert changed.value == "001" and "change, end or delete" in changed.message
    # a change may end one coverage; an addition adds its coverages
    assert not of(
        check(sub(ins="INS*Y*18*001*AI*A***FT", cov=TERM_COV))[1], "RULE-ADD-WITH-COVERAGE-END"
    )
    assert not of(check(sub())[1], "RULE-ADD-WITH-COVERAGE-END")


def test_termination_that_adds_a_coverage():
    term = "INS*Y*18*024*07*A***FT"
    doc, found = check(sub(ins=term, cov=ADD_COV))
    f = one(found, "RULE-TERM-WITH-COVERAGE-ADD")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "HD*"), "HD01", "021", "error")
    assert one(
        check(sub(ins=term, cov=ADD_COV.replace("HD*021", "HD*025")))[1],
        "RULE-TERM-WITH-COVERAGE-ADD",
    )
    assert not of(check(sub(ins=term, cov=TERM_COV))[1], "RULE-TERM-WITH-COVERAGE-ADD")
    # INS03=001 with HD01=021 adds a coverage line to an enrolled member: valid
    assert not of(check(sub(ins="INS*Y*18*001*AI*A***FT"))[1], "RULE-TERM-WITH-COVERAGE-ADD")


def test_audit_mixed_with_change_codes():
    audit = "INS*Y*18*030*XN*A***FT"
    doc, found = check(sub(ins=audit), bgn08="RX")
    f = one(found, "RULE-AUDIT-MIXED")
    assert (f.segment, f.element, f.value) == (at(doc, "HD*"), "HD01", "021")
    ok = sub(ins=audit, cov="HD*030**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P1")
    assert not of(check(ok, bgn08="RX")[1], "RULE-AUDIT-MIXED")
    # in change (2) and verify (4) files RULE-BGN-ACTION-MISMATCH reports it against BGN08
    found = check(sub(ins=audit), bgn08="4")[1]
    assert not of(found, "RULE-AUDIT-MIXED") and of(found, "RULE-BGN-ACTION-MISMATCH")


def test_termination_reason_on_an_addition():
    doc, found = check(sub(ins="INS*Y*18*021*59*A***FT"))
    f = one(found, "RULE-REASON-TERM-ON-ADD")
    assert (f.segment, f.element, f.value) == (at(doc, "INS"), "INS04", "59")
    assert "non-payment" in f.message
    assert not of(check(sub())[1], "RULE-REASON-TERM-ON-ADD")  # 28 initial enrollment
    # a COBRA continuation enrollment (INS05=C) cites the event that ended the job coverage
    assert not of(check(sub(ins="INS*Y*18*021*07*C***TE"))[1], "RULE-REASON-TERM-ON-ADD")
    # 03 death fits several actions (a surviving spouse is enrolled): never reported
    assert not of(check(sub(ins="INS*Y*18*021*03*A***FT"))[1], "RULE-REASON-TERM-ON-ADD")


def test_enrollment_reason_on_a_termination():
    cov = TERM_COV
    doc, found = check(sub(ins="INS*Y*18*024*28*A***FT", cov=cov))
    f = one(found, "RULE-REASON-ADD-ON-TERM")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "INS"), "INS04", "28", "warning")
    assert not of(check(sub(ins="INS*Y*18*024*07*A***FT", cov=cov))[1], "RULE-REASON-ADD-ON-TERM")
    assert not of(check(sub(ins="INS*Y*18*024**A***FT", cov=cov))[1], "RULE-REASON-ADD-ON-TERM")


def test_reason_lists_come_from_a_data_file_with_a_source():
    from inspector.core.validation.rules import RULES
    from inspector.core.validation.rules.maintenance import ADDITION_REASONS, TERMINATION_REASONS

    assert "59" in TERMINATION_REASONS and "28" in ADDITION_REASONS
    assert not set(TERMINATION_REASONS) & set(ADDITION_REASONS)
    codes = {
        "RULE-ADD-WITH-COVERAGE-END",
        "RULE-TERM-WITH-COVERAGE-ADD",
        "RULE-AUDIT-MIXED",
        "RULE-REASON-TERM-ON-ADD",
        "RULE-REASON-ADD-ON-TERM",
    }
    for r in RULES:
        if r.code in codes:
            assert r.source and r.fix and r.elements, r.code
