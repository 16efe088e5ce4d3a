"""The 汇总 shows 逾期补录: records entered after their period's deadline, counted per package.
高台's demo enters one October activity on 15 November; its package for the autumn term says so."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.demo.builder import create_demo


def test_summary_counts_late_entries(tmp_path: Path) -> None:
    data, package, summary = tmp_path / "g.gtdb", tmp_path / "g.gtt", tmp_path / "s.xlsx"
    create_demo(data, "gaotai-2020").close()
    assert main(["export", "--data", str(data), "--term", "2020-autumn", "-o", str(package)]) == 0
    assert main(["merge", "-o", str(summary), str(package)]) == 0
    sheet = load_workbook(summary).worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[headers.index("逾期补录（条）")] == 1
