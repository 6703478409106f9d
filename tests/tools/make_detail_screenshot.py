"""Regenerate the detail-pane screenshots: the demo file, validated, a member's error selected.

QT_QPA_PLATFORM=offscreen python tests/tools/make_detail_screenshot.py [WIDTHxHEIGHT ...]

Writes resources/screenshots/detail-<W>x<H>.png (default 1400x900 and 1024x700).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "resources" / "screenshots"


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings
    from inspector.gui.style import apply_style
    from inspector.resources import demo_path

    sizes = [tuple(int(v) for v in s.split("x")) for s in sys.argv[1:]] or [
        (1400, 900),
        (1024, 700),
    ]
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # one window per size, one after the other
    apply_style(app)  # as the app looks
    OUT.mkdir(parents=True, exist_ok=True)
    pending = list(sizes)

    def shoot_next() -> None:
        if not pending:
            app.quit()
            return
        width, height = pending.pop(0)
        settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")  # never the user's own
        window = MainWindow(settings=settings)
        window.resize(width, height)
        window.show()

        def select(_path) -> None:
            tab = window.current_tab()
            tab.show_tables()  # the file opens on its overview
            model = tab.findings.model
            wanted = next(
                (
                    row
                    for row in range(model.rowCount())
                    if (f := model.finding(row)).source == "business-rule"
                    and f.severity == "error"
                    and f.element
                    and f.member_pos
                ),
                0,
            )
            tab.findings.select_view_row(wanted)
            out = OUT / f"detail-{width}x{height}.png"
            QTimer.singleShot(500, lambda: (window.grab().save(str(out)), print(out), done()))

        def done() -> None:
            window.close()
            QTimer.singleShot(100, shoot_next)

        window.validation_finished.connect(select)
        window.open_paths([demo_path()])

    QTimer.singleShot(0, shoot_next)
    QTimer.singleShot(240_000, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
