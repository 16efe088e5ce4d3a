"""The ``gongtongti`` command: the window, and every operation scripts rely on.

The command-line contract (docs/cli.md) is kept stable: exit 0 ok, 1 the data has problems
(``check``), 2 bad usage or bad input with a Chinese message on stderr and nothing written.
Each command is a thin call into the same core functions the window uses, imported by the
commands that need them: Qt, reportlab and openpyxl load only where used. The window's own
command lines are read in ``cli_window``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gongtongti_desktop import __version__, cli_i18n
from gongtongti_desktop.cli_window import cmd_window, opened_file, window_command
from gongtongti_desktop.core.paths import DEFAULT_PROGRAMME, available_programmes
from gongtongti_desktop.errors import UserError

if TYPE_CHECKING:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile import periods
    from gongtongti_desktop.core.profile.programme import Programme

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


def _out(text: str = "") -> None:
    print(text)


def _warn(text: str) -> None:
    print(f"注意：{text}", file=sys.stderr)


def _open(args: argparse.Namespace, *, writes: bool = False) -> tuple[Store, Programme]:
    """The data file of ``--data``. ``writes``: the command changes it, so it must not be open
    in a window (one writer at a time)."""
    if not args.data:
        raise UserError("请用 --data 指定数据文件，例如：gongtongti check --data 我的园.gtdb")
    if writes:  # held until main() returns: one writer at a time, the window included
        _hold(args, Path(args.data))
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme

    store = Store.open(Path(args.data))
    try:
        return store, get_programme(store.programme_id)
    except BaseException:
        store.close()
        raise


def _hold(args: argparse.Namespace, path: Path) -> None:
    """Take the data file's one-writer lock for this command (released by main)."""
    from gongtongti_desktop.core.datafile import lock

    name = args.func.__name__.removeprefix("cmd_")
    lock.acquire(path, f"命令 gongtongti {name}")
    _held.append(path)


_held: list[Path] = []


def _period(args: argparse.Namespace, programme: Programme) -> periods.Period | None:
    from gongtongti_desktop.core.profile import periods

    if getattr(args, "month", None):
        return periods.parse_month(args.month)
    if getattr(args, "term", None):
        return periods.parse_term(programme.calendar, args.term)
    if getattr(args, "year", None):
        return periods.parse_school_year(programme.calendar, args.year)
    return None


# -- commands --------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme

    programme = get_programme(args.programme)
    named = args.kindergarten is not None
    name = args.kindergarten.strip() if named else "未命名幼儿园"
    if not name:
        raise UserError("幼儿园名称不能为空")
    _hold(args, Path(args.path))  # two inits of one path: the second finds it made
    from gongtongti_desktop.core.records import home

    with Store.create(Path(args.path), kindergarten=name, programme_id=programme.id) as store:
        if named:  # 本园 in the roster from the start (a placeholder name is not a kindergarten)
            home.ensure_home(store, programme)
    _out(f"已新建数据文件 {args.path}（方案：{programme.name}，幼儿园：{name}）")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.profile.programme import get_programme

    programme = get_programme(args.programme)
    _hold(args, Path(args.path))
    store = create_demo(Path(args.path), programme.id)
    with store:
        from gongtongti_desktop.core.records import roster

        pairings = len(roster.list_pairings(store))
        kindergartens = len(roster.list_kindergartens(store, programme))
    _out(
        f"已写入示例数据文件 {args.path}（方案：{programme.name}；"
        f"{kindergartens} 所幼儿园，{pairings} 个结对；全部为虚构的示例数据）"
    )
    return EXIT_OK


def cmd_forms(args: argparse.Namespace) -> int:
    if args.data:
        store, programme = _open(args)
        store.close()
    else:
        from gongtongti_desktop.core.profile.programme import get_programme

        programme = get_programme(args.programme or DEFAULT_PROGRAMME)
    _out(f"方案：{programme.name}（{programme.id}）")
    for spec in programme.forms:
        line = f"  {spec.id:<16}{spec.display_name}"
        if spec.index:
            line += "（可加 --month / --term / --year；--blank 打印空白表）"
        elif spec.periodic:
            line += "（可加 --month / --term / --year）"
        if spec.description:
            line += f" —— {spec.description}"
        _out(line)
    return EXIT_OK


def cmd_print(args: argparse.Namespace) -> int:
    out = Path(args.output)
    kind = out.suffix.lower()
    if kind not in (".pdf", ".docx"):
        raise UserError(f"输出文件应以 .pdf（PDF）或 .docx（Word，可在 WPS 中编辑）结尾：{out}")
    store, programme = _open(args, writes=True)  # each print is recorded under its codes
    with store:
        period = _period(args, programme)
        from gongtongti_desktop.core.forms.form_data import form_data
        from gongtongti_desktop.core.signed.printed import print_mark, record_print

        data = form_data(store, programme, args.form, period, blank=args.blank, today=store.today())
        mark = print_mark(store, data)
        unprintable = ""
        if kind == ".docx":
            from gongtongti_desktop.output.word import write_docx

            write_docx(data, out, mark)
        else:
            from gongtongti_desktop.output.fonts import register_cjk_font
            from gongtongti_desktop.output.glyphs import font_set, unprintable_message
            from gongtongti_desktop.output.pdf import write_pdf

            write_pdf(data, out, mark)
            unprintable = unprintable_message(data, font_set(register_cjk_font()))
        codes = record_print(store, mark)
    for warning in data.warnings:
        _warn(warning)
    if unprintable:
        _warn(unprintable)
    covered = f"，{data.period.label}" if data.period else ""
    blank = "，空白表" if data.blank else ""
    _out(f"已生成 {out}（{data.display_name}{covered}{blank}，{len(data.rows)} 行）")
    pages = f"共 {len(codes)} 页：" if len(codes) > 1 else ""
    _out(f"表格编号（签字后扫描或拍照，用 gongtongti signed add 归档）：{pages}{'、'.join(codes)}")
    return EXIT_OK


def _progress(done: int, total: int, text: str) -> None:
    """Progress of long commands on stderr (stdout stays the result)."""
    if sys.stderr.isatty():
        print(f"\r[{done}/{total}] {text}\033[K", end="" if done < total else "\n", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    if bool(args.output) == bool(args.xlsx):
        raise UserError("请指定一种输出：-o 上报包.gtt 或 --xlsx 表格.xlsx")
    if args.output:
        return _export_package(args)
    out = Path(args.xlsx)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件应以 .xlsx 结尾：{out}")
    store, programme = _open(args, writes=True)  # remembers the export in the file
    with store:
        period = _period(args, programme)
        from gongtongti_desktop.core.forms.form_data import note_export, workbook_datas
        from gongtongti_desktop.output.xlsx import write_workbook

        datas = workbook_datas(store, programme, period)
        write_workbook(datas, out)
        note_export(store, out.resolve())
    _out(f"已导出 {out}（{len(datas)} 个工作表：{'、'.join(d.display_name for d in datas)}）")
    return EXIT_OK


def _export_package(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".gtt":
        raise UserError(f"上报数据包应以 .gtt 结尾：{out}")
    store, programme = _open(args, writes=True)  # marks the records it carries as reported
    with store:
        from gongtongti_desktop.core.profile import periods
        from gongtongti_desktop.exchange.package.write import write_package

        period = _period(args, programme) or periods.term_of(programme.calendar, store.today())

        result = write_package(
            store, programme, period, out, photos=args.photos, progress=_progress
        )
    for line in result.outcome_lines():
        _out(line)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    if not args.data:  # say first what is missing, before looking at the file
        raise UserError(
            f"请用 --data 指定要导入到哪个数据文件，例如：gongtongti import --data 我的园.gtdb {args.file}"
        )
    source = Path(args.file)
    if source.is_dir():
        raise UserError(f"“{source}”是文件夹，不是文件。请给出要导入的 .xlsx 或 .gtt 文件。")
    if not source.is_file():
        raise UserError(f"要导入的文件不存在：{source}")
    if source.suffix.lower() == ".gtt":
        return _import_package(args, source)
    if source.suffix.lower() != ".xlsx":
        raise UserError(f"只能导入结对名单工作簿（.xlsx）或上报数据包（.gtt）：{source}")
    store, programme = _open(args, writes=True)
    with store:
        from gongtongti_desktop.core.roster_import.apply import apply_import
        from gongtongti_desktop.core.roster_import.plan import plan_import
        from gongtongti_desktop.core.roster_import.table import read_roster_xlsx

        parsed = read_roster_xlsx(source, programme)
        plan = plan_import(store, programme, parsed)
        if plan.is_empty:
            _out(f"{source} 中的名单与现有数据一致，未做任何改动。")
            return EXIT_OK
        backup = store.backup(reason="before-import")
        applied = apply_import(store, programme, plan)
    _out(f"已导入 {source}（导入前已备份到 {backup}）：")
    for line in applied.outcome_lines():
        _out(f"  {line}")
    return EXIT_OK


def _import_package(args: argparse.Namespace, source: Path) -> int:
    store, _programme = _open(args, writes=True)
    with store:
        from gongtongti_desktop.exchange.package.import_package import import_package

        result = import_package(store, source, progress=_progress)
    if not result.applied:
        for line in result.lines:
            _out(line)
        return EXIT_OK
    _out(f"已导入 {source}（导入前已备份到 {result.backup}）：")
    for line in result.lines[1:]:
        _out(f"  {line}")
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    from gongtongti_desktop.exchange.rollup.rollup import rollup_packages

    paths = [Path(p) for p in args.files]  # a missing file or a folder is listed, not fatal
    report = rollup_packages(paths, Path(args.output), progress=_progress)
    for line in report.outcome_lines():
        _out(line)
    if not report.rows:
        raise UserError("没有可汇总的数据包，未生成汇总表。")
    return EXIT_PROBLEMS if report.bad else EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from gongtongti_desktop.core.datafile import backups

    if not args.data:
        raise UserError("请用 --data 指定要恢复的数据文件")
    data = Path(args.data)
    if args.list or not args.backup:
        found = backups.list_backups(data)
        if not found:
            _out(f"{backups.backup_folder(data)} 中没有 {data.name} 的备份。")
            return EXIT_OK
        _out(f"{data.name} 的备份（新的在前）：")
        for info in found:
            try:
                content = backups.describe_counts(backups.check_backup(info.path))
            except UserError as exc:
                content = f"不可用：{exc.message}"
            _out(
                f"  {info.made_at:%Y-%m-%d %H:%M:%S}  {info.reason_text:<8}  {content}  {info.path}"
            )
        if not args.list:
            _out("用 gongtongti restore --data 数据文件 备份文件 恢复其中一份。")
        return EXIT_OK
    backup = Path(args.backup)
    if not backup.is_file():
        raise UserError(f"备份文件不存在：{backup}")
    kept = backups.restore(data, backup)
    _out(f"已用 {backup} 恢复 {data}。恢复前的数据保存在：{kept}")
    return EXIT_OK


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2025-01-15") from None


def cmd_check(args: argparse.Namespace) -> int:
    day = _day(args.date) if args.date else None  # refused before the file is opened
    if args.before_export:
        return _before_export(args, day)
    if args.month or args.term or args.year:
        raise UserError("--month、--term、--year 只与 --before-export 一起使用")
    store, programme = _open(args)
    with store:
        from gongtongti_desktop.core.checks import check_report, content, roster_rules
        from gongtongti_desktop.core.records import attachments, roster

        problems = store.integrity_problems()
        problems += content.content_problems(store, programme)
        problems += roster.roster_problems(store, programme)
        problems += roster_rules.problems(store, programme, day)
        problems += attachments.missing_files(store)
        pairings = len(roster.list_pairings(store))
        version = store.schema_version
        report = check_report.rules_report(store, programme, day)
        from gongtongti_desktop.core.checks.daily import empty_roster_hint

        first = empty_roster_hint(store)
        from gongtongti_desktop.cli_check import photo_check_lines

        photo_lines = photo_check_lines(Path(args.data), store, programme, _held)
    _out(f"数据文件：{args.data}（方案：{programme.name}，数据版本 {version}）")
    _out(f"结对：{pairings} 个")
    if first and not problems:
        _out(first)  # not "未发现问题" on an empty roster: what to do first
    elif not problems:
        _out("数据检查通过：未发现问题。")
    else:
        _out(f"发现 {len(problems)} 个问题：")
        for problem in problems:
            _out(f"  - {problem}")
    _out()
    for line in report.lines:
        _out(line)
    for line in photo_lines:
        _out(line)
    return EXIT_PROBLEMS if problems or report.failures else EXIT_OK


def _before_export(args: argparse.Namespace, day: dt.date | None) -> int:
    """上报前检查 (core.upload.before_export): a list, not a verdict — exit 0 when printed."""
    store, programme = _open(args)
    with store:
        from gongtongti_desktop.cli_check import before_export_lines

        lines = before_export_lines(store, programme, _period(args, programme), day)
    for line in lines:
        _out(line)
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    store, _programme = _open(args, writes=True)  # backups/ and its rotation: one writer
    with store:
        dest = Path(args.output) if args.output else None
        if dest is not None and dest.exists():
            raise UserError(f"{dest} 已存在，为防止覆盖，未做备份。")
        written = store.backup(reason="manual", dest=dest)
    _out(f"已备份到 {written}")
    return EXIT_OK


# -- parser ----------------------------------------------------------------------------------


def _data_option(
    parser: argparse.ArgumentParser,
    help: str = "数据文件（命令必须指定；不带命令打开窗口时可省略）",
) -> None:
    # Accepted before or after the command name; SUPPRESS keeps a later absence from
    # overwriting an earlier --data.
    parser.add_argument("--data", metavar="PATH", default=argparse.SUPPRESS, help=help)


def _period_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--month", metavar="YYYY-MM", help="月份，例如 2024-10")
    group.add_argument("--term", metavar="YYYY-autumn|YYYY-spring", help="学期，例如 2024-autumn")
    group.add_argument(
        "--year", metavar="YYYY", help="学年（开始的年份），例如 2024 即 2024—2025 学年"
    )


def build_parser() -> argparse.ArgumentParser:
    cli_i18n.install()
    parser = argparse.ArgumentParser(
        prog="gongtongti",
        description="共同体工作台：幼儿园城乡教育共同体（结对帮扶）工作台。不带命令时打开窗口。",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"共同体工作台 {__version__}",
        help="显示版本号并退出",
    )
    parser.add_argument(
        "--data",
        metavar="PATH",
        default=None,
        help="窗口打开的数据文件（省略时为用户数据目录中的数据文件）；各命令须指定",
    )
    parser.set_defaults(func=cmd_window)
    sub = parser.add_subparsers(title="命令", metavar="命令")
    programmes = "、".join(available_programmes())

    p = sub.add_parser("init", help="新建空白数据文件")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--programme", default=DEFAULT_PROGRAMME, help=f"方案（{programmes}）")
    p.add_argument("--kindergarten", default=None, help="本园名称（写入结对名单，作为本园）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="写入一个填满示例数据的数据文件")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--programme", default=DEFAULT_PROGRAMME, help=f"方案（{programmes}）")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("forms", help="列出当前方案可打印的表格")
    _data_option(p, "数据文件（省略时列出 --programme 或默认方案的表格）")
    p.add_argument("--programme", default=None, help="不指定数据文件时列出此方案的表格")
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("print", help="把表格生成为 PDF 或 Word（.docx）")
    p.add_argument("form", metavar="FORM", help="表格编号，见 forms 命令")
    _data_option(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.pdf|OUT.docx")
    _period_options(p)
    p.add_argument(
        "--blank", action="store_true", help="考核评估指标、检查表：打印不带分数的空白表（手填）"
    )
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("export", help="导出上报数据包（.gtt）或表格工作簿（.xlsx）")
    _data_option(p)
    p.add_argument(
        "-o", "--output", metavar="OUT.gtt",
        help="上报数据包：记录、表格工作簿和 PDF，打包时的记录标记为已上报（默认本学期）",
    )  # fmt: skip
    p.add_argument("--xlsx", metavar="OUT.xlsx", help="只导出表格工作簿")
    p.add_argument("--photos", action="store_true", help="上报数据包中附带照片（压缩后）")
    _period_options(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import", help="导入结对名单（.xlsx）或上报数据包（.gtt），全部成功或全部不导入"
    )
    _data_option(p)
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "merge", help="把多个幼儿园的上报数据包汇总成一个工作簿；有文件未能汇总时退出码为 1"
    )
    p.add_argument("-o", "--output", required=True, metavar="SUMMARY.xlsx")
    p.add_argument("files", metavar="FILE.gtt", nargs="+")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser(
        "check",
        help="检查数据文件完整性、结对名单和各项工作要求（本期、上期）；有问题或已截止的要求未达成时退出码为 1",
    )
    _data_option(p)
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="按这一天检查工作要求（默认今天；示例数据文件用其设定的日期）",
    )
    p.add_argument(
        "--before-export", action="store_true",
        help="上报前检查：列出导出上报包前仍未处理的项目（默认本学期）；"
        "这是一份清单而非拒绝，列出即退出码 0，数据文件或参数有误时为 2",
    )  # fmt: skip
    _period_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help="备份数据文件（SQLite 备份接口）")
    _data_option(p)
    p.add_argument(
        "-o", "--output", metavar="DEST", help="备份到此文件（默认：数据文件旁的 backups/）"
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="列出备份，或用一份备份恢复数据文件（先备份当前文件）")
    _data_option(p)
    p.add_argument("backup", metavar="BACKUP", nargs="?", help="要恢复的备份文件；不给则列出备份")
    p.add_argument("--list", action="store_true", help="只列出备份")
    p.set_defaults(func=cmd_restore)

    from gongtongti_desktop import cli_signed

    cli_signed.register(sub, _data_option, _open)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # a packaged .exe: the 汇总's worker processes start here
        import multiprocessing

        multiprocessing.freeze_support()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = window_command(argv) or opened_file(argv) or build_parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"错误：无法读写文件：{exc.filename or ''} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if _held:  # a command that only reads never loads the lock module
            from gongtongti_desktop.core.datafile import lock

            while _held:
                lock.release(_held.pop())


if __name__ == "__main__":
    raise SystemExit(main())
