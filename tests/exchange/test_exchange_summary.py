"""The 汇总 report over 50 kindergartens' packages, one corrupt file among them and one
superseded package; every figure in the workbook is worked out here from the packages' own
data.json, not written down in advance.

The 50 packages are made from one exported demo package by rewriting data.json and the
manifest (tests/exchange/_packages.py): each gets its own kindergarten UUID and name, keeps a
different share of the activities, has its scores scaled differently (county scores only on
every other one) and an export time before or after the deadline. The PDFs and photos are
dropped from the copies to keep the test fast; the manifest is rehashed, so each copy is a
valid package.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from gongtongti_desktop.core.checks import overview, rules
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import apply_records
from gongtongti_desktop.exchange.package.import_package import import_package
from gongtongti_desktop.exchange.package.read import Package, read_package
from gongtongti_desktop.exchange.rollup import figures as summary_figures
from gongtongti_desktop.exchange.rollup import pool as summary_pool
from gongtongti_desktop.exchange.rollup.rollup import rollup_packages
from gongtongti_desktop.output.xlsx import text_width
from tests.exchange._packages import as_kindergarten, drop_activities, read_members, repack
from tests.exchange.conftest import Exported

COUNT = 50
INJECTED = '=HYPERLINK("http://example.invalid","点我")'


@dataclass(frozen=True)
class Made:
    path: Path
    name: str
    data: dict[str, Any]
    created_at: dt.datetime


def _name(i: int) -> str:
    return INJECTED if i == 7 else f"测试幼儿园{i:02d}"


def _make(
    exported: Exported, folder: Path, i: int, *, created: dt.datetime, keep_every: int
) -> Made:
    names = read_members(exported.package)
    drop = tuple(n for n in names if n.startswith(("pdf/", "photos/")))
    made: dict[str, Any] = {}

    def data(doc: dict[str, Any]) -> None:
        as_kindergarten(doc, i, _name(i))
        drop_activities(doc, lambda n, _row: (n + i) % keep_every != 0)
        assert doc["records"]["score"], "the demo's school year has scores"
        programme = get_programme(doc["programme"])
        for n, score in enumerate(doc["records"]["score"]):
            # Self scores scaled per kindergarten; county scores on every other one only —
            # within the item's points (more is refused as impossible).
            most = programme.index(score["index_id"]).item(score["item"]).points or 0
            score["self_score"] = float(min((n + i) % 5, most))
            score["county_score"] = None if i % 2 else float(min((n * i) % 4, most))
        made.update(doc)

    def manifest(man: dict[str, Any]) -> None:
        as_kindergarten(man, i, _name(i))
        man["created_at"] = created.isoformat()

    path = repack(exported.package, folder / f"k{i:02d}-{created:%m%d}.gtt", data=data,
                  manifest=manifest, drop=drop)  # fmt: skip
    return Made(path, _name(i), made, created)


def _created(period: Period, i: int) -> dt.datetime:
    """Every third one a week late, the others five days early (China time)."""
    tz = dt.timezone(dt.timedelta(hours=8))
    day = period.end + dt.timedelta(days=7 if i % 3 == 0 else -5)
    return dt.datetime.combine(day, dt.time(10, i), tz)


@pytest.fixture(scope="module")
def merged(exported: Exported, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("packages")
    made = [
        _make(exported, folder, i, created=_created(exported.period, i), keep_every=2 + i % 5)
        for i in range(COUNT)
    ]
    older = _make(
        exported, folder, 0, created=made[0].created_at - dt.timedelta(days=30), keep_every=1
    )  # the same kindergarten's earlier package: superseded
    corrupt = folder / "损坏.gtt"
    corrupt.write_bytes(made[1].path.read_bytes()[:2000])
    paths = [older.path, *(m.path for m in made[:25]), corrupt, *(m.path for m in made[25:])]
    calls: list[tuple[int, int]] = []
    report = rollup_packages(
        paths, folder / "汇总.xlsx", progress=lambda d, t, _s: calls.append((d, t))
    )
    return {
        "made": made, "older": older, "corrupt": corrupt, "report": report, "calls": calls,
        "book": load_workbook(folder / "汇总.xlsx"), "period": exported.period,
    }  # fmt: skip


def _activities(m: Made, period: Period) -> list[dict[str, Any]]:
    first, last = period.start.isoformat(), period.end.isoformat()
    return [
        a
        for a in m.data["records"]["activity"]
        if not a["deleted_at"] and first <= a["day"] <= last
    ]


def _total(m: Made, side: str, key: str) -> float | None:
    values = [
        s[f"{side}_score"]
        for s in m.data["records"]["score"]
        if s["index_id"] == "annex4" and s["period"] == key and not s["deleted_at"]
    ]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _sheet(book: Any, title: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def test_one_row_per_kindergarten_and_the_bad_file_listed(merged: dict[str, Any]) -> None:
    report = merged["report"]
    assert len(report.rows) == COUNT
    assert [p.name for p, _why in report.bad] == ["损坏.gtt"]
    assert "不是共同体工作台的数据包" in report.bad[0][1]
    assert [p for p, _newer in report.superseded] == [merged["older"].path]
    left_out = _sheet(merged["book"], "未汇总的文件")
    assert {row[0] for row in left_out[1:]} == {"损坏.gtt", merged["older"].path.name}
    dones = [d for d, _t in merged["calls"]]
    assert dones == sorted(dones) and merged["calls"][-1][0] == merged["calls"][-1][1]


def test_figures_come_from_the_packages(merged: dict[str, Any]) -> None:
    period: Period = merged["period"]
    key = periods.period_key(period)  # annex4 is scored per school year: the package's own
    rows = _sheet(merged["book"], "汇总")
    header, body = rows[0], [r for r in rows[1:] if r[1]]
    col = {name: n for n, name in enumerate(header)}
    by_name = {r[col["幼儿园"]]: r for r in body}
    assert len(by_name) == COUNT
    for m in merged["made"]:
        row = by_name[m.name]
        assert row[col["帮扶活动（次）"]] == len(_activities(m, period)), m.name
        assert row[col["自评总分"]] == _total(m, "self", key)
        assert row[col["县评总分"]] == _total(m, "county", key)
        assert row[col["按时上报"]] == (
            "按时" if m.created_at.date() <= period.end else "逾期 7 天"
        )
        assert row[col["导出时间"]] == m.created_at.replace(tzinfo=None)  # a date, not text
        assert isinstance(row[col["截止日期"]], dt.datetime)
    # The superseded package (no activities at all) did not count for kindergarten 0.
    assert by_name[_name(0)][col["帮扶活动（次）"]] == len(_activities(merged["made"][0], period))


def test_ranking_by_county_else_self(merged: dict[str, Any]) -> None:
    period: Period = merged["period"]
    key = periods.period_key(period)
    wanted = {}
    for m in merged["made"]:
        county = _total(m, "county", key)
        wanted[m.name] = county if county is not None else _total(m, "self", key)
    scored = sorted((v for v in wanted.values() if v is not None), reverse=True)
    expected = {name: scored.index(v) + 1 for name, v in wanted.items() if v is not None}
    got = {r.name: r.rank for r in merged["report"].rows if r.rank is not None}
    assert got == expected and len(got) > 1
    ranks = [r.rank for r in merged["report"].rows if r.rank is not None]
    assert ranks == sorted(ranks)  # the sheet is in rank order


def test_activities_per_kind_and_month(merged: dict[str, Any]) -> None:
    period: Period = merged["period"]
    cal = get_programme("yiyuan-2022").calendar
    rows = _sheet(merged["book"], "活动统计")
    header = rows[0]
    spans = {periods.plan_row_label(r): r for r in periods.plan_rows(cal, period)}
    assert list(header[3:-1]) == list(spans)
    # across New Year named by both years, not the table's "12-2025年1月" after a year
    assert any("年12月—" in label for label in spans)
    assert not any("年12-" in label for label in header[3:])
    sheet = merged["book"]["活动统计"]
    for column, label in enumerate(header[3:-1], 4):  # every month's name fits its column
        assert sheet.column_dimensions[get_column_letter(column)].width >= text_width(label)
    got = {(r[0], r[2]): r for r in rows[1:]}
    for m in merged["made"][:10]:
        acts = _activities(m, period)
        by_kind = Counter(a["kind"] for a in acts)
        for kind, n in by_kind.items():
            line = got[(m.name, kind)]
            assert line[-1] == n
            for label, span in spans.items():
                days = [
                    a
                    for a in acts
                    if a["kind"] == kind
                    and span.start.isoformat() <= a["day"] <= span.end.isoformat()
                ]
                assert line[header.index(label)] == len(days)
        assert got[(m.name, "合计")][-1] == len(acts)


def test_rules_met_match_an_import_of_the_same_package(
    merged: dict[str, Any], tmp_path: Path
) -> None:
    """Checked against a real import into a data file on disk and the rule engine."""
    programme = get_programme("yiyuan-2022")
    period: Period = merged["period"]
    rows = {r.name: r for r in merged["report"].rows}
    for m in merged["made"][:4]:
        with Store.create(
            tmp_path / f"{m.path.stem}.gtdb", kindergarten="", programme_id=programme.id
        ) as store:
            import_package(store, m.path)
            closed = []
            for rule in programme.rules:
                for r in rules.evaluate(
                    store, programme.calendar, rule, period, m.created_at.date()
                ):
                    if r.closed and period.start <= r.period.start and r.period.end <= period.end:
                        closed.append(r.done)  # met, or more than a range asks (not strict)
        assert (rows[m.name].rules_met, rows[m.name].rules_closed) == (sum(closed), len(closed))
        assert len(closed) > 0


def test_the_figures_differ_between_kindergartens(merged: dict[str, Any]) -> None:
    """The generated packages really vary, so the checks above compare something."""
    rows = merged["report"].rows
    assert len({r.activities.total() for r in rows}) > 3
    assert len({r.self_total for r in rows}) > 3 and {r.rank_basis for r in rows} == {
        "县评",
        "自评",
    }
    assert {r.on_time for r in rows} == {True, False}


def test_names_stay_text(merged: dict[str, Any]) -> None:
    """A kindergarten named like a formula is written as text, never as a formula."""
    sheet = merged["book"]["汇总"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == INJECTED)
    assert cell.data_type == "s"
    raw = read_members(merged["made"][0].path.parent / "汇总.xlsx")
    sheet_xml = b"".join(v for k, v in raw.items() if k.startswith("xl/worksheets/"))
    assert b"<f>" not in sheet_xml


def test_nothing_to_merge_is_a_message_and_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "a.gtt"
    bad.write_text("not a package", encoding="utf-8")
    with pytest.raises(UserError, match="没有可汇总的数据包"):
        rollup_packages([bad], tmp_path / "out.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gtt"]


def test_a_term_package_counts_only_rule_periods_inside_it(
    exported: Exported, tmp_path: Path
) -> None:
    """School-year rules cannot be judged from one term's records: they are left out."""
    from gongtongti_desktop.exchange.package.write import write_package

    programme = get_programme("yiyuan-2022")
    path = exported.copy_demo(tmp_path)
    with Store.open(path) as store:
        term = periods.term_period(programme.calendar, exported.period.start.year, "autumn")
        write_package(store, programme, term, tmp_path / "term.gtt")
    report = rollup_packages([tmp_path / "term.gtt"], tmp_path / "t.xlsx")
    [row] = report.rows
    with Store.open(path) as store:
        when = row.created_at.date()
        results = [
            r
            for rule in programme.rules
            if rule.per != "school_year"
            for r in rules.evaluate(store, programme.calendar, rule, term, when)
            if r.closed
        ]
    assert any(rule.per == "school_year" for rule in programme.rules)
    assert row.rules_closed == len(results) > 0
    assert row.rules_met == sum(r.status == rules.MET for r in results)


def test_a_term_package_is_ranked_by_its_school_years_scores(
    exported: Exported, tmp_path: Path
) -> None:
    """The default export is a term: it carries the school year's scores as they stand, so the
    汇总 ranks it and shows its totals instead of leaving them empty."""
    from gongtongti_desktop.core.records import scoring
    from gongtongti_desktop.exchange.package.write import write_package

    programme = get_programme("yiyuan-2022")
    index = programme.index("annex4")
    path = exported.copy_demo(tmp_path)
    with Store.open(path) as store:
        term = periods.term_period(programme.calendar, exported.period.start.year, "autumn")
        year = periods.period_containing(programme.calendar, "school_year", term.start)
        scores = scoring.get_scores(store, index, periods.period_key(year))
        expected = scoring.totals(index, scores, "self").total
        write_package(store, programme, term, tmp_path / "term.gtt")
    report = rollup_packages([tmp_path / "term.gtt"], tmp_path / "t.xlsx")
    [row] = report.rows
    assert scores and row.self_total == pytest.approx(expected) and row.rank == 1
    sheet = load_workbook(tmp_path / "t.xlsx")["汇总"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("排名") + 1).value == 1
    assert sheet.cell(2, header.index("自评总分") + 1).value == pytest.approx(expected)


def test_the_rollup_prints_landscape_fit_to_width_ruled_with_its_header_repeated(
    merged: dict[str, Any],
) -> None:
    sheet = merged["book"]["汇总"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"
    for row in sheet.iter_rows(min_row=1, max_row=COUNT + 1):
        for cell in row:
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    header = [c.value for c in sheet[1]]
    due = sheet.cell(2, header.index("截止日期") + 1)
    assert due.number_format == 'yyyy"年"m"月"d"日"' and due.is_date


def _figures(report: Any) -> list[tuple[Any, ...]]:
    return [
        (r.path.name, r.name, r.activities, r.rules_met, r.rules_closed, r.self_total,
         r.county_total, r.rank)
        for r in report.rows
    ]  # fmt: skip


def test_worker_processes_give_the_same_figures_as_one_process(
    merged: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [merged["older"].path, merged["corrupt"], *(m.path for m in merged["made"][:10])]
    monkeypatch.setattr(summary_pool.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(summary_pool, "PACKAGES_PER_WORKER", 10**6)
    assert summary_pool.worker_count(len(paths)) == 1
    alone = rollup_packages(paths, tmp_path / "alone.xlsx")
    monkeypatch.setattr(summary_pool, "PACKAGES_PER_WORKER", 2)
    assert summary_pool.worker_count(len(paths)) == 3
    pooled = rollup_packages(paths, tmp_path / "pooled.xlsx")
    assert _figures(pooled) == _figures(alone) and len(alone.rows) == 10
    assert pooled.bad == alone.bad and [p for p, _ in alone.bad] == [merged["corrupt"]]
    newer = merged["made"][0].path.name
    assert pooled.superseded == alone.superseded == [(merged["older"].path, newer)]


def test_cancelling_stops_the_workers_and_writes_nothing(
    merged: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(summary_pool, "PACKAGES_PER_WORKER", 1)
    paths = [m.path for m in merged["made"]]

    def cancel_at_third(done: int, _total: int, _text: str) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rollup_packages(paths, tmp_path / "cancelled.xlsx", progress=cancel_at_third)
    assert not (tmp_path / "cancelled.xlsx").exists()
    assert multiprocessing.active_children() == []


def _vary(package: Package, n: int) -> None:
    """Rows a merge fills in or a rule reads differently: no mode (the schema's default),
    a record of spaces only, deleted ones (also with an empty deletion time, which SQL calls
    deleted: it is not NULL), no participants, entered long after their day (逾期补录),
    without a 领域, of a kind no rule names (the 汇总 leaves them out of its data file and
    counts them from the records), dated outside the package's period."""
    programme = get_programme(package.programme_id)
    named = {kind for rule in programme.rules for kind in rule.kinds}
    unnamed = [kind for kind in programme.activity_kinds if kind not in named]
    for i, row in enumerate(package.data["records"]["activity"]):
        if unnamed and (i + n) % 3 == 1:
            row["kind"] = unnamed[i % len(unnamed)]
        if (i + n) % 13 == 0:
            row["day"] = f"{int(row['day'][:4]) - 1}{row['day'][4:]}"
        if (i + n) % 11 == 0:
            row["deleted_at"] = ""
        if (i + n) % 2 == 0:
            row["created_at"] = f"{int(row['day'][:4]) + 1}{row['created_at'][4:]}"
        if (i + n) % 6 == 0:
            row["domain"] = ""
        if (i + n) % 3 == 0:
            row.pop("mode", None)
        if (i + n) % 4 == 0:
            row["record"] = "   "
        if (i + n) % 7 == 0:
            row["deleted_at"] = row["updated_at"]
        if (i + n) % 5 == 0:
            row["participant_ids"] = []


def test_the_figures_loader_counts_as_a_whole_merge_would(
    merged: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 汇总 loads only what its figures read (figures._load); the whole merge of an
    import into the same empty copy gives every figure the same."""
    scratch = summary_figures.Scratch(tmp_path)
    quick, whole, counted = [], [], []
    for n, m in enumerate(merged["made"][:6]):
        package = read_package(m.path, open_workbook=False)
        if n % 2:
            _vary(package, n)
        quick.append(summary_figures.figures(scratch, package))
        programme = get_programme(package.programme_id)
        period = summary_figures.package_period(programme, package)

        def merge_all(
            store: Store,
            *_args: Any,
            doc: dict[str, Any] = package.data,
            cal: Any = programme.calendar,
            within: Period = period,
            kinds: tuple[str, ...] = programme.activity_kinds,
        ) -> None:
            plan = apply_records.plan_records(store, doc)
            apply_records.apply_planned(store, plan, "x.gtt", "", mark=False)
            # The window's own 概览 counts, asked of the whole merge's data file.
            counted.append(overview.activity_counts(store, cal, within, kinds))

        with monkeypatch.context() as patch:
            patch.setattr(summary_figures, "_load", merge_all)
            whole.append(summary_figures.figures(scratch, package))
    scratch.close()
    assert quick == whole
    assert [r.activities for r in quick] == counted
    assert len({(r.activities.total(), r.rules_met) for r in quick}) > 3
    assert any(r.late_entries for r in quick)  # the late entries were counted, the same way
