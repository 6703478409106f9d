"""The overview's figures: actions (cancel vs term), plans, amounts once per member, problems."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from inspector.core.export.overview import (
    ACTION_KEYS,
    NO_PLAN,
    amount_totals,
    classify_actions,
    file_profile,
    members_with_rule,
    problem_overview,
)
from inspector.core.findings import Finding
from inspector.core.records.document import load
from inspector.core.validation.rules import run_rules
from inspector.resources import demo_path
from tests.support.synthetic import generate_834_with_manifest


def _members(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(maintenance_type, eligibility_begin, eligibility_end) per member."""
    return pd.DataFrame(
        {
            "member_pos": np.arange(1, len(rows) + 1),
            "maintenance_type": [r[0] for r in rows],
            "eligibility_begin": [r[1] for r in rows],
            "eligibility_end": [r[2] for r in rows],
            "is_subscriber": ["Y"] * len(rows),
        }
    )


def _coverage(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """(member_pos, benefit_begin, benefit_end) per coverage."""
    return pd.DataFrame(
        {
            "member_pos": [r[0] for r in rows],
            "benefit_begin": [r[1] for r in rows],
            "benefit_end": [r[2] for r in rows],
        }
    )


def _keys(actions: np.ndarray) -> list[str]:
    return [ACTION_KEYS[i] for i in actions]


def test_every_ins03_code_has_its_action():
    members = _members(
        [
            ("021 Addition", "", ""),
            ("001 Change", "", ""),
            ("025 Reinstatement", "", ""),
            ("030 Audit or compare", "", ""),
            ("", "", ""),
            ("999 (unknown code)", "", ""),
        ]
    )
    assert _keys(classify_actions(members, _coverage([]))) == [
        "adds",
        "changes",
        "reinstatements",
        "audits",
        "other",
        "other",
    ]


def test_a_024_ending_on_or_before_its_begin_is_a_cancel_else_a_term():
    members = _members(
        [
            ("024 Cancellation or termination", "2027-01-01", "2027-01-01"),  # equal: cancel
            ("024 Cancellation or termination", "2027-02-01", "2027-01-31"),  # before: cancel
            ("024 Cancellation or termination", "2027-01-01", "2027-03-31"),  # after: term
            ("024 Cancellation or termination", "", ""),  # only coverage dates: cancel
            ("024 Cancellation or termination", "", ""),  # no end date at all: term
            ("024 Cancellation or termination", "2027-01-01", "2027-0X-01"),  # no real date
        ]
    )
    coverage = _coverage(
        [
            (4, "2027-05-01", "2027-05-01"),
            (4, "2027-04-01", ""),  # the earliest begin counts: 05-01 is after 04-01 ...
            (5, "2027-01-01", ""),
        ]
    )
    # ... so member 4 ends (05-01) after it began (04-01): a term.
    assert _keys(classify_actions(members, coverage)) == [
        "cancels",
        "cancels",
        "terms",
        "terms",
        "terms",
        "terms",
    ]
    coverage.loc[1, "benefit_begin"] = "2027-06-01"  # now every coverage begins on or after
    assert _keys(classify_actions(members, coverage))[3] == "cancels"


def test_amounts_are_summed_once_per_member_in_cents():
    coverage = pd.DataFrame(
        {
            "member_pos": [1, 1, 2, 3, 4],  # member 1: health and dental, categories repeated
            "PRE AMT 1": ["100.10", "100.10", "200.20", "", "0.1"],
            "APTC AMT": ["50", "50", "abc", "1; 2", "-0.05"],
        }
    )
    totals = {t.category: t for t in amount_totals(coverage)}
    assert list(totals) == ["PRE AMT 1", "APTC AMT"]  # in the overview's order, present only
    premium = totals["PRE AMT 1"]
    assert (premium.cents, premium.members, premium.left_out) == (30040, 3, 0)
    assert premium.total == pytest.approx(300.40)
    aptc = totals["APTC AMT"]
    assert (aptc.cents, aptc.members, aptc.left_out) == (4995, 2, 2)
    assert amount_totals(coverage.drop(columns=["PRE AMT 1", "APTC AMT"])) == []


def test_the_demo_profile_matches_its_tables():
    doc = load(demo_path())
    profile = file_profile(doc)
    members, coverage = doc.members, doc.coverage
    assert profile.members == len(members) and profile.coverages == len(coverage)
    codes = members["maintenance_type"].str[:3]
    assert profile.action("adds") == int((codes == "021").sum())
    assert profile.action("terms") + profile.action("cancels") == int((codes == "024").sum())
    assert sum(profile.actions.values()) == len(members)
    assert profile.subscribers + profile.dependents == len(members)
    once = coverage.drop_duplicates("member_pos")
    for total in profile.totals:
        values = pd.to_numeric(once[total.category].replace("", np.nan))
        assert total.total == pytest.approx(values.sum()), total.category
        assert total.members == values.notna().sum()
    assert {t.title for t in profile.totals} >= {"Total premium", "APTC", "CSR"}
    plans = profile.plans
    assert plans["Coverages"].sum() == len(coverage)
    assert plans["Members"].is_monotonic_decreasing
    gold = plans[plans["Plan"].str.contains("GOLD 1500")].iloc[0]
    assert gold["Plan"] == "35690NC0010005-01 GOLD 1500"  # the plan id and HD04
    assert gold["Members"] == coverage[coverage["plan"] == "GOLD 1500"]["member_pos"].nunique()


def test_problems_count_members_not_findings():
    doc = load(demo_path())
    profile = file_profile(doc)
    found = doc.problems + run_rules(doc)
    member = found[0].member_pos or 1
    doubled = [*found, Finding("error", "X-TWICE", "one", member_pos=member)] * 2
    problems = problem_overview(profile, doubled)
    errors = {f.member_pos for f in doubled if f.severity == "error" and f.member_pos}
    warnings = {f.member_pos for f in doubled if f.severity == "warning" and f.member_pos}
    assert problems.members_with_errors == len(errors)
    assert problems.members_with_warnings == len(warnings)
    assert problems.members_with_warnings_only == len(warnings - errors)
    assert problems.findings == len(doubled)
    twice = problems.by_rule[problems.by_rule["Code"] == "X-TWICE"].iloc[0]
    assert (twice["Findings"], twice["Members"]) == (2, 1)
    assert members_with_rule(doubled, "X-TWICE") == {member}
    assert problems.by_action["Members"].sum() == len(doc.members)
    assert problems.by_action["With errors"].sum() == len(errors)
    assert problems.by_plan["Plan"].tolist() == profile.plans["Plan"].tolist()


def test_a_file_without_members_has_an_empty_overview():
    doc = SimpleNamespace(members=_members([]), coverage=_coverage([]))
    profile = file_profile(doc)  # type: ignore[arg-type]
    assert profile.members == 0 and sum(profile.actions.values()) == 0
    empty = problem_overview(profile, [Finding("error", "ENV", "no SE", segment=3)])
    assert empty.members_with_errors == 0 and empty.file_level == 1
    assert empty.by_plan.empty and empty.by_action.empty
    assert empty.by_rule["Members"].tolist() == [0]


def test_a_synthetic_file_with_defects(tmp_path):
    text, manifest = generate_834_with_manifest(
        300, defects=["term_without_end", "end_before_begin", "aptc_over_premium"]
    )
    path = tmp_path / "x.834"
    path.write_bytes(text.encode("ascii"))
    doc = load(path)
    profile = file_profile(doc)
    found = doc.problems + run_rules(doc)
    problems = problem_overview(profile, found)
    for row in problems.by_rule.itertuples():
        assert row.Members == len(members_with_rule(found, row.Code, row.Severity))
    plan_rows = problems.by_plan
    assert (plan_rows["With errors"] <= plan_rows["Members"]).all()
    assert NO_PLAN not in plan_rows["Plan"].tolist()
    assert manifest


def test_the_tally_counts_batches_as_one_and_ranks_like_findings_by_rule():
    from inspector.core.export.overview import ProblemTally
    from inspector.core.export.tables import findings_by_rule

    doc = load(demo_path())
    found = doc.problems + run_rules(doc)
    found += [Finding("warning", "X-W", "w", member_pos=p) for p in (1, 2, 2)]
    tally = ProblemTally(found[:3])
    tally.add(found[3:])
    once = ProblemTally(found)
    assert tally.by_rule().equals(once.by_rule())
    expected = findings_by_rule(found)
    columns = ["Code", "Severity", "Findings", "Members"]
    assert tally.by_rule()[columns].equals(expected[columns])
    assert (tally.by_rule()["Rule"] != "").all()  # untitled checks show their first message
    profile = file_profile(doc)
    a, b = tally.overview(profile), problem_overview(profile, found)
    assert (a.members_with_errors, a.members_with_warnings) == (
        b.members_with_errors,
        b.members_with_warnings,
    )


def test_dates_in_other_digits_are_no_dates():
    # \d matched Arabic-Indic digits: an end ٢٠٢٧-٠١-٣١ before its begin ٢٠٢٧-٠٢-٠١ made a cancel
    members = _members(
        [
            ("024 Cancellation or termination", "٢٠٢٧-٠٢-٠١", "٢٠٢٧-٠١-٣١"),
            ("024 Cancellation or termination", "2027-02-01", "2027-01-31"),
        ]
    )
    assert _keys(classify_actions(members, _coverage([]))) == ["terms", "cancels"]
