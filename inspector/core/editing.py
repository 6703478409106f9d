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

``doc.structure`` keeps its loop labels in step with edits, but its per-member rows are those of the
last full derivation; :meth:`EditSession.full_document` returns a document derived from scratch
from the current bytes (for whole-file validation and exports).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Protocol

import numpy as np
import pandas as pd

from inspector.core.dates import date_problem
from inspector.core.document import Document, load, load_store
from inspector.core.errors import InspectorError, NotAn834Error
from inspector.core.findings import Finding, sort_key
from inspector.core.frames import AMOUNT_CATEGORIES, MEMBER_FIELDS, FieldSpec, coverage_field
from inspector.core.source import SegmentStore, read_bytes
from inspector.core.structure import span_containing

ELEMENT_ID = re.compile(r"([A-Z][A-Z0-9]{1,2})(\d{2})(?:-(\d{1,2}))?\Z")
_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)\Z")
_SHOWN_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
_ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
_FAMILY_CAP = 25  # members taken on either side of an edited member as rule context


class EditRejected(InspectorError):
    """An edit that cannot be applied; ``reason`` says why in plain English. Nothing was written."""

    def __init__(self, reason: str, edit: "Edit | None" = None) -> None:
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
        data: dict[str, Any] = {"segment": self.segment, "element": self.element,
                                "value": self.new}
        if self.old is not None:
            data["old"] = self.old
        if self.when is not None:
            data["when"] = self.when
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Edit":
        """Build an edit from its JSON form; a malformed one raises :class:`EditRejected`."""
        if isinstance(data, Edit):
            return data
        if not isinstance(data, Mapping):
            raise EditRejected(f"an edit must be an object with segment, element and value, "
                               f"not {type(data).__name__}")
        missing = [k for k in ("segment", "element", "value") if k not in data]
        if missing:
            raise EditRejected(f"the edit has no {' or '.join(missing)}")
        segment, element, value = data["segment"], data["element"], data["value"]
        if isinstance(segment, bool) or not isinstance(segment, int):
            if isinstance(segment, str) and segment.strip().isdigit():
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
        return cls(segment, element.strip().upper(), str(value),
                   None if old is None else str(old), None if when is None else str(when))

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

    @property
    def changed(self) -> bool:
        return self.before_raw != self.after_raw


@dataclass(frozen=True, slots=True)
class ElementChange:
    """Net difference of one element between the original file and the current bytes."""

    segment: int
    element: str
    old: str
    new: str


class JournalLike(Protocol):
    def record(self, op: str, edit: Edit | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class _Target:
    segment_id: str
    position: int
    component: int | None


def parse_element(element: str) -> _Target:
    """``"DMG02"`` → (DMG, 2, None); ``"INS06-01"`` → (INS, 6, 1). Raises EditRejected."""
    m = ELEMENT_ID.match(element.strip().upper())
    if m is None:
        raise EditRejected(f"'{element}' is not an element id; write the segment id and the "
                           "two-digit position, e.g. DMG02 (or INS06-01 for a component)")
    pos = int(m.group(2))
    comp = int(m.group(3)) if m.group(3) else None
    if pos < 1:
        raise EditRejected(f"{element}: element positions start at 01 (the segment id cannot "
                           "be edited)")
    if comp is not None and comp < 1:
        raise EditRejected(f"{element}: component positions start at 01")
    return _Target(m.group(1), pos, comp)


# ---------------------------------------------------------------------------------------------
class EditSession:
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
        self._fully_derived = True
        self._full_doc: Document | None = None
        self._index()

    @classmethod
    def open(cls, path: str | Path, journal: JournalLike | None = None) -> "EditSession":
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
        """Applied edits, oldest first (each with its when/before/after)."""
        return list(self._undo)

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
        if before_raw == after_raw:
            return Change("apply", applied, o, before, after, before_raw, after_raw)
        rows, recheck = self._write_noting_neighbours(o, after_raw, edit)
        change = Change("apply", applied, o, before, after, before_raw, after_raw, *rows,
                        when=applied.when or now_stamp(), recheck_positions=recheck)
        self._undo.append(change)
        self._redo.clear()
        self._journal("apply", applied)
        return change

    def undo(self) -> Change | None:
        """Undo the last applied edit (restoring the segment's exact bytes)."""
        if not self._undo:
            return None
        done = self._undo.pop()
        rows, recheck = self._write_noting_neighbours(done.segment, done.before_raw, done.edit)
        self._redo.append(done)
        self._journal("undo")
        return Change("undo", done.edit, done.segment, done.after, done.before, done.after_raw,
                      done.before_raw, *rows, recheck_positions=recheck)

    def redo(self) -> Change | None:
        """Re-apply the last undone edit."""
        if not self._redo:
            return None
        done = self._redo.pop()
        rows, recheck = self._write_noting_neighbours(done.segment, done.after_raw, done.edit)
        self._undo.append(done)
        self._journal("redo")
        return Change("redo", done.edit, done.segment, done.before, done.after, done.before_raw,
                      done.after_raw, *rows, recheck_positions=recheck)

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
        spec = MEMBER_FIELDS.get(column) if table == "members" else coverage_field(column)
        if spec is None or spec.segment_column is None or spec.element is None:
            label = spec.label if spec is not None else column
            raise EditRejected(f"'{label}' is computed from several elements; edit the "
                               "segment itself instead")
        ordinal = int(df[spec.segment_column].iat[row])
        if ordinal <= 0:
            raise EditRejected(f"this row has no {spec.segment_id} segment for '{spec.label}'; "
                               "the inspector corrects elements but does not add segments")
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
                                out.append(ElementChange(o, f"{name}-{c + 1:02d}",
                                                         store.decode(xc), store.decode(yc)))
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
        return self._originals.get(member_pos)

    def fields_at(self, segment: int, element: str) -> list[tuple[str, str]]:
        """Table columns showing an element: ``[("members", "birth_date"), ...]``."""
        target = parse_element(element)
        r = self.member_row(segment)
        if r is None:
            return []
        return [(t, s.column) for t, s, _ in self._specs(r, segment, target.segment_id,
                                                         target.position)]

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
    def _plan(self, edit: Edit) -> tuple[int, str, str, str, str]:
        """Validate ``edit``; return (ordinal, old value, new value, old raw, new raw)."""
        store = self.doc.store
        n = len(store)
        o = edit.segment
        if not 1 <= o <= n:
            raise EditRejected(f"segment {o} does not exist: the file has segments 1 to {n:,}")
        target = parse_element(edit.element)
        sid = store.segment_id(o)
        if not sid:
            raise EditRejected(f"segment {o} is empty (two terminators in a row); it has no "
                               "elements to edit")
        if sid != target.segment_id:
            raise EditRejected(f"{edit.element} is an element of {target.segment_id} segments, "
                               f"but segment {o} is {sid}")
        d = store.delimiters
        raw = store.raw(o)
        els = raw.split(d.element)
        k, c = target.position, target.component
        old_el = els[k] if k < len(els) else ""
        if c is None:
            old_raw_value = old_el
        else:
            parts = old_el.split(d.component)
            old_raw_value = parts[c - 1] if c - 1 < len(parts) else ""
        old = store.decode(old_raw_value)
        if edit.old is not None and edit.old != old:
            raise EditRejected(f"{edit.element} of segment {o} is {old!r}, not {edit.old!r} as "
                               "the edit expects; the file has changed since the edit was made")

        value = self._normalise(edit.new, o, sid, k, c, els)
        view = self._encode(value)
        self._check_characters(value, view)
        if sid == "ISA":
            self._check_isa(k, c, old_raw_value, view)
        self._check_kind(value, o, sid, k, c, els, edit.element)

        # Build the new segment text; untouched elements keep their exact bytes.
        new_els = list(els)
        if c is not None:
            parts = (new_els[k] if k < len(new_els) else "").split(d.component)
            parts += [""] * (c - len(parts))
            parts[c - 1] = view
            if view == "" and c == len(parts):  # cleared the last component: trim empties
                while len(parts) > 1 and parts[-1] == "":
                    parts.pop()
            element_text = d.component.join(parts) if any(parts) else ""
        else:
            element_text = view
        if k >= len(new_els):
            if element_text == "":
                return o, old, value, raw, raw  # clearing an element that is not there
            new_els += [""] * (k + 1 - len(new_els))
        new_els[k] = element_text
        if element_text == "" and k == len(new_els) - 1:
            while len(new_els) > 1 and new_els[-1] == "":
                new_els.pop()
        return o, old, value, raw, d.element.join(new_els)

    def _encode(self, value: str) -> str:
        """The value as the file will hold it, in the store's latin-1 view."""
        store = self.doc.store
        if store.is_ascii or store.utf8:
            return value.encode("utf-8").decode("latin-1")
        try:
            return value.encode("latin-1").decode("latin-1")
        except UnicodeEncodeError:
            raise EditRejected(f"{value!r} has characters this file's character set cannot "
                               "hold; use plain letters") from None

    def _check_characters(self, value: str, view: str) -> None:
        d = self.doc.store.delimiters
        named = [(d.element, "element separator"), (d.component, "component separator"),
                 (d.segment, "segment terminator")]
        if d.repetition:
            named.append((d.repetition, "repetition separator"))
        for ch, what in named:
            if ch in view:
                shown = {"\n": "a line break", "\r": "a carriage return"}.get(ch, f"'{ch}'")
                raise EditRejected(f"the value {value!r} contains {shown}, which is this file's "
                                   f"{what}; remove it (delimiters cannot appear inside data)")
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise EditRejected(f"the value {value!r} contains a line break, tab or other control "
                               "character; X12 data must be printable text")

    def _check_isa(self, k: int, c: int | None, old: str, view: str) -> None:
        if k > 16:
            raise EditRejected("the ISA segment has 16 elements (ISA01 to ISA16)")
        if k in (11, 16):
            raise EditRejected(f"ISA{k:02d} declares one of the file's delimiters and cannot be "
                               "edited here")
        if c is not None:
            raise EditRejected("ISA elements have no components")
        if len(view) != len(old):
            raise EditRejected(f"ISA{k:02d} is fixed-width: it must be exactly {len(old)} "
                               "characters (pad with spaces)")

    def _normalise(self, value: str, o: int, sid: str, k: int, c: int | None,
                   els: list[str]) -> str:
        """Accept values as the tables show them: 1980-02-28 for a date, 'M Male' for a code."""
        kind, codes_table, _ = self._expectation(o, sid, k, c, els)
        if kind == "date":
            m = _SHOWN_DATE.match(value)
            if m:
                return "".join(m.groups())
        elif kind == "range" and ".." in value:
            a, _, b = value.partition("..")
            ma, mb = _SHOWN_DATE.match(a.strip()), _SHOWN_DATE.match(b.strip())
            if ma and mb:
                return "".join(ma.groups()) + "-" + "".join(mb.groups())
        elif kind == "code" and codes_table and value not in codes_table and " " in value:
            code, _, meaning = value.partition(" ")
            if code in codes_table and codes_table[code].lower() == meaning.strip().lower():
                return code
        return value

    def _expectation(self, o: int, sid: str, k: int, c: int | None,
                     els: list[str]) -> tuple[str, dict[str, str] | None, str]:
        """(kind, code table, description) expected for an element; kind '' when unknown."""
        def el(i: int) -> str:
            return els[i] if i < len(els) else ""

        if c is None or c == 1:
            if sid == "DTP" and k == 3:
                if el(2) == "D8":
                    return "date", None, "a date (DTP02 is D8)"
                if el(2) == "RD8":
                    return "range", None, "a date range (DTP02 is RD8)"
            if sid == "DMG" and k == 2 and el(1) in ("D8", ""):
                return "date", None, "the birth date"
            if sid == "INS" and k == 12 and el(11) == "D8":
                return "date", None, "the death date (INS11 is D8)"
            if sid == "NM1" and k == 9 and el(8) == "34":
                return "ssn", None, "a Social Security number (NM108 is 34)"
            if sid == "REF" and k == 2 and self.doc.structure.loop_of(o) == "2750":
                category = self._category_of(o)
                if category in AMOUNT_CATEGORIES:
                    return "amount", None, f"the {category} amount"
            r = self.member_row(o)
            if r is not None:
                specs = [s for _, s, _ in self._specs(r, o, sid, k)]
                for s in specs:
                    if s.kind == "code" and s.codes and (c is None or c == 1):
                        return "code", s.codes, s.label.lower()
                for s in specs:
                    if s.kind in ("date", "amount"):
                        return s.kind, None, s.label.lower()
        return "", None, ""

    def _check_kind(self, value: str, o: int, sid: str, k: int, c: int | None,
                    els: list[str], element: str) -> None:
        if value == "":
            return  # clearing is always possible; the rules report a missing value
        kind, table, what = self._expectation(o, sid, k, c, els)
        if kind == "date":
            why = date_problem(value)
            if why:
                raise EditRejected(f"{element} ({what}) '{value}' {why}")
        elif kind == "range":
            a, dash, b = value.partition("-")
            if not dash:
                raise EditRejected(f"{element} ({what}) must be two dates CCYYMMDD-CCYYMMDD, "
                                   "e.g. 20250101-20251231")
            for part in (a, b):
                why = date_problem(part)
                if why:
                    raise EditRejected(f"{element} ({what}): '{part}' {why}")
            if b < a:
                raise EditRejected(f"{element} ({what}): the range ends ({b}) before it "
                                   f"begins ({a})")
        elif kind == "amount":
            if not _AMOUNT.match(value):
                raise EditRejected(f"{element} ({what}) '{value}' is not a plain decimal "
                                   "amount; write digits with an optional decimal point and "
                                   "no currency sign or thousands separator, e.g. 125.50")
        elif kind == "ssn":
            if not (len(value) == 9 and value.isdigit()):
                raise EditRejected(f"{element} ({what}) must be nine digits without dashes, "
                                   f"not '{value}'")
        elif kind == "code" and table is not None:
            code = value if c is not None else value.split(self.doc.store.delimiters.component)[0]
            if code not in table:
                allowed = ", ".join(f"{k} {v}" for k, v in list(table.items())[:12])
                more = ", …" if len(table) > 12 else ""
                raise EditRejected(f"'{code}' is not a valid {what} code for {element}; "
                                   f"allowed: {allowed}{more}")

    def _category_of(self, o: int) -> str:
        """Name (N102) of the 2750 reporting category a REF belongs to."""
        store = self.doc.store
        sep = store.delimiters.element
        for p in range(o - 1, max(0, o - 6), -1):
            sid = store.segment_id(p)
            if sid == "N1":
                els = store.raw(p).split(sep)
                return " ".join(els[2].upper().split()) if len(els) > 2 else ""
            if sid in ("LX", "INS", "LS"):
                break
        return ""

    def _specs(self, r: int, o: int, sid: str, k: int) -> list[tuple[str, FieldSpec, int]]:
        """Table fields showing element ``k`` of segment ``o``: (table, spec, row)."""
        out = []
        m = self.doc.members
        for spec in MEMBER_FIELDS.values():
            if (spec.segment_id == sid and spec.element == k and spec.segment_column
                    and int(m[spec.segment_column].iat[r]) == o):
                out.append(("members", spec, r))
        cov = self.doc.coverage
        rows = self.coverage_rows_of(r)
        if len(rows):
            for col in cov.columns:
                spec = coverage_field(str(col))
                if (spec is None or spec.segment_id != sid or spec.element != k
                        or not spec.segment_column or spec.segment_column not in cov.columns):
                    continue
                ords = cov[spec.segment_column].iloc[rows.start:rows.stop].to_numpy()
                for j, v in enumerate(ords.tolist()):
                    if v == o:
                        out.append(("coverage", spec, rows.start + j))
        return out

    # -- writing and re-deriving -------------------------------------------------------------------
    def _write_noting_neighbours(self, o: int, new_raw: str, edit: Edit) -> tuple[tuple, tuple]:
        """:meth:`_write`, plus the positions of members to re-check (see Change)."""
        r = self.member_row(o)
        rows = set(self._neighbour_rows(r)) if r is not None else set()
        written = self._write(o, new_raw, edit)
        r = self.member_row(o)
        if r is not None:
            rows |= set(self._neighbour_rows(r))
        return written, tuple(sorted(int(self._pos[k]) for k in rows))

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

        mask = np.zeros(len(m), dtype=bool)
        if cell("ssn"):
            mask |= col("ssn") == cell("ssn")
        if cell("last_name") and cell("birth_date"):
            mask |= ((col("last_name") == cell("last_name"))
                     & (col("first_name") == cell("first_name"))
                     & (col("birth_date") == cell("birth_date")))
        if cell("subscriber_id"):
            mask |= col("subscriber_id") == cell("subscriber_id")
        mask &= col("transaction") == cell("transaction")
        mask[r] = False
        return np.flatnonzero(mask)[:50].tolist()

    def _write(self, o: int, new_raw: str, edit: Edit) -> tuple:
        """Replace segment ``o``'s text; re-derive. Returns the Change row fields."""
        self._original_raw.setdefault(o, self.doc.store.raw(o))
        self._full_doc = None
        r = self.member_row(o)
        # A 2750 N1 names a reporting category, i.e. a coverage column: renaming one may add,
        # remove or reorder columns, so the tables are rebuilt.
        category_name = (self.doc.store.segment_id(o) == "N1"
                         and self.doc.structure.loop_of(o) == "2750")
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
        if pos not in self._originals:
            doc = self.doc
            self._originals[pos] = (doc.members.iloc[r].to_dict(),
                                    [doc.coverage.iloc[j].to_dict()
                                     for j in self.coverage_rows_of(r)])

    def _reload(self, o: int, new_raw: str, edit: Edit) -> tuple:
        store = self.doc.store
        data = _splice(store, o, new_raw.encode("latin-1"))
        try:
            fresh = load_store(read_bytes(data, store.path))
        except NotAn834Error as exc:
            raise EditRejected(f"this change would make the file unreadable as an 834 "
                               f"({exc.reason})", edit) from None
        self.doc.store, self.doc.structure = fresh.store, fresh.structure
        self.doc.members, self.doc.coverage = fresh.members, fresh.coverage
        self._fully_derived = True
        self._index()
        return (), (), (), True

    def _rederive_member(self, o: int, new_raw: str, r: int) -> tuple | None:
        doc = self.doc
        store = _splice_store(doc.store, o, new_raw.encode("latin-1"))
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
        m_upd = _row_updates(doc.members, [r], mini.members, [k], file_of)
        c_upd = _row_updates(doc.coverage, list(cov_rows), mini.coverage, mini_cov.tolist(),
                             file_of)
        if m_upd is None or c_upd is None:
            return None  # e.g. a reporting category new to the file: rebuild the columns
        # Commit: nothing below can fail on valid input.
        first, last = int(self._first[r]), int(self._last[r])
        mfirst = int(mini.members["seg_first"].iat[k])
        doc.store = store
        doc.structure.loops[first - 1:last] = mini.structure.loops[mfirst - 1:mfirst - 1 +
                                                                   last - first + 1]
        _assign(doc.members, m_upd)
        _assign(doc.coverage, c_upd)
        # The structure's tables (used by rules, summaries, locating findings) follow suit.
        _sync_rows(doc.structure.members, doc.members, [r])
        _sync_rows(doc.structure.coverages, doc.coverage, list(cov_rows))
        self._fully_derived = False
        return (r,), tuple(cov_rows), (pos,), False

    def _family(self, r: int, lo: int, hi: int) -> tuple[int, int]:
        """Rows of the family around member row ``r`` (from its subscriber to the next one)."""
        subs = self.doc.members["is_subscriber"]
        h = r
        while h > 0 and subs.iat[h] != "Y" and r - h < _FAMILY_CAP and self._first[h - 1] > lo:
            h -= 1
        t = r
        while (t + 1 < len(self._first) and self._last[t + 1] <= hi and subs.iat[t + 1] != "Y"
               and t - r < _FAMILY_CAP):
            t += 1
        return h, t

    def _mini_document(self, store: SegmentStore, r: int, extra_rows: Iterable[int] = ()
                       ) -> tuple[Document, np.ndarray, list[int]] | None:
        """Load the family of member row ``r`` (plus ``extra_rows`` of the same transaction) as
        a small file of its own, members in file order.

        Returns the mini document, the file ordinal of each mini segment (0 for the synthesised
        SE/GE/IEA) and the member rows it holds; None when the envelope cannot be found.
        """
        st = self.doc.structure
        first = int(self._first[r])
        txs = st.transactions
        i = bisect.bisect_right([t.st for t in txs], first) - 1
        if i < 0:
            return None
        tx = txs[i]
        end = tx.se if tx.se is not None else len(store)
        if not tx.st < first <= end:
            return None
        isa = gs = None
        for ic in st.interchanges:
            for g in ic.groups:
                if any(t is tx for t in g.transactions):
                    isa, gs = ic, g
        if isa is None or gs is None:
            return None
        h, t = self._family(r, tx.st, end)
        rows = sorted(set(range(h, t + 1)) | {k for k in extra_rows
                                               if tx.st < int(self._first[k]) <= end})
        j = int(np.searchsorted(self._first, tx.st, side="right"))
        header_end = int(self._first[j]) - 1
        ordinals = [isa.isa, gs.gs, *range(tx.st, header_end + 1)]
        for k in rows:
            ordinals.extend(range(int(self._first[k]), int(self._last[k]) + 1))
        d = store.delimiters
        sep = d.element
        count = len(ordinals) - 2 + 1  # ST .. SE inclusive
        trailers = [f"SE{sep}{count}{sep}{tx.control}", f"GE{sep}1{sep}{gs.control}",
                    f"IEA{sep}1{sep}{isa.control}"]
        term = d.segment.encode("latin-1")
        joiner = term if d.segment in "\r\n" else term + b"\n"
        data, starts, ends = store.data, store.starts, store.ends
        pieces = [data[starts[o - 1]:ends[o - 1]] for o in ordinals]
        pieces += [s.encode("latin-1") for s in trailers]
        mini_bytes = joiner.join(pieces) + joiner
        try:
            mini = load_store(read_bytes(mini_bytes, self.doc.path))
        except NotAn834Error:
            return None
        if len(mini.members) != len(rows):
            return None
        file_of = np.array(ordinals + [0, 0, 0], dtype=np.int64)
        return mini, file_of, rows

    # -- documents and re-validation -------------------------------------------------------------
    def full_document(self, progress: Callable[[int, int], None] | None = None,
                      cancel: Callable[[], bool] | None = None) -> Document:
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

    def revalidate_member(self, member_pos: int, profiles: Iterable[str] = (),
                          use_pyx12: bool = True) -> list[Finding]:
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
            raise InspectorError(f"member {member_pos} is outside an ST/SE transaction set; "
                                 "validate the whole file instead")
        mini, file_of, rows = built
        k = rows.index(r)
        mpos = int(mini.members["member_pos"].iat[k])
        lo, hi = int(mini.members["seg_first"].iat[k]), int(mini.members["seg_last"].iat[k])
        sub_id = str(self.doc.members["subscriber_id"].iat[r]) or None
        out = []
        for f in validate_document(mini, profiles=profiles, use_pyx12=use_pyx12):
            inside = f.segment is not None and lo <= f.segment <= hi
            if not inside and f.member_pos != mpos:
                continue
            seg = int(file_of[f.segment - 1]) if f.segment and f.segment <= len(file_of) else 0
            extra = dict(f.extra)
            for key, v in f.extra.items():
                if key.endswith("segment") and isinstance(v, int) and 0 < v <= len(file_of):
                    extra[key] = int(file_of[v - 1]) or None
            out.append(replace(f, segment=seg or None, member_pos=member_pos,
                               subscriber_id=sub_id, extra=extra))
        return sorted(out, key=sort_key)


# ---------------------------------------------------------------------------------------------
def _splice(store: SegmentStore, o: int, new: bytes) -> bytes:
    s, e = int(store.starts[o - 1]), int(store.ends[o - 1])
    return b"".join((store.data[:s], new, store.data[e:]))


def _splice_store(store: SegmentStore, o: int, new: bytes) -> SegmentStore:
    """A store with segment ``o`` replaced by ``new`` (same segments, offsets shifted)."""
    i = o - 1
    s, e = int(store.starts[i]), int(store.ends[i])
    delta = len(new) - (e - s)
    starts, ends = store.starts, store.ends  # never written to: shared when nothing moves
    if delta:
        starts, ends = starts.copy(), ends.copy()
        starts[i + 1:] += delta
        ends[i:] += delta
    out = SegmentStore(_splice(store, o, new), store.path, store.delimiters, starts, ends,
                       list(store.problems))
    # Segment ids never change (element 00 cannot be edited) and line numbers only change when
    # a line break enters or leaves the segment: carry both caches over instead of rebuilding
    # them for every segment of the file.
    out._ids = store._ids
    old = store.data[s:e]
    if b"\n" not in old and b"\r" not in old and b"\n" not in new and b"\r" not in new:
        out._lines = store._lines
    return out


def _row_updates(df: pd.DataFrame, rows: list[int], mini: pd.DataFrame, mini_rows: list[int],
                 file_of: np.ndarray) -> list[tuple[int, int, Any]] | None:
    """Cells of ``df.iloc[rows]`` to overwrite from ``mini.iloc[mini_rows]``: (row, column, value).

    Ordinal columns (``seg_*``) are mapped to file ordinals; positions keep their file values;
    columns the mini frame lacks (reporting categories the family does not use) become empty.
    None when the mini frame has a non-empty column the full frame lacks.
    """
    mini_index = {str(c): j for j, c in enumerate(mini.columns)}
    full = {str(c) for c in df.columns}
    for name, mj in mini_index.items():
        if name not in full and any(mini.iat[k, mj] not in ("", 0, None) for k in mini_rows):
            return None
    updates: list[tuple[int, int, Any]] = []
    for j, col in enumerate(df.columns):
        name = str(col)
        if name in ("member_pos", "coverage_pos"):
            continue
        mj = mini_index.get(name)
        for r, k in zip(rows, mini_rows):
            if mj is None:
                value: Any = 0 if name.startswith("seg_") else ""
            else:
                value = mini.iat[k, mj]
                if name.startswith("seg_"):
                    value = int(file_of[value - 1]) if value > 0 else 0
            if df.iat[r, j] != value:
                updates.append((r, j, value))
    return updates


def _sync_rows(table, df: pd.DataFrame, rows: list[int]) -> None:
    """Copy rows of a DataFrame back into the structure's column table of the same layout."""
    columns = [c for c in table.columns if c in df.columns]
    for r in rows:
        table.set_row(r, {c: df[c].iat[r] for c in columns})


def _assign(df: pd.DataFrame, updates: list[tuple[int, int, Any]]) -> None:
    # Cell by cell: .iat is ~40x faster than .iloc for a few cells and keeps each column's dtype.
    for r, j, value in updates:
        df.iat[r, j] = value
