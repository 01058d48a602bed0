from checks.lambda_medium import ASSESSMENT
from checks.lambda_medium.common import FUNCTIONS
from checks.lambda_medium.task12_alarms import CREATED_BY
from tests.checks.conftest import mistakes_cost_only_their_task


def alarm(account, built, name, metric, function=None, **overrides):
    settings = {"Statistic": "Sum", "Period": 300, "EvaluationPeriods": 2, "Threshold": 5,
                "ComparisonOperator": "GreaterThanThreshold"}
    settings.update(overrides)
    account.client("cloudwatch").put_metric_alarm(
        AlarmName=f"Lambda-{name}-{built['sid']}", Namespace="AWS/Lambda", MetricName=metric,
        Dimensions=[{"Name": "FunctionName", "Value": function or f"layer-consumer-{built['sid']}"}], **settings)


def delete(account, built, name):
    account.client("cloudwatch").delete_alarms(AlarmNames=[f"Lambda-{name}-{built['sid']}"])


MISTAKES = {
    "errors alarm period 60": (lambda a, b: alarm(a, b, "HighErrorRate", "Errors", Period=60), {"12.2"}),
    "errors alarm threshold 4": (lambda a, b: alarm(a, b, "HighErrorRate", "Errors", Threshold=4), {"12.2"}),
    "errors alarm over 1 period": (lambda a, b: alarm(a, b, "HighErrorRate", "Errors", EvaluationPeriods=1), {"12.2"}),
    "duration threshold 30000": (lambda a, b: alarm(a, b, "HighDuration", "Duration", Statistic="Average",
                                                    Threshold=30000), {"12.3"}),
    "throttles >": (lambda a, b: alarm(a, b, "Throttles", "Throttles", Threshold=1, EvaluationPeriods=1), {"12.4"}),
    "duration alarm deleted": (lambda a, b: delete(a, b, "HighDuration"), {"12.1", "12.3"}),
    "throttles alarm on another student's function": (
        lambda a, b: alarm(a, b, "Throttles", "Throttles", function=f"layer-consumer-{b['sid']}0", Threshold=1,
                           ComparisonOperator="GreaterThanOrEqualToThreshold"), {"12.1", "12.4"}),
}


test_mistake_costs_only_task_12 = mistakes_cost_only_their_task(12, MISTAKES)


def test_alarm_on_another_function_of_yours_counts(graded_mistake):
    _, student = graded_mistake(lambda a, b: alarm(a, b, "HighDuration", "Duration", Statistic="Average",
                                                   Threshold=25000, function=f"sqs-consumer-{b['sid']}"))
    assert student.score == 100


def test_the_fix_named_for_a_missing_function_is_the_check_that_creates_it():
    titles = {c.id: c.title for t in ASSESSMENT.tasks for c in t.checks}
    assert set(CREATED_BY) == set(FUNCTIONS)
    assert {prefix: titles[check] for prefix, check in CREATED_BY.items()} == {
        prefix: f"Function {prefix}-<id> exists" for prefix in FUNCTIONS}
