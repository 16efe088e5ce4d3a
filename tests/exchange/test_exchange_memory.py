"""Importing or merging any package the limits allow stays under 300 MB resident.

The compression-ratio guard alone let a 1 MB package inflate into a JSON document that took
2.8 GB to parse. Now data.json's size and its count of objects, strings and values are
bounded before it is parsed; here the largest data.json of each costly kind the limits let
through (stored uncompressed, so no ratio guard helps) is imported and merged in a fresh
process, whose peak resident memory is measured (VmHWM; ``resource.getrusage`` where there
is no /proc)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS as LIMITS
from tests.exchange._packages import dumps, entry, read_members, write_zip
from tests.exchange.conftest import Exported

LIMIT_MB = 300


def _head(exported: Exported) -> bytes:
    doc = json.loads(read_members(exported.package)["data.json"])
    doc["records"] = {}
    return dumps(doc)[:-2]  # without the closing "}}": records follow


def _documents(exported: Exported) -> dict[str, bytes]:
    head = _head(exported)
    margin = 100  # the head's own braces, quotes and commas
    objects = (LIMITS.max_json_containers - margin) // 1
    strings = LIMITS.max_json_strings - margin
    values = LIMITS.max_json_values - margin
    text = "教" * 150_000
    rows = LIMITS.max_json_bytes // (len(text.encode()) + 200) - 1
    long_rows = ",".join(json.dumps({"record": text}, ensure_ascii=False) for _ in range(rows))
    return {
        "a valid busy year": _busy_year(exported),
        "objects": head + b'"activity": [' + b",".join([b"{}"] * objects) + b"]}}",
        "strings": head + b'"activity": [["' + b'","'.join([b"ab"] * (strings - 1)) + b'"]]}}',
        "values": head + b'"activity": [[' + b",".join([b"1000"] * (values - 1)) + b"]]}}",
        "long text": head + b'"activity": [' + long_rows.encode() + b"]}}",
    }


def _busy_year(exported: Exported) -> bytes:
    """A package that passes every check: 2 000 activities with long records, as large as the
    size limit allows — imported and merged for real."""
    doc = json.loads(read_members(exported.package)["data.json"])
    model = doc["records"]["activity"][0]
    count = 2_000
    per = (LIMITS.max_json_bytes - 2_000_000) // count // 3  # characters of record text
    doc["records"]["activity"] += [
        {**model, "id": str(uuid.UUID(int=n + 1)), "record": "记" * per} for n in range(count)
    ]
    return dumps(doc)


def _package(exported: Exported, raw: bytes, dest: Path) -> Path:
    items = read_members(exported.package)
    manifest = json.loads(items.pop("manifest.json"))
    items["data.json"] = raw
    manifest["members"] = {name: entry(content) for name, content in items.items()}
    return write_zip(dest, [*items.items(), ("manifest.json", dumps(manifest))], zipfile.ZIP_STORED)


PEAK = """
import resource, sys
from pathlib import Path
from gongtongti_desktop.cli import main
if sys.argv[1] == "import":
    code = main(["import", "--data", sys.argv[2], sys.argv[3]])
else:
    from gongtongti_desktop.errors import UserError
    from gongtongti_desktop.exchange.rollup.rollup import rollup_packages
    try:
        rollup_packages([Path(sys.argv[3])], Path(sys.argv[2]))
    except UserError as exc:  # every package refused: said, not a crash
        print(exc.message, file=sys.stderr)
# ru_maxrss survives exec on Linux (it would be the parent's, pytest's, peak when larger);
# VmHWM is this process's own high-water mark.
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
    print(int(hwm.split()[1]) // 1024)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _peak_mb(*argv: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *argv], capture_output=True, text=True, timeout=600
    )
    assert "Traceback" not in done.stderr, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["a valid busy year", "objects", "strings", "values", "long text"])
def test_the_largest_allowed_data_json_stays_under_300_mb(
    exported: Exported, tmp_path: Path, kind: str
) -> None:
    raw = _documents(exported)[kind]
    assert len(raw) <= LIMITS.max_json_bytes
    package = _package(exported, raw, tmp_path / "big.gtt")
    target = tmp_path / "t.gtdb"
    Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
    imported = _peak_mb("import", str(target), str(package))
    merged = _peak_mb("merge", str(tmp_path / "s.xlsx"), str(package))
    if kind == "a valid busy year":  # really imported, and really merged
        assert (tmp_path / "s.xlsx").exists()
        with Store.open(target) as store:
            assert store.query("SELECT count(*) AS n FROM activity")[0]["n"] > 2_000
    print(f"{kind}: data.json {len(raw) / 1e6:.1f} MB, import {imported} MB, merge {merged} MB")
    assert imported < LIMIT_MB and merged < LIMIT_MB


def test_one_object_more_is_refused_before_parsing(exported: Exported, tmp_path: Path) -> None:
    head = _head(exported)
    raw = head + b'"activity": [' + b",".join([b"{}"] * LIMITS.max_json_containers) + b"]}}"
    package = _package(exported, raw, tmp_path / "over.gtt")
    target = tmp_path / "t.gtdb"
    Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
    done = subprocess.run(
        [sys.executable, "-m", "gongtongti_desktop.cli", "import", "--data", str(target),
         str(package)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2 and "个对象或列表" in done.stderr


WORKER = """
import resource, sys, tempfile
from pathlib import Path
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS
from gongtongti_desktop.exchange.rollup import pool
if sys.argv[1] == "tuned":
    pool._worker_start()  # what the 汇总's worker processes run first
faults = []
with tempfile.TemporaryDirectory() as folder:
    for name in sys.argv[2:]:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        _path, row, why = pool.figures_of(Path(name), DEFAULT_LIMITS, Path(folder))
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
        print("merged" if row is not None else why, file=sys.stderr)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(int(hwm.split()[1]) // 1024, *faults)
"""


def _worker(mode: str, packages: list[Path]) -> tuple[int, list[int], str]:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, mode, *map(str, packages)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    peak, *faults = map(int, done.stdout.split())
    return peak, faults, done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tuning is glibc's")
def test_a_worker_reading_the_largest_packages_in_turn_stays_under_300_mb(
    exported: Exported, tmp_path: Path
) -> None:
    """A 汇总 worker keeps freed memory for the next package: what it keeps must not add up."""
    packages = [
        _package(exported, raw, tmp_path / f"big{n}.gtt")
        for n, raw in enumerate(_documents(exported).values())
    ]
    peak, _faults, said = _worker("tuned", packages)
    assert said.splitlines()[0] == "merged"  # the valid busy year really merged
    print(f"one worker, five largest packages in turn: {peak} MB")
    assert peak < LIMIT_MB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tuning is glibc's")
def test_a_worker_reuses_the_memory_of_the_package_before(
    exported: Exported, tmp_path: Path
) -> None:
    """Without the tuning each package of a school year (2 000 activities) maps and faults its
    big blocks in afresh; with it, a worker's later packages reuse what the earlier freed."""
    doc = json.loads(read_members(exported.package)["data.json"])
    model = doc["records"]["activity"][0]
    doc["records"]["activity"] += [
        {**model, "id": str(uuid.UUID(int=n + 1)), "record": "记" * 400} for n in range(2_000)
    ]
    year = _package(exported, dumps(doc), tmp_path / "year.gtt")
    _peak, plain, said = _worker("plain", [year] * 8)
    assert said.split() == ["merged"] * 8
    _peak, tuned, _said = _worker("tuned", [year] * 8)
    print(f"page faults per package, plain {plain}, tuned {tuned}")
    # after two packages (Python's own small-object arenas still come and go now and then):
    # plain ~13 000-15 000 in six packages, tuned ~2 000-2 600 here
    assert sum(tuned[2:]) * 3 < sum(plain[2:])
