"""Fixtures for the output tests: demo data of both programmes and a long roster."""

from __future__ import annotations

import pytest
from _output_forms import make_spec, roster_rows

from gongtongti_desktop.core.demo import create_demo
from gongtongti_desktop.core.form_data import FormData, form_data
from gongtongti_desktop.core.programme import HeaderField, get_programme


@pytest.fixture(scope="session")
def yiyuan_annex1(tmp_path_factory: pytest.TempPathFactory) -> FormData:
    store = create_demo(tmp_path_factory.mktemp("yiyuan") / "d.gtdb")
    try:
        return form_data(store, get_programme(store.programme_id), "annex1")
    finally:
        store.close()


@pytest.fixture(scope="session")
def gaotai_arrangement(tmp_path_factory: pytest.TempPathFactory) -> FormData:
    store = create_demo(tmp_path_factory.mktemp("gaotai") / "d.gtdb", "gaotai-2020")
    try:
        return form_data(store, get_programme(store.programme_id), "arrangement")
    finally:
        store.close()


@pytest.fixture
def long_roster() -> FormData:
    """60 core kindergartens × 3 partners: several pages."""
    spec = make_spec(
        header_fields=(
            HeaderField("幼儿园", "kindergarten_name"),
            HeaderField("填报人"),
            HeaderField("主要负责人签字"),
        ),
        footnote="备注：本表一式两份。",
        signature="主要负责人签字：＿＿＿＿＿＿    年  月  日",
    )
    return FormData(spec, {"kindergarten_name": "示例幼儿园"}, roster_rows(60, 3))
