"""The whole validation run (envelope + business rules + pyx12) as the CLI and GUI use it."""

from __future__ import annotations

import re

import pytest
import pyx12.params
import pyx12.x12n_document

from inspector.core.errors import Cancelled
from inspector.core.records.document import load
from inspector.core.validation.run import PYX12_EQUIVALENTS, PYX12_RULE_TWINS, validate_document
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
        if code in PYX12_RULE_TWINS:  # said by the business rule, on the same segment
            assert (ordinal, PYX12_RULE_TWINS[code]) in mine, (ordinal, code)
            continue
        # reported once, by the envelope check, on the trailer element that is wrong
        assert PYX12_EQUIVALENTS.get(code) in codes, (ordinal, code)


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
    found = validate_document(
        doc, on_finding=streamed.append, progress=lambda d, t: ticks.append((d, t))
    )
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
