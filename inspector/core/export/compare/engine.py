"""compare(old, new): who was added, dropped, terminated, changed or duplicated between two files.

Members are paired by :func:`~inspector.core.export.compare.match.match_members`; every pair and
every unpaired member becomes one result row with a category. The order of precedence for a pair
is duplicated > identity changed > terminated/cancelled > changed > unchanged. In audit mode (NEW
is a full file) a member of OLD missing from NEW is "not in the audit file" and a member only in
NEW is "only in the audit file" (the insurer never received it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from inspector.core.errors import Cancelled
from inspector.core.export.compare.diff import (
    COVERAGE_UNCHANGED,
    coverage_changes,
    member_changes,
)
from inspector.core.export.compare.fields import TERMINATION, date_number
from inspector.core.export.compare.match import MATCH_ID, MATCH_SUBSCRIBER, match_members
from inspector.core.export.compare.roster import Roster, from_document
from inspector.core.progress import CancelCheck, Progress
from inspector.core.records.document import Document

ADDED, DROPPED = "added", "dropped"
TERMINATED, CANCELLED = "terminated", "cancelled"
CHANGED, IDENTITY_CHANGED, DUPLICATED = "changed", "identity_changed", "duplicated"
NOT_IN_AUDIT, ONLY_IN_AUDIT, UNCHANGED = "not_in_audit", "only_in_audit", "unchanged"

#: Categories in the order a clerk works through them, with their labels.
CATEGORIES: dict[str, str] = {
    NOT_IN_AUDIT: "Not in the audit file",
    ONLY_IN_AUDIT: "Only in the audit file",
    DROPPED: "Dropped",
    ADDED: "Added",
    TERMINATED: "Terminated",
    CANCELLED: "Cancelled",
    IDENTITY_CHANGED: "Identity changed",
    DUPLICATED: "Duplicated",
    CHANGED: "Changed",
    UNCHANGED: "Unchanged",
}
_ORDER = {c: k for k, c in enumerate(CATEGORIES)}
SHOWN_IDS = ("subscriber_id", "member_id", "last_name", "first_name", "birth_date")
MEMBER_RESULT_COLUMNS = [
    "category",
    "match",
    "old_row",
    "new_row",
    "old_where",
    "new_where",
    *SHOWN_IDS,
    "changed",
    "note",
]
_STEPS = 5


@dataclass
class CompareResult:
    """The comparison of two rosters.

    ``members``: one row per pair or unpaired member (columns :data:`MEMBER_RESULT_COLUMNS`;
    ``old_row``/``new_row`` are member positions, ``old_where``/``new_where`` the INS segment
    ordinal of an 834 or the line of a table row, NA on the side a member is missing from).
    ``changes``: one row per differing field (``row`` = index into ``members``).
    ``coverage``: one row per 2300 loop of the paired members, with its status.
    """

    old: Roster
    new: Roster
    audit: bool
    members: pd.DataFrame
    changes: pd.DataFrame
    coverage: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        """Members per category, every category listed (0 where none)."""
        found = self.members["category"].value_counts()
        return {c: int(found.get(c, 0)) for c in CATEGORIES}

    @property
    def differences(self) -> int:
        """Result rows that are not unchanged."""
        return int((self.members["category"] != UNCHANGED).sum())

    def summary(self) -> dict[str, Any]:
        return {
            "old": str(self.old.path),
            "new": str(self.new.path),
            "audit": self.audit,
            "old_members": len(self.old),
            "new_members": len(self.new),
            "counts": self.counts,
            "coverage": {str(k): int(v) for k, v in self.coverage["status"].value_counts().items()},
        }


def compare(
    old: Document | Roster,
    new: Document | Roster,
    *,
    audit: bool | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> CompareResult:
    """Compare two loaded files (or rosters read from tables). ``audit=None`` turns audit mode
    on when NEW is a full/audit file (BGN08 4 or RX in every transaction set, or INS03 030 for
    every member). ``progress(done, total)`` counts steps; ``cancel()`` is polled between them.
    """
    step = _Steps(progress, cancel)
    left = old if isinstance(old, Roster) else from_document(old)
    right = new if isinstance(new, Roster) else from_document(new)
    is_audit = right.full_file if audit is None else bool(audit)
    step()
    pairs = match_members(left, right)
    step()
    o = pairs["o"].to_numpy(dtype=np.int64)
    n = pairs["n"].to_numpy(dtype=np.int64)
    rows = np.arange(len(pairs))
    changes, identity = member_changes(left, right, o, n, rows)
    step()
    coverage, coverage_diffs = coverage_changes(left, right, o, n, rows)
    step()
    old_term, old_cancel = terminations(left)
    new_term, new_cancel = terminations(right)
    pair_category = _pair_categories(pairs, identity, changes, coverage, old_term, new_term)
    pair_category[(pair_category == TERMINATED) & new_cancel[n]] = CANCELLED
    members = _member_rows(left, right, pairs, pair_category, is_audit, (old_term, new_term))
    members["category"] = members["category"].where(
        ~_cancelled_unpaired(members, old_cancel, new_cancel), CANCELLED
    )
    all_changes = pd.concat([changes, coverage_diffs], ignore_index=True)
    result = _ordered(left, right, is_audit, members, all_changes, coverage)
    step()
    return result


class _Steps:
    def __init__(self, progress: Progress | None, cancel: CancelCheck | None) -> None:
        self.done = 0
        self.progress = progress
        self.cancel = cancel

    def __call__(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled()
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, _STEPS)


def terminations(r: Roster) -> tuple[np.ndarray, np.ndarray]:
    """Per member: terminated (INS03 024, or every coverage HD01 024) and, of those, cancelled
    (the end date is not after the begin date: coverage that never took effect)."""
    count = len(r)
    blank = np.full(count, "", dtype=object)
    term = r.members.get("maintenance_type", blank) == TERMINATION
    cov = r.coverage
    member = cov["member"].to_numpy(dtype=np.int64)
    if "n:maintenance_type" in cov and len(cov):
        per_member = np.bincount(member, minlength=count)
        ended = np.bincount(
            member, weights=(cov["n:maintenance_type"] == TERMINATION), minlength=count
        )
        term = term | ((per_member > 0) & (ended == per_member))
    end = _first_filled(r.members.get("eligibility_end", blank), cov, "n:benefit_end", "max")
    begin = _first_filled(r.members.get("eligibility_begin", blank), cov, "n:benefit_begin", "min")
    cancelled = term & (end <= begin)  # NaN (no date) compares False
    return np.asarray(term, dtype=bool), np.asarray(cancelled, dtype=bool)


def _first_filled(values: np.ndarray, cov: pd.DataFrame, column: str, how: str) -> np.ndarray:
    """The member's own date, else the max/min of its coverages' dates, as CCYYMMDD numbers
    (NaN when none)."""
    own = date_number(values)
    if column not in cov or not len(cov):
        return own
    dates = pd.Series(date_number(cov[column].to_numpy()), index=cov.index)
    per_member = dates.groupby(cov["member"].to_numpy()).agg(how).reindex(range(len(values)))
    return np.where(np.isnan(own), per_member.to_numpy(dtype=float), own)


def _pair_categories(
    pairs: pd.DataFrame,
    identity: np.ndarray,
    changes: pd.DataFrame,
    coverage: pd.DataFrame,
    old_term: np.ndarray,
    new_term: np.ndarray,
) -> np.ndarray:
    o = pairs["o"].to_numpy(dtype=np.int64)
    n = pairs["n"].to_numpy(dtype=np.int64)
    category = np.full(len(pairs), UNCHANGED, dtype=object)
    changed = np.zeros(len(pairs), dtype=bool)
    changed[changes["row"].to_numpy(dtype=np.int64)] = True
    moved = coverage["row"].to_numpy(dtype=np.int64)[
        (coverage["status"] != COVERAGE_UNCHANGED).to_numpy()
    ]
    changed[moved] = True
    category[changed] = CHANGED
    category[new_term[n] & ~old_term[o]] = TERMINATED
    by_id = pairs["match"].isin([MATCH_ID, MATCH_SUBSCRIBER]).to_numpy()
    category[identity & by_id] = IDENTITY_CHANGED
    twice = (np.bincount(o)[o] > 1) | (np.bincount(n)[n] > 1)
    category[twice] = DUPLICATED
    return category


def _member_rows(
    old: Roster,
    new: Roster,
    pairs: pd.DataFrame,
    pair_category: np.ndarray,
    audit: bool,
    terms: tuple[np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """One row per pair, then per unpaired OLD member, then per unpaired NEW member."""
    old_term, new_term = terms
    lone_old = np.setdiff1d(np.arange(len(old)), pairs["o"].to_numpy(), assume_unique=False)
    lone_new = np.setdiff1d(np.arange(len(new)), pairs["n"].to_numpy(), assume_unique=False)
    missing = NOT_IN_AUDIT if audit else DROPPED
    extra = ONLY_IN_AUDIT if audit else ADDED
    old_category = np.where(old_term[lone_old], TERMINATED, missing).astype(object)
    new_category = np.where(new_term[lone_new], TERMINATED, extra).astype(object)
    parts = [
        (pairs["o"].to_numpy(), pairs["n"].to_numpy(), pair_category, pairs["match"].to_numpy()),
        (lone_old, None, old_category, None),
        (None, lone_new, new_category, None),
    ]
    frames = []
    for o, n, category, match in parts:
        size = len(category)
        frames.append(
            pd.DataFrame(
                {
                    "category": category,
                    "match": match if match is not None else np.full(size, "", dtype=object),
                    "old_row": pd.array(o if o is not None else [pd.NA] * size, dtype="Int64"),
                    "new_row": pd.array(n if n is not None else [pd.NA] * size, dtype="Int64"),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    _add_where_and_ids(out, old, new)
    out["note"] = _notes(out, audit)
    return out


def _add_where_and_ids(out: pd.DataFrame, old: Roster, new: Roster) -> None:
    has_old = out["old_row"].notna().to_numpy()
    has_new = out["new_row"].notna().to_numpy()
    o = out["old_row"].fillna(0).to_numpy(dtype=np.int64)
    n = out["new_row"].fillna(0).to_numpy(dtype=np.int64)
    out["old_where"] = pd.array(np.where(has_old, old.where[o] if len(old) else 0, 0), "Int64")
    out["new_where"] = pd.array(np.where(has_new, new.where[n] if len(new) else 0, 0), "Int64")
    out.loc[~has_old, "old_where"] = pd.NA
    out.loc[~has_new, "new_where"] = pd.NA
    for name in SHOWN_IDS:
        a = _values(old, name, o, has_old)
        b = _values(new, name, n, has_new)
        out[name] = np.where(has_new & (b != ""), b, a)


def _values(r: Roster, name: str, at: np.ndarray, present: np.ndarray) -> np.ndarray:
    values = r.shown.get(name)
    if values is None or not len(values):
        return np.full(len(at), "", dtype=object)
    return np.where(present, values[np.minimum(at, len(values) - 1)], "")


def _notes(out: pd.DataFrame, audit: bool) -> np.ndarray:
    note = np.full(len(out), "", dtype=object)
    has_old = out["old_row"].notna().to_numpy()
    has_new = out["new_row"].notna().to_numpy()
    category = out["category"].to_numpy()
    ended = (category == TERMINATED) | (category == CANCELLED)
    note[ended & has_old & ~has_new] = (
        "terminated in OLD; not in the audit file, as expected"
        if audit
        else "terminated in OLD; not in NEW"
    )
    note[ended & ~has_old & has_new] = "terminated in NEW; never in OLD"
    note[(category == DUPLICATED)] = "matches more than one member on the other side"
    return note


def _cancelled_unpaired(
    members: pd.DataFrame, old_cancel: np.ndarray, new_cancel: np.ndarray
) -> np.ndarray:
    """Unpaired terminated members whose termination is a cancellation."""
    has_old = members["old_row"].notna().to_numpy()
    has_new = members["new_row"].notna().to_numpy()
    o = members["old_row"].fillna(0).to_numpy(dtype=np.int64)
    n = members["new_row"].fillna(0).to_numpy(dtype=np.int64)
    term = (members["category"] == TERMINATED).to_numpy()
    old_c = has_old & ~has_new & (old_cancel[o] if len(old_cancel) else False)
    new_c = has_new & ~has_old & (new_cancel[n] if len(new_cancel) else False)
    return term & (old_c | new_c)


def _ordered(
    old: Roster,
    new: Roster,
    audit: bool,
    members: pd.DataFrame,
    changes: pd.DataFrame,
    coverage: pd.DataFrame,
) -> CompareResult:
    """Rows by category, then subscriber and member id; ``row`` references follow the order."""
    members["changed"] = _changed_names(changes, len(members))
    rank = members["category"].map(_ORDER)
    order = np.lexsort(
        (members["member_id"].to_numpy(), members["subscriber_id"].to_numpy(), rank.to_numpy())
    )
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    members = members.iloc[order].reset_index(drop=True)[MEMBER_RESULT_COLUMNS]
    changes = changes.assign(row=position[changes["row"].to_numpy(dtype=np.int64)])
    coverage = coverage.assign(row=position[coverage["row"].to_numpy(dtype=np.int64)])
    changes = changes.sort_values("row", kind="mergesort", ignore_index=True)
    coverage = coverage.sort_values("row", kind="mergesort", ignore_index=True)
    return CompareResult(old, new, audit, members, changes, coverage)


def _changed_names(changes: pd.DataFrame, size: int) -> np.ndarray:
    """Per result row, the differing fields (``plan (HLT)`` for a coverage field)."""
    out = np.full(size, "", dtype=object)
    if changes.empty:
        return out
    label = changes["field"].where(
        changes["level"] == "member", changes["field"] + " (" + changes["coverage"] + ")"
    )
    joined = label.groupby(changes["row"].to_numpy(), sort=False).agg(
        lambda s: ", ".join(dict.fromkeys(s))
    )
    out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy()
    return out
