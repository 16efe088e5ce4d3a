"""Photo checks in the upload package: the flags and answers of the period, and each photo's
capture time and perceptual hash, in ``manifest.json`` under ``photo_checks``.

Why in the manifest, computed when the package is written: the package's photos are reduced
(re-encoded without EXIF, exchange/package/photos.py), so a reader could not find their
capture time any more; and the 汇总 of 200 packages must never decode a photo (issue 13's
speed target). The writer knows both from ``photo_facts``; the 汇总 only counts the flags and
compares hashes across kindergartens, an import keeps the facts of the photos it copies in.

Shape (checked strictly by ``check`` like every part of a package)::

    "photo_checks": {
      "photo_days": 3, "near_bits": 10,
      "flags": [{"attachment_id", "activity_id", "day", "kind", "severity",
                 "explanation", "answer"}, …],
      "photos": {"<sha256 of the attachment>": ["<16 hex dHash>", "<capture time>",
                                                 "<original|digitized|modified|>"], …}
    }
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.photos.facts import SOURCE_LABELS, PhotoFacts, save_facts
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.exchange.package import format as fmt

KEY = "photo_checks"
_KEYS = frozenset(("photo_days", "near_bits", "flags", "photos"))
_FLAG_KEYS = frozenset(
    ("attachment_id", "activity_id", "day", "kind", "severity", "explanation", "answer")
)
_HEX16 = re.compile(r"^[0-9a-f]{16}\Z")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_ID = re.compile(r"^[0-9a-fA-F-]{8,64}\Z")
_MAX_TEXT = 2000


def manifest_entry(
    store: Store, programme: Programme, period: Period, records: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """The ``photo_checks`` of a package of ``period`` carrying ``records``."""
    carried = [r for r in records["attachment"] if not r.get("deleted_at")]
    ids = {r["id"] for r in carried}
    flags = [f for f in photo_flags.photo_flags(store, programme, period) if f.attachment_id in ids]
    shas = sorted({r["sha256"] for r in carried if str(r["media_type"]).startswith("image/")})
    photos: dict[str, list[str]] = {}
    for start in range(0, len(shas), 500):
        part = shas[start : start + 500]
        for row in store.query(
            "SELECT sha256, dhash, captured_at, captured_from FROM photo_facts"
            f" WHERE dhash != '' AND sha256 IN ({', '.join('?' * len(part))})",
            part,
        ):
            photos[row["sha256"]] = [row["dhash"], row["captured_at"], row["captured_from"]]
    return {
        "photo_days": programme.calendar.photo_days,
        "near_bits": photo_flags.NEAR_BITS,
        "flags": [{k: getattr(f, k) for k in sorted(_FLAG_KEYS)} for f in flags],
        "photos": photos,
    }


def check(path: Path, value: Any) -> None:
    """Refuse the package (PackageError) unless ``photo_checks`` has exactly the shape above."""

    def bad(what: str) -> fmt.PackageError:
        return fmt.refuse(path, f"清单中的照片核对信息{what}")

    if not isinstance(value, dict) or set(value) != _KEYS:
        raise bad("格式不对")
    for key in ("photo_days", "near_bits"):
        number = value[key]
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number <= 366:
            raise bad(f"中的 {key} 不对")
    flags, photos = value["flags"], value["photos"]
    if not isinstance(flags, list) or not isinstance(photos, dict):
        raise bad("格式不对")
    for flag in flags:
        if not isinstance(flag, dict) or set(flag) != _FLAG_KEYS:
            raise bad("中有一条提示格式不对")
        if not all(isinstance(v, str) and len(v) <= _MAX_TEXT for v in flag.values()):
            raise bad("中有一条提示格式不对")
        if (
            flag["kind"] not in photo_flags.KIND_LABELS
            or flag["severity"] not in ("flag", "note")
            or not _ID.match(flag["attachment_id"])
            or not _ID.match(flag["activity_id"])
            or not _DAY.match(flag["day"])
        ):
            raise bad("中有一条提示格式不对")
    for sha, entry in photos.items():
        if not fmt.is_sha256(sha) or not isinstance(entry, list) or len(entry) != 3:
            raise bad("中有一张照片的信息格式不对")
        dhash, taken, source = entry
        if (
            not isinstance(dhash, str)
            or not _HEX16.match(dhash)
            or not isinstance(taken, str)
            or (taken and not _TIME.match(taken))
            or source not in ("", *SOURCE_LABELS)
        ):
            raise bad("中有一张照片的信息格式不对")


def keep_facts(store: Store, manifest: dict[str, Any], shas: set[str]) -> None:
    """After an import: the facts of the photos it copied in, as their own data file read
    them from the originals (the copies in a package have lost their EXIF). Facts this data
    file read itself are kept."""
    photos = (manifest.get(KEY) or {}).get("photos", {})
    known = {r["sha256"] for r in store.query("SELECT sha256 FROM photo_facts")}
    with store.atomic():
        for sha in sorted(shas & set(photos) - known):
            dhash, taken, source = photos[sha]
            save_facts(store, sha, PhotoFacts(taken, source, dhash, ""))


def counts(manifest: dict[str, Any]) -> tuple[int, int, int]:
    """(flags, of them answered, milder notes) of a package; zeros when it has none."""
    flags = (manifest.get(KEY) or {}).get("flags", [])
    strong = [f for f in flags if f["severity"] == "flag"]
    answered = sum(1 for f in strong if f["answer"].strip())
    return len(strong), answered, len(flags) - len(strong)


def hashes(manifest: dict[str, Any]) -> tuple[int, ...]:
    """The package's photo hashes as integers, for the 汇总's search across kindergartens."""
    photos = (manifest.get(KEY) or {}).get("photos", {})
    return tuple(int(entry[0], 16) for entry in photos.values())
