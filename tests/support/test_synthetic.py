"""Tests of the fictitious 834 generator (tests.support.synthetic).

Counts, control numbers and arithmetic are recomputed here from the raw text, independently of the
generator; validity is checked with bare pyx12.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from tests.support import synthetic
from tests.support.synthetic import (
    DEFECTS,
    generate_834,
    generate_834_with_manifest,
    write_834,
)

ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------------------------
# independent helpers
# --------------------------------------------------------------------------------------------


def split(text: str) -> tuple[str, list[list[str]]]:
    """Return (element separator, segments as element lists) using the ISA's delimiters."""
    assert text.startswith("ISA")
    e, term = text[3], text[105]
    segs = [s.strip("\r\n") for s in text.split(term)]
    return e, [s.split(e) for s in segs if s]


def members_of(segs: list[list[str]]) -> list[dict]:
    """Group segments by INS; each member has 'start' (0-based segment index) and 'segs'."""
    out: list[dict] = []
    for i, s in enumerate(segs):
        if s[0] == "INS":
            out.append({"start": i, "segs": [s]})
        elif s[0] in ("SE", "GE", "IEA", "ST"):
            if out:
                out[-1].setdefault("closed", True)
            continue
        elif out and not out[-1].get("closed"):
            out[-1]["segs"].append(s)
    return out


def categories(member: dict) -> dict[str, str]:
    cats: dict[str, str] = {}
    segs = member["segs"]
    for i, s in enumerate(segs):
        if s[0] == "N1" and s[1] == "75":
            assert segs[i + 1][0] == "REF"
            cats[s[2]] = segs[i + 1][2]
    return cats


def ssn_ok(ssn: str) -> bool:
    if len(ssn) != 9 or not ssn.isdigit():
        return False
    area, group, serial = int(ssn[:3]), int(ssn[3:5]), int(ssn[5:])
    return area not in (0, 666) and area < 900 and group != 0 and serial != 0


def is_date(s: str) -> bool:
    try:
        dt.datetime.strptime(s, "%Y%m%d")
    except ValueError:
        return False
    return len(s) == 8


def pyx12_errors(text: str) -> list[str]:
    """Validate with bare pyx12; return every error it reports (empty list = clean)."""
    import pyx12.params
    from pyx12.x12n_document import x12n_document

    log = logging.getLogger("pyx12")
    old = log.level, log.propagate, log.disabled
    log.setLevel(logging.CRITICAL + 1)
    log.propagate = False
    log.disabled = True
    try:
        fd_json = io.StringIO()
        ok = x12n_document(pyx12.params.params(), io.StringIO(text), None, None, None, fd_json)
    finally:
        log.level, log.propagate, log.disabled = old
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for err in node.get("errors", []):
                found.append(f"{err.get('err_cde')}: {err.get('err_str')}")
            for v in node.values():
                if isinstance(v, list):
                    for x in v:
                        walk(x)

    walk(json.loads(fd_json.getvalue()))
    if not ok and not found:
        found.append("x12n_document returned False")
    return found


# --------------------------------------------------------------------------------------------
# determinism, counts, envelope
# --------------------------------------------------------------------------------------------


def test_deterministic() -> None:
    a = generate_834(120, seed=42, defects=("bad_ssn", "duplicate_member"))
    b = generate_834(120, seed=42, defects=("bad_ssn", "duplicate_member"))
    assert a == b
    assert generate_834(120, seed=43) != generate_834(120, seed=42)
    assert generate_834(50) == generate_834(50, seed=834)


@pytest.mark.parametrize("members", [1, 2, 7, 30, 257])
def test_ins_count_equals_members(members: int) -> None:
    _, segs = split(generate_834(members, seed=members))
    assert sum(1 for s in segs if s[0] == "INS") == members


def test_ins_count_with_structural_defects() -> None:
    text = generate_834(90, seed=3, defects=("duplicate_member", "orphan_dependent"))
    _, segs = split(text)
    assert sum(1 for s in segs if s[0] == "INS") == 90
    text = generate_834(90, seed=3, defects=DEFECTS)
    _, segs = split(text)
    assert sum(1 for s in segs if s[0] == "INS") == 90


def check_envelope(text: str) -> None:
    assert len(text.split(text[105], 1)[0]) + 1 == 106  # ISA is exactly 106 characters
    _e, segs = split(text)
    isa = segs[0]
    assert len(isa) == 17
    assert [len(x) for x in isa[1:]] == [2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1]
    assert isa[11] == text[82] and isa[16] == text[104]
    ids = [s[0] for s in segs]
    assert ids[0] == "ISA" and ids[1] == "GS" and ids[-2:] == ["GE", "IEA"]
    gs, ge, iea = segs[1], segs[-2], segs[-1]
    assert gs[1] == "BE" and gs[8] == "005010X220A1"
    assert ge[2] == gs[6]
    assert iea[2] == isa[13]
    assert int(iea[1]) == ids.count("GS") == 1
    st_positions = [i for i, x in enumerate(ids) if x == "ST"]
    assert int(ge[1]) == len(st_positions) == ids.count("SE")
    st02s = []
    for st in st_positions:
        se = ids.index("SE", st)
        assert int(segs[se][1]) == se - st + 1  # ST..SE inclusive
        assert segs[se][2] == segs[st][2]
        assert segs[st][1] == "834" and segs[st][3] == "005010X220A1"
        st02s.append(segs[st][2])
        body = segs[st:se]
        ins = [s for s in body if s[0] == "INS"]
        qty = {s[1]: int(s[2]) for s in body if s[0] == "QTY"}
        assert qty == {
            "TO": len(ins),
            "ET": sum(1 for s in ins if s[1] == "Y"),
            "DT": sum(1 for s in ins if s[1] == "N"),
        }
        assert [s[0] for s in body[:2]] == ["ST", "BGN"]
        n1 = [s[1] for s in body if s[0] == "N1" and s[1] in ("P5", "IN")]
        assert n1 == ["P5", "IN"]
        assert all(len(s) >= 5 for s in body if s[0] == "N1" and s[1] in ("P5", "IN"))
    assert len(set(st02s)) == len(st02s)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"transactions": 3},
        {"line_breaks": False},
        {"delimiters": ("|", "!", ">", "\\"), "transactions": 2},
    ],
)
def test_envelope_counts_and_controls(kw: dict) -> None:
    text = generate_834(75, seed=9, **kw)
    check_envelope(text)
    if kw.get("line_breaks", True):
        assert text.count("\n") == len(split(text)[1])
    else:
        assert "\n" not in text


def test_isa_exactly_106() -> None:
    for seed in (0, 1, 834, 123_456_789_012):
        text = generate_834(5, seed=seed)
        assert text.index("~") == 105
        assert len(text.splitlines()[0]) == 106


def test_transactions_split_in_one_gs() -> None:
    text = generate_834(200, seed=5, transactions=4)
    _, segs = split(text)
    ids = [s[0] for s in segs]
    assert ids.count("ST") == 4 and ids.count("GS") == 1
    assert segs[-2][1] == "4"


# --------------------------------------------------------------------------------------------
# content rules of a clean file
# --------------------------------------------------------------------------------------------


def test_clean_file_content_rules() -> None:
    text = generate_834(400, seed=21)
    _e, segs = split(text)
    ms = members_of(segs)
    file_date = next(s for s in segs if s[0] == "BGN")[3]
    assert file_date.startswith("202611")
    ssns = []
    sub_ids = set()
    current_sub = None
    family: list[dict] = []
    families: list[list[dict]] = []
    for m in ms:
        ins = m["segs"][0]
        ids = [s[0] for s in m["segs"]]
        ref = {s[1]: s[2] for s in m["segs"] if s[0] == "REF" and s[1] in ("0F", "17")}
        nm1 = next(s for s in m["segs"] if s[0] == "NM1")
        dmg = next(s for s in m["segs"] if s[0] == "DMG")
        hds = [s for s in m["segs"] if s[0] == "HD"]
        assert nm1[1:3] == ["IL", "1"] and nm1[8] == "34"
        ssns.append(nm1[9])
        assert is_date(dmg[2]) and "1950" <= dmg[2][:4] <= "2025" and dmg[3] in ("F", "M")
        assert "N3" in ids and "N4" in ids
        n4 = next(s for s in m["segs"] if s[0] == "N4")
        assert len(n4[2]) == 2 and len(n4[3]) == 5 and n4[3].isdigit()
        assert 1 <= len(hds) <= 2
        assert any(s[:2] == ["DTP", "356"] for s in m["segs"])
        for k, s in enumerate(m["segs"]):
            if s[0] == "HD":
                assert s[1] == "021" and s[3] in ("HLT", "DEN")
                nxt = m["segs"][k + 1 : k + 4]
                assert nxt[0][:3] == ["DTP", "348", "D8"] and nxt[0][3].startswith("2027")
                assert nxt[1][1] == "CE" and nxt[2][1] == "1L"
                assert len(nxt[1][2]) == 17 and nxt[1][2][14] == "-"
        assert ids.count("LS") == 1 and ids.count("LE") == 1 and ids[-1] == "LE"
        if ins[1] == "Y":
            assert ins[2] == "18" and ins[8] == "FT"
            assert "PER" in ids
            per = next(s for s in m["segs"] if s[0] == "PER")
            assert per[3] == "TE" and len(per[4]) == 10 and per[4].isdigit()
            current_sub = ref["0F"]
            sub_ids.add(current_sub)
            family = [m]
            families.append(family)
            assert all(len(h) == 6 for h in hds)  # HD05 on the subscriber
        else:
            assert ins[2] in ("01", "19") and len(ins) <= 6  # no INS08
            assert ref["0F"] == current_sub  # dependent carries the subscriber's id
            assert len(dmg) == 4  # no marital status
            assert all(len(h) == 5 for h in hds)  # no HD05
            family.append(m)
    assert all(ssn_ok(s) for s in ssns)
    assert len(set(ssns)) == len(ssns)
    for fam in families:
        rels = [m["segs"][0][2] for m in fam[1:]]
        want = (
            "FAM"
            if "01" in rels and "19" in rels
            else "ESP"
            if "01" in rels
            else "ECH"
            if rels
            else "IND"
        )
        assert 1 <= len(fam) <= 5
        assert {s[5] for s in fam[0]["segs"] if s[0] == "HD"} == {want}


def test_amount_arithmetic() -> None:
    text = generate_834(600, seed=77, transactions=2)
    _, segs = split(text)
    ms = members_of(segs)
    checked = 0
    fam_sum: dict[str, Decimal] = {}
    totals: dict[str, Decimal] = {}
    for m in ms:
        cats = categories(m)
        sid = next(s[2] for s in m["segs"] if s[:2] == ["REF", "0F"])
        for v in cats.values():
            if not v.startswith("R-"):
                assert v.count(".") == 1 and len(v.split(".")[1]) == 2 and not v.startswith("-")
        fam_sum[sid] = fam_sum.get(sid, Decimal(0)) + Decimal(cats["PRE AMT 1"])
        if m["segs"][0][1] == "Y":
            assert set(cats) == {
                "PRE AMT 1",
                "PRE AMT TOT",
                "APTC AMT",
                "CSR AMT",
                "TOT RES AMT",
                "RATING AREA",
            }
            tot, aptc, res = (Decimal(cats[k]) for k in ("PRE AMT TOT", "APTC AMT", "TOT RES AMT"))
            assert res == tot - aptc
            assert Decimal(0) <= aptc <= tot
            assert cats["RATING AREA"].startswith("R-") and len(cats["RATING AREA"]) == 7
            totals[sid] = tot
            checked += 1
        else:
            assert set(cats) == {"PRE AMT 1"}
        # every category is dated with the member's benefit begin
        begin = next(s[3] for s in m["segs"] if s[:2] == ["DTP", "348"])
        d007 = [s[3] for s in m["segs"] if s[:2] == ["DTP", "007"]]
        assert d007 and set(d007) == {begin}
    assert checked > 100
    assert all(fam_sum[k] == v for k, v in totals.items())


def test_segments_per_member_2000() -> None:
    text = generate_834(2000, seed=1)
    _, segs = split(text)
    ratio = len(segs) / 2000
    assert 25 <= ratio <= 35, ratio
    assert 300 <= len(text) / 2000 <= 700


def test_clean_file_passes_pyx12() -> None:
    assert pyx12_errors(generate_834(30)) == []
    assert (
        pyx12_errors(
            generate_834(
                30, seed=5, transactions=2, line_breaks=False, delimiters=("|", "!", ">", "\\")
            )
        )
        == []
    )


def test_pyx12_helper_sees_errors() -> None:
    # guards against a checker that silently reports nothing
    errs = pyx12_errors(generate_834(30, defects=("bad_element_code", "wrong_se_count")))
    assert any("DMG03" in x for x in errs)
    assert any("SE count" in x for x in errs)


# --------------------------------------------------------------------------------------------
# defects
# --------------------------------------------------------------------------------------------


def _member_at(ms: list[dict], pos: int) -> dict:
    m = ms[pos - 1]
    assert m["segs"][0][0] == "INS"
    return m


def check_defect(d: str, text: str, entry: dict) -> None:
    _e, segs = split(text)
    ms = members_of(segs)
    assert entry["defect"] == d
    assert entry["description"]
    seg = segs[entry["segment_pos"] - 1]
    assert seg[0] == entry["segment"]
    if entry["member_pos"] is None:
        assert d in ("bgn_verify_with_add", "wrong_se_count")
    else:
        m = _member_at(ms, entry["member_pos"])
        # the segment lies inside the member's loop
        assert m["start"] <= entry["segment_pos"] - 1 < m["start"] + len(m["segs"])
        ids = [s[0] for s in m["segs"]]
        cats = categories(m)
        sub_ids = {x["segs"][1][2] for x in ms if x["segs"][0][1] == "Y"}
    file_date = next(s for s in segs if s[0] == "BGN")[3]

    if d == "duplicate_member":
        prev = _member_at(ms, entry["member_pos"] - 1)
        assert prev["segs"] == m["segs"]
    elif d == "orphan_dependent":
        assert m["segs"][0][1] == "N"
        assert seg[:2] == ["REF", "0F"] and seg[2] not in sub_ids
    elif d == "dependent_ref0f_mismatch":
        assert m["segs"][0][1] == "N" and seg[:2] == ["REF", "0F"]
        own = next(x for x in reversed(ms[: entry["member_pos"]]) if x["segs"][0][1] == "Y")
        assert seg[2] in sub_ids and seg[2] != own["segs"][1][2]
    elif d == "subscriber_not_18":
        assert seg[:3] == ["INS", "Y", "19"]
    elif d == "bad_birth_date":
        assert not is_date(seg[2])
    elif d == "future_birth_date":
        assert is_date(seg[2]) and seg[2] > file_date
    elif d == "birth_over_120":
        assert is_date(seg[2]) and int(seg[2][:4]) < 2027 - 120
    elif d == "end_before_begin":
        d348 = next(s[3] for s in m["segs"] if s[:2] == ["DTP", "348"])
        assert seg[:2] == ["DTP", "349"] and seg[3] < d348
    elif d == "missing_348":
        k = entry["segment_pos"] - 1 - m["start"]
        assert m["segs"][k][:2] == ["HD", "021"]
        assert m["segs"][k + 1][:2] == ["DTP", "303"]
    elif d == "term_without_end":
        assert m["segs"][0][3] == "024"
        assert not any(s[0] == "DTP" and s[1] in ("349", "357") for s in m["segs"])
    elif d == "bad_ssn":
        assert seg[9].startswith("666") and len(seg[9]) == 9
    elif d == "ssn_not_9_digits":
        assert seg[9].isdigit() and len(seg[9]) != 9
    elif d == "amount_not_number":
        with pytest.raises(InvalidOperation):
            Decimal(cats["APTC AMT"])
        assert seg[2] == cats["APTC AMT"]
    elif d == "negative_amount":
        assert Decimal(seg[2]) < 0
    elif d == "aptc_over_premium":
        assert Decimal(cats["APTC AMT"]) > Decimal(cats["PRE AMT TOT"])
    elif d == "tot_res_mismatch":
        tot, aptc, res = (Decimal(cats[k]) for k in ("PRE AMT TOT", "APTC AMT", "TOT RES AMT"))
        assert res != tot - aptc
    elif d == "bgn_verify_with_add":
        assert seg[0] == "BGN" and seg[8] == "4"
        assert any(s[0] == "INS" and s[3] == "021" for s in segs)
    elif d == "coverage_level_mismatch":
        assert seg[0] == "HD" and seg[5] == "FAM"
        nxt = ms[entry["member_pos"]] if entry["member_pos"] < len(ms) else None
        assert nxt is None or nxt["segs"][0][1] == "Y"  # no dependents follow
    elif d == "no_address":
        assert "N3" not in ids and "N4" not in ids and m["segs"][0][1] == "Y"
    elif d == "add_without_coverage":
        assert m["segs"][0][3] == "021" and "HD" not in ids
    elif d == "wrong_se_count":
        st = max(i for i in range(entry["segment_pos"]) if segs[i][0] == "ST")
        assert int(seg[1]) != entry["segment_pos"] - 1 - st + 1
    elif d == "bad_element_code":
        assert seg[0] == "DMG" and seg[3] == "X"
    elif d == "ssn_shared":
        sub = next(x for x in reversed(ms[: entry["member_pos"]]) if x["segs"][0][1] == "Y")
        own = next(s for s in sub["segs"] if s[0] == "NM1")
        assert m["segs"][0][1:3] == ["N", "19"] and seg[0] == "NM1" and seg[9] == own[9]
    elif d == "child_as_spouse":
        dmg = next(s for s in m["segs"] if s[0] == "DMG")
        assert seg[:3] == ["INS", "N", "01"] and dmg[2] >= "20140101"
    elif d == "coverage_after_death":
        d348 = next(s[3] for s in m["segs"] if s[:2] == ["DTP", "348"])
        assert seg[0] == "INS" and seg[11] == "D8" and seg[12] < d348
    elif d == "aptc_without_premium":
        assert "PRE AMT TOT" not in cats and "PRE AMT 1" not in cats
        assert seg[2] == cats["APTC AMT"] and Decimal(seg[2]) > 0
        lx = [int(s[1]) for s in m["segs"] if s[0] == "LX"]
        assert lx == list(range(1, len(lx) + 1))
    else:  # pragma: no cover
        raise AssertionError(f"no check for {d}")


#: defects that pyx12 itself reports; the others must leave the file X12-valid
PYX12_VISIBLE = {"bad_element_code", "bad_birth_date", "wrong_se_count"}


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect(defect: str) -> None:
    clean = generate_834(60, seed=7)
    text, manifest = generate_834_with_manifest(60, seed=7, defects=[defect])
    assert text != clean
    assert len(manifest) == 1
    check_defect(defect, text, manifest[0])
    assert generate_834_with_manifest(60, seed=7, defects=[defect]) == (text, manifest)
    errs = pyx12_errors(text)
    if defect in PYX12_VISIBLE:
        assert errs
    else:
        assert errs == [], errs


def test_all_defects_together() -> None:
    text, manifest = generate_834_with_manifest(300, seed=11, defects=DEFECTS, transactions=2)
    assert sorted(m["defect"] for m in manifest) == sorted(DEFECTS)
    # distinct members per member-level defect
    pos = [m["member_pos"] for m in manifest if m["member_pos"] is not None]
    assert len(pos) == len(set(pos))
    for entry in manifest:
        check_defect(entry["defect"], text, entry)
    check_envelope_tolerant(text)


def check_envelope_tolerant(text: str) -> None:
    """Envelope checks that still hold with every defect injected (SE01 is wrong on purpose)."""
    _, segs = split(text)
    ids = [s[0] for s in segs]
    assert len(text.splitlines()[0]) == 106
    assert segs[-1][2] == segs[0][13] and segs[-2][2] == segs[1][6]
    assert int(segs[-2][1]) == ids.count("ST")


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        generate_834(10, defects=["no_such_defect"])
    with pytest.raises(ValueError):
        generate_834(0)
    with pytest.raises(ValueError):
        generate_834(10, delimiters=("*", "*", ":", "~"))
    with pytest.raises(ValueError):
        generate_834(10, delimiters=("-", "^", ":", "~"))
    with pytest.raises(ValueError):
        generate_834(3, defects=DEFECTS)  # not enough families
    with pytest.raises(ValueError):
        generate_834(2, transactions=5)


def test_write_834_matches_generate(tmp_path: Path) -> None:
    p = write_834(tmp_path / "x.834", 150, seed=4, defects=("bad_ssn",), transactions=2)
    assert p.read_bytes().decode("ascii") == generate_834(
        150, seed=4, defects=("bad_ssn",), transactions=2
    )


def test_bundled_demo_is_current(tmp_path: Path) -> None:
    demo = ROOT / "resources" / "demo.834"
    man = ROOT / "resources" / "demo.manifest.json"
    p, m = synthetic.write_demo(tmp_path / "demo.834")
    assert m.name == "demo.manifest.json"
    assert demo.read_bytes() == p.read_bytes(), (
        "regenerate: python -m tests.support.synthetic --demo resources/demo.834"
    )
    assert json.loads(man.read_text()) == json.loads(m.read_text())
    doc = json.loads(m.read_text())
    assert {d["defect"] for d in doc["defects"]} == set(synthetic.DEMO_DEFECTS)
    _, segs = split(p.read_text())
    assert sum(1 for s in segs if s[0] == "INS") == synthetic.DEMO_MEMBERS
    assert all(s[1].split(" ", 1)[1] in synthetic._STREETS for s in segs if s[0] == "N3")


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "c.834"
    mf = tmp_path / "c.json"
    assert (
        synthetic.main(
            [
                "--members",
                "40",
                "--out",
                str(out),
                "--seed",
                "2",
                "--defects",
                "bad_ssn,negative_amount",
                "--manifest",
                str(mf),
            ]
        )
        == 0
    )
    assert out.read_text() == generate_834(40, seed=2, defects=("bad_ssn", "negative_amount"))
    assert len(json.loads(mf.read_text())) == 2
