"""The layout's rules, read from the source: no import cycles, models are leaves, the
advisory core has no database, and no import hides inside a function to dodge a cycle.

docs/architecture.md has the map these rules keep true.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("advisor", "profiles")
# Modules a model may import from the project: other models, and the pure core (the
# questionnaire, the catalogue, the advice).
PURE = ("advisor.advice.",)
# The layers, lowest first (docs/architecture.md, "Layers"): the pure core; the site's
# own modules (settings, mail, logs, the Celery app: `advisor.<module>`); the person
# (`profiles`); their plans and their reviews; the member's workflows across all three.
LAYERS = ("core", "site", "profiles", "apps", "members")


def layer_of(module: str) -> str | None:
    """A module's layer; None for an entry point (a view, URLs, the admin, a task, a
    command), which may call into any layer."""
    last = module.rsplit(".", 1)[-1]
    if last in ("views", "urls", "admin", "tasks") or last.endswith("_views"):
        return None
    if ".management.commands." in module:
        return None
    if module.startswith("advisor.advice"):
        return "core"
    if module.startswith("advisor.members"):
        return "members"
    if module.startswith(
        ("advisor.plans", "advisor.counsel", "advisor.checkins", "advisor.outcomes")
    ):
        return "apps"
    if module.startswith("profiles"):
        return "profiles"
    return "site"  # advisor.<module>, and advisor.templatetags


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
    assert GRAPH["advisor.members.submit"] >= {"advisor.plans.lifecycle", "advisor.counsel.rules"}
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


def test_the_layers_run_one_way():
    """Below the entry points, a module imports only from its own layer or a lower one:
    no exceptions."""

    def allowed(module: str, target: str) -> bool:
        below = layer_of(target)
        if below is None:  # an entry point: only its own app's tasks, to send them
            return target == f"{module.rsplit('.', 1)[0]}.tasks"
        return LAYERS.index(below) <= LAYERS.index(layer_of(module))

    upward = sorted(
        (module, target)
        for module, targets in GRAPH.items()
        if layer_of(module) is not None
        for target in targets
        if not allowed(module, target)
    )
    assert upward == []


def test_the_core_imports_nothing_outside_it():
    outside = {
        (module, target)
        for module, targets in GRAPH.items()
        if module.startswith("advisor.advice")
        for target in targets
        if not target.startswith("advisor.advice")
    }
    assert outside == set()


def test_no_project_import_hides_inside_a_function():
    hidden = {name: targets for name, targets in _imports(top_level=False).items() if targets}
    assert hidden == {}
