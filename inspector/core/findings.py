"""The Finding: one problem in a file, tied to the segment where it sits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Source = Literal["implementation-guide", "business-rule", "envelope"]

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a file.

    ``segment`` is the 1-based ordinal of the segment in the file (ISA = 1); for a missing segment it
    is the segment of the loop where the missing one should have been. ``member_pos`` is the
    1-based position of the 2000 loop (INS) in the file, ``subscriber_id`` its REF*0F value.
    """

    severity: Severity
    code: str
    message: str
    segment: int | None = None
    segment_id: str | None = None
    element: str | None = None
    value: str | None = None
    loop: str | None = None
    subscriber_id: str | None = None
    member_pos: int | None = None
    source: Source = "envelope"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def member(self) -> str | None:
        """Short member label: ``<subscriber id>#<position>``, or None outside any member."""
        if self.member_pos is None:
            return None
        return f"{self.subscriber_id or '?'}#{self.member_pos}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``inspector validate --format json``."""
        # Built by hand: dataclasses.asdict deep-copies every field (``extra`` too, only to drop
        # it), which was a quarter of `validate --format json` on a file with 37,000 findings.
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "segment": self.segment,
            "segment_id": self.segment_id,
            "element": self.element,
            "value": self.value,
            "loop": self.loop,
            "source": self.source,
            "member": (
                None
                if self.member_pos is None
                else {"subscriber_id": self.subscriber_id, "position": self.member_pos}
            ),
        }


def sort_key(finding: Finding) -> tuple[int, int, str]:
    """Order findings by position in the file, then severity, then code."""
    return (
        finding.segment if finding.segment is not None else 0,
        SEVERITY_RANK.get(finding.severity, 9),
        finding.code,
    )
