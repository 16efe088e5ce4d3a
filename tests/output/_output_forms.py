"""Helpers shared by the output tests: an annex1-shaped spec, made-up rosters, PDF text."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from gongtongti_desktop.core.profile.programme import Column, FormSpec

ANNEX1_COLUMNS = (
    Column("核心幼儿园", "lead_name", 1.3, True, "center"),
    Column("责任人", "lead_person", 0.8, True, "center"),
    Column("联系方式", "lead_phone", 1.1, True, "center"),
    Column("受援学区", "partner_name", 1.3, False, "center"),
    Column("责任人", "partner_person", 0.8, False, "center"),
    Column("联系方式", "partner_phone", 1.1, False, "center"),
)


def make_spec(**changes: Any) -> FormSpec:
    """An annex1-shaped form spec; keyword arguments replace fields."""
    fields: dict[str, Any] = {
        "id": "test",
        "label": "附件1",
        "title": "测试县幼儿园城乡教育共同体结对名单",
        "source": "pairings",
        "columns": ANNEX1_COLUMNS,
        "group_by": "lead_id",
    }
    fields.update(changes)
    return FormSpec(**fields)


def roster_rows(groups: int, per_group: int, first: int = 0) -> list[dict[str, str]]:
    """``groups`` core kindergartens (numbered from ``first``) with ``per_group`` partners each.

    Every phone number is unique, so a test can count where each one is printed.
    """
    rows = []
    for g in range(first, first + groups):
        for k in range(per_group):
            rows.append(
                {
                    "lead_id": f"L{g}",
                    "lead_name": f"第{g + 1}核心园",
                    "lead_person": f"甲{g + 1}",
                    "lead_phone": f"1391{g:07d}",
                    "partner_name": f"第{g + 1}组受援{k + 1}",
                    "partner_person": f"乙{g + 1}-{k + 1}",
                    "partner_phone": f"1582{g:04d}{k:03d}",
                }
            )
    return rows


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def pdf_text_y(content: bytes, page: int = 0) -> dict[str, float]:
    """The baseline height (points from the page bottom) of each string drawn on a page."""
    found: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = text.strip()
        if text and text not in found:
            found[text] = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]

    PdfReader(io.BytesIO(content)).pages[page].extract_text(visitor_text=visit)
    return found


def pdf_images(content: bytes) -> list[list[tuple[int, int]]]:
    """Per page, (width, height) in pixels of every image XObject it uses."""
    out = []
    for page in PdfReader(io.BytesIO(content)).pages:
        sizes = []
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        for ref in xobjects.get_object().values() if xobjects else []:
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                sizes.append((int(obj["/Width"]), int(obj["/Height"])))
        out.append(sizes)
    return out
