"""未打印 / 已打印未签字 / 已签字 / 签字后数据已修改 for every form, with what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.core.signed.status import (
    CHANGED,
    NOT_PRINTED,
    PRINTED,
    SIGNED,
    signed_forms_status,
    what_changed,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def _states(store: Store) -> dict[str, str]:
    programme = get_programme(store.programme_id)
    return {s.form_id: s.state for s in signed_forms_status(store, programme)}


def test_each_form_moves_from_not_printed_to_signed_to_changed(
    print_pages, demo_store: Store, tmp_path: Path
) -> None:
    programme = get_programme(demo_store.programme_id)
    assert set(_states(demo_store).values()) == {NOT_PRINTED}
    assert set(_states(demo_store)) == {spec.id for spec in programme.forms}
    codes, pages = print_pages(demo_store, "annex1", tmp_path)
    assert _states(demo_store)["annex1"] == PRINTED
    pages[0].rotate(5, expand=True, fillcolor="white").save(tmp_path / "signed.jpg", quality=40)
    filing.file_scans(demo_store, filing.plan_scans(demo_store, [tmp_path / "signed.jpg"]))
    (annex1,) = [s for s in signed_forms_status(demo_store, programme) if s.form_id == "annex1"]
    assert (annex1.state, annex1.codes, annex1.signed_pages, annex1.changes) == (
        SIGNED,
        tuple(codes),
        1,
        (),
    )

    person = roster.list_people(demo_store)[0]
    values = {**roster.get_record(demo_store, "person", person["id"]), "phone": "13900000000"}
    old_phone = person["phone"]
    roster.save_record(demo_store, programme, "person", values, person["id"])
    (annex1,) = [s for s in signed_forms_status(demo_store, programme) if s.form_id == "annex1"]
    assert annex1.state == CHANGED
    assert any(f"联系方式：{old_phone} → 13900000000" in c for c in annex1.changes), annex1.changes
    assert "签字后数据已修改" in annex1.line()

    roster.save_record(
        demo_store, programme, "person", {**values, "phone": old_phone}, person["id"]
    )
    assert _states(demo_store)["annex1"] == SIGNED  # put back: the signature holds again


def test_a_form_signed_on_one_page_of_two_is_not_yet_signed(
    print_pages, demo_store: Store, tmp_path: Path
) -> None:
    _codes, pages = print_pages(demo_store, "annex4", tmp_path)
    pages[1].save(tmp_path / "p2.png")
    filing.file_scans(demo_store, filing.plan_scans(demo_store, [tmp_path / "p2.png"]))
    programme = get_programme(demo_store.programme_id)
    (annex4,) = [s for s in signed_forms_status(demo_store, programme) if s.form_id == "annex4"]
    assert (annex4.state, annex4.signed_pages, annex4.pages) == (PRINTED, 1, 2)
    assert "已签 1 / 2 页" in annex4.line()
    pages[0].save(tmp_path / "p1.png")
    filing.file_scans(demo_store, filing.plan_scans(demo_store, [tmp_path / "p1.png"]))
    assert _states(demo_store)["annex4"] == SIGNED


def test_what_changed_names_cells_rows_added_and_removed() -> None:
    before = ["标题：表", "第1行　姓名：张玲　电话：1", "第2行　姓名：李华　电话：2"]
    after = [
        "标题：表",
        "第1行　姓名：张玲　电话：9",
        "第2行　姓名：李华　电话：2",
        "第3行　姓名：王𠀀　电话：3",
    ]
    assert what_changed(before, after) == ["第1行 电话：1 → 9", "新增“第3行　姓名：王𠀀　电话：3”"]
    assert what_changed(after, before)[-1] == "删去“第3行　姓名：王𠀀　电话：3”"
    many = [f"第{n}行　a：{n}" for n in range(20)]
    changed = what_changed(many, [line + "x" for line in many])
    assert len(changed) == 9 and changed[-1] == "……另有 12 处不同"
