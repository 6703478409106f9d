"""Messages inside a document tab: a dismissable banner and the activity row with progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QToolButton,
    QWidget,
)

_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class Banner(QFrame):
    """A coloured line of text with an icon and a close button (hidden until needed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self._icon = QLabel()
        self._text = QLabel()
        self._text.setObjectName("bannerText")
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Hide this message")
        close.setAccessibleName("Hide message")
        close.clicked.connect(self.hide)
        layout.addWidget(self._icon)
        layout.addWidget(self._text, 1)
        layout.addWidget(close)
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    def show_message(self, text: str, tone: str = "info") -> None:
        if self.isVisible() and self._text.text() and text not in self._text.text():
            text = f"{self._text.text()}\n{text}"
        self._text.setText(text)
        self.setProperty("tone", tone)
        self._icon.setPixmap(
            self.style().standardIcon(_ICONS.get(tone, _ICONS["info"])).pixmap(18, 18)
        )
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()


class ActivityRow(QWidget):
    """ "Checking against the implementation guide… 45%  [Stop]" under the summary strip."""

    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 10, 2)
        self.label = QLabel()
        self.label.setObjectName("activityText")
        self.bar = QProgressBar()
        self.bar.setObjectName("validationProgress")
        self.bar.setAccessibleName("Validation progress")
        self.bar.setMaximumWidth(260)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.stop = QPushButton("Stop checking")
        self.stop.setObjectName("stopValidation")
        self.stop.setToolTip("Stop the implementation-guide check (findings so far stay)")
        self.stop.clicked.connect(self.stop_requested)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.stop)
        layout.addStretch(1)
        self.hide()

    def show_progress(self, text: str, done: int, total: int) -> None:
        self.label.setText(text)
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
        else:
            self.bar.setRange(0, 0)
        self.show()
