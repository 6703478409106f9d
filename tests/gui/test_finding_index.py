"""The findings index over the members and coverage tables (gui/models/finding_index.py): pure
Python and numpy, so no window is needed."""

from __future__ import annotations

from inspector.core.findings import Finding
from inspector.gui.models.finding_index import CLEAN, ERROR, FindingIndex
from inspector.gui.models.table_data import build_coverage_table, build_member_table
from tests.core.records.test_tables import two_coverages_with_a_category
from tests.core.validation.test_rules import at


def test_a_category_finding_tints_every_coverage_of_its_member():
    doc = two_coverages_with_a_category()
    members, coverage = build_member_table(doc), build_coverage_table(doc)
    index = FindingIndex.of_tables(members, coverage)
    ref = at(doc, "REF*9X")
    hd = at(doc, "HD*021**DEN")
    found = [
        Finding("error", "RULE-X", "amount", segment=ref, member_pos=1, source="business-rule"),
        Finding("warning", "RULE-Y", "plan", segment=hd, member_pos=1, source="business-rule"),
    ]
    member_rows, coverage_rows, segments = index.add(found)
    assert member_rows == {0} and coverage_rows == {0, 1} and segments == [ref, hd]
    # the 2750 amount is shown on both coverages of member 1, the HD only on its own row
    assert index.coverage.rank.tolist() == [ERROR, ERROR, CLEAN]
    assert [len(index.coverage.findings.get(r, [])) for r in range(3)] == [1, 2, 0]
    assert index.members.rank[0] == ERROR and index.coverage.warnings.tolist() == [0, 1, 0]
