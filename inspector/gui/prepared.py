"""Everything a document tab shows, prepared off the GUI thread (pure Python, no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from inspector.core.editing.journal import Journal
from inspector.core.export.overview import FileProfile, file_profile
from inspector.core.records.document import Document, load
from inspector.core.validation.locate import Locator
from inspector.gui.models.finding_index import FindingIndex
from inspector.gui.models.table_data import (
    TableData,
    build_coverage_table,
    build_member_table,
)


@dataclass
class PreparedDocument:
    """A loaded document plus the display arrays and lookup structures built from it."""

    doc: Document
    summary: dict
    members: TableData
    coverage: TableData
    index: FindingIndex
    locator: Locator
    journal: Journal | None = None  # where this file's corrections are journalled
    recoverable: list = field(default_factory=list)  # edits an earlier session did not save
    profile: FileProfile | None = None  # the Overview's counts (computed here, off the GUI thread)


def prepare(
    path: Path,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    journal_dir: Path | None = None,
) -> PreparedDocument:
    """Load a file and precompute everything the views need (raises like ``core.load``).

    With ``journal_dir``, also find the file's correction journal (hashing the bytes here, off
    the GUI thread) and the edits in it that an earlier session did not save.
    """
    doc = load(path, progress, cancel)
    store = doc.store
    _ = store.lines, store.ids  # computed once here rather than on the GUI thread
    members = build_member_table(doc)
    coverage = build_coverage_table(doc)
    index = FindingIndex.of_tables(members, coverage)
    journal = recoverable = None
    if journal_dir is not None:
        journal = Journal.for_file(journal_dir, path, store.data)
        try:
            recoverable = journal.load()
        except OSError:
            recoverable = None
    return PreparedDocument(
        doc,
        doc.summary(),
        members,
        coverage,
        index,
        Locator(doc),
        journal,
        recoverable or [],
        file_profile(doc),
    )
