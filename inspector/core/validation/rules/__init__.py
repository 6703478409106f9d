"""Business rules: checks a clerk cares about that the implementation guide does not enforce.

``run_rules(doc, profiles=())`` runs every default rule plus the rules of the named profiles
(see :data:`PROFILES`, e.g. ``"ffe"``) and returns :class:`~inspector.core.findings.Finding`
objects with ``source="business-rule"``. :data:`RULES` lists the registered rules (code,
severity, profile, title) for the GUI and the README.

The rules live in small modules by theme (``dates``, ``ids``, ``identity`` (across the
whole file), ``family``,
``money``; profile "ffe" in ``ffe``). The registry and shared helpers are in
``base``, the per-member view in ``views``, the transaction view in ``context``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding, sort_key
from inspector.core.progress import gc_paused

# The theme modules register their rules when imported.
from inspector.core.validation.rules import dates as _dates  # noqa: F401
from inspector.core.validation.rules import family as _family  # noqa: F401
from inspector.core.validation.rules import ffe as _ffe  # noqa: F401
from inspector.core.validation.rules import identity as _identity  # noqa: F401
from inspector.core.validation.rules import ids as _ids  # noqa: F401
from inspector.core.validation.rules import money as _money  # noqa: F401
from inspector.core.validation.rules.base import (
    PARAM_DEFAULTS,
    PROFILES,
    RULES,
    Problem,
    Rule,
    rule,
)
from inspector.core.validation.rules.context import (
    FileView,
    RuleContext,
    TransactionView,
    member_columns,
)
from inspector.core.validation.rules.views import MemberReader, MemberView

__all__ = [
    "PARAM_DEFAULTS",
    "PROFILES",
    "RULES",
    "FileView",
    "MemberView",
    "Problem",
    "Rule",
    "TransactionView",
    "active_rules",
    "rule",
    "rules_table",
    "run_rules",
]


def active_rules(profiles: Iterable[str] = ()) -> list[Rule]:
    """Default rules plus those of the given profiles (unknown profile names raise)."""
    wanted = set(profiles)
    unknown = wanted - set(PROFILES)
    if unknown:
        raise ValueError(
            f"unknown rule profile(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(PROFILES))}"
        )
    return [r for r in RULES if r.profile is None or r.profile in wanted]


def run_rules(
    doc,
    profiles: Iterable[str] = (),
    today: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    params: dict | None = None,
) -> list[Finding]:
    """All business-rule findings for a loaded document, in file order.

    ``today`` (CCYYMMDD) is the reference date for birth-date checks when a transaction's BGN03 is
    missing or invalid; it defaults to the current date. ``progress(done, total)`` counts
    members; ``cancel()`` is polled every few thousand members and stops the run by raising
    :class:`~inspector.core.errors.Cancelled`. ``params`` overrides rule parameters (name ->
    value, see :data:`PARAM_DEFAULTS`), as a profile file sets them.
    """
    profiles = tuple(profiles)
    with gc_paused():  # many short-lived lists, no cycles: the collector would only rescan the heap
        found = _run(doc, profiles, today, progress, cancel, params)
    found.sort(key=sort_key)
    return found


class _Plan:
    """The active rules, sorted by what they are run on."""

    def __init__(self, rules: list[Rule]) -> None:
        member = [(r, r.member) for r in rules if r.member is not None]
        # INS01=Y members get the rules for all members and for subscribers; others the rest
        self.subscriber = [(r, f) for r, f in member if r.applies_to != "dependents"]
        self.dependent = [(r, f) for r, f in member if r.applies_to != "subscribers"]
        self.transaction = [(r, r.transaction) for r in rules if r.transaction is not None]
        self.file = [(r, r.file) for r in rules if r.file is not None]
        #: member fields that transaction and file rules need kept (see MemberView.release)
        self.keep = frozenset(u for r in rules if r.transaction or r.file for u in r.uses)


Emit = Callable[[Rule, Problem, "MemberView | None"], None]


def _emitter(store, out: list[Finding]) -> Emit:
    """A function that turns a rule's :class:`Problem` into a Finding appended to ``out``."""
    ids = store.ids
    add = out.append

    def emit(r: Rule, p: Problem, m: MemberView | None) -> None:
        if p.member is not None:
            m = p.member
        o = p.segment
        add(
            Finding(
                severity=p.severity or r.severity,  # type: ignore[arg-type]
                code=r.code,
                message=p.message,
                segment=o,
                segment_id=ids[o - 1] if o and 1 <= o <= len(ids) else None,
                element=p.element,
                value=store.decode(p.value) if p.value is not None else None,
                subscriber_id=(m.sub_id or None) if m is not None else None,
                member_pos=m.pos if m is not None else None,
                source="business-rule",
                extra=p.extra or {},
            )
        )

    return emit


def _run(
    doc,
    profiles: tuple[str, ...],
    today: str | None,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    params: dict | None = None,
) -> list[Finding]:
    plan = _Plan(active_rules(profiles))
    ctx = RuleContext(doc, profiles, today or _dt.date.today().strftime("%Y%m%d"), params)
    reader = MemberReader(doc, member_columns(doc.structure, MemberReader.COLUMNS))
    out: list[Finding] = []
    emit = _emitter(doc.store, out)
    total = len(reader.first)

    def tick(index: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(index, total)

    kept: list[TransactionView] = []
    for tx in doc.structure.transactions:
        tv = TransactionView(ctx, tx)
        _run_transaction(tv, reader, plan, emit, tick)
        if plan.file:
            kept.append(tv)
        else:
            tv.clear()  # break the member <-> transaction cycles so that memory is freed at once
    if plan.file:
        fv = FileView(ctx, kept)
        for r, check in plan.file:
            found = check(fv)
            if found:
                for p in found:
                    emit(r, p, None)
        for tv in kept:
            tv.clear()
    if progress is not None:
        progress(total, total)
    return out


def _run_transaction(
    tv: TransactionView, reader: MemberReader, plan: _Plan, emit: Emit, tick: Callable[[int], None]
) -> None:
    """Member rules on each member as it is read, then the transaction rules."""
    tx = tv.tx
    prev: MemberView | None = None
    head: MemberView | None = None
    for index in range(tx.first_member, tx.first_member + tx.member_count):
        if not index & 4095 and index:
            tick(index)
        m = reader.read(tv, index)
        m.prev, m.head = prev, head
        if m.is_sub:
            if head is not None:
                head.forget_address()
            head = m
        for r, fn in plan.subscriber if m.is_sub else plan.dependent:
            found = fn(m)
            if found:
                for p in found:
                    emit(r, p, m)
        m.release(plan.keep)  # transaction rules need only the summary fields
        tv.add(m)
        prev = m
    for r, check in plan.transaction:
        found = check(tv)
        if found:
            for p in found:
                emit(r, p, None)


def rules_table() -> list[dict[str, str | None]]:
    """The registered rules as plain rows (for the README and the GUI's rule list)."""
    return [
        {"code": r.code, "severity": r.severity, "profile": r.profile, "title": r.title}
        for r in RULES
    ]
