"""``gongtongti signed add`` and ``gongtongti signed list``: signed paper filed back and the
state of every printed form, from the command line.

Apart from cli.py (near its size limit); it imports only core, and gets from cli.py how every
command opens its data file (``--data`` checked; a writing command holds the one-writer lock
until main returns).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from gongtongti_desktop.errors import UserError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

if TYPE_CHECKING:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import Programme


class OpenData(Protocol):
    """cli's ``_open``: the data file of ``--data`` and its programme."""

    def __call__(
        self, args: argparse.Namespace, *, writes: bool = False
    ) -> tuple[Store, Programme]: ...


def cmd_signed_add(args: argparse.Namespace, open_data: OpenData) -> int:
    """Read every scan, check them all, then file them — or refuse them all, unchanged."""
    scans = [Path(p) for p in args.scans]
    if args.code and len(scans) != 1:
        raise UserError("--code 只能用于一个扫描件：请每次添加一张，并给出它的表格编号")
    from gongtongti_desktop.core.signed.filing import file_scans, plan_scans

    store, _programme = open_data(args, writes=True)  # the one-writer lock, held until main ends
    with store:
        typed = {scans[0]: args.code} if args.code else {}
        plans = plan_scans(store, scans, typed)
        refused = [plan for plan in plans if plan.problem]
        if refused:
            lines = [plan.outcome() for plan in refused]
            hint = "没有归档任何扫描件，数据文件未改动。"
            if any(plan.needs_code for plan in refused) and not args.code:
                hint += "读不出二维码的，可一张一张地加 --code GT-XXXX-XXXX（纸上“表格编号”后面的编号）。"
            raise UserError("\n".join([*lines, hint]))
        file_scans(store, plans)
    for plan in plans:
        print(plan.outcome())
    filed = sum(1 for plan in plans if plan.ready)
    if filed:
        print(f"已归档 {filed} 份签字件，标记为已签字。")
    else:
        print("没有新的签字件需要归档（都已归档过），数据文件未改动。")
    return EXIT_OK


def cmd_signed_list(args: argparse.Namespace, open_data: OpenData) -> int:
    from gongtongti_desktop.core.signed.received import received_forms
    from gongtongti_desktop.core.signed.status import STATES, signed_forms_status, status_counts

    store, programme = open_data(args)
    with store:
        statuses = signed_forms_status(store, programme)
        received = received_forms(store)
    for status in statuses:
        print(status.line())
        if status.codes:
            print(f"    表格编号：{'、'.join(status.codes)}")
        for change in status.changes:
            print(f"    {change}")
    counts = status_counts(statuses)
    print("合计：" + "，".join(f"{state} {counts[state]}" for state in STATES))
    if received:
        print("导入的上报包中的表格签字情况：")
        for form in received:
            print(f"  {form.line()}")
            for change in form.changes:
                print(f"      {change}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction, data_option: Callable, open_data: OpenData) -> None:
    """Add ``signed add`` and ``signed list`` to the command parser."""
    signed = sub.add_parser(
        "signed", help="签字件：把签字盖章后的表格扫描件归档；列出各表格签字情况"
    )
    actions = signed.add_subparsers(title="操作", metavar="操作", required=True)

    p = actions.add_parser("add", help="添加签字件（手机照片或扫描 PDF），按纸上的二维码归档")
    data_option(p)
    p.add_argument("scans", nargs="+", metavar="SCAN", help="照片（JPG、PNG）或扫描 PDF")
    p.add_argument(
        "--code", default="", metavar="GT-XXXX-XXXX", help="二维码读不出时，手输纸上的表格编号"
    )

    def signed_add(args: argparse.Namespace) -> int:
        return cmd_signed_add(args, open_data)

    signed_add.__name__ = "cmd_signed_add"
    p.set_defaults(func=signed_add)

    p = actions.add_parser(
        "list", help="列出各表格：未打印、已打印未签字、已签字、签字后数据已修改"
    )
    data_option(p)

    def signed_list(args: argparse.Namespace) -> int:
        return cmd_signed_list(args, open_data)

    signed_list.__name__ = "cmd_signed_list"
    p.set_defaults(func=signed_list)
