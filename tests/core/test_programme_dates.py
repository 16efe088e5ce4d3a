"""A programme's own dates and stages: nothing demanded after the end or before the start, the
stage of a day, and a loader that refuses what it does not understand. No Qt."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from gongtongti_desktop.core.profile.dates import ProgrammeDates, Stage, load_dates
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.toml_table import ProfileError

D = dt.date
YIYUAN = """
[dates]
start = 2022-07-01
end = 2024-12-31
[[dates.stages]]
name = "一年抓规范"
start = 2022-07-01
end = 2023-06-30
[[dates.stages]]
name = "两年共分享"
start = 2023-07-01
end = 2024-06-30
[[dates.stages]]
name = "三年树品牌"
start = 2024-07-01
end = 2024-12-31
"""


def _load(text: str) -> ProgrammeDates:
    return load_dates(tomllib.loads(text).get("dates"), "programme.toml")


def test_stages_and_end() -> None:
    dates = _load(YIYUAN)
    assert [s.name for s in dates.stages_on(D(2024, 3, 1))] == ["两年共分享"]
    assert "当前阶段：三年树品牌" in dates.status(D(2024, 10, 1))
    assert dates.status(D(2025, 4, 10)) == "本方案已于2024年12月31日结束，此后不再要求新的记录。"
    assert "尚未开始" in dates.status(D(2022, 6, 1))


def test_periods_after_the_end_or_before_the_start_are_not_demanded() -> None:
    dates = _load(YIYUAN)
    spring_2025 = Period("term", D(2025, 2, 1), D(2025, 6, 30), "2025年春季学期")
    autumn_2024 = Period("term", D(2024, 7, 1), D(2025, 1, 31), "2024年秋季学期")
    june_2022 = Period("month", D(2022, 6, 1), D(2022, 6, 30), "2022年6月")
    assert not dates.demands(spring_2025) and not dates.demands(june_2022)
    assert dates.demands(autumn_2024)  # overlaps the last months


def test_no_dates_demands_everything() -> None:
    dates = load_dates(None, "programme.toml")
    assert dates.demands(Period("month", D(2099, 1, 1), D(2099, 1, 31), ""))
    assert dates.status(D(2030, 1, 1)) == "" and dates.span() is None


def test_undated_stage_is_never_current() -> None:
    assert not Stage("前期筹备阶段").contains(D(2024, 1, 1))
    assert Stage("总结提升", start=D(2025, 7, 1)).contains(D(2030, 1, 1))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[dates]\nstart = "2022-07-01"\n', "start 应为日期"),
        ("[dates]\nstart = 2022-07-01\nend = 2021-01-01\n", "结束日期早于开始日期"),
        ("[dates]\nbegin = 2022-07-01\n", "不认识的键 begin"),
        ('[dates]\nend = 2024-12-31\n[[dates.stages]]\nname = "x"\nend = 2025-01-01\n', "超出"),
        ('[dates]\n[[dates.stages]]\nname = "x"\nfrom = 2025-01-01\n', "不认识的键 from"),
    ],
)
def test_loader_refuses_in_chinese(text: str, words: str) -> None:
    with pytest.raises(ProfileError, match=words):
        _load(text)
