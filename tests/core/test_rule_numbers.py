"""Every number of every rule, held by the sentence of the notice it comes from.

One row per number: profile, rule, field, the number expected and the notice's own sentence.
A rule's number changed in a profile (沂源's 指导师 "2-4" made 2–5) turns its row red; a rule
added without rows turns ``test_every_number_of_every_rule_has_a_row`` red; a sentence that is
not in the notice, or does not hold its number, turns the quote tests red — the quote cannot be
invented. Pieces of a quote joined by "……" must occur in the notice in that order (a table's
cells, a sentence cut short).

The notices are the seeds beside the repository (``../shared/seeds``); the quote tests skip
with a reason when that folder is absent, the number tests do not need it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from gongtongti_desktop.core.profile.programme import Programme, available_programmes, get_programme

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

# Which notice each profile comes from (the seed file's number).
NOTICE = {
    "yiyuan-2022": "000",  # 源教体发〔2022〕11号
    "qingdao-xihaian-group": "001",  # 幼儿园集团化办园工作方案1
    "gaozhuang-town-group": "001",  # 方案3
    "dongguan-group": "001",  # 方案2
    "qingtongxia-group": "001",  # 方案4
    "panjin-2024": "002",  # 《盘锦市农村幼儿园帮扶工作方案》
    "gaotai-2020": "003",  # 《高台县2020年幼儿园结对帮扶工作实施方案》
    "qingshanhu-1plus1plusn": "004",  # 《青山湖区1+1+N幼教联盟方案》
}


class Row(NamedTuple):
    profile: str
    rule: str  # a rule id, or "calendar" for programme.toml's [calendar]
    field: str
    expected: Any
    quote: str  # the notice's words


# "不限" (max = 0): the notice sets a floor ("不少于", "至少", "不低于", "每月有") and no ceiling.
NO_MAX = 0
GAOTAI_MONTHS = (3, 4, 5, 6, 9, 10, 11, 12)
GAOTAI_TABLE = "2020年结对帮扶工作计划表……月份……三……四……五……六……九……十……十一……十二……备注"
EIGHT = "每学期要按照不低于“八个一”的要求,包括:"

ROWS: tuple[Row, ...] = (
    # -- 沂源 源教体发〔2022〕11号 ---------------------------------------------------------------
    Row("yiyuan-2022", "leader-visits", "min", 2,
        "核心幼儿园园级领导干部每学期不少于2次到受援学区幼儿园调研、交流。"),
    Row("yiyuan-2022", "leader-visits", "max", NO_MAX,
        "核心幼儿园园级领导干部每学期不少于2次到受援学区幼儿园调研、交流。"),
    Row("yiyuan-2022", "c2-monthly-plan", "min", 1, "C2．共同体每月有工作计划、工作总结"),
    Row("yiyuan-2022", "c2-monthly-plan", "max", NO_MAX, "C2．共同体每月有工作计划、工作总结"),
    Row("yiyuan-2022", "c2-monthly-summary", "min", 1, "C2．共同体每月有工作计划、工作总结"),
    Row("yiyuan-2022", "c2-monthly-summary", "max", NO_MAX, "C2．共同体每月有工作计划、工作总结"),
    Row("yiyuan-2022", "c2-half-year-report", "min", 1, "有半年、年度工作汇报。（5分）"),
    Row("yiyuan-2022", "c2-half-year-report", "max", NO_MAX, "有半年、年度工作汇报。（5分）"),
    Row("yiyuan-2022", "c3-meetings", "min", 1, "每学期召开1-3次会议，有共同体发展的会议记录。"),
    Row("yiyuan-2022", "c3-meetings", "max", 3, "每学期召开1-3次会议，有共同体发展的会议记录。"),
    Row("yiyuan-2022", "c7-training", "min", 1, "C7．共同体每学年开展集中培训。"),
    Row("yiyuan-2022", "c7-training", "max", NO_MAX, "C7．共同体每学年开展集中培训。"),
    Row("yiyuan-2022", "c8-mentor-visits", "min", 2,
        "推行“指导师”制度，每学期2-4次并正常帮扶有记录。"),
    Row("yiyuan-2022", "c8-mentor-visits", "max", 4,
        "推行“指导师”制度，每学期2-4次并正常帮扶有记录。"),
    Row("yiyuan-2022", "c12-cultural", "min", 1,
        "共同体内学期或年内开展1-3次文化（含体育、艺术）活动和园际幼儿交流活动。"),
    Row("yiyuan-2022", "c12-cultural", "max", 3,
        "共同体内学期或年内开展1-3次文化（含体育、艺术）活动和园际幼儿交流活动。"),
    Row("yiyuan-2022", "c15-online-research", "min", 3, "每学年开展网络研修3-6次"),
    Row("yiyuan-2022", "c15-online-research", "max", 6, "每学年开展网络研修3-6次"),
    Row("yiyuan-2022", "c15-offline-research", "min", 2,
        "开展线下教研2-4次（包括交流、评课、讲座等）"),
    Row("yiyuan-2022", "c15-offline-research", "max", 4,
        "开展线下教研2-4次（包括交流、评课、讲座等）"),
    Row("yiyuan-2022", "c16-quality-analysis", "min", 1,
        "C16．共同体每学年进行1-2次统一的教学质量研讨分析"),
    Row("yiyuan-2022", "c16-quality-analysis", "max", 2,
        "C16．共同体每学年进行1-2次统一的教学质量研讨分析"),
    Row("yiyuan-2022", "c16-joint-research", "min", 1, "开展1-2次共同的课题研究。"),
    Row("yiyuan-2022", "c16-joint-research", "max", 2, "开展1-2次共同的课题研究。"),
    Row("yiyuan-2022", "c19-self-assessment", "min", 1, "每学期开展一次自我评估"),
    Row("yiyuan-2022", "c19-self-assessment", "max", 1, "每学期开展一次自我评估"),
    # -- 高台 《高台县2020年幼儿园结对帮扶工作实施方案》 ------------------------------------------
    Row("gaotai-2020", "calendar", "monthly_report_day", 30,
        "各校（园）在每月30日前将本月内开展帮扶活动的过程性资料报基教股备案。"),
    Row("gaotai-2020", "helper-monthly", "min", 3, "备注：帮扶园每月开展帮扶工作不少于三项"),
    Row("gaotai-2020", "helper-monthly", "max", NO_MAX, "备注：帮扶园每月开展帮扶工作不少于三项"),
    Row("gaotai-2020", "helper-monthly", "months", GAOTAI_MONTHS, GAOTAI_TABLE),
    Row("gaotai-2020", "helped-monthly-observation", "min", 1,
        "被帮扶园每月安排观摩交流等活动不少于1次。"),
    Row("gaotai-2020", "helped-monthly-observation", "max", NO_MAX,
        "被帮扶园每月安排观摩交流等活动不少于1次。"),
    Row("gaotai-2020", "helped-monthly-observation", "months", GAOTAI_MONTHS, GAOTAI_TABLE),
    # -- 青岛西海岸 幼儿园集团化办园工作方案1: the "八个一" ---------------------------------------
    *(
        Row("qingdao-xihaian-group", rule, field, value, EIGHT + "……" + words)
        for rule, words in (
            ("eight-directors-meeting", "召开一次成员单位园长学期工作研究会议;"),
            ("eight-key-task", "确定一项重点指导推动工作;"),
            ("eight-onsite-guidance", "开展一轮核心园对成员单位的现场指导;"),
            ("eight-joint-research", "组织一次联合教研活动;"),
            ("eight-training", "组织一次教师集中培训;"),
            ("eight-open-day", "开展一次核心园对成员单位的全面开放活动;"),
            ("eight-showcase", "举行一次成员单位办园成果展示;"),
            ("eight-term-review", "召开一次期末总结分析会。"),
        )
        for field, value in (("min", 1), ("max", NO_MAX))
    ),
    # -- 高庄镇 幼儿园集团化办园工作方案3 ---------------------------------------------------------
    Row("gaozhuang-town-group", "term-supervision", "min", 1,
        "每学期末由镇政府牵头组织相关部门人员对辖区内村级公办幼儿园、民办幼儿园进行一次全方位督导评估"),
    Row("gaozhuang-town-group", "term-supervision", "max", NO_MAX,
        "每学期末由镇政府牵头组织相关部门人员对辖区内村级公办幼儿园、民办幼儿园进行一次全方位督导评估"),
    # -- 东莞 幼儿园集团化办园工作方案2 -----------------------------------------------------------
    Row("dongguan-group", "party-day", "min", 2, "集团学校每学年至少共同组织2次主题党日活动"),
    Row("dongguan-group", "party-day", "max", NO_MAX, "集团学校每学年至少共同组织2次主题党日活动"),
    Row("dongguan-group", "monthly-study", "min", 1,
        "各成员学校党组织每月组织教职工开展1次思想政治学习。"),
    Row("dongguan-group", "monthly-study", "max", NO_MAX,
        "各成员学校党组织每月组织教职工开展1次思想政治学习。"),
    # -- 青铜峡 幼儿园集团化办园工作方案4 ---------------------------------------------------------
    Row("qingtongxia-group", "monthly-meeting", "min", 1,
        "联盟化办学牵头学校,每月至少召开一次联盟校会议"),
    Row("qingtongxia-group", "monthly-meeting", "max", NO_MAX,
        "联盟化办学牵头学校,每月至少召开一次联盟校会议"),
    Row("qingtongxia-group", "term-exchange", "min", 4, "定期开展合作交流活动,每学期不得低于4次。"),
    Row("qingtongxia-group", "term-exchange", "max", NO_MAX,
        "定期开展合作交流活动,每学期不得低于4次。"),
    Row("qingtongxia-group", "yearly-assessment", "min", 1,
        "实施统一的评价标准和考核办法,每学年对教育集团进行专项考核"),
    Row("qingtongxia-group", "yearly-assessment", "max", NO_MAX,
        "实施统一的评价标准和考核办法,每学年对教育集团进行专项考核"),
    Row("qingtongxia-group", "yearly-plan", "min", 1,
        "由牵头学校负责结合实际情况,制定年度工作计划,并报教育局审核备案后实施"),
    Row("qingtongxia-group", "yearly-plan", "max", NO_MAX,
        "由牵头学校负责结合实际情况,制定年度工作计划,并报教育局审核备案后实施"),
    # -- 盘锦 《盘锦市农村幼儿园帮扶工作方案》 ---------------------------------------------------
    Row("panjin-2024", "monthly-report", "min", 1,
        "各县区教育局从2024年9月开始,每月20日前将月报表(见附件)报送至市教育局。"),
    Row("panjin-2024", "monthly-report", "max", NO_MAX,
        "各县区教育局从2024年9月开始,每月20日前将月报表(见附件)报送至市教育局。"),
    # -- 青山湖 《青山湖区1+1+N幼教联盟方案》 ----------------------------------------------------
    Row("qingshanhu-1plus1plusn", "term-joint-research", "min", 2,
        "各联盟每学期集中研讨活动不少于2次"),
    Row("qingshanhu-1plus1plusn", "term-joint-research", "max", NO_MAX,
        "各联盟每学期集中研讨活动不少于2次"),
    Row("qingshanhu-1plus1plusn", "term-plan", "min", 1, "每学期初，制定联盟互动计划"),
    Row("qingshanhu-1plus1plusn", "term-plan", "max", NO_MAX, "每学期初，制定联盟互动计划"),
    Row("qingshanhu-1plus1plusn", "term-summary", "min", 1, "每学期末，做好教研经验小结及及交流工作。"),
    Row("qingshanhu-1plus1plusn", "term-summary", "max", NO_MAX,
        "每学期末，做好教研经验小结及及交流工作。"),
    # -- added with the engine: 沂源's missing rules, the roster, calendar years ------------------
    Row("yiyuan-2022", "c2-annual-report", "min", 1, "有半年、年度工作汇报。（5分）"),
    Row("yiyuan-2022", "c2-annual-report", "max", NO_MAX, "有半年、年度工作汇报。（5分）"),
    Row("yiyuan-2022", "term-classroom-research", "min", 1, "每学期选择1个领域开展课堂研究"),
    Row("yiyuan-2022", "term-classroom-research", "max", 1, "每学期选择1个领域开展课堂研究"),
    Row("yiyuan-2022", "c14-online-domains", "min", 1, "一学年涉及1-2个领域，不限定具体次数。"),
    Row("yiyuan-2022", "c14-online-domains", "max", 2, "一学年涉及1-2个领域，不限定具体次数。"),
    Row("yiyuan-2022", "c6-exchange", "min", 1,
        "双方每年至少各互派1名中层以上干部或骨干教师到对方幼儿园交流轮岗，交流时间1学年。"),
    Row("yiyuan-2022", "c6-exchange", "balance", "no_fewer",
        "受援学区选派同等人数或根据实际派送多于核心幼儿园援助人数的中层干部、骨干教师到核心幼儿园任教。"),
    Row("yiyuan-2022", "c8-mentors", "min", 1, "核心幼儿园对受援学区推行“指导师”制度"),
    Row("gaotai-2020", "mentor-pairs", "min", 1, "帮扶园领导、教师与被帮扶园领导、教师结成帮教对子"),
    Row("gaotai-2020", "calendar", "late_counts", False,
        "凡当月末没有及时上报资料的视为本月内没有开展帮扶工作"),
    Row("panjin-2024", "calendar", "monthly_report_day", 20,
        "每月20日前将月报表(见附件)报送至市教育局。"),
    Row("panjin-2024", "annual-summary", "min", 1,
        "12月上旬,各帮扶幼儿园和被帮扶幼儿园对本年度的帮扶工作进行总结,撰写帮扶工作总结报告"),
    Row("panjin-2024", "annual-summary", "max", NO_MAX,
        "12月上旬,各帮扶幼儿园和被帮扶幼儿园对本年度的帮扶工作进行总结,撰写帮扶工作总结报告"),
    Row("panjin-2024", "annual-summary", "due", "12-10", "4.总结评估阶段(每年12月):12月上旬"),
    Row("panjin-2024", "monthly-report", "start", dt.date(2024, 9, 1), "各县区教育局从2024年9月开始"),
    Row("panjin-2024", "agreement", "min_years", 2, "将帮扶形式具体细化,帮扶不少于两年"),
    Row("panjin-2024", "agreement", "listed_by", dt.date(2024, 9, 5),
        "制定年度帮扶计划表,并于2024年9月5日前上报到市教育局。"),
    Row("panjin-2024", "agreement", "signed_by", dt.date(2024, 9, 25), "2.协议签订阶段(9月6日至9月25日)"),
    Row("panjin-2024", "agreement", "filed_by", dt.date(2024, 10, 15),
        "10月15日前,以县区为单位,将已签订的帮扶协议上报市教育局。"),
    Row("dongguan-group", "cooperation", "min_years", 3, "集团化办学学校合作时限一般不少于3年"),
    Row("dongguan-group", "two-way-exchange", "min", 1,
        "互派管理人员双向交流、互派教师轮岗交流的制度"),
    Row("qingtongxia-group", "exchange", "min", 2,
        "牵头校每年至少要选派2名骨干教师、优秀教师和成员校同等数量的青年教师进行置换交流"),
    Row("qingtongxia-group", "exchange", "balance", "same", "成员校同等数量的青年教师进行置换交流"),
    Row("qingtongxia-group", "agreement", "signed", True, "联盟学校按照实施方案,制定、签订办学协议。"),
    # -- the programmes' own dates (programme.toml [dates]) -------------------------------------
    Row("yiyuan-2022", "dates", "start", dt.date(2022, 7, 1),
        "城乡教育共同体活动自2022年7月开始至2024年12月结束"),
    Row("yiyuan-2022", "dates", "end", dt.date(2024, 12, 31),
        "城乡教育共同体活动自2022年7月开始至2024年12月结束"),
    Row("panjin-2024", "dates", "start", dt.date(2024, 8, 20), "1.前期准备阶段(8月20日至9月5日)"),
    Row("panjin-2024", "dates", "end", dt.date(2026, 12, 31), "3.帮扶实施阶段(9月至2026年底)"),
    Row("qingdao-xihaian-group", "dates", "start", dt.date(2020, 6, 1),
        "(一)梳理完善,周密安排(2020年6月)"),
    Row("qingdao-xihaian-group", "dates", "end", dt.date(2025, 6, 30),
        "(四)评估指导、总结提升(2024年8月-2025年6月)"),
)  # fmt: skip

_CN = {1: "一", 2: "二两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
_CN.update({11: "十一", 12: "十二"})


def _numbers(value: Any) -> list[Any]:
    """The numbers a rule field holds: an int, or each int of a tuple (months)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, tuple) and value and all(isinstance(v, int) for v in value):
        return [value]
    return []


def numeric_fields(obj: Any) -> dict[str, Any]:
    """Every numeric field of a rule (min, max, months … and whatever a rule type adds later)."""
    out = {}
    names = obj._fields if isinstance(obj, tuple) else [f.name for f in dataclasses.fields(obj)]
    for name in names:  # rules are NamedTuples, the calendar a dataclass
        value = getattr(obj, name)
        if _numbers(value):
            out[name] = value
    return out


def actual(programme: Programme, rule_id: str, field: str) -> Any:
    if rule_id == "calendar":
        return getattr(programme.calendar, field)
    if rule_id == "dates":
        return getattr(programme.calendar.dates, field)
    (rule,) = [r for r in (*programme.rules, *programme.roster_rules) if r.id == rule_id]
    return getattr(rule, field)


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", text)


def notice(profile: str) -> str:
    number = NOTICE[profile]
    found = sorted(SEEDS.glob(f"{number}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"notice {number} not found: {SEEDS} is absent (CI keeps ../shared beside it)")
    return normalise(found[0].read_text(encoding="utf-8"))


# Words that state "once each period" or "there is one" without a figure: "共同体每月有工作计划",
# "每学年开展集中培训", "有半年、年度工作汇报", "制定年度工作计划", "双向交流" (one each way),
# "结成帮教对子", "推行“指导师”制度" (at least one pair).
ONCE = ("每", "半年", "年度", "双向", "结成", "推行")


def holds_number(quote: str, n: int) -> bool:
    """The quote states ``n``, in figures ("2次") or in words ("三项", "两年"); 1 also as "每月有"."""
    if n == 1 and any(word in quote for word in ONCE):
        return True
    if re.search(rf"(?<!\d){n}(?!\d)", quote):
        return True
    return any(word in quote for word in _CN.get(n, ""))


def _id(row: Row) -> str:
    return f"{row.profile}:{row.rule}:{row.field}"


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_the_profile_holds_the_number_of_the_notice(row: Row) -> None:
    value = actual(get_programme(row.profile), row.rule, row.field)
    assert value == row.expected, (
        f"{row.profile} {row.rule}.{row.field} = {value!r}, but the notice says {row.expected!r}:"
        f" “{row.quote}”"
    )


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_the_quote_is_the_notices_own_words_and_holds_the_number(row: Row) -> None:
    text = notice(row.profile)
    at = 0
    for piece in normalise(row.quote).split("……"):
        found = text.find(piece, at)
        assert found >= 0, (
            f"“{piece}” is not in notice {NOTICE[row.profile]} (after what precedes it)"
        )
        at = found + len(piece)
    if row.expected == NO_MAX and row.field == "max":
        return  # no ceiling: nothing to find
    if isinstance(row.expected, (bool, str)):
        if row.field == "due":  # "12-10": the month is in the quote ("12月上旬")
            assert f"{int(row.expected[:2])}月" in row.quote
        return  # a flag or a word ("same"): the quote is the notice's, nothing to count
    if isinstance(row.expected, dt.date):
        d = row.expected  # "2024年12月", "8月20日", "2026年底" (the year's last day)
        named = f"{d.month}月" in row.quote or (
            (d.month, d.day) == (12, 31) and f"{d.year}年底" in row.quote
        )
        assert named, f"the quote does not name {d}"
        return
    wanted = row.expected if isinstance(row.expected, tuple) else (row.expected,)
    for n in wanted:
        assert holds_number(row.quote, n), f"the quote does not state {n}: “{row.quote}”"


def test_every_profile_names_its_notice() -> None:
    assert set(NOTICE) == set(available_programmes())


def test_every_number_of_every_rule_has_a_row() -> None:
    """A rule (or a rule's number) added to a profile without its quoted row fails here: every
    rule's min and max and any other number (months), a yearly rule's due day, every non-zero
    number of a rule over the roster and at least one row for each such rule, a calendar's
    report day, and a programme's start and end."""
    covered = {(r.profile, r.rule, r.field) for r in ROWS}
    missing = []
    for profile in available_programmes():
        programme = get_programme(profile)
        for rule in programme.rules:
            fields = ("min", "max", *numeric_fields(rule))
            fields += tuple(f for f in ("due", "start") if getattr(rule, f))
            for field in fields:
                if (profile, rule.id, field) not in covered:
                    missing.append(f"{profile} {rule.id}.{field}")
        for roster_rule in programme.roster_rules:
            wanted = [f for f, v in numeric_fields(roster_rule).items() if v]
            wanted += [f for f in ("listed_by", "signed_by", "filed_by") if getattr(roster_rule, f)]
            if roster_rule.balance:
                wanted.append("balance")
            if not any(r.profile == profile and r.rule == roster_rule.id for r in ROWS):
                missing.append(f"{profile} {roster_rule.id}")
            for field in wanted:
                if (profile, roster_rule.id, field) not in covered:
                    missing.append(f"{profile} {roster_rule.id}.{field}")
        dates = programme.calendar.dates
        for field in ("start", "end"):
            if getattr(dates, field) and (profile, "dates", field) not in covered:
                missing.append(f"{profile} dates.{field}")
        day = (profile, "calendar", "monthly_report_day")
        if programme.calendar.monthly_report_day and day not in covered:
            missing.append(f"{profile} calendar.monthly_report_day")
    assert not missing, "numbers without the notice's sentence: " + "、".join(missing)


def test_every_row_names_a_rule_that_exists() -> None:
    for row in ROWS:
        actual(get_programme(row.profile), row.rule, row.field)  # raises on a stale row


def test_holds_number_reads_figures_and_words() -> None:
    assert holds_number("每学期2-4次", 2) and holds_number("每学期2-4次", 4)
    assert not holds_number("每学期2-4次", 5) and not holds_number("2024年", 2)
    assert holds_number("不少于三项", 3) and holds_number("不少于两年", 2)
    assert not holds_number("不少于三项", 4)
    assert holds_number("共同体每月有工作计划", 1) and not holds_number("共同体有工作计划", 1)
