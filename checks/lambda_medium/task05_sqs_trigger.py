"""Task 5: sqs-consumer-<id> is triggered by task-queue-<id> with partial batch responses."""

from checks import python_behaviour
from checks.aws_rules import QUEUE_TRIGGER_ACTIONS, queue_role_fix
from checks.lambda_medium.common import (
    ENABLING,
    function_exists,
    memory_check,
    queue_arn,
    queue_attributes,
    queue_exists,
    runtime_check,
    trigger_from,
)
from checks.lambda_medium.deployed import code_check, redeploy, where
from checks.python_source import Handler, Source
from checks.shared import configuration
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(5, "SQS trigger", points=10)
QUEUE, FUNCTION = "task-queue", "sqs-consumer"
ATTRIBUTES = {"VisibilityTimeout": "300", "MessageRetentionPeriod": "345600"}
MAPPING_HINT = (
    "aws lambda create-event-source-mapping --function-name sqs-consumer-{sid} "
    "--event-source-arn arn:{partition}:sqs:{region}:{account}:task-queue-{sid} --batch-size 10 "
    "--maximum-batching-window-in-seconds 5 --function-response-types ReportBatchItemFailures"
)

queue = queue_exists(TASK, "5.1", QUEUE, points=1.5, attributes=ATTRIBUTES)
attributes = queue_attributes(TASK, "5.2", queue, QUEUE, ATTRIBUTES, points=1)
exists = function_exists(TASK, "5.3", FUNCTION, points=1.5, memory=256)
runtime = runtime_check(TASK, "5.4", exists, FUNCTION, points=0.5)
memory = memory_check(TASK, "5.5", exists, FUNCTION, 256, points=0.5)


def mapping(ctx: Context) -> dict | None:
    """The trigger from the student's queue to their function (or one of its versions or aliases)."""
    return trigger_from(ctx, QUEUE, FUNCTION)


@TASK.check("5.6", "Trigger from task-queue-<id> is enabled", points=1.5, requires=exists, hint=MAPPING_HINT)
def trigger(ctx: Context) -> Verdict:
    if queue_arn(ctx, QUEUE) is None:
        return failed(f"the queue {ctx.name(QUEUE)} does not exist (see 5.1)")
    found = mapping(ctx)
    if found is None:
        # AWS creates the trigger only when the function's role may read the queue: granted first if need be.
        grant = queue_role_fix(ctx, (configuration(ctx, FUNCTION) or {}).get("Role"), QUEUE_TRIGGER_ACTIONS,
                               [queue_arn(ctx, QUEUE)], ctx.name("sqs-trigger"))
        return failed(f"{ctx.name(FUNCTION)} has no trigger from {ctx.name(QUEUE)}", hint=shell.fix(grant, ctx.fill(MAPPING_HINT)))
    state, uuid = found.get("State"), found.get("UUID")
    if state == "Enabled":
        return passed(f"trigger {uuid} is Enabled", uuid=uuid, state=state)
    if state in ENABLING:
        # Still settling after the grader's wait: judged by the configuration it is moving to.
        return passed(f"trigger {uuid} is {state}: still settling, judged as enabled", uuid=uuid, state=state)
    if state == "Deleting":
        return failed(f"the trigger {uuid} is being deleted", uuid=uuid, state=state)
    return failed(f"the trigger is {state}", hint=f"aws lambda update-event-source-mapping --uuid {uuid} --enabled",
                  uuid=uuid, state=state)


@TASK.check("5.7", "Batch size 10, batching window 5 s", points=1, requires=trigger, hint=MAPPING_HINT)
def batching(ctx: Context) -> Verdict:
    found = mapping(ctx) or {}
    size, window = found.get("BatchSize"), found.get("MaximumBatchingWindowInSeconds")
    if size == 10 and window == 5:
        return passed("batch size 10, window 5 s")
    return failed(
        f"batch size {size}, batching window {window} s (expected 10 and 5)",
        hint=f"aws lambda update-event-source-mapping --uuid {found.get('UUID')} --batch-size 10 "
        "--maximum-batching-window-in-seconds 5",
    )


@TASK.check("5.8", "Reports batch item failures", points=1, requires=trigger, hint=MAPPING_HINT)
def partial_batches(ctx: Context) -> Verdict:
    found = mapping(ctx) or {}
    if "ReportBatchItemFailures" in (found.get("FunctionResponseTypes") or []):
        return passed("ReportBatchItemFailures is on")
    return failed(
        "the trigger does not report batch item failures",
        hint=f"aws lambda update-event-source-mapping --uuid {found.get('UUID')} "
        "--function-response-types ReportBatchItemFailures",
    )


def reports_failures(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    # With ReportBatchItemFailures, Lambda retries only the messages whose messageId the function returns
    # as {"batchItemFailures": [{"itemIdentifier": ...}]} (Lambda Developer Guide, "Implementing partial
    # batch responses"); without it a failure retries the whole batch.
    returned, built = python_behaviour.returned_keys(modules), python_behaviour.dict_keys(modules)
    missing = [key for key, keys in (("batchItemFailures", returned), ("itemIdentifier", built)) if key not in keys]
    if missing:
        said = {"batchItemFailures": "returns no batchItemFailures", "itemIdentifier": "names no itemIdentifier"}
        lacks = f"{handler.source.path} {' and '.join(said[key] for key in missing)}"
        return failed(f"{lacks}: a failed message is never reported on its own", handler=where(handler), hint=redeploy(
            ctx, FUNCTION, f"{lacks}; return {{'batchItemFailures': [{{'itemIdentifier': messageId}}, ...]}}"))
    return passed(f"returns batchItemFailures ({returned['batchItemFailures']}) with itemIdentifier "
                  f"({built['itemIdentifier']})", batchItemFailures=returned["batchItemFailures"],
                  itemIdentifier=built["itemIdentifier"])


reports = code_check(TASK, "5.9", "The handler returns batchItemFailures with itemIdentifier", FUNCTION, exists,
                     points=1.5, judge=reports_failures)
