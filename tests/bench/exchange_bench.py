"""Export and merge rows: writing the upload package (.gtt) of a school year with 2 000
activities and no photos, and the 汇总 of 200 kindergartens' packages.

Baselines, measured in the same run, are the floors of each job written without the program:
for the export, the same period's rows read with plain SQL and written as one JSON file in a
zip (no forms, no checks, no marking); for the merge, reading every package and hashing each
member (what any checked read must at least do).

The school year is the last complete one inside the programme's dates, so that the 汇总 asks
its rules (a year outside them is "nothing asked" and skips the rule queries).

The 200 packages are variants of one real export — each with its own kindergarten (uuid and
name) and its data.json and manifest rewritten with fresh hashes — so every one passes every
check of ``read_package`` and is merged in full; exporting 200 data files would take minutes
and measure the export again, not the merge.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timing import median_numbered

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme

PACKAGES = 200


@dataclass
class ExchangeTimings:
    export: float
    export_floor: float
    activities: int
    merge: float
    merge_floor: float
    packages: int
    package_size: int
    merge_ratios: tuple[float, ...] = ()  # merge / floor of each round, the two side by side


def available() -> str:
    """'' when the exchange code is there, else why not."""
    try:
        from gongtongti_desktop.exchange.package.write import write_package  # noqa: F401
        from gongtongti_desktop.exchange.rollup.rollup import rollup_packages  # noqa: F401
    except ImportError as exc:
        return f"不可用：{exc}"
    return ""


def _floor_export(store: Store, period: periods.Period, out: Path) -> None:
    """The period's activities (with their links) and every other table, as JSON in a zip."""
    tables: dict[str, Any] = {}
    days = (period.start.isoformat(), period.end.isoformat())
    tables["activity"] = store.query("SELECT * FROM activity WHERE day BETWEEN ? AND ?", days)
    for link in ("activity_receiver", "activity_participant"):
        tables[link] = store.query(
            f"SELECT l.* FROM {link} l JOIN activity a ON a.id = l.record_id"
            " WHERE a.day BETWEEN ? AND ?",
            days,
        )
    for table in ("kindergarten", "person", "pairing", "plan_item", "score", "stage_summary"):
        tables[table] = store.query(f"SELECT * FROM {table}")
    with out.open("wb") as fh:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(tables, ensure_ascii=False))
        fh.flush()
        os.fsync(fh.fileno())


def _variants(source: Path, folder: Path, count: int) -> list[Path]:
    """``count`` copies of a package, each from another kindergarten, hashes recomputed."""
    with zipfile.ZipFile(source) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    data = json.loads(members.pop("data.json"))
    paths = []
    for n in range(count):
        kindergarten = {"uuid": str(uuid.uuid4()), "name": f"基准测试园{n + 1:03d}"}
        data["kindergarten"] = manifest["kindergarten"] = kindergarten
        items = {**members, "data.json": json.dumps(data, ensure_ascii=False).encode("utf-8")}
        manifest["members"] = {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            for name, content in items.items()
        }
        items["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
        path = folder / f"package-{n + 1:03d}.gtt"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in items.items():
                archive.writestr(name, content)
        paths.append(path)
    return paths


# The merge rounds run in a child process started like the program (``python -c``, as the
# ``gongtongti`` command's main module imports only the command line): the merge's worker
# processes are spawned, and a spawned worker imports its parent's main module again — here
# that would be run.py with every benchmark module (~50 ms more a worker than the program's).
# Floor and merge alternate, round by round, both after the files were read once (the same
# page cache for both): on a shared machine the load swings between rounds, and a ratio from
# one round compares two runs under the same load.
MERGE_ROUNDS = """
import hashlib, json, sys, time, zipfile
from pathlib import Path


def floor(paths):
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                hashlib.sha256(archive.read(info)).hexdigest()


def main():
    from gongtongti_desktop.exchange.rollup.rollup import rollup_packages

    folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
    paths = sorted((folder / "packages").glob("*.gtt"))
    floor(paths)
    floors, merges = [], []
    for n in range(rounds):
        started = time.perf_counter()
        floor(paths)
        floors.append(time.perf_counter() - started)
        started = time.perf_counter()
        rollup_packages(paths, folder / f"s{n}.xlsx")
        merges.append(time.perf_counter() - started)
    print(json.dumps([floors, merges]))


if __name__ == "__main__":
    main()
"""


def _merge_rounds(paths: list[Path], folder: Path, rounds: int) -> tuple[list[float], list[float]]:
    assert all(path.parent == folder / "packages" for path in paths)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", MERGE_ROUNDS, str(folder), str(rounds)],
        capture_output=True, text=True, env=env, check=True, timeout=1800,
    )  # fmt: skip
    floors, merges = json.loads(done.stdout)
    return floors, merges


def measure(data_file: Path, folder: Path, repeat: int, merge_repeat: int) -> ExchangeTimings:
    from gongtongti_desktop.exchange.package.write import write_package

    store = Store.open(data_file)
    try:
        programme = get_programme(store.programme_id)
        cal = programme.calendar
        # The last complete school year, and not after the programme's own dates: a year the
        # programme asks nothing of would leave the 汇总's rules unasked (沂源's programme
        # ends in December 2024, the ten years of data run to today).
        year = periods.school_year_of(cal, store.today()) - 1
        if cal.dates.end is not None:
            year = min(year, periods.school_year_of(cal, cal.dates.end))
        period = periods.school_year_period(cal, year)
        activities = store.execute(
            "SELECT count(*) FROM activity WHERE deleted_at IS NULL AND day BETWEEN ? AND ?",
            (period.start.isoformat(), period.end.isoformat()),
        ).fetchone()[0]
        exports = folder / "exports"
        exports.mkdir()
        write_package(store, programme, period, exports / "warm.gtt")  # imports, fonts
        export = median_numbered(
            lambda n: write_package(store, programme, period, exports / f"e{n}.gtt"), repeat
        )
        floor = median_numbered(
            lambda n: _floor_export(store, period, exports / f"f{n}.zip"), repeat
        )
    finally:
        store.close()
    packages = folder / "packages"
    packages.mkdir()
    paths = _variants(exports / "e0.gtt", packages, PACKAGES)
    floors, merges = _merge_rounds(paths, folder, merge_repeat)
    return ExchangeTimings(
        export,
        floor,
        activities,
        statistics.median(merges),
        statistics.median(floors),
        len(paths),
        (exports / "e0.gtt").stat().st_size,
        tuple(m / f for m, f in zip(merges, floors, strict=True)),
    )
