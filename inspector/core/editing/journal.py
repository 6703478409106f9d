"""The crash journal: an append-only JSON-lines file of edits, undos and redos.

Each line is flushed and fsynced as it happens; the file is named after the source file's path,
size and SHA-256, so that it is only ever offered again for the very same file.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from inspector.core.editing.session import Change, Edit, EditRejected, EditSession, now_stamp
from inspector.core.errors import InspectorError
from inspector.core.files import append_private

JOURNAL_VERSION = 1


def file_fingerprint(data: bytes) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file's bytes."""
    return len(data), hashlib.sha256(data).hexdigest()


class Journal:
    """Append-only record of the edits made to one source file, for recovery after a crash.

    Line 1 is a header naming the source (path, size, SHA-256); every further line is an event
    ``{"op": "apply", "edit": {...}}``, ``{"op": "undo"}`` or ``{"op": "redo"}``. Each line is
    flushed and fsynced before :meth:`record` returns. The file is created on the first event.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        source: str | Path | None = None,
        size: int | None = None,
        sha256: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.source = str(source) if source is not None else None
        self.size = size
        self.sha256 = sha256

    @classmethod
    def for_file(
        cls, journal_dir: str | Path, source_path: str | Path, data: bytes | None = None
    ) -> Journal:
        """The journal of ``source_path`` (as it is now: pass ``data`` if already read)."""
        source = Path(source_path).resolve()
        if data is None:
            data = source.read_bytes()
        size, sha = file_fingerprint(data)
        key = hashlib.sha256(f"{source}\n{size}\n{sha}".encode()).hexdigest()[:24]
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", source.name)[:60] or "file"
        return cls(
            Path(journal_dir) / f"{stem}-{key}.journal.jsonl", source=source, size=size, sha256=sha
        )

    # -- writing -----------------------------------------------------------------------------
    def record(self, op: str, edit: Edit | None = None) -> None:
        """Append one event durably (called by :class:`EditSession`)."""
        event: dict[str, Any] = {"op": op, "when": now_stamp()}
        if edit is not None:
            event["edit"] = edit.to_json()
        self._append(event)

    def record_bulk(self, edits: tuple[Edit, ...], label: str = "") -> None:
        """Append a bulk step as ONE event (one line, written with one fsync):
        ``{"op": "bulk", "label": ..., "edits": [[segment, element, value, old], ...]}``.
        A line cut short by a crash does not parse, so the step is replayed whole or not at all."""
        rows = [[e.segment, e.element, e.new, e.old] for e in edits]
        self._append({"op": "bulk", "when": now_stamp(), "label": label, "edits": rows})

    def _append(self, event: dict[str, Any]) -> None:
        lines = []
        if not self.path.exists() or self.path.stat().st_size == 0:
            lines.append(
                {
                    "journal": JOURNAL_VERSION,
                    "source": self.source,
                    "size": self.size,
                    "sha256": self.sha256,
                    "created": now_stamp(),
                }
            )
        lines.append(event)
        text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
        append_private(self.path, text)  # 0600 in a 0700 folder: it holds edited values

    def discard(self) -> None:
        """Delete the journal (after the corrections were saved, or when the user declines)."""
        self.path.unlink(missing_ok=True)

    # -- reading -----------------------------------------------------------------------------
    def _events(self) -> list[dict]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        rows = []
        for line in text.splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut short by the crash: everything before it stands
        if not rows or rows[0].get("journal") != JOURNAL_VERSION:
            return []
        head = rows[0]
        if (
            (self.sha256 is not None and head.get("sha256") != self.sha256)
            or (self.size is not None and head.get("size") != self.size)
            or (self.source is not None and head.get("source") != self.source)
        ):
            return []  # written for another file, or another version of it: never offered
        return rows[1:]

    def load(self) -> list[Edit]:
        """The edits in effect when the journal was last written (undone ones left out); the
        edits of a bulk step are listed one by one."""
        out: list[Edit] = []
        for step in self.load_steps():
            out.extend(step.edits)
        return out

    def load_steps(self) -> list[JournalStep]:
        """The steps in effect when the journal was last written: single edits and bulk steps."""
        applied: list[JournalStep] = []
        undone: list[JournalStep] = []
        for event in self._events():
            op = event.get("op")
            if op == "apply":
                try:
                    applied.append(JournalStep((Edit.from_json(event.get("edit") or {}),), None))
                except EditRejected:
                    continue
                undone.clear()
            elif op == "bulk":
                step = _bulk_step(event)
                if step is None:
                    continue
                applied.append(step)
                undone.clear()
            elif op == "undo" and applied:
                undone.append(applied.pop())
            elif op == "redo" and undone:
                applied.append(undone.pop())
        return applied

    @property
    def has_edits(self) -> bool:
        """True when there is something to recover for this file."""
        return bool(self.load())

    def replay(self, session: EditSession) -> list[Change]:
        """Re-apply the journal's edits to a fresh session of the same file.

        The session's own journal (usually this one) is not written while replaying; the
        journal file already holds these events. Raises :class:`InspectorError` when the session
        holds another file, :class:`EditRejected` if an edit no longer applies.
        """
        if self.sha256 is not None and file_fingerprint(session.original)[1] != self.sha256:
            raise InspectorError("this journal was written for a different file")
        steps = self.load_steps()
        saved, session.journal = session.journal, None
        out: list[Change] = []
        try:
            for step in steps:
                if step.label is None:
                    out.append(session.apply(step.edits[0]))
                else:
                    change = session.apply_bulk(step.edits, step.label)
                    if change is not None:
                        out.append(change)
            return out
        finally:
            session.journal = saved


class JournalStep(NamedTuple):
    """One step of a journal: a single edit (``label`` None) or a bulk step."""

    edits: tuple[Edit, ...]
    label: str | None


def _bulk_step(event: dict[str, Any]) -> JournalStep | None:
    rows = event.get("edits")
    if not isinstance(rows, list) or not rows:
        return None
    edits = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 4:
            return None  # a malformed step is skipped whole, never in part
        segment, element, value, old = row
        try:
            edits.append(
                Edit.from_json({"segment": segment, "element": element, "value": value, "old": old})
            )
        except EditRejected:
            return None
    return JournalStep(tuple(edits), str(event.get("label") or ""))
