"""``grader/aws/`` in layers: a module imports only from its own layer or the ones below, never up, and
nothing in ``grader/`` imports in a circle. Imports inside functions count too: a lazy import up the
layers is still a dependency up the layers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. A new module of grader/aws/ must be placed here (the test names it otherwise).
LAYERS = {
    "core": ("grader.aws.actions", "grader.aws.errors"),  # IAM actions, the read-only rule, errors
    "transport": (
        "grader.aws.pacing",
        "grader.aws.models",
        "grader.aws.session",
        "grader.aws.packages",
        "grader.aws.zip_reader",
        "grader.aws.package_http",
        "grader.aws.package_reader",
    ),
    "reader": ("grader.aws.reader",),
    "services": ("grader.aws.services",),  # the package and every module in it
    "catalogue": ("grader.aws.facts", "grader.aws.permissions"),  # every fact; what they add up to
    "accounts": ("grader.aws.connections",),  # which credentials and region grade whom
}


def modules(package: str = "grader") -> dict[str, Path]:
    found = {}
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The grader modules ``path`` imports, anywhere in it (``from grader.x import name`` of a module counts
    as that module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def layer_of(module: str) -> int | None:
    for rank, members in enumerate(LAYERS.values()):
        if any(module == m or module.startswith(m + ".") for m in members):
            return rank
    return None


def test_every_module_of_the_aws_package_has_a_layer():
    unplaced = [m for m in modules("grader.aws") if m != "grader.aws" and layer_of(m) is None]
    assert not unplaced, f"place these in LAYERS: {unplaced}"


def test_no_module_of_the_aws_package_imports_up_the_layers():
    known = modules()
    names = list(LAYERS)
    upward = []
    for module, path in modules("grader.aws").items():
        rank = layer_of(module)
        if rank is None:
            continue
        for target in imports(path, known):
            above = layer_of(target)
            if above is not None and above > rank:
                upward.append(f"{module} ({names[rank]}) imports {target} ({names[above]})")
    assert not upward, "\n".join(upward)


def test_the_lowest_door_to_aws_does_not_know_the_facts():
    """The session and its models load without the catalogue: the operations to trim to are passed in."""
    known = modules()
    for module in ("grader.aws.session", "grader.aws.models", "grader.aws.actions"):
        reached, todo = set(), [module]
        while todo:
            current = todo.pop()
            if current not in reached:
                reached.add(current)
                todo.extend(imports(known[current], known))
        assert not reached & {"grader.aws.facts", "grader.aws.permissions", "grader.aws.services"}, module


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    known, inside = modules(), modules(package)
    return {module: (imports(path, known) & set(inside)) - {module} for module, path in inside.items()}


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_aws_package():
    assert cycles(import_graph("grader.aws")) == []


def test_no_import_cycle_in_the_renderers():
    """The formats' shared marks and helpers live in grader/render/common.py, below every format module."""
    assert cycles(import_graph("grader.render")) == []


def test_no_import_cycle_in_the_grader():
    """The rubric names the resource kinds the whereabouts look for (not the other way round); the
    emulator's patches import the runtime they install, not the package that installs them."""
    assert cycles(import_graph("grader")) == []
