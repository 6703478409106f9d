"""compare(old, new) against file pairs whose differences are known (tests/support/synthetic_pairs)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from inspector.core.errors import Cancelled
from inspector.core.export.compare import (
    CATEGORIES,
    MATCH_ID,
    MATCH_NAME,
    MATCH_SSN,
    CompareInputError,
    compare,
    from_document,
    open_roster,
    parse_mapping,
)
from inspector.core.export.compare.fields import (
    COVERAGE_COMPARED,
    MEMBER_COMPARED,
    category_field,
    normalise,
)
from inspector.core.export.corrections import write_members_csv
from inspector.core.records.document import load
from tests.support.synthetic import write_834
from tests.support.synthetic_pairs import generate_pair, write_pair


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pair")
    old, new, _ = write_pair(folder, 400, seed=14, count=2)
    manifest = generate_pair(400, seed=14, count=2).manifest
    return load(old), load(new), manifest


@pytest.fixture(scope="module")
def audit_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    old, new, _ = write_pair(folder, 300, seed=7, count=2, audit=True)
    return load(old), load(new), generate_pair(300, seed=7, count=2, audit=True).manifest


def _reported(result) -> Counter:
    rows = result.members[result.members["category"] != "unchanged"]
    return Counter(
        rows[["category", "subscriber_id", "member_id"]].itertuples(index=False, name=None)
    )


def _expected(manifest) -> Counter:
    return Counter((m["category"], m["subscriber_id"], m["member_id"]) for m in manifest["members"])


def _kind(name: str) -> str:
    spec = MEMBER_COMPARED.get(name) or COVERAGE_COMPARED.get(name)
    return spec.kind if spec is not None else category_field(name).kind


def _norm(value: str, name: str) -> str:
    return str(normalise(pd.Series([value]), _kind(name))[0])


def test_finds_exactly_the_planted_members(pair):
    old, new, manifest = pair
    result = compare(old, new)
    assert not result.audit
    assert _reported(result) == _expected(manifest)
    counts = result.counts
    assert list(counts) == list(CATEGORIES)
    assert counts["unchanged"] == len(result.members) - sum(_expected(manifest).values())
    assert counts["added"] and counts["dropped"] and counts["terminated"] and counts["cancelled"]
    assert counts["duplicated"] == 4 and counts["identity_changed"] == 8


def test_changed_members_show_exactly_the_planted_fields(pair):
    old, new, manifest = pair
    result = compare(old, new)
    changes = result.changes.merge(
        result.members[["category", "subscriber_id", "member_id"]], left_on="row", right_index=True
    )
    changes = changes[changes["category"] == "changed"]
    got = Counter(
        (
            r.subscriber_id,
            r.member_id,
            r.level,
            r.coverage,
            r.field,
            _norm(r.old, r.field),
            _norm(r.new, r.field),
        )
        for r in changes.itertuples()
        if r.field != "coverage"
    ) + Counter(
        (r.subscriber_id, r.member_id, r.level, r.coverage, r.field, r.old, r.new)
        for r in changes.itertuples()
        if r.field == "coverage"
    )
    expected = Counter(
        (c["subscriber_id"], c["member_id"], c["level"], c["coverage"], c["field"])
        + (
            (c["old"], c["new"])
            if c["field"] == "coverage"
            else (_norm(c["old"], c["field"]), _norm(c["new"], c["field"]))
        )
        for c in manifest["changes"]
    )
    assert got == expected


def test_says_which_key_matched(pair):
    old, new, manifest = pair
    result = compare(old, new)
    members = result.members.set_index(["subscriber_id", "member_id"])
    fields: dict[tuple[str, str], set[str]] = {}
    for c in manifest["changes"]:
        fields.setdefault((c["subscriber_id"], c["member_id"]), set()).add(c["field"])
    ssn_only = [k for k, f in fields.items() if f == {"member_id"}]
    assert ssn_only and all(members.loc[k, "match"] == MATCH_SSN for k in ssn_only)
    renamed = [k for k, f in fields.items() if f == {"member_id", "ssn"}]
    assert renamed and all(members.loc[k, "match"] == MATCH_NAME for k in renamed)
    unchanged = result.members[result.members["category"] == "unchanged"]
    assert (unchanged["match"] == MATCH_ID).all()


def test_identity_changes_and_swaps_name_the_identity_fields(pair):
    old, new, _ = pair
    result = compare(old, new)
    identity = result.members[result.members["category"] == "identity_changed"]
    assert len(identity) == 8
    for changed in identity["changed"]:
        assert {"ssn", "birth_date", "first_name", "last_name"} & set(changed.split(", "))


def test_terminations_and_cancellations(pair):
    old, new, _ = pair
    result = compare(old, new)
    ended = result.members[result.members["category"].isin(["terminated", "cancelled"])]
    assert len(ended) == 6
    rows = set(ended.index)
    ended_changes = result.changes[result.changes["row"].isin(rows)]
    assert set(ended_changes[ended_changes["level"] == "member"]["field"]) == {"eligibility_end"}
    cov = result.coverage[result.coverage["row"].isin(rows)]
    assert set(cov["status"]) == {"terminated"}


def test_identical_files_are_all_unchanged(tmp_path):
    path = write_834(tmp_path / "a.834", 300, seed=3)
    result = compare(load(path), load(path))
    assert result.differences == 0
    assert result.counts["unchanged"] == 300
    assert result.changes.empty
    assert set(result.coverage["status"]) == {"unchanged"}
    assert not result.members["note"].any() and not result.members["changed"].any()


def test_file_against_itself_through_its_members_export_is_unchanged(tmp_path):
    path = write_834(tmp_path / "a.834", 200, seed=4)
    doc = load(path)
    csv = write_members_csv(doc, tmp_path / "members.csv")
    result = compare(open_roster(csv), doc)
    assert result.differences == 0, result.changes.head()
    assert (result.members["match"] == MATCH_ID).all()
    assert result.members["old_where"].min() == 2  # CSV line numbers, heading = line 1


def test_audit_mode(audit_pair):
    old, new, manifest = audit_pair
    result = compare(old, new)
    assert result.audit  # BGN08 = 4 and INS03 = 030 in NEW
    assert _reported(result) == _expected(manifest)
    assert result.counts["not_in_audit"] and result.counts["only_in_audit"]
    assert result.counts["dropped"] == result.counts["added"] == 0
    forced = compare(old, new, audit=False)
    assert forced.counts["dropped"] == result.counts["not_in_audit"]


def test_insurer_csv_with_a_column_mapping(pair, tmp_path):
    old, new, manifest = pair
    csv = write_members_csv(old, tmp_path / "m.csv")
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    table = table.rename(
        columns={"ssn": "SSN", "last_name": "Surname", "first_name": "Given", "birth_date": "DOB"}
    )
    table["DOB"] = pd.to_datetime(table["DOB"]).dt.strftime("%m/%d/%Y")  # another date format
    table["Surname"] = table["Surname"].str.title()  # another case
    table[["SSN", "Surname", "Given", "DOB"]].to_csv(tmp_path / "insurer.csv", index=False, sep=";")
    mapping = parse_mapping("ssn=SSN, last_name=Surname, first_name=Given, birth_date=DOB")
    result = compare(open_roster(tmp_path / "insurer.csv", mapping), new)
    expected = _expected(manifest)
    assert result.counts["added"] == sum(v for (c, *_), v in expected.items() if c == "added")
    assert result.counts["dropped"] == sum(v for (c, *_), v in expected.items() if c == "dropped")
    compared = set(result.changes["field"])
    assert compared <= {"ssn", "last_name", "first_name", "birth_date", "coverage"}
    assert set(result.members["match"]) - {""} <= {MATCH_SSN, MATCH_NAME}


def test_xlsx_old_side(pair, tmp_path):
    pytest.importorskip("openpyxl")
    old, new, _ = pair
    csv = write_members_csv(old, tmp_path / "m.csv")
    pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(tmp_path / "m.xlsx", index=False)
    via_csv = compare(open_roster(csv), new)
    via_xlsx = compare(open_roster(tmp_path / "m.xlsx"), new)
    assert via_xlsx.counts == via_csv.counts


@pytest.mark.parametrize(
    ("content", "mapping", "says"),
    [
        ("", None, "empty"),
        ("a,b\n1,2\n", None, "no column to match members on"),
        ("SSN,Name\n123456789,X\n", "ssn=Social", "no column 'Social'"),
        ("SSN\n123456789\n", "shoe_size=SSN", "does not know"),
    ],
)
def test_bad_tables_say_what_is_wrong(tmp_path, content, mapping, says):
    path = tmp_path / "old.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CompareInputError) as caught:
        open_roster(path, parse_mapping(mapping) if mapping else None)
    assert "old.csv" in str(caught.value) and says in str(caught.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(CompareInputError, match="no such file"):
        open_roster(tmp_path / "nope.csv")
    (tmp_path / "bin.xlsx").write_bytes(b"\x00\x01not a zip")
    with pytest.raises(CompareInputError, match=r"bin\.xlsx"):
        open_roster(tmp_path / "bin.xlsx")


def test_parse_mapping_rejects_malformed_text():
    assert parse_mapping("ssn=SSN,last_name = Surname") == {"ssn": "SSN", "last_name": "Surname"}
    with pytest.raises(ValueError, match="field=column"):
        parse_mapping("ssn")


def test_progress_and_cancel(pair):
    old, new, _ = pair
    seen: list[tuple[int, int]] = []
    compare(from_document(old), from_document(new), progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and len(seen) == seen[-1][1]
    with pytest.raises(Cancelled):
        compare(old, new, cancel=lambda: True)


def test_rows_point_at_the_members_segments(pair):
    old, new, _ = pair
    result = compare(old, new)
    both = result.members.dropna(subset=["old_row", "new_row"])
    assert (
        old.members["seg_ins"].to_numpy()[both["old_row"].to_numpy(int)]
        == both["old_where"].to_numpy(int)
    ).all()
    assert (
        new.members["seg_ins"].to_numpy()[both["new_row"].to_numpy(int)]
        == both["new_where"].to_numpy(int)
    ).all()
    for ordinal in both["new_where"].head(20):
        assert new.store.segment_id(int(ordinal)) == "INS"


def test_core_does_not_import_qt():
    import inspector.core.export.compare as module

    source = Path(module.__file__).parent
    assert not any("PySide6" in p.read_text() for p in source.glob("*.py"))


# ---------------------------------------------------------------------------------------------
# inspector compare (the command line)
def _run(capsys, *argv: str) -> tuple[int, str, str]:
    from inspector.cli import main

    code = main(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clipair")
    old, new, manifest = write_pair(folder, 400, seed=14, count=2)
    return old, new, json.loads(manifest.read_text(encoding="utf-8"))


def test_cli_json_is_the_core_result(capsys, pair_files):
    old, new, manifest = pair_files
    code, out, _ = _run(capsys, str(old), str(new), "--format", "json")
    assert code == 1  # differences found
    report = json.loads(out)
    got = Counter((m["category"], m["subscriber_id"], m["member_id"]) for m in report["members"])
    assert got == _expected(manifest)
    assert report["counts"] == compare(load(old), load(new)).counts
    changed = [m for m in report["members"] if m["category"] == "changed"]
    assert sum(len(m["changes"]) for m in changed) == len(manifest["changes"])


def test_cli_text_masks_ssns_and_exit_0_without_differences(capsys, pair_files):
    old, new, _ = pair_files
    code, out, _ = _run(capsys, str(old), str(new))
    assert code == 1 and "Identity changed" in out and "***-**-" in out
    ssns = set(load(old).members["ssn"]) | set(load(new).members["ssn"])
    assert not any(ssn in out for ssn in ssns if ssn)
    code, out, _ = _run(capsys, str(old), str(old))
    assert code == 0 and "Unchanged" in out


def test_cli_csv_and_xlsx(capsys, pair_files, tmp_path):
    old, new, _ = pair_files
    code, out, _ = _run(capsys, str(old), str(new), "--format", "csv", "--out", str(tmp_path))
    assert code == 1 and "compare_members.csv" in out
    members = pd.read_csv(tmp_path / "compare_members.csv", dtype=str, keep_default_na=False)
    assert len(members) == len(compare(load(old), load(new)).members)
    assert members["subscriber_id"].str.len().eq(10).all()  # leading zeros kept
    assert (tmp_path / "compare_changes.csv").exists() and (
        tmp_path / "compare_coverage.csv"
    ).exists()
    if pytest.importorskip("openpyxl"):
        code, _out, _ = _run(capsys, str(old), str(new), "--format", "xlsx", "--out", str(tmp_path))
        sheets = pd.read_excel(tmp_path / "compare.xlsx", sheet_name=None, dtype=str)
        assert set(sheets) == {"Summary", "Members", "Changes", "Coverage"}
        assert len(sheets["Members"]) == len(members)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["missing.csv", "{new}"], "missing.csv: no such file"),
        (["{new}", "{new}", "--format", "csv"], "needs --out"),
        (["{new}", "{new}", "--map", "ssn"], "--map"),
        (["{bad}", "{new}"], "bad.834"),
        (["{csv}", "{new}", "--map", "ssn=Nope"], "no column 'Nope'"),
    ],
)
def test_cli_bad_input_exit_2_with_a_message(capsys, pair_files, tmp_path, argv, says):
    _, new, _ = pair_files
    (tmp_path / "bad.834").write_text("hello", encoding="ascii")
    (tmp_path / "t.csv").write_text("SSN\n123456789\n", encoding="ascii")
    values = {"new": str(new), "bad": str(tmp_path / "bad.834"), "csv": str(tmp_path / "t.csv")}
    code, _out, err = _run(capsys, *[a.format(**values) for a in argv])
    assert code == 2 and says in err and "Traceback" not in err


def test_dates_and_ssns_are_ascii_digits():
    # \d matches Arabic-Indic digits: ١٩٨١٠٢٢٨ became the date "١٩٨١-٠٢-٢٨" and ٢١٦٧٧١٠٩٤ an SSN
    # key (the SSN of a file written in 0-9 is never equal to it)
    import numpy as np

    from inspector.core.export.compare.match import ssn_keys
    from inspector.core.export.compare.roster import Roster

    assert _norm("19810228", "birth_date") == "1981-02-28"
    assert _norm("2/28/1981", "birth_date") == "1981-02-28"
    for value in ("١٩٨١٠٢٢٨", "٢/٢٨/١٩٨١", "١٩٨١-٠٢-٢٨ 00:00:00"):
        assert _norm(value, "birth_date") == value
    ssns = np.array(["216-77-1094", "٢١٦-٧٧-١٠٩٤", "٢١٦٧٧١٠٩٤"], dtype=object)
    roster = Roster(Path("x.csv"), "table", {"ssn": ssns}, {}, np.arange(3), pd.DataFrame())
    assert ssn_keys(roster).tolist() == ["216771094", "", ""]
