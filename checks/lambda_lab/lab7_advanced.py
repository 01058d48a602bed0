"""Lab 7: a shared layer, asynchronous processing with a dead-letter queue, and reserved concurrency."""

from checks.account_concurrency import no_room
from checks.aws_rules import QUEUE_SEND_ACTIONS, async_limits, queue_role_fix
from checks.lambda_lab.common import ADVANCED, ASYNC, configuration, missing
from checks.shared import uses_own_layer
from grader import shell
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
    return shell.fix(grant, ASYNC_HINT)


@TASK.check("7.1", f"Layer {LAYER} is published for python3.12", points=3, hint=PUBLISH)
def layer(ctx: Context) -> Verdict:
    version = ctx.facts.latest_layer_version(LAYER)
    if not version:
        return failed(f"no layer named {LAYER} in {ctx.region}")
    runtimes = version.get("CompatibleRuntimes") or []
    if "python3.12" in runtimes:
        return passed(f"{LAYER} version {version.get('Version')} lists python3.12")
    return failed(f"{LAYER} version {version.get('Version')} lists {', '.join(runtimes) or 'no runtimes'}, not "
                  "python3.12: publish a new version")


@TASK.check("7.2", f"{ADVANCED} uses the {LAYER} layer", points=3)
def uses_layer(ctx: Context) -> Verdict:
    config = configuration(ctx, ADVANCED)
    if config is None:
        return missing(ctx, ADVANCED)
    return uses_own_layer(ctx, ADVANCED, config, LAYER)


@TASK.check("7.3", f"{ASYNC} keeps events 1 hour and retries twice", points=4, hint=ASYNC_HINT)
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


@TASK.check("7.4", f"Failed {ASYNC} events go to the SQS queue {QUEUE}", points=3, hint=ASYNC_HINT)
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


@TASK.check("7.5", f"{ASYNC} has reserved concurrency 5", points=3, hint=RESERVE)
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
