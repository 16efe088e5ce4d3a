"""添加佐证: choose diary activities, their attachments and plan items of the period shown as
evidence of one index item.

The activities come from core.diary (ids first, rows for at most ``LIMIT`` of them, so a file
with 20 000 activities still opens the dialog at once); an activity's attachments are read only
when its row is expanded. Records already linked are shown but cannot be chosen again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, diary, plans
from gongtongti_desktop.ui.shell.common import muted

LIMIT = 1000  # activities listed at most; the search narrows the rest
TARGET_ROLE = Qt.ItemDataRole.UserRole + 1  # (table, id) of a choosable row
LOADED_ROLE = Qt.ItemDataRole.UserRole + 2  # an activity row whose attachments were read
Target = tuple[str, str]


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())


def activity_title(row: dict[str, Any]) -> str:
    """ "网络研修：城乡同步教学" — the kind in front unless the title already starts with it."""
    title = _one_line(row["title"])
    return title if title.startswith(row["kind"]) else f"{row['kind']}：{title}"


def _expands(entry: QTreeWidgetItem) -> bool:
    """An activity row with attachments (read when expanded)."""
    return entry.childIndicatorPolicy() == QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator


class EvidenceDialog(QDialog):
    """``chosen()`` after ``accept``: the (table, id) pairs selected, in list order."""

    def __init__(
        self,
        store: Store,
        programme: Programme,
        period: Period,
        item_label: str,
        linked: set[Target],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.programme = programme
        self.period = period
        self.linked = set(linked)
        self.setWindowTitle("添加佐证材料")
        self.resize(720, 560)
        heading = QLabel(f"{period.label}　{item_label}")
        heading.setToolTip(item_label)
        heading.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索活动标题、内容或计划事项…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemExpanded.connect(self._load_attachments)
        self.tree.itemSelectionChanged.connect(self._update_ok)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.note = muted(QLabel())
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加所选")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.finished.connect(self._search_timer.stop)
        self.reload()

    # -- filling ------------------------------------------------------------------------------

    def reload(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        self.tree.clear()
        ids = diary.search_ids(self.store, diary.DiaryFilter(text=text, period=self.period))
        rows = diary.rows_for(self.store, ids[:LIMIT])
        self.activities = QTreeWidgetItem(self.tree, [f"帮扶活动（{len(ids)}）"])
        for row in rows:
            entry = self._choice(
                self.activities,
                f"{row['day']}  {activity_title(row)}",
                ("activity", row["id"]),
            )
            if row["attachments"]:
                entry.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
                entry.setToolTip(0, f"{row['attachments']} 个附件：展开可选择单个附件")
        items = [
            i
            for i in plans.list_items(self.store, self.programme, self.period)
            if not text or text in i["task"] or text in (i.get("kind") or "")
        ]
        self.plan_items = QTreeWidgetItem(self.tree, [f"计划事项（{len(items)}）"])
        for item in items:
            self._choice(
                self.plan_items,
                f"{item['row_label']}  {_one_line(item['task'])}",
                ("plan_item", item["id"]),
            )
        for top in (self.activities, self.plan_items):
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.setExpanded(True)
        notes = []
        if len(ids) > LIMIT:
            notes.append(f"只列出最近的 {LIMIT} 次活动（共 {len(ids)} 次），请用搜索缩小范围。")
        notes.append("可按住 Ctrl 或 Shift 多选；已关联的材料显示为灰色。")
        self.note.setText(" ".join(notes))
        self._update_ok()

    def _choice(self, parent: QTreeWidgetItem, text: str, target: Target) -> QTreeWidgetItem:
        entry = QTreeWidgetItem(parent, [text])
        entry.setData(0, TARGET_ROLE, target)
        if target in self.linked:
            entry.setText(0, f"{text}（已关联）")
            entry.setFlags(Qt.ItemFlag.ItemIsEnabled)
            entry.setDisabled(True)
        return entry

    def _load_attachments(self, entry: QTreeWidgetItem) -> None:
        target = entry.data(0, TARGET_ROLE)
        if not target or target[0] != "activity" or entry.data(0, LOADED_ROLE):
            return
        entry.setData(0, LOADED_ROLE, True)
        for row in attachments.list_attachments(self.store, target[1]):
            name = row["caption"] or row["original_name"]
            missing = "（文件缺失）" if row["missing"] else ""
            self._choice(entry, f"附件：{name}{missing}", ("attachment", row["id"]))

    # -- choosing -----------------------------------------------------------------------------

    def chosen(self) -> list[Target]:
        out = []
        for entry in self.tree.selectedItems():
            target = entry.data(0, TARGET_ROLE)
            if target and tuple(target) not in self.linked:
                out.append((target[0], target[1]))
        return out

    def select(self, targets: list[Target]) -> None:
        """Select the given records (expanding activities for their attachments)."""
        wanted = set(targets)
        for top in (self.activities, self.plan_items):
            for i in range(top.childCount()):
                entry = top.child(i)
                if _expands(entry) and any(t[0] == "attachment" for t in wanted):
                    entry.setExpanded(True)
                for child in [entry] + [entry.child(j) for j in range(entry.childCount())]:
                    target = child.data(0, TARGET_ROLE)
                    if target and tuple(target) in wanted:
                        child.setSelected(True)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        count = len(self.chosen())
        ok.setEnabled(count > 0)
        ok.setText(f"添加所选（{count}）" if count else "添加所选")

    def _double_clicked(self, entry: QTreeWidgetItem, _column: int) -> None:
        """One record added by a double-click (an activity with attachments expands instead)."""
        target = entry.data(0, TARGET_ROLE)
        if target and tuple(target) not in self.linked and not _expands(entry):
            self.tree.setCurrentItem(entry)
            self.accept()
