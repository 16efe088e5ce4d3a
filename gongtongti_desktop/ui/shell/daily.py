"""The director's daily tools on the main window: the 记一笔 button, the keyboard (Ctrl+1…6
for the tabs, Ctrl+N for a new record of the tab shown, F1 for 使用说明), the 帮助 menu
(使用说明, its PDF, 今日提醒), 备份到U盘 / 从U盘恢复, 添加签字件 / 签字件情况, and taking her
where a reminder or a first step points.

Kept beside ``main_window`` rather than in it: these are shortcuts to what the tabs and
dialogs already do, and the window's own module stays about opening files and tabs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QToolBar, QWidget

from gongtongti_desktop.ui.shell.common import show_info

if TYPE_CHECKING:
    from gongtongti_desktop.ui.shell.main_window import MainWindow

TAB_KEYS = ("overview", "roster", "plans", "diary", "scoring", "summary")
NO_NEW_RECORD = {4: "考核评分没有“新建”：请在左侧选择指标后填写分数。",
                 5: "阶段总结按期间保存：请在上方选择月份、学期或学年后直接填写。"}  # fmt: skip


class DailyActions(QObject):
    """Made once per window (``window.daily``); its actions live on the window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.manual: QWidget | None = None
        toolbar = QToolBar("常用")
        toolbar.setObjectName("daily_toolbar")
        toolbar.setMovable(False)
        self.quick_action = self._action("记一笔", self.quick_record, "Ctrl+J", needs_file=True)
        self.quick_action.setToolTip("记录一次帮扶活动和照片（Ctrl+J）")
        toolbar.addAction(self.quick_action)
        window.addToolBar(toolbar)
        self.toolbar = toolbar
        self.tab_actions = [
            self._action(f"切换到第 {n} 个标签", lambda n=n: window.tabs.setCurrentIndex(n - 1),
                         f"Ctrl+{n}")
            for n in range(1, 7)
        ]  # fmt: skip
        self.new_record_action = self._action(
            "新建记录", self.add_in_current_tab, QKeySequence.StandardKey.New, needs_file=True
        )
        help_menu = window.help_menu
        first = help_menu.actions()[0] if help_menu.actions() else None
        self.manual_action = self._action("使用说明", self.show_manual, "F1")
        self.manual_pdf_action = self._action("使用说明（PDF，可打印）…", self.save_manual_pdf)
        self.reminders_action = self._action("今日提醒…", self.show_reminders, needs_file=True)
        for action in (self.manual_action, self.manual_pdf_action, self.reminders_action):
            help_menu.insertAction(first, action)
        help_menu.insertSeparator(first)
        file_menu = window.file_menu
        anchor = window.backup_action
        self.usb_backup_action = self._action("备份到U盘…", self.backup_to_folder, needs_file=True)
        self.usb_restore_action = self._action(
            "从U盘恢复…", self.restore_from_folder, needs_file=True
        )
        self.check_menu = QMenu("检查(&C)", window)
        window.menuBar().insertMenu(window.help_menu.menuAction(), self.check_menu)
        self.before_export_action = self._action(
            "上报前检查…", self.show_before_export, needs_file=True
        )
        self.check_menu.addAction(self.before_export_action)
        index = file_menu.actions().index(anchor)
        after = file_menu.actions()[index + 1] if index + 1 < len(file_menu.actions()) else None
        file_menu.insertAction(after, self.usb_backup_action)
        file_menu.insertAction(after, self.usb_restore_action)
        # signed paper filed back (ui/signed), beside the other ways in and out of the file
        self.signed_add_action = self._action("添加签字件…", self.add_signed, needs_file=True)
        self.signed_status_action = self._action(
            "签字件情况…", self.show_signed_status, needs_file=True
        )
        file_menu.insertAction(after, self.signed_add_action)
        file_menu.insertAction(after, self.signed_status_action)

    def _action(self, text: str, slot, shortcut=None, *, needs_file: bool = False) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        if needs_file:
            self.window._file_actions.append(action)
            action.setEnabled(self.window.store is not None)
        return action

    # -- where to act -----------------------------------------------------------------------

    def go(self, where: str) -> object:
        """Take the director to a tab (``core.checks.daily.TABS``) or run a menu action."""
        if where in TAB_KEYS:
            self.window.tabs.setCurrentIndex(TAB_KEYS.index(where))
            return self.window.tabs.currentWidget()
        if where == "quick_record":
            return self.quick_record()
        if where == "export_package":
            return self.window.export_package()
        if where == "import_roster":
            return self.window.import_roster()
        raise ValueError(where)

    def add_in_current_tab(self) -> QDialog | None:
        """Ctrl+N: a new record of the tab shown (概览: 记一笔)."""
        index = self.window.tabs.currentIndex()
        if index == 0:
            return self.quick_record()
        if index == 1:
            return self.window.roster_tab.current_section().add()
        if index == 2:
            return self.window.plan_tab.add()
        if index == 3:
            return self.window.diary_tab.add()
        show_info(self.window, NO_NEW_RECORD[index], "新建记录")
        return None

    # -- 记一笔 --------------------------------------------------------------------------------

    def quick_record(self) -> QDialog:
        from gongtongti_desktop.ui.diary.quick_record import QuickRecordDialog

        window = self.window
        dialog = QuickRecordDialog(window.store, window.programme, window)
        dialog.saved.connect(self._activity_saved)
        dialog.details_requested.connect(self._details)
        dialog.finished.connect(dialog.deleteLater)
        self.quick_dialog = dialog
        dialog.open()
        return dialog

    def _activity_saved(self, activity_id: str) -> None:
        window = self.window  # a new activity: the plan, the diary and the scores count it
        window._mark_stale(window.plan_page, window.diary_page, window.scoring_page)
        window.overview.mark_stale()
        window.statusBar().showMessage("已保存帮扶活动（可在“帮扶日志”中查看和补充详细内容）", 8000)
        del activity_id

    def _details(self, values: dict) -> None:
        """填写详细内容…: the full form with what 记一笔 held."""
        window = self.window
        window.tabs.setCurrentWidget(window.diary_page)
        tab = window.diary_tab
        dialog = tab.add()
        dialog.set_values({k: v for k, v in values.items() if v not in ("", [])})
        return dialog

    # -- help -----------------------------------------------------------------------------------

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from gongtongti_desktop import __version__
        from gongtongti_desktop.ui.shell.common import APP_TITLE

        window = self.window
        QMessageBox.about(
            window,
            f"关于{APP_TITLE}",
            f"<p><b>{APP_TITLE}</b> {__version__}</p>"
            "<p>幼儿园城乡教育共同体（结对帮扶）园长工作台：结对名单、表格打印与导出。</p>"
            "<p>离线运行，所有数据只保存在本机的数据文件中。</p>"
            f"<p>当前方案：{window.programme.name}<br>{window.programme.source_document}</p>"
            f"<p>数据文件：{window.store.path}</p>",
        )

    def show_manual(self) -> QWidget:
        from gongtongti_desktop.ui.help.manual import ManualWindow

        if self.manual is None:
            self.manual = ManualWindow(self.window)
        self.manual.show()
        self.manual.raise_()
        self.manual.activateWindow()
        return self.manual

    def save_manual_pdf(self):
        from gongtongti_desktop.ui.help.manual_pdf import save_manual_pdf

        return save_manual_pdf(self.window)

    def show_reminders(self) -> QDialog:
        from gongtongti_desktop.ui.overview.reminders import RemindersDialog

        dialog = RemindersDialog(self.window.store, self.window.programme, self.window)
        dialog.go.connect(self.go)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.reminders_dialog = dialog
        return dialog

    def show_before_export(self) -> QDialog:
        """检查 → 上报前检查…: this term's list; a line opens its record, 导出上报包… goes on to
        the export of the period shown."""
        from gongtongti_desktop.core.profile import periods
        from gongtongti_desktop.ui.packages.before_export_dialog import BeforeExportDialog
        from gongtongti_desktop.ui.packages.open_record import open_record

        window = self.window
        period = periods.term_of(window.programme.calendar, window.store.today())
        dialog = BeforeExportDialog(window.store, window.programme, period, window)
        dialog.open_record.connect(lambda item: open_record(window, item))
        dialog.export_requested.connect(lambda: self._export(dialog.period))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.before_export_dialog = dialog
        return dialog

    def _export(self, period) -> QDialog | None:
        exporting = self.window.export_package()
        if exporting is not None:
            exporting.picker.set_period(period.kind, period.start)  # type: ignore[attr-defined]
        return exporting

    # -- 备份到U盘 ----------------------------------------------------------------------------

    def backup_to_folder(self):
        from gongtongti_desktop.ui.datafile.usb_backup import backup_to_folder

        return backup_to_folder(self.window)

    def restore_from_folder(self):
        from gongtongti_desktop.ui.datafile.usb_backup import restore_from_folder

        return restore_from_folder(self.window)

    # -- 签字件 ------------------------------------------------------------------------------

    def add_signed(self) -> QDialog | None:
        from gongtongti_desktop.ui.signed.add_dialog import add_signed_scans

        return add_signed_scans(self.window, self.window.store)

    def show_signed_status(self) -> QDialog:
        from gongtongti_desktop.ui.signed.status_dialog import SignedStatusDialog

        dialog = SignedStatusDialog(self.window.store, self.window.programme, self.window)
        dialog.open()
        return dialog
