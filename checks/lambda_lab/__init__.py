"""lambda_lab: the AWS Lambda hands-on lab, labs 1 to 7 (100 points).

Done in the student's own account with fixed resource names, so the student ID only labels the
result. The student-facing text is README_lambda_lab.md at the project root; each lab is one module.
"""

from checks.aws_rules import waits_for_settling
from checks.lambda_lab import (
    lab1_first_function,
    lab2_api_gateway,
    lab3_configuration,
    lab4_monitoring,
    lab5_s3_trigger,
    lab6_terraform,
    lab7_advanced,
)
from checks.lambda_lab.common import ASYNC, CREATED_IN, FUNCTIONS, HELLO, S3_PROCESSOR, TERRAFORM, configuration
from checks.shared import role_policy_documents
from grader.rubric import Assessment, Context, Resource

# What each lab names (fixed names: one student per account), looked for in other regions when missing here.
RESOURCES = [
    *(Resource(CREATED_IN[name], "function", name) for name in FUNCTIONS),
    Resource(4, "alarm", lab4_monitoring.ALARM),
    Resource(7, "layer", lab7_advanced.LAYER),
    Resource(7, "queue", lab7_advanced.QUEUE),
]


def first_reads(ctx: Context) -> None:
    """Start every read that does not wait on another, so the account's facts arrive in one wave."""
    facts = ctx.facts
    facts.prefetch(
        *[lambda f=name: facts.function(f) for name in FUNCTIONS],
        *[lambda f=name: facts.function_policy(f) for name in (HELLO, S3_PROCESSOR, TERRAFORM)],
        lambda: facts.function_tags(TERRAFORM),
        lambda: facts.reserved_concurrency(ASYNC),
        lambda: facts.event_invoke_config(ASYNC),
        lambda: facts.queue(lab7_advanced.QUEUE),
        lambda: facts.latest_layer_version(lab7_advanced.LAYER),
        lambda: facts.log_group(lab4_monitoring.LOG_GROUP),
        lambda: facts.log_group(lab6_terraform.LOG_GROUP),
        facts.metric_alarms,
        *[lambda f=name: facts.function_package(f) for name in FUNCTIONS],  # every function's code is judged
        lambda: second_reads(ctx),
    )


def second_reads(ctx: Context) -> None:
    """Reads that need a listing first: every API's resources and stages, the lab buckets, the S3 role."""
    facts = ctx.facts
    apis = [str(api.get("id")) for api in facts.rest_apis()]
    buckets = lab5_s3_trigger.lab_buckets(ctx)
    facts.prefetch(
        *[lambda a=api: facts.rest_api_resources(a) for api in apis],
        *[lambda a=api: facts.rest_api_stages(a) for api in apis],
        *[lambda b=bucket: facts.bucket_notifications(b) for bucket in buckets],
        *[lambda b=bucket: facts.object_keys(b, "analysis/") for bucket in buckets],
        lambda: role_policy_documents(ctx, (configuration(ctx, S3_PROCESSOR) or {}).get("Role")),
        lambda: facts.layer_package((facts.latest_layer_version(lab7_advanced.LAYER) or {}).get("LayerVersionArn")),
        *[lambda a=arn: facts.layer_package(a) for arn in lab7_advanced.own_layers(ctx)],
    )


ASSESSMENT = Assessment(
    name="lambda_lab",
    title="AWS Lambda fundamentals — hands-on lab (labs 1-7)",
    tasks=[
        lab1_first_function.TASK,
        lab2_api_gateway.TASK,
        lab3_configuration.TASK,
        lab4_monitoring.TASK,
        lab5_s3_trigger.TASK,
        lab6_terraform.TASK,
        lab7_advanced.TASK,
    ],
    resources=lambda sid: RESOURCES,
    readme="README_lambda_lab.md",
    prefetch=first_reads,
    finish_fix=waits_for_settling,
    reads=(
        "function", "function_tags", "reserved_concurrency", "account_concurrency", "function_policy",
        "event_invoke_config",
        "latest_layer_version", "queue", "log_group", "metric_alarms", "rest_apis", "rest_api_resources",
        "rest_api_stages", "bucket_names", "bucket_notifications", "object_keys", "attached_role_policies",
        "inline_role_policies", "managed_policy_document", "function_package", "layer_package",
    ),
    names_end_in_student_id=False,
)
