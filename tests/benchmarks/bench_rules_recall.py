"""Recall of the business rules on planted exchange defects, and their noise on a clean file.

    python tests/benchmarks/bench_rules_recall.py [--members 2000] [--seed 1] [--kind change]
                                                  [--plan-year 2025] [--json]

Generates a CMS-FFE-style file with every defect of :data:`tests.support.exchange.DEFECT_KINDS`
planted (one family each), runs all rules with profiles ["ffe", "exchange"] and
``params={"plan_year": ...}``, and prints for each defect kind whether a finding sits at the
manifest's segment (``segment``), elsewhere in that member (``member``) or elsewhere in its
family (``family``), with the codes found; :data:`DEFECT_RULES` names the rule expected to
report each kind (None: no rule yet), and it counts the kinds whose expected rule fires at the
manifest's very segment. Then it counts the findings on the clean file of the same
size by code (noise: every one of them is a false alarm, the clean file has no defect).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from inspector.core.reading.source import read_bytes  # noqa: E402
from inspector.core.records.document import load_store  # noqa: E402
from inspector.core.validation.rules import run_rules  # noqa: E402
from tests.support import exchange  # noqa: E402

PROFILES = ["ffe", "exchange"]

#: defect kind -> the rule code expected to report it (None: no rule yet).
DEFECT_RULES: dict[str, str | None] = {
    "person_twice_other_subscriber": "RULE-ID-SAME-PERSON-TWICE",
    "same_ssn_two_people": "RULE-ID-SSN-SHARED",
    "same_member_id_two_people": "RULE-ID-MEMBER-ID-SHARED",
    "member_added_twice_other_birth": "RULE-ID-ADDED-TWICE-CONFLICT",
    "overlapping_coverage": "RULE-ID-COVERAGE-OVERLAP",
    "two_spouses": "RULE-FAM-SPOUSE-TWICE",
    "child_older_than_subscriber": "RULE-FAM-CHILD-OLDER",
    "child_over_26": "RULE-FAM-CHILD-OVER-AGE",
    "minor_subscriber_no_responsible": "RULE-FAM-MINOR-NO-RESPONSIBLE",
    "dependent_other_plan": "RULE-PLAN-DIFFERS-IN-POLICY",
    "coverage_before_birth": "RULE-DATE-BEFORE-BIRTH",
    "coverage_after_death": "RULE-DATE-AFTER-DEATH",
    "coverage_outside_plan_year": "RULE-DATE-OUTSIDE-PLAN-YEAR",
    "eligibility_after_coverage": "RULE-DATE-BEFORE-ELIGIBILITY",
    "category_date_outside_coverage": "RULE-FFE-DATE-BEFORE-COVERAGE",
    "midmonth_start_no_reason": "RULE-DATE-EXCHANGE-NOT-FIRST",
    "ins03_hd01_mismatch": "RULE-ADD-WITH-COVERAGE-END",
    "reason_not_fitting_ins03": "RULE-REASON-TERM-ON-ADD",
    "bad_hios_plan_id": "RULE-FFE-PLAN-ID-FORM",
    "hd04_not_ref_ce": "RULE-FFE-PLAN-ID-HD04",
    "csr_on_01_variant": "RULE-FFE-CSR-ON-STANDARD-PLAN",
    "aptc_without_premium": "RULE-FFE-PREMIUM-TOTAL-MISSING",
    "rating_area_other_state": "RULE-FFE-RATING-AREA-STATE",
    "group_value_disagrees": "RULE-FFE-SUBSCRIBER-CATEGORY",
    "invalid_zip": "RULE-ZIP-FORMAT",
    "invalid_phone": "RULE-PHONE-NUMBER",
    "name_with_digits": "RULE-NAME-CHARACTERS",
    "subscriber_without_dmg": "RULE-ADD-NO-DEMOGRAPHICS",
    "daughter_as_wife": "RULE-FAM-SPOUSE-MINOR",
    "child_as_subscriber": "RULE-FAM-CHILD-AS-SUBSCRIBER",
    "same_child_three_times": "RULE-DUP-MEMBER",
}
assert set(DEFECT_RULES) == set(exchange.DEFECT_KINDS)


def findings(data: bytes, plan_year: str, file_date: str):
    doc = load_store(read_bytes(data))
    return run_rules(doc, profiles=PROFILES, today=file_date, params={"plan_year": plan_year})


def recall(found, manifest, noisy: frozenset[str] = frozenset()) -> list[dict]:
    """Per manifest entry: the findings at its segment, in its member, in its family.

    Findings whose code also fires on the clean file (``noisy``) do not count as hits: they
    would be there without the defect; they are listed under ``noise``."""
    out = []
    noise_hits = [f for f in found if f.code in noisy]
    found = [f for f in found if f.code not in noisy]
    for m in manifest:
        family = set(m["family"])
        at = [f for f in found if f.segment == m["segment"]]
        member = [
            f
            for f in found
            if f not in at
            and (
                f.member_pos == m["member"] or (f.segment and m["first"] <= f.segment <= m["last"])
            )
        ]
        fam = [f for f in found if f not in at and f not in member and f.member_pos in family]
        expected = DEFECT_RULES.get(m["kind"])
        near = {
            f.code
            for f in noise_hits
            if f.member_pos in family or (f.segment and m["first"] <= f.segment <= m["last"])
        }
        out.append(
            {
                "kind": m["kind"],
                "member": m["member"],
                "segment": m["segment"],
                "element": m["element"],
                "expected": expected,
                "expected_found": bool(expected)
                and any(f.code == expected for f in [*at, *member, *fam]),
                "expected_at_segment": bool(expected) and any(f.code == expected for f in at),
                "at_segment": sorted({f.code for f in at}),
                "in_member": sorted({f.code for f in member}),
                "in_family": sorted({f.code for f in fam}),
                "noise": sorted(near),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", choices=("change", "audit"), default="change")
    ap.add_argument("--plan-year", default=str(exchange.PLAN_YEAR))
    ap.add_argument(
        "--subscriber-levels",
        action="store_true",
        help="HD05 on the subscribers' coverages only (default: on every member, as the FFE)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args(argv)
    file_date = f"{exchange.PLAN_YEAR}0616"
    levels = not a.subscriber_levels
    clean = exchange.make(a.members, a.seed, a.kind, dependent_levels=levels)
    noise = Counter(f.code for f in findings(clean, a.plan_year, file_date))
    data, manifest = exchange.make(
        a.members, a.seed, a.kind, defects="all", dependent_levels=levels
    )
    rows = recall(findings(data, a.plan_year, file_date), manifest, frozenset(noise))
    if a.json:
        print(json.dumps({"recall": rows, "noise": dict(noise)}, indent=1))
        return 0
    print(
        f"{a.kind} file, {a.members} members, seed {a.seed}, profiles {PROFILES}, "
        f"plan_year {a.plan_year}"
    )
    print(f"{'defect kind':34} {'at seg':7} {'member':7} {'family':7} codes")
    hits = {"at_segment": 0, "in_member": 0, "in_family": 0}
    for r in rows:
        seen_at = bool(r["at_segment"])
        seen_member = seen_at or bool(r["in_member"])
        seen_family = seen_member or bool(r["in_family"])
        hits["at_segment"] += seen_at
        hits["in_member"] += seen_member
        hits["in_family"] += seen_family
        codes = " ".join(
            f"{c}@{where}"
            for where, key in (("seg", "at_segment"), ("mem", "in_member"), ("fam", "in_family"))
            for c in r[key]
        )
        if r["noise"]:
            codes += " (noise, not counted: " + " ".join(r["noise"]) + ")"
        yes = {True: "yes", False: "-"}
        print(f"{r['kind']:34} {yes[seen_at]:7} {yes[seen_member]:7} {yes[seen_family]:7} {codes}")
    n = len(rows)
    if noise:
        print(f"codes that also fire on the clean file do not count: {', '.join(sorted(noise))}")
    print(
        f"found at the segment: {hits['at_segment']}/{n}; in the member: "
        f"{hits['in_member']}/{n}; in the family: {hits['in_family']}/{n}"
    )
    expected = [r for r in rows if r["expected"]]
    if expected:
        ok = sum(r["expected_found"] for r in expected)
        exact = sum(r["expected_at_segment"] for r in expected)
        print(f"expected rule found: {ok}/{len(expected)} (of kinds with a DEFECT_RULES code)")
        print(f"expected rule at the manifest's segment: {exact}/{len(expected)}")
    print(f"noise on the clean {a.members}-member file: {sum(noise.values())} finding(s)")
    for code, count in sorted(noise.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {count:6} {code}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
