"""The annex rows: each Yiyuan annex built as PDF inside a running program vs LibreOffice
converting an equivalent .docx, and the whole ``gongtongti print annex1`` command vs an empty
Python process.

"Equivalent": the .docx holds the same title, header line, table cells (as the PDF's grid has
them: ``output.layout.build_grid``) and notes, so LibreOffice lays out the same text.
Both sides are warm: our renderer after one build (fonts registered, modules imported), and
LibreOffice after one conversion (its user profile made).
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import libreoffice
from timing import median_call

from gongtongti_desktop.core.datafile.store import Store

ANNEXES = ("annex1", "annex2", "annex3", "annex4")


@dataclass
class AnnexTiming:
    form_id: str
    label: str
    pdf: float  # seconds, median
    pages_rows: str  # what the form held ("12 行")
    soffice: float | None  # seconds, median; None when LibreOffice is unavailable


def median_process(args: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, env=env, capture_output=True, timeout=120)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _docx_for(store: Store, form_id: str, folder: Path) -> Path:
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.output.layout import build_grid, header_line_text, notes_lines

    data = form_data(store, get_programme(store.programme_id), form_id, today=store.today())
    grid = build_grid(data)
    merged = [
        [
            n > 0
            and grid.merge[c]
            and grid.groups[n] is not None
            and grid.groups[n] == grid.groups[n - 1]
            and row[c] == grid.rows[n - 1][c]
            for c in range(len(row))
        ]
        for n, row in enumerate(grid.rows)
    ]
    return libreoffice.write_docx(
        folder / f"{form_id}.docx",
        data.title,
        header_line_text(data),
        list(grid.headers),
        [list(r) for r in grid.rows],
        list(grid.widths),
        notes_lines(data),
        merged=merged,
        min_height_mm=grid.min_height_mm if grid.kind == "data" else 0.0,
    )


def measure(
    store: Store, folder: Path, repeat: int, lo_repeat: int, soffice: str | None
) -> list[AnnexTiming]:
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.output.pdf import render_pdf

    programme = get_programme(store.programme_id)
    today = store.today()
    profile = folder / "lo-profile"
    out = []
    for form_id in ANNEXES:

        def build(form_id: str = form_id, today: dt.date = today) -> bytes:
            return render_pdf(form_data(store, programme, form_id, today=today))

        build()  # warm: fonts registered, reportlab imported
        data = form_data(store, programme, form_id, today=today)
        lo = None
        if soffice is None:
            pdf = median_call(build, repeat)
        else:
            docx = _docx_for(store, form_id, folder)
            libreoffice.convert_seconds(soffice, docx, profile)  # warm: profile, disk cache
            # In turn — a few builds, one conversion, … — so a change in the machine's load
            # during the row touches both sides alike.
            rounds = max(lo_repeat, 1)
            per_round = -(-repeat // rounds)
            builds: list[float] = []
            conversions: list[float] = []
            for _ in range(rounds):
                builds += [median_call(build, 1) for _ in range(per_round)]
                conversions.append(libreoffice.convert_seconds(soffice, docx, profile))
            pdf, lo = statistics.median(builds), statistics.median(conversions)
        out.append(AnnexTiming(form_id, data.spec.label, pdf, f"{len(data.rows)} 行", lo))
    return out


FLOOR = """
import sqlite3, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
import reportlab.platypus
pdfmetrics.registerFont(TTFont("F", sys.argv[1], subfontIndex=int(sys.argv[2])))
db = sqlite3.connect(sys.argv[3])
db.execute("SELECT count(*) FROM activity").fetchone()
"""


@dataclass
class CommandTiming:
    """The whole ``print annex1`` command beside its floor, each a median over runs made in
    turn (command, floor, command, …) so a change in the machine's load touches both."""

    whole: float  # seconds, median, the font cache filled
    floor: float
    python: float  # ``python -c pass``
    ratios: list[float]  # whole / floor of each pair of neighbouring runs
    spread: tuple[float, float, float, float]  # whole min, max; floor min, max
    first: float  # the same command with an empty font cache (a user's first print)


def print_command(data_file: Path, folder: Path, repeat: int, env: dict[str, str]) -> CommandTiming:
    """The whole ``gongtongti print annex1`` command vs its floor and an empty Python.

    The floor is what any program printing this form must do: a fresh Python that imports
    reportlab, registers the same Chinese font and opens the data file. The command keeps
    the font's metrics in a per-user cache (output/font_cache.py); here that cache is a
    folder of this run, filled by the warm-up run, and the first run with it empty is timed
    on its own."""
    from gongtongti_desktop.output.fonts import find_cjk_font

    font = find_cjk_font()
    command = [
        sys.executable,
        "-m",
        "gongtongti_desktop",
        "print",
        "annex1",
        "--data",
        str(data_file),
        "-o",
        str(folder / "annex1.pdf"),
    ]
    floor = [sys.executable, "-c", FLOOR, str(font.path), str(font.subfont_index), str(data_file)]
    env = {**env, "GONGTONGTI_CACHE": str(folder / "cache")}
    cold = {**env, "GONGTONGTI_CACHE": str(folder / "cache-first")}
    subprocess.run(floor, check=True, env=env, capture_output=True)  # warm the disk cache
    subprocess.run(command, check=True, env=env, capture_output=True)  # and the font cache
    first = median_process(command, 1, cold)
    wholes, floors = [], []
    for _ in range(repeat):
        wholes.append(median_process(command, 1, env))
        floors.append(median_process(floor, 1, env))
    python = median_process([sys.executable, "-c", "pass"], repeat, env)
    return CommandTiming(
        whole=statistics.median(wholes),
        floor=statistics.median(floors),
        python=python,
        ratios=[w / f for w, f in zip(wholes, floors, strict=True)],
        spread=(min(wholes), max(wholes), min(floors), max(floors)),
        first=first,
    )
