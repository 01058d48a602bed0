"""Task 2: layer-consumer-<id> runs on the student's own layer, and its code imports the layer's utils."""

from checks import python_source
from checks.lambda_medium import deployed
from checks.lambda_medium.common import configuration, function_exists, memory_check, runtime_check
from checks.lambda_medium.deployed import RUNTIME, code_check, function_package, redeploy, redeploy_hint, where
from checks.python_source import CodeProblem, Handler, Source
from checks.shared import layer_arns, uses_own_layer
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(2, "Function using the layer", points=8)
FUNCTION = "layer-consumer"

exists = function_exists(TASK, "2.1", FUNCTION, points=2, memory=256)
runtime = runtime_check(TASK, "2.2", exists, FUNCTION, points=1)
memory = memory_check(TASK, "2.3", exists, FUNCTION, 256, points=1)


@TASK.check("2.4", "Uses a version of common-utils-layer-<id>", points=1.5, requires=exists)
def uses_layer(ctx: Context) -> Verdict:
    # The exact name, in this account: another student's "common-utils-layer-<id>x" is not yours.
    return uses_own_layer(ctx, ctx.name(FUNCTION), configuration(ctx, FUNCTION) or {}, ctx.name("common-utils-layer"))


def handler_found(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    return passed(f"{ctx.name(FUNCTION)}'s handler is {where(handler)}", handler=where(handler))


handler_check = code_check(TASK, "2.5", "The function's Handler setting names a handler in its package", FUNCTION,
                           exists, points=1, judge=handler_found)


@TASK.check("2.6", "The handler uses names from the layer's utils", points=1, requires=handler_check,
            hint=redeploy_hint(FUNCTION))
def uses_utils(ctx: Context) -> Verdict:
    found, modules = deployed.handler_code(ctx, FUNCTION)
    used = python_source.names_used_from(modules, "utils")
    if not used:
        lacks = f"{found.source.path} never imports utils: the layer is attached but its helpers are not used"
        return failed(lacks, hint=redeploy(ctx, FUNCTION, f"{found.source.path} must import utils "
                                           "(from utils import format_response, ...) and use it"), handler=where(found))
    uses: dict[str, str] = {}
    for name, at in used:
        uses.setdefault(name, at)
    return passed(f"{used[0][1]} takes {', '.join(uses)} from utils", uses=uses)


@TASK.check("2.7", "The package does not ship its own utils (the layer's is imported)", points=0.5, requires=exists,
            hint=redeploy_hint(FUNCTION))
def layer_utils(ctx: Context) -> Verdict:
    try:
        package = function_package(ctx, FUNCTION)
    except CodeProblem as problem:
        return failed(f"{ctx.name(FUNCTION)}: {problem}", hint=redeploy(ctx, FUNCTION, str(problem)))
    arns = deployed.own_layer_arns(ctx, FUNCTION)
    layers = [ctx.facts.layer_package(arn) for arn in arns]
    runtime = (configuration(ctx, FUNCTION) or {}).get("Runtime") or RUNTIME
    located = python_source.resolve("utils", package, layers, runtime)
    if located is not None and located.layer is None:
        lacks = (f"the package ships its own {located.path}, which Lambda imports instead of the layer's (the "
                 "package comes first on the path)")
        return failed(lacks, hint=redeploy(ctx, FUNCTION, f"leave {located.path} out of function.zip"),
                      shadowing=located.path)
    if located is not None:
        layer = arns[located.layer].split(":layer:")[-1]
        return passed(f"the package ships no utils of its own: utils is {located.path} of {layer}",
                      utils=f"{layer} {located.path}")
    return older_layer(ctx) or passed("the package ships no utils of its own (nor do its layers: see 1.4)")


def older_layer(ctx: Context) -> Verdict | None:
    """The function runs an older version of the student's layer, without utils, while the newest has it."""
    newest = ctx.facts.latest_layer_version(ctx.name(deployed.LAYER)) or {}
    latest = newest.get("LayerVersionArn")
    if not latest:
        return None
    unversioned = latest.rsplit(":", 1)[0]
    # One version of a layer at most per function (AWS refuses two versions of the same layer).
    runs = next((arn for arn in deployed.own_layer_arns(ctx, FUNCTION) if arn.rsplit(":", 1)[0] == unversioned), None)
    if runs in (None, latest) or python_source.resolve("utils", None, [ctx.facts.layer_package(latest)]) is None:
        return None
    others = [arn for arn in layer_arns(configuration(ctx, FUNCTION) or {}) if arn.rsplit(":", 1)[0] != unversioned]
    fix = shell.aws("lambda", "update-function-configuration", "--function-name", ctx.name(FUNCTION), "--layers",
                    latest, others)
    return failed(f"{ctx.name(FUNCTION)} runs {runs.split(':layer:')[-1]}, which has no utils; the newest version, "
                  f"{newest.get('Version')}, has it", hint=fix, runs=runs)
