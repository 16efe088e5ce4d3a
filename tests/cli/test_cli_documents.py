"""``gongtongti print`` for documents the bureau takes: .docx by the output's name, and rare
characters no installed font has named on stderr (never a silent gap)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from docx import Document

from gongtongti_desktop.cli import main

NO_FONT = "\U00030000"  # CJK Extension G: no font on this machine has it


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _rename_first_person(path: Path, name: str) -> str:
    with sqlite3.connect(path) as db:
        (old,) = db.execute("SELECT name FROM person ORDER BY rowid LIMIT 1").fetchone()
        db.execute("UPDATE person SET name = ? WHERE name = ?", (name, old))
    return old


def test_print_docx(capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "annex1.docx"
    code, stdout, err = run(capsys, "print", "annex1", "--data", str(demo_path), "-o", str(out))
    assert code == 0, err
    assert "14 行" in stdout
    doc = Document(str(out))
    assert any("结对名单" in p.text for p in doc.paragraphs)
    assert len(doc.tables[0].rows) == 15


def test_print_refuses_other_suffixes(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "print", "annex1", "--data", str(demo_path), "-o", str(tmp_path / "a.doc")
    )
    assert code == 2 and ".docx" in err and "Traceback" not in err
    assert not list(tmp_path.glob("a.*"))


def test_print_names_characters_no_font_has(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    _rename_first_person(demo_path, "张" + NO_FONT)
    out = tmp_path / "annex1.pdf"
    code, _, err = run(capsys, "print", "annex1", "--data", str(demo_path), "-o", str(out))
    assert code == 0 and out.is_file()
    assert NO_FONT in err and "空白" in err and "责任人" in err
    code, _, err = run(capsys, "print", "annex2", "--data", str(demo_path), "-o", str(out))
    assert code == 0
