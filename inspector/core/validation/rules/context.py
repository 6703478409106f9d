"""What business rules see beyond one member: the transaction and the whole file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Union

from inspector.core.records.structure import M, Transaction
from inspector.core.validation.rules.base import PARAM_DEFAULTS, is_date

if TYPE_CHECKING:
    from inspector.core.validation.rules.views import MemberView


#: Member views a transaction holds for its transaction rules before it holds member numbers
#: instead (read again when their families are checked): families are usually complete at
#: the next subscriber, so only a file that repeats REF*0F values far apart spills.
HELD_VIEWS = 4096

#: A held member: its view, or its member number once spilled.
Held = Union["MemberView", int]


class TransactionView:
    """One ST/SE 834 transaction. Member rules see it while its members are being read;
    transaction rules see it holding a batch of complete families (``subscribers``,
    ``dependents``, see :meth:`complete`); file rules see ``members``, the members they chose
    (see ``select`` in :func:`~.base.rule`). No view holds every member of a large
    transaction: members are dropped once their family has been checked."""

    def __init__(self, ctx: RuleContext, tx: Transaction) -> None:
        self.ctx = ctx
        self.tx = tx
        self.members: list[MemberView] = []  # for file rules: the chosen members, file order
        # the batch transaction rules see (see complete()):
        self.subscribers: list[MemberView] = []  # INS01=Y members, file order
        self.dependents: dict[str, list[MemberView]] = {}  # other members by REF*0F value
        #: dependents placed in a subscriber's family although their REF*0F differs
        self.adopted: dict[MemberView, list[MemberView]] = {}
        # the members held until their families are complete (see add()): views, or member
        # numbers once more than HELD_VIEWS views wait (read again when the batch is made)
        self._waiting: dict[str, list[Held]] = {}  # subscribers by REF*0F
        self._no_id: list[Held] = []  # subscribers without REF*0F
        self._dependents: dict[str, list[Held]] = {}
        self._adopted: dict[int, list[Held]] = {}  # by the subscriber's member number
        self._views = 0  # views held
        #: Reads member ``index`` again, released as the runner releases members.
        self.reread_released: Callable[[int], MemberView] | None = None
        #: Working space for rules that keep state across the members of the transaction
        #: (hold member numbers or small values here, not member views: see :meth:`earlier`).
        self.scratch: dict[str, Any] = {}
        #: Ordinal of the first member's INS (None: no member); set by the runner.
        self.first_ins: int | None = None
        #: Reads member ``index`` again, as member rules see it (see :meth:`earlier`).
        self.reread: Callable[[int], MemberView] | None = None
        self._earlier: dict[int, MemberView] = {}
        self._families: dict[MemberView, list[MemberView]] = {}
        self._same_id: dict[tuple, list[MemberView]] = {}  # see family()
        self._distinct: list[MemberView] | None = None  # see distinct_subscribers()
        bgn = tx.bgn
        self.action = tx.action  # BGN08
        self.bgn = bgn
        self.bgn_segment = tx.bgn_segment
        created = bgn[3] if len(bgn) > 3 else ""
        #: Reference date for birth-date checks: BGN03, or today when BGN03 is not a date.
        self.file_date_is_today = not is_date(created)
        self.file_date = ctx.today if self.file_date_is_today else created
        self.oldest_birth = f"{int(self.file_date[:4]) - 120:04d}{self.file_date[4:]}"

    @property
    def control(self) -> str:
        return self.tx.control

    def family(self, s: MemberView) -> list[MemberView]:
        """The dependents of subscriber ``s`` in this transaction: same REF*0F, except those
        whose REF*1L policies are all different from the subscriber's (another enrollment, e.g.
        a separate dental policy), plus dependents with another REF*0F that the family rules
        placed in its family (``MemberView.family``). Computed once; call it only once all
        members are read (from a transaction rule)."""
        found = self._families.get(s)
        if found is None:
            mine = s.policies
            # Subscribers sharing a REF*0F and policies share these dependents: computed once
            # per (id, policies), or a file repeating one id would cost O(members^2).
            key = (s.sub_id, tuple(sorted(mine)))
            same = self._same_id.get(key)
            if same is None:
                same_id = self.dependents.get(s.sub_id) if s.sub_id else None
                same = []
                if same_id:
                    same = (
                        list(same_id)
                        if not mine
                        else [
                            d for d in same_id if not (d.policies and mine.isdisjoint(d.policies))
                        ]
                    )
                self._same_id[key] = same
            adopted = self.adopted.get(s)
            found = same + adopted if adopted else list(same)
            self._families[s] = found
        return found

    def distinct_subscribers(self) -> Iterator[MemberView]:
        """The subscribers, once per distinct family: a subscriber whose REF*0F, policies,
        birth date and maintenance type repeat an earlier one's (and who has no adopted
        dependents) has the very same family, so family rules would only repeat their
        findings; a file repeating one enrollment thousands of times would also make them
        quadratic. Call it once all members are read (the list is made once and shared by
        every transaction rule)."""
        found = self._distinct
        if found is None:
            seen: set[tuple] = set()
            found = []
            adopted = self.adopted
            for s in self.subscribers:
                if not adopted.get(s):
                    key = (s.sub_id, tuple(sorted(s.policies)), s.birth_ok, s.maintenance)
                    if key in seen:
                        continue
                    seen.add(key)
                found.append(s)
            self._distinct = found
        return iter(found)

    def earlier(self, index: int) -> MemberView:
        """Member ``index`` (0-based, read earlier in this transaction) as member rules see
        it (not released). Member rules that look back keep member numbers, not views, so
        that a large file's members are not all kept alive; the few they compare with are
        read again (a small cache serves repeats)."""
        found = self._earlier.get(index)
        if found is None:
            if self.reread is None:
                raise RuntimeError("members cannot be read again outside a rules run")
            if len(self._earlier) >= 256:
                self._earlier.clear()
            found = self._earlier[index] = self.reread(index)
        return found

    def add(self, m: MemberView) -> None:
        """Hold a member once its member rules have run (called by the runner) until its
        family is complete (see :meth:`complete`)."""
        if m.is_sub:
            if m.sub_id:
                self._waiting.setdefault(m.sub_id, []).append(m)
            else:
                self._no_id.append(m)
        else:
            if m.sub_id:
                self._dependents.setdefault(m.sub_id, []).append(m)
            head = m.family
            if head and head.sub_id != m.sub_id:  # type: ignore[union-attr]
                self._adopted.setdefault(head.index, []).append(m)  # type: ignore[union-attr]
        self._views += 1
        if self._views > HELD_VIEWS:
            self._spill()

    def _spill(self) -> None:
        """Hold member numbers instead of views (a file where one REF*0F recurs to its end
        would otherwise keep every member's view until then)."""
        groups = (*self._waiting.values(), self._no_id, *self._dependents.values())
        for group in (*groups, *self._adopted.values()):
            group[:] = [x if type(x) is int else x.index for x in group]  # type: ignore[union-attr]
        self._views = 0

    def held_of(self, sub_id: str) -> int:
        """Members held under one REF*0F (its subscribers and dependents)."""
        return len(self._waiting.get(sub_id, ())) + len(self._dependents.get(sub_id, ()))

    @property
    def waiting(self) -> bool:
        """A subscriber without REF*0F is held (its family is complete at the next one)."""
        return bool(self._no_id)

    def complete(self, done: Iterable[str], rest: bool = False) -> None:
        """Make the view hold a batch of complete families, for the transaction rules: the
        subscribers whose REF*0F is in ``done`` (no member with that id follows) with their
        dependents, and the subscribers without REF*0F; with ``rest`` every member held.
        The members of the batch are no longer held once :meth:`resume` is called."""
        if rest:
            part = [s for group in self._waiting.values() for s in group] + self._no_id
            dependents, self._dependents = self._dependents, {}
            self._waiting = {}
        else:
            waiting, held = self._waiting, self._dependents
            part = [s for k in done if k in waiting for s in waiting.pop(k)] + self._no_id
            dependents = {k: held.pop(k) for k in done if k in held}
        self._no_id = []
        views: dict[int, MemberView] = {}  # members read again for this batch, by number
        subscribers = [self._view(x, views) for x in part]
        subscribers.sort(key=_index)
        self.subscribers = subscribers
        self.dependents = {k: [self._view(x, views) for x in g] for k, g in dependents.items()}
        adopted = self._adopted
        self.adopted = {
            s: [self._view(x, views) for x in adopted.pop(s.index)]
            for s in subscribers
            if s.index in adopted
        }
        taken = len(part) + sum(len(g) for g in dependents.values()) - len(views)
        self._views = max(0, self._views - taken)
        self._families, self._same_id, self._distinct = {}, {}, None

    def _view(self, held: Held, views: dict[int, MemberView]) -> MemberView:
        if type(held) is not int:
            return held  # type: ignore[return-value]
        found = views.get(held)
        if found is None:
            assert self.reread_released is not None
            found = views[held] = self.reread_released(held)
        return found

    def resume(self) -> None:
        """Drop the batch :meth:`complete` made (its members are no longer held)."""
        self.subscribers, self.dependents, self.adopted = [], {}, {}
        self._families, self._same_id, self._distinct = {}, {}, None

    def clear(self) -> None:
        """Forget the members (breaks the member <-> transaction reference cycles)."""
        self.members, self.subscribers = [], []
        self.dependents, self.adopted, self.scratch, self._families = {}, {}, {}, {}
        self._waiting, self._no_id, self._dependents, self._adopted = {}, [], {}, {}
        self._same_id, self._distinct = {}, None
        self._earlier, self.reread, self.reread_released = {}, None, None

    @property
    def full_file(self) -> bool:
        """BGN08 4 (verify) or RX (replace): every current member should be listed."""
        return self.action in ("4", "RX")


def _index(m: MemberView) -> int:
    return m.index


def member_columns(structure: Any, names: Iterable[str]) -> dict[str, Any]:
    """Member-row columns by name, read column-wise when the structure stores them that way."""
    table = getattr(structure, "members", None)
    if table is not None and hasattr(table, "column"):
        return {n: table.column(n) for n in names}
    rows = structure.member_rows
    return {n: [r[M[n]] for r in rows] for n in names}


class FileView:
    """Every transaction of the file, complete, for file-scope rules (checks across ST sets).

    Its transactions hold their members after :meth:`MemberView.release` (what the rule's
    ``uses`` keeps), in file order.
    """

    def __init__(self, ctx: RuleContext, transactions: list[TransactionView]) -> None:
        self.ctx = ctx
        self.transactions = transactions

    @property
    def members(self) -> Iterator[MemberView]:
        """Every member of the file, in file order."""
        for tv in self.transactions:
            yield from tv.members


class RuleContext:
    """What every rule may need about the whole file."""

    def __init__(
        self,
        doc: Any,
        profiles: Iterable[str],
        today: str,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.doc = doc
        self.store = doc.store
        self.structure = doc.structure
        self.profiles = frozenset(profiles)
        self.today = today
        #: Rule parameters (name -> value): the rules' defaults, as a profile may change them.
        self.params: dict[str, Any] = dict(PARAM_DEFAULTS)
        if params:
            self.params.update(params)
        cols = member_columns(doc.structure, ("subscriber_id", "is_subscriber"))
        #: REF*0F values of every subscriber (INS01=Y) in the file, in any transaction.
        self.subscriber_ids = {
            sid
            for sid, flag in zip(cols["subscriber_id"], cols["is_subscriber"])
            if flag == "Y" and sid
        }

    def decode(self, value: str) -> str:
        return self.store.decode(value)
