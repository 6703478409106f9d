"""An opened 834 file: segment store, structure and tables, loaded in one call."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.core.errors import Cancelled
from inspector.core.findings import Finding, sort_key
from inspector.core.progress import CancelCheck, Progress, gc_paused
from inspector.core.reading.source import SegmentStore, read_file
from inspector.core.records.structure import Structure, build_structure

if TYPE_CHECKING:
    import pandas as pd


class Document:
    """Everything the tables and the reader-level checks need about one file.

    ``members`` and ``coverage`` (the tables, pandas) are built when first asked for unless
    given: a command that only checks the file (``validate``, ``summary``) never imports pandas
    (about 40 MB of memory)."""

    def __init__(
        self,
        path: Path,
        store: SegmentStore,
        structure: Structure,
        members: pd.DataFrame | None = None,
        coverage: pd.DataFrame | None = None,
    ) -> None:
        self.path = path
        self.store = store
        self.structure = structure
        self._members = members
        self._coverage = coverage

    @property
    def members(self) -> pd.DataFrame:
        if self._members is None:
            self._members = _frame("member_frame", self.structure)
        return self._members

    @members.setter
    def members(self, frame: pd.DataFrame) -> None:
        self._members = frame

    @property
    def coverage(self) -> pd.DataFrame:
        if self._coverage is None:
            self._coverage = _frame("coverage_frame", self.structure)
        return self._coverage

    @coverage.setter
    def coverage(self, frame: pd.DataFrame) -> None:
        self._coverage = frame

    @property
    def problems(self) -> list[Finding]:
        """Reader and envelope findings (no pyx12, no business rules), in file order."""
        return sorted(self.store.problems + self.structure.problems, key=sort_key)

    def summary(self) -> dict:
        """Counts a clerk looks at first: envelopes, members, coverages, maintenance types."""
        st = self.structure
        mt = Counter(v or "(none)" for v in st.members.column("maintenance_type"))
        subs = sum(1 for v in st.members.column("is_subscriber") if v == "Y")
        n_members = len(st.members)
        return {
            "file": str(self.path),
            "bytes": len(self.store.data),
            "segments": len(self.store),
            "delimiters": self.store.delimiters.describe(),
            "interchanges": [
                {
                    "control": i.control,
                    "sender": i.sender,
                    "receiver": i.receiver,
                    "date": i.date,
                    "version": i.version,
                    "usage": i.usage,
                    "groups": [
                        {
                            "control": g.control,
                            "version": g.version,
                            "transactions": [t.control for t in g.transactions],
                        }
                        for g in i.groups
                    ],
                }
                for i in st.interchanges
            ],
            "transactions": [
                {
                    "control": t.control,
                    "guide": t.guide,
                    "action": t.action,
                    "sponsor": t.sponsor,
                    "payer": t.payer,
                    "members": t.member_count,
                }
                for t in st.transactions
            ],
            "members": n_members,
            "subscribers": subs,
            "dependents": n_members - subs,
            "coverages": len(st.coverages),
            "maintenance_types": dict(sorted(mt.items())),
            "other_transaction_sets": st.other_transactions,
        }


def _frame(builder: str, structure: Structure) -> pd.DataFrame:
    """A table built by :mod:`~inspector.core.records.frames` (imports pandas on first use)."""
    from inspector.core.records import frames

    return getattr(frames, builder)(structure)


def load(
    path: str | Path,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    *,
    frames: bool = True,
) -> Document:
    """Read, structure and tabulate a file. Raises NotAn834Error or Cancelled.

    ``progress(done, total)`` is called with segment counts; ``cancel()`` is polled between
    batches of segments. ``frames=False`` leaves the tables to be built when first used.
    """
    path = Path(path)
    store = read_file(path)
    if cancel is not None and cancel():
        raise Cancelled()
    return load_store(store, progress, cancel, frames=frames)


def load_store(
    store: SegmentStore,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    *,
    frames: bool = True,
) -> Document:
    """Structure and tabulate an already-read store (``frames``: see :func:`load`)."""
    with gc_paused():
        structure = build_structure(store, progress, cancel)
        doc = Document(store.path or Path("<input>"), store, structure)
        if frames:
            doc.members, doc.coverage  # noqa: B018 - built now, in the caller's thread
        return doc
