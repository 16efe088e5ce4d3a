"""The main window: the six tabs, the 文件 / 编辑 / 打印 / 帮助 menus and the status bar.

The window owns the open ``Store`` (closes it when the window closes or another data file
is opened). Printing, importing and exporting load reportlab/openpyxl only when used.
编辑 → 撤销 / 重做 (Ctrl+Z / Ctrl+Y) act on the undo stack of the tab shown (月计划, 帮扶日志).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import (
    APP_TITLE,
    ask_save_path,
    documents_folder,
    show_error,
)

if TYPE_CHECKING:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.periods import Period
    from gongtongti_desktop.core.profile.programme import Programme
    from gongtongti_desktop.core.records.changes import Changes
    from gongtongti_desktop.ui.diary.tab import DiaryTab
    from gongtongti_desktop.ui.overview.tab import OverviewTab
    from gongtongti_desktop.ui.plans.tab import PlanTab
    from gongtongti_desktop.ui.roster.tab import RosterTab
    from gongtongti_desktop.ui.scoring.tab import ScoringTab
    from gongtongti_desktop.ui.stage_report.tab import StageReportTab

DATA_FILE_FILTER = "共同体工作台数据文件 (*.gtdb);;所有文件 (*)"
DEMO_MARK = "【示例数据】"

TAB_NAMES = ("概览", "结对名单", "月计划", "帮扶日志", "考核评分", "阶段总结")


def open_data_file(path: Path) -> tuple[Store, Programme]:
    """Hold the data file (one writer) and open it with its programme; raises DataFileError /
    UserError with the file untouched."""
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.ui.datafile import data_file_guard as guard

    guard.acquire(Path(path))
    try:
        store = Store.open(Path(path))
    except BaseException:
        guard.release(Path(path))
        raise
    try:
        return store, get_programme(store.programme_id)
    except BaseException:
        store.close()
        guard.release(Path(path))
        raise


def window_title(store: Store) -> str:
    title = f"{APP_TITLE} — {store.kindergarten_name or '（未命名幼儿园）'}"
    if store.setting("demo") == "1":
        title += DEMO_MARK
    return title


@runtime_checkable
class Reloads(Protocol):
    """A tab that reloads from core when its data changed elsewhere (now if shown, else when
    next shown)."""

    def mark_stale(self) -> None: ...


class LazyTab(QWidget):
    """A tab page whose content (and its module) is made when first shown or first used:
    the window opens without paying for tabs the director may not visit. ``shows``: the
    record tables it displays, so a change core reports elsewhere reloads it only when it
    touches one of them."""

    def __init__(
        self,
        factory: Callable[[QWidget], QWidget],
        parent: QWidget | None = None,
        shows: frozenset[str] = frozenset(),
    ):
        super().__init__(parent)
        self._factory = factory
        self.shows = shows
        self.content: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def build(self) -> QWidget:
        if self.content is None:
            self.content = self._factory(self)
            self.layout().addWidget(self.content)
            self.content.show()
        return self.content

    def showEvent(self, event: QShowEvent) -> None:
        self.build()
        super().showEvent(event)


class MainWindow(QMainWindow):
    """The window of one data file. Made without one (``opening=path``), shown before ``attach``
    only when opening is slow or asks first; else its first frame is 概览 (``app.start_window``)."""

    def __init__(
        self,
        store: Store | None = None,
        programme: Programme | None = None,
        parent: QWidget | None = None,
        *,
        opening: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.store: Store = None  # type: ignore[assignment]  # until attach()
        self.programme: Programme = None  # type: ignore[assignment]
        from gongtongti_desktop.ui.shell import fit

        if opening is None:  # start-up fits dialogs from 概览's frame on (fit.ensure)
            fit.install(QApplication.instance())  # type: ignore[arg-type]
        fit.place_main_window(self)
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.undo_group = QUndoGroup(self)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.path_label = QLabel()
        self.programme_label = QLabel()
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.programme_label)
        self._file_actions: list[QAction] = []  # what needs an open data file
        self._build_menus()
        self.opening = opening
        if store is not None and programme is not None:
            self.attach(store, programme)
        else:  # menus wait for the data file
            self.setWindowTitle(APP_TITLE)
            for action in self._file_actions:
                action.setEnabled(False)

    def show_opening(self) -> None:
        """On screen before ``attach``, saying what it opens (built only when it is shown)."""
        path = self.opening
        where = f"数据文件 {path} " if path is not None else "数据文件"
        self.path_label.setText(f"正在打开{where}…")
        # Centred by markup: Qt.AlignmentFlag makes the whole Qt namespace (~14 ms) pre-frame.
        shown = str(path or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        opening = QLabel(f"<p align='center'>正在打开数据文件…<br><br>{shown}</p>")
        self.tabs.addTab(opening, TAB_NAMES[0])
        for name in TAB_NAMES[1:]:
            self.tabs.addTab(QWidget(), name)
        self.show()

    def attach(self, store: Store, programme: Programme) -> None:
        """Show this data file (opened through ``open_data_file``, so already held)."""
        from gongtongti_desktop.ui.datafile import data_file_guard as guard

        self.store, self.programme = store, programme
        for action in self._file_actions:
            action.setEnabled(True)
        self._install()
        self._update_undo_actions()
        guard.acquire(Path(store.path))  # already held when opened through open_data_file
        guard.after_open(self, store)

    # -- building -----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("文件(&F)")
        self.open_action = self._action(
            file_menu, "打开数据文件…", self.choose_and_open, QKeySequence.StandardKey.Open
        )
        self.new_action = self._action(
            file_menu, "新建数据文件…", self.choose_and_create, "Ctrl+Shift+N"
        )  # Ctrl+N: a new record of the tab shown (shell/daily)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, "导入结对名单（Excel）…", self.import_roster)
        self.export_action = self._action(file_menu, "导出表格（Excel）…", self.export_tables)
        file_menu.addSeparator()
        self.export_package_action = self._action(file_menu, "导出上报包…", self.export_package)
        self.import_package_action = self._action(file_menu, "导入上报包…", self.import_package)
        self.summary_action = self._action(file_menu, "汇总多个上报包…", self.show_package_summary)
        file_menu.addSeparator()
        self.recycle_action = self._action(file_menu, "回收站…", self.show_recycle_bin)
        self.revised_action = self._action(file_menu, "上报后的修改…", self.show_revised)
        self.backup_action = self._action(file_menu, "备份与恢复…", self.show_backups)
        file_menu.addSeparator()
        self._action(file_menu, "退出", self.close, QKeySequence.StandardKey.Quit, needs_file=False)
        edit_menu = bar.addMenu("编辑(&E)")
        # Own actions, not QUndoGroup's: "撤销删除计划事项…" without Qt's space after the prefix.
        self.undo_action = self._action(
            edit_menu, "撤销", self.undo_group.undo, QKeySequence.StandardKey.Undo
        )
        self.redo_action = self._action(edit_menu, "重做", self.undo_group.redo)
        redo_keys = [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        unique = [k for n, k in enumerate(redo_keys) if k not in redo_keys[:n] and not k.isEmpty()]
        self.redo_action.setShortcuts(unique)
        self.undo_group.canUndoChanged.connect(self._update_undo_actions)
        self.undo_group.canRedoChanged.connect(self._update_undo_actions)
        self.undo_group.undoTextChanged.connect(self._update_undo_actions)
        self.undo_group.redoTextChanged.connect(self._update_undo_actions)
        self.undo_group.activeStackChanged.connect(self._update_undo_actions)
        self._update_undo_actions()
        self.print_menu = bar.addMenu("打印(&P)")
        help_menu = self.help_menu = bar.addMenu("帮助(&H)")
        self._action(help_menu, "关于", lambda: self.daily.show_about())
        from gongtongti_desktop.ui.shell.daily import DailyActions

        self.daily = DailyActions(self)

    def _action(self, menu, text: str, slot, shortcut=None, *, needs_file: bool = True) -> QAction:
        action = QAction(text, self)
        if needs_file:
            self._file_actions.append(action)
        if shortcut is not None:
            # Not setShortcut: resolving its overloads builds the Qt namespace (~14 ms).
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _install(self) -> None:
        """(Re)build everything that shows the open data file."""
        self.setWindowTitle(window_title(self.store))
        self.path_label.setText(f"数据文件：{self.store.path}")
        self.programme_label.setText(f"方案：{self.programme.name}")

        old_pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        for stack in self.undo_group.stacks():
            self.undo_group.removeStack(stack)
        self.tabs.blockSignals(True)
        self.tabs.clear()  # removes the pages without deleting them
        self.tabs.blockSignals(False)
        for page in old_pages:
            page.deleteLater()
        from gongtongti_desktop.ui.overview.tab import OverviewTab

        self.overview: OverviewTab = OverviewTab(self.store, self.programme)
        self.overview.go.connect(self.daily.go)  # from its first-steps list
        # Every tab but 概览 is made when first shown (start-up stays cheap).
        self.roster_page = LazyTab(self._make_roster_tab)
        self.plan_page = LazyTab(self._make_plan_tab, shows=frozenset({"plan_item", "activity"}))
        self.diary_page = LazyTab(
            self._make_diary_tab, shows=frozenset({"activity", "attachment", "plan_item"})
        )
        # the scoring counts activities and plan items and links them (and photos) as evidence
        self.scoring_page = LazyTab(
            self._make_scoring_tab, shows=frozenset({"activity", "attachment", "plan_item"})
        )
        self.stage_report_page = LazyTab(self._make_stage_report_tab)
        pages = (
            self.overview, self.roster_page, self.plan_page, self.diary_page,
            self.scoring_page, self.stage_report_page,
        )  # fmt: skip
        for page, name in zip(pages, TAB_NAMES, strict=True):
            self.tabs.addTab(page, name)
        self._tab_changed()

        self.print_menu.clear()
        self.print_actions: dict[str, QAction] = {}
        for spec in self.programme.forms:
            action = QAction(f"{spec.display_name}…", self)
            if spec.description:
                action.setStatusTip(spec.description)
            action.triggered.connect(
                lambda _checked=False, form_id=spec.id: self.print_form(form_id)
            )
            self.print_menu.addAction(action)
            self.print_actions[spec.id] = action
        if not self.programme.forms:
            empty = self.print_menu.addAction("（当前方案没有可打印的表格）")
            empty.setEnabled(False)

    def _make_roster_tab(self, parent: QWidget) -> RosterTab:
        from gongtongti_desktop.ui.roster.tab import RosterTab

        tab = RosterTab(self.store, self.programme, parent)
        tab.changed.connect(self.overview.refresh)
        tab.changed.connect(
            lambda: self._mark_stale(self.plan_page, self.diary_page, self.scoring_page)
        )
        return tab

    def _make_plan_tab(self, parent: QWidget) -> PlanTab:
        from gongtongti_desktop.ui.plans.tab import PlanTab

        tab = PlanTab(self.store, self.programme, parent)
        tab.changed.connect(lambda changes: self._records_changed(changes, self.plan_page))
        tab.show_activities.connect(self.show_plan_item_activities)
        tab.open_activity.connect(self.show_activity)
        tab.record_activity.connect(self.record_activity_for)
        self.undo_group.addStack(tab.undo_stack)
        return tab

    def _make_diary_tab(self, parent: QWidget) -> DiaryTab:
        from gongtongti_desktop.ui.diary.tab import DiaryTab

        tab = DiaryTab(self.store, self.programme, parent)
        tab.changed.connect(lambda changes: self._records_changed(changes, self.diary_page))
        self.undo_group.addStack(tab.undo_stack)
        return tab

    def _make_scoring_tab(self, parent: QWidget) -> ScoringTab:
        from gongtongti_desktop.ui.scoring.tab import ScoringTab

        tab = ScoringTab(self.store, self.programme, parent)
        tab.open_activity.connect(self.show_activity)
        tab.print_requested.connect(self.print_index)
        tab.changed.connect(self.overview.mark_stale)
        self.undo_group.addStack(tab.undo_stack)
        return tab

    def _make_stage_report_tab(self, parent: QWidget) -> StageReportTab:
        from gongtongti_desktop.ui.stage_report.tab import StageReportTab

        tab = StageReportTab(self.store, self.programme, parent)
        # the tab has asked about an untouched draft already
        tab.print_requested.connect(lambda f, p: self.print_form(f, p, draft_asked=True))
        tab.changed.connect(self.overview.mark_stale)
        return tab

    def _records_changed(self, changes: Changes, source: LazyTab) -> None:
        """An operation in the plan or the diary tab changed records — core says which: every
        other tab showing one of their tables reloads, and 概览 follows (the rules count them)."""
        pages = (self.plan_page, self.diary_page, self.scoring_page)
        self._mark_stale(*[p for p in pages if p is not source and p.shows & changes.tables])
        self.overview.mark_stale()

    @property
    def roster_tab(self) -> RosterTab:
        return self.roster_page.build()  # type: ignore[return-value]

    @property
    def plan_tab(self) -> PlanTab:
        return self.plan_page.build()  # type: ignore[return-value]

    @property
    def diary_tab(self) -> DiaryTab:
        return self.diary_page.build()  # type: ignore[return-value]

    @property
    def scoring_tab(self) -> ScoringTab:
        return self.scoring_page.build()  # type: ignore[return-value]

    @property
    def stage_report_tab(self) -> StageReportTab:
        return self.stage_report_page.build()  # type: ignore[return-value]

    @staticmethod
    def _mark_stale(*pages: LazyTab) -> None:
        """Data changed: tabs already made reload (now if shown, else when next shown)."""
        for page in pages:
            if isinstance(page.content, Reloads):
                page.content.mark_stale()

    def status_text(self) -> str:
        return f"{self.path_label.text()}  {self.programme_label.text()}"

    def refresh(self) -> None:
        if self.roster_page.content is not None:
            self.roster_tab.refresh()
        self.overview.refresh()
        self._mark_stale(self.plan_page, self.diary_page, self.scoring_page, self.stage_report_page)

    def _update_undo_actions(self, *_args: object) -> None:
        group = self.undo_group
        self.undo_action.setEnabled(group.canUndo())
        self.redo_action.setEnabled(group.canRedo())
        self.undo_action.setText(f"撤销{group.undoText()}" if group.canUndo() else "撤销")
        self.redo_action.setText(f"重做{group.redoText()}" if group.canRedo() else "重做")

    def _tab_changed(self, _index: int = -1) -> None:
        """Undo / redo act on the tab shown (none for the tabs without an undo stack)."""
        page = self.tabs.currentWidget()
        if isinstance(page, LazyTab):
            page = page.build()
        stack = getattr(page, "undo_stack", None)
        self.undo_group.setActiveStack(stack)

    # -- between the plan and the diary -------------------------------------------------------

    def show_plan_item_activities(self, item_id: str, text: str = "") -> None:
        self.diary_tab.show_plan_item(item_id, text)
        self.tabs.setCurrentWidget(self.diary_page)

    def show_activity(self, activity_id: str) -> None:
        self.tabs.setCurrentWidget(self.diary_page)
        self.diary_tab.show_activity(activity_id)

    def record_activity_for(self, item_id: str):
        """A new activity carrying out a plan item, in the diary."""
        self.tabs.setCurrentWidget(self.diary_page)
        return self.diary_tab.add(item_id)

    # -- data files ---------------------------------------------------------------------------

    def switch_to(self, store: Store, programme: Programme) -> None:
        """Show another data file; the current one is closed."""
        from gongtongti_desktop.ui.datafile import data_file_guard as guard

        old = self.store
        self.store, self.programme = store, programme
        self._install()
        if old is not store:
            old.close()
            guard.release(Path(old.path))
            guard.acquire(Path(store.path))
            guard.after_open(self, store)

    def open_path(self, path: Path) -> bool:
        if Path(path).resolve() == Path(self.store.path).resolve():
            return True
        try:
            store, programme = open_data_file(path)
        except UserError as exc:
            show_error(self, exc, "打开数据文件")
            return False
        self.switch_to(store, programme)
        return True

    def choose_and_open(self) -> bool:
        from PySide6.QtWidgets import QFileDialog  # not at start-up (nor QMessageBox)

        name, _filter = QFileDialog.getOpenFileName(
            self, "打开数据文件", str(Path(self.store.path).parent), DATA_FILE_FILTER
        )
        return bool(name) and self.open_path(Path(name))

    def choose_and_create(self) -> bool:
        from gongtongti_desktop.ui.shell.first_run import FirstRunDialog

        path = ask_save_path(
            self, "新建数据文件", documents_folder() / "新数据文件.gtdb", DATA_FILE_FILTER
        )
        if path is None:
            return False
        dialog = FirstRunDialog(path, self, first_run=False)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.store is None:
                return False
            assert dialog.programme is not None
            self.switch_to(dialog.store, dialog.programme)
            return True
        finally:
            dialog.deleteLater()

    # -- menu actions -------------------------------------------------------------------------

    def import_roster(self) -> None:
        from gongtongti_desktop.ui.roster.import_dialog import run_import

        if run_import(self, self.store, self.programme):
            self.refresh()

    def export_tables(self) -> None:
        from gongtongti_desktop.ui.printing.export import run_export

        run_export(self, self.store, self.programme)

    def export_package(self) -> QDialog | None:
        """文件 → 导出上报包…: the preview dialog; the tabs reload after a package is written
        (its records are marked reported). Typed summary text is saved first, so it goes in."""
        from gongtongti_desktop.ui.packages.export_dialog import open_export_dialog

        summary = self.stage_report_page.content
        if summary is not None and not summary.save_now(quiet=False):  # type: ignore[attr-defined]
            return None
        dialog = open_export_dialog(self, self.store, self.programme)
        dialog.exported.connect(self.refresh)
        return dialog

    def import_package(self, path: Path | None = None) -> QDialog | None:
        """文件 → 导入上报包… (or ``path``, a double-clicked .gtt): check, preview; on 导入 the
        window shows the merged data (an empty data file takes the package's kindergarten)."""
        from gongtongti_desktop.ui.packages.import_dialog import run_package_import

        summary = self.stage_report_page.content
        if summary is not None and not summary.save_now(quiet=False):  # type: ignore[attr-defined]
            return None  # typed text first: the import may bring a newer version of it

        def imported() -> None:
            self.setWindowTitle(window_title(self.store))
            self.refresh()

        dialog = run_package_import(self, self.store, path)
        if dialog is not None:
            dialog.imported.connect(imported)
        return dialog

    def show_package_summary(self) -> QWidget:
        """文件 → 汇总多个上报包…: one 汇总 window, brought to the front when already open;
        closing only hides it, so the files listed and the last result are there next time."""
        from gongtongti_desktop.ui.rollup.window import RollupWindow

        window = getattr(self, "rollup_window", None)
        if window is None:
            window = self.rollup_window = RollupWindow(self)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def print_form(self, form_id: str, period=None, *, draft_asked: bool = False):
        """The form's preview; a periodic form opens at ``period`` (default: the form's default,
        normally this term) with a picker to choose another month / term / school year."""
        from gongtongti_desktop.ui.printing.print_preview import open_print_preview

        return open_print_preview(
            self, self.store, self.programme, form_id, period, draft_asked=draft_asked
        )

    def print_index(self, index_id: str, period: Period | None = None):
        """The printable form of an assessment index (附件4, a checklist) for a period."""
        for spec in self.programme.forms:
            if spec.index == index_id:
                return self.print_form(spec.id, period)
        show_error(self, UserError(f"当前方案没有“{index_id}”的打印表格"), "打印")
        return None

    def show_recycle_bin(self) -> QDialog:
        from gongtongti_desktop.ui.datafile.recycle_bin import RecycleBinDialog

        dialog = RecycleBinDialog(self.store, self)
        dialog.restored.connect(lambda _count: self.refresh())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def show_revised(self) -> QDialog:
        from gongtongti_desktop.ui.diary.revised_records_dialog import RevisedRecordsDialog

        dialog = RevisedRecordsDialog(self.store, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def show_backups(self) -> QDialog:
        from gongtongti_desktop.ui.datafile.backup_dialog import BackupDialog

        dialog = BackupDialog(self.store, self)
        dialog.restore_requested.connect(self.restore_backup)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def restore_backup(self, backup: Path) -> bool:
        """Put a backup in place of the open data file (core backs the current content up
        first) and show it. SQLite's backup API writes through the open file, so nothing
        typed in a tab is lost on the way: the tabs save, then reload from the restored file."""
        from PySide6.QtWidgets import QMessageBox

        from gongtongti_desktop.core.datafile import backups
        from gongtongti_desktop.core.datafile.store import Store
        from gongtongti_desktop.core.profile.programme import get_programme

        path = Path(self.store.path)
        summary = self.stage_report_page.content
        if summary is not None and not summary.save_now(quiet=False):  # type: ignore[attr-defined]
            return False  # typed text first: it goes into the before-restore backup
        try:
            kept = backups.restore(path, backup)
            store = Store.open(path)
        except UserError as exc:
            show_error(self, exc, "恢复备份")
            return False
        self.switch_to(store, get_programme(store.programme_id))
        QMessageBox.information(
            self, "恢复备份", f"已恢复 {backup.name}。\n恢复前的数据保存在：{kept}"
        )
        return True

    def show(self) -> None:  # maximised where the screen is small (fit.place_main_window)
        self.showMaximized() if getattr(self, "open_maximized", False) else super().show()

    def closeEvent(self, event: QCloseEvent) -> None:
        from gongtongti_desktop.ui.shell import fit

        fit.remember_main_window(self)
        if self.store is not None:  # None: closed while its data file was being opened
            from gongtongti_desktop.ui.datafile import data_file_guard as guard

            self.store.close()
            guard.release(Path(self.store.path))
        super().closeEvent(event)
