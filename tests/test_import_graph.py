"""The house's contracts, read from the source: no import cycles (module level or inside
functions; ``TYPE_CHECKING`` blocks aside) and each layer imports only the layers below it.

Why from the source and not at run time: an import inside a function runs only on the path
that needs it, so a cycle hidden there is invisible until a user takes that path."""

from __future__ import annotations

import ast
from pathlib import Path

import gongtongti_desktop

PACKAGE = Path(gongtongti_desktop.__file__).parent
ROOT = "gongtongti_desktop"

# layer → the layers it may import (besides itself); errors.py is shared by all
ALLOWED = {
    "core": {"errors"},
    "output": {"core", "errors"},
    "exchange": {"core", "output", "errors"},
    "ui": {"core", "output", "exchange", "errors", "ui"},
    "cli": {
        "core",
        "output",
        "exchange",
        "ui",
        "errors",
        "cli_i18n",
        "cli_signed",
        "cli_check",
        "cli_window",
    },
    "cli_window": {"core", "ui", "errors"},
    "cli_signed": {"core", "errors"},
    "cli_check": {"core", "errors"},
    "cli_i18n": set(),
    "errors": set(),
    "__main__": {"cli"},
    "__init__": set(),
}
NO_QT = ("core", "output", "exchange")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[str]:
    """Every module named by an import anywhere in the tree, TYPE_CHECKING blocks aside."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append(full if full in MODULES else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {m for m in _imports(ast.parse(path.read_text(encoding="utf-8")))}
        graph[name] = {m for m in targets if m in MODULES and m != name and m != ROOT}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_graph_sees_imports_inside_functions() -> None:
    tree = ast.parse("def f():\n    from gongtongti_desktop.core.records import diary\n")
    assert _imports(tree) == ["gongtongti_desktop.core.records.diary"]
    guarded = ast.parse("if TYPE_CHECKING:\n    from gongtongti_desktop.ui import x\n")
    assert _imports(guarded) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_each_layer_imports_only_what_lies_below_it() -> None:
    wrong = []
    for module, targets in _graph().items():
        layer = _layer(module)
        for target in targets:
            other = _layer(target)
            if other != layer and other not in ALLOWED[layer]:
                wrong.append(f"{module} → {target}")
    assert wrong == []


# Inside core, each room may import only the rooms above it in this list (a room's own
# modules aside): the data file and the profile know nothing of records, records nothing
# of the checks, the checks nothing of the printable forms.
CORE_ROOMS = (
    "errors", "core.paths", "core.timeutil", "core.datafile", "core.profile", "core.photos",
    "core.records",
    "core.checks", "core.forms", "core.signed", "core.upload", "core.demo", "core.roster_import",
)  # fmt: skip


def _core_room(module: str) -> str:
    parts = module.split(".")[1:]
    return ".".join(parts[:2]) if parts[0] == "core" else parts[0]


def test_inside_core_each_room_imports_only_the_rooms_above_it() -> None:
    wrong = []
    for module, targets in _graph().items():
        if _layer(module) != "core" or module.endswith(".core"):
            continue
        room = _core_room(module)
        for target in targets:
            other = _core_room(target)
            if other != room and CORE_ROOMS.index(other) > CORE_ROOMS.index(room):
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_no_qt_named_below_the_ui() -> None:
    wrong = []
    for module, path in MODULES.items():
        if _layer(module) in NO_QT:
            named = _imports(ast.parse(path.read_text(encoding="utf-8")))
            wrong += [
                f"{module} → {m}" for m in named if m.split(".")[0] in {"PySide6", "shiboken6"}
            ]
    assert wrong == []


def test_folders_and_files_stay_small() -> None:
    """A capability per folder: at most 15 modules in one, no source file over 600 lines."""
    too_many = {
        str(folder.relative_to(PACKAGE.parent)): n
        for folder in [PACKAGE, *[p for p in PACKAGE.rglob("*") if p.is_dir()]]
        if (n := len([p for p in folder.glob("*.py") if p.name != "__init__.py"])) > 15
    }
    too_long = {
        str(path.relative_to(PACKAGE.parent)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert too_many == {}
    assert too_long == {}
