"""Disk full and read-only data files, cloud-synced folders, and the one-writer lock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import lock as file_safety
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import StorageError, UserError
from tests.conftest import dump

LONG = "记录" * 900


def test_disk_full_is_explained_and_nothing_is_written(store: Store, programme: Programme) -> None:
    records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    before = store.query("SELECT * FROM kindergarten")
    with pytest.raises(StorageError, match="磁盘空间不足") as info:
        records.save_record(store, programme, "kindergarten", {"name": "新园", "note": LONG})
    assert "数据文件保持原样" in info.value.message
    assert store.query("SELECT * FROM kindergarten") == before
    assert store.integrity_problems() == []


def test_read_only_file_is_explained(store: Store, programme: Programme, tmp_path: Path) -> None:
    records.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    path = store.path
    store.conn.execute("PRAGMA query_only = ON")  # what a read-only file or folder gives
    with pytest.raises(StorageError, match="只读"):
        records.save_record(store, programme, "kindergarten", {"name": "新园"})
    store.close()
    before = dump(path)
    assert any("城关实验幼儿园" in line for line in before)


@pytest.mark.parametrize(
    ("path", "service"),
    [
        (r"C:/Users/wang/OneDrive - 沂源县教体局/共同体.gtdb", "OneDrive"),
        ("/home/wang/WPS云文档/共同体.gtdb", "WPS 云文档"),
        ("/data/BaiduNetdiskWorkspace/a/共同体.gtdb", "百度网盘同步空间"),
        ("/Users/li/Dropbox (Personal)/共同体.gtdb", "Dropbox"),
        ("/home/wang/文档/共同体.gtdb", None),
    ],
)
def test_cloud_folders_are_recognised(path: str, service: str | None) -> None:
    assert file_safety.cloud_service(Path(path)) == service
    warning = file_safety.cloud_warning(Path(path))
    assert (warning is None) == (service is None)
    if warning:
        assert "-wal" in warning and service in warning


def _lock(data_file: Path, pid: int, host: str | None = None) -> None:
    file_safety.lock_path(data_file).write_text(
        f"{pid}\n\n{host or socket.gethostname()}\n", encoding="utf-8"
    )


def test_lock_held_by_a_live_process_refuses_writers(tmp_path: Path) -> None:
    data_file = tmp_path / "d.gtdb"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _lock(data_file, child.pid)
        assert file_safety.lock_holder(data_file) == child.pid
        with pytest.raises(UserError, match="正由共同体工作台窗口"):
            file_safety.acquire(data_file, "命令 gongtongti import", wait=0)
    finally:
        child.kill()
        child.wait()
    _lock(data_file, child.pid)  # the process is gone: a stale lock
    assert file_safety.lock_holder(data_file) is None
    _lock(data_file, os.getpid())  # a lock file naming this process, not held: stale
    with file_safety.writing(data_file, "命令 gongtongti import", wait=0):
        pass
