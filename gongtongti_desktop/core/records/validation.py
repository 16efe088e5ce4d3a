"""Checks and normalisation of single values typed by a user or read from a file.

Every function returns the cleaned value or raises ``ValueError`` with a Chinese message,
so the same rule serves the dialog (inline message), the importer (message with its cell)
and the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gongtongti_desktop.core.timeutil import parse_date, parse_time

MAX_NAME_LEN = 60
MAX_TEXT_LEN = 2000

_MOBILE = re.compile(r"^1[3-9]\d{9}\Z")
# Landline with area code: 010/02x have 3-digit codes, the rest 4; local number 7–8 digits;
# an optional extension after a dash.
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})(?:-(\d{1,6}))?\Z")


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def normalize_name(text: str) -> str:
    """Trim and fold spaces; drop the padding spaces Word tables put inside Chinese names.

    ``"崔  昱"`` becomes ``"崔昱"`` (the notice pads two-character names to align them), while
    ``"Anna  Li"`` keeps one space.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    parts = text.split()
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        joiner = "" if _is_cjk(out[-1]) and _is_cjk(part[0]) else " "
        out += joiner + part
    return out


def clean_name(text: str, label: str, *, required: bool = True) -> str:
    name = normalize_name(text)
    if not name:
        if required:
            raise ValueError(f"{label}不能为空")
        return ""
    if len(name) > MAX_NAME_LEN:
        raise ValueError(f"{label}过长（{len(name)} 字，最多 {MAX_NAME_LEN} 字）")
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValueError(f"{label}含有控制字符")
    return name


def clean_text(text: str, label: str, *, max_len: int = MAX_TEXT_LEN) -> str:
    text = text.strip()
    if len(text) > max_len:
        raise ValueError(f"{label}过长（{len(text)} 字，最多 {max_len} 字）")
    return text


def clean_phone(text: str, *, required: bool = False) -> str:
    """A mainland mobile (11 digits, 1[3-9]…) or a landline with area code, normalised.

    Mobiles are stored as 11 bare digits, landlines as ``区号-号码[-分机]``.
    """
    raw = unicodedata.normalize("NFKC", text).strip()
    if not raw:
        if required:
            raise ValueError("联系方式不能为空")
        return ""
    compact = re.sub(r"[\s()（）]", "", raw)
    if compact.startswith("+86"):
        compact = compact[3:]
    if _MOBILE.match(compact.replace("-", "")):
        return compact.replace("-", "")
    landline = _LANDLINE.match(compact)
    if landline:
        area, number, ext = landline.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    raise ValueError(
        f"联系方式“{raw[:30]}”无效：应为 11 位手机号（1 开头，第二位 3–9）或带区号的固定电话（如 0533-3221234）"
    )


DATE_FORMS = "如 2024-09-01、2024.9.1、2024年9月1日 或 9月1日"
TIME_FORMS = "如 09:30、9点半、下午3点"


def clean_date(
    text: str, label: str, *, required: bool = False, today: dt.date | None = None
) -> str:
    """A typed date (any form ``timeutil.parse_date`` knows) as ``YYYY-MM-DD``."""
    text = (text or "").strip()
    if not text:
        if required:
            raise ValueError(f"{label}不能为空")
        return ""
    day = parse_date(text, today)
    if day is None:
        raise ValueError(f"{label}“{text[:20]}”不是有效日期（{DATE_FORMS}）")
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise ValueError(f"{label}“{text}”超出合理范围")
    return day.isoformat()


def check_order(
    start: str, end: str, start_label: str = "开始日期", end_label: str = "结束日期"
) -> None:
    if start and end and end < start:
        raise ValueError(f"{end_label}不能早于{start_label}")


def clean_time(text: str, label: str, *, required: bool = False) -> str:
    """A typed time (9:30, 9点半, 下午3点 — ``timeutil.parse_time``) to ``HH:MM``."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        if required:
            raise ValueError(f"{label}不能为空")
        return ""
    cleaned = parse_time(text)
    if cleaned is None:
        raise ValueError(f"{label}“{text[:10]}”不是有效时间（{TIME_FORMS}）")
    return cleaned


def clean_month(text: str, label: str, *, required: bool = False) -> str:
    """``YYYY-MM`` (also ``YYYY-M``, ``YYYY/MM``) to ``YYYY-MM``."""
    text = (text or "").strip().replace("/", "-").replace(".", "-")
    if not text:
        if required:
            raise ValueError(f"{label}不能为空")
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise ValueError(f"{label}“{text[:10]}”不是有效月份（格式：2024-09）")
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def clean_int(text: str, label: str, *, required: bool = False, maximum: int = 100000) -> int:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not text:
        if required:
            raise ValueError(f"{label}不能为空")
        return 0
    if not text.isdigit():
        raise ValueError(f"{label}应为不小于 0 的整数")
    value = int(text)
    if value > maximum:
        raise ValueError(f"{label}不能超过 {maximum}")
    return value
