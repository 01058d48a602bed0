"""Application Auto Scaling patches close their gaps, and the AWS errors around them are kept."""

from __future__ import annotations

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
