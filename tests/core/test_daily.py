"""First steps, reminders and the empty roster's hint (core/checks/daily); 备份到U盘
(core/datafile/portable_backup)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from gongtongti_desktop.core.checks import daily
from gongtongti_desktop.core.datafile import portable_backup
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import attachments, home, plans, roster, stage_reports
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.errors import UserError


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_steps_tick_themselves_from_the_data(store, programme) -> None:
    steps = daily.first_steps(store)
    assert [s.label for s in steps] == [
        "建立结对名单",
        "填写月计划",
        "记录帮扶活动",
        "月底检查",
        "导出上报",
    ]
    assert [s.done for s in steps] == [False] * 5
    me = home.ensure_home(store, programme)
    other = roster.save_record(store, programme, "kindergarten", {"name": "甲村幼儿园"})
    role = records.choices(programme, roster.PAIRING.field("partner_role"))[0]
    roster.save_record(
        store, programme, "pairing", {"lead_id": me, "partner_id": other, "partner_role": role}
    )
    assert [s.done for s in daily.first_steps(store)] == [True, False, False, False, False]
    month = plans.row_for_month(programme, "2024-09").key
    records.save_record(
        store, programme, "plan_item", {"month": month, "task": "联合教研", "status": plans.PLANNED}
    )
    from gongtongti_desktop.core.records import diary  # noqa: F401  (the activity type)

    records.save_record(
        store, programme, "activity",
        {"day": "2024-09-10", "kind": programme.activity_kinds[0], "title": "教研",
         "mode": "线下", "host_id": me},
    )  # fmt: skip
    assert [s.done for s in daily.first_steps(store)] == [True, True, True, False, False]
    stage_reports.save_summary(store, "2024-09", {"highlights": "本月完成联合教研一次。"})
    assert [s.done for s in daily.first_steps(store)][3] is True
    store.set_setting("last_export_at", "2024-10-01T10:00:00")
    assert all(s.done for s in daily.first_steps(store))


def test_empty_roster_says_what_to_do_first(store, programme) -> None:
    assert "结对名单还是空的" in daily.empty_roster_hint(store)
    assert "导入结对名单" in daily.empty_roster_hint(store)
    reminders = daily.reminders(store, programme, dt.date(2026, 12, 7))
    assert any(r.where == "roster" and r.urgent for r in reminders)


def test_reminders_say_the_deadline_and_last_periods_misses(demo_store, programme) -> None:
    today = demo_store.today()
    reminders = daily.reminders(demo_store, programme, today)
    first = reminders[0]
    assert (first.where == "overview" and "还有" in first.text) or "今天截止" in first.text
    misses = [r for r in reminders if "未达成" in r.text]
    from gongtongti_desktop.core.checks import rules

    pairs = rules.current_and_last(
        demo_store, programme.calendar, programme.rules, today, rules.tracked_since(demo_store)
    )
    assert len(misses) == len(rules.closed_failures(pairs))
    assert all(r.where in daily.TABS + daily.ACTIONS for r in reminders)


def test_an_untouched_draft_is_a_reminder(store, programme) -> None:
    stage_reports.save_summary(store, "2024-autumn", {"highlights": "草稿"}, draft=True)
    texts = [r.text for r in daily.reminders(store, programme, dt.date(2024, 10, 1))]
    assert any("自动起草的草稿" in t for t in texts)


def test_backup_to_a_folder_and_restore_from_it(tmp_path, programme) -> None:
    data = tmp_path / "园" / "data.gtdb"
    data.parent.mkdir()
    store = Store.create(data, kindergarten="东岭镇中心幼儿园", programme_id=programme.id)
    home.ensure_home(store, programme)
    from gongtongti_desktop.core.records import diary  # noqa: F401

    activity = records.save_record(
        store, programme, "activity",
        {"day": "2024-09-10", "kind": programme.activity_kinds[0], "title": "教研",
         "mode": "线下", "host_id": home.home_id(store)},
    )  # fmt: skip
    photo = tmp_path / "p.png"
    from PySide6.QtGui import QImage  # a real photo file (the check reads its header)

    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(0)
    image.save(str(photo))
    attachments.add_attachment(store, activity, photo)
    usb = tmp_path / "U盘"
    usb.mkdir()
    made = portable_backup.backup_to_folder(store, usb, dt.datetime(2026, 12, 7, 9, 30))
    assert made.folder.name == "共同体工作台备份-东岭镇中心幼儿园-20261207-093000"
    assert made.counts == {"activity": 1, "plan_item": 0, "kindergarten": 1}
    assert made.files == 1
    # a later mistake, then restore from the stick
    records.delete_record(store, "activity", activity)
    store.close()
    for f in (data.parent / "attachments").rglob("*"):
        if f.is_file():
            f.unlink()
    kept, photos = portable_backup.restore_from_folder(data, made.data_file)
    assert kept.is_file() and photos == 1
    with Store.open(data) as again:
        assert [
            r["id"] for r in again.query("SELECT id FROM activity WHERE deleted_at IS NULL")
        ] == [activity]
        (row,) = attachments.list_attachments(again, activity)
        assert attachments.stored_path(again, row).is_file()


def test_a_bad_copy_is_refused_before_anything_is_replaced(tmp_path, store) -> None:
    fake = tmp_path / "备份" / "data.gtdb"
    fake.parent.mkdir()
    fake.write_bytes(b"not a database at all" * 100)
    path = store.path
    store.close()
    before = sha256(path)
    with pytest.raises(UserError):
        portable_backup.restore_from_folder(path, fake)
    assert sha256(path) == before
    with pytest.raises(UserError, match="不存在"), Store.open(path) as again:
        portable_backup.backup_to_folder(again, tmp_path / "没插U盘")
