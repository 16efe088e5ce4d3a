"""文件 → 导出上报包 / 导入上报包 / 汇总多个上报包: the window side of the upload packages.

What the window writes is compared with what the CLI writes for the same period; the preview's
figures with core's; the import with a second export of the imported data; refusals with the
message core gives for the same file. Packages for the 汇总 window are rewritten copies of one
exported package (tests/exchange/_packages.py), each a valid package of its own kindergarten.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent

from gongtongti_desktop.cli import main as cli_main
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import reporting, stage_reports
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import plan_import
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.write import package_period, write_package
from gongtongti_desktop.ui.packages.export_dialog import PackageExportDialog, suggested_name
from gongtongti_desktop.ui.packages.import_dialog import PackageImportDialog
from gongtongti_desktop.ui.packages.preview import FIRST_REPORT, NO_CHANGE, export_preview
from gongtongti_desktop.ui.rollup.window import COLUMNS, RollupWindow
from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file
from tests.conftest import dump
from tests.exchange._packages import as_kindergarten, read_members, repack

pytestmark = pytest.mark.gui


def _records(package: Path) -> dict[str, Any]:
    with zipfile.ZipFile(package) as archive:
        return json.loads(archive.read("data.json"))


def _this_term(store: Store, programme: Programme) -> Period:
    return periods.term_of(programme.calendar, store.today())


def _window(qtbot: Any, path: Path) -> MainWindow:
    store, programme = open_data_file(path)
    window = MainWindow(store, programme)
    qtbot.addWidget(window)
    window.show()
    return window


def _export_through(qtbot: Any, dialog: PackageExportDialog, out: Path, file_dialogs: Any) -> None:
    file_dialogs.save_name = str(out)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.written is not None and out.is_file()


@dataclass(frozen=True)
class YearPackage:
    demo: Path  # a demo data file nobody changes
    package: Path  # its school year's package, without photos


@pytest.fixture(scope="module")
def year_package(tmp_path_factory: pytest.TempPathFactory) -> YearPackage:
    folder = tmp_path_factory.mktemp("year")
    source = folder / "source.gtdb"
    create_demo(source).close()
    demo = folder / "demo.gtdb"
    shutil.copy(source, demo)
    programme = get_programme("yiyuan-2022")
    with Store.open(source) as store:
        year = periods.period_containing(programme.calendar, "school_year", store.today())
        write_package(store, programme, year, folder / "year.gtt")
    return YearPackage(demo, folder / "year.gtt")


@pytest.fixture
def demo_copy(year_package: YearPackage, tmp_path: Path) -> Path:
    path = tmp_path / "demo.gtdb"
    shutil.copy(year_package.demo, path)
    return path


# -- export ----------------------------------------------------------------------------------


def test_export_from_the_menu_writes_what_the_cli_writes(
    qtbot, capsys, tmp_path, year_package, file_dialogs, boxes
) -> None:
    """Same data file twice: the CLI's default period and the dialog's default (this term of
    the file's day) give the same records in data.json."""
    cli_data, win_data = tmp_path / "cli.gtdb", tmp_path / "win.gtdb"
    shutil.copy(year_package.demo, cli_data)
    shutil.copy(year_package.demo, win_data)
    cli_out, win_out = tmp_path / "cli.gtt", tmp_path / "win.gtt"
    assert cli_main(["export", "--data", str(cli_data), "-o", str(cli_out)]) == 0
    capsys.readouterr()

    window = _window(qtbot, win_data)
    window.export_package_action.trigger()
    dialog = window.findChild(PackageExportDialog)
    assert dialog is not None and dialog.isVisible()
    term = _this_term(window.store, window.programme)
    assert dialog.period() == term
    assert not dialog.photos_box.isChecked()
    _export_through(qtbot, dialog, win_out, file_dialogs)

    cli_doc, win_doc = _records(cli_out), _records(win_out)
    assert win_doc["period"] == cli_doc["period"]
    assert win_doc["period"]["key"] == periods.period_key(term)
    assert win_doc["records"] == cli_doc["records"]
    assert sum(len(rows) for rows in win_doc["records"].values()) > 0
    # the result is shown in the dialog, the records are now reported, nothing went wrong
    assert dialog.written.outcome_lines()[0] in dialog.preview_text()
    first = win_doc["records"]["activity"][0]["id"]
    assert reporting.is_reported(window.store, "activity", first)
    assert boxes.texts("warning") == []
    # asked for a file in the documents folder named after the kindergarten and the period
    assert file_dialogs.calls == [("save", "导出上报包")]
    assert suggested_name(window.store, term).endswith(f"-{term.label}.gtt")


def test_cancelled_save_dialog_writes_nothing(qtbot, demo_copy, tmp_path, boxes) -> None:
    window = _window(qtbot, demo_copy)
    dialog = window.export_package()
    assert dialog is not None
    before = dump(demo_copy)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # the save dialog: 取消
    assert dialog.written is None and boxes.calls == []
    assert reporting.last_export(window.store) is None
    assert dump(demo_copy) == before
    assert not list(tmp_path.glob("*.gtt"))


def test_photos_go_in_when_ticked(qtbot, demo_copy, tmp_path, year_package, file_dialogs) -> None:
    shutil.copytree(year_package.demo.parent / "attachments", tmp_path / "attachments")
    programme = get_programme("yiyuan-2022")
    with Store.open(demo_copy) as store:
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        dialog.picker.set_kind("school_year")
        dialog.photos_box.setChecked(True)
        _export_through(qtbot, dialog, tmp_path / "photos.gtt", file_dialogs)
        hashes = {
            row["sha256"] for row in _records(tmp_path / "photos.gtt")["records"]["attachment"]
        }
    photos = [n for n in read_members(tmp_path / "photos.gtt") if n.startswith("photos/")]
    assert hashes and dialog.written.photos == len(hashes) == len(photos)
    assert {n.removeprefix("photos/").split(".")[0] for n in photos} == hashes


def test_a_refused_export_shows_the_message_and_marks_nothing(
    qtbot, demo_copy, tmp_path, file_dialogs, boxes
) -> None:
    programme = get_programme("yiyuan-2022")
    with Store.open(demo_copy) as store:
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        file_dialogs.save_name = str(tmp_path / "没有这个文件夹" / "x.gtt")
        assert dialog.export() is None
        [message] = boxes.texts("warning")
        assert message == f"无法保存上报数据包：文件夹不存在：{tmp_path / '没有这个文件夹'}"
        assert reporting.last_export(store) is None and dialog.written is None
        assert dialog.headline.text().startswith(FIRST_REPORT)


def test_preview_shows_changes_since_the_last_export(
    qtbot, demo_copy, tmp_path, file_dialogs
) -> None:
    programme = get_programme("yiyuan-2022")
    with Store.open(demo_copy) as store:
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        term = _this_term(store, programme)
        collected = reporting.collect(store, programme, term)
        total = sum(len(rows) for rows in collected.values())
        assert dialog.headline.text() == f"{FIRST_REPORT}：本期共 {total} 条记录"
        assert "尚未导出过上报数据包" in dialog.last_label.text()
        _export_through(qtbot, dialog, tmp_path / "first.gtt", file_dialogs)
        dialog.refresh()
        assert dialog.headline.text() == NO_CHANGE
        assert "first.gtt" in dialog.last_label.text()

        # after the export: one activity edited, another deleted (its attachments with it)
        edited, gone = collected["activity"][0], collected["activity"][1]
        before = records.get_record(store, "activity", edited["id"])
        records.save_record(
            store, programme, "activity", {**before, "title": "上报后修改"}, edited["id"]
        )
        files = store.query(
            "SELECT id FROM attachment WHERE activity_id = ? AND deleted_at IS NULL", [gone["id"]]
        )
        records.delete_record(store, "activity", gone["id"])
        dialog.refresh()
        deleted = 1 + len(files)
        assert dialog.headline.text() == f"自上次上报以来：新增 0 条，修改 1 条，删除 {deleted} 条"
        text = dialog.preview_text()
        assert f"帮扶活动 {edited['day']} 上报后修改" in text
        assert f"自上次上报以来删除 {deleted} 条" in text


def test_preview_warns_of_unedited_draft_summaries(qtbot, demo_copy) -> None:
    programme = get_programme("yiyuan-2022")
    with Store.open(demo_copy) as store:
        term = _this_term(store, programme)
        row = next(  # a plan row of the term without a summary yet
            p
            for p in periods.periods_within(programme.calendar, "month", term)
            if not stage_reports.get_stage_report(store, periods.period_key(p))
        )
        key = periods.period_key(row)
        stage_reports.save_stage_report(store, key, {"highlights": "系统草稿"}, draft=True)
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.warnings_label.isVisible()
        assert f"阶段总结（{row.label}）仍是系统起草的原文" in dialog.warnings_label.text()
        stage_reports.save_stage_report(store, key, {"highlights": "园长改写过"})
        dialog.refresh()
        assert not dialog.warnings_label.isVisible()


def test_a_month_is_exported_as_its_plan_row(qtbot, demo_copy) -> None:
    """The picker's 2024年8月 is Yiyuan's 7-8月 row: the preview names the row's days."""
    programme = get_programme("yiyuan-2022")
    with Store.open(demo_copy) as store:
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        dialog.picker.set_period("month", periods.parse_month("2024-08").start)
        row = package_period(programme, dialog.period())
        assert (row.start.month, row.end.month) == (7, 8)  # the seed's 7-8月
        assert dialog.period_label.text().startswith(f"数据包期间：{row.label}（")
        preview = export_preview(store, programme, dialog.period())
        assert preview.counts["activity"] == len(
            store.query(
                "SELECT id FROM activity WHERE deleted_at IS NULL AND day BETWEEN ? AND ?",
                [row.start.isoformat(), row.end.isoformat()],
            )
        )


# -- import ----------------------------------------------------------------------------------


def test_import_into_an_empty_data_file_adds_the_records(
    qtbot, demo_copy, tmp_path, file_dialogs, boxes
) -> None:
    programme = get_programme("yiyuan-2022")
    package = tmp_path / "上报.gtt"
    with Store.open(demo_copy) as store:
        dialog = PackageExportDialog(store, programme)
        qtbot.addWidget(dialog)
        _export_through(qtbot, dialog, package, file_dialogs)
        period = dialog.written.period
        name = store.kindergarten_name
    doc = _records(package)

    empty = tmp_path / "空白.gtdb"
    Store.create(empty, kindergarten="", programme_id=programme.id).close()
    window = _window(qtbot, empty)
    file_dialogs.open_name = str(package)
    window.import_package_action.trigger()
    preview = window.findChild(PackageImportDialog)
    assert preview is not None and preview.isVisible()
    assert preview.outcome_text() == "\n".join(preview.plan.outcome_lines())
    assert not preview.conflict_label.isVisibleTo(preview)
    assert reporting.collect(window.store, programme, period)["activity"] == []  # not yet

    qtbot.mouseClick(preview.import_button, Qt.MouseButton.LeftButton)
    assert preview.outcome is not None and preview.outcome.applied
    assert reporting.collect(window.store, programme, period) == doc["records"]
    [done] = boxes.texts("information")
    assert done.startswith(f"已导入 {package.name}（导入前已备份到 ")
    # the window shows the imported data: the adopted kindergarten's name, the roster counts
    assert name in window.windowTitle()
    assert window.overview.counts()["pairing"] == len(doc["records"]["pairing"])

    # the same package again: nothing to import, nothing written
    before = dump(empty)
    window.import_package_action.trigger()
    assert boxes.texts("information")[-1].endswith("没有需要导入的变化：数据包中的记录与本机一致。")
    assert window.findChildren(PackageImportDialog) in ([], [preview])  # no new preview
    assert dump(empty) == before


def test_cancel_in_the_preview_imports_nothing(
    qtbot, tmp_path, year_package, file_dialogs, boxes
) -> None:
    empty = tmp_path / "空白.gtdb"
    Store.create(empty, kindergarten="", programme_id="yiyuan-2022").close()
    window = _window(qtbot, empty)
    before = dump(empty)
    file_dialogs.open_name = str(year_package.package)
    dialog = window.import_package()
    assert isinstance(dialog, PackageImportDialog)
    dialog.reject()
    assert dump(empty) == before and boxes.calls == []


@pytest.mark.parametrize("newer", ["package", "local"])
def test_records_changed_on_both_sides_are_listed(
    qtbot, demo_copy, tmp_path, file_dialogs, boxes, newer
) -> None:
    """Both files reported the same activity, then each changed it: the conflict is named
    whether the package's version (a preview to confirm) or this file's (nothing to import)
    is the newer one."""
    programme = get_programme("yiyuan-2022")
    local = tmp_path / "local.gtdb"
    with Store.open(demo_copy) as store:
        term = _this_term(store, programme)
        write_package(store, programme, term, tmp_path / "first.gtt")  # both sides' base
        activity = reporting.collect(store, programme, term)["activity"][0]
    shutil.copy(demo_copy, local)  # closed first: the marks are in the file, not its WAL

    def edit(path: Path, title: str) -> None:
        with Store.open(path) as store:
            row = records.get_record(store, "activity", activity["id"])
            records.save_record(store, programme, "activity", {**row, "title": title}, row["id"])

    first, second = (local, demo_copy) if newer == "package" else (demo_copy, local)
    edit(first, f"{first.stem}改过")
    edit(second, f"{second.stem}改过")
    with Store.open(demo_copy) as store:
        write_package(store, programme, term, tmp_path / "second.gtt")

    window = _window(qtbot, local)
    before = dump(local)
    file_dialogs.open_name = str(tmp_path / "second.gtt")
    dialog = window.import_package()
    label = f"帮扶活动 {activity['day']} "  # named as this data file has it
    # Either way a preview to confirm: even when this file's version stays, importing keeps
    # the package's version in 修改记录 (core.apply_records: a conflict is never "nothing").
    assert isinstance(dialog, PackageImportDialog)
    assert dialog.conflict_label.isVisibleTo(dialog)
    assert "有 1 条记录在本机和数据包中都修改过" in dialog.conflict_label.text()
    [line] = [x for x in dialog.outcome_text().splitlines() if x.startswith("冲突：")]
    kept = "数据包" if newer == "package" else "本机"
    assert line.startswith(f"冲突：{label}local改过") and f"采用{kept}的版本" in line
    assert dump(local) == before  # nothing written before 导入


def test_reading_a_package_can_be_cancelled(qtbot, demo_copy, year_package, boxes) -> None:
    """Planning writes nothing, so its progress dialog has 取消: the import stops silently."""
    from gongtongti_desktop.ui.packages import import_dialog as package_import
    from gongtongti_desktop.ui.packages.progress import Progress

    shown: list[tuple[int, int, str]] = []

    def press_cancel(self: Progress, done: int, total: int, text: str) -> None:
        shown.append((done, total, text))
        self.dialog.cancel()
        original(self, done, total, text)

    original = Progress.__call__
    with Store.open(demo_copy) as store:
        before = dump(demo_copy)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Progress, "__call__", press_cancel)
            assert package_import.read_plan(None, store, year_package.package) is None
    assert len(shown) == 1 and boxes.calls == []
    assert dump(demo_copy) == before


def _not_a_zip(src: Path, dest: Path) -> Path:
    dest.write_text("这不是压缩包", encoding="utf-8")
    return dest


def _tampered(src: Path, dest: Path) -> Path:
    def edit(items: dict[str, bytes]) -> None:  # after the manifest's hashes were taken
        items["data.json"] = items["data.json"].replace(b'"title":"', b'"title":"X', 1)

    return repack(src, dest, tweak=edit)


def _parent_folder(src: Path, dest: Path) -> Path:
    return repack(src, dest, add={"../x": b"x"})


def _other_programme(src: Path, dest: Path) -> Path:
    return repack(src, dest, manifest=lambda m: m.update(programme="gaotai-2020"))


BAD = {"not a zip": _not_a_zip, "tampered": _tampered, "../x": _parent_folder}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_package_shows_the_message_and_changes_nothing(
    qtbot, demo_copy, tmp_path, year_package, file_dialogs, boxes, case
) -> None:
    bad = BAD[case](year_package.package, tmp_path / "坏.gtt")
    with pytest.raises(PackageError) as refused:
        read_package(bad)
    window = _window(qtbot, demo_copy)
    before = dump(demo_copy)
    folder = sorted(p.name for p in tmp_path.rglob("*"))
    file_dialogs.open_name = str(bad)
    assert window.import_package() is None
    assert boxes.texts("warning") == [refused.value.message]
    assert window.findChildren(PackageImportDialog) == []
    assert dump(demo_copy) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == folder  # no backup, no files


def test_a_package_of_another_programme_is_refused(
    qtbot, tmp_path, year_package, file_dialogs, boxes, gaotai_store
) -> None:
    """Refused after reading (the plan step): the same message as core's, nothing written."""
    path = Path(gaotai_store.path)
    gaotai_store.close()
    window = _window(qtbot, path)
    with pytest.raises(PackageError) as refused:
        plan_import(window.store, year_package.package)
    before = dump(path)
    file_dialogs.open_name = str(year_package.package)
    assert window.import_package() is None
    assert boxes.texts("warning") == [refused.value.message]
    assert dump(path) == before


# -- 汇总 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    path: Path
    name: str
    self_score: float


def _kindergarten(year_package: YearPackage, folder: Path, i: int, score: float) -> Made:
    """Kindergarten ``i``'s package: every self score ``score``, no county score."""
    name = f"测试幼儿园{i}"
    drop = tuple(n for n in read_members(year_package.package) if n.startswith("pdf/"))

    def data(doc: dict[str, Any]) -> None:
        as_kindergarten(doc, i, name)
        assert doc["records"]["score"], "the demo's school year has scores"
        for row in doc["records"]["score"]:
            row["self_score"], row["county_score"] = score, None

    path = repack(
        year_package.package, folder / f"k{i}.gtt", data=data,
        manifest=lambda m: as_kindergarten(m, i, name), drop=drop,
    )  # fmt: skip
    return Made(path, name, score)


@pytest.fixture
def inbox(tmp_path: Path, year_package: YearPackage) -> Iterator[tuple[Path, list[Made], Path]]:
    folder = tmp_path / "收到的数据包"
    folder.mkdir()
    made = [_kindergarten(year_package, folder, i, s) for i, s in enumerate((1.0, 2.0, 0.5))]
    bad = folder / "坏.gtt"
    bad.write_text("这不是上报数据包", encoding="utf-8")
    yield folder, made, bad


def _drop(window: RollupWindow, *paths: Path) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(drop)
    return drop.isAccepted()


def test_summary_window_ranks_three_packages_and_lists_the_bad_file(
    qtbot, tmp_path, inbox, file_dialogs, boxes, monkeypatch
) -> None:
    folder, made, bad = inbox
    window = RollupWindow()
    qtbot.addWidget(window)
    window.show()
    assert not window.run_button.isEnabled()
    assert _drop(window, folder)  # a folder gives the packages in it
    assert sorted(p.name for p in window.paths()) == sorted(p.name for p in folder.iterdir())
    assert _drop(window, *(m.path for m in made))  # already listed: still four
    assert window.file_list.count() == 4

    out = tmp_path / "汇总表.xlsx"
    file_dialogs.save_name = str(out)
    qtbot.mouseClick(window.run_button, Qt.MouseButton.LeftButton)
    assert out.is_file() and window.report is not None

    table = window.table
    assert table.rowCount() == 3
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(3)]
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert header == list(COLUMNS)
    ranked = sorted(made, key=lambda m: -m.self_score)  # the same items scored in each
    assert [row[1] for row in cells] == [m.name for m in ranked]
    assert [row[0] for row in cells] == ["1", "2", "3"]
    assert all(row[6] == "—" for row in cells)  # no county scores
    assert window.bad_list.count() == 1
    with pytest.raises(PackageError) as refused:
        read_package(bad)
    assert window.bad_list.item(0).text() == f"{bad.name}：{refused.value.message}"
    assert window.bad_label.text() == "未汇总的文件（1 个）"
    assert boxes.calls == []

    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    qtbot.mouseClick(window.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(out))]


def test_summary_rows_show_the_packages_figures(qtbot, tmp_path, inbox, file_dialogs) -> None:
    """Activities, rules met and totals in the table are the merge's own figures."""
    _folder, made, _bad = inbox
    window = RollupWindow()
    qtbot.addWidget(window)
    window.add_paths([m.path for m in made])
    window.out_edit.setText(str(tmp_path / "s.xlsx"))
    report = window.run()
    assert report is not None and file_dialogs.calls == []  # the output was already chosen
    for r, row in enumerate(report.rows):
        assert window.table.item(r, 3).text() == str(row.activities.total())
        assert window.table.item(r, 4).text() == f"{row.rules_met}/{row.rules_closed}"
        assert window.table.item(r, 5).text().startswith(f"{row.self_total:g} / ")
    totals = [row.self_total for row in report.rows]
    assert totals == sorted(totals, reverse=True) and len(set(totals)) == 3


def test_summary_in_worker_processes_shows_the_same_rows(
    qtbot, tmp_path, inbox, monkeypatch
) -> None:
    """Started from the window (a Qt process), the worker processes give the figures the
    window's own process gives."""
    from gongtongti_desktop.exchange.rollup import pool as summary_pool

    _folder, made, bad = inbox
    window = RollupWindow()
    qtbot.addWidget(window)
    window.add_paths([*(m.path for m in made), bad])

    def table() -> list[list[str]]:
        t = window.table
        return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]

    monkeypatch.setattr(summary_pool, "PACKAGES_PER_WORKER", 10**6)
    window.out_edit.setText(str(tmp_path / "alone.xlsx"))
    assert window.run() is not None
    alone = table()
    monkeypatch.setattr(summary_pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(summary_pool, "PACKAGES_PER_WORKER", 1)
    assert summary_pool.worker_count(len(made) + 1) == 2
    window.out_edit.setText(str(tmp_path / "pooled.xlsx"))
    report = window.run()
    assert report is not None and len(report.rows) == len(made) == len(alone)
    assert table() == alone and window.bad_list.count() == 1


def test_summary_can_be_stopped(qtbot, tmp_path, inbox) -> None:
    _folder, made, _bad = inbox
    window = RollupWindow()
    qtbot.addWidget(window)
    window.add_paths([m.path for m in made])
    out = tmp_path / "s.xlsx"
    window.out_edit.setText(str(out))
    original = window._progress

    def press_stop(done: int, total: int, text: str) -> None:
        assert window.stop_button.isVisibleTo(window) and not window.run_button.isEnabled()
        window.stop()
        original(done, total, text)

    window._progress = press_stop  # type: ignore[method-assign]
    assert window.run() is None
    assert window.status.text() == "已停止，未生成汇总表。" and not out.exists()
    assert window.run_button.isEnabled() and not window.stop_button.isVisibleTo(window)


def test_summary_without_files_or_with_only_bad_ones(qtbot, tmp_path, inbox, boxes) -> None:
    _folder, _made, bad = inbox
    window = RollupWindow()
    qtbot.addWidget(window)
    assert window.run() is None
    assert boxes.texts("warning") == ["请先添加要汇总的上报数据包（.gtt）。"]
    window.add_paths([bad])
    window.out_edit.setText(str(tmp_path / "s.xlsx"))
    assert window.run() is None
    assert boxes.texts("warning")[-1].startswith("没有可汇总的数据包，未生成汇总表。")
    assert not (tmp_path / "s.xlsx").exists()
    assert window.table.rowCount() == 0 and not window.open_button.isEnabled()


@pytest.mark.qt_log_ignore(  # the offscreen platform's noise; this marker replaces conftest's
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support propagateSizeHints\(\)$",
)
def test_summary_window_from_the_menu_is_one_window(qtbot, demo_copy) -> None:
    window = _window(qtbot, demo_copy)
    window.summary_action.trigger()
    first = window.findChild(RollupWindow)
    assert first is not None and first.isVisible()
    first.close()
    assert window.show_package_summary() is first and first.isVisible()
