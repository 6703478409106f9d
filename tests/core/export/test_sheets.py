"""The tables a clerk exports: formula guard, issues column, names and ids on findings, headers
as on screen or machine names, --problems-only, and the XLSX workbook read back with openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat

import openpyxl
import pytest

from inspector.cli import main
from inspector.core.export.corrections import table_frame
from inspector.core.export.tables import (
    findings_sheet,
    is_formula,
    member_sheet,
    neutralise,
    write_csv,
)
from inspector.core.export.xlsx import (
    AMOUNT_FORMAT,
    ERROR_FILL,
    WARNING_FILL,
    write_document_xlsx,
    write_xlsx,
)
from inspector.core.findings import Finding
from inspector.core.records.document import load
from inspector.core.records.mask import MaskPolicy
from inspector.core.validation.run import validate_document
from inspector.resources import demo_path
from tests.core.records.test_mask import leaks, secrets_of

NUMBERS = ["-35.21", "+5", "1.5E-3", "-0.5", "42", " -35.21", ".5"]
FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(A1)", "+1+1", "-2+3", "- 5", "-", "=1", "\t=1", " =1"]


@pytest.fixture(scope="module")
def demo():
    doc = load(demo_path())
    return doc, validate_document(doc, use_pyx12=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The CLI export of the demo: screen headers, machine names, problems only, XLSX."""
    base = tmp_path_factory.mktemp("sheets")
    runs = {
        "screen": [],
        "machine": ["--machine-names"],
        "problems": ["--problems-only"],
        "xlsx": ["--format", "xlsx"],
    }
    for name, options in runs.items():
        assert (
            main(["export", str(demo_path()), "--out", str(base / name), *options]) == 1
        )  # 1: the demo has errors
    return base


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _header(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _member_problems(found) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    for f in found:
        if f.member_pos is not None and f.severity in ("error", "warning"):
            out.setdefault(f.member_pos, []).append(f)
    return out


# -- formula guard ------------------------------------------------------------------------------
@pytest.mark.parametrize("value", NUMBERS)
def test_plain_numbers_are_no_formulas(value):
    assert not is_formula(value)
    assert neutralise(value) == value


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_looking_text_gets_a_quote(value):
    assert is_formula(value)
    assert neutralise(value) == "'" + value


def test_csv_keeps_numbers_unquoted_and_quotes_formulas(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"value": NUMBERS + FORMULAS})
    path = write_csv(df, tmp_path / "f.csv")
    cells = [r["value"] for r in _rows(path)]
    assert cells[: len(NUMBERS)] == NUMBERS
    assert cells[len(NUMBERS) :] == ["'" + v for v in FORMULAS]
    raw = path.read_bytes().decode("utf-8-sig")
    assert "\r\n-35.21\r\n" in raw and "\r\n+5\r\n" in raw and "\r\n1.5E-3\r\n" in raw


def test_csv_written_in_chunks_is_the_csv_written_at_once(tmp_path, monkeypatch, demo):
    from inspector.core.export import tables

    doc, findings = demo
    sheets = tables.problem_sheets(doc, findings)
    whole = [
        tables.write_sheet_csv(s, tmp_path / f"whole-{s.name}.csv").read_bytes() for s in sheets
    ]
    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", 3)  # several chunks, a short last one
    parts = [
        tables.write_sheet_csv(s, tmp_path / f"parts-{s.name}.csv").read_bytes() for s in sheets
    ]
    assert parts == whole and all(len(s) > 3 for s in sheets)
    empty = tables.findings_sheet([], doc)
    assert tables.write_sheet_csv(empty, tmp_path / "empty.csv").read_bytes().count(b"\r\n") == 1


# -- CSV tables -----------------------------------------------------------------------------
def test_members_csv_has_screen_titles_and_the_issues_of_each_member(exported, demo):
    doc, _ = demo
    header = _header(exported / "screen" / "members.csv")
    assert header[:4] == ["#", "Issues", "Last name", "First name"]
    assert {"Subscriber ID", "Member ID", "Birth date", "SSN", "ZIP"} <= set(header)
    rows = _rows(exported / "screen" / "members.csv")
    assert len(rows) == len(doc.members)
    # the CLI runs pyx12 too: read its own findings back from findings.csv
    findings = _rows(exported / "screen" / "findings.csv")
    by_member: dict[str, list[dict[str, str]]] = {}
    for f in findings:
        if f["Member #"]:
            by_member.setdefault(f["Member #"], []).append(f)
    assert by_member, "the demo has member findings"
    for row in rows:
        mine = by_member.get(row["#"], [])
        for f in mine:
            assert f"{f['Severity']} {f['Code']}: {f['Message']}" in row["Issues"]
        if not mine:
            assert row["Issues"] == ""
    worst = next(r for r in rows if "RULE-SSN-IMPOSSIBLE" in r["Issues"])
    assert worst["Issues"].startswith("error RULE-SSN-IMPOSSIBLE: The member's SSN")


def test_findings_csv_has_member_name_and_ids(exported, demo):
    doc, _ = demo
    rows = _rows(exported / "screen" / "findings.csv")
    assert _header(exported / "screen" / "findings.csv")[:5] == [
        "Severity",
        "Code",
        "Member",
        "Subscriber ID",
        "Member ID",
    ]
    members = doc.members.set_index("member_pos")
    checked = 0
    for r in rows:
        if not r["Member #"]:
            assert r["Member"] == "" and r["Member ID"] == ""
            continue
        m = members.loc[int(r["Member #"])]
        assert r["Member"] == f"{m['last_name']}, {m['first_name']}"
        assert r["Member ID"] == m["member_id"]
        assert r["Subscriber ID"] == m["subscriber_id"]
        checked += 1
    assert checked >= 5
    ssn = next(r for r in rows if r["Code"] == "RULE-SSN-IMPOSSIBLE")
    assert ssn["Member"] == "PATEL, AVA" and ssn["Member ID"] == "0718591607"


def test_machine_names_keep_the_script_columns(exported, demo):
    doc, _ = demo
    header = _header(exported / "machine" / "members.csv")
    assert header == [*table_frame(doc.members).columns, "issues"]
    assert {"last_name", "member_pos", "subscriber_id", "birth_date"} <= set(header)
    findings = _header(exported / "machine" / "findings.csv")
    assert findings[:2] == ["severity", "code"] and findings[-2:] == ["member_name", "member_id"]
    coverage = _header(exported / "machine" / "coverage.csv")
    assert coverage[-1] == "issues" and "member_pos" in coverage
    rows = _rows(exported / "machine" / "members.csv")
    assert rows[0]["subscriber_id"] == "0897181846"  # leading zero kept in the text


def test_problems_only_keeps_exactly_the_members_with_an_error_or_warning(exported, demo):
    doc, _ = demo
    full = _rows(exported / "screen" / "findings.csv")
    expected = {
        r["Member #"] for r in full if r["Member #"] and r["Severity"] in ("error", "warning")
    }
    rows = _rows(exported / "problems" / "members.csv")
    assert {r["#"] for r in rows} == expected and len(rows) == len(expected)
    assert all(r["Issues"] for r in rows)
    coverage = _rows(exported / "problems" / "coverage.csv")
    assert {r["Member #"] for r in coverage} <= expected
    assert len(coverage) == int(doc.coverage["member_pos"].astype(str).isin(expected).sum())
    listed = _rows(exported / "problems" / "findings.csv")
    assert listed and {r["Member #"] for r in listed} <= expected


# -- XLSX -----------------------------------------------------------------------------------
def _sheet_rows(ws) -> tuple[list[str], list[tuple]]:
    rows = list(ws.iter_rows())
    return [c.value for c in rows[0]], rows[1:]


def _check_workbook(path, doc, found) -> None:
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Members", "Coverage", "Findings"]
    for name in ("Members", "Coverage", "Findings"):
        ws = book[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.auto_filter.ref.endswith(str(ws.max_row))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Members"] == len(doc.members)
    header, rows = _sheet_rows(book["Members"])
    col = {h: j for j, h in enumerate(header)}
    assert len(rows) == len(doc.members)
    problems = _member_problems(found)
    for k, row in enumerate(rows):
        m = doc.members.iloc[k]
        assert row[col["#"]].value == int(m["member_pos"])
        for title, field in (
            ("Subscriber ID", "subscriber_id"),
            ("Member ID", "member_id"),
            ("SSN", "ssn"),
            ("ZIP", "zip"),
            ("Phone", "phone"),
        ):
            cell = row[col[title]]
            if m[field]:
                assert cell.data_type == "s" and cell.value == m[field], (title, k)
        birth = row[col["Birth date"]]
        if m["birth_date"] and m["birth_date"][:4].isdigit():
            try:
                real = dt.date.fromisoformat(m["birth_date"])
            except ValueError:  # an impossible date stays text, as in the file
                assert birth.data_type == "s"
            else:
                assert isinstance(birth.value, dt.datetime) and birth.value.date() == real
                assert birth.is_date and "yy" in birth.number_format
        mine = problems.get(int(m["member_pos"]), [])
        fill = row[col["Last name"]].fill.fgColor.rgb
        if any(f.severity == "error" for f in mine):
            assert fill.endswith(ERROR_FILL), k
        elif mine:
            assert fill.endswith(WARNING_FILL), k
        else:
            assert not fill.endswith((ERROR_FILL, WARNING_FILL)), k
    # leading zeros: the demo's ids start with 0
    zeros = [r[col["Subscriber ID"]].value for r in rows]
    assert "0897181846" in zeros
    header, rows = _sheet_rows(book["Coverage"])
    col = {h: j for j, h in enumerate(header)}
    amounts = [r[col["Pre Amt 1"]] for r in rows if r[col["Pre Amt 1"]].value is not None]
    assert amounts
    for cell in amounts:
        assert isinstance(cell.value, float | int) and cell.number_format == AMOUNT_FORMAT
    assert rows[0][col["Pre Amt 1"]].value == pytest.approx(303.46)
    begin = rows[0][col["Benefit begin"]]
    assert isinstance(begin.value, dt.datetime) and begin.is_date


def test_cli_xlsx_is_typed_coloured_and_private(exported):
    path = exported / "xlsx" / "demo.xlsx"
    assert [p.name for p in (exported / "xlsx").iterdir()] == ["demo.xlsx"]
    doc = load(demo_path())
    # the CLI ran pyx12 as well: the findings are the workbook's own
    book = openpyxl.load_workbook(path)
    header, rows = _sheet_rows(book["Findings"])
    col = {h: j for j, h in enumerate(header)}
    found = [
        Finding(
            severity=r[col["Severity"]].value,
            code=r[col["Code"]].value,
            message=r[col["Message"]].value,
            member_pos=r[col["Member #"]].value,
        )
        for r in rows
    ]
    assert found
    _check_workbook(path, doc, found)


def test_write_document_xlsx_reads_back(demo, tmp_path):
    doc, found = demo
    path = write_document_xlsx(doc, found, tmp_path / "demo.xlsx")
    _check_workbook(path, doc, found)


def test_xlsx_problems_only_lists_the_worklist(demo, tmp_path):
    doc, found = demo
    path = write_document_xlsx(doc, found, tmp_path / "w.xlsx", problems_only=True)
    book = openpyxl.load_workbook(path)
    _, rows = _sheet_rows(book["Members"])
    listed = {r[0].value for r in rows}
    assert listed == set(_member_problems(found))
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Members"] == len(doc.members)  # the summary still counts the whole file


def test_formula_looking_text_is_a_string_cell_not_a_formula(demo, tmp_path):
    doc, _ = demo
    odd = [
        Finding("error", "X-1", "=cmd|' /C calc'!A0", value='=HYPERLINK("http://x")'),
        Finding("warning", "X-2", "@SUM(A1)", value="+1+1"),
        Finding("warning", "X-3", "-35.21", value="-35.21"),
    ]
    sheet = findings_sheet(odd, doc)
    path = write_xlsx(tmp_path / "odd.xlsx", [sheet])
    ws = openpyxl.load_workbook(path)["Findings"]
    header, rows = _sheet_rows(ws)
    col = {h: j for j, h in enumerate(header)}
    message = rows[0][col["Message"]]
    assert message.data_type == "s" and message.value == "=cmd|' /C calc'!A0"
    value = rows[0][col["Value"]]
    assert value.data_type == "s" and value.value == '=HYPERLINK("http://x")'
    assert rows[1][col["Message"]].value == "@SUM(A1)"
    assert rows[1][col["Value"]].data_type == "s"
    # no formula anywhere in the sheet's XML
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    # the findings' own rows are coloured too
    assert rows[0][0].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert rows[1][0].fill.fgColor.rgb.endswith(WARNING_FILL)


def test_masked_xlsx_keeps_birth_dates_as_text_and_no_ssn(demo, tmp_path):
    doc, found = demo
    path = write_document_xlsx(doc, found, tmp_path / "m.xlsx", mask=MaskPolicy(names=True))
    book = openpyxl.load_workbook(path)
    header, rows = _sheet_rows(book["Members"])
    col = {h: j for j, h in enumerate(header)}
    births = [r[col["Birth date"]] for r in rows if r[col["Birth date"]].value]
    assert births and all(c.data_type == "s" for c in births)
    first = rows[0][col["Birth date"]].value
    assert first == doc.members["birth_date"].iat[0][:4] + "-**-**"
    ssns = [r[col["SSN"]].value for r in rows if r[col["SSN"]].value]
    assert ssns and all(s.startswith("***") for s in ssns)
    secrets = secrets_of(doc)
    for ws in book.worksheets:
        text = "\n".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if v)
        assert not leaks(text, secrets), ws.title
    summary = [r[0] for r in book["Summary"].iter_rows(values_only=True) if r[0]]
    assert any(str(s).startswith("Personal data:") for s in summary)


def test_member_sheet_masks_the_issues_column(demo):
    doc, found = demo
    sheet = member_sheet(doc, found, mask=MaskPolicy())
    ssn_rows = [i for i in sheet.frame["issues"] if "RULE-SSN-IMPOSSIBLE" in i]
    assert ssn_rows and all("666678638" not in i for i in ssn_rows)


def test_coverage_csv_keeps_negative_amounts_as_numbers_and_shows_2750_issues(exported):
    rows = _rows(exported / "screen" / "coverage.csv")
    perez = next(r for r in rows if r["Member"] == "PEREZ, SOFIA")
    assert perez["Tot Res Amt"] == "-35.21"  # a number, not "'-35.21"
    assert "error RULE-AMOUNT-NEGATIVE: The TOT RES AMT amount -35.21" in perez["Issues"]
    raw = (exported / "screen" / "coverage.csv").read_text(encoding="utf-8-sig")
    assert ",-35.21," in raw and "'-35.21" not in raw


def test_info_row_formula_text_is_still_a_string(demo, tmp_path):
    doc, _ = demo
    sheet = findings_sheet([Finding("info", "X-9", "=1+1", value="=2+2")], doc)
    path = write_xlsx(tmp_path / "info.xlsx", [sheet])
    header, rows = _sheet_rows(openpyxl.load_workbook(path)["Findings"])
    col = {h: j for j, h in enumerate(header)}
    assert rows[0][col["Message"]].data_type == "s" and rows[0][col["Message"]].value == "=1+1"
    assert rows[0][col["Value"]].value == "=2+2"


def test_control_characters_and_huge_cells_do_not_stop_the_xlsx(tmp_path):
    from inspector.core.export.xlsx import MAX_CELL_CHARS, REPLACEMENT

    data = demo_path().read_bytes().replace(b"NM1*IL*1*PATEL*AVA", b"NM1*IL*1*PAT\x07EL*AVA")
    source = tmp_path / "ctl.834"
    source.write_bytes(data)
    doc = load(source)
    assert doc.members["last_name"].iat[9] == "PAT\x07EL"
    found = validate_document(doc, use_pyx12=False)
    long = Finding("error", "X-LONG", "x" * 40_000, member_pos=10)
    path = write_document_xlsx(doc, [*found, long], tmp_path / "ctl.xlsx")
    book = openpyxl.load_workbook(path)
    header, rows = _sheet_rows(book["Members"])
    col = {h: j for j, h in enumerate(header)}
    assert rows[9][col["Last name"]].value == f"PAT{REPLACEMENT}EL"
    issues = rows[9][col["Issues"]].value
    assert len(issues) <= MAX_CELL_CHARS and issues.endswith("32,767 characters a cell)")
    # the CLI writes it too (it stopped with a traceback)
    out = tmp_path / "out"
    assert main(["export", str(source), "--out", str(out), "--format", "xlsx", "--no-pyx12"]) == 1
    assert (out / "ctl.xlsx").exists()


def test_a_date_in_other_digits_stays_text_in_the_xlsx():
    # int('١٩٨١') is 1981: without the ASCII check the cell became the real date 1981-02-28
    from inspector.core.export.tables import DATE
    from inspector.core.export.xlsx import _converters

    (to_cell,) = _converters([DATE])
    assert to_cell("1981-02-28") == (dt.date(1981, 2, 28), to_cell("1981-02-28")[1])
    value, number_format = to_cell("١٩٨١-٠٢-٢٨")
    assert value == "١٩٨١-٠٢-٢٨" and number_format is None
