"""The package commands: export -o .gtt, import .gtt, merge, restore; and one writer at a time."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile import lock as file_safety
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import reporting
from tests.conftest import dump, sha256


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_import_round_trip_and_reimport(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    package = tmp_path / "上报.gtt"
    code, out, _ = run(
        capsys, "export", "--data", str(demo_path), "--year", "2024", "-o", str(package)
    )
    assert code == 0 and "已导出上报数据包" in out
    with zipfile.ZipFile(package) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        data = json.loads(zf.read("data.json"))
        assert {"data.json", "annexes.xlsx"} <= set(zf.namelist())
    assert manifest["period"]["key"] == "2024"
    with Store.open(demo_path) as store:
        first = data["records"]["activity"][0]["id"]
        assert reporting.is_reported(store, "activity", first)
    empty = tmp_path / "empty.gtdb"
    assert run(capsys, "init", str(empty))[0] == 0
    code, out, _ = run(capsys, "import", "--data", str(empty), str(package))
    assert code == 0 and "导入前已备份" in out
    again = tmp_path / "again.gtt"
    assert run(capsys, "export", "--data", str(empty), "--year", "2024", "-o", str(again))[0] == 0
    with zipfile.ZipFile(again) as zf:
        assert json.loads(zf.read("data.json"))["records"] == data["records"]
    before = sha256(empty)
    code, out, _ = run(capsys, "import", "--data", str(empty), str(package))
    assert code == 0 and "没有需要导入的变化" in out
    assert sha256(empty) == before


def test_the_next_export_lists_what_changed(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    run(capsys, "export", "--data", str(demo_path), "--year", "2024", "-o", str(tmp_path / "a.gtt"))
    programme = get_programme("yiyuan-2022")
    year = periods.parse_school_year(programme.calendar, "2024")
    with Store.open(demo_path) as store:
        row = store.query(  # an activity of the year exported
            "SELECT id FROM activity WHERE deleted_at IS NULL AND day BETWEEN ? AND ? LIMIT 1",
            (year.start.isoformat(), year.end.isoformat()),
        )[0]
        before = records.get_record(store, "activity", row["id"])
        records.save_record(
            store, programme, "activity", {**before, "title": "上报后修改"}, row["id"]
        )
    code, out, _ = run(
        capsys, "export", "--data", str(demo_path), "--year", "2024", "-o", str(tmp_path / "b.gtt")
    )
    assert code == 0 and "自上次上报以来修改 1 条" in out


@pytest.mark.parametrize("name", ["x.zip", "x.gtt"])
def test_bad_packages_exit_2_and_change_nothing(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path, name: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(b"not a zip at all")
    before = dump(demo_path)
    code, _, err = run(capsys, "import", "--data", str(demo_path), str(bad))
    assert code == 2 and "错误" in err
    assert dump(demo_path) == before


def test_merge_many_packages_with_one_bad(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    good = tmp_path / "a.gtt"
    run(capsys, "export", "--data", str(demo_path), "--year", "2024", "-o", str(good))
    bad = tmp_path / "bad.gtt"
    bad.write_bytes(b"PK\x03\x04 broken")
    out_xlsx = tmp_path / "汇总.xlsx"
    code, out, _ = run(capsys, "merge", "-o", str(out_xlsx), str(good), str(bad))
    assert code == 1 and "bad.gtt" in out
    wb = openpyxl.load_workbook(out_xlsx)
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    with Store.open(demo_path) as store:
        assert store.kindergarten_name in values
    code, _, err = run(capsys, "merge", "-o", str(tmp_path / "none.xlsx"), str(bad))
    assert code == 2 and "没有可汇总" in err and not (tmp_path / "none.xlsx").exists()


def test_restore_lists_and_restores(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    assert run(capsys, "backup", "--data", str(demo_path))[0] == 0
    code, out, _ = run(capsys, "restore", "--data", str(demo_path))
    assert code == 0 and "手动备份" in out
    [info] = backups.list_backups(demo_path)
    with Store.open(demo_path) as store:
        records.save_record(store, get_programme("yiyuan-2022"), "kindergarten", {"name": "新园"})
    code, out, _ = run(capsys, "restore", "--data", str(demo_path), str(info.path))
    assert code == 0 and "恢复前的数据保存在" in out
    with Store.open(demo_path) as store:
        assert not store.query("SELECT 1 FROM kindergarten WHERE name = '新园'")


def test_writing_commands_refuse_while_a_window_holds_the_file(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        file_safety.lock_path(demo_path).write_text(
            f"{holder.pid}\n\n{socket.gethostname()}\n", encoding="utf-8"
        )  # a window of an older version (QLockFile's text, no process name)
        before = dump(demo_path)
        code, _, err = run(
            capsys, "export", "--data", str(demo_path), "-o", str(tmp_path / "a.gtt")
        )
        assert code == 2 and "正由共同体工作台窗口" in err and "Traceback" not in err
        assert dump(demo_path) == before and not (tmp_path / "a.gtt").exists()
        code, out, _ = run(capsys, "check", "--data", str(demo_path))  # reading is fine
        assert "数据检查通过" in out
    finally:
        holder.kill()
        holder.wait()
        os.remove(file_safety.lock_path(demo_path))


def test_a_folder_given_to_import_or_merge_is_called_a_folder(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "上报.gtt"
    folder.mkdir()
    code, _, err = run(capsys, "import", "--data", str(demo_path), str(folder))
    assert code == 2 and "是文件夹" in err and "不存在" not in err
    good = tmp_path / "a.gtt"
    assert (
        run(capsys, "export", "--data", str(demo_path), "--year", "2024", "-o", str(good))[0] == 0
    )
    code, out, _ = run(capsys, "merge", "-o", str(tmp_path / "s.xlsx"), str(good), str(folder))
    assert code == 1 and "文件夹" in out and (tmp_path / "s.xlsx").exists()
