"""Fixtures for the output tests: demo data of both programmes and a long roster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _output_forms import make_spec, roster_rows

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.profile.programme import HeaderField, Programme, get_programme


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


@pytest.fixture(scope="session")
def yiyuan_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Programme]]:
    """The Yiyuan demo (school year 2024 of plans and activities); read only."""
    store = create_demo(tmp_path_factory.mktemp("yiyuan-demo") / "d.gtdb")
    try:
        yield store, get_programme(store.programme_id)
    finally:
        store.close()


@pytest.fixture(scope="session")
def gaotai_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Programme]]:
    """The Gaotai demo (school year 2020); read only."""
    store = create_demo(tmp_path_factory.mktemp("gaotai-demo") / "d.gtdb", "gaotai-2020")
    try:
        yield store, get_programme(store.programme_id)
    finally:
        store.close()


@pytest.fixture
def own_demo(tmp_path: Path) -> Iterator[tuple[Store, Programme]]:
    """A Yiyuan demo of this test's own, to change."""
    store = create_demo(tmp_path / "d.gtdb")
    try:
        yield store, get_programme(store.programme_id)
    finally:
        store.close()
