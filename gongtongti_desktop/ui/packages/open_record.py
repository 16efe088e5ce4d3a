"""Opening the record a 上报前检查 line names: the tab that shows it, with it selected.

Kept apart from the dialog so any list of ``OpenItem`` (signed forms and photo flags too) opens
records the same way, through the tabs' own selection methods — the
diary's ``show_activity`` (filters cleared when needed), the plan's period and ``select_item``,
the roster section's ``select``, the stage report's period picker.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.upload.before_export import OpenItem
from gongtongti_desktop.errors import UserError

DIARY_KINDS = ("month", "term", "school_year")

if TYPE_CHECKING:
    from gongtongti_desktop.ui.shell.main_window import MainWindow


def open_record(window: MainWindow, item: OpenItem) -> bool:
    """Show the record of ``item``; True when it is selected in its tab (False: the tab is
    shown but the record is not there any more, or the item names no record)."""
    kind = item.record_type
    if kind == "activity":
        window.show_activity(item.record_id)
        return window.diary_tab.selected_id() == item.record_id
    if kind == "plan_item":
        return _plan_item(window, item.record_id)
    if kind == "pairing":
        window.tabs.setCurrentWidget(window.roster_page)
        roster = window.roster_tab
        section = roster.sections["pairing"]
        roster.tabs.setCurrentWidget(section)
        return section.select(item.record_id)
    if kind == "stage_summary":
        return _stage_report(window, item.period)
    if kind == "rule":
        return _rule(window, item)
    if kind == "signed_form":  # a form to sign back, or changed since: 签字件情况 lists it
        window.daily.show_signed_status()
        return True
    window.tabs.setCurrentWidget(window.overview)
    return False


def _plan_item(window: MainWindow, item_id: str) -> bool:
    rows = window.store.query("SELECT month FROM plan_item WHERE id = ?", [item_id])
    window.tabs.setCurrentWidget(window.plan_page)
    tab = window.plan_tab
    if not rows:
        return False
    year, month = (int(x) for x in rows[0]["month"].split("-"))
    tab.picker.set_anchor(dt.date(year, month, 1))
    return tab.select_item(item_id)


def _stage_report(window: MainWindow, key: str) -> bool:
    window.tabs.setCurrentWidget(window.stage_report_page)
    tab = window.stage_report_tab
    try:
        period = periods.period_from_key(window.programme.calendar, key)
        tab.picker.set_period(period.kind, period.start)
    except (UserError, ValueError, KeyError):  # a calendar year: no such picker kind
        return False
    return tab.key() == key


def _rule(window: MainWindow, item: OpenItem) -> bool:
    """A rule's miss opens where its records are made: the plan of that month, the stage
    report of that period, else the diary (activities) — or 概览 for a roster rule."""
    rule = next((r for r in window.programme.rules if r.id == item.record_id), None)
    if rule is None or not item.period:
        window.tabs.setCurrentWidget(window.overview)
        return False
    if rule.counts == "summaries":
        return _stage_report(window, item.period)
    period = periods.period_from_key(window.programme.calendar, item.period)
    if rule.counts == "plan_items":
        window.tabs.setCurrentWidget(window.plan_page)
        window.plan_tab.picker.set_anchor(period.start)
        return window.plan_tab.select_row(periods.period_key(period))
    window.tabs.setCurrentWidget(window.diary_page)
    if period.kind in DIARY_KINDS:  # the diary shows the activities of that period
        window.diary_tab.picker.set_period(period.kind, period.start)
    return True
