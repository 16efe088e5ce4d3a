"""The monthly plan as a two-level Qt model: one top row per plan-table row (7-8月, 9月, …),
its plan items as children; columns as ``record_type("plan_item").columns`` declares them.
Data in (``set_plan``), ids out (``item_id`` / ``row_key``), no widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from gongtongti_desktop.core.profile.periods import PlanRow
from gongtongti_desktop.core.records import catalog, plans

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # a plan item's id ("" on a month row)
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the plan row's key ("2024-09")
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3  # due date of an overdue item, else None

OVERDUE_COLOR = QColor("#c0392b")
DONE_COLOR = QColor("#1e7b34")
CANCELLED_COLOR = QColor("#7f7f7f")
_GROUP = 0  # internal id of a month row; an item's is its month row's number + 1


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def short_day(iso: str) -> str:
    """``2024-09-05`` → ``9月5日``."""
    if not iso:
        return ""
    return f"{int(iso[5:7])}月{int(iso[8:10])}日"


class PlanTreeModel(QAbstractItemModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns = catalog.record_type("plan_item").columns
        self.keys = [c.key for c in self.columns]
        self._groups: list[tuple[PlanRow, list[dict[str, Any]]]] = []
        self._overdue: dict[str, str] = {}

    # -- data in / ids out ----------------------------------------------------------------

    def set_plan(
        self, rows: list[PlanRow], items: list[dict[str, Any]], overdue: dict[str, str]
    ) -> None:
        """``rows``: the plan rows of the period; ``items``: ``plans.list_items``; ``overdue``:
        id → due date of the items past due and not done."""
        by_key: dict[str, list[dict[str, Any]]] = {r.key: [] for r in rows}
        for item in items:
            by_key.setdefault(item["month"], []).append(item)
        self.beginResetModel()
        self._groups = [(r, by_key[r.key]) for r in rows]
        self._overdue = dict(overdue)
        self.endResetModel()

    def plan_rows(self) -> list[PlanRow]:
        return [r for r, _items in self._groups]

    def items_of(self, key: str) -> list[dict[str, Any]]:
        for row, items in self._groups:
            if row.key == key:
                return items
        return []

    def group_index(self, key: str) -> QModelIndex:
        for number, (row, _items) in enumerate(self._groups):
            if row.key == key:
                return self.index(number, 0)
        return QModelIndex()

    def item_index(self, item_id: str) -> QModelIndex:
        for number, (_row, items) in enumerate(self._groups):
            for i, item in enumerate(items):
                if item["id"] == item_id:
                    return self.index(i, 0, self.index(number, 0))
        return QModelIndex()

    def item(self, index: _Index) -> dict[str, Any] | None:
        if not index.isValid() or index.internalId() == _GROUP:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    def plan_row(self, index: _Index) -> PlanRow | None:
        """The plan row of a month row or of an item."""
        if not index.isValid():
            return None
        number = index.row() if index.internalId() == _GROUP else index.internalId() - 1
        return self._groups[number][0]

    # -- Qt interface ----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _GROUP)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid() or index.internalId() == _GROUP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _GROUP)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _GROUP and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section].label
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _GROUP:
            return self._group_data(index, role)
        item = self.item(index)
        assert item is not None
        key = self.keys[index.column()]
        due = self._overdue.get(item["id"])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._item_text(item, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if due:
                return f"已过期未完成：应于 {due} 前完成"
            if key in ("task", "completion_note") and item.get(key):
                return str(item[key])
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if due:
                return QBrush(OVERDUE_COLOR)
            if item["status"] == plans.CANCELLED:
                return QBrush(CANCELLED_COLOR)
            if key == "status" and item["status"] == plans.DONE:
                return QBrush(DONE_COLOR)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "activities":
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == ID_ROLE:
            return item["id"]
        if role == ROW_KEY_ROLE:
            return item["month"]
        if role == OVERDUE_ROLE:
            return due
        return None

    def _item_text(self, item: dict[str, Any], key: str) -> str:
        if key == "row_label":
            return ""
        if key == "day":
            return short_day(item.get("day") or "")
        if key == "activities":
            return str(item["activities"]) if item.get("activities") else ""
        if key == "status" and item["id"] in self._overdue:
            return f"{item['status']}（已过期）"
        return _one_line(item.get(key))

    def _group_data(self, index: _Index, role: int) -> Any:
        row, items = self._groups[index.row()]
        key = self.keys[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "row_label":
                return row.label
            if key == "task":
                if not items:
                    return "（还没有计划事项）"
                done = sum(1 for i in items if i["status"] == plans.DONE)
                return f"共 {len(items)} 项，已完成 {done} 项"
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key == "row_label":
            return f"{row.start.isoformat()} 至 {row.end.isoformat()}"
        if role == Qt.ItemDataRole.FontRole and key == "row_label":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and key == "task":
            return QBrush(CANCELLED_COLOR)
        if role == ID_ROLE:
            return ""
        if role == ROW_KEY_ROLE:
            return row.key
        return None
