"""The discrepancy report as a PDF, drawn by Qt's own PDF writer (no extra dependency).

The report's content is built without Qt (:mod:`inspector.core.export.report`); here its HTML is
laid out by :class:`QTextDocument` on A4 pages (page numbers at the foot of each page) and
painted into a :class:`QPdfWriter` writing to memory; the bytes are then saved user-only and
atomically through :func:`inspector.core.files.write_private`. Needs a ``QGuiApplication`` (the
CLI makes an offscreen one); safe to run in a worker thread, it touches no widget.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from inspector.core.editing.session import EditSession
from inspector.core.export.report import Report, discrepancy_report
from inspector.core.files import write_private
from inspector.core.findings import Finding
from inspector.core.records.document import Document
from inspector.core.records.mask import MaskPolicy

RESOLUTION = 300  # dots per inch of the PDF's coordinate system
MARGIN_MM = 15.0
FONT_POINTS = 8.5
FOOTER_MM = 8.0  # the page-number line at the foot of each page


def pdf_bytes(report: Report) -> tuple[bytes, int]:
    """The report as PDF bytes, and its number of pages."""
    buffer = QBuffer()
    data = QByteArray()
    buffer.setBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(report.title)
    writer.setCreator("834 Inspector")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)  # fonts measured at the PDF's resolution
    font = QFont()
    font.setPointSizeF(FONT_POINTS)
    doc.setDefaultFont(font)
    doc.setHtml(report.html)
    page = writer.pageLayout().paintRectPixels(RESOLUTION)
    width, height = float(page.width()), float(page.height())
    footer = FOOTER_MM / 25.4 * RESOLUTION
    body = height - footer
    doc.setPageSize(QSizeF(width, body))
    pages = doc.pageCount()
    painter = QPainter(writer)
    try:
        footer_font = QFont(font)
        footer_font.setPointSizeF(FONT_POINTS - 1)
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * body)
            doc.drawContents(painter, QRectF(0, number * body, width, body))
            painter.restore()
            painter.setFont(footer_font)
            painter.drawText(
                QRectF(0, body, width, footer),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                f"{report.title} \u2014 page {number + 1} of {pages}",
            )
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data()), pages


def write_report_pdf(
    path: str | Path,
    doc: Document,
    findings: Iterable[Finding],
    session: EditSession | None = None,
    *,
    mask: MaskPolicy | None = None,
    notes: Sequence[str] = (),
) -> tuple[Path, Report, int]:
    """Build the discrepancy report and write it as a PDF: (path, report, pages).
    Raises :class:`inspector.core.files.OutputError` naming the path."""
    report = discrepancy_report(doc, findings, session, mask=mask, notes=notes)
    data, pages = pdf_bytes(report)
    return write_private(Path(path), data), report, pages


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or an offscreen one for the command line (fonts and the
    PDF writer need one; no window is ever shown)."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["inspector"])
    assert isinstance(app, QGuiApplication)
    return app
