"""Checks an edit must pass before anything is written (the :class:`ElementChecks` mixin).

An edit is refused, with a reason a clerk can act on, when the element does not belong to the
segment, the value holds a delimiter or control character, a date is not a real date, an amount
is not a plain decimal, a code is not in the guide's list, or an ISA element loses its width.
"""

from __future__ import annotations

from inspector.core.editing.edits import (
    SHOWN_DATE_PATTERN,
    Edit,
    EditRejected,
    parse_element,
)
from inspector.core.editing.shapes import check_position, check_value, file_version
from inspector.core.records.charset import is_digits
from inspector.core.records.codes import AMOUNT_PATTERN, FINANCIAL_CATEGORIES
from inspector.core.records.dates import date_problem
from inspector.core.records.document import Document
from inspector.core.records.frames import (
    MEMBER_FIELDS,
    FieldSpec,
    coverage_field,
)

#: (segment id, element) -> (qualifier element, {qualifier value: (kind, description)}):
#: what an element holds when another element of the same segment says so.
_QUALIFIED: dict[tuple[str, int], tuple[int, dict[str, tuple[str, str]]]] = {
    ("DTP", 3): (
        2,
        {
            "D8": ("date", "a date (DTP02 is D8)"),
            "RD8": ("range", "a date range (DTP02 is RD8)"),
        },
    ),
    ("DMG", 2): (1, {"D8": ("date", "the birth date"), "": ("date", "the birth date")}),
    ("INS", 12): (11, {"D8": ("date", "the death date (INS11 is D8)")}),
    ("NM1", 9): (8, {"34": ("ssn", "a Social Security number (NM108 is 34)")}),
}


def _qualified_kind(sid: str, k: int, els: list[str]) -> tuple[str, str] | None:
    """(kind, description) that element ``k``'s qualifier in the same segment implies, or None."""
    rule = _QUALIFIED.get((sid, k))
    if rule is None:
        return None
    qualifier, kinds = rule
    return kinds.get(els[qualifier] if qualifier < len(els) else "")


class ElementChecks:
    """Planning and checking of one edit; mixed into :class:`~inspector.core.editing.session.EditSession`
    (uses its ``doc``, ``member_row`` and ``coverage_rows_of``)."""

    doc: Document

    def member_row(self, ordinal: int) -> int | None:
        """0-based row in ``doc.members`` of the member holding a segment (the session's)."""
        raise NotImplementedError

    def coverage_rows_of(self, row: int) -> range:
        """Rows in ``doc.coverage`` of member row ``row`` (the session's)."""
        raise NotImplementedError

    def _plan(self, edit: Edit, staged: str | None = None) -> tuple[int, str, str, str, str]:
        """Validate ``edit``; return (ordinal, old value, new value, old raw, new raw).

        ``staged``: the segment's text as earlier edits of the same bulk step leave it (the
        edit is planned on that text instead of the store's)."""
        store = self.doc.store
        n = len(store)
        o = edit.segment
        if not 1 <= o <= n:
            raise EditRejected(f"segment {o} does not exist: the file has segments 1 to {n:,}")
        target = parse_element(edit.element)
        sid = store.segment_id(o)
        if not sid:
            raise EditRejected(
                f"segment {o} is empty (two terminators in a row); it has no elements to edit"
            )
        if sid != target.segment_id:
            raise EditRejected(
                f"{edit.element} is an element of {target.segment_id} segments, "
                f"but segment {o} is {sid}"
            )
        d = store.delimiters
        raw = store.raw(o) if staged is None else staged
        els = raw.split(d.element)
        k, c = target.position, target.component
        version = file_version(store)
        shape = check_position(version, sid, k, c, edit.element)
        if d.repetition and k < len(els) and d.repetition in els[k]:
            raise EditRejected(
                f"{edit.element}: {sid}{k:02d} of segment {o} holds "
                f"{els[k].count(d.repetition) + 1} repetitions; it cannot be edited as one value"
            )
        old_el = els[k] if k < len(els) else ""
        if c is None:
            old_raw_value = old_el
        else:
            parts = old_el.split(d.component)
            old_raw_value = parts[c - 1] if c - 1 < len(parts) else ""
        old = store.decode(old_raw_value)
        if edit.old is not None and edit.old != old:
            raise EditRejected(
                f"{edit.element} of segment {o} is {old!r}, not {edit.old!r} as "
                "the edit expects; the file has changed since the edit was made"
            )

        value = self._normalise(edit.new, o, sid, k, c, els)
        view = self._encode(value)
        self._check_characters(value, view)
        check_value(value, shape, version, edit.element)
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
            raise EditRejected(
                f"{value!r} has characters this file's character set cannot hold; use plain letters"
            ) from None

    def _check_characters(self, value: str, view: str) -> None:
        d = self.doc.store.delimiters
        named = [
            (d.element, "element separator"),
            (d.component, "component separator"),
            (d.segment, "segment terminator"),
        ]
        if d.repetition:
            named.append((d.repetition, "repetition separator"))
        for ch, what in named:
            if ch in view:
                shown = {"\n": "a line break", "\r": "a carriage return"}.get(ch, f"'{ch}'")
                raise EditRejected(
                    f"the value {value!r} contains {shown}, which is this file's "
                    f"{what}; remove it (delimiters cannot appear inside data)"
                )
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise EditRejected(
                f"the value {value!r} contains a line break, tab or other control "
                "character; X12 data must be printable text"
            )

    def _check_isa(self, k: int, c: int | None, old: str, view: str) -> None:
        if k > 16:
            raise EditRejected("the ISA segment has 16 elements (ISA01 to ISA16)")
        if k in (11, 16):
            raise EditRejected(
                f"ISA{k:02d} declares one of the file's delimiters and cannot be edited here"
            )
        if c is not None:
            raise EditRejected("ISA elements have no components")
        if len(view) != len(old):
            raise EditRejected(
                f"ISA{k:02d} is fixed-width: it must be exactly {len(old)} "
                "characters (pad with spaces)"
            )

    def _normalise(
        self, value: str, o: int, sid: str, k: int, c: int | None, els: list[str]
    ) -> str:
        """Accept values as the tables show them: 1980-02-28 for a date, 'M Male' for a code."""
        kind, codes_table, _ = self._expectation(o, sid, k, c, els)
        if kind == "date":
            m = SHOWN_DATE_PATTERN.match(value)
            if m:
                return "".join(m.groups())
        elif kind == "range" and ".." in value:
            a, _, b = value.partition("..")
            ma, mb = SHOWN_DATE_PATTERN.match(a.strip()), SHOWN_DATE_PATTERN.match(b.strip())
            if ma and mb:
                return "".join(ma.groups()) + "-" + "".join(mb.groups())
        elif kind == "code" and codes_table and value not in codes_table and " " in value:
            code, _, meaning = value.partition(" ")
            if code in codes_table and codes_table[code].lower() == meaning.strip().lower():
                return code
        return value

    def _expectation(
        self, o: int, sid: str, k: int, c: int | None, els: list[str]
    ) -> tuple[str, dict[str, str] | None, str]:
        """(kind, code table, description) expected for an element; kind '' when unknown."""
        if c is not None and c != 1:
            return "", None, ""
        implied = _qualified_kind(sid, k, els)
        if implied is not None:
            return implied[0], None, implied[1]
        if sid == "REF" and k == 2 and self.doc.structure.loop_of(o) == "2750":
            category = self._category_of(o)
            if category in FINANCIAL_CATEGORIES:
                return "amount", None, f"the {category} amount"
        r = self.member_row(o)
        if r is None:
            return "", None, ""
        return self._column_expectation(r, o, sid, k)

    def _column_expectation(
        self, r: int, o: int, sid: str, k: int
    ) -> tuple[str, dict[str, str] | None, str]:
        """What the table columns showing element ``k`` of segment ``o`` expect: a code list
        first, then a date or an amount; kind '' when no column says."""
        specs = [s for _, s, _ in self._specs(r, o, sid, k)]
        for s in specs:
            if s.kind == "code" and s.codes:
                return "code", s.codes, s.label.lower()
        for s in specs:
            if s.kind in ("date", "amount"):
                return s.kind, None, s.label.lower()
        return "", None, ""

    def _check_kind(
        self, value: str, o: int, sid: str, k: int, c: int | None, els: list[str], element: str
    ) -> None:
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
                raise EditRejected(
                    f"{element} ({what}) must be two dates CCYYMMDD-CCYYMMDD, "
                    "e.g. 20250101-20251231"
                )
            for part in (a, b):
                why = date_problem(part)
                if why:
                    raise EditRejected(f"{element} ({what}): '{part}' {why}")
            if b < a:
                raise EditRejected(
                    f"{element} ({what}): the range ends ({b}) before it begins ({a})"
                )
        elif kind == "amount":
            if not AMOUNT_PATTERN.match(value):
                raise EditRejected(
                    f"{element} ({what}) '{value}' is not a plain decimal "
                    "amount; write digits with an optional decimal point and "
                    "no currency sign or thousands separator, e.g. 125.50"
                )
        elif kind == "ssn":
            if not (len(value) == 9 and is_digits(value)):
                raise EditRejected(
                    f"{element} ({what}) must be nine digits without dashes, not '{value}'"
                )
        elif kind == "code" and table is not None:
            code = value if c is not None else value.split(self.doc.store.delimiters.component)[0]
            if code not in table:
                allowed = ", ".join(f"{k} {v}" for k, v in list(table.items())[:12])
                more = ", …" if len(table) > 12 else ""
                raise EditRejected(
                    f"'{code}' is not a valid {what} code for {element}; allowed: {allowed}{more}"
                )

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
            if (
                spec.segment_id == sid
                and spec.element == k
                and spec.segment_column
                and int(m[spec.segment_column].to_numpy()[r]) == o
            ):
                out.append(("members", spec, r))
        cov = self.doc.coverage
        rows = self.coverage_rows_of(r)
        if len(rows):
            for col in cov.columns:
                cov_spec = coverage_field(str(col))
                if (
                    cov_spec is None
                    or cov_spec.segment_id != sid
                    or cov_spec.element != k
                    or not cov_spec.segment_column
                    or cov_spec.segment_column not in cov.columns
                ):
                    continue
                ords = cov[cov_spec.segment_column].iloc[rows.start : rows.stop].to_numpy()
                for j, v in enumerate(ords.tolist()):
                    if v == o:
                        out.append(("coverage", cov_spec, rows.start + j))
        return out

    # -- writing and re-deriving -------------------------------------------------------------------
