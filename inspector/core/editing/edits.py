"""What an edit is and what it did: :class:`Edit`, :class:`Change`, :class:`EditRejected`."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from inspector.core.errors import InspectorError
from inspector.core.records.charset import is_digits

# ASCII digits only ([0-9]: \d would take Arabic-Indic and other digits, see records/charset.py)
ELEMENT_ID = re.compile(r"([A-Z][A-Z0-9]{1,2})([0-9]{2})(?:-([0-9]{1,2}))?\Z")
SHOWN_DATE_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
FAMILY_CAP = 25  # members taken on either side of an edited member as rule context


class EditRejected(InspectorError):
    """An edit that cannot be applied; ``reason`` says why in plain English. Nothing was written."""

    def __init__(self, reason: str, edit: Edit | None = None) -> None:
        self.reason = reason
        self.edit = edit
        super().__init__(reason)


def now_stamp() -> str:
    """Local time with its UTC offset, to the second (ISO 8601)."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Edit:
    """Set element ``element`` (``"DMG02"``, or a component ``"INS06-01"``) of segment ``segment``.

    ``new`` and ``old`` are values as a person reads them (UTF-8 decoded where the file is UTF-8).
    ``old`` is optional on input (when given, the edit is refused unless the file still holds it);
    the session fills it in, with ``when``, for the edits it applies.
    JSON form: ``{"segment": 748, "element": "DMG02", "value": "19810228", "old": "19810231"}``.
    """

    segment: int
    element: str
    new: str
    old: str | None = None
    when: str | None = None

    @property
    def value(self) -> str:
        return self.new

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"segment": self.segment, "element": self.element, "value": self.new}
        if self.old is not None:
            data["old"] = self.old
        if self.when is not None:
            data["when"] = self.when
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Edit:
        """Build an edit from its JSON form; a malformed one raises :class:`EditRejected`."""
        if isinstance(data, Edit):
            return data
        if not isinstance(data, Mapping):
            raise EditRejected(
                f"an edit must be an object with segment, element and value, "
                f"not {type(data).__name__}"
            )
        missing = [k for k in ("segment", "element", "value") if k not in data]
        if missing:
            raise EditRejected(f"the edit has no {' or '.join(missing)}")
        segment, element, value = data["segment"], data["element"], data["value"]
        if isinstance(segment, bool) or not isinstance(segment, int):
            if isinstance(segment, str) and is_digits(segment.strip()):
                segment = int(segment)
            else:
                raise EditRejected(f"segment must be a segment number, not {segment!r}")
        if not isinstance(element, str):
            raise EditRejected(f"element must be an element id such as DMG02, not {element!r}")
        if value is None:
            value = ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise EditRejected(f"value must be text, not {value!r}")
        old = data.get("old")
        when = data.get("when")
        return cls(
            segment,
            element.strip().upper(),
            str(value),
            None if old is None else str(old),
            None if when is None else str(when),
        )

    def describe(self) -> str:
        return f"segment {self.segment} {self.element} = {self.new!r}"


@dataclass(frozen=True, slots=True)
class Change:
    """What one apply/undo/redo did.

    ``before``/``after`` are the element values; ``before_raw``/``after_raw`` the whole segment
    text (latin-1 view of its bytes). ``member_rows`` and ``coverage_rows`` are 0-based positions
    in ``doc.members`` / ``doc.coverage`` whose values were re-derived; ``reset`` means the tables
    were rebuilt entirely (new DataFrame objects: reset the models).
    """

    action: str  # "apply" | "undo" | "redo"
    edit: Edit
    segment: int
    before: str
    after: str
    before_raw: str
    after_raw: str
    member_rows: tuple[int, ...] = ()
    coverage_rows: tuple[int, ...] = ()
    member_positions: tuple[int, ...] = ()
    reset: bool = False
    when: str = field(default_factory=now_stamp)
    # Members whose findings may have changed: the edited member's family and the members it
    # is compared with (same SSN, name and birth date, ids; its subscriber or dependents),
    # before and after the edit. A GUI re-checks these, not only the edited member.
    recheck_positions: tuple[int, ...] = ()
    # A bulk step (many edits as one undo step): every edit, and every segment it rewrote,
    # in file order; ``edit``/``segment``/``before``/``after`` are then those of the first.
    edits: tuple[Edit, ...] = ()
    writes: tuple[SegmentWrite, ...] = ()
    label: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.writes) or self.before_raw != self.after_raw

    @property
    def bulk(self) -> bool:
        """True for a bulk step (see :meth:`EditSession.apply_plan`)."""
        return bool(self.writes)


@dataclass(frozen=True, slots=True)
class SegmentWrite:
    """One segment rewritten by a bulk step: its whole text before and after (latin-1 view)."""

    segment: int
    before_raw: str
    after_raw: str


@dataclass(frozen=True, slots=True)
class ElementChange:
    """Net difference of one element between the original file and the current bytes."""

    segment: int
    element: str
    old: str
    new: str


class JournalLike(Protocol):
    def record(self, op: str, edit: Edit | None = None) -> None: ...

    def record_bulk(self, edits: tuple[Edit, ...], label: str = "") -> None: ...


@dataclass(frozen=True, slots=True)
class _Target:
    segment_id: str
    position: int
    component: int | None


def parse_element(element: str) -> _Target:
    """``"DMG02"`` → (DMG, 2, None); ``"INS06-01"`` → (INS, 6, 1). Raises EditRejected."""
    m = ELEMENT_ID.match(element.strip().upper())
    if m is None:
        raise EditRejected(
            f"'{element}' is not an element id; write the segment id and the "
            "two-digit position, e.g. DMG02 (or INS06-01 for a component)"
        )
    pos = int(m.group(2))
    comp = int(m.group(3)) if m.group(3) else None
    if pos < 1:
        raise EditRejected(
            f"{element}: element positions start at 01 (the segment id cannot be edited)"
        )
    if comp is not None and comp < 1:
        raise EditRejected(f"{element}: component positions start at 01")
    return _Target(m.group(1), pos, comp)


# ---------------------------------------------------------------------------------------------
