"""Faster, behaviour-identical stand-ins for a few of pyx12's hot spots.

Profiled on the 50,000-member synthetic file, pyx12 spends most of its time not validating but
rebuilding the same strings: the walker's loop counter formats and re-splits every path it
holds on every loop change (``NodeCounter.reset_to_node``, ``X12Path.__repr__``/``__hash__``),
``Segment.get`` parses its reference designator ("NM103") with a regular expression on every
call, and ``contains_control_character`` builds two dictionaries per element. The stand-ins here
compute the same results once:

* a map node's path is never changed after the map is loaded, so its formatted text (and hash)
  is computed once (:class:`_FixedPath`);
* the counter's "is a child of" test is the same component-prefix test on the formatted text;
* a reference designator's indexes are kept per text (errors are not kept: they are raised
  again, by pyx12's own code, each time);
* an element with none of the control characters pyx12 looks for is answered without looking
  up each of them; one that has any is checked by pyx12's own function (same order, same text);
* a segment's check against its map node depends on nothing but the two, and an 834 repeats
  many segments word for word, so the answer for a (node, segment text) pair is kept (the
  30,000 most recent pairs) and handed out again (it is only read).

:func:`accelerated` installs them for the duration of a ``with`` block and puts pyx12's own back
afterwards (nested and concurrent use is counted). The parity tests run pyx12 with and without
them on every public sample and on mutated files and require the same findings.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyx12.map_if._base as _map_base
import pyx12.map_if._segment as _map_segment
import pyx12.nodeCounter as _node_counter
import pyx12.path as _path
import pyx12.segment as _segment
import pyx12.validation as _validation


class _FixedPath(_path.X12Path):
    """An X12Path whose text never changes (a map node's own path): formatted and hashed once."""

    __text: str
    __hash: int

    def __init__(self, path_str: str) -> None:
        super().__init__(path_str)
        text = _path.X12Path.__repr__(self)
        self.__text, self.__hash = text, hash(text)

    def __repr__(self) -> str:
        return self.__text

    def format(self) -> str:
        return self.__text

    def __hash__(self) -> int:
        return self.__hash

    __eq__ = _path.X12Path.__eq__


def _node_x12path(self: Any) -> _path.X12Path:
    if self._x12path:
        return self._x12path
    p = _FixedPath(self.get_path())
    self._x12path = p
    return p


def _reset_to_node(self: Any, xpath: Any) -> None:
    # X12Path.is_child_path: root's "/"-components are a strict prefix of the child's, which is
    # the child's text starting with the root's text followed by "/".
    prefix = _node_counter.NodeCounter.makeX12Path(xpath).format() + "/"
    state = self._dict
    for key in [k for k in state if k.format().startswith(prefix)]:
        del state[key]


_REFDES: dict[str, tuple[str | None, int | None, int | None]] = {}


def _parse_refdes(self: Any, ref_des: str) -> tuple[int | None, int | None]:
    known = _REFDES.get(ref_des)
    if known is None:
        xp = _path.X12Path(ref_des)  # raises for a bad designator, as pyx12 does
        known = (xp.seg_id, xp.ele_idx, xp.subele_idx)
        if len(_REFDES) < 10_000:
            _REFDES[ref_des] = known
    seg_id, ele_idx, subele_idx = known
    if seg_id is not None and seg_id != self.seg_id:
        raise _segment.EngineError(
            f"Invalid Reference Designator: {ref_des}, seg_id: {self.seg_id}"
        )
    return (
        ele_idx - 1 if ele_idx is not None else None,
        subele_idx - 1 if subele_idx is not None else None,
    )


_ORIGINAL_CONTROL = _validation.contains_control_character
# the characters pyx12's contains_control_character looks for (its two tables)
_CONTROL = re.compile("[\x01-\x07\x09-\x0d\x11-\x17\x1c-\x1f]")


def _contains_control_character(
    str_val: str, charset: str = "B", icvn: str = "00401"
) -> tuple[bool, str | None]:
    if _CONTROL.search(str_val) is None:
        return (False, None)
    return _ORIGINAL_CONTROL(str_val, charset, icvn)


_ORIGINAL_SEGMENT_CHECK = _map_segment.segment_if.is_valid_errors
_CHECKED: dict[tuple[int, str], Any] = {}
_CHECKED_MAX = 30_000


def _segment_is_valid_errors(self: Any, seg_data: Any) -> Any:
    # A pure function of the map node and the segment's text (it reads nothing else), and an
    # 834 repeats many segments word for word (dates, LX, category names, plan lines).
    # The entry holds the node itself, so the node lives as long as its entry and its id() is
    # never reused for another node while the entry stands.
    key = (id(self), seg_data.format())
    known = _CHECKED.get(key)
    if known is None:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        known = _CHECKED[key] = (self, _ORIGINAL_SEGMENT_CHECK(self, seg_data))
    return known[1]


_PATCHES: tuple[tuple[Any, str, Any], ...] = (
    (_map_base.x12_node, "x12path", property(_node_x12path, None, None)),
    (_node_counter.NodeCounter, "reset_to_node", _reset_to_node),
    (_segment.Segment, "_parse_refdes", _parse_refdes),
    (_validation, "contains_control_character", _contains_control_character),
    (_map_segment.segment_if, "is_valid_errors", _segment_is_valid_errors),
)
_lock = threading.Lock()
_users = 0
_saved: list[tuple[Any, str, Any]] = []


@contextmanager
def accelerated() -> Iterator[None]:
    """pyx12 with the stand-ins above while the block runs."""
    global _users
    with _lock:
        if _users == 0:
            _saved[:] = [(owner, name, owner.__dict__[name]) for owner, name, _ in _PATCHES]
            for owner, name, value in _PATCHES:
                setattr(owner, name, value)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                for owner, name, value in _saved:
                    setattr(owner, name, value)
                _saved.clear()
