"""Cell editors of the 考核评分 tree.

A score is typed into a plain line edit, not a spin box: a spin box would quietly clamp "7"
to the maximum or drop "３．５", while the director must see core's own message (and what
they typed) when a score is refused. A verdict is chosen from a list that stores on choosing.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from gongtongti_desktop.core.profile.indexes import VERDICTS, fmt_points
from gongtongti_desktop.ui.scoring.model import NO_VERDICT, ScoringModel

_Index = QModelIndex | QPersistentModelIndex


class ScoreDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        model = index.model()
        item = model.item(index) if isinstance(model, ScoringModel) else None
        if item is not None:
            most = fmt_points(item.points)
            editor.setPlaceholderText(f"0–{most}")
            editor.setToolTip(f"0 到 {most} 分，可打半分（如 3.5）；清空即为未打分")
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class VerdictDelegate(QStyledItemDelegate):
    """符合 / 基本符合 / 不符合 / （未评定）; stored as soon as one is chosen."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for verdict in VERDICTS:
            combo.addItem(verdict, verdict)
        combo.addItem(NO_VERDICT, "")
        combo.activated.connect(lambda _i: self._chosen(combo))
        return combo

    def _chosen(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
