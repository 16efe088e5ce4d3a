"""Importing the bureau's 附件1 结对名单 workbook: layouts, refusals, plan and apply.

Every workbook is built here with openpyxl (or by hand with zipfile for the hostile ones);
no binary fixture is committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import defusedxml
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.core.records.validation import clean_phone
from gongtongti_desktop.core.roster_import import table as roster_table
from gongtongti_desktop.core.roster_import import workbook_guard
from gongtongti_desktop.core.roster_import.apply import apply_import, import_roster
from gongtongti_desktop.core.roster_import.plan import plan_import
from gongtongti_desktop.core.roster_import.table import ImportedRow, read_roster_xlsx
from gongtongti_desktop.errors import ImportRefused

HEADER = ["核心幼儿园", "责任人", "联系方式", "受援学区", "责任人", "联系方式"]
TITLE = "沂源县幼儿园城乡教育共同体结对名单"

# 沂源县源教体发〔2022〕11号 附件1 as printed: the lead and its person/phone only on the first row of its block.
SEED: list[tuple[Any, ...]] = [
    ("实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"),
    (None, None, None, "中庄镇学区", "薛金鱼", "18753312808"),
    (None, None, None, "南鲁山镇学区", "孔祥恩", "13589570262"),
    ("第二实验幼儿园", "左进凤", "13335215618", "悦庄镇学区", "杜明栋", "13573320402"),
    (None, None, None, "石桥镇学区", "郭俊臣", "15269336169"),
    (None, None, None, "张家坡镇学区", "张明忠", "13506433459"),
    ("第三实验幼儿园", "崔  昱", "13455306439", "新城路幼儿园", "谢 平", "18553366116"),
    (None, None, None, "东里镇学区", "王成军", "13053385808"),
    (None, None, None, "鲁山幼儿园", "尹丽娟", "18653350998"),
    ("第四实验幼儿园", "公海英", "13583350796", "南麻街道学区", "刘传国", "13884601943"),
    (None, None, None, "鲁村镇学区", "唐效赣", "13070680053"),
    (None, None, None, "大张庄镇学区", "亓培义", "18560998898"),
    ("历山幼儿园", "陈桂红", "13953305978", "历山街道学区", "唐传水", "13864380426"),
    (None, None, None, "燕崖镇学区", "陈丙春", "13583377048"),
]
LEADS = ["实验幼儿园", "第二实验幼儿园", "第三实验幼儿园", "第四实验幼儿园", "历山幼儿园"]


def _expected_seed() -> list[tuple[str, ...]]:
    out = []
    lead: tuple[str, ...] = ()
    for row in SEED:
        if row[0]:
            lead = tuple(str(x).replace(" ", "") for x in row[:3])
        out.append((*lead, *(str(x).replace(" ", "") for x in row[3:])))
    return out


EXPECTED_SEED = _expected_seed()


# -- building workbooks --------------------------------------------------------------------------


def write_book(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    sheet: str = "Sheet1",
) -> Path:
    """A workbook whose first sheet holds ``rows`` from A1 (None = empty cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(r, c, value)
    for merged in merges:
        ws.merge_cells(merged)
    wb.save(path)
    return path


def table(*rows: Sequence[Any], header: Sequence[str] = HEADER) -> list[Sequence[Any]]:
    """Header in row 1, data from row 2."""
    return [header, *rows]


def seed_book(path: Path, layout: str = "blank", *, title: bool = True) -> Path:
    """沂源县源教体发〔2022〕11号 附件1 in one of the layouts the bureau's files come in."""
    top: list[Sequence[Any]] = [["附件1"], [TITLE]] if title else []
    first = len(top) + 2  # first data row
    rows = [list(r) for r in SEED]
    merges = ["A2:F2"] if title else []
    if layout in ("repeated", "merged"):
        lead: list[Any] = []
        starts = []
        for i, row in enumerate(rows):
            if row[0]:
                lead = row[:3]
                starts.append(i)
            elif layout == "repeated":
                row[:3] = lead
        if layout == "merged":
            for start, end in zip(starts, [*starts[1:], len(rows)], strict=True):
                for col in "ABC":
                    merges.append(f"{col}{first + start}:{col}{first + end - 1}")
    return write_book(path, [*top, HEADER, *rows], merges=merges)


def workbook_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(
    path: Path,
    source: bytes,
    *,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """Copy an xlsx's parts into a new zip, swapping or adding parts written by hand."""
    replace = replace or {}
    with (
        zipfile.ZipFile(io.BytesIO(source)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return path


def with_shared_strings(source: bytes, strings: bytes) -> bytes:
    """The xlsx with a sharedStrings part wired in, as Excel writes it (openpyxl writes none)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>",
                )
            dst.writestr(info.filename, data)
        dst.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def billion_laughs(root: str) -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE lolz [{''.join(levels)}]>\n"
        f'<{root} xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"&lol9;</{root}>"
    ).encode()


# -- fixtures and observations ----------------------------------------------------------------


@pytest.fixture
def yiyuan() -> Programme:
    return get_programme("yiyuan-2022")


@pytest.fixture
def data_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.create(tmp_path / "t.gtdb", kindergarten="测试园", programme_id="yiyuan-2022")
    yield store
    store.close()


def dump(store: Store) -> list[str]:
    return list(store.db.iterdump())


def updated_at(store: Store) -> dict[str, list[tuple[str, str]]]:
    return {
        table: [(r["id"], r["updated_at"]) for r in store.query(f"SELECT * FROM {table}")]
        for table in ("kindergarten", "person", "pairing")
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def as_tuples(rows: Sequence[ImportedRow]) -> list[tuple[str, ...]]:
    return [
        (r.lead, r.lead_person, r.lead_phone, r.partner, r.partner_person, r.partner_phone)
        for r in rows
    ]


def pairings(store: Store) -> list[tuple[str, ...]]:
    return [
        (
            r["lead_name"],
            r["lead_person"],
            r["lead_phone"],
            r["partner_name"],
            r["partner_person"],
            r["partner_phone"],
        )
        for r in roster.list_pairings(store)
    ]


def import_seed(store: Store, programme: Programme, tmp_path: Path) -> Path:
    path = seed_book(tmp_path / "seed.xlsx")
    import_roster(store, programme, path)
    return path


# -- reading the layouts -------------------------------------------------------------------------


@pytest.mark.parametrize("title", [True, False])
@pytest.mark.parametrize("layout", ["blank", "merged", "repeated"])
def test_seed_table_in_every_layout(
    tmp_path: Path, yiyuan: Programme, layout: str, title: bool
) -> None:
    path = seed_book(tmp_path / "seed.xlsx", layout, title=title)
    file = read_roster_xlsx(path, yiyuan)
    assert file.sheet == "Sheet1"
    assert file.path == path
    assert len(file.rows) == 14
    assert sorted({r.lead for r in file.rows}) == sorted(LEADS)
    assert as_tuples(file.rows) == EXPECTED_SEED
    first = 4 if title else 2
    assert [r.sheet_row for r in file.rows] == list(range(first, first + 14))
    third = next(r for r in file.rows if r.lead == "第三实验幼儿园")
    assert (third.lead_person, third.partner_person) == ("崔昱", "谢平")


def test_blank_rows_spaced_header_and_offset_table(tmp_path: Path, yiyuan: Programme) -> None:
    header = [" 核心幼儿园", "责任人 ", "联系\n方式", "受援 学区", "责　任　人", "联系方式"]
    rows: list[Sequence[Any]] = [
        [],
        [None, "附件1"],
        [None, *header],
        [],
        [None, "实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"],
        [],
        [None, None, None, None, "中庄镇学区", "薛金鱼", "18753312808"],
        [None, "", " ", None, "  ", None, None],
        [None, "历山幼儿园", "陈桂红", "13953305978", "燕崖镇学区", "陈丙春", "13583377048"],
        [],
        [],
    ]
    file = read_roster_xlsx(write_book(tmp_path / "a.xlsx", rows), yiyuan)
    assert [r.sheet_row for r in file.rows] == [5, 7, 9]
    assert [r.partner for r in file.rows] == ["西里镇学区", "中庄镇学区", "燕崖镇学区"]
    assert file.rows[1].lead_person == "张玲"


def test_phones_as_numbers_and_text(tmp_path: Path, yiyuan: Programme) -> None:
    rows = table(
        ["实验幼儿园", "张玲", 15169302257, "西里镇学区", "田玉法", 15169372587.0],
        [None, None, None, "中庄镇学区", "薛金鱼", "0533-3221234"],
        [None, None, None, "东里镇学区", "王成军", " 151 6937 2588 "],
        [None, None, None, "鲁村镇学区", "唐效赣", "+86 13070680053"],
        [None, None, None, "燕崖镇学区", "陈丙春", "０５３３－３２２１２３５"],
        [None, None, None, "石桥镇学区", "郭俊臣", None],
    )
    file = read_roster_xlsx(write_book(tmp_path / "p.xlsx", rows), yiyuan)
    assert [r.lead_phone for r in file.rows] == ["15169302257"] * 6
    assert [r.partner_phone for r in file.rows] == [
        "15169372587",
        "0533-3221234",
        "15169372588",
        "13070680053",
        "0533-3221235",
        "",
    ]


@given(st.integers(13_000_000_000, 19_999_999_999))
def test_any_mobile_number_keeps_every_digit(number: int) -> None:
    text = str(number)
    for value in (number, float(number), text):
        if text[1] in "012":
            with pytest.raises(ValueError):
                clean_phone(roster_table._phone_text(value))
        else:
            assert clean_phone(roster_table._phone_text(value)) == text


def test_partner_under_two_leads_and_identical_duplicate_rows(
    tmp_path: Path, yiyuan: Programme
) -> None:
    rows = table(
        ["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"],
        ["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"],
        ["历山幼儿园", "陈桂红", "13953305978", "西里镇学区", "田玉法", None],
    )
    file = read_roster_xlsx(write_book(tmp_path / "d.xlsx", rows), yiyuan)
    assert [(r.lead, r.partner) for r in file.rows] == [
        ("实验幼儿园", "西里镇学区"),
        ("历山幼儿园", "西里镇学区"),
    ]
    # The same person keeps the phone the file gives elsewhere.
    assert file.rows[1].partner_phone == "15169372587"


def test_repeated_header_and_note_line_are_skipped(tmp_path: Path, yiyuan: Programme) -> None:
    rows = [
        HEADER,
        ["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"],
        HEADER,
        [None, None, None, "中庄镇学区", "薛金鱼", "18753312808"],
        ["注：责任人变动请及时报教体局备案。"],
    ]
    file = read_roster_xlsx(write_book(tmp_path / "n.xlsx", rows, merges=["A5:F5"]), yiyuan)
    assert [r.partner for r in file.rows] == ["西里镇学区", "中庄镇学区"]


def test_table_on_a_later_sheet(tmp_path: Path, yiyuan: Programme) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "请填写第二个工作表"
    ws = wb.create_sheet("结对名单")
    ws.append(HEADER)
    ws.append(["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"])
    wb.save(tmp_path / "s.xlsx")
    file = read_roster_xlsx(tmp_path / "s.xlsx", yiyuan)
    assert file.sheet == "结对名单"
    assert len(file.rows) == 1


def test_formulas_are_not_kept(tmp_path: Path, yiyuan: Programme) -> None:
    rows = table(["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "=1+1"])
    path = write_book(tmp_path / "f.xlsx", rows)
    # openpyxl stores no cached value, so the formula cell reads as empty: never "=1+1".
    file = read_roster_xlsx(path, yiyuan)
    assert file.rows[0].partner_phone == ""


# -- plan and apply ------------------------------------------------------------------------------


def test_import_seed_then_reimport_changes_nothing(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    path = seed_book(tmp_path / "seed.xlsx", "merged")
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    assert len(plan.new_kindergartens) == 19
    assert len(plan.new_people) == 19
    assert len(plan.new_pairings) == 14
    assert (plan.changed_phones, plan.changed_pairings, plan.unchanged) == ((), (), 0)
    assert not plan.is_empty
    lines = plan.summary_lines()
    assert "新增结对 14 对：" in lines
    assert "  - 第三实验幼儿园 — 新城路幼儿园" in lines

    applied = apply_import(data_store, yiyuan, plan)
    assert applied == plan
    assert pairings(data_store) == EXPECTED_SEED
    kinds = {r["name"]: r["kind"] for r in roster.list_kindergartens(data_store, yiyuan)}
    assert kinds["西里镇学区"] == "学区"
    assert kinds["新城路幼儿园"] == kinds["实验幼儿园"] == ""
    posts = {r["name"]: r["post"] for r in roster.list_people(data_store)}
    assert posts["田玉法"] == "学区负责人"
    assert posts["谢平"] == posts["张玲"] == ""
    roles = {r["partner_role"] for r in roster.list_pairings(data_store)}
    assert roles == {"受援学区"}

    before, stamps = dump(data_store), updated_at(data_store)
    changes = data_store.db.conn.total_changes
    for layout in ("blank", "merged", "repeated"):
        again = seed_book(tmp_path / f"again-{layout}.xlsx", layout, title=False)
        plan = plan_import(data_store, yiyuan, read_roster_xlsx(again, yiyuan))
        assert plan.is_empty
        assert plan.unchanged == 14
        assert "没有需要导入的变化：名单与现有数据一致。" in plan.summary_lines()
        assert apply_import(data_store, yiyuan, plan).is_empty
    assert data_store.db.conn.total_changes == changes  # not a single row written
    assert dump(data_store) == before
    assert updated_at(data_store) == stamps


def test_read_and_plan_touch_no_file(tmp_path: Path, yiyuan: Programme, data_store: Store) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    data_store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    rows = table(["实验幼儿园", "张玲", "13900000000", "新学区", "李四", "13800000000"])
    path = write_book(tmp_path / "changed.xlsx", rows)
    watched = [path, data_store.path, Path(f"{data_store.path}-wal")]
    before = [sha256(p) for p in watched]
    dumped = dump(data_store)
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    assert not plan.is_empty
    assert [sha256(p) for p in watched] == before
    assert dump(data_store) == dumped


def test_changed_phone_is_planned_and_applied(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    stamps = updated_at(data_store)
    changed = [list(r) for r in SEED]
    changed[0][2] = 13900000000
    path = write_book(tmp_path / "phone.xlsx", [HEADER, *changed])
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    assert plan.changed_phones == (("张玲", "实验幼儿园", "15169302257", "13900000000"),)
    assert (plan.new_kindergartens, plan.new_people, plan.new_pairings) == ((), (), ())
    assert plan.unchanged == 14
    assert "  - 张玲（实验幼儿园）：15169302257 → 13900000000" in plan.summary_lines()

    apply_import(data_store, yiyuan, plan)
    person = data_store.query("SELECT * FROM person WHERE name = '张玲'")[0]
    assert person["phone"] == "13900000000"
    after = updated_at(data_store)
    assert after["pairing"] == stamps["pairing"]
    assert after["kindergarten"] == stamps["kindergarten"]
    moved = [a for a, b in zip(after["person"], stamps["person"], strict=True) if a != b]
    assert [m[0] for m in moved] == [person["id"]]


def test_changed_responsible_person_updates_the_pairing(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    changed = [list(r) for r in SEED]
    changed[0][4:6] = ["李  四", "13800000000"]
    path = write_book(tmp_path / "person.xlsx", [HEADER, *changed])
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    assert plan.new_people == (("李四", "西里镇学区"),)
    assert plan.changed_pairings == (("实验幼儿园", "西里镇学区", "受援学区责任人 田玉法 → 李四"),)
    assert plan.unchanged == 13
    apply_import(data_store, yiyuan, plan)
    row = next(r for r in roster.list_pairings(data_store) if r["partner_name"] == "西里镇学区")
    assert (row["partner_person"], row["partner_phone"]) == ("李四", "13800000000")
    # The former person stays in the roster (not deleted by an import).
    assert data_store.query("SELECT deleted_at FROM person WHERE name = '田玉法'") == [
        {"deleted_at": None}
    ]


def test_changed_pairing_whose_other_person_was_deleted(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    lead_person = data_store.query("SELECT id FROM person WHERE name = '张玲'")[0]["id"]
    roster.delete_record(data_store, "person", lead_person)
    rows = table(["实验幼儿园", None, None, "西里镇学区", "李四", "13800000000"])
    plan = import_roster(data_store, yiyuan, write_book(tmp_path / "x.xlsx", rows))
    assert plan.changed_pairings == (("实验幼儿园", "西里镇学区", "受援学区责任人 田玉法 → 李四"),)
    row = next(r for r in roster.list_pairings(data_store) if r["partner_name"] == "西里镇学区")
    assert (row["lead_person"], row["partner_person"]) == ("", "李四")


def test_existing_records_are_matched_and_kept(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    kg = roster.save_record(
        data_store, yiyuan, "kindergarten", {"name": "实验幼儿园", "kind": "公办园", "note": "老"}
    )
    roster.save_record(
        data_store,
        yiyuan,
        "person",
        {"name": "张玲", "post": "园长", "phone": "", "kindergarten_id": kg, "note": "备注"},
    )
    rows = table(
        ["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", None],
        [None, None, None, "中庄镇学区", None, None],
    )
    plan = import_roster(data_store, yiyuan, write_book(tmp_path / "e.xlsx", rows))
    assert plan.new_kindergartens == ("西里镇学区", "中庄镇学区")
    assert plan.new_people == (("田玉法", "西里镇学区"),)
    assert plan.changed_phones == (("张玲", "实验幼儿园", "", "15169302257"),)
    person = data_store.query("SELECT * FROM person WHERE name = '张玲'")[0]
    assert (person["post"], person["note"], person["phone"]) == ("园长", "备注", "15169302257")
    kind = data_store.query("SELECT kind, note FROM kindergarten WHERE id = ?", (kg,))
    assert kind == [{"kind": "公办园", "note": "老"}]
    assert pairings(data_store) == [
        ("实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", ""),
        ("实验幼儿园", "张玲", "15169302257", "中庄镇学区", "", ""),
    ]


def test_blank_cells_never_erase_stored_values(
    tmp_path: Path, yiyuan: Programme, data_store: Store
) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    rows = table(["实验幼儿园", "张玲", None, "西里镇学区", None, None])
    plan = plan_import(
        data_store, yiyuan, read_roster_xlsx(write_book(tmp_path / "b.xlsx", rows), yiyuan)
    )
    assert plan.is_empty
    assert plan.unchanged == 1


def test_apply_recomputes_the_plan(tmp_path: Path, yiyuan: Programme, data_store: Store) -> None:
    path = seed_book(tmp_path / "seed.xlsx")
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    roster.save_record(data_store, yiyuan, "kindergarten", {"name": "实验幼儿园", "kind": "公办园"})
    applied = apply_import(data_store, yiyuan, plan)
    assert "实验幼儿园" in plan.new_kindergartens
    assert "实验幼儿园" not in applied.new_kindergartens
    assert len(applied.new_kindergartens) == 18
    assert len(pairings(data_store)) == 14


def test_error_in_the_middle_of_apply_leaves_everything_as_before(
    tmp_path: Path, yiyuan: Programme, data_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster.save_record(data_store, yiyuan, "kindergarten", {"name": "测试园", "kind": "公办园"})
    before, stamps = dump(data_store), updated_at(data_store)
    path = seed_book(tmp_path / "seed.xlsx")
    plan = plan_import(data_store, yiyuan, read_roster_xlsx(path, yiyuan))
    real = roster.save_record
    calls = 0

    def failing(*args: Any, **kwargs: Any) -> str:
        nonlocal calls
        calls += 1
        if calls == 7:
            raise RuntimeError("磁盘已满")
        return real(*args, **kwargs)

    monkeypatch.setattr(roster, "save_record", failing)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        apply_import(data_store, yiyuan, plan)
    assert calls == 7
    assert dump(data_store) == before
    assert updated_at(data_store) == stamps
    monkeypatch.undo()
    assert len(apply_import(data_store, yiyuan, plan).new_pairings) == 14


def test_several_partner_roles_import_as_the_first(tmp_path: Path) -> None:
    gaotai = get_programme("gaotai-2020")
    header = ["帮扶园", "责任人", "联系方式", "被帮扶农村园", "责任人", "联系方式"]
    rows = table(
        ["第一示范幼儿园", "王芳", "13912345678", "东坝镇中心幼儿园", "李娜", "13812345678"],
        header=header,
    )
    path = write_book(tmp_path / "g.xlsx", rows)
    with pytest.raises(ImportRefused, match="找不到表头"):
        read_roster_xlsx(path, get_programme("yiyuan-2022"))
    with Store.create(tmp_path / "g.gtdb", kindergarten="园", programme_id="gaotai-2020") as store:
        import_roster(store, gaotai, path)
        (row,) = roster.list_pairings(store)
        assert row["partner_role"] == "被帮扶农村园"


# -- refusals ------------------------------------------------------------------------------------

Builder = Callable[[Path], Path]
GOOD = ["实验幼儿园", "张玲", "15169302257", "西里镇学区", "田玉法", "15169372587"]


def _rows(*rows: Sequence[Any]) -> Builder:
    return lambda tmp: write_book(tmp / "bad.xlsx", table(*rows))


def _with(changes: dict[int, Any], base: Sequence[Any] = GOOD) -> list[Any]:
    row = list(base)
    for index, value in changes.items():
        row[index] = value
    return row


def _raw(data: bytes, name: str = "bad.xlsx") -> Builder:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(data)
        return path

    return build


def _good_bytes() -> bytes:
    return workbook_bytes(table(GOOD))


def _bomb_in(part: str, root: str) -> Builder:
    """The entity bomb in one part; sharedStrings is wired in so that openpyxl parses it."""
    source = _good_bytes()
    if part == "xl/sharedStrings.xml":
        source = with_shared_strings(source, b"<sst/>")
    return lambda tmp: rezip(tmp / "bomb.xlsx", source, replace={part: billion_laughs(root)})


def _huge_cell(tmp: Path) -> Path:
    """D2 holds 100 000 characters (openpyxl itself would cut a value it writes to 32 767)."""
    source = workbook_bytes(table(_with({3: "@@HUGE@@"})))
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b"@@HUGE@@", ("学" * 100_000).encode())
    return rezip(tmp / "huge-cell.xlsx", source, replace={"xl/worksheets/sheet1.xml": sheet})


def _zip_bomb(tmp: Path) -> Path:
    filler = {"xl/media/filler.bin": bytes(60 * 1024 * 1024)}
    return rezip(tmp / "zipbomb.xlsx", _good_bytes(), add=filler)


def _many_members(tmp: Path) -> Path:
    return rezip(
        tmp / "many.xlsx", _good_bytes(), add={f"xl/x/{i}.xml": b"" for i in range(10_001)}
    )


def _huge_file(tmp: Path) -> Path:
    path = tmp / "huge.xlsx"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(20 * 1024 * 1024 + 1)
    return path


def _corrupt_member(tmp: Path) -> Path:
    data = bytearray(_good_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0xFF
    return _raw(bytes(data))(tmp)


def _sheet_xml(source: bytes, change: Callable[[bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return change(archive.read("xl/worksheets/sheet1.xml"))


def _merge_bomb(tmp: Path) -> Path:
    """5 KB that would make openpyxl build 17 billion MergedCell objects."""
    source = workbook_bytes(table(GOOD))
    sheet = _sheet_xml(
        source,
        lambda xml: xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>',
        ),
    )
    return rezip(tmp / "merge.xlsx", source, replace={"xl/worksheets/sheet1.xml": sheet})


def _many_cells(tmp: Path) -> Path:
    source = workbook_bytes(table(GOOD))
    filler = "".join(f'<row r="{r}"><c r="G{r}"/></row>' for r in range(3, 200_003)).encode()
    sheet = _sheet_xml(source, lambda xml: xml.replace(b"</sheetData>", filler + b"</sheetData>"))
    return rezip(tmp / "cells.xlsx", source, replace={"xl/worksheets/sheet1.xml": sheet})


def _zip_encrypted(tmp: Path) -> Path:
    """The zip's own (legacy) encryption flag set on the first part."""
    data = bytearray(_good_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 0x01
    data[central + 8] |= 0x01
    return _raw(bytes(data))(tmp)


def _docx_like(tmp: Path) -> Path:
    path = tmp / "doc.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def _header_too_low(tmp: Path) -> Path:
    return write_book(tmp / "low.xlsx", [[f"说明 {i}"] for i in range(11)] + table(GOOD))


def _too_many_rows(tmp: Path) -> Path:
    rows = [[*GOOD[:3], f"第{i}学区", "田玉法", "15169372587"] for i in range(5001)]
    return write_book(tmp / "many.xlsx", table(*rows))


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

REFUSALS: dict[str, tuple[Builder, list[str]]] = {
    "bad phone": (
        _rows(GOOD, _with({0: None, 3: "中庄镇学区", 5: "1234"})),
        ["工作表“Sheet1”第 3 行 F 列（联系方式）：联系方式“1234”无效"],
    ),
    "scientific text": (
        _rows(_with({2: "1.52E+10"})),
        ["第 2 行 C 列（联系方式）：联系方式“1.52E+10”是科学计数法，号码的后几位已经丢失"],
    ),
    "landline as number": (
        _rows(_with({5: 5333221234})),
        ["第 2 行 F 列（联系方式）", "开头的 0 会被 Excel 去掉"],
    ),
    "decimal phone": (_rows(_with({2: 1516930225.7})), ["第 2 行 C 列", "是小数"]),
    "date in phone": (_rows(_with({5: dt.datetime(2022, 7, 1)})), ["第 2 行 F 列", "日期"]),
    "missing lead": (
        _rows(_with({0: None})),
        ["第 2 行 A 列（核心幼儿园）：核心幼儿园不能为空"],
    ),
    "missing partner": (
        _rows(GOOD, _with({0: None, 3: None})),
        ["第 3 行 D 列（受援学区）：受援学区不能为空"],
    ),
    "phone without person": (
        _rows(_with({4: None})),
        ["第 2 行 E 列（责任人）：责任人为空，却填了联系方式“15169372587”"],
    ),
    "huge cell": (
        _huge_cell,
        ["第 2 行 D 列（受援学区）：内容过长（100000 字，最多 200 字）"],
    ),
    "long name": (
        _rows(_with({1: "张" * 61})),
        ["第 2 行 B 列（责任人）：责任人过长（61 字，最多 60 字）"],
    ),
    "error value": (_rows(_with({3: "#REF!"})), ["第 2 行 D 列", "Excel 错误值 #REF!"]),
    "same pairing differs": (
        _rows(GOOD, _with({5: "13800000000"})),
        ["第 3 行：与第 2 行是同一结对（实验幼儿园 — 西里镇学区），但受援学区联系方式不同"],
    ),
    "lead person differs": (
        _rows(GOOD, _with({1: "李四", 3: "中庄镇学区", 4: "薛金鱼"})),
        ["第 3 行 B 列（责任人）：核心幼儿园“实验幼儿园”的责任人在第 2 行是“张玲”，这里是“李四”"],
    ),
    "person phone differs": (
        _rows(GOOD, ["历山幼儿园", "陈桂红", "13953305978", "西里镇学区", "田玉法", "13800000000"]),
        ["第 3 行 F 列（联系方式）：“田玉法”（西里镇学区）的联系方式在第 2 行是 15169372587"],
    ),
    "lead is partner": (
        _rows(_with({3: "实验幼儿园"})),
        ["第 2 行 D 列（受援学区）：受援学区不能与核心幼儿园相同"],
    ),
    "merged bad lead named once": (
        lambda tmp: write_book(
            tmp / "m.xlsx",
            table(_with({0: "园" * 61}), _with({0: None, 3: "中庄镇学区"})),
            merges=["A2:A3"],
        ),
        ["第 2 行 A 列（核心幼儿园）：核心幼儿园过长（61 字，最多 60 字）"],
    ),
    "too many rows": (_too_many_rows, ["有 5001 行数据（最多 5000 行）"]),
    "header too low": (
        _header_too_low,
        ["找不到表头：核心幼儿园|责任人|联系方式|受援学区|责任人|联系方式"],
    ),
    "header renamed": (
        lambda tmp: write_book(tmp / "h.xlsx", table(GOOD, header=[*HEADER[:5], "联系电话"])),
        ["找不到表头：核心幼儿园|责任人|联系方式|受援学区|责任人|联系方式"],
    ),
    "header extra column": (
        lambda tmp: write_book(tmp / "h.xlsx", table([*GOOD, "x"], header=[*HEADER, "备注"])),
        ["找不到表头"],
    ),
    "no rows": (lambda tmp: write_book(tmp / "e.xlsx", [HEADER]), ["下面没有任何结对"]),
    "text renamed": (_raw("核心幼儿园,责任人\n".encode()), ["不是 Excel 工作簿（.xlsx）"]),
    "csv": (_raw("a,b,c\n1,2,3\n".encode("gbk"), "名单.csv"), ["“名单.csv”不是 Excel 工作簿"]),
    "xls": (_raw(OLE, "old.xls"), ["Excel 97-2003 工作簿（.xls）"]),
    "encrypted": (_raw(OLE + "EncryptionInfo".encode("utf-16-le")), ["设置了打开密码"]),
    "zip encryption": (_zip_encrypted, ["已加密"]),
    "empty": (_raw(b""), ["是空的"]),
    "missing": (lambda tmp: tmp / "none.xlsx", ["不存在"]),
    "folder": (lambda tmp: tmp, ["是文件夹"]),
    "truncated": (lambda tmp: _raw(_good_bytes()[:3000])(tmp), ["不完整或已损坏"]),
    "corrupt member": (_corrupt_member, ["不完整或已损坏", "xl/worksheets/sheet1.xml"]),
    "not a workbook zip": (_docx_like, ["里面没有 Excel 工作表"]),
    "entity bomb in strings": (
        _bomb_in("xl/sharedStrings.xml", "sst"),
        ["部件 xl/sharedStrings.xml 含有 XML 实体/DTD 声明"],
    ),
    "entity bomb in sheet": (
        _bomb_in("xl/worksheets/sheet1.xml", "worksheet"),
        ["部件 xl/worksheets/sheet1.xml 含有 XML 实体/DTD 声明"],
    ),
    "entity bomb in properties": (
        _bomb_in("docProps/core.xml", "coreProperties"),
        ["部件 docProps/core.xml 含有 XML 实体/DTD 声明"],
    ),
    "zip bomb": (_zip_bomb, ["解压后有 60 MB（最多 50 MB）"]),
    "merge bomb": (_merge_bomb, ["合并单元格共覆盖 17179836416 个单元格（最多 100000 个）"]),
    "too many cells": (_many_cells, ["共有 200012 个单元格（最多 200000 个）"]),
    "lone phone under a lead without person": (
        _rows(_with({1: None, 2: None}), _with({0: None, 1: None, 3: "中庄镇学区"})),
        ["第 3 行 B 列（责任人）：责任人为空，却填了联系方式“15169302257”"],
    ),
    "too many members": (_many_members, ["个部件（最多 10000 个）"]),
    "huge file": (_huge_file, ["太大（20.0 MB，最多 20 MB）"]),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_with_place_and_nothing_changed(
    tmp_path: Path, yiyuan: Programme, data_store: Store, case: str
) -> None:
    import_seed(data_store, yiyuan, tmp_path)
    build, expected = REFUSALS[case]
    path = build(tmp_path)
    before, file_hash = dump(data_store), sha256(path)
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as refused:
        import_roster(data_store, yiyuan, path)
    assert time.perf_counter() - started < 10
    message = refused.value.message
    assert message.startswith("导入被拒绝，数据文件未做任何改动。")
    for fragment in expected:
        assert fragment in message, message
    assert dump(data_store) == before
    assert sha256(path) == file_hash


def test_huge_cell_is_refused_quickly(tmp_path: Path, yiyuan: Programme) -> None:
    path = _huge_cell(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match="内容过长"):
        read_roster_xlsx(path, yiyuan)
    assert time.perf_counter() - started < 2


def test_every_problem_is_listed(tmp_path: Path, yiyuan: Programme) -> None:
    rows = table(
        _with({2: "1234"}),
        _with({0: None, 3: None}),
        _with({0: None, 3: "中庄镇学区", 5: "1.52E+10"}),
        _with(
            {
                0: "历山幼儿园",
                1: "陈桂红",
                2: "13953305978",
                3: "燕崖镇学区",
                4: "",
                5: "13583377048",
            }
        ),
    )
    with pytest.raises(ImportRefused) as refused:
        read_roster_xlsx(write_book(tmp_path / "x.xlsx", rows), yiyuan)
    places = [p.split("：", 1)[0] for p in refused.value.problems]
    assert places == [
        "工作表“Sheet1”第 2 行 C 列（联系方式）",
        "工作表“Sheet1”第 3 行 D 列（受援学区）",
        "工作表“Sheet1”第 4 行 F 列（联系方式）",
        "工作表“Sheet1”第 5 行 E 列（责任人）",
    ]


BOMB_PARTS = [
    ("xl/sharedStrings.xml", "sst"),
    ("xl/worksheets/sheet1.xml", "worksheet"),
    ("docProps/core.xml", "coreProperties"),
]


@pytest.mark.parametrize(("part", "root"), BOMB_PARTS)
def test_openpyxl_itself_parses_through_defusedxml(
    tmp_path: Path, yiyuan: Programme, monkeypatch: pytest.MonkeyPatch, part: str, root: str
) -> None:
    path = _bomb_in(part, root)(tmp_path)
    with pytest.raises(ValueError) as raised:
        openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    cause: BaseException | None = raised.value
    while cause is not None and not isinstance(cause, defusedxml.DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, defusedxml.EntitiesForbidden)
    # With our own scan switched off, openpyxl's refusal still becomes a clear message.
    monkeypatch.setattr(workbook_guard, "DTD_MARKS", ())
    with pytest.raises(ImportRefused, match="含有被禁止的 XML 内容（实体或文档类型声明）"):
        read_roster_xlsx(path, yiyuan)


def test_utf16_dtd_is_found(tmp_path: Path, yiyuan: Programme) -> None:
    part = billion_laughs("worksheet").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = rezip(
        tmp_path / "u16.xlsx",
        _good_bytes(),
        replace={"xl/worksheets/sheet1.xml": part.encode("utf-16")},
    )
    with pytest.raises(ImportRefused, match="DTD"):
        read_roster_xlsx(path, yiyuan)


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/workbook.xml", b"<workbook><sheets><sheet name='x'/></sheets>"),  # cut short
        ("xl/styles.xml", b"<styleSheet><numFmts count='1'><numFmt/></numFmts></styleSheet>"),
        ("[Content_Types].xml", b"<Types/>"),
    ],
)
def test_a_workbook_openpyxl_cannot_read_is_refused_in_chinese_only(
    tmp_path: Path, yiyuan: Programme, part: str, content: bytes
) -> None:
    """openpyxl's own English words (and its exception names) never reach the director."""
    path = rezip(tmp_path / "坏.xlsx", _good_bytes(), replace={part: content})
    with pytest.raises(ImportRefused) as refused:
        read_roster_xlsx(path, yiyuan)
    message = refused.value.message.replace(path.name, "").replace(".xlsx", "")
    assert not re.search(r"[A-Za-z]{3,}", message.replace("Excel", "").replace("WPS", "")), message
