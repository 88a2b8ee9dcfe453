"""The layout's rules, read from the source: no import cycles, models are leaves, the
advisory core has no database, and no import hides inside a function to dodge a cycle.

docs/architecture.md has the map these rules keep true.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("advisor", "profiles")
# Modules a model may import from the project: other models, and the pure modules
# that hold no rules about other apps (the questionnaire, the catalogue).
PURE = ("advisor.advice.", "profiles.questionnaire", "profiles.answers", "profiles.formats")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


SOURCES = _sources()


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The project modules an import statement loads (a package's module when a name
    imported from it is a module of its own)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from .celery import app
            package = importer.rsplit(".", node.level)[0]
            base = f"{package}.{base}" if base else package
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in SOURCES else base
            for alias in node.names
        ]
    return [name for name in names if name.split(".")[0] in PACKAGES]


def _imports(*, top_level: bool) -> dict[str, set[str]]:
    """Each module's project imports: those at module level, or those inside functions."""
    found: dict[str, set[str]] = {}
    for name, tree in SOURCES.items():
        nodes = tree.body if top_level else [n for n in ast.walk(tree) if n not in tree.body]
        found[name] = {
            target
            for node in nodes
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in _targets(node, name)
        }
    return found


GRAPH = _imports(top_level=True)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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
    return found


def test_the_check_sees_the_project():
    assert GRAPH["profiles.submit"] >= {"advisor.plans.lifecycle", "advisor.counsel.rules"}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_modules_import_each_other_in_a_circle():
    """Counting imports inside functions too: a cycle they hide is still a cycle."""
    hidden = _imports(top_level=False)
    assert _cycles({name: GRAPH[name] | hidden[name] for name in GRAPH}) == []


@pytest.mark.parametrize("models", sorted(m for m in SOURCES if m.endswith(".models")))
def test_models_are_leaves(models):
    """A model imports other models and the pure core, never a task, a rule or a view."""
    allowed = [i for i in GRAPH[models] if i.endswith(".models") or i.startswith(PURE)]
    assert sorted(GRAPH[models]) == sorted(allowed)


def test_the_advisory_core_touches_no_database():
    for name, tree in SOURCES.items():
        if not name.startswith("advisor.advice"):
            continue
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not {i for i in imported if i and (i.startswith("django.db") or "models" in i)}


def test_no_project_import_hides_inside_a_function():
    hidden = {name: targets for name, targets in _imports(top_level=False).items() if targets}
    assert hidden == {}
