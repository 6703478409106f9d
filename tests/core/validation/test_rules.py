"""Business rules (inspector.core.validation.rules): each rule reports its problem at the right
segment and element, and stays quiet on a correct variant.

Files are built here from a few member segments wrapped in a valid envelope (SE01 counted).
"""

from __future__ import annotations

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load, load_store
from inspector.core.validation.rules import PROFILES, RULES, active_rules, rules_table, run_rules
from tests.conftest import sample_files
from tests.support import synthetic

TODAY = "20250601"
ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250115*1200*^*"
    "00501*000000001*0*T*:"
)
assert len(ISA) + 1 == 106


def x834(*members: str, bgn08: str = "2", bgn03: str = "20250115", header: str = "") -> bytes:
    """An 834 with the given member texts (segments separated by '~'), envelope counted."""
    body = [s for m in members for s in m.split("~") if s.strip()]
    head = [f"BGN*00*REF1*{bgn03}*1200****{bgn08}"]
    head += [s for s in header.split("~") if s]
    head += ["N1*P5*SPONSOR*FI*999999999", "N1*IN*PAYER*FI*888888888"]
    st = ["ST*834*0001*005010X220A1", *head, *body]
    segs = [
        ISA,
        "GS*BE*S*R*20250115*1200*1*X*005010X220A1",
        *st,
        f"SE*{len(st) + 1}*0001",
        "GE*1*1",
        "IEA*1*000000001",
    ]
    return ("~\n".join(segs) + "~\n").encode("ascii")


def load_834(*members: str, **kw):
    return load_store(read_bytes(x834(*members, **kw)))


def check(*members: str, profiles=(), **kw):
    """(document, findings) for a file built from ``members``."""
    doc = load_834(*members, **kw)
    return doc, run_rules(doc, profiles=profiles, today=TODAY)


def at(doc, prefix: str, n: int = 1) -> int:
    """Ordinal of the n-th segment whose text starts with ``prefix``."""
    seen = 0
    for o in range(1, len(doc.store) + 1):
        if doc.store.raw(o).startswith(prefix):
            seen += 1
            if seen == n:
                return o
    raise AssertionError(f"no segment {prefix!r} #{n}")


def of(findings, code: str) -> list:
    return [f for f in findings if f.code == code]


def one(findings, code: str):
    found = of(findings, code)
    assert len(found) == 1, (code, [(f.code, f.segment, f.message) for f in findings])
    return found[0]


# -- member builders -----------------------------------------------------------------------------
ADDRESS = "N3*100 MAIN ST~N4*SPRINGFIELD*IL*62701"


def sub(
    sid="S100",
    *,
    ins="INS*Y*18*021*28*A***FT",
    name="DOE*JOHN",
    ssn="123456789",
    dob="19800510",
    address=ADDRESS,
    refs="",
    dates="",
    cov=None,
    cats="",
) -> str:
    cov = cov if cov is not None else "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P1"
    nm1 = f"NM1*IL*1*{name}****34*{ssn}" if ssn else f"NM1*IL*1*{name}"
    parts = [ins, f"REF*0F*{sid}", refs, dates, nm1, address, f"DMG*D8*{dob}*M", cov]
    if cats:
        parts += ["LS*2700", cats, "LE*2700"]
    return "~".join(p for p in parts if p)


def dep(
    sid="S100",
    *,
    ins="INS*N*19*021*28*A",
    name="DOE*JANE",
    ssn="234567890",
    dob="20100305",
    address="",
    refs="",
    cov=None,
    cats="",
) -> str:
    cov = cov if cov is not None else "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P1"
    return sub(
        sid, ins=ins, name=name, ssn=ssn, dob=dob, address=address, refs=refs, cov=cov, cats=cats
    )


def cat(n: int, name: str, value: str | None, date: str | None = "20250201", q: str = "9V") -> str:
    parts = [f"LX*{n}", f"N1*75*{name}"]
    if value is not None:
        parts.append(f"REF*{q}*{value}")
    if date is not None:
        parts.append(f"DTP*007*D8*{date}")
    return "~".join(parts)


def cats(*pairs, date="20250201") -> str:
    return "~".join(cat(k, n, v, date) for k, (n, v) in enumerate(pairs, 1))


# -- the registry --------------------------------------------------------------------------------
def test_registry_lists_every_rule_once_with_metadata():
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for r in RULES:
        assert r.code.startswith("RULE-")
        assert r.severity in ("error", "warning", "info")
        assert r.profile is None or r.profile in PROFILES
        assert r.title and (r.member or r.transaction or r.file)
    assert "ffe" in PROFILES
    expected = {
        "RULE-DUP-MEMBER",
        "RULE-DEP-NO-SUBSCRIBER",
        "RULE-DEP-REF0F-DIFFERS",
        "RULE-SUB-NOT-SELF",
        "RULE-DATE-INVALID",
        "RULE-DATE-END-BEFORE-BEGIN",
        "RULE-BENEFIT-BEGIN-MISSING",
        "RULE-TERM-NO-END",
        "RULE-BIRTH-FUTURE",
        "RULE-BIRTH-TOO-OLD",
        "RULE-SSN-FORMAT",
        "RULE-SSN-IMPOSSIBLE",
        "RULE-AMOUNT-NOT-NUMBER",
        "RULE-AMOUNT-NEGATIVE",
        "RULE-APTC-OVER-PREMIUM",
        "RULE-TOT-RES-MISMATCH",
        "RULE-BGN-ACTION-MISMATCH",
        "RULE-COVERAGE-LEVEL",
        "RULE-SUB-NO-ADDRESS",
        "RULE-ADD-NO-COVERAGE",
    }
    assert expected <= set(codes)
    assert {r["code"] for r in rules_table()} == set(codes)
    ffe = {r.code for r in RULES if r.profile == "ffe"}
    assert {
        "RULE-FFE-RATING-AREA",
        "RULE-FFE-FINANCIAL-NO-DATE",
        "RULE-FFE-PREMIUM-SUM",
        "RULE-FFE-SUBSCRIBER-CATEGORY",
    } <= ffe
    assert not ffe & {r.code for r in active_rules()}
    assert ffe <= {r.code for r in active_rules(["ffe"])}


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown rule profile"):
        run_rules(load_834(sub()), profiles=["nope"])


def test_clean_member_has_no_findings_and_findings_are_complete():
    doc, found = check(sub(), dep(), profiles=["ffe"])
    assert found == []
    doc, found = check(sub(ins="INS*Y*19*021*28*A***FT"))
    f = found[0]
    assert f.source == "business-rule"
    assert f.segment_id == doc.store.segment_id(f.segment)
    assert f.member_pos == 1 and f.subscriber_id == "S100"
    assert f.message.endswith(".")


# -- subscriber / dependent ------------------------------------------------------------------------
def test_subscriber_not_self():
    doc, found = check(sub(ins="INS*Y*19*021*28*A***FT"))
    f = one(found, "RULE-SUB-NOT-SELF")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "INS"), "INS02", "19", "error")
    assert "18" in f.message
    assert not of(check(sub())[1], "RULE-SUB-NOT-SELF")


def test_dependent_with_self_relationship():
    doc, found = check(sub(), dep(ins="INS*N*18*021*28*A"))
    f = one(found, "RULE-DEP-IS-SELF")
    assert (f.segment, f.element, f.severity) == (at(doc, "INS*N"), "INS02", "warning")
    assert not of(check(sub(), dep())[1], "RULE-DEP-IS-SELF")


def test_dependent_without_subscriber_in_a_full_file():
    # a full file (BGN08 4/RX) lists every current member: a dependent without its subscriber
    # is an orphan
    audit_dep = dep("S999", ins="INS*N*19*030*XN*A")
    for bgn08 in ("4", "RX"):
        doc, found = check(audit_dep, bgn08=bgn08)
        f = one(found, "RULE-DEP-NO-SUBSCRIBER")
        assert (f.segment, f.element, f.value, f.severity) == (
            at(doc, "REF*0F*S999"),
            "REF02",
            "S999",
            "warning",
        )
        assert "full file" in f.message and "S999" in f.message
    # an audit record (INS03=030) is a full-file record whatever BGN08 says
    assert of(check(audit_dep)[1], "RULE-DEP-NO-SUBSCRIBER")
    # the subscriber may come in another transaction of the same file: still found
    assert not of(check(sub(), dep())[1], "RULE-DEP-NO-SUBSCRIBER")
    assert not of(
        check(sub(), audit_dep.replace("S999", "S100"), bgn08="4")[1], "RULE-DEP-NO-SUBSCRIBER"
    )


def test_dependent_alone_in_a_change_file_is_fine():
    # the TR3's own examples add or cancel a dependent of an existing enrollment without the
    # subscriber's loop (it was sent in an earlier file)
    for ins in ("INS*N*19*021*28*A", "INS*N*19*024*07*A", "INS*N*19*001*25*A"):
        assert not of(check(dep("S999", ins=ins))[1], "RULE-DEP-NO-SUBSCRIBER"), ins


def _with(params, *members, **kw):
    doc = load_834(*members, **kw)
    return doc, run_rules(doc, today=TODAY, params=params)


def test_dependent_without_subscriber_where_the_partner_requires_it():
    doc, found = _with({"subscriber_with_dependents": True}, dep("S999"))
    f = one(found, "RULE-DEP-NO-SUBSCRIBER")
    assert f.segment == at(doc, "REF*0F*S999") and "subscriber_with_dependents" in f.message
    assert not of(
        _with({"subscriber_with_dependents": True}, sub(), dep())[1], "RULE-DEP-NO-SUBSCRIBER"
    )
    # file_kind from the profile overrides BGN08
    assert of(_with({"file_kind": "full"}, dep("S999"))[1], "RULE-DEP-NO-SUBSCRIBER")
    audit_dep = dep("S999", ins="INS*N*19*030*XN*A")
    found = _with({"file_kind": "change"}, audit_dep, bgn08="4")[1]
    assert not of(found, "RULE-DEP-NO-SUBSCRIBER")


def test_dependent_ref0f_differs_inside_a_family():
    # same address as the subscriber it follows, but another subscriber's id
    other = sub(
        "S200", name="ROE*RICHARD", ssn="345678901", address="N3*9 ELM ST~N4*AURORA*IL*60505"
    )
    doc, found = check(other, sub(), dep("S200", address=ADDRESS))
    f = one(found, "RULE-DEP-REF0F-DIFFERS")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*0F*S200", 2), "REF02", "S200")
    assert "probably S100" in f.message and f.extra["expected"] == "S100"
    assert not of(found, "RULE-DEP-NO-SUBSCRIBER")
    # a second dependent of the same family is recognised too; an unknown id is not "missing"
    doc, found = check(sub(), dep("S300"), dep("S301", name="DOE*JIM", ssn="234567891"))
    assert [f.value for f in of(found, "RULE-DEP-REF0F-DIFFERS")] == ["S300", "S301"]
    assert not of(found, "RULE-DEP-NO-SUBSCRIBER")
    # different last name and no address: nothing says it belongs here
    doc, found = check(sub(), dep("S300", name="POE*ANN"), bgn08="4")
    assert not of(found, "RULE-DEP-REF0F-DIFFERS")
    assert one(found, "RULE-DEP-NO-SUBSCRIBER").value == "S300"


# -- duplicates ----------------------------------------------------------------------------------
def test_duplicate_member_reported_on_second_occurrence():
    member = sub(refs="REF*17*M1")
    doc, found = check(member, member)
    f = one(found, "RULE-DUP-MEMBER")
    assert (f.segment, f.element, f.member_pos) == (at(doc, "INS", 2), None, 2)
    assert f.extra["first_member_pos"] == 1 and f.extra["first_segment"] == at(doc, "INS")
    assert "member 1" in f.message


def test_repeats_of_one_member_share_one_message():
    # A family repeated 37,000 times held 37,000 equal messages; repeats of one member by one
    # key now share the message and extra objects, and another key still gets its own words.
    member = sub(refs="REF*17*M1")
    by_ssn = sub("S555", name="DOE*JON", dob="19800511", ins="INS*Y*18*001*25*A***FT")
    doc, found = check(member, member, member, by_ssn, member)
    dups = of(found, "RULE-DUP-MEMBER")
    assert [f.member_pos for f in dups] == [2, 3, 4, 5]
    same_id = [f for f in dups if f.member_pos != 4]
    assert len({id(f.message) for f in same_id}) == 1
    assert len({id(f.extra) for f in same_id}) == 1
    assert "same subscriber id S100 and member id REF*17 M1" in same_id[0].message
    ssn = next(f for f in dups if f.member_pos == 4)
    assert "same SSN 123456789" in ssn.message and ssn.extra["match"] == "same SSN"
    assert all(f.extra["first_segment"] == at(doc, "INS") for f in dups)


@pytest.mark.parametrize(
    "second, key",
    [
        (sub("S100", refs="REF*17*M1", ssn="", name="DOE*JOHNNY", dob="19800511"), "member id"),
        (sub("S555", ssn="123456789", name="DOE*JON", dob="19800511"), "SSN"),
        (sub("S555", ssn="", name="DOE*JOHN"), "name"),
    ],
)
def test_duplicate_member_by_each_key(second, key):
    _doc, found = check(sub(refs="REF*17*M1"), second)
    if second.split("~")[0].split("*")[3] == "021" and "DMG*D8*19800511" in second:
        # two additions of one person with conflicting birth dates: the file-scope rule's,
        # RULE-DUP-MEMBER stays quiet (one finding per defect)
        assert not of(found, "RULE-DUP-MEMBER")
        assert key in one(found, "RULE-ID-ADDED-TWICE-CONFLICT").message
    else:
        assert key in one(found, "RULE-DUP-MEMBER").message


def test_not_duplicates():
    # different people
    assert not of(check(sub(), sub("S200", name="ROE*ANN", ssn="345678901"))[1], "RULE-DUP-MEMBER")
    # the same person in a health and a separate dental enrollment
    dental = sub("S100", cov="HD*021**DEN*BASIC*IND~DTP*348*D8*20250201~REF*1L*D1")
    assert not of(check(sub(), dental)[1], "RULE-DUP-MEMBER")
    # same name and birth date, different SSN: two people
    assert not of(check(sub(), sub("S200", ssn="345678901"))[1], "RULE-DUP-MEMBER")


# -- dates ---------------------------------------------------------------------------------------
def test_invalid_calendar_dates():
    doc, found = check(
        sub(
            dob="19870231",
            ins="INS*Y*18*021*28*A***FT***D8*20251301",
            dates="DTP*356*D8*2025021~DTP*303*RD8*20250101-20251232",
        )
    )
    where = {(f.segment, f.element) for f in of(found, "RULE-DATE-INVALID")}
    assert where == {
        (at(doc, "DMG"), "DMG02"),
        (at(doc, "INS"), "INS12"),
        (at(doc, "DTP*356"), "DTP03"),
        (at(doc, "DTP*303"), "DTP03"),
    }
    msg = {f.element: f.message for f in found}["DMG02"]
    assert "February 1987 has only 28 days" in msg
    doc, found = check(sub(), bgn03="20250230")
    f = one(found, "RULE-DATE-INVALID")
    assert (f.segment, f.element, f.value) == (at(doc, "BGN"), "BGN03", "20250230")
    doc, found = check(sub(), header="DTP*007*D8*20250931")
    assert one(found, "RULE-DATE-INVALID").segment == at(doc, "DTP*007")
    ok = sub(dob="19880229", dates="DTP*356*D8*20250201~DTP*303*RD8*20250101-20251231")
    assert not of(check(ok)[1], "RULE-DATE-INVALID")


def test_end_before_begin():
    cov = "HD*024**HLT*GOLD*IND~DTP*348*D8*20250201~DTP*349*D8*20250131~REF*1L*P1"
    doc, found = check(sub(ins="INS*Y*18*024*07*A***FT", cov=cov))
    f = one(found, "RULE-DATE-END-BEFORE-BEGIN")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*349"), "DTP03", "20250131")
    doc, found = check(sub(dates="DTP*356*D8*20250201~DTP*357*D8*20250101"))
    assert one(found, "RULE-DATE-END-BEFORE-BEGIN").segment == at(doc, "DTP*357")
    doc, found = check(sub(dates="DTP*303*RD8*20250301-20250201"))
    assert one(found, "RULE-DATE-END-BEFORE-BEGIN").segment == at(doc, "DTP*303")
    same_day = cov.replace("20250131", "20250201")
    assert not of(
        check(sub(ins="INS*Y*18*024*07*A***FT", cov=same_day))[1], "RULE-DATE-END-BEFORE-BEGIN"
    )


@pytest.mark.parametrize("hd01", ["021", "025"])
def test_benefit_begin_missing(hd01):
    doc, found = check(sub(cov=f"HD*{hd01}**HLT*GOLD*IND~DTP*303*D8*20250201"))
    f = one(found, "RULE-BENEFIT-BEGIN-MISSING")
    assert (f.segment, f.segment_id, f.element) == (at(doc, "HD"), "HD", None)
    assert "DTP*348" in f.message


def test_benefit_begin_not_needed_for_changes():
    assert not of(
        check(sub(ins="INS*Y*18*001*25*A***FT", cov="HD*001**HLT*GOLD*IND~DTP*303*D8*20250201"))[1],
        "RULE-BENEFIT-BEGIN-MISSING",
    )


def test_termination_without_end_date():
    term = "INS*Y*18*024*07*A***FT"
    doc, found = check(sub(ins=term, cov="HD*024**HLT*GOLD*IND~DTP*348*D8*20250101"))
    f = one(found, "RULE-TERM-NO-END")  # one finding, on the INS, not one per HD too
    assert (f.segment, f.element, f.value) == (at(doc, "INS"), "INS03", "024")
    doc, found = check(
        sub(ins="INS*Y*18*001*07*A***FT", cov="HD*024**HLT*GOLD*IND~DTP*348*D8*20250101")
    )
    f = one(found, "RULE-TERM-NO-END")
    assert (f.segment, f.element) == (at(doc, "HD"), None)
    # an end date at either level is enough
    assert not of(
        check(
            sub(
                ins=term,
                dates="DTP*357*D8*20250331",
                cov="HD*024**HLT*GOLD*IND~DTP*348*D8*20250101",
            )
        )[1],
        "RULE-TERM-NO-END",
    )
    assert not of(
        check(sub(ins=term, cov="HD*024**HLT*GOLD*IND~DTP*348*D8*20250101~DTP*349*D8*20250331"))[1],
        "RULE-TERM-NO-END",
    )


def test_birth_date_in_the_future():
    doc, found = check(sub(), dep(dob="20250116"))
    f = one(found, "RULE-BIRTH-FUTURE")
    assert (f.segment, f.element, f.value) == (at(doc, "DMG", 2), "DMG02", "20250116")
    assert not of(check(sub(), dep(dob="20250115"))[1], "RULE-BIRTH-FUTURE")
    # no usable BGN03: today is the reference
    doc, found = check(sub(dob="20250701"), bgn03="2025")
    assert one(found, "RULE-BIRTH-FUTURE").value == "20250701"


def test_birth_date_too_old():
    doc, found = check(sub(dob="19050114"))
    f = one(found, "RULE-BIRTH-TOO-OLD")
    assert (f.segment, f.element, f.severity) == (at(doc, "DMG"), "DMG02", "warning")
    assert not of(check(sub(dob="19050116"))[1], "RULE-BIRTH-TOO-OLD")


# -- identifiers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ssn, words",
    [
        ("12345678", "8 digits"),
        ("123-45-6789", "punctuation"),
        ("XXX-XX-4521", "masked"),
        ("12345678A", "letters"),
    ],
)
def test_ssn_format(ssn, words):
    doc, found = check(sub(ssn=ssn))
    f = one(found, "RULE-SSN-FORMAT")
    assert (f.segment, f.element, f.value) == (at(doc, "NM1"), "NM109", ssn)
    assert words in f.message


@pytest.mark.parametrize("ssn", ["000123456", "666123456", "900123456", "123004567", "123450000"])
def test_ssn_impossible(ssn):
    doc, found = check(sub(ssn=ssn))
    f = one(found, "RULE-SSN-IMPOSSIBLE")
    assert (f.segment, f.element, f.value) == (at(doc, "NM1"), "NM109", ssn)
    assert not of(found, "RULE-SSN-FORMAT")


def test_valid_or_absent_ssn_is_quiet():
    for ssn in ("123456789", "899999999", ""):
        found = check(sub(ssn=ssn))[1]
        assert not of(found, "RULE-SSN-FORMAT") and not of(found, "RULE-SSN-IMPOSSIBLE")


# -- money ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, hint",
    [
        ("$1,234.00", "send 1234.00"),
        ("1O.00", "10.00"),
        ("12.50-", "minus sign"),
        ("", "empty"),
        ("abc", "plain decimal number"),
    ],
)
def test_amount_not_a_number(value, hint):
    doc, found = check(sub(cats=cats(("PRE AMT TOT", value))))
    f = one(found, "RULE-AMOUNT-NOT-NUMBER")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9V"), "REF02", value)
    assert hint in f.message


def test_amount_rules_read_any_qualifier():
    member = sub(cats=cat(1, "APTC AMT", "-5.00", q="ZZ"))
    doc, found = check(member)
    f = one(found, "RULE-AMOUNT-NEGATIVE")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*ZZ"), "REF02", "-5.00")
    assert not of(check(sub(cats=cat(1, "CSR AMT", "0.00")))[1], "RULE-AMOUNT-NEGATIVE")


def test_amount_with_too_many_decimals():
    doc, found = check(sub(cats=cats(("PRE AMT 1", "412.505"))))
    assert one(found, "RULE-AMOUNT-DECIMALS").segment == at(doc, "REF*9V")
    assert not of(check(sub(cats=cats(("PRE AMT 1", "412.5"))))[1], "RULE-AMOUNT-DECIMALS")


def test_aptc_over_premium():
    doc, found = check(sub(cats=cats(("PRE AMT TOT", "650.00"), ("APTC AMT", "700.00"))))
    f = one(found, "RULE-APTC-OVER-PREMIUM")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9V*700"), "REF02", "700.00")
    assert "700.00" in f.message and "650.00" in f.message
    fine = cats(("PRE AMT TOT", "650.00"), ("APTC AMT", "650.00"))
    assert not of(check(sub(cats=fine))[1], "RULE-APTC-OVER-PREMIUM")


def test_amounts_are_paired_by_effective_date():
    periods = "~".join(
        [
            cat(1, "PRE AMT TOT", "650.00", "20250201"),
            cat(2, "APTC AMT", "600.00", "20250201"),
            cat(3, "TOT RES AMT", "50.00", "20250201"),
            cat(4, "PRE AMT TOT", "500.00", "20250601"),
            cat(5, "APTC AMT", "550.00", "20250601"),
            cat(6, "TOT RES AMT", "-50.00", "20250601"),
        ]
    )
    doc, found = check(sub(cats=periods))
    f = one(found, "RULE-APTC-OVER-PREMIUM")
    assert f.segment == at(doc, "REF*9V*550")
    assert "2025-06-01" in f.message
    assert not of(found, "RULE-TOT-RES-MISMATCH")
    # an APTC change without a new total: the earlier total still applies
    later = "~".join(
        [cat(1, "PRE AMT TOT", "650.00", "20250201"), cat(2, "APTC AMT", "700.00", "20250701")]
    )
    assert of(check(sub(cats=later))[1], "RULE-APTC-OVER-PREMIUM")


def test_total_responsibility_mismatch():
    bad = cats(("PRE AMT TOT", "825.00"), ("APTC AMT", "600.00"), ("TOT RES AMT", "300.00"))
    doc, found = check(sub(cats=bad))
    f = one(found, "RULE-TOT-RES-MISMATCH")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9V*300"), "REF02", "300.00")
    assert "225.00" in f.message and f.extra["expected"] == 225.0
    good = cats(
        ("PRE AMT TOT", "1413.85"),
        ("APTC AMT", "600.00"),
        ("OTH PAY AMT 1", "100.00"),
        ("OTH PAY AMT 2", "50.00"),
        ("TOT EMP RES AMT", "310.39"),
        ("TOT RES AMT", "353.47"),
    )
    assert not of(check(sub(cats=good))[1], "RULE-TOT-RES-MISMATCH")  # within one cent
    no_res = cats(("PRE AMT TOT", "825.00"), ("APTC AMT", "600.00"))
    assert not of(check(sub(cats=no_res))[1], "RULE-TOT-RES-MISMATCH")


# -- consistency ---------------------------------------------------------------------------------
def test_bgn_verify_file_with_additions():
    doc, found = check(sub(), dep(), bgn08="4")
    f = one(found, "RULE-BGN-ACTION-MISMATCH")
    assert (f.segment, f.element, f.value, f.severity) == (at(doc, "BGN"), "BGN08", "4", "warning")
    assert f.extra["count"] == 2 and f.extra["members"] == [1, 2]
    audit = sub(ins="INS*Y*18*030*XN*A***FT", cov="HD*030**HLT*GOLD*IND~DTP*348*D8*20250201")
    assert not of(check(audit, bgn08="4")[1], "RULE-BGN-ACTION-MISMATCH")
    assert of(check(sub(ins="INS*Y*18*030*XN*A***FT"), bgn08="4")[1], "RULE-BGN-ACTION-MISMATCH")


def test_bgn_change_file_with_audit_codes_and_replace_file_with_adds():
    audit = sub(ins="INS*Y*18*030*XN*A***FT", cov="HD*030**HLT*GOLD*IND~DTP*348*D8*20250201")
    assert "030" in one(check(audit, bgn08="2")[1], "RULE-BGN-ACTION-MISMATCH").message
    assert one(check(sub(), bgn08="RX")[1], "RULE-BGN-ACTION-MISMATCH").value == "RX"
    assert not of(check(sub(), dep(), bgn08="2")[1], "RULE-BGN-ACTION-MISMATCH")


def test_coverage_level_individual_with_dependents():
    single = sub(cov="HD*021**HLT*GOLD*IND~DTP*348*D8*20250201~REF*1L*P1")
    doc, found = check(single, dep())  # the dependent is covered in HLT too
    f = one(found, "RULE-COVERAGE-LEVEL")
    assert (f.segment, f.element, f.value) == (at(doc, "HD"), "HD05", "IND")
    assert f.member_pos == 1
    family = sub(cov="HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201~REF*1L*P1")
    assert not of(check(family, dep())[1], "RULE-COVERAGE-LEVEL")
    # a dependent being terminated does not count
    leaving = dep(ins="INS*N*19*024*07*A", cov="HD*024**HLT*GOLD~DTP*349*D8*20250331")
    assert not of(check(single, leaving)[1], "RULE-COVERAGE-LEVEL")


def test_coverage_level_family_without_dependents():
    family = sub(cov="HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201~REF*1L*P1")
    doc, found = check(family)
    f = one(found, "RULE-COVERAGE-LEVEL")
    assert (f.segment, f.value) == (at(doc, "HD"), "FAM")
    # a change in an update file: the dependents need not be sent again
    change = sub(
        ins="INS*Y*18*001*25*A***FT", cov="HD*001**HLT*GOLD*FAM~DTP*348*D8*20250201~REF*1L*P1"
    )
    assert not of(check(change)[1], "RULE-COVERAGE-LEVEL")


def test_coverage_level_on_dependent():
    # a dependent's level that contradicts the subscriber's for the line is reported
    doc, found = check(
        sub(cov="HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201"),
        dep(cov="HD*021**HLT*GOLD*IND~DTP*348*D8*20250201"),
    )
    f = one(found, "RULE-COVERAGE-LEVEL-DEPENDENT")
    assert (f.segment, f.element, f.value) == (at(doc, "HD", 2), "HD05", "IND")
    # the same level as the subscriber's (as many senders do), or none, is fine
    for cov in ("HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201", None):
        assert not of(
            check(sub(cov="HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201"), dep(cov=cov))[1],
            "RULE-COVERAGE-LEVEL-DEPENDENT",
        )


# -- incomplete members --------------------------------------------------------------------------
def test_subscriber_without_address():
    doc, found = check(sub(address=""))
    f = one(found, "RULE-SUB-NO-ADDRESS")
    assert (f.segment, f.segment_id, f.element, f.severity) == (
        at(doc, "NM1"),
        "NM1",
        None,
        "error",
    )
    doc, found = check(sub(address="N3*100 MAIN ST"))
    assert "N4" in one(found, "RULE-SUB-NO-ADDRESS").message
    audit = sub(
        ins="INS*Y*18*030*XN*A***FT", address="", cov="HD*030**HLT*GOLD*IND~DTP*348*D8*20250201"
    )
    assert one(check(audit, bgn08="4")[1], "RULE-SUB-NO-ADDRESS").severity == "warning"
    assert not of(check(sub(ins="INS*Y*18*001*25*A***FT", address=""))[1], "RULE-SUB-NO-ADDRESS")
    assert not of(check(sub(), dep(address=""))[1], "RULE-SUB-NO-ADDRESS")


def test_addition_without_coverage():
    doc, found = check(sub(cov=""))
    f = one(found, "RULE-ADD-NO-COVERAGE")
    assert (f.segment, f.element, f.value, f.severity) == (
        at(doc, "INS"),
        "INS03",
        "021",
        "warning",
    )
    assert not of(check(sub())[1], "RULE-ADD-NO-COVERAGE")
    assert not of(check(sub(ins="INS*Y*18*001*25*A***FT", cov=""))[1], "RULE-ADD-NO-COVERAGE")


# -- profile "ffe" -------------------------------------------------------------------------------
def test_ffe_rules_run_only_with_the_profile():
    member = sub(cats=cat(1, "RATING AREA", "3", date=None, q="9X"))
    assert not check(member)[1]
    doc, found = check(member, profiles=["ffe"])
    f = one(found, "RULE-FFE-RATING-AREA")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9X"), "REF02", "3")
    good = sub(cats=cat(1, "RATING AREA", "R-IL003", date=None, q="9X"))
    assert not check(good, profiles=["ffe"])[1]


def test_ffe_financial_category_needs_a_date():
    doc, found = check(sub(cats=cat(1, "PRE AMT 1", "412.50", date=None)), profiles=["ffe"])
    f = one(found, "RULE-FFE-FINANCIAL-NO-DATE")
    assert (f.segment, f.segment_id, f.element) == (at(doc, "N1*75"), "N1", None)
    assert not check(sub(cats=cat(1, "PRE AMT 1", "412.50")), profiles=["ffe"])[1]


def test_ffe_category_repeated_for_one_date():
    twice = cats(("PRE AMT 1", "412.50"), ("PRE AMT 1", "412.50"))
    doc, found = check(sub(cats=twice), profiles=["ffe"])
    assert one(found, "RULE-FFE-CATEGORY-REPEATED").segment == at(doc, "N1*75", 2)


def test_ffe_subscriber_category_on_dependent():
    doc, found = check(sub(), dep(cats=cats(("APTC AMT", "10.00"))), profiles=["ffe"])
    f = one(found, "RULE-FFE-SUBSCRIBER-CATEGORY")
    assert f.segment == at(doc, "N1*75") and f.member_pos == 2
    assert not of(
        check(sub(), dep(cats=cats(("PRE AMT 1", "10.00"))), profiles=["ffe"])[1],
        "RULE-FFE-SUBSCRIBER-CATEGORY",
    )


def test_ffe_financial_date_before_coverage():
    doc, found = check(sub(cats=cats(("PRE AMT 1", "412.50"), date="20250101")), profiles=["ffe"])
    f = one(found, "RULE-FFE-DATE-BEFORE-COVERAGE")
    assert (f.segment, f.element, f.value) == (at(doc, "DTP*007"), "DTP03", "20250101")


def test_ffe_total_premium_is_the_sum_of_member_premiums():
    def family(total):
        s = sub(
            cov="HD*021**HLT*GOLD*FAM~DTP*348*D8*20250201~REF*1L*P1",
            cats=cats(("PRE AMT 1", "400.00"), ("PRE AMT TOT", total)),
        )
        return s, dep(cats=cats(("PRE AMT 1", "300.00")))

    doc, found = check(*family("800.00"), profiles=["ffe"])
    f = one(found, "RULE-FFE-PREMIUM-SUM")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9V*800"), "REF02", "800.00")
    assert "700.00" in f.message and f.member_pos == 1
    assert not check(*family("700.00"), profiles=["ffe"])[1]


# -- files ---------------------------------------------------------------------------------------
# defect of the synthetic generator -> the rule that must report it at the manifest's segment
DEFECT_RULES = {
    "duplicate_member": "RULE-DUP-MEMBER",
    "orphan_dependent": "RULE-DEP-NO-SUBSCRIBER",
    "dependent_ref0f_mismatch": "RULE-DEP-REF0F-DIFFERS",
    "subscriber_not_18": "RULE-SUB-NOT-SELF",
    "bad_birth_date": "RULE-DATE-INVALID",
    "future_birth_date": "RULE-BIRTH-FUTURE",
    "birth_over_120": "RULE-BIRTH-TOO-OLD",
    "end_before_begin": "RULE-DATE-END-BEFORE-BEGIN",
    "missing_348": "RULE-BENEFIT-BEGIN-MISSING",
    "term_without_end": "RULE-TERM-NO-END",
    "bad_ssn": "RULE-SSN-IMPOSSIBLE",
    "ssn_not_9_digits": "RULE-SSN-FORMAT",
    "amount_not_number": "RULE-AMOUNT-NOT-NUMBER",
    "negative_amount": "RULE-AMOUNT-NEGATIVE",
    "aptc_over_premium": "RULE-APTC-OVER-PREMIUM",
    "tot_res_mismatch": "RULE-TOT-RES-MISMATCH",
    "bgn_verify_with_add": "RULE-BGN-ACTION-MISMATCH",
    "coverage_level_mismatch": "RULE-COVERAGE-LEVEL",
    "no_address": "RULE-SUB-NO-ADDRESS",
    "add_without_coverage": "RULE-ADD-NO-COVERAGE",
    "ssn_shared": "RULE-ID-SSN-SHARED",
    "child_as_spouse": "RULE-FAM-SPOUSE-MINOR",
    "coverage_after_death": "RULE-DATE-AFTER-DEATH",
    "aptc_without_premium": "RULE-APTC-NO-PREMIUM",
}


def test_clean_synthetic_file_has_no_findings():
    text = synthetic.generate_834(400, seed=7, transactions=2)
    doc = load_store(read_bytes(text.encode("ascii")))
    assert run_rules(doc, profiles=["ffe"]) == []


def test_synthetic_defects_are_found_where_the_manifest_says():
    wanted = [d for d in synthetic.DEFECTS if d in DEFECT_RULES]
    text, manifest = synthetic.generate_834_with_manifest(300, seed=11, defects=wanted)
    doc = load_store(read_bytes(text.encode("ascii")))
    # a lone dependent in a change file is a defect only where the partner wants the
    # subscriber with every dependent
    found = run_rules(doc, profiles=["ffe"], params={"subscriber_with_dependents": True})
    places = {(f.code, f.segment) for f in found}
    for entry in manifest:
        if entry["defect"] in DEFECT_RULES:
            assert (DEFECT_RULES[entry["defect"]], entry["segment_pos"]) in places, entry


def test_every_public_sample_runs_without_error():
    files = sample_files()
    if not files:
        pytest.skip("public samples not available")
    for path in files:
        doc = load(path)
        for f in run_rules(doc, profiles=["ffe"]):
            assert f.source == "business-rule" and f.message
            assert 1 <= f.segment <= len(doc.store), (path.name, f)


def test_validate_document_includes_business_rules():
    from inspector.core.validation.run import validate_document

    doc = load_834(sub(ins="INS*Y*19*021*28*A***FT"))
    found = [f for f in validate_document(doc, use_pyx12=False) if f.source == "business-rule"]
    assert [f.code for f in found] == ["RULE-SUB-NOT-SELF"]
    assert found[0].loop == "2000"


def test_progress_and_cancel():
    from inspector.core.errors import Cancelled

    text = synthetic.generate_834(5000, seed=3)
    doc = load_store(read_bytes(text.encode("ascii")))
    seen: list[tuple[int, int]] = []
    run_rules(doc, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5000, 5000) and len(seen) > 1
    with pytest.raises(Cancelled):
        run_rules(doc, cancel=lambda: True)


def _layouts(data: bytes) -> dict[str, bytes]:
    """The same file with other blanks after its terminators (the rules read them all alike)."""
    segments = data.split(b"~\n")[:-1]
    irregular = b"".join(s + (b"~\n" if k % 3 else b"~ \t\r\n") for k, s in enumerate(segments))
    return {
        "one line": data.replace(b"~\n", b"~"),
        "CRLF": data.replace(b"~\n", b"~\r\n"),
        "irregular blanks": irregular,
    }


def test_findings_do_not_depend_on_the_line_breaks_after_terminators():
    wanted = [d for d in synthetic.DEFECTS if d in DEFECT_RULES]
    text = synthetic.generate_834_with_manifest(120, seed=5, defects=wanted)[0]
    data = text.encode("ascii")

    def seen(raw: bytes) -> list[tuple]:
        found = run_rules(load_store(read_bytes(raw)), profiles=["ffe"], today=TODAY)
        return [(f.code, f.segment, f.element, f.value, f.message) for f in found]

    expected = seen(data)
    assert len({c for c, *_ in expected}) > 10
    for name, variant in _layouts(data).items():
        assert seen(variant) == expected, name


def test_an_irregular_reporting_category_area_is_read_segment_by_segment():
    # a category without value, a REF before any N1 (ignored), a stray segment inside a 2750
    area = "~".join(
        [
            "LX*1",
            "N1*75*SEP REASON",
            "LX*2",
            "REF*9X*999",
            "N1*75*pre  amt 1",
            "AMT*P3*1",
            "REF*9X*12.5O",
            "DTP*007*D8*20250201",
        ]
    )
    doc, found = check(sub(cats=area), profiles=["ffe"])
    f = one(found, "RULE-AMOUNT-NOT-NUMBER")
    assert (f.segment, f.element, f.value) == (at(doc, "REF*9X*12.5O"), "REF02", "12.5O")
    assert "PRE AMT 1" in f.message and "12.50 was probably meant" in f.message
    assert not of(found, "RULE-FFE-FINANCIAL-NO-DATE")


# -- how the runner holds members (memory) ---------------------------------------------------
def test_a_family_spread_through_the_transaction_is_checked_whole():
    """Transaction rules run on complete families: a second spouse sent after other
    families (same REF*0F) is still in the subscriber's family, and a family whose last
    member comes at the very end is checked once."""
    spouse = dict(ins="INS*N*01*021*28*A", dob="19820101")
    doc, found = check(
        sub("S1"),
        dep("S1", name="DOE*ANN", ssn="234567891", **spouse),
        sub("S2", name="ROE*RICK", ssn="123456780"),
        dep("S2", name="ROE*RITA", ssn="234567892"),
        dep("S1", name="DOE*BEA", ssn="234567893", **spouse),
    )
    f = one(found, "RULE-FAM-SPOUSE-TWICE")
    assert f.segment == at(doc, "INS*N*01", 2)


@pytest.mark.parametrize("batch", [1, None])
def test_transaction_rules_see_each_family_once_in_small_batches(monkeypatch, batch):
    """Every subscriber is in exactly one batch, with all its dependents, and a batch holds
    only the families completed since the previous one once they hold BATCH_MEMBERS members
    (not the whole transaction)."""
    from inspector.core.validation import rules
    from inspector.core.validation.rules import context

    if batch is not None:
        monkeypatch.setattr(rules, "BATCH_MEMBERS", batch)
    text = synthetic.generate_834(400, seed=3)
    doc = load_store(read_bytes(text.encode("ascii")))
    seen: list[int] = []
    sizes: list[int] = []
    deps: list[int] = []
    real = context.TransactionView.complete

    def spy(self, done, rest=False):
        real(self, done, rest)
        seen.extend(s.index for s in self.subscribers)
        sizes.append(len(self.subscribers))
        deps.append(sum(len(v) for v in self.dependents.values()))

    monkeypatch.setattr(context.TransactionView, "complete", spy)
    run_rules(doc, today=TODAY)
    subs = [k for k, v in enumerate(doc.structure.members.column("is_subscriber")) if v == "Y"]
    assert sorted(seen) == subs and len(set(seen)) == len(seen)
    assert sum(deps) == len(doc.structure.members) - len(subs)
    held = [s + d for s, d in zip(sizes, deps, strict=True)]
    assert len(sizes) > 1 and max(held[:-1]) <= rules.BATCH_MEMBERS + 8, held


def test_a_member_repeated_far_away_is_read_again_for_the_comparison():
    """RULE-DUP-MEMBER keeps member numbers, not views: the first loop is read again when a
    later one repeats its key (same findings as comparing the views)."""
    others = [sub(f"S{k}", name=f"P{chr(55 + k)}*Q", ssn=f"12345{k:04d}") for k in range(10, 30)]
    doc, found = check(sub("S1"), *others, sub("S1"))
    f = one(found, "RULE-DUP-MEMBER")
    assert f.segment == at(doc, "INS*Y", 22)
    assert f.extra["first_segment"] == at(doc, "INS*Y", 1)


def test_file_rules_get_only_members_that_share_a_key(monkeypatch):
    """The identity rules are given the members that share an identity key (and those whose
    own coverages overlap), read again; the others are not kept for them."""
    from inspector.core.validation import rules as runner

    got: list[list[int]] = []
    real = runner._run_file_rules

    def spy(ctx, views, reader, plan, emit, wanted):
        got.append(list(wanted))
        return real(ctx, views, reader, plan, emit, wanted)

    monkeypatch.setattr(runner, "_run_file_rules", spy)
    others = [sub(f"S{k}", name=f"P{chr(55 + k)}*Q", ssn=f"12345{k:04d}") for k in range(10, 20)]
    first = sub("S9", name="SAME*SUE", ssn="345678901")
    other = sub("S8", name="OTHER*TOM", ssn="345678901", dob="19700101")
    _doc, found = check(first, *others, other)
    assert got == [[0, 11]]
    assert one(found, "RULE-ID-SSN-SHARED").member_pos == 12


def test_a_repeated_member_is_found_when_the_file_rules_are_switched_off(tmp_path):
    """RULE-DUP-MEMBER reads the first loop again in full, whatever other rules keep."""
    from inspector.core.validation.profiles import load_profile

    path = tmp_path / "no-identity.toml"
    off = "\n".join(f'"{r.code}" = "off"' for r in RULES if r.file is not None)
    path.write_text(f'name = "no-identity"\n[rules]\n{off}\n', encoding="utf-8")
    profile = load_profile(str(path))
    others = [sub(f"S{k}", name=f"P{chr(55 + k)}*Q", ssn=f"12345{k:04d}") for k in range(10, 14)]
    doc, found = check(sub("S1"), *others, sub("S1"), profiles=(profile,))
    assert not [f for f in found if f.code.startswith("RULE-ID-")]
    assert one(found, "RULE-DUP-MEMBER").segment == at(doc, "INS*Y", 6)


def test_members_held_as_numbers_give_the_same_findings(monkeypatch):
    """Past HELD_VIEWS held members a transaction holds member numbers and reads the
    members again for their family's checks: the findings are the same (every defect, a
    file with two transactions, under the exchange profiles too)."""
    from inspector.core.validation.rules import context

    text = synthetic.generate_834(400, seed=7, defects=synthetic.DEFECTS, transactions=2)
    doc = load_store(read_bytes(text.encode("ascii")))
    profiles = ("ffe", "exchange")

    def run():
        return [
            (f.code, f.segment, f.message, f.member_pos) for f in run_rules(doc, profiles, TODAY)
        ]

    held = run()
    monkeypatch.setattr(context, "HELD_VIEWS", 1)
    reread: list[int] = []
    real = context.TransactionView._spill

    def spill(self):
        reread.append(1)
        real(self)

    monkeypatch.setattr(context.TransactionView, "_spill", spill)
    assert run() == held
    assert len(reread) > 100 and len(held) > 30
