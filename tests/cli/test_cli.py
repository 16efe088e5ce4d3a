"""The command-line contract: each command, its exit code, Chinese messages, nothing written on error."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.datafile import schema
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import roster
from tests.conftest import dump, sha256


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("用法", "init", "demo", "forms", "print", "export", "import", "check", "backup"):
        assert word in out


def test_usage_error_exits_2_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "print")
    assert code == 2
    assert "缺少必需的参数" in err and "Traceback" not in err


def test_init_and_refuse_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.gtdb"
    code, out, _ = run(
        capsys, "init", str(path), "--programme", "gaotai-2020", "--kindergarten", "光彩幼儿园"
    )
    assert code == 0 and "已新建" in out
    with Store.open(path) as store:
        assert (store.programme_id, store.kindergarten_name) == ("gaotai-2020", "光彩幼儿园")
    before = sha256(path)
    code, _, err = run(capsys, "init", str(path))
    assert code == 2 and "已存在" in err
    assert sha256(path) == before


def test_init_unknown_programme(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "init", str(tmp_path / "a.gtdb"), "--programme", "nowhere")
    assert code == 2 and "没有名为 nowhere 的方案" in err
    assert not (tmp_path / "a.gtdb").exists()


def test_demo(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "demo", str(tmp_path / "d.gtdb"))
    assert code == 0 and "14 个结对" in out and "示例" in out
    code, _, err = run(capsys, "demo", str(tmp_path / "d.gtdb"))
    assert code == 2 and "已存在" in err


@pytest.mark.parametrize(
    "command",
    [
        ["forms"],
        ["print", "annex1", "-o", "x.pdf"],
        ["export", "--xlsx", "x.xlsx"],
        ["check"],
        ["backup"],
    ],
)
def test_missing_data_file_is_an_error_and_nothing_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "missing.gtdb"
    code, _, err = run(capsys, *command, "--data", str(missing))
    assert code == 2 and "不存在" in err
    assert list(tmp_path.iterdir()) == []


def test_forms_lists_the_programme(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "forms")
    assert code == 0 and "annex1" in out and "沂源县幼儿园城乡教育共同体结对名单" in out
    run(capsys, "demo", str(tmp_path / "g.gtdb"), "--programme", "gaotai-2020")
    code, out, _ = run(capsys, "forms", "--data", str(tmp_path / "g.gtdb"))
    assert code == 0 and "arrangement" in out and "annex1" not in out


def test_print_annex1(capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path) -> None:
    out_pdf = tmp_path / "annex1.pdf"
    code, out, _ = run(capsys, "print", "annex1", "--data", str(demo_path), "-o", str(out_pdf))
    assert code == 0 and "14 行" in out
    text = "".join(page.extract_text() for page in PdfReader(out_pdf).pages)
    assert "沂源县幼儿园城乡教育共同体结对名单" in text
    with Store.open(demo_path) as store:
        for row in roster.list_pairings(store):
            assert row["partner_name"] in text and row["partner_phone"] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["print", "annex9"], "没有表格 annex9"),
        (["print", "annex1", "--term", "2024-summer"], "学期“2024-summer”格式不对"),
        (["print", "annex1", "--month", "2024-13"], "月份“2024-13”格式不对"),
        (["print", "annex1", "--year", "24"], "学年“24”格式不对"),
    ],
)
def test_print_bad_input(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    code, _, err = run(capsys, *args, "--data", str(demo_path), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_print_into_missing_folder(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "print", "annex1", "--data", str(demo_path), "-o", str(tmp_path / "no" / "x.pdf")
    )
    assert code == 2 and "Traceback" not in err and err.startswith("错误：")


def test_print_gaotai_arrangement(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "g.gtdb"
    run(capsys, "demo", str(data), "--programme", "gaotai-2020")
    code, _, _ = run(
        capsys, "print", "arrangement", "--data", str(data), "-o", str(tmp_path / "a.pdf")
    )
    assert code == 0
    text = PdfReader(tmp_path / "a.pdf").pages[0].extract_text()
    assert "高台县2020年幼儿园结对帮扶学校安排表" in text and "被帮扶民办园" in text


def test_export_xlsx(capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "annexes.xlsx"
    code, _, _ = run(capsys, "export", "--data", str(demo_path), "--xlsx", str(out))
    assert code == 0
    wb = openpyxl.load_workbook(out)
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "沂源县幼儿园城乡教育共同体结对名单" in values and "核心幼儿园" in values


def _annex1_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["沂源县幼儿园城乡教育共同体结对名单"])
    ws.append(["核心幼儿园", "责任人", "联系方式", "受援学区", "责任人", "联系方式"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_then_reimport_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "a.gtdb"
    run(capsys, "init", str(data), "--kindergarten", "实验幼儿园")
    xlsx = _annex1_xlsx(
        tmp_path / "名单.xlsx",
        [
            ["实验幼儿园", "张玲", 15169302257, "西里镇学区", "田玉法", "15169372587"],
            [None, None, None, "中庄镇学区", "薛金鱼", 18753312808],
        ],
    )
    code, out, err = run(capsys, "import", "--data", str(data), str(xlsx))
    assert code == 0, err
    assert "已导入" in out
    with Store.open(data) as store:
        rows = roster.list_pairings(store)
        assert [(r["lead_name"], r["partner_name"], r["partner_phone"]) for r in rows] == [
            ("实验幼儿园", "西里镇学区", "15169372587"),
            ("实验幼儿园", "中庄镇学区", "18753312808"),
        ]
    before = dump(data)
    code, out, _ = run(capsys, "import", "--data", str(data), str(xlsx))
    assert code == 0 and "未做任何改动" in out
    assert dump(data) == before


def test_import_bad_file_leaves_data_unchanged(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    bad = _annex1_xlsx(
        tmp_path / "bad.xlsx",
        [["实验幼儿园", "张玲", "1234", "西里镇学区", "田玉法", "15169372587"]],
    )
    before = dump(demo_path)
    code, _, err = run(capsys, "import", "--data", str(demo_path), str(bad))
    assert code == 2 and "第 3 行" in err and "联系方式" in err
    assert dump(demo_path) == before
    fake = tmp_path / "fake.xlsx"
    fake.write_text("这不是 Excel 文件")
    code, _, err = run(capsys, "import", "--data", str(demo_path), str(fake))
    assert code == 2 and "Traceback" not in err
    assert dump(demo_path) == before


def test_check_ok_problems_and_bad_files(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "check", "--data", str(demo_path))
    assert "数据检查通过" in out  # the exit code follows the rules too: tests/cli/test_cli_rules.py
    assert "未填责任人" not in out
    with Store.open(demo_path) as store:
        pairing = roster.list_pairings(store)[0]
        roster.delete_record(store, "person", pairing["partner_person_id"])
    code, out, _ = run(capsys, "check", "--data", str(demo_path))
    assert code == 1 and "未填责任人" in out

    newer = tmp_path / "newer.gtdb"
    Store.open(demo_path).backup(dest=newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "check", "--data", str(newer))
    assert code == 2 and "更新版本" in err

    damaged = tmp_path / "damaged.gtdb"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    code, _, err = run(capsys, "check", "--data", str(damaged))
    assert code == 2 and "Traceback" not in err


def test_backup(capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.gtdb"
    code, out, _ = run(capsys, "backup", "--data", str(demo_path), "-o", str(dest))
    assert code == 0 and str(dest) in out
    with Store.open(dest) as copy:
        assert len(roster.list_pairings(copy)) == 14
    code, _, err = run(capsys, "backup", "--data", str(demo_path), "-o", str(dest))
    assert code == 2 and "已存在" in err


def test_console_script_entry_point(tmp_path: Path) -> None:
    """The real process: exit code and stderr as a script sees them."""
    result = subprocess.run(
        [sys.executable, "-m", "gongtongti_desktop", "check", "--data", str(tmp_path / "none.gtdb")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "不存在" in result.stderr and result.stdout == ""


def test_check_reports_impossible_content_already_in_the_file(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(demo_path)
    first, second = [r[0] for r in conn.execute("SELECT id FROM activity LIMIT 2")]
    conn.execute("UPDATE activity SET day = '2024-02-30', headcount = -3 WHERE id = ?", [first])
    person = conn.execute("SELECT id FROM person LIMIT 1").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE person SET id = ? WHERE id = ?", [second, person])
    conn.commit()
    conn.close()
    assert main(["check", "--data", str(demo_path)]) == 1
    out = capsys.readouterr().out
    assert "2024-02-30" in out and "不是真实存在的日期" in out
    assert "headcount（-3）" in out
    assert f"编号 {second} 同时被" in out


def test_check_of_an_empty_roster_says_what_to_do_first(tmp_path, capsys) -> None:
    data = tmp_path / "new.gtdb"
    assert run(capsys, "init", str(data), "--kindergarten", "东岭镇中心幼儿园")[0] == 0
    code, out, _ = run(capsys, "check", "--data", str(data))
    assert code == 0
    assert "结对名单还是空的" in out and "未发现问题" not in out
