"""Recall and silence on a realistic exchange file: every planted defect kind of
tests/support/exchange.py is reported by the rule meant for it, in the member where it sits,
and the same file without defects gives no finding at all (profiles ffe + exchange)."""

from __future__ import annotations

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.profiles import load_profile
from inspector.core.validation.rules import run_rules
from tests.benchmarks.bench_rules_recall import DEFECT_RULES, findings
from tests.support import exchange


@pytest.mark.parametrize("kind", ["change", "audit"])
def test_clean_exchange_file_is_silent(kind):
    data = exchange.make(600, seed=3, kind=kind)
    assert findings(data, "2025", "20250616") == []


@pytest.mark.parametrize("profile", ["base", "ffe", "sbe", "employer"])
def test_clean_exchange_file_is_silent_under_every_built_in_profile(profile):
    for kind in ("change", "audit"):
        doc = load_store(read_bytes(exchange.make(400, seed=4, kind=kind)))
        assert run_rules(doc, [load_profile(profile)], "20250616") == [], (profile, kind)


def test_every_planted_defect_is_found_at_its_member_and_segment():
    """The rule meant for each defect kind reports it at the manifest's member and at the very
    segment the manifest names (where the wrong value sits), not just somewhere in the
    member."""
    data, manifest = exchange.make(600, seed=3, kind="change", defects="all")
    assert len(manifest) == len(exchange.DEFECT_KINDS) == 31
    found = findings(data, "2025", "20250616")
    missed = []
    for m in manifest:
        code = DEFECT_RULES[m["kind"]]
        at = [f for f in found if f.code == code and f.segment == m["segment"]]
        if not at or any(f.member_pos != m["member"] for f in at):
            near = sorted(
                (f.segment, f.element)
                for f in found
                if f.code == code and f.segment and m["first"] <= f.segment <= m["last"]
            )
            missed.append((m["kind"], code, m["segment"], m["element"], near))
    assert missed == []


def test_manifest_points_at_the_segment_it_names():
    """The manifest's segment ordinal, segment id and element value agree with the file."""
    data, manifest = exchange.make(600, seed=3, kind="change", defects="all")
    segs = data.decode("ascii").split("~\n")
    for m in manifest:
        els = segs[m["segment"] - 1].split("*")
        assert els[0] == m["segment_id"], m
        assert m["first"] <= m["segment"] <= m["last"], m
        if m["element"]:
            assert els[0] == m["element"][:-2], m
            assert els[int(m["element"][-2:])] == m["value"], m
