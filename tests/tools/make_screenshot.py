"""Regenerate resources/screenshot.png: the demo file, validated, with an error selected.

QT_QPA_PLATFORM=offscreen python tests/tools/make_screenshot.py [OUT.png] [FILE]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings
    from inspector.resources import demo_path

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshot.png"
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else demo_path()
    app = QApplication(sys.argv[:1])
    settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")  # never the user's own
    window = MainWindow(settings=settings)
    window.resize(1400, 900)
    window.show()

    def shoot(_path) -> None:
        tab = window.current_tab()
        view = tab.findings.view
        model = view.model()
        # select the first error on a member, so the jump and the inline mark show
        for row in range(model.rowCount()):
            finding = (
                tab.findings.model.findings[row]
                if hasattr(tab.findings.model, "findings")
                else None
            )
            if (
                finding is not None
                and finding.severity == "error"
                and finding.element
                and finding.member_pos
            ):
                view.selectRow(row)
                break
        QTimer.singleShot(400, lambda: (window.grab().save(str(out)), app.quit()))

    window.validation_finished.connect(shoot)
    window.open_paths([path])
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
