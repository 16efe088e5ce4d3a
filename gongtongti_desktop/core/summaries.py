"""阶段总结 (stage summaries, 附件3): 亮点工作 / 存在的问题 / 下一步打算 per month, term or year.

"Draft from records" writes a starting text from the period's diary, plan and rule results for
the director to rewrite. The draft's sha256 is kept: while the text is still exactly the draft,
the summary is flagged (the window and the printout warn) and it does not count as written for
the C2 rules — a report the director never read must not pass for one they wrote.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gongtongti_desktop.core import periods, plans, rules
from gongtongti_desktop.core.periods import Period
from gongtongti_desktop.core.programme import Programme
from gongtongti_desktop.core.store import Store, new_id
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

SECTIONS = (("highlights", "亮点工作"), ("problems", "存在的问题"), ("next_steps", "下一步打算"))
TEXT_FIELDS = tuple(name for name, _ in SECTIONS)
NOTE_FIELDS = tuple(f"{name}_note" for name, _ in SECTIONS)
MAX_CHARS = 20_000
DRAFT_LIST_LIMIT = 8  # activities named one by one in a draft; the rest are counted


def _digest(values: dict[str, Any]) -> str:
    text = "\x1f".join(str(values.get(name, "")) for name in TEXT_FIELDS)
    import hashlib  # not at start-up (the 概览 imports this module)

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get_summary(store: Store, key: str) -> dict[str, Any] | None:
    rows = store.query("SELECT * FROM stage_summary WHERE period = ? AND deleted_at IS NULL", [key])
    return rows[0] if rows else None


def is_unedited_draft(row: dict[str, Any] | None) -> bool:
    """True while the sections are exactly what "draft from records" wrote."""
    return bool(row and row["draft_digest"] and row["draft_digest"] == _digest(row))


def is_written(row: dict[str, Any] | None) -> bool:
    return bool(row and any(row[n].strip() for n in TEXT_FIELDS) and not is_unedited_draft(row))


def written_ids(store: Store, key: str) -> list[str]:
    """The summary of this period when the director has written one (not an unedited draft)."""
    row = get_summary(store, key)
    return [row["id"]] if is_written(row) else []


def save_summary(
    store: Store, key: str, values: dict[str, str], *, draft: bool = False
) -> dict[str, Any]:
    """Create or update the summary of a period. ``draft``: the text is a generated draft."""
    unknown = set(values) - {*TEXT_FIELDS, *NOTE_FIELDS, "filler"}
    if unknown:
        raise ValueError(f"unknown summary fields {sorted(unknown)}")
    for name, value in values.items():
        if not isinstance(value, str):
            raise UserError(f"阶段总结的“{name}”应为文字")
        if len(value) > MAX_CHARS:
            raise UserError(f"阶段总结每栏最多 {MAX_CHARS} 字，当前 {len(value)} 字")
    with store.atomic():
        row = get_summary(store, key)
        now = now_iso()
        if row is None:
            row = {
                "id": new_id(),
                "created_at": now,
                "period": key,
                "filler": "",
                "draft_digest": "",
                **{n: "" for n in (*TEXT_FIELDS, *NOTE_FIELDS)},
            }
            store.execute(
                "INSERT INTO stage_summary (id, created_at, updated_at, period) VALUES (?, ?, ?, ?)",
                [row["id"], now, now, key],
            )
        row = {**row, **values, "updated_at": now}
        if draft:
            row["draft_digest"] = _digest(row)
        fields = [*TEXT_FIELDS, *NOTE_FIELDS, "filler", "draft_digest", "updated_at"]
        store.execute(
            f"UPDATE stage_summary SET {', '.join(f'{f} = ?' for f in fields)} WHERE id = ?",
            [row[f] for f in fields] + [row["id"]],
        )
    saved = get_summary(store, key)
    assert saved is not None
    return saved


# -- drafting from the records ----------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    highlights: str
    problems: str
    next_steps: str

    def as_values(self) -> dict[str, str]:
        return {
            "highlights": self.highlights,
            "problems": self.problems,
            "next_steps": self.next_steps,
        }


def _md(day: str) -> str:
    d = dt.date.fromisoformat(day)
    return f"{d.month}月{d.day}日"


def draft_from_records(
    store: Store, programme: Programme, period: Period, today: dt.date | None = None
) -> Draft:
    """A starting text from what the data file holds for the period: counts by kind, dates and
    titles, unmet rules and unfinished plan items, the next period's plan. Facts only; the
    director turns it into a report."""
    today = today or dt.date.today()
    cal = programme.calendar
    acts = store.query(
        "SELECT day, kind, title, mode FROM activity WHERE deleted_at IS NULL"
        " AND day BETWEEN ? AND ? ORDER BY day, start_time",
        [period.start.isoformat(), period.end.isoformat()],
    )
    kinds = Counter(a["kind"] for a in acts)
    lines = []
    if acts:
        by_kind = "，".join(f"{k} {n} 次" for k, n in kinds.most_common())
        online = sum(1 for a in acts if a["mode"] == "线上")
        lines.append(
            f"{period.label}共开展帮扶活动 {len(acts)} 次（{by_kind}），其中线上 {online} 次。"
        )
        for a in acts[:DRAFT_LIST_LIMIT]:
            title = a["title"] if a["title"].startswith(a["kind"]) else f"{a['kind']}：{a['title']}"
            lines.append(f"{_md(a['day'])}　{title}")
        if len(acts) > DRAFT_LIST_LIMIT:
            lines.append(f"……另有 {len(acts) - DRAFT_LIST_LIMIT} 次活动，见帮扶日志。")
    else:
        lines.append(f"{period.label}帮扶日志中没有活动记录。")
    met = []
    unmet = []
    for rule in programme.rules:
        for result in rules.evaluate(store, cal, rule, period, today):
            if result.status == rules.MET:
                met.append(f"{rule.label}（{result.period.label} {result.count} {rule.unit}）")
            elif result.status != rules.NOT_YET or result.closed:
                unmet.append(
                    f"{rule.label}：{result.period.label} {result.count} {rule.unit}，"
                    f"要求 {rule.requirement}"
                    f"（{result.status_text}）"
                )
    if met:
        lines.append("达成的要求：" + "；".join(met[:DRAFT_LIST_LIMIT]) + "。")

    problems = list(unmet)
    items = plans.list_items(store, programme, period)
    unfinished = [i for i in items if i["status"] in (plans.PLANNED, plans.POSTPONED)]
    for item in unfinished[:DRAFT_LIST_LIMIT]:
        problems.append(f"计划事项未完成（{item['status']}）：{item['task']}")
    if len(unfinished) > DRAFT_LIST_LIMIT:
        problems.append(f"……另有 {len(unfinished) - DRAFT_LIST_LIMIT} 项计划未完成。")
    if not problems:
        problems.append("（记录中未发现未达成的要求或未完成的计划，请补充本阶段工作中的不足。）")

    following = periods.period_containing(cal, period.kind, period.end + dt.timedelta(days=1))
    upcoming = plans.list_items(store, programme, following)
    steps = [f"{following.label}计划：{i['task']}" for i in upcoming[:DRAFT_LIST_LIMIT]]
    for label in dict.fromkeys(text.split("：")[0] for text in unmet):
        steps.append(f"落实：{label}")
    if not steps:
        steps.append(f"（{following.label}尚无计划事项，请在月计划中填写。）")
    return Draft("\n".join(lines), "\n".join(problems), "\n".join(steps))
