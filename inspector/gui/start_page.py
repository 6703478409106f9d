"""What the window shows when no file is open: a drop zone, Open, Open the demo, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_RECENT = 8


class StartPage(QWidget):
    """A friendly drop zone with Open and Open-the-demo buttons and the recent files."""

    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        zone = QFrame()
        zone.setObjectName("dropZone")
        layout = QVBoxLayout(zone)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.addStretch(2)
        title = QLabel("Drop an 834 file here, or File \u25b8 Open\u2026")
        title.setObjectName("startTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setWordWrap(True)
        hint = QLabel(
            "Benefit-enrollment files (X12 834) in any common form: .834, .edi, "
            ".txt, .x12. You can open several at once; each gets its own tab."
        )
        hint.setObjectName("startHint")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.open_button = QPushButton("Open a file\u2026")
        self.open_button.setObjectName("startOpenButton")
        self.open_button.setToolTip("Choose one or more 834 files (Ctrl+O)")
        self.open_button.setMinimumHeight(36)
        self.open_button.setMinimumWidth(200)
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setObjectName("startDemoButton")
        self.demo_button.setToolTip(
            "A small made-up 834 with typical problems, to try the inspector (no real data)"
        )
        self.demo_button.setMinimumHeight(36)
        self.demo_button.setMinimumWidth(160)
        self.demo_button.clicked.connect(self.demo_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        self.recent_title = QLabel("Recent files")
        self.recent_title.setObjectName("startRecentTitle")
        self.recent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(2)
        self.recent_buttons: list[QPushButton] = []
        layout.addWidget(title)
        layout.addSpacing(10)
        layout.addWidget(hint)
        layout.addSpacing(24)
        layout.addLayout(buttons)
        layout.addSpacing(28)
        layout.addWidget(self.recent_title)
        layout.addLayout(self.recent_box)
        layout.addStretch(3)
        outer.addWidget(zone)
        self.show_recent([])

    def show_recent(self, paths: list[Path]) -> None:
        """List the recent files (newest first) as buttons; a missing file is shown disabled."""
        for button in self.recent_buttons:
            self.recent_box.removeWidget(button)
            button.deleteLater()
        self.recent_buttons = []
        for path in paths[:MAX_RECENT]:
            button = QPushButton(path.name)
            button.setObjectName("startRecentFile")
            button.setFlat(True)
            button.setStyleSheet(  # reads as a link: one click opens the file
                "QPushButton { color: palette(link); text-decoration: underline; border: none; "
                "padding: 2px 8px; } QPushButton:disabled { color: palette(mid); }"
            )
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            exists = path.is_file()
            button.setEnabled(exists)
            button.setToolTip(str(path) if exists else f"{path} (no longer there)")
            button.clicked.connect(lambda _checked=False, p=path: self.recent_chosen.emit(p))
            self.recent_box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.recent_buttons.append(button)
        self.recent_title.setVisible(bool(self.recent_buttons))
