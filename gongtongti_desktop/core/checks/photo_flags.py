"""Photo flags: a photo taken far from its activity's date, the same photo on two activities,
a photo without a capture time — and the director's answer to them.

Why flags and never refusals: a phone with a wrong clock, a photo sent on by WeChat (which
strips EXIF) or one group photo used for a joint activity are honest. The program points at
what a county clerk would ask about; the director answers with a note, which travels with
the package, and the flag then shows as answered. ``photo_flags`` needs nothing from the
window: ``check``, the diary, the package and the 上报前检查 list all call it.

Kinds (``PhotoFlag.kind``):

* ``date_far`` — the capture time is more than ``programme.calendar.photo_days`` days from
  the activity's date;
* ``duplicate`` — the same or nearly the same photo (hashes at most ``NEAR_BITS`` bits apart)
  is on an activity of another day or another host kindergarten (several shots of one event
  on one activity, or on two records of the same day and host, are not flagged);
* ``no_time`` — no capture time (milder: a note, ``severity == "note"``);
* ``unreadable`` — the picture could not be decoded (a note).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.photos.facts import SOURCE_LABELS, read_file_facts, save_facts
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme

# Two hashes at most this many bits apart (of 64) are the same photo. Measured on 20 textured
# test scenes (tests/core/test_photo_checks.py makes such photos): resized or recompressed at
# quality 30–40 they stay within 6 bits, cropped 3 % on every side within 9; the same scene
# with its objects moved by a tenth of the width is 17 or more apart, other scenes 18–34.
NEAR_BITS = 10
# A hash with almost all bits alike is a picture without detail (a black frame, a blank page,
# an overexposed sky): any two such pictures look "the same", so they are never called
# duplicates.
MIN_DETAIL_BITS = 8


def detailed(h: int) -> bool:
    """Whether a hash has enough of both bits to say anything about the picture."""
    return MIN_DETAIL_BITS <= h.bit_count() <= 64 - MIN_DETAIL_BITS


KIND_LABELS = {
    "date_far": "拍摄日期与活动日期不符",
    "duplicate": "同一张照片用在多个活动",
    "no_time": "照片没有拍摄时间",
    "unreadable": "照片无法读取",
}
FILL_BATCH = 200  # photos read per transaction when filling facts lazily


@dataclass(frozen=True)
class PhotoFlag:
    attachment_id: str
    activity_id: str
    day: str  # the activity's date
    title: str  # the activity's title
    photo: str  # the photo's caption, or its file name
    kind: str  # a key of KIND_LABELS
    severity: str  # "flag" or "note" (milder)
    explanation: str  # Chinese, says what was found and why it matters
    answer: str = ""  # the director's note ("" : not answered)
    others: tuple[str, ...] = field(default_factory=tuple)  # duplicate: the other attachments

    @property
    def answered(self) -> bool:
        return bool(self.answer.strip())

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def line(self) -> str:
        """One line for ``check`` and lists: what, where, and the answer when there is one."""
        text = f"{self.day} {self.title}：{self.photo} — {self.explanation}"
        return f"{text}（已说明：{self.answer.strip()}）" if self.answered else text


# -- facts, stored by content hash ------------------------------------------------------------


def unfilled(store: Store) -> list[dict[str, Any]]:
    """Image attachments (one per content hash) whose facts were never read."""
    return store.query(
        """SELECT t.sha256, min(t.suffix) AS suffix, min(t.original_name) AS original_name
           FROM attachment t LEFT JOIN photo_facts f ON f.sha256 = t.sha256
           WHERE f.sha256 IS NULL AND t.deleted_at IS NULL AND t.media_type LIKE 'image/%'
           GROUP BY t.sha256"""
    )


def fill_facts(store: Store, limit: int | None = None) -> int:
    """Read the facts of photos attached before photo checks existed (or copied in by a
    package); returns how many were read. Each batch commits on its own, so an interruption
    keeps what was done and the next call goes on from there. A photo whose file is missing
    is left for later (it may come back from a backup)."""
    from gongtongti_desktop.core.records.attachments import stored_path

    rows = unfilled(store)[:limit] if limit is not None else unfilled(store)
    done = 0
    for start in range(0, len(rows), FILL_BATCH):
        batch = []
        for row in rows[start : start + FILL_BATCH]:
            path = stored_path(store, row)
            if path.is_file():
                batch.append((row["sha256"], read_file_facts(path, row["original_name"])))
        with store.atomic():
            for sha, facts in batch:
                save_facts(store, sha, facts)
        done += len(batch)
    return done


# -- flags ------------------------------------------------------------------------------------


def _photo_rows(store: Store) -> list[dict[str, Any]]:
    return store.query(
        """SELECT t.id, t.activity_id, t.sha256, t.original_name, t.caption, t.flag_note,
                  a.day, a.title, coalesce(a.host_id, '') AS host_id,
                  f.captured_at, f.captured_from, f.dhash, f.problem
           FROM attachment t JOIN activity a ON a.id = t.activity_id
           LEFT JOIN photo_facts f ON f.sha256 = t.sha256
           WHERE t.deleted_at IS NULL AND a.deleted_at IS NULL AND t.media_type LIKE 'image/%'
           ORDER BY a.day, t.activity_id, t.sort_order, t.created_at"""
    )


def _days_apart(captured_at: str, day: str) -> int | None:
    try:
        return abs((date.fromisoformat(captured_at[:10]) - date.fromisoformat(day)).days)
    except ValueError:
        return None


def near_pairs(hashes: Sequence[int], bits: int = NEAR_BITS) -> set[tuple[int, int]]:
    """Index pairs (i < j) of hashes at most ``bits`` apart, without comparing every pair.

    The 64 bits are cut into bits + 1 bands: two hashes at most ``bits`` apart agree exactly
    on at least one band (pigeonhole), so only hashes that share a band value are compared —
    every such pair is found. For a data file's photos (6 000: tests/bench/photo_bench.py);
    the 汇总's million hashes use ``near_pairs_many``."""
    bands = bits + 1
    width = -(-64 // bands)
    mask = (1 << width) - 1
    found: set[tuple[int, int]] = set()
    for band in range(bands):
        shift = band * width
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, h in enumerate(hashes):
            buckets[(h >> shift) & mask].append(i)
        for members in buckets.values():
            for x, i in enumerate(members[:-1]):
                hi = hashes[i]
                found.update([(i, j) for j in members[x + 1 :] if (hi ^ hashes[j]).bit_count() <= bits])  # fmt: skip
    return found


def near_pairs_many(
    hashes: Sequence[int], bits: int = NEAR_BITS, bands: int = 3
) -> set[tuple[int, int]]:
    """``near_pairs`` for very many hashes (the 汇总: 200 packages × 6 000 photos), by sorting.

    Narrow bands would put thousands of unrelated hashes in each bucket, so the bands here are
    wide (3 of 21–22 bits): every pair within ``bands - 1`` bits is found for certain, most
    pairs a few bits further (a resized or recompressed copy is 0–6 bits away), and the work
    is a sort per band (in C) instead of comparisons by the million."""
    n = len(hashes)
    width = -(-64 // bands)
    mask = (1 << width) - 1
    index_bits = max(n.bit_length(), 1)
    index_mask = (1 << index_bits) - 1
    found: set[tuple[int, int]] = set()
    for band in range(bands):
        shift = band * width
        packed = sorted([(((h >> shift) & mask) << index_bits) | i for i, h in enumerate(hashes)])
        keys = [p >> index_bits for p in packed]
        start = 0
        for k in [k for k in range(1, n) if keys[k] == keys[k - 1]]:
            if keys[start] != keys[k]:
                start = k - 1
            i = packed[k] & index_mask
            hi = hashes[i]
            for m in range(start, k):
                j = packed[m] & index_mask
                if (hi ^ hashes[j]).bit_count() <= bits:
                    found.add((j, i) if j < i else (i, j))
    return found


def _name(row: dict[str, Any]) -> str:
    return f"照片“{row['caption'] or row['original_name']}”"


def photo_flags(
    store: Store, programme: Programme, period: Period | None = None, fill: bool = True
) -> list[PhotoFlag]:
    """Every photo flag of the data file, or of the activities in ``period`` (a duplicate is
    still looked for among all photos of the file: reuse from another month is the point).

    ``fill`` first reads the facts of photos that have none yet (see ``fill_facts``); the
    window passes False on paths that must stay quick and fills in the background."""
    if fill:
        fill_facts(store)
    rows = _photo_rows(store)
    days = programme.calendar.photo_days
    flags: list[PhotoFlag] = []
    duplicates = _duplicates(rows)
    for index, row in enumerate(rows):
        if (
            period is not None
            and not period.start.isoformat() <= row["day"] <= period.end.isoformat()
        ):
            continue
        flags.extend(_row_flags(row, days, [rows[j] for j in duplicates.get(index, ())]))
    return flags


# The last search's answer (hash values → near pairs of values): the diary recomputes the flags
# after every edit, and most edits do not change which photos the file holds.
_last_search: tuple[frozenset[int], set[tuple[int, int]]] = (frozenset(), set())


def _near_values(values: list[int]) -> set[tuple[int, int]]:
    global _last_search
    key = frozenset(values)
    if key != _last_search[0] or not key:
        pairs = near_pairs(values)
        _last_search = (key, {(values[i], values[j]) for i, j in pairs})
    return _last_search[1]


def _duplicates(rows: list[dict[str, Any]]) -> dict[int, list[int]]:
    """Row index → rows of the same or nearly the same photo on another day or host."""
    by_value: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row["dhash"] and detailed(int(row["dhash"], 16)):
            by_value[int(row["dhash"], 16)].append(i)
    candidates = [(a, b) for group in by_value.values() for x, a in enumerate(group) for b in group[x + 1 :]]  # fmt: skip
    for va, vb in _near_values(list(by_value)):
        candidates += [(a, b) for a in by_value[va] for b in by_value[vb]]
    found: dict[int, list[int]] = defaultdict(list)
    for x, y in candidates:
        a, b = rows[x], rows[y]
        if a["activity_id"] == b["activity_id"]:
            continue
        if a["day"] == b["day"] and a["host_id"] == b["host_id"]:
            continue
        found[x].append(y)
        found[y].append(x)
    return found


def _row_flags(row: dict[str, Any], days: int, others: list[dict[str, Any]]) -> Iterable[PhotoFlag]:
    def flag(kind: str, severity: str, text: str, other_ids: tuple[str, ...] = ()) -> PhotoFlag:
        return PhotoFlag(
            row["id"], row["activity_id"], row["day"], row["title"],
            _name(row), kind, severity, text, row["flag_note"] or "", other_ids,
        )  # fmt: skip

    if row["problem"]:
        yield flag("unreadable", "note", row["problem"])
        return
    if row["dhash"] is None:  # facts not read yet (file missing, or not filled)
        return
    captured = row["captured_at"] or ""
    if not captured:
        yield flag(
            "no_time", "note", "照片里没有拍摄时间（可能经微信等转发或编辑过），无法核对拍摄日期"
        )
    else:
        apart = _days_apart(captured, row["day"])
        if apart is not None and apart > days:
            source = SOURCE_LABELS.get(row["captured_from"], "拍摄时间")
            yield flag(
                "date_far",
                "flag",
                f"照片的{source}是 {captured[:10]}，与活动日期 {row['day']} 相差 {apart} 天"
                f"（超过 {days} 天）",
            )
    if others:
        where = "、".join(sorted({f"{o['day']}“{o['title']}”" for o in others})[:3])
        more = f"等 {len({o['activity_id'] for o in others})} 个活动" if len(others) > 3 else ""
        yield flag(
            "duplicate",
            "flag",
            f"同一张或几乎相同的照片也用在 {where}{more}",
            tuple(o["id"] for o in others),
        )


def flags_by_activity(flags: Iterable[PhotoFlag]) -> dict[str, list[PhotoFlag]]:
    out: dict[str, list[PhotoFlag]] = defaultdict(list)
    for f in flags:
        out[f.activity_id].append(f)
    return dict(out)


def answer_flag(store: Store, programme: Programme, attachment_id: str, note: str) -> None:
    """Answer a photo's flags with a note ("" takes the answer back). An ordinary save of the
    attachment record, so ``engine.recording`` sees it, undo replays it and the package
    carries it."""
    from gongtongti_desktop.core.records import engine as records

    current = records.get_record(store, "attachment", attachment_id)
    records.save_record(
        store,
        programme,
        "attachment",
        {"caption": current["caption"], "flag_note": note},
        attachment_id,
    )
