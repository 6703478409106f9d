"""The offer to restore corrections an earlier session did not save (non-modal, in the tab)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget


class RecoveryBanner(QFrame):
    """ "3 corrections to demo.834 were not saved … [Restore] [Discard]"."""

    restore_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryBanner")
        self.setProperty("tone", "warning")
        self.setAccessibleName("Unsaved corrections from an earlier session")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(18, 18)
        )
        self.label = QLabel()
        self.label.setObjectName("recoveryText")
        self.label.setWordWrap(True)
        self.restore = QPushButton("&Restore corrections")
        self.restore.setObjectName("recoveryRestore")
        self.restore.setToolTip("Apply the unsaved corrections again (they can be undone)")
        self.discard = QPushButton("&Discard them")
        self.discard.setObjectName("recoveryDiscard")
        self.discard.setToolTip("Delete the unsaved corrections for good")
        self.restore.clicked.connect(self.restore_requested)
        self.discard.clicked.connect(self.discard_requested)
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore)
        layout.addWidget(self.discard)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def offer(self, file_name: str, count: int, last_when: str | None) -> None:
        noun = "correction" if count == 1 else "corrections"
        when = f" (the last one made {_short(last_when)})" if last_when else ""
        self.label.setText(
            f"{count} {noun} to {file_name} from an earlier session{when} "
            "were not saved. Restore them to go on where you left off, or "
            "discard them. Editing starts once you choose."
        )
        self.show()


def _short(stamp: str) -> str:
    """``2026-11-26T16:48:56+00:00`` → ``2026-11-26 16:48``."""
    date, _, time = stamp.partition("T")
    return f"{date} {time[:5]}" if time else stamp
