"""What the demo adds on top of the roster and the random diary (示例): the records each
profile's rules ask for, stage summaries, and scores — so 概览, the rules, 阶段总结 and 考核评分
open on something real, with designed gaps (a month without a summary, a term short of 指导师
visits, a missing 成果展示) next to met requirements.

Everything goes through the core operations a director uses (records, stage_reports.save_summary,
scoring.set_score / accept_suggestion / add_evidence); nothing here writes SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gongtongti_desktop.core.checks import rules, score_suggestions
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo import diary as demo_diary
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, plans, roster, scoring, stage_reports

if TYPE_CHECKING:
    from gongtongti_desktop.core.demo.builder import DemoSetup

_D = dt.date.fromisoformat

# -- Yiyuan (沂源县源教体发〔2022〕11号): school year 2024 with the spring term before it -----------------------

# The previous term (spring 2024, school year 2023) gets what its term and school-year rules ask
# for, but for two designed gaps: one 指导师 visit (C8 wants 2–4) and no joint research (C16).
YIYUAN_PREVIOUS = ("2024-02-01", "2024-06-30")
YIYUAN_GAPS = {("c8-mentor-visits", "2024-spring"): 1, ("c16-joint-research", "2023"): 0}
YIYUAN_MONTHLY_SUMMARIES = ("2024-07", "2024-09", "2024-11")  # not 2024-10: C2 shows the gap
YIYUAN_TERM_SUMMARIES = ("2024-spring", "2024-autumn")

_SUMMARY_TEXTS = {
    "2024-07": (
        "暑期组织共同体教师集中培训，受援学区教师全员参加；完成新学期结对计划的修订。",
        "暑期活动以线上为主，受援学区部分教师参与度不高。",
        "开学前完成指导师分工，9月起按月入园指导。",
    ),
    "2024-09": (
        "召开共同体学期工作部署会；送教下乡、入园指导按计划完成，受援园区域活动有起色。",
        "个别受援园户外活动时间仍不足两小时。",
        "10月开展同课异构线下教研，跟进户外活动的组织。",
    ),
    "2024-11": (
        "指导师入园指导两次，网络研修一次，受援园教师参与积极。",
        "活动过程资料（照片、总结）整理不够及时。",
        "12月完成学期资料整理，准备学期自我评估。",
    ),
    "2024-spring": (
        "春季学期完成调研指导、工作会议、网络研修与线下教研；开展园际幼儿交流活动。",
        "指导师入园仅一次，未达到每学期2-4次；共同课题尚未启动。",
        "秋季学期落实指导师制度，完成共同课题的申报与开题。",
    ),
    "2024-autumn": (
        "召开共同体工作会议，组织集中培训，共同课题开题；指导师入园指导按计划开展，完成学期自我评估。",
        "10月份工作总结未按时完成；线下教研次数超出计划，部分活动质量不高。",
        "春季学期每月按时完成计划与总结，精简线下教研，提高每次活动的质量。",
    ),
}


def _fill_yiyuan(store: Store, programme: Programme, today: dt.date) -> None:
    first, last = (_D(d) for d in YIYUAN_PREVIOUS)
    term_rules = tuple(
        r.id for r in programme.rules if r.counts == "activities" and r.per != "month"
    )
    demo_diary.fill_rule_samples(
        store, programme, first, last, rule_ids=term_rules, counts=YIYUAN_GAPS
    )
    with store.atomic():
        made = {
            "training": demo_diary.add_activity(store, programme, "集中培训", _D("2024-08-20")),
            "research": demo_diary.add_activity(store, programme, "课题研究", _D("2024-10-22")),
            "self": demo_diary.add_activity(store, programme, "自我评估", _D("2025-01-10")),
            "no_minutes": demo_diary.add_activity(
                store, programme, "会议", _D("2024-12-20"), with_record=False
            ),
        }
        filler = roster.list_pairings(store)[0]["lead_person"]
        for key in (*YIYUAN_MONTHLY_SUMMARIES, *YIYUAN_TERM_SUMMARIES):
            highlights, problems, next_steps = _SUMMARY_TEXTS[key]
            values = {"highlights": highlights, "problems": problems, "next_steps": next_steps}
            stage_reports.save_summary(store, key, {**values, "filler": filler})
    _score_yiyuan(store, programme, today, made)


# 附件4 scores as a director and the county might give them (示例): item → points. School year
# 2024 is being scored (mid-year); 2023 has a smaller, older set, so the side-by-side view shows
# changes. C13/C14 are left unscored in 2024; C3, C7, C12 and C19 take the suggestion instead.
YIYUAN_SELF = {
    "2024": {"C1": 2, "C2": 4, "C4": 2, "C5": 3.5, "C6": 4, "C8": 3, "C9": 7, "C10": 9,
             "C11": 3.5, "C15": 4.5, "C16": 4, "C17": 2.5, "C18": 1.5, "C23": 5},
    "2023": {"C1": 1.5, "C2": 2, "C3": 1.5, "C4": 1.5, "C5": 3, "C6": 3, "C7": 4, "C8": 1,
             "C9": 6, "C10": 8, "C11": 3, "C12": 3.5, "C15": 4, "C19": 8, "C21": 5},
}  # fmt: skip
YIYUAN_COUNTY = {
    "2024": {"C1": 2, "C2": 3.5, "C3": 1, "C4": 2, "C5": 3, "C6": 4, "C7": 4, "C8": 3,
             "C9": 6.5, "C10": 8},
    "2023": {"C1": 1.5, "C2": 2, "C3": 1.5, "C4": 1.5, "C5": 2.5, "C6": 3},
}  # fmt: skip
YIYUAN_ACCEPTED = {"2024": ("C3", "C7", "C12", "C19"), "2023": ("C16",)}
YIYUAN_COMMENTS = {
    "2024": {
        "C2": "10月份工作总结缺失（示例）",
        "C5": "县教体局公众号报道共同体活动3篇（示例）",
        "C10": "交流轮岗教师名单与任教记录齐全（示例）",
        "C23": "日常工作落实成绩全县同类园第3名（示例）",
    },
    "2023": {"C21": "2023年度工作汇报总成绩全县第二（示例）"},
}


def _score_yiyuan(store: Store, programme: Programme, today: dt.date, made: dict[str, str]) -> None:
    index = programme.index("annex4")
    cal = programme.calendar
    for key in ("2023", "2024"):
        period = periods.period_from_key(cal, key)
        suggestions = score_suggestions.suggest(store, programme, index, period, today)
        for code in YIYUAN_ACCEPTED[key]:
            scoring.accept_suggestion(store, index, key, suggestions[code])
        for code, value in YIYUAN_SELF[key].items():
            scoring.set_score(store, index, key, code, self_score=value)
        for code, value in YIYUAN_COUNTY[key].items():
            scoring.set_score(store, index, key, code, county_score=value)
        for code, text in YIYUAN_COMMENTS[key].items():
            scoring.set_score(store, index, key, code, comment=text)
    # Evidence for 2024: the activities the rules counted, a photo, a plan item.
    for code, activity in (("C7", made["training"]), ("C16", made["research"]),
                           ("C19", made["self"])):  # fmt: skip
        scoring.add_evidence(store, index, "2024", code, "activity", activity)
    autumn = periods.parse_term(cal, "2024-autumn")
    by_id = {r.id: r for r in programme.rules}
    (meetings,) = rules.evaluate(store, cal, by_id["c3-meetings"], autumn, today)
    for activity in meetings.record_ids:
        scoring.add_evidence(store, index, "2024", "C3", "activity", activity)
    (visits,) = rules.evaluate(store, cal, by_id["c8-mentor-visits"], autumn, today)
    photos = [a for i in visits.record_ids for a in attachments.list_attachments(store, i)]
    if photos:
        scoring.add_evidence(store, index, "2024", "C8", "attachment", photos[0]["id"])
    scoring.add_evidence(store, index, "2024", "C8", "activity", visits.record_ids[0])
    september = plans.list_items(store, programme, periods.parse_month("2024-09"))
    scoring.add_evidence(store, index, "2024", "C2", "plan_item", september[0]["id"])


# -- the other profiles -------------------------------------------------------------------------

# (rule id, period key) → how many records the demo makes instead of the rule's minimum.
_GAPS: dict[str, dict[tuple[str, str], int]] = {
    "gaotai-2020": {("helped-monthly-observation", "2020-04"): 0},
    "qingdao-xihaian-group": {
        ("eight-showcase", "2024-spring"): 0,
        ("eight-term-review", "2024-autumn"): 0,  # the term is still running on the demo's today
    },
    "qingshanhu-1plus1plusn": {("term-joint-research", "2024-spring"): 1},
}
# Rules whose activities the helped kindergarten hosts ("被帮扶园每月安排观摩交流等活动").
_PARTNER_HOSTED = {"gaotai-2020": {"helped-monthly-observation": "partner"}}
# Gaotai: the helper's monthly count comes from the random diary, the rest from samples.
_SAMPLED_RULES = {"gaotai-2020": ("helped-monthly-observation",)}


def fill_extras(store: Store, programme: Programme, setup: DemoSetup, today: dt.date) -> None:
    """The profile's rule samples, summaries and scores, up to the demo's today."""
    if programme.id == "yiyuan-2022":
        _fill_yiyuan(store, programme, today)
        return
    if setup.samples_from:
        demo_diary.fill_rule_samples(
            store,
            programme,
            _D(setup.samples_from),
            today,
            rule_ids=_SAMPLED_RULES.get(programme.id, ()),
            counts=_GAPS.get(programme.id),
            hosts=_PARTNER_HOSTED.get(programme.id),
            months=setup.plan_months,
        )
    for index in programme.indexes:
        if index.kind == "checklist":
            _fill_checklist(store, programme, index.id, today)


# 督导评估 verdicts (示例): every item 符合 but these, per term; the later term shows progress.
CHECKLIST_EXCEPTIONS = {
    "2024-spring": {
        "3": ("基本符合", "中班实际33人，超出规定（示例）"),
        "4": ("不符合", "无30m直跑道（示例）"),
        "19": ("基本符合", "雨雪天户外活动时间不足两小时（示例）"),
        "26": ("基本符合", "培训过程性资料不全（示例）"),
        "27": ("不符合", "园本教研未能每周开展（示例）"),
    },
    "2024-autumn": {
        "4": ("基本符合", "直跑道已规划，待施工（示例）"),
        "26": ("基本符合", "教师专业成长档案待补充（示例）"),
    },
}


def _fill_checklist(store: Store, programme: Programme, index_id: str, today: dt.date) -> None:
    """Verdicts for the terms of CHECKLIST_EXCEPTIONS that had begun by ``today``."""
    index = programme.index(index_id)
    for key, exceptions in CHECKLIST_EXCEPTIONS.items():
        if periods.period_from_key(programme.calendar, key).start > today:
            continue
        for item in index.items:
            verdict, comment = exceptions.get(item.code, ("符合", ""))
            scoring.set_score(store, index, key, item.code, verdict=verdict, comment=comment)
