"""The 概览 says where the programme stands: its current stage, or that it has ended."""

from __future__ import annotations

import datetime as dt

import pytest
from test_overview_tab import make_tab, set_today

pytestmark = pytest.mark.gui


def test_overview_names_the_stage_and_the_end(qtbot, demo_store, programme) -> None:
    set_today(demo_store, dt.date(2024, 3, 1))
    tab = make_tab(qtbot, demo_store, programme)
    assert "当前阶段：两年资源开放共分享" in tab.subtitle.text()
    set_today(demo_store, dt.date(2025, 4, 10))
    tab.refresh()
    assert "本方案已于2024年12月31日结束" in tab.subtitle.text()
