import json

from tests.checks.conftest import mistakes_cost_only_their_task


def invoke_config(account, built, success="lambda-success-queue", failure="lambda-failure-queue", **settings):
    options = {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600}
    options.update(settings)
    account.client("lambda").put_function_event_invoke_config(
        FunctionName=f"async-processor-{built['sid']}",
        DestinationConfig={"OnSuccess": {"Destination": built["queues"][success]["arn"]},
                           "OnFailure": {"Destination": built["queues"][failure]["arn"]}},
        **options)


def set_retention(account, built, prefix, seconds):
    account.client("sqs").set_queue_attributes(QueueUrl=built["queues"][prefix]["url"],
                                               Attributes={"MessageRetentionPeriod": str(seconds)})


def to_classmates_queue(account, built):
    """The on-success destination is a classmate's queue: lambda-success-queue-<id>b starts like the student's."""
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName=f"lambda-success-queue-{built['sid']}b")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # AWS accepts the destination only once the role may send to it (a student granting lambda-success-queue-*).
    account.client("iam").put_role_policy(
        RoleName=f"lambda-role-{built['sid']}", PolicyName="classmate",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}]}))
    account.client("lambda").put_function_event_invoke_config(
        FunctionName=f"async-processor-{built['sid']}", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=21600,
        DestinationConfig={"OnSuccess": {"Destination": arn},
                           "OnFailure": {"Destination": built["queues"]["lambda-failure-queue"]["arn"]}})


MISTAKES = {
    "success to a classmate's queue": (to_classmates_queue, {"4.5"}),
    "memory 128": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"async-processor-{b['sid']}", MemorySize=128), {"4.3"}),
    "runtime python3.11": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=f"async-processor-{b['sid']}", Runtime="python3.11"), {"4.2"}),
    "destinations swapped": (lambda a, b: invoke_config(a, b, "lambda-failure-queue", "lambda-success-queue"),
                             {"4.5", "4.6"}),
    "one retry": (lambda a, b: invoke_config(a, b, MaximumRetryAttempts=1), {"4.4"}),
    "events kept 1 hour": (lambda a, b: invoke_config(a, b, MaximumEventAgeInSeconds=3600), {"4.4"}),
    "no async configuration": (lambda a, b: a.client("lambda").delete_function_event_invoke_config(
        FunctionName=f"async-processor-{b['sid']}"), {"4.4", "4.5", "4.6"}),
    "success queue keeps 4 days": (lambda a, b: set_retention(a, b, "lambda-success-queue", 345600), {"4.7"}),
}


test_mistake_costs_only_task_4 = mistakes_cost_only_their_task(4, MISTAKES)


def test_swapped_destinations_are_named_as_swapped(graded_mistake):
    built, student = graded_mistake(MISTAKES["destinations swapped"][0])
    checks = {c.id: c for c in student.tasks[3].checks}
    assert checks["4.5"].message == (f"on success goes to lambda-failure-queue-{built['sid']}: "
                                     "success and failure are swapped")
    assert checks["4.6"].message == (f"on failure goes to lambda-success-queue-{built['sid']}: "
                                     "success and failure are swapped")
    assert student.tasks[3].score == 7
