"""Edit lists (``edits.json``): read, checked and applied whole, or refused whole.

An edit list is a JSON list of edits (``[{"segment": 18, "element": "DMG02", "value":
"19800228"}, ...]``, or ``{"edits": [...]}``). Every entry must pass every check of
:class:`~inspector.core.editing.session.EditSession`; when one fails, the edits already applied
from the list are undone and :class:`EditListRejected` names the file, the entry and the reason.
Nothing is ever written by this module: a caller writes only after the whole list applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector.core.editing.edits import Edit, EditRejected
from inspector.core.editing.session import EditSession
from inspector.core.errors import InspectorError

#: An edit list larger than this is refused before it is parsed (a clerk's list is a few
#: hundred entries; this bounds the memory a hostile file can take).
MAX_EDIT_LIST_BYTES = 64 * 1024 * 1024


class EditListRejected(InspectorError):
    """An edit list that cannot be applied; nothing was written. ``index`` is the 1-based entry
    (None when the file itself is unreadable), ``reason`` why."""

    def __init__(self, path: str | Path, reason: str, index: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.index = index
        super().__init__(f"{self.path.name}: {reason}. Nothing was written.")


def read_edit_list(path: str | Path) -> list[Any]:
    """The raw entries of an edit list file; raises :class:`EditListRejected`."""
    path = Path(path)
    try:
        if not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file"
            raise EditListRejected(path, f"the edit list cannot be read ({kind})")
        if path.stat().st_size > MAX_EDIT_LIST_BYTES:
            raise EditListRejected(path, "the edit list is too large (over 64 MB)")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EditListRejected(path, "the edit list does not exist") from None
    except OSError as exc:
        raise EditListRejected(
            path, f"the edit list cannot be read ({exc.strerror or exc})"
        ) from None
    except UnicodeDecodeError:
        raise EditListRejected(path, "the edit list is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, and too deeply nested input (RecursionError)
        raise EditListRejected(path, f"the edit list is not valid JSON ({exc})") from None
    except RecursionError:
        raise EditListRejected(
            path, "the edit list is not valid JSON (nested too deeply)"
        ) from None
    if isinstance(raw, dict) and isinstance(raw.get("edits"), list):
        raw = raw["edits"]
    if not isinstance(raw, list):
        raise EditListRejected(
            path,
            'the edit list must be a JSON list of edits ({"segment": N, "element": "DMG02", '
            '"value": "..."})',
        )
    return raw


def _where(item: Any) -> str:
    """``segment 18 DMG02`` for an entry (never its value: values may be personal data)."""
    if isinstance(item, dict):
        return f" (segment {item.get('segment')!s:.12} {item.get('element')!s:.12})"
    return ""


def apply_edit_list(session: EditSession, items: Sequence[Any], path: str | Path) -> int:
    """Apply every entry of an edit list, or none: on the first refused entry the ones applied
    are undone and :class:`EditListRejected` says which entry and why. Returns the count."""
    applied = 0
    try:
        for n, item in enumerate(items, 1):
            try:
                session.apply(Edit.from_json(item))
            except EditRejected as exc:
                raise EditListRejected(
                    path,
                    f"edit {n} of {len(items)}{_where(item)} was refused: {exc.reason}",
                    n,
                ) from None
            applied += 1
    except EditListRejected:
        for _ in range(applied):
            session.undo()
        raise
    return applied


def load_edit_list(session: EditSession, path: str | Path) -> int:
    """:func:`read_edit_list` then :func:`apply_edit_list`."""
    return apply_edit_list(session, read_edit_list(path), path)
