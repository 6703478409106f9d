"""Bulk steps: many element edits checked one by one, written and undone as ONE step.

:func:`plan_bulk` checks groups of edits (a group is, say, one row of a corrections list: it
applies whole or not at all) against the document as it is, each edit seeing the segment as the
earlier accepted edits leave it; nothing is written. :func:`apply_plan` then writes every
accepted edit at once:

* the store is rebuilt with one copy of the file (:meth:`SegmentStore.with_segments`), not one
  per edited segment;
* the touched members are re-derived together: per transaction, one small file holding just
  those members is loaded and its rows overwrite theirs column by column. When a touched
  segment is outside any member, renames a 2750 category, or the small file does not match,
  the whole document is loaded again from the new bytes instead (once);
* everything is computed before anything is committed, so an exception leaves the session as
  it was; the crash journal gets one entry for the step, written after it (a crash before or
  while writing that entry leaves none of the step; see :mod:`inspector.core.editing.journal`).

Undo and redo of a bulk step write the segments' exact earlier (later) text the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from inspector.core.editing.edits import Change, Edit, EditRejected, SegmentWrite, now_stamp
from inspector.core.errors import NotAn834Error
from inspector.core.findings import Finding, sort_key
from inspector.core.reading.source import SegmentStore, read_bytes
from inspector.core.records.document import Document, load_store
from inspector.core.records.table import ColumnTable

if TYPE_CHECKING:
    from inspector.core.editing.session import EditSession, Rederived


@dataclass(frozen=True)
class BulkPlan:
    """What a bulk step would do, checked but not written (see :func:`plan_bulk`).

    ``edits``: the accepted edits in the order given, with ``old``/``new`` filled in;
    ``writes``: the segments whose text changes; ``accepted``/``refused``: 0-based indexes of
    the groups given, the refused ones with the reason (plain English, naming the element).
    """

    edits: tuple[Edit, ...]
    writes: tuple[SegmentWrite, ...]
    accepted: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]
    store_token: int  # id() of the store planned against: a plan applies to that state only

    @property
    def members(self) -> int:
        """How many planned writes fall in distinct segments (a quick size for a preview)."""
        return len(self.writes)


def plan_bulk(
    session: EditSession, groups: Iterable[Sequence[Edit | Mapping[str, Any]]]
) -> BulkPlan:
    """Check every group of edits; a group with one refused edit is refused whole."""
    store = session.doc.store
    staged: dict[int, str] = {}
    edits: list[Edit] = []
    accepted: list[int] = []
    refused: list[tuple[int, str]] = []
    for gi, group in enumerate(groups):
        local: dict[int, str] = {}
        planned: list[Edit] = []
        try:
            for item in group:
                edit = item if isinstance(item, Edit) else Edit.from_json(item)
                current = local.get(edit.segment, staged.get(edit.segment))
                o, before, after, _raw, after_raw = session._plan(edit, current)
                local[o] = after_raw
                planned.append(replace(edit, old=before, new=after, when=None))
        except EditRejected as exc:
            refused.append((gi, exc.reason))
            continue
        staged.update(local)
        edits.extend(planned)
        accepted.append(gi)
    writes = []
    for o in sorted(staged):
        was = store.raw(o)
        if staged[o] != was:
            writes.append(SegmentWrite(o, was, staged[o]))
    return BulkPlan(tuple(edits), tuple(writes), tuple(accepted), tuple(refused), id(store))


def apply_plan(session: EditSession, plan: BulkPlan, label: str = "") -> Change | None:
    """Write a plan as one undo step; None when it changes no byte (nothing recorded)."""
    if plan.store_token != id(session.doc.store):
        raise EditRejected("the file changed since these corrections were checked; check again")
    if not plan.writes:
        return None
    rows, recheck = write_segments(session, {w.segment: w.after_raw for w in plan.writes})
    change = bulk_change("apply", plan.edits, plan.writes, rows, recheck, label)
    session._undo.append(change)
    session._redo.clear()
    if session.journal is not None:
        try:
            session.journal.record_bulk(plan.edits, label)
            session.journal_error = None
        except OSError as exc:  # as for single edits: editing goes on, the GUI says so
            session.journal_error = exc
    return change


def apply_bulk(
    session: EditSession, edits: Sequence[Edit | Mapping[str, Any]], label: str = ""
) -> Change | None:
    """Apply all ``edits`` as one step, or none: the first refused one raises
    :class:`EditRejected` (nothing written). Used to replay a journal's bulk entry."""
    plan = plan_bulk(session, [[e] for e in edits])
    if plan.refused:
        index, reason = plan.refused[0]
        item = edits[index]
        raise EditRejected(reason, item if isinstance(item, Edit) else None)
    return apply_plan(session, plan, label)


def step_bulk(session: EditSession, done: Change, forward: bool) -> Change:
    """Undo (``forward`` False) or redo a bulk step: write every segment's exact text back."""
    texts = {w.segment: (w.after_raw if forward else w.before_raw) for w in done.writes}
    rows, recheck = write_segments(session, texts)
    return bulk_change(
        "redo" if forward else "undo", done.edits, done.writes, rows, recheck, done.label
    )


def bulk_change(
    action: str,
    edits: tuple[Edit, ...],
    writes: tuple[SegmentWrite, ...],
    rows: Rederived,
    recheck: tuple[int, ...],
    label: str,
) -> Change:
    head = edits[0]
    w = writes[0]
    return Change(
        action,
        head,
        w.segment,
        head.old or "",
        head.new,
        w.before_raw,
        w.after_raw,
        member_rows=rows.member_rows,
        coverage_rows=rows.coverage_rows,
        member_positions=rows.member_positions,
        reset=rows.reset,
        when=now_stamp(),
        recheck_positions=recheck,
        edits=edits,
        writes=writes,
        label=label or f"{len(edits):,} corrections",
    )


# -- writing ------------------------------------------------------------------------------------
def write_segments(
    session: EditSession, texts: dict[int, str]
) -> tuple[Rederived, tuple[int, ...]]:
    """Set the text of many segments; re-derive the touched members (or reload once).

    Returns what was re-derived and the member positions to re-check (the touched members and
    the members they are compared with, before and after). Raises before changing anything.
    """
    from inspector.core.editing.session import Rederived

    doc = session.doc
    store = doc.store
    new_store = store.with_segments({o: t.encode("latin-1") for o, t in texts.items()})
    rows_of = [session.member_row(o) for o in texts]
    outside = any(r is None for r in rows_of) or any(
        store.segment_id(o) == "N1" and doc.structure.loop_of(o) == "2750" for o in texts
    )
    touched = sorted({r for r in rows_of if r is not None})
    before = _related(doc.members, touched)
    commit = None if outside else _prepare_rederive(session, new_store, touched)
    if commit is None:
        fresh = _load_whole(session, new_store)
    for o in texts:  # only now: nothing above changed the session
        session._original_raw.setdefault(o, store.raw(o))
    _remember(session, touched)
    session._full_doc = None
    if commit is None:
        doc.store, doc.structure = fresh.store, fresh.structure
        doc.members, doc.coverage = fresh.members, fresh.coverage
        session._fully_derived = True
        session._index()
        rows = Rederived(reset=True)
    else:
        rows = commit()
        session._fully_derived = False
    after = _related(doc.members, touched)
    pos = session._pos
    recheck = tuple(int(p) for p in np.unique(pos[np.union1d(before, after).astype(np.int64)]))
    return rows, recheck


def _load_whole(session: EditSession, store: SegmentStore) -> Document:
    try:
        return load_store(read_bytes(store.data, store.path))
    except NotAn834Error as exc:
        raise EditRejected(
            f"these changes would make the file unreadable as an 834 ({exc.reason})"
        ) from None


def _remember(session: EditSession, rows: list[int]) -> None:
    """The touched members' table rows before their first edit (batched ``_remember_member``)."""
    doc = session.doc
    known, lazy = session._originals, session._lazy_originals
    new = [
        r for r in rows if int(session._pos[r]) not in known and int(session._pos[r]) not in lazy
    ]
    if not new:
        return
    members = doc.members.iloc[new].copy()  # one slice; rows are made of it when asked for
    spans = _coverage_spans(session, new)
    coverage = doc.coverage.iloc[[k for span in spans for k in span]].copy()
    at = 0
    for i, (r, span) in enumerate(zip(new, spans)):
        lazy[int(session._pos[r])] = (members, i, coverage, at, at + len(span))
        at += len(span)


def _coverage_spans(session: EditSession, rows: list[int]) -> list[range]:
    """:meth:`EditSession.coverage_rows_of` of many rows (one search for all)."""
    pos = session._pos[np.asarray(rows, dtype=np.int64)]
    a = np.searchsorted(session._cov_pos, pos, side="left").tolist()
    b = np.searchsorted(session._cov_pos, pos, side="right").tolist()
    return [range(x, y) for x, y in zip(a, b)]


def _related(members: pd.DataFrame, rows: list[int]) -> np.ndarray:
    """Rows of the touched members and of those rules compare them with (same SSN, same
    subscriber id i.e. the family, same name and birth date), vectorised for many rows."""
    if not rows:
        return np.zeros(0, dtype=np.int64)
    mask = np.zeros(len(members), dtype=bool)
    mask[rows] = True
    for column in ("ssn", "subscriber_id"):
        col = members[column]
        wanted = col.iloc[rows]
        wanted = wanted[wanted != ""]
        mask |= col.isin(set(wanted)).to_numpy()
    # the same name and birth date: names compared only where the birth date matches
    born = members["birth_date"].to_numpy(dtype=object)
    last = members["last_name"].to_numpy(dtype=object)
    first = members["first_name"].to_numpy(dtype=object)
    people = {(born[r], last[r], first[r]) for r in rows if born[r]}
    candidates = np.flatnonzero(pd.Series(born).isin({p[0] for p in people}).to_numpy())
    for r in candidates.tolist():
        if (born[r], last[r], first[r]) in people:
            mask[r] = True
    return np.flatnonzero(mask)


def _prepare_rederive(session: EditSession, store: SegmentStore, rows: list[int]) -> Any:
    """Re-derive member rows ``rows`` from ``store``: returns a function that commits the new
    cells (and cannot fail), or None when a whole reload is needed instead."""
    from inspector.core.editing.session import Rederived

    doc = session.doc
    groups: dict[int, tuple[Any, list[int]]] = {}
    for r in rows:
        envelope = session._envelope_of(r, len(store))
        if envelope is None:
            return None
        groups.setdefault(id(envelope[0]), (envelope, []))[1].append(r)
    member_sets: list[tuple[np.ndarray, list[tuple[int, np.ndarray]]]] = []
    coverage_sets: list[tuple[np.ndarray, list[tuple[int, np.ndarray]]]] = []
    loop_copies: list[tuple[int, int, bytearray]] = []
    for envelope, group in groups.values():
        built = session._mini_file(store, envelope, group)
        if built is None:
            return None
        mini, file_of = built
        full_rows = np.array(group, dtype=np.int64)
        m_cols = _column_updates(doc.members, full_rows, mini.members, file_of)
        spans = _coverage_spans(session, group)
        counts = [len(x) for x in spans]
        mini_counts = np.bincount(
            np.searchsorted(
                mini.members["member_pos"].to_numpy(), mini.coverage["member_pos"].to_numpy()
            ),
            minlength=len(group),
        )
        if len(mini_counts) != len(group) or mini_counts.tolist() != counts:
            return None
        cov_rows = np.concatenate(
            [np.arange(x.start, x.stop) for x in spans] or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        c_cols = _column_updates(doc.coverage, cov_rows, mini.coverage, file_of)
        if m_cols is None or c_cols is None:
            return None
        member_sets.append((full_rows, m_cols))
        coverage_sets.append((cov_rows, c_cols))
        mfirst = mini.members["seg_first"].to_numpy()
        mini_loops = mini.structure.loops
        for k, r in enumerate(group):
            first, last = int(session._first[r]), int(session._last[r])
            a = int(mfirst[k]) - 1
            loop_copies.append((first, last, mini_loops[a : a + last - first + 1]))

    def commit() -> Rederived:
        doc.store = store
        loops = doc.structure.loops
        for first, last, labels in loop_copies:
            loops[first - 1 : last] = labels
        for frame, table, sets in (
            (doc.members, doc.structure.members, member_sets),
            (doc.coverage, doc.structure.coverages, coverage_sets),
        ):
            for target, columns in sets:
                _assign(frame, table, target, columns)
        all_cov = [int(c) for rows_, _ in coverage_sets for c in rows_.tolist()]
        return Rederived(tuple(rows), tuple(all_cov), tuple(int(session._pos[r]) for r in rows))

    return commit


def _column_updates(
    df: pd.DataFrame, rows: np.ndarray, mini: pd.DataFrame, file_of: np.ndarray
) -> list[tuple[int, np.ndarray]] | None:
    """(column index, new values for ``rows``) of the columns that change, the mini frame's
    rows being ``rows`` in order; ordinals mapped to file ordinals. None when the mini frame
    has a non-empty column the full frame lacks (a reporting category new to the file)."""
    full = {str(c) for c in df.columns}
    for name in mini.columns:
        if str(name) not in full:
            values = mini[name].to_numpy(dtype=object)
            if any(v not in ("", 0, None) for v in values.tolist()):
                return None
    if len(mini) != len(rows):
        return None
    out: list[tuple[int, np.ndarray]] = []
    for j, col in enumerate(df.columns):
        name = str(col)
        if name in ("member_pos", "coverage_pos"):
            continue
        current = df.iloc[:, j].to_numpy()
        if name in mini.columns:
            values = mini[name].to_numpy()
            if name.startswith("seg_"):
                v = values.astype(np.int64)
                values = np.where(v > 0, file_of[np.maximum(v, 1) - 1], 0)
        elif name.startswith("seg_"):
            values = np.zeros(len(rows), dtype=np.int64)
        else:
            values = np.full(len(rows), "", dtype=object)
        values = values.astype(current.dtype, copy=False) if current.dtype != object else values
        if len(rows) and not np.array_equal(current[rows], values):
            out.append((j, values))
    return out


def _assign(
    frame: pd.DataFrame, table: ColumnTable, rows: np.ndarray, columns: list[tuple[int, np.ndarray]]
) -> None:
    """Write new cells into a DataFrame and the structure's column table of the same layout."""
    for j, values in columns:
        name = str(frame.columns[j])
        frame.iloc[rows, j] = values
        k = table.index.get(name)
        if k is None:
            continue
        data = table.column(name)
        if table.is_int[k]:
            np.frombuffer(data, dtype=np.int32)[rows] = values.astype(np.int32)
        elif isinstance(data, np.ndarray):
            data[rows] = values
        else:
            for r, v in zip(rows.tolist(), values.tolist()):
                data[r] = v


# -- re-checking ---------------------------------------------------------------------------------
def recheck_members(
    session: EditSession,
    positions: Iterable[int],
    profiles: Iterable[str] = (),
    use_rules: bool = True,
) -> list[Finding]:
    """Findings of many members at once (envelope/reader checks and business rules; no pyx12,
    which a whole-file validation covers): per transaction, the members with their families
    and the members rules compare them with are cut out as one small file and validated once.
    Ordinals and member positions are the file's; only the findings of ``positions`` are kept.
    """
    from inspector.core.validation.run import validate_document

    wanted = sorted({session.member_row_of(int(p)) for p in positions})
    if not wanted:
        return []
    rows = _related(session.doc.members, wanted).tolist()
    store = session.doc.store
    groups: dict[int, tuple[Any, list[int]]] = {}
    for r in rows:
        envelope = session._envelope_of(r, len(store))
        if envelope is not None:
            groups.setdefault(id(envelope[0]), (envelope, []))[1].append(r)
    keep = {int(session._pos[r]) for r in wanted}
    out: list[Finding] = []
    for envelope, group in groups.values():
        built = session._mini_file(store, envelope, group)
        if built is None:
            raise EditRejected("these members could not be cut out of the file to re-check")
        mini, file_of = built
        file_pos = dict(zip(mini.members["member_pos"].tolist(), session._pos[group].tolist()))
        first = mini.members["seg_first"].to_numpy()
        last = mini.members["seg_last"].to_numpy()
        for f in validate_document(mini, profiles=profiles, use_pyx12=False, use_rules=use_rules):
            pos = file_pos.get(f.member_pos) if f.member_pos is not None else None
            if pos is None and f.segment is not None:
                k = int(np.searchsorted(first, f.segment, side="right")) - 1
                if 0 <= k < len(first) and f.segment <= last[k]:
                    pos = int(session._pos[group[k]])
            if pos not in keep:
                continue
            seg = int(file_of[f.segment - 1]) if f.segment and f.segment <= len(file_of) else 0
            out.append(replace(f, segment=seg or None, member_pos=pos))
    return sorted(out, key=sort_key)
