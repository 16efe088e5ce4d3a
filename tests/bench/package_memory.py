"""Peak memory of importing the largest package the limits allow: a school year of 2 000
activities whose records fill data.json up to its size limit (24 MB), imported by the
``gongtongti import`` command in a fresh process into an empty data file. Baseline: the same
command importing the demo's own school-year package (a few hundred KB).

The child's own high-water mark (``VmHWM``): ``ru_maxrss`` would report the parent's peak
when that is larger (Linux keeps it across exec)."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

from startup import child_env

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS
from gongtongti_desktop.exchange.package.write import write_package

_CHARACTERS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]

PEAK = """
import sys
from gongtongti_desktop.cli import main
code = main(["import", "--data", sys.argv[1], sys.argv[2]])
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(code, int(hwm.split()[1]) // 1024)
"""


def _largest(package: Path, dest: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        items = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(items.pop("manifest.json"))
    doc = json.loads(items["data.json"])
    model = doc["records"]["activity"][0]
    per = (DEFAULT_LIMITS.max_json_bytes - 2_000_000) // 2_000 // 3
    rng = random.Random(13)  # varied text: it compresses as written text does, not 400:1
    doc["records"]["activity"] += [
        {**model, "id": str(uuid.UUID(int=n + 1)),
         "record": "".join(rng.choices(_CHARACTERS, k=per))}
        for n in range(2_000)
    ]  # fmt: skip
    items["data.json"] = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    manifest["members"] = {
        name: {"sha256": hashlib.sha256(c).hexdigest(), "size": len(c)} for name, c in items.items()
    }
    items["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in items.items():
            archive.writestr(name, content)
    return dest


def _peak(folder: Path, package: Path, name: str) -> int:
    target = folder / f"import-{name}.gtdb"
    Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(target), str(package)],
        capture_output=True, text=True, env=child_env(), timeout=600, check=True,
    )  # fmt: skip
    code, mb = done.stdout.split()[-2:]
    assert code == "0", done.stderr
    return int(mb)


def measure(folder: Path) -> tuple[int, int, float]:
    """(peak MB importing the largest package, peak MB importing the demo's, its data.json MB)."""
    demo = folder / "demo.gtdb"
    programme = get_programme("yiyuan-2022")
    with create_demo(demo) as store:
        year = periods.period_containing(programme.calendar, "school_year", store.today())
        write_package(store, programme, year, folder / "year.gtt", photos=True)
    largest = _largest(folder / "year.gtt", folder / "largest.gtt")
    with zipfile.ZipFile(largest) as archive:
        size = archive.getinfo("data.json").file_size / 1024 / 1024
    return _peak(folder, largest, "largest"), _peak(folder, folder / "year.gtt", "demo"), size
