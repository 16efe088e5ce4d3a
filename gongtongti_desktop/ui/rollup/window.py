"""文件 → 汇总多个上报包…: the window where a core kindergarten or a bureau clerk puts many
kindergartens' packages side by side (``exchange.rollup.rollup.rollup_packages``).

Packages come from a file dialog (several at once), or are dragged in — files, or a folder
holding them (a USB stick's worth). The merge reads every file with all of the package checks:
a bad file is listed with its reason and skipped, the rest are ranked in the table and written
to the workbook, which the clerk can open from here. Nothing here touches the open data file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.profile.indexes import fmt_points
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.format import SUFFIX
from gongtongti_desktop.exchange.rollup.figures import KindergartenRow
from gongtongti_desktop.exchange.rollup.rollup import MergeReport, rollup_packages
from gongtongti_desktop.ui.packages.progress import Cancelled
from gongtongti_desktop.ui.shell.common import ask_save_path, documents_folder, muted, show_error

TITLE = "汇总多个上报包"
OPEN_FILTER = f"上报数据包 (*{SUFFIX});;所有文件 (*)"
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
COLUMNS = (
    "名次", "幼儿园", "期间", "帮扶活动（次）", "要求达成", "自评总分", "县评总分", "按时上报",
    "上报时未处理", "签字件", "照片提示",
)  # fmt: skip
NO_VALUE = "—"


def _points(value: float | None, most: float | None) -> str:
    if value is None:
        return NO_VALUE
    return f"{fmt_points(value)} / {fmt_points(most)}" if most is not None else fmt_points(value)


def row_cells(row: KindergartenRow) -> list[str]:
    """The table's texts for one kindergarten, in ``COLUMNS`` order (what the workbook's 汇总
    sheet holds, in words)."""
    late = (row.created_at.date() - row.deadline).days
    return [
        str(row.rank) if row.rank is not None else NO_VALUE,
        row.name,
        row.period.label,
        str(row.activities.total()),
        f"{row.rules_met}/{row.rules_closed}" if row.rules_closed else NO_VALUE,
        _points(row.self_total, row.score_max),
        _points(row.county_total, row.score_max),
        "按时" if row.on_time else f"逾期 {late} 天",
        NO_VALUE if row.open_items is None else f"{sum(row.open_items.values())} 项",
        row.signed.cell() if row.signed is not None else NO_VALUE,
        photo_cell(row),
    ]


def open_items_tip(row: KindergartenRow) -> str:
    """上报时未处理: the kinds and counts the package's 上报前检查 still listed."""
    if row.open_items is None:
        return "旧版本导出的数据包，没有记录上报前检查"
    if not row.open_items:
        return "导出时上报前检查没有未处理的项目"
    lines = [f"{before_export.kind_label(k)}：{n} 项" for k, n in row.open_items.items()]
    return "导出时上报前检查仍未处理：\n" + "\n".join(lines)


def photo_cell(row: KindergartenRow) -> str:
    """ "3（已说明 2）· 与他园相同 1 张", or — when the package raised nothing."""
    parts = []
    if row.photo_flags:
        parts.append(f"{row.photo_flags}（已说明 {row.photo_answered}）")
    if row.photo_shared:
        parts.append(f"与他园相同 {row.photo_shared} 张")
    return " · ".join(parts) or NO_VALUE


def row_tips(row: KindergartenRow) -> dict[int, str]:
    """Tooltips: where a figure comes from, for the columns that need it."""
    return {
        1: f"{row.programme_name}\n文件：{row.path}",
        4: "已到期、且整个落在本期间内的要求中，达成的项次 / 全部项次",
        7: f"导出于 {row.created_at:%Y-%m-%d %H:%M}，截止日期 {row.deadline.isoformat()}",
        0: f"按{row.rank_basis}总分排名" if row.rank_basis else "没有评分，不参加排名",
        8: open_items_tip(row),
        9: "\n".join(row.signed.lines()) if row.signed is not None else "数据包中没有签字件信息",
        10: "照片提示（拍摄日期与活动日期不符、同一张照片用在多个活动）及园长已说明的条数；"
        f"无拍摄时间等较轻提示 {row.photo_notes} 条；与其他幼儿园数据包中相同的照片张数。"
        "只是提示，说明见数据包",
    }


def left_out_lines(report: MergeReport) -> list[tuple[Path, str]]:
    """Files not counted: the bad ones with their reasons, then the superseded ones."""
    lines = [(path, f"{path.name}：{why}") for path, why in report.bad]
    lines += [
        (path, f"{path.name}：同一幼儿园同一期间已有更新的数据包（{newer}），本包未计入")
        for path, newer in report.superseded
    ]
    return lines


def package_files(paths: list[Path]) -> list[Path]:
    """Dropped or chosen paths as files: a folder gives the packages directly inside it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.suffix.lower() == SUFFIX and p.is_file())
        else:
            out.append(path)
    return out


class RollupWindow(QWidget):
    """A window of its own (not modal): the director may go on working meanwhile."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(TITLE)
        self.setAcceptDrops(True)
        self.resize(980, 680)
        self.report: MergeReport | None = None
        self.running = False
        self._stop = False

        intro = muted(
            QLabel(
                "把各园的上报数据包（.gtt）加入下面的列表（也可以把文件或文件夹直接拖进来），"
                "选择汇总表的保存位置，再点“开始汇总”。损坏、被改动或不是上报包的文件会列出原因并跳过，"
                "其余照常汇总；同一幼儿园同一期间有多个数据包时，以最后导出的为准。"
            )
        )
        intro.setWordWrap(True)
        self.file_list = QListWidget()
        self.file_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.file_list.setMaximumHeight(120)
        self.add_button = QPushButton("添加文件…")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton("移除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.clear_files)
        self.count_label = muted(QLabel())
        side = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.clear_button):
            side.addWidget(button)
        side.addStretch(1)

        self.out_edit = QLineEdit()
        self.out_edit.setReadOnly(True)
        self.out_edit.setPlaceholderText("点击“选择…”指定汇总表（.xlsx）的保存位置")
        self.out_button = QPushButton("选择…")
        self.out_button.clicked.connect(self.choose_output)
        self.run_button = QPushButton("开始汇总")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.stop_button = QPushButton("停止")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.status = muted(QLabel())

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(160)  # the result: it keeps its room on a small screen
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.bad_label = QLabel("未汇总的文件")
        self.bad_list = QListWidget()
        self.bad_list.setMaximumHeight(80)
        self.open_button = QPushButton("打开汇总表")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_workbook)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.close)

        files = QGridLayout()
        files.addWidget(self.file_list, 0, 0)
        files.addLayout(side, 0, 1)
        files.addWidget(self.count_label, 1, 0)
        out_row = QHBoxLayout()
        out_row.addWidget(QLabel("汇总表："))
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.out_button)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.stop_button)
        run_row.addWidget(self.bar, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_button)
        bottom.addStretch(1)
        bottom.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(files)
        layout.addLayout(out_row)
        layout.addLayout(run_row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.bad_label)
        layout.addWidget(self.bad_list)
        layout.addLayout(bottom)
        self._show_results()
        self._update()

    # -- the files ------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        return [
            Path(self.file_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.file_list.count())
        ]

    def add_paths(self, paths: list[Path]) -> int:
        """Add files (a folder: its packages); a file already listed is not added twice."""
        known = {p.resolve() for p in self.paths()}
        added = 0
        for path in package_files([Path(p) for p in paths]):
            if path.resolve() in known:
                continue
            known.add(path.resolve())
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.file_list.addItem(item)
            added += 1
        self._update()
        return added

    def choose_files(self) -> int:
        names, _filter = QFileDialog.getOpenFileNames(
            self, "添加上报数据包", str(documents_folder()), OPEN_FILTER
        )
        return self.add_paths([Path(n) for n in names])

    def remove_selected(self) -> None:
        for item in self.file_list.selectedItems():
            self.file_list.takeItem(self.file_list.row(item))
        self._update()

    def clear_files(self) -> None:
        self.file_list.clear()
        self._update()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.running and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if self.running or not urls:
            event.ignore()
            return
        self.add_paths([Path(u.toLocalFile()) for u in urls])
        event.acceptProposedAction()

    # -- the workbook -----------------------------------------------------------------------

    def output(self) -> Path | None:
        text = self.out_edit.text().strip()
        return Path(text) if text else None

    def choose_output(self) -> Path | None:
        current = self.output() or documents_folder() / "汇总表.xlsx"
        path = ask_save_path(self, "汇总表保存为", current, XLSX_FILTER)
        if path is not None:
            self.out_edit.setText(str(path))
        return path

    def run(self) -> MergeReport | None:
        """Merge the listed packages into the workbook; the table shows the ranked rows."""
        paths = self.paths()
        if not paths:
            show_error(self, UserError("请先添加要汇总的上报数据包（.gtt）。"), TITLE)
            return None
        out = self.output() or self.choose_output()
        if out is None:
            return None
        self.running, self._stop = True, False
        self.bar.setValue(0)
        self._update()
        try:
            report = rollup_packages(paths, out, progress=self._progress)
        except Cancelled:
            self._clear_results("已停止，未生成汇总表。")
            return None
        except (UserError, OSError) as exc:
            self._clear_results("未生成汇总表。")
            show_error(self, exc, TITLE)
            return None
        finally:
            self.running = False
            self._update()
        self.report = report
        self._show_results()
        return report

    def stop(self) -> None:
        self._stop = True

    def _progress(self, done: int, total: int, text: str) -> None:
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        self.status.setText(text)
        QApplication.processEvents()
        if self._stop:
            raise Cancelled

    def open_workbook(self) -> bool:
        if self.report is None:
            return False
        out = self.report.out
        if not out.is_file() or not QDesktopServices.openUrl(QUrl.fromLocalFile(str(out))):
            show_error(self, UserError(f"无法打开 {out}，请用 Excel 或 WPS 打开这个文件。"), TITLE)
            return False
        return True

    # -- showing --------------------------------------------------------------------------

    def _clear_results(self, status: str) -> None:
        """A run that wrote nothing: the last run's rows would no longer match the list."""
        self.report = None
        self._show_results()
        self.bar.setValue(0)
        self.status.setText(status)

    def _show_results(self) -> None:
        report = self.report
        rows = report.rows if report else []
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            tips = row_tips(row)
            for c, text in enumerate(row_cells(row)):
                item = QTableWidgetItem(text)
                if c != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c in tips:
                    item.setToolTip(tips[c])
                self.table.setItem(r, c, item)
        self.bad_list.clear()
        left_out = left_out_lines(report) if report else []
        for path, text in left_out:
            item = QListWidgetItem(text)
            item.setToolTip(str(path))
            self.bad_list.addItem(item)
        self.bad_label.setText(f"未汇总的文件（{len(left_out)} 个）" if report else "未汇总的文件")
        self.open_button.setEnabled(report is not None)
        if report is not None:
            self.status.setText("\n".join(report.outcome_lines()[:1]))

    def _update(self) -> None:
        count = self.file_list.count()
        self.count_label.setText(f"共 {count} 个文件" if count else "尚未添加文件")
        idle = not self.running
        for widget in (self.add_button, self.remove_button, self.clear_button, self.out_button):
            widget.setEnabled(idle)
        self.run_button.setEnabled(idle and count > 0)
        self.run_button.setVisible(idle)
        self.stop_button.setVisible(not idle)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing while merging stops the merge first (nothing is written then)."""
        if self.running:
            self._stop = True
            event.ignore()
            return
        super().closeEvent(event)
