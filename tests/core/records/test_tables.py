"""Members and coverage tables, checked field by field on public samples."""

from __future__ import annotations

from inspector.core.records.document import load
from inspector.core.records.frames import MEMBER_FIELDS, coverage_field, display_columns


def test_add_dependent_fields(sample):
    doc = load(sample("linuxforhealth-x12__add-dependent.834"))
    assert len(doc.members) == 1 and len(doc.coverage) == 1
    m = doc.members.iloc[0]
    expected = {
        "member_pos": 1,
        "transaction": "0001",
        "subscriber_id": "123456789",
        "is_subscriber": "N",
        "relationship": "19 Child",
        "maintenance_type": "021 Addition",
        "maintenance_reason": "20 Active",
        "benefit_status": "A Active",
        "employment_status": "FT Full-time",
        "policy_number": "123456001",
        "last_name": "DOE",
        "first_name": "JOHN",
        "middle_name": "P",
        "id_qualifier": "34",
        "ssn": "103229876",
        "birth_date": "1977-08-16",
        "gender": "M Male",
        "other_dates": "351=1998-05-15",
        "coverage_count": 1,
        "seg_ins": 8,
        "seg_ref_0f": 9,
        "seg_ref_1l": 10,
        "seg_nm1": 12,
        "seg_dmg": 13,
        "seg_first": 8,
        "seg_last": 16,
    }
    for column, value in expected.items():
        assert m[column] == value, column
    c = doc.coverage.iloc[0]
    for column, value in {
        "coverage_pos": 1,
        "member_pos": 1,
        "subscriber_id": "123456789",
        "member_name": "DOE, JOHN",
        "maintenance_type": "021 Addition",
        "insurance_line": "HLT Health",
        "benefit_begin": "1996-06-01",
        "benefit_end": "",
        "seg_hd": 15,
        "seg_dtp_348": 16,
        "seg_dtp_349": 0,
    }.items():
        assert c[column] == value, column


def test_cells_point_at_their_segment_and_element(sample):
    doc = load(sample("linuxforhealth-x12__add-dependent.834"))
    row = doc.members.iloc[0]
    for column in ("last_name", "first_name", "ssn", "subscriber_id"):
        spec = MEMBER_FIELDS[column]
        ordinal = int(row[spec.segment_column])
        assert doc.store.segment_id(ordinal) == spec.segment_id
        assert doc.store.elements(ordinal)[spec.element] == row[column]
    birth = MEMBER_FIELDS["birth_date"]
    assert doc.store.elements(int(row[birth.segment_column]))[birth.element] == "19770816"
    assert birth.element_name == "DMG02"


def test_corrected_insured_address_phone_and_categories(sample):
    doc = load(sample("pyx12__834_ls_le_ls.txt"))
    m = doc.members.iloc[0]
    assert (m["last_name"], m["first_name"]) == ("SUBSCRIBER LAST 1", "SUBSCRIBER FIRST 1")
    assert (m["phone"], m["city"], m["state"], m["zip"]) == (
        "5554718931",
        "GRANTS PASS",
        "OR",
        "975260000",
    )
    assert m["birth_date"] == "1983-07-19" and m["gender"] == "F Female"
    assert m["eligibility_begin"] == "2012-09-01" and m["eligibility_end"] == "2013-03-31"
    assert "23=REF 23" in m["member_ids"]
    c = doc.coverage.iloc[0]
    assert c["maintenance_type"] == "001 Change" and c["coverage_level"] == "IND Individual"
    assert c["NEWBORN INDICATOR"] == "Y"
    assert c["PREVIOUS PMP END DATE"] == "2013-06-15"  # a category carried by its date alone
    assert c["BRANCH - WORKER"] == "1234567"
    spec = coverage_field("NEWBORN INDICATOR")
    ordinal = int(c[spec.segment_column])
    assert doc.store.raw(ordinal) == "REF*ZZ*Y"
    assert "seg_hd" not in display_columns(doc.coverage)


def test_ffe_amounts_on_synthetic_family():
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from tests.support.synthetic import generate_834

    doc = load_store(read_bytes(generate_834(12, seed=7).encode(), "synthetic.834"))
    cov = doc.coverage
    subs = cov[cov["is_subscriber"] == "Y"]
    assert len(subs) and (subs["APTC AMT"] != "").all()
    for _, row in subs.iterrows():
        total, aptc, owed = (float(row[k]) for k in ("PRE AMT TOT", "APTC AMT", "TOT RES AMT"))
        assert abs(total - aptc - owed) < 0.005


def test_multiple_transaction_sets_and_decoded_codes(sample):
    doc = load(sample("pyx12__multiple_st_loops.txt"))
    assert len(doc.structure.transactions) == 4
    assert doc.members["transaction"].nunique() == 4
    summary = doc.summary()
    assert summary["members"] == 4 and len(summary["transactions"]) == 4


def two_coverages_with_a_category():
    """Member 1 with a health and a dental coverage and one 2750 amount (REF*9X); member 2
    with one coverage."""
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from tests.core.validation.test_rules import sub, x834

    two = (
        "HD*021**HLT*GOLD~DTP*348*D8*20250201~REF*1L*P1~"
        "HD*021**DEN*BASIC~DTP*348*D8*20250201~REF*1L*D1"
    )
    cats = "LX*1~N1*75*PRE AMT 1~REF*9X*350.00~DTP*007*D8*20250201"
    return load_store(read_bytes(x834(sub(cov=two, cats=cats), sub("S200", name="ROE*ANN"))))


def test_category_rows_reach_every_coverage_of_the_member():
    from inspector.core.records.frames import CategoryRows
    from tests.core.validation.test_rules import at

    doc = two_coverages_with_a_category()
    rows = CategoryRows(doc.coverage)
    assert len(doc.coverage) == 3 and len(rows) > 0
    ref = at(doc, "REF*9X")
    assert rows.rows(ref) == [0, 1]  # both coverages of member 1 show its category
    assert rows.rows(at(doc, "HD")) == [] and rows.rows(10**9) == []
    assert len(CategoryRows(doc.coverage.iloc[0:0])) == 0
