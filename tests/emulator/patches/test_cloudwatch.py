"""CloudWatch patches close their gaps."""

from __future__ import annotations

from tests.conftest import new_student_id


def test_describe_alarms_pages(account):
    cloudwatch = account.client("cloudwatch")
    prefix = new_student_id("alarm")
    for index in range(5):
        cloudwatch.put_metric_alarm(AlarmName=f"{prefix}-{index}", Namespace="AWS/Lambda", MetricName="Errors",
                                    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold")
    pages = list(cloudwatch.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 2}))
    names = [a["AlarmName"] for page in pages for a in page["MetricAlarms"]]
    assert {f"{prefix}-{i}" for i in range(5)} <= set(names) and len(names) == len(set(names))
    assert all(len(page["MetricAlarms"]) <= 2 for page in pages)
