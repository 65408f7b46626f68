"""The house's guard rail: every import runs down the floors of CONVENTIONS.md, and no two modules
import each other.

It reads the imports of every module that is neither a test nor a migration (any import, at the
top of a module or inside a function, since both tie the modules together), and fails with the
files that break the rule.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The floors, from the ground up: an app may import its own floor's helpers and any floor below.
FLOORS = {"core": 0, "accounts": 0, "clients": 1, "tasks": 2, "training": 2, "godview": 3}
# `core` and `accounts` share the ground floor, but only one way: core may know the User.
MAY_NOT_IMPORT = {"accounts": {"core"}, "tasks": {"training"}, "training": {"tasks"}}
MAX_LINES = 800


def modules() -> list[Path]:
    """Every non-test, non-migration Python module of the apps."""
    found = []
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            found.append(path)
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path) -> set[str]:
    """Dotted names a module imports, relative imports resolved; `from a import b` counts as both
    `a` and `a.b` (b may be a module)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def project_imports() -> dict[str, set[str]]:
    """Module → the project modules it imports (by the names that exist as files)."""
    paths = {module_name(path): path for path in modules()}
    graph = {}
    for name, path in paths.items():
        graph[name] = {other for other in imported_names(path) if other in paths and other != name}
    return graph


def app_of(module: str) -> str:
    return module.split(".")[0]


def file_of(module: str) -> str:
    path = ROOT / Path(*module.split("."))
    return str((path / "__init__.py" if path.is_dir() else path.with_suffix(".py")).relative_to(ROOT))


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    broken = []
    for module, imported in sorted(graph.items()):
        here = app_of(module)
        for other in sorted(imported):
            there = app_of(other)
            if there == here:
                continue
            if FLOORS[there] > FLOORS[here] or there in MAY_NOT_IMPORT.get(here, ()):
                broken.append(f"{file_of(module)} imports {file_of(other)} ({here} may not import {there})")
    return broken


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every import cycle, as the files it runs through (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [" <-> ".join(file_of(m) for m in component) for component in found]


def test_no_app_imports_a_floor_above_it() -> None:
    broken = upward_imports(project_imports())
    assert not broken, "Imports that run up the house (see CONVENTIONS.md, Layout):\n" + "\n".join(broken)


def test_no_two_modules_import_each_other() -> None:
    found = cycles(project_imports())
    assert not found, "Import cycles (a job calls a service; a service never imports a job):\n" + "\n".join(found)


def test_no_module_is_a_room_that_wants_dividing() -> None:
    big = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not big, f"Modules over {MAX_LINES} lines:\n" + "\n".join(big)


def test_the_guard_rail_sees_an_upward_import_and_a_cycle() -> None:
    """The rule itself, on a made-up house: it must name both files."""
    graph = {
        "clients.views": {"godview.selectors"},
        "godview.selectors": set(),
        "tasks.a": {"tasks.b"},
        "tasks.b": {"tasks.a"},
    }
    assert upward_imports(graph) == [
        "clients/views.py imports godview/selectors.py (clients may not import godview)",
    ]
    assert cycles(graph) == ["tasks/a.py <-> tasks/b.py"]
