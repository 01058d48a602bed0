"""An upstream-like grader, the benchmark's baseline: what a simple course grader does for one student.

boto3, one client each for lambda, sqs and cloudwatch (boto3's default session), and 12 reads one at a
time for 9 shallow checks of the same resources ``lambda_medium`` grades. It judges little (no IAM, no
VPC network, no provisioned concurrency, no settling states): it is here to be timed, not trusted.

    python bench/upstream_like.py STUDENT_ID      (endpoint, credentials and region from the environment)

Prints the 9 checks as JSON; exit status 0. ``bench/benchmark.py`` runs it as a whole process.
"""

from __future__ import annotations

import json
import sys

import boto3
from botocore.exceptions import ClientError


def read(call, **params):
    """One request; None when the resource does not exist (any other error counts as failed too)."""
    try:
        return call(**params)
    except ClientError:
        return None


def grade(sid: str) -> dict[str, bool]:
    lam, sqs, cloudwatch = boto3.client("lambda"), boto3.client("sqs"), boto3.client("cloudwatch")
    checks: dict[str, bool] = {}
    # 1. The layer exists.                                                                  1 request
    layers = read(lam.list_layer_versions, LayerName=f"common-utils-layer-{sid}") or {}
    checks["layer"] = bool(layers.get("LayerVersions"))
    # 2. The consumer uses a layer.                                                         2
    consumer = (read(lam.get_function, FunctionName=f"layer-consumer-{sid}") or {}).get("Configuration", {})
    checks["consumer uses a layer"] = bool(consumer.get("Layers"))
    # 3. The VPC function has subnets.                                                      3
    vpc = (read(lam.get_function, FunctionName=f"vpc-lambda-{sid}") or {}).get("Configuration", {})
    checks["vpc"] = bool((vpc.get("VpcConfig") or {}).get("SubnetIds"))
    # 4. The async function has an on-failure destination.                                  4
    invoke = read(lam.get_function_event_invoke_config, FunctionName=f"async-processor-{sid}") or {}
    checks["destinations"] = bool((invoke.get("DestinationConfig") or {}).get("OnFailure", {}).get("Destination"))
    # 5. The task queue triggers the consumer.                                              5, 6, 7
    url = (read(sqs.get_queue_url, QueueName=f"task-queue-{sid}") or {}).get("QueueUrl")
    arn = (read(sqs.get_queue_attributes, QueueUrl=url, AttributeNames=["QueueArn"]) or {}).get(
        "Attributes", {}).get("QueueArn") if url else None
    mappings = (read(lam.list_event_source_mappings, EventSourceArn=arn) or {}).get("EventSourceMappings", []) \
        if arn else []
    checks["sqs trigger"] = any(f"sqs-consumer-{sid}" in m.get("FunctionArn", "") for m in mappings)
    # 6. The dead-letter queue exists and the processor exists.                             8, 9
    dlq = read(sqs.get_queue_url, QueueName=f"lambda-dlq-{sid}")
    processor = read(lam.get_function, FunctionName=f"dlq-processor-{sid}")
    checks["dlq"] = dlq is not None and processor is not None
    # 7. Reserved concurrency is set.                                                       10
    reserved = read(lam.get_function_concurrency, FunctionName=f"rate-limited-function-{sid}") or {}
    checks["reserved concurrency"] = reserved.get("ReservedConcurrentExecutions") is not None
    # 8. The consumer has aliases.                                                          11
    aliases = read(lam.list_aliases, FunctionName=f"layer-consumer-{sid}") or {}
    checks["aliases"] = bool(aliases.get("Aliases"))
    # 9. Three alarms.                                                                      12
    alarms = read(cloudwatch.describe_alarms, AlarmNamePrefix="Lambda-") or {}
    checks["alarms"] = sum(a["AlarmName"].endswith(sid) for a in alarms.get("MetricAlarms", [])) >= 3
    return checks


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    checks = grade(sys.argv[1])
    print(json.dumps({"checks": checks, "passed": sum(checks.values()), "of": len(checks)}, indent=2))


if __name__ == "__main__":
    main()
