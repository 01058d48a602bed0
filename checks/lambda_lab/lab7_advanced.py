"""Lab 7: a shared layer, asynchronous processing with a dead-letter queue, and reserved concurrency."""

from checks import python_behaviour, python_source
from checks.account_concurrency import no_room
from checks.aws_rules import QUEUE_SEND_ACTIONS, async_limits, queue_role_fix
from checks.lambda_lab import deployed
from checks.lambda_lab.common import ADVANCED, ASYNC, configuration, missing
from checks.lambda_lab.deployed import Lacks, code_check, where
from checks.python_source import CodeProblem, Handler, Source
from checks.shared import LAYER_VERSION_ARN, layer_arns, uses_own_layer
from grader import shell
from grader.aws.packages import Package
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(7, "Layers, async invocation and concurrency", points=16)
LAYER = "common-utilities"
QUEUE = "lambda-dlq"
PUBLISH = ("aws lambda publish-layer-version --layer-name common-utilities --description "
           '"Common utilities for Lambda functions" --zip-file fileb://common-layer.zip '
           "--compatible-runtimes python3.12 --compatible-architectures x86_64")
ASYNC_HINT = ("aws lambda put-function-event-invoke-config --function-name AsyncProcessor "
              "--maximum-event-age-in-seconds 3600 --maximum-retry-attempts 2 --destination-config "
              "'{\"OnFailure\":{\"Destination\":\"arn:{partition}:sqs:{region}:{account}:lambda-dlq\"}}'")


def destination_fix(ctx: Context) -> str:
    """The asynchronous configuration with its destination, after the grant AWS needs first: a destination
    the function's role may not send to is refused."""
    queue = (ctx.facts.queue(QUEUE) or {}).get("QueueArn") or ctx.arn("sqs", QUEUE)
    grant = queue_role_fix(ctx, (configuration(ctx, ASYNC) or {}).get("Role"), QUEUE_SEND_ACTIONS, [queue],
                           "send-to-lambda-dlq")
    return shell.fix(grant, ctx.fill(ASYNC_HINT))


@TASK.check("7.1", f"Layer {LAYER} is published for python3.12", points=2, hint=PUBLISH)
def layer(ctx: Context) -> Verdict:
    version = ctx.facts.latest_layer_version(LAYER)
    if not version:
        return failed(f"no layer named {LAYER} in {ctx.region}")
    runtimes = version.get("CompatibleRuntimes") or []
    if "python3.12" in runtimes:
        return passed(f"{LAYER} version {version.get('Version')} lists python3.12")
    return failed(f"{LAYER} version {version.get('Version')} lists {', '.join(runtimes) or 'no runtimes'}, not "
                  "python3.12: publish a new version")


@TASK.check("7.2", f"{ADVANCED} uses the {LAYER} layer", points=2)
def uses_layer(ctx: Context) -> Verdict:
    config = configuration(ctx, ADVANCED)
    if config is None:
        return missing(ctx, ADVANCED)
    return uses_own_layer(ctx, ADVANCED, config, LAYER)


@TASK.check("7.3", f"{ASYNC} keeps events 1 hour and retries twice", points=3, hint=ASYNC_HINT)
def async_config(ctx: Context) -> Verdict:
    if configuration(ctx, ASYNC) is None:
        return missing(ctx, ASYNC)
    config = ctx.facts.event_invoke_config(ASYNC)
    if config is None:
        return failed(f"{ASYNC} has no asynchronous invocation settings", hint=destination_fix(ctx))
    expected = {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 2}
    # A limit never set is left out of AWS's answer, and AWS then applies its default (aws_rules.async_limits).
    retries, age, defaults = async_limits(config)
    effective = {"MaximumEventAgeInSeconds": age, "MaximumRetryAttempts": retries}
    wrong = {key: effective[key] for key, value in expected.items() if effective[key] != value}
    if wrong:
        # update- changes only what it names: the failed-event destination stays.
        options = {"MaximumEventAgeInSeconds": "--maximum-event-age-in-seconds",
                   "MaximumRetryAttempts": "--maximum-retry-attempts"}
        fix = shell.aws("lambda", "update-function-event-invoke-config", "--function-name", ASYNC,
                        *[word for key in wrong for word in (options[key], expected[key])])
        said = "; ".join(f"{k} is {v!r}" if config.get(k) is not None else f"{k} is not set, so AWS's default {v!r}"
                         for k, v in wrong.items())
        return failed(said + " (expected 3600 s and 2 retries)", hint=fix, **wrong)
    return passed(f"maximum event age 3600 s, 2 retries{defaults}")


@TASK.check("7.4", f"Failed {ASYNC} events go to the SQS queue {QUEUE}", points=2, hint=ASYNC_HINT)
def dead_letters(ctx: Context) -> Verdict:
    config = configuration(ctx, ASYNC)
    if config is None:
        return missing(ctx, ASYNC)
    queue = ctx.facts.queue(QUEUE)
    if queue is None:
        return failed(f"no SQS queue named {QUEUE}", hint=f"aws sqs create-queue --queue-name {QUEUE}")
    wanted = queue.get("QueueArn")
    on_failure = (((ctx.facts.event_invoke_config(ASYNC) or {}).get("DestinationConfig") or {})
                  .get("OnFailure") or {}).get("Destination")
    dead_letter = (config.get("DeadLetterConfig") or {}).get("TargetArn")
    if wanted in (on_failure, dead_letter):
        how = "on-failure destination" if on_failure == wanted else "dead-letter queue"
        return passed(f"{QUEUE} is the {how}", queue=wanted)
    elsewhere = on_failure or dead_letter
    return failed(f"failed events go to {elsewhere}, not {wanted}" if elsewhere else
                  f"{ASYNC} sends failed events nowhere: set {QUEUE} as its on-failure destination",
                  hint=destination_fix(ctx))


RESERVE = f"aws lambda put-function-concurrency --function-name {ASYNC} --reserved-concurrent-executions 5"


@TASK.check("7.5", f"{ASYNC} has reserved concurrency 5", points=2, hint=RESERVE)
def reserved(ctx: Context) -> Verdict:
    if configuration(ctx, ASYNC) is None:
        return missing(ctx, ASYNC)
    value = ctx.facts.reserved_concurrency(ASYNC)
    if value == 5:
        return passed("reserved concurrency 5")
    message = f"reserved concurrency is {'not set' if value is None else value} (expected 5)"
    # A new account's quota (10) leaves no room for any reservation: AWS refuses the fix until it is raised.
    refused = no_room(ctx, 5, value or 0)
    if refused:
        return failed(f"{message}; {refused.message}", hint=shell.fix(refused.request, RESERVE), reserved=value)
    return failed(message, reserved=value)


# --- the code: the layer's common_utils, the function importing it, the processor that fails loudly ---

MODULE = "common_utils"
HELPERS = ("format_response", "validate_input", "DataProcessor")


def republish(ctx: Context, correction: str) -> str:
    """What the layer lacks, how to build common-layer.zip, the command that publishes it as a new version."""
    return shell.fix(
        shell.comment(f"{correction}; zip the python/ folder (python/ at the zip's root) as common-layer.zip, then:"),
        shell.aws("lambda", "publish-layer-version", "--layer-name", LAYER, "--description",
                  "Common utilities for Lambda functions", "--zip-file", "fileb://common-layer.zip",
                  "--compatible-runtimes", "python3.12", "--compatible-architectures", "x86_64"),
        shell.comment(f"then give {ADVANCED} the new version: update-function-configuration --layers with the "
                      "LayerVersionArn printed (and its other layers)"),
    )


def runtimes(ctx: Context, version: dict) -> list[str]:
    """The Python runtimes a layer version serves: those it lists, the function's, and the lab's."""
    found = [str(r) for r in version.get("CompatibleRuntimes") or [] if str(r).startswith("python")]
    return list(dict.fromkeys([*found, deployed.runtime(ctx, ADVANCED), deployed.RUNTIME]))


def importable(package: Package, runtimes: list[str]) -> str | None:
    """Where ``import common_utils`` finds the module in this layer for one of ``runtimes``."""
    for runtime in runtimes:
        found = python_source.resolve(MODULE, None, [package], runtime)
        if found is not None:
            return found.path
    return None


def misplaced(package: Package) -> str:
    """Where a common_utils.py the runtime does not import from lies, as the message says it."""
    elsewhere = [name for name in package.names if name.rsplit("/", 1)[-1] == f"{MODULE}.py"]
    return f": it is at {elsewhere[0]}" if elsewhere else ""


@TASK.check("7.6", f"The newest {LAYER} version holds {MODULE}.py with {', '.join(HELPERS)}", points=2, hint=PUBLISH)
def layer_code(ctx: Context) -> Verdict:
    version = ctx.facts.latest_layer_version(LAYER)
    if not version:
        return failed(f"no layer named {LAYER} in {ctx.region} (see 7.1)")
    number = version.get("Version")
    package = ctx.facts.layer_package(version.get("LayerVersionArn"))
    if package is None or package.problem:
        why = "has no content to read" if package is None else f"cannot be judged: {package.problem}"
        return failed(f"version {number} of {LAYER} {why}", hint=republish(ctx, f"version {number} {why}"))
    served = runtimes(ctx, version)
    path = importable(package, served)
    if path is None:
        lacks = (f"version {number} holds no {MODULE}.py where Lambda imports from (python/ or "
                 f"python/lib/{served[0]}/site-packages/){misplaced(package)}")
        return failed(lacks, hint=republish(ctx, f"put {MODULE}.py in python/"))
    try:
        source = python_source.parse(package, path)
    except CodeProblem as problem:
        return failed(f"version {number}: {problem}", hint=republish(ctx, f"correct {path}"))
    defined = python_source.defined_names(source.tree)
    absent = [name for name in HELPERS if name not in defined]
    if absent:
        lacks = f"version {number}'s {path} defines no {', '.join(absent)}"
        return failed(lacks, hint=republish(ctx, f"{path} must define {', '.join(absent)}"), missing=absent)
    return passed(f"version {number}'s {path} defines {', '.join(HELPERS)}",
                  defined={name: f"{path}:{defined[name]}" for name in HELPERS})


def own_layers(ctx: Context) -> list[str]:
    """The function's layers published in the student's account and region (the ones worth reading)."""
    arns = []
    for arn in layer_arns(configuration(ctx, ADVANCED) or {}):
        match = LAYER_VERSION_ARN.match(arn)
        if match and match["account"] == ctx.account and match["region"] == ctx.region:
            arns.append(arn)
    return arns


def newer_version(ctx: Context, attached: list[str]) -> Verdict | None:
    """The function runs an older version of the lab's layer, without common_utils, while the newest has it."""
    latest = (ctx.facts.latest_layer_version(LAYER) or {}).get("LayerVersionArn")
    if not latest:
        return None
    unversioned = latest.rsplit(":", 1)[0]
    runs = [arn for arn in attached if arn.rsplit(":", 1)[0] == unversioned]
    content = ctx.facts.layer_package(latest)
    if not runs or latest in runs or content is None or python_source.resolve(
            MODULE, None, [content], deployed.runtime(ctx, ADVANCED)) is None:
        return None
    others = [arn for arn in layer_arns(configuration(ctx, ADVANCED) or {}) if arn.rsplit(":", 1)[0] != unversioned]
    return failed(f"{ADVANCED} runs {runs[0].split(':layer:')[-1]}, which has no {MODULE}; the newest version, "
                  f"{latest.rsplit(':', 1)[-1]}, has it", runs=runs[0], hint=shell.aws(
                      "lambda", "update-function-configuration", "--function-name", ADVANCED, "--layers", latest, others))


def imports_the_layer(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    file = handler.source.path
    used = python_source.names_used_from(modules, MODULE)
    if not used:
        return Lacks(f"{file} never imports {MODULE}: the layer is attached but its helpers are not used",
                     f"{file} must import {MODULE} (from {MODULE} import {', '.join(HELPERS)}) and use it")
    attached = own_layers(ctx)
    layers = [ctx.facts.layer_package(arn) for arn in attached]
    runtime = deployed.runtime(ctx, ADVANCED)
    located = python_source.resolve(MODULE, deployed.function_package(ctx, ADVANCED), layers, runtime)
    if located is not None and located.layer is None:
        return Lacks(f"the package ships its own {located.path}, which Lambda imports instead of the layer's (the "
                     "function's own code comes first)", f"leave {located.path} out of function.zip",
                     {"shadowing": located.path})
    if located is None:
        shown = ", ".join(arn.split(":layer:")[-1] for arn in attached) or "none of the account's"
        return newer_version(ctx, attached) or failed(
            f"import {MODULE} finds nothing: neither the package nor its layers ({shown}) hold {MODULE}.py in "
            f"python/ or python/lib/{runtime}/site-packages/, so {ADVANCED} fails as it starts",
            hint=republish(ctx, f"{ADVANCED}'s layers hold no {MODULE}: put {MODULE}.py in python/"))
    layer = attached[located.layer].split(":layer:")[-1]
    try:
        module = python_source.parse(layers[located.layer], located.path)
    except CodeProblem as problem:
        return failed(f"{layer}: {problem}", hint=republish(ctx, f"correct {located.path}"))
    defined = python_source.defined_names(module.tree)
    uses: dict[str, str] = {}
    for name, at in used:
        uses.setdefault(name, at)
    undefined = [name for name in uses if name != "*" and name not in defined]
    if undefined:
        lacks = (f"{file} takes {', '.join(undefined)} from {MODULE}, which {located.path} of {layer} does not "
                 "define: the import fails")
        if set(undefined) <= set(HELPERS):
            return failed(lacks, hint=republish(ctx, f"{located.path} must define {', '.join(undefined)}"),
                          undefined=undefined)
        return Lacks(lacks, f"{file} must use only what {located.path} defines", {"undefined": undefined})
    return passed(f"{used[0][1]} takes {', '.join(uses)} from {MODULE}: {located.path} of {layer}", uses=uses,
                  module=f"{layer} {located.path}")


imports_layer = code_check(TASK, "7.7", f"{ADVANCED}'s code imports {MODULE} from the layer", ADVANCED, points=1.5,
                           requires=uses_layer, judge=imports_the_layer)


def raises_on_failure(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    # Lambda retries an asynchronous invocation, then sends it to the on-failure destination, only when the
    # function returns an error: an exception raised ("Error handling and automatic retries", AWS Lambda
    # Developer Guide). A failure caught and answered as a value is a success to Lambda.
    found = python_behaviour.raises(modules)
    file = handler.source.path
    if not found:
        return Lacks(f"{file} never raises: a failed task returns normally, so Lambda neither retries it nor sends "
                     f"it to {QUEUE}", f"{file} must raise an exception when the task fails")
    return passed(f"{where(handler)} raises at {', '.join(found[:3])}", raises=found)


raises = code_check(TASK, "7.8", f"{ASYNC}'s code raises when a task fails", ASYNC, points=1.5,
                    judge=raises_on_failure)
