"""Diary search of one and two characters (migration 0005's single-character index) finds
exactly what a substring scan finds, after inserts, edits, soft and hard deletes, and in a file
upgraded from schema 4.

The reference is plain Python: a query is found in a column when it is a substring of it,
ASCII letters compared without case — SQLite's LIKE semantics, which the old code used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import diary
from gongtongti_desktop.core.timeutil import now_iso

FIXTURES = Path(__file__).parent.parent / "fixtures"
COLUMNS = diary.SEARCH_COLUMNS
# Chinese (with repeats so two-character queries hit), Latin of both cases, digits, Chinese
# and ASCII punctuation, spaces, LIKE's own wildcards, and non-ASCII letters with case that
# LIKE does not fold (É/é, Kelvin sign K, full-width Ａ/ａ).
ALPHABET = "教研游戏活动沉与浮园" + "aAbBzZ" + "019" + "，。、（）" + " -%_.\\\"'" + "ÉéKＡａ"
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

texts = st.text(alphabet=ALPHABET, max_size=12)
records = st.lists(
    st.fixed_dictionaries({c: texts for c in COLUMNS} | {"deleted": st.booleans()}),
    max_size=8,
)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=2)


def _fold(text: str) -> str:
    return text.translate(_ASCII_FOLD)


def _expected(rows: dict[str, dict[str, str]], query: str) -> list[str]:
    q = _fold(query.strip())
    return sorted(i for i, r in rows.items() if any(q in _fold(r[c]) for c in COLUMNS))


def _insert(store: Store, rid: str, values: dict[str, str]) -> None:
    now = now_iso()
    store.execute(
        f"INSERT INTO activity (id, created_at, updated_at, day, kind, {', '.join(COLUMNS)})"
        f" VALUES (?, ?, ?, '2024-10-09', '会议', {', '.join('?' for _ in COLUMNS)})",
        [rid, now, now, *(values[c] for c in COLUMNS)],
    )


def _check_index(store: Store) -> None:
    """FTS5's own check: the index holds exactly the spaced text of every row."""
    store.execute("INSERT INTO activity_fts_chars(activity_fts_chars) VALUES ('integrity-check')")


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    before=records,
    after=records,
    query=queries,
    extra=st.lists(queries, max_size=10),
    data=st.data(),
)
def test_short_queries_find_what_a_substring_scan_finds(
    store: Store,
    before: list[dict],
    after: list[dict],
    query: str,
    extra: list[str],
    data: st.DataObject,
) -> None:
    with store.atomic():
        store.execute("DELETE FROM activity")  # hard deletes go through the trigger too
    live: dict[str, dict[str, str]] = {}
    with store.atomic():
        for n, values in enumerate(before):
            _insert(store, f"r{n}", values)
            live[f"r{n}"] = dict(values)
        # Edit some rows: a different text in some columns (the update triggers).
        for n, values in enumerate(after[: len(before)]):
            changed = data.draw(st.lists(st.sampled_from(COLUMNS), unique=True))
            for column in changed:
                store.execute(
                    f"UPDATE activity SET {column} = ? WHERE id = ?", [values[column], f"r{n}"]
                )
                live[f"r{n}"][column] = values[column]
            if values["deleted"]:  # a soft delete keeps the row and its index entry
                store.execute(
                    "UPDATE activity SET deleted_at = ? WHERE id = ?", [now_iso(), f"r{n}"]
                )
                del live[f"r{n}"]
    _check_index(store)
    # Random queries, and one- and two-character pieces of the stored text (so most hit).
    pieces = [r[c][i : i + n] for r in live.values() for c in COLUMNS for n in (1, 2)
              for i in range(len(r[c]) - n + 1)]  # fmt: skip
    for q in [
        query,
        *extra,
        *data.draw(st.lists(st.sampled_from(pieces), max_size=20) if pieces else st.just([])),
    ]:
        if not q.strip():
            continue
        found = diary.search_ids(store, diary.DiaryFilter(text=q))
        assert len(found) == len(set(found))
        assert sorted(found) == _expected(live, q), q


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("教研", True),
        ("教", True),
        ("a1", True),
        ("，", True),
        ("Ａ", True),
        ("a-", False),
        ("%", False),
    ],
)
def test_which_short_queries_use_the_index(query: str, index: bool) -> None:
    where, _params = diary._where(diary.DiaryFilter(text=query))
    assert ("activity_fts_chars" in where) == index
    assert ("LIKE" in where) != index


def test_punctuation_inside_text_separates_characters(store: Store) -> None:
    """ "a-b" holds no "ab", and "教 研" (with a space) no "教研", though the index drops the
    ASCII marks between the characters."""
    with store.atomic():
        _insert(store, "x", {c: "" for c in COLUMNS} | {"title": "a-b 教 研"})
        _insert(store, "y", {c: "" for c in COLUMNS} | {"record": "AB教研"})
    assert diary.search_ids(store, diary.DiaryFilter(text="ab")) == ["y"]
    assert diary.search_ids(store, diary.DiaryFilter(text="教研")) == ["y"]
    assert sorted(diary.search_ids(store, diary.DiaryFilter(text="b"))) == ["x", "y"]


def test_an_upgraded_file_has_every_old_activity_in_the_index(tmp_path: Path) -> None:
    path = tmp_path / "v4.gtdb"
    shutil.copy(FIXTURES / "schema-v4.gtdb", path)
    with Store.open(path) as store:
        _check_index(store)
        rows = {
            r["id"]: r
            for r in store.query(
                f"SELECT id, {', '.join(COLUMNS)} FROM activity WHERE deleted_at IS NULL"
            )
        }
        assert rows
        for query in ("教研", "教", "活动", "园", "，"):
            found = diary.search_ids(store, diary.DiaryFilter(text=query))
            assert sorted(found) == _expected(rows, query)
        assert diary.search_ids(store, diary.DiaryFilter(text="教研"))  # the check means something
