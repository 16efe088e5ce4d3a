"""Photo checks (issue 18): the full flag pass over a school year of 2 000 activities with
6 000 photos, against merely reading those rows; reading one 12-megapixel phone photo's
capture time and hash at attach time, against merely decoding it; and the 汇总's search for
the same photo across 200 packages of 6 000 photos, against parsing their photo lists.

The year is written with plain SQL (the flag pass reads stored facts, never the photos): one
photo in 40 is a resized copy of another day's, one in 25 was taken two weeks off its day,
one in 30 has no capture time — the rest are distinct random hashes."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path

from timing import median_call

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store, new_id
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.timeutil import now_iso

ACTIVITIES = 2_000
PHOTOS = 6_000
PACKAGES = 200


def year_file(folder: Path) -> Path:
    path = folder / "photos.gtdb"
    rnd = random.Random(18)
    start = dt.date(2024, 9, 1)
    now = now_iso()
    with Store.create(path, kindergarten="城关幼儿园", programme_id="yiyuan-2022") as store:
        activities, photos, facts = [], [], []
        for n in range(ACTIVITIES):
            day = (start + dt.timedelta(days=n * 365 // ACTIVITIES)).isoformat()
            activities.append((new_id(), now, now, day, "送教下乡", f"送教下乡 {n + 1}"))
        hashes: list[int] = []
        for n in range(PHOTOS):
            act_id, *_rest, day, _kind, _title = activities[n // 3]
            sha = f"{rnd.getrandbits(256):064x}"
            h = rnd.getrandbits(64)
            if n % 40 == 39:  # a copy of an earlier photo, 2 bits off
                h = hashes[rnd.randrange(len(hashes))] ^ 0b101
            hashes.append(h)
            taken = f"{day}T09:30:00"
            if n % 25 == 24:
                taken = (
                    dt.date.fromisoformat(day) - dt.timedelta(days=14)
                ).isoformat() + "T09:30:00"
            if n % 30 == 29:
                taken = ""
            photos.append((new_id(), now, now, act_id, sha, f"IMG_{n:05d}.jpg", ".jpg", "image/jpeg", 2_000_000, n % 3))  # fmt: skip
            facts.append((sha, taken, "original" if taken else "", f"{h:016x}", ""))
        with store.atomic():
            store.conn.executemany(
                "INSERT INTO activity (id, created_at, updated_at, day, kind, title)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                activities,
            )
            store.conn.executemany(
                "INSERT INTO attachment (id, created_at, updated_at, activity_id, sha256,"
                " original_name, suffix, media_type, size, sort_order)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                photos,
            )
            store.conn.executemany("INSERT INTO photo_facts VALUES (?, ?, ?, ?, ?)", facts)
    return path


def flag_pass(folder: Path, repeat: int) -> tuple[float, float, int]:
    """(seconds for the full flag pass, seconds to read the same rows, flags found)."""
    programme = get_programme("yiyuan-2022")
    with Store.open(year_file(folder)) as store:

        def cold() -> list[photo_flags.PhotoFlag]:
            photo_flags._last_search = (frozenset(), set())  # no answer kept from before
            return photo_flags.photo_flags(store, programme, fill=False)

        flags = cold()
        full = median_call(cold, repeat)
        rows = median_call(lambda: photo_flags._photo_rows(store), repeat)
    return full, rows, len(flags)


def phone_photo() -> bytes:
    """A 12-megapixel (4000×3000) JPEG with EXIF, textured like a photo."""
    from PIL import Image, ImageFilter

    picture = Image.effect_noise((1000, 750), 60).convert("RGB").resize((4000, 3000))
    picture = picture.filter(ImageFilter.GaussianBlur(3))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:10:15 09:30:00"
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def attach_cost(repeat: int) -> tuple[float, float, float]:
    """(seconds for capture time + hash, seconds to decode the photo fully, MB of the file)."""
    from PIL import Image

    from gongtongti_desktop.core.photos.facts import read_facts

    content = phone_photo()

    def decode() -> None:
        with Image.open(io.BytesIO(content)) as image:
            image.load()

    facts = median_call(lambda: read_facts(content), repeat)
    return facts, median_call(decode, repeat), len(content) / 1024 / 1024


def rollup_search(repeat: int) -> tuple[float, float, int]:
    """(seconds for the search across 200 × 6 000 hashes, seconds to parse those photo lists
    from JSON as the manifests carry them, pairs found)."""
    from gongtongti_desktop.exchange.rollup.photos import mark_shared

    rnd = random.Random(13)
    texts = []
    for _p in range(PACKAGES):
        photos = {
            f"{rnd.getrandbits(256):064x}": [f"{rnd.getrandbits(64):016x}", "2024-10-15T09:30:00", "original"]
            for _n in range(PHOTOS)
        }  # fmt: skip
        texts.append(json.dumps({"photos": photos}))

    class Row:
        def __init__(self, uuid: str, hashes: tuple[int, ...]) -> None:
            self.uuid, self.photo_hashes, self.photo_shared = uuid, hashes, 0

    parsed = [json.loads(t)["photos"] for t in texts]
    rows = [Row(str(n), tuple(int(v[0], 16) for v in p.values())) for n, p in enumerate(parsed)]
    rows[7].photo_hashes = (*rows[7].photo_hashes[:-1], rows[150].photo_hashes[0] ^ 1)  # one reuse
    search = median_call(lambda: mark_shared(rows), repeat)  # type: ignore[arg-type]
    parse = median_call(lambda: [json.loads(t) for t in texts], repeat)
    return search, parse, sum(r.photo_shared for r in rows)
