"""The package checks asked a column at a time say what the row-by-row checks say.

The 汇总 keeps its pace by asking its checks of whole columns: data.json's record ids all at
once (``json_codec.check_data``) and the value checks over the columns the type checks
already gathered (``apply_records.check_document`` hands them to ``values.value_problems``).
Here generated rows — some impossible, some rows without a column, ids of every kind — go
both ways and must give the same verdict and the same message.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongtongti_desktop.core.checks.values import value_problems
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.exchange.package import apply_records, json_codec
from gongtongti_desktop.exchange.package.format import PackageError
from gongtongti_desktop.exchange.package.read import read_package
from tests.exchange.conftest import Exported

GOOD = "0f8fad5b-d9cb-469f-a165-70867728950e"
OTHER = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def _docs(rows: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    same = {
        "kindergarten": {"uuid": GOOD, "name": "甲园"},
        "programme": "yiyuan-2022",
        "period": {
            "kind": "school_year",
            "key": "2024",
            "label": "2024—2025学年",
            "start": "2024-09-01",
            "end": "2025-08-31",
        },
    }
    data = {
        "format": reporting.DATA_FORMAT,
        "version": reporting.DATA_VERSION,
        **same,
        "records": {"person": rows},
    }
    return same, data


def _row_by_row(rows: list[Any]) -> str:
    """What the checks said before they were asked of whole columns: row by row."""
    seen: set[str] = set()
    for row in rows:
        uuid = row.get("id")
        if not isinstance(uuid, str) or not json_codec._UUID.match(uuid):
            return "记录编号不对"
        if uuid in seen:
            return f"有重复的编号 {uuid}"
        seen.add(uuid)
    return ""


IDS = st.one_of(
    st.sampled_from([GOOD, OTHER, "not an id!", "", "0f8fad5b", "0f8fad5b\n"]),
    st.integers(),
    st.none(),
    st.text(max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(IDS, max_size=6), leave_out=st.integers(min_value=-1, max_value=5))
def test_the_ids_of_data_json_are_judged_as_row_by_row(ids: list[Any], leave_out: int) -> None:
    rows: list[dict[str, Any]] = [{"id": i, "name": "张三"} for i in ids]
    if 0 <= leave_out < len(rows):
        del rows[leave_out]["id"]
    manifest, data = _docs(rows)
    expected = _row_by_row(rows)
    if not expected:
        assert json_codec.check_data(Path("甲.gtt"), manifest, data) is data
        return
    with pytest.raises(PackageError) as raised:
        json_codec.check_data(Path("甲.gtt"), manifest, data)
    assert expected in raised.value.message


class Records(dict[str, list[dict[str, Any]]]):
    """A package's records, with a short repr for hypothesis' failure reports."""

    def __repr__(self) -> str:
        return f"<the records of a package: {', '.join(f'{t} {len(r)}' for t, r in self.items())}>"


@pytest.fixture(scope="module")
def records(exported: Exported) -> Records:
    return Records(read_package(exported.package, open_workbook=False).data["records"])


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["headcount", "day", "start_time", "kind", "mode", "host_id"]),
        st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70),
            st.sampled_from(["2025-02-30", "25:61", "", "不存在的类型", "0f8fad5b", "2025-09-01"]),
            st.none(),
        ),
        st.booleans(),  # True: leave the column out of the row instead
    ),
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS, at=st.integers(min_value=0, max_value=10_000))
def test_value_checks_over_gathered_columns_say_what_they_say_alone(
    records: Records, empty_store: Any, edits: list[Any], at: int
) -> None:
    tables = copy.deepcopy(dict(records))
    activities = tables["activity"]
    for n, (column, value, leave_out) in enumerate(edits):
        row = activities[(at + n * 7) % len(activities)]
        if leave_out:
            row.pop(column, None)
        else:
            row[column] = value
    programme = get_programme("yiyuan-2022")
    shapes = {t: apply_records._row_shape(empty_store, t) for t in tables}
    numeric = {
        t: frozenset(name for name, allowed, _req in shape.columns if allowed & {int, float})
        for t, shape in shapes.items()
    }
    alone = list(value_problems(programme, tables, numeric))
    gathered = {t: apply_records._columns_of(rows) for t, rows in tables.items()}
    # The same problems; which comes first follows the order of a set of column names.
    assert sorted(value_problems(programme, tables, numeric, gathered)) == sorted(alone)
    # And the whole document check, when every row has its column's type: refused with one
    # of them.
    typed = all(
        apply_records._rows_pass(shapes[t], t, rows) is not None for t, rows in tables.items()
    )
    if typed and alone:
        doc = {
            "format": reporting.DATA_FORMAT,
            "version": reporting.DATA_VERSION,
            "programme": "yiyuan-2022",
            "records": tables,
        }
        with pytest.raises(apply_records.PackageDataError) as raised:
            apply_records.check_document(empty_store, doc)
        assert any(problem in raised.value.message for problem in alone)


def _dangling_row_by_row(store: Any, records: dict[str, list[dict[str, Any]]]) -> bool:
    """Whether some id a row names is nowhere — asked row by row, as before the columns."""
    incoming = {table: {row["id"] for row in rows} for table, rows in records.items()}
    for table, rows in records.items():
        for column, target in apply_records._references(store, table).items():
            wanted = {row[column] for row in rows if row.get(column)}
            if wanted - incoming.get(target, set()):
                return True
        for name in ("receiver_ids", "participant_ids") if table == "activity" else ():
            target = "kindergarten" if name == "receiver_ids" else "person"
            if {v for row in rows for v in row.get(name, [])} - incoming.get(target, set()):
                return True
    return False


REFERENCES = st.lists(
    st.tuples(
        st.sampled_from(["host_id", "plan_item_id", "receiver_ids", "participant_ids"]),
        st.sampled_from(["gone", "theirs", "none", "empty", "leave out"]),
    ),
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=REFERENCES, at=st.integers(min_value=0, max_value=10_000))
def test_references_read_from_the_columns_find_what_rows_find(
    records: Records, empty_store: Any, edits: list[Any], at: int
) -> None:
    """A reference to nothing is refused, one to a record of the package is not — with some
    rows leaving the column out or naming nothing ("" or None or [])."""
    tables = copy.deepcopy(dict(records))
    activities = tables["activity"]
    for n, (column, how) in enumerate(edits):
        row = activities[(at + n * 5) % len(activities)]
        links = column.endswith("_ids")
        target = {"host_id": "kindergarten", "receiver_ids": "kindergarten"}.get(column)
        target = target or ("plan_item" if column == "plan_item_id" else "person")
        value: Any = {
            "gone": OTHER,
            "theirs": tables[target][n % len(tables[target])]["id"],
            "none": None,
            "empty": "",
        }.get(how)
        if how == "leave out":
            row.pop(column, None)
        elif links:
            row[column] = [] if value in (None, "") else [value]
        else:
            row[column] = value
    doc = {
        "format": reporting.DATA_FORMAT,
        "version": reporting.DATA_VERSION,
        "programme": "yiyuan-2022",
        "records": tables,
    }
    if _dangling_row_by_row(empty_store, tables):
        with pytest.raises(apply_records.PackageDataError) as raised:
            apply_records.check_document(empty_store, doc)
        assert "引用了不存在的" in raised.value.message
    else:
        apply_records.check_document(empty_store, doc)
