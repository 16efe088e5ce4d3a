"""Reading an upload package safely: everything checked before anything is touched.

A ``.gtt`` file comes from another machine — a USB stick, a chat download — so it is hostile
until proven otherwise. ``read_package`` checks, in this order, and refuses the whole package
with one Chinese message at the first problem:

1. the file: present, not over the size limit, a zip at all;
2. the zip's entries: how many, their names (no absolute paths, no "..", no backslashes, no
   drive letters, no duplicates even ignoring case, only the package's own layout), no
   encryption, declared sizes per member and in total, and the compression ratio (a zip bomb
   inflates a thousandfold; Python's ``zipfile`` never inflates past the declared size, so
   the declared sizes bound the work);
3. ``manifest.json``: UTF-8 JSON of the right shape, our format, a version we know (a newer
   one asks to upgrade), and a member list that is exactly the zip's other entries;
4. every member's sha256 and size against the manifest, read as a stream;
5. ``data.json``: UTF-8 JSON (no duplicate keys, no NaN), our data format and version, the
   same kindergarten, programme and period as the manifest, no duplicate UUIDs;
6. ``annexes.xlsx``: the same zip checks again, no DTD/entity declaration in any part (an XML
   "billion laughs" bomb), bounded cells and merged cells, then openpyxl (read-only, through
   defusedxml) must open it.

Only reading happens here — no temporary file, no extraction; the caller decides what to do
with a ``Package`` (import it, or put it in the 汇总 report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongtongti_desktop.exchange.package import format as fmt
from gongtongti_desktop.exchange.package import json_codec as package_json
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS, Limits, PackageError

Progress = Callable[[int, int, str], None]
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_BLOCK = 1024 * 1024
_NOT_COUNTED = bytes(sorted(set(range(256)) - set(b'{[",')))


@dataclass(frozen=True)
class Package:
    """A package that passed every check: its manifest, its records and its member list."""

    path: Path
    manifest: dict[str, Any]
    data: dict[str, Any]
    members: dict[str, dict[str, Any]]  # name → {"sha256", "size"} (manifest.json excluded)

    @property
    def kindergarten_uuid(self) -> str:
        return str(self.manifest["kindergarten"]["uuid"])

    @property
    def kindergarten_name(self) -> str:
        return str(self.manifest["kindergarten"]["name"])

    @property
    def programme_id(self) -> str:
        return str(self.manifest["programme"])

    @property
    def period_key(self) -> str:
        return str(self.manifest["period"]["key"])

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created_at"])

    def photo_members(self) -> dict[str, str]:
        """Attachment sha256 → the member holding its file (``photos/<sha256><suffix>``)."""
        out = {}
        for name in self.members:
            found = fmt.PHOTO_NAME.match(name)
            if found:
                out[found.group(1)] = name
        return out

    def describe(self) -> str:
        """ "城关实验幼儿园 · 2024—2025学年 · 导出于 2025-07-01 10:00" """
        stamp = self.created_at.strftime("%Y-%m-%d %H:%M")
        return f"{self.kindergarten_name} · {self.manifest['period']['label']} · 导出于 {stamp}"


def read_package(
    path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    open_workbook: bool = True,
) -> Package:
    """The checked package at ``path``; PackageError (nothing touched) on any problem.

    ``open_workbook``: also have openpyxl open ``annexes.xlsx`` (step 6's last fence, about
    17 ms). The 汇总 report never opens the workbook and reads hundreds of packages, so it
    passes False; the zip and XML byte checks of the workbook run either way."""
    path = Path(path)
    _check_file(path, limits)
    try:
        with path.open("rb") as fh:
            if fh.read(4) not in _ZIP_MAGIC:
                raise fmt.not_ours(path)
            fh.seek(0)
            try:
                archive = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
                raise fmt.not_ours(path) from exc
            with archive:
                return _read_archive(path, archive, limits, progress, open_workbook)
    except OSError as exc:
        raise fmt.refuse(path, f"无法读取文件（{exc.strerror or exc}）") from exc


def open_member(path: Path, name: str) -> tuple[zipfile.ZipFile, zipfile.ZipExtFile]:
    """A member of a package already read, opened for streaming (the caller closes both)."""
    archive = zipfile.ZipFile(path)
    try:
        return archive, archive.open(name)
    except BaseException:
        archive.close()
        raise


# -- the file and the zip ------------------------------------------------------------------


def _check_file(path: Path, limits: Limits) -> None:
    if not path.exists():
        raise PackageError(f"数据包文件不存在：{path}")
    if not path.is_file():
        raise PackageError(f"“{path}”不是文件（可能是文件夹）。")
    size = path.stat().st_size
    if size > limits.max_package_bytes:
        raise fmt.refuse(path, f"文件有 {_mb(size)}，超过 {_mb(limits.max_package_bytes)} 的上限")


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _read_archive(
    path: Path,
    archive: zipfile.ZipFile,
    limits: Limits,
    progress: Progress | None,
    open_workbook: bool,
) -> Package:
    infos = archive.infolist()
    by_name = _check_entries(path, infos, limits)
    if fmt.MANIFEST not in by_name:
        raise fmt.not_ours(path)
    raw = _read_whole(path, archive, by_name[fmt.MANIFEST], limits.max_manifest_bytes)
    manifest = package_json.check_manifest(path, package_json.parse(path, fmt.MANIFEST, raw))
    members: dict[str, dict[str, Any]] = manifest["members"]
    _check_listing(path, set(by_name) - {fmt.MANIFEST}, set(members))
    kept: dict[str, bytes] = {}
    total = len(members)
    for n, (name, expected) in enumerate(members.items(), 1):
        keep = limits.max_json_bytes if name == fmt.DATA else 0
        if name == fmt.ANNEXES:
            keep = limits.max_xlsx_bytes
        content = _verify(path, archive, by_name[name], expected, keep)
        if content is not None:
            kept[name] = content
        if progress is not None:
            progress(n, total, f"已核对 {name}")
    _check_json_counts(path, kept[fmt.DATA], limits)
    data = package_json.check_data(
        path, manifest, package_json.parse(path, fmt.DATA, kept[fmt.DATA])
    )
    if fmt.ANNEXES in kept:
        from gongtongti_desktop.exchange.package.workbook_check import check_workbook

        problem = check_workbook(kept[fmt.ANNEXES], limits, open_it=open_workbook)
        if problem:
            raise fmt.refuse(path, f"其中的 {fmt.ANNEXES} {problem}")
    return Package(path, manifest, data, members)


def _check_json_counts(path: Path, raw: bytes, limits: Limits) -> None:
    """Bound what parsing data.json can take in memory, before it is parsed: the number of
    objects and lists, strings and values (counted in the raw bytes — a character inside a
    string counts too, which only makes the bound safer)."""
    kept = raw.translate(None, _NOT_COUNTED)  # one pass keeps the four bytes counted here
    counts = (
        (kept.count(b"{") + kept.count(b"["), limits.max_json_containers, "个对象或列表"),
        (kept.count(b'"') // 2, limits.max_json_strings, "个字符串"),
        (kept.count(b","), limits.max_json_values, "个值"),
    )
    for found, most, what in counts:
        if found > most:
            raise fmt.refuse(
                path,
                f"其中的 {fmt.DATA} 含有 {found} {what}，超过 {most} 的上限"
                "（一个幼儿园一学年的记录远少于此）",
            )


def _check_entries(
    path: Path, infos: list[zipfile.ZipInfo], limits: Limits
) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > limits.max_members:
        raise fmt.refuse(path, f"包含 {len(infos)} 个文件，超过 {limits.max_members} 个的上限")
    by_name: dict[str, zipfile.ZipInfo] = {}
    folded: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        problem = fmt.member_name_problem(name) or fmt.layout_problem(name)
        if problem:
            raise fmt.refuse(path, f"其中的文件“{name}”不允许：{problem}")
        if name.lower() in folded:
            raise fmt.refuse(path, f"文件“{name}”重复出现")
        folded.add(name.lower())
        by_name[name] = info
        if info.flag_bits & 0x1:
            raise fmt.refuse(path, f"文件“{name}”已加密")
        if info.file_size > limits.max_member_bytes:
            raise fmt.refuse(
                path,
                f"其中的文件“{name}”解压后有 {_mb(info.file_size)}，超过 "
                f"{_mb(limits.max_member_bytes)} 的上限",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise fmt.refuse(
                path, f"其中的文件“{name}”压缩比异常（{ratio:.0f} 倍），可能是恶意构造的压缩炸弹"
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise fmt.refuse(
            path, f"解压后共有 {_mb(total)}，超过 {_mb(limits.max_total_bytes)} 的上限"
        )
    return by_name


def _check_listing(path: Path, present: set[str], listed: set[str]) -> None:
    """The zip holds exactly what the manifest lists: nothing slipped in, nothing lost."""
    extra = sorted(present - listed)
    if extra:
        raise fmt.refuse(path, f"其中的文件“{extra[0]}”不在清单中（数据包可能被改动）")
    missing = sorted(listed - present)
    if missing:
        raise fmt.refuse(path, f"缺少清单中列出的文件“{missing[0]}”（数据包不完整）")


def _read_whole(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.file_size > limit:
        raise fmt.refuse(path, f"其中的 {info.filename} 有 {_mb(info.file_size)}，超过上限")
    try:
        return archive.read(info)
    except Exception as exc:  # truncated, bad CRC, zlib error, unknown method: all "damaged"
        raise fmt.refuse(path, f"其中的 {info.filename} 无法解压（文件已损坏）") from exc


def _verify(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    expected: dict[str, Any],
    keep: int,
) -> bytes | None:
    """Hash a member as a stream against the manifest; its bytes when ``keep`` allows."""
    name = info.filename
    if info.file_size != expected["size"]:
        raise fmt.refuse(path, f"其中的 {name} 大小与清单不符（文件可能被改动或损坏）")
    if keep and info.file_size > keep:
        raise fmt.refuse(path, f"其中的 {name} 有 {_mb(info.file_size)}，超过上限")
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            for block in iter(lambda: stream.read(_BLOCK), b""):
                digest.update(block)
                size += len(block)
                if keep:
                    chunks.append(block)
    except Exception as exc:
        raise fmt.refuse(path, f"其中的 {name} 无法解压（文件已损坏）") from exc
    if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
        raise fmt.refuse(path, f"其中的 {name} 校验值与清单不符（文件可能被改动或损坏）")
    return b"".join(chunks) if keep else None
