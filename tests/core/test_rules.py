"""The rule engine: counts per period at every edge (month ends, merged months, terms, school
years, leap days), statuses and deadlines, and the filters a rule can set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongtongti_desktop.core.checks import rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods, rule_specs
from gongtongti_desktop.core.profile.dates import ProgrammeDates
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.profile.rule_specs import Rule
from gongtongti_desktop.core.profile.toml_table import ProfileError
from gongtongti_desktop.core.records import diary, roster  # noqa: F401  (diary: the activity type)
from gongtongti_desktop.core.records import engine as records


def open_calendar(programme: Programme) -> periods.Calendar:
    """The profile's calendar without its programme dates (沂源 ended in December 2024): for
    tests of the counting itself, in any year."""
    return programme.calendar._replace(dates=ProgrammeDates())


def _roster(store: Store, programme: Programme) -> dict[str, str]:
    lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
    head = roster.save_record(
        store, programme, "person", {"name": "王芳", "post": "园长", "kindergarten_id": lead}
    )
    teacher = roster.save_record(
        store, programme, "person", {"name": "李静", "post": "教师", "kindergarten_id": lead}
    )
    roster.save_record(
        store,
        programme,
        "pairing",
        {"lead_id": lead, "partner_id": partner, "partner_role": programme.roles.partners[0]},
    )
    return {"lead": lead, "partner": partner, "head": head, "teacher": teacher}


def _activity(store: Store, programme: Programme, day: dt.date, host: str, **values: object) -> str:
    base = {
        "day": day.isoformat(),
        "kind": "网络研修",
        "title": "城乡同步教研",
        "mode": "线上",
        "host_id": host,
    }
    return records.save_record(store, programme, "activity", {**base, **values})


RULE = Rule(id="r", label="网络研修", per="month", min=1, kinds=("网络研修",))


# -- the periods a rule counts in -----------------------------------------------------------------

DAYS = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31))


@pytest.mark.parametrize("programme_id", ["yiyuan-2022", "gaotai-2020"])
@pytest.mark.parametrize("per", ["month", "term", "school_year"])
@given(day=DAYS)
def test_every_day_is_counted_in_exactly_one_period(
    programme_id: str, per: str, day: dt.date
) -> None:
    cal = get_programme(programme_id).calendar
    year = periods.school_year_period(cal, periods.school_year_of(cal, day))
    found = [p for p in periods.periods_within(cal, per, year) if p.contains(day)]  # type: ignore[arg-type]
    assert len(found) == 1
    assert found[0] == periods.period_containing(cal, per, day)  # type: ignore[arg-type]
    assert periods.period_from_key(cal, periods.period_key(found[0])) == found[0]


@pytest.mark.parametrize("programme_id", ["yiyuan-2022", "gaotai-2020"])
@pytest.mark.parametrize("per", ["month", "term", "school_year"])
@given(day=DAYS)
def test_previous_period_ends_the_day_before(programme_id: str, per: str, day: dt.date) -> None:
    cal = get_programme(programme_id).calendar
    current = periods.period_containing(cal, per, day)  # type: ignore[arg-type]
    before = periods.previous_period(cal, current)
    assert before.end == current.start - dt.timedelta(days=1)
    assert before.kind == current.kind


def test_yiyuan_merged_months_are_one_rule_month(programme: Programme) -> None:
    cal = programme.calendar
    row = periods.period_containing(cal, "month", dt.date(2025, 1, 31))
    assert (row.start, row.end) == (dt.date(2024, 12, 1), dt.date(2025, 1, 31))
    assert row.label == "2024年12月—2025年1月"
    assert periods.period_key(row) == "2024-12"


# -- counting ----------------------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.lists(
        st.sampled_from(
            [
                dt.date(2024, 2, 29),  # leap day
                dt.date(2024, 6, 30),  # spring term and school year end (Yiyuan)
                dt.date(2024, 7, 1),  # autumn term starts (Yiyuan), merged 7-8月
                dt.date(2024, 8, 31),
                dt.date(2024, 9, 1),
                dt.date(2024, 11, 30),
                dt.date(2024, 12, 1),  # merged 12-次年1月
                dt.date(2024, 12, 31),
                dt.date(2025, 1, 1),
                dt.date(2025, 1, 31),  # autumn term ends
                dt.date(2025, 2, 1),  # spring term starts
                dt.date(2025, 2, 28),
            ]
        ),
        max_size=12,
    ),
    per=st.sampled_from(["month", "term", "school_year"]),
)
def test_counts_match_a_brute_force_count_at_period_edges(
    tmp_path_factory: pytest.TempPathFactory, days: list[dt.date], per: str
) -> None:
    programme = get_programme("yiyuan-2022")
    path = Path(tmp_path_factory.mktemp("rules")) / "t.gtdb"
    with Store.create(path, kindergarten="测试园", programme_id=programme.id) as store:
        ids = _roster(store, programme)
        for day in days:
            _activity(store, programme, day, ids["lead"])
        rule = RULE._replace(per=per)
        whole = periods.Period("school_year", dt.date(2023, 7, 1), dt.date(2025, 6, 30), "")
        results = rules.evaluate(store, open_calendar(programme), rule, whole, dt.date(2026, 1, 1))
        assert sum(r.count for r in results) == len(days)
        for result in results:
            assert result.count == sum(1 for d in days if result.period.contains(d))
            assert result.status == (rules.MET if result.count else rules.MISSED)


def test_filters_kinds_mode_host_posts_and_minutes(store: Store, programme: Programme) -> None:
    ids = _roster(store, programme)
    day = dt.date(2024, 10, 9)
    counted = _activity(
        store, programme, day, ids["lead"], kind="调研", mode="线下",
        participant_ids=[ids["head"]], record="调研记录",
    )  # fmt: skip
    _activity(store, programme, day, ids["partner"], kind="调研", mode="线下",
              participant_ids=[ids["head"]], record="记录")  # hosted by the partner  # fmt: skip
    _activity(store, programme, day, ids["lead"], kind="调研", mode="线下",
              participant_ids=[ids["teacher"]], record="记录")  # no leader  # fmt: skip
    _activity(store, programme, day, ids["lead"], kind="调研", mode="线下",
              participant_ids=[ids["head"]])  # no minutes  # fmt: skip
    _activity(store, programme, day, ids["lead"], kind="会议", mode="线下",
              participant_ids=[ids["head"]], record="记录")  # other kind  # fmt: skip
    rule = Rule(
        id="x", label="领导调研", per="term", min=1, kinds=("调研",), mode="线下",
        host_role="lead", participant_posts=("园长",), require_any=("record", "attachments"),
    )  # fmt: skip
    term = periods.parse_term(programme.calendar, "2024-autumn")
    (result,) = rules.evaluate(store, programme.calendar, rule, term, day)
    assert result.record_ids == (counted,)


def test_deleted_activities_do_not_count(store: Store, programme: Programme) -> None:
    ids = _roster(store, programme)
    activity = _activity(store, programme, dt.date(2024, 10, 9), ids["lead"])
    records.delete_record(store, "activity", activity)
    month = periods.month_period(2024, 10)
    (result,) = rules.evaluate(store, programme.calendar, RULE, month, dt.date(2024, 10, 10))
    assert result.count == 0


def test_statuses_and_deadlines() -> None:
    rule = Rule(id="x", label="指导师", per="term", min=2, max=4)
    due = dt.date(2025, 1, 31)
    assert rules.status_of(rule, 1, due, dt.date(2025, 1, 31)) == rules.NOT_YET
    assert rules.status_of(rule, 1, due, dt.date(2025, 2, 1)) == rules.MISSED
    assert rules.status_of(rule, 2, due, dt.date(2025, 2, 1)) == rules.MET
    assert rules.status_of(rule, 5, due, dt.date(2024, 9, 1)) == rules.TOO_MANY
    assert rule.requirement == "2–4"
    assert Rule(id="y", label="y", per="month", min=3).requirement == "≥ 3"


@pytest.mark.parametrize(
    ("month", "due"),
    [((2021, 2), dt.date(2021, 2, 28)), ((2020, 2), dt.date(2020, 2, 29)), ((2020, 9), dt.date(2020, 9, 30)),
     ((2020, 10), dt.date(2020, 10, 30))],
)  # fmt: skip
def test_gaotai_monthly_deadline_is_the_30th_clamped(month: tuple[int, int], due: dt.date) -> None:
    cal = get_programme("gaotai-2020").calendar
    assert cal.monthly_report_day == 30
    period = periods.period_containing(cal, "month", dt.date(*month, 1))
    rule = Rule(id="x", label="x", per="month", min=3)
    assert rules.deadline(cal, rule, period) == due


def test_a_month_is_closed_after_its_report_day(store: Store) -> None:
    gaotai = get_programme("gaotai-2020")
    rule = Rule(id="x", label="x", per="month", min=3)
    october = periods.month_period(2020, 10)
    (on_day,) = rules.evaluate(store, gaotai.calendar, rule, october, dt.date(2020, 10, 30))
    (after,) = rules.evaluate(store, gaotai.calendar, rule, october, dt.date(2020, 10, 31))
    assert (on_day.status, on_day.closed) == (rules.NOT_YET, False)
    assert (after.status, after.closed) == (rules.MISSED, True)


def test_current_and_last_and_closed_failures(store: Store, programme: Programme) -> None:
    ids = _roster(store, programme)
    for day in (dt.date(2024, 9, 3), dt.date(2024, 9, 20)):
        _activity(store, programme, day, ids["lead"])
    rule = RULE._replace(per="month", min=2)
    today = dt.date(2024, 10, 5)
    [(now, last)] = rules.current_and_last(store, programme.calendar, (rule,), today)
    assert (now.period.label, now.count, now.status) == ("2024年10月", 0, rules.NOT_YET)
    assert (last.period.label, last.count, last.status) == ("2024年9月", 2, rules.MET)
    assert rules.closed_failures([(now, last)]) == []
    [(now, last)] = rules.current_and_last(store, programme.calendar, (rule,), dt.date(2024, 11, 1))
    assert rules.closed_failures([(now, last)]) == [last]
    assert last.status == rules.MISSED


def test_plan_items_and_summaries_count(store: Store, programme: Programme) -> None:
    from gongtongti_desktop.core.records import stage_reports

    records.save_record(
        store, programme, "plan_item", {"month": "2024-08", "task": "送教下乡", "status": "计划"}
    )
    records.save_record(
        store, programme, "plan_item", {"month": "2024-09", "task": "取消的", "status": "取消"}
    )
    cal = programme.calendar
    term = periods.parse_term(cal, "2024-autumn")
    plan_rule = Rule(id="p", label="月计划", per="month", min=1, counts="plan_items")
    counts = {r.period.label: r.count for r in rules.evaluate(store, cal, plan_rule, term)}
    assert counts == {
        "2024年7-8月": 1, "2024年9月": 0, "2024年10月": 0, "2024年11月": 0, "2024年12月—2025年1月": 0,
    }  # fmt: skip
    summary_rule = Rule(id="s", label="总结", per="term", min=1, counts="summaries")
    assert rules.evaluate(store, cal, summary_rule, term)[0].count == 0
    stage_reports.save_stage_report(store, "2024-autumn", {"highlights": "送教下乡 5 次"})
    assert rules.evaluate(store, cal, summary_rule, term)[0].count == 1


def test_rules_file_is_checked_against_the_vocabulary(tmp_path: Path, programme: Programme) -> None:
    (tmp_path / "rules.toml").write_text(
        '[[rules]]\nid = "x"\nlabel = "x"\nper = "term"\nmin = 1\nkinds = ["不存在的类型"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="不存在的类型"):
        rule_specs.load_rules(tmp_path, programme.activity_kinds, programme.posts)
    (tmp_path / "rules.toml").write_text(
        '[[rules]]\nid = "x"\nlabel = "x"\nper = "week"\nmin = 1\n', encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="per"):
        rule_specs.load_rules(tmp_path, programme.activity_kinds, programme.posts)
    (tmp_path / "rules.toml").write_text(
        '[[rules]]\nid = "x"\nlabel = "x"\nmin = 3\nmax = 2\n', encoding="utf-8"
    )
    with pytest.raises(ProfileError, match="min/max"):
        rule_specs.load_rules(tmp_path, programme.activity_kinds, programme.posts)


def test_every_profile_rule_names_known_kinds() -> None:
    from gongtongti_desktop.core.profile.programme import available_programmes

    for programme_id in available_programmes():
        programme = get_programme(programme_id)
        for rule in programme.rules:
            assert set(rule.kinds) <= set(programme.activity_kinds), rule.id


def test_a_months_rule_leaves_the_holidays_out(store: Store) -> None:
    gaotai = get_programme("gaotai-2020")
    rule = next(r for r in gaotai.rules if r.id == "helper-monthly")
    assert rule.months == (3, 4, 5, 6, 9, 10, 11, 12)
    year = periods.parse_school_year(gaotai.calendar, "2020")
    shown = [r.period.label for r in rules.evaluate(store, gaotai.calendar, rule, year)]
    assert "2021年7月" not in shown and "2021年1月" not in shown and len(shown) == 8
    [(now, last)] = rules.current_and_last(store, gaotai.calendar, (rule,), dt.date(2021, 7, 20))
    assert (now.period.label, last.period.label) == ("2021年9月", "2021年6月")
    assert now.status == rules.NOT_YET and last.status == rules.MISSED


def test_periods_before_the_data_file_are_not_judged(store: Store, programme: Programme) -> None:
    """A new file has no records of last term: that is 未记录, not 未达成 (and not a failure)."""
    made = dt.date.fromisoformat(store.setting("created_at")[:10])
    assert rules.tracked_since(store) == min(made, store.today())
    rule = Rule(id="x", label="指导师", per="term", min=2)
    pairs = rules.current_and_last(
        store, open_calendar(programme), (rule,), made, rules.tracked_since(store)
    )
    [(now, last)] = pairs
    assert last.status == rules.UNTRACKED and rules.closed_failures(pairs) == []
    assert now.status == rules.NOT_YET
    # Records typed in for an older period make it judged from then on.
    ids = _roster(store, programme)
    _activity(store, programme, last.period.start, ids["lead"], kind="调研")
    since = rules.tracked_since(store)
    assert since == last.period.start
    [(now, last)] = rules.current_and_last(store, open_calendar(programme), (rule,), made, since)
    assert (last.status, last.count) == (rules.MISSED, 1)  # judged: 1 of the 2 wanted


def test_more_than_the_range_reads_as_done_unless_the_seed_forbids_it() -> None:

    rule = rules.Rule("r", "送教", "term", 2, 4)
    period = periods.month_period(2024, 9)
    due = dt.date(2024, 9, 30)
    over = rules.RuleResult(rule, period, 5, (), due, rules.status_of(rule, 5, due, due), True)
    assert over.status == rules.TOO_MANY
    assert over.status_text == "已达成（超出建议次数）" and over.done
    assert rules.closed_failures([(over, over)]) == []
    strict = over._replace(rule=rule._replace(strict_max=True))
    assert strict.status_text == "超出上限" and not strict.done
    assert rules.closed_failures([(strict, strict)]) == [strict, strict]
