"""Impossible content already in a data file, for ``check``: values no screen of the program
would have let through (a date that does not exist, a negative headcount, a kind outside the
programme's lists, a score over its item's points) and one UUID used by records of two kinds.

Such content comes from an older version, a hand edit with another tool, or a package that
slipped through before packages were checked value by value; the same rules as the package
check (core/checks/values.py) say what is wrong, so a file is held to what an import is."""

from __future__ import annotations

from gongtongti_desktop.core.checks.values import value_problems
from gongtongti_desktop.core.datafile.schema_tables import REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import reporting

MAX_SHOWN = 50


def content_problems(store: Store, programme: Programme) -> list[str]:
    """What is impossible in the file's records, in Chinese (at most ``MAX_SHOWN`` lines)."""
    tables = {table: store.query(f"SELECT * FROM {table}") for table in REPORTED_TABLES}
    problems = [f"数据文件中{p}" for p in value_problems(programme, tables)]
    union = " UNION ALL ".join(f"SELECT id, '{t}' AS kind FROM {t}" for t in REPORTED_TABLES)
    for row in store.query(
        f"SELECT id, group_concat(kind, '、') AS kinds FROM ({union}) GROUP BY id"
        " HAVING count(DISTINCT kind) > 1"
    ):
        kinds = "、".join(reporting.TABLE_LABELS.get(k, k) for k in row["kinds"].split("、"))
        problems.append(f"编号 {row['id']} 同时被{kinds}使用")
    if len(problems) > MAX_SHOWN:
        problems = [*problems[:MAX_SHOWN], f"……另有 {len(problems) - MAX_SHOWN} 处"]
    return problems
