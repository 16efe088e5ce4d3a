"""A school year of invented plans and activities for the demo data file (示例), with a few
photos the program draws itself (nothing is downloaded).

Kept apart from demo.py (the roster) so each stays readable; both write only through the same
core operations a director uses.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
from pathlib import Path

from gongtongti_desktop.core import attachments, periods, plans, records, roster
from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.store import Store

# (kind, title, 方案, 措施, 记录, 总结) — invented, in the register of real 帮扶档案.
_TEMPLATES = [
    (
        "送教下乡",
        "送教下乡：大班科学活动《有趣的沉与浮》",
        "由骨干教师执教一节大班科学活动，课后与受援园教师集体评课。",
        "提前两周与受援园沟通班级情况，共同准备实验材料。",
        "执教教师引导幼儿猜想、验证，受援园 12 名教师观摩；评课中围绕材料投放与提问策略展开讨论。",
        "受援园教师对探究式活动的组织有了直观认识，下一步将跟进其自主设计的同类活动。",
    ),
    (
        "专题讲座",
        "专题讲座：幼儿园区域活动的创设与指导",
        "围绕《3-6岁儿童学习与发展指南》开展区域活动专题讲座。",
        "讲座前收集受援园区域活动照片，讲座中结合案例分析。",
        "讲座分为理论讲解、案例分析、互动答疑三部分，参会教师提出材料更新频率等问题。",
        "教师对区角设置有了新的思路，需在入园指导中跟进落实。",
    ),
    (
        "入园指导",
        "入园指导：一日生活常规与环境创设",
        "业务园长带队深入受援园半日跟班，查看一日生活各环节。",
        "按照一日生活检查表逐项记录，现场反馈。",
        "查看晨检、早操、集体活动、区域活动、午餐各环节，发现区角材料偏少、户外活动时间不足。",
        "形成书面反馈意见，约定一个月后回访。",
    ),
    (
        "网络研修",
        "网络研修：城乡同步集体教学（语言领域）",
        "利用企业微信开展城乡同步集体教学直播与线上研讨。",
        "提前测试网络与设备，双方各安排一名主持人。",
        "核心园执教大班语言活动《小蝌蚪找妈妈》，受援园教师在线观摩并留言研讨。",
        "线上形式覆盖面广，但互动不足，下次增加分组研讨环节。",
    ),
    (
        "线下教研",
        "线下教研：同课异构《好玩的纸》",
        "两园教师围绕同一内容分别设计并执教，课后对比研讨。",
        "确定研讨主题“如何支持幼儿的自主探究”。",
        "两节活动各有侧重，研讨中梳理出三条共识。",
        "同课异构能有效暴露教学差异，计划每学期开展两次。",
    ),
    (
        "跟岗研修",
        "跟岗研修：受援园教师到核心园跟岗一周",
        "受援园两名骨干教师到核心园跟班学习。",
        "为每名跟岗教师安排一名指导教师，每天记录跟岗日志。",
        "跟岗教师参与备课、组织活动、观察记录与家长工作。",
        "跟岗教师返园后在本园作汇报分享。",
    ),
    (
        "会议",
        "共同体工作推进会",
        "召开共同体成员园园长会议，总结上月工作、部署本月任务。",
        "会前收集各园工作进展，形成会议议程。",
        "会议由核心园园长主持，各园汇报进展，讨论指导师制度落实情况。会议纪要另附。",
        "明确下月重点工作与责任人。",
    ),
    (
        "文化/体育/艺术活动",
        "园际幼儿交流：秋季亲子运动会",
        "组织共同体内幼儿开展联合运动会。",
        "制定安全预案，分园区设置比赛项目。",
        "共 6 个项目，两园 120 余名幼儿及家长参加。",
        "活动增进了园际交流，家长反响良好。",
    ),
    (
        "指导师指导",
        "指导师入园指导：中班科学区材料投放",
        "指导师按计划入园，聚焦科学区材料投放。",
        "观察—记录—反馈—跟进。",
        "指导师观察中班科学区幼儿活动 40 分钟，与班级教师逐一分析材料层次。",
        "班级教师调整了三组材料，下次指导时回看效果。",
    ),
    (
        "教学质量分析",
        "共同体教学质量研讨分析会",
        "分析本学期各园保育教育质量自评结果。",
        "依据《幼儿园保育教育质量评估指南》梳理问题。",
        "各园交流自评发现的问题，聚焦师幼互动质量。",
        "形成共同体质量提升清单。",
    ),
]
_PLAN_TASKS = [
    ("送教下乡", "送教下乡：骨干教师示范课一节并评课"),
    ("专题讲座", "专题讲座：区域活动创设与指导"),
    ("入园指导", "入园指导：半日跟班，一日生活常规"),
    ("网络研修", "网络研修：城乡同步集体教学"),
    ("线下教研", "线下教研：同课异构"),
    ("会议", "召开共同体工作推进会"),
]


def _photo(rng: random.Random, index: int) -> bytes:
    """A simple drawn picture (sky, ground, a sun and children as circles): obviously 示例."""
    from PIL import Image, ImageDraw

    width, height = 640, 420
    image = Image.new("RGB", (width, height), (200, 228, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 0.62, width, height], fill=(120, 190, 110))
    draw.ellipse([width - 120, 30, width - 50, 100], fill=(255, 214, 90))
    for i in range(3 + index % 4):
        x = 60 + i * 110 + rng.randint(-15, 15)
        y = int(height * 0.55) + rng.randint(-10, 10)
        colour = rng.choice([(232, 96, 76), (90, 140, 220), (245, 170, 60), (150, 100, 200)])
        draw.ellipse([x, y - 60, x + 40, y - 20], fill=(250, 215, 185))
        draw.rectangle([x + 2, y - 20, x + 38, y + 40], fill=colour)
    draw.rectangle([10, 10, 150, 40], fill=(255, 255, 255))
    draw.text((20, 18), f"DEMO PHOTO {index + 1}", fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def fill_diary(store: Store, programme: Programme, school_year: int, seed: int = 2024) -> None:
    """Plans for every row of the school year and 3–5 activities a month, some with photos."""
    rng = random.Random(seed)
    leads = roster.list_pairings(store)
    lead_id = leads[0]["lead_id"]
    partners = [p["partner_id"] for p in leads if p["lead_id"] == lead_id]
    people = [p["id"] for p in roster.list_people(store) if p["kindergarten_id"] == lead_id]
    year = periods.school_year_period(programme.calendar, school_year)
    kinds = set(programme.activity_kinds)
    templates = [t for t in _TEMPLATES if t[0] in kinds] or _TEMPLATES[:1]
    with tempfile.TemporaryDirectory() as tmp:
        photos = []
        for i in range(6):
            path = Path(tmp) / f"示例照片{i + 1}.png"
            path.write_bytes(_photo(rng, i))
            photos.append(path)
        with store.atomic():
            for row in periods.plan_rows(programme.calendar, year):
                items, item_kinds = [], []
                for n, (kind, task) in enumerate(rng.sample(_PLAN_TASKS, 3)):
                    kind = kind if kind in kinds else ""
                    item_kinds.append(kind)
                    day = row.start + dt.timedelta(days=min(5 + n * 9, (row.end - row.start).days))
                    items.append(
                        records.save_record(store, programme, "plan_item", {
                            "month": row.key, "day": day.isoformat(), "task": task, "kind": kind,
                            "responsible_id": rng.choice(people), "status": plans.PLANNED,
                        })
                    )  # fmt: skip
                for y, m in row.months:
                    for n in range(rng.randint(3, 5)):
                        template = rng.choice(templates)
                        start_hour = rng.choice([8, 9, 14])
                        day = dt.date(
                            y, m, min(3 + n * 6 + rng.randint(0, 4), periods.month_end(y, m).day)
                        )
                        first_month = (y, m) == row.months[0]
                        linked = n < len(items) and first_month and rng.random() < 0.8
                        planned = items[n] if linked else None
                        same_kind = [t for t in templates if linked and t[0] == item_kinds[n]]
                        if same_kind:  # an activity carries out an item of its own kind
                            template = rng.choice(same_kind)
                        act = records.save_record(store, programme, "activity", {
                            "day": day.isoformat(), "start_time": f"{start_hour:02d}:30",
                            "end_time": f"{start_hour + 2:02d}:30", "kind": template[0],
                            "title": template[1], "mode": "线上" if template[0] == "网络研修" else "线下",
                            "place": "企业微信" if template[0] == "网络研修" else "",
                            "host_id": lead_id, "receiver_ids": rng.sample(partners, rng.randint(1, len(partners))),
                            "participant_ids": rng.sample(people, min(2, len(people))),
                            "headcount": str(rng.randint(8, 40)), "domain": rng.choice(["健康", "语言", "社会", "科学", "艺术", "游戏"]),
                            "plan_text": template[2], "measures": template[3], "record": template[4],
                            "summary": template[5], "plan_item_id": planned,
                        })  # fmt: skip
                        if rng.random() < 0.35:
                            for photo in rng.sample(photos, rng.randint(1, 2)):
                                attachments.add_attachment(
                                    store, act, photo, "活动现场（示例照片）"
                                )
                for item_id in items:
                    item = records.get_record(store, "plan_item", item_id)
                    assert item is not None
                    if item["status"] == plans.PLANNED and rng.random() < 0.5:
                        item.update(status=plans.POSTPONED, completion_note="因故顺延至下月")
                        records.save_record(store, programme, "plan_item", item, item_id)
