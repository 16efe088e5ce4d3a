"""Test data for the plan and diary tabs: a small roster, tiny image files, and many
generated activities inserted in one transaction (the FTS triggers index them)."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.timeutil import now_iso

PHRASES = (
    "区域活动",
    "集体教学",
    "同课异构",
    "户外游戏",
    "绘本阅读",
    "科学探究",
    "家园共育",
    "环境创设",
    "观察记录",
    "一日生活",
    "音乐律动",
    "美工活动",
    "角色游戏",
    "建构游戏",
    "教研",
)
KINDS = ("送教下乡", "专题讲座", "入园指导", "网络研修", "线下教研", "跟岗研修", "会议")


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG (red pixels), made without any image library."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_png(path: Path) -> Path:
    path.write_bytes(tiny_png())
    return path


def small_roster(store: Store, programme: Programme) -> dict[str, str]:
    """Two kindergartens with a person each; returns their ids by short name."""
    ids = {
        "host": roster.save_record(store, programme, "kindergarten", {"name": "城关幼儿园"}),
        "partner": roster.save_record(store, programme, "kindergarten", {"name": "东岭学区"}),
    }
    ids["teacher"] = roster.save_record(
        store,
        programme,
        "person",
        {"name": "王老师", "kindergarten_id": ids["host"], "post": "骨干教师"},
    )
    ids["director"] = roster.save_record(
        store,
        programme,
        "person",
        {"name": "李园长", "kindergarten_id": ids["partner"], "post": "园长"},
    )
    return ids


def activity(store: Store, programme: Programme, host_id: str, **values: Any) -> str:
    """Save one activity through core (defaults for every required field)."""
    base: dict[str, Any] = {
        "day": "2024-10-15",
        "kind": "送教下乡",
        "title": "送教下乡：科学活动",
        "mode": "线下",
        "host_id": host_id,
    }
    base.update(values)
    return records.save_record(store, programme, "activity", base)


def plan_item(store: Store, programme: Programme, **values: Any) -> str:
    base: dict[str, Any] = {"month": "2024-10", "task": "送教下乡", "status": "计划"}
    base.update(values)
    return records.save_record(store, programme, "plan_item", base)


def insert_activities(
    store: Store, count: int, host_id: str, *, seed: int = 7, start: dt.date | None = None
) -> list[str]:
    """``count`` generated activities, one per few hours going back from ``start``, written
    with plain SQL inserts in one transaction (fast: no validation, the FTS triggers index
    them). Every 50th has "沉与浮" in its record. Returns the ids."""
    rng = random.Random(seed)
    start = start or dt.date(2025, 6, 30)
    now = now_iso()
    rows = []
    for n in range(count):
        day = start - dt.timedelta(days=n // 3)
        kind = KINDS[n % len(KINDS)]
        a, b, c = rng.sample(PHRASES, 3)
        record = f"围绕{a}开展{b}，教师分组讨论{c}的组织策略。"
        if n % 50 == 0:
            record += "幼儿动手验证沉与浮。"
        rows.append(
            {
                "id": new_id(),
                "created_at": now,
                "updated_at": now,
                "day": day.isoformat(),
                "start_time": ("08:30", "10:00", "14:30")[n % 3],
                "end_time": ("10:00", "11:30", "16:30")[n % 3],
                "kind": kind,
                "title": f"{kind}：{a}与{b}",
                "mode": "线下" if n % 4 else "线上",
                "place": "",
                "host_id": host_id,
                "headcount": 10 + n % 30,
                "domain": "",
                "plan_text": f"计划开展{a}专题活动。",
                "measures": f"提前收集{c}案例。",
                "record": record,
                "summary": f"{b}需持续跟进。",
                "plan_item_id": None,
            }
        )
    with store.atomic():
        store.db.table("activity").insert_all(rows, batch_size=2000)
    return [r["id"] for r in rows]
