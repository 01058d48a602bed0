"""Task 4: async-processor-<id> sends results to SQS destinations."""

from checks import python_behaviour
from checks.aws_rules import QUEUE_SEND_ACTIONS, async_limits, queue_role_fix
from checks.lambda_medium.common import (
    create_queue_hint,
    function_exists,
    memory_check,
    queue_arn,
    runtime_check,
    set_queue_attributes_fix,
)
from checks.lambda_medium.deployed import code_check, redeploy, where
from checks.python_source import Handler, Source
from checks.shared import configuration
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(4, "Async destinations", points=10)
FUNCTION = "async-processor"
SUCCESS, FAILURE = "lambda-success-queue", "lambda-failure-queue"
INVOKE_CONFIG_HINT = (
    "aws lambda put-function-event-invoke-config --function-name async-processor-{sid} "
    "--maximum-retry-attempts 2 --maximum-event-age-in-seconds 21600 --destination-config "
    "'{\"OnSuccess\":{\"Destination\":\"arn:{partition}:sqs:{region}:{account}:lambda-success-queue-{sid}\"},"
    "\"OnFailure\":{\"Destination\":\"arn:{partition}:sqs:{region}:{account}:lambda-failure-queue-{sid}\"}}'"
)

exists = function_exists(TASK, "4.1", FUNCTION, points=1.5, memory=256)
runtime = runtime_check(TASK, "4.2", exists, FUNCTION, points=0.5)
memory = memory_check(TASK, "4.3", exists, FUNCTION, 256, points=0.5)


def invoke_config(ctx: Context) -> dict:
    return ctx.facts.event_invoke_config(ctx.name(FUNCTION)) or {}


def configure_fix(ctx: Context, *before: str) -> str:
    """The whole asynchronous configuration, after what it needs: AWS accepts the two destinations only
    when the function's role may send to them, so the grant comes first when the role lacks it."""
    role = (configuration(ctx, FUNCTION) or {}).get("Role")
    queues = [queue_arn(ctx, prefix) or ctx.arn("sqs", ctx.name(prefix)) for prefix in (SUCCESS, FAILURE)]
    grant = queue_role_fix(ctx, role, QUEUE_SEND_ACTIONS, queues, ctx.name("lambda-destinations"))
    return shell.fix(*(ctx.fill(line) for line in before), grant, ctx.fill(INVOKE_CONFIG_HINT))


@TASK.check("4.4", "Async invocation: 2 retries, maximum event age 6 hours", points=1.5, requires=exists,
            hint=INVOKE_CONFIG_HINT)
def retries_and_age(ctx: Context) -> Verdict:
    config = ctx.facts.event_invoke_config(ctx.name(FUNCTION))
    if config is None:
        return failed(f"{ctx.name(FUNCTION)} has no asynchronous invocation configuration", hint=configure_fix(ctx))
    # A limit never set is left out of AWS's answer, and AWS then applies its default (aws_rules.async_limits).
    retries, age, defaults = async_limits(config)
    problems, options = [], []
    if retries != 2:
        problems.append(f"retry attempts {retries} (expected 2)")
        options += ["--maximum-retry-attempts", 2]
    if age != 21600:
        problems.append(f"maximum event age {age} s (expected 21600 s = 6 hours)")
        options += ["--maximum-event-age-in-seconds", 21600]
    if problems:
        # update- changes only what it names: the destinations stay as they are.
        return failed("; ".join(problems), hint=shell.aws(
            "lambda", "update-function-event-invoke-config", "--function-name", ctx.name(FUNCTION), *options))
    return passed(f"2 retries, events kept 6 hours{defaults}")


def destination_check(check_id: str, kind: str, queue: str, other: str, points: float):
    @TASK.check(check_id, f"On-{kind.lower()} destination is {queue}-<id>", points=points, requires=exists,
                hint=INVOKE_CONFIG_HINT)
    def destination(ctx: Context) -> Verdict:
        target = ((invoke_config(ctx).get("DestinationConfig") or {}).get(f"On{kind}") or {}).get("Destination")
        wanted = queue_arn(ctx, queue)
        if wanted is None:
            return failed(f"the queue {ctx.name(queue)} does not exist; create it first",
                          hint=configure_fix(ctx, create_queue_hint(queue, {"MessageRetentionPeriod": "86400"})))
        if target == wanted:
            return passed(f"on {kind.lower()}: {ctx.name(queue)}")
        if target and target == queue_arn(ctx, other):
            return failed(f"on {kind.lower()} goes to {ctx.name(other)}: success and failure are swapped",
                          hint=configure_fix(ctx))
        return failed(f"on {kind.lower()} goes to {target or 'nowhere'}, expected {wanted}", hint=configure_fix(ctx),
                      destination=target)

    return destination


on_success = destination_check("4.5", "Success", SUCCESS, FAILURE, 1.5)
on_failure = destination_check("4.6", "Failure", FAILURE, SUCCESS, 1.5)


@TASK.check("4.7", "Both destination queues keep messages 1 day", points=1)
def queues(ctx: Context) -> Verdict:
    problems, fixes = [], []
    for prefix in (SUCCESS, FAILURE):
        queue = ctx.facts.queue(ctx.name(prefix))
        if queue is None:
            problems.append(f"{ctx.name(prefix)} does not exist")
            fixes.append(ctx.fill(create_queue_hint(prefix, {"MessageRetentionPeriod": "86400"})))
        elif str(queue.get("MessageRetentionPeriod")) != "86400":
            problems.append(f"{ctx.name(prefix)} keeps messages {queue.get('MessageRetentionPeriod')} s (expected 86400)")
            fixes.append(set_queue_attributes_fix(queue, {"MessageRetentionPeriod": "86400"}))
    if problems:
        return failed("; ".join(problems), hint=shell.fix(*fixes))
    return passed("both queues exist with MessageRetentionPeriod 86400")


def raises_on_failure(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    # Lambda sends an event to the on-failure destination (and retries it) only when the invocation
    # ends in an error: a handler that returns, whatever it returns, always succeeds.
    found = python_behaviour.raises(modules)
    if not found:
        lacks = (f"{handler.source.path} never raises: every invocation succeeds, so nothing reaches the failure "
                 "queue")
        return failed(lacks, hint=redeploy(ctx, FUNCTION, f"{handler.source.path} must raise an exception when "
                                           "processing fails"), handler=where(handler))
    return passed(f"raises at {', '.join(found[:3])}", raises=found)


raises = code_check(TASK, "4.8", "The handler raises when processing fails", FUNCTION, exists, points=2,
                    judge=raises_on_failure)
