"""A deployment package's Python code, read from its syntax tree (``ast``): never run.

Pure functions over :class:`~grader.aws.packages.Package`: the sources parsed (a syntax error is a
:class:`CodeProblem` naming ``file:line``), the module and function the ``Handler`` setting names
(``pkg.mod.func`` is ``pkg/mod.py``), imports resolved as Lambda's Python runtime resolves them (the
function's package first, ``/var/task``, then its layers' ``python/lib/python3.x/site-packages`` and
``python``: AWS Lambda Developer Guide, "Dependency search path" in *Building with Python* and "Layer
paths for each Lambda runtime"; layers are merged in the order the function lists them, a later one over
an earlier one: "Adding layers to functions"), the modules of the student's own a handler runs, the
names a module defines and the names code takes from a module, through any alias (``import utils as u``).
What the code does (variables read, keys returned, raises, calls) is :mod:`checks.python_behaviour`.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.aws.errors import FactUnavailable
from grader.aws.packages import Package


class CodeProblem(Exception):
    """Why the code cannot be judged, in the words a student is shown (``lambda_function.py:3: invalid syntax``)."""


class HandlerMissing(CodeProblem):
    """The ``Handler`` setting names a module or function the package does not have."""


@dataclass(frozen=True)
class Source:
    """One parsed module of a package."""

    path: str  # the member's path in its package: lambda_function.py, python/utils.py
    tree: ast.Module

    def at(self, node: ast.AST) -> str:
        """``path:line`` of a node, as evidence names it."""
        return f"{self.path}:{node.lineno}"


@functools.lru_cache(maxsize=1024)
def _parsed(path: str, text: str) -> ast.Module | SyntaxError:
    try:
        return ast.parse(text, filename=path)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        return SyntaxError(str(exc) or type(exc).__name__)  # no line: the file's first


def parse(package: Package, path: str) -> Source:
    """The module at ``path``; CodeProblem when it is missing, was not read (and why) or does not parse."""
    if path in package.skipped:
        raise CodeProblem(f"{path} was not read: {package.skipped[path]}")
    text = package.sources.get(path)
    if text is None:
        raise CodeProblem(f"{path} is not in the package")
    tree = _parsed(path, text)
    if isinstance(tree, SyntaxError):
        where = f"{path}:{tree.lineno or 1}: {tree.msg}"
        if sys.version_info < (3, 12) and "f-string" in tree.msg:
            # Python 3.12 accepts f-strings this interpreter refuses (PEP 701): not the student's mistake.
            raise FactUnavailable(
                "ast.parse",
                "unexpected",
                f"{where} (Python {sys.version_info.major}."
                f"{sys.version_info.minor} cannot parse what Python 3.12 may accept: grade with 3.12)",
            )
        raise CodeProblem(where)
    return Source(path, tree)


# --- where modules are ------------------------------------------------------------------------------


def module_paths(dotted: str, root: str = "") -> tuple[str, str]:
    """The two files a module may be: ``pkg/mod.py`` and ``pkg/mod/__init__.py`` (under ``root``)."""
    base = root + dotted.replace(".", "/")
    return f"{base}.py", f"{base}/__init__.py"


def handler_parts(handler: str | None) -> tuple[str, str]:
    """``pkg.mod.func`` (or ``pkg/mod.func``) -> (``pkg.mod``, ``func``), as Lambda's Python runtime splits it."""
    if not isinstance(handler, str):
        raise HandlerMissing(f"the handler setting {handler!r} is not <module>.<function>")
    module, _, function = handler.rpartition(".")
    if not module or not function:
        raise HandlerMissing(f"the handler setting {handler!r} is not <module>.<function>")
    return module.replace("/", "."), function


@dataclass(frozen=True)
class Handler:
    source: Source
    function: str
    line: int  # where the handler's name is bound


def find_handler(package: Package, setting: str | None) -> Handler:
    """The module and function the ``Handler`` setting names; CodeProblem saying what is missing."""
    if package.problem:
        raise CodeProblem(f"the package cannot be judged: {package.problem}")
    module, function = handler_parts(setting)
    names = set(package.names)
    path = next((p for p in module_paths(module) if p in names or p in package.sources), None)
    if path is None:
        files = sorted(p for p in package.names if p.endswith(".py") and "/" not in p)
        held = f"; it holds {', '.join(files[:5])}" if files else "; it holds no Python file at its root"
        raise HandlerMissing(
            f"the handler {setting} names {module_paths(module)[0]}, which is not in the package{held}"
        )
    source = parse(package, path)
    line = defined_names(source.tree).get(function)
    if line is None:
        raise HandlerMissing(f"{path} defines no {function} (the handler setting is {setting})")
    return Handler(source, function, line)


def handler_elsewhere(package: Package, setting: str | None) -> str | None:
    """Another ``Handler`` setting that would work: a module of the package that defines the function the
    setting names (or, failing that, ``lambda_function.lambda_handler``); None when there is none."""
    try:
        module, function = handler_parts(setting)
    except CodeProblem:
        module, function = None, None
    third_party = installed(package)
    for wanted in dict.fromkeys(name for name in (function, "lambda_handler") if name):
        for path in sorted(package.sources):
            dotted = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            if (
                not path.endswith(".py")
                or (dotted, wanted) == (module, function)
                or dotted.split(".")[0].lower() in third_party
            ):
                continue
            tree = _parsed(path, package.sources[path])
            if not isinstance(tree, SyntaxError) and wanted in defined_names(tree):
                return f"{dotted}.{wanted}"
    return None


def layer_roots(runtime: str | None) -> tuple[str, ...]:
    """Where a layer's Python modules are importable, in search order."""
    return (f"python/lib/{runtime or 'python3.12'}/site-packages/", "python/")


@dataclass(frozen=True)
class Located:
    """Where an import resolves: the function's package (layer None) or the layer at that index."""

    path: str
    layer: int | None = None


def resolve(
    dotted: str, package: Package | None, layers: Sequence[Package | None] = (), runtime: str | None = "python3.12"
) -> Located | None:
    """Where ``import dotted`` finds its top-level module, as Lambda's search path finds it."""
    top = dotted.split(".")[0]
    if package is not None:
        found = _first(set(package.names) | set(package.sources), module_paths(top))
        if found:
            return Located(found)
    for root in layer_roots(runtime):
        for index in reversed(range(len(layers))):  # a later layer is merged over an earlier one
            layer = layers[index]
            if layer is None:
                continue
            found = _first(set(layer.names) | set(layer.sources), module_paths(top, root))
            if found:
                return Located(found, index)
    return None


def _first(names: set[str], candidates: Iterable[str]) -> str | None:
    return next((c for c in candidates if c in names), None)


# Distributions whose module is named otherwise (pip installs python-dateutil as dateutil...).
INSTALLED_AS = {
    "python_dateutil": "dateutil",
    "pyyaml": "yaml",
    "beautifulsoup4": "bs4",
    "pillow": "pil",
    "pyjwt": "jwt",
    "python_dotenv": "dotenv",
    "attrs": "attr",
    "pyopenssl": "openssl",
}


def installed(package: Package) -> set[str]:
    """Top-level names pip installed into the package (a ``*.dist-info`` or ``*.egg-info`` beside them): not the student's."""
    found = set()
    for name in package.names:
        match = re.match(r"^([^/]+?)-[^/]*\.(?:dist|egg)-info/", name)
        if match:
            project = re.sub(r"[-_.]+", "_", match.group(1)).lower()
            found.add(INSTALLED_AS.get(project, project))
    return found


def own_modules(package: Package, start: Source) -> list[Source]:
    """``start`` and every module of the package it imports, transitively (those pip installed left out):
    the code a handler runs. A module imported that does not parse is the handler's problem too."""
    seen, order, queue = {start.path}, [start], [start]
    third_party = installed(package)
    while queue:
        source = queue.pop()
        for dotted in imported_modules(source):
            if dotted.split(".")[0].lower() in third_party:
                continue
            path = _first(set(package.sources), module_paths(dotted))
            if path and path not in seen and path not in package.skipped:
                seen.add(path)
                found = parse(package, path)
                order.append(found)
                queue.append(found)
    return order


def imported_modules(source: Source) -> list[str]:
    """The modules ``source`` imports, absolute: a relative import is resolved against the package the module is
    in (its folder); one that climbs above the top package (or is made by a module outside any) fails when
    Python runs it, and imports nothing here."""
    package = source.path.split("/")[:-1]  # pkg/sub/mod.py is in pkg.sub
    found = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > len(package):
                continue
            prefix = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*prefix, *([node.module] if node.module else [])])
            found += [base] if base else []
            found += [f"{base}.{alias.name}" if base else alias.name for alias in node.names]  # x.* finds nothing
    return found


# --- what the code does ------------------------------------------------------------------------------


def defined_names(tree: ast.Module) -> dict[str, int]:
    """Names the module binds at its top level (functions, classes, assignments, imports, also inside
    ``if``/``try``/``with`` blocks) -> the line of their first binding."""
    names: dict[str, int] = {}

    def bind(name: str, node: ast.AST) -> None:
        names.setdefault(name, node.lineno)

    def visit(body: Iterable[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name, node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name):
                            bind(name.id, node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        bind(alias.asname or alias.name.split(".")[0], node)
            else:  # a block's statements bind at the top level too (not a function's or a class's)
                for field in ("body", "handlers", "orelse", "finalbody"):  # in the order written
                    visit(getattr(node, field, None) or [])

    visit(tree.body)
    return names


def imports_of(tree: ast.Module) -> dict[str, str]:
    """Local name -> the qualified name it stands for: ``import time as t`` gives t -> time, ``from os import
    environ`` environ -> os.environ; an assignment of a qualified name (``env = os.environ``) follows it."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            bound.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
    aliases = [
        (target.id, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    changed = True
    while changed:  # aliases of aliases, in any order
        changed = False
        for name, value in aliases:
            qualified = qualify(value, bound)
            if qualified and name not in bound:
                bound[name] = qualified
                changed = True
    return bound


def qualify(node: ast.AST, bound: dict[str, str]) -> str | None:
    """The qualified name an expression stands for (``t.sleep`` -> ``time.sleep``), or None."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        base = qualify(node.value, bound)
        return f"{base}.{node.attr}" if base else None
    return None


def names_used_from(sources: Iterable[Source], module: str) -> list[tuple[str, str]]:
    """(name, ``path:line``) of each name the sources take from ``module``, in the order written: imported from
    it, or read as an attribute of it (``utils.format_response``, ``u.Timer``); ``*`` for ``from module import *``."""
    used = []
    for source in sources:
        bound = imports_of(source.tree)
        found: list[tuple[ast.AST, str]] = []
        for node in ast.walk(source.tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == module:
                found += [(node, alias.name) for alias in node.names]
            elif isinstance(node, ast.Attribute) and qualify(node.value, bound) == module:
                found.append((node, node.attr))
        found.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
        used += [(name, source.at(node)) for node, name in found]
    return used
