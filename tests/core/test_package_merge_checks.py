"""The row checks of ``check_document``: a whole-column fast path (for the 汇总 of hundreds of
packages) and the row-by-row check that explains a refusal. They must agree on every row:
each column of each table is given every kind of wrong value, in the middle of the document,
and the refusal names that column; a good document takes the fast path."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from gongtongti_desktop.core.datafile.schema_tables import LINKS, REPORTED_TABLES
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import reporting
from gongtongti_desktop.exchange.package import apply_records as apply_records
from gongtongti_desktop.exchange.package.apply_records import PackageDataError


@pytest.fixture
def document(demo_store: Store, programme: Programme) -> dict[str, Any]:
    period = periods.period_from_key(programme.calendar, "2024")
    return json.loads(
        json.dumps(
            {
                "format": reporting.DATA_FORMAT,
                "version": reporting.DATA_VERSION,
                "programme": demo_store.programme_id,
                "kindergarten": {"uuid": reporting.kindergarten_uuid(demo_store), "name": "x"},
                "records": reporting.collect(demo_store, programme, period),
            }
        )
    )


def _wrong_values(kind: str, required: bool) -> list[Any]:
    """Values a column of this declared type must refuse (as JSON could carry them)."""
    wrong: list[Any] = [True, [], {}]
    if kind == "TEXT":
        wrong += [1, 2.5, "长" * 200_001]
    elif kind == "INTEGER":
        wrong += ["3", 2.5]
    elif kind == "REAL":
        wrong += ["3"]
    if required:
        wrong.append(None)
    return wrong


def _cases(store: Store) -> list[tuple[str, str, Any]]:
    cases = []
    for table in REPORTED_TABLES:
        for name, (kind, required) in apply_records.table_schema(store, table).items():
            cases += [(table, name, value) for value in _wrong_values(kind, required)]
        for name in LINKS.get(table, {}):
            cases += [(table, name, "a"), (table, name, [1]), (table, name, [None])]
        cases += [(table, "evil", 1), (table, "id", "../x"), (table, "id", 7)]
    return cases


def test_a_good_document_takes_the_fast_path(demo_store: Store, document: dict[str, Any]) -> None:
    for table, rows in document["records"].items():
        assert rows, f"the demo should have {table} records for this test to mean anything"
        shape = apply_records._row_shape(demo_store, table)
        assert apply_records._rows_pass(shape, table, rows), table


def test_every_wrong_value_in_any_row_is_refused_by_both_checks(
    demo_store: Store, document: dict[str, Any]
) -> None:
    cases = _cases(demo_store)
    assert len(cases) > 300
    for table, name, value in cases:
        bad = copy.deepcopy(document)
        rows = bad["records"][table]
        middle = len(rows) // 2
        rows[middle][name] = value
        shape = apply_records._row_shape(demo_store, table)
        assert not apply_records._rows_pass(shape, table, rows), (table, name, value)
        with pytest.raises(PackageDataError) as refused:
            apply_records.check_document(demo_store, bad)
        with pytest.raises(PackageDataError) as row_said:
            apply_records._check_row(demo_store, table, rows[middle])
        assert refused.value.message == row_said.value.message
        assert reporting.TABLE_LABELS[table] in refused.value.message


def test_a_row_that_is_not_an_object_is_refused(
    demo_store: Store, document: dict[str, Any]
) -> None:
    for table in REPORTED_TABLES:
        bad = copy.deepcopy(document)
        bad["records"][table].insert(1, ["not", "a", "row"])
        with pytest.raises(PackageDataError, match="记录格式不对"):
            apply_records.check_document(demo_store, bad)


def test_an_attachment_with_a_bad_digest_or_suffix_is_refused(
    demo_store: Store, document: dict[str, Any]
) -> None:
    for name, value in (("sha256", "0" * 63), ("sha256", "Z" * 64), ("suffix", ".exe")):
        bad = copy.deepcopy(document)
        bad["records"]["attachment"][-1][name] = value
        with pytest.raises(PackageDataError, match="文件摘要或扩展名"):
            apply_records.check_document(demo_store, bad)
