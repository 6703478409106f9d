"""Tests of inspector.core.validation.pyx12.adapter against the public 834 samples and bare pyx12."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import pyx12.map_walker
import pyx12.params
import pyx12.x12n_document

from inspector.core.errors import Cancelled, InspectorError
from inspector.core.findings import Finding
from inspector.core.reading.source import read_bytes
from inspector.core.validation.pyx12.adapter import (
    Pyx12Result,
    build_999,
    validate_with_pyx12,
    write_999,
)
from tests.conftest import SAMPLES

ALL_FILES = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.name != "SOURCES.md")
CLEAN = [
    "pyx12__834_deident_new_enroll.txt",
    "pyx12__834_ls_le_ls.txt",
    "linuxforhealth-x12__add-dependent.834",
    "stupidedi__X220A1_add-subscriber-coverage.edi",
    "x12-types__parse_834_2_emedny-MCE834Sample_2.txt",
]

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample corpus not available")


def _read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _errors(result: Pyx12Result) -> list[Finding]:
    return [f for f in result.findings if f.severity == "error"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def pyx12_log():
    """Everything bare pyx12's error handler logs while the test runs."""
    logger = logging.getLogger("pyx12")
    handler, old = _Collect(), (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old[0])
    logger.propagate = old[1]


def _segment_ids(data: bytes) -> list[str]:
    """Independent split for files bare pyx12 can read (ASCII, ISA at byte 0, 106 long)."""
    text = data.decode("ascii")
    return [p.lstrip(" \t\r\n").split(text[3])[0] for p in text.split(text[105])]


# -- (a) never raises ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_adapter_never_raises(path: Path) -> None:
    result = validate_with_pyx12(path.read_bytes())
    assert isinstance(result, Pyx12Result)
    assert result.segments_seen <= result.total_segments or not result.completed
    for f in result.findings:
        assert f.code.startswith("IG-") and f.code != "IG-INTERNAL", f
        assert f.severity in ("error", "warning", "info")
        assert f.source in ("implementation-guide", "envelope")
        assert f.segment is None or 1 <= f.segment <= max(result.total_segments, 1) + 1
        assert f.subscriber_id is None and f.member_pos is None
    if result.completed and result.guide:
        assert result.ack is not None, result.ack_unavailable


# -- (b) same (ordinal, code) as bare pyx12 ------------------------------------------------------
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_matches_bare_pyx12(path: Path, pyx12_log: _Collect) -> None:
    try:
        ok = pyx12.x12n_document.x12n_document(pyx12.params.ParamsBase(), str(path), None, None)
    except Exception as exc:  # UnicodeDecodeError (BOM, non-ASCII), EngineError (unknown GS08)
        pytest.skip(f"bare pyx12 cannot read it: {type(exc).__name__}")
    bare = []
    for message in pyx12_log.messages:
        m = re.search(r"Line:(\d+) (ISA|GS|ST|SEG|ELE):(\S+) - (.*)", message)
        if m:
            bare.append((int(m.group(1)), f"IG-{m.group(2)}-{m.group(3)}", m.group(4)))
    if not bare and not ok:
        assert any("does not look like an X12" in m for m in pyx12_log.messages)

    result = validate_with_pyx12(path.read_bytes())
    mine = {(f.segment, f.code) for f in result.findings}
    missing = {(line, code) for line, code, _ in bare} - mine
    assert not missing, f"pyx12 reported these, the adapter did not: {sorted(missing)}"
    if bare:
        # pyx12's "line" is the segment ordinal, not a text line: check against our own split
        ids = _segment_ids(path.read_bytes())
        for line, code, text in bare:
            ref = re.search(r"\(([A-Z][A-Z0-9]{1,2})(\d\d)(?:-\d\d)?\)", text)
            if code.startswith("IG-ELE") and ref and ref.group(1) not in ("ISA", "GS", "ST"):
                assert ids[line - 1] == ref.group(1), (line, text)


# -- (b2) one reader: pyx12 reads the segment store --------------------------------------------
@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_ordinals_are_the_stores(path: Path) -> None:
    store = read_bytes(path.read_bytes(), path)
    result = validate_with_pyx12(store)
    assert result.findings == validate_with_pyx12(store.data).findings  # bytes: the same store
    assert result.total_segments == len(store) - any(
        f.code == "X12-NO-FINAL-TERMINATOR" for f in store.problems
    )
    for f in result.findings:
        if f.segment_id and f.segment is not None and f.code != "IG-TRAILING-DATA":
            assert store.segment_id(f.segment) == f.segment_id, f
    empty = {f.segment for f in store.problems if f.code == "X12-EMPTY-SEGMENT"}
    assert empty == {f.segment for f in result.findings if f.code == "IG-EMPTY-SEGMENT"}


def test_blanks_are_the_stores() -> None:
    """Form feed / vertical tab are blanks to the store, so to pyx12 too: a blank-only piece is
    an empty segment, a form feed before a segment is indentation (pyx12's 'leading space')."""
    data = _read("pyx12__834_deident_new_enroll.txt")
    broken = data.replace(b"~\n", b"~\n\x0c", 1).replace(b"~\nNM1", b"~\x0b~\nNM1", 1)
    store = read_bytes(broken)
    result = validate_with_pyx12(broken)
    assert result.completed
    (empty,) = [f.segment for f in store.problems if f.code == "X12-EMPTY-SEGMENT"]
    assert store.segment_id(empty + 1) == "NM1"
    assert [f.segment for f in result.findings if f.code == "IG-EMPTY-SEGMENT"] == [empty]
    assert (2, "IG-SEG-1") in {(f.segment, f.code) for f in result.findings}  # GS, after ISA
    assert {f.code for f in _errors(result)} == {"IG-EMPTY-SEGMENT", "IG-SEG-1"}


def test_trailing_text_is_the_stores_last_segment() -> None:
    data = _read("pyx12__834_deident_new_enroll.txt").rstrip() + b"\n  GARBAGE*1  \n"
    store = read_bytes(data)
    result = validate_with_pyx12(store)
    (tail,) = [f for f in result.findings if f.code == "IG-TRAILING-DATA"]
    assert tail.segment == len(store) and tail.value == "GARBAGE*1"
    assert result.completed and result.total_segments == len(store) - 1


# -- (c) clean files ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", CLEAN)
def test_clean_file_has_no_errors_and_is_accepted(name: str) -> None:
    result = validate_with_pyx12(_read(name))
    assert result.completed and result.guide == "005010X220A1"
    assert _errors(result) == []
    assert result.ack_kind == "999" and result.ack is not None
    assert "AK9*A*" in result.ack and "IK5*R" not in result.ack


# -- (d) failure modes --------------------------------------------------------------------------
def test_bom_crlf_and_indentation() -> None:
    result = validate_with_pyx12(_read("oopfactory-x12parser__5010_Dhcs_Example1.txt"))
    assert result.completed and result.guide == "005010X220A1"
    bom = next(f for f in result.findings if f.code == "IG-ENC-BOM")
    assert bom.severity == "warning" and bom.segment == 1
    # indentation after '~' is what pyx12 calls a leading space; ordinals are unaffected
    indented = [f.segment for f in result.findings if f.code == "IG-SEG-1"]
    assert indented[:3] == [2, 3, 4]
    not_used = next(f for f in result.findings if f.code == "IG-ELE-10")
    assert not_used.element == "BGN07" and not_used.value


def test_blank_line_before_isa() -> None:
    result = validate_with_pyx12(_read("stupidedi__hist_X220-BE834_5-good_crlf.txt"))
    codes = [f.code for f in result.findings]
    assert codes == ["IG-ENC-LEADING-WHITESPACE", "IG-GUIDE-UNSUPPORTED"]  # GS08 005010X220
    assert result.findings[1].segment == 2


def test_double_bom_keeps_isa_as_segment_one() -> None:
    data = _read("indice-edinet-fork__x12.834_double-BOM_BAD-SE-count.edi")
    result = validate_with_pyx12(data)
    assert "2 byte-order mark" in next(f for f in result.findings if f.code == "IG-ENC-BOM").message
    se_count = next(f for f in result.findings if f.code == "IG-ST-4")
    assert se_count.segment == 3 and "612" in se_count.message and "17" in se_count.message
    assert se_count.extra["detected_at_segment"] == 19  # the SE itself


def test_non_ascii_is_decoded_and_reported(tmp_path: Path) -> None:
    data = _read("pyx12__834_deident_new_enroll.txt")
    for encoding in ("utf-8", "latin-1"):
        bad = data.replace(b"NM1*IL*1*", "NM1*IL*1*J\u00c9R\u00d4ME".encode(encoding), 1)
        result = validate_with_pyx12(bad)
        ordinal = 1 + bad.split(b"~").index(
            next(s for s in bad.split(b"~") if s.strip().startswith(b"NM1*IL"))
        )
        non_ascii = [f for f in result.findings if f.code == "IG-ENC-NON-ASCII"]
        assert [f.segment for f in non_ascii] == [ordinal]
        assert non_ascii[0].element == "NM103" and result.encoding == encoding
        assert any(f.code == "IG-ELE-6" and f.segment == ordinal for f in result.findings)
        assert result.completed


def test_nbsp_in_isa_is_flagged() -> None:
    data = _read("indice-edinet-fork__x12.834_BOM-NBSP-in-ISA_BAD-SE-count.edi")
    result = validate_with_pyx12(data)
    assert any(f.code == "IG-ENC-NON-ASCII" and f.element == "ISA02" for f in result.findings)
    assert result.completed and result.ack is not None  # ST03 missing must not break the 999


def test_empty_segment_is_skipped_and_reported(tmp_path: Path) -> None:
    data = _read("pyx12__834_deident_new_enroll.txt")
    segments = data.split(b"~")
    broken = b"~".join(segments[:8]) + b"~~" + b"~".join(segments[8:])  # '~~' after segment 8
    (tmp_path / "empty.834").write_bytes(broken)
    result = validate_with_pyx12((tmp_path / "empty.834").read_bytes())
    empty = [f for f in result.findings if f.code == "IG-EMPTY-SEGMENT"]
    assert [f.segment for f in empty] == [9]
    assert result.completed and result.segments_seen == result.total_segments
    # the rest of the file is still validated and nothing else is wrong with it
    assert [f.code for f in _errors(result)] == ["IG-EMPTY-SEGMENT"]
    assert "IK5*R*5" in build_999(broken, result=result)


def test_empty_segment_keeps_later_ordinals(tmp_path: Path) -> None:
    data = _read("hccinfhir__sample_834_03.txt")  # DMG02 'randomDoB' at segment 23
    before = validate_with_pyx12(data)
    assert [(f.segment, f.code) for f in before.findings] == [(23, "IG-ELE-8")]
    broken = data.replace(b"~", b"~~", 1)
    after = validate_with_pyx12(broken)
    assert (24, "IG-ELE-8") in {(f.segment, f.code) for f in after.findings}
    assert (2, "IG-EMPTY-SEGMENT") in {(f.segment, f.code) for f in after.findings}


@pytest.mark.parametrize(
    "name, length",
    [
        ("x12-types__parse_834_4_vba-companion-guide_BAD-ISA-WIDTH.txt", 72),
        ("pyx12__hist_834_ls_le_ls_BAD-ISA-WIDTH.txt", 73),
        ("gunajii-edi-parser-validator__sample_834.edi", 105),
    ],
)
def test_short_isa_is_reported_and_rest_validated(name: str, length: int) -> None:
    result = validate_with_pyx12(_read(name))
    width = next(f for f in result.findings if f.code == "IG-ISA-WIDTH")
    assert width.segment == 1 and str(length) in width.message and width.extra["repaired"]
    assert result.completed and result.guide == "005010X220A1"
    assert result.segments_seen == result.total_segments > 10


def test_date_message_is_plain_english() -> None:
    result = validate_with_pyx12(_read("hccinfhir__sample_834_03.txt"))
    (finding,) = result.findings
    assert finding.element == "DMG02" and finding.value == "randomDoB"
    assert finding.loop == "2100A" and finding.segment_id == "DMG"
    assert "CCYYMMDD" in finding.message and "DMG02" in finding.message
    assert "invalid date" in finding.extra["pyx12_message"]


def test_unknown_isa_version_uses_gs08() -> None:
    result = validate_with_pyx12(_read("ruby-x12__tc_parse_834_MESSAGE_isa00200.txt"))
    assert any(f.code == "IG-ISA-VERSION" and f.value == "00200" for f in result.findings)
    assert result.completed and result.guide == "005010X220A1"


@pytest.mark.parametrize(
    "name, claimed",
    [
        ("non834/hccinfhir__sample_837_6.txt", "005010X223A2"),
        ("linuxforhealth-x12__hist_X307-shop-enrollment-qhp-exchange.edi", "005010X307"),
        ("openx12__834.txt", "005010"),
    ],
)
def test_unsupported_guide(name: str, claimed: str) -> None:
    data = _read(name)
    result = validate_with_pyx12(data)
    (finding,) = [f for f in result.findings if f.code == "IG-GUIDE-UNSUPPORTED"]
    assert finding.segment == 2 and finding.value == claimed
    assert "004010X095A1" in finding.message and "005010X220A1" in finding.message
    assert not result.completed and result.guide is None
    with pytest.raises(InspectorError):
        build_999(data, result=result)


def test_not_x12_at_all() -> None:
    result = validate_with_pyx12(b"hello, this is not EDI")
    assert [f.code for f in result.findings] == ["IG-NOT-X12"] and not result.completed


def test_pyx12_internal_failure_becomes_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("map walker exploded")

    monkeypatch.setattr(pyx12.map_walker.walk_tree, "walk_errors", boom)
    result = validate_with_pyx12(_read("pyx12__834_deident_new_enroll.txt"))
    (finding,) = [f for f in result.findings if f.code == "IG-INTERNAL"]
    assert "RuntimeError" in finding.message and finding.segment == 3  # ST: first walked segment
    assert not result.completed and result.ack is None


def test_pyx12_logging_is_silenced_and_restored(pyx12_log: _Collect) -> None:
    validate_with_pyx12(_read("tigershark__834-example.txt"))  # has pyx12 errors
    assert pyx12_log.messages == []
    assert not logging.getLogger("pyx12").disabled
    assert not logging.getLogger("pyx12.error_handler").disabled


def _big_file(members: int) -> bytes:
    """One transaction set with ``members`` copies of the family in pyx12__834_deident_family."""
    segments = [s.strip() for s in _read("pyx12__834_deident_family.txt").decode().split("~")]
    segments = [s for s in segments if s]
    first_ins = next(i for i, s in enumerate(segments) if s.startswith("INS*"))
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    body = segments[first_ins:se] * members
    st = next(i for i, s in enumerate(segments) if s.startswith("ST*"))
    count = (first_ins - st) + len(body) + 1  # ST..SE inclusive
    trailer = f"SE*{count}*" + segments[se].split("*")[2]
    out = segments[:first_ins] + body + [trailer] + segments[se + 1 :]
    return ("~\n".join(out) + "~\n").encode()


def test_progress_streaming_and_cancel() -> None:
    data = _big_file(500)  # ~10k segments
    events: list[tuple[str, object]] = []
    result = validate_with_pyx12(
        data,
        progress=lambda done, total: events.append(("progress", (done, total))),
        on_finding=lambda f: events.append(("finding", f)),
    )
    assert _errors(result) == [] and result.completed
    progress = [value for kind, value in events if kind == "progress"]
    assert progress[0] == (0, result.total_segments)
    assert progress[-1] == (result.total_segments, result.total_segments)
    assert len(progress) >= result.total_segments // 2000
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)

    broken = data.replace(b"DMG*D8*", b"DMG*D8*X", 1)  # an error early in the file
    events.clear()
    result = validate_with_pyx12(
        broken,
        progress=lambda done, total: events.append(("progress", done)),
        on_finding=lambda f: events.append(("finding", f.code)),
    )
    assert [value for kind, value in events if kind == "finding"] == [
        f.code for f in result.findings
    ]
    first_finding = next(i for i, (kind, _) in enumerate(events) if kind == "finding")
    assert first_finding < len(events) - 1 - 3  # streamed long before the run ended

    calls: list[int] = []
    with pytest.raises(Cancelled):
        validate_with_pyx12(
            data, progress=lambda done, total: calls.append(done), cancel=lambda: len(calls) >= 2
        )
    assert calls == [0, 2000]
    assert not logging.getLogger("pyx12").disabled  # restored after the exception too


def test_callback_errors_propagate_unchanged() -> None:
    def fail(finding: Finding) -> None:
        raise KeyError("caller bug")

    with pytest.raises(KeyError):
        validate_with_pyx12(_read("tigershark__834-example.txt"), on_finding=fail)


# -- (e) 999 ------------------------------------------------------------------------------------
def test_999_rejects_invalid_file(tmp_path: Path) -> None:
    out = tmp_path / "ack.999"
    write_999(_read("pyx12__x12testdata_834_eol_in_element_INVALID.txt"), out)
    text = out.read_text()
    assert text.startswith("ISA") and "ST*999*" in text and "AK9*" in text
    assert "IK5*R" in text or "AK9*R" in text
    assert "IK4*1*166*6" in text  # N301 (element 166) has a bad character


def test_999_accepts_clean_file() -> None:
    text = build_999(_read("pyx12__834_deident_new_enroll.txt"))
    assert text.startswith("ISA") and "ST*999*" in text
    assert "IK5*A" in text and "AK9*A*1*1*1" in text


def test_4010_file_gets_pyx12s_997() -> None:
    result = validate_with_pyx12(_read("pyx12__x12testdata_834_lui_id_4010.txt"))
    assert result.guide == "004010X095A1" and _errors(result) == []
    assert result.ack_kind == "997" and "ST*997*" in (result.ack or "")


@pytest.mark.parametrize(
    "name",
    [
        "oopfactory-x12parser__5010_Dhcs_Example1.txt",  # BOM, CRLF, indentation
        "x12-types__parse_834_4_vba-companion-guide_BAD-ISA-WIDTH.txt",
        "impendjcs-edi-834-validator__data_valid-834.edi",  # ISA16 missing
    ],
)
def test_999_for_awkward_files(name: str) -> None:
    text = build_999(_read(name))
    assert text.startswith("ISA") and "ST*999*" in text and "AK9*" in text
