"""Recall and silence on a realistic exchange file: every planted defect kind of
tests/support/exchange.py is reported by the rule meant for it, in the member where it sits,
and the same file without defects gives no finding at all (profiles ffe + exchange)."""

from __future__ import annotations

import pytest

from tests.benchmarks.bench_rules_recall import DEFECT_RULES, findings
from tests.support import exchange


@pytest.mark.parametrize("kind", ["change", "audit"])
def test_clean_exchange_file_is_silent(kind):
    data = exchange.make(600, seed=3, kind=kind)
    assert findings(data, "2025", "20250616") == []


def test_every_planted_defect_is_found_in_its_member():
    data, manifest = exchange.make(600, seed=3, kind="change", defects="all")
    found = findings(data, "2025", "20250616")
    missed = []
    for m in manifest:
        code = DEFECT_RULES[m["kind"]]
        hit = [
            f
            for f in found
            if f.code == code
            and (
                f.member_pos == m["member"] or (f.segment and m["first"] <= f.segment <= m["last"])
            )
        ]
        if not hit:
            missed.append((m["kind"], code))
    assert missed == []
