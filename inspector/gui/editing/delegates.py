"""Editors that fit the field: code lists, dates, amounts, ids and text.

The model says what a cell holds (:data:`EDIT_HINT_ROLE`) and its value as in the file
(``EditRole``); the delegate offers a matching editor and hands the value back in the file's form
(dates CCYYMMDD). Whether the value is acceptable is decided by the core when the model applies it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from inspector.core.records.charset import is_digits
from inspector.core.records.codes import AMOUNT_INPUT_PATTERN
from inspector.core.records.dates import show_date
from inspector.gui.models.roles import EDIT_HINT_ROLE, EditHint

_EDIT = Qt.ItemDataRole.EditRole
DATE_PATTERN = r"[0-9]{0,4}-?[0-9]{0,2}-?[0-9]{0,2}"  # ASCII digits (records/charset.py)
NOT_VALID = " (not a valid code)"
#: ``19810231`` → ``1981-02-31`` (anything else unchanged): the core's display of a date.
shown_date = show_date


def stored_date(text: str) -> str:
    """``1981-02-28`` → ``19810228`` (the file's form); other text unchanged but trimmed (also
    digits other than 0-9, ``١٩٨١-٠٢-٢٨``: the core then refuses the value and says why)."""
    text = text.strip()
    digits = text.replace("-", "")
    return digits if len(digits) == 8 and is_digits(digits) else text


def make_editor(hint: EditHint, current: str, parent: QWidget) -> QWidget:
    """A widget to edit a value of this kind, showing ``current``."""
    if hint.kind == "code" and hint.codes:
        combo = QComboBox(parent)
        combo.setObjectName("codeEditor")
        if current and current not in hint.codes:
            combo.addItem(f"{current}{NOT_VALID}", current)
        if not current:
            combo.addItem("(empty)", "")
        for code, meaning in hint.codes.items():
            combo.addItem(f"{code} {meaning}", code)
        combo.setMaxVisibleItems(20)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.setToolTip(f"{hint.label} ({hint.element})" if hint.element else hint.label)
        return combo
    edit = QLineEdit(parent)
    edit.setObjectName(f"{hint.kind}Editor")
    if hint.kind == "date" and (not current or show_date(current) != current):
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(DATE_PATTERN), edit))
        edit.setPlaceholderText("CCYY-MM-DD")
        edit.setToolTip("A date as CCYY-MM-DD, e.g. 1981-02-28")
        edit.setText(shown_date(current))
    elif hint.kind == "amount":
        edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(AMOUNT_INPUT_PATTERN), edit)
        )
        edit.setPlaceholderText("0.00")
        edit.setToolTip("An amount with up to two decimals, e.g. 125.50")
        edit.setText(current)
    else:
        edit.setText(current)
    return edit


def editor_value(hint: EditHint, editor: QWidget) -> str:
    """The value an editor holds, in the form the file stores it."""
    if isinstance(editor, QComboBox):
        data = editor.currentData()
        return "" if data is None else str(data)
    text = editor.text() if isinstance(editor, QLineEdit) else ""
    if hint.kind == "date":
        return stored_date(text)
    return text.strip() if hint.kind in ("amount", "code", "id") else text


class FieldDelegate(QStyledItemDelegate):
    """Creates the editor a cell's :class:`EditHint` asks for; commits through ``setData``."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        hint = index.data(EDIT_HINT_ROLE)
        if not isinstance(hint, EditHint):
            return super().createEditor(parent, option, index)
        value = index.data(_EDIT)
        editor = make_editor(hint, "" if value is None else str(value), parent)
        editor.setProperty("editHint", hint.kind)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if editor.property("editHint") is None:
            super().setEditorData(editor, index)
        # else: make_editor already showed the value; re-setting it would undo typing

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        hint = index.data(EDIT_HINT_ROLE)
        if not isinstance(hint, EditHint):
            super().setModelData(editor, model, index)
            return
        value = editor_value(hint, editor)
        current = index.data(_EDIT)
        if value == ("" if current is None else str(current)):
            return  # nothing changed: no edit, no history entry
        model.setData(index, value, _EDIT)

    def updateEditorGeometry(
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        rect = option.rect
        if isinstance(editor, QComboBox):  # wide enough to read "021 Addition", inside the view
            width = max(rect.width(), editor.sizeHint().width())
            area = editor.parentWidget()
            left = rect.left()
            if area is not None and left + width > area.width():
                left = max(0, area.width() - width)
            rect = rect.adjusted(
                left - rect.left(), 0, left - rect.left() + width - rect.width(), 0
            )
        editor.setGeometry(rect)
