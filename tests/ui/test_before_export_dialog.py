"""上报前检查 in the window: the list before 导出上报包 and from 检查 → 上报前检查…; each line opens
the record it names in its tab; 仍然导出 writes the package with the list in its manifest,
返回修改 writes nothing. (That it fits 1024×600 and 1366×768 at 150 % is test_screen_fit's.)"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.records import reporting, stage_reports
from gongtongti_desktop.core.upload import before_export
from gongtongti_desktop.ui.packages.before_export_dialog import BeforeExportDialog
from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def gaotai_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """高台's demo with one pairing's agreement date cleared and an untouched term draft: every
    record type a line can name."""
    path = tmp_path_factory.mktemp("before") / "gaotai.gtdb"
    create_demo(path, "gaotai-2020").close()
    with Store.open(path) as store, store.atomic():
        store.execute(
            "UPDATE pairing SET agreement_signed = '' WHERE id = "
            "(SELECT id FROM pairing WHERE deleted_at IS NULL ORDER BY id LIMIT 1)"
        )
        values = {"highlights": "本学期开展帮扶活动。", "problems": "", "next_steps": ""}
        stage_reports.save_stage_report(store, "2020-autumn", values, draft=True)
    return path


@pytest.fixture
def window(qtbot: Any, gaotai_source: Path, tmp_path: Path) -> MainWindow:
    path = tmp_path / "gaotai.gtdb"
    shutil.copy(gaotai_source, path)
    store, programme = open_data_file(path)
    win = MainWindow(store, programme)
    qtbot.addWidget(win)
    win.show()
    return win


def _line(dialog: BeforeExportDialog, record_type: str) -> Any:
    return next(
        line
        for line in dialog.lines()
        if line.data(0, Qt.ItemDataRole.UserRole).record_type == record_type
    )


def test_the_menu_shows_the_list_grouped_with_counts(qtbot: Any, window: MainWindow) -> None:
    assert window.daily.before_export_action in window.daily.check_menu.actions()
    window.daily.before_export_action.trigger()
    dialog = window.daily.before_export_dialog
    term = periods.term_of(window.programme.calendar, window.store.today())
    items = before_export.open_items(window.store, window.programme, term)
    assert [line.text(0) for line in dialog.lines()] == [
        i.text for k in before_export.counts(items) for i in items if i.kind == k
    ]
    groups = [dialog.tree.topLevelItem(n).text(0) for n in range(dialog.tree.topLevelItemCount())]
    assert groups == [
        f"{before_export.kind_label(k)}（{n} 项）" for k, n in before_export.counts(items).items()
    ]
    assert {"no_photos", "no_agreement", "untouched_draft"} <= set(before_export.counts(items))
    assert f"还有 {len(items)} 项未处理" in dialog.headline.text()
    dialog.picker.set_period("month", term.start)  # another period: its own list
    month = periods.period_containing(window.programme.calendar, "month", term.start)
    assert len(dialog.items) == len(before_export.open_items(window.store, window.programme, month))
    dialog.close()


@pytest.mark.parametrize("record_type", ["activity", "pairing", "stage_summary", "rule"])
def test_enter_on_a_line_opens_its_record(qtbot: Any, window: MainWindow, record_type: str) -> None:
    window.daily.before_export_action.trigger()
    dialog = window.daily.before_export_dialog
    line = _line(dialog, record_type)
    item = line.data(0, Qt.ItemDataRole.UserRole)
    dialog.tree.setCurrentItem(line)
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    if record_type == "activity":
        assert window.tabs.currentWidget() is window.diary_page
        assert window.diary_tab.selected_id() == item.record_id
    elif record_type == "pairing":
        assert window.tabs.currentWidget() is window.roster_page
        section = window.roster_tab.sections["pairing"]
        assert window.roster_tab.tabs.currentWidget() is section
        assert section.selected_id() == item.record_id
    elif record_type == "stage_summary":
        assert window.tabs.currentWidget() is window.stage_report_page
        assert window.stage_report_tab.key() == item.period == "2020-autumn"
    else:  # 帮扶园每月开展帮扶工作 missed in a month: the diary of that month
        assert window.tabs.currentWidget() is window.diary_page
        shown = window.diary_tab.picker.period()
        assert shown is not None and periods.period_key(shown) == item.period


def test_double_click_opens_the_record_too(qtbot: Any, window: MainWindow) -> None:
    window.daily.before_export_action.trigger()
    dialog = window.daily.before_export_dialog
    qtbot.waitExposed(dialog)
    line = _line(dialog, "activity")
    dialog.tree.scrollToItem(line)
    rect = dialog.tree.visualItemRect(line)
    viewport = dialog.tree.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.diary_tab.selected_id() == line.data(0, Qt.ItemDataRole.UserRole).record_id


def test_a_form_to_sign_back_opens_the_signed_status(qtbot: Any, window: MainWindow) -> None:
    """A form printed in the term but not signed back is a line; it opens 签字件情况."""
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.signed.printed import print_mark, record_print
    from gongtongti_desktop.output.pdf import render_pdf
    from gongtongti_desktop.ui.signed.status_dialog import SignedStatusDialog

    store, programme = window.store, window.programme
    roster_form = next(f for f in programme.forms if not f.periodic)
    mark = print_mark(store, form_data(store, programme, roster_form.id))
    render_pdf(form_data(store, programme, roster_form.id), mark)  # draws the pages' codes
    record_print(store, mark)
    window.daily.before_export_action.trigger()
    dialog = window.daily.before_export_dialog
    line = _line(dialog, "signed_form")
    assert line.data(0, Qt.ItemDataRole.UserRole).record_id == roster_form.id
    assert "已打印未签字" in line.text(0)
    dialog.tree.setCurrentItem(line)
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    shown = [w for w in window.findChildren(SignedStatusDialog) if w.isVisible()]
    assert len(shown) == 1
    shown[0].close()


def _manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def test_export_anyway_writes_the_package_with_the_list(
    qtbot: Any, window: MainWindow, tmp_path: Path, file_dialogs: Any, before_export_answers: Any
) -> None:
    def export_anyway(dialog: BeforeExportDialog) -> int:
        assert dialog.exporting and dialog.export_button.text() == "仍然导出"
        assert dialog.back_button.text() == "返回修改"
        dialog.show()
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    before_export_answers.respond = export_anyway
    exporting = window.export_package()
    out = tmp_path / "秋季.gtt"
    file_dialogs.save_name = str(out)
    qtbot.mouseClick(exporting.export_button, Qt.MouseButton.LeftButton)
    assert out.is_file() and exporting.written is not None
    period = exporting.preview.period
    expected = before_export.open_items(window.store, window.programme, period)
    assert before_export_answers.shown == [[i.text for i in expected]]
    assert _manifest(out)["open_items"] == [i.as_json() for i in expected]


def test_go_back_writes_nothing_and_a_chosen_line_opens_its_record(
    qtbot: Any, window: MainWindow, tmp_path: Path, file_dialogs: Any, before_export_answers: Any
) -> None:
    before_export_answers.respond = lambda dialog: QDialog.DialogCode.Rejected.value
    exporting = window.export_package()
    file_dialogs.save_name = str(tmp_path / "x.gtt")
    assert exporting.export() is None
    assert file_dialogs.calls == [] and reporting.last_export(window.store) is None

    def open_draft(dialog: BeforeExportDialog) -> int:
        dialog._activated(_line(dialog, "stage_summary"))
        return dialog.result()

    before_export_answers.respond = open_draft
    assert exporting.export() is None
    assert not exporting.isVisible()  # the export dialog gave way to the record
    assert window.tabs.currentWidget() is window.stage_report_page
    assert not (tmp_path / "x.gtt").exists()


def test_a_period_with_nothing_open_exports_without_asking(
    qtbot: Any, tmp_path: Path, file_dialogs: Any, before_export_answers: Any
) -> None:
    path = tmp_path / "new.gtdb"
    Store.create(path, kindergarten="东岭镇中心幼儿园", programme_id="yiyuan-2022").close()
    store, programme = open_data_file(path)
    win = MainWindow(store, programme)
    qtbot.addWidget(win)
    exporting = win.export_package()
    file_dialogs.save_name = str(tmp_path / "空.gtt")
    assert exporting.export() is not None
    assert before_export_answers.shown == []
    assert _manifest(tmp_path / "空.gtt")["open_items"] == []


def test_the_rollup_window_shows_the_open_items_per_kindergarten(
    qtbot: Any, gaotai_source: Path, tmp_path: Path
) -> None:
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.exchange.package.write import write_package
    from gongtongti_desktop.exchange.rollup.rollup import rollup_packages
    from gongtongti_desktop.ui.rollup.window import COLUMNS, row_cells, row_tips

    programme = get_programme("gaotai-2020")
    path = tmp_path / "g.gtdb"
    shutil.copy(gaotai_source, path)
    with Store.open(path) as store:
        term = periods.parse_term(programme.calendar, "2020-autumn")
        written = write_package(store, programme, term, tmp_path / "g.gtt")
    found = before_export.counts(written.open_items)
    (row,) = rollup_packages([tmp_path / "g.gtt"], tmp_path / "s.xlsx").rows
    column = COLUMNS.index("上报时未处理")
    assert row_cells(row)[column] == f"{sum(found.values())} 项"
    tip = row_tips(row)[column]
    for kind, n in found.items():
        assert f"{before_export.kind_label(kind)}：{n} 项" in tip
