"""修改记录: the earlier versions of a reported record, oldest first, each with the fields that
differ from the version after it. Records are never silently changed after reporting: this is
where the change is seen (core/reporting.py keeps the versions)."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import catalog, reporting
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import muted

MAX_CELL = 300
# Columns that are not form fields of a record type.
COLUMN_LABELS = {
    "deleted_at": "删除时间",
    "self_score": "自评",
    "county_score": "考核得分",
    "self_suggested": "自评采用建议分",
    "county_suggested": "考核采用建议分",
    "verdict": "评定",
    "comment": "说明",
    "evidence": "佐证",
    "highlights": "亮点工作",
    "problems": "存在的问题",
    "next_steps": "下一步打算",
    "highlights_note": "亮点工作备注",
    "problems_note": "存在的问题备注",
    "next_steps_note": "下一步打算备注",
    "filler": "填报人",
    "status": "状态",
}


def _label(table: str, name: str) -> str:
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    try:
        return catalog.record_type(table).field(name).label
    except (KeyError, UserError):
        return name


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "……"


class RevisionDialog(QDialog):
    def __init__(
        self, store: Store, table: str, record_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"修改记录 — {reporting.TABLE_LABELS.get(table, table)}")
        self.resize(860, 460)
        status = reporting.report_status(store, table, record_id)
        versions = reporting.revisions(store, table, record_id)
        latest = reporting.current_version(store, table, record_id)
        when = "上报" if status.direction == "export" else "导入"
        head = QLabel(
            f"此记录于 {status.reported_at[:16].replace('T', ' ')} {when}；之后保存过 "
            f"{len(versions)} 个较早的版本。下表每行是一个较早版本与它之后版本的不同之处。"
            if status.reported_at
            else "此记录尚未上报。"
        )
        head.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(("保存时间", "项目", "当时的内容", "之后改为"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        chain = [v["data"] for v in versions] + [latest]
        rows: list[tuple[str, str, str, str]] = []
        for version, (older, newer) in zip(versions, itertools.pairwise(chain), strict=True):
            saved = version["saved_at"][:19].replace("T", " ")
            source = older.get("_source")
            fields = reporting.changed_fields(older, newer)
            if source:
                rows.append((saved, "来源", str(source), ""))
            for name in fields:
                rows.append(
                    (saved, _label(table, name), _text(older.get(name)), _text(newer.get(name)))
                )
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeRowsToContents()
        note = QLabel("删除也算一次修改：“删除时间”一项有值的版本之后，记录在回收站中。")
        muted(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.rows = rows
