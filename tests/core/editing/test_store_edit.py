"""SegmentStore.with_segment / spliced: the store's own way of replacing one segment's text."""

from __future__ import annotations

from inspector.core.reading.source import read_bytes
from tests.support.synthetic import generate_834_with_manifest


def _store(line_breaks: bool = True):
    text, _ = generate_834_with_manifest(6)
    if not line_breaks:
        text = text.replace("~\n", "~")
    return read_bytes(text.encode("ascii"), "in.834")


def _dmg(store) -> int:
    return next(o for o in range(1, len(store) + 1) if store.segment_id(o) == "DMG")


def test_with_segment_matches_a_fresh_read():
    store = _store()
    o = _dmg(store)
    before = store.data
    lines, ids = store.lines.copy(), list(store.ids)
    store.raw_span(1, len(store))  # fills the joint cache
    new = store.raw(o).replace("*D8*", "*D8*1", 1).encode("latin-1")  # one byte longer

    edited = store.with_segment(o, new)
    fresh = read_bytes(edited.data, "in.834")
    assert edited.data == store.spliced(o, new) == fresh.data
    assert edited.raw(o) == new.decode("latin-1")
    assert edited.starts.tolist() == fresh.starts.tolist()
    assert edited.ends.tolist() == fresh.ends.tolist()
    assert list(edited.ids) == list(fresh.ids) == ids
    assert edited.lines.tolist() == fresh.lines.tolist()
    assert edited.raw_span(1, len(edited)) == fresh.raw_span(1, len(fresh))
    assert edited.is_ascii and not edited.utf8
    # the original store is untouched
    assert store.data == before and store.lines.tolist() == lines.tolist()
    assert store.raw(o).encode("latin-1") != new


def test_with_segment_same_length_shares_offsets():
    store = _store(line_breaks=False)
    o = _dmg(store)
    raw = store.raw(o)
    new = (raw[:-1] + ("M" if raw[-1] != "M" else "F")).encode("latin-1")
    edited = store.with_segment(o, new)
    assert edited.starts is store.starts and edited.ends is store.ends
    assert edited.raw(o) == new.decode("latin-1")
    assert edited.raw_span(o - 1, o + 1) == [store.raw(o - 1), new.decode(), store.raw(o + 1)]


def test_line_numbers_follow_a_new_line_break():
    store = _store()
    o = _dmg(store)
    store.lines  # noqa: B018 - fills the cache that must not be carried over
    edited = store.with_segment(o, store.raw(o).encode("latin-1") + b"\n")
    fresh = read_bytes(edited.data, "in.834")
    assert edited.line(o + 1) == store.line(o + 1) + 1
    assert edited.lines.tolist() == fresh.lines.tolist()


def test_utf8_flags_are_those_of_the_new_bytes():
    store = _store()
    o = next(o for o in range(1, len(store) + 1) if store.segment_id(o) == "NM1")
    name = "JOS\u00c9".encode()
    edited = store.with_segment(o, store.raw(o).encode("latin-1") + b"*" + name)
    assert not edited.is_ascii and edited.utf8
    back = edited.with_segment(o, store.raw(o).encode("latin-1"))
    assert back.data == store.data and back.is_ascii
