"""Dates and times as a director types them (timeutil.parse_date / parse_time, and the
validation functions every form and the importer use)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongtongti_desktop.core.records import validation
from gongtongti_desktop.core.timeutil import parse_date, parse_time

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-09-01", dt.date(2026, 9, 1)),
        ("2026-9-1", dt.date(2026, 9, 1)),
        ("2026/09/01", dt.date(2026, 9, 1)),
        ("2026.9.1", dt.date(2026, 9, 1)),
        ("2026年9月1日", dt.date(2026, 9, 1)),
        ("2026年09月01日", dt.date(2026, 9, 1)),
        ("2026年9月1号", dt.date(2026, 9, 1)),
        ("2026 年 9 月 1 日", dt.date(2026, 9, 1)),
        ("２０２６年９月１日", dt.date(2026, 9, 1)),
        ("2026年9月1", dt.date(2026, 9, 1)),
        ("9月1日", dt.date(2026, 9, 1)),
        ("9月1号", dt.date(2026, 9, 1)),
        ("12月31日", dt.date(2026, 12, 31)),
        ("9/1", dt.date(2026, 9, 1)),
        ("2024年2月29日", dt.date(2024, 2, 29)),
    ],
)
def test_dates_people_write(typed: str, expected: dt.date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "明天", "2026年13月1日", "2026-02-30", "2025年2月29日", "9月", "2026年9月", "1.2.3",
     "20260901x", "9月32日", "2026--09-01"],
)  # fmt: skip
def test_not_dates(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_month_and_day_take_this_year() -> None:
    assert parse_date("3月5日", dt.date(2027, 1, 2)) == dt.date(2027, 3, 5)
    assert validation.clean_date("9月1日", "日期", today=TODAY) == "2026-09-01"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30", "09:30"),
        ("09:30", "09:30"),
        ("9：30", "09:30"),
        ("9.30", "09:30"),
        ("14:05", "14:05"),
        ("0:00", "00:00"),
        ("9点", "09:00"),
        ("11点", "11:00"),
        ("9点半", "09:30"),
        ("9点30", "09:30"),
        ("9点30分", "09:30"),
        ("9时15分", "09:15"),
        ("9点一刻", "09:15"),
        ("9点三刻", "09:45"),
        ("下午3点", "15:00"),
        ("下午3点半", "15:30"),
        ("下午3:30", "15:30"),
        ("上午9点", "09:00"),
        ("上午10点半", "10:30"),
        ("中午12点", "12:00"),
        ("中午1点", "13:00"),
        ("晚上7点", "19:00"),
        ("下午12点", "12:00"),
        ("三点", "03:00"),
        ("下午两点", "14:00"),
        ("下午 3 点", "15:00"),
        ("１５：００", "15:00"),
    ],
)
def test_times_people_write(typed: str, expected: str) -> None:
    assert parse_time(typed) == expected
    assert validation.clean_time(typed, "开始时间") == expected


@pytest.mark.parametrize(
    "typed", ["", "25:00", "9:60", "9:5", "半点", "上午15点", "9点61分", "下午", "nine", "9"]
)
def test_not_times(typed: str) -> None:
    assert parse_time(typed) is None


def test_messages_name_the_forms_people_use() -> None:
    with pytest.raises(ValueError, match="2024年9月1日") as err:
        validation.clean_date("明天", "日期")
    assert "明天" in str(err.value)
    with pytest.raises(ValueError, match="9点半"):
        validation.clean_time("午饭后", "开始时间")
