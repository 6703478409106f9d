"""View ▸ Mask Personal Data: every view shows SSNs, birth dates (and, asked, names and
addresses) masked through its display and tooltip roles; editors get the real value and an edit
of a masked cell writes what was typed; the setting is remembered; the app's CSV exports follow
it while the corrected 834 keeps the real values (offscreen, on a copy of the demo file)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from inspector.gui.export_actions import VISIBLE, Exporter
from inspector.gui.main_window import MainWindow
from inspector.gui.models.elements_model import VALUE
from inspector.gui.models.segments_model import SPANS_ROLE, TEXT
from tests.gui.conftest import open_and_wait

ROW, POS, DMG = 27, 28, 748  # member 28: YOUNG, JULIA, DMG*D8*19810231 (see the demo manifest)
SSN, BIRTH = "216771094", "19810231"
DISPLAY, TOOLTIP, EDIT = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.EditRole,
)
REVALIDATE_MS = 10_000


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch):
    monkeypatch.setattr(MainWindow, "ask_unsaved_changes", lambda self, tab: "discard")
    monkeypatch.setattr(Exporter, "choose_save_path", lambda self, *a: None)
    monkeypatch.setattr(Exporter, "choose_rows", lambda self, *a: VISIBLE)


def _cell(model, source_row: int, column: str):
    return model.index(model.view_row(source_row), model.table.column_index(column))


def _mask(window, names: bool = False) -> None:
    window.actions_.mask_phi.setChecked(True)
    window.actions_.mask_names.setChecked(names)


def secrets(tab, names: bool = True) -> set[str]:
    """The file's SSNs, full birth dates (both forms) and, with ``names``, last and first
    names and streets: what no view may show while masked."""
    m = tab.editing.editor.doc.members
    found: set[str] = set()
    columns = ("ssn", "birth_date") + (("last_name", "first_name", "address1") if names else ())
    for column in columns:
        for v in m[column]:
            if isinstance(v, str) and len(v) >= 3:
                found |= {v, v.replace("-", ""), v.title()}
    return found


def shown_texts(tab) -> list[str]:
    """Everything the members, coverage, segments and findings views show (display and
    tooltip roles of every cell)."""
    texts: list[str] = []
    for model in (
        tab.members.model,
        tab.coverage.model,
        tab.segments.model,
        tab.findings.model,
    ):
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                index = model.index(r, c)
                for role in (DISPLAY, TOOLTIP):
                    value = index.data(role)
                    if isinstance(value, str) and value:
                        texts.append(value)
    return texts


def _leaks(texts: list[str], found: set[str]) -> list[str]:
    import re

    hits = set()
    for text in texts:
        words = set(re.findall(r"[^\W_]+(?:-[^\W_]+)*", text))
        hits |= {s for s in found if s in words or (not s.isalpha() and s in text)}
    return sorted(hits)


def test_masking_reaches_every_view(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    everything = secrets(tab)
    assert _leaks(shown_texts(tab), everything)  # unmasked, the views do show them

    _mask(window)
    members = tab.members.model
    assert _cell(members, ROW, "ssn").data(DISPLAY) == "***-**-1094"
    assert _cell(members, ROW, "birth_date").data(DISPLAY) == "1981-**-**"
    assert _cell(members, ROW, "last_name").data(DISPLAY) == "YOUNG"  # names not asked for
    assert not _leaks(shown_texts(tab), secrets(tab, names=False))
    nm1 = int(tab.prepared.doc.members["seg_nm1"].iat[ROW])
    assert "YOUNG" in tab.segments.model.index(nm1 - 1, TEXT).data()

    _mask(window, names=True)
    assert _cell(members, ROW, "last_name").data(DISPLAY) == "Y***"
    assert _cell(members, ROW, "address1").data(DISPLAY) == "****"
    assert _cell(members, ROW, "zip").data(DISPLAY) == "282**"
    coverage = tab.coverage.model.table  # (the view shows the selected member's coverage)
    cov_row = int(list(coverage.member_pos).index(POS))
    assert coverage.display[coverage.column_index("member_name")][cov_row] == "Y***, J***"
    assert not _leaks(shown_texts(tab), everything)
    tab.members.view.setCurrentIndex(_cell(members, ROW, "last_name"))  # shows its coverage
    assert "Y***, J***" in tab.coverage.only_selected.toolTip()
    assert "YOUNG" not in tab.coverage.only_selected.toolTip()
    every_cell = [v for values in coverage.display if values is not None for v in values]
    every_cell += [v for values in members.table.display if values is not None for v in values]
    assert not _leaks([v for v in every_cell if isinstance(v, str)], everything)

    # segments: the elements masked, spans still inside the (masked) text
    segments = tab.segments.model
    dmg = segments.index(DMG - 1, TEXT)
    assert dmg.data(DISPLAY) == "DMG*D8*1981\u2022\u2022\u2022\u2022*F*D"
    for start, end, _rank in dmg.data(SPANS_ROLE):
        assert dmg.data(DISPLAY)[start:end] == "1981\u2022\u2022\u2022\u2022"
    assert "February" not in (dmg.data(TOOLTIP) or "") and BIRTH not in dmg.data(TOOLTIP)

    # off again: the real values are back
    window.actions_.mask_phi.setChecked(False)
    assert _cell(members, ROW, "ssn").data(DISPLAY) == SSN
    assert segments.index(DMG - 1, TEXT).data(DISPLAY) == f"DMG*D8*{BIRTH}*F*D"


def test_editing_a_masked_cell_shows_and_writes_the_real_value(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    _mask(window, names=True)
    members = tab.members.model
    birth = _cell(members, ROW, "birth_date")
    assert birth.data(DISPLAY) == "1981-**-**"
    assert birth.data(EDIT) == BIRTH  # the editor gets the real value
    assert _cell(members, ROW, "ssn").data(EDIT) == SSN
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert members.setData(birth, "19810228", EDIT)
    doc = tab.editing.editor.doc
    assert doc.store.raw(DMG) == "DMG*D8*19810228*F*D"  # what was typed, not the mask
    assert doc.members["birth_date"].iat[ROW] == "1981-02-28"
    assert _cell(members, ROW, "birth_date").data(DISPLAY) == "1981-**-**"
    assert _cell(members, ROW, "birth_date").data(EDIT) == "19810228"
    # the history and the status line show the correction masked
    entry = tab.editing.history_model.entry(0)
    assert (entry.before, entry.after) == ("1981-**-**", "1981-**-**")
    assert "YOUNG" not in entry.where and "Y***" in entry.where
    status = window.statusBar().currentMessage()
    assert "02-28" not in status and "YOUNG" not in status
    # a refused value is not quoted back in clear
    members.edit_rejected.connect(lambda reason, *_: rejected.append(reason))
    rejected: list[str] = []
    assert not members.setData(birth, "19811340", EDIT)
    assert rejected, "the value was refused"
    assert "19811340" not in rejected[0] and "1981-13-40" not in rejected[0]
    assert "the month **" in rejected[0] or "1981" in rejected[0]


def test_the_segment_editor_masks_values_but_edits_the_real_ones(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    _mask(window, names=True)
    nm1 = int(tab.editing.editor.doc.members["seg_nm1"].iat[ROW])
    dialog = tab.editing.open_segment_editor(nm1)
    assert dialog is not None
    model = dialog.model
    shown = {model.element(r): model.index(r, VALUE).data(DISPLAY) for r in range(model.rowCount())}
    real = {model.element(r): model.index(r, VALUE).data(EDIT) for r in range(model.rowCount())}
    assert shown["NM103"] == "Y***" and real["NM103"] == "YOUNG"
    assert shown["NM109"] == "***-**-1094" and real["NM109"] == SSN
    assert shown["NM108"] == "34"
    assert "YOUNG" not in dialog.text.text() and SSN not in dialog.text.text()
    assert "YOUNG" not in dialog.heading.text()
    row = model.row_of("NM104")
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        assert model.setData(model.index(row, VALUE), "JULIANA", EDIT)
    assert tab.editing.editor.doc.store.raw(nm1).split("*")[4] == "JULIANA"
    assert model.index(row, VALUE).data(DISPLAY) == "J***"
    # switching masking off while the editor is open shows the real values
    window.actions_.mask_phi.setChecked(False)
    assert model.index(row, VALUE).data(DISPLAY) == "JULIANA"
    assert SSN in dialog.text.text()
    dialog.close()


def test_findings_list_masks_messages_and_filters_what_it_shows(qtbot, window, demo_copy):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    findings = tab.findings.model
    date = next(i for i, f in enumerate(findings.findings) if f.code == "RULE-DATE-INVALID")
    assert BIRTH in findings.findings[date].message
    _mask(window)
    view_row = findings.view_row(date)
    message = findings.index(view_row, 7).data(DISPLAY)
    assert BIRTH not in message and "February" not in message and "1981****" in message
    assert findings.index(view_row, 0).data(TOOLTIP) == message
    assert findings.findings[date].message != message  # the findings themselves unchanged
    findings.set_text_filter(BIRTH)
    assert findings.rowCount() == 0  # the filter searches what is shown
    findings.set_text_filter("1981****")
    assert findings.rowCount() == 1


def test_the_setting_is_remembered_and_applies_to_files_opened_later(
    qtbot, make_window, settings, demo_copy
):
    first = make_window(False)
    _mask(first, names=True)
    first.close()
    assert settings.mask_phi() and settings.mask_names()
    again = make_window(False)
    assert again.actions_.mask_phi.isChecked() and again.actions_.mask_names.isChecked()
    assert again.actions_.mask_names.isEnabled()
    tab = open_and_wait(qtbot, again, demo_copy)
    assert _cell(tab.members.model, ROW, "ssn").data(DISPLAY) == "***-**-1094"
    assert _cell(tab.members.model, ROW, "first_name").data(DISPLAY) == "J***"
    indicator = again.mask_indicator  # the status bar says masking is on (screen shares)
    assert not indicator.isHidden() and "names and addresses masked" in indicator.text()
    again.actions_.mask_phi.setChecked(False)
    assert not settings.mask_phi() and not again.actions_.mask_names.isEnabled()
    assert indicator.isHidden()


def test_app_exports_follow_the_view_setting(qtbot, window, demo_copy, tmp_path, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy, validated=True)
    _mask(window, names=True)
    titles: list[str] = []
    out = tmp_path / "out"
    out.mkdir()

    def choose(_self, title, suggested, _filter):
        titles.append(title)
        return out / Path(suggested).name.split("-", 1)[-1]

    monkeypatch.setattr(Exporter, "choose_save_path", choose)
    with qtbot.waitSignal(tab.editing.editor.revalidation_finished, timeout=REVALIDATE_MS):
        tab.members.model.setData(_cell(tab.members.model, ROW, "birth_date"), "19810228", EDIT)
    exporter = window.exporter
    assert exporter.export_members(tab) and exporter.export_coverage(tab)
    assert exporter.export_findings(tab) and exporter.export_corrections(tab)
    assert all("masked" in t for t in titles)
    found = secrets(tab)
    for name in ("members.csv", "coverage.csv", "findings.csv", "corrections.csv"):
        text = (out / name).read_text("utf-8-sig")
        assert not _leaks([text], found), name
    with open(out / "members.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[ROW]["SSN"] == "***-**-1094"  # headers as on screen
    # the corrected 834 carries the real values, and its dialog says so
    assert exporter.save_corrected(tab)
    assert "never masked" in titles[-1]
    saved = (out / "corrected.834").read_bytes()
    assert b"DMG*D8*19810228*F*D" in saved and SSN.encode() in saved
