"""上报前检查 in the window: the list of ``core.upload.before_export`` before 导出上报包 (and from
检查 → 上报前检查…), grouped by kind with counts.

Why a list the director can act on rather than a warning text: each line names a record, and
double-clicking it (or Enter) takes her to that record in its tab — fixing a gap should cost
one click. Why 仍然导出 stays the default-free second choice: the bureau's day does not wait;
what she leaves open travels in the package's manifest and the 汇总 shows it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.core.upload.before_export import OpenItem
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import muted
from gongtongti_desktop.ui.shell.period_picker import PeriodPicker

TITLE = "上报前检查"
EXPORT_ANYWAY, GO_BACK = "仍然导出", "返回修改"
NOTE_COLOUR = "#8a6100"  # a period still running: shown, not yet a miss
ITEM_ROLE = Qt.ItemDataRole.UserRole


class BeforeExportDialog(QDialog):
    """``exporting``: shown by 导出… for a fixed period (仍然导出 accepts, 返回修改 rejects);
    otherwise from the menu with a period picker and 导出上报包…. ``open_record`` carries the
    item whose record the director chose to open (the dialog closes first)."""

    open_record = Signal(object)
    export_requested = Signal()

    def __init__(
        self,
        store: Store,
        programme: Programme,
        period: Period,
        parent: QWidget | None = None,
        *,
        exporting: bool = False,
        items: list[OpenItem] | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.programme, self.exporting = store, programme, exporting
        self.items: list[OpenItem] = []
        self.chosen: OpenItem | None = None
        self.setWindowTitle(TITLE)
        self.resize(800, 500)
        layout = QVBoxLayout(self)
        self.picker: PeriodPicker | None = None
        if not exporting:
            kinds = ("month", "term", "school_year")
            self.picker = PeriodPicker(programme, kinds, period.kind, today=store.today())
            self.picker.set_period(period.kind, period.start)
            self.picker.changed.connect(lambda: self.load(self._picked()))
            top = QHBoxLayout()
            top.addWidget(QLabel("检查期间："))
            top.addWidget(self.picker)
            top.addStretch(1)
            layout.addLayout(top)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(self._show_current)
        # Enter (and a platform's own activation) and a double-click everywhere: once only
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._activated)
        layout.addWidget(self.tree, 1)
        # A line too long for the list (a long activity title) is read whole here: the rows of
        # a tree do not wrap Chinese text.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        hint = muted(QLabel("双击一行（或选中后按回车）打开它所指的记录。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox()
        if exporting:
            self.export_button = self.buttons.addButton(
                EXPORT_ANYWAY, QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.back_button = self.buttons.addButton(
                GO_BACK, QDialogButtonBox.ButtonRole.RejectRole
            )
        else:
            self.export_button = self.buttons.addButton(
                "导出上报包…", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.back_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
            self.accepted.connect(self.export_requested)
        for button in (self.export_button, self.back_button):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)  # Enter opens the line chosen, not the export
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.load(period, items)

    def _picked(self) -> Period:
        assert self.picker is not None
        period = self.picker.period()
        assert period is not None  # the picker has no 全部 here
        return period

    def load(self, period: Period, items: list[OpenItem] | None = None) -> None:
        """Compute (or take) the list of ``period`` and show it grouped by kind."""
        self.period = period
        if items is None:
            try:
                items = before_export.open_items(self.store, self.programme, period)
            except UserError as exc:
                items = []
                self.headline.setText(exc.message)
        self.items = list(items)
        self.tree.clear()
        for kind, n in before_export.counts(self.items).items():
            group = QTreeWidgetItem([f"{before_export.kind_label(kind)}（{n} 项）"])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for item in (i for i in self.items if i.kind == kind):
                line = QTreeWidgetItem([item.text])
                line.setData(0, ITEM_ROLE, item)
                line.setToolTip(0, item.text)
                if item.severity == before_export.NOTE:
                    line.setForeground(0, QColor(NOTE_COLOUR))
                group.addChild(line)
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
        self.headline.setText(self._headline())
        first = self.tree.topLevelItem(0)
        if first is not None and first.childCount():
            self.tree.setCurrentItem(first.child(0))
            self.tree.setFocus()

    def _headline(self) -> str:
        what = f"{self.period.label}（{self.period.start.isoformat()} 至 {self.period.end.isoformat()}）"
        if not self.items:
            return f"{what}：没有未处理的项目。"
        tail = (
            "仍可导出：数据包会记下这些项目，教育局汇总时能看到。"
            if self.exporting
            else "导出上报包时，数据包会记下仍未处理的项目，教育局汇总时能看到。"
        )
        return f"{what}还有 {len(self.items)} 项未处理。{tail}"

    def _show_current(self, line: QTreeWidgetItem | None, _previous: object = None) -> None:
        item = line.data(0, ITEM_ROLE) if line is not None else None
        self.detail.setText(item.text if isinstance(item, OpenItem) else "")

    def lines(self) -> list[QTreeWidgetItem]:
        """The record lines (not the group headings), in the order shown."""
        out = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            out += [group.child(n) for n in range(group.childCount())]
        return out

    def _activated(self, line: QTreeWidgetItem, _column: int = 0) -> None:
        item = line.data(0, ITEM_ROLE)
        if not isinstance(item, OpenItem) or self.chosen is not None:
            return
        self.chosen = item
        self.reject()  # back to the window, where the record opens
        self.open_record.emit(item)
