"""The help-activity diary (帮扶日志): one record per activity, with the five parts the notices
demand (方案、措施、记录、总结、图片), linked to the plan item it carries out.

Search uses SQLite FTS5 with the trigram tokenizer (Chinese has no spaces, so any substring of
three or more characters is found through the index); one- and two-character queries such as
"教研" use the single-character index of migration 0005 (the phrase "教 研"), which gives the
same rows as LIKE. Only a short query with an ASCII space or punctuation mark ("a-", "%")
still scans with LIKE: the index keeps those characters as a token that matches nothing.
Lists are returned as ids first and rows by page, so a window can show 100 000 records without
holding them all; the diary tab keeps SQLite row numbers (``search_rowids``) rather than uuids.

With a period, the text index no longer drives the query: SQLite walks the period's slice of
the index of live activities (migration 0007: deleted mark, day, start time) in display order
and checks each row against the text matches, instead of looking up every match in the whole
file and sorting them (the planner has no statistics to see that a month holds a few dozen
rows while "教研" matches a third of them). The unfiltered list reads that index alone: no
activity row (wide, with its texts) is read and nothing is sorted; SQLite walks it for a text
search without a period as well (keeping the matches), so that search's time is bounded by the
number of activities rather than growing with the matches looked up and sorted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.periods import Period
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import (
    attachments,  # noqa: F401  (an activity's attachments are deleted with it)
    home,
)
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records.engine import Column, Field, RecordType
from gongtongti_desktop.core.records.plans import DONE, PLANNED, POSTPONED, row_for_month
from gongtongti_desktop.core.timeutil import now_iso

MODES = ("线下", "线上")
DOMAINS = ("健康", "语言", "社会", "科学", "艺术", "游戏", "管理")
records.VOCABULARIES["activity_modes"] = MODES
records.VOCABULARIES["domains"] = DOMAINS
SEARCH_COLUMNS = ("title", "place", "plan_text", "measures", "record", "summary")


def _check_activity(
    store: Store, programme: Programme, c: dict[str, Any], record_id: str | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if c["start_time"] and c["end_time"] and c["end_time"] < c["start_time"]:
        errors["end_time"] = "结束时间不能早于开始时间"
    if c["host_id"] and c["host_id"] in c["receiver_ids"]:
        errors["receiver_ids"] = "参与园中不应包含主办园"
    if c["plan_item_id"]:
        item = records.active(store, "plan_item", c["plan_item_id"])
        if item is not None:
            row = row_for_month(programme, item["month"])
            day = dt.date.fromisoformat(c["day"])
            if not row.start <= day <= row.end:
                errors["day"] = (
                    f"活动日期 {c['day']} 不在所对应计划事项的“{row.label}”（{row.start} 至 {row.end}）内"
                )
    return errors


def default_host(store: Store) -> str:
    """The host a new activity starts with: 本园 when the roster has it, else the host of the
    latest activity ("" if none) — a director records her own kindergarten's activities."""
    mine = home.home_id(store)
    if mine:
        return mine
    latest = store.query(
        "SELECT host_id FROM activity WHERE deleted_at IS NULL AND host_id IS NOT NULL"
        " ORDER BY day DESC, rowid DESC LIMIT 1"
    )
    return latest[0]["host_id"] if latest else ""


def _mark_plan_item_done(store: Store, record_id: str, cleaned: dict[str, Any]) -> None:
    """Linking an activity to a plan item means the item was carried out."""
    if cleaned["plan_item_id"]:
        records.note(store, "plan_item", cleaned["plan_item_id"])
        store.execute(
            "UPDATE plan_item SET status = ?, updated_at = ? WHERE id = ? AND status IN (?, ?)",
            [DONE, now_iso(), cleaned["plan_item_id"], PLANNED, POSTPONED],
        )


ACTIVITY = records.register(
    RecordType(
        "activity",
        "帮扶活动",
        (
            Field("day", "日期", "date", required=True),
            Field("start_time", "开始时间", "time"),
            Field("end_time", "结束时间", "time"),
            Field("kind", "活动类型", "choice", required=True, vocab="activity_kinds"),
            Field("title", "活动主题", "text", required=True),
            Field("mode", "形式", "choice", required=True, vocab="activity_modes"),
            Field("place", "地点/平台", "text"),
            Field("host_id", "主办园", "kindergarten", required=True),
            Field("receiver_ids", "参与园", "kindergartens", link_table="activity_receiver"),
            Field("participant_ids", "参加人员", "people", link_table="activity_participant"),
            Field("headcount", "参加人数", "int"),
            Field("domain", "领域", "choice", vocab="domains"),
            Field("plan_text", "活动方案", "longtext"),
            Field("measures", "措施", "longtext"),
            Field("record", "活动记录", "longtext"),
            Field("summary", "总结/反思", "longtext"),
            Field("plan_item_id", "对应计划事项", "plan_item"),
        ),
        (
            Column("day", "日期"),
            Column("time", "时间"),
            Column("kind", "活动类型"),
            Column("title", "活动主题"),
            Column("mode", "形式"),
            Column("host_name", "主办园"),
            Column("receivers", "参与园"),
            Column("headcount", "人数"),
            Column("attachments", "附件"),
            Column("planned", "计划"),
        ),
        cross_check=_check_activity,
        after_save=_mark_plan_item_done,
        cascades=(("attachment", "activity_id = :id"),),
    )
)


@dataclass(frozen=True)
class DiaryFilter:
    text: str = ""
    period: Period | None = None
    kind: str = ""
    kindergarten_id: str = ""  # host or receiver
    plan_item_id: str = ""
    unplanned_only: bool = False


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _indexed_character(char: str) -> bool:
    """Whether the single-character index (ascii tokenizer) keeps ``char`` as its own token:
    every non-ASCII character, and ASCII letters and digits (case-folded, as LIKE does)."""
    return ord(char) > 127 or (char.isascii() and char.isalnum())


def _text_index(text: str) -> tuple[str, str] | None:
    """(full-text table, MATCH query) answering a search text, None for the LIKE fallback."""
    if len(text) >= 3:
        return "activity_fts", '"' + text.replace('"', '""') + '"'
    if text and all(_indexed_character(c) for c in text):
        return "activity_fts_chars", '"' + " ".join(text) + '"'
    return None


def _where(f: DiaryFilter) -> tuple[str, list[Any]]:
    clauses, params = ["a.deleted_at IS NULL"], []
    text = f.text.strip()
    index = _text_index(text)
    # "+a.rowid" is not usable as an index, so with a period the day index drives (module doc).
    rowid = "+a.rowid" if f.period is not None else "a.rowid"
    if index is not None:
        table, query = index
        clauses.append(f"{rowid} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)")
        params.append(query)
    elif text:
        clauses.append("(" + " OR ".join(f"a.{c} LIKE ? ESCAPE '\\'" for c in SEARCH_COLUMNS) + ")")
        params += [_like(text)] * len(SEARCH_COLUMNS)
    if f.period is not None:
        clauses.append("a.day BETWEEN ? AND ?")
        params += [f.period.start.isoformat(), f.period.end.isoformat()]
    if f.kind:
        clauses.append("a.kind = ?")
        params.append(f.kind)
    if f.kindergarten_id:
        clauses.append(
            "(a.host_id = ? OR EXISTS (SELECT 1 FROM activity_receiver r"
            " WHERE r.record_id = a.id AND r.kindergarten_id = ?))"
        )
        params += [f.kindergarten_id, f.kindergarten_id]
    if f.plan_item_id:
        clauses.append("a.plan_item_id = ?")
        params.append(f.plan_item_id)
    if f.unplanned_only:
        clauses.append(
            "(a.plan_item_id IS NULL OR NOT EXISTS (SELECT 1 FROM plan_item i"
            " WHERE i.id = a.plan_item_id AND i.deleted_at IS NULL))"
        )
    return " AND ".join(clauses), params


_NEWEST_FIRST = "ORDER BY a.day DESC, a.start_time DESC, a.rowid DESC"
RANK_GAP = 1024  # DiaryList: room between two listed rows for ten rows put back between them


def search_ids(store: Store, f: DiaryFilter = DiaryFilter()) -> list[str]:
    """Ids of matching activities, newest first (only ids: cheap even for 100 000 rows)."""
    where, params = _where(f)
    sql = f"SELECT a.id FROM activity a WHERE {where} {_NEWEST_FIRST}"
    return [r[0] for r in store.execute(sql, params).fetchall()]


def search_rowids(store: Store, f: DiaryFilter = DiaryFilter()) -> list[int]:
    """The same list as ``search_ids`` as SQLite row numbers, for the diary tab: integers are
    cheaper to fetch and keep than uuid strings (31 667 matches of "教研": ~5 ms and ~6 MB
    less), and a page of them becomes rows through ``rows_by_rowid``. Row numbers of the
    activity table are stable: the FTS indexes depend on them too, and no VACUUM is run."""
    where, params = _where(f)
    sql = f"SELECT a.rowid FROM activity a WHERE {where} {_NEWEST_FIRST}"
    return [r[0] for r in store.execute(sql, params).fetchall()]


class DiaryList:
    """``search_rowids`` for one open data file, remembering the last unfiltered list (every
    activity, newest first) and keeping it up to date. A text search with no other filter
    then puts the text index's matches in that list's order — integers sorted in Python —
    instead of having SQLite look up each match's day, time and deleted mark and sort them:
    "教研" over 100 000 activities (31 667 matches) ~13 ms instead of ~31 ms. The diary tab
    lists everything when it opens and whenever the search box is emptied, so the list is
    there when the director types.

    After a change (a row written on this connection — ``total_changes``, which counts every
    statement's rows, triggers included, even when rolled back — or a commit by another
    connection — ``PRAGMA data_version``) the list is brought up to date from the journal of
    rows whose place may have moved (migration 0007, kept by triggers for every writer): each
    journalled row is taken out and, if it is still listed, put back where its day and time
    now say. Only when that journal no longer reaches back to the list (more than a thousand
    changes since), or inside an open transaction, does the plain query answer instead."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._everything: list[int] | None = None
        # Each listed row's rank, ascending along the list, made on first use: n × RANK_GAP
        # for the list as read (``_ranked``), and for a row put back after an edit a rank
        # between its neighbours' (``_inserted`` maps it back) — so catching up never renumbers
        # 100 000 rows.
        self._ranks: dict[int, int] | None = None
        self._ranked: list[int] = []
        self._inserted: dict[int, int] = {}
        self._mark: tuple[int, int] | None = None
        self._seq = 0  # the last journal entry the list reflects
        self.answered_from_list = 0  # searches answered by the list (tests)
        self.caught_up = 0  # times the list was brought up to date from the journal (tests)

    def _change_mark(self) -> tuple[int, int] | None:
        conn = self.store.conn
        if conn.in_transaction:  # what is read may still be rolled back
            return None
        return conn.total_changes, int(conn.execute("PRAGMA data_version").fetchone()[0])

    def _journal_end(self) -> int:
        row = self.store.execute("SELECT max(seq) FROM activity_order_change").fetchone()
        return int(row[0] or 0)

    def search(self, f: DiaryFilter = DiaryFilter()) -> list[int]:
        """The same list as ``search_rowids(store, f)``."""
        text = f.text.strip()
        if replace(f, text="") != DiaryFilter():  # another filter: the query
            return search_rowids(self.store, f)
        if not text:
            mark = self._change_mark()
            # Read before the list: a change in between is in both, and catching up with a
            # change the list already shows leaves it as it is.
            seq = self._journal_end() if mark is not None else 0
            rowids = search_rowids(self.store, f)
            self._everything = list(rowids) if mark is not None else None
            self._ranks, self._mark, self._seq = None, mark, seq
            return rowids
        index = _text_index(text)
        if index is None or not self._up_to_date():
            return search_rowids(self.store, f)
        return self._in_list_order(*index)

    def _up_to_date(self) -> bool:
        """Whether the list shows the file as it is now (after catching up if it can)."""
        if self._everything is None:
            return False
        mark = self._change_mark()
        if mark is None:
            return False
        if mark == self._mark:
            return True
        first, last = self.store.execute(
            "SELECT min(seq), max(seq) FROM activity_order_change"
        ).fetchone()
        # The journal no longer reaches back to the list, or is not the one the list was read
        # with (a file put in place under this connection): read the list again.
        if (first is not None and first > self._seq + 1) or (last or 0) < self._seq:
            self._everything = None
            return False
        changes = self.store.execute(
            "SELECT seq, rid FROM activity_order_change WHERE seq > ? ORDER BY seq", [self._seq]
        ).fetchall()
        if changes:
            self._catch_up({rid for _seq, rid in changes})
            self._seq = changes[-1][0]
        self._mark = mark
        self.caught_up += 1
        return True

    def _catch_up(self, rowids: set[int]) -> None:
        """Take the journalled rows out of the list, and put back those still listed where
        their day and time now say (a binary search reading the rows it passes)."""
        everything = self._everything
        assert everything is not None
        for rowid in rowids:
            if self._ranks is not None and (old := self._ranks.pop(rowid, None)) is not None:
                self._inserted.pop(old, None)
            with contextlib.suppress(ValueError):
                everything.remove(rowid)
        marks = ",".join("?" * len(rowids))
        live = self.store.execute(
            f"SELECT rowid, day, start_time FROM activity WHERE rowid IN ({marks})"
            " AND deleted_at IS NULL",
            sorted(rowids),
        ).fetchall()
        key_sql = "SELECT day, start_time FROM activity WHERE rowid = ?"

        def key(rowid: int, day: str, start: str | None) -> tuple[str, tuple[Any, ...], int]:
            # The list's order, ascending: NULL times come last when newest is first (SQLite
            # sorts NULL lowest), as in ``_NEWEST_FIRST``.
            return day, (0,) if start is None else (1, start), rowid

        def listed_key(place: int) -> tuple[str, tuple[Any, ...], int]:
            rowid = everything[place]
            day, start = self.store.execute(key_sql, [rowid]).fetchone()
            return key(rowid, day, start)

        for rowid, day, start in live:
            wanted = key(rowid, day, start)
            low, high = 0, len(everything)  # newest first: the first place with a lower key
            while low < high:
                middle = (low + high) // 2
                if listed_key(middle) > wanted:
                    low = middle + 1
                else:
                    high = middle
            everything.insert(low, rowid)
            self._rank_inserted(low)

    def _rank_inserted(self, place: int) -> None:
        """Give the row just put at ``place`` a rank between its neighbours' (the ranks of
        the other rows stay as they were); without room left, ranks are made afresh."""
        ranks, everything = self._ranks, self._everything
        if ranks is None or everything is None:
            return
        before = ranks[everything[place - 1]] if place > 0 else None
        after = ranks[everything[place + 1]] if place + 1 < len(everything) else None
        if before is None:
            rank = (after if after is not None else 0) - RANK_GAP
        elif after is None:
            rank = before + RANK_GAP
        elif after - before >= 2:
            rank = (before + after) // 2
        else:
            self._ranks = None
            return
        ranks[everything[place]] = rank
        self._inserted[rank] = everything[place]

    def _in_list_order(self, table: str, query: str) -> list[int]:
        everything = self._everything
        assert everything is not None
        if self._ranks is None:
            self._ranks = {rowid: n * RANK_GAP for n, rowid in enumerate(everything)}
            self._ranked, self._inserted = list(everything), {}
        rank_of = self._ranks.get
        # The index still holds soft-deleted activities: they have no place in the list.
        ranks = [
            rank
            for (rowid,) in self.store.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [query]
            )
            if (rank := rank_of(rowid)) is not None
        ]
        ranks.sort()
        self.answered_from_list += 1
        ranked, inserted = self._ranked, self._inserted
        if not inserted:
            return [ranked[rank // RANK_GAP] for rank in ranks]
        return [inserted[r] if r in inserted else ranked[r // RANK_GAP] for r in ranks]


def rowid_of(store: Store, activity_id: str) -> int | None:
    """The row number of an activity (None when there is no such row)."""
    row = store.execute("SELECT rowid FROM activity WHERE id = ?", [activity_id]).fetchone()
    return None if row is None else int(row[0])


_ROW_SQL = """SELECT a.rowid AS rowid, a.id, a.day, a.start_time, a.end_time, a.kind, a.title,
       a.mode, a.headcount, a.domain, a.plan_item_id, k.name AS host_name,
       (SELECT group_concat(r.name, '、') FROM activity_receiver x
          JOIN kindergarten r ON r.id = x.kindergarten_id
          WHERE x.record_id = a.id) AS receivers,
       (SELECT count(*) FROM attachment t WHERE t.activity_id = a.id
          AND t.deleted_at IS NULL) AS attachments,
       (SELECT i.task FROM plan_item i WHERE i.id = a.plan_item_id
          AND i.deleted_at IS NULL) AS planned
    FROM activity a LEFT JOIN kindergarten k ON k.id = a.host_id
    WHERE {key} IN ({marks}) AND a.deleted_at IS NULL"""


def _rows(store: Store, key: str, keys: Sequence[Any]) -> list[dict[str, Any]]:
    """Display rows for ``keys`` (values of column ``key``), in the order given; keys of
    deleted or missing activities are left out."""
    out: dict[Any, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        marks = ",".join("?" for _ in chunk)
        for row in store.query(_ROW_SQL.format(key=f"a.{key}", marks=marks), tuple(chunk)):
            row["time"] = "–".join(t for t in (row["start_time"], row["end_time"]) if t)
            row["receivers"] = row["receivers"] or ""
            row["host_name"] = row["host_name"] or ""
            row["planned"] = row["planned"] or ""
            out[row[key]] = row
    return [out[k] for k in keys if k in out]


def rows_for(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Display rows for a page of ids, in the order given."""
    return _rows(store, "id", ids)


def rows_by_rowid(store: Store, rowids: Sequence[int]) -> list[dict[str, Any]]:
    """Display rows for a page of row numbers (``search_rowids``), in the order given; each
    row has its ``rowid`` and its ``id``."""
    return _rows(store, "rowid", rowids)


def list_activities(store: Store, f: DiaryFilter = DiaryFilter()) -> list[dict[str, Any]]:
    return rows_for(store, search_ids(store, f))


def full_record(store: Store, activity_id: str) -> dict[str, Any]:
    """Everything about one activity, names resolved, for the record sheet (帮扶活动记录表)."""
    row = records.get_record(store, "activity", activity_id)
    assert row is not None
    names = {
        r["id"]: r["name"]
        for r in store.query(
            "SELECT id, name FROM kindergarten UNION ALL SELECT id, name FROM person"
        )
    }
    row["host_name"] = names.get(row["host_id"] or "", "")
    row["receiver_names"] = [names.get(i, "") for i in row["receiver_ids"]]
    row["participant_names"] = [names.get(i, "") for i in row["participant_ids"]]
    row["time"] = "–".join(t for t in (row["start_time"], row["end_time"]) if t)
    plan = records.active(store, "plan_item", row["plan_item_id"]) if row["plan_item_id"] else None
    row["plan_task"] = plan["task"] if plan else ""
    row["attachments"] = store.query(
        "SELECT * FROM attachment WHERE activity_id = ? AND deleted_at IS NULL ORDER BY sort_order, created_at",
        (activity_id,),
    )
    return row


def month_balance(
    store: Store, programme: Programme, month_key: str
) -> dict[str, list[dict[str, Any]]]:
    """For one plan row: what was planned but not done, and what was done without a plan."""
    row = row_for_month(programme, month_key)
    not_done = store.query(
        "SELECT * FROM plan_item WHERE deleted_at IS NULL AND month = ? AND status IN (?, ?)"
        " ORDER BY sort_order",
        (row.key, PLANNED, POSTPONED),
    )
    period = Period("month", row.start, row.end, row.label)
    unplanned = list_activities(store, DiaryFilter(period=period, unplanned_only=True))
    return {"planned_not_done": not_done, "done_without_plan": unplanned}
