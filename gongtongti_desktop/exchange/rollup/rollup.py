"""The 汇总 report: many kindergartens' packages side by side in one workbook.

For a core kindergarten gathering its partners' packages, or a bureau clerk gathering a
county's. Each file is read with every check of ``package_read``; a bad one (damaged,
tampered, hostile, another program's) is listed with its reason and skipped, and the rest are
merged — one bad USB stick must not stop the county's report. When a kindergarten sent more
than one package for the same period, the latest (by its export time) counts and the others
are listed as superseded.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gongtongti_desktop.errors import UserError
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS, Limits
from gongtongti_desktop.exchange.rollup.figures import KindergartenRow
from gongtongti_desktop.exchange.rollup.photos import mark_shared
from gongtongti_desktop.exchange.rollup.pool import figures_all

Progress = Callable[[int, int, str], None]


@dataclass
class MergeReport:
    out: Path
    rows: list[KindergartenRow] = field(default_factory=list)  # ranked, one per kindergarten
    bad: list[tuple[Path, str]] = field(default_factory=list)  # (file, why it was skipped)
    superseded: list[tuple[Path, str]] = field(default_factory=list)  # (file, which replaced it)

    def outcome_lines(self) -> list[str]:
        lines = [f"已生成汇总表 {self.out}：{len(self.rows)} 个幼儿园的数据包"]
        if self.superseded:
            lines.append(f"同一幼儿园同一期间有更新数据包而未计入的旧包 {len(self.superseded)} 个")
        if self.bad:
            lines.append(f"有 {len(self.bad)} 个文件未能汇总：")
            lines += [f"  {path.name}：{why}" for path, why in self.bad]
        return lines


def rollup_packages(
    paths: Sequence[Path],
    out_xlsx: Path,
    *,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> MergeReport:
    """Read every package, keep the latest per kindergarten and period, write the workbook."""
    out = Path(out_xlsx)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"汇总表应以 .xlsx 结尾：{out}")
    report = MergeReport(out)
    files = [Path(p) for p in paths]
    rows: list[KindergartenRow] = []

    def said(n: int, name: str) -> None:
        if progress is not None:
            progress(n, len(files), f"已汇总 {name}")

    with tempfile.TemporaryDirectory(prefix="gongtongti-merge-") as folder:
        for path, row, why in figures_all(files, Path(folder), limits, said):
            if row is None:
                report.bad.append((path, why))
            else:
                rows.append(row)
    report.rows = _latest(rows, report)
    if not report.rows:
        reasons = "\n".join(f"{p.name}：{why}" for p, why in report.bad) or "没有给出数据包"
        raise UserError(f"没有可汇总的数据包，未生成汇总表。\n{reasons}")
    rank(report.rows)
    mark_shared(report.rows)
    from gongtongti_desktop.exchange.rollup.workbook import write_report

    write_report(report)
    return report


def _latest(rows: list[KindergartenRow], report: MergeReport) -> list[KindergartenRow]:
    """One package per (kindergarten, period): the one exported last; the others listed."""
    chosen: dict[tuple[str, str], KindergartenRow] = {}
    for row in rows:
        key = (row.uuid, row.period_key)
        other = chosen.get(key)
        if other is not None and other.path.resolve() == row.path.resolve():
            continue  # the same file given twice
        if other is None or row.created_at > other.created_at:
            chosen[key] = row
            if other is not None:
                report.superseded.append((other.path, row.path.name))
        else:
            report.superseded.append((row.path, other.path.name))
    return list(chosen.values())


def rank(rows: list[KindergartenRow]) -> None:
    """Rank by total score within each programme and period (ties share a rank: 1, 1, 3);
    rows without any score get no rank. Sorted: by period, then rank, then name."""
    groups: dict[tuple[str, str], list[KindergartenRow]] = {}
    for row in rows:
        groups.setdefault((row.programme_id, row.period_key), []).append(row)
    for group in groups.values():
        scored = sorted(
            (r for r in group if r.rank_score is not None),
            key=lambda r: -(r.rank_score or 0.0),
        )
        for n, row in enumerate(scored):
            previous = scored[n - 1] if n else None
            same = previous is not None and previous.rank_score == row.rank_score
            row.rank = previous.rank if same and previous else n + 1
    rows.sort(
        key=lambda r: (
            r.programme_id,
            r.period.start,
            r.period.end,
            r.rank if r.rank is not None else len(rows) + 1,
            r.name,
        )
    )
