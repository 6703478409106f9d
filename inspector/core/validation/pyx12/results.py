"""pyx12's errors as the inspector's findings, and pyx12's 999/997 of the same run.

pyx12's "line" numbers are segment ordinals (ISA = 1), counted exactly like the store's (see
:mod:`.feed`). Envelope-level errors (SE/GE/IEA counts and control numbers) are reported by pyx12
at the opening segment (ST/GS/ISA); that ordinal is kept and the trailer's ordinal goes in
``extra["detected_at_segment"]``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
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

    def __init__(self, sink: Callable[..., None]) -> None:
        super().__init__()
        self._sink = sink
        self.seg_map_node: Any = None
        self.ele_map_node: Any = None

    def add_seg(
        self, map_node: Any, seg_data: Any, seg_count: int, cur_line: int, ls_id: Any
    ) -> None:
        super().add_seg(map_node, seg_data, seg_count, cur_line, ls_id)
        self.seg_map_node = map_node

    def add_ele(self, map_node: Any) -> None:
        super().add_ele(map_node)
        self.ele_map_node = map_node

    def isa_error(self, err_cde: str, err_str: str) -> None:
        super().isa_error(err_cde, err_str)
        self._sink("ISA", err_cde, err_str, None, self.cur_isa_node.get_cur_line(), None)

    def gs_error(self, err_cde: str, err_str: str) -> None:
        super().gs_error(err_cde, err_str)
        self._sink("GS", err_cde, err_str, None, self.cur_gs_node.get_cur_line(), None)

    def st_error(self, err_cde: str, err_str: str) -> None:
        super().st_error(err_cde, err_str)
        self._sink("ST", err_cde, err_str, None, self.cur_st_node.get_cur_line(), None)

    def seg_error(
        self, err_cde: str, err_str: str, err_value: Any = None, src_line: Any = None
    ) -> None:
        super().seg_error(err_cde, err_str, err_value, src_line)
        line = src_line or (self.cur_seg_node.get_cur_line() if self.cur_seg_node else None)
        self._sink("SEG", err_cde, err_str, err_value, line, None)

    def ele_error(self, err_cde: str, err_str: str, bad_value: Any, refdes: Any = None) -> None:
        super().ele_error(err_cde, err_str, bad_value, refdes)
        self._sink("ELE", err_cde, err_str, bad_value, self.cur_seg_node.get_cur_line(), refdes)


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
    errh = cur.errh
    if not completed:
        return None, None, "the implementation-guide check did not complete"
    if errh is None or errh.cur_isa_node is None or errh.cur_gs_node is None:
        return None, None, "the file has no ISA/GS envelope pyx12 could read"
    kind = "997" if (errh.cur_gs_node.vriic or "").startswith("004010") else "999"
    visitor = (
        pyx12.error_997.error_997_visitor if kind == "997" else pyx12.error_999.error_999_visitor
    )
    out = io.StringIO()
    try:
        _patch_for_ack(errh)
        errh.accept(visitor(out, cur.reader.get_term()))
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
