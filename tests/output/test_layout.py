"""The shared grid: merged spans, group runs, header line."""

from __future__ import annotations

from _output_forms import make_spec, roster_rows

from gongtongti_desktop.core.forms.form_data import FormData
from gongtongti_desktop.core.profile.programme import HeaderField
from gongtongti_desktop.output.layout import (
    BLANK,
    Span,
    build_grid,
    header_items,
    header_line_text,
)


def test_spans_follow_groups_in_merge_columns_only() -> None:
    grid = build_grid(FormData(make_spec(), {}, roster_rows(2, 3) + roster_rows(1, 1, first=2)))
    assert grid.kind == "data" and grid.data_rows == 7
    assert grid.group_runs() == [(0, 2), (3, 5), (6, 6)]
    assert grid.spans() == [
        Span(col, first, last) for col in (0, 1, 2) for first, last in ((0, 2), (3, 5))
    ]


def test_breaks_cut_a_group_and_repeat_its_text() -> None:
    grid = build_grid(FormData(make_spec(), {}, roster_rows(1, 6)))
    assert [s for s in grid.spans([4]) if s.column == 0] == [Span(0, 0, 3), Span(0, 4, 5)]
    assert grid.rows[4][0] == grid.rows[0][0]
    assert [s for s in grid.spans([5]) if s.column == 0] == [Span(0, 0, 4)]  # 1-row piece


def test_same_group_key_apart_is_two_groups() -> None:
    rows = roster_rows(1, 2) + roster_rows(1, 1, first=1) + roster_rows(1, 2)
    grid = build_grid(FormData(make_spec(), {}, rows))
    assert grid.group_runs() == [(0, 1), (2, 2), (3, 4)]


def test_blank_rows_and_empty_group_keys_never_merge() -> None:
    rows = roster_rows(1, 2)
    for row in rows:
        row["lead_id"] = ""
    grid = build_grid(FormData(make_spec(empty_rows=3), {}, rows))
    assert grid.spans() == []
    assert grid.kind == "data" and len(grid.rows) == 5
    assert build_grid(FormData(make_spec(empty_rows=3), {}, [])).kind == "blank"
    assert build_grid(FormData(make_spec(), {}, [])).kind == "none"


def test_header_items_and_line() -> None:
    spec = make_spec(
        header_fields=(
            HeaderField("幼儿园", "kindergarten_name"),
            HeaderField("时间：", "period_label"),
            HeaderField("填报人"),
        )
    )
    data = FormData(spec, {"kindergarten_name": "城关\n实验园", "period_label": ""}, [])
    items = header_items(data)
    assert [(i.label, i.value) for i in items] == [
        ("幼儿园：", "城关 实验园"),
        ("时间：", None),
        ("填报人：", None),
    ]
    assert header_line_text(data) == f"幼儿园：城关 实验园    时间：{BLANK}    填报人：{BLANK}"
