"""Element names for the detail pane and the segments view's tooltips.

The implementation guide names every element (pyx12's maps hold the TR3's names, per loop:
NM103 is "Subscriber Last Name" in 2100A and "Employer Name" in 1000A). Those are read once from
the map files pyx12 ships; the clerk-worded short names of :mod:`inspector.gui.editing
.element_names` fill in what a map does not name. Pure Python (no Qt), read lazily.
"""

from __future__ import annotations

import functools
import importlib.resources
import xml.etree.ElementTree as ET

from inspector.gui.editing.element_names import element_name as short_name

GUIDE_MAPS = {
    "004010X095A1": ("834.4010.X095.A1.xml", "x12.control.00401.xml"),
    "005010X220A1": ("834.5010.X220.A1.xml", "x12.control.00501.xml"),
}
DEFAULT_GUIDE = "005010X220A1"

#: (loop or "", segment id) -> element position (1-based) -> name
Names = dict[tuple[str, str], dict[int, str]]


@functools.cache
def guide_names(guide: str = DEFAULT_GUIDE) -> Names:
    """Every element name of one guide's map (and its envelope map), by loop and segment.

    ``("", "DMG")`` holds the first loop's names, for a segment whose loop is not known.
    """
    files = GUIDE_MAPS.get(guide) or GUIDE_MAPS[DEFAULT_GUIDE]
    names: Names = {}
    for file in files:
        try:
            source = importlib.resources.files("pyx12").joinpath("map", file)
            root = ET.fromstring(source.read_bytes())
        except (OSError, ET.ParseError, ModuleNotFoundError):
            continue  # no map: the short names still serve
        _walk(root, "", names)
    return names


def _walk(node: ET.Element, loop: str, names: Names) -> None:
    for child in node:
        if child.tag == "loop":
            _walk(child, child.get("xid") or loop, names)
        elif child.tag == "segment":
            seg = child.get("xid") or ""
            found: dict[int, str] = {}
            for element in child:  # direct children: a composite is one element
                if element.tag not in ("element", "composite"):
                    continue
                xid = element.get("xid") or ""
                seq, name = element.findtext("seq"), element.findtext("name")
                if seq and seq.isdigit() and name and xid.startswith(seg):
                    found[int(seq)] = " ".join(name.split())
            names.setdefault((loop, seg), found)
            names.setdefault(("", seg), found)
        elif child.tag not in ("element", "composite"):
            _walk(child, loop, names)


def element_label(
    segment_id: str, position: int, loop_path: str = "", guide: str = DEFAULT_GUIDE
) -> str:
    """The guide's name of element ``position`` of ``segment_id`` in the loop ``loop_path``
    ("2000/2100A": the innermost loop counts); the short name if the guide has none; "" if
    neither knows it."""
    names = guide_names(guide)
    loop = loop_path.rsplit("/", 1)[-1] if loop_path else ""
    for key in ((loop, segment_id), ("", segment_id)):
        name = names.get(key, {}).get(position)
        if name:
            return name
    return short_name(segment_id, position)


def segment_name(segment_id: str, loop_path: str = "", guide: str = DEFAULT_GUIDE) -> str:
    """The segment's name in the guide ("Member Demographics"), or ""."""
    return _segment_names(guide).get(
        (loop_path.rsplit("/", 1)[-1] if loop_path else "", segment_id)
    ) or _segment_names(guide).get(("", segment_id), "")


@functools.cache
def _segment_names(guide: str) -> dict[tuple[str, str], str]:
    files = GUIDE_MAPS.get(guide) or GUIDE_MAPS[DEFAULT_GUIDE]
    found: dict[tuple[str, str], str] = {}
    for file in files:
        try:
            root = ET.fromstring(
                importlib.resources.files("pyx12").joinpath("map", file).read_bytes()
            )
        except (OSError, ET.ParseError, ModuleNotFoundError):
            continue
        _walk_segments(root, "", found)
    return found


def _walk_segments(node: ET.Element, loop: str, found: dict[tuple[str, str], str]) -> None:
    for child in node:
        if child.tag == "loop":
            _walk_segments(child, child.get("xid") or loop, found)
        elif child.tag == "segment":
            seg, name = child.get("xid") or "", " ".join((child.findtext("name") or "").split())
            if name:
                found.setdefault((loop, seg), name)
                found.setdefault(("", seg), name)


def guide_of(transactions, ordinal: int) -> str:
    """The guide (ST03/GS08) of the transaction set holding segment ``ordinal``."""
    guide = DEFAULT_GUIDE
    for st in transactions:
        if st.st <= ordinal:
            guide = st.guide if st.guide in GUIDE_MAPS else guide
        else:
            break
    return guide
