"""Which dropped things the app accepts: local files only."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData


def local_files(mime: QMimeData | None) -> list[Path]:
    """Local regular files named by a drop's URLs (web links, folders and plain text: none)."""
    if mime is None or not mime.hasUrls():
        return []
    paths = []
    for url in mime.urls():
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.is_file():
            paths.append(path)
    return paths
