"""上报前检查's two evidence sources: forms printed but not signed back (or changed since they
were signed), and photo flags not yet answered — each line naming what it opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _photo_samples import save, scene

from gongtongti_desktop.core.checks import photo_flags
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import Programme, get_programme
from gongtongti_desktop.core.records import attachments, roster
from gongtongti_desktop.core.signed import filing
from gongtongti_desktop.core.upload import before_export
from tests.core.conftest import save_activity


def _kind(items: list[before_export.OpenItem], kind: str) -> list[before_export.OpenItem]:
    return [i for i in items if i.kind == kind]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_a_printed_form_is_open_until_signed_and_again_when_its_data_changes(
    print_pages, demo_store: Store, tmp_path: Path
) -> None:
    programme = get_programme(demo_store.programme_id)
    term = periods.term_of(programme.calendar, demo_store.today())
    listed = lambda: _kind(before_export.open_items(demo_store, programme, term), "not_signed")  # noqa: E731
    assert listed() == []  # nothing printed: nothing to sign back
    _codes, pages = print_pages(demo_store, "annex1", tmp_path)
    (item,) = listed()
    assert (item.record_type, item.record_id, item.severity) == ("signed_form", "annex1", "warning")
    assert "已打印未签字" in item.text and "添加签字件" in item.text
    assert item.period == periods.period_key(term)

    pages[0].save(tmp_path / "signed.jpg", quality=60)
    filing.file_scans(demo_store, filing.plan_scans(demo_store, [tmp_path / "signed.jpg"]))
    assert listed() == []  # signed and filed back

    person = roster.list_people(demo_store)[0]
    values = {**roster.get_record(demo_store, "person", person["id"]), "phone": "13900000000"}
    roster.save_record(demo_store, programme, "person", values, person["id"])
    (item,) = listed()
    assert "签字后数据已修改" in item.text and "13900000000" in item.text
    counts = before_export.counts(before_export.open_items(demo_store, programme, term))
    assert counts["not_signed"] == 1
    assert before_export.kind_label("not_signed") in before_export.grouped_lines([item])[0]


def test_unanswered_photo_flags_of_the_period_are_open_items(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    october = save_activity(store, programme, kgs, day="2024-10-15", title="十月送教")
    november = save_activity(store, programme, kgs, day="2024-11-20", title="十一月送教")
    picture = scene(11)
    attachments.add_attachment(store, october, save(tmp_path, "a.jpg", picture, "2024-10-15"))
    reused = attachments.add_attachment(
        store, november, save(tmp_path, "b.jpg", picture.resize((900, 675)), "2024-10-15")
    )
    month = periods.month_period(2024, 11)
    items = _kind(before_export.open_items(store, programme, month), "photo_flag")
    assert items and {i.record_id for i in items} == {november}  # October's own photo is not
    assert all(i.record_type == "activity" for i in items)
    assert any(i.severity == "warning" and "2024-10-15" in i.text for i in items)

    for flag in photo_flags.photo_flags(store, programme, month):
        photo_flags.answer_flag(store, programme, flag.attachment_id, "同一场活动的延续，照片属实")
    assert _kind(before_export.open_items(store, programme, month), "photo_flag") == []
    assert reused  # the answered photo stays attached: a flag is never a refusal


def test_export_reads_unread_photos_before_it_records_the_list(
    store: Store, programme: Programme, kgs: dict[str, str], tmp_path: Path
) -> None:
    """A photo whose capture time was never read (attached before photo checks) is one note in
    the list; the export reads it first, so the package records its flags, not the note."""
    import json
    import zipfile

    from gongtongti_desktop.exchange.package.write import write_package

    october = save_activity(store, programme, kgs, day="2024-10-15", title="十月送教")
    november = save_activity(store, programme, kgs, day="2024-11-20", title="十一月送教")
    picture = scene(12)
    attachments.add_attachment(store, october, save(tmp_path, "a.jpg", picture, "2024-10-15"))
    attachments.add_attachment(store, november, save(tmp_path, "b.jpg", picture, "2024-10-15"))
    with store.atomic():
        store.execute("DELETE FROM photo_facts")  # as a file from before photo checks
    term = periods.term_of(programme.calendar, periods.month_period(2024, 11).start)
    waiting = _kind(before_export.open_items(store, programme, term), "photo_flag")
    assert [i.text for i in waiting] == [
        "另有 1 张照片尚未读取拍摄时间（导出时读取）"
    ]  # one file, one content hash
    out = tmp_path / "上报.gtt"
    write_package(store, programme, term, out)
    with zipfile.ZipFile(out) as archive:
        recorded = json.loads(archive.read("manifest.json"))["open_items"]
    texts = [i["text"] for i in recorded if i["kind"] == "photo_flag"]
    assert texts and not any("尚未读取" in t for t in texts)
    assert any("2024-11-20" in t for t in texts)  # November's reused photo, now read
