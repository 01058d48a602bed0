"""What a package's Python code does, judged from its syntax tree: environment variables read, keys of the
dictionaries it returns or builds, keys it reads, exceptions it raises, calls it makes.

Over the :class:`~checks.python_source.Source` modules :mod:`checks.python_source` parses (usually a
handler's module and the modules of the student's own it imports: ``own_modules``). Keys are followed
through module constants and loops over literal tuples, names through aliases (``from os import environ``,
``env = os.environ``, ``import time as t``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from checks.python_source import Source, imports_of, qualify


def _literals(node: ast.AST) -> list[str] | None:
    """The strings of a literal tuple, list or set, or None when it is not one."""
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return None
    return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def constants(tree: ast.Module) -> dict[str, list[str]]:
    """Name -> the strings it may hold: a string assigned to it anywhere, or, as a loop variable, the items of a
    literal tuple it loops over (written there, or assigned to a name first: ``NAMES = (...)``)."""
    found: dict[str, list[str]] = {}
    sequences: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            literal = node.value.value if isinstance(node.value, ast.Constant) else None
            for target in (t for t in node.targets if isinstance(t, ast.Name)):
                if isinstance(literal, str):
                    found.setdefault(target.id, []).append(literal)
                elif (items := _literals(node.value)) is not None:
                    sequences.setdefault(target.id, []).extend(items)
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            items = _literals(node.iter)
            if items is None and isinstance(node.iter, ast.Name):
                items = sequences.get(node.iter.id)
            found.setdefault(node.target.id, []).extend(items or [])
    return found


def strings(node: ast.AST | None, known: dict[str, list[str]]) -> list[str]:
    """The strings an expression may be: a literal, or a name of ``known`` (see :func:`constants`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return known.get(node.id, [])
    return []


ENVIRON_READS = ("os.environ.get", "os.getenv", "os.environ.setdefault", "os.environ.pop")


def environment_reads(sources: Iterable[Source]) -> dict[str, str]:
    """Variable -> ``path:line`` of its first read: ``os.environ[...]``, ``os.environ.get``, ``os.getenv``."""
    read: dict[str, str] = {}
    for source in sources:
        bound, known = imports_of(source.tree), constants(source.tree)
        for node in ast.walk(source.tree):
            key = None
            if isinstance(node, ast.Subscript) and qualify(node.value, bound) == "os.environ":
                key = node.slice
            elif isinstance(node, ast.Call) and qualify(node.func, bound) in ENVIRON_READS and node.args:
                key = node.args[0]
            for name in strings(key, known):
                read.setdefault(name, source.at(node))
    return read


def keys_read(sources: Iterable[Source]) -> dict[str, str]:
    """String keys the code reads from any mapping: ``x['k']`` and ``x.get('k')`` -> ``path:line``."""
    read: dict[str, str] = {}
    for source in sources:
        known = constants(source.tree)
        for node in ast.walk(source.tree):
            key = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                key = node.slice
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
            ):
                key = node.args[0]
            for name in strings(key, known):
                read.setdefault(name, source.at(node))
    return read


Keys = list[tuple[str, ast.AST]]  # (key, the node that gives it)


def _dict_keys(node: ast.AST | None, known: dict[str, list[str]]) -> Keys:
    """Keys of a dictionary an expression builds: ``{...}`` (``**`` included), ``dict(k=...)``, either
    branch of ``a if c else b``."""
    if isinstance(node, ast.Dict):
        found: Keys = []
        for key, value in zip(node.keys, node.values, strict=True):
            found += [(k, key) for k in strings(key, known)] if key is not None else _dict_keys(value, known)
        return found
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return [(kw.arg, kw) for kw in node.keywords if kw.arg] + (_dict_keys(node.args[0], known) if node.args else [])
    if isinstance(node, ast.IfExp):
        return _dict_keys(node.body, known) + _dict_keys(node.orelse, known)
    return []


def dict_keys(sources: Iterable[Source]) -> dict[str, str]:
    """Every string key a dictionary is built with, anywhere (literals, ``dict(k=)``, ``d['k'] = ...``)."""
    built: dict[str, str] = {}
    for source in sources:
        known = constants(source.tree)
        for node in ast.walk(source.tree):
            found = _dict_keys(node, known)
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                found = [(k, node) for k in strings(node.slice, known)]
            for key, where in found:
                built.setdefault(key, source.at(where))
    return built


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of a function's own body, not those of functions or classes defined inside it."""
    nodes, stack = [], list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        nodes.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
    return nodes


def returned_keys(sources: Iterable[Source]) -> dict[str, str]:
    """Keys of the dictionaries any function returns -> ``path:line``: returned as built, or through a local
    name (``response = {...}``, ``response['k'] = ...``, ``response.update(k=...)``, then ``return response``)."""
    found: dict[str, str] = {}
    for source in sources:
        known = constants(source.tree)
        for function in ast.walk(source.tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes = _own_nodes(function)
            for node in nodes:
                if isinstance(node, ast.Return):
                    keys = _dict_keys(node.value, known)
                    if isinstance(node.value, ast.Name):
                        keys += _keys_given(node.value.id, nodes, known)
                    for key, where in keys:
                        found.setdefault(key, source.at(where))
    return found


def _keys_given(name: str, nodes: list[ast.AST], known: dict[str, list[str]]) -> Keys:
    """Keys a local dictionary ``name`` is given in a function's body."""
    keys: Keys = []
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name) and target.id == name:
                    keys += _dict_keys(node.value, known)
                elif (
                    isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name
                ):
                    keys += [(k, target) for k in strings(target.slice, known)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            if node.func.attr == "update":
                keys += [(kw.arg, kw) for kw in node.keywords if kw.arg]
                keys += _dict_keys(node.args[0], known) if node.args else []
            elif node.func.attr == "setdefault" and node.args:
                keys += [(k, node) for k in strings(node.args[0], known)]
    return keys


def raises(sources: Iterable[Source]) -> list[str]:
    """``path:line`` of every ``raise`` (and ``assert``, which raises when it fails)."""
    return [
        source.at(node)
        for source in sources
        for node in ast.walk(source.tree)
        if isinstance(node, (ast.Raise, ast.Assert))
    ]


def calls(sources: Iterable[Source], qualified: str) -> list[tuple[str, ast.Call]]:
    """(``path:line``, call) of every call of ``qualified`` (``time.sleep``), however it was imported."""
    found = []
    for source in sources:
        bound = imports_of(source.tree)
        found += [
            (source.at(node), node)
            for node in ast.walk(source.tree)
            if isinstance(node, ast.Call) and qualify(node.func, bound) == qualified
        ]
    return found
