"""A missing resource fails its existence check with one reason, and exactly the checks that need it."""

import pytest

from tests.checks.conftest import assert_costs_exactly, assert_costs_only


def delete_function(name):
    return lambda a, b: a.client("lambda").delete_function(FunctionName=f"{name}-{b['sid']}")


def delete_queue(prefix):
    return lambda a, b: a.client("sqs").delete_queue(QueueUrl=b["queues"][prefix]["url"])


SINGLE_TASK = {
    "vpc-lambda missing": (delete_function("vpc-lambda"), 3, {f"3.{n}" for n in range(1, 9)}),
    "sqs-consumer missing": (delete_function("sqs-consumer"), 5, {"5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9"}),
    "task-queue missing": (delete_queue("task-queue"), 5, {"5.1", "5.2", "5.6", "5.7", "5.8"}),
    "sqs-consumer on python3.11": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"sqs-consumer-{b['sid']}", Runtime="python3.11"), 5, {"5.4"}),
}


@pytest.mark.parametrize("mistake", SINGLE_TASK, ids=list(SINGLE_TASK))
def test_missing_resource_of_one_task(graded_mistake, mistake):
    apply, task, failing = SINGLE_TASK[mistake]
    _, student = graded_mistake(apply)
    assert_costs_only(student, task, failing)


ACROSS_TASKS = {
    # layer-consumer carries tasks 2, 8 (the Insights layer), 9, 10, 11 and 12 (the alarms' dimension: an alarm
    # counts only for a function that exists, issue 24).
    "layer-consumer missing": (delete_function("layer-consumer"), {
        "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "8.1", "8.2", "9.2", "9.3", "9.4", "9.5", "10.1", "11.1", "11.2",
        "12.1", "12.2", "12.3", "12.4"}, {2: 0, 8: 0, 9: 0, 10: 5, 11: 0, 12: 0}),
    # async-processor carries task 4 and the dead-letter configuration of task 6.
    "async-processor missing": (delete_function("async-processor"),
                                {"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.8", "6.3"}, {4: 1, 6: 6}),
    # lambda-dlq is task 6's queue; nothing else uses it.
    "lambda-dlq missing": (delete_queue("lambda-dlq"), {"6.1", "6.2", "6.3", "6.5"}, {6: 2.5}),
}


@pytest.mark.parametrize("mistake", ACROSS_TASKS, ids=list(ACROSS_TASKS))
def test_missing_resource_used_by_several_tasks(graded_mistake, mistake):
    apply, failing, scores = ACROSS_TASKS[mistake]
    _, student = graded_mistake(apply)
    assert assert_costs_exactly(student, failing) == scores


def test_no_published_version(graded_mistake):
    def unpublish(account, built):
        lam, name = account.client("lambda"), f"layer-consumer-{built['sid']}"
        lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD")
        for alias in ("PROD", "STAGING"):
            lam.delete_alias(FunctionName=name, Name=alias)
        for version in ("1", "2"):
            lam.delete_function(FunctionName=name, Qualifier=version)

    built, student = graded_mistake(unpublish)
    assert assert_costs_exactly(student, {"9.2", "9.3", "9.4", "9.5", "10.1"}) == {9: 0, 10: 5}
    assert student.check("9.2").message == f"layer-consumer-{built['sid']} has only $LATEST"
