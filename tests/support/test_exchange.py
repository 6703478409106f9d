"""Tests of the CMS-FFE-style exchange file generator (tests.support.exchange).

Counts, arithmetic and manifest locations are recomputed here from the raw text; validity is
checked with the project's pyx12 adapter and the business rules.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from tests.support import exchange

KINDS = ("change", "audit")
#: Findings the clean file is allowed to have: rules shown to be wrong on it (see the report of
#: issue 10). HD05 on every member's coverage is FFE practice; the rule is being corrected.
KNOWN_NOISE = {"RULE-COVERAGE-LEVEL-DEPENDENT"}


def segments(data: bytes) -> list[list[str]]:
    text = data.decode("ascii")
    assert text.startswith("ISA") and text[105] == "~"
    e = text[3]
    return [s.strip("\r\n").split(e) for s in text.split("~") if s.strip("\r\n")]


def members(segs: list[list[str]]) -> list[list[list[str]]]:
    out: list[list[list[str]]] = []
    for s in segs:
        if s[0] == "INS":
            out.append([s])
        elif s[0] == "SE":
            break
        elif out:
            out[-1].append(s)
    return out


def cats(member: list[list[str]]) -> dict[str, tuple[str, str | None]]:
    found: dict[str, tuple[str, str | None]] = {}
    for k, s in enumerate(member):
        if s[0] == "N1" and s[1] == "75":
            ref = member[k + 1]
            nxt = member[k + 2] if k + 2 < len(member) else []
            found[s[2]] = (ref[2], nxt[3] if nxt[:2] == ["DTP", "007"] else None)
    return found


def first(member: list[list[str]], *prefix: str) -> list[str] | None:
    return next((s for s in member if s[: len(prefix)] == list(prefix)), None)


@pytest.fixture(scope="module", params=KINDS)
def clean(request) -> tuple[str, bytes]:
    return request.param, exchange.make(200, seed=1, kind=request.param)


@pytest.fixture(scope="module", params=KINDS)
def planted(request) -> tuple[str, bytes, list[dict]]:
    data, manifest = exchange.make(600, seed=3, kind=request.param, defects="all")
    return request.param, data, manifest


# -- validity -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_clean_file_is_ig_valid(clean) -> None:
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12

    _kind, data = clean
    result = validate_with_pyx12(data)
    assert result.completed and result.guide == "005010X220A1"
    assert [(f.code, f.segment, f.message) for f in result.findings] == []


@pytest.mark.slow
def test_the_ig_check_sees_a_broken_file() -> None:
    """Guards the test above: the same check reports an invalid code and a wrong count."""
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12

    data = exchange.make(30, seed=1).replace(b"**HLT*", b"**XYZ*", 1)
    assert validate_with_pyx12(data).findings


@pytest.mark.parametrize("profiles", [["ffe"], ["ffe", "exchange"]])
def test_business_rules_are_quiet_on_the_clean_file(clean, profiles) -> None:
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.rules import run_rules

    _kind, data = clean
    doc = load_store(read_bytes(data))
    found = run_rules(doc, profiles=profiles, today="20250616", params={"plan_year": "2025"})
    assert not doc.problems
    unexpected = [(f.code, f.segment, f.message) for f in found if f.code not in KNOWN_NOISE]
    assert unexpected == []


def test_no_finding_at_all_with_the_level_on_subscribers_only() -> None:
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.rules import run_rules

    for kind in KINDS:
        data = exchange.make(300, seed=6, kind=kind, dependent_levels=False)
        doc = load_store(read_bytes(data))
        for profiles in ([], ["ffe", "exchange"]):
            found = run_rules(
                doc, profiles=profiles, today="20250616", params={"plan_year": "2025"}
            )
            assert [(f.code, f.segment, f.message) for f in found] == []


# -- determinism and counts -----------------------------------------------------------------------
def test_deterministic() -> None:
    assert exchange.make(150, seed=7) == exchange.make(150, seed=7)
    assert exchange.make(150, seed=7) != exchange.make(150, seed=8)
    a = exchange.make(400, seed=7, kind="audit", defects=["two_spouses", "invalid_zip"])
    b = exchange.make(400, seed=7, kind="audit", defects=["two_spouses", "invalid_zip"])
    assert a == b


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 2, 17, 200])
def test_counts_and_envelope(kind: str, n: int) -> None:
    data = exchange.make(n, seed=2, kind=kind)
    segs = segments(data)
    ids = [s[0] for s in segs]
    assert ids.count("INS") == n
    st, se = ids.index("ST"), ids.index("SE")
    assert int(segs[se][1]) == se - st + 1 and segs[se][2] == segs[st][2]
    assert segs[-2][0] == "GE" and segs[-2][1:] == ["1", segs[1][6]]
    assert segs[-1][0] == "IEA" and segs[-1][1:] == ["1", segs[0][13]]
    assert len("*".join(segs[0])) == 105
    qty = {s[1]: int(s[2]) for s in segs if s[0] == "QTY"}
    subs = sum(1 for s in segs if s[0] == "INS" and s[1] == "Y")
    assert qty == {"TO": n, "ET": subs, "DT": n - subs}
    bgn = segs[st + 1]
    assert bgn[0] == "BGN" and bgn[8] == ("2" if kind == "change" else "4")
    for m in members(segs):
        lx = [int(s[1]) for s in m if s[0] == "LX"]
        assert lx == list(range(1, len(lx) + 1))


def test_change_file_has_every_maintenance_type() -> None:
    segs = segments(exchange.make(2000, seed=1))
    ins = [s for s in segs if s[0] == "INS"]
    assert {s[3] for s in ins} == {"001", "021", "024", "025"}
    reasons = Counter(s[4] for s in ins if s[3] == "021")
    assert {"EC", "02", "05", "32"} <= set(reasons)
    assert any(s[:2] == ["NM1", "QD"] for s in segs)  # child-only policies
    assert any(s[:2] == ["DTP", "357"] for s in segs)  # death terminations
    assert any(s[:3] == ["HD", "021", ""] and s[3] == "DEN" for s in segs)
    # dental: a second 2300 in the member loop, or a separate policy (its own member loops)
    dental = [m for m in members(segs) if any(s[:4] == ["HD", "021", "", "DEN"] for s in m)]
    assert any(sum(s[0] == "HD" for s in m) == 2 for m in dental)
    assert any(sum(s[0] == "HD" for s in m) == 1 for m in dental)
    newborns = [m for m in members(segs) if m[0][4] == "02"]
    assert newborns and any(len(first(m, "NM1", "IL") or []) < 9 for m in newborns)  # no SSN


@pytest.mark.parametrize("kind", KINDS)
def test_realistic_values(kind: str) -> None:
    segs = segments(exchange.make(1000, seed=4, kind=kind))
    today = dt.date(2025, 6, 16)
    for m in members(segs):
        ins = m[0]
        if kind == "audit":
            assert ins[3] == "030" and all(s[1] == "030" for s in m if s[0] == "HD")
        else:
            assert all(s[1] == ins[3] for s in m if s[0] == "HD")
        n4 = first(m, "N4")
        assert (
            n4 is not None
            and n4[2] == "VA"
            and len(n4[3]) in (5, 9)
            and n4[3][:2]
            in (
                "22",
                "23",
                "24",
            )
        )
        per = first(m, "PER")
        if ins[1] == "Y":
            assert per is not None and per[4][0] in "23456789" and per[4][3] in "23456789"
        dmg = first(m, "DMG")
        assert dmg is not None
        birth = dt.datetime.strptime(dmg[2], "%Y%m%d").date()
        assert birth <= today
        age = (today - birth).days // 365
        if ins[2] == "19":
            assert age < 26
        nm1 = first(m, "NM1", "IL")
        assert nm1 is not None and len(nm1) in (5, 6, 10)
        if len(nm1) == 10:
            assert nm1[8] == "34" and len(nm1[9]) == 9
        for k, s in enumerate(m):
            if s[0] == "HD":
                assert s[4] == first(m[k:], "REF", "CE")[2]  # type: ignore[index]
                plan = s[4]
                assert len(plan) == 17 and plan[5:7] == "VA" and plan[14] == "-"
            if s[:2] == ["DTP", "348"]:
                begin = s[3]
                if begin[6:] != "01":  # only from a birth (earlier or now) or an adoption
                    assert begin == dmg[2] or ins[4] == "05", m
        c = cats(m)
        if ins[1] == "Y":
            assert c["RATING AREA"][0].startswith("R-VA")
            assert c["SOURCE EXCHANGE ID"] == ("VA0", None)
            tot, aptc = Decimal(c["PRE AMT TOT"][0]), Decimal(c["APTC AMT"][0])
            assert Decimal(c["TOT RES AMT"][0]) == tot - aptc and 0 <= aptc <= tot
            plan = first(m, "HD")[4]  # type: ignore[index]
            if first(m, "HD")[3] == "DEN":  # type: ignore[index]  # a separate dental policy
                assert "CSR AMT" not in c and aptc == 0
            else:
                csr = Decimal(c["CSR AMT"][0])
                assert (csr > 0) == (plan[-2:] in ("02", "04", "05", "06"))
        else:
            assert set(c) <= {"PRE AMT 1", "ADDL MAINT REASON"}


@pytest.mark.parametrize("kind", KINDS)
def test_premium_total_is_the_sum_of_the_members(kind: str) -> None:
    segs = segments(exchange.make(1000, seed=5, kind=kind))
    shares: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    totals: dict[tuple[str, str], Decimal] = {}
    complete: dict[tuple[str, str], bool] = defaultdict(lambda: True)
    for m in members(segs):  # policy = subscriber id + the first 2300's REF*1L
        sid = (first(m, "REF", "0F")[2], first(m, "REF", "1L")[2])  # type: ignore[index]
        c = cats(m)
        shares[sid] += Decimal(c["PRE AMT 1"][0])
        complete[sid] &= m[0][3] in ("021", "030")
        if m[0][1] == "Y":
            totals[sid] = Decimal(c["PRE AMT TOT"][0])
    for sid, tot in totals.items():
        if complete[sid]:
            assert tot == shares[sid], sid
        else:
            assert tot >= shares[sid], sid


# -- defects --------------------------------------------------------------------------------------
def test_every_defect_kind_is_planted_once_in_its_own_family(planted) -> None:
    _kind, _data, manifest = planted
    assert [m["kind"] for m in manifest] == list(exchange.DEFECT_KINDS)
    assert len(exchange.DEFECT_KINDS) >= 31
    seen: set[int] = set()
    for m in manifest:
        family = set(m["family"])
        assert m["member"] in family and not family & seen
        seen |= family


def test_manifest_points_at_the_changed_value(planted) -> None:
    _kind, data, manifest = planted
    segs = segments(data)
    ins_positions = [k + 1 for k, s in enumerate(segs) if s[0] == "INS"]
    for m in manifest:
        seg = segs[m["segment"] - 1]
        assert seg[0] == m["segment_id"], m
        assert ins_positions[m["member"] - 1] == m["first"], m
        assert m["first"] <= m["segment"] <= m["last"], m
        if m["element"]:
            assert seg[0] == m["element"][:-2], m
            assert seg[int(m["element"][-2:])] == m["value"], m
    by_kind = {m["kind"]: m for m in manifest}
    assert by_kind["invalid_zip"]["value"].isdigit() and len(by_kind["invalid_zip"]["value"]) == 4
    assert by_kind["invalid_phone"]["value"][0] == "1"
    assert any(ch.isdigit() for ch in by_kind["name_with_digits"]["value"])
    assert by_kind["csr_on_01_variant"]["value"] == "47.35"
    assert by_kind["rating_area_other_state"]["value"] == "R-MD001"
    assert by_kind["coverage_outside_plan_year"]["value"] == "20260630"
    no_dmg = by_kind["subscriber_without_dmg"]
    assert not any(s[0] == "DMG" for s in segs[no_dmg["first"] - 1 : no_dmg["last"]])


def test_defects_change_what_they_say(planted) -> None:
    """A few defects checked in the file itself, independently of the manifest's value."""
    _kind, data, manifest = planted
    segs = segments(data)
    by_kind = {m["kind"]: m for m in manifest}

    def member(kind: str, offset: int = 0) -> list[list[str]]:
        m = by_kind[kind]
        ms = members(segs)
        return ms[m["member"] - 1 + offset]

    def dob(mem: list[list[str]]) -> str:
        return first(mem, "DMG")[2]  # type: ignore[index]

    twice = by_kind["same_child_three_times"]
    copies = members(segs)[twice["member"] - 2 : twice["member"] + 1]
    assert len({tuple(map(tuple, m[1:])) for m in copies}) == 1  # identical member loops
    older = member("child_older_than_subscriber")
    sub = members(segs)[by_kind["child_older_than_subscriber"]["family"][0] - 1]
    assert dob(older) < dob(sub)
    wife = member("daughter_as_wife")
    assert wife[0][2] == "01" and dob(wife) > "2015"
    child_sub = member("child_as_subscriber")
    assert child_sub[0][1:3] == ["Y", "18"] and dob(child_sub) > "2010"
    dup = member("person_twice_other_subscriber")
    donor_sub = next(
        m
        for m in members(segs)[: by_kind["person_twice_other_subscriber"]["family"][0] - 1][::-1]
        if m[0][1] == "Y"
    )
    assert first(dup, "NM1", "IL")[3:5] == first(donor_sub, "NM1", "IL")[3:5]  # type: ignore[index]
    assert first(dup, "REF", "0F") != first(donor_sub, "REF", "0F")


def test_unknown_defect_and_too_small_files_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown defect"):
        exchange.make(100, defects=["no_such_defect"])
    with pytest.raises(ValueError, match="too few"):
        exchange.make(20, defects="all")
    with pytest.raises(ValueError):
        exchange.make(20, version="4010")


def test_recall_benchmark_maps_every_kind() -> None:
    from tests.benchmarks.bench_rules_recall import DEFECT_RULES

    assert set(DEFECT_RULES) == set(exchange.DEFECT_KINDS)
