"""The one engine that counts records against the programme's checkable rules (read from
``forms/<profile>/rules.toml`` by ``core.profile.rule_specs``).

A rule says what to count (diary activities of some kinds, plan items, stage summaries), per
what period (a month — a plan row, so Yiyuan's merged "7-8月" is one month here — a term or a
school year), and how many are wanted (``min``, and ``max`` where the notice gives a range, as
C8's "每学期2-4次"). The engine reports, for each period, the records that count, the
deadline (the profile's monthly report day for a month — of the next month where the profile
says so —, a yearly rule's due day, else the period's last day) and one of the statuses below.
A record entered after its deadline is 逾期补录: shown, and counted only where the profile says
late entries count; a period outside the programme's own dates is not asked for. Nothing here
knows a county: a new county's rules are a new file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Calendar, Period
from gongtongti_desktop.core.profile.rule_specs import Rule
from gongtongti_desktop.core.records import stage_reports

MET, NOT_YET, MISSED, TOO_MANY = "met", "not_yet", "missed", "too_many"
UNTRACKED = "untracked"  # a period over before the data file holds anything: no verdict
OUTSIDE = "outside"  # a period outside the programme's dates: nothing asked
STATUS_TEXT = {
    OUTSIDE: "不在方案期间",
    MET: "已达成",
    NOT_YET: "进行中",
    MISSED: "未达成",
    # More than a rule's range is still the work done: a seed's "每学期2-4次" sets what is
    # expected, not a ceiling — unless the profile says the maximum is one (strict_max).
    TOO_MANY: "已达成（超出建议次数）",
    UNTRACKED: "未记录（早于本数据文件）",
}


class RuleResult(NamedTuple):
    """A rule counted over one period: the figure, what counted, and its deadline and status."""

    rule: Rule
    period: Period
    count: int
    record_ids: tuple[str, ...]  # what counted, oldest first (activity / plan item / summary ids)
    deadline: dt.date
    status: str
    closed: bool  # the deadline had passed on the day evaluated
    late_ids: tuple[
        str, ...
    ] = ()  # entered after the deadline (逾期补录); counted or not per profile
    late_counted: bool = True  # whether ``late_ids`` are in ``count`` (the profile's late_counts)

    @property
    def late_text(self) -> str:
        """ "" or "逾期补录 1 条（不计入）" / "含逾期补录 2 条"."""
        if not self.late_ids:
            return ""
        if self.late_counted:
            return f"含逾期补录 {len(self.late_ids)} 条"
        return f"逾期补录 {len(self.late_ids)} 条（不计入）"

    @property
    def status_text(self) -> str:
        if self.status == TOO_MANY and self.rule.strict_max:
            return "超出上限"
        return STATUS_TEXT[self.status]

    @property
    def done(self) -> bool:
        """The requirement is met (more than the range counts, unless the seed forbids it)."""
        return self.status == MET or (self.status == TOO_MANY and not self.rule.strict_max)

    @property
    def progress(self) -> str:
        """ "2/3" (or "5/2–4" for a range)."""
        return f"{self.count}/{self.rule.requirement.replace('≥ ', '')}"

    @property
    def table(self) -> str:
        return {"activities": "activity", "plan_items": "plan_item"}.get(
            self.rule.counts, "stage_summary"
        )


# -- counting -----------------------------------------------------------------------------------


def deadline(cal: Calendar, rule: Rule, period: Period) -> dt.date:
    """When the period's records are due: the monthly report day of the period's last month
    ("每月30日前", clamped to the month's end) — or of the month after it (``report_next_month``,
    盘锦's 月报表 "每月20日前" for the month before) —, a yearly rule's ``due`` day, else the
    period's last day."""
    if rule.per == "month" and cal.monthly_report_day:
        end = period.end
        if cal.report_next_month:
            following = end + dt.timedelta(days=1)
            end = periods.month_end(following.year, following.month)
        return end.replace(day=min(cal.monthly_report_day, end.day))
    if rule.per == "year" and rule.due:
        return dt.date.fromisoformat(f"{period.start.year:04d}-{rule.due}")
    return period.end


def status_of(rule: Rule, count: int, due: dt.date, today: dt.date) -> str:
    if rule.max and count > rule.max:
        return TOO_MANY
    if count >= rule.min:
        return MET
    return MISSED if today > due else NOT_YET


def _activity_ids(store: Store, rule: Rule, period: Period) -> list[str]:
    where = ["a.deleted_at IS NULL", "a.day BETWEEN ? AND ?"]
    params: list[Any] = [period.start.isoformat(), period.end.isoformat()]
    if rule.kinds:
        where.append(f"a.kind IN ({', '.join('?' * len(rule.kinds))})")
        params += rule.kinds
    if rule.mode:
        where.append("a.mode = ?")
        params.append(rule.mode)
    if rule.host_role:
        column = "lead_id" if rule.host_role == "lead" else "partner_id"
        where.append(f"a.host_id IN (SELECT {column} FROM pairing WHERE deleted_at IS NULL)")
    if rule.participant_posts:
        where.append(
            "EXISTS (SELECT 1 FROM activity_participant ap JOIN person p ON p.id = ap.person_id"
            f" WHERE ap.record_id = a.id AND p.post IN ({', '.join('?' * len(rule.participant_posts))}))"
        )
        params += rule.participant_posts
    if rule.require_any:
        evidence = []
        for name in rule.require_any:
            if name == "attachments":
                evidence.append(
                    "EXISTS (SELECT 1 FROM attachment f WHERE f.activity_id = a.id"
                    " AND f.deleted_at IS NULL)"
                )
            else:
                evidence.append(f"trim(a.{name}) != ''")
        where.append(f"({' OR '.join(evidence)})")
    sql = f"SELECT a.id FROM activity a WHERE {' AND '.join(where)} ORDER BY a.day, a.start_time, a.id"
    return [row[0] for row in store.conn.execute(sql, params)]


def _plan_item_ids(store: Store, cal: Calendar, period: Period) -> list[str]:
    keys = [
        periods.period_key(periods.plan_row_period(cal, r)) for r in periods.plan_rows(cal, period)
    ]
    sql = (
        f"SELECT id FROM plan_item WHERE deleted_at IS NULL AND status != '取消'"
        f" AND month IN ({', '.join('?' * len(keys))}) ORDER BY month, sort_order, id"
    )
    return [row[0] for row in store.conn.execute(sql, keys)]


def _summary_ids(store: Store, cal: Calendar, period: Period) -> list[str]:
    """The period's written summary. A calendar year's report (盘锦's 年度帮扶工作总结报告, written
    in December) is the 阶段总结 of the term holding its December — the term the report form
    prints."""
    if period.kind == "year":
        period = periods.term_of(cal, dt.date(period.start.year, 12, 1))
    return stage_reports.written_ids(store, periods.period_key(period))


def counted_ids(store: Store, cal: Calendar, rule: Rule, period: Period) -> list[str]:
    """The records that count for ``rule`` in one of its periods."""
    if rule.counts == "plan_items":
        return _plan_item_ids(store, cal, period)
    if rule.counts == "summaries":
        return _summary_ids(store, cal, period)
    return _activity_ids(store, rule, period)


def tracked_since(store: Store) -> dt.date:
    """From when the data file can be judged: the day it was made, or its earliest activity
    or plan month if older (records typed in or imported afterwards). A period over before
    this day holds nothing because nobody recorded it here, not because nothing was done."""
    days = [store.today()]
    made = store.setting("created_at")[:10]
    # Deleted records count too: the file was in use then.
    first = store.conn.execute("SELECT min(day) FROM activity").fetchone()[0]
    month = store.conn.execute("SELECT min(month) FROM plan_item").fetchone()[0]
    for text in (made, first, f"{month}-01" if month else None):
        try:
            days.append(dt.date.fromisoformat(text))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
    return min(days)


_TABLES = {"activities": "activity", "plan_items": "plan_item", "summaries": "stage_summary"}


def late_ids(store: Store, rule: Rule, ids: list[str], due: dt.date) -> list[str]:
    """Those of ``ids`` entered (``created_at``, local time) after ``due``: 逾期补录."""
    if not ids:
        return []
    sql = (
        f"SELECT id FROM {_TABLES[rule.counts]} WHERE id IN ({', '.join('?' * len(ids))})"
        " AND substr(created_at, 1, 10) > ?"
    )
    late = {row[0] for row in store.conn.execute(sql, [*ids, due.isoformat()])}
    return [i for i in ids if i in late]


def _domains(store: Store, ids: list[str]) -> int:
    if not ids:
        return 0
    sql = (
        f"SELECT COUNT(DISTINCT domain) FROM activity WHERE id IN ({', '.join('?' * len(ids))})"
        " AND trim(domain) != ''"
    )
    return int(store.conn.execute(sql, ids).fetchone()[0])


def result_for(
    store: Store,
    cal: Calendar,
    rule: Rule,
    period: Period,
    today: dt.date,
    since: dt.date | None = None,
) -> RuleResult:
    """The rule in exactly this period. Outside the programme's dates nothing is asked
    (OUTSIDE); a record entered after the deadline is 逾期补录, counted only when the profile
    says late entries count."""
    due = deadline(cal, rule, period)
    if not cal.dates.demands(period) or not rule.asks(period):
        return RuleResult(rule, period, 0, (), due, OUTSIDE, today > due)
    ids = counted_ids(store, cal, rule, period)
    late = late_ids(store, rule, ids, due)
    if not cal.late_counts:
        ids = [i for i in ids if i not in late]
    count = _domains(store, ids) if rule.distinct == "domain" else len(ids)
    status = status_of(rule, count, due, today)
    if since is not None and not ids and not late and period.end < since:
        status = UNTRACKED
    return RuleResult(
        rule, period, count, tuple(ids), due, status, today > due, tuple(late), cal.late_counts
    )


def evaluate(
    store: Store,
    cal: Calendar,
    rule: Rule,
    within: Period,
    today: dt.date | None = None,
    since: dt.date | None = None,
) -> list[RuleResult]:
    """The rule in each of its periods overlapping ``within`` (a month, term or school year).
    ``since`` (see ``tracked_since``): an empty period over before it is UNTRACKED, not missed.
    Periods outside the programme's dates are left out: nothing is asked of them."""
    today = today or dt.date.today()
    return [
        result_for(store, cal, rule, period, today, since)
        for period in periods.periods_within(cal, rule.per, within)
        if rule.applies_to(period) and cal.dates.demands(period) and rule.asks(period)
    ]


def current_and_last(
    store: Store,
    cal: Calendar,
    rules: tuple[Rule, ...],
    today: dt.date | None = None,
    since: dt.date | None = None,
) -> list[tuple[RuleResult, RuleResult]]:
    """For each rule: its result in the period containing ``today`` and in the one before."""
    today = today or dt.date.today()
    out = []
    for rule in rules:
        # A rule that leaves months out (holidays) is shown on its next month that counts,
        # and compared with the last one that counted; after the programme's end, on its last
        # period within the programme.
        current = periods.period_containing(cal, rule.per, today)
        for _ in range(12):
            if rule.applies_to(current):
                break
            current = periods.period_containing(cal, rule.per, current.end + dt.timedelta(days=1))
        if cal.dates.end is not None and current.start > cal.dates.end:
            current = periods.period_containing(cal, rule.per, cal.dates.end)
            for _ in range(12):
                if rule.applies_to(current):
                    break
                current = periods.previous_period(cal, current)
        last = periods.previous_period(cal, current)
        for _ in range(12):
            if rule.applies_to(last):
                break
            last = periods.previous_period(cal, last)
        now = result_for(store, cal, rule, current, today, since)
        before = result_for(store, cal, rule, last, today, since)
        out.append((now, before))
    return out


def closed_failures(pairs: list[tuple[RuleResult, RuleResult]]) -> list[RuleResult]:
    """Results of closed periods (their deadline has passed) that did not meet their rule."""
    return [
        r
        for pair in pairs
        for r in pair
        if r.closed and r.status != UNTRACKED and not r.done and r.status in (MISSED, TOO_MANY)
    ]
