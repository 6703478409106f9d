"""Run every check on a document: envelope, implementation guide (pyx12), business rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from inspector.core.findings import Finding, sort_key
from inspector.core.progress import CancelCheck, Progress
from inspector.core.records.document import Document
from inspector.core.validation.locate import Locator

# pyx12 findings that say the same as a reader/envelope finding the inspector already made.
# The inspector's own finding is kept: it sits on the element that is wrong (SE01 on the SE,
# not on the ST where pyx12 noticed it) and exists before pyx12 has finished.
PYX12_EQUIVALENTS = {
    "IG-ST-2": "ENV-MISSING-SE",
    "IG-ST-3": "ENV-SE02-CONTROL",
    "IG-ST-4": "ENV-SE01-COUNT",
    "IG-GS-3": "ENV-MISSING-GE",
    "IG-GS-4": "ENV-GE02-CONTROL",
    "IG-GS-5": "ENV-GE01-COUNT",
    "IG-ISA-001": "ENV-IEA02-CONTROL",
    "IG-ISA-021": "ENV-IEA01-COUNT",
    "IG-ISA-023": "ENV-MISSING-IEA",
    "IG-ENC-BOM": "X12-BOM",
    "IG-ENC-LEADING-WHITESPACE": "X12-LEADING-WHITESPACE",
    "IG-ISA-WIDTH": "X12-ISA-WIDTH",
    "IG-EMPTY-SEGMENT": "X12-EMPTY-SEGMENT",
}


# pyx12 element findings that a business rule makes on the same element, in clearer words.
PYX12_RULE_TWINS = {
    "IG-ELE-8": "RULE-DATE-INVALID",  # pyx12: "not a valid date"
}


class Deduplicator:
    """Tells which pyx12 findings repeat what the inspector's own checks already said.

    Feed it the envelope and business-rule findings (``know``), then ask about each pyx12
    finding (``is_duplicate``). Envelope twins match per place (SE01 of *this* transaction);
    rule twins match on the same segment and element.
    """

    def __init__(self, own: Iterable[Finding] = ()) -> None:
        self._codes: set[str] = set()
        self._places: set[tuple[str, int | None]] = set()
        self._elements: set[tuple[str, int | None, str | None]] = set()
        self.know(own)

    def know(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self._codes.add(f.code)
            self._places.add((f.code, f.segment))
            self._elements.add((f.code, f.segment, f.element))

    def is_duplicate(self, finding: Finding) -> bool:
        rule_twin = PYX12_RULE_TWINS.get(finding.code)
        if rule_twin is not None:
            return (rule_twin, finding.segment, finding.element) in self._elements
        twin = PYX12_EQUIVALENTS.get(finding.code)
        if twin is None or twin not in self._codes:
            return False
        if twin.startswith("ENV-MISSING") or twin in (
            "X12-BOM",
            "X12-LEADING-WHITESPACE",
            "X12-ISA-WIDTH",
        ):
            return True  # one per file or envelope: the place differs by design
        where = finding.extra.get("detected_at_segment", finding.segment)
        return (twin, where) in self._places


def validate_document(
    doc: Document,
    *,
    profiles: Iterable[str] = (),
    use_pyx12: bool = True,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    on_finding: Callable[[Finding], None] | None = None,
    on_pyx12_result: Callable[[object], None] | None = None,
) -> list[Finding]:
    """All findings for a document, located (loop, member) and in file order.

    ``on_finding`` receives each finding as soon as it is known (envelope and business-rule
    findings first, then implementation-guide findings as pyx12 streams them);
    ``progress(done, total)`` follows pyx12's segment count; ``cancel()`` stops the run by
    raising :class:`~inspector.core.errors.Cancelled`; ``on_pyx12_result`` receives pyx12's
    raw result (which also carries the 999).
    """
    locate = Locator(doc)
    found: list[Finding] = []

    def emit(f: Finding) -> None:
        f = locate(f)
        found.append(f)
        if on_finding is not None:
            on_finding(f)

    own = doc.problems
    for f in own:
        emit(f)
    duplicates = Deduplicator(own)
    try:
        from inspector.core.validation.rules import run_rules
    except ImportError:
        run_rules = None
    if run_rules is not None:
        rule_findings = run_rules(doc, profiles=profiles)
        duplicates.know(rule_findings)
        for f in rule_findings:
            emit(f)
    if use_pyx12:
        from inspector.core.validation.pyx12.adapter import validate_with_pyx12

        def emit_new(f: Finding) -> None:
            if not duplicates.is_duplicate(f):
                emit(f)

        result = validate_with_pyx12(
            doc.store.data, progress=progress, cancel=cancel, on_finding=emit_new
        )
        if on_pyx12_result is not None:  # e.g. to build the 999 without validating again
            on_pyx12_result(result)
    elif progress is not None:
        progress(len(doc.store), len(doc.store))
    return sorted(found, key=sort_key)
