"""Business rules: checks a clerk cares about that the implementation guide does not enforce.

``run_rules(doc, profiles=())`` runs every default rule plus the rules of the named profiles
(see :data:`PROFILES`, e.g. ``"ffe"``) and returns :class:`~inspector.core.findings.Finding`
objects with ``source="business-rule"``. :data:`RULES` lists the registered rules (code,
severity, profile, title) for the GUI and the README.

The rules live in small modules by theme (``dates``, ``ids``, ``identity`` (across the whole
file), ``family``, ``maintenance``, ``demographics``, ``money``; profile "ffe" in ``ffe``). Code
lists the rules read are data files in ``rules/data/`` (each names its source). The registry and
shared helpers are in
``base``, the per-member view in ``views``, the transaction view in ``context``.
"""

from __future__ import annotations

import datetime as _dt
from array import array
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding, sort_key
from inspector.core.progress import gc_paused

# The theme modules register their rules when imported.
from inspector.core.validation.rules import dates as _dates  # noqa: F401
from inspector.core.validation.rules import demographics as _demographics  # noqa: F401
from inspector.core.validation.rules import family as _family  # noqa: F401
from inspector.core.validation.rules import ffe as _ffe  # noqa: F401
from inspector.core.validation.rules import identity as _identity  # noqa: F401
from inspector.core.validation.rules import ids as _ids  # noqa: F401
from inspector.core.validation.rules import maintenance as _maintenance  # noqa: F401
from inspector.core.validation.rules import money as _money  # noqa: F401
from inspector.core.validation.rules.base import (
    GROUP_LIMIT,
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


def active_rules(profiles: Iterable[Any] = ()) -> list[Rule]:
    """Default rules plus those of the given profiles (unknown profile names raise).

    ``profiles`` holds rule tags (``"ffe"``, see :data:`PROFILES`) and/or resolved
    :class:`~inspector.core.validation.profiles.Profile` objects, whose rule settings switch
    single rules off (or on, whatever their tag)."""
    tags, settings, _params = _profile_settings(profiles)
    wanted = set(tags)
    unknown = wanted - set(PROFILES)
    if unknown:
        raise ValueError(
            f"unknown rule profile(s): {', '.join(sorted(unknown))}; "
            f"known: {', '.join(sorted(PROFILES))}"
        )
    out = []
    for r in RULES:
        on = r.profile is None or r.profile in wanted
        setting = settings.get(r.code)
        if setting is not None and setting.enabled is not None:
            on = setting.enabled
        if on:
            out.append(r)
    return out


def _profile_settings(profiles: Iterable[Any]) -> tuple[tuple[str, ...], dict[str, Any], dict]:
    """The tags, rule settings (code -> RuleSetting) and parameters of tag names and profiles
    (later ones win)."""
    tags: list[str] = []
    settings: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for p in profiles:
        if isinstance(p, str):
            more: Iterable[str] = (p,)
        else:  # a Profile (not imported here: the profiles module imports this one)
            more = p.tags
            settings.update(p.rules)
            params.update(p.params)
        tags += [t for t in more if t not in tags]
    return tuple(tags), settings, params


def run_rules(
    doc,
    profiles: Iterable[Any] = (),
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
    :class:`~inspector.core.errors.Cancelled`. ``profiles`` holds rule tags and/or resolved
    :class:`~inspector.core.validation.profiles.Profile` objects (their tags, rule settings and
    parameters apply). ``params`` overrides rule parameters (name -> value, see
    :data:`PARAM_DEFAULTS`) over those of the profiles.
    """
    profiles = tuple(profiles)
    with gc_paused():  # many short-lived lists, no cycles: the collector would only rescan the heap
        found = _run(doc, profiles, today, progress, cancel, params)
    found.sort(key=sort_key)
    return found


#: Members of complete families the transaction rules are given at once: a batch costs some
#: work of its own (made, checked, dropped), so batches of one family each cost more than the
#: rules on them; the members of a batch are held (as views, read again if they were spilled)
#: until it is checked. Counted in members, not families: where one REF*0F holds thousands of
#: members (a file repeating one family), a few such families at once would be many views.
BATCH_MEMBERS = 192


class _Plan:
    """The active rules, sorted by what they are run on."""

    def __init__(self, rules: list[Rule]) -> None:
        member = [(r, r.member) for r in rules if r.member is not None]
        # INS01=Y members get the rules for all members and for subscribers; others the rest
        self.subscriber = [(r, f) for r, f in member if r.applies_to != "dependents"]
        self.dependent = [(r, f) for r, f in member if r.applies_to != "subscribers"]
        transaction = [(r, r.transaction) for r in rules if r.transaction is not None]
        self.families = [(r, f) for r, f in transaction if not r.header]
        self.header = [(r, f) for r, f in transaction if r.header]
        self.file = [(r, r.file) for r in rules if r.file is not None]
        #: the file rules' member choices (one call per distinct function)
        self.selectors = list(dict.fromkeys(r.select for r in rules if r.file and r.select))
        #: member fields that transaction and file rules need kept (see MemberView.release)
        self.keep = frozenset(u for r in rules if r.transaction or r.file for u in r.uses)


Emit = Callable[[Rule, Problem, "MemberView | None"], None]


def _emitter(store, out: list[Finding], severities: dict[str, str] | None = None) -> Emit:
    """A function that turns a rule's :class:`Problem` into a Finding appended to ``out``;
    ``severities`` (code -> severity, from a profile) replaces the severity of every finding of
    those rules."""
    ids = store.ids
    add = out.append
    forced = severities or {}

    def emit(r: Rule, p: Problem, m: MemberView | None) -> None:
        if p.member is not None:
            m = p.member
        o = p.segment
        add(
            Finding(
                severity=forced.get(r.code) or p.severity or r.severity,  # type: ignore[arg-type]
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


class _Chosen:
    """The members file rules look at, chosen while the members are read (see ``select`` in
    :func:`~.base.rule`): member numbers by identity key, so that no member view has to be
    kept for the file rules until the file has been read."""

    def __init__(self, plan: _Plan, ctx: RuleContext) -> None:
        self.selectors = plan.selectors
        self.ctx = ctx
        #: each key's hash (no member's strings kept) and the member number with it, one pair
        #: per key in two flat 8-byte arrays: a dict of Python ints (hash -> first member) was
        #: 17 MiB on the 50,000-member file. A hash shared by two keys only adds members (the
        #: file rules compare the keys of the members read again).
        self.hashes = array("q")
        self.numbers = array("q")
        self.alone: list[int] = []
        self._compact_at = _COMPACT_AT

    def note(self, m: MemberView) -> None:
        index = m.index
        for select in self.selectors:
            keys, alone = select(m, self.ctx)
            if alone:
                self.alone.append(index)
            for key in keys:
                self.hashes.append(hash(key))
                self.numbers.append(index)
        if len(self.hashes) >= self._compact_at:
            # keep only what members() can choose, so that a file repeating a few keys
            # throughout holds some GROUP_LIMIT pairs per key, not one per member
            hashes, numbers = self._pairs()
            self.hashes, self.numbers = array("q", hashes.tobytes()), array("q", numbers.tobytes())
            self._compact_at = max(_COMPACT_AT, 2 * len(hashes))

    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The noted pairs by key, then file order: one per (key, member), at most
        :data:`GROUP_LIMIT` per key (the first ones). Empties the arrays."""
        # The pairs were noted in file order (after the sorted ones a compaction left, all of
        # earlier members), so a stable sort by hash orders each key's members by file order.
        order = np.argsort(np.frombuffer(self.hashes, dtype=np.int64), kind="stable")
        hashes = np.frombuffer(self.hashes, dtype=np.int64)[order]
        numbers = np.frombuffer(self.numbers, dtype=np.int64)[order]
        del order
        self.hashes, self.numbers = array("q"), array("q")
        drop = np.zeros(len(hashes), dtype=bool)
        drop[1:] = (hashes[1:] == hashes[:-1]) & (numbers[1:] == numbers[:-1])  # a key twice
        if drop.any():
            hashes, numbers = hashes[~drop], numbers[~drop]
            drop = np.zeros(len(hashes), dtype=bool)
        # the GROUP_LIMIT-th member after a key's first has the key GROUP_LIMIT places back
        drop[GROUP_LIMIT:] = hashes[GROUP_LIMIT:] == hashes[:-GROUP_LIMIT]
        if drop.any():
            hashes, numbers = hashes[~drop], numbers[~drop]
        return hashes, numbers

    def members(self) -> list[int]:
        """The chosen member numbers, in file order: ``alone`` ones, and of every key that two
        or more members share the first :data:`GROUP_LIMIT` of them."""
        hashes, numbers = self._pairs()
        same = hashes[1:] == hashes[:-1]
        shared = np.zeros(len(hashes), dtype=bool)  # another member has the key
        shared[1:] |= same
        shared[:-1] |= same
        found = np.union1d(numbers[shared], np.asarray(self.alone, dtype=np.int64))
        return found.tolist()


#: pairs noted before _Chosen first drops what it will never choose (then at twice what was kept)
_COMPACT_AT = 1 << 16


def _run(
    doc,
    profiles: tuple[Any, ...],
    today: str | None,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
    params: dict | None = None,
) -> list[Finding]:
    plan = _Plan(active_rules(profiles))
    tags, settings, merged = _profile_settings(profiles)
    if params:
        merged.update(params)
    ctx = RuleContext(doc, tags, today or _dt.date.today().strftime("%Y%m%d"), merged)
    reader = MemberReader(doc, member_columns(doc.structure, MemberReader.COLUMNS))
    out: list[Finding] = []
    severities = {code: s.severity for code, s in settings.items() if s.severity}
    emit = _emitter(doc.store, out, severities)
    total = len(reader.first)

    def tick(index: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress is not None:
            progress(index, total)

    chosen = _Chosen(plan, ctx) if plan.file else None
    views: list[TransactionView] = []
    for tx in doc.structure.transactions:
        tv = TransactionView(ctx, tx)
        _run_transaction(tv, reader, plan, emit, tick, chosen)
        if chosen is not None:
            views.append(tv)
        else:
            tv.clear()  # break the member <-> transaction cycles so that memory is freed at once
    if chosen is not None:
        _run_file_rules(ctx, views, reader, plan, emit, chosen.members())
    if progress is not None:
        progress(total, total)
    return out


def _reread(reader: MemberReader, tv: TransactionView, plan: _Plan, index: int) -> MemberView:
    """Member ``index`` read again and released as the runner released it after its member
    rules (transaction and file rules see the same fields)."""
    m = reader.read(tv, index)
    m.release(plan.keep)
    return m


def _run_file_rules(
    ctx: RuleContext,
    views: list[TransactionView],
    reader: MemberReader,
    plan: _Plan,
    emit: Emit,
    wanted: list[int],
) -> None:
    """The file rules on the members they chose, read again (file order, by transaction)."""
    k = 0
    for tv in views:
        tx = tv.tx
        stop = tx.first_member + tx.member_count
        members = []
        while k < len(wanted) and wanted[k] < stop:
            members.append(_reread(reader, tv, plan, wanted[k]))
            k += 1
        tv.members = members
    fv = FileView(ctx, views)
    for r, check in plan.file:
        found = check(fv)
        if found:
            for p in found:
                emit(r, p, None)
    for tv in views:
        tv.clear()


def _run_transaction(
    tv: TransactionView,
    reader: MemberReader,
    plan: _Plan,
    emit: Emit,
    tick: Callable[[int], None],
    chosen: _Chosen | None,
) -> None:
    """Member rules on each member as it is read; the transaction rules on each batch of
    complete families (see :func:`~.base.rule`), then once on the header."""
    tx = tv.tx
    first, stop = tx.first_member, tx.first_member + tx.member_count
    tv.first_ins = int(reader.first[first]) if tx.member_count else None
    tv.reread = lambda index: reader.read(tv, index)  # as member rules saw it
    tv.reread_released = lambda index: _reread(reader, tv, plan, index)
    families = plan.families
    last_of = _last_of(reader.sub_id, first, stop) if families else {}
    done: list[str] = []  # REF*0F values whose last member has been read since the last batch
    held = 0  # members of the families in ``done``
    prev: MemberView | None = None
    head: MemberView | None = None
    for index in range(first, stop):
        if not index & 4095 and index:
            tick(index)
        m = reader.read(tv, index)
        m.prev, m.head = prev, head
        if m.is_sub:
            if head is not None:
                head.forget_address()
            head = m
            if families and (tv.waiting or held >= BATCH_MEMBERS):
                # every family before this subscriber is closed: run the complete ones (at
                # once when a subscriber without REF*0F waits: its family is complete now)
                _run_families(tv, families, emit, done)
                done, held = [], 0
        for r, fn in plan.subscriber if m.is_sub else plan.dependent:
            found = fn(m)
            if found:
                for p in found:
                    emit(r, p, m)
        m.release(plan.keep)  # later rules need only the summary fields
        if chosen is not None:
            chosen.note(m)
        if families:
            tv.add(m)
            if m.sub_id and last_of.get(m.sub_id) == index:
                done.append(m.sub_id)
                held += tv.held_of(m.sub_id)
        prev = m
    if families:
        _run_families(tv, families, emit, done, rest=True)
    _run_checks(tv, plan.header, emit)


def _last_of(sub_ids: Any, first: int, stop: int) -> dict[str, int]:
    """REF*0F value -> the last member (number) of ``first..stop-1`` that carries it: the
    families of that id are complete once that member has been read."""
    found: dict[str, int] = {}
    for index, sid in enumerate(sub_ids[first:stop], first):
        if sid:
            found[sid] = index
    return found


def _run_families(
    tv: TransactionView,
    families: list,
    emit: Emit,
    done: list[str],
    rest: bool = False,
) -> None:
    """The transaction rules on the families that ``done`` completes (``rest``: all held)."""
    tv.complete(done, rest)
    _run_checks(tv, families, emit)
    tv.resume()


def _run_checks(tv: TransactionView, checks: list, emit: Emit) -> None:
    for r, check in checks:
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
