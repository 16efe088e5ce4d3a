"""The assessment index as a Qt tree: 一级指标 (A) → 二级指标 (B) → 三级指标 (C), with the
scores of one period next to the previous period's.

Data in (``set_index`` for the structure, ``set_values`` for everything shown), codes out.
The model computes nothing that matters: sums come from ``core.records.scoring.totals``, suggestions
from ``core.checks.score_suggestions.suggest``; it only lays them out. An edit is handed to ``editor`` (the
tab), which checks it through core and answers whether it was stored; the model never writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from gongtongti_desktop.core.checks.score_suggestions import Suggestion
from gongtongti_desktop.core.profile.indexes import Group, Index, Item, fmt_points
from gongtongti_desktop.core.records.scoring import SIDE_TEXT, Totals, verdict_counts

_Index = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # the code of the row (A1 / B1 / C1 / 1)
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2  # "group" / "subgroup" / "item"

SCORE_COLUMNS = (
    ("label", "指标"),
    ("points", "满分"),
    ("self", "自评"),
    ("county", "考核得分"),
    ("suggested", "建议分"),
    ("evidence", "佐证"),
    ("previous", "上一学年"),
    ("change", "变化"),
    ("comment", "说明"),
)
CHECKLIST_COLUMNS = (("label", "检查内容"), ("verdict", "评定"), ("comment", "说明"))
EDITABLE = frozenset({"self", "county", "comment", "verdict"})
NUMERIC = frozenset({"points", "self", "county", "suggested", "evidence", "previous", "change"})
SUGGESTED_MARK = "※"
NO_VERDICT = "（未评定）"
PREVIOUS_HEADER = {"school_year": "上一学年", "term": "上一学期"}

UP_COLOR = QColor("#1e7b34")
DOWN_COLOR = QColor("#c0392b")
BONUS_COLOR = QColor("#8a5a00")
VERDICT_COLORS = {"符合": UP_COLOR, "不符合": DOWN_COLOR}

Editor = Callable[[str, str, Any], bool]  # (item code, column key, value) → stored?


def fmt_change(delta: float) -> str:
    """+1.5 / −2 / 0 (a real minus sign, as the printed tables use)."""
    if delta > 0:
        return f"+{fmt_points(delta)}"
    if delta < 0:
        return f"−{fmt_points(-delta)}"
    return "0"


def group_label(index: Index, group: Group) -> str:
    """ "A1 管理机制" for a score index; a checklist's sections carry their own numbering
    ("（一）办园条件"), their codes are only keys."""
    if index.kind == "checklist" or group.code in group.name:
        return group.name
    return f"{group.code} {group.name}"


@dataclass
class Values:
    """Everything the tree shows for one period: rows of ``core.records.scoring.get_scores`` (this
    period and the previous one), the sums of ``core.records.scoring.totals`` per side, suggestions,
    evidence counts, and which side the 上一期/变化 columns compare."""

    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: dict[str, dict[str, Any]] = field(default_factory=dict)
    totals: dict[str, Totals] = field(default_factory=dict)  # "self" / "county"
    previous_totals: dict[str, Totals] = field(default_factory=dict)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    evidence: dict[str, int] = field(default_factory=dict)
    compare: str = "self"
    previous_label: str = ""


@dataclass
class _Node:
    level: str  # "group" / "subgroup" / "item"
    code: str
    parent: int  # node number of the parent, -1 at the top
    row: int  # row under its parent
    children: list[int] = field(default_factory=list)


class ScoringModel(QAbstractItemModel):
    def __init__(self, editor: Editor | None = None, parent=None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.index_def: Index | None = None
        self.columns: tuple[tuple[str, str], ...] = SCORE_COLUMNS
        self.keys: list[str] = [k for k, _ in self.columns]
        self.values = Values()
        self.previous_header = PREVIOUS_HEADER["school_year"]
        self._nodes: list[_Node] = []
        self._top: list[int] = []
        self._by_code: dict[str, int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ---------------------------------------------------------------------------

    def set_index(self, index: Index) -> None:
        """A new structure (another index): the tree is rebuilt."""
        self.beginResetModel()
        self.index_def = index
        self.columns = SCORE_COLUMNS if index.kind == "score" else CHECKLIST_COLUMNS
        self.keys = [k for k, _ in self.columns]
        self.values = Values()
        self._nodes, self._top, self._by_code = [], [], {}
        for group in index.groups:
            g = self._add("group", group.code, -1)
            subs = [s for s in index.subgroups if s.parent == group.code]
            for sub in subs:
                s = self._add("subgroup", sub.code, g)
                for item in index.items:
                    if item.parent == sub.code:
                        self._add("item", item.code, s)
            for item in index.items:
                if item.parent == group.code:
                    self._add("item", item.code, g)
        self.endResetModel()

    def _add(self, level: str, code: str, parent: int) -> int:
        siblings = self._top if parent < 0 else self._nodes[parent].children
        number = len(self._nodes)
        self._nodes.append(_Node(level, code, parent, len(siblings)))
        siblings.append(number)
        self._by_code[code] = number
        return number

    def set_values(self, values: Values) -> None:
        """New figures, same structure: every cell repaints, open editors and the selection
        stay (an edit being committed may call this)."""
        self.values = values
        if self._nodes:
            self._changed_all(QModelIndex())
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def set_previous_header(self, period_kind: str) -> None:
        self.previous_header = PREVIOUS_HEADER.get(period_kind, "上一期")
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def _changed_all(self, parent: QModelIndex) -> None:
        rows = self.rowCount(parent)
        if rows == 0:
            return
        self.dataChanged.emit(
            self.index(0, 0, parent), self.index(rows - 1, len(self.columns) - 1, parent)
        )
        for row in range(rows):
            child = self.index(row, 0, parent)
            if self.rowCount(child):
                self._changed_all(child)

    # -- codes out --------------------------------------------------------------------------

    def code(self, index: _Index) -> str | None:
        return self._nodes[index.internalId()].code if index.isValid() else None

    def level(self, index: _Index) -> str | None:
        return self._nodes[index.internalId()].level if index.isValid() else None

    def item(self, index: _Index) -> Item | None:
        """The C item of a row (None on an A or B row)."""
        if not index.isValid() or self.index_def is None:
            return None
        node = self._nodes[index.internalId()]
        return self.index_def.item(node.code) if node.level == "item" else None

    def index_of(self, code: str, column: int = 0) -> QModelIndex:
        number = self._by_code.get(code)
        if number is None:
            return QModelIndex()
        return self.createIndex(self._nodes[number].row, column, number)

    def column_of(self, key: str) -> int:
        return self.keys.index(key)

    # -- Qt interface -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        siblings = self._top if not parent.isValid() else self._nodes[parent.internalId()].children
        return self.createIndex(row, column, siblings[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        up = self._nodes[index.internalId()].parent
        if up < 0:
            return QModelIndex()
        return self.createIndex(self._nodes[up].row, 0, up)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._top)
        if parent.column() != 0:
            return 0
        return len(self._nodes[parent.internalId()].children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        key, label = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.previous_header if key == "previous" else label
        if role == Qt.ItemDataRole.ToolTipRole:
            side = SIDE_TEXT[self.values.compare]
            if key == "previous":
                return f"{self.values.previous_label}的{side}分"
            if key == "change":
                return f"本期{side}分与{self.values.previous_label}相比的变化"
            if key == "suggested":
                return "根据帮扶日志、月计划等记录统计出的建议分；需要您采用后才计入"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.level(index) == "item" and self.keys[index.column()] in EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.editor is None:
            return False
        code, key = self.code(index), self.keys[index.column()]
        if code is None or self.level(index) != "item" or key not in EDITABLE:
            return False
        return self.editor(code, key, value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.index_def is None:
            return None
        node = self._nodes[index.internalId()]
        key = self.keys[index.column()]
        if role == CODE_ROLE:
            return node.code
        if role == LEVEL_ROLE:
            return node.level
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return int(Qt.AlignmentFlag.AlignCenter)
        if node.level == "item":
            return self._item_data(self.index_def.item(node.code), key, role)
        return self._unit_data(node, key, role)

    # -- C rows -----------------------------------------------------------------------------

    def _item_data(self, item: Item, key: str, role: int) -> Any:
        row = self.values.scores.get(item.code) or {}
        if role == Qt.ItemDataRole.DisplayRole:
            return self._item_text(item, row, key)
        if role == Qt.ItemDataRole.EditRole:
            if key in ("self", "county"):
                return fmt_points(row.get(f"{key}_score"))
            if key == "verdict":
                return row.get("verdict") or ""
            if key == "comment":
                return row.get("comment") or ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._item_tip(item, row, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "change":
                return self._change_brush(self._item_change(item))
            if key == "label" and self.index_def is not None and self.index_def.is_bonus(item):
                return QBrush(BONUS_COLOR)
            if key == "verdict" and row.get("verdict") in VERDICT_COLORS:
                return QBrush(VERDICT_COLORS[row["verdict"]])
        return None

    def _item_text(self, item: Item, row: dict[str, Any], key: str) -> str:
        if key == "label":
            return item.label
        if key == "points":
            return fmt_points(item.points)
        if key in ("self", "county"):
            value = row.get(f"{key}_score")
            if value is None:
                return ""
            mark = f" {SUGGESTED_MARK}" if row.get(f"{key}_suggested") else ""
            return fmt_points(value) + mark
        if key == "suggested":
            found = self.values.suggestions.get(item.code)
            if found is None:
                return ""
            return f"{fmt_points(found.score)}（{found.evidence_count} 条记录）"
        if key == "evidence":
            count = self.values.evidence.get(item.code, 0)
            return str(count) if count else ""
        if key == "previous":
            return fmt_points((self.values.previous.get(item.code) or {}).get(self._column()))
        if key == "change":
            delta = self._item_change(item)
            return "" if delta is None else fmt_change(delta)
        if key == "verdict":
            return row.get("verdict") or ""
        if key == "comment":
            return " ".join(str(row.get("comment") or "").split())
        return ""

    def _item_tip(self, item: Item, row: dict[str, Any], key: str) -> str | None:
        if key == "label":
            return item.label
        if key in ("self", "county") and row.get(f"{key}_suggested"):
            return f"{SUGGESTED_MARK} 采用的建议分（根据记录统计）；直接输入其他分数即可修改"
        if key == "suggested":
            found = self.values.suggestions.get(item.code)
            return "\n".join(found.explanation) if found else None
        if key == "comment" and row.get("comment"):
            return str(row["comment"])
        if key == "verdict" and not row.get("verdict"):
            return NO_VERDICT
        return None

    def _column(self) -> str:
        return f"{self.values.compare}_score"

    def _item_change(self, item: Item) -> float | None:
        now = (self.values.scores.get(item.code) or {}).get(self._column())
        before = (self.values.previous.get(item.code) or {}).get(self._column())
        if now is None or before is None:
            return None
        return float(now) - float(before)

    # -- A and B rows -----------------------------------------------------------------------

    def _has(self, scores: dict[str, dict[str, Any]], code: str) -> bool:
        """Any item under a unit scored on the compared side (else its previous sum and the
        change are left blank rather than shown as a misleading 0)."""
        assert self.index_def is not None
        column = self._column()
        return any(
            (scores.get(i.code) or {}).get(column) is not None
            for i in self.index_def.items_of(code)
        )

    def _unit_change(self, code: str) -> float | None:
        side = self.values.compare
        now, before = self.values.totals.get(side), self.values.previous_totals.get(side)
        if now is None or before is None:
            return None
        if not (self._has(self.values.scores, code) and self._has(self.values.previous, code)):
            return None
        return now.by_unit[code][0] - before.by_unit[code][0]

    def _unit_data(self, node: _Node, key: str, role: int) -> Any:
        assert self.index_def is not None
        index = self.index_def
        if role == Qt.ItemDataRole.FontRole and node.level == "group":
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "change":
                return self._change_brush(self._unit_change(node.code))
            if key == "label" and node.code in index.bonus:
                return QBrush(BONUS_COLOR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key == "label":
            if node.code in index.bonus:
                return "加分项：单独计分，不计入基础分"
            return self._unit_label(node)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if key == "label":
            return self._unit_label(node)
        if key == "points" and index.kind == "score":
            return fmt_points(index.max_points(node.code))
        if key in ("self", "county"):
            totals = self.values.totals.get(key)
            if totals is None or node.code not in totals.by_unit:
                return ""
            have, most = totals.by_unit[node.code]
            return f"{fmt_points(have)} / {fmt_points(most)}"
        if key == "previous":
            before = self.values.previous_totals.get(self.values.compare)
            if before is None or not self._has(self.values.previous, node.code):
                return ""
            return fmt_points(before.by_unit[node.code][0])
        if key == "change":
            delta = self._unit_change(node.code)
            return "" if delta is None else fmt_change(delta)
        if key == "verdict":
            counts = verdict_counts(index.items_of(node.code), self.values.scores)
            done = sum(n for v, n in counts.items() if v)
            return f"{done} / {sum(counts.values())} 项已评"
        return ""

    def _unit_label(self, node: _Node) -> str:
        assert self.index_def is not None
        if node.level == "group":
            group = next(g for g in self.index_def.groups if g.code == node.code)
            return group_label(self.index_def, group)
        sub = next(s for s in self.index_def.subgroups if s.code == node.code)
        return f"{sub.code}．{sub.text}"

    @staticmethod
    def _change_brush(delta: float | None) -> QBrush | None:
        if delta is None or delta == 0:
            return None
        return QBrush(UP_COLOR if delta > 0 else DOWN_COLOR)
