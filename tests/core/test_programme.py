"""Programme profiles: every shipped profile loads, and malformed ones fail naming file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongtongti_desktop.core.forms import form_data
from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile.form_sources import SOURCE_FIELDS
from gongtongti_desktop.core.profile.programme import (
    ProfileError,
    available_programmes,
    get_programme,
    load_form,
    load_programme,
)
from gongtongti_desktop.errors import UserError

SHIPPED = available_programmes()


def test_required_profiles_are_shipped() -> None:
    assert {"yiyuan-2022", "gaotai-2020"} <= set(SHIPPED)


@pytest.mark.parametrize("programme_id", SHIPPED)
def test_every_shipped_profile_loads(programme_id: str) -> None:
    programme = load_programme(forms_dir() / programme_id)
    assert programme.id == programme_id
    assert programme.forms, "a profile without printable forms is useless"
    for spec in programme.forms:
        assert spec.title and spec.columns


def test_every_source_has_rows_and_fields() -> None:
    assert set(form_data.SOURCES) == set(SOURCE_FIELDS)


def test_yiyuan_roster_form_matches_seed_columns() -> None:
    spec = get_programme("yiyuan-2022").form("annex1")
    assert spec.title == "沂源县幼儿园城乡教育共同体结对名单"
    assert [c.title for c in spec.columns] == [
        "核心幼儿园", "责任人", "联系方式", "受援学区", "责任人", "联系方式",
    ]  # fmt: skip
    assert [c.merge for c in spec.columns] == [True, True, True, False, False, False]


def test_gaotai_roles_and_arrangement_columns() -> None:
    programme = get_programme("gaotai-2020")
    assert programme.roles.lead == "帮扶园"
    assert programme.roles.partners == ("被帮扶农村园", "被帮扶民办园")
    spec = programme.form("arrangement")
    assert [c.title for c in spec.columns] == ["帮扶园", "被帮扶农村园", "被帮扶民办园", "责任人"]


def test_unknown_programme_lists_known_ones() -> None:
    with pytest.raises(UserError, match="yiyuan-2022"):
        get_programme("nowhere-1999")


def test_unknown_form_lists_known_ones() -> None:
    with pytest.raises(UserError, match="annex1"):
        get_programme("yiyuan-2022").form("annex99")


@pytest.fixture
def profile_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "yiyuan-2022"
    shutil.copytree(forms_dir() / "yiyuan-2022", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("programme.toml", 'region = "沂源县"', 'regoin = "沂源县"', "不认识的键 regoin"),
        ("programme.toml", 'lead = "核心幼儿园"', "lead = 3", "lead 应为 str"),
        ("programme.toml", 'partners = ["受援学区"]', "partners = []", "partners 至少一项"),
        ("programme.toml", 'id = "yiyuan-2022"', 'id = "other"', "应与文件夹名"),
        ("programme.toml", "[vocab]", "[vocab", "TOML 格式错误"),
        ("templates/annex1.toml", 'source = "pairings"', 'source = "pairs"', "未知的数据源"),
        ("templates/annex1.toml", 'bind = "lead_name"', 'bind = "lead_nme"', "lead_nme"),
        ("templates/annex1.toml", "width = 1.3", "width = -1", "width 应大于 0"),
        ("templates/annex1.toml", 'align = "center"', 'align = "middle"', "align 只能是"),
        ("templates/annex1.toml", "merge = true", 'merge = "yes"', "merge 应为 bool"),
        ("templates/annex1.toml", 'group_by = "lead_id"', 'group_by = "x"', "group_by"),
    ],
)
def test_malformed_profile_fails_naming_file_and_key(
    profile_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    target = profile_copy / file
    _edit(target, old, new)
    with pytest.raises(ProfileError) as info:
        load_programme(profile_copy)
    assert message in info.value.message
    assert target.name in info.value.message


def test_form_id_must_match_file_name(profile_copy: Path) -> None:
    src = profile_copy / "templates" / "annex1.toml"
    dst = profile_copy / "templates" / "roster.toml"
    src.rename(dst)
    with pytest.raises(ProfileError, match="应与文件名"):
        load_form(dst)


def test_a_new_county_is_a_folder_not_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "forms"
    shutil.copytree(forms_dir(), root)
    new = root / "newcounty-2026"
    shutil.copytree(root / "yiyuan-2022", new)
    _edit(new / "programme.toml", 'id = "yiyuan-2022"', 'id = "newcounty-2026"')
    _edit(
        new / "programme.toml", 'name = "沂源县 2022 城乡教育共同体"', 'name = "新县 2026 共同体"'
    )
    _edit(new / "templates" / "annex1.toml", 'title = "沂源县', 'title = "新县')
    monkeypatch.setenv("GONGTONGTI_FORMS", str(root))
    assert "newcounty-2026" in available_programmes()
    programme = get_programme("newcounty-2026")
    assert programme.form("annex1").title == "新县幼儿园城乡教育共同体结对名单"


# --- the plan tables and the record sheet (template keys added with them) ----------------------


def test_new_template_keys_load() -> None:
    yiyuan = get_programme("yiyuan-2022")
    annex2 = yiyuan.form("annex2")
    assert annex2.source == "plan_rows" and annex2.periodic
    assert annex2.min_row_height_mm == 40 and annex2.default_period == "term"
    assert [f.bind for f in annex2.header_fields] == ["kindergarten_name", "filler", ""]
    assert [c.valign for c in annex2.columns] == ["middle", "top", "top"]
    assert not yiyuan.form("annex1").periodic
    plan = get_programme("gaotai-2020").form("plan")
    assert plan.months == (3, 4, 5, 6, 9, 10, 11, 12) and plan.rows_per_month == 3
    assert plan.calendar_year == "start" and plan.title.startswith("{kindergarten_name}{year}")
    record = yiyuan.form("activity-record")
    assert record.layout == "record" and record.default_period == "month"
    assert [f.kind for f in record.fields if f.kind == "long"] == ["long"] * 4
    assert [c.bind for c in record.columns] == [f.bind for f in record.fields]  # derived
    assert record.images == "attachments" and record.images_per_row == 2


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("templates/annex2.toml", "min_row_height_mm = 40", 'min_row_height_mm = "tall"', "min_row_height_mm 应为 float"),
        ("templates/annex2.toml", "min_row_height_mm = 40", "min_row_height_mm = -1", "min_row_height_mm 应大于"),
        ("templates/annex2.toml", 'default_period = "term"', 'default_period = "week"', "default_period 只能是"),
        ("templates/annex2.toml", 'default_period = "term"', 'calendar_yaer = "start"', "不认识的键 calendar_yaer"),
        ("templates/annex2.toml", 'default_period = "term"', 'calendar_year = "middle"', "calendar_year 只能是"),
        ("templates/annex2.toml", "min_row_height_mm = 40", "months = [3, 4]", "months 只用于数据源 plan_dated"),
        ("templates/annex2.toml", 'valign = "top"', 'valign = "up"', "valign 只能是"),
        ("templates/annex2.toml", 'title = "沂源县', 'title = "{kindergarten_nam}沂源县', "占位符 {kindergarten_nam}"),
        ("templates/annex2.toml", 'title = "沂源县', 'title = "{year:>4}沂源县', "写法不对"),
        ("templates/annex1.toml", 'group_by = "lead_id"', 'default_period = "month"', "只用于按期间打印的表格"),
        ("templates/annex1.toml", 'group_by = "lead_id"', 'images = "photos"', "只用于 layout = \"record\""),
        ("templates/activity-record.toml", 'layout = "record"', 'layout = "grid"', "layout 只能是"),
        ("templates/activity-record.toml", 'kind = "wide"', 'kind = "huge"', "kind 只能是"),
        ("templates/activity-record.toml", 'kind = "wide"', "kind = 2", "kind 应为 str"),
        ("templates/activity-record.toml", 'images = "attachments"', 'images = "title"', "不是数据源 activities 的附件字段"),
        ("templates/activity-record.toml", "images_per_row = 2", "images_per_row = 9", "images_per_row 应为 1–4"),
        ("templates/activity-record.toml", "image_height_mm = 55", "image_height_mm = 0", "image_height_mm 应大于"),
        ("templates/activity-record.toml", 'bind = "plan_text"', 'bind = "attachments"', "附件列表"),
        ("templates/activity-record.toml", 'bind = "plan_text"', 'bind = "plan_txt"', "plan_txt"),
        ("templates/activity-record.toml", "min_height_mm = 18", 'min_height_mm = "18"', "min_height_mm 应为 float"),
        ("templates/activity-record.toml", 'images_label = "活动图片"', 'group_by = "title"', "只用于 layout = \"table\""),
        ("templates/activity-record.toml", 'kind = "wide"', 'kind = "wide"\nwidth = 2', "不认识的键 width"),
    ],
)  # fmt: skip
def test_malformed_new_keys_fail_naming_file_and_key(
    profile_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    target = profile_copy / file
    _edit(target, old, new)
    with pytest.raises(ProfileError) as info:
        load_programme(profile_copy)
    assert message in info.value.message
    assert target.name in info.value.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rows_per_month = 3", "rows_per_month = -3", "rows_per_month 应大于"),
        ("rows_per_month = 3", 'rows_per_month = "3"', "rows_per_month 应为 int"),
        ("months = [3, 4, 5, 6, 9, 10, 11, 12]", "months = [3, 13]", "months 应为 1–12"),
        ("months = [3, 4, 5, 6, 9, 10, 11, 12]", "months = [3, 3]", "months 有重复"),
        ("months = [3, 4, 5, 6, 9, 10, 11, 12]", 'months = "3-6"', "months 应为 list"),
    ],
)
def test_malformed_plan_table_keys(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = tmp_path / "gaotai-2020"
    shutil.copytree(forms_dir() / "gaotai-2020", folder)
    target = folder / "templates" / "plan.toml"
    _edit(target, old, new)
    with pytest.raises(ProfileError) as info:
        load_programme(folder)
    assert message in info.value.message and "plan.toml" in info.value.message
