"""The compare view: same result as the CLI on a known pair, filters, jumps, export, cancel."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from inspector.gui.compare import CompareView, show_compare
from inspector.gui.compare.model import CATEGORY_ROLE, COLUMNS
from tests.support.synthetic_pairs import write_pair

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path, dict]:
    folder = tmp_path_factory.mktemp("guipair")
    old, new, manifest = write_pair(folder, 300, seed=21, count=1)
    return old, new, json.loads(manifest.read_text(encoding="utf-8"))


def _compared(qtbot, view: CompareView, old: Path, new: Path, mapping=None) -> None:
    with qtbot.waitSignal(view.comparison_finished, timeout=TIMEOUT_MS):
        view.start(old, new, mapping)
    assert not view.running


def test_the_view_shows_what_the_cli_reports(qtbot, qtmodeltester, pair, capsys):
    from inspector.cli import main

    old, new, manifest = pair
    view = CompareView()
    qtbot.addWidget(view)
    _compared(qtbot, view, old, new)
    assert view.result is not None and view.message == ""
    assert main(["compare", str(old), str(new), "--format", "json"]) == 1
    cli = json.loads(capsys.readouterr().out)
    assert view.result.counts == cli["counts"]
    model = view.model
    rows = Counter(
        (
            model.data(model.index(r, 0), CATEGORY_ROLE),
            model.data(model.index(r, 1)),
            model.data(model.index(r, 2)),
        )
        for r in range(model.rowCount())
    )
    expected = Counter(
        (m["category"], m["subscriber_id"], m["member_id"]) for m in manifest["members"]
    )
    assert rows == expected  # unchanged rows are filtered out by default
    button = view.buttons["added"]
    assert button.text().endswith(f"\n{cli['counts']['added']}")
    qtmodeltester.check(model, force_py=True)


def test_category_buttons_filter_and_text_filter(qtbot, pair):
    old, new, _ = pair
    view = CompareView()
    qtbot.addWidget(view)
    _compared(qtbot, view, old, new)
    assert view.result is not None
    view.show_categories({"added"})
    assert view.model.rowCount() == view.result.counts["added"]
    view.buttons["unchanged"].setChecked(True)  # a click on a count adds its rows
    assert view.model.rowCount() == view.result.counts["added"] + view.result.counts["unchanged"]
    view.show_categories(set(view.buttons))
    assert view.model.rowCount() == len(view.result.members)
    changed = view.result.members[view.result.members["category"] == "changed"]
    view.filter.setText(changed["subscriber_id"].iloc[0])
    assert 1 <= view.model.rowCount() < 10


def test_sorting_by_a_column(qtbot, pair):
    old, new, _ = pair
    view = CompareView()
    qtbot.addWidget(view)
    _compared(qtbot, view, old, new)
    column = [c for c, _ in COLUMNS].index("subscriber_id")
    view.model.sort(column)
    shown = [view.model.data(view.model.index(r, column)) for r in range(view.model.rowCount())]
    assert shown == sorted(shown)


def test_a_row_shows_its_differences_and_jumps_to_either_file(qtbot, pair):
    old, new, _ = pair
    view = CompareView()
    qtbot.addWidget(view)
    _compared(qtbot, view, old, new)
    view.show_categories({"changed"})
    view.select_row(0)
    assert "->" not in view.details.toPlainText() and "→" in view.details.toPlainText()
    assert view.show_old.isEnabled() and view.show_new.isEnabled()
    with qtbot.waitSignal(view.segment_requested) as old_jump:
        view.show_old.click()
    with qtbot.waitSignal(view.segment_requested) as new_jump:
        view.show_new.click()
    assert old_jump.args[0] == old and new_jump.args[0] == new
    assert view.result is not None
    assert view.result.old.document.store.segment_id(old_jump.args[1]) == "INS"
    assert view.result.new.document.store.segment_id(new_jump.args[1]) == "INS"
    view.show_categories({"added"})
    view.select_row(0)
    assert not view.show_old.isEnabled() and view.show_new.isEnabled()


def test_export_csv_and_xlsx(qtbot, pair, tmp_path):
    old, new, _ = pair
    view = CompareView()
    qtbot.addWidget(view)
    _compared(qtbot, view, old, new)
    written = view.export_to(tmp_path / "result.csv", xlsx=False)
    assert {p.name for p in written} == {
        "compare_members.csv",
        "compare_changes.csv",
        "compare_coverage.csv",
    }
    pytest.importorskip("openpyxl")
    assert view.export_to(tmp_path / "result.xlsx", xlsx=True)[0].exists()


def test_cancel_and_a_bad_file_are_messages(qtbot, pair, tmp_path):
    old, new, _ = pair
    view = CompareView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.comparison_finished, timeout=TIMEOUT_MS):
        view.start(old, new)
        view.cancel()
    assert view.message == "Comparison cancelled." and view.result is None
    bad = tmp_path / "old.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    _compared(qtbot, view, bad, new)
    assert "old.csv" in view.message and "no column to match" in view.message


def test_the_window_jumps_into_the_main_window(qtbot, window, pair):
    old, new, _ = pair
    compare_window = show_compare(window, old, new)
    view = compare_window.view
    with qtbot.waitSignal(view.comparison_finished, timeout=TIMEOUT_MS):
        pass
    view.show_categories({"changed"})
    view.select_row(0)
    with qtbot.waitSignal(window.tabs.currentChanged, timeout=TIMEOUT_MS, raising=False):
        view.show_new.click()
    qtbot.waitUntil(
        lambda: window.tab_for(new) is not None and window.tab_for(new).state == "loaded",
        timeout=TIMEOUT_MS,
    )
    tab = window.tab_for(new)
    expected = view.model.where(view.model.source_row(0))[1]
    qtbot.waitUntil(
        lambda: tab.segments.view.currentIndex().row() + 1 == expected, timeout=TIMEOUT_MS
    )
    compare_window.close()


def test_file_menu_compare_with_opens_the_compare_window(qtbot, window, pair, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from inspector.gui.compare import CompareWindow

    old, new, _ = pair
    answers = iter([str(new), str(old)])  # no tab open: NEW is asked first, then OLD
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(answers), ""))
    menu = window.menuBar().actions()[0].menu()
    action = next(a for a in menu.actions() if a.objectName() == "actionCompare")
    action.trigger()
    opened = [w for w in window.findChildren(CompareWindow)]
    assert len(opened) == 1
    with qtbot.waitSignal(opened[0].view.comparison_finished, timeout=TIMEOUT_MS, raising=False):
        pass
    qtbot.waitUntil(lambda: opened[0].view.result is not None, timeout=TIMEOUT_MS)
    assert opened[0].view.result.new.path == new
    opened[0].close()


def _cells(view: CompareView) -> str:
    model = view.model
    return "\n".join(
        str(model.index(r, c).data() or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    )


def test_the_compare_window_follows_view_mask_personal_data(qtbot, window, pair, tmp_path):
    from tests.support.phi import file_phi, phi_in

    old, new, _ = pair
    phi = file_phi(old) | file_phi(new)
    compare_window = show_compare(window, old, new)
    view = compare_window.view
    qtbot.waitUntil(lambda: view.result is not None and not view.running, timeout=TIMEOUT_MS)
    view.show_categories({"changed", "identity_changed", "added", "dropped"})
    assert phi_in(_cells(view), phi)  # names and birth dates are shown in clear

    window.actions_.mask_phi.setChecked(True)  # View ▸ Mask Personal Data
    window.actions_.mask_names.setChecked(True)
    assert view.mask_policy is not None and view.mask_policy.names
    assert phi_in(_cells(view), phi) == []
    details = []
    for row in range(view.model.rowCount()):
        view.select_row(row)
        details.append(view.details.toPlainText())
    assert any(details) and phi_in("\n".join(details), phi) == []
    written = view.export_to(tmp_path / "masked.csv", xlsx=False)
    text = "".join(p.read_text(encoding="utf-8-sig") for p in written)
    assert phi_in(text, phi) == []
    assert "masked" in view.status.text()

    window.actions_.mask_phi.setChecked(False)  # and back: the real values again
    assert view.mask_policy is None and phi_in(_cells(view), phi)
    compare_window.close()
