"""The side panel of the 考核评分 tab: the selected item in full, how its suggestion was
counted, its comment and its evidence.

A widget of signals only: it shows what the tab hands it and says what the director asked
for; every write goes through the tab (and core). The comment editor keeps what was typed
until the tab has stored it: ``pending_comment`` is the text not yet saved, if any.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.checks.score_suggestions import Suggestion
from gongtongti_desktop.core.profile.indexes import Index, Item, fmt_points
from gongtongti_desktop.core.records.scoring import MAX_COMMENT
from gongtongti_desktop.ui.scoring.model import group_label
from gongtongti_desktop.ui.shell.common import muted

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1  # (table, id) of an evidence row
DELETED_ROLE = Qt.ItemDataRole.UserRole + 2
MISSED_COLOR = QColor("#c0392b")
MET_COLOR = QColor("#1e7b34")
STAR_NOTE = (
    "※ 打印的评分表上，采用了建议分的分数旁标 ※，表示这是依据帮扶日志等记录统计的建议分，"
    "不是凭印象打的分。"
)
SUGGESTION_RULE = (
    "建议分 = 满分 × 各规则达标的期数占比（多条规则取平均），向下取到半分。"
    "建议分只供参考，需您点击“采用建议分”才会填入。"
)


class CommentEdit(QPlainTextEdit):
    """A comment box that says when to store it: on leaving it and on Ctrl+Enter."""

    committed = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.committed.emit()
            return
        super().keyPressEvent(event)


class ScoringPanel(QWidget):
    comment_committed = Signal()
    accept_requested = Signal()
    add_evidence_requested = Signal()
    remove_evidence_requested = Signal()
    open_evidence = Signal(str, str)  # table, id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code: str | None = None
        self._stored_comment = ""
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.meta = muted(QLabel())
        self.meta.setWordWrap(True)

        self.suggestion_label = QLabel()
        self.suggestion_label.setWordWrap(True)
        self.accept_button = QPushButton("采用建议分（自评）")
        self.accept_button.setToolTip("把建议分填入自评分；之后仍可直接改写")
        self.accept_button.clicked.connect(self.accept_requested)
        self.reason_label = QLabel()  # why this number, in words (core's reasoning)
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.star_note = muted(QLabel(STAR_NOTE))
        self.star_note.setWordWrap(True)
        self.rule_list = QListWidget()
        self.rule_list.setWordWrap(True)
        self.rule_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rule_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.rule_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.comment = CommentEdit()
        self.comment.setPlaceholderText("打分说明、扣分原因等（离开此框或按 Ctrl+Enter 保存）")
        self.comment.setTabChangesFocus(True)
        self.comment.committed.connect(self.comment_committed)
        self.comment.textChanged.connect(self._count)
        self.counter = muted(QLabel())

        self.evidence_list = QListWidget()
        self.evidence_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.evidence_list.setWordWrap(True)
        self.evidence_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.evidence_list.itemDoubleClicked.connect(self._double_clicked)
        self.evidence_list.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton("添加佐证…")
        self.remove_button = QPushButton("移除")
        self.add_button.clicked.connect(self.add_evidence_requested)
        self.remove_button.clicked.connect(self.remove_evidence_requested)

        suggestion_row = QHBoxLayout()
        suggestion_row.addWidget(self.suggestion_label, 1)
        suggestion_row.addWidget(self.accept_button)
        comment_head = QHBoxLayout()
        comment_head.addWidget(QLabel("说明："))
        comment_head.addStretch(1)
        comment_head.addWidget(self.counter)
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(self.add_button)
        evidence_buttons.addWidget(self.remove_button)
        evidence_buttons.addStretch(1)
        self.evidence_label = QLabel("佐证材料：")
        # Room for a few lines each: on a small screen the panel scrolls (the tab puts it in a
        # scroll area) instead of squeezing the lists to nothing.
        line = self.fontMetrics().lineSpacing()
        self.rule_list.setMinimumHeight(line * 4)
        self.comment.setMinimumHeight(line * 3 + 12)
        self.evidence_list.setMinimumHeight(line * 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addLayout(suggestion_row)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.star_note)
        layout.addWidget(self.rule_list, 1)
        layout.addLayout(comment_head)
        layout.addWidget(self.comment, 1)
        layout.addWidget(self.evidence_label)
        layout.addWidget(self.evidence_list, 2)
        layout.addLayout(evidence_buttons)
        self.show_item(None, None, None, {}, [])

    # -- showing ----------------------------------------------------------------------------

    def show_item(
        self,
        index: Index | None,
        item: Item | None,
        suggestion: Suggestion | None,
        row: dict[str, Any],
        evidence: list[dict[str, Any]],
    ) -> None:
        """Show one C item (None: an A/B row or nothing selected; the editors are disabled)."""
        self.code = item.code if item else None
        for widget in (self.comment, self.add_button, self.evidence_list):
            widget.setEnabled(item is not None)
        if item is None or index is None:
            self.title.setText("选中一项三级指标，可填写说明、查看建议分的依据、添加佐证材料。")
            self.meta.clear()
            self.meta.hide()
            self._set_comment("")
            self._show_suggestion(None)
            self.show_evidence([])
            return
        self.title.setText(item.label)
        self.meta.show()
        meta = []
        if index.kind == "score":
            meta.append(f"满分 {fmt_points(item.points)} 分")
        meta.append(group_label(index, index.group_of(item)))
        if index.is_bonus(item):
            meta.append("加分项（不计入基础分）")
        self.meta.setText(" · ".join(meta))
        self._set_comment(str(row.get("comment") or ""))
        # A checklist is judged, not scored: no suggestion, and no hint about scoring.
        scored = index.kind == "score"
        self._show_suggestion(suggestion if scored else None, bool(item.rules) or not scored)
        self.show_evidence(evidence)

    def _show_suggestion(self, suggestion: Suggestion | None, has_rules: bool = False) -> None:
        self.rule_list.clear()
        self.accept_button.setVisible(suggestion is not None)
        self.rule_list.setVisible(suggestion is not None)
        self.reason_label.setVisible(suggestion is not None)
        self.star_note.setVisible(suggestion is not None)
        if suggestion is None:
            text = (
                ""
                if has_rules or self.code is None
                else "此项没有可从记录统计的规则，请按实际情况打分。"
            )
            self.suggestion_label.setText(text)
            self.suggestion_label.setToolTip("")
            self.suggestion_label.setVisible(bool(text))
            return
        self.suggestion_label.show()
        self.suggestion_label.setText(
            f"建议分：<b>{fmt_points(suggestion.score)}</b>（{suggestion.evidence_count} 条记录）"
        )
        self.suggestion_label.setToolTip(SUGGESTION_RULE)
        self.reason_label.setText(
            f"为什么是这个分数：{suggestion.reasoning}建议分只供参考，点“采用建议分”才会填入。"
        )
        for result, line in zip(suggestion.results, suggestion.explanation, strict=True):
            entry = QListWidgetItem(line)
            if result.status == "missed" or (result.status == "too_many" and not result.done):
                entry.setForeground(QBrush(MISSED_COLOR))
            elif result.done:
                entry.setForeground(QBrush(MET_COLOR))
            if result.rule.source:
                entry.setToolTip(result.rule.source)
            self.rule_list.addItem(entry)

    def show_evidence(self, evidence: list[dict[str, Any]]) -> None:
        self.evidence_list.clear()
        for row in evidence:
            entry = QListWidgetItem(row["text"])
            entry.setData(TARGET_ROLE, (row["table"], row["id"]))
            entry.setData(DELETED_ROLE, bool(row["deleted"]))
            if row["deleted"]:
                font = QFont(entry.font())
                font.setStrikeOut(True)
                entry.setFont(font)
                entry.setToolTip("此记录已删除（可在回收站中恢复）")
            elif row["table"] in ("activity", "attachment"):
                entry.setToolTip("双击在帮扶日志中查看")
            self.evidence_list.addItem(entry)
        self.evidence_label.setText(f"佐证材料（{len(evidence)}）：")
        self._update_buttons()

    def comment_stored(self, text: str) -> None:
        """The stored comment changed (saved, undone, edited in the tree): show it unless
        the director is typing something else right now."""
        typed = self.comment.toPlainText()
        if typed in (self._stored_comment, text) or not self.comment.hasFocus():
            self._set_comment(text)

    def _set_comment(self, text: str) -> None:
        self._stored_comment = text
        if self.comment.toPlainText() != text:
            self.comment.blockSignals(True)
            self.comment.setPlainText(text)
            self.comment.blockSignals(False)
        self._count()

    # -- what the director asked for ------------------------------------------------------------

    def pending_comment(self) -> str | None:
        """The comment typed but not stored yet (None: nothing pending)."""
        if self.code is None:
            return None
        text = self.comment.toPlainText()
        return None if text == self._stored_comment else text

    def selected_evidence(self) -> list[tuple[str, str]]:
        return [tuple(e.data(TARGET_ROLE)) for e in self.evidence_list.selectedItems()]  # type: ignore[misc]

    def _double_clicked(self, entry: QListWidgetItem) -> None:
        table, target = entry.data(TARGET_ROLE)
        self.open_evidence.emit(table, target)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.evidence_list.selectedItems()))

    def _count(self) -> None:
        length = len(self.comment.toPlainText())
        self.counter.setText(f"{length} / {MAX_COMMENT}")
        self.counter.setStyleSheet("color: #c0392b;" if length > MAX_COMMENT else "")
