"""The main window as a whole (one smoke test), its menus, and the start-up path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from gongtongti_desktop.core.checks import roster_rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.overview.tab import OverviewTab
from gongtongti_desktop.ui.shell import app
from gongtongti_desktop.ui.shell.main_window import TAB_NAMES, MainWindow, open_data_file

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, demo_path) -> MainWindow:
    store, programme = open_data_file(demo_path)
    win = MainWindow(store, programme)
    qtbot.addWidget(win)
    win.show()
    return win


def test_window_opens_on_a_demo_file(window, demo_path) -> None:
    tabs = window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "概览",
        "结对名单",
        "月计划",
        "帮扶日志",
        "考核评分",
        "阶段总结",
    ]
    assert list(TAB_NAMES) == [tabs.tabText(i) for i in range(tabs.count())]
    assert window.windowTitle() == "共同体工作台 — 示例：城关实验幼儿园（演示数据）【示例数据】"
    status = window.status_text()
    assert str(demo_path) in status and "沂源县 2022 城乡教育共同体" in status
    # made when first shown
    assert window.plan_page.content is None and window.diary_page.content is None
    tabs.setCurrentIndex(3)
    assert window.diary_page.content is window.diary_tab
    from gongtongti_desktop.core.records import diary

    expected = len(diary.search_ids(window.store))
    assert expected > 0
    assert window.diary_tab.count_label.text() == f"共 {expected} 次活动"
    assert window.plan_page.content is None
    assert window.scoring_page.content is None and window.stage_report_page.content is None
    tabs.setCurrentIndex(4)
    assert window.scoring_page.content is window.scoring_tab
    tabs.setCurrentIndex(5)
    assert window.stage_report_page.content is window.stage_report_tab
    tabs.setCurrentIndex(0)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "打印(&P)", "检查(&C)", "帮助(&H)"]
    printed = [a.text() for a in window.print_menu.actions()]
    assert printed == [f"{spec.display_name}…" for spec in window.programme.forms]
    assert "附件1 沂源县幼儿园城乡教育共同体结对名单…" in printed


def test_overview_counts_come_from_core(qtbot, demo_store, programme) -> None:
    overview = OverviewTab(demo_store, programme)
    qtbot.addWidget(overview)
    for table, count in overview.counts().items():
        assert count == len(roster.list_records(demo_store, programme, table))
        assert overview.count_labels[table].text() == str(count)
    assert overview.counts()["pairing"] == 14


def test_overview_lists_roster_gaps(qtbot, store, programme) -> None:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "甲园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "乙学区"})
    roster.save_record(
        store,
        programme,
        "pairing",
        {"lead_id": lead, "partner_id": partner, "partner_role": "受援学区"},
    )
    overview = OverviewTab(store, programme)
    qtbot.addWidget(overview)
    assert overview.problems is None and overview.problems_label.text() == "正在检查名单…"
    overview.ensure_checks()  # just after the first frame
    # the roster's gaps, then what the programme's rules over the roster find (沂源: 交流轮岗
    # each way each school year, a 指导师 pair per pairing)
    problems = roster.roster_problems(store, programme)
    found = roster_rules.problems(store, programme, store.today())
    assert problems and any("派出交流 0 人" in p for p in found)
    shown = [overview.problems.item(i).text() for i in range(overview.problems.count())]
    assert shown == problems + found


def test_a_roster_change_updates_the_overview(window) -> None:
    section = window.roster_tab.sections["kindergarten"]
    dialog = section.add()
    dialog.editors["name"].edit.setText("新来的园")
    dialog.accept()
    assert window.overview.count_labels["kindergarten"].text() == "20"


def test_open_another_file_and_refuse_a_bad_one(window, tmp_path, file_dialogs, boxes) -> None:
    other = tmp_path / "other.gtdb"
    Store.create(other, kindergarten="另一所园", programme_id="gaotai-2020").close()
    file_dialogs.open_name = str(other)
    assert window.choose_and_open()
    assert window.windowTitle() == "共同体工作台 — 另一所园"
    assert "高台县 2020 结对帮扶" in window.status_text()
    assert "附件2 高台县2020年幼儿园结对帮扶学校安排表…" in [
        a.text() for a in window.print_menu.actions()
    ]
    bad = tmp_path / "bad.gtdb"
    bad.write_bytes(b"not a database at all" * 10)
    file_dialogs.open_name = str(bad)
    assert not window.choose_and_open()
    assert "不是共同体工作台的数据文件" in boxes.texts("warning")[0]
    assert window.windowTitle() == "共同体工作台 — 另一所园"
    assert bad.read_bytes() == b"not a database at all" * 10


def test_export_tables(window, tmp_path, file_dialogs, boxes) -> None:
    file_dialogs.save_name = str(tmp_path / "表格")
    window.export_tables()
    out = tmp_path / "表格.xlsx"
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == len(window.programme.forms)
    assert boxes.texts("information")[0].startswith(f"已导出 {out}")


def test_recycle_bin_restore_refreshes_the_window(window) -> None:
    section = window.roster_tab.sections["pairing"]
    first = section.model.record_id(0)
    assert section.delete(first)
    assert window.overview.count_labels["pairing"].text() == "13"
    dialog = window.show_recycle_bin()
    dialog.restore(dialog.model.batch(0).batch)
    assert section.model.row_of(first) >= 0
    assert window.overview.count_labels["pairing"].text() == "14"


def test_closing_the_window_closes_the_data_file(qtbot, demo_path) -> None:
    store, programme = open_data_file(demo_path)
    win = MainWindow(store, programme)
    qtbot.addWidget(win)
    win.close()
    with pytest.raises(Exception, match="closed"):
        store.query("SELECT 1")


# -- start-up -------------------------------------------------------------------------------------


def test_translations_make_standard_buttons_chinese(qtbot) -> None:
    qapp = QApplication.instance()
    installed = app.install_translations(qapp)
    try:
        assert installed, "qtbase_zh_CN.qm ships with PySide6"
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


def test_damaged_file_is_left_alone_and_quit_is_offered(monkeypatch, tmp_path) -> None:
    bad = tmp_path / "bad.gtdb"
    content = b"SQLite format 3\x00" + b"\x00" * 200
    bad.write_bytes(content)
    messages: list[str] = []

    def choose_quit(message, parent=None):
        messages.append(message)
        return app.QUIT

    monkeypatch.setattr(app, "ask_after_failure", choose_quit)
    assert app.obtain_store(bad) is None
    assert len(messages) == 1 and "未做任何改动" in messages[0]
    assert bad.read_bytes() == content


def test_damaged_file_then_open_another(monkeypatch, tmp_path, demo_path, file_dialogs) -> None:
    bad = tmp_path / "bad.gtdb"
    bad.write_bytes(b"junk")
    monkeypatch.setattr(app, "ask_after_failure", lambda message, parent=None: app.OPEN_OTHER)
    file_dialogs.open_name = str(demo_path)
    opened = app.obtain_store(bad)
    assert opened is not None
    store, programme = opened
    try:
        assert store.path == demo_path and programme.id == "yiyuan-2022"
    finally:
        store.close()


def test_missing_file_starts_the_first_run(monkeypatch, tmp_path) -> None:
    asked: list[Path] = []
    monkeypatch.setattr(app, "run_first_run", lambda path, **kw: asked.append(path))
    assert app.obtain_store(tmp_path / "new.gtdb") is None
    assert asked == [tmp_path / "new.gtdb"]


def test_window_start_does_not_load_output_libraries() -> None:
    code = (
        "import sys\n"
        "import gongtongti_desktop.ui.shell.app, gongtongti_desktop.ui.shell.main_window\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(out.stdout.split())
    assert "PySide6.QtWidgets" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("reportlab", "openpyxl")}
    assert not {m for m in loaded if m.startswith("gongtongti_desktop.core.roster_import.")}
    # the plan and diary tabs are imported when first shown
    assert "gongtongti_desktop.ui.diary.tab" not in loaded


@pytest.fixture
def app_globals(monkeypatch, tmp_path):
    """run_gui changes process-wide state: put it back afterwards (and write under tmp_path)."""
    from PySide6.QtCore import QStandardPaths

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    qapp = QApplication.instance()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    names = (qapp.organizationName(), qapp.applicationName())
    QStandardPaths.setTestModeEnabled(True)
    installed: list = []
    real_install = app.install_translations

    def install(a):
        installed.extend(real_install(a))
        return installed

    monkeypatch.setattr(app, "install_translations", install)
    yield
    for translator in installed:
        qapp.removeTranslator(translator)
    qapp.setOrganizationName(names[0])
    qapp.setApplicationName(names[1])
    QStandardPaths.setTestModeEnabled(False)


def test_run_gui_uses_the_default_location(app_globals, monkeypatch, tmp_path) -> None:
    asked: list[Path] = []
    monkeypatch.setattr(app, "obtain_store", lambda path, *_: asked.append(path))
    assert app.run_gui(None) == 0  # the director cancelled the first-run setup
    [path] = asked
    assert path.name == "gongtongti.gtdb"
    assert path.parent.name == "共同体工作台"  # in Documents: 文档/共同体工作台 (data_location)
    assert path.parent.is_dir() and tmp_path in path.parents


def test_unexpected_errors_show_a_message_not_a_traceback(
    app_globals, boxes, capsys, tmp_path
) -> None:
    QApplication.instance().setApplicationName(app.APPLICATION)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        app._excepthook(type(exc), exc, exc.__traceback__)
    [message] = boxes.texts("critical")
    assert "程序出现意外错误" in message and "Traceback" not in message and "boom" not in message
    log = app._error_log()
    assert tmp_path in log.parents
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    capsys.readouterr()


def test_user_errors_reaching_the_hook_are_plain_messages(app_globals, boxes) -> None:
    from gongtongti_desktop.errors import UserError

    err = UserError("文件打不开")
    app._excepthook(UserError, err, None)
    assert boxes.texts("warning") == ["文件打不开"]


# -- 月计划 and 帮扶日志 in the window ----------------------------------------------------------------


def test_undo_acts_on_the_tab_shown(window, boxes) -> None:
    import datetime as dt

    window.tabs.setCurrentWidget(window.roster_tab)
    assert not window.undo_action.isEnabled()
    assert window.undo_action.text() == "撤销"
    window.tabs.setCurrentWidget(window.plan_page)
    assert window.undo_group.activeStack() is window.plan_tab.undo_stack
    tab = window.plan_tab
    tab.picker.set_period("term", dt.date(2024, 9, 1))
    item = tab.model.items_of("2024-10")[0]
    assert tab.delete(item["id"])
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == f"撤销删除计划事项“{item['task'][:20]}”"
    window.undo_action.trigger()
    assert tab.model.item_index(item["id"]).isValid()
    assert window.redo_action.text().startswith("重做删除计划事项")
    window.redo_action.trigger()
    assert not tab.model.item_index(item["id"]).isValid()
    assert "Ctrl+Y" in [k.toString() for k in window.redo_action.shortcuts()]
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    # each tab has its own history
    window.tabs.setCurrentWidget(window.diary_page)
    assert window.undo_group.activeStack() is window.diary_tab.undo_stack
    assert not window.undo_action.isEnabled()


def test_ctrl_z_undoes_in_the_plan_tab(qtbot, window) -> None:
    import datetime as dt

    window.tabs.setCurrentWidget(window.plan_page)
    tab = window.plan_tab
    tab.picker.set_period("term", dt.date(2024, 9, 1))
    item = tab.model.items_of("2024-10")[0]["id"]
    assert tab.delete(item)
    window.activateWindow()
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tab.model.item_index(item).isValid()
    qtbot.keyClick(tab.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert not tab.model.item_index(item).isValid()


def test_from_a_plan_item_to_its_activities(window) -> None:
    import datetime as dt

    window.tabs.setCurrentWidget(window.plan_page)
    tab = window.plan_tab
    tab.picker.set_period("term", dt.date(2024, 9, 1))
    item = next(i for i in tab.model.items_of("2024-10") if i["activities"])
    tab.select_item(item["id"])
    tab.side.show_button.click()
    assert window.tabs.currentWidget() is window.diary_page
    diary_tab = window.diary_tab
    assert diary_tab.model.rowCount() == item["activities"]
    assert diary_tab.plan_filter_bar.isVisible()
    # and back: a new activity for a plan item opens the form in the diary
    window.tabs.setCurrentWidget(window.plan_page)
    dialog = window.record_activity_for(item["id"])
    assert window.tabs.currentWidget() is window.diary_page
    assert dialog.values()["plan_item_id"] == item["id"]
    dialog.reject()


def test_a_diary_change_refreshes_the_plan(window, demo_store, programme) -> None:
    import datetime as dt

    from gongtongti_desktop.core.records import engine as records

    plan, diary_tab = window.plan_tab, window.diary_tab
    window.tabs.setCurrentWidget(window.plan_page)
    plan.picker.set_period("term", dt.date(2024, 9, 1))
    item = next(i for i in plan.model.items_of("2024-09") if i["status"] != "已完成")
    window.tabs.setCurrentWidget(window.diary_page)
    dialog = diary_tab.add(item["id"])
    host = records.get_record(demo_store, "kindergarten", dialog.values()["host_id"])
    assert host is not None
    dialog.accept()
    window.tabs.setCurrentWidget(window.plan_page)
    refreshed = next(i for i in plan.model.items_of("2024-09") if i["id"] == item["id"])
    assert refreshed["status"] == "已完成"


def test_recycle_bin_restore_refreshes_the_diary(window) -> None:
    window.tabs.setCurrentWidget(window.diary_page)
    tab = window.diary_tab
    count = tab.model.rowCount()
    first = tab.selected_id()
    assert tab.delete(first)
    assert tab.model.rowCount() == count - 1
    dialog = window.show_recycle_bin()
    dialog.restore(dialog.model.batch(0).batch)
    assert tab.model.rowCount() == count


def test_printing_a_periodic_form_offers_a_period(window) -> None:
    spec = next((s for s in window.programme.forms if s.periodic), None)
    if spec is None:
        pytest.skip("the programme has no periodic form yet")
    preview = window.print_form(spec.id)
    assert preview is not None
    try:
        assert preview.picker is not None
        assert preview.picker.period() is not None
    finally:
        preview.close()
    roster_form = next(s for s in window.programme.forms if not s.periodic)
    preview = window.print_form(roster_form.id)
    try:
        assert preview.picker is None
    finally:
        preview.close()


def test_opening_starts_the_damage_check_before_loading_the_file(
    qtbot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongtongti_desktop.core.datafile import early_check

    started: list[bool] = []
    monkeypatch.setattr(
        app,
        "obtain_store",
        lambda path, *_: started.append(path.resolve() in early_check._checks),
    )
    assert app.start_window(demo_path) is None  # (the stand-in gives up)
    assert started == [True]
    assert early_check.passed(demo_path)  # and it found the demo file sound


def _top_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def test_the_first_frame_shows_the_overview(qtbot, demo_path, monkeypatch) -> None:
    """Opening is quick: the window appears once, with 概览 filled, never the page saying
    which file it is opening."""
    shown_opening: list[MainWindow] = []
    monkeypatch.setattr(app, "_on_screen_now", shown_opening.append)
    window = app.start_window(demo_path)
    assert window is not None
    qtbot.addWidget(window)
    assert window.isVisible() and window.store is not None and window.store.path == demo_path
    assert isinstance(window.tabs.widget(0), OverviewTab)
    assert window.open_action.isEnabled() and window.export_action.isEnabled()
    assert "【示例数据】" in window.windowTitle()
    assert shown_opening == []


def test_a_slow_damage_check_shows_the_window_first(qtbot, demo_path, monkeypatch) -> None:
    """The damage check still running (a big file on a slow disk): the window is on screen
    at once with its six tabs and the file it is opening, menus waiting; then 概览."""
    from gongtongti_desktop.core.datafile import early_check

    monkeypatch.setattr(early_check, "settled", lambda path, timeout: False)
    seen: list[tuple[bool, list[str], str, bool]] = []
    real_obtain = app.obtain_store

    def obtain(path: Path, before_dialog):  # type: ignore[no-untyped-def]
        [window] = [w for w in _top_windows() if w.isVisible()]
        tabs = window.tabs
        seen.append(
            (
                window.store is None,
                [tabs.tabText(i) for i in range(tabs.count())],
                tabs.widget(0).text(),
                window.open_action.isEnabled(),
            )
        )
        return real_obtain(path, before_dialog)

    monkeypatch.setattr(app, "obtain_store", obtain)
    window = app.start_window(demo_path)
    assert window is not None
    qtbot.addWidget(window)
    [(no_store, tabs, page, menus)] = seen
    assert no_store and tabs == list(TAB_NAMES) and str(demo_path) in page and not menus
    assert window.store.path == demo_path and isinstance(window.tabs.widget(0), OverviewTab)


def test_a_dialog_at_start_appears_over_the_window(qtbot, monkeypatch, tmp_path) -> None:
    """First run (no file yet): the window is on screen behind the setup dialog."""
    behind: list[bool] = []
    monkeypatch.setattr(
        app,
        "run_first_run",
        lambda path, **kw: behind.append(any(w.isVisible() for w in _top_windows())),
    )
    assert app.start_window(tmp_path / "new.gtdb") is None
    assert behind == [True]


def test_giving_up_while_opening_closes_the_window(qtbot, monkeypatch, tmp_path) -> None:
    asked: list[Path] = []
    monkeypatch.setattr(app, "run_first_run", lambda path, **kw: asked.append(path))
    assert app.start_window(tmp_path / "new.gtdb") is None
    assert asked == [tmp_path / "new.gtdb"]
    assert not any(w.isVisible() for w in _top_windows())


def test_reminders_appear_once_the_data_file_shows(qtbot, demo_path) -> None:
    window = app.start_window(demo_path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.store is not None, timeout=3000)
    qtbot.waitUntil(
        lambda: getattr(window.daily, "reminders_dialog", None) is not None, timeout=3000
    )
    dialog = window.daily.reminders_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "今日提醒"
    assert "还有" in dialog.reminders[0].text or "今天截止" in dialog.reminders[0].text
    dialog.done(0)


def test_a_change_reloads_only_the_tabs_showing_its_tables(window) -> None:  # type: ignore[no-untyped-def]
    """Core says which tables an operation touched; the window reloads the other tabs that
    show one of them and leaves the rest alone."""
    from gongtongti_desktop.core.records.changes import Changes

    stale: list[str] = []
    for name in ("plan_tab", "diary_tab", "scoring_tab"):
        tab = getattr(window, name)
        tab.mark_stale = lambda name=name: stale.append(name)  # type: ignore[method-assign]
    window._records_changed(
        Changes({("attachment", "x"): None}, {("attachment", "x"): {}}), window.diary_page
    )
    assert stale == ["scoring_tab"]
    stale.clear()
    window._records_changed(
        Changes({("plan_item", "x"): None}, {("plan_item", "x"): {}}), window.plan_page
    )
    assert stale == ["diary_tab", "scoring_tab"]


def test_start_up_fits_dialogs_from_the_frame_showing_the_data_on(
    qtbot, demo_path, monkeypatch, tmp_path
) -> None:
    """The application-wide dialog filter costs every event of the first two frames, so
    start-up installs it once 概览 is painted — and before any dialog opening may show."""
    from gongtongti_desktop.ui.shell import fit

    installed: list[str] = []
    monkeypatch.setattr(fit, "install", lambda _app: installed.append("fit"))
    window = app.start_window(demo_path)
    qtbot.addWidget(window)
    assert installed == []  # not before the first frame
    qtbot.waitUntil(lambda: window.store is not None, timeout=3000)
    qtbot.waitUntil(lambda: installed != [], timeout=3000)
    window.close()  # before the day's reminders are due: they do not come (its file is closed)
    qtbot.wait(app.REMINDERS_AFTER_MS + 300)
    assert getattr(window.daily, "reminders_dialog", None) is None
    installed.clear()
    monkeypatch.setattr(app, "run_first_run", lambda path, **kw: installed.append("setup"))
    assert app.start_window(tmp_path / "new.gtdb") is None
    assert installed == ["fit", "setup"]  # the first-run dialog fits the screen
