"""Where the findings of one document sit: by segment, by member row and by coverage row.

Pure Python and numpy (no Qt), so it can be built and tested without a display. Findings arrive in
batches while validation runs; :meth:`FindingIndex.add` updates the per-row severities that the
models turn into tints, and says which rows changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from inspector.core.findings import Finding
from inspector.core.records.envelope import outside_members
from inspector.core.records.frames import CategoryRows
from inspector.core.records.structure import span_containing

if TYPE_CHECKING:
    from inspector.gui.models.table_data import TableData

ERROR, WARNING, INFO, CLEAN = 0, 1, 2, 3
RANK = {"error": ERROR, "warning": WARNING, "info": INFO}


@dataclass
class RowFindings:
    """Findings attached to the rows of one table (members or coverage)."""

    first: np.ndarray  # first segment ordinal of each row (ascending: file order)
    last: np.ndarray  # last segment ordinal of each row
    extra_segments: CategoryRows | None = None  # 2750 segments shown on several rows
    rank: np.ndarray = field(init=False)
    errors: np.ndarray = field(init=False)
    warnings: np.ndarray = field(init=False)
    findings: dict[int, list[Finding]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.first)
        self.rank = np.full(n, CLEAN, dtype=np.int8)
        self.errors = np.zeros(n, dtype=np.int32)
        self.warnings = np.zeros(n, dtype=np.int32)

    def rows_of_segment(self, ordinal: int) -> list[int]:
        rows = self.extra_segments.rows(ordinal) if self.extra_segments is not None else []
        i = span_containing(self.first, self.last, ordinal)
        if i is not None and i not in rows:
            rows.append(i)
        return rows

    def attach(self, row: int, finding: Finding, rank: int) -> None:
        self.findings.setdefault(row, []).append(finding)
        if rank < self.rank[row]:
            self.rank[row] = rank
        if rank == ERROR:
            self.errors[row] += 1
        elif rank == WARNING:
            self.warnings[row] += 1

    def detach(self, row: int, doomed: set[int]) -> None:
        """Drop the findings whose ``id()`` is in ``doomed`` from a row; recount the row."""
        kept = [f for f in self.findings.get(row, []) if id(f) not in doomed]
        if kept:
            self.findings[row] = kept
        else:
            self.findings.pop(row, None)
        ranks = [RANK.get(f.severity, INFO) for f in kept]
        self.rank[row] = min(ranks, default=CLEAN)
        self.errors[row] = ranks.count(ERROR)
        self.warnings[row] = ranks.count(WARNING)


class FindingIndex:
    """All findings of a document, looked up by segment ordinal, member row or coverage row."""

    def __init__(self, members: RowFindings, coverage: RowFindings) -> None:
        self.members = members
        self.coverage = coverage
        self.findings: list[Finding] = []
        self.by_segment: dict[int, list[Finding]] = {}
        self.counts = {ERROR: 0, WARNING: 0, INFO: 0}

    @classmethod
    def of_tables(cls, members: TableData, coverage: TableData) -> FindingIndex:
        """An empty index over the rows of the two tables; a member's 2750 reporting categories
        are shown on each of its coverages, so their findings belong to all those rows."""
        return cls(
            RowFindings(members.first, members.last),
            RowFindings(coverage.first, coverage.last, CategoryRows(coverage.frame)),
        )

    @classmethod
    def empty(cls) -> FindingIndex:
        none = np.zeros(0, dtype=np.int64)
        return cls(RowFindings(none, none), RowFindings(none, none))

    @property
    def errors(self) -> int:
        return self.counts[ERROR]

    @property
    def warnings(self) -> int:
        return self.counts[WARNING]

    def add(self, batch: list[Finding]) -> tuple[set[int], set[int], list[int]]:
        """Index a batch; returns the member rows, coverage rows and segment ordinals touched."""
        member_rows: set[int] = set()
        coverage_rows: set[int] = set()
        segments: list[int] = []
        n_members = len(self.members.first)
        for f in batch:
            rank = RANK.get(f.severity, INFO)
            self.findings.append(f)
            self.counts[rank] = self.counts.get(rank, 0) + 1
            o = f.segment
            if o is None:
                continue
            self.by_segment.setdefault(o, []).append(f)
            segments.append(o)
            if f.member_pos is not None and 1 <= f.member_pos <= n_members:
                rows = [f.member_pos - 1]
            elif outside_members(f):
                rows = []  # the envelope's (a missing trailer): no member's row is tinted
            else:
                rows = self.members.rows_of_segment(o)
            for row in rows:
                self.members.attach(row, f, rank)
                member_rows.add(row)
            for row in [] if outside_members(f) else self.coverage.rows_of_segment(o):
                self.coverage.attach(row, f, rank)
                coverage_rows.add(row)
        return member_rows, coverage_rows, segments

    def remove_where(
        self, doomed: Callable[[Finding], bool]
    ) -> tuple[set[int], set[int], list[int]]:
        """Forget the findings for which ``doomed`` is true (e.g. a re-checked member's).

        Returns the member rows, coverage rows and segment ordinals whose findings changed.
        """
        gone = [f for f in self.findings if doomed(f)]
        if not gone:
            return set(), set(), []
        ids = {id(f) for f in gone}
        self.findings = [f for f in self.findings if id(f) not in ids]
        member_rows: set[int] = set()
        coverage_rows: set[int] = set()
        segments: list[int] = []
        n_members = len(self.members.first)
        for f in gone:
            rank = RANK.get(f.severity, INFO)
            self.counts[rank] = max(0, self.counts.get(rank, 0) - 1)
            o = f.segment
            if o is None:
                continue
            segments.append(o)
            kept = [g for g in self.by_segment.get(o, []) if id(g) not in ids]
            if kept:
                self.by_segment[o] = kept
            else:
                self.by_segment.pop(o, None)
            if outside_members(f):
                continue
            if f.member_pos is not None and 1 <= f.member_pos <= n_members:
                member_rows.add(f.member_pos - 1)
            else:
                member_rows.update(self.members.rows_of_segment(o))
            coverage_rows.update(self.coverage.rows_of_segment(o))
        for row in member_rows:
            self.members.detach(row, ids)
        for row in coverage_rows:
            self.coverage.detach(row, ids)
        return member_rows, coverage_rows, segments

    def at_segment(self, ordinal: int) -> list[Finding]:
        return self.by_segment.get(ordinal, [])

    def segment_rank(self, ordinal: int) -> int:
        found = self.by_segment.get(ordinal)
        if not found:
            return CLEAN
        return min(RANK.get(f.severity, INFO) for f in found)


def describe(finding: Finding, message: Callable[[Finding], str] | None = None) -> str:
    """One line for a tooltip: ``Error in DMG02: message`` (``message`` gives the text shown,
    e.g. masked; by default the finding's own)."""
    where = (
        f" in {finding.element}"
        if finding.element
        else (f" in {finding.segment_id}" if finding.segment_id else "")
    )
    text = finding.message if message is None else message(finding)
    return f"{finding.severity.capitalize()}{where}: {text}"


def tooltip(
    findings: list[Finding], limit: int = 8, message: Callable[[Finding], str] | None = None
) -> str:
    """Several findings as a tooltip, most severe first, capped so it stays on screen."""
    ordered = sorted(findings, key=lambda f: RANK.get(f.severity, INFO))
    lines = [describe(f, message) for f in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"… and {len(ordered) - limit} more (see the Findings list)")
    return "\n".join(lines)
