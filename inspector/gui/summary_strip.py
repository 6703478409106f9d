"""The strip above each document: file, envelope ids, member counts, errors and warnings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

_CHIPS = (
    ("file", "File"),
    ("isa", "ISA13"),
    ("gs", "GS06"),
    ("st", "ST02"),
    ("members", "Members"),
    ("adds", "Adds"),
    ("changes", "Changes"),
    ("terms", "Terms"),
    ("errors", "Errors"),
    ("warnings", "Warnings"),
)


class SummaryStrip(QFrame):
    """A row of name/value pairs; values update while validation streams findings in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setAccessibleName("File summary")
        # On a narrow window the last chips are cut off rather than widening the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(14)
        self._values: dict[str, QLabel] = {}
        for key, title in _CHIPS:
            pair = QHBoxLayout()
            pair.setSpacing(5)
            name = QLabel(title)
            name.setProperty("role", "chipName")
            value = QLabel("–")
            value.setProperty("role", "chipValue")
            value.setObjectName(f"summary_{key}")
            pair.addWidget(name)
            pair.addWidget(value)
            layout.addLayout(pair)
            self._values[key] = value
        layout.addStretch(1)
        self._layout = layout

    def add_action(self, action: QAction, text: str) -> QToolButton:
        """A button for a window command at the strip's right end (one click from the file)."""
        action.setIconText(text)  # what the button says (menus show the action's full text)
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(action.objectName().replace("action", "button", 1))
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never elided
        self._layout.addWidget(button)
        return button

    def value(self, key: str) -> str:
        return self._values[key].text()

    def show_file(self, path: Path) -> None:
        self._set("file", path.name, tip=str(path))

    def show_summary(self, summary: dict) -> None:
        self.show_file(Path(summary["file"]))
        interchanges = summary.get("interchanges", [])
        groups = [g for i in interchanges for g in i.get("groups", [])]
        sets = summary.get("transactions", [])
        self._set("isa", _first([i["control"] for i in interchanges]))
        self._set("gs", _first([g["control"] for g in groups]))
        self._set("st", _first([t["control"] for t in sets]))
        types = summary.get("maintenance_types", {})

        def count(code: str) -> int:
            return sum(v for k, v in types.items() if k.startswith(code))

        self._set(
            "members",
            f"{summary.get('members', 0):,}",
            tip=f"{summary.get('subscribers', 0):,} subscribers, "
            f"{summary.get('dependents', 0):,} dependents, "
            f"{summary.get('coverages', 0):,} coverages",
        )
        self._set("adds", f"{count('021'):,}", tip="INS03 = 021 (addition)")
        self._set("changes", f"{count('001'):,}", tip="INS03 = 001 (change)")
        self._set("terms", f"{count('024'):,}", tip="INS03 = 024 (cancellation or termination)")

    def show_counts(self, errors: int, warnings: int, running: bool) -> None:
        suffix = "…" if running else ""
        self._set(
            "errors", f"{errors:,}{suffix}", tone="error" if errors else ("" if running else "ok")
        )
        self._set("warnings", f"{warnings:,}{suffix}", tone="warning" if warnings else "")

    def _set(self, key: str, text: str, tip: str = "", tone: str = "") -> None:
        label = self._values[key]
        label.setText(text)
        label.setToolTip(tip)
        if label.property("tone") != tone:
            label.setProperty("tone", tone)
            label.style().unpolish(label)
            label.style().polish(label)


def _first(values: list[str]) -> str:
    values = [v for v in values if v]
    if not values:
        return "–"
    return values[0] if len(values) == 1 else f"{values[0]} (+{len(values) - 1})"
