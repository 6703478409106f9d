"""Run every check on a document: envelope, implementation guide (pyx12), business rules."""

from __future__ import annotations

from typing import Callable, Iterable

from inspector.core.document import Document
from inspector.core.findings import Finding, sort_key
from inspector.core.validation import Locator

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def validate_document(
    doc: Document,
    *,
    profiles: Iterable[str] = (),
    use_pyx12: bool = True,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    on_finding: Callable[[Finding], None] | None = None,
) -> list[Finding]:
    """All findings for a document, located (loop, member) and in file order.

    ``on_finding`` receives each finding as soon as it is known (envelope and business-rule
    findings first, then implementation-guide findings as pyx12 streams them);
    ``progress(done, total)`` follows pyx12's segment count; ``cancel()`` stops the run by
    raising :class:`~inspector.core.errors.Cancelled`.
    """
    locate = Locator(doc)
    found: list[Finding] = []

    def emit(f: Finding) -> None:
        f = locate(f)
        found.append(f)
        if on_finding is not None:
            on_finding(f)

    for f in doc.problems:
        emit(f)
    try:
        from inspector.core.validation.rules import run_rules
    except ImportError:
        run_rules = None
    if run_rules is not None:
        for f in run_rules(doc, profiles=profiles):
            emit(f)
    if use_pyx12:
        from inspector.core.pyx12_adapter import validate_with_pyx12

        validate_with_pyx12(doc.store.data, progress=progress, cancel=cancel, on_finding=emit)
    elif progress is not None:
        progress(len(doc.store), len(doc.store))
    return sorted(found, key=sort_key)
