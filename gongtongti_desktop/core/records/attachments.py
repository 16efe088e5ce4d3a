"""Evidence attached to an activity (photos, minutes, sign-in sheets).

Files are copied into ``attachments/`` beside the data file under their content hash
(``attachments/ab/ab12….jpg``), so the same photo attached twice is stored once, a renamed or
moved original does not matter, and the data file stays small. The database keeps the hash, the
original name and a caption. A photo that is not really an image, a file over 30 MB, or one that
has vanished is refused with a message.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.datafile.store import ATTACHMENTS_DIR_NAME, Store, new_id
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.engine import Column, Field, RecordType
from gongtongti_desktop.core.timeutil import now_iso
from gongtongti_desktop.errors import UserError

MAX_BYTES = 30 * 1024 * 1024
FOLDER_NAME = ATTACHMENTS_DIR_NAME

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}
DOCUMENT_SUFFIXES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".wps": "application/vnd.ms-works",
    ".txt": "text/plain",
}


def sniff_image(head: bytes) -> str:
    """The image media type from a file's first bytes, or '' when it is not an image we show."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"BM"):
        return "image/bmp"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return ""


ATTACHMENT = records.register(
    RecordType(
        "attachment",
        "附件",
        (Field("caption", "说明", "text"), Field("flag_note", "对照片提示的说明", "longtext")),
        (Column("original_name", "文件名"), Column("caption", "说明"), Column("size", "大小")),
        describe=lambda store, row: f"附件“{row['original_name']}”",
    )
)


def folder(store: Store) -> Path:
    return store.path.parent / FOLDER_NAME


def stored_path(store: Store, row: dict[str, Any]) -> Path:
    return folder(store) / row["sha256"][:2] / f"{row['sha256']}{row['suffix']}"


def _check_source(source: Path) -> tuple[str, str]:
    """(media type, suffix) of an acceptable file, or UserError saying why not."""
    name = source.name
    if not source.exists():
        raise UserError(f"文件“{name}”不存在或已被移走：{source}")
    if not source.is_file():
        raise UserError(f"“{name}”不是文件")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise UserError(
            f"文件“{name}”有 {size / 1024 / 1024:.1f} MB，超过 30 MB 的上限；请压缩后再添加"
        )
    if size == 0:
        raise UserError(f"文件“{name}”是空文件")
    suffix = source.suffix.lower()
    with source.open("rb") as fh:
        head = fh.read(16)
    media = sniff_image(head)
    if suffix in IMAGE_SUFFIXES:
        if not media:
            raise UserError(f"“{name}”的扩展名是图片，但内容不是图片（文件可能已损坏或改过扩展名）")
        return media, ".jpg" if suffix == ".jpeg" else suffix
    if media:  # an image with an odd or missing extension: keep it, as an image
        return media, "." + media.split("/")[1].replace("jpeg", "jpg")
    if suffix in DOCUMENT_SUFFIXES:
        return DOCUMENT_SUFFIXES[suffix], suffix
    allowed = "、".join(sorted(IMAGE_SUFFIXES | set(DOCUMENT_SUFFIXES)))
    raise UserError(f"不支持的文件类型“{name}”。可添加：{allowed}")


def _hash(path: Path) -> str:
    import hashlib  # not at start-up: only photos are hashed

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    """The SHA-256 a stored file is named by."""
    return _hash(path)


def copy_in(store: Store, source: Path, sha: str, suffix: str) -> Path:
    """Copy ``source`` (whose hash is ``sha``) into the attachments folder under its hash; a
    file already there is kept (the same content, stored once). Also used for signed scans."""
    target = folder(store) / sha[:2] / f"{sha}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            if _hash(Path(tmp)) != sha:
                raise UserError(f"复制“{source.name}”时文件发生了变化，请重试")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return target


def add_attachment(store: Store, activity_id: str, source: Path, caption: str = "") -> str:
    """Copy ``source`` into the attachments folder and attach it; returns the attachment id."""
    source = Path(source)
    if records.active(store, "activity", activity_id) is None:
        raise UserError("要添加附件的活动不存在或已删除")
    media, suffix = _check_source(source)
    sha = _hash(source)
    facts = None
    if media.startswith("image/"):
        # Read once here, so the photo checks never decode an image (core/photos/facts.py).
        # A picture Pillow cannot decode is still attached (a viewer may show it): its
        # problem is kept and shown as a note on the activity, never a traceback.
        from gongtongti_desktop.core.photos.facts import read_file_facts

        facts = read_file_facts(source)
    row = {
        "id": new_id(),
        "activity_id": activity_id,
        "sha256": sha,
        "original_name": source.name[:200],
        "suffix": suffix,
        "media_type": media,
        "size": source.stat().st_size,
        "caption": caption.strip()[:500],
    }
    copy_in(store, source, sha, suffix)
    now = now_iso()
    with store.atomic():
        last = store.execute(
            "SELECT coalesce(max(sort_order), 0) FROM attachment WHERE activity_id = ?",
            [activity_id],
        ).fetchone()[0]
        records.note(store, "attachment", row["id"])
        store.db.table("attachment").insert(
            {**row, "sort_order": last + 1, "created_at": now, "updated_at": now}
        )
        if facts is not None:
            from gongtongti_desktop.core.photos.facts import save_facts

            save_facts(store, sha, facts)
    return row["id"]


def list_attachments(store: Store, activity_id: str) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT * FROM attachment WHERE activity_id = ? AND deleted_at IS NULL ORDER BY sort_order, created_at",
        (activity_id,),
    )
    for row in rows:
        row["path"] = str(stored_path(store, row))
        row["is_image"] = row["media_type"].startswith("image/")
        row["missing"] = not Path(row["path"]).is_file()
    return rows


def missing_files(store: Store) -> list[str]:
    """Attachments whose stored copy is gone (for ``check``)."""
    problems = []
    for row in store.query(
        """SELECT t.*, a.day, a.title FROM attachment t JOIN activity a ON a.id = t.activity_id
           WHERE t.deleted_at IS NULL AND a.deleted_at IS NULL"""
    ):
        if not stored_path(store, row).is_file():
            problems.append(
                f"活动“{row['day']} {row['title']}”的附件“{row['original_name']}”文件缺失"
            )
    return problems
