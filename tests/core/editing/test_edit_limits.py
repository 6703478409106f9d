"""An edit may address only what the guide defines, with values the element can hold; an edit
list that fails a check is refused whole (file, entry and reason named, nothing written)."""

from __future__ import annotations

import json

import pytest

from inspector.cli import main
from inspector.core.editing.edit_list import EditListRejected, load_edit_list
from inspector.core.editing.session import EditRejected, EditSession
from inspector.core.records.document import load
from inspector.core.records.segment_table import SEGMENTS
from inspector.resources import demo_path
from tests.tools import make_segment_table

NM1, DMG = 15, 18  # the demo's first member: NM1*IL ... *34*<ssn>, DMG*D8*<birth>*M


@pytest.fixture(scope="module")
def demo_doc():
    return load(demo_path())


@pytest.fixture
def session(demo_doc):
    return EditSession(demo_doc)


def test_demo_layout(session):
    assert session.doc.store.segment_id(NM1) == "NM1" and session.doc.store.segment_id(DMG) == "DMG"


@pytest.mark.parametrize(
    "segment, element, value, words",
    [
        (DMG, "DMG99", "19800101", ["DMG99 does not exist", "11 elements", "DMG11"]),
        (DMG, "DMG12", "X", ["does not exist"]),
        (DMG, "DMG02", "\u0661\u0669\u0668\u0660\u0660\u0661\u0660\u0661", ["U+0661", "0-9"]),
        (DMG, "DMG02", "19\u00b201231", ["U+00B2", "0-9"]),
        (NM1, "NM109", "12345678\u00b2", ["U+00B2"]),
        (NM1, "NM109", "1234567890", ["nine digits"]),
        (DMG, "DMG08", "X", ["not used"]),  # N in the guide
        (DMG, "DMG02-02", "1", ["simple element"]),
        (DMG, "DMG05-04", "A", ["3 components"]),
        (DMG, "DMG03", "\u041c", ["U+041C"]),  # Cyrillic M in a code
        (NM1, "NM103", "SMITH\u200b", ["U+200B"]),  # zero-width space in a name
        (NM1, "NM103", "X" * 61, ["at most 60"]),
        (NM1, "NM103", "A\tB", ["control character"]),
    ],
)
def test_refused_edits_write_nothing(session, segment, element, value, words):
    before = session.corrected_bytes()
    with pytest.raises(EditRejected) as info:
        session.apply({"segment": segment, "element": element, "value": value})
    assert all(w in info.value.reason for w in words), info.value.reason
    assert session.corrected_bytes() == before and not session.history


def test_accepted_edits(session):
    session.apply({"segment": NM1, "element": "NM104", "value": "JOS\u00c9"})  # national letter
    session.apply({"segment": DMG, "element": "DMG02", "value": "1980-01-01"})
    session.apply({"segment": DMG, "element": "DMG05-01", "value": "7"})
    session.apply({"segment": DMG, "element": "DMG08", "value": ""})  # clearing: always
    raw = session.doc.store.raw(DMG)
    assert raw.startswith("DMG*D8*19800101*M*") and raw.count("*") == 5


def test_every_guide_segment_has_a_shape():
    for version, segments in SEGMENTS.items():
        assert {"ISA", "GS", "ST", "BGN", "INS", "NM1", "DMG", "HD", "SE", "GE", "IEA"} <= set(
            segments
        ), version
    assert len(SEGMENTS["00501"]["DMG"]) == 11 and len(SEGMENTS["00401"]["DMG"]) == 9


def test_segment_table_is_generated_from_the_maps():
    text = make_segment_table.render(make_segment_table.build())
    committed = make_segment_table.OUT.read_text(encoding="utf-8")
    assert make_segment_table._normalise(text) == make_segment_table._normalise(committed)


def _write(tmp_path, entries) -> object:
    path = tmp_path / "edits.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def test_an_edit_list_is_refused_whole(session, tmp_path):
    before = session.corrected_bytes()
    path = _write(
        tmp_path,
        [
            {"segment": DMG, "element": "DMG02", "value": "19800101"},
            {"segment": NM1, "element": "NM104", "value": "ANN"},
            {"segment": DMG, "element": "DMG99", "value": "19800101"},
        ],
    )
    with pytest.raises(EditListRejected) as info:
        load_edit_list(session, path)
    message = str(info.value)
    assert info.value.index == 3
    assert message.startswith("edits.json: edit 3 of 3 (segment 18 DMG99)")
    assert "does not exist" in message and "Nothing was written" in message
    assert "19800101" not in message  # values (personal data) are not repeated
    assert session.corrected_bytes() == before and not session.dirty


@pytest.mark.parametrize(
    "content, words",
    [
        ("[{not json", ["not valid JSON"]),
        ('{"segment": 1}', ["must be a JSON list"]),
        ("[" * 100_000, ["not valid JSON"]),
        ("[1]", ["edit 1 of 1", "must be an object"]),
        ('[{"segment": "\u0661\u0668", "element": "DMG02", "value": "x"}]', ["segment number"]),
        ('[{"segment": 18, "element": "DMG\u0660\u0662", "value": "x"}]', ["not an element id"]),
    ],
)
def test_cli_refuses_a_bad_edit_list_naming_the_file(tmp_path, capsys, content, words):
    edits = tmp_path / "edits.json"
    edits.write_text(content, encoding="utf-8")
    out, fixed = tmp_path / "out", tmp_path / "fixed.834"
    argv = ["export", str(demo_path()), "--out", str(out), "--edits", str(edits)]
    code = main([*argv, "--corrected-834", str(fixed), "--no-pyx12"])
    err = capsys.readouterr().err
    assert code == 2 and "edits.json" in err and "Traceback" not in err
    assert all(w in err for w in words), err
    assert not out.exists() and not fixed.exists()


def test_cli_edit_list_that_is_a_folder_or_missing(tmp_path, capsys):
    for edits in (tmp_path, tmp_path / "missing.json"):
        argv = ["export", str(demo_path()), "--out", str(tmp_path / "o"), "--edits", str(edits)]
        assert main([*argv, "--no-pyx12"]) == 2
        err = capsys.readouterr().err
        assert edits.name in err and "Traceback" not in err
