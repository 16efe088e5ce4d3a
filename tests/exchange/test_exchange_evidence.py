"""Evidence files from a package are decoded in full as the image they claim to be before
anything is stored, and what is stored under a hash is what that hash says.

Before, a "photo" of random bytes, HTML or an SVG with a script was stored whenever its hash
matched its record, and a "reduced JPEG" was checked by its first three bytes only — and an
existing file was never replaced, so a later genuine package kept the attacker's bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import attachments
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.import_package import import_package
from tests.exchange._packages import entry, read_members, repack
from tests.exchange.conftest import Exported

HOSTILE = {
    "random bytes": bytes(range(256)) * 40,
    "html": b"<html><script>alert(1)</script></html>",
    "svg with a script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "jpeg signature then html": b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
    "png signature then junk": b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
}


def _photo(exported: Exported) -> tuple[dict[str, Any], str]:
    """An image attachment of the package and its member."""
    members = read_members(exported.package)
    doc = json.loads(members["data.json"])
    for row in doc["records"]["attachment"]:
        name = f"photos/{row['sha256']}{row['suffix']}"
        if row["media_type"].startswith("image/") and name in members:
            return row, name
    raise AssertionError("the demo package carries a photo")


def _swap_original(exported: Exported, dest: Path, content: bytes) -> Path:
    """The photo replaced by ``content`` with its record's hash made to match (an original)."""
    row, member = _photo(exported)
    sha = hashlib.sha256(content).hexdigest()

    def data(doc: dict[str, Any]) -> None:
        for r in doc["records"]["attachment"]:
            if r["id"] == row["id"]:
                r.update(sha256=sha, size=len(content))

    return repack(
        exported.package, dest, data=data, drop=(member,),
        add={f"photos/{sha}{row['suffix']}": content},
    )  # fmt: skip


def _swap_reduced(exported: Exported, dest: Path, content: bytes) -> Path:
    """The photo's member replaced by ``content`` under the record's hash (a "reduced" copy)."""
    _row, member = _photo(exported)
    return repack(exported.package, dest, add={member: content})


def _listing(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _target(tmp_path: Path) -> Path:
    folder = tmp_path / "园"
    folder.mkdir()
    target = folder / "园.gtdb"
    Store.create(target, kindergarten="", programme_id="yiyuan-2022").close()
    return target


@pytest.mark.parametrize("how", ["original", "reduced"])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_photo_that_is_not_an_image_is_refused_before_anything_is_stored(
    exported: Exported, tmp_path: Path, case: str, how: str
) -> None:
    swap = _swap_original if how == "original" else _swap_reduced
    bad = swap(exported, tmp_path / "bad.gtt", HOSTILE[case])
    target = _target(tmp_path)
    before = _listing(target.parent)
    with Store.open(target) as store, pytest.raises(PackageError, match="不是可以打开的"):
        import_package(store, bad)
    assert _listing(target.parent) == before


def test_a_genuine_package_replaces_wrong_bytes_stored_under_its_hash(
    exported: Exported, tmp_path: Path
) -> None:
    row, member = _photo(exported)
    target = _target(tmp_path)
    with Store.open(target) as store:
        stored = attachments.stored_path(store, row)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(HOSTILE["jpeg signature then html"])  # left by an earlier attack
    with Store.open(target) as store:
        result = import_package(store, exported.package)
    assert result.applied
    genuine = read_members(exported.package)[member]
    assert stored.read_bytes() == genuine
    if entry(genuine)["sha256"] == row["sha256"]:
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row["sha256"]


def test_a_stored_original_is_kept(exported: Exported, tmp_path: Path) -> None:
    target = _target(tmp_path)
    with Store.open(target) as store:
        import_package(store, exported.package)
    before = _listing(target.parent / "attachments")
    with Store.open(target) as store:  # a second import changes no stored file
        import_package(store, exported.package)
    assert _listing(target.parent / "attachments") == before
