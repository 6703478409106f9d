"""Paints segment text with the element a finding names marked in place.

The model gives character spans (:data:`SPANS_ROLE`); only visible rows are ever painted, so the
cost is per screenful, not per file.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.gui.models.roles import SPANS_ROLE, cell_brush, mark_colour


class SegmentTextDelegate(QStyledItemDelegate):
    """Draws the segment text itself so that bad elements get a box and an underline."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(SPANS_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect: QRect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        metrics = opt.fontMetrics
        painter.save()
        painter.setClipRect(opt.rect)
        painter.setFont(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        for start, end, rank in spans:
            x = rect.left() + metrics.horizontalAdvance(text[:start])
            width = max(metrics.horizontalAdvance(text[start:end]), metrics.horizontalAdvance(" "))
            box = QRect(x - 1, rect.top() + 2, width + 2, rect.height() - 4)
            if not selected:
                brush = cell_brush(rank)
                if brush is not None:
                    painter.fillRect(box, brush)
            pen = QPen(mark_colour(rank) if not selected else QColor("white"))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawLine(box.left(), box.bottom(), box.right(), box.bottom())
        group = QPalette.ColorGroup.Normal
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(group, role))
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown
        )
        painter.restore()
