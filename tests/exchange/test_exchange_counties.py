"""The 汇总 above the kindergarten for 盘锦: kindergartens per county against the year's targets,
the city's total counting each once, and the notice's own 21-versus-22 shown."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.demo.builder import create_demo


def _summary(tmp_path: Path, programme_id: str) -> Path:
    data, package, summary = tmp_path / "d.gtdb", tmp_path / "d.gtt", tmp_path / "s.xlsx"
    create_demo(data, programme_id).close()
    assert main(["export", "--data", str(data), "--term", "2024-autumn", "-o", str(package)]) == 0
    assert main(["merge", "-o", str(summary), str(package)]) == 0
    return summary


def test_panjin_summary_sums_per_county_against_the_targets(tmp_path: Path) -> None:
    book = load_workbook(_summary(tmp_path, "panjin-2024"))
    rows = list(book["县区汇总"].iter_rows(values_only=True))
    header, *body = rows
    assert header[:4] == ("方案", "年度", "县区", "参与帮扶（所）")
    by_county = {r[2]: r for r in body}
    # the demo: 大洼区 one 帮扶园 with three partners; 盘山县 one with two; 双台子区 one with one
    assert by_county["大洼区"][3:9] == (1, 6, 3, 7, 4, 13)
    assert by_county["盘山县"][3:9] == (1, 3, 2, 3, 3, 6)
    assert by_county["双台子区"][3:9] == (1, 1, 1, 1, 2, 2)
    city = by_county["全市"]
    assert (city[7], city[8]) == (9, 22)  # nine kindergartens, each once; the notice's 共22所
    assert "合计21所" in city[9] and "40%" in city[9]


def test_a_programme_without_targets_has_no_county_sheet(tmp_path: Path) -> None:
    assert "县区汇总" not in load_workbook(_summary(tmp_path, "dongguan-group")).sheetnames
