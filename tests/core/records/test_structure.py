"""The structure pass: its grammar tables, the 2750 categories and the envelope trailer checks."""

from __future__ import annotations

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records import frames, grammar
from inspector.core.records.document import load, load_store

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250101*1200*^*00501*000000001*0*T*:~"


def _doc(body: list[str], se: str | None = None, ge: str = "GE*1*1", iea: str = "IEA*1*000000001"):
    segments = ["ST*834*0001*005010X220A1", "BGN*00*REF*20250101*1200****2", *body]
    se = se if se is not None else f"SE*{len(segments) + 1}*0001"
    text = "~".join([ISA[:-1], "GS*BE*S*R*20250101*1200*1*X*005010X220A1", *segments, se, ge, iea])
    return load_store(read_bytes((text + "~").encode(), "t.834"))


MEMBER = ["INS*Y*18*021*20*A", "REF*0F*111", "NM1*IL*1*DOE*JANE****34*123456789"]


def test_every_field_read_by_the_pass_has_its_ordinal_column():
    for fields, columns in (
        (grammar.MEMBER_FIELDS, grammar.MEMBER_COLUMNS),
        (grammar.COVERAGE_FIELDS, grammar.COVERAGE_COLUMNS),
    ):
        assert columns[: len(fields)] == list(fields)
        for spec in fields.values():
            assert spec.segment_column is None or spec.segment_column in columns
            if spec.loop is not None:
                assert spec.loop in grammar.LOOPS and spec.segment_id and spec.element
                assert spec.reading in {"text", "raw", "code", "date", "composite"}


def test_transitions_name_known_loops():
    for t in grammar.TRANSITIONS:
        assert t.opens in grammar.LOOPS
        assert set(t.within) <= set(grammar.LOOPS)
        assert set((t.by_qualifier or {}).values()) <= set(grammar.LOOPS)


def test_frames_reexports_the_one_field_map():
    assert frames.FieldSpec is grammar.FieldSpec
    assert frames.MEMBER_FIELDS is grammar.MEMBER_FIELDS
    assert frames.COVERAGE_FIELDS is grammar.COVERAGE_FIELDS
    assert "APTC AMT" in frames.AMOUNT_CATEGORIES
    assert frames.coverage_field("APTC AMT").kind == "amount"
    assert frames.coverage_field("RATING AREA").kind == "text"
    assert frames.MEMBER_FIELDS["ssn"].element_name == "NM109"


def test_store_ids_from_the_pass_match_the_bytes(sample):
    doc = load(sample("pyx12__834_ls_le_ls.txt"))
    fresh = read_bytes(doc.store.data)
    assert list(doc.store.ids) == list(fresh.ids)
    with pytest.raises(ValueError):
        fresh.adopt_ids(type(fresh.ids)(fresh.ids.codes[:-1], fresh.ids.names))


def test_categories_of_a_member(sample):
    doc = load(sample("pyx12__834_ls_le_ls.txt"))
    cats = doc.structure.categories_of(0)
    value, ordinal = cats["NEWBORN INDICATOR"]
    assert value == "Y" and doc.store.raw(ordinal) == "REF*ZZ*Y"
    assert cats["PREVIOUS PMP END DATE"][0] == "2013-06-15"
    assert set(cats) <= set(doc.structure.category_names)
    assert doc.structure.categories_of(5) == {}


def test_category_values_pending_until_ref_or_dated():
    doc = _doc(
        [
            *MEMBER,
            "LS*2700",
            "LX*1",
            "N1*75* pre amt 1 ",
            "REF*9X*10.00",
            "REF*9X*99.00",  # only the first REF gives the value
            "LX*2",
            "N1*75*NO VALUE",
            "LX*3",
            "REF*ZZ*STRAY",  # after an LX without N1: nobody's value
            "LX*4",
            "N1*75*END DATE",
            "DTP*007*D8*20250131",
            "LX*5",
            "N1*75*PRE AMT 1",
            "REF*9X*20.00",
            "LE*2700",
        ]
    )
    cats = doc.structure.categories_of(0)
    assert cats["PRE AMT 1"][0] == "10.00; 20.00"
    assert cats["END DATE"][0] == "2025-01-31"
    assert "NO VALUE" not in cats and "NO VALUE" in doc.structure.category_names
    assert doc.structure.loop_of(15) == "2700" and doc.structure.loop_of(16) == "2750"


def _codes(doc) -> dict[str, tuple]:
    return {p.code: (p.message, p.segment, p.segment_id, p.element, p.value) for p in doc.problems}


def test_trailer_counts_and_controls():
    doc = _doc(MEMBER, se="SE*3*0002", ge="GE*2*9", iea="IEA*3*000000002")
    found = _codes(doc)
    assert found["ENV-SE01-COUNT"] == (
        "SE01 says the transaction set has 3 segments, but it has 6 (ST through SE). "
        "Set SE01 to 6.",
        8,
        "SE",
        "SE01",
        "3",
    )
    assert found["ENV-SE02-CONTROL"][0] == (
        "SE02 (0002) does not match ST02 (0001); they must be the same control number."
    )
    assert found["ENV-GE01-COUNT"][0] == (
        "GE01 says the group has 2 transaction sets, but it has 1. Set GE01 to 1."
    )
    assert found["ENV-GE02-CONTROL"][0] == "GE02 (9) does not match GS06 (1)."
    assert found["ENV-IEA01-COUNT"][0] == (
        "IEA01 says the interchange has 3 functional groups, but it has 1. Set IEA01 to 1."
    )
    assert found["ENV-IEA02-CONTROL"][3:] == ("IEA02", "000000002")


def test_missing_trailers_at_the_end_and_stray_trailers():
    text = "~".join([ISA[:-1], "GS*BE*S*R*20250101*1200*1*X*005010X220A1", "ST*834*0001", *MEMBER])
    doc = load_store(read_bytes((text + "~").encode(), "t.834"))
    found = _codes(doc)
    assert found["ENV-MISSING-SE"][0] == (
        "The file ends before transaction set 0001 is closed by an SE segment: the file is "
        "truncated or incomplete."
    )
    assert found["ENV-MISSING-GE"][0] == (
        "The file ends before the functional group is closed by a GE segment."
    )
    assert found["ENV-MISSING-IEA"][1:3] == (6, "NM1")
    stray = _doc(MEMBER, ge="GE*1*1~GE*1*1")
    assert _codes(stray)["ENV-GE-WITHOUT-GS"][:3] == (
        "GE segment without a matching GS.",
        10,
        "GE",
    )


def test_a_qty_total_of_digits_other_than_0_to_9_is_not_a_number():
    # float() reads Arabic-Indic digits (float('١') is 1.0) and skips a no-break space: QTY02
    # holds a number only when it is ASCII
    from inspector.core.records.envelope import Transaction, qty_findings

    arabic = Transaction(5, "0001", "834", "", qty={"TO": ("١", 5)}, member_count=1)
    assert [f.code for f in qty_findings(arabic)] == ["ENV-QTY-VALUE"]
    assert not qty_findings(Transaction(5, "0001", "834", "", qty={"TO": ("1", 5)}, member_count=1))
    assert not qty_findings(
        Transaction(5, "0001", "834", "", qty={"TO": (" 1 ", 5)}, member_count=1)
    )  # ASCII as before
    segments = ["ST*834*0001*005010X220A1", "BGN*00*REF*20250101*1200****2", "QTY*TO*\xa01"]
    text = "~".join(
        [ISA[:-1], "GS*BE*S*R*20250101*1200*1*X*005010X220A1", *segments, *MEMBER, "SE*7*0001"]
    )
    latin1 = text + "~GE*1*1~IEA*1*000000001~"
    doc = load_store(read_bytes(latin1.encode("latin-1"), "t.834"))
    assert _codes(doc)["ENV-QTY-VALUE"][3:] == ("QTY02", "\xa01")


def test_a_trailer_count_padded_with_a_no_break_space_is_not_the_count():
    # str.strip() drops U+00A0 too: SE*\xa07 passed as 7; ASCII blanks are still tolerated
    segments = ["ST*834*0001*005010X220A1", "BGN*00*REF*20250101*1200****2"]

    def doc_with(se01: str):
        trailer = [f"SE*{se01}*0001", "GE*1*1", "IEA*1*000000001"]
        gs = "GS*BE*S*R*20250101*1200*1*X*005010X220A1"
        text = "~".join([ISA[:-1], gs, *segments, *MEMBER, *trailer])
        return load_store(read_bytes((text + "~").encode("latin-1"), "t.834"))

    count = len(segments) + len(MEMBER) + 1
    assert "ENV-SE01-COUNT" not in _codes(doc_with(str(count)))
    assert "ENV-SE01-COUNT" not in _codes(doc_with(f" {count}"))
    assert _codes(doc_with(f"\xa0{count}"))["ENV-SE01-COUNT"][3:] == ("SE01", f"\xa0{count}")
