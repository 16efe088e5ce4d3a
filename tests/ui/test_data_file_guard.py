"""One writer per data file, the day's first backup, the cloud-folder warning, a damaged file
answered with a backup, and 文件 → 备份与恢复."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.datafile import data_file_guard
from gongtongti_desktop.ui.shell import app
from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

pytestmark = pytest.mark.gui

HOLD = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(1000)
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture
def window(qtbot, demo_path):  # type: ignore[no-untyped-def]
    store, programme = open_data_file(demo_path)
    w = MainWindow(store, programme)
    qtbot.addWidget(w)
    yield w
    w.close()


def test_a_second_program_on_the_same_file_is_told(demo_path: Path) -> None:
    lock = str(demo_path) + ".lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, lock], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = demo_path.read_bytes()
        with pytest.raises(UserError, match="正由共同体工作台窗口"):
            open_data_file(demo_path)
        assert demo_path.read_bytes() == before
    finally:
        holder.kill()
        holder.communicate()  # reaps it and closes the pipe
    store, _programme = open_data_file(demo_path)  # the holder is gone: its lock is stale
    store.close()
    data_file_guard.release(demo_path)


def test_the_window_holds_the_file_and_backs_it_up_once_a_day(window: MainWindow) -> None:
    path = Path(window.store.path)
    assert Path(str(path) + ".lock").exists()
    daily = [b for b in backups.list_backups(path) if b.reason == "daily"]
    assert len(daily) == 1
    window.close()
    assert not Path(str(path) + ".lock").exists()


def test_cloud_folder_warning(qtbot, demo_path: Path, tmp_path: Path, boxes) -> None:  # type: ignore[no-untyped-def]
    cloud = tmp_path / "OneDrive - 沂源县教体局"
    cloud.mkdir()
    target = cloud / "共同体.gtdb"
    shutil.copy(demo_path, target)
    store, programme = open_data_file(target)
    w = MainWindow(store, programme)
    qtbot.addWidget(w)
    assert any("OneDrive" in text and "-wal" in text for text in boxes.texts("warning"))
    w.close()


def test_a_damaged_file_is_answered_with_the_newest_good_backup(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(demo_path) as store:
        good = store.backup(reason="daily")
    data = bytearray(demo_path.read_bytes())
    data[4096:12288] = b"\xff" * 8192
    demo_path.write_bytes(bytes(data))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: 0)
    monkeypatch.setattr(
        QMessageBox,
        "clickedButton",
        lambda self: next(b for b in self.buttons() if b.text() == "用备份恢复"),
    )
    opened = app.obtain_store(demo_path)
    assert opened is not None
    store, _programme = opened
    assert store.integrity_problems() == []
    store.close()
    data_file_guard.release(demo_path)
    damaged = [p for p in demo_path.parent.iterdir() if "damaged" in p.name and p.suffix == ".gtdb"]
    assert len(damaged) == 1 and damaged[0].read_bytes() == bytes(data)
    assert good.exists()


def test_backup_dialog_backs_up_and_restores(window: MainWindow, programme) -> None:  # type: ignore[no-untyped-def]
    dialog = window.show_backups()
    rows = dialog.table.rowCount()
    dialog.backup_now()
    assert dialog.table.rowCount() == rows + 1
    assert dialog.selected() is not None and dialog.selected().reason == "manual"
    records.save_record(window.store, programme, "kindergarten", {"name": "备份之后新增的园"})
    names = {r["name"] for r in window.store.query("SELECT name FROM kindergarten")}
    assert "备份之后新增的园" in names
    dialog.restore_selected()  # boxes answer 是
    names = {r["name"] for r in window.store.query("SELECT name FROM kindergarten")}
    assert "备份之后新增的园" not in names
    kept = [b for b in backups.list_backups(window.store.path) if b.reason == "before-restore"]
    assert len(kept) == 1
    dialog.close()
