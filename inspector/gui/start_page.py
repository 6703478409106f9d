"""What the window shows when no file is open."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


class StartPage(QWidget):
    """A friendly drop zone with an Open button."""

    open_requested = Signal()

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
        layout.addWidget(title)
        layout.addSpacing(10)
        layout.addWidget(hint)
        layout.addSpacing(24)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        outer.addWidget(zone)
