"""The reader over every public sample, and its handling of files that are not 834s."""

from __future__ import annotations

import pytest

from inspector.core.errors import NotAn834Error
from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load
from tests.conftest import non834_files, sample_files

SAMPLES = sample_files()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:60])
def test_every_sample_loads_and_counts_ins(path):
    doc = load(path)
    ins = sum(1 for sid in doc.store.ids if sid == "INS")
    assert len(doc.members) == ins
    assert len(doc.coverage) == sum(1 for sid in doc.store.ids if sid == "HD")
    assert doc.store.ids[0] == "ISA"
    # every segment ordinal maps back to text that starts with its id
    for o in (1, len(doc.store)):
        assert doc.store.raw(o).startswith(doc.store.segment_id(o))


@pytest.mark.parametrize("path", non834_files(), ids=lambda p: p.name)
def test_non_834_files_are_rejected_clearly(path):
    with pytest.raises(NotAn834Error) as err:
        load(path)
    assert path.name in str(err.value)
    assert "not an 834" in str(err.value)


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"\x00\x01\x02PK\x03\x04binary", "binary"),
        (b"   \n\n  ", "blank"),
        (b"ISA*00*   ", "truncated"),
        (b"GS*BE*A*B*20200101*1200*1*X*005010X220A1~", "(ISA segment) is missing"),
        (b"hello world, this is not edi", "not an X12 file"),
        (b'{"member": 1}', "JSON"),
        ("\ufeffISA".encode("utf-16"), "UTF-16"),
    ],
)
def test_bad_input_gets_a_clear_message(data, words, tmp_path):
    path = tmp_path / "bad.edi"
    path.write_bytes(data)
    with pytest.raises(NotAn834Error) as err:
        load(path)
    assert "bad.edi" in str(err.value)
    assert words.lower() in str(err.value).lower()


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(NotAn834Error, match="does not exist"):
        load(tmp_path / "nope.834")
    with pytest.raises(NotAn834Error, match="folder"):
        load(tmp_path)


@pytest.mark.parametrize(
    "name, element, repetition, component, segment",
    [
        ("linuxforhealth-x12__add-dependent.834", "*", ">", ":", "~"),
        ("pyx12__834_ls_le_ls.txt", "*", "!", ":", "~"),
        ("pyx12__example834_5010.txt", "*", "^", "\\", "~"),
        ("fastchickenshr-edi__golden_header-full-envelope.834", "|", "^", ":", "~"),
        ("pyx12__test_x12context_amp-plus-bang-delims_4010.txt", "&", None, "!", "+"),
        ("pyx12__multiple_st_loops.txt", "*", None, ":", "~"),
        ("impendjcs-edi-834-validator__data_valid-834.edi", "*", "^", "~", "\n"),
    ],
)
def test_delimiters_come_from_the_isa(sample, name, element, repetition, component, segment):
    d = load(sample(name)).store.delimiters
    assert (d.element, d.repetition, d.component, d.segment) == (
        element,
        repetition,
        component,
        segment,
    )


def test_bom_whitespace_and_line_styles(sample):
    bom = load(sample("oopfactory-x12parser__5010_Dhcs_Example1.txt"))  # BOM, CRLF, indented
    assert "X12-BOM" in {p.code for p in bom.problems}
    assert bom.store.raw(2).startswith("GS*")
    assert all(not bom.store.raw(o)[:1].isspace() for o in range(1, len(bom.store) + 1))
    double = load(sample("indice-edinet-fork__x12.834_double-BOM_BAD-SE-count.edi"))
    assert "2 UTF-8 byte-order marks" in next(
        p.message for p in double.problems if p.code == "X12-BOM"
    )
    one_line = load(sample("hccinfhir__sample_834_01.txt"))  # no line breaks at all
    assert len(one_line.store) == 71 and one_line.store.line(71) == 1
    mixed = load(sample("linuxforhealth-x12__hist_demo_mixed-newlines.834"))
    lines = [mixed.store.line(o) for o in range(1, len(mixed.store) + 1)]
    assert lines == sorted(lines) and len(set(lines)) < len(lines)  # two segments on a line


def test_short_and_non_ascii_isa_are_reported(sample):
    short = load(sample("pyx12__hist_834_ls_le_ls_BAD-ISA-WIDTH.txt"))
    msg = next(p.message for p in short.problems if p.code == "X12-ISA-WIDTH")
    assert "73 characters" in msg
    nbsp = load(sample("indice-edinet-fork__x12.834_BOM-NBSP-in-ISA_BAD-SE-count.edi"))
    msg = next(p.message for p in nbsp.problems if p.code == "X12-ISA-WIDTH")
    assert "122 bytes" in msg and "non-ASCII" in msg


def test_envelope_counts_and_controls(sample):
    codes = {p.code: p for p in load(sample("healthsim__pcp-change-834.edi")).problems}
    assert "86" in codes["ENV-SE01-COUNT"].message and "88" in codes["ENV-SE01-COUNT"].message
    broken = {p.code for p in load(sample("openx12__Sample834_BROKEN-ENVELOPE.txt")).problems}
    assert "ENV-IEA02-CONTROL" in broken
    truncated = {
        p.code for p in load(sample("fastchickenshr-edi__golden_header-full-envelope.834")).problems
    }
    assert {"ENV-MISSING-SE", "ENV-MISSING-GE", "ENV-MISSING-IEA"} <= truncated
    clean = load(sample("pyx12__834_deident_family.txt"))
    assert clean.problems == []


def test_several_transaction_sets(sample):
    doc = load(sample("x12-types__parse_834_2_emedny-MCE834Sample_2.txt"))
    assert len(doc.structure.transactions) == 7
    assert list(doc.members["transaction"]) == [t.control for t in doc.structure.transactions]


def test_four_oh_ten(sample):
    doc = load(sample("pyx12__x12testdata_834_lui_id_4010.txt"))
    assert doc.structure.transactions[0].guide == "004010X095A1"
    assert len(doc.members) == 1 and doc.problems == []


def test_empty_segment_and_missing_final_terminator():
    text = (
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*"
        "00501*000000001*0*T*:~GS*BE*A*B*20260101*1200*1*X*005010X220A1~~ST*834*0001*"
        "005010X220A1~SE*2*0001~GE*1*1~IEA*1*000000001"
    )
    store = read_bytes(text.encode(), "x.834")
    codes = {p.code: p for p in store.problems}
    assert codes["X12-EMPTY-SEGMENT"].segment == 3
    assert "X12-NO-FINAL-TERMINATOR" in codes
    assert store.raw(len(store)) == "IEA*1*000000001"


def test_line_numbers_block_by_block(sample, monkeypatch):
    import numpy as np

    from inspector.core.reading import source

    def at_once(data: bytes, starts: np.ndarray) -> np.ndarray:
        breaks = np.flatnonzero(np.frombuffer(data, np.uint8) == (10 if b"\n" in data else 13))
        return (np.searchsorted(breaks, starts, side="right") + 1).astype(np.int32)

    monkeypatch.setattr(source, "_LINE_BLOCK", 5)
    for name in (
        "linuxforhealth-x12__hist_demo_mixed-newlines.834",
        "hccinfhir__sample_834_01.txt",
    ):
        store = load(sample(name)).store
        lines = source._line_numbers(store.data, store.starts)
        assert lines.dtype == np.int32
        assert np.array_equal(lines, at_once(store.data, store.starts))
        some = [len(store), 1, 3, 3, 2]  # any order, repeats: counted without store.lines
        assert store.lines_of(some) == [int(lines[o - 1]) for o in some]
        assert store._lines is None and store.lines_of([]) == []
        with pytest.raises(IndexError):
            store.lines_of([len(store) + 1])
    for data in (b"", b"A~\rB~\r", b"A~\r\nB~\r\nC~"):
        starts = np.arange(0, len(data), 3)
        assert np.array_equal(source._line_numbers(data, starts), at_once(data, starts))
