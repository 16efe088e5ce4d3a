"""The benchmark's big data files, generated once and cached under /tmp.

- ``ten_years``: a Yiyuan kindergarten that has used the program for ten school years and the
  current one: the demo's roster (5 core kindergartens, 14 supported units), 2 000 activities
  in every complete school year and as many per day in the current one up to yesterday, with
  receivers and participants, plan items for every plan row, a stage summary for every month
  row, term and school year, and 附件4 scores (self and county) for every school year.
- ``diary_100k``: 100 000 activities from diary_bench's generator (tests/ui/_diary_data.py).

Rows go in with plain SQL through core's own tables in one transaction — no validation per
row, the FTS triggers still index every activity — so ten years take seconds, not the minutes
``save_record`` per row would. A file is built under a temporary name and renamed when whole,
and the cache key carries the code's schema version (and this generator's), so a migration
or a change here builds a fresh file instead of measuring a stale one.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "tests" / "ui"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from gongtongti_desktop.core.datafile.store import Store, new_id  # noqa: E402
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION  # noqa: E402
from gongtongti_desktop.core.profile import periods  # noqa: E402
from gongtongti_desktop.core.profile.programme import Programme, get_programme  # noqa: E402
from gongtongti_desktop.core.records import plans  # noqa: E402
from gongtongti_desktop.core.timeutil import now_iso  # noqa: E402

CACHE = Path("/tmp/gongtongti-bench")
GENERATOR_VERSION = 2  # bump when the generated content changes
PROGRAMME = "yiyuan-2022"
PER_YEAR = 2_000  # activities in each complete school year
YEARS = 10  # complete school years before the current one
DIARY_COUNT = 100_000

PHRASES = (
    "区域活动", "集体教学", "同课异构", "户外游戏", "绘本阅读", "科学探究", "家园共育",
    "环境创设", "观察记录", "一日生活", "音乐律动", "美工活动", "角色游戏", "建构游戏",
)  # fmt: skip
PLACES = ("多功能厅", "大二班", "中一班", "线上会议室", "操场", "阅览室")
TASKS = (
    "送教下乡",
    "专题讲座",
    "入园指导",
    "线下教研",
    "网络研修",
    "指导师指导",
    "会议",
    "集中培训",
)


def cached(family: str, key: str, build: Callable[[Path], None]) -> Path:
    """The cached file of ``family`` for ``key``, this schema and this generator version,
    built when missing; the family's other (stale) files are removed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{family}-{key}schema{SCHEMA_VERSION}-gen{GENERATOR_VERSION}.gtdb"
    if not path.is_file():
        partial = path.with_name(path.stem + ".partial.gtdb")
        for suffix in ("", "-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        build(partial)
        partial.rename(path)
    for old in CACHE.glob(f"{family}-*.gtdb"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def working_copy(cached_file: Path, folder: Path) -> Path:
    """A copy of a cached (closed, checkpointed) file in ``folder``: the window's lock file,
    the day's backup and exports land beside the copy, never in the cache."""
    target = folder / (cached_file.name.split("-")[0] + ".gtdb")
    shutil.copyfile(cached_file, target)
    return target


# -- ten years ---------------------------------------------------------------------------------


def ten_years(today: dt.date | None = None) -> Path:
    """Keyed by today too: the data runs up to yesterday, so 概览 and the current term have
    records as a director's file would."""
    today = today or dt.date.today()
    return cached("tenyears", f"{today.isoformat()}-", lambda p: build_ten_years(p, today))


def build_ten_years(path: Path, today: dt.date) -> None:
    from gongtongti_desktop.core.demo.builder import fill_demo

    programme = get_programme(PROGRAMME)
    store = Store.create(path, kindergarten="基准测试：城关幼儿园", programme_id=PROGRAMME)
    try:
        fill_demo(store, programme)
        with store.atomic():
            # Not a demo file: the program's today is the calendar's, inside the data.
            store.execute("DELETE FROM settings WHERE key IN ('demo', 'demo_today')")
            plans.set_header(store, "王老师", "李园长")
            _ten_years_rows(store, programme, today)
    finally:
        store.close()


def _ten_years_rows(store: Store, programme: Programme, today: dt.date) -> None:
    rng = random.Random(2016)
    cal = programme.calendar
    current = periods.school_year_of(cal, today)
    ids = _roster_ids(store)
    now = now_iso()
    for year in range(current - YEARS, current + 1):
        span = periods.school_year_period(cal, year)
        last = min(span.end, today - dt.timedelta(days=1))
        days = (last - span.start).days + 1
        total_days = (span.end - span.start).days + 1
        count = PER_YEAR if last == span.end else PER_YEAR * days // total_days
        items = _plan_items(store, programme, span, last, rng, now, ids)
        _activities(store, programme, span.start, days, count, rng, now, ids, items)
        _summaries(store, cal, span, last, now)
        if last == span.end:
            _scores(store, programme, year, rng, now)


def _roster_ids(store: Store) -> dict[str, list[str]]:
    def column(sql: str) -> list[str]:
        return [r[0] for r in store.execute(sql).fetchall()]

    return {
        "leads": column("SELECT DISTINCT lead_id FROM pairing ORDER BY lead_id"),
        "partners": column("SELECT partner_id FROM pairing ORDER BY partner_id"),
        "people": column("SELECT id FROM person ORDER BY id"),
    }


def _insert(store: Store, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    keys = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
    store.conn.executemany(sql, [[r[k] for k in keys] for r in rows])


def _common(now: str) -> dict[str, Any]:
    return {"id": new_id(), "created_at": now, "updated_at": now}


def _plan_items(
    store: Store,
    programme: Programme,
    span: periods.Period,
    last: dt.date,
    rng: random.Random,
    now: str,
    ids: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Eight plan items per plan row; done when the row is over. Returns ids by row key."""
    out: dict[str, list[str]] = {}
    rows = []
    for row in periods.periods_within(programme.calendar, "month", span):
        if row.start > last:
            break
        key = periods.period_key(row)
        for n in range(8):
            task = TASKS[(n + rng.randrange(len(TASKS))) % len(TASKS)]
            status = "已完成" if row.end < last else "计划"
            item = {
                **_common(now),
                "month": key,
                "day": "",
                "task": f"{task}：{rng.choice(PHRASES)}",
                "kind": task,
                "responsible_id": rng.choice(ids["people"]),
                "status": status,
                "completion_note": "按计划完成" if status == "已完成" else "",
                "sort_order": n,
            }
            rows.append(item)
            out.setdefault(key, []).append(item["id"])
    _insert(store, "plan_item", rows)
    return out


def _activities(
    store: Store,
    programme: Programme,
    first: dt.date,
    days: int,
    count: int,
    rng: random.Random,
    now: str,
    ids: dict[str, list[str]],
    items: dict[str, list[str]],
) -> None:
    kinds = programme.activity_kinds
    rows, receivers, participants = [], [], []
    for n in range(count):
        day = first + dt.timedelta(days=n * days // count)
        kind = rng.choice(kinds)
        a, b, c = rng.sample(PHRASES, 3)
        row_key = periods.period_key(periods.period_containing(programme.calendar, "month", day))
        plan_item = rng.choice(items[row_key]) if row_key in items and n % 3 == 0 else None
        activity = {
            **_common(now),
            "day": day.isoformat(),
            "start_time": ("08:30", "10:00", "14:30")[n % 3],
            "end_time": ("10:00", "11:30", "16:30")[n % 3],
            "kind": kind,
            "title": f"{kind}：{a}与{b}",
            "mode": "线上" if n % 5 == 0 else "线下",
            "place": rng.choice(PLACES),
            "host_id": rng.choice(ids["leads"]),
            "headcount": 8 + n % 40,
            "domain": "",
            "plan_text": f"计划围绕{a}开展专题活动，明确分工与时间安排。",
            "measures": f"提前收集{c}案例，骨干教师示范，受援园教师跟岗观摩。",
            "record": f"围绕{a}开展{b}，教师分组讨论{c}的组织策略，形成改进意见三条。",
            "summary": f"{b}需持续跟进，下月回访检查落实情况。",
            "plan_item_id": plan_item,
        }
        rows.append(activity)
        for partner in rng.sample(ids["partners"], 1 + n % 2):
            receivers.append({"record_id": activity["id"], "kindergarten_id": partner})
        participants.append({"record_id": activity["id"], "person_id": rng.choice(ids["people"])})
    _insert(store, "activity", rows)
    _insert(store, "activity_receiver", receivers)
    _insert(store, "activity_participant", participants)


def _summaries(
    store: Store, cal: periods.Calendar, span: periods.Period, last: dt.date, now: str
) -> None:
    """附件3 for every plan row, term and the school year that has ended by ``last``."""
    rows = []
    done = [p for kind in ("month", "term") for p in periods.periods_within(cal, kind, span)]
    done.append(span)
    for period in done:
        if period.end > last:
            continue
        rows.append(
            {
                **_common(now),
                "period": periods.period_key(period),
                "filler": "王老师",
                "highlights": f"{period.label}：送教下乡、线下教研按计划开展，骨干教师示范课受到好评。"
                * 3,
                "highlights_note": "",
                "problems": "部分受援园教师参与线上研修的积极性不高，活动记录不够完整。" * 2,
                "problems_note": "",
                "next_steps": "下一阶段将加强跟岗研修，完善活动记录与图片资料的收集。" * 2,
                "next_steps_note": "",
                "draft_digest": "",
            }
        )
    _insert(store, "stage_summary", rows)


def _scores(store: Store, programme: Programme, year: int, rng: random.Random, now: str) -> None:
    """附件4: a self score and a county score for every item of the school year."""
    rows = []
    for index in programme.indexes:
        if index.kind != "score" or index.period != "school_year":
            continue
        for item in index.items:
            top = item.points or 0.0
            self_score = round(rng.uniform(0.6, 1.0) * top * 2) / 2
            rows.append(
                {
                    **_common(now),
                    "index_id": index.id,
                    "period": str(year),
                    "item": item.code,
                    "self_score": self_score,
                    "county_score": max(0.0, self_score - 0.5 * rng.randrange(3)),
                    "self_suggested": 0,
                    "county_suggested": 0,
                    "verdict": "",
                    "comment": "",
                }
            )
    _insert(store, "score", rows)


# -- 100 000 diary records ---------------------------------------------------------------------


def diary_100k() -> Path:
    return cached("diary", f"{DIARY_COUNT // 1000}k-", build_diary)


def build_diary(path: Path) -> None:
    from _diary_data import insert_activities, small_roster

    store = Store.create(path, kindergarten="基准测试园", programme_id=PROGRAMME)
    try:
        programme = get_programme(PROGRAMME)
        host = small_roster(store, programme)["host"]
        insert_activities(store, DIARY_COUNT, host)
    finally:
        store.close()


if __name__ == "__main__":  # build (or find) the cached files: python tests/bench/bench_data.py
    import time

    for make in (ten_years, diary_100k):
        start = time.perf_counter()
        print(make(), f"{time.perf_counter() - start:.1f} s")
