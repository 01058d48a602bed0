"""The code the student deployed, as lambda_lab's code checks read it: a function's handler (the module and
function its ``Handler`` setting names) and the modules of their own it imports, and the fixes that
redeploy them. Judged from the syntax tree (``checks/python_source.py``), never run.

A package the grader could not read raises FactUnavailable from the facts (an ``error`` row, and no other
check changes); a package that cannot be judged (``Package.problem``), a handler that names a missing
module or function, and a syntax error are a :class:`~checks.python_source.CodeProblem`: the check fails,
saying so, with the fix that redeploys the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checks import python_source
from checks.lambda_lab.common import configuration, missing
from checks.python_source import CodeProblem, Handler, Source
from grader import shell
from grader.aws.packages import Package
from grader.rubric import Check, Context, Task, Verdict, failed

RUNTIME = "python3.12"  # the lab's runtime, for a function whose runtime cannot be read
DEFAULT_HANDLER = "lambda_function.lambda_handler"  # the console's, and every function's of the lab


@dataclass(frozen=True)
class Lacks:
    """What a judge found missing: the message shown, what the fix says to correct, and the evidence."""

    message: str
    correction: str
    evidence: dict[str, Any] = field(default_factory=dict)


Judge = Callable[[Context, Handler, list[Source]], "Verdict | Lacks"]
Fix = Callable[[Context, str], str]


def module_file(setting: str | None) -> str:
    """The file a ``Handler`` setting names (``app.handler``: ``app.py``); lambda_function.py when it names none."""
    try:
        module, _ = python_source.handler_parts(setting)
    except CodeProblem:
        return "lambda_function.py"
    return python_source.module_paths(module)[0]


def redeploy_hint(name: str) -> str:
    """A code check's fix as ``--explain`` shows it."""
    return f"aws lambda update-function-code --function-name {name} --zip-file fileb://function.zip"


def redeploy(ctx: Context, name: str, correction: str) -> str:
    """What to correct, then the command that deploys the corrected ``function.zip``."""
    file = module_file((configuration(ctx, name) or {}).get("Handler"))
    return shell.fix(
        shell.comment(f"{correction}; zip the corrected code ({file} at the root) as function.zip, then:"),
        shell.aws("lambda", "update-function-code", "--function-name", name, "--zip-file", "fileb://function.zip"),
    )


def function_package(ctx: Context, name: str) -> Package:
    """The function's package; CodeProblem when there is none or it cannot be judged."""
    package = ctx.facts.function_package(name)
    if package is None:
        raise CodeProblem("it has no deployment package")
    if package.problem:
        raise CodeProblem(f"the deployment package cannot be judged: {package.problem}")
    return package


def handler_code(ctx: Context, name: str) -> tuple[Handler, list[Source]]:
    """The handler the function's ``Handler`` setting names, and every module of the student's own it runs."""
    package = function_package(ctx, name)
    handler = python_source.find_handler(package, (configuration(ctx, name) or {}).get("Handler"))
    return handler, python_source.own_modules(package, handler.source)


def in_a_folder(ctx: Context, name: str) -> str:
    """When the handler's file is in the package, but in a folder (the folder was zipped, not its files)."""
    file = module_file((configuration(ctx, name) or {}).get("Handler"))
    package = ctx.facts.function_package(name)
    if package is None or package.problem or file in package.names:
        return ""
    nested = sorted((n for n in package.names if n.endswith(f"/{file}")), key=len)
    return f" ({nested[0]} is in a folder: zip the files themselves, not their folder)" if nested else ""


def handler_fix(ctx: Context, name: str) -> str | None:
    """When the ``Handler`` setting names no handler but the package holds the lab's, the setting is what
    to correct, not the code."""
    if (configuration(ctx, name) or {}).get("Handler") == DEFAULT_HANDLER:
        return None
    try:
        python_source.find_handler(function_package(ctx, name), DEFAULT_HANDLER)
    except CodeProblem:
        return None
    return shell.fix(
        shell.comment(f"the package holds {DEFAULT_HANDLER}: point the Handler setting at it"),
        shell.aws("lambda", "update-function-configuration", "--function-name", name, "--handler", DEFAULT_HANDLER),
    )


def where(handler: Handler) -> str:
    """The handler as evidence names it: ``lambda_function.py:5 lambda_handler``."""
    return f"{handler.source.path}:{handler.line} {handler.function}"


def code_check(task: Task, check_id: str, title: str, name: str, *, points: float, judge: Judge,
               requires: Check | None = None, fix: Fix | None = None, hint: str | None = None) -> Check:
    """A check of what function ``name``'s code does: ``judge`` sees its handler and the modules it runs,
    and passes or says what the code lacks. A function that does not exist points at the lab that creates
    it; a package that cannot be judged, a missing handler or a syntax error fails with what is wrong.
    ``fix``: how the corrected code is deployed (default: ``update-function-code``)."""
    deploy = fix or (lambda ctx, correction: redeploy(ctx, name, correction))

    @task.check(check_id, title, points=points, requires=requires, hint=hint or redeploy_hint(name))
    def check(ctx: Context) -> Verdict:
        if configuration(ctx, name) is None:
            return missing(ctx, name)
        try:
            handler, modules = handler_code(ctx, name)
        except CodeProblem as problem:
            said = f"{problem}{in_a_folder(ctx, name)}"
            return failed(f"{name}: {said}", hint=handler_fix(ctx, name) or deploy(ctx, said))
        verdict = judge(ctx, handler, modules)
        if isinstance(verdict, Lacks):
            return failed(verdict.message, hint=deploy(ctx, verdict.correction), handler=where(handler),
                          **verdict.evidence)
        return verdict

    return check


def runtime(ctx: Context, name: str) -> str:
    return str((configuration(ctx, name) or {}).get("Runtime") or RUNTIME)
