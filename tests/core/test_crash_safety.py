"""Crash safety, measured: a writing process is killed (SIGKILL) 200 times at random moments
during edits, roster imports, package imports, workbook exports, package exports (which
also mark records reported), backups and restores; after every kill the data file passes
``PRAGMA integrity_check`` and holds every record whose transaction had committed — or, when
the kill fell inside a restore, exactly the backup being restored — every export the process
had finished is complete (exports are written to a temporary file and renamed, so a kill
leaves either the old file or the new one, never half of one), and every backup listed is a
sound one (a backup is written to a ``.partial`` name and renamed when checked).

The child is a fork of the test process (no interpreter start-up per kill); it reports each
commit through a pipe *after* the call returned, so "reported" means "committed".
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile import backups
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import form_data
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.roster_import.apply import apply_import
from gongtongti_desktop.core.roster_import.plan import plan_import
from gongtongti_desktop.core.roster_import.table import read_roster_xlsx
from gongtongti_desktop.exchange.package.import_package import import_package
from gongtongti_desktop.exchange.package.read import read_package
from gongtongti_desktop.exchange.package.write import write_package
from gongtongti_desktop.output.xlsx import write_workbook
from tests.core.test_roster_import import HEADER, SEED, write_book

KILLS = 200
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (Linux, macOS)")


def _roster_books(folder: Path) -> list[Path]:
    """Two versions of 沂源县源教体发〔2022〕11号 附件1 differing in one phone: each import writes something."""
    books = []
    for n, phone in enumerate(("13583377048", "13583377049")):
        rows = [list(r) for r in SEED]
        rows[-1][5] = phone
        books.append(write_book(folder / f"roster-{n}.xlsx", [HEADER, *rows]))
    return books


def _partner_packages(folder: Path, programme_id: str, n: int) -> list[Path]:
    """Packages of other kindergartens, each with activities this file does not have yet."""
    programme = get_programme(programme_id)
    out = []
    for k in range(n):
        path = folder / f"partner-{k}.gtdb"
        with Store.create(path, kindergarten=f"伙伴园{k}", programme_id=programme_id) as store:
            host = records.save_record(store, programme, "kindergarten", {"name": f"伙伴园{k}"})
            for d in range(15):
                records.save_record(
                    store, programme, "activity",
                    {"day": f"2024-10-{d + 1:02d}", "kind": "网络研修", "title": f"伙伴{k}-{d}",
                     "mode": "线上", "host_id": host},
                )  # fmt: skip
            year = periods.parse_school_year(programme.calendar, "2024")
            write_package(store, programme, year, folder / f"partner-{k}.gtt")
        out.append(folder / f"partner-{k}.gtt")
    return out


def _child(
    path: Path, books: list[Path], packages: list[Path], out_dir: Path, report: int, seed: int
) -> None:
    """Write forever, reporting each committed operation; killed from outside."""
    rng = random.Random(seed)
    programme = get_programme("yiyuan-2022")
    store = Store.open(path)
    lead = roster.list_pairings(store)[0]["lead_id"]
    n = 0
    while True:
        n += 1
        op = rng.choice(
            ("edit", "edit", "import", "export", "package", "package-import", "backup", "restore")
        )
        if op == "edit":
            day = dt.date(2024, 9, 1) + dt.timedelta(days=rng.randrange(300))
            new = records.save_record(
                store, programme, "activity",
                {"day": day.isoformat(), "kind": "送教下乡", "title": f"送教 {seed}-{n}",
                 "mode": "线下", "host_id": lead, "record": "记录" * rng.randrange(1, 400)},
            )  # fmt: skip
            os.write(report, f"A {new}\n".encode())
        elif op == "import":
            parsed = read_roster_xlsx(books[n % 2], programme)
            plan = plan_import(store, programme, parsed)
            apply_import(store, programme, plan)
            os.write(report, f"I {n % 2}\n".encode())
        elif op == "package":
            out = out_dir / f"export-{n % 3}.gtt"
            year = periods.parse_school_year(programme.calendar, "2024")
            write_package(store, programme, year, out)
            os.write(report, f"P {out}\n".encode())
        elif op == "package-import":
            import_package(store, rng.choice(packages))
            os.write(report, b"Q 1\n")
        elif op == "backup":
            made = store.backup(reason="manual")
            os.write(report, f"B {made}\n".encode())
        elif op == "restore":
            manual = [b.path for b in backups.list_backups(path) if b.reason == "manual"]
            if manual:
                chosen = rng.choice(manual)
                os.write(report, f"r {chosen}\n".encode())  # about to restore it
                backups.restore(path, chosen)
                os.write(report, f"R {chosen}\n".encode())
        else:
            out = out_dir / f"export-{n % 3}.xlsx"
            year = periods.parse_school_year(programme.calendar, "2024")
            write_workbook(
                [form_data(store, programme, f, year) for f in ("annex1", "annex2")], out
            )
            os.write(report, f"E {out}\n".encode())


def _activity_ids(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM activity")}
    finally:
        conn.close()


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


@pytest.mark.slow
def test_killed_writers_never_lose_committed_records(tmp_path: Path) -> None:
    programme = get_programme("yiyuan-2022")
    path = tmp_path / "crash.gtdb"
    books = _roster_books(tmp_path)
    with Store.create(path, kindergarten="测试园", programme_id=programme.id) as store:
        parsed = read_roster_xlsx(books[0], programme)
        plan = plan_import(store, programme, parsed)
        apply_import(store, programme, plan)
    packages = _partner_packages(tmp_path, programme.id, 3)
    committed: set[str] = set()
    exports: set[Path] = set()
    gtts: set[Path] = set()
    rng = random.Random(2026)
    totals = {"A": 0, "I": 0, "E": 0, "P": 0, "Q": 0, "B": 0, "r": 0, "R": 0}
    for kill in range(KILLS):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            os.close(read_end)
            try:
                _child(path, books, packages, tmp_path, write_end, kill)
            finally:
                os._exit(0)
        os.close(write_end)
        restoring: Path | None = None
        # Mostly early kills (mid-edit, mid-import); some late enough for a whole package.
        time.sleep(rng.uniform(0.005, 0.15) if rng.random() < 0.75 else rng.uniform(0.3, 0.9))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        for line in _read_all(read_end).splitlines():
            kind, _, value = line.partition(" ")
            totals[kind] += 1
            if kind == "A":
                committed.add(value)
            elif kind == "r":
                restoring = Path(value)
            elif kind == "R":  # the file is now that backup's content
                committed = _activity_ids(Path(value))
                restoring = None
            elif kind == "E":
                exports.add(Path(value))
            elif kind == "P":
                gtts.add(Path(value))
        os.close(read_end)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", kill
            present = {r[0] for r in conn.execute("SELECT id FROM activity")}
        finally:
            conn.close()
        if restoring is not None and not committed <= present:
            # Killed inside a restore after its one transaction committed: the backup, whole.
            committed = _activity_ids(restoring)
            assert present == committed, f"kill {kill}: a restore left a mixture"
        assert committed <= present, f"kill {kill}: lost {committed - present}"
        for info in backups.list_backups(path):  # no half-written backup is ever listed
            backups.check_backup(info.path)
        for export in exports:
            with zipfile.ZipFile(export) as zf:  # complete: the zip's directory reads
                assert zf.testzip() is None
        for package in gtts:
            read_package(package)  # complete and consistent: every hash checks
    with Store.open(path) as store:
        assert store.integrity_problems() == []
        assert len(roster.list_pairings(store)) == 14
    # The kills landed in the middle of work of every kind.
    assert all(n >= 5 for n in totals.values()), totals
    print(
        f"\n{KILLS} kills: {totals['A']} edits, {totals['I']} roster imports, "
        f"{totals['Q']} package imports, {totals['E']} workbook exports, "
        f"{totals['P']} package exports, {totals['B']} backups, {totals['R']} restores "
        f"committed ({totals['r']} restores begun)"
    )
