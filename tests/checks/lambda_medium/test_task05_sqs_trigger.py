
from tests.checks.conftest import assert_costs_only, mistakes_cost_only_their_task


def update_mapping(account, built, **settings):
    account.client("lambda").update_event_source_mapping(UUID=built["task_mapping"], **settings)


MISTAKES = {
    "visibility timeout 30": (lambda a, b: a.client("sqs").set_queue_attributes(
        QueueUrl=b["queues"]["task-queue"]["url"], Attributes={"VisibilityTimeout": "30"}), {"5.2"}),
    "memory 512": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"sqs-consumer-{b['sid']}", MemorySize=512), {"5.5"}),
    "trigger disabled": (lambda a, b: update_mapping(a, b, Enabled=False), {"5.6", "5.7", "5.8"}),
    "batch size 5": (lambda a, b: update_mapping(a, b, BatchSize=5), {"5.7"}),
    "no batching window": (lambda a, b: update_mapping(a, b, MaximumBatchingWindowInSeconds=0), {"5.7"}),
    "no partial batch responses": (lambda a, b: update_mapping(a, b, FunctionResponseTypes=[]), {"5.8"}),
    "no trigger": (lambda a, b: a.client("lambda").delete_event_source_mapping(UUID=b["task_mapping"]),
                   {"5.6", "5.7", "5.8"}),
}


test_mistake_costs_only_task_5 = mistakes_cost_only_their_task(5, MISTAKES)


def test_trigger_from_another_queue_does_not_count(graded_mistake):
    def other_queue(account, built):
        account.client("lambda").delete_event_source_mapping(UUID=built["task_mapping"])
        account.client("lambda").create_event_source_mapping(
            EventSourceArn=built["queues"]["lambda-dlq"]["arn"], FunctionName=f"sqs-consumer-{built['sid']}",
            BatchSize=10, MaximumBatchingWindowInSeconds=5, FunctionResponseTypes=["ReportBatchItemFailures"])

    _, student = graded_mistake(other_queue)
    assert_costs_only(student, 5, {"5.6", "5.7", "5.8"})
