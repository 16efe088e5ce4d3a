"""Making packages for the tests by rewriting a real one: hostile variants (a member renamed to
"../x", a hash that no longer matches, …) and many kindergartens' packages for the 汇总 report.

Rewriting a package exported once is far faster than exporting fifty: the members are copied
as bytes, data.json and manifest.json are edited as JSON and the manifest's hashes are
recomputed (unless a test wants them wrong).
"""

from __future__ import annotations

import hashlib
import json
import uuid
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

Doc = dict[str, Any]


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(
    path: Path, items: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Members written as given — duplicates and hostile names included."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w", compression) as archive:
            for name, content in items:
                info = zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0))
                info.compress_type = compression
                archive.writestr(info, content)
    return path


def dumps(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def entry(content: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def repack(
    src: Path,
    dest: Path,
    *,
    data: Callable[[Doc], None] | None = None,
    manifest: Callable[[Doc], None] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    rehash: bool = True,
    extra: list[tuple[str, bytes]] | None = None,
    tweak: Callable[[dict[str, bytes]], None] | None = None,
) -> Path:
    """A copy of ``src`` with data.json/manifest.json edited, members added or dropped, the
    manifest's member list recomputed (``rehash``), ``tweak`` changing members' bytes after
    that, and ``extra`` raw entries not listed."""
    items = read_members(src)
    man = json.loads(items.pop("manifest.json"))
    if data is not None:
        doc = json.loads(items["data.json"])
        data(doc)
        items["data.json"] = dumps(doc)
    for name in drop:
        items.pop(name)
    items.update(add or {})
    if rehash:
        man["members"] = {name: entry(content) for name, content in items.items()}
    if manifest is not None:
        manifest(man)
    if tweak is not None:
        tweak(items)
    pairs = [*items.items(), ("manifest.json", dumps(man)), *(extra or [])]
    return write_zip(dest, pairs)


def as_kindergarten(doc: Doc, n: int, name: str) -> None:
    """Make a package's identity another kindergarten's (manifest or data.json alike)."""
    doc["kindergarten"] = {"uuid": str(uuid.UUID(int=n + 1)), "name": name}


def drop_activities(doc: Doc, keep: Callable[[int, Doc], bool]) -> None:
    """Remove the activities ``keep`` rejects, with their attachments and evidence links."""
    records = doc["records"]
    gone = {row["id"] for i, row in enumerate(records["activity"]) if not keep(i, row)}
    records["activity"] = [row for row in records["activity"] if row["id"] not in gone]
    files = {row["id"] for row in records["attachment"] if row["activity_id"] in gone}
    records["attachment"] = [row for row in records["attachment"] if row["id"] not in files]
    for score in records["score"]:
        score["evidence"] = [
            link for link in score["evidence"] if link.partition(":")[2] not in gone | files
        ]
