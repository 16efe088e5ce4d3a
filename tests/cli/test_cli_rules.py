"""The command line for issue 4: ``print annex3/annex4 [--blank]`` and ``check`` with the rules
of the current and last periods (exit 0 all met, 1 a closed period missed a rule, 2 a bad file
or date, the data file untouched), ``export`` remembering itself."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from gongtongti_desktop.cli import main
from gongtongti_desktop.core.checks import rules, stage_report_draft
from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import get_programme
from gongtongti_desktop.core.records import engine as records
from gongtongti_desktop.core.records import roster, stage_reports
from tests.conftest import dump, sha256


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _pdf_text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


# -- print ----------------------------------------------------------------------------------------


def test_print_annex3_for_a_term(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    with Store.open(demo_path) as store:
        summary = stage_reports.get_summary(store, "2024-autumn")
    assert summary and summary["highlights"]
    out_pdf = tmp_path / "a3.pdf"
    code, out, err = run(
        capsys,
        "print",
        "annex3",
        "--term",
        "2024-autumn",
        "--data",
        str(demo_path),
        "-o",
        str(out_pdf),
    )
    assert code == 0, err
    assert "2024年秋季学期" in out and "3 行" in out
    text = _pdf_text(out_pdf)
    assert "沂源县幼儿园城乡教育共同体阶段工作总结上报表" in text
    for name, _ in stage_reports.SECTIONS:
        assert re.sub(r"\s+", "", summary[name]) in text


def test_print_annex3_warns_about_an_unedited_draft(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    with Store.open(demo_path) as store:
        programme = get_programme(store.programme_id)
        term = periods.parse_term(programme.calendar, "2023-autumn")
        draft = stage_report_draft.draft_from_records(store, programme, term, store.today())
        stage_reports.save_summary(store, "2023-autumn", draft.as_values(), draft=True)
    out_pdf = tmp_path / "draft.pdf"
    code, _, err = run(
        capsys,
        "print",
        "annex3",
        "--term",
        "2023-autumn",
        "--data",
        str(demo_path),
        "-o",
        str(out_pdf),
    )
    assert code == 0 and out_pdf.is_file()
    assert "阶段总结仍是系统起草的原文，尚未修改" in err


@pytest.mark.parametrize("blank", [False, True])
def test_print_annex4_for_a_year(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path, blank: bool
) -> None:
    out_pdf = tmp_path / "a4.pdf"
    extra = ["--blank"] if blank else []
    code, out, err = run(
        capsys,
        "print",
        "annex4",
        "--year",
        "2024",
        *extra,
        "--data",
        str(demo_path),
        "-o",
        str(out_pdf),
    )
    assert code == 0, err
    assert "2024—2025学年" in out and ("空白表" in out) is blank
    text = _pdf_text(out_pdf)
    for item in get_programme("yiyuan-2022").index("annex4").items:
        assert re.sub(r"\s+", "", item.label) in text, item.code
    assert ("※" in text) is (not blank)  # the demo accepted some suggestions


@pytest.mark.parametrize("form", ["annex1", "annex2", "annex3"])
def test_blank_on_a_form_without_scores_is_refused(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path, form: str
) -> None:
    out_pdf = tmp_path / "x.pdf"
    code, _, err = run(
        capsys, "print", form, "--blank", "--data", str(demo_path), "-o", str(out_pdf)
    )
    assert code == 2 and "空白" in err and "Traceback" not in err
    assert not out_pdf.exists()


def test_forms_lists_the_new_forms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    for form in ("annex3", "annex4", "rules-report"):
        assert form in lines
    assert "--blank" in lines["annex4"] and "--blank" not in lines["annex3"]


def test_export_writes_the_new_sheets_and_remembers_itself(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    import openpyxl

    out = tmp_path / "all.xlsx"
    code, _, err = run(capsys, "export", "--data", str(demo_path), "--xlsx", str(out))
    assert code == 0, err
    names = openpyxl.load_workbook(out).sheetnames
    programme = get_programme("yiyuan-2022")
    assert len(names) == len(programme.forms)
    assert any(n.startswith("附件3") for n in names) and any(n.startswith("附件4") for n in names)
    with Store.open(demo_path) as store:
        assert Path(store.setting("last_export_path")) == out.resolve()
        at = dt.datetime.fromisoformat(store.setting("last_export_at"))
    assert abs((dt.datetime.now().astimezone() - at).total_seconds()) < 120


# -- check ----------------------------------------------------------------------------------------


def test_check_on_the_demo_reports_its_closed_misses(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    with Store.open(demo_path) as store:
        programme = get_programme(store.programme_id)
        today = store.today()
        pairs = rules.current_and_last(store, programme.calendar, programme.rules, today)
    failures = rules.closed_failures(pairs)
    before = dump(demo_path)
    code, out, _ = run(capsys, "check", "--data", str(demo_path))
    assert code == (1 if failures else 0)
    assert f"{today.year}年{today.month}月{today.day}日" in out and "示例数据文件" in out
    for rule in programme.rules:
        assert rule.label in out
    for now, last in pairs:
        assert now.period.label in out and last.period.label in out
    for failure in failures:
        assert f"{failure.rule.label}：{failure.period.label}" in out
    assert dump(demo_path) == before


@pytest.fixture
def one_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A profile (沂源's calendar and vocabulary) with one rule: ≥ 1 网络研修 per term."""
    root = tmp_path / "forms"
    folder = root / "check-test"
    (folder / "templates").mkdir(parents=True)
    text = (forms_dir() / "yiyuan-2022" / "programme.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["id"] == "yiyuan-2022"
    text = text.replace('id = "yiyuan-2022"', 'id = "check-test"', 1)
    (folder / "programme.toml").write_text(text, encoding="utf-8")
    (folder / "rules.toml").write_text(
        '[[rules]]\nid = "online"\nlabel = "网络研修"\nper = "term"\nkinds = ["网络研修"]\n'
        'min = 1\nsource = "测试"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GONGTONGTI_FORMS", str(root))
    return "check-test"


def _crafted(path: Path, programme_id: str, days: list[str]) -> list[str]:
    """A data file with one pairing and a 网络研修 on each day; returns the activity ids."""
    store = Store.create(path, kindergarten="城关实验幼儿园", programme_id=programme_id)
    try:
        programme = get_programme(programme_id)
        lead = roster.save_record(store, programme, "kindergarten", {"name": "城关实验幼儿园"})
        partner = roster.save_record(store, programme, "kindergarten", {"name": "东岭镇学区"})
        people = [
            roster.save_record(
                store,
                programme,
                "person",
                {"name": name, "post": "园长", "kindergarten_id": kg, "phone": phone},
            )
            for kg, name, phone in ((lead, "王芳", "13905330001"), (partner, "李静", "13905330002"))
        ]
        roster.save_record(
            store,
            programme,
            "pairing",
            {
                "lead_id": lead,
                "partner_id": partner,
                "partner_role": programme.roles.partners[0],
                "lead_person_id": people[0],
                "partner_person_id": people[1],
            },
        )
        ids = []
        for day in days:
            values = {"day": day, "kind": "网络研修", "title": "城乡同步教研", "host_id": lead}
            ids.append(
                records.save_record(store, programme, "activity", {**values, "mode": "线上"})
            )
        return ids
    finally:
        store.close()


def test_check_exit_codes_follow_closed_periods(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, one_rule: str
) -> None:
    path = tmp_path / "c.gtdb"
    # 2025-03-10: the spring term 2025 is open, the autumn term 2024 closed on 2025-01-31
    ids = _crafted(path, one_rule, ["2024-10-08"])
    code, out, err = run(capsys, "check", "--data", str(path), "--date", "2025-03-10")
    assert code == 0, out + err
    assert "数据检查通过" in out and "已截止的期间均达到要求" in out
    assert "进行中" in out  # this term: nothing yet, not late

    with Store.open(path) as store:
        roster.delete_record(store, "activity", ids[0])
    code, out, _ = run(capsys, "check", "--data", str(path), "--date", "2025-03-10")
    assert code == 1
    assert "已截止而未达成的要求：1 项" in out and "网络研修：2024年秋季学期 0 次" in out

    # the same file a term earlier: that term is still open; the one before ended before the
    # file's first record, so it is not judged (未记录), not a failure
    code, out, _ = run(capsys, "check", "--data", str(path), "--date", "2024-10-08")
    assert code == 0 and "2024年春季学期" in out and "未记录" in out


def test_check_all_met_in_both_periods(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, one_rule: str
) -> None:
    path = tmp_path / "c.gtdb"
    _crafted(path, one_rule, ["2024-10-08", "2025-03-05"])
    code, out, _ = run(capsys, "check", "--data", str(path), "--date", "2025-03-10")
    assert code == 0
    assert out.count("已达成") == 2


@pytest.mark.parametrize("date", ["2025-13-01", "2025/1/15", "明天", ""])
def test_check_bad_date_is_refused_and_file_untouched(
    capsys: pytest.CaptureFixture[str], demo_path: Path, date: str
) -> None:
    before = sha256(demo_path)
    code, out, err = run(capsys, "check", "--data", str(demo_path), "--date", date or " ")
    assert code == 2 and "日期" in err and "Traceback" not in err and out == ""
    assert sha256(demo_path) == before


def test_check_missing_or_broken_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", "--data", str(tmp_path / "none.gtdb"))
    assert code == 2 and "不存在" in err
    assert list(tmp_path.iterdir()) == []
    broken = tmp_path / "broken.gtdb"
    broken.write_bytes(b"not a database")
    before = sha256(broken)
    code, _, err = run(capsys, "check", "--data", str(broken), "--date", "2025-01-15")
    assert code == 2 and "Traceback" not in err
    assert sha256(broken) == before
