"""Single-value rules: phones, names, dates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongtongti_desktop.core.records import validation as v


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("15169302257", "15169302257"),
        (" 151 6930 2257 ", "15169302257"),
        ("151-6930-2257", "15169302257"),
        ("+86 15169302257", "15169302257"),
        ("１５１６９３０２２５７", "15169302257"),  # full-width digits from a Chinese IME
        ("0533-3221234", "0533-3221234"),
        ("05333221234", "0533-3221234"),
        ("(0533)3221234", "0533-3221234"),
        ("010-12345678", "010-12345678"),
        ("0533-3221234-802", "0533-3221234-802"),
        ("", ""),
    ],
)
def test_valid_phones_are_normalised(raw: str, clean: str) -> None:
    assert v.clean_phone(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "1234",
        "12169302257",
        "1516930225",
        "151693022571",
        "3221234",
        "1.52E+10",
        "电话",
        "0533-123",
    ],
)
def test_invalid_phones_are_refused_in_chinese(raw: str) -> None:
    with pytest.raises(ValueError, match=r"联系方式.*无效"):
        v.clean_phone(raw)


def test_required_phone() -> None:
    with pytest.raises(ValueError, match="不能为空"):
        v.clean_phone("  ", required=True)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("崔  昱", "崔昱"),
        (" 谢 平 ", "谢平"),
        ("张玲", "张玲"),
        ("Anna  Li", "Anna Li"),
        ("第三 实验幼儿园", "第三实验幼儿园"),
    ],
)
def test_names_lose_padding_spaces(raw: str, clean: str) -> None:
    assert v.normalize_name(raw) == clean


@given(st.text(max_size=40))
def test_normalize_name_is_idempotent(text: str) -> None:
    once = v.normalize_name(text)
    assert v.normalize_name(once) == once
    assert once == once.strip()


def test_names_required_and_bounded() -> None:
    with pytest.raises(ValueError, match="园名不能为空"):
        v.clean_name("   ", "园名")
    with pytest.raises(ValueError, match="过长"):
        v.clean_name("园" * 61, "园名")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("2024-9-1", "2024-09-01"), ("2024/09/01", "2024-09-01"), ("2024.9.1", "2024-09-01")],
)
def test_dates(raw: str, clean: str) -> None:
    assert v.clean_date(raw, "开始日期") == clean


@pytest.mark.parametrize("raw", ["2024-02-30", "明天", "1899-01-01", "20240901x"])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(ValueError, match="开始日期"):
        v.clean_date(raw, "开始日期")


def test_end_before_start() -> None:
    with pytest.raises(ValueError, match="结束日期不能早于开始日期"):
        v.check_order("2024-09-01", "2024-08-31")
    v.check_order("2024-09-01", "")
