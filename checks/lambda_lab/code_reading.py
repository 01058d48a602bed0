"""What lambda_lab's code checks read in a package's Python code, beyond :mod:`checks.python_behaviour`:
the methods it calls on any object (an S3 client's ``get_object``), the keys it builds from literal pieces
(``f"analysis/{key}.json"``), and whether it writes its log lines as JSON. Judged from the syntax tree of
the modules a handler runs (:func:`checks.python_source.own_modules`), never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from checks.python_behaviour import constants
from checks.python_source import Source, imports_of, qualify

# --- calls -----------------------------------------------------------------------------------------


def method_calls(sources: Iterable[Source], names: Iterable[str]) -> dict[str, str]:
    """Method name -> ``path:line`` of its first call on any object (``s3.get_object(...)``,
    ``client.put_object(...)``), for each of ``names``. A boto3 resource's ``Object(...).get()`` is
    ``Object.get``, its ``Object(...).put()`` ``Object.put``."""
    wanted, found = set(names), {}
    for source in sources:
        for node in ast.walk(source.tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            target = node.func.value
            if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute) and target.func.attr == "Object":
                name = f"Object.{name}"
            if name in wanted:
                found.setdefault(name, source.at(node))
    return found


def _pieces(node: ast.AST, known: dict[str, list[str]]) -> list[str]:
    """The literal pieces an expression builds a string from: an f-string's parts, the operands of ``+``
    and ``%``, ``"...".format(...)``'s template, module constants named in them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return known.get(node.id, [])
    if isinstance(node, ast.JoinedStr):
        return [p for v in node.values for p in _pieces(v.value if isinstance(v, ast.FormattedValue) else v, known)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _pieces(node.left, known) + _pieces(node.right, known)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _pieces(node.func.value, known)
    return []


def key_built(sources: Iterable[Source], prefix: str, suffix: str) -> str | None:
    """``path:line`` of the first string the code builds that starts under ``prefix`` and ends in ``suffix``
    (``f"analysis/{key}.json"``, ``"analysis/" + key + ".json"``, ``PREFIX + key + ".json"``)."""
    for source in sources:
        known = constants(source.tree)
        found = []
        for node in ast.walk(source.tree):
            if isinstance(node, (ast.JoinedStr, ast.BinOp, ast.Call, ast.Constant)):
                pieces = _pieces(node, known)
                if pieces and any(prefix in p for p in pieces) and any(p.endswith(suffix) for p in pieces):
                    found.append(node.lineno)
        if found:
            return f"{source.path}:{min(found)}"
    return None


# --- structured logging ------------------------------------------------------------------------------

LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"}
JSON_DUMPS = {"json.dumps", "simplejson.dumps", "ujson.dumps", "orjson.dumps", "rapidjson.dumps"}
STREAMS = {"sys.stdout", "sys.stderr", "sys.__stdout__", "sys.__stderr__"}


def _scopes(tree: ast.Module) -> list[list[ast.AST]]:
    """The nodes of the module's own statements, then of each function's own body (nested ones apart)."""
    scopes = []
    for owner in [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
        nodes, stack = [], list(ast.iter_child_nodes(owner))
        while stack:
            node = stack.pop()
            nodes.append(node)
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                stack.extend(ast.iter_child_nodes(node))
        scopes.append(nodes)
    return scopes


def _logged(call: ast.Call, bound: dict[str, str]) -> ast.AST | None:
    """The message a call writes to the log: ``print(m)``, ``logger.info(m)``, ``logger.log(level, m)``,
    ``sys.stdout.write(m)``; None when the call writes no log line."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "print" and "print" not in bound:
        return call.args[0] if call.args else None
    if isinstance(func, ast.Attribute):
        if func.attr in LOG_METHODS:
            return call.args[0] if call.args else None
        if func.attr == "log":
            return call.args[1] if len(call.args) > 1 else None
        if func.attr == "write" and qualify(func.value, bound) in STREAMS:
            return call.args[0] if call.args else None
    return None


def _json_lines(source: Source, bound: dict[str, str]) -> str | None:
    """Where the module writes a log line made by ``json.dumps`` (directly, or through a name bound to it
    in the same function), or dumps JSON straight to standard output."""
    for nodes in _scopes(source.tree):
        dumped = {target.id for node in nodes if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                  and qualify(node.value.func, bound) in JSON_DUMPS
                  for target in node.targets if isinstance(target, ast.Name)}
        for node in sorted((n for n in nodes if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)):
            if qualify(node.func, bound) == "json.dump" and len(node.args) > 1 and qualify(node.args[1], bound) in STREAMS:
                return source.at(node)
            message = _logged(node, bound)
            if isinstance(message, ast.Call) and qualify(message.func, bound) in JSON_DUMPS:
                return source.at(node)
            if isinstance(message, ast.Name) and message.id in dumped:
                return source.at(node)
    return None


def _json_library(source: Source, bound: dict[str, str]) -> tuple[str, str] | None:
    """(``path:line``, what) where the module sets up a logger that writes JSON: AWS Lambda Powertools'
    ``Logger``, python-json-logger's ``JsonFormatter``, structlog's ``JSONRenderer``, or a
    ``logging.Formatter`` of its own that formats with ``json.dumps``."""
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Call):
            name = qualify(node.func, bound) or ""
            if name.startswith("aws_lambda_powertools") and name.endswith("Logger"):
                return source.at(node), "AWS Lambda Powertools' Logger"
            if name.startswith("pythonjsonlogger") and name.endswith("JsonFormatter"):
                return source.at(node), "python-json-logger's JsonFormatter"
            if name.startswith("structlog") and name.endswith("JSONRenderer"):
                return source.at(node), "structlog's JSONRenderer"
            if name == "aws_lambda_logging.setup":
                return source.at(node), "aws-lambda-logging"
        elif isinstance(node, ast.ClassDef) and any(qualify(b, bound) == "logging.Formatter" for b in node.bases):
            if any(isinstance(n, ast.Call) and qualify(n.func, bound) in JSON_DUMPS for n in ast.walk(node)):
                return source.at(node), f"its own JSON formatter {node.name}"
    return None


def uses_logging_module(sources: Iterable[Source]) -> str | None:
    """``path:line`` of the first call into Python's ``logging`` module (``logging.getLogger()``, ``logging.info``)."""
    for source in sources:
        bound = imports_of(source.tree)
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Call) and (qualify(node.func, bound) or "").startswith("logging."):
                return source.at(node)
    return None


def json_logging(sources: Iterable[Source], log_format: str | None = None) -> tuple[str, str] | None:
    """(``path:line``, how) where the code writes its log lines as JSON objects, or None. With the
    function's log format JSON (``LoggingConfig.LogFormat``), whatever goes through the ``logging``
    module is written as JSON by Lambda itself ("Using Lambda advanced logging controls with Python",
    AWS Lambda Developer Guide); ``print`` stays plain text there."""
    sources = list(sources)
    for source in sources:
        bound = imports_of(source.tree)
        where = _json_lines(source, bound)
        if where:
            return where, "writes json.dumps(...) log lines"
        library = _json_library(source, bound)
        if library:
            return library
    if log_format == "JSON":
        where = uses_logging_module(sources)
        if where:
            return where, "logs through the logging module, which Lambda's JSON log format writes as JSON"
    return None
