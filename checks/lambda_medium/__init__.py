"""lambda_medium: Advanced serverless patterns on AWS Lambda (12 tasks, 100 points).

The student-facing text is README_lambda_medium.md at the project root; each task is one module here.
"""

from checks.aws_rules import waits_for_settling
from checks.lambda_medium import (
    task01_layer,
    task02_layer_consumer,
    task03_vpc,
    task04_destinations,
    task05_sqs_trigger,
    task06_dlq,
    task07_reserved_concurrency,
    task08_insights,
    task09_aliases,
    task10_provisioned_concurrency,
    task11_cross_account,
    task12_alarms,
)
from checks.lambda_medium.common import FUNCTIONS, first_reads
from grader.rubric import Assessment, Resource

# What each task names (task, kind, name before -<id>): looked for in other regions when missing here.
NAMED = (
    (1, "layer", "common-utils-layer"),
    (2, "function", "layer-consumer"),
    (3, "function", "vpc-lambda"),
    (3, "security group", "lambda-sg"),
    (4, "function", "async-processor"),
    (4, "queue", "lambda-success-queue"),
    (4, "queue", "lambda-failure-queue"),
    (5, "queue", "task-queue"),
    (5, "function", "sqs-consumer"),
    (6, "queue", "lambda-dlq"),
    (6, "function", "dlq-processor"),
    (7, "function", "rate-limited-function"),
    (10, "scalable target", "function:layer-consumer"),
    *((12, "alarms on", prefix) for prefix in FUNCTIONS),
)


def resources(sid: str) -> list[Resource]:
    return [Resource(task, kind, f"{name}-{sid}:PROD" if kind == "scalable target" else f"{name}-{sid}")
            for task, kind, name in NAMED]

ASSESSMENT = Assessment(
    name="lambda_medium",
    title="AWS Lambda — advanced serverless patterns (Medium)",
    tasks=[
        task01_layer.TASK,
        task02_layer_consumer.TASK,
        task03_vpc.TASK,
        task04_destinations.TASK,
        task05_sqs_trigger.TASK,
        task06_dlq.TASK,
        task07_reserved_concurrency.TASK,
        task08_insights.TASK,
        task09_aliases.TASK,
        task10_provisioned_concurrency.TASK,
        task11_cross_account.TASK,
        task12_alarms.TASK,
    ],
    resources=resources,
    readme="README_lambda_medium.md",
    discovery={"functions": FUNCTIONS, "layers": ("common-utils-layer",)},
    prefetch=first_reads,
    finish_fix=waits_for_settling,
    reads=(
        "function", "reserved_concurrency", "account_concurrency", "latest_layer_version", "event_invoke_config", "event_source_mappings",
        "aliases", "versions", "provisioned_concurrency", "function_policy", "queue", "subnets", "security_groups",
        "attached_role_policies", "inline_role_policies", "managed_policy_document", "scalable_targets",
        "scaling_policies", "metric_alarms", "metric_alarms_named", "function_package", "layer_package",
    ),
)
