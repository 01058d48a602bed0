
from tests.checks.conftest import mistakes_cost_only_their_task

MISTAKES = {
    "DLQ keeps 4 days": (lambda a, b: a.client("sqs").set_queue_attributes(
        QueueUrl=b["queues"]["lambda-dlq"]["url"], Attributes={"MessageRetentionPeriod": "345600"}), {"6.2"}),
    "no dead-letter config": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"async-processor-{b['sid']}", DeadLetterConfig={"TargetArn": ""}), {"6.3"}),
    "dead letters to the failure queue": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"async-processor-{b['sid']}",
        DeadLetterConfig={"TargetArn": b["queues"]["lambda-failure-queue"]["arn"]}), {"6.3"}),
    "processor not triggered": (lambda a, b: a.client("lambda").delete_event_source_mapping(UUID=b["dlq_mapping"]),
                                {"6.5"}),
    "processor missing": (lambda a, b: a.client("lambda").delete_function(FunctionName=f"dlq-processor-{b['sid']}"),
                          {"6.4", "6.5", "6.6"}),
}


test_mistake_costs_only_task_6 = mistakes_cost_only_their_task(6, MISTAKES)
