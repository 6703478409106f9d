"""Render resources/icon.svg to icon.png (256 px) and icon.ico (16-256 px) with Qt.

QT_QPA_PLATFORM=offscreen python tests/tools/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841  (Qt needs an application to paint text)
    renderer = QSvgRenderer(str(RESOURCES / "icon.svg"))
    if not renderer.isValid():
        raise SystemExit("resources/icon.svg cannot be read")
    render(renderer, 256).save(str(RESOURCES / "icon.png"))
    render(renderer, 256).save(str(RESOURCES / "icon.ico"))
    print(RESOURCES / "icon.png", RESOURCES / "icon.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
