"""Which cell texts become numbers and dates in a workbook, and which must stay text."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from gongtongti_desktop.output.sheet_values import DATE_FORMAT, date_of, number_of, put_value


@pytest.mark.parametrize(
    ("text", "value"),
    [("3.5", 3.5), ("12", 12), ("0", 0), ("0.5", 0.5), ("-1", -1), ("110", 110)],
)
def test_plain_numbers_are_numbers(text: str, value: float) -> None:
    assert number_of(text) == value


@pytest.mark.parametrize(
    "text",
    ["15208159075", "0533-3221234", "007", "0/3", "1※", "3.5分", "=1+1", "1e5", "", "A1"],
)
def test_phones_codes_and_ratios_stay_text(text: str) -> None:
    assert number_of(text) is None
    cell = Workbook().active["A1"]
    assert put_value(cell, text) is (date_of(text) is not None)


def test_dates_in_either_spelling_become_dates_shown_the_chinese_way() -> None:
    cell = Workbook().active["A1"]
    assert put_value(cell, "2025年3月30日")
    assert cell.value == dt.date(2025, 3, 30) and cell.number_format == DATE_FORMAT
    assert date_of("2024-09-30") == dt.date(2024, 9, 30)
    assert date_of("2024年2月30日") is None  # not a day: stays text
    assert date_of("2024年9月") is None


def test_activity_records_in_the_workbook_count_people_as_numbers(tmp_path) -> None:
    """人数 of every activity record is a number in the sheet (a clerk sums the column)."""
    import openpyxl

    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.output.xlsx import write_workbook

    store = create_demo(tmp_path / "d.gtdb")
    try:
        programme = get_programme(store.programme_id)
        data = form_data(store, programme, "activity-record", today=store.today())
    finally:
        store.close()
    counts = [int(r["headcount"]) for r in data.rows if str(r.get("headcount") or "").isdigit()]
    assert counts, "the demo records how many took part"
    sheet = openpyxl.load_workbook(write_workbook([data], tmp_path / "a.xlsx")).worksheets[0]
    found = []
    for row in sheet.iter_rows():
        for n, cell in enumerate(row[:-1]):
            if cell.value == "人数":
                found.append(row[n + 1].value)
    assert found == counts and all(isinstance(v, int) for v in found)
