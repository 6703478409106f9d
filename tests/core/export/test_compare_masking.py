"""A comparison shown or written with personal data masked (compare window, compare --mask-phi)."""

from __future__ import annotations

import json
import stat

import pytest

from inspector.core.export.compare import compare
from inspector.core.export.compare.masking import mask_result
from inspector.core.export.compare.report import to_json, to_text, write_csvs
from inspector.core.records.document import load
from inspector.core.records.mask import MaskPolicy
from tests.support.phi import file_phi, phi_in
from tests.support.synthetic_pairs import write_pair


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("maskpair")
    old, new, _ = write_pair(folder, 300, seed=21, count=3)
    return old, new


@pytest.fixture(scope="module")
def result(files):
    old, new = files
    return compare(load(old), load(new))


def _all_text(r) -> str:
    return "\n".join(
        [
            r.members.astype(str).to_csv(),
            r.changes.astype(str).to_csv(),
            r.coverage.astype(str).to_csv(),
        ]
    )


def test_plain_result_shows_the_personal_data(files, result):
    phi = file_phi(files[0]) | file_phi(files[1])
    assert phi_in(_all_text(result), phi)  # the check below could fail


@pytest.mark.parametrize("names", [False, True])
def test_masked_result_keeps_no_ssn_or_birth_date_and_names_only_when_asked(files, result, names):
    phi = file_phi(files[0]) | file_phi(files[1])
    masked = mask_result(result, MaskPolicy(names=names))
    left = phi_in(_all_text(masked), phi)
    digits = [v for v in left if v.replace("-", "").isdigit()]
    assert digits == []  # SSNs and birth dates
    if names:
        assert left == []
    else:
        assert left  # names stay unless asked
    # positions, categories and counts are those of the real result
    assert masked.counts == result.counts
    assert masked.members["old_where"].equals(result.members["old_where"])
    assert masked.changes["field"].tolist() == result.changes["field"].tolist()
    # the real result is untouched
    assert phi_in(_all_text(result), phi)


def test_masked_ssn_keeps_the_last_four_digits(result):
    masked = mask_result(result, MaskPolicy())
    ssn_changes = result.changes[result.changes["field"] == "ssn"]
    assert len(ssn_changes)  # the pair generator plants SSN changes
    for k in ssn_changes.index:
        real, shown = str(result.changes.at[k, "new"]), masked.changes.at[k, "new"]
        if real:
            assert shown.endswith(real[-4:]) and real not in shown


def test_no_policy_is_the_result_itself(result):
    assert mask_result(result, None) is result


def test_cli_compare_mask_phi_text_json_and_csv(files, tmp_path, capsys):
    from inspector.cli import main

    old, new = files
    phi = file_phi(old) | file_phi(new)
    for fmt in ("text", "json"):
        assert main(["compare", str(old), str(new), "--format", fmt, "--all", "--mask-phi",
                     "all"]) == 1  # fmt: skip
        out = capsys.readouterr().out
        assert phi_in(out, phi) == []
        if fmt == "json":
            json.loads(out)
    out_dir = tmp_path / "out"
    assert main(["compare", str(old), str(new), "--format", "csv", "--out", str(out_dir),
                 "--mask-phi"]) == 1  # fmt: skip
    capsys.readouterr()
    text = "".join(p.read_text(encoding="utf-8-sig") for p in out_dir.glob("*.csv"))
    assert [v for v in phi_in(text, phi) if v.replace("-", "").isdigit()] == []


def test_text_report_file_is_user_only(files, result, tmp_path, capsys):
    from inspector.cli import main

    old, new = files
    assert main(["compare", str(old), str(new), "--out", str(tmp_path / "t")]) == 1
    capsys.readouterr()
    written = tmp_path / "t" / "compare.txt"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert to_text(result)  # and the in-memory forms still work
    assert to_json(result)
    assert write_csvs(mask_result(result, MaskPolicy()), tmp_path / "c")
