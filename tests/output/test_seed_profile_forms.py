"""Every form of the 盘锦, 东莞 and 青铜峡 profiles prints from their demo: a PDF whose text has the
form's title and, where the profile's layout is the program's own, says so on the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _output_forms import pdf_pages

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.builder import create_demo
from gongtongti_desktop.core.forms.form_data import form_data
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.output.pdf import render_pdf

PROFILES = ("panjin-2024", "dongguan-group", "qingtongxia-group")


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    stores = {p: create_demo(tmp_path_factory.mktemp(p) / "d.gtdb", p) for p in PROFILES}
    yield stores
    for store in stores.values():
        store.close()


def _text(store: Store, form_id: str) -> str:
    data = form_data(store, get_programme(store.programme_id), form_id)
    return "".join(pdf_pages(render_pdf(data))).replace(" ", "").replace("\n", "")


@pytest.mark.parametrize(
    ("programme_id", "form_id"),
    [(p, f.id) for p in PROFILES for f in get_programme(p).forms],
)
def test_every_form_prints_with_its_title(
    demos: dict[str, Store], programme_id: str, form_id: str
) -> None:
    spec = get_programme(programme_id).form(form_id)
    text = _text(demos[programme_id], form_id)
    title = spec.title.split("}")[-1]  # "{kindergarten_name}{year}年度…": the fixed tail
    assert title.replace(" ", "") in text


def test_panjin_agreement_prints_one_page_per_pairing_with_the_public_welfare_clause(
    demos: dict[str, Store],
) -> None:
    store = demos["panjin-2024"]
    data = form_data(store, get_programme("panjin-2024"), "agreement")
    pages = pdf_pages(render_pdf(data))
    pairings = store.conn.execute("SELECT COUNT(*) FROM pairing WHERE deleted_at IS NULL")
    assert len(pages) == pairings.fetchone()[0] > 1
    first = pages[0].replace(" ", "").replace("\n", "")
    assert "不得收取“品牌费”" in first and "帮扶挂钩费" in first
    assert "主管教育局确认" in first and "备案日期" in first


def test_panjin_monthly_report_says_its_layout_is_the_programs(demos: dict[str, Store]) -> None:
    text = _text(demos["panjin-2024"], "monthly-report")
    assert "本表式样由本程序" in text and "不是市教育局下发的式样" in text


def test_panjin_agreement_leaves_room_for_what_is_written_by_hand(
    demos: dict[str, Store],
) -> None:
    text = _text(demos["panjin-2024"], "agreement")
    for label in ("帮扶目标", "帮扶内容：提高管理水平", "帮扶内容：培育乡村特色幼儿园", "具体措施",
                  "时间安排", "双方权利和义务", "帮扶园类别/星级"):  # fmt: skip
        assert label in text


def test_panjin_reports_name_their_rows_as_the_notice_does(demos: dict[str, Store]) -> None:
    annual = _text(demos["panjin-2024"], "annual-summary")
    assert "进展情况、取得的成效" in annual and "下一步工作计划" in annual
    assert "亮点工作" not in annual
    monthly = _text(demos["panjin-2024"], "monthly-summary")
    assert "五项帮扶任务进展" in monthly and "下月工作打算" in monthly
