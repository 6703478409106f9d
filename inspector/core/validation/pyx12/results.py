"""pyx12's errors as the inspector's findings, and pyx12's 999/997 of the same run.

pyx12's "line" numbers are segment ordinals (ISA = 1), counted exactly like the store's (see
:mod:`.feed`). Envelope-level errors (SE/GE/IEA counts and control numbers) are reported by pyx12
at the opening segment (ST/GS/ISA); that ordinal is kept and the trailer's ordinal goes in
``extra["detected_at_segment"]``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyx12.error_997
import pyx12.error_999
import pyx12.error_handler

from inspector.core.findings import Finding, Source
from inspector.core.validation.pyx12.messages import describe, loop_id

IG: Source = "implementation-guide"


def own_finding(
    code: str,
    message: str,
    segment: int | None,
    *,
    severity: Any = "error",
    source: Any = "envelope",
    **kw: Any,
) -> Finding:
    """A finding the adapter makes itself (file hygiene, envelope repairs, pyx12 failures)."""
    return Finding(
        severity=severity, code=code, message=message, segment=segment, source=source, **kw
    )


class CapturingErrh(pyx12.error_handler.err_handler):
    """pyx12's error tree (needed for the 999) that also hands every error to ``sink``.

    The ordinal is computed exactly as ``err_handler`` does for its log lines, so it equals what
    bare pyx12 prints.
    """

    def __init__(self, sink: Callable[..., None], log: ErrhLog | None = None) -> None:
        super().__init__()
        self._sink = sink
        self.log = log
        self.seg_map_node: Any = None
        self.ele_map_node: Any = None

    # -- the tree (recorded in ``log`` when there is one, to be replayed by a parent) ----------
    def add_isa_loop(self, seg_data: Any, src: Any) -> None:
        super().add_isa_loop(seg_data, src)
        if self.log is not None:
            self.log.tree("add_isa_loop", seg_data, SrcState.of(src))

    def add_gs_loop(self, seg_data: Any, src: Any) -> None:
        super().add_gs_loop(seg_data, src)
        if self.log is not None:
            self.log.tree("add_gs_loop", seg_data, SrcState.of(src))

    def add_st_loop(self, seg_data: Any, src: Any) -> None:
        super().add_st_loop(seg_data, src)
        if self.log is not None:
            self.log.tree("add_st_loop", seg_data, SrcState.of(src))

    def close_isa_loop(self, node: Any, seg: Any, src: Any) -> None:
        super().close_isa_loop(node, seg, src)
        if self.log is not None:
            self.log.tree("close_isa_loop", None, seg, SrcState.of(src))

    def close_gs_loop(self, node: Any, seg: Any, src: Any) -> None:
        super().close_gs_loop(node, seg, src)
        if self.log is not None:
            self.log.tree("close_gs_loop", None, seg, SrcState.of(src))

    def close_st_loop(self, node: Any, seg: Any, src: Any) -> None:
        super().close_st_loop(node, seg, src)
        if self.log is not None:
            self.log.tree("close_st_loop", None, seg, SrcState.of(src))

    def add_seg(
        self, map_node: Any, seg_data: Any, seg_count: int, cur_line: int, ls_id: Any
    ) -> None:
        super().add_seg(map_node, seg_data, seg_count, cur_line, ls_id)
        self.seg_map_node = map_node
        if self.log is not None:
            self.log.add_seg(SegStub.of(map_node), _SegId(seg_data), seg_count, cur_line, ls_id)

    def add_ele(self, map_node: Any) -> None:
        super().add_ele(map_node)
        self.ele_map_node = map_node
        if self.log is not None:
            self.log.error("add_ele", EleStub.of(map_node))

    # -- errors ------------------------------------------------------------------------------
    def isa_error(self, err_cde: str, err_str: str) -> None:
        super().isa_error(err_cde, err_str)
        if self.log is not None:
            self.log.error("isa_error", err_cde, err_str)
        self._sink("ISA", err_cde, err_str, None, self.cur_isa_node.get_cur_line(), None)

    def gs_error(self, err_cde: str, err_str: str) -> None:
        super().gs_error(err_cde, err_str)
        if self.log is not None:
            self.log.error("gs_error", err_cde, err_str)
        self._sink("GS", err_cde, err_str, None, self.cur_gs_node.get_cur_line(), None)

    def st_error(self, err_cde: str, err_str: str) -> None:
        super().st_error(err_cde, err_str)
        if self.log is not None:
            self.log.error("st_error", err_cde, err_str)
        self._sink("ST", err_cde, err_str, None, self.cur_st_node.get_cur_line(), None)

    def st_error_quiet(self, err_cde: str, err_str: str) -> None:
        """An ST error for the 999 only (the caller reports it itself)."""
        pyx12.error_handler.err_handler.st_error(self, err_cde, err_str)
        if self.log is not None:
            self.log.error("st_error", err_cde, err_str)

    def seg_error(
        self, err_cde: str, err_str: str, err_value: Any = None, src_line: Any = None
    ) -> None:
        super().seg_error(err_cde, err_str, err_value, src_line)
        if self.log is not None:
            self.log.error("seg_error", err_cde, err_str, err_value, src_line)
        line = src_line or (self.cur_seg_node.get_cur_line() if self.cur_seg_node else None)
        self._sink("SEG", err_cde, err_str, err_value, line, None)

    def ele_error(self, err_cde: str, err_str: str, bad_value: Any, refdes: Any = None) -> None:
        super().ele_error(err_cde, err_str, bad_value, refdes)
        if self.log is not None:
            self.log.error("ele_error", err_cde, err_str, bad_value, refdes)
        self._sink("ELE", err_cde, err_str, bad_value, self.cur_seg_node.get_cur_line(), refdes)


# -- recording pyx12's error tree in one process and building it again in another --------------
#
# pyx12 builds its 999 from the error tree (``err_handler``) of one run. A run split over worker
# processes (see :mod:`.chunked`) records every call that shapes the tree, with what the call
# reads of its arguments (a map node's name and position, the reader's counters at that moment),
# and the parent replays the calls of the parts each worker is responsible for, in file order,
# on one fresh ``err_handler``: the same calls in the same order give the same tree.


@dataclass(frozen=True)
class SrcState:
    """What pyx12's error tree reads of its X12Reader when a loop opens or closes."""

    isa_id: str | None
    gs_id: str | None
    st_id: str | None
    cur_line: int
    st_count: int

    @classmethod
    def of(cls, src: Any) -> SrcState:
        return cls(
            src.get_isa_id(), src.get_gs_id(), src.get_st_id(), src.get_cur_line(), src.st_count
        )

    def get_isa_id(self) -> str | None:
        return self.isa_id

    def get_gs_id(self) -> str | None:
        return self.gs_id

    def get_st_id(self) -> str | None:
        return self.st_id

    def get_cur_line(self) -> int:
        return self.cur_line


@dataclass(frozen=True)
class SegStub:
    """What ``err_seg`` reads of a segment's map node."""

    name: str
    pos: int

    @classmethod
    def of(cls, node: Any) -> SegStub | None:
        return None if node is None else cls(node.name, node.pos)


@dataclass(frozen=True)
class _Composite:
    composite: bool
    seq: int

    def is_composite(self) -> bool:
        return self.composite


@dataclass(frozen=True)
class EleStub:
    """What ``err_ele`` reads of an element's map node."""

    data_ele: str | None
    name: str | None
    seq: int
    parent: _Composite

    @classmethod
    def of(cls, node: Any) -> EleStub:
        composite = bool(node.parent.is_composite())
        seq = node.parent.seq if composite else 0  # err_ele reads it of a composite only
        return cls(node.data_ele, node.name, node.seq, _Composite(composite, seq))


class _SegId:
    """A segment as ``err_seg`` reads it (its id only)."""

    __slots__ = ("seg_id",)

    def __init__(self, seg: Any) -> None:
        self.seg_id = seg.get_seg_id()

    def get_seg_id(self) -> str | None:
        return self.seg_id

    def __reduce__(self) -> Any:
        return (_seg_id, (self.seg_id,))


def _seg_id(seg_id: str | None) -> _SegId:
    stub = _SegId.__new__(_SegId)
    stub.seg_id = seg_id
    return stub


class ErrhLog:
    """The tree-shaping calls of one run, each with the run's phase at that moment.

    ``add_seg`` happens for every segment but matters only if an error follows before the next
    segment or loop change, so an ``add_seg`` directly followed by another (or by a loop
    opening/closing, which moves the tree's cursor too) is dropped: the log stays as small as
    the errors are few.
    """

    def __init__(self, phase: Callable[[], Any]) -> None:
        self.phase = phase
        self.calls: list[tuple[Any, str, tuple[Any, ...]]] = []
        self._last_is_seg = False

    def _drop_idle_seg(self) -> None:
        if self._last_is_seg:
            self.calls.pop()
            self._last_is_seg = False

    def tree(self, name: str, *args: Any) -> None:
        self._drop_idle_seg()
        self.calls.append((self.phase(), name, args))

    def add_seg(self, *args: Any) -> None:
        self._drop_idle_seg()
        self.calls.append((self.phase(), "add_seg", args))
        self._last_is_seg = True

    def error(self, name: str, *args: Any) -> None:
        self.calls.append((self.phase(), name, args))
        self._last_is_seg = False


def replay(calls: Iterable[tuple[str, tuple[Any, ...]]]) -> pyx12.error_handler.err_handler:
    """A fresh error tree built from recorded calls (see :class:`ErrhLog`)."""
    errh = pyx12.error_handler.err_handler()
    with _quiet_errh():
        for name, args in calls:
            getattr(pyx12.error_handler.err_handler, name)(errh, *args)
    return errh


@contextmanager
def _quiet_errh() -> Iterator[None]:
    log = logging.getLogger("pyx12.error_handler")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)


@dataclass
class Cursor:
    """Where pyx12 is: what its errors are placed and explained with (also read by
    :func:`~.messages.describe`)."""

    errh: CapturingErrh | None = None
    reader: Any = None  # pyx12's X12Reader
    cur_line: int = 0  # ordinal of the segment pyx12 is working on
    seg: Any = None  # that segment (pyx12 Segment)
    node: Any = None  # its map node (or the last one placed)
    detail: Any = None  # original pyx12 EleError behind a segment-level "8"
    in_walk: bool = False  # errors come from the map walker
    prev: tuple[int, str | None, Any] = (0, None, None)  # line, segment id, map node
    env_ids: dict[int, str] = field(default_factory=dict)  # ISA/GS/ST/SE/GE/IEA ids by ordinal

    def seg_id_at(self, line: int | None) -> str | None:
        if line == self.cur_line and self.seg is not None:
            return str(self.seg.get_seg_id())
        if line in self.env_ids:
            return self.env_ids[line]
        # reader errors of a segment the walker could not place are handled one segment later
        return self.prev[1] if line == self.prev[0] else None


def pyx12_finding(
    cur: Cursor, kind: str, code: str, text: str, value: Any, line: int | None, refdes: Any
) -> Finding:
    """One error pyx12 reported (``kind`` ISA/GS/ST/SEG/ELE) as a located, explained finding."""
    extra: dict[str, Any] = {"pyx12_message": text, "pyx12_level": kind, "pyx12_code": code}
    seg_id, element, name, loop = cur.seg_id_at(line), None, None, loop_id(cur.node)
    if kind in ("ISA", "GS", "ST"):
        loop = f"{kind}_LOOP"
        if line != cur.cur_line:  # trailer problems are reported at the opening segment
            extra["detected_at_segment"] = cur.cur_line
    elif kind == "SEG":
        loop, element, name = _segment_context(cur, code, line, seg_id, loop, extra)
    else:
        node = cur.errh.ele_map_node if cur.errh is not None else None
        element = refdes if isinstance(refdes, str) else None
        name = node.name if node is not None else None
        if value is None and code == "10" and element and line == cur.cur_line:
            value = cur.seg.get_value(element)  # pyx12 omits the unwanted value
    return Finding(
        severity="error",
        code=f"IG-{kind}-{code}",
        message=describe(kind, code, text, value, seg_id, element, name, cur),
        segment=line,
        segment_id=seg_id,
        element=element,
        value=value,
        loop=loop,
        source=IG,
        extra=extra,
    )


def _segment_context(
    cur: Cursor,
    code: str,
    line: int | None,
    seg_id: str | None,
    loop: str | None,
    extra: dict[str, Any],
) -> tuple[str | None, str | None, str | None]:
    """Loop, element and element name of a segment-level error (fills ``extra``)."""
    errh = cur.errh
    assert errh is not None
    element = name = None
    if line == cur.prev[0]:
        loop = loop_id(cur.prev[2])
    elif cur.in_walk and code != "2" and errh.seg_map_node is not None:
        loop = loop_id(errh.seg_map_node)
    if code == "3":
        extra["missing_segment"] = errh.cur_seg_node.seg_id
        name = errh.seg_map_node.name if errh.seg_map_node is not None else None
    detail = cur.detail
    if detail is not None:
        extra["pyx12_detail_code"] = detail.err_cde
        ref = detail.refdes
        element = ref if isinstance(ref, str) else f"{seg_id}{ref:02d}" if ref else None
    return loop, element, name


def build_ack(cur: Cursor, completed: bool) -> tuple[str | None, str | None, str | None]:
    """pyx12's acknowledgment of the run: (text, "999" or "997", why there is none)."""
    if not completed:
        return None, None, "the implementation-guide check did not complete"
    return ack_from_tree(cur.errh, cur.reader.get_term() if cur.reader is not None else None)


def ack_from_tree(errh: Any, term: Any) -> tuple[str | None, str | None, str | None]:
    """The 999 (997 for 004010) pyx12's visitor writes for the error tree ``errh``; ``term`` is
    the reader's delimiters (``X12Reader.get_term()``)."""
    if errh is None or errh.cur_isa_node is None or errh.cur_gs_node is None:
        return None, None, "the file has no ISA/GS envelope pyx12 could read"
    kind = "997" if (errh.cur_gs_node.vriic or "").startswith("004010") else "999"
    visitor = (
        pyx12.error_997.error_997_visitor if kind == "997" else pyx12.error_999.error_999_visitor
    )
    out = io.StringIO()
    try:
        _patch_for_ack(errh)
        errh.accept(visitor(out, term))
    except Exception as exc:  # pyx12's visitors assume a well-formed error tree
        return None, None, f"pyx12 could not build the {kind}: {type(exc).__name__}: {exc}"
    return out.getvalue(), kind, None


def _patch_for_ack(errh: Any) -> None:
    """Work around two pyx12 4.0.0 visitor crashes on a transaction set with a bad ST segment."""
    for isa in errh.children:
        for gs in isa.children:
            for st in gs.children:
                # AK2 needs ST01-03; without ST03 (or ST02) the visitors raise EngineError.
                st.trn_set_id = st.trn_set_id or "834"
                st.trn_set_control_num = st.trn_set_control_num or ""
                st.vriic = st.vriic or gs.vriic
                # Only ST01/ST02 have an IK5 code; an ST03 error raises KeyError. Still reject.
                if any(ele.ele_pos > 2 for ele in st.elements):
                    st.elements = [ele for ele in st.elements if ele.ele_pos <= 2]
                    st.errors.append(("5", "ST03 error"))
                    st.ack_code = "R"
                    gs.ack_code = gs.ack_code and gs._get_ack_code()  # AK901 was decided at GE
