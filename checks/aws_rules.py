"""What AWS itself requires of, or assumes for, what a student configures, as the fixes and checks need it: the
permissions AWS checks before it accepts a queue, the defaults of what it leaves out, and waiting for a function
it is still creating or updating."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from checks.shared import (
    ROLE_PLACEHOLDER,
    aws_managed_policy_arn,
    for_advice,
    role_name,
    role_policy_documents,
    role_request,
)
from grader import shell
from grader.rubric import Context

# What AWS checks a function's execution role for before it accepts a queue (the configuration call is
# refused otherwise: tests/recordings/lambda/PutFunctionEventInvokeConfig.json, CreateEventSourceMapping.json,
# UpdateFunctionConfiguration.json): a destination or dead-letter queue, and an SQS trigger.
QUEUE_SEND_ACTIONS = ("sqs:SendMessage",)
QUEUE_TRIGGER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
SQS_EXECUTION_POLICY = "service-role/AWSLambdaSQSQueueExecutionRole"  # the three trigger actions on every queue


def queue_role_fix(ctx: Context, role_arn: str | None, actions: tuple[str, ...], queues: Iterable[str],
                   policy_name: str) -> str | None:
    """The line that lets the role do ``actions`` on ``queues`` (their ARNs) before a fix configures them, with
    what AWS would answer without it; None when the role already may (read for advice only: a role that cannot
    be read gets the line). A trigger's three actions come with AWS's managed SQS execution policy."""
    from checks import policy_evaluation

    queues = list(queues)
    documents = for_advice(lambda: role_policy_documents(ctx, role_arn), None)
    if documents is not None and not any(policy_evaluation.missing_actions(documents, actions, queue, **role_request(ctx))
                                         for queue in queues):
        return None
    role = role_name(role_arn) or ROLE_PLACEHOLDER
    if actions == QUEUE_TRIGGER_ACTIONS:
        grant = shell.aws("iam", "attach-role-policy", "--role-name", role, "--policy-arn",
                          aws_managed_policy_arn(ctx, SQS_EXECUTION_POLICY))
    else:
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions),
                                                            "Resource": queues[0] if len(queues) == 1 else queues}]}
        grant = shell.aws("iam", "put-role-policy", "--role-name", role, "--policy-name", policy_name,
                          "--policy-document", json.dumps(document, separators=(",", ":")))
    names = [action.split(":")[1] for action in actions]
    needed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return shell.fix(shell.comment(f"AWS refuses the queue until the function's role may {needed} on it:"), grant)


# What AWS does with an asynchronous invocation whose limits were never set (GetFunctionEventInvokeConfig then
# leaves them out: LocalStack's AWS-validated test_lambda_eventinvokeconfig_lifecycle, put_invokeconfig_retries_0):
# it retries twice and keeps events up to 6 hours (AWS Lambda developer guide, "Asynchronous invocation").
DEFAULT_RETRIES, DEFAULT_EVENT_AGE = 2, 21600


def async_limits(config: dict[str, Any]) -> tuple[Any, Any, str]:
    """(retry attempts, maximum event age, what the message says of defaults): a limit AWS leaves out is its
    default, and the message says so."""
    retries, age = config.get("MaximumRetryAttempts"), config.get("MaximumEventAgeInSeconds")
    unset = [name for name, value in (("retry attempts", retries), ("event age", age)) if value is None]
    said = f" ({' and '.join(unset)} not set: AWS's default{'s' if len(unset) > 1 else ''} apply)" if unset else ""
    return (DEFAULT_RETRIES if retries is None else retries, DEFAULT_EVENT_AGE if age is None else age, said)


def settling_waiter(ctx: Context, name: str) -> str | None:
    """The waiter a fix needs before changing function ``name`` as it was read: ``function-active-v2`` while it is
    Pending (just created), ``function-updated-v2`` while its last update is InProgress; None when settled or
    missing (tests/recordings/lambda/GetFunction.json pending, update-in-progress)."""
    config = configuration_by_name(ctx, name)
    if config.get("State") == "Pending":
        return "function-active-v2"
    if config.get("LastUpdateStatus") == "InProgress":
        return "function-updated-v2"
    return None


def configuration_by_name(ctx: Context, name: str) -> dict[str, Any]:
    function = ctx.facts.function(name)
    return (function or {}).get("Configuration") or {}


def waits_for_settling(ctx: Context, fix: str) -> str:
    """A fix that changes a function AWS is still creating or updating waits for it first: AWS refuses the change
    meanwhile (ResourceConflictException; tests/recordings/lambda/UpdateFunctionConfiguration.json)."""
    return shell.waits_before_changes(fix, lambda name: settling_waiter(ctx, name))

