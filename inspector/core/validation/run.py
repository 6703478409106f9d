"""The one validation stream: envelope, business rules, implementation guide (pyx12), in that order.

:func:`validation_stream` yields :class:`Batch` es of findings while the checks run. Every finding
is located (loop, member) once and a pyx12 finding that repeats one of the inspector's own
(:data:`PYX12_TWINS`) is dropped. The order, holding and de-duplication live in
:class:`BatchMerger`, which also serves callers that run the CPU-bound parts elsewhere (the app
runs the rules and pyx12 in child processes, see :mod:`.check_process`, and feeds what they send
to a merger of its own): the batches it releases are the same whatever order the parts finish in.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding, Source, sort_key
from inspector.core.progress import CancelCheck, Progress

if TYPE_CHECKING:
    # Not imported at run time: the pyx12 child process then needs neither the records nor pandas
    # (0.27 s of its start-up).
    from inspector.core.reading.source import SegmentStore
    from inspector.core.records.document import Document
    from inspector.core.validation.locate import Locator
    from inspector.core.validation.profiles import ProfileLike
    from inspector.core.validation.pyx12.adapter import Pyx12Result

ENVELOPE: Source = "envelope"
RULES: Source = "business-rule"
GUIDE: Source = "implementation-guide"
#: The stream's order: a source's findings are released once every earlier source has finished,
#: so the findings a pyx12 finding could repeat are known before it is let through.
ORDER: tuple[Source, ...] = (ENVELOPE, RULES, GUIDE)

BATCH_SIZE = 250  # findings per batch at most, while pyx12 runs
FLUSH_SECONDS = 0.25  # and a batch at least this often when there is something to send


@dataclass(frozen=True)
class Batch:
    """Findings from one source, located; the last implementation-guide batch carries pyx12's
    raw result (which also holds the 999) in ``pyx12_result``."""

    source: Source
    findings: list[Finding]
    pyx12_result: Pyx12Result | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Twin:
    """A pyx12 finding that reports the same problem as one of the inspector's own checks.

    ``same`` says how the two are matched: ``"file"`` (one per file or envelope, so the places
    differ by design), ``"segment"`` (pyx12's ``detected_at_segment``, else its segment, is the
    own finding's segment), ``"element"`` (same segment and element) or ``"value"`` (the own
    finding anywhere in the file with the same value: the guide a GS08 names is reported at the
    ST by the inspector, at the GS by pyx12).
    """

    own: str
    same: Literal["file", "segment", "element", "value"]


# Each twin is shown firing together in tests/core/validation/test_run.py. The inspector's finding
# is kept: it sits on the element that is wrong (SE01 on the SE, not on the ST where pyx12 noticed
# it), says it in plainer words, and exists before pyx12 has finished.
PYX12_TWINS: dict[str, Twin] = {
    "IG-ST-2": Twin("ENV-MISSING-SE", "file"),  # file ends inside a transaction set
    "IG-ST-3": Twin("ENV-SE02-CONTROL", "segment"),
    "IG-ST-4": Twin("ENV-SE01-COUNT", "segment"),
    "IG-GS-3": Twin("ENV-MISSING-GE", "file"),  # file ends inside a functional group
    "IG-GS-4": Twin("ENV-GE02-CONTROL", "segment"),
    "IG-GS-5": Twin("ENV-GE01-COUNT", "segment"),
    "IG-ISA-001": Twin("ENV-IEA02-CONTROL", "segment"),
    "IG-ISA-021": Twin("ENV-IEA01-COUNT", "segment"),
    "IG-ISA-023": Twin("ENV-MISSING-IEA", "file"),
    "IG-ISA-024": Twin("ENV-MISSING-GE", "file"),  # IEA while a group is open
    "IG-ENC-BOM": Twin("X12-BOM", "file"),
    "IG-ENC-LEADING-WHITESPACE": Twin("X12-LEADING-WHITESPACE", "file"),
    "IG-ISA-WIDTH": Twin("X12-ISA-WIDTH", "file"),
    "IG-EMPTY-SEGMENT": Twin("X12-EMPTY-SEGMENT", "segment"),
    "IG-ELE-8": Twin("RULE-DATE-INVALID", "element"),  # pyx12: "not a valid date"
    # a guide pyx12 cannot check (X307, a 4010 guide other than X095A1): said once, not twice
    "IG-GUIDE-UNSUPPORTED": Twin("ENV-GUIDE-VERSION", "value"),
}


class Deduplicator:
    """Tells which pyx12 findings repeat what the inspector's own checks already said.

    Feed it the envelope and business-rule findings (``know``), then ask about each pyx12
    finding (``is_duplicate``).
    """

    def __init__(self, own: Iterable[Finding] = ()) -> None:
        self._codes: set[str] = set()
        self._segments: set[tuple[str, int | None]] = set()
        self._elements: set[tuple[str, int | None, str | None]] = set()
        self._values: set[tuple[str, str | None]] = set()
        self.know(own)

    def know(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self._codes.add(f.code)
            self._segments.add((f.code, f.segment))
            self._elements.add((f.code, f.segment, f.element))
            self._values.add((f.code, f.value))

    def is_duplicate(self, finding: Finding) -> bool:
        twin = PYX12_TWINS.get(finding.code)
        if twin is None:
            return False
        if twin.same == "element":
            return (twin.own, finding.segment, finding.element) in self._elements
        if twin.same == "value":
            return finding.value is not None and (twin.own, finding.value) in self._values
        if twin.same == "segment":
            where = finding.extra.get("detected_at_segment", finding.segment)
            return (twin.own, where) in self._segments
        return twin.own in self._codes


class BatchMerger:
    """Puts raw findings of the sources into the stream: ordered, de-duplicated, located.

    Tell it which sources will report (``expected``); feed each source's findings as they come
    (:meth:`add`) and say when a source has ended (:meth:`finish`, also after it failed). Both
    return the batches that may be passed on now: a source's findings wait (are held) until
    every earlier source has finished, because a pyx12 finding can only be dropped as a repeat
    once the envelope and rule findings it could repeat are known.
    """

    def __init__(
        self, doc: Document, expected: Iterable[Source], locator: Locator | None = None
    ) -> None:
        wanted = set(expected) | {ENVELOPE}
        self._pending = [s for s in ORDER if s in wanted]  # not all released yet, in stream order
        self._ended: set[Source] = set()
        self._held: dict[Source, list[Finding]] = {}
        self._duplicates = Deduplicator()
        if locator is None:
            from inspector.core.validation.locate import Locator

            locator = Locator(doc)
        self._locate = locator

    @property
    def finished(self) -> bool:
        return not self._pending

    def add(self, source: Source, findings: Iterable[Finding]) -> list[Batch]:
        if source not in self._pending or source in self._ended:
            raise ValueError(f"findings from {source}, which is not expected or has finished")
        if source != self._pending[0]:
            self._held.setdefault(source, []).extend(findings)
            return []
        batch = self._release(source, list(findings))
        return [batch] if batch.findings else []

    def finish(self, source: Source) -> list[Batch]:
        if source not in self._pending or source in self._ended:
            return []
        self._ended.add(source)
        out = []
        while self._pending and self._pending[0] in self._ended:
            self._pending.pop(0)
            held = self._held.pop(self._pending[0], None) if self._pending else None
            if held:  # the next source's turn has come: what it sent so far
                batch = self._release(self._pending[0], held)
                if batch.findings:
                    out.append(batch)
        return out

    def _release(self, source: Source, findings: list[Finding]) -> Batch:
        if source == GUIDE:
            findings = [f for f in findings if not self._duplicates.is_duplicate(f)]
        else:
            self._duplicates.know(findings)
        locate = self._locate
        return Batch(source, [locate(f) for f in findings])


# -- the sources, run in this process -------------------------------------------------------------
def rule_batches(
    doc: Document,
    *,
    profiles: Iterable[ProfileLike] = (),
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Iterator[Batch]:
    """The business rules' findings (raw: not located), as one batch."""
    from inspector.core.validation.rules import run_rules

    yield Batch(RULES, run_rules(doc, profiles=profiles, progress=progress, cancel=cancel))


def guide_batches(
    data: bytes | SegmentStore,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    workers: int | None = None,
) -> Iterator[Batch]:
    """pyx12's findings on ``data`` (raw) in batches while it runs; the last batch carries the
    result. Given the document's segment store, pyx12 is fed from it directly (given bytes, the
    adapter builds the store once more: 0.19 s on a 50,000-member file). ``progress`` and ``cancel`` are called in the caller's thread.

    pyx12 reports through callbacks, so it runs on a helper thread and its findings come back
    through a queue; the caller only waits on the queue, so the two never compete for the GIL.
    Closing the generator early stops pyx12 at its next progress tick (every 2,000 segments).
    """
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12

    events: queue.SimpleQueue[tuple] = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            result = validate_with_pyx12(
                data,
                progress=lambda done, total: events.put(("progress", done, total)),
                cancel=stop.is_set,
                on_finding=lambda f: events.put(("finding", f)),
                workers=workers,
            )
            events.put(("done", result))
        except BaseException as exc:  # handed to the caller's thread
            events.put(("error", exc))

    thread = threading.Thread(target=work, name="inspector-pyx12", daemon=True)
    thread.start()
    try:
        yield from _drain(events, stop, progress, cancel)
    finally:
        stop.set()
        thread.join()


def _drain(
    events: queue.SimpleQueue[tuple],
    stop: threading.Event,
    progress: Progress | None,
    cancel: CancelCheck | None,
) -> Iterator[Batch]:
    batch: list[Finding] = []
    flushed = time.monotonic()
    while True:
        kind, *rest = events.get()
        if kind == "finding":
            batch.append(rest[0])
        elif kind == "progress":
            if cancel is not None and cancel():
                stop.set()
                raise Cancelled("validation was cancelled")
            if progress is not None:
                progress(*rest)
        elif kind == "error":
            raise rest[0]
        else:
            yield Batch(GUIDE, batch, pyx12_result=rest[0])
            return
        if batch and (len(batch) >= BATCH_SIZE or time.monotonic() - flushed > FLUSH_SECONDS):
            yield Batch(GUIDE, batch)
            batch, flushed = [], time.monotonic()


def validation_stream(
    doc: Document,
    *,
    profiles: Iterable[ProfileLike] = (),
    use_pyx12: bool = True,
    use_rules: bool = True,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    pyx12_workers: int | None = None,
) -> Iterator[Batch]:
    """Every check on ``doc``, as batches of located, de-duplicated findings in stream order.

    Envelope findings first (found while the document was read), then the business rules, then
    pyx12's implementation-guide findings as it streams them. ``progress(done, total)`` follows
    pyx12's segment count (one final tick without pyx12); ``cancel()`` stops the run by raising
    :class:`~inspector.core.errors.Cancelled`. The last implementation-guide batch carries
    pyx12's raw result (``pyx12_result``, e.g. to build the 999 without validating again); it
    is yielded even when it has no findings.
    """
    profiles = tuple(profiles)
    expected = [s for s, on in ((RULES, use_rules), (GUIDE, use_pyx12)) if on]
    merger = BatchMerger(doc, expected)
    parts: list[tuple[Source, Callable[[], Iterator[Batch]]]] = [
        (ENVELOPE, lambda: iter([Batch(ENVELOPE, list(doc.problems))]))
    ]
    if use_rules:
        parts.append((RULES, lambda: rule_batches(doc, profiles=profiles, cancel=cancel)))
    if use_pyx12:
        parts.append(
            (
                GUIDE,
                lambda: guide_batches(
                    doc.store, progress=progress, cancel=cancel, workers=pyx12_workers
                ),
            )
        )
    for source, run in parts:
        for raw in run():
            released = merger.add(source, raw.findings)
            if raw.pyx12_result is not None:  # sequential here: nothing is held
                found = [f for batch in released for f in batch.findings]
                released = [Batch(GUIDE, found, pyx12_result=raw.pyx12_result)]
            yield from released
        yield from merger.finish(source)
    if not use_pyx12 and progress is not None:
        progress(len(doc.store), len(doc.store))


def validate_document(
    doc: Document,
    *,
    profiles: Iterable[ProfileLike] = (),
    use_pyx12: bool = True,
    use_rules: bool = True,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> list[Finding]:
    """All findings of :func:`validation_stream`, in file order."""
    found: list[Finding] = []
    for batch in validation_stream(
        doc,
        profiles=profiles,
        use_pyx12=use_pyx12,
        use_rules=use_rules,
        progress=progress,
        cancel=cancel,
    ):
        found.extend(batch.findings)
    return sorted(found, key=sort_key)
