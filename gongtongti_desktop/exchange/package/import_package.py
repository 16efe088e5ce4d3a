"""Importing an upload package into a data file, in two steps the window can show apart.

``plan_import`` reads and checks the package (``package_read``) and plans how its records join the data file
(``apply_records.plan_records``) — it writes nothing, so the window can show the plan and
ask. ``apply_import`` then backs the data file up, copies the package's evidence files into
the attachments folder, and applies that plan in one transaction.

Files and database cannot share one transaction, so the files go first: they are stored
under their content hash (``attachments/ab/ab12….jpg``), each written to a temporary file and
renamed into place after its hash is checked, and an existing file is never replaced. If the
database part then fails, what is left is a few unreferenced, correctly named files —
harmless, and reused if the import is tried again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.datafile.version import SCHEMA_VERSION
from gongtongti_desktop.core.records import attachments
from gongtongti_desktop.core.signed.received import keep_received
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package import apply_records as apply_records
from gongtongti_desktop.exchange.package import format as fmt
from gongtongti_desktop.exchange.package.apply_records import (
    Conflict,
    PackageDataError,
    RecordsPlan,
)
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS, Limits, PackageError, refuse
from gongtongti_desktop.exchange.package.read import Package, open_member, read_package

Progress = Callable[[int, int, str], None]


@dataclass
class ImportPlan:
    package: Package
    records: RecordsPlan
    files: list[tuple[str, dict[str, Any]]]  # (member, attachment row) to copy in
    # the package's signed forms to keep (core/signed/received), their scans to copy in
    signed: list[dict[str, Any]] = field(default_factory=list)
    signed_files: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.records.is_empty and not self.files and not self.signed_files

    def outcome_lines(self) -> list[str]:
        lines = [f"数据包：{self.package.describe()}"]
        if self.is_empty:
            return [*lines, "没有需要导入的变化：数据包中的记录与本机一致。"]
        lines += self.records.outcome_lines()
        if self.files:
            lines.append(f"附件文件 {len(self.files)} 个将复制到附件文件夹")
        if self.signed:
            scans = sum(len(form["scans"]) for form in self.signed)
            lines.append(f"表格签字情况 {len(self.signed)} 项（签字件 {scans} 份）将保存")
        return lines


@dataclass
class ImportResult:
    path: Path
    applied: bool
    lines: list[str]  # the plan as shown, for the closing message
    declined: bool = False  # the user answered no to the plan
    inserted: int = 0
    updated: int = 0
    kept_local: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    files_written: int = 0
    backup: Path | None = None
    log_id: str = ""


def plan_import(
    store: Store, path: Path, *, limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None
) -> ImportPlan:
    """What importing ``path`` would change; checks everything, writes nothing."""
    package = read_package(Path(path), limits=limits, progress=progress)
    if package.programme_id != store.programme_id:
        raise refuse(
            package.path,
            f"它属于方案“{package.manifest.get('programme_name') or package.programme_id}”，"
            f"与本数据文件的方案“{store.programme_id}”不同",
        )
    try:
        records = apply_records.plan_records(store, package.data)
    except PackageDataError as exc:
        newer = package.manifest.get("schema_version")
        hint = ""
        if isinstance(newer, int) and newer > SCHEMA_VERSION:
            hint = "（数据包由更新版本的共同体工作台写出，请升级本程序）"
        raise PackageError(
            f"数据包“{package.path.name}”被拒绝：{exc.message}{hint}。未做任何改动。"
        ) from exc
    signed, signed_files = _signed_to_keep(store, package)
    return ImportPlan(package, records, _files_to_copy(store, package), signed, signed_files)


def apply_import(
    store: Store, plan: ImportPlan, *, progress: Progress | None = None
) -> ImportResult:
    """Back up, copy the evidence files in, merge the records (one transaction)."""
    package, records = plan.package, plan.records
    result = ImportResult(package.path, False, plan.outcome_lines())
    if plan.is_empty:
        return result
    total = len(plan.files) + len(plan.signed_files) + 2
    _tick(progress, 1, total, "正在备份数据文件")
    result.backup = store.backup(reason="before-import")
    for n, (member, row) in enumerate([*plan.files, *plan.signed_files], 2):
        result.files_written += _copy_file(store, package, member, row)
        _tick(progress, n, total, f"已复制 {row['original_name']}")
    try:
        with store.atomic():  # the records and the signed forms: one transaction
            result.log_id = apply_records.apply_planned(
                store, records, package.path.name, package.period_key
            )
            if plan.signed:
                keep_received(
                    store,
                    (package.kindergarten_uuid, package.kindergarten_name),
                    package.period_key,
                    package.manifest["created_at"],
                    plan.signed,
                )
    except sqlite3.IntegrityError as exc:
        raise PackageError(
            f"数据包“{package.path.name}”中的记录与本机的记录冲突，无法合并（{exc}）。"
            "数据文件未做任何改动。"
        ) from exc
    from gongtongti_desktop.exchange.package import photo_checks

    shas = {str(r.get("sha256")) for r in package.data["records"].get("attachment", [])}
    photo_checks.keep_facts(store, package.manifest, shas)
    _tick(progress, total, total, "导入完成")
    result.applied = True
    result.inserted = len(records.inserts)
    result.updated = len(records.updates)
    result.kept_local = len(records.kept_local)
    result.conflicts = list(records.conflicts)
    return result


def import_package(
    store: Store,
    path: Path,
    *,
    confirm: Callable[[ImportPlan], bool] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> ImportResult:
    """Plan, ask ``confirm`` (None: go ahead), apply. Not applied when the answer is no."""
    plan = plan_import(store, path, limits=limits, progress=progress)
    if confirm is not None and not plan.is_empty and not confirm(plan):
        return ImportResult(plan.package.path, False, plan.outcome_lines(), declined=True)
    return apply_import(store, plan, progress=progress)


def _tick(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)


# -- evidence files ------------------------------------------------------------------------


def _files_to_copy(store: Store, package: Package) -> list[tuple[str, dict[str, Any]]]:
    """Attachment files the package carries that this data file lacks — or holds wrongly.

    Every image is decoded in full as the type its record claims before anything is written
    (a "photo" of random bytes, HTML or an SVG with a script is refused with the package). A
    file already stored is trusted only when its bytes are what its name says: the original
    (its hash is the name), or a decodable reduced JPEG that a package brought earlier; the
    original replaces a reduced copy, and anything else found there is replaced."""
    members = package.photo_members()
    wanted: dict[str, tuple[str, dict[str, Any]]] = {}
    for row in package.data["records"].get("attachment", []):
        member = members.get(str(row.get("sha256")))
        if member is None or row.get("deleted_at") or row["sha256"] in wanted:
            continue
        reduced = package.members[member]["sha256"] != row["sha256"]
        _check_member(package, member, row, reduced)
        target = attachments.stored_path(store, row)
        if target.exists() and _trusted(target, row, genuine_incoming=not reduced):
            continue
        wanted[row["sha256"]] = (member, row)
    return list(wanted.values())


_FORMATS = {
    "image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/bmp": "BMP",
    "image/webp": "WEBP", "image/tiff": "TIFF",
}  # fmt: skip
_SUFFIX_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".bmp": "image/bmp", ".webp": "image/webp",
}  # fmt: skip


def _decodes_as(content: bytes, media_type: str) -> bool:
    """Whether Pillow decodes ``content`` completely as ``media_type`` (not by its first
    bytes: HTML behind a JPEG's three-byte signature fails here)."""
    import io
    import warnings

    from PIL import Image

    wanted = _FORMATS.get(media_type)
    if wanted is None:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[wanted]) as image:
                image.load()
                return image.format == wanted
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning):
        return False


def _check_member(package: Package, member: str, row: dict[str, Any], reduced: bool) -> None:
    """An image member is the image its record claims; a reduced one a real JPEG; a file
    that is not an image is the original itself (its hash is the record's)."""
    media = str(row.get("media_type", ""))
    is_image = media.startswith("image/")
    if is_image and _SUFFIX_TYPES.get(str(row.get("suffix"))) != media:
        raise refuse(package.path, f"附件记录的扩展名与类型不符（{row.get('suffix')}、{media}）")
    if not is_image:
        if reduced:
            raise refuse(package.path, f"其中的 {member} 与附件记录不符")
        return
    archive, stream = open_member(package.path, member)
    with archive, stream:
        content = stream.read()
    claimed = "image/jpeg" if reduced else media
    if not _decodes_as(content, claimed):
        raise refuse(
            package.path,
            f"其中的 {member} 不是可以打开的{'压缩后的 JPEG ' if reduced else ''}图片"
            f"（附件“{str(row.get('original_name', ''))[:40]}”），可能已损坏或被冒充",
        )


_SCAN_FORMATS = {".jpg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".bmp": "BMP", ".webp": "WEBP"}


def _signed_to_keep(
    store: Store, package: Package
) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    """The package's signed forms (each scan named by its hash and suffix) and the scans this
    data file lacks. Each scan must be what its name says: its bytes hash to its name, and an
    image decodes in full as its suffix's type, a PDF starts as one — or the package is refused."""
    section = package.manifest.get("signed")
    if not isinstance(section, dict):
        return [], []
    forms: list[dict[str, Any]] = []
    files: dict[str, tuple[str, dict[str, Any]]] = {}
    for form in section["forms"]:
        scans = []
        for scan in form["scans"]:
            member = scan["member"]
            sha, suffix = fmt.SIGNED_NAME.match(member).groups()  # type: ignore[union-attr]
            if package.members[member]["sha256"] != sha:
                raise refuse(package.path, f"其中的签字件 {member} 与它的名称不符")
            row = {"sha256": sha, "suffix": suffix, "original_name": scan["name"]}
            if sha not in files and not _trusted_scan(store, row):
                _check_scan(package, member, suffix)
                files[sha] = (member, row)
            scans.append({**{k: scan[k] for k in ("code", "name", "read_by")}, **row})
        forms.append({**form, "scans": scans})
    return forms, list(files.values())


def _trusted_scan(store: Store, row: dict[str, Any]) -> bool:
    return _file_hash(attachments.stored_path(store, row)) == row["sha256"]


def _check_scan(package: Package, member: str, suffix: str) -> None:
    archive, stream = open_member(package.path, member)
    with archive, stream:
        content = stream.read()
    if suffix == ".pdf":
        ok = content.startswith(b"%PDF-")
    else:
        ok = _decodes_as(content, "image/tiff" if suffix == ".tif" else _SUFFIX_TYPES[suffix])
    if not ok:
        raise refuse(
            package.path, f"其中的签字件 {member} 不是可以打开的图片或 PDF，可能已损坏或被冒充"
        )


def _trusted(target: Path, row: dict[str, Any], *, genuine_incoming: bool) -> bool:
    """Keep the file already stored? Yes when it is the original; when the package brings
    only a reduced copy, also when the stored file is itself a decodable image."""
    if _file_hash(target) == row["sha256"]:
        return True
    if genuine_incoming:
        return False  # the original replaces a reduced copy (or anything else)
    try:
        content = target.read_bytes()
    except OSError:
        return False
    media = str(row.get("media_type", ""))
    return _decodes_as(content, "image/jpeg") or _decodes_as(content, media)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def _copy_file(store: Store, package: Package, member: str, row: dict[str, Any]) -> int:
    """Write one member to its content-addressed place; 1 when written, 0 when already there."""
    target = attachments.stored_path(store, row)  # planned: new, or replacing a wrong file
    expected = package.members[member]["sha256"]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    except OSError as exc:
        raise UserError(
            f"无法写入附件文件夹 {target.parent}：{exc.strerror or exc}。数据文件未做任何改动。"
        ) from exc
    tmp = Path(name)
    try:
        digest = hashlib.sha256()
        archive, stream = open_member(package.path, member)
        with archive, stream, os.fdopen(fd, "wb") as out:
            for block in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected:  # the package changed since it was checked
            raise refuse(package.path, f"其中的 {member} 校验值与清单不符")
        os.replace(tmp, target)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise refuse(package.path, f"其中的 {member} 无法读取（文件在检查后被改动）") from exc
    except OSError as exc:
        raise UserError(
            f"无法写入附件文件 {target}：{exc.strerror or exc}。数据文件未做任何改动。"
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return 1
