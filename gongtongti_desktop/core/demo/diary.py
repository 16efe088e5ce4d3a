"""Invented plans and activities for the demo data file (示例), with a few photos the program
draws itself (nothing is downloaded).

Two sources: ``fill_diary`` writes plans for a span of plan rows and 3–5 random activities a
month up to the demo's today; ``fill_rule_samples`` writes what a profile's rules ask for, period
by period (the "八个一", a 自我评估 per term, …), so a profile whose activity kinds the random
templates do not know still gets a diary, and a designed gap is one number in a table.

Kept apart from demo.py (the roster) so each stays readable; both write only through the same
core operations a director uses.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
from pathlib import Path

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.profile.rule_specs import Rule
from gongtongti_desktop.core.records import attachments, diary, plans, roster  # noqa: F401
from gongtongti_desktop.core.records import engine as records

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


def photo_of_the_day(folder: Path, picture: Path, day: dt.date, hour: int) -> Path:
    """A demo picture made this activity's own: bushes and clouds laid out by the day and the
    picture, and the capture time (EXIF) on the activity's day — so the demo's photos pass the
    photo checks (core/checks/photo_flags.py) as a careful director's would. Seeded, not
    random: the demo file is the same on every run."""
    from PIL import Image, ImageDraw

    seed = f"{day.isoformat()}-{picture.stem}"
    rng = random.Random(seed)
    with Image.open(picture) as base:
        image = base.convert("RGB")
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for _ in range(14):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 110)
        colour = (rng.randrange(40, 250), rng.randrange(60, 250), rng.randrange(40, 220))
        draw.ellipse([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = f"{day:%Y:%m:%d} {hour:02d}:{rng.randrange(30, 60):02d}:00"
    path = folder / f"IMG_{day:%Y%m%d}_{picture.stem[-1]}.jpg"
    image.save(path, "JPEG", quality=85, exif=exif)
    return path


def demo_photos(folder: Path, rng: random.Random, count: int = 6) -> list[Path]:
    """``count`` drawn pictures written into ``folder`` (a temporary one: attaching copies them)."""
    photos = []
    for i in range(count):
        path = folder / f"示例照片{i + 1}.png"
        path.write_bytes(_photo(rng, i))
        photos.append(path)
    return photos


def fill_diary(
    store: Store,
    programme: Programme,
    span: Period,
    until: dt.date,
    *,
    months: tuple[int, ...] = (),
    thin: tuple[str, ...] = (),
    seed: int = 2024,
) -> None:
    """Plans for every row of ``span`` and 3–5 activities a month up to ``until`` (none after:
    a diary records what happened), some with photos. ``months``: only these calendar months
    get plans and activities (a profile's plan table may skip the holidays); ``thin``: months
    ("YYYY-MM") with only two activities, where the helper fell behind. The random draws do not
    depend on ``until``, so an earlier ``until`` leaves the months before it unchanged."""
    rng = random.Random(seed)
    leads = roster.list_pairings(store)
    lead_id = leads[0]["lead_id"]
    partners = [p["partner_id"] for p in leads if p["lead_id"] == lead_id]
    people = [p["id"] for p in roster.list_people(store) if p["kindergarten_id"] == lead_id]
    kinds = set(programme.activity_kinds)
    templates = [t for t in _TEMPLATES if t[0] in kinds] or _TEMPLATES[:1]
    with tempfile.TemporaryDirectory() as tmp:
        photos = demo_photos(Path(tmp), rng)
        with store.atomic():
            for row in periods.plan_rows(programme.calendar, span):
                if months and row.months[0][1] not in months:
                    continue
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
                    count = rng.randint(3, 5)
                    if f"{y:04d}-{m:02d}" in thin:
                        count = 2
                    for n in range(count):
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
                        values = {
                            "day": day.isoformat(), "start_time": f"{start_hour:02d}:30",
                            "end_time": f"{start_hour + 2:02d}:30", "kind": template[0],
                            "title": template[1], "mode": "线上" if template[0] == "网络研修" else "线下",
                            "place": "企业微信" if template[0] == "网络研修" else "",
                            "host_id": lead_id, "receiver_ids": rng.sample(partners, rng.randint(1, len(partners))),
                            "participant_ids": rng.sample(people, min(2, len(people))),
                            "headcount": str(rng.randint(8, 40)), "domain": rng.choice(["健康", "语言", "社会", "科学", "艺术", "游戏"]),
                            "plan_text": template[2], "measures": template[3], "record": template[4],
                            "summary": template[5], "plan_item_id": planned,
                        }  # fmt: skip
                        with_photos = rng.random() < 0.35
                        chosen = rng.sample(photos, rng.randint(1, 2)) if with_photos else []
                        if day > until:
                            continue
                        act = records.save_record(store, programme, "activity", values)
                        for photo in chosen:
                            own = photo_of_the_day(Path(tmp), photo, day, start_hour)
                            attachments.add_attachment(store, act, own, "活动现场（示例照片）")
                for item_id in items:
                    item = records.get_record(store, "plan_item", item_id)
                    assert item is not None
                    # (rng drawn only for open items, as before, so the data stay the same)
                    if item["status"] == plans.PLANNED and rng.random() < 0.5 and row.end < until:
                        item.update(status=plans.POSTPONED, completion_note="因故顺延至下月")
                        records.save_record(store, programme, "plan_item", item, item_id)


# -- rule samples: the records a profile's rules ask for ----------------------------------------

# kind → (title, 方案, 措施, 记录, 总结) for the activities made for a rule; kinds not listed here
# take the first random-diary template of their kind, else a plain text naming the kind.
_SAMPLE_TEXTS: dict[str, tuple[str, str, str, str, str]] = {
    "调研": (
        "核心园领导到受援园调研指导",
        "园长、业务园长到受援园调研保教管理与教师队伍情况。",
        "提前发放调研提纲，现场查看、座谈、查阅资料相结合。",
        "查看一日活动组织与区域环境，与受援园教师座谈，梳理出户外活动组织、观察记录两方面的问题。",
        "形成调研报告，确定下阶段指导重点。",
    ),
    "集中培训": (
        "共同体教师集中培训：《指南》背景下的一日活动组织",
        "共同体各园教师集中培训两天，专家讲座与分组研讨结合。",
        "按园分组，每组由核心园骨干教师带领研讨。",
        "培训包括专题讲座两场、案例研讨一次，参训教师提交学习心得。",
        "参训教师对一日活动各环节的教育价值认识加深，后续以入园指导跟进。",
    ),
    "文化/体育/艺术活动": (
        "共同体幼儿艺术展演",
        "共同体各园幼儿同台展演歌舞、童话剧等艺术节目。",
        "各园提前排练，核心园统一安排场地与安全预案。",
        "五所幼儿园共 11 个节目，受援学区幼儿首次登台，家长代表观看。",
        "展演丰富了幼儿的艺术体验，下学年轮流在受援学区举办。",
    ),
    "园际幼儿交流": (
        "园际幼儿交流：大班幼儿“手拉手”游园活动",
        "受援园大班幼儿到核心园参加游园与区域游戏。",
        "制定安全预案，两园教师一对一结组带队。",
        "幼儿参加了户外自主游戏和区域活动，并互赠自制小礼物。",
        "幼儿交往积极，下学期安排核心园幼儿回访。",
    ),
    "课题研究": (
        "共同体课题开题论证：农村幼儿园区域游戏材料的本土化开发",
        "申报共同体共同课题，开展开题论证。",
        "成立课题组，核心园与受援园各确定两名研究教师。",
        "邀请县教研员参加开题论证，课题组汇报研究设计，专家提出修改意见。",
        "完善研究方案，按月开展材料开发与观察记录。",
    ),
    "自我评估": (
        "保育教育质量自我评估",
        "依据《幼儿园保育教育质量评估指南》的15项关键指标和48个考察要点开展本学期自我评估。",
        "各园对照考察要点自评，核心园派人参与受援园自评并指导。",
        "完成自评表，汇总出师幼互动、环境创设两项薄弱环节。",
        "形成自评报告，列入下学期改进计划。",
    ),
    "观摩交流": (
        "观摩交流：被帮扶园教师到帮扶园观摩区域活动",
        "被帮扶园派业务骨干到帮扶园实地观摩环境创设、户外活动和区域活动。",
        "帮扶园各年级准备一节区域活动观摩课。",
        "观摩后两园教师交流区角设置与材料投放，被帮扶园教师记录可借鉴的做法。",
        "被帮扶园回园后调整了两个区角的材料。",
    ),
    "园长学期工作研究会议": (
        "成员单位园长学期工作研究会议",
        "核心园园长召集成员单位园长，研究本学期集团工作。",
        "会前征集各园困难与需求。",
        "会议确定本学期重点工作与分工，形成会议纪要。",
        "各园按分工落实，月底报进展。",
    ),
    "重点指导推动工作": (
        "确定本学期重点指导推动工作：户外自主游戏",
        "集团确定户外自主游戏为本学期重点指导推动工作。",
        "核心园骨干教师分片包园，每月入园一次。",
        "制定推进计划和观察记录表，各成员单位确定试点班级。",
        "学期末以成果展示检验推进效果。",
    ),
    "现场指导": (
        "核心园对成员单位的现场指导",
        "核心园管理团队分组到各成员单位开展一轮现场指导。",
        "按一日活动检查表逐项查看并当场反馈。",
        "查看各成员单位晨检、区域活动、户外活动与午睡环节，反馈问题清单。",
        "问题清单交各园整改，下一轮指导时回看。",
    ),
    "联合教研": (
        "联合教研：同课异构《有趣的影子》",
        "各园教师围绕同一活动内容同课异构。",
        "牵头园与一所结对园各出一节活动，课后集中研讨；收集签到表、教案与反思。",
        "研讨围绕提问策略与材料投放展开，形成三条共识。",
        "教研成果在各园推广。",
    ),
    "教师集中培训": (
        "集团教师集中培训",
        "集团组织成员单位教师集中培训一天。",
        "专家讲座与分组实操结合。",
        "培训内容为观察记录与个别化支持，参训教师完成一份观察记录。",
        "培训学时计入区级培训学分。",
    ),
    "全面开放活动": (
        "核心园对成员单位的全面开放活动",
        "核心园向成员单位全面开放半日活动、课程资源与管理资料。",
        "成员单位教师分组跟班观摩。",
        "开放内容包括晨间活动、集体活动、区域活动和档案资料展示。",
        "成员单位带回管理模板与课程资源。",
    ),
    "办园成果展示": (
        "成员单位办园成果展示",
        "成员单位展示本学期办园成果。",
        "各园准备环境创设照片、课程故事与幼儿作品。",
        "各成员单位依次展示，核心园点评。",
        "优秀做法汇编成册在集团内共享。",
    ),
    "期末总结分析会": (
        "集团期末总结分析会",
        "召开期末总结分析会，分析本学期“八个一”完成情况。",
        "各园提前提交学期小结。",
        "会议逐项回顾“八个一”，分析不足，研究下学期计划。",
        "形成学期总结，报区局备案。",
    ),
    "督导评估": (
        "学期末督导评估（效果检测）",
        "镇政府牵头组织相关部门对村级公办园、民办园开展学期末督导评估。",
        "对照33项评估内容逐项查看、查阅资料、访谈教师。",
        "评估组分两组完成各园检查，记录符合、基本符合与不符合项。",
        "检测结果纳入年度目标考核，不符合项限期整改。",
    ),
    "集中研讨": (
        "联盟集中研讨：幼儿园户外自主游戏的观察与支持",
        "联盟教研组围绕户外自主游戏开展集中研讨。",
        "龙头园业务园长主持，各园提前提交游戏观察案例。",
        "现场观摩户外游戏半日，分组研讨观察记录，填写签到表、研讨记录。",
        "各园带回观察要点，下次研讨交流实践情况。",
    ),
}
_LATE_KINDS = ("自我评估", "期末总结分析会", "督导评估")  # done near the end of the period


def sample_texts(kind: str) -> tuple[str, str, str, str, str]:
    if kind in _SAMPLE_TEXTS:
        return _SAMPLE_TEXTS[kind]
    for template in _TEMPLATES:
        if template[0] == kind:
            return template[1:]
    return (
        kind,
        f"按计划开展{kind}。",
        "提前确定参加人员与分工。",
        f"{kind}按计划完成，过程资料已归档。",
        "总结经验，下次改进。",
    )


def _sample_days(
    period: Period, start: dt.date, kind: str, n: int, slot: int = 0, slots: int = 1
) -> list[dt.date]:
    """``n`` working days spread over the period from ``start`` (late in it for a term-end
    kind). Rule ``slot`` of ``slots`` takes every slots-th place, so the rules of one period
    follow each other in file order instead of falling on one day."""
    first = max(period.start, start)
    length = (period.end - first).days
    if kind in _LATE_KINDS:
        days = [max(first, period.end - dt.timedelta(days=21 - 2 * i)) for i in range(n)]
    else:
        places = n * slots + 1
        days = [
            first + dt.timedelta(days=length * (i * slots + slot + 1) // places) for i in range(n)
        ]
    out = []
    for day in days:
        while day.weekday() >= 5 and day > first:  # not on a weekend
            day -= dt.timedelta(days=1)
        out.append(day)
    return out


def fill_rule_samples(
    store: Store,
    programme: Programme,
    start: dt.date,
    until: dt.date,
    *,
    rule_ids: tuple[str, ...] = (),
    counts: dict[tuple[str, str], int] | None = None,
    hosts: dict[str, str] | None = None,
    months: tuple[int, ...] = (),
) -> dict[str, list[str]]:
    """For each rule (or those named), in each of its periods from ``start``: as many records
    as the rule's minimum — activities of its kinds, plan items, or a stage summary once the
    period is over — none dated after ``until``, so a period still running shows its progress.
    ``counts``: (rule id, period key) → another number (0: a designed gap); ``hosts``: rule id →
    "partner" when the helped kindergarten hosts; ``months``: month rules only in these months.
    Returns the records made, by rule id (activities and plan items)."""
    from gongtongti_desktop.core.records import stage_reports

    cal = programme.calendar
    counts = counts or {}
    hosts = hosts or {}
    made: dict[str, list[str]] = {}
    with store.atomic():
        chosen = [r for r in programme.rules if not rule_ids or r.id in rule_ids]
        for slot, rule in enumerate(chosen):
            window = Period(rule.per, start, until, "")
            for period in periods.periods_within(cal, rule.per, window):
                key = periods.period_key(period)
                if rule.per == "month" and months and period.start.month not in months:
                    continue
                n = counts.get((rule.id, key), rule.min)
                if rule.counts == "summaries" and rule.per == "year":
                    _year_report(store, programme, rule, period, until, n)
                    continue
                if rule.counts == "summaries":
                    if (
                        n
                        and period.end <= until
                        and stage_reports.get_stage_report(store, key) is None
                    ):
                        stage_reports.save_stage_report(store, key, _summary_values(period.label))
                    continue
                if rule.counts == "plan_items":
                    row = periods.plan_row_of(cal, max(period.start, start))
                    for i in range(n):
                        day = row.start + dt.timedelta(days=2 + i)
                        made.setdefault(rule.id, []).append(
                            records.save_record(store, programme, "plan_item", {
                                "month": row.key, "day": day.isoformat(), "task": f"{rule.label}（示例）",
                                "status": plans.DONE if day <= until else plans.PLANNED,
                            })
                        )  # fmt: skip
                    continue
                kinds = rule.kinds or programme.activity_kinds[:1]
                for i in range(n):
                    kind = kinds[i % len(kinds)]
                    day = _sample_days(period, start, kind, n, slot, len(chosen))[i]
                    if day > until:
                        continue
                    made.setdefault(rule.id, []).append(
                        add_activity(
                            store, programme, kind, day,
                            host=hosts.get(rule.id, rule.host_role), posts=rule.participant_posts,
                            number=i + 1 if n > 1 else 0,
                            domain=_DOMAINS[(slot + i) % len(_DOMAINS)] if rule.distinct else "",
                        )
                    )  # fmt: skip
    return made


_DOMAINS = ("语言", "科学", "艺术", "健康", "社会")  # a rule counting 领域 gets one each


def add_activity(
    store: Store,
    programme: Programme,
    kind: str,
    day: dt.date,
    *,
    host: str = "lead",
    posts: tuple[str, ...] = (),
    number: int = 0,
    with_record: bool = True,
    domain: str = "",
) -> str:
    """One activity of ``kind`` with the sample texts, hosted by the demo's first lead (or, with
    ``host = "partner"``, by one of its partners); participants of ``posts`` when given;
    ``number``: "（第n次）" in the title; ``with_record``: False leaves 活动记录 empty (a meeting
    without minutes, which C3 does not count); ``domain``: the 领域 (a rule counting 领域)."""
    title, plan_text, measures, text, summary = sample_texts(kind)
    pairings = roster.list_pairings(store)
    lead_id = pairings[0]["lead_id"]
    partners = [p["partner_id"] for p in pairings if p["lead_id"] == lead_id]
    if host == "partner":
        host_id, receivers = partners[max(number - 1, 0) % len(partners)], [lead_id]
    else:
        host_id, receivers = lead_id, partners[:3]
    staff = [p for p in roster.list_people(store) if p["kindergarten_id"] == host_id]
    if posts:
        staff = [p for p in staff if p["post"] in posts] or staff
    return records.save_record(store, programme, "activity", {
        "day": day.isoformat(), "start_time": "09:00", "end_time": "11:30", "kind": kind,
        "title": title + (f"（第{number}次）" if number else ""),
        "mode": "线上" if kind == "网络研修" else "线下", "place": "企业微信" if kind == "网络研修" else "",
        "host_id": host_id, "receiver_ids": receivers, "participant_ids": [p["id"] for p in staff[:2]],
        "headcount": str(12 + 3 * number), "domain": domain, "plan_text": plan_text, "measures": measures,
        "record": text if with_record else "", "summary": summary, "plan_item_id": None,
    })  # fmt: skip


def _year_report(
    store: Store, programme: Programme, rule: Rule, year: Period, until: dt.date, n: int
) -> None:
    """A yearly report (盘锦's 年度帮扶工作总结报告): the 阶段总结 of the term holding December,
    written three days before the year's due day once that day is past."""
    from gongtongti_desktop.core.checks import rules
    from gongtongti_desktop.core.records import stage_reports

    due = rules.deadline(programme.calendar, rule, year)
    term = periods.term_of(programme.calendar, dt.date(year.start.year, 12, 1))
    key = periods.period_key(term)
    if not n or due > until or stage_reports.get_stage_report(store, key) is not None:
        return
    row = stage_reports.save_stage_report(store, key, _summary_values(term.label))
    written = f"{due - dt.timedelta(days=3)}T16:00:00"
    store.conn.execute(
        "UPDATE stage_summary SET created_at = ?, updated_at = ? WHERE id = ?",
        (written, written, row["id"]),
    )


def _summary_values(label: str) -> dict[str, str]:
    """A short stage summary a director might write (示例)."""
    return {
        "highlights": f"{label}按计划开展各项活动，过程资料齐全（示例）。",
        "problems": "部分活动后续跟进不够，教师反思深度不足（示例）。",
        "next_steps": "下阶段加强活动后的跟进指导与资料整理（示例）。",
    }
