"""The code the student deployed, as lambda_medium's code checks read it: a function's handler and the
modules of their own it imports, the layer's ``utils`` module and dependencies; and the fixes that
redeploy them. Judged from the syntax tree (``checks/python_source.py``), never run.

A package the grader could not read raises FactUnavailable from the facts (an ``error`` row); a package
that cannot be judged (``Package.problem``), a handler that names a missing module or function, and a
syntax error are a :class:`~checks.python_source.CodeProblem`: the check fails, saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from checks import python_source
from checks.python_source import CodeProblem, Handler, HandlerMissing, Source
from checks.shared import LAYER_VERSION_ARN, configuration, layer_arns
from grader import shell
from grader.aws.packages import Package
from grader.rubric import Check, Context, Task, Verdict, failed

RUNTIME = "python3.12"  # every function of the assessment runs it; so does its layer
LAYER = "common-utils-layer"


# --- functions ---------------------------------------------------------------------------------------


def redeploy_hint(prefix: str) -> str:
    """The check's fix as ``--explain`` shows it."""
    return f"aws lambda update-function-code --function-name {prefix}-{{sid}} --zip-file fileb://function.zip"


def redeploy(ctx: Context, prefix: str, lacks: str) -> str:
    """What the code lacks, then the command that deploys the corrected ``function.zip``."""
    return shell.fix(
        shell.comment(
            f"{lacks.rstrip('.?!')}; zip the corrected code as function.zip (its files at the zip's root), then:"
        ),
        shell.aws(
            "lambda", "update-function-code", "--function-name", ctx.name(prefix), "--zip-file", "fileb://function.zip"
        ),
    )


def function_package(ctx: Context, prefix: str) -> Package:
    """The function's package; CodeProblem when there is none or it cannot be judged."""
    package = ctx.facts.function_package(ctx.name(prefix))
    if package is None:
        raise CodeProblem("no deployment package")
    if package.problem:
        raise CodeProblem(f"the deployment package cannot be judged: {package.problem}")
    return package


def handler_code(ctx: Context, prefix: str) -> tuple[Handler, list[Source]]:
    """The handler the function's ``Handler`` setting names, and every module of the student's own it runs."""
    package = function_package(ctx, prefix)
    handler = python_source.find_handler(package, (configuration(ctx, prefix) or {}).get("Handler"))
    return handler, python_source.own_modules(package, handler.source)


Judge = Callable[[Context, Handler, list[Source]], Verdict]


def code_check(
    task: Task, check_id: str, title: str, prefix: str, exists: Check | str, *, points: float, judge: Judge
) -> Check:
    """A check of what the function's handler does: ``judge`` sees the handler and the modules it runs; a
    package that cannot be judged, a missing handler or a syntax error fails with what is wrong."""

    @task.check(check_id, title, points=points, requires=exists, hint=redeploy_hint(prefix))
    def check(ctx: Context) -> Verdict:
        try:
            handler, modules = handler_code(ctx, prefix)
        except CodeProblem as problem:
            return failed(f"{ctx.name(prefix)}: {problem}", hint=unjudged_fix(ctx, prefix, problem))
        return judge(ctx, handler, modules)

    return check


def unjudged_fix(ctx: Context, prefix: str, problem: CodeProblem) -> str:
    """The fix of code that cannot be judged: when the Handler setting names what the package does not have
    but another module of it does, the setting is changed; otherwise the code is redeployed."""
    package = ctx.facts.function_package(ctx.name(prefix))
    setting = (configuration(ctx, prefix) or {}).get("Handler")
    if isinstance(problem, HandlerMissing) and package is not None:
        other = python_source.handler_elsewhere(package, setting)
        if other:
            return shell.fix(
                shell.comment(f"{problem}; {other} is in the package:"),
                shell.aws(
                    "lambda", "update-function-configuration", "--function-name", ctx.name(prefix), "--handler", other
                ),
            )
    return redeploy(ctx, prefix, str(problem))


def where(handler: Handler) -> str:
    """The handler as evidence names it: ``lambda_function.py:5 lambda_handler``."""
    return f"{handler.source.path}:{handler.line} {handler.function}"


# --- the layer -----------------------------------------------------------------------------------------

PUBLISH_WORDS = (
    "lambda",
    "publish-layer-version",
    "--layer-name",
    None,
    "--description",
    "Shared helpers for the course functions",
    "--compatible-runtimes",
    RUNTIME,
    "--zip-file",
    "fileb://layer.zip",
)


def republish(ctx: Context, lacks: str, build: str) -> str:
    """What the layer lacks, how to build ``layer.zip``, and the command that publishes it as a new version."""
    words = list(PUBLISH_WORDS)
    words[3] = ctx.name(LAYER)
    return shell.fix(
        shell.comment(f"{lacks}; {build}, zip the python/ folder (python/ at the root) as layer.zip, then:"),
        shell.aws(*words),
        shell.comment(
            f"then give {ctx.name('layer-consumer')} the new version: update-function-configuration "
            "--layers with the LayerVersionArn printed, and its other layers"
        ),
    )


def latest_layer_package(ctx: Context) -> tuple[dict, Package]:
    """The newest version of the student's layer and its content; CodeProblem when it cannot be judged."""
    version = ctx.facts.latest_layer_version(ctx.name(LAYER)) or {}
    arn = version.get("LayerVersionArn")
    package = ctx.facts.layer_package(arn) if isinstance(arn, str) and arn else None
    if package is None:
        raise CodeProblem(f"version {version.get('Version')} of {ctx.name(LAYER)} has no content to read")
    if package.problem:
        raise CodeProblem(f"version {version.get('Version')}'s content cannot be judged: {package.problem}")
    return version, package


def own_layer_arns(ctx: Context, prefix: str) -> list[str]:
    """The function's layers published in the student's account and region (the ones worth reading)."""
    arns = []
    for arn in layer_arns(configuration(ctx, prefix) or {}):
        match = LAYER_VERSION_ARN.match(arn)
        if match and match["account"] == ctx.account and match["region"] == ctx.region:
            arns.append(arn)
    return arns
