"""Timestamps, dates and times: as stored in the data file (ISO 8601 text) and as a person
types them.

Why the typed forms: a director writes dates the way a notice or a WeChat message does —
2026年9月1日, 2026.9.1, 9月1日 — and times as 9点半 or 下午3点. Refusing those and asking for
2026-09-01 made every form a small exam. The parsers here accept what a person writes and
return one stored form; anything else is None (the caller says what it expected).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_CN_NUMBERS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
}  # fmt: skip
# Patterns, compiled on first use (re's own cache): opening the window parses no typed date.
_FULL_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?"
_MONTH_DAY = r"(\d{1,2})[月/](\d{1,2})[日号]?"
_CLOCK = r"(\d{1,2})[:.](\d{1,2})"
_CHINESE_TIME = (
    r"(?P<part>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?"
    r"(?P<hour>\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
    r"(?:[:.](?P<clock>\d{1,2})|[点时](?:(?P<half>半)|(?P<quarter>[一三])刻|(?P<minute>\d{1,2})分?)?)"
)
_AFTERNOON = ("下午", "傍晚", "晚上")


def now_iso() -> str:
    """Local time with offset, to the microsecond, so ``updated_at`` orders edits reliably."""
    return dt.datetime.now().astimezone().isoformat(timespec="microseconds")


def _compact(text: str) -> str:
    """Full-width digits and punctuation folded, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def parse_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """A date as a person writes it, or None.

    2026-09-01, 2026/9/1, 2026.9.1, 2026年9月1日 (or 号), and without a year 9月1日 or 9/1,
    which mean that day in ``today``'s year (default: the computer's date)."""
    text = _compact(text)
    if not text:
        return None
    full = re.fullmatch(_FULL_DATE, text)
    if full:
        year, month, day = (int(g) for g in full.groups())
    else:
        short = re.fullmatch(_MONTH_DAY, text)
        if not short:
            return None
        year = (today or dt.date.today()).year
        month, day = (int(g) for g in short.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN_NUMBERS:
        return _CN_NUMBERS[text]
    return None


def parse_time(text: str) -> str | None:
    """A time of day as a person writes it, as ``HH:MM``; None when not a time.

    9:30, 09:30, 9：30, 9.30, 9点, 9点半, 9点30分, 9时15分, 9点一刻, 下午3点 (15:00),
    上午9点, 中午12点, 晚上7点半 (19:30)."""
    text = _compact(text)
    if not text:
        return None
    m = re.fullmatch(_CLOCK, text) or re.fullmatch(_CHINESE_TIME, text)
    if m is None:
        return None
    if m.re.pattern == _CLOCK:
        hour, minute, part = int(m.group(1)), int(m.group(2)), None
        if len(m.group(2)) != 2:
            return None
    else:
        hour_number = _number(m.group("hour"))
        if hour_number is None:
            return None
        hour, part = hour_number, m.group("part")
        if m.group("clock") is not None:
            minute = int(m.group("clock"))
        elif m.group("half"):
            minute = 30
        elif m.group("quarter"):
            minute = 15 if m.group("quarter") == "一" else 45
        else:
            minute = int(m.group("minute") or 0)
    if (part in _AFTERNOON and 1 <= hour < 12) or (part == "中午" and hour < 3):
        hour += 12
    elif part == "凌晨" and hour == 12:
        hour = 0
    if part in ("凌晨", "早上", "早晨", "上午") and hour > 12:
        return None
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return f"{hour:02d}:{minute:02d}"


def chinese_date(day: dt.date) -> str:
    """2024年9月30日 — how a date is written on a form and in a message."""
    return f"{day.year}年{day.month}月{day.day}日"
