"""Benchmark of the upload package, run on demand (not part of the test suite):
``.venv/bin/python tests/bench/package_bench.py [--repeat N]``.

- export: a school year with 2 000 activities (the demo file plus 2 000 generated ones), no
  photos — ``write_package`` whole, and its parts measured alone: the records (collect +
  data.json), the workbook (``form_data`` + ``write_workbook``, what ``export --xlsx`` does),
  and each form's PDF. Target ≤ 2 s.
- merge: 200 packages of a school year with about 180 activities each (one real export,
  copied 200 times with another kindergarten's UUID and name, as the tests do) —
  ``merge_packages`` whole, and reading + checking them alone. Target ≤ 10 s.

Medians over ``--repeat`` runs (default 3; a run over a minute is not repeated), each beside
its target as a ratio (< 1 is within the target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from gongtongti_desktop.core.datafile.store import Store, new_id  # noqa: E402
from gongtongti_desktop.core.demo.builder import create_demo  # noqa: E402
from gongtongti_desktop.core.profile import periods  # noqa: E402
from gongtongti_desktop.core.profile.periods import Period  # noqa: E402
from gongtongti_desktop.core.profile.programme import Programme, get_programme  # noqa: E402
from gongtongti_desktop.core.records import reporting  # noqa: E402
from gongtongti_desktop.core.timeutil import now_iso  # noqa: E402
from gongtongti_desktop.exchange.package.read import read_package  # noqa: E402
from gongtongti_desktop.exchange.package.write import write_package  # noqa: E402
from gongtongti_desktop.exchange.rollup.rollup import merge_packages  # noqa: E402
from tests.exchange._packages import as_kindergarten, read_members, repack  # noqa: E402

TARGETS_S = {"export": 2.0, "merge": 10.0}
BUDGET_S = 60.0


def median_s(func: Callable[[], object], repeat: int) -> tuple[float, int]:
    """Median seconds over ``repeat`` runs (fewer when one run exceeds the budget)."""
    times: list[float] = []
    while len(times) < repeat:
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
        if times[-1] > BUDGET_S:
            break
    return statistics.median(times), len(times)


def add_activities(store: Store, programme: Programme, year: Period, count: int) -> None:
    """``count`` activities spread over the school year, every kind of the programme, each
    with a receiver and a participant (plain SQL in one transaction, as the diary bench)."""
    hosts = [r["id"] for r in store.query("SELECT id FROM kindergarten")]
    people = [r["id"] for r in store.query("SELECT id FROM person")]
    days = (year.end - year.start).days + 1
    now = now_iso()
    rows, links = [], []
    for n in range(count):
        kind = programme.activity_kinds[n % len(programme.activity_kinds)]
        day = year.start + dt.timedelta(days=n * days // count)
        rows.append(
            {
                "id": new_id(), "created_at": now, "updated_at": now, "day": day.isoformat(),
                "start_time": "08:30", "end_time": "10:00", "kind": kind,
                "title": f"{kind}：第 {n + 1} 次", "mode": "线下" if n % 4 else "线上",
                "place": "", "host_id": hosts[n % len(hosts)], "headcount": 10 + n % 30,
                "domain": "", "plan_text": "计划开展区域活动专题研讨。" * 3,
                "measures": "提前收集案例，分组准备。" * 3,
                "record": "围绕区域活动开展集体教学，教师分组讨论组织策略。" * 5,
                "summary": "形成书面反馈意见，约定一个月后回访。" * 2, "plan_item_id": None,
            }
        )  # fmt: skip
        links.append((rows[-1]["id"], hosts[(n + 1) % len(hosts)], people[n % len(people)]))
    with store.atomic():
        store.db.table("activity").insert_all(rows, batch_size=1000)
        for activity, receiver, person in links:
            store.execute("INSERT INTO activity_receiver VALUES (?, ?)", [activity, receiver])
            store.execute("INSERT INTO activity_participant VALUES (?, ?)", [activity, person])


def school_year(store: Store, programme: Programme) -> Period:
    return periods.period_containing(programme.calendar, "school_year", store.today())


def bench_export(folder: Path, repeat: int) -> float:
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.output.pdf import render_pdf
    from gongtongti_desktop.output.xlsx import write_workbook

    programme = get_programme("yiyuan-2022")
    path = folder / "export.gtdb"
    create_demo(path).close()
    with Store.open(path) as store:
        year = school_year(store, programme)
        add_activities(store, programme, year, 2000)
        count = len(reporting.collect(store, programme, year)["activity"])
        print(f"export: {year.label}, {count} activities, no photos")

        def records() -> None:
            json.dumps(reporting.collect(store, programme, year), ensure_ascii=False)

        datas = [form_data(store, programme, s.id, year) for s in programme.forms]
        parts = [("records + data.json", records)]
        parts.append(("workbook (export --xlsx)", lambda: write_workbook(
            [form_data(store, programme, s.id, year) for s in programme.forms],
            folder / "annexes.xlsx",
        )))  # fmt: skip
        for data in datas:
            parts.append(
                (f"PDF {data.spec.id} ({len(data.rows)} rows)", lambda d=data: render_pdf(d))
            )
        for name, func in parts:
            seconds, runs = median_s(func, repeat)
            print(f"  {name:<40} {seconds:8.2f} s  ({runs} runs)")
        total, runs = median_s(
            lambda: write_package(store, programme, year, folder / "year.gtt"), repeat
        )
    size = (folder / "year.gtt").stat().st_size / 1024 / 1024
    ratio = total / TARGETS_S["export"]
    print(f"  write_package whole: {total:.2f} s ({runs} runs, {size:.1f} MB), target "
          f"{TARGETS_S['export']:.0f} s, ratio {ratio:.2f}")  # fmt: skip
    return total


def bench_merge(folder: Path, repeat: int) -> float:
    programme = get_programme("yiyuan-2022")
    path = folder / "merge.gtdb"
    create_demo(path).close()
    with Store.open(path) as store:
        year = school_year(store, programme)
        add_activities(store, programme, year, 150)
        write_package(store, programme, year, folder / "base.gtt")
    base = folder / "base.gtt"
    copies = folder / "copies"
    copies.mkdir()
    paths = []
    for i in range(200):

        def identity(doc: dict[str, object], i: int = i) -> None:
            as_kindergarten(doc, i, f"测试幼儿园{i:03d}")

        paths.append(repack(base, copies / f"k{i:03d}.gtt", data=identity, manifest=identity))
    data = json.loads(read_members(base)["data.json"])
    records = sum(len(rows) for rows in data["records"].values())
    size = base.stat().st_size / 1024
    print(f"merge: 200 packages of {records} records ({len(data['records']['activity'])} "
          f"activities, {size:.0f} KB each, PDFs included)")  # fmt: skip
    seconds, runs = median_s(lambda: [read_package(p, open_workbook=False) for p in paths], repeat)
    print(f"  {'reading + checking 200':<40} {seconds:8.2f} s  ({runs} runs)")
    total, runs = median_s(lambda: merge_packages(paths, folder / "汇总.xlsx"), repeat)
    ratio = total / TARGETS_S["merge"]
    print(f"  merge_packages whole: {total:.2f} s ({runs} runs), target "
          f"{TARGETS_S['merge']:.0f} s, ratio {ratio:.2f}")  # fmt: skip
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("export", "merge"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongtongti-bench-") as name:
        folder = Path(name)
        if args.only in (None, "merge"):
            (folder / "m").mkdir()
            bench_merge(folder / "m", args.repeat)
        if args.only in (None, "export"):
            (folder / "e").mkdir()
            bench_export(folder / "e", args.repeat)


if __name__ == "__main__":
    main()
