"""``inspector export --mask-phi``: masked CSV files, refusal with the 834 and the 999, and no
personal data in what the command prints or logs (debug logging on, pyx12 included)."""

from __future__ import annotations

import logging

import pytest

from inspector.cli import main
from tests.support.phi import debug_logging, file_phi, phi_in
from tests.support.synthetic import DEFECTS, write_834

CSVS = ("members.csv", "coverage.csv", "findings.csv", "corrections.csv")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("climask") / "in.834"
    write_834(path, 150, defects=DEFECTS)
    return path


@pytest.fixture
def edits(tmp_path, source):
    """One birth-date correction (the DMG of the third member)."""
    from inspector.core.records.document import load

    dmg = int(load(source).members["seg_dmg"].iat[2])
    path = tmp_path / "edits.json"
    path.write_text(f'[{{"segment": {dmg}, "element": "DMG02", "value": "19750820"}}]')
    return path


def test_export_mask_phi_with_debug_logging_leaks_nothing(source, edits, tmp_path, capfd, caplog):
    debug_logging()
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="pyx12")
    phi = file_phi(source) | {"19750820", "1975-08-20"}
    out = tmp_path / "out"
    code = main(["export", str(source), "--out", str(out), "--mask-phi", "--edits", str(edits)])
    assert code in (0, 1)
    logging.getLogger("pyx12.x12file").debug("capture-check")  # the logs are being captured
    captured = capfd.readouterr()
    for name in CSVS:
        text = (out / name).read_text("utf-8-sig")
        assert not phi_in(text, phi), name
    printed = captured.out + captured.err + caplog.text
    assert "members.csv" in captured.out  # the command did report what it wrote
    assert "capture-check" in captured.err + caplog.text
    assert not phi_in(printed, phi)
    # the SSN-and-birth-date level keeps the names
    out2 = tmp_path / "out2"
    assert main(["export", str(source), "--out", str(out2), "--mask-phi", "ssn-dob"]) in (0, 1)
    members = (out2 / "members.csv").read_text("utf-8-sig")
    assert phi_in(members, phi) and not [v for v in phi_in(members, phi) if not v.isalpha()]


def test_unmasked_export_logs_no_personal_data_either(source, tmp_path, capfd, caplog):
    """Without masking the CSV files carry the values, but the output and the logs do not."""
    debug_logging()
    caplog.set_level(logging.DEBUG)
    phi = file_phi(source)
    assert main(["export", str(source), "--out", str(tmp_path / "o")]) in (0, 1)
    captured = capfd.readouterr()
    assert phi_in((tmp_path / "o" / "members.csv").read_text("utf-8-sig"), phi)
    assert not phi_in(captured.out + captured.err + caplog.text, phi)


@pytest.mark.parametrize("flag", ["--corrected-834", "--ack"])
def test_mask_phi_refuses_the_834_and_the_999(source, tmp_path, capsys, flag):
    out = tmp_path / "out"
    code = main(["export", str(source), "--out", str(out), "--mask-phi", flag, str(tmp_path / "x")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--mask-phi" in err and "never masked" in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "x").exists()  # nothing written
