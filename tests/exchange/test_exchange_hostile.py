"""Hostile and damaged packages: each refused with a Chinese message naming the problem, the
target data file byte-identical, and nothing written anywhere — no file in the folders, and
no temporary file (creating one would fail the test)."""

from __future__ import annotations

import copy
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.roster_import import workbook_guard
from gongtongti_desktop.exchange.package.format import DEFAULT_LIMITS, Limits, PackageError
from gongtongti_desktop.exchange.package.import_package import import_package
from gongtongti_desktop.exchange.package.workbook_check import check_workbook
from tests.conftest import dump
from tests.exchange._packages import Doc, read_members, repack, write_zip
from tests.exchange.conftest import Exported

Build = Callable[[Path, Path], Path]  # (the real package, where to write) → the hostile one

_ENTITIES = "".join(
    f'<!ENTITY e{n} "{"".join(f"&e{n - 1};" for _ in range(10))}">' for n in range(1, 10)
)
BOMB = (
    '<?xml version="1.0" encoding="{enc}"?>\n<!DOCTYPE worksheet [<!ENTITY e0 "ha">'
    + _ENTITIES
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e9;</t></is></c></row></sheetData>'
    "</worksheet>"
)
SHEET = "xl/worksheets/sheet1.xml"


def _bomb_workbook(content: bytes, encoding: str = "UTF-8") -> bytes:
    """The workbook with its first sheet replaced by a "billion laughs" document."""
    parts = read_members_bytes(content)
    assert SHEET in parts
    parts[SHEET] = BOMB.format(enc=encoding).encode(encoding.lower())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return out.getvalue()


def read_members_bytes(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _add(name: str, content: bytes = b"%PDF-1.4 x") -> Build:
    return lambda src, dest: repack(src, dest, add={name: content})


def _data(change: Callable[[Doc], None]) -> Build:
    return lambda src, dest: repack(src, dest, data=change)


def _manifest(change: Callable[[Doc], None]) -> Build:
    return lambda src, dest: repack(src, dest, manifest=change)


def _raw(content: bytes) -> Build:
    def build(_src: Path, dest: Path) -> Path:
        dest.write_bytes(content)
        return dest

    return build


def _same_size_edit(items: dict[str, bytes]) -> None:
    text = items["data.json"]
    at = text.index(b'"title":"') + 9
    items["data.json"] = text[:at] + (b"X" if text[at : at + 1] != b"X" else b"Y") + text[at + 1 :]


def _duplicate_activity(doc: Doc) -> None:
    doc["records"]["activity"].append(copy.deepcopy(doc["records"]["activity"][0]))


def _bomb_in_workbook(encoding: str) -> Build:
    def build(src: Path, dest: Path) -> Path:
        book = read_members(src)["annexes.xlsx"]
        return repack(src, dest, add={"annexes.xlsx": _bomb_workbook(book, encoding)})

    return build


def _truncated(src: Path, dest: Path) -> Path:
    content = src.read_bytes()
    dest.write_bytes(content[: len(content) // 2])
    return dest


def _not_a_photo(src: Path, dest: Path) -> Path:
    name = next(n for n in read_members(src) if n.startswith("photos/"))
    return repack(src, dest, add={name: b"MZ this is not the photo"})


def _bad_manifest(src: Path, dest: Path) -> Path:
    items = read_members(src)
    items["manifest.json"] = b'{"format": "gongtongti-package",'
    return write_zip(dest, list(items.items()))


def _extra(name: str, content: bytes) -> Build:
    return lambda src, dest: repack(src, dest, extra=[(name, content)])


def _missing(name: str) -> Build:
    return lambda src, dest: repack(src, dest, drop=(name,), rehash=False)


CASES: dict[str, tuple[Build, str, Limits]] = {
    "parent folder": (_add("../x"), "“../x”不允许", DEFAULT_LIMITS),
    "absolute": (_add("/etc/cron.d/x"), "绝对路径", DEFAULT_LIMITS),
    "drive letter": (_add("C:x"), "绝对路径", DEFAULT_LIMITS),
    "windows path": (_add("C:\\x"), "反斜杠", DEFAULT_LIMITS),
    "backslash": (_add("pdf\\annex9.pdf"), "反斜杠", DEFAULT_LIMITS),
    "not our layout": (_add("run.exe"), "不是数据包应有的文件", DEFAULT_LIMITS),
    "hash": (lambda s, d: repack(s, d, tweak=_same_size_edit), "校验值与清单不符", DEFAULT_LIMITS),
    "size": (lambda s, d: repack(s, d, data=lambda doc: None, rehash=False), "大小与清单不符", DEFAULT_LIMITS),
    "not a zip": (_raw("这不是压缩包".encode()), "不是共同体工作台的数据包", DEFAULT_LIMITS),
    "empty file": (_raw(b""), "不是共同体工作台的数据包", DEFAULT_LIMITS),
    "truncated": (_truncated, "不是共同体工作台的数据包", DEFAULT_LIMITS),
    "data not json": (_add("data.json", b"{not json"), "data.json 不是有效的 JSON", DEFAULT_LIMITS),
    "data not utf-8": (_add("data.json", "{}".encode("utf-16")), "不是 UTF-8", DEFAULT_LIMITS),
    "duplicate keys": (_add("data.json", b'{"format": 1, "format": 2}'), "重复的键", DEFAULT_LIMITS),
    "NaN": (_add("data.json", b'{"x": NaN}'), "不允许的数值", DEFAULT_LIMITS),
    "deep nesting": (_add("data.json", b"[" * 100_000), "不是有效的 JSON", DEFAULT_LIMITS),
    "manifest not json": (_bad_manifest, "manifest.json 不是有效的 JSON", DEFAULT_LIMITS),
    "manifest listed twice": (_extra("manifest.json", b"{}"), "重复出现", DEFAULT_LIMITS),
    "newer package format": (_manifest(lambda m: m.update(format_version=2)), "请升级本程序", DEFAULT_LIMITS),
    "newer data format": (_data(lambda d: d.update(version=2)), "请升级本程序", DEFAULT_LIMITS),
    "another format": (_manifest(lambda m: m.update(format="zip")), "不是共同体工作台的数据包", DEFAULT_LIMITS),
    "duplicate uuid": (_data(_duplicate_activity), "重复的编号", DEFAULT_LIMITS),
    "over the member limit": (lambda s, d: repack(s, d), "超过", Limits(max_member_bytes=50_000)),
    "too many members": (lambda s, d: repack(s, d), "个文件，超过", Limits(max_members=5)),
    "over the package limit": (lambda s, d: repack(s, d), "上限", Limits(max_package_bytes=10_000)),
    "zip bomb": (_add("pdf/bomb.pdf", b"\0" * 3_000_000), "压缩比异常", DEFAULT_LIMITS),
    "zip bomb, small limits": (_add("pdf/bomb.pdf", b"\0" * 30_000), "压缩比异常", Limits(ratio_floor=10_000, max_ratio=50)),
    "xml entity bomb": (_bomb_in_workbook("UTF-8"), "XML 实体/DTD", DEFAULT_LIMITS),
    "xml entity bomb in utf-16": (_bomb_in_workbook("UTF-16"), "XML 实体/DTD", DEFAULT_LIMITS),
    "not in the manifest": (_extra("pdf/extra.pdf", b"%PDF"), "不在清单中", DEFAULT_LIMITS),
    "missing member": (_missing("pdf/annex1.pdf"), "缺少清单中列出的文件", DEFAULT_LIMITS),
    "duplicate entry": (lambda s, d: repack(s, d, extra=[("data.json", b"{}")]), "重复出现", DEFAULT_LIMITS),
    "duplicate ignoring case": (_add("pdf/ANNEX1.pdf"), "重复出现", DEFAULT_LIMITS),
    "manifest lists ../x": (_manifest(lambda m: m["members"].update({"../x": m["members"]["data.json"]})), "清单中的文件名", DEFAULT_LIMITS),
    "manifest without data": (_manifest(lambda m: m["members"].pop("data.json")), "没有列出 data.json", DEFAULT_LIMITS),
    "data of another kindergarten": (_data(lambda d: d["kindergarten"].update(name="别的园")), "不一致", DEFAULT_LIMITS),
    "unknown column": (_data(lambda d: d["records"]["activity"][0].update(evil=1)), "不认识的字段", DEFAULT_LIMITS),
    "from a newer program": (lambda s, d: repack(s, d, data=lambda doc: doc["records"]["activity"][0].update(evil=1), manifest=lambda m: m.update(schema_version=99)), "请升级本程序", DEFAULT_LIMITS),
    "photo not the attachment": (_not_a_photo, "可能已损坏或被冒充", DEFAULT_LIMITS),
}  # fmt: skip


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


@pytest.fixture
def no_temp_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a package must not need a temporary file: making one fails the test."""

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a temporary file was made while reading a package")

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(tempfile, name, refused)


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_packages_are_refused_untouched(
    exported: Exported, tmp_path: Path, case: str, request: pytest.FixtureRequest
) -> None:
    build, message, limits = CASES[case]
    hostile = build(exported.package, tmp_path / "hostile.gtt")
    target = tmp_path / "target.gtdb"
    programme = get_programme("yiyuan-2022")
    with Store.create(target, kindergarten="目标园", programme_id=programme.id) as store:
        records.save_record(store, programme, "kindergarten", {"name": "本园"})
    before, files, package_bytes = dump(target), _listing(tmp_path), hostile.read_bytes()
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    request.getfixturevalue("no_temp_files")
    with Store.open(target) as store, pytest.raises(PackageError) as caught:
        import_package(store, hostile, limits=limits)
    assert message in caught.value.message, caught.value.message
    assert "Traceback" not in caught.value.message
    assert dump(target) == before
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    assert _listing(tmp_path) == files
    assert hostile.read_bytes() == package_bytes


def test_the_real_package_passes_the_same_checks(exported: Exported, tmp_path: Path) -> None:
    """The control: the unmodified package is accepted, so each refusal above is the change."""
    copy_of = repack(exported.package, tmp_path / "same.gtt")
    with Store.create(tmp_path / "t.gtdb", kindergarten="", programme_id="yiyuan-2022") as store:
        result = import_package(store, copy_of)
    assert result.applied and result.inserted == sum(exported.result.counts.values())


def test_a_package_of_another_programme_is_refused(exported: Exported, tmp_path: Path) -> None:
    target = tmp_path / "gaotai.gtdb"
    Store.create(target, kindergarten="高台园", programme_id="gaotai-2020").close()
    before = dump(target)
    with Store.open(target) as store, pytest.raises(PackageError, match="方案"):
        import_package(store, exported.package)
    assert dump(target) == before


def test_defusedxml_is_the_second_fence(
    exported: Exported, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the byte scan for DTDs switched off, openpyxl (through defusedxml) still refuses."""
    book = _bomb_workbook(read_members(exported.package)["annexes.xlsx"])
    assert "XML 实体/DTD" in check_workbook(book, DEFAULT_LIMITS)
    monkeypatch.setattr(workbook_guard, "DTD_MARKS", ())
    assert "被禁止的 XML 内容" in check_workbook(book, DEFAULT_LIMITS)


def test_the_merge_report_skips_hostile_packages(exported: Exported, tmp_path: Path) -> None:
    """The 汇总 report does not open the workbook, yet still refuses an XML bomb in it (and
    any other case above), listing the file and merging the rest."""
    from gongtongti_desktop.exchange.rollup.rollup import merge_packages

    bomb = _bomb_in_workbook("UTF-8")(exported.package, tmp_path / "bomb.gtt")
    escape = _add("../x")(exported.package, tmp_path / "escape.gtt")
    report = merge_packages([bomb, exported.package, escape], tmp_path / "s.xlsx")
    assert [r.path for r in report.rows] == [exported.package]
    reasons = dict(report.bad)
    assert "XML 实体/DTD" in reasons[bomb] and "不允许" in reasons[escape]
