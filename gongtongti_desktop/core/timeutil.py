"""Timestamps and dates as stored in the data file (ISO 8601 text)."""

from __future__ import annotations

import datetime as dt


def now_iso() -> str:
    """Local time with offset, to the microsecond, so ``updated_at`` orders edits reliably."""
    return dt.datetime.now().astimezone().isoformat(timespec="microseconds")


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` (also ``YYYY/MM/DD`` and ``YYYY.MM.DD``) to a date; None when not a date."""
    text = text.strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            return None
    return None


def chinese_date(day: dt.date) -> str:
    """2024年9月30日 — how a date is written on a form and in a message."""
    return f"{day.year}年{day.month}月{day.day}日"
