"""Regenerate the Overview screenshots: the demo file, validated, at 1400x900 and 1024x700.

QT_QPA_PLATFORM=offscreen python tests/tools/make_overview_screenshot.py [OUT_DIR] [FILE]

Writes ``overview-1400x900.png`` and ``overview-1024x700.png`` (default: resources/screenshots/).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SIZES = ((1400, 900), (1024, 700))


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings
    from inspector.gui.style import apply_style
    from inspector.resources import demo_path

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots"
    path = Path(sys.argv[2]) if len(sys.argv) > 2 else demo_path()
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    apply_style(app)
    settings = Settings(Path(tempfile.mkdtemp()) / "settings.ini")  # never the user's own
    window = MainWindow(settings=settings)
    window.resize(*SIZES[0])
    window.show()
    written: list[Path] = []

    def shoot(k: int) -> None:
        width, height = SIZES[k]
        window.resize(width, height)

        def save() -> None:
            target = out / f"overview-{width}x{height}.png"
            window.grab().save(str(target))
            written.append(target)
            if k + 1 < len(SIZES):
                shoot(k + 1)
            else:
                app.quit()

        QTimer.singleShot(600, save)

    def on_validated(_path) -> None:
        tab = window.current_tab()
        tab.show_overview()
        tab.overview.refresh()
        shoot(0)

    window.validation_finished.connect(on_validated)
    window.open_paths([path])
    QTimer.singleShot(120_000, app.quit)
    app.exec()
    for target in written:
        print(target)
    return 0 if len(written) == len(SIZES) else 1


if __name__ == "__main__":
    sys.exit(main())
