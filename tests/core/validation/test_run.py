"""The validation stream (envelope + business rules + pyx12) as the CLI, the GUI and exports use it."""

from __future__ import annotations

import re

import pytest
import pyx12.params
import pyx12.x12n_document

from inspector.core.errors import Cancelled
from inspector.core.records.document import load
from inspector.core.validation.run import PYX12_TWINS, validate_document, validation_stream
from tests.conftest import sample_files
from tests.core.validation.test_pyx12_adapter import pyx12_log  # noqa: F401  (fixture)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name[:60])
def test_inspector_reports_every_bare_pyx12_error_at_its_segment(path, pyx12_log):  # noqa: F811
    try:
        pyx12.x12n_document.x12n_document(pyx12.params.ParamsBase(), str(path), None, None)
    except Exception as exc:  # bare pyx12 crashes on BOMs, non-ASCII, unknown GS08
        pytest.skip(f"bare pyx12 cannot read it: {type(exc).__name__}")
    bare = set()
    for message in pyx12_log.messages:
        m = re.search(r"Line:(\d+) (ISA|GS|ST|SEG|ELE):(\S+) - ", message)
        if m:
            bare.add((int(m.group(1)), f"IG-{m.group(2)}-{m.group(3)}"))
    findings = validate_document(load(path))
    mine = {(f.segment, f.code) for f in findings}
    codes = {f.code for f in findings}
    for ordinal, code in sorted(bare):
        if (ordinal, code) in mine:
            continue
        twin = PYX12_TWINS.get(code)
        if twin is not None and twin.same == "element":  # said by the rule, on the same segment
            assert (ordinal, twin.own) in mine, (ordinal, code)
            continue
        # reported once, by the envelope check, on the trailer element that is wrong
        assert twin is not None and twin.own in codes, (ordinal, code)


def test_findings_are_located_and_ordered(sample):
    doc = load(sample("healthsim__pcp-change-834.edi"))
    findings = validate_document(doc)
    assert [f.segment for f in findings] == sorted(f.segment for f in findings)
    masked = [f for f in findings if f.code == "RULE-SSN-FORMAT"]
    assert masked and all(
        f.member_pos and f.subscriber_id and f.loop == "2000/2100A" for f in masked
    )
    se = next(f for f in findings if f.code == "ENV-SE01-COUNT")
    assert (se.segment, se.element, se.member_pos) == (90, "SE01", None)
    assert not any(f.code == "IG-ST-4" for f in findings)  # the same problem is not said twice


def test_streaming_progress_and_cancel(sample):
    doc = load(sample("x12-types__parse_834_2_emedny-MCE834Sample_2.txt"))
    streamed, ticks = [], []
    for batch in validation_stream(doc, progress=lambda d, t: ticks.append((d, t))):
        streamed.extend(batch.findings)
    found = validate_document(doc)
    assert sorted(streamed, key=lambda f: (f.segment or 0, f.code)) == sorted(
        found, key=lambda f: (f.segment or 0, f.code)
    )
    assert ticks and ticks[-1][0] == ticks[-1][1]
    with pytest.raises(Cancelled):
        validate_document(doc, cancel=lambda: True)


def test_clean_synthetic_file_has_no_errors_or_warnings(tmp_path):
    from tests.support.synthetic import write_834

    path = write_834(tmp_path / "clean.834", 60, seed=3)
    findings = validate_document(load(path), profiles=["ffe"])
    assert [f for f in findings if f.severity in ("error", "warning")] == []


# -- twins: one problem that two checks report is listed once ------------------------------------
def _segments() -> tuple[list[str], str]:
    from tests.support.synthetic import generate_834

    text = generate_834(3, seed=1)
    term = text[105]
    return text.split(term)[:-1], term  # each segment without its terminator


def _at(segs: list[str], tag: str) -> int:
    return next(i for i, s in enumerate(segs) if s.lstrip().startswith(tag + "*"))


def _set(segs: list[str], tag: str, n: int, value: str) -> list[str]:
    segs = list(segs)
    i = _at(segs, tag)
    parts = segs[i].split("*")
    parts[n] = value
    segs[i] = "*".join(parts)
    return segs


def _drop(segs: list[str], tag: str) -> list[str]:
    i = _at(segs, tag)
    return segs[:i] + segs[i + 1 :]


def _cut(segs: list[str], tag: str) -> list[str]:
    return segs[: _at(segs, tag)]  # the file ends just before the first ``tag`` segment


def _empty_segment(segs: list[str]) -> list[str]:
    i = _at(segs, "INS")
    return [*segs[: i + 1], "", *segs[i + 1 :]]


def _narrow_isa(segs: list[str]) -> list[str]:
    return [segs[0].replace("SAMPLEEXCHANGE ", "SAMPLEEXCHANGE"), *segs[1:]]


TWIN_FILES = {
    "IG-ST-2": lambda s: _cut(s, "SE"),
    "IG-ST-3": lambda s: _set(s, "SE", 2, "9999"),
    "IG-ST-4": lambda s: _set(s, "SE", 1, "7"),
    "IG-GS-3": lambda s: _cut(s, "GE"),
    "IG-GS-4": lambda s: _set(s, "GE", 2, "9999"),
    "IG-GS-5": lambda s: _set(s, "GE", 1, "5"),
    "IG-ISA-001": lambda s: _set(s, "IEA", 2, "999999999"),
    "IG-ISA-021": lambda s: _set(s, "IEA", 1, "5"),
    "IG-ISA-023": lambda s: _cut(s, "IEA"),
    "IG-ISA-024": lambda s: _drop(s, "GE"),
    "IG-ENC-BOM": None,  # bytes, below
    "IG-ENC-LEADING-WHITESPACE": None,
    "IG-ISA-WIDTH": _narrow_isa,
    "IG-EMPTY-SEGMENT": _empty_segment,
    "IG-ELE-8": lambda s: _set(s, "DMG", 2, "19810231"),
    "IG-GUIDE-UNSUPPORTED": lambda s: _set(
        _set(s, "GS", 8, "005010X307"), "ST", 3, "005010X307"
    ),  # the exchange 834: pyx12 has no map for it
}


def _twin_file(code: str) -> bytes:
    segs, term = _segments()
    if code == "IG-ENC-BOM":
        return b"\xef\xbb\xbf" + (term.join(segs) + term).encode("latin-1")
    if code == "IG-ENC-LEADING-WHITESPACE":
        return b"  \n" + (term.join(segs) + term).encode("latin-1")
    return (term.join(TWIN_FILES[code](segs)) + term).encode("latin-1")


def test_every_twin_has_a_file_that_shows_it():
    assert set(TWIN_FILES) == set(PYX12_TWINS)


@pytest.mark.parametrize("code", sorted(PYX12_TWINS))
def test_both_checks_fire_on_the_same_problem_and_one_finding_is_kept(code):
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12
    from inspector.core.validation.rules import run_rules

    data = _twin_file(code)
    twin = PYX12_TWINS[code]
    doc = load_store(read_bytes(data, "twin.834"))
    own = [f for f in [*doc.problems, *run_rules(doc)] if f.code == twin.own]
    theirs = [f for f in validate_with_pyx12(data).findings if f.code == code]
    assert len(own) == 1 and len(theirs) == 1, (own, theirs)  # both checks fire, once each
    if twin.same == "element":
        assert (theirs[0].segment, theirs[0].element) == (own[0].segment, own[0].element)
    elif twin.same == "segment":
        assert theirs[0].extra.get("detected_at_segment", theirs[0].segment) == own[0].segment
    elif twin.same == "value":
        assert theirs[0].value == own[0].value
    kept = [f for f in validate_document(doc) if f.code in (code, twin.own)]
    assert [f.code for f in kept] == [twin.own]


# -- the merger: the same batches whatever order the parts finish in ------------------------------
def _raw(doc):
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12
    from inspector.core.validation.rules import run_rules

    return list(doc.problems), run_rules(doc), validate_with_pyx12(doc.store.data).findings


def test_pyx12_findings_wait_for_the_rules_and_repeats_are_dropped():
    from inspector.core.reading.source import read_bytes
    from inspector.core.records.document import load_store
    from inspector.core.validation.run import ENVELOPE, GUIDE, RULES, BatchMerger

    segs, term = _segments()
    # a bad date that pyx12 and a rule both see, and a bad code that only pyx12 sees
    segs = _set(_set(segs, "DMG", 2, "19810231"), "INS", 3, "999")
    doc = load_store(read_bytes((term.join(segs) + term).encode(), "twin.834"))
    envelope, rules, guide = _raw(doc)
    merger = BatchMerger(doc, [RULES, GUIDE])
    assert merger.add(ENVELOPE, envelope) + merger.finish(ENVELOPE) == []  # a clean envelope
    assert merger.add(GUIDE, guide) == []  # held: the rule that says the same is not known yet
    assert merger.finish(GUIDE) == []  # pyx12 ended first: still held
    released = merger.add(RULES, rules)
    assert [b.source for b in released] == [RULES]
    released = merger.finish(RULES)
    assert [b.source for b in released] == [GUIDE] and merger.finished
    assert [f.code for f in released[0].findings] == ["IG-ELE-7"]  # IG-ELE-8 repeated the rule
    streamed = [f.code for b in validation_stream(doc) for f in b.findings if b.source == GUIDE]
    assert sorted(f.code for f in released[0].findings) == sorted(streamed)


def test_merged_batches_are_located_and_in_stream_order(sample):
    from inspector.core.validation.run import ENVELOPE, GUIDE, ORDER, RULES, BatchMerger

    doc = load(sample("healthsim__pcp-change-834.edi"))
    envelope, rules, guide = _raw(doc)
    merger = BatchMerger(doc, [RULES, GUIDE])
    out = merger.add(GUIDE, guide[:3]) + merger.add(ENVELOPE, envelope)
    out += merger.add(GUIDE, guide[3:]) + merger.finish(GUIDE) + merger.finish(ENVELOPE)
    out += merger.add(RULES, rules) + merger.finish(RULES)
    sources = [b.source for b in out]
    assert sources == sorted(sources, key=ORDER.index)
    got = sorted((f.segment or 0, f.code, f.member_pos or 0) for b in out for f in b.findings)
    want = sorted((f.segment or 0, f.code, f.member_pos or 0) for f in validate_document(doc))
    assert got == want
    with pytest.raises(ValueError):
        merger.add(RULES, rules)  # finished


def test_the_last_guide_batch_carries_the_pyx12_result_for_the_999(sample):
    doc = load(sample("healthsim__pcp-change-834.edi"))
    batches = list(validation_stream(doc))
    results = [b.pyx12_result for b in batches if b.pyx12_result is not None]
    assert len(results) == 1 and batches[-1].pyx12_result is results[0]
    assert results[0].ack and results[0].ack.startswith("ISA")
    assert not any(b.pyx12_result for b in validation_stream(doc, use_pyx12=False))


def test_stopping_the_stream_early_stops_pyx12(sample):
    import threading

    doc = load(sample("x12-types__parse_834_2_emedny-MCE834Sample_2.txt"))
    stream = validation_stream(doc, use_rules=False)
    next(stream)  # the envelope batch
    stream.close()
    assert not any(t.name == "inspector-pyx12" for t in threading.enumerate())
