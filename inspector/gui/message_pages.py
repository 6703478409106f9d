"""Full-tab pages shown instead of the tables: loading progress, and a message with actions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LoadingPage(QWidget):
    """ "Opening file…" with a progress bar and a Cancel button."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.label = QLabel()
        self.label.setObjectName("messageTitle")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.bar = QProgressBar()
        self.bar.setObjectName("loadProgress")
        self.bar.setAccessibleName("Loading progress")
        self.bar.setRange(0, 0)
        self.bar.setFixedWidth(420)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelLoad")
        self.cancel.setToolTip("Stop opening this file (Esc)")
        self.cancel.setShortcut(Qt.Key.Key_Escape)
        self.cancel.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_file(self, name: str) -> None:
        self.label.setText(f"Opening {name}…")
        self.bar.setRange(0, 0)
        self.cancel.setEnabled(True)

    def show_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))


class MessagePage(QWidget):
    """A title, an explanation and up to two buttons (e.g. "Try again", "Close tab")."""

    retry_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 20, 40, 20)
        layout.addStretch(2)
        self.title = QLabel()
        self.title.setObjectName("messageTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setObjectName("messageText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Try again")
        self.retry.setObjectName("retryLoad")
        self.retry.clicked.connect(self.retry_requested)
        self.close = QPushButton("Close tab")
        self.close.setObjectName("closeTab")
        self.close.clicked.connect(self.close_requested)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.text)
        layout.addSpacing(16)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retry)
        row.addWidget(self.close)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)

    def show_message(self, title: str, text: str, can_retry: bool) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.retry.setVisible(can_retry)
        self.setAccessibleName(title)
        (self.retry if can_retry else self.close).setFocus()
