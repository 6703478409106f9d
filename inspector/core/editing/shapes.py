"""What the implementation guide allows an edit to address and write.

An edit may only address an element the guide defines for its segment (``DMG99`` is refused:
DMG has 11 elements in 005010X220A1), a component only of a composite and within its
components, and the value must fit the element's X12 data type, maximum length and the
character set of the file's version (:mod:`inspector.core.records.charset`). The guide's
shapes come from :mod:`inspector.core.records.segment_table` (generated from pyx12's maps).
"""

from __future__ import annotations

from typing import NamedTuple

from inspector.core.editing.edits import EditRejected
from inspector.core.reading.source import SegmentStore
from inspector.core.records.charset import character_problem, is_digits, version_of
from inspector.core.records.codes import AMOUNT_PATTERN
from inspector.core.records.dates import date_problem
from inspector.core.records.segment_table import SEGMENTS

_GUIDE = {"00401": "004010X095A1", "00501": "005010X220A1"}
_NUMBER_TYPES = ("N0", "N1", "N2", "N3", "N4", "N")


class Shape(NamedTuple):
    """One element position of a segment as the guide defines it."""

    usage: str  # R required, S situational, N not used
    repeat: int
    components: int  # 0: a simple element
    data_type: str  # AN, ID, DT, TM, N0, R ...; C for a composite
    max_length: int  # 0: not known


def file_version(store: SegmentStore) -> str:
    """The file's ISA12 version (``00501`` when there is no readable ISA)."""
    if len(store) and store.segment_id(1) == "ISA":
        return version_of(store.raw(1).split(store.delimiters.element))
    return "00501"


def _table(version: str) -> str:
    return "00401" if version < "00501" else "00501"


def check_position(version: str, sid: str, k: int, c: int | None, element: str) -> Shape:
    """The guide's shape of element ``k`` (component ``c``) of an ``sid`` segment; raises
    :class:`EditRejected` when the guide has no such element or component."""
    table = _table(version)
    shapes = SEGMENTS[table].get(sid)
    guide = _GUIDE[table]
    if shapes is None:
        raise EditRejected(
            f"{element}: the implementation guide ({guide}) has no {sid} segment, so its "
            "elements cannot be edited here"
        )
    if k > len(shapes):
        raise EditRejected(
            f"{element} does not exist: {sid} segments have {len(shapes)} elements in the "
            f"implementation guide ({guide}), {sid}01 to {sid}{len(shapes):02d}"
        )
    shape = Shape(*shapes[k - 1])
    if c is not None and shape.components == 0 and c > 1:
        raise EditRejected(
            f"{element}: {sid}{k:02d} is a simple element, it has no components; "
            f"edit {sid}{k:02d} itself"
        )
    if c is not None and shape.components and c > shape.components:
        raise EditRejected(
            f"{element} does not exist: {sid}{k:02d} has {shape.components} components in the "
            f"implementation guide, {sid}{k:02d}-01 to {sid}{k:02d}-{shape.components:02d}"
        )
    return shape


def check_value(value: str, shape: Shape, version: str, element: str) -> None:
    """Refuse (:class:`EditRejected`) a value the element cannot hold: a value in an element the
    guide marks not used, characters outside the file's X12 character set, a value that is not
    of the element's data type or longer than its maximum length. An empty value always passes
    (clearing is always possible; the rules report a missing value). Letters of other
    alphabets are accepted in text (AN) elements and components, as X12.6 lets partners agree
    on national characters; the file then is UTF-8 (names such as José)."""
    if value == "":
        return
    if shape.usage == "N":
        raise EditRejected(
            f"{element} is marked not used in the implementation guide; it must stay empty"
        )
    simple = shape.components == 0
    # national letters (José) only in text: never in codes, numbers, dates and times
    why = character_problem(value, version, national=not simple or shape.data_type == "AN")
    if why:
        raise EditRejected(f"{element}: the value {why}")
    if not simple:
        return
    why = _type_problem(value, shape.data_type)
    if why:
        raise EditRejected(f"{element}: '{value}' {why}")
    width = _significant_length(value, shape.data_type)
    if shape.max_length and width > shape.max_length:
        raise EditRejected(
            f"{element}: the value is {width} characters long; the implementation guide allows "
            f"at most {shape.max_length}"
        )


def _type_problem(value: str, data_type: str) -> str | None:
    """Why a value is not of an X12 data type (plain English), or None."""
    if data_type in _NUMBER_TYPES and not is_digits(value.removeprefix("-")):
        return "is not a whole number (digits 0-9, an optional leading minus sign)"
    if data_type == "R" and not AMOUNT_PATTERN.match(value):
        return "is not a plain decimal number (digits 0-9 with an optional decimal point)"
    if data_type == "DT":
        if len(value) == 8:
            return date_problem(value)
        if len(value) != 6 or not is_digits(value):
            return "is not a date in the form CCYYMMDD (eight digits 0-9)"
    if data_type == "TM" and (len(value) not in (4, 6, 7, 8) or not is_digits(value)):
        return "is not a time in the form HHMM (or HHMMSS), digits 0-9 only"
    return None


def _significant_length(value: str, data_type: str) -> int:
    """Length as X12 counts it: a number's sign and decimal point do not count."""
    if data_type in _NUMBER_TYPES or data_type == "R":
        return len(value.removeprefix("-").replace(".", "", 1))
    return len(value)
