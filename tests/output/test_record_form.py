"""帮扶活动记录表: one activity per page with every part of the record and its photos, a whole
month as pages, missing or broken photos as text, long texts across pages, and the xlsx block."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from _output_forms import pdf_images, pdf_pages
from PIL import Image

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.forms.form_data import FormData, form_data
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import attachments, diary, roster
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.output.layout import missing_photo_text, unreadable_photo_text
from gongtongti_desktop.output.pdf import render_pdf
from gongtongti_desktop.output.xlsx import write_workbook

PARTS = ("plan_text", "measures", "record", "summary")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _with_photos(store: Store) -> str:
    """An activity of the demo that has photos."""
    return next(i for i in diary.search_ids(store) if attachments.list_attachments(store, i))


def _photo(path: Path, size: tuple[int, int], colour: str = "teal", **save: Any) -> Path:
    Image.new("RGB", size, colour).save(path, **save)
    return path


def _new_activity(store: Store, programme: Programme, **changes: Any) -> str:
    pair = roster.list_pairings(store)[0]
    values: dict[str, Any] = {
        "day": "2024-10-20",
        "start_time": "09:00",
        "end_time": "11:00",
        "kind": "线下教研",
        "title": "线下教研：测试活动",
        "mode": "线下",
        "place": "多功能厅",
        "host_id": pair["lead_id"],
        "receiver_ids": [pair["partner_id"]],
        "participant_ids": [],
        "headcount": "12",
        "domain": "科学",
        "plan_text": "测试方案",
        "measures": "测试措施",
        "record": "测试记录",
        "summary": "测试总结",
        "plan_item_id": None,
    }
    values.update(changes)
    return records.save_record(store, programme, "activity", values)


def _record(store: Store, programme: Programme, *ids: str) -> FormData:
    return form_data(store, programme, "activity-record", activity_ids=list(ids))


def test_both_profiles_have_the_record_form() -> None:
    for programme_id in ("yiyuan-2022", "gaotai-2020"):
        spec = get_programme(programme_id).form("activity-record")
        assert spec.layout == "record" and spec.periodic
        assert spec.title == "帮扶活动记录表"
        labels = [f.label for f in spec.fields]
        for label in (
            "活动主题", "日期/时间", "活动类型", "形式/地点", "主办园", "参与园",
            "参加人员", "人数", "领域", "对应计划", "活动方案", "措施", "活动记录", "总结/反思",
        ):  # fmt: skip
            assert label in labels
        assert spec.images == "attachments" and spec.images_label == "活动图片"


def test_one_activity_shows_every_part_and_embeds_its_photos(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    activity = _with_photos(store)
    data = _record(store, programme, activity)
    assert len(data.rows) == 1
    content = render_pdf(data)
    pages = pdf_pages(content)
    assert len(pages) == 1
    flat = _flat(pages[0])
    rec = diary.full_record(store, activity)
    assert "帮扶活动记录表" in flat
    for label in ("活动主题", "活动方案", "措施", "活动记录", "总结/反思", "活动图片"):
        assert label in flat
    for value in (
        rec["title"],
        rec["kind"],
        rec["host_name"],
        rec["domain"],
        str(rec["headcount"]),
        *rec["receiver_names"],
        *rec["participant_names"],
        *(rec[part] for part in PARTS),
    ):
        assert _flat(value) in flat, value
    y, m, d = (int(x) for x in rec["day"].split("-"))
    assert f"{y}年{m}月{d}日" in flat and _flat(rec["time"]) in flat
    photos = [a for a in attachments.list_attachments(store, activity) if a["is_image"]]
    assert photos
    assert len(pdf_images(content)[0]) == len(photos)
    for photo in photos:
        assert _flat(photo["caption"]) in flat


def test_month_prints_one_page_per_activity(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    month = periods.parse_month("2024-10")
    data = form_data(store, programme, "activity-record", month)
    ids = diary.search_ids(store, diary.DiaryFilter(period=month))
    assert len(data.rows) == len(ids) >= 3
    days = [row["day"] for row in data.rows]
    assert days == sorted(days, key=lambda d: [int(x) for x in re.findall(r"\d+", d)])
    content = render_pdf(data)
    pages = pdf_pages(content)
    assert len(pages) == len(ids)
    for n, (page, row) in enumerate(zip(pages, data.rows, strict=True), 1):
        flat = _flat(page)
        assert flat.count("帮扶活动记录表") == 1
        assert _flat(row["title"]) in flat and row["day"] in flat
        assert f"第{n}页/共{len(pages)}页" in flat
    images = pdf_images(content)
    for page_images, row in zip(images, data.rows, strict=True):
        assert len(page_images) == sum(a["is_image"] for a in row["attachments"])


def test_missing_and_broken_photos_print_as_text(own_demo, tmp_path: Path) -> None:
    store, programme = own_demo
    activity = _new_activity(store, programme)
    for n, colour in enumerate(("red", "green", "blue")):
        photo = _photo(tmp_path / f"照片{n}.jpg", (300, 200), colour)
        attachments.add_attachment(store, activity, photo, f"说明{n}")
    sheet = tmp_path / "签到表.pdf"
    sheet.write_bytes(b"%PDF-1.4 sign-in sheet")
    attachments.add_attachment(store, activity, sheet)
    rows = attachments.list_attachments(store, activity)
    Path(rows[1]["path"]).unlink()
    Path(rows[2]["path"]).write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    data = _record(store, programme, activity)
    content = render_pdf(data)
    flat = _flat("".join(pdf_pages(content)))
    assert _flat(missing_photo_text("照片1.jpg")) in flat
    assert _flat(unreadable_photo_text("照片2.jpg")) in flat
    assert "说明0" in flat and "其他附件：签到表.pdf" in flat
    assert sum(len(p) for p in pdf_images(content)) == 1


def test_large_and_turned_photos_are_scaled_and_upright(own_demo, tmp_path: Path) -> None:
    store, programme = own_demo
    activity = _new_activity(store, programme)
    big = _photo(tmp_path / "big.jpg", (4000, 3000))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: stored landscape, shown portrait
    turned = _photo(tmp_path / "turned.jpg", (800, 400), exif=exif.tobytes())
    attachments.add_attachment(store, activity, big)
    attachments.add_attachment(store, activity, turned)
    content = render_pdf(_record(store, programme, activity))
    sizes = pdf_images(content)[0]
    assert len(sizes) == 2
    assert all(w <= 1000 and h <= 1000 for w, h in sizes)  # resampled, not 12 megapixels
    assert any(h > w for w, h in sizes)
    assert len(content) < 400_000


def test_long_texts_run_onto_further_pages(own_demo) -> None:
    store, programme = own_demo
    paragraphs = [
        f"第{n}段：" + "教师围绕幼儿的自主探究展开观察与记录，发现材料投放层次不足，" * 4
        for n in range(1, 31)
    ]
    one_long_line = "没有换行的长段落" * 400
    activity = _new_activity(store, programme, record="\n".join(paragraphs), summary=one_long_line)
    content = render_pdf(_record(store, programme, activity))
    pages = pdf_pages(content)
    assert len(pages) >= 3
    flat = re.sub(r"第\d+页/共\d+页", "", _flat("".join(pages)))  # page numbers between pages
    for n in range(1, 31):
        assert flat.count(f"第{n}段：") == 1
    assert _flat("".join(paragraphs)) in flat
    assert one_long_line in flat
    assert "总结/反思" in flat and "活动图片" in flat


def test_empty_month_prints_a_blank_record_sheet(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    data = form_data(store, programme, "activity-record", periods.parse_month("2030-05"))
    assert data.rows == []
    pages = pdf_pages(render_pdf(data))
    assert len(pages) == 1
    flat = _flat(pages[0])
    for label in ("帮扶活动记录表", "活动主题", "活动方案", "总结/反思", "活动图片"):
        assert label in flat


def test_unknown_activity_or_wrong_form_is_a_user_error(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    with pytest.raises(UserError, match="不存在或已删除"):
        _record(store, programme, "no-such-id")
    with pytest.raises(UserError, match="不是活动记录表"):
        form_data(store, programme, "annex2", activity_ids=[_with_photos(store)])


def test_record_pdf_is_deterministic(yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    data = form_data(store, programme, "activity-record", periods.parse_month("2024-10"))
    assert render_pdf(data) == render_pdf(data)


def test_xlsx_has_one_block_per_activity(tmp_path: Path, yiyuan_demo) -> None:
    store, programme = yiyuan_demo
    data = form_data(store, programme, "activity-record", periods.parse_month("2024-10"))
    out = write_workbook([data], tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["帮扶活动记录表"]
    ws = wb.worksheets[0]
    titles = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "帮扶活动记录表"]
    assert len(titles) == len(data.rows)
    assert [b.id for b in ws.row_breaks.brk] == [t - 1 for t in titles[1:]]
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for row in data.rows:
        assert row["title"] in values
        for part in PARTS:
            assert row[part] in values
        for attachment in row["attachments"]:
            assert any(attachment["original_name"] in v for v in values)
    first = titles[0]
    theme = next(r for r in range(first, ws.max_row + 1) if ws.cell(r, 1).value == "活动主题")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"B{theme}:D{theme}" in merged  # a wide field spans the row
    assert ws.cell(theme + 1, 3).value == "活动类型"  # short fields two to a row


def test_xlsx_lists_missing_photos_and_keeps_text_literal(own_demo, tmp_path: Path) -> None:
    store, programme = own_demo
    activity = _new_activity(store, programme, title="=1+1", record="@SUM(A1:A2)")
    attachments.add_attachment(
        store, activity, _photo(tmp_path / "gone.png", (50, 50), format="PNG")
    )
    Path(attachments.list_attachments(store, activity)[0]["path"]).unlink()
    out = write_workbook([_record(store, programme, activity)], tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert missing_photo_text("gone.png") in cells
    for text in ("=1+1", "@SUM(A1:A2)"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert not re.search(r"<(\w+:)?f[\s>/]", xml)
    assert "=1+1" in _flat(pdf_pages(render_pdf(_record(store, programme, activity)))[0])
