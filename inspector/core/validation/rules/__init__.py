"""Business rules: checks a clerk cares about that the implementation guide does not enforce.

``run_rules(doc, profiles=())`` runs every default rule plus the rules of the named profiles
(see :data:`PROFILES`, e.g. ``"ffe"``) and returns :class:`~inspector.core.findings.Finding`
objects with ``source="business-rule"``. :data:`RULES` lists the registered rules (code,
severity, profile, title) for the GUI and the README.

The rules live in small modules by theme (``dates``, ``ids``, ``family``,
``money``; profile "ffe" in ``ffe``). The registry and shared helpers are in
``base``, the per-member view in ``views``, the transaction view in ``context``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable

import numpy as np

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding, sort_key
from inspector.core.progress import gc_paused

# The theme modules register their rules when imported.
from inspector.core.validation.rules import dates as _dates  # noqa: F401
from inspector.core.validation.rules import family as _family  # noqa: F401
from inspector.core.validation.rules import ffe as _ffe  # noqa: F401
from inspector.core.validation.rules import ids as _ids  # noqa: F401
from inspector.core.validation.rules import money as _money  # noqa: F401
from inspector.core.validation.rules.base import PROFILES, RULES, Problem, Rule, rule
from inspector.core.validation.rules.context import RuleContext, TransactionView, member_columns
from inspector.core.validation.rules.views import MemberView

__all__ = [
    "PROFILES",
    "RULES",
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
) -> list[Finding]:
    """All business-rule findings for a loaded document, in file order.

    ``today`` (CCYYMMDD) is the reference date for birth-date checks when a transaction's BGN03 is
    missing or invalid; it defaults to the current date. ``progress(done, total)`` counts
    members; ``cancel()`` is polled every few thousand members and stops the run by raising
    :class:`~inspector.core.errors.Cancelled`.
    """
    profiles = tuple(profiles)
    with gc_paused():  # many short-lived lists, no cycles: the collector would only rescan the heap
        found = _run(doc, profiles, today, progress, cancel)
    found.sort(key=sort_key)
    return found


def _run(
    doc,
    profiles: tuple[str, ...],
    today: str | None,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> list[Finding]:
    rules = active_rules(profiles)
    member_rules = [(r, r.member) for r in rules if r.member is not None]
    # INS01=Y members get the rules for all members and for subscribers; others the rest
    sub_rules = [(r, f) for r, f in member_rules if r.applies_to != "dependents"]
    dep_rules = [(r, f) for r, f in member_rules if r.applies_to != "subscribers"]
    tx_rules = [(r, r.transaction) for r in rules if r.transaction is not None]
    keep = frozenset(u for r, _ in tx_rules for u in r.uses)
    ctx = RuleContext(doc, profiles, today or _dt.date.today().strftime("%Y%m%d"))
    store = doc.store
    data = store.data
    sep = store.delimiters.element
    term, strip = _splitter(store)
    seps = (sep, term, strip)
    text = data.decode("latin-1")  # one character per byte: byte offsets are text offsets
    loops = doc.structure.loops
    cols = member_columns(doc.structure, ("member_pos", "subscriber_id", "seg_first", "seg_last"))
    pos_col, sub_col = cols["member_pos"], cols["subscriber_id"]
    first_col = np.asarray(cols["seg_first"], dtype=np.int64)
    last_col = np.asarray(cols["seg_last"], dtype=np.int64)
    # byte range of every member (INS start .. end of its last segment), as plain ints
    if len(first_col):
        m_start = store.starts[first_col - 1].tolist()
        m_end = store.ends[last_col - 1].tolist()
    first_col, last_col = first_col.tolist(), last_col.tolist()
    ids = store.ids
    total = len(first_col)
    out: list[Finding] = []
    add = out.append

    def emit(r: Rule, p: Problem, m: MemberView | None) -> None:
        if p.member is not None:
            m = p.member
        o = p.segment
        value = store.decode(p.value) if p.value is not None else None
        add(
            Finding(
                severity=p.severity or r.severity,  # type: ignore[arg-type]
                code=r.code,
                message=p.message,
                segment=o,
                segment_id=ids[o - 1] if o and 1 <= o <= len(ids) else None,
                element=p.element,
                value=value,
                subscriber_id=(m.sub_id or None) if m is not None else None,
                member_pos=m.pos if m is not None else None,
                source="business-rule",
                extra=p.extra or {},
            )
        )

    for tx in doc.structure.transactions:
        tv = TransactionView(ctx, tx)
        prev: MemberView | None = None
        head: MemberView | None = None
        for index in range(tx.first_member, tx.first_member + tx.member_count):
            if not index & 4095 and index:
                if cancel is not None and cancel():
                    raise Cancelled()
                if progress is not None:
                    progress(index, total)
            first, last = first_col[index], last_col[index]
            # one slice and split per member; the pieces between terminators are its segments
            m = MemberView(
                tv,
                index,
                pos_col[index],
                sub_col[index],
                first,
                last,
                text[m_start[index] : m_end[index]],
                seps,
                loops,
            )
            m.prev, m.head = prev, head
            if m.is_sub:
                if head is not None:
                    head.forget_address()
                head = m
            for r, fn in sub_rules if m.is_sub else dep_rules:
                found = fn(m)
                if found:
                    for p in found:
                        emit(r, p, m)
            m.release(keep)  # transaction rules need only the summary fields
            tv.add(m)
            prev = m
        for r, fn in tx_rules:
            found = fn(tv)
            if found:
                for p in found:
                    emit(r, p, None)
        # break the member <-> transaction cycles so that memory is freed at once
        tv.clear()
    if progress is not None:
        progress(total, total)
    return out


def _splitter(store) -> tuple[str, bool]:
    """What to split a member's text on, and whether pieces still need their left side stripped.

    Most files put the same line break after every terminator ("~\\n" or "~\\r\\n"); splitting on
    terminator + break then yields the segments directly. Otherwise split on the terminator and
    strip the whitespace that follows it.
    """
    term = store.delimiters.segment
    starts, ends = store.starts, store.ends
    if len(starts) < 2:
        return term, False
    gaps = starts[1:] - ends[:-1] - 1
    if not gaps.any():
        return term, False
    width = int(gaps[0])
    if width <= 2 and (gaps == width).all():
        arr = np.frombuffer(store.data, dtype=np.uint8)
        gap = store.data[int(ends[0]) + 1 : int(starts[1])]
        if all((arr[ends[:-1] + 1 + k] == gap[k]).all() for k in range(width)):
            return term + gap.decode("latin-1"), False
    return term, True


def rules_table() -> list[dict[str, str | None]]:
    """The registered rules as plain rows (for the README and the GUI's rule list)."""
    return [
        {"code": r.code, "severity": r.severity, "profile": r.profile, "title": r.title}
        for r in RULES
    ]
