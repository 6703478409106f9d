"""Validation: reader/envelope checks, pyx12 implementation-guide checks and business rules.

All of them produce :class:`~inspector.core.findings.Finding` objects tied to segment ordinals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from inspector.core.findings import Finding, sort_key
from inspector.core.records.document import Document
from inspector.core.records.envelope import outside_members
from inspector.core.records.structure import span_containing

OnFinding = Callable[[Finding], None]


class Locator:
    """Fills in loop, subscriber id and member position of findings from a document."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        members = doc.structure.members
        self._starts = members.array("seg_first")
        self._ends = members.array("seg_last")
        self._positions = members.column("member_pos")
        self._subscribers = members.column("subscriber_id")

    def member_index(self, ordinal: int) -> int | None:
        return span_containing(self._starts, self._ends, ordinal)

    def __call__(self, finding: Finding) -> Finding:
        o = finding.segment
        if o is None or not 1 <= o <= len(self.doc.store):
            return finding
        changes: dict = {}
        if finding.loop is None:
            changes["loop"] = self.doc.structure.loop_path(o) or None
        if finding.segment_id is None:
            changes["segment_id"] = self.doc.store.segment_id(o)
        if finding.member_pos is None and not outside_members(finding):
            i = self.member_index(o)
            if i is not None:
                changes["member_pos"] = self._positions[i]
                changes["subscriber_id"] = self._subscribers[i] or None
        return replace(finding, **changes) if changes else finding


def located(doc: Document, findings: Iterable[Finding]) -> list[Finding]:
    locate = Locator(doc)
    return sorted((locate(f) for f in findings), key=sort_key)
