"""``gongtongti signed add`` / ``signed list``: a form printed by ``print``, photographed,
filed back; bad input refused with a Chinese message, exit 2 and the data file unchanged."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from gongtongti_desktop.cli import main

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> set[Path]:
    return set((folder / "attachments").rglob("*"))


def _photo(pdf: Path, folder: Path) -> Path:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "120", "-f", "1", "-l", "1", str(pdf), str(folder / "page")],
        check=True,
    )
    (page,) = folder.glob("page-*.png")
    photo = folder / "签字后.jpg"
    Image.open(page).convert("RGB").rotate(-90, expand=True).save(photo, quality=35)
    return photo


def test_print_then_file_the_signed_photo_then_list(
    capsys, demo_path: Path, tmp_path: Path
) -> None:
    data = str(demo_path)
    code, out, _ = run(capsys, "print", "annex1", "--data", data, "-o", str(tmp_path / "a1.pdf"))
    assert code == 0 and "表格编号" in out
    printed_code = out.strip().rsplit("：", 1)[1]
    code, out, _ = run(capsys, "signed", "list", "--data", data)
    assert code == 0 and "附件1 沂源县幼儿园城乡教育共同体结对名单：已打印未签字" in out
    assert printed_code in out and "未打印" in out
    photo = _photo(tmp_path / "a1.pdf", tmp_path)
    code, out, err = run(capsys, "signed", "add", "--data", data, str(photo))
    assert (code, err) == (0, "") and f"{printed_code}（二维码）→ 附件1" in out
    code, out, _ = run(capsys, "signed", "add", "--data", data, str(photo))
    assert code == 0 and "已归档过" in out and "没有新的签字件" in out
    code, out, _ = run(capsys, "signed", "list", "--data", data)
    assert "结对名单：已签字" in out and "已签字 1" in out


def test_bad_scans_are_refused_and_the_data_file_is_unchanged(
    capsys, demo_path: Path, tmp_path: Path
) -> None:
    data = str(demo_path)
    run(capsys, "print", "annex1", "--data", data, "-o", str(tmp_path / "a1.pdf"))
    good = _photo(tmp_path / "a1.pdf", tmp_path)
    Image.new("RGB", (900, 1200), "white").save(tmp_path / "blank.jpg")
    before, files_before = _digest(demo_path), _files(demo_path.parent)
    code, _, err = run(
        capsys, "signed", "add", "--data", data, str(good), str(tmp_path / "blank.jpg")
    )
    assert code == 2 and "blank.jpg：未归档 —— 读不出照片上的二维码" in err and "--code" in err
    assert "Traceback" not in err and _digest(demo_path) == before
    code, _, err = run(
        capsys, "signed", "add", "--data", data, str(good), str(good), "--code", "GT-2222-2222"
    )
    assert code == 2 and "只能用于一个扫描件" in err
    code, _, err = run(
        capsys,
        "signed",
        "add",
        "--data",
        data,
        str(tmp_path / "blank.jpg"),
        "--code",
        "GT-2222-2223",
    )
    assert code == 2 and "校验位" in err
    code, _, err = run(capsys, "signed", "add", "--data", data, str(tmp_path / "a1.pdf"))
    assert code == 2 and "没有扫描的图像" in err
    code, _, err = run(capsys, "signed", "add", str(good))
    assert code == 2 and "--data" in err
    assert _digest(demo_path) == before
    assert _files(demo_path.parent) == files_before  # no scan copied in either
