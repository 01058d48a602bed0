"""Application Auto Scaling patches close their gaps, and the AWS errors around them are kept."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.conftest import new_student_id
from tests.support.emulator import error_code


def test_deregistering_a_target_deletes_its_policies_and_the_wrong_dimension_is_rejected(account):
    scaling = account.client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{new_student_id('f')}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=2)
    scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration={"TargetValue": 0.7, "PredefinedMetricSpecification": {
                                   "PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}})
    scaling.deregister_scalable_target(**target)
    policies = scaling.describe_scaling_policies(ServiceNamespace="lambda", ResourceId=target["ResourceId"])
    assert policies["ScalingPolicies"] == []
    with pytest.raises(ClientError) as excinfo:
        scaling.register_scalable_target(**dict(target, ScalableDimension="lambda:function:ProvisionedConcurrentExecutions"),
                                         MinCapacity=1, MaxCapacity=2)
    assert error_code(excinfo) == "ValidationException"


def test_scaling_policy_needs_a_registered_target_and_a_valid_dimension(account):
    scaling = account.client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{new_student_id('f')}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    config = {"TargetValue": 0.7,
              "PredefinedMetricSpecification": {"PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}}
    with pytest.raises(ClientError) as excinfo:
        scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration=config)
    assert error_code(excinfo) == "ObjectNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        scaling.put_scaling_policy(**dict(target, ScalableDimension="lambda:function:ProvisionedConcurrentExecutions"),
                                   PolicyName="p", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration=config)
    assert error_code(excinfo) == "ValidationException"
    scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=2)
    scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration=config)


def test_describe_scalable_targets_pages(account):
    scaling = account.client("application-autoscaling")
    prefix = new_student_id("page")
    for index in range(7):
        scaling.register_scalable_target(ServiceNamespace="lambda", ResourceId=f"function:{prefix}-{index}:PROD",
                                         ScalableDimension="lambda:function:ProvisionedConcurrency",
                                         MinCapacity=1, MaxCapacity=2)
    pages = list(scaling.get_paginator("describe_scalable_targets").paginate(
        ServiceNamespace="lambda", PaginationConfig={"PageSize": 3}))
    ids = [t["ResourceId"] for page in pages for t in page["ScalableTargets"]]
    assert {f"function:{prefix}-{i}:PROD" for i in range(7)} <= set(ids) and len(ids) == len(set(ids))


# What AWS creates for a target-tracking policy on Lambda provisioned concurrency, from these recordings:
# - names, the two alarms, AlarmHigh at the target and AlarmLow at 90 % of it, PutScalingPolicy's Alarms:
#   AWS Lambda developer guide, "Managing provisioned concurrency with Application Auto Scaling"
#   (awsdocs/aws-lambda-developer-guide, doc_source/provisioned-concurrency.md, its put-scaling-policy output);
# - AlarmHigh "ProvisionedConcurrencyUtilization > 0.7 for 3 datapoints within 3 minute[s]", as the CloudWatch
#   console lists it on AWS: aws-samples/multi-environment-chatops-bot-for-controltower, README.md
#   ("CloudWatch Alarms on Concurrency issues with AWS Lambda");
# - AlarmLow over 15 one-minute datapoints, both on the Average statistic: "Lambda Provisioned Concurrency
#   AutoScaling is Awesome" (George Mao, AWS, 2020: "3 data points over 1 minute each", "15 data points over
#   15 minutes", "Average statistic by default"), and the 3-of-3 / 15-of-15 pair of every target-tracking policy;
# - dimensions FunctionName and Resource=<fn>:<alias>: Lambda guide, monitoring-metrics.md (the Resource
#   dimension of an alias), the metric the predefined type tracks;
# - deleted with their policy: Application Auto Scaling user guide, application-auto-scaling-target-tracking.md
#   ("managed by AWS and deleted automatically when no longer needed").
ALARM_NAME = re.compile(r"^TargetTracking-function:(?P<fn>[^:]+):(?P<alias>[^-]+)-Alarm(?P<kind>High|Low)-"
                        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _tracking_policy(scaling, target, value=0.7, name="pc-utilization"):
    return scaling.put_scaling_policy(**target, PolicyName=name, PolicyType="TargetTrackingScaling",
                                      TargetTrackingScalingPolicyConfiguration={
                                          "TargetValue": value, "PredefinedMetricSpecification": {
                                              "PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}})


def _alarms_of(cloudwatch, function):
    prefix = f"TargetTracking-function:{function}:"
    return {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"]}


def test_target_tracking_on_provisioned_concurrency_makes_the_two_alarms_aws_makes(account, switches):
    switches(scaling_alarms=True)
    scaling, cloudwatch = account.client("application-autoscaling"), account.client("cloudwatch")
    function = new_student_id("f")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{function}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=10)

    put = _tracking_policy(scaling, target)
    named = sorted(alarm["AlarmName"] for alarm in put["Alarms"])
    assert [ALARM_NAME.match(n)["kind"] for n in named] == ["High", "Low"]
    assert all(ALARM_NAME.match(n)["fn"] == function and ALARM_NAME.match(n)["alias"] == "PROD" for n in named)
    assert all(a["AlarmARN"].endswith(f":alarm:{a['AlarmName']}") for a in put["Alarms"])
    described = scaling.describe_scaling_policies(ServiceNamespace="lambda", ResourceId=target["ResourceId"])
    assert sorted(a["AlarmName"] for a in described["ScalingPolicies"][0]["Alarms"]) == named

    alarms = _alarms_of(cloudwatch, function)
    assert sorted(alarms) == named
    high, low = (alarms[n] for n in named)
    for alarm in (high, low):
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"], alarm["Period"]) == (
            "AWS/Lambda", "ProvisionedConcurrencyUtilization", "Average", 60)
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": function},
                                       {"Name": "Resource", "Value": f"{function}:PROD"}]
        assert alarm["AlarmActions"][0].startswith(put["PolicyARN"] + ":createdBy/")
    assert (high["ComparisonOperator"], high["Threshold"], high["EvaluationPeriods"]) == ("GreaterThanThreshold", 0.7, 3)
    assert (low["ComparisonOperator"], low["Threshold"], low["EvaluationPeriods"]) == ("LessThanThreshold", 0.63, 15)


def test_target_tracking_alarms_follow_their_policy_until_it_or_its_target_goes(account, switches):
    switches(scaling_alarms=True)
    scaling, cloudwatch = account.client("application-autoscaling"), account.client("cloudwatch")
    function = new_student_id("f")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{function}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=10)
    _tracking_policy(scaling, target)
    updated = _tracking_policy(scaling, target, value=0.5)  # an update replaces the alarms, leaving none behind
    alarms = _alarms_of(cloudwatch, function)
    assert sorted(alarms) == sorted(a["AlarmName"] for a in updated["Alarms"])
    assert sorted(a["Threshold"] for a in alarms.values()) == [0.45, 0.5]

    scaling.delete_scaling_policy(**target, PolicyName="pc-utilization")
    assert _alarms_of(cloudwatch, function) == {}
    _tracking_policy(scaling, target)
    assert len(_alarms_of(cloudwatch, function)) == 2
    scaling.deregister_scalable_target(**target)
    assert _alarms_of(cloudwatch, function) == {}


def test_target_tracking_alarms_can_be_switched_off(account, switches):
    switches(scaling_alarms=False)  # moto's way, for checks that do not expect AWS's alarms yet
    scaling = account.client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{new_student_id('f')}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=10)
    assert _tracking_policy(scaling, target)["Alarms"] == []
