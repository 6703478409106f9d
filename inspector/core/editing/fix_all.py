"""Fix all like this: every finding of one rule corrected as ONE undo step, after a preview.

A rule whose correction the file itself determines registers a fixer
(:func:`inspector.core.validation.rules.base.fixer`; such rules say ``autofix``). For the findings
of that rule, :func:`plan_fix_all` asks the fixer for each finding's edits, checks them all like
single edits (:func:`~inspector.core.editing.bulk.plan_bulk`; one group per finding, so a
refused one changes nothing and never stops the others) and returns a :class:`FixAllPlan`: the
exact changes (member, segment, element, before → after) and the findings left alone, with
the reason. :func:`apply_fix_all` writes exactly those planned edits as one step; a plan made
against another state of the file is refused.

Findings are taken as given: pass current ones (the app's, settled after re-checks, or those
of a fresh validation); a fixer refuses a finding whose element no longer holds the value found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from inspector.core.editing.bulk import BulkPlan
from inspector.core.editing.edits import Change, Edit
from inspector.core.editing.session import EditSession
from inspector.core.findings import Finding
from inspector.core.validation.rules.base import rule_by_code


@dataclass(frozen=True)
class PlannedFix:
    """One element a fix-all changes, as the preview lists it and the step then writes."""

    finding: Finding
    member_pos: int | None
    segment: int
    element: str
    before: str
    after: str


@dataclass
class FixAllPlan:
    """The checked corrections of every finding of ``code`` (nothing written yet)."""

    code: str
    title: str
    fixes: list[PlannedFix]
    left: list[tuple[Finding, str]]  # findings not fixed, with the reason
    plan: BulkPlan
    change: Change | None = None

    @property
    def fixed_findings(self) -> int:
        return len({id(p.finding) for p in self.fixes})

    @property
    def edits(self) -> tuple[Edit, ...]:
        return self.plan.edits


def fixable(code: str) -> bool:
    """True when the rule ``code`` has a fixer ("Fix all like this" is offered)."""
    r = rule_by_code(code)
    return r is not None and r.fixer is not None


def determines(finding: Finding, doc: Any) -> bool:
    """Whether the file determines this finding's fix (its rule has a fixer that proposes
    edits for it, not a reason to leave it alone)."""
    r = rule_by_code(finding.code or "")
    if r is None or r.fixer is None:
        return False
    try:
        return not isinstance(r.fixer(finding, doc), str)
    except Exception:  # a fixer's bug: offer nothing rather than fail the menu
        return False


def plan_fix_all(session: EditSession, findings: Iterable[Finding], code: str) -> FixAllPlan:
    """Check the fixes of every finding of rule ``code`` in ``findings``; nothing is written."""
    r = rule_by_code(code)
    if r is None or r.fixer is None:
        raise ValueError(f"rule {code} has no fix the file determines")
    doc = session.doc
    groups: list[list[Edit]] = []
    owners: list[Finding] = []
    left: list[tuple[Finding, str]] = []
    seen: set[tuple[int, str]] = set()
    for f in findings:
        if f.code != code:
            continue
        try:
            proposed = r.fixer(f, doc)
        except Exception as exc:  # a fixer's bug must not stop the others; say so
            proposed = f"the fix could not be computed ({type(exc).__name__})"
        if isinstance(proposed, str):
            left.append((f, proposed))
            continue
        group = [
            Edit(p.segment, p.element, p.value, p.old)
            for p in proposed
            if (p.segment, p.element) not in seen
        ]
        if not group:  # the same element as an earlier finding's (reported twice)
            continue
        seen.update((e.segment, e.element) for e in group)
        groups.append(group)
        owners.append(f)
    plan = session.plan_bulk(groups)
    refused = dict(plan.refused)
    for gi, reason in plan.refused:
        left.append((owners[gi], reason))
    fixes: list[PlannedFix] = []
    positions = session.doc.members["member_pos"].to_numpy()
    edits = iter(plan.edits)
    for gi, group in enumerate(groups):
        if gi in refused:
            continue
        for _ in group:
            e = next(edits)
            row = session.member_row(e.segment)
            pos = int(positions[row]) if row is not None else None
            fixes.append(PlannedFix(owners[gi], pos, e.segment, e.element, e.old or "", e.new))
    return FixAllPlan(code, r.title, fixes, left, plan)


def apply_fix_all(session: EditSession, fix: FixAllPlan, label: str | None = None) -> FixAllPlan:
    """Write a checked :class:`FixAllPlan` as ONE undo step (one journal entry)."""
    text = label or f"Fix all {fix.code} ({fix.fixed_findings:,} finding(s))"
    fix.change = session.apply_plan(fix.plan, text)
    return fix
