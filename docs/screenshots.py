"""Pictures of the real window for 使用说明 and the README, taken offscreen from invented 示例
data (nothing here is a mock-up: each is ``QWidget.grab()`` of the program's own widgets).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots.py

writes ``resources/manual/*.png`` (the manual's pictures) and ``docs/screenshot-*.png`` for
the ones the README shows; the small-screen picture is taken in a second process on a
1024×600 screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANUAL = ROOT / "resources" / "manual"
DOCS = ROOT / "docs"
WIDTH = 1100  # pictures are scaled to this width at most (the manual's page)


def _save(widget, name: str, *, docs: str | None = None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    pixmap = widget.grab()
    if pixmap.width() > WIDTH:
        pixmap = pixmap.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    pixmap.save(str(MANUAL / f"{name}.png"))
    if docs:
        pixmap.save(str(DOCS / f"screenshot-{docs}.png"))
    print("saved", name)


def _photos(folder: Path) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    out = []
    for n, (color, text) in enumerate(
        [("#7fb3d5", "集体备课"), ("#82e0aa", "区角观摩"), ("#f5b7b1", "评课研讨")], start=1
    ):
        image = QImage(480, 320, QImage.Format.Format_RGB32)
        image.fill(QColor(color))
        painter = QPainter(image)
        font = QFont()
        font.setPointSize(36)
        painter.setFont(font)
        painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, f"示例照片{n}\n{text}")
        painter.end()
        path = folder / f"IMG_2025011{n}.jpg"
        image.save(str(path))
        out.append(path)
    return out


def main_shots(data: Path, tmp: Path) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("gongtongti-screenshots")
    from gongtongti_desktop.ui.shell.app import install_translations

    install_translations(app)
    from gongtongti_desktop.ui.shell.first_run import FirstRunDialog
    from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file

    store, programme = open_data_file(data)
    window = MainWindow(store, programme)
    window.showNormal()
    window.resize(1280, 760)
    window.overview.ensure_checks()
    window.overview.ensure_chart()
    app.sendPostedEvents(None, 52)  # DeferredDelete: the "正在统计…" placeholder goes
    _save(window, "01-overview", docs="overview")
    for index, name in ((1, "02-roster"), (2, "03-plans"), (3, "04-diary"), (4, "06-scoring"),
                        (5, "07-summary")):  # fmt: skip
        window.tabs.setCurrentIndex(index)
        if name == "06-scoring":
            window.scoring_tab.select("C8")  # an item with a suggestion and its reasoning
        _save(window, name)
    window.tabs.setCurrentIndex(0)
    first = FirstRunDialog(tmp / "new.gtdb", window)
    first.name_edit.setText("东岭镇中心幼儿园")
    first.show()
    _save(first, "00-first-run")
    first.close()
    quick = window.daily.quick_record()
    kinds = quick.kind
    if kinds.list is not None:
        kinds.list.setCurrentRow(1)
    quick.title.setText("大班科学区材料投放联合教研")
    if quick.partner.list is None and quick.partner.buttons:
        next(iter(quick.partner.buttons.values())).setChecked(True)
    quick.add_photos(_photos(tmp))
    quick.resize(760, 600)
    _save(quick, "05-quick-record", docs="quick-record")
    quick.done(0)
    reminders = window.daily.show_reminders()
    _save(reminders, "08-reminders")
    reminders.done(0)
    before = window.daily.show_before_export()  # 检查 → 上报前检查…
    before.resize(800, 500)
    _save(before, "11-before-export")
    before.done(0)
    manual = window.daily.show_manual()
    manual.resize(1100, 720)
    manual.search.setText("照片")
    _save(manual, "09-manual", docs="manual")
    window.close()


def _page_photos(pdf: bytes, folder: Path, stem: str) -> list[Path]:
    """Each page of ``pdf`` as a phone would photograph it: drawn by QtPdf at ~150 dpi, turned
    3° and saved as a JPEG (no camera here; the code on it is the real one)."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    out = []
    for n in range(document.pageCount()):
        png = folder / f"{stem}-{n + 1}.png"
        document.render(n, QSize(1240, 1754)).save(str(png))
        photo = folder / f"签字后拍照-{stem}-第{n + 1}页.jpg"
        page = Image.open(png).convert("RGBA")  # QtPdf leaves the paper transparent
        paper = Image.new("RGBA", page.size, "white")
        paper.alpha_composite(page)
        paper.convert("RGB").rotate(3, expand=True, fillcolor="white").save(photo)
        out.append(photo)
    document.close()
    return out


def signed_shots(data: Path, tmp: Path) -> None:
    """A signed 附件1 and 附件4 filed back (附件1's data changed since), a scan being added."""
    from PIL import Image
    from PySide6.QtWidgets import QApplication

    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.records import roster
    from gongtongti_desktop.core.signed import filing
    from gongtongti_desktop.core.signed.printed import print_mark, record_print
    from gongtongti_desktop.output.pdf import render_pdf
    from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file
    from gongtongti_desktop.ui.signed.add_dialog import SignedScansDialog
    from gongtongti_desktop.ui.signed.status_dialog import SignedStatusDialog

    app = QApplication.instance() or QApplication(sys.argv)
    from gongtongti_desktop.ui.shell.app import install_translations

    install_translations(app)
    store, programme = open_data_file(data)
    window = MainWindow(store, programme)
    photos = {}
    for form in ("annex1", "annex4"):
        printed = form_data(store, programme, form, today=store.today())
        mark = print_mark(store, printed)
        pdf = render_pdf(printed, mark)
        record_print(store, mark)
        photos[form] = _page_photos(pdf, tmp, form)
    filing.file_scans(store, filing.plan_scans(store, [photos["annex1"][0], photos["annex4"][0]]))
    person = roster.list_people(store)[0]
    values = {**roster.get_record(store, "person", person["id"]), "phone": "13905331234"}
    roster.save_record(store, programme, "person", values, person["id"])
    blurred = tmp / "IMG_0412.jpg"
    Image.new("RGB", (900, 1200), (200, 196, 190)).save(blurred)
    adding = SignedScansDialog(store, [photos["annex4"][1], blurred], window)
    adding.resize(980, 300)
    adding.show()
    _save(adding, "11-signed-add")
    adding.done(0)
    filing.file_scans(store, filing.plan_scans(store, [photos["annex4"][1]]))  # as 归档 does
    status = SignedStatusDialog(store, programme, window)
    status.resize(1060, 460)
    status.show()
    _save(status, "12-signed-status", docs="signed")
    status.done(0)
    window.close()


def _textured(seed: int, shift: int = 0):  # type: ignore[no-untyped-def]
    """A photo-like picture (blurred discs on noise drawn from a seed): flat drawings would all
    hash alike, real photos do not."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("RGB", (1200, 900), (128, 128, 128))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(1200), rng.randrange(900)
        grey = rng.randrange(90, 170)
        draw.rectangle([x, y, x + 30, y + 30], fill=(grey, grey, grey))
    for _ in range(25):
        x, y, r = rng.randrange(1200) + shift, rng.randrange(900), rng.randrange(40, 250)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randrange(256) for _ in "rgb"))
    return image.filter(ImageFilter.GaussianBlur(2))


def photo_flags_shot(tmp: Path) -> None:
    """The diary with photo flags (照片核对): a photo reused a month later, one taken long
    before its activity and answered, one without a capture time."""
    import datetime as dt

    from PIL import Image

    from gongtongti_desktop.core.checks import photo_flags
    from gongtongti_desktop.core.datafile.store import Store
    from gongtongti_desktop.core.profile.programme import get_programme
    from gongtongti_desktop.core.records import attachments, diary, roster
    from gongtongti_desktop.core.records import engine as records
    from gongtongti_desktop.ui.diary.tab import DiaryTab

    programme = get_programme("yiyuan-2022")
    store = Store.create(tmp / "照片.gtdb", kindergarten="城关幼儿园", programme_id=programme.id)
    host = roster.save_record(store, programme, "kindergarten", {"name": "城关幼儿园"})
    partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭学区"})
    assert diary.ACTIVITY

    def activity(day: str, kind: str, title: str) -> str:
        values = {"day": day, "kind": kind, "title": title, "mode": "线下", "host_id": host,
                  "receiver_ids": [partner], "headcount": "24",
                  "record": "教师围绕材料投放开展研讨，幼儿分组操作验证沉与浮。"}  # fmt: skip
        return records.save_record(store, programme, "activity", values)

    def photo(name: str, picture, taken: str = "") -> Path:  # type: ignore[no-untyped-def]
        exif = Image.Exif()
        if taken:
            exif.get_ifd(0x8769)[0x9003] = taken.replace("-", ":") + " 09:30:00"
        path = tmp / name
        picture.save(path, "JPEG", quality=88, exif=exif)
        return path

    base = _textured(4)
    first = activity("2024-10-15", "送教下乡", "送教下乡：大班科学《沉与浮》")
    attachments.add_attachment(store, first, photo("IMG_1015.jpg", base, "2024-10-15"), "活动现场")
    reused = activity("2024-11-20", "送教下乡", "送教下乡：中班语言《小猫钓鱼》")
    attachments.add_attachment(store, reused, photo("IMG_1120.jpg", base.resize((900, 675)), "2024-10-15"), "集体合影")  # fmt: skip
    attachments.add_attachment(store, reused, photo("IMG_1121.jpg", _textured(8), "2024-11-20"), "分组活动")  # fmt: skip
    other = activity("2024-11-25", "线下教研", "线下教研：区域活动观摩")
    attachments.add_attachment(store, other, photo("IMG_1125.jpg", _textured(9), "2024-11-25"))
    wechat = activity("2024-12-03", "网络研修", "网络研修：绘本教学")
    attachments.add_attachment(store, wechat, photo("微信图片.jpg", _textured(10)))
    late = activity("2024-12-10", "跟岗研修", "跟岗研修：一日活动组织")
    old = attachments.add_attachment(store, late, photo("IMG_0901.jpg", _textured(11), "2024-09-01"), "跟岗现场")  # fmt: skip
    photo_flags.answer_flag(store, programme, old, "相机日期未设置，照片实为当天拍摄")
    tab = DiaryTab(store, programme, today=lambda: dt.date(2024, 12, 20))
    tab.resize(1180, 640)
    tab.show()
    tab.select(reused)
    _save(tab, "04b-photo-flags", docs="photo-flags")
    tab.close()
    store.close()


def small_screen(data: Path, tmp: Path) -> None:
    """The window on a 1024×600 laptop: opened maximised, nothing off the screen."""
    config = tmp / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "S", "x": 0, "y": 0, "width": 1024, "height": 600,
                                 "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}),
        encoding="utf-8",
    )  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               XDG_CONFIG_HOME=str(tmp / "config"))  # fmt: skip
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication(sys.argv);"
        "from gongtongti_desktop.ui.shell.app import install_translations;"
        "install_translations(app);"
        "from gongtongti_desktop.ui.shell.main_window import MainWindow, open_data_file;"
        f"s, p = open_data_file(r'{data}'); w = MainWindow(s, p); w.show();"
        "w.overview.ensure_checks(); app.processEvents(); app.sendPostedEvents(None, 52);"
        f"w.grab().save(r'{DOCS / 'screenshot-small-screen.png'}');"
        f"w.grab().save(r'{MANUAL / '10-small-screen.png'}'); w.close()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    print("saved small screen")


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    MANUAL.mkdir(parents=True, exist_ok=True)
    from gongtongti_desktop.core.demo.builder import create_demo

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        data = tmp / "示例.gtdb"
        create_demo(data).close()
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
        small_screen(data, tmp)
        main_shots(data, tmp)
        signed_shots(data, tmp)
        photo_flags_shot(tmp)


if __name__ == "__main__":
    main()
