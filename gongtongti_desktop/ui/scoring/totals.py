"""The sums under the 考核评分 tree: 基础分, 加分项 apart from it (the notice scores A6 on top
of the 90 base points), 总分, each for 自评 and 考核 — or, for a checklist, how many items got
each verdict. The figures are ``core.records.scoring.totals``; this only words them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from gongtongti_desktop.core.profile.indexes import Index, fmt_points
from gongtongti_desktop.core.records.scoring import verdict_counts
from gongtongti_desktop.ui.scoring.model import Values


def _pair(title: str, own: float, county: float, most: float) -> str:
    m = fmt_points(most)
    return f"{title}：自评 <b>{fmt_points(own)}</b> / {m} · 考核 <b>{fmt_points(county)}</b> / {m}"


def count_text(index: Index, values: Values) -> str:
    """ "已打分：自评 5 项 · 考核 1 项（共 23 项）" (a checklist: "共 33 项")."""
    if index.kind != "score" or not values.totals:
        return f"共 {len(index.items)} 项"
    own, county = values.totals["self"], values.totals["county"]
    return (
        f"已打分：自评 {own.scored_items} 项 · 考核 {county.scored_items} 项"
        f"（共 {len(index.items)} 项）"
    )


class TotalsStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_label, self.bonus_label, self.total_label = QLabel(), QLabel(), QLabel()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(28)
        for label in (self.base_label, self.bonus_label, self.total_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(label)
        layout.addStretch(1)

    def show_values(self, index: Index, values: Values) -> None:
        if index.kind != "score":
            counts = verdict_counts(index.items, values.scores)
            parts = [f"{v} <b>{n}</b>" for v, n in counts.items() if v]
            self.base_label.setText("评定：" + " · ".join(parts))
            self.bonus_label.setText(f"未评定 <b>{counts['']}</b>")
            self.bonus_label.show()
            self.total_label.clear()
            return
        own, county = values.totals["self"], values.totals["county"]
        self.base_label.setText(_pair("基础分", own.base, county.base, own.base_max))
        bonus = f"加分项（{'、'.join(index.bonus)}）"
        self.bonus_label.setText(_pair(bonus, own.bonus, county.bonus, own.bonus_max))
        self.bonus_label.setVisible(bool(own.bonus_max))
        most = own.base_max + own.bonus_max
        self.total_label.setText(_pair("总分", own.total, county.total, most))
