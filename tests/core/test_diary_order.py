"""The diary list's matches and order with every filter: ``search_ids`` and ``search_rowids``
(what the 帮扶日志 tab holds) give exactly the activities a plain scan gives, newest first
(day, then start time, then the later-written row), for one- and two-character words (the
single-character index), longer words (trigram) and the LIKE fallback, alone and combined
with the period, kind, kindergarten, plan item and 只看计划外 filters.

The reference is plain Python over every row: LIKE's rules for the text (a substring, ASCII
letters without case), each filter written out again, and Python's sort."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import pytest

from gongtongti_desktop.core.datafile import schema
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.records import diary
from gongtongti_desktop.core.timeutil import now_iso

COLUMNS = diary.SEARCH_COLUMNS
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Pieces the texts are made of: the words searched for, near misses ("教 研", "研教"), Latin
# of both cases, punctuation.
PIECES = (
    "教研",
    "教",
    "研",
    "教 研",
    "研教",
    "活动",
    "沉与浮",
    "园",
    "a1",
    "A1",
    "a-1",
    "，",
    "。",
)
WORDS = ("教研", "教", "研", "浮", "a1", "A", "沉与浮", "教研活", "a-")
DAYS = [dt.date(2023, 7, 3) + dt.timedelta(days=11 * n) for n in range(66)]  # two school years
TIMES = ("", "", "08:30", "09:00", "14:00")
KINDS = ("送教下乡", "专题讲座", "线下教研")


@dataclass
class Data:
    rows: list[dict[str, Any]]  # every activity, deleted ones too
    receivers: dict[str, set[str]]
    kindergartens: list[str]
    live_items: set[str]
    items: list[str]


def _fold(text: str) -> str:
    return text.translate(_ASCII_FOLD)


def _fill(store: Store, seed: int) -> Data:
    """About 300 activities written with plain SQL (the triggers index them): few days, so
    many share a day and a start time; some soft-deleted; some linked to a deleted plan item."""
    rng = random.Random(seed)
    now = now_iso()
    kgs = [f"kg{n}" for n in range(3)]
    items = [f"item{n}" for n in range(3)]
    with store.atomic():
        for kg in kgs:
            store.execute(
                "INSERT INTO kindergarten (id, created_at, updated_at, name) VALUES (?, ?, ?, ?)",
                [kg, now, now, f"园{kg}"],
            )
        for n, item in enumerate(items):
            store.execute(
                "INSERT INTO plan_item (id, created_at, updated_at, deleted_at, month, task)"
                " VALUES (?, ?, ?, ?, '2024-10', '送教下乡')",
                [item, now, now, now if n == 2 else None],
            )
        receivers: dict[str, set[str]] = {}
        for n in range(300):
            rid = f"act{n:03d}"
            texts = {
                c: "".join(rng.choice(PIECES) for _ in range(rng.randrange(4))) for c in COLUMNS
            }
            values = {
                "id": rid,
                "day": rng.choice(DAYS).isoformat(),
                "start_time": rng.choice(TIMES),
                "kind": rng.choice(KINDS),
                "title": texts["title"] or "活动",
                "host_id": rng.choice(kgs),
                "plan_item_id": rng.choice((None, None, *items)),
                "deleted_at": now if rng.random() < 0.1 else None,
            }
            values |= {c: texts[c] for c in COLUMNS if c != "title"}
            names = list(values)
            store.execute(
                f"INSERT INTO activity (created_at, updated_at, mode, {', '.join(names)})"
                f" VALUES (?, ?, '线下', {', '.join('?' for _ in names)})",
                [now, now, *values.values()],
            )
            receivers[rid] = set(rng.sample(kgs, rng.randrange(3)))
            for kg in receivers[rid]:
                store.execute(
                    "INSERT INTO activity_receiver (record_id, kindergarten_id) VALUES (?, ?)",
                    [rid, kg],
                )
    rows = store.query("SELECT rowid AS rowid, * FROM activity")
    return Data(rows, receivers, kgs, {i for i in items[:2]}, items)


def expected(data: Data, f: diary.DiaryFilter) -> list[str]:
    q = _fold(f.text.strip())
    kept = []
    for r in data.rows:
        if r["deleted_at"] is not None:
            continue
        if q and not any(q in _fold(r[c]) for c in COLUMNS):
            continue
        if f.period and not f.period.start.isoformat() <= r["day"] <= f.period.end.isoformat():
            continue
        if f.kind and r["kind"] != f.kind:
            continue
        kg = f.kindergarten_id
        if kg and r["host_id"] != kg and kg not in data.receivers[r["id"]]:
            continue
        if f.plan_item_id and r["plan_item_id"] != f.plan_item_id:
            continue
        if f.unplanned_only and r["plan_item_id"] in data.live_items:
            continue
        kept.append(r)
    kept.sort(key=lambda r: (r["day"], r["start_time"], r["rowid"]), reverse=True)
    return [r["id"] for r in kept]


MONTH = Period("month", dt.date(2024, 10, 1), dt.date(2024, 10, 31), "10月")
TERM = Period("term", dt.date(2024, 9, 1), dt.date(2025, 1, 31), "2024年秋季学期")
YEAR = Period("school_year", dt.date(2023, 7, 1), dt.date(2024, 6, 30), "2023学年")
FILTERS: dict[str, Callable[[Data], diary.DiaryFilter]] = {
    "none": lambda d: diary.DiaryFilter(),
    "month": lambda d: diary.DiaryFilter(period=MONTH),
    "term": lambda d: diary.DiaryFilter(period=TERM),
    "school year": lambda d: diary.DiaryFilter(period=YEAR),
    "kind": lambda d: diary.DiaryFilter(kind=KINDS[2]),
    "kindergarten": lambda d: diary.DiaryFilter(kindergarten_id=d.kindergartens[1]),
    "plan item": lambda d: diary.DiaryFilter(plan_item_id=d.items[0]),
    "deleted plan item": lambda d: diary.DiaryFilter(plan_item_id=d.items[2]),
    "unplanned": lambda d: diary.DiaryFilter(unplanned_only=True),
    "all at once": lambda d: diary.DiaryFilter(
        period=YEAR, kind=KINDS[0], kindergarten_id=d.kindergartens[0], unplanned_only=True
    ),
    "period and plan item": lambda d: diary.DiaryFilter(period=TERM, plan_item_id=d.items[1]),
}


@pytest.fixture(params=[1, 2, 3], ids=lambda seed: f"seed{seed}")
def data(request: pytest.FixtureRequest, store: Store) -> Data:
    return _fill(store, request.param)


def _as_ids(store: Store, rowids: list[int]) -> list[str]:
    ids = dict(store.execute("SELECT rowid, id FROM activity").fetchall())
    return [ids[r] for r in rowids]


@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_with_every_word_gives_the_scans_rows_in_its_order(
    store: Store, data: Data, name: str
) -> None:
    base = FILTERS[name](data)
    for word in ("", *WORDS):
        f = replace(base, text=word)
        want = expected(data, f)
        assert diary.search_ids(store, f) == want, (name, word)
        assert _as_ids(store, diary.search_rowids(store, f)) == want, (name, word)


def test_the_data_makes_every_comparison_count(data: Data) -> None:
    """Each filter keeps some rows and drops some, each word finds some but not all, and ties
    of day and time are there to be ordered by row — else the comparisons above prove little."""
    everything = expected(data, diary.DiaryFilter())
    for name, make in FILTERS.items():
        if name in ("none", "deleted plan item", "all at once", "period and plan item"):
            continue
        kept = expected(data, make(data))
        assert 0 < len(kept) < len(everything), name
    assert expected(data, FILTERS["all at once"](data))
    assert expected(data, FILTERS["period and plan item"](data))
    for word in WORDS:
        if word != "a-":
            assert 0 < len(expected(data, diary.DiaryFilter(text=word))) < len(everything), word
    live = [r for r in data.rows if r["deleted_at"] is None]
    keys = [(r["day"], r["start_time"]) for r in live]
    assert len(set(keys)) < len(keys)
    assert any(r["deleted_at"] for r in data.rows)
    # a deleted item's activities count as unplanned, and a search can hit a deleted activity
    assert any(r["plan_item_id"] == data.items[2] and not r["deleted_at"] for r in data.rows)
    assert any(
        r["deleted_at"] and any("教研" in r[c] for c in COLUMNS) for r in data.rows
    )  # the index holds it, the list must not


def test_the_index_of_live_activities_drives_every_list(store: Store) -> None:
    """The query plans behind the figures (module doc of core/diary.py): with a period SQLite
    reads the period's slice of the index of live activities in order, without a sort; the
    whole list reads that index alone, and so does a text search, keeping the matches."""

    def plan(f: diary.DiaryFilter) -> str:
        where, params = diary._where(f)
        sql = f"SELECT a.rowid FROM activity a WHERE {where} {diary._NEWEST_FIRST}"
        return " / ".join(r[-1] for r in store.execute("EXPLAIN QUERY PLAN " + sql, params))

    for word in ("教研", "沉与浮"):
        with_period = plan(diary.DiaryFilter(text=word, period=MONTH))
        assert "INDEX activity_live_order (deleted_at=? AND day>? AND day<?)" in with_period
        everything = plan(diary.DiaryFilter())
        assert "COVERING INDEX activity_live_order (deleted_at=?)" in everything, everything
        assert "TEMP B-TREE" not in everything, everything
        assert "TEMP B-TREE" not in with_period, with_period
        alone = plan(diary.DiaryFilter(text=word))
        assert "COVERING INDEX activity_live_order (deleted_at=?)" in alone, alone
        assert "TEMP B-TREE" not in alone, alone


# -- DiaryList: a text search ordered by the last full list -----------------------------------


def _check(store: Store, data: Data, lister: diary.DiaryList, word: str) -> list[str]:
    f = diary.DiaryFilter(text=word)
    found = _as_ids(store, lister.search(f))
    assert found == diary.search_ids(store, f), word
    return found


def test_a_text_search_after_the_full_list_is_answered_by_it(store: Store, data: Data) -> None:
    lister = diary.DiaryList(store)
    for word in WORDS:  # before any full list: the query
        _check(store, data, lister, word)
    assert lister.answered_from_list == 0
    everything = lister.search(diary.DiaryFilter(text="  "))
    assert _as_ids(store, everything) == expected(data, diary.DiaryFilter())
    indexed = [w for w in WORDS if w != "a-"]  # "a-" is a LIKE scan: the query
    for word in WORDS:
        found = _check(store, data, lister, word)
        assert found == expected(data, diary.DiaryFilter(text=word)), word
    assert lister.answered_from_list == len(indexed)
    for name, make in FILTERS.items():  # any other filter: the query
        if name != "none":
            f = replace(make(data), text="教")
            assert _as_ids(store, lister.search(f)) == expected(data, f), name
    assert lister.answered_from_list == len(indexed)


def _write(store: Store, sql: str, params: list[Any]) -> None:
    with store.atomic():
        store.execute(sql, params)


CHANGES: dict[str, Callable[[Store, Data], None]] = {
    # an activity moves to the top of the list
    "day": lambda s, d: _write(
        s, "UPDATE activity SET day = '2025-06-30' WHERE id = ?", [_live(d, "教研", -1)]
    ),
    # a later start time: ahead of the others of its day
    "time": lambda s, d: _write(
        s, "UPDATE activity SET start_time = '23:59' WHERE id = ?", [_second_of_a_day(d, "教研")]
    ),
    "soft delete": lambda s, d: _write(
        s, "UPDATE activity SET deleted_at = 'x' WHERE id = ?", [_live(d, "教研", 0)]
    ),
    "restore": lambda s, d: _write(
        s, "UPDATE activity SET deleted_at = NULL WHERE id = ?", [_deleted(d, "教研")]
    ),
    "hard delete": lambda s, d: _hard_delete(s, _live(d, "教研", 0)),
    "insert": lambda s, d: _write(
        s,
        "INSERT INTO activity (id, created_at, updated_at, day, kind, title, mode)"
        " VALUES ('new', 'x', 'x', '2024-01-01', '会议', '教研', '线下')",
        [],
    ),
    "text": lambda s, d: _write(
        s, "UPDATE activity SET title = '教研' WHERE id = ?", [_live(d, "教研", None)]
    ),
}


def _matches(r: dict[str, Any], word: str) -> bool:
    return any(word in r[c] for c in COLUMNS)


def _live(data: Data, word: str, n: int | None) -> str:
    """A live activity matching ``word`` (n: its place in the list), or not matching (None)."""
    if n is None:
        return next(r["id"] for r in data.rows if not r["deleted_at"] and not _matches(r, word))
    return expected(data, diary.DiaryFilter(text=word))[n]


def _second_of_a_day(data: Data, word: str) -> str:
    """A matching activity listed after another one of its day."""
    days = {r["id"]: r["day"] for r in data.rows}
    found = expected(data, diary.DiaryFilter(text=word))
    return next(b for a, b in pairwise(found) if days[a] == days[b])


def _hard_delete(store: Store, activity_id: str) -> None:
    with store.atomic():
        store.execute("DELETE FROM activity_receiver WHERE record_id = ?", [activity_id])
        store.execute("DELETE FROM activity WHERE id = ?", [activity_id])


def _deleted(data: Data, word: str) -> str:
    return next(r["id"] for r in data.rows if r["deleted_at"] and _matches(r, word))


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_the_list_catches_up_and_answers(
    store: Store, data: Data, change: str
) -> None:
    """The journal of migration 0007 brings the list up to date: the search after an edit is
    still answered by the list, and gives what the query gives."""
    lister = diary.DiaryList(store)
    lister.search()
    before = _check(store, data, lister, "教研")
    assert lister.answered_from_list == 1
    CHANGES[change](store, data)
    after = _check(store, data, lister, "教研")
    assert after != before  # the change shows, so a stale list would have been caught
    assert lister.answered_from_list == 2 and lister.caught_up == 1
    lister.search()
    assert _check(store, data, lister, "教研") == after
    assert lister.answered_from_list == 3


@pytest.mark.parametrize("gap", [diary.RANK_GAP, 2])  # 2: no room left, ranks made afresh
def test_one_change_after_another_each_search_answered_by_the_list(
    store: Store, data: Data, gap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diary, "RANK_GAP", gap)
    lister = diary.DiaryList(store)
    everything = lister.search()
    for n, change in enumerate(CHANGES, start=1):
        CHANGES[change](store, data)
        for word in ("教研", "教", "沉与浮"):
            _check(store, data, lister, word)
        assert lister.caught_up == n, change
        assert lister._everything == diary.search_rowids(store, diary.DiaryFilter()), change
    assert lister.answered_from_list == 3 * len(CHANGES) and everything


def test_a_list_older_than_the_journal_is_read_again(store: Store, data: Data) -> None:
    lister = diary.DiaryList(store)
    lister.search()
    moved = _live(data, "教研", -1)
    with store.atomic():  # more changes than the journal keeps
        for _ in range(schema.ORDER_JOURNAL_KEPT + 1):
            store.execute("UPDATE activity SET start_time = start_time WHERE id = ?", [moved])
        store.execute("UPDATE activity SET day = '2025-06-30' WHERE id = ?", [moved])
    kept = store.execute("SELECT count(*) FROM activity_order_change").fetchone()[0]
    assert kept == schema.ORDER_JOURNAL_KEPT
    assert _check(store, data, lister, "教研")[0] == moved
    assert lister.answered_from_list == 0 and lister.caught_up == 0  # the query answered
    lister.search()
    assert _check(store, data, lister, "教研")[0] == moved and lister.answered_from_list == 1


def test_a_journal_that_went_back_is_not_trusted(store: Store, data: Data) -> None:
    """A file put in place under the open connection carries its own, shorter journal."""
    lister = diary.DiaryList(store)
    CHANGES["day"](store, data)
    CHANGES["time"](store, data)
    lister.search()
    with store.atomic():
        store.execute("DELETE FROM activity_order_change")
        store.execute("UPDATE sqlite_sequence SET seq = 0 WHERE name = 'activity_order_change'")
    CHANGES["soft delete"](store, data)
    _check(store, data, lister, "教研")
    assert lister.answered_from_list == 0


def test_a_commit_by_another_connection_is_noticed(store: Store, data: Data) -> None:
    lister = diary.DiaryList(store)
    lister.search()
    before = _check(store, data, lister, "教")
    other = sqlite3.connect(store.path)
    try:
        other.execute("UPDATE activity SET day = '2025-06-30' WHERE id = ?", [before[-1]])
        other.commit()
    finally:
        other.close()
    after = _check(store, data, lister, "教")
    assert after[0] == before[-1] != before[0]
    assert lister.answered_from_list == 2 and lister.caught_up == 1  # its triggers journal too


def test_a_full_list_read_inside_a_transaction_is_not_kept(store: Store, data: Data) -> None:
    """It may be rolled back: the transaction's own writes were counted before the list."""
    lister = diary.DiaryList(store)
    moved = _live(data, "教研", -1)
    with pytest.raises(RuntimeError), store.atomic():
        store.execute("UPDATE activity SET day = '2025-06-30' WHERE id = ?", [moved])
        assert _as_ids(store, lister.search())[0] == moved
        raise RuntimeError("rolled back")
    assert _check(store, data, lister, "教研")[-1] == moved
    assert lister.answered_from_list == 0
