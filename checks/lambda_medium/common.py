"""Declarative builders for the checks that recur across tasks: a function or queue exists, a setting
has its value. Each returns the registered :class:`~grader.rubric.Check`, so others can require it."""

from __future__ import annotations

from typing import Any

from checks import shared
from checks.shared import LAMBDA_ROLE_POLICIES, aws_managed_policy_arn, configuration, layer_arns, role_policy_documents
from grader import shell
from grader.aws.services.lambda_ import mapping_function_name
from grader.rubric import Check, Context, Task, Verdict, failed, passed

# Every function of the assessment, by name prefix (the student ID follows).
FUNCTIONS = (
    "layer-consumer",
    "vpc-lambda",
    "async-processor",
    "sqs-consumer",
    "dlq-processor",
    "rate-limited-function",
)


def create_function_fix(ctx: Context, prefix: str, memory: int | None = None, timeout: int | None = None) -> str:
    """create-function for the student's ``prefix`` function, with the role their other functions use."""
    return shared.create_function_fix(ctx, ctx.name(prefix), shared.known_role(ctx, FUNCTIONS), memory=memory,
                                      timeout=timeout)


def function_exists(task: Task, check_id: str, prefix: str, *, points: float, memory: int | None = None,
                    timeout: int | None = None) -> Check:
    return shared.function_exists(task, check_id, prefix, points=points, label=f"{prefix}-<id>",
                                  fix=lambda ctx: create_function_fix(ctx, prefix, memory, timeout))


def function_setting(
    task: Task, check_id: str, exists: Check, prefix: str, key: str, expected: Any, *, points: float, hint: str
) -> Check:
    label = {"MemorySize": "Memory (MB)"}.get(key, key)

    @task.check(check_id, f"{label} is {expected}", points=points, requires=exists, hint=hint)
    def setting(ctx: Context) -> Verdict:
        actual = (configuration(ctx, prefix) or {}).get(key)
        if actual == expected:
            return passed(f"{label} is {expected}")
        return failed(f"{label} of {ctx.name(prefix)} is {actual!r}, expected {expected!r}", actual=actual)

    return setting


def runtime_check(task: Task, check_id: str, exists: Check, prefix: str, *, points: float) -> Check:
    return function_setting(
        task, check_id, exists, prefix, "Runtime", "python3.12", points=points,
        hint=f"aws lambda update-function-configuration --function-name {prefix}-{{sid}} --runtime python3.12",
    )


def memory_check(task: Task, check_id: str, exists: Check, prefix: str, memory: int, *, points: float) -> Check:
    return function_setting(
        task, check_id, exists, prefix, "MemorySize", memory, points=points,
        hint=f"aws lambda update-function-configuration --function-name {prefix}-{{sid}} --memory-size {memory}",
    )


# --- SQS -----------------------------------------------------------------------------------------


def create_queue_hint(prefix: str, attributes: dict[str, str]) -> str:
    pairs = ",".join(f"{k}={v}" for k, v in attributes.items())
    return f"aws sqs create-queue --queue-name {prefix}-{{sid}} --attributes {pairs}"


def queue_exists(task: Task, check_id: str, prefix: str, *, points: float, attributes: dict[str, str]) -> Check:
    @task.check(check_id, f"Queue {prefix}-<id> exists", points=points, hint=create_queue_hint(prefix, attributes))
    def exists(ctx: Context) -> Verdict:
        name = ctx.name(prefix)
        queue = ctx.facts.queue(name)
        if queue is None:
            return failed(f"no SQS queue named {name} in {ctx.region}")
        return passed(f"{name} exists", arn=queue.get("QueueArn"))

    return exists


def queue_attributes(task: Task, check_id: str, exists: Check, prefix: str, expected: dict[str, str], *,
                     points: float) -> Check:
    described = ", ".join(f"{k} {v}" for k, v in expected.items())

    @task.check(check_id, f"Queue {described}", points=points, requires=exists)
    def attributes(ctx: Context) -> Verdict:
        queue = ctx.facts.queue(ctx.name(prefix)) or {}
        wrong = {k: queue.get(k) for k, v in expected.items() if str(queue.get(k)) != v}
        if wrong:
            found = ", ".join(f"{k} is {v!r} (expected {expected[k]})" for k, v in wrong.items())
            return failed(f"{ctx.name(prefix)}: {found}", hint=set_queue_attributes_fix(queue, {
                k: expected[k] for k in wrong}))
        return passed(f"{ctx.name(prefix)} has {described}")

    return attributes


def set_queue_attributes_fix(queue: dict[str, Any], attributes: dict[str, str]) -> str:
    """set-queue-attributes on a queue the grader read (its URL filled in), for only the wrong attributes."""
    pairs = ",".join(f"{k}={v}" for k, v in attributes.items())
    return shell.aws("sqs", "set-queue-attributes", "--queue-url", queue.get("QueueUrl") or shell.placeholder("queue-url"),
                     "--attributes", pairs)


def queue_arn(ctx: Context, prefix: str) -> str | None:
    queue = ctx.facts.queue(ctx.name(prefix))
    return None if queue is None else queue.get("QueueArn")


# Trigger states on their way to enabled (after the facts' wait for them to settle).
ENABLING = ("Creating", "Enabling", "Updating")


def trigger_from(ctx: Context, queue: str, function: str) -> dict[str, Any] | None:
    """The trigger from the student's queue to their function, or to a version or alias of it."""
    source = queue_arn(ctx, queue)
    if source is None:
        return None
    return next((m for m in ctx.facts.event_source_mappings(source)
                 if mapping_function_name(m) == ctx.name(function)), None)


def readme_alarms(sid: str, *names: str) -> tuple[str, ...]:
    """The names the README gives task 12's alarms (``Lambda-Throttles-<id>``), all or those of ``names``.
    Looked up by name first: in an account a class shares, the listing of every alarm grows with the class
    (a page per hundred alarms) while these are one request; the listing is read only when they do not
    settle a check."""
    return tuple(f"Lambda-{name}-{sid}" for name in names or ("HighErrorRate", "HighDuration", "Throttles"))


def first_reads(ctx: Context) -> None:
    """Start every read that does not depend on another, so a student's facts arrive in one wave."""
    facts, name = ctx.facts, ctx.name
    consumer = name("layer-consumer")
    facts.prefetch(
        *[lambda p=prefix: facts.function(name(p)) for prefix in FUNCTIONS],
        *[lambda p=prefix: facts.function_package(name(p)) for prefix in FUNCTIONS],
        *[lambda p=prefix: facts.queue(name(p)) for prefix in
          ("lambda-success-queue", "lambda-failure-queue", "task-queue", "lambda-dlq")],
        lambda: facts.latest_layer_version(name("common-utils-layer")),
        lambda: facts.event_invoke_config(name("async-processor")),
        lambda: facts.event_source_mappings(ctx.arn("sqs", name("task-queue"))),
        lambda: facts.event_source_mappings(ctx.arn("sqs", name("lambda-dlq"))),
        lambda: facts.reserved_concurrency(name("rate-limited-function")),
        lambda: facts.aliases(consumer),
        lambda: facts.versions(consumer),
        lambda: facts.provisioned_concurrency(consumer, "PROD"),
        lambda: facts.function_policy(consumer),
        lambda: facts.scalable_targets("lambda", f"function:{consumer}:PROD"),
        lambda: facts.scaling_policies("lambda", f"function:{consumer}:PROD"),
        lambda: facts.metric_alarms_named(readme_alarms(ctx.sid)),
        # The roles' managed policies, read alongside the functions that name the roles: a round trip
        # fewer on the way to the roles' documents (second_reads) when the roles have them.
        *[lambda p=policy: facts.managed_policy_document(aws_managed_policy_arn(ctx, p)) for policy in LAMBDA_ROLE_POLICIES],
        lambda: second_reads(ctx),
        lambda: layer_contents(ctx),
    )


def layer_contents(ctx: Context) -> None:
    """The content of the student's newest layer version (task 1) and of those the consumer runs (2.7)."""
    facts = ctx.facts
    latest = (facts.latest_layer_version(ctx.name("common-utils-layer")) or {}).get("LayerVersionArn")
    own = {arn for arn in layer_arns(configuration(ctx, "layer-consumer") or {}) if f":{ctx.account}:layer:" in arn}
    facts.prefetch(*[lambda a=arn: facts.layer_package(a) for arn in sorted(({latest} | own) - {None})])


def second_reads(ctx: Context) -> None:
    """Reads that need a function's configuration first: the VPC function's network and roles' policies."""
    facts = ctx.facts
    vpc = configuration(ctx, "vpc-lambda") or {}
    network = vpc.get("VpcConfig") or {}
    roles = {vpc.get("Role")}
    for prefix in FUNCTIONS:
        config = configuration(ctx, prefix) or {}
        if any("LambdaInsightsExtension" in arn for arn in layer_arns(config)):
            roles.add(config.get("Role"))
    facts.prefetch(
        lambda: facts.subnets(tuple(network.get("SubnetIds") or ())),
        lambda: facts.security_groups(tuple(network.get("SecurityGroupIds") or ())),
        *[lambda r=role: role_policy_documents(ctx, r) for role in roles if role],
    )
