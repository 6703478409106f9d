"""Plain-English messages for pyx12's error codes (used by :mod:`.results`).

pyx12's own texts are terse ("Mandatory element missing"); a clerk needs to know what is wrong,
where, and what a fix looks like. These functions read pyx12's map nodes and segments by duck
typing only, so this module does not import pyx12 itself.
"""

from __future__ import annotations

import re
from typing import Any


def loop_id(node: Any) -> str | None:
    while node is not None and not node.is_map_root():
        if node.is_loop():
            return str(node.id)
        node = node.parent
    return None


def _fmt(value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    text = str(value)
    return f"'{text}'" if text.isascii() and text.isprintable() else repr(text)


def _codes_hint(node: Any) -> str:
    codes = list(getattr(node, "valid_codes", None) or [])
    if codes:
        return " Allowed codes: " + ", ".join(codes[:15]) + (", …." if len(codes) > 15 else ".")
    ext = getattr(node, "external_codes", None)
    return f" It must come from the external code list '{ext}'." if ext else ""


# Envelope errors: (level, code) -> (regex over pyx12's text, message using the regex groups).
_ENVELOPE_MESSAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("ST", "2"): ("", "The transaction set has no SE trailer; the file may be cut off."),
    ("ST", "3"): (
        r"SE id=(\S*) does not match ST id=(\S*)",
        "SE02 '{0}' does not match ST02 '{1}'; they must be identical.",
    ),
    ("ST", "4"): (
        r"count of (\S*) .* I count (\d+)",
        "SE01 says the transaction set has {0} "
        "segments, but it has {1} (ST and SE included). Change SE01 to {1}.",
    ),
    ("ST", "23"): ("", "ST02 (transaction set control number) is used twice in this group."),
    ("GS", "3"): ("", "The functional group is not closed properly: a GE (or an SE) is missing."),
    ("GS", "4"): (
        r"GE id=(\S*) does not match GS id=(\S*)",
        "GE02 '{0}' does not match GS06 '{1}'; they must be identical.",
    ),
    ("GS", "5"): (
        r"count of (\S*) .* I count (\d+)",
        "GE01 says {0} transaction sets, but the group has {1}. Change GE01 to {1}.",
    ),
    ("GS", "6"): ("", "GS06 (group control number) is used twice in the file; make it unique."),
    ("ISA", "001"): (
        r"IEA id=(\S*) does not match ISA id=(\S*)",
        "IEA02 '{0}' does not match ISA13 '{1}'; they must be identical.",
    ),
    ("ISA", "021"): ("", "IEA01 must equal the number of functional groups (GS) in the file."),
    ("ISA", "023"): ("", "The interchange has no IEA trailer; the file may be cut off."),
    ("ISA", "024"): ("", "A functional group was not closed with GE before the IEA."),
    ("ISA", "025"): ("", "ISA13 (interchange control number) is used twice in the file."),
}


def _element_message(
    code: str, text: str, value: Any, label: str, run: Any, element: str | None
) -> str | None:
    node = run.errh.ele_map_node if run.errh else None
    shown = _fmt(value)
    if code == "1":
        return f"{label} is required but empty. Fill it in.{_codes_hint(node)}"
    if code in ("4", "5"):
        low, high = getattr(node, "min_len", "?"), getattr(node, "max_len", "?")
        size = f"exactly {low}" if low == high else f"{low} to {high}"
        trail = " It ends with spaces; remove them." if str(value).endswith(" ") else ""
        return (
            f"{label} {shown} is too {'long' if code == '5' else 'short'}: it must have {size} "
            f"character(s).{trail}"
        )
    if code == "6" and "control character" in text:
        return (
            f"{label} contains a control character {value} (often a line break inside the "
            "value). Remove it so the value stays on one line."
        )
    if code == "6" and "trailing spaces" in text:
        return f"{label} {shown} ends with unnecessary spaces; remove them."
    if code == "6" and "invalid composite" in text:
        comp = run.reader.subele_term if run.reader else ":"
        return (
            f"{label} contains the component separator '{comp}' but is a single value. "
            f"Remove the '{comp}', or check ISA16 (the component separator)."
        )
    if code == "6":
        return (
            f"{label} {shown} has characters X12 does not allow (use letters, digits and "
            "common punctuation; no accents or special symbols)."
        )
    if code == "7":
        if "regular expression" in text:
            return f"{label} {shown} does not have the expected format."
        return f"{label} {shown} is not an allowed code.{_codes_hint(node)}"
    if code == "8":
        fmt = "dates are written CCYYMMDD, e.g. 19750820"
        if element == "ISA09":
            fmt = "the ISA date is written YYMMDD, e.g. 240131"
        elif element == "DTP03" and run.seg is not None and run.seg.get_value("DTP02") == "RD8":
            fmt = "a date range is written CCYYMMDD-CCYYMMDD, e.g. 20240101-20241231"
        return f"{label} {shown} is not a valid date; {fmt}."
    if code == "9":
        return f"{label} {shown} is not a valid time; times are written HHMM, e.g. 1305."
    if code == "10":
        return f"{label} must be left empty in this guide (it is 'not used'), but has {shown}."
    return None


def _segment_message(code: str, text: str, seg_id: str | None, run: Any) -> str | None:
    if code == "1" and "leading space" in text:
        return (
            "Segment starts with spaces: the whitespace after the previous terminator "
            "includes spaces or indentation. Remove the spaces between segments."
        )
    if code == "1" and "not found" in text:
        what = text.split()[1]
        return (
            f"Segment {what} is not expected at this point (loop {loop_id(run.node)}): it may "
            "be out of order, use a qualifier this guide does not allow here, or belong to a "
            "different guide."
        )
    if code == "1":
        return f"'{seg_id}' is not a valid segment name; check the spelling and separators."
    if code == "2":
        return f"{text.split(' found')[0]} is not used in this guide; remove it."
    if code == "3":
        missing = re.search(r'"(.*)" \((\w+)\) missing', text)
        thing = "loop" if "loop" in text else "segment"
        ident = f"{missing.group(2)} ({missing.group(1)})" if missing else text
        return (
            f"Required {thing} {ident} is missing. pyx12 noticed the gap at this {seg_id} "
            f"segment; add the missing {thing} before it."
        )
    if code in ("4", "5"):
        counts = re.search(r"Found (\d+), should have (\d+)", text)
        found = f" ({counts.group(1)} found, at most {counts.group(2)} allowed)" if counts else ""
        return f"{text.split(' exceeded')[0]} repeats more often than the guide allows{found}."
    if code == "8" and "is empty" in text:
        return f"Segment {seg_id} has no data; fill in its elements or remove it."
    if code == "8" and "Too many elements" in text:
        return f"Segment {seg_id} has more elements than the guide allows; remove the extra ones."
    if code == "8" and "Syntax Error" in text:
        return f"Segment {seg_id} breaks an element pairing rule: {text.split('): ', 1)[-1]}."
    if code == "SEG1":
        return (
            f"Segment {seg_id} ends with an empty element (a separator right before the "
            "terminator); remove the trailing separator(s)."
        )
    return None


def describe(
    kind: str,
    code: str,
    text: str,
    value: Any,
    seg_id: str | None,
    element: str | None,
    name: str | None,
    run: Any,
) -> str:
    """Plain-English message for one pyx12 error (pyx12's own text stays in ``extra``)."""
    label = f"Segment {seg_id}"
    if element:
        label = f"Element {element}" + (f" ({name})" if name else "")
    message: str | None = None
    if kind == "ELE":
        message = _element_message(code, text, value, label, run, element)
    elif kind == "SEG":
        message = _segment_message(code, text, seg_id, run)
    elif (kind, code) in _ENVELOPE_MESSAGES:
        pattern, template = _ENVELOPE_MESSAGES[kind, code]
        found = re.search(pattern, text) if pattern else None
        if found or not pattern:
            message = template.format(*(found.groups() if found else ()))
    return message or f"{label}: {text}"
