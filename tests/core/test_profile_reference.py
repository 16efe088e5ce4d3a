"""docs/profiles.md, the reference for profile authors, kept true by the loader itself.

Why a test: the reference is the only thing a county clerk reads before writing a profile, and
the loader is strict (an undocumented key a clerk cannot guess is as bad as a wrong one). So the
keys are not listed here by hand: every ``TomlTable`` the loader makes records, when it is
``done()``, the keys it asked for — optional ones too, present or not — while every profile in
``forms/`` and the reference's own example load. Each (file, table, key) must then have a row in
the table of its section in the reference, and each row must be a key the loader reads. A
cross-check on the loader's source catches a key read only on a path no profile takes.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongtongti_desktop.core.paths import forms_dir
from gongtongti_desktop.core.profile import programme as programme_module
from gongtongti_desktop.core.profile.programme import get_programme, load_programme
from gongtongti_desktop.core.profile.toml_table import ProfileError, TomlTable

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "profiles.md"
LOADER = ROOT / "gongtongti_desktop" / "core" / "profile"
EXAMPLE_ROOT = ROOT / "tests" / "fixtures" / "example-profile"
EXAMPLE = EXAMPLE_ROOT / "shili-2026"

Section = str  # "programme.toml", "programme.toml [roles]", "templates/*.toml [[columns]]", …


def section_of(where: str, folder: Path) -> Section:
    """The reference's name for the table a ``TomlTable.where`` describes.

    ``where`` is the file's path, then ``[roles]`` for a sub-table of programme.toml or
    ``columns[3]`` for an item of an array of tables (nested: ``columns[1] foo[2]``).
    """
    prefix = str(folder) + "/"
    assert where.startswith(prefix), where
    file, _, rest = where[len(prefix) :].partition(".toml")
    parts = file.split("/")
    name = f"{parts[0]}/*.toml" if len(parts) > 1 else f"{file}.toml"
    rest = rest.strip()
    if not rest:
        return name
    if rest.startswith("["):
        return f"{name} {rest}"
    arrays = [re.sub(r"\[\d+\]$", "", part) for part in rest.split()]
    return f"{name} [[{'.'.join(arrays)}]]"


def profile_folders() -> list[Path]:
    """Every folder of ``forms/`` (not only those with a programme.toml: a stray folder is a
    profile that fails to load) and the reference's example."""
    shipped = sorted(p for p in forms_dir().iterdir() if p.is_dir())
    return [*shipped, EXAMPLE]


@pytest.fixture(scope="module")
def loader_keys() -> dict[Section, set[str]]:
    """Every key the loader asks for, by section, while loading every profile."""
    seen: dict[Section, set[str]] = {}
    folder = Path()
    real_done = TomlTable.done

    def recording_done(self: TomlTable) -> None:
        seen.setdefault(section_of(self.where, folder), set()).update(self.used)
        real_done(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(TomlTable, "done", recording_done)
        for folder in profile_folders():  # read by recording_done
            load_programme(folder)
    return seen


def doc_keys() -> dict[Section, set[str]]:
    """The keys in the tables of the reference, by section: a heading such as
    ``### `programme.toml` `[roles]` — 角色`` names the section (backticks dropped, the part
    before " — "); each table row under it whose first cell is a `key` documents that key.
    Only sections named after a file count: the tables of bind names are a vocabulary."""
    out: dict[Section, set[str]] = {}
    section = ""
    in_code = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        if line.startswith("#"):
            section = line.lstrip("#").replace("`", "").split(" — ")[0].strip()
            continue
        row = re.match(r"\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|", line)
        if row and re.search(r"\.toml( |$)", section):  # not the bind names' tables
            out.setdefault(section, set()).add(row.group(1))
    return out


def literal_keys_in_loader() -> set[str]:
    """Keys named as literals in the loader's source: ``t.get("key", …)``, ``t.strings``,
    ``t.tables``, ``_choice(t, "key", …)``, ``_positive(t, "key", …)``, ``t.used.add("key")``."""
    keys = set()
    for path in LOADER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func, args = node.func, node.args
            position = None
            if isinstance(func, ast.Attribute) and func.attr in ("get", "strings", "tables", "add"):
                receiver = func.value
                if func.attr == "add" and not (
                    isinstance(receiver, ast.Attribute) and receiver.attr == "used"
                ):
                    continue
                if isinstance(receiver, ast.Attribute) and receiver.attr == "environ":
                    continue
                position = 0
            elif isinstance(func, ast.Name) and func.id in ("_choice", "_positive"):
                position = 1
            if position is not None and len(args) > position:
                arg = args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.add(arg.value)
    return keys


# -- the reference describes every key --------------------------------------------------------


def test_every_key_the_loader_reads_is_in_the_reference(
    loader_keys: dict[Section, set[str]],
) -> None:
    documented = doc_keys()
    missing = {
        section: sorted(keys - documented.get(section, set()))
        for section, keys in loader_keys.items()
        if keys - documented.get(section, set())
    }
    assert not missing, f"keys the loader reads but docs/profiles.md does not describe: {missing}"


def test_the_reference_describes_no_key_the_loader_refuses(
    loader_keys: dict[Section, set[str]],
) -> None:
    stale = {
        section: sorted(keys - loader_keys.get(section, set()))
        for section, keys in doc_keys().items()
        if keys - loader_keys.get(section, set())
    }
    assert not stale, f"docs/profiles.md describes keys the loader does not read: {stale}"


def test_every_key_named_in_the_loader_was_read_while_loading(
    loader_keys: dict[Section, set[str]],
) -> None:
    """A key read only on a path that neither a shipped profile nor the example takes would
    escape the two tests above: the example must then use it."""
    read = set().union(*loader_keys.values())
    named = literal_keys_in_loader()
    assert len(named) > 50, "the loader's key names were not found: update this scan"
    assert named <= read, f"add these to the example profile: {sorted(named - read)}"


def test_the_sections_cover_every_file_and_table(loader_keys: dict[Section, set[str]]) -> None:
    assert {
        "programme.toml",
        "programme.toml [roles]",
        "programme.toml [vocab]",
        "programme.toml [calendar]",
        "rules.toml",
        "rules.toml [[rules]]",
        "templates/*.toml",
        "templates/*.toml [[columns]]",
        "templates/*.toml [[fields]]",
        "templates/*.toml [[header_fields]]",
        "indexes/*.toml",
        "indexes/*.toml [[groups]]",
        "indexes/*.toml [[subgroups]]",
        "indexes/*.toml [[items]]",
    } <= set(loader_keys)


def test_section_names() -> None:
    folder = Path("/x/forms/a")
    assert section_of("/x/forms/a/programme.toml", folder) == "programme.toml"
    assert section_of("/x/forms/a/programme.toml [roles]", folder) == "programme.toml [roles]"
    assert section_of("/x/forms/a/rules.toml rules[12]", folder) == "rules.toml [[rules]]"
    assert (
        section_of("/x/forms/a/templates/annex1.toml columns[1] cells[2]", folder)
        == "templates/*.toml [[columns.cells]]"
    )


def test_every_bind_name_and_source_is_in_the_reference() -> None:
    """What a template may bind to is a vocabulary, not keys: each source and each field must
    still be findable by a clerk."""
    from gongtongti_desktop.core.profile.form_sources import HEADER_FIELDS, SOURCE_FIELDS

    text = DOC.read_text(encoding="utf-8")
    for source, fields in SOURCE_FIELDS.items():
        assert f"`{source}`" in text, source
        block = text.split(f"#### `{source}`", 1)
        assert len(block) == 2, f"no #### `{source}` heading"
        body = block[1].split("\n#", 1)[0]
        missing = sorted(f for f in fields if f"`{f}`" not in body)
        assert not missing, f"{source}: {missing}"
    assert all(f"`{name}`" in text for name in HEADER_FIELDS)


# -- every profile loads, and so does the example, which is the reference's own text ----------


@pytest.mark.parametrize("folder", profile_folders(), ids=lambda p: p.name)
def test_every_profile_folder_loads(folder: Path) -> None:
    programme = load_programme(folder)
    assert programme.id == folder.name and programme.forms


def example_blocks() -> Iterator[tuple[str, str]]:
    """(path, text) of each ```toml block of the reference whose first line is ``# <path>``."""
    text = DOC.read_text(encoding="utf-8")
    for block in re.findall(r"```toml\n(.*?)```", text, re.S):
        first = block.split("\n", 1)[0]
        if first.startswith(f"# {EXAMPLE.name}/"):
            yield first[2:].split()[0], block


def test_the_example_in_the_reference_is_the_fixture_file_for_file() -> None:
    blocks = dict(example_blocks())
    on_disk = {
        str(p.relative_to(EXAMPLE_ROOT)): p.read_text(encoding="utf-8")
        for p in sorted(EXAMPLE.rglob("*.toml"))
    }
    assert set(blocks) == set(on_disk)
    for path, text in on_disk.items():
        assert blocks[path] == text, path


def test_the_example_is_complete_and_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGTONGTI_FORMS", str(EXAMPLE_ROOT))
    programme = get_programme("shili-2026", EXAMPLE_ROOT)
    assert programme.rules and programme.indexes
    assert {spec.layout for spec in programme.forms} == {"table", "record"}
    index = programme.index("assessment")
    assert (index.base_points, index.bonus_points) == (10, 2)
    assert index.discrepancies() == ["基础项合计 10 分，加分项（A2）2 分，满分合计 12 分"]


def test_the_example_makes_a_demo_file_and_prints_every_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the last step of "Adding a county" asks the clerk to try, done once here."""
    from gongtongti_desktop.core.checks import rules
    from gongtongti_desktop.core.demo.builder import create_demo
    from gongtongti_desktop.core.forms.form_data import form_data
    from gongtongti_desktop.core.profile.periods import parse_term

    monkeypatch.setenv("GONGTONGTI_FORMS", str(EXAMPLE_ROOT))
    store = create_demo(tmp_path / "demo.gtdb", "shili-2026")
    try:
        programme = get_programme("shili-2026")
        term = parse_term(programme.calendar, "2024-autumn")
        for spec in programme.forms:
            data = form_data(store, programme, spec.id, term)
            assert data.rows, spec.id
        counted = [rules.evaluate(store, programme.calendar, r, term) for r in programme.rules]
        assert all(results for results in counted)
    finally:
        store.close()


# -- an unknown key is refused in Chinese, naming the file and the key -------------------------


@pytest.mark.parametrize(
    ("file", "after"),
    [
        ("programme.toml", ""),
        ("programme.toml", "[roles]\n"),
        ("programme.toml", "[vocab]\n"),
        ("programme.toml", "[calendar]\n"),
        ("rules.toml", ""),
        ("rules.toml", "[[rules]]\n"),
        ("templates/roster.toml", ""),
        ("templates/roster.toml", "[[columns]]\n"),
        ("templates/roster.toml", "[[header_fields]]\n"),
        ("templates/activity-record.toml", "[[fields]]\n"),
        ("indexes/assessment.toml", ""),
        ("indexes/assessment.toml", "[[groups]]\n"),
        ("indexes/assessment.toml", "[[subgroups]]\n"),
        ("indexes/assessment.toml", "[[items]]\n"),
    ],
)
def test_an_unknown_key_is_refused_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, after: str
) -> None:
    root = tmp_path / "forms"
    shutil.copytree(EXAMPLE, root / EXAMPLE.name)
    target = root / EXAMPLE.name / file
    text = target.read_text(encoding="utf-8")
    if after:
        assert after in text, f"{file} has no {after!r}"
        text = text.replace(after, f'{after}colour = "红"\n', 1)
    else:
        text = f'colour = "红"\n{text}'
    target.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GONGTONGTI_FORMS", str(root))
    with pytest.raises(ProfileError) as info:
        get_programme(EXAMPLE.name)
    message = info.value.message
    assert str(target) in message and "不认识的键 colour" in message
    if after:
        assert after.strip("[]\n") in message  # "roles" / "columns[1]": which table


def test_the_reference_names_every_allowed_value() -> None:
    """Choices the loader checks against a list (a rule's ``counts``, a template's ``layout``…)
    are spelled out in the reference: a new choice must be described too."""
    from gongtongti_desktop.core.profile import indexes, rule_specs

    text = DOC.read_text(encoding="utf-8")
    lists = {
        "programme.LAYOUTS": programme_module.LAYOUTS,
        "programme.PERIOD_KINDS": programme_module.PERIOD_KINDS,
        "programme.FIELD_KINDS": programme_module.FIELD_KINDS,
        "rule_specs.COUNTS": rule_specs.COUNTS,
        "rule_specs.PERS": rule_specs.PERS,
        "rule_specs.ROLES": rule_specs.ROLES,
        "rule_specs.ACTIVITY_FIELDS": rule_specs.ACTIVITY_FIELDS,
        "indexes.INDEX_KINDS": indexes.INDEX_KINDS,
        "indexes.SCORED_PERIODS": indexes.SCORED_PERIODS,
    }
    for name, values in lists.items():
        missing = [v for v in values if v and f"`{v}`" not in text]
        assert not missing, f"{name}: {missing}"
