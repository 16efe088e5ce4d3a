"""Photo evidence checks with real photos: EXIF capture times against the activity's date,
the same photo (resized, recompressed, cropped a little) on activities of other days or
kindergartens, photos without a capture time, damaged files — and the director's answer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _photo_samples import crop, exif_with, jpeg_bytes, save, scene
from PIL import Image

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.photos import facts as photo_facts
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import attachments, engine
from tests.core.conftest import save_activity


def _kinds(flags: list[photo_flags.PhotoFlag], attachment_id: str) -> set[str]:
    return {f.kind for f in flags if f.attachment_id == attachment_id}


# -- facts ------------------------------------------------------------------------------------


def test_capture_time_prefers_date_time_original() -> None:
    both = exif_with(original="2024:10:15 09:30:00", modified="2024:12:01 20:00:00")
    found = photo_facts.read_facts(jpeg_bytes(scene(1), exif=both))
    assert (found.captured_at, found.captured_from) == ("2024-10-15T09:30:00", "original")
    only_modified = exif_with(modified="2024:12:01 20:00:00")
    found = photo_facts.read_facts(jpeg_bytes(scene(1), exif=only_modified))
    assert (found.captured_at, found.captured_from) == ("2024-12-01T20:00:00", "modified")
    unset_clock = exif_with(original="0000:00:00 00:00:00")
    assert photo_facts.read_facts(jpeg_bytes(scene(1), exif=unset_clock)).captured_at == ""
    assert photo_facts.read_facts(jpeg_bytes(scene(1))).captured_at == ""


def test_reused_copies_stay_near_and_other_photos_stay_far() -> None:
    """The threshold sits between the two: change NEAR_BITS much and this fails."""
    near = photo_flags.NEAR_BITS
    for seed in (1, 2, 3, 4):
        base = scene(seed)
        original = photo_facts.read_facts(jpeg_bytes(base)).dhash
        copies = {
            "resized": base.resize((600, 450)),
            "quality 30": Image.open(io.BytesIO(jpeg_bytes(base, 30))),
            "cropped 3 %": crop(base, 0.03),
        }
        for name, copy in copies.items():
            d = photo_facts.distance(original, photo_facts.read_facts(jpeg_bytes(copy)).dhash)
            assert d <= near, (seed, name, d)
        moved = photo_facts.read_facts(jpeg_bytes(scene(seed, shift=120))).dhash
        other = photo_facts.read_facts(jpeg_bytes(scene(seed + 10))).dhash
        assert photo_facts.distance(original, moved) > near + 4, seed
        assert photo_facts.distance(original, other) > near + 4, seed


def test_orientation_tag_is_applied_before_hashing() -> None:
    base = scene(5)
    exif = Image.Exif()
    exif[photo_facts.ORIENTATION] = 6  # "turn 90° clockwise to view"
    stored_turned = jpeg_bytes(base.transpose(Image.Transpose.ROTATE_90), exif=exif)
    upright = photo_facts.read_facts(jpeg_bytes(base)).dhash
    assert photo_facts.distance(upright, photo_facts.read_facts(stored_turned).dhash) <= 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xd8\xff\xe0" + b"\x00" * 300, "未能检查"),
        (b"not an image at all", "不是能识别的图片"),
    ],
)
def test_damaged_pictures_give_a_message(content: bytes, message: str) -> None:
    found = photo_facts.read_facts(content, "坏.jpg")
    assert found.dhash == "" and message in found.problem and "“坏.jpg”" in found.problem


def test_truncated_jpeg_and_bomb_are_noted_not_crashed(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    act = save_activity(store, programme, kgs)
    whole = jpeg_bytes(scene(1))
    cut = tmp_path / "半张.jpg"
    cut.write_bytes(whole[: len(whole) // 3])
    half = attachments.add_attachment(store, act, cut)
    bomb = tmp_path / "炸弹.png"
    Image.new("1", (20000, 20000)).save(bomb, optimize=True)  # 400 MP in a few KB
    big = attachments.add_attachment(store, act, bomb)
    flags = {f.attachment_id: f for f in photo_flags.photo_flags(store, programme)}
    assert flags[half].kind == "unreadable" and "文件不完整或已损坏" in flags[half].explanation
    assert flags[big].kind == "unreadable" and "像素过多" in flags[big].explanation
    assert flags[half].severity == flags[big].severity == "note"


# -- flags ------------------------------------------------------------------------------------


def test_capture_date_window_follows_the_profile(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    assert programme.calendar.photo_days == 3
    act = save_activity(store, programme, kgs, day="2024-10-15")
    on_day = attachments.add_attachment(store, act, save(tmp_path, "a.jpg", scene(1), "2024-10-15"))
    edge = attachments.add_attachment(store, act, save(tmp_path, "b.jpg", scene(2), "2024-10-18"))
    late = attachments.add_attachment(store, act, save(tmp_path, "c.jpg", scene(3), "2024-10-19"))
    early = attachments.add_attachment(store, act, save(tmp_path, "d.jpg", scene(4), "2024-09-01"))
    flags = photo_flags.photo_flags(store, programme)
    assert _kinds(flags, on_day) == set() and _kinds(flags, edge) == set()
    assert _kinds(flags, late) == {"date_far"} and _kinds(flags, early) == {"date_far"}
    (far,) = [f for f in flags if f.attachment_id == late]
    assert "2024-10-19" in far.explanation and "相差 4 天" in far.explanation
    assert far.severity == "flag" and far.day == "2024-10-15"
    wider = programme._replace(calendar=periods.Calendar(photo_days=4))
    assert _kinds(photo_flags.photo_flags(store, wider), late) == set()


def test_same_photo_on_another_day_or_kindergarten_is_flagged(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    base = scene(7)
    first = save_activity(store, programme, kgs, day="2024-10-15", title="十月送教")
    same_day = save_activity(store, programme, kgs, day="2024-10-15", title="同日另一条记录")
    later = save_activity(store, programme, kgs, day="2024-11-20", title="十一月送教")
    other_host = save_activity(
        store,
        programme,
        kgs,
        day="2024-10-15",
        title="对方园主办",
        host_id=kgs["partner"],
        receiver_ids=[kgs["core"]],
    )
    a = attachments.add_attachment(store, first, save(tmp_path, "a.jpg", base, "2024-10-15"))
    burst = attachments.add_attachment(store, first, save(tmp_path, "a2.jpg", base.resize((900, 675)), "2024-10-15"))  # fmt: skip
    b = attachments.add_attachment(store, same_day, save(tmp_path, "b.jpg", crop(base, 0.03), "2024-10-15"))  # fmt: skip
    flags = photo_flags.photo_flags(store, programme)
    assert not any(f.kind == "duplicate" for f in flags)  # same day, same host: one event
    c = attachments.add_attachment(store, later, save(tmp_path, "c.jpg", base.resize((640, 480)), quality=35))  # fmt: skip
    d = attachments.add_attachment(store, other_host, save(tmp_path, "d.jpg", crop(base, 0.02), "2024-10-15"))  # fmt: skip
    e = attachments.add_attachment(store, later, save(tmp_path, "e.jpg", scene(7, shift=120), "2024-11-20"))  # fmt: skip
    flags = photo_flags.photo_flags(store, programme)
    for photo in (a, burst, b, c, d):
        assert "duplicate" in _kinds(flags, photo), photo
    assert _kinds(flags, e) == set()  # the same room, another moment: not the same photo
    (dup,) = [f for f in flags if f.attachment_id == c and f.kind == "duplicate"]
    assert "2024-10-15" in dup.explanation and set(dup.others) == {a, burst, b, d}
    assert _kinds(flags, c) == {"duplicate", "no_time"}
    (note,) = [f for f in flags if f.kind == "no_time"]
    assert note.severity == "note"
    november = periods.month_period(2024, 11)
    assert {f.attachment_id for f in photo_flags.photo_flags(store, programme, november)} == {c}


def test_threshold_is_the_boundary(store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path) -> None:  # fmt: skip
    """Hashes exactly NEAR_BITS apart are the same photo; one bit more are not."""
    one = save_activity(store, programme, kgs, day="2024-10-15")
    two = save_activity(store, programme, kgs, day="2024-11-15")
    a = attachments.add_attachment(store, one, save(tmp_path, "a.jpg", scene(1), "2024-10-15"))
    b = attachments.add_attachment(store, two, save(tmp_path, "b.jpg", scene(2), "2024-11-15"))
    base = 0x0123456789ABCDEF
    for bits, expected in ((photo_flags.NEAR_BITS, True), (photo_flags.NEAR_BITS + 1, False)):
        other = base ^ ((1 << bits) - 1)
        store.execute("UPDATE photo_facts SET dhash = ? WHERE sha256 = (SELECT sha256 FROM attachment WHERE id = ?)", [f"{base:016x}", a])  # fmt: skip
        store.execute("UPDATE photo_facts SET dhash = ? WHERE sha256 = (SELECT sha256 FROM attachment WHERE id = ?)", [f"{other:016x}", b])  # fmt: skip
        flags = photo_flags.photo_flags(store, programme)
        assert ("duplicate" in _kinds(flags, b)) is expected, bits


def test_near_pairs_finds_every_pair_within_the_bits() -> None:
    import random

    rnd = random.Random(3)
    hashes = [rnd.getrandbits(64) for _ in range(400)]
    for i in range(0, 400, 10):  # plant neighbours 0–10 bits away
        flips = rnd.sample(range(64), i % 11)
        hashes[i + 1] = hashes[i] ^ sum(1 << b for b in flips)
    found = set(photo_flags.near_pairs(hashes))
    brute = {
        (i, j)
        for i in range(400)
        for j in range(i + 1, 400)
        if (hashes[i] ^ hashes[j]).bit_count() <= photo_flags.NEAR_BITS
    }
    assert found == brute and len(brute) >= 40


def test_answer_is_an_operation_with_changes_and_undoable(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    act = save_activity(store, programme, kgs, day="2024-10-15")
    photo = attachments.add_attachment(store, act, save(tmp_path, "a.jpg", scene(1), "2024-09-01"), "合影")  # fmt: skip
    with engine.recording(store) as journal:
        photo_flags.answer_flag(store, programme, photo, "相机日期设置错误，实为当天拍摄")
    assert journal.result.changed == [("attachment", photo)]
    assert journal.result.before[("attachment", photo)]["flag_note"] == ""
    (flag,) = photo_flags.photo_flags(store, programme)
    assert flag.answered and flag.answer == "相机日期设置错误，实为当天拍摄"
    assert "已说明：相机日期设置错误" in flag.line()
    assert engine.get_record(store, "attachment", photo)["caption"] == "合影"
    # Undo replays the picture before (ui/shell/undo.py does exactly this save).
    key = ("attachment", photo)
    engine.save_record(store, programme, "attachment", journal.result.before[key], photo)
    (flag,) = photo_flags.photo_flags(store, programme)
    assert not flag.answered and "已说明" not in flag.line()


def test_photos_attached_before_are_filled_lazily_in_batches(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    act = save_activity(store, programme, kgs, day="2024-10-15")
    ids = [
        attachments.add_attachment(store, act, save(tmp_path, f"{i}.jpg", scene(i), "2024-10-01"))
        for i in range(5)
    ]
    store.execute("DELETE FROM photo_facts")  # as after the migration: no facts yet
    assert len(photo_flags.unfilled(store)) == 5
    assert photo_flags.photo_flags(store, programme, fill=False) == []
    monkeypatch.setattr(photo_flags, "FILL_BATCH", 2)
    assert photo_flags.fill_facts(store, limit=3) == 3  # an interrupted fill keeps its batches
    assert len(photo_flags.unfilled(store)) == 2
    flags = photo_flags.photo_flags(store, programme)
    assert {f.attachment_id for f in flags if f.kind == "date_far"} == set(ids)
    assert photo_flags.unfilled(store) == []


def test_near_pairs_many_finds_every_pair_within_two_bits() -> None:
    """The 汇总's search: certain up to bands - 1 = 2 bits, never a pair over NEAR_BITS."""
    import random

    rnd = random.Random(5)
    hashes = [rnd.getrandbits(64) for _ in range(3000)]
    for i in range(0, 3000, 6):  # plant neighbours 0–5 bits away
        hashes[i + 1] = hashes[i] ^ sum(1 << b for b in rnd.sample(range(64), (i // 6) % 6))
    found = photo_flags.near_pairs_many(hashes)
    within = {
        (i, j): (hashes[i] ^ hashes[j]).bit_count()
        for i in range(3000)
        for j in range(i + 1, 3000)
        if (hashes[i] ^ hashes[j]).bit_count() <= photo_flags.NEAR_BITS
    }
    assert {p for p, d in within.items() if d <= 2} <= found <= set(within)
    assert len(found) > len([d for d in within.values() if d <= 2])  # and some beyond


def test_pictures_without_detail_are_never_duplicates(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    """Two black frames (or blank pages) hash alike; they say nothing about reuse."""
    one = save_activity(store, programme, kgs, day="2024-10-15")
    two = save_activity(store, programme, kgs, day="2024-11-15")
    black = Image.new("RGB", (800, 600))
    a = attachments.add_attachment(store, one, save(tmp_path, "a.jpg", black, "2024-10-15"))
    b = attachments.add_attachment(store, two, save(tmp_path, "b.jpg", black.resize((400, 300)), "2024-11-15"))  # fmt: skip
    assert not photo_flags.detailed(int(photo_facts.read_facts(jpeg_bytes(black)).dhash, 16))
    flags = photo_flags.photo_flags(store, programme)
    assert _kinds(flags, a) == _kinds(flags, b) == set()


def test_the_new_column_does_not_make_reported_photos_look_changed(tmp_path: Path) -> None:
    """Migration 0009 adds attachment.flag_note: a photo reported before it keeps its digest
    while unanswered; an answer is a change the next package reports."""
    import shutil
    import sqlite3

    from gongtongti_desktop.core.records import reporting

    path = tmp_path / "old.gtdb"
    shutil.copy(Path(__file__).parent.parent / "fixtures" / "schema-v6.gtdb", path)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    before = [dict(r) for r in conn.execute("SELECT * FROM attachment")]
    conn.close()
    assert before and "flag_note" not in before[0]
    with Store.open(path) as store:
        after = {r["id"]: r for r in store.query("SELECT * FROM attachment")}
        assert store.query("SELECT count(*) AS n FROM photo_facts")[0]["n"] == 0
    for row in before:
        assert after[row["id"]]["flag_note"] == ""
        assert reporting.digest(after[row["id"]]) == reporting.digest(row)
        assert reporting.digest({**row, "flag_note": "已说明"}) != reporting.digest(row)
