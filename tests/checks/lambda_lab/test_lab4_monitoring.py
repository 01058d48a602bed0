from checks.building import zip_of
from checks.lambda_lab.solution import files
from tests.checks.conftest import mistakes_cost_only_their_task

ALARM = dict(AlarmName="HelloWorldFunction-Errors", Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
             Dimensions=[{"Name": "FunctionName", "Value": "HelloWorldFunction"}], Period=300, EvaluationPeriods=1,
             Threshold=5, ComparisonOperator="GreaterThanThreshold")


def alarm(**changes):
    def apply(a, b):
        cloudwatch = a.client("cloudwatch")
        cloudwatch.delete_alarms(AlarmNames=["HelloWorldFunction-Errors"])
        cloudwatch.put_metric_alarm(**{**ALARM, **changes})
    return apply


MISTAKES = {
    "never ran (no log group)": (lambda a, b: a.client("logs").delete_log_group(
        logGroupName="/aws/lambda/HelloWorldFunction"), {"4.1"}),
    "alarm named differently": (alarm(AlarmName="HelloWorld-Errors"), {"4.2", "4.3"}),
    "alarm on another function": (alarm(Dimensions=[{"Name": "FunctionName", "Value": "S3FileProcessor"}]),
                                  {"4.2", "4.3"}),
    "threshold 10": (alarm(Threshold=10), {"4.3"}),
    "Average instead of Sum": (alarm(Statistic="Average"), {"4.3"}),
    "period 60": (alarm(Period=60), {"4.3"}),
    "lab 3's code still deployed (plain-text logs)": (lambda a, b: a.client("lambda").update_function_code(
        FunctionName="HelloWorldFunction", ZipFile=zip_of(files("lab3-configuration"))), {"4.4"}),
}

test_mistake_costs_only_lab_4 = mistakes_cost_only_their_task(4, MISTAKES)


def test_a_renamed_alarm_is_pointed_out(graded_mistake):
    _, student = graded_mistake(alarm(AlarmName="HelloWorld-Errors"))
    assert student.check("4.2").message == (
        "no alarm named HelloWorldFunction-Errors; HelloWorld-Errors watches the right metric under another "
        "name (alarm names cannot be changed: create it again with the lab's name)")
