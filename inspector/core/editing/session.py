"""Corrections: edits of single segment elements, with undo/redo and re-derivation per member.

The segment store stays the single source of truth. An :class:`Edit` names one element (``DMG02``)
or component (``INS06-01``) of one segment by ordinal; :meth:`EditSession.apply` checks it, rewrites
that segment's bytes and nothing else, and re-derives what depends on it:

* the store is spliced (new bytes, offsets after the segment shifted; no re-read of the file);
* for a segment inside a member (2000 loop), the member's family is cut out into a *mini file*
  (ISA, GS, ST and the transaction header, the family's segments, then SE/GE/IEA), loaded with the
  normal reader, and the member's rows in ``doc.members`` / ``doc.coverage`` are overwritten in
  place with the mini file's rows, ordinals mapped back to file ordinals;
* an edit outside any member (envelope or header) reloads the whole document.

Segments are never added or removed, so ordinals, member spans and SE01 counts stay valid.
``session.doc`` is updated in place and each call returns a :class:`Change` naming the rows that
were re-derived, so a table model can emit ``dataChanged`` for just those rows.

``doc.structure`` keeps its loop labels and member/coverage tables in step with edits;
:meth:`EditSession.full_document` returns a document derived from scratch from the current bytes
(for whole-file validation and exports). The checks an edit must pass live in
:mod:`inspector.core.editing.checks`, the value types in :mod:`inspector.core.editing.edits`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from inspector.core.editing import bulk
from inspector.core.editing.bulk import BulkPlan
from inspector.core.editing.checks import ElementChecks
from inspector.core.editing.edits import (
    FAMILY_CAP,
    Change,
    Edit,
    EditRejected,
    ElementChange,
    JournalLike,
    now_stamp,
    parse_element,
)
from inspector.core.editing.rederive import assign_cells, row_updates, sync_rows
from inspector.core.editing.table_edits import field_spec
from inspector.core.errors import InspectorError, NotAn834Error
from inspector.core.findings import Finding, sort_key
from inspector.core.reading.source import SegmentStore, read_bytes
from inspector.core.records.document import Document, load, load_store

if TYPE_CHECKING:
    from inspector.core.validation.profiles import ProfileLike
from inspector.core.records.structure import span_containing

#: Member columns that decide a member's family and the members rules compare it with.
_NEIGHBOUR_COLUMNS = (
    "is_subscriber",
    "ssn",
    "last_name",
    "first_name",
    "birth_date",
    "subscriber_id",
    "transaction",
)


class Rederived(NamedTuple):
    """What writing one segment re-derived: the row fields of a :class:`Change`."""

    member_rows: tuple[int, ...] = ()
    coverage_rows: tuple[int, ...] = ()
    member_positions: tuple[int, ...] = ()
    reset: bool = False


class EditSession(ElementChecks):
    """Edits on one document, with undo/redo, a history and an optional crash journal.

    ``doc`` is the current document (updated in place); ``original`` the bytes as loaded.
    """

    def __init__(self, doc: Document, journal: JournalLike | None = None) -> None:
        self.doc = doc
        self.original: bytes = doc.store.data
        self.journal = journal
        #: Last error writing the journal (None when the last write worked); editing goes on.
        self.journal_error: OSError | None = None
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._saved_top: Change | None = None
        self._original_raw: dict[int, str] = {}  # segment → raw text as loaded (first touch)
        self._originals: dict[int, tuple[dict, list[dict]]] = {}  # member_pos → table rows
        # Kept by bulk steps as frame slices, turned into rows when asked for: member_pos →
        # (members slice, its row, coverage slice, its rows a..b)
        self._lazy_originals: dict[int, tuple[Any, int, Any, int, int]] = {}
        self._fully_derived = True
        self._full_doc: Document | None = None
        self._index()

    @classmethod
    def open(cls, path: str | Path, journal: JournalLike | None = None) -> EditSession:
        return cls(load(path), journal)

    # -- state -----------------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def history(self) -> list[Change]:
        """Applied edits, oldest first (each with its when/before/after): what Undo steps back
        through, newest last."""
        return list(self._undo)

    @property
    def undone(self) -> list[Change]:
        """Undone edits that Redo re-applies, the next one last (as applied: before → after)."""
        return list(self._redo)

    @property
    def undo_entry(self) -> Change | None:
        """The applied change Undo would revert, or None."""
        return self._undo[-1] if self._undo else None

    @property
    def redo_entry(self) -> Change | None:
        """The undone change Redo would re-apply, or None."""
        return self._redo[-1] if self._redo else None

    @property
    def dirty(self) -> bool:
        """True when the bytes differ from the last save point (or from the file as loaded)."""
        top = self._undo[-1] if self._undo else None
        return top is not self._saved_top

    def mark_saved(self) -> None:
        """Record that the current state was saved (``dirty`` becomes False)."""
        self._saved_top = self._undo[-1] if self._undo else None

    def corrected_bytes(self) -> bytes:
        """The file with the edits: every byte outside the edited elements is as on disk."""
        return self.doc.store.data

    # -- editing -----------------------------------------------------------------------------------
    def apply(self, edit: Edit | Mapping[str, Any]) -> Change:
        """Check and apply one edit. Raises :class:`EditRejected` (nothing written) if invalid.

        An edit that leaves the segment unchanged returns a Change with ``changed`` False and is
        not recorded.
        """
        edit = Edit.from_json(edit) if not isinstance(edit, Edit) else edit
        try:
            o, before, after, before_raw, after_raw = self._plan(edit)
        except EditRejected as exc:
            raise EditRejected(exc.reason, edit) from None
        applied = replace(edit, old=before, new=after, when=edit.when or now_stamp())
        values = (before, after, before_raw, after_raw)
        if before_raw == after_raw:
            return _change("apply", applied, o, values, Rederived(), ())
        rows, recheck = self._write_noting_neighbours(o, after_raw, edit)
        change = _change("apply", applied, o, values, rows, recheck)
        self._undo.append(change)
        self._redo.clear()
        self._journal("apply", applied)
        return change

    # -- bulk steps (see inspector.core.editing.bulk) ------------------------------------------
    def plan_bulk(self, groups: Iterable[Sequence[Edit | Mapping[str, Any]]]) -> BulkPlan:
        """Check groups of edits (each applies whole or not at all) without writing anything."""
        return bulk.plan_bulk(self, groups)

    def apply_plan(self, plan: BulkPlan, label: str = "") -> Change | None:
        """Write a :class:`BulkPlan`'s accepted edits as ONE undo step (one journal entry);
        None when nothing changes. Raises :class:`EditRejected` (nothing written) when the
        document changed since planning or the result would not load."""
        return bulk.apply_plan(self, plan, label)

    def apply_bulk(
        self, edits: Sequence[Edit | Mapping[str, Any]], label: str = ""
    ) -> Change | None:
        """Apply all ``edits`` as one undo step, or none (the first refused one raises)."""
        return bulk.apply_bulk(self, edits, label)

    def undo(self) -> Change | None:
        """Undo the last applied edit (restoring the segment's exact bytes)."""
        return self._step(self._undo, self._redo, "undo")

    def redo(self) -> Change | None:
        """Re-apply the last undone edit."""
        return self._step(self._redo, self._undo, "redo")

    def _step(self, source: list[Change], target: list[Change], action: str) -> Change | None:
        """Move the newest change from ``source`` to ``target``, writing its segment text."""
        if not source:
            return None
        forward = action == "redo"
        if source[-1].bulk:
            change = bulk.step_bulk(self, source[-1], forward)  # raises before changing anything
            target.append(source.pop())
            self._journal(action)
            return change
        done = source.pop()
        old, new = (done.before, done.after) if forward else (done.after, done.before)
        old_raw, new_raw = (
            (done.before_raw, done.after_raw) if forward else (done.after_raw, done.before_raw)
        )
        rows, recheck = self._write_noting_neighbours(done.segment, new_raw, done.edit)
        target.append(done)
        self._journal(action)
        return _change(action, done.edit, done.segment, (old, new, old_raw, new_raw), rows, recheck)

    def _journal(self, op: str, edit: Edit | None = None) -> None:
        if self.journal is None:
            return
        try:
            self.journal.record(op, edit)
            self.journal_error = None
        except OSError as exc:  # a full or read-only disk must not stop the clerk's work
            self.journal_error = exc

    def cell_edit(self, table: str, row: int, column: str, value: str) -> Edit:
        """The edit behind a table cell (``table`` "members" or "coverage", ``row`` 0-based).

        Raises :class:`EditRejected` when the cell is not a single element of an existing segment.
        """
        df = self.doc.members if table == "members" else self.doc.coverage
        spec = field_spec(table, column)
        if spec is None or spec.segment_column is None or spec.element is None:
            label = spec.label if spec is not None else column
            raise EditRejected(
                f"'{label}' is computed from several elements; edit the segment itself instead"
            )
        ordinal = int(df[spec.segment_column].to_numpy()[row])
        if ordinal <= 0:
            raise EditRejected(
                f"this row has no {spec.segment_id} segment for '{spec.label}'; "
                "the inspector corrects elements but does not add segments"
            )
        return Edit(ordinal, f"{spec.segment_id}{spec.element:02d}", value)

    # -- what changed since loading ------------------------------------------------------------
    def corrected_segments(self) -> dict[int, tuple[str, str]]:
        """Segments whose bytes differ from the file as loaded: ordinal → (original, current)."""
        out = {}
        for o, raw in sorted(self._original_raw.items()):
            now = self.doc.store.raw(o)
            if now != raw:
                out[o] = (raw, now)
        return out

    def net_changes(self) -> list[ElementChange]:
        """Element-level differences between the original file and the current bytes."""
        store = self.doc.store
        sep, comp = store.delimiters.element, store.delimiters.component
        out = []
        for o, (was, now) in self.corrected_segments().items():
            a, b = was.split(sep), now.split(sep)
            for k in range(1, max(len(a), len(b))):
                x = a[k] if k < len(a) else ""
                y = b[k] if k < len(b) else ""
                if x != y:
                    name = f"{b[0]}{k:02d}"
                    if comp in x or comp in y:
                        xs, ys = x.split(comp), y.split(comp)
                        for c in range(max(len(xs), len(ys))):
                            xc = xs[c] if c < len(xs) else ""
                            yc = ys[c] if c < len(ys) else ""
                            if xc != yc:
                                out.append(
                                    ElementChange(
                                        o, f"{name}-{c + 1:02d}", store.decode(xc), store.decode(yc)
                                    )
                                )
                    else:
                        out.append(ElementChange(o, name, store.decode(x), store.decode(y)))
        return out

    def corrected_members(self) -> list[int]:
        """Member positions (1-based) holding at least one corrected segment."""
        found = []
        for o in self.corrected_segments():
            r = self.member_row(o)
            if r is not None:
                found.append(int(self._pos[r]))
        return sorted(set(found))

    def original_rows(self, member_pos: int) -> tuple[dict, list[dict]] | None:
        """The member's table rows as they were before its first edit (member row, coverage)."""
        lazy = self._lazy_originals.pop(member_pos, None)
        if lazy is not None:
            members, i, coverage, a, b = lazy
            self._originals[member_pos] = (
                members.iloc[i].to_dict(),
                [coverage.iloc[k].to_dict() for k in range(a, b)],
            )
        return self._originals.get(member_pos)

    def fields_at(self, segment: int, element: str) -> list[tuple[str, str]]:
        """Table columns showing an element: ``[("members", "birth_date"), ...]``."""
        target = parse_element(element)
        r = self.member_row(segment)
        if r is None:
            return []
        return [
            (t, s.column) for t, s, _ in self._specs(r, segment, target.segment_id, target.position)
        ]

    # -- member addressing -----------------------------------------------------------------------
    def member_row(self, ordinal: int) -> int | None:
        """0-based row in ``doc.members`` of the member holding a segment, or None."""
        return span_containing(self._first, self._last, ordinal)

    def member_row_of(self, member_pos: int) -> int:
        i = int(np.searchsorted(self._pos, member_pos))
        if i >= len(self._pos) or self._pos[i] != member_pos:
            raise KeyError(f"there is no member {member_pos}")
        return i

    def coverage_rows_of(self, row: int) -> range:
        pos = self._pos[row]
        a = int(np.searchsorted(self._cov_pos, pos, side="left"))
        b = int(np.searchsorted(self._cov_pos, pos, side="right"))
        return range(a, b)

    def _index(self) -> None:
        m, c = self.doc.members, self.doc.coverage
        self._first = m["seg_first"].to_numpy(dtype=np.int64)
        self._last = m["seg_last"].to_numpy(dtype=np.int64)
        self._pos = m["member_pos"].to_numpy(dtype=np.int64)
        self._cov_pos = c["member_pos"].to_numpy(dtype=np.int64)

    # -- checking an edit --------------------------------------------------------------------------
    def _write_noting_neighbours(
        self, o: int, new_raw: str, edit: Edit
    ) -> tuple[Rederived, tuple[int, ...]]:
        """:meth:`_write`, plus the positions of members to re-check (see Change): the
        neighbours before the write and after it (found again only when the member's cells
        that decide them changed; ~12 ms on 50k members)."""
        r = self.member_row(o)
        rows = set(self._neighbour_rows(r)) if r is not None else set()
        key = self._neighbour_key(r) if r is not None else None
        written = self._write(o, new_raw, edit)
        after = self.member_row(o)
        if after is not None and (written.reset or after != r or self._neighbour_key(after) != key):
            rows |= set(self._neighbour_rows(after))
        return written, tuple(sorted(int(self._pos[k]) for k in rows))

    def _neighbour_key(self, r: int) -> tuple[str, ...]:
        """The cells of member row ``r`` that :meth:`_neighbour_rows` depends on: a targeted
        re-derivation changes only this row, so equal keys mean equal neighbours."""
        m = self.doc.members
        return tuple(str(m[c].iat[r]) for c in _NEIGHBOUR_COLUMNS)

    def _neighbour_rows(self, r: int) -> list[int]:
        """The family of member row ``r`` and the rows its findings depend on."""
        h, t = self._family(r, 0, int(self._last[-1]) if len(self._last) else 0)
        return sorted(set(range(h, t + 1)) | set(self._related_rows(r)))

    def _related_rows(self, r: int) -> list[int]:
        """Rows outside the family that rules compare member row ``r`` with, in its transaction:
        the same SSN, the same name and birth date, the same subscriber id and member id, and the
        same subscriber id (its subscriber, or a subscriber's dependents). At most 50."""
        m = self.doc.members

        def col(name: str) -> np.ndarray:
            return m[name].to_numpy(dtype=object)

        def cell(name: str) -> str:
            return str(m[name].iat[r] or "")

        # Each comparison of a whole object column costs ~2.5 ms on 50k members: the name and
        # the transaction are compared only on the rows already found.
        mask = np.zeros(len(m), dtype=bool)
        if cell("ssn"):
            mask |= col("ssn") == cell("ssn")
        if cell("last_name") and cell("birth_date"):
            born = np.flatnonzero(col("birth_date") == cell("birth_date"))
            same = (col("last_name")[born] == cell("last_name")) & (
                col("first_name")[born] == cell("first_name")
            )
            mask[born[same]] = True
        if cell("subscriber_id"):
            mask |= col("subscriber_id") == cell("subscriber_id")
        mask[r] = False
        found = np.flatnonzero(mask)
        found = found[col("transaction")[found] == cell("transaction")]
        return found[:50].tolist()

    def _write(self, o: int, new_raw: str, edit: Edit) -> Rederived:
        """Replace segment ``o``'s text; re-derive what depends on it."""
        self._original_raw.setdefault(o, self.doc.store.raw(o))
        self._full_doc = None
        r = self.member_row(o)
        # A 2750 N1 names a reporting category, i.e. a coverage column: renaming one may add,
        # remove or reorder columns, so the tables are rebuilt.
        category_name = (
            self.doc.store.segment_id(o) == "N1" and self.doc.structure.loop_of(o) == "2750"
        )
        if r is not None:
            self._remember_member(r)
        if r is not None and not category_name:
            done = self._rederive_member(o, new_raw, r)
            if done is not None:
                return done
        return self._reload(o, new_raw, edit)

    def _remember_member(self, r: int) -> None:
        """Keep the member's table rows as they were before its first edit (for exports)."""
        pos = int(self._pos[r])
        if pos not in self._originals and pos not in self._lazy_originals:
            doc = self.doc
            self._originals[pos] = (
                doc.members.iloc[r].to_dict(),
                [doc.coverage.iloc[j].to_dict() for j in self.coverage_rows_of(r)],
            )

    def _reload(self, o: int, new_raw: str, edit: Edit) -> Rederived:
        store = self.doc.store
        data = store.spliced(o, new_raw.encode("latin-1"))
        try:
            fresh = load_store(read_bytes(data, store.path))
        except NotAn834Error as exc:
            raise EditRejected(
                f"this change would make the file unreadable as an 834 ({exc.reason})", edit
            ) from None
        self.doc.store, self.doc.structure = fresh.store, fresh.structure
        self.doc.members, self.doc.coverage = fresh.members, fresh.coverage
        self._fully_derived = True
        self._index()
        return Rederived(reset=True)

    def _rederive_member(self, o: int, new_raw: str, r: int) -> Rederived | None:
        doc = self.doc
        store = doc.store.with_segment(o, new_raw.encode("latin-1"))
        built = self._mini_document(store, r)
        if built is None:
            return None
        mini, file_of, rows = built
        k = rows.index(r)  # the member's row in the mini document
        pos = int(self._pos[r])
        cov_rows = self.coverage_rows_of(r)
        mini_pos = mini.members["member_pos"].to_numpy()
        if len(mini_pos) <= k:
            return None
        mini_cov = np.flatnonzero(mini.coverage["member_pos"].to_numpy() == mini_pos[k])
        if len(mini_cov) != len(cov_rows):
            return None
        m_upd = row_updates(doc.members, [r], mini.members, [k], file_of)
        c_upd = row_updates(doc.coverage, list(cov_rows), mini.coverage, mini_cov.tolist(), file_of)
        if m_upd is None or c_upd is None:
            return None  # e.g. a reporting category new to the file: rebuild the columns
        # Commit: nothing below can fail on valid input.
        first, last = int(self._first[r]), int(self._last[r])
        mfirst = int(mini.members["seg_first"].to_numpy()[k])
        doc.store = store
        doc.structure.loops[first - 1 : last] = mini.structure.loops[
            mfirst - 1 : mfirst - 1 + last - first + 1
        ]
        assign_cells(doc.members, m_upd)
        assign_cells(doc.coverage, c_upd)
        # The structure's tables (used by rules, summaries, locating findings) follow suit.
        sync_rows(doc.structure.members, doc.members, [r])
        sync_rows(doc.structure.coverages, doc.coverage, list(cov_rows))
        self._fully_derived = False
        return Rederived((r,), tuple(cov_rows), (pos,))

    def _family(self, r: int, lo: int, hi: int) -> tuple[int, int]:
        """Rows of the family around member row ``r`` (from its subscriber to the next one)."""
        subs = self.doc.members["is_subscriber"]
        h = r
        while h > 0 and subs.iat[h] != "Y" and r - h < FAMILY_CAP and self._first[h - 1] > lo:
            h -= 1
        t = r
        while (
            t + 1 < len(self._first)
            and self._last[t + 1] <= hi
            and subs.iat[t + 1] != "Y"
            and t - r < FAMILY_CAP
        ):
            t += 1
        return h, t

    def _mini_document(
        self, store: SegmentStore, r: int, extra_rows: Iterable[int] = ()
    ) -> tuple[Document, np.ndarray, list[int]] | None:
        """Load the family of member row ``r`` (plus ``extra_rows`` of the same transaction) as
        a small file of its own, members in file order.

        Returns the mini document, the file ordinal of each mini segment (0 for the synthesised
        SE/GE/IEA) and the member rows it holds; None when the envelope cannot be found.
        """
        envelope = self._envelope_of(r, len(store))
        if envelope is None:
            return None
        tx = envelope[0]
        end = envelope[3]
        h, t = self._family(r, tx.st, end)
        rows = sorted(
            set(range(h, t + 1)) | {k for k in extra_rows if tx.st < int(self._first[k]) <= end}
        )
        built = self._mini_file(store, envelope, rows)
        if built is None:
            return None
        return built[0], built[1], rows

    def _envelope_of(self, r: int, n_segments: int) -> tuple[Any, Any, Any, int] | None:
        """(transaction, interchange, group, last ordinal of the transaction) holding member
        row ``r``; None when the member is outside an ST/SE set."""
        st = self.doc.structure
        first = int(self._first[r])
        txs = st.transactions
        i = bisect.bisect_right([t.st for t in txs], first) - 1
        if i < 0:
            return None
        tx = txs[i]
        end = tx.se if tx.se is not None else n_segments
        if not tx.st < first <= end:
            return None
        isa = gs = None
        for ic in st.interchanges:
            for g in ic.groups:
                if any(t is tx for t in g.transactions):
                    isa, gs = ic, g
        if isa is None or gs is None:
            return None
        return tx, isa, gs, end

    def _mini_file(
        self, store: SegmentStore, envelope: tuple[Any, Any, Any, int], rows: list[int]
    ) -> tuple[Document, np.ndarray] | None:
        """Member rows ``rows`` (file order, one transaction) cut out with their envelope and
        transaction header as a small file, loaded: (mini document, file ordinal of each mini
        segment, 0 for the synthesised SE/GE/IEA); None when it does not load as they are."""
        tx, isa, gs, _end = envelope
        j = int(np.searchsorted(self._first, tx.st, side="right"))
        header_end = int(self._first[j]) - 1
        ordinals = [isa.isa, gs.gs, *range(tx.st, header_end + 1)]
        for k in rows:
            ordinals.extend(range(int(self._first[k]), int(self._last[k]) + 1))
        d = store.delimiters
        sep = d.element
        count = len(ordinals) - 2 + 1  # ST .. SE inclusive
        trailers = [
            f"SE{sep}{count}{sep}{tx.control}",
            f"GE{sep}1{sep}{gs.control}",
            f"IEA{sep}1{sep}{isa.control}",
        ]
        term = d.segment.encode("latin-1")
        joiner = term if d.segment in "\r\n" else term + b"\n"
        data, starts, ends = store.data, store.starts, store.ends
        pieces = [data[starts[o - 1] : ends[o - 1]] for o in ordinals]
        pieces += [s.encode("latin-1") for s in trailers]
        mini_bytes = joiner.join(pieces) + joiner
        try:
            mini = load_store(read_bytes(mini_bytes, self.doc.path))
        except NotAn834Error:
            return None
        if len(mini.members) != len(rows):
            return None
        return mini, np.array([*ordinals, 0, 0, 0], dtype=np.int64)

    # -- documents and re-validation -------------------------------------------------------------
    def full_document(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> Document:
        """A document derived from scratch from the current bytes (cached until the next edit).

        Use it for whole-file work after edits (validation, summary): ``doc.structure``'s
        per-member rows are those of the last full derivation.
        """
        if self._fully_derived:
            return self.doc
        if self._full_doc is None:
            store = read_bytes(self.doc.store.data, self.doc.store.path)
            self._full_doc = load_store(store, progress, cancel)
        return self._full_doc

    def revalidate_member(
        self,
        member_pos: int,
        profiles: Iterable[ProfileLike] = (),
        use_pyx12: bool = True,
        use_rules: bool = True,
    ) -> list[Finding]:
        """Findings for one member at once: envelope/reader checks, business rules and (optionally)
        pyx12, run on the member's family cut out as a small file; ordinals are file ordinals.

        The small file holds the member's family and the members the rules compare it with
        (same SSN, name and birth date, subscriber id), so duplicate and subscriber checks keep
        their counterpart; a full validation of :meth:`full_document` covers the whole file.
        """
        from inspector.core.validation.run import validate_document

        r = self.member_row_of(member_pos)
        built = self._mini_document(self.doc.store, r, self._related_rows(r))
        if built is None:
            raise InspectorError(
                f"member {member_pos} is outside an ST/SE transaction set; "
                "validate the whole file instead"
            )
        mini, file_of, rows = built
        k = rows.index(r)
        mpos = int(mini.members["member_pos"].to_numpy()[k])
        lo, hi = (
            int(mini.members["seg_first"].to_numpy()[k]),
            int(mini.members["seg_last"].to_numpy()[k]),
        )
        sub_id = str(self.doc.members["subscriber_id"].iat[r]) or None
        out = []
        for f in validate_document(
            mini, profiles=profiles, use_pyx12=use_pyx12, use_rules=use_rules
        ):
            inside = f.segment is not None and lo <= f.segment <= hi
            if not inside and f.member_pos != mpos:
                continue
            seg = int(file_of[f.segment - 1]) if f.segment and f.segment <= len(file_of) else 0
            extra = dict(f.extra)
            for key, v in f.extra.items():
                if key.endswith("segment") and isinstance(v, int) and 0 < v <= len(file_of):
                    extra[key] = int(file_of[v - 1]) or None
            out.append(
                replace(
                    f, segment=seg or None, member_pos=member_pos, subscriber_id=sub_id, extra=extra
                )
            )
        return sorted(out, key=sort_key)


# ---------------------------------------------------------------------------------------------
def _change(
    action: str,
    edit: Edit,
    segment: int,
    values: tuple[str, str, str, str],
    rows: Rederived,
    recheck: tuple[int, ...],
) -> Change:
    """The Change of one apply/undo/redo: ``values`` are (before, after, before_raw, after_raw)
    as the step leaves them; the time is the edit's own for an apply, now for undo/redo."""
    before, after, before_raw, after_raw = values
    return Change(
        action,
        edit,
        segment,
        before,
        after,
        before_raw,
        after_raw,
        member_rows=rows.member_rows,
        coverage_rows=rows.coverage_rows,
        member_positions=rows.member_positions,
        reset=rows.reset,
        when=(edit.when if action == "apply" else None) or now_stamp(),
        recheck_positions=recheck,
    )
