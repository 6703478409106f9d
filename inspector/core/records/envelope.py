"""Envelope checks over what the structure pass recorded: SE/GE/IEA counts and control numbers,
trailers that never came, QTY control totals.

The three trailers (SE closes an ST, GE a GS, IEA an ISA) are one check driven by :data:`TRAILERS`.
The checks live here, in records, because ``Document.problems`` (the reader-level findings every
consumer shows first) includes them; validation only carries them into its stream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inspector.core.findings import Finding, Severity

#: ``Finding.extra`` key marking a finding about the envelope itself: it belongs to no member even
#: when the segment it is reported at sits inside one (a trailer missing at the end of a truncated
#: file is reported at the file's last segment, often the last member's).
ENVELOPE_SCOPE = "envelope_scope"


def outside_members(finding: Finding) -> bool:
    """Whether a finding is about the envelope, never a member's (see :data:`ENVELOPE_SCOPE`)."""
    return bool(finding.extra.get(ENVELOPE_SCOPE)) if finding.extra else False


def envelope_finding(
    code: str,
    message: str,
    ordinal: int,
    seg_id: str,
    element: str | None = None,
    value: str | None = None,
    severity: Severity = "error",
    envelope_scope: bool = False,
) -> Finding:
    return Finding(
        severity=severity,
        code=code,
        message=message,
        segment=ordinal,
        segment_id=seg_id,
        element=element,
        value=value,
        source="envelope",
        extra={ENVELOPE_SCOPE: True} if envelope_scope else {},
    )


@dataclass
class Transaction:
    """One ST/SE transaction set."""

    st: int
    control: str
    set_id: str
    guide: str
    se: int | None = None
    bgn: list[str] = field(default_factory=list)
    bgn_segment: int | None = None
    sponsor: str = ""
    payer: str = ""
    master_policy: str = ""
    qty: dict[str, tuple[str, int]] = field(default_factory=dict)
    first_member: int = 0  # index into the member rows
    member_count: int = 0

    @property
    def action(self) -> str:
        """BGN08: '2' change, '4' verify, 'RX' replace ('' when absent)."""
        return self.bgn[8] if len(self.bgn) > 8 else ""


@dataclass
class Group:
    gs: int
    control: str
    functional_id: str
    version: str
    ge: int | None = None
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Interchange:
    isa: int
    control: str
    sender: str
    receiver: str
    date: str
    time: str
    version: str
    usage: str
    iea: int | None = None
    groups: list[Group] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Trailer:
    """How one envelope level is closed and what its trailer must say."""

    segment: str  # SE
    header: str  # ST
    attribute: str  # where the opened envelope keeps the trailer's ordinal ("se")
    count: Callable[[Any, int], int]  # what element 01 must say, given the opened and the trailer
    unit: str  # "transaction set"
    contents: str  # "segments"
    count_note: str  # after "but it has N"
    control: str  # header element the trailer's 02 must repeat
    control_note: str  # after "does not match ST02 (...)"
    strip: bool  # compare the control numbers without blanks
    name_new: str  # the open envelope, when the next header arrives too early
    name_end: str  # the open envelope, when the file ends
    end_note: str
    article: str  # "an SE segment"


TRAILERS = {
    "SE": Trailer(
        "SE",
        "ST",
        "se",
        lambda st, o: o - st.st + 1,
        "transaction set",
        "segments",
        " (ST through SE)",
        "ST02",
        "; they must be the same control number",
        False,
        "transaction set {control}",
        "transaction set {control}",
        ": the file is truncated or incomplete",
        "an SE segment",
    ),
    "GE": Trailer(
        "GE",
        "GS",
        "ge",
        lambda gs, o: len(gs.transactions),
        "group",
        "transaction sets",
        "",
        "GS06",
        "",
        True,
        "the previous functional group",
        "the functional group",
        "",
        "a GE segment",
    ),
    "IEA": Trailer(
        "IEA",
        "ISA",
        "iea",
        lambda isa, o: len(isa.groups),
        "interchange",
        "functional groups",
        "",
        "ISA13",
        "",
        True,
        "the previous interchange",
        "the interchange",
        ": the file is truncated or incomplete",
        "an IEA segment",
    ),
}


def trailer_findings(trailer: Trailer, opened: Any, els: list[str], ordinal: int) -> list[Finding]:
    """Check a trailer segment against the envelope it closes (``opened``; None: nothing open)."""
    seg = trailer.segment
    if opened is None:
        message = f"{seg} segment without a matching {trailer.header}."
        return [envelope_finding(f"ENV-{seg}-WITHOUT-{trailer.header}", message, ordinal, seg)]
    found = []
    f = els + [""] * (3 - len(els))
    n = trailer.count(opened, ordinal)
    if f[1].strip(" ") != str(n):  # ASCII blanks only: str.strip() also drops a no-break space
        message = (
            f"{seg}01 says the {trailer.unit} has {f[1] or 'no'} {trailer.contents}, but it has "
            f"{n}{trailer.count_note}. Set {seg}01 to {n}."
        )
        found.append(
            envelope_finding(f"ENV-{seg}01-COUNT", message, ordinal, seg, f"{seg}01", f[1])
        )
    said, control = (
        (f[2].strip(" "), opened.control.strip(" ")) if trailer.strip else (f[2], opened.control)
    )
    if said != control:
        message = (
            f"{seg}02 ({f[2]}) does not match {trailer.control} ({opened.control})"
            f"{trailer.control_note}."
        )
        found.append(
            envelope_finding(f"ENV-{seg}02-CONTROL", message, ordinal, seg, f"{seg}02", f[2])
        )
    return found


def unclosed(trailer: Trailer, opened: Any) -> bool:
    """Whether an opened envelope still waits for its trailer."""
    return opened is not None and getattr(opened, trailer.attribute) is None


def missing_trailer(
    trailer: Trailer, opened: Any, ordinal: int, seg_id: str, at_end: bool
) -> Finding:
    """The trailer of ``opened`` never came: a new header at ``ordinal``, or the file ends."""
    if at_end:
        name = trailer.name_end.format(control=opened.control)
        message = f"The file ends before {name} is closed by {trailer.article}{trailer.end_note}."
    else:
        name = trailer.name_new.format(control=opened.control)
        message = f"A new {trailer.header} starts before {name} was closed by {trailer.article}."
    # Reported at the segment where the absence shows (the file's last, or the next header); it
    # is the envelope's problem, not the member's whose segment that may be.
    return envelope_finding(
        f"ENV-MISSING-{trailer.segment}", message, ordinal, seg_id, envelope_scope=True
    )


def qty_findings(st: Transaction) -> list[Finding]:
    """QTY*TO, when sent, should match the members (INS loops) of the transaction set."""
    # Subscribers and dependents (QTY*ET/DT) would need the member rows; only the total is
    # known cheaply here.
    total = st.qty.get("TO")
    if total is None:
        return []
    sent, ordinal = total
    try:
        # float() also reads digits other than 0-9 (float('١٢') is 12.0): a number is ASCII
        if not sent.isascii():
            raise ValueError(sent)
        expected = float(sent)
    except ValueError:
        message = f"QTY*TO value '{sent}' is not a number."
        return [
            envelope_finding("ENV-QTY-VALUE", message, ordinal, "QTY", "QTY02", sent, "warning")
        ]
    if expected == st.member_count:
        return []
    message = (
        f"QTY*TO says {sent} members, but transaction set {st.control} has "
        f"{st.member_count} INS loops."
    )
    return [envelope_finding("ENV-QTY-TOTAL", message, ordinal, "QTY", "QTY02", sent, "warning")]
