"""Two real processes writing one data file at once: an import and a restore, two imports.

Before the one-writer lock, a restore running while an import ran could silently discard the
import (both said they succeeded), and two imports ended in a "database is locked" traceback.
Now they take turns: each either runs to the end or is refused with a Chinese message, and
whatever an import reports as added is in the data file or in the backup the restore made."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import Store
from tests.exchange.conftest import Exported


def _start(*argv: str, wait: str = "60") -> subprocess.Popen[str]:
    env = dict(os.environ, GONGTONGTI_LOCK_WAIT=wait)
    return subprocess.Popen(
        [sys.executable, "-m", "gongtongti_desktop.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _activities(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM activity").fetchone()[0])
    finally:
        conn.close()


def _imported_alone(exported: Exported, tmp_path: Path) -> int:
    """Activities the package adds to an empty file when nothing else runs."""
    alone = tmp_path / "alone.gtdb"
    Store.create(alone, kindergarten="", programme_id="yiyuan-2022").close()
    assert main(["import", "--data", str(alone), str(exported.package)]) == 0
    return _activities(alone)


@pytest.mark.parametrize("restore_first", [False, True])
def test_an_import_and_a_restore_at_once_lose_nothing(
    exported: Exported, tmp_path: Path, restore_first: bool
) -> None:
    data = tmp_path / "园.gtdb"
    Store.create(data, kindergarten="", programme_id="yiyuan-2022").close()
    with Store.open(data) as store:
        empty_backup = store.backup(reason="manual")
    imported = _imported_alone(exported, tmp_path)
    assert imported > 0
    first, second = (
        ("restore", "--data", str(data), str(empty_backup)),
        ("import", "--data", str(data), str(exported.package)),
    )
    if not restore_first:
        first, second = second, first
    one = _start(*first)
    two = _start(*second)
    results = [p.communicate(timeout=300) for p in (one, two)]
    for process, (_out, err) in zip((one, two), results, strict=True):
        assert "Traceback" not in err, err
        assert process.returncode == 0, err
    importer = one if first[0] == "import" else two
    assert importer.returncode == 0
    in_file = _activities(data)
    in_backups = [
        _activities(b.path) for b in backups.list_backups(data) if b.reason == "before-restore"
    ]
    # The import's records are either in the file (it ran after the restore) or in the backup
    # the restore made of the current file (it ran before): never nowhere.
    assert in_file == imported or imported in in_backups, (in_file, in_backups)
    assert not Path(str(data) + ".lock").exists()


def test_two_imports_at_once_take_turns(exported: Exported, tmp_path: Path) -> None:
    data = tmp_path / "园.gtdb"
    Store.create(data, kindergarten="", programme_id="yiyuan-2022").close()
    runs = [_start("import", "--data", str(data), str(exported.package)) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in runs]
    for process, (_out, err) in zip(runs, results, strict=True):
        assert process.returncode == 0 and "Traceback" not in err, err
    outs = sorted(out for out, _err in results)
    assert any("已导入" in out for out in outs)
    assert any("没有需要导入的变化" in out for out in outs)  # the second saw the first's work
    assert _activities(data) == _imported_alone(exported, tmp_path)


def test_a_writer_that_waits_too_long_is_refused_in_chinese(
    exported: Exported, tmp_path: Path
) -> None:
    data = tmp_path / "园.gtdb"
    Store.create(data, kindergarten="", programme_id="yiyuan-2022").close()
    hold = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from gongtongti_desktop.core.datafile import lock\n"
            "lock.acquire(sys.argv[1], '命令 gongtongti import', wait=0)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(data),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert hold.stdout is not None and hold.stdout.readline().strip() == "locked"
        before = data.read_bytes()
        late = _start("import", "--data", str(data), str(exported.package), wait="0.5")
        _out, err = late.communicate(timeout=120)
        assert late.returncode == 2 and "Traceback" not in err
        assert "命令 gongtongti import" in err and f"进程 {hold.pid}" in err
        assert data.read_bytes() == before and not (tmp_path / "backups").exists()
    finally:
        hold.kill()
        hold.communicate()
