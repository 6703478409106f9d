"""What a document tab shows while View ▸ Mask Personal Data is on: the core's
:class:`~inspector.core.records.mask.Masker` plus the caches the views need (no Qt).

Every model that shows values takes one (or None: nothing masked). The rules themselves live in
:mod:`inspector.core.records.mask`, so the views, the app's exports and ``inspector export
--mask-phi`` mask the same way. Values are masked for display only: the editors and the core
always see the real values.
"""

from __future__ import annotations

import pandas as pd

from inspector.core.findings import Finding
from inspector.core.records.mask import TABLE_FILL, Masker, MaskPolicy, element_kind


class ViewMask:
    """The masking of one document's views under one policy."""

    def __init__(self, policy: MaskPolicy, members: pd.DataFrame | None = None) -> None:
        self.policy = policy
        self.masker = Masker(policy, members)
        self._findings: dict[int, tuple[Finding, Finding]] = {}

    def set_members(self, members: pd.DataFrame | None) -> None:
        """The document after an edit: its SSNs and member values, caches emptied."""
        self.masker.set_members(members)
        self._findings.clear()

    # -- findings ---------------------------------------------------------------------------
    def finding(self, f: Finding) -> Finding:
        """``f`` masked (cached: the findings list asks for the same rows while scrolling)."""
        cached = self._findings.get(id(f))
        if cached is not None and cached[0] is f:
            return cached[1]
        masked = self.masker.finding(f)
        self._findings[id(f)] = (f, masked)
        return masked

    def message(self, f: Finding) -> str:
        return self.finding(f).message

    # -- text -------------------------------------------------------------------------------
    def segment(self, text: str, separator: str) -> str:
        """A segment's display text with the personal elements masked."""
        return self.masker.segment(text, separator)

    def text(self, text: str, member_pos: int | None = None) -> str:
        """Free text (a status line, a refusal) with the member's values and SSNs masked."""
        return self.masker.message(text, member_pos)

    def typed(self, text: str, kind: str | None, value: str) -> str:
        """``text`` (a refusal quoting what was typed) with ``value`` masked as ``kind``."""
        if not value or (kind not in self.masker.kinds and value not in self.masker.ssns):
            return self.masker.message(text)
        return self.masker.message(text, None, [(kind or "ssn", value)])

    def element_value(self, element: str, value: str, segment_id: str | None = None) -> str:
        """One element's value (``"DMG02"``) as shown while masking is on."""
        return self.masker.value(element_kind(element, segment_id), value, TABLE_FILL)

    def value(self, kind: str | None, value: str) -> str:
        return self.masker.value(kind, value)
