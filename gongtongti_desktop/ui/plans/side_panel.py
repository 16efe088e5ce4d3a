"""The right-hand side of the 月计划 tab: the activities that carried out the selected plan
item (记录活动…, 在帮扶日志中查看), and for the selected month what was planned but not done
and what was done without a plan.

It shows what core's diary queries return and says, by signals, what the director asked
for; the tab decides what that does (select an item, open the diary).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import PlanRow
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import diary
from gongtongti_desktop.ui.plans.model import ID_ROLE, short_day

ACTIVITY_ROLE = Qt.ItemDataRole.UserRole + 1


def activity_line(row: dict[str, Any]) -> str:
    return f"{row['day']}  {row['kind']}：{row['title']}"


class PlanSidePanel(QWidget):
    """``open_activity(activity id)``: an activity was double-clicked; ``item_chosen(item
    id)``: a not-done item was double-clicked; ``record_clicked`` / ``show_clicked``: 记录活动…
    / 在帮扶日志中查看 for the selected item."""

    open_activity = Signal(str)
    item_chosen = Signal(str)
    record_clicked = Signal()
    show_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_box = QGroupBox("所选事项的活动记录")
        self.item_label = QLabel()
        self.item_label.setWordWrap(True)
        self.activity_list = QListWidget()
        self.activity_list.itemDoubleClicked.connect(self._open_activity_item)
        self.record_button = QPushButton("记录活动…")
        self.record_button.setToolTip("在帮扶日志中新增一次活动，对应此计划事项")
        self.show_button = QPushButton("在帮扶日志中查看")
        self.record_button.clicked.connect(lambda: self.record_clicked.emit())
        self.show_button.clicked.connect(lambda: self.show_clicked.emit())
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self.item_box)
        box.addWidget(self.item_label)
        box.addWidget(self.activity_list, 1)
        box.addLayout(buttons)

        self.balance_box = QGroupBox("本月对照")
        self.not_done_label = QLabel()
        self.not_done_list = QListWidget()
        self.not_done_list.itemDoubleClicked.connect(
            lambda entry: self.item_chosen.emit(entry.data(ID_ROLE))
        )
        self.unplanned_label = QLabel()
        self.unplanned_list = QListWidget()
        self.unplanned_list.itemDoubleClicked.connect(self._open_activity_item)
        box = QVBoxLayout(self.balance_box)
        for widget in (self.activity_list, self.not_done_list, self.unplanned_list):
            widget.setWordWrap(True)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(self.not_done_label)
        box.addWidget(self.not_done_list, 1)
        box.addWidget(self.unplanned_label)
        box.addWidget(self.unplanned_list, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.item_box, 1)
        layout.addWidget(self.balance_box, 1)

    def show_item_activities(
        self, store: Store, item_id: str | None, item: dict[str, Any] | None
    ) -> None:
        """The activities linked to one plan item (None: the hint to select one)."""
        self.activity_list.clear()
        self.record_button.setEnabled(item_id is not None)
        self.show_button.setEnabled(False)
        if item_id is None:
            self.item_label.setText("选中一项计划事项，可查看对应的活动记录。")
            return
        assert item is not None
        rows = diary.list_activities(store, diary.DiaryFilter(plan_item_id=item_id))
        for row in rows:
            entry = QListWidgetItem(activity_line(row))
            entry.setData(ACTIVITY_ROLE, row["id"])
            self.activity_list.addItem(entry)
        task = " ".join(item["task"].split())
        if rows:
            self.item_label.setText(f"“{task}”已有 {len(rows)} 次活动（双击查看）：")
        else:
            self.item_label.setText(f"“{task}”还没有对应的活动记录。")
        self.show_button.setEnabled(bool(rows))

    def show_balance(self, store: Store, programme: Programme, row: PlanRow | None) -> None:
        """The month's 计划了但未完成 and 完成了但不在计划中 (None: empty)."""
        self.not_done_list.clear()
        self.unplanned_list.clear()
        if row is None:
            self.balance_box.setTitle("本月对照")
            self.not_done_label.setText("")
            self.unplanned_label.setText("")
            return
        self.balance_box.setTitle(f"{row.label}对照")
        balance = diary.month_balance(store, programme, row.key)
        for item in balance["planned_not_done"]:
            day = f"{short_day(item['day'])} " if item["day"] else ""
            entry = QListWidgetItem(f"{day}{' '.join(item['task'].split())}（{item['status']}）")
            entry.setData(ID_ROLE, item["id"])
            self.not_done_list.addItem(entry)
        for activity in balance["done_without_plan"]:
            entry = QListWidgetItem(activity_line(activity))
            entry.setData(ACTIVITY_ROLE, activity["id"])
            self.unplanned_list.addItem(entry)
        self.not_done_label.setText(f"计划了但未完成（{len(balance['planned_not_done'])}）：")
        self.unplanned_label.setText(f"完成了但不在计划中（{len(balance['done_without_plan'])}）：")

    def _open_activity_item(self, entry: QListWidgetItem) -> None:
        self.open_activity.emit(entry.data(ACTIVITY_ROLE))
