"""Task 6: async-processor-<id> sends dead letters to lambda-dlq-<id>, which dlq-processor-<id> drains."""

from checks import python_behaviour
from checks.aws_rules import QUEUE_SEND_ACTIONS, QUEUE_TRIGGER_ACTIONS, queue_role_fix
from checks.lambda_medium.common import (
    configuration,
    function_exists,
    queue_arn,
    queue_attributes,
    queue_exists,
    trigger_from,
)
from checks.lambda_medium.deployed import code_check, redeploy, where
from checks.python_source import Handler, Source
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(6, "Dead-letter queue", points=8)
QUEUE, ASYNC, PROCESSOR = "lambda-dlq", "async-processor", "dlq-processor"
ATTRIBUTES = {"MessageRetentionPeriod": "1209600"}
DEAD_LETTER_HINT = ("aws lambda update-function-configuration --function-name async-processor-{sid} "
                    "--dead-letter-config TargetArn=arn:{partition}:sqs:{region}:{account}:lambda-dlq-{sid}")
TRIGGER_HINT = ("aws lambda create-event-source-mapping --function-name dlq-processor-{sid} "
                "--event-source-arn arn:{partition}:sqs:{region}:{account}:lambda-dlq-{sid}")

queue = queue_exists(TASK, "6.1", QUEUE, points=1.5, attributes=ATTRIBUTES)
retention = queue_attributes(TASK, "6.2", queue, QUEUE, ATTRIBUTES, points=1)


@TASK.check(
    "6.3", "async-processor-<id> dead-letter queue is lambda-dlq-<id>", points=2, requires=(queue, "4.1"),
    hint=DEAD_LETTER_HINT,
)
def dead_letter_target(ctx: Context) -> Verdict:
    target = ((configuration(ctx, ASYNC) or {}).get("DeadLetterConfig") or {}).get("TargetArn")
    if target == queue_arn(ctx, QUEUE):
        return passed(f"dead letters go to {ctx.name(QUEUE)}")
    # AWS accepts the queue only when the function's role may send to it: granted first if need be.
    grant = queue_role_fix(ctx, (configuration(ctx, ASYNC) or {}).get("Role"), QUEUE_SEND_ACTIONS,
                           [queue_arn(ctx, QUEUE)], ctx.name("lambda-dlq"))
    return failed(f"{ctx.name(ASYNC)} dead-letter target is {target or 'not set'}", hint=shell.fix(grant, ctx.fill(DEAD_LETTER_HINT)),
                  target=target)


processor = function_exists(TASK, "6.4", PROCESSOR, points=1)


@TASK.check(
    "6.5", "dlq-processor-<id> is triggered by lambda-dlq-<id>", points=1, requires=processor,
    hint=TRIGGER_HINT,
)
def drains_queue(ctx: Context) -> Verdict:
    source = queue_arn(ctx, QUEUE)
    if source is None:
        return failed(f"the queue {ctx.name(QUEUE)} does not exist (see 6.1)")
    found = trigger_from(ctx, QUEUE, PROCESSOR)
    if found is not None:
        return passed(f"trigger {found.get('UUID')} reads {ctx.name(QUEUE)}", uuid=found.get("UUID"))
    grant = queue_role_fix(ctx, (configuration(ctx, PROCESSOR) or {}).get("Role"), QUEUE_TRIGGER_ACTIONS, [source],
                           ctx.name("dlq-trigger"))
    return failed(f"{ctx.name(PROCESSOR)} has no trigger from {ctx.name(QUEUE)}", hint=shell.fix(grant, ctx.fill(TRIGGER_HINT)))


def reads_failed_events(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    # Triggered by the queue, the function gets {"Records": [...]}, each record's "body" holding the event
    # that failed (Lambda Developer Guide, "Using Lambda with Amazon SQS").
    read = python_behaviour.keys_read(modules)
    missing = [key for key in ("Records", "body") if key not in read]
    if missing:
        lacks = f"{handler.source.path} does not read {' or '.join(repr(k) for k in missing)} of the event"
        return failed(f"{lacks}: the failed events are never looked at", handler=where(handler), hint=redeploy(
            ctx, PROCESSOR, f"{lacks}; read each record's body: for record in event['Records']: record['body']"))
    return passed(f"reads event['Records'] ({read['Records']}) and each record's body ({read['body']})",
                  reads={key: read[key] for key in ("Records", "body")})


reads = code_check(TASK, "6.6", "dlq-processor-<id> reads each failed event (the records' body)", PROCESSOR, processor,
                   points=1.5, judge=reads_failed_events)
