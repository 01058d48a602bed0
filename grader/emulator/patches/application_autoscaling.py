"""Application Auto Scaling: where moto differs from AWS for Lambda provisioned-concurrency targets."""

from __future__ import annotations

import json
import uuid
from typing import Any

from grader.emulator.patches._common import SWITCHES, page, require

# --- Application Auto Scaling: deregistering a target leaves its scaling policies behind ----------


def deregister_deletes_policies() -> None:
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    original = require(ApplicationAutoscalingBackend, "deregister_scalable_target")

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        original(self, namespace, r_id, dimension)  # raises ValidationException for an unknown target
        # AWS deletes the target's scaling policies (and their alarms) with it.
        for key, policy in list(self.policies.items()):
            if (policy.service_namespace, policy.resource_id, policy.scalable_dimension) == (namespace, r_id, dimension):
                policy.delete_alarms(self.account_id, self.region_name)
                del self.policies[key]

    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target


# --- Application Auto Scaling: PutScalingPolicy accepts any dimension and no registered target ------


def scaling_policy_needs_target() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    original = require(ApplicationAutoScalingResponse, "put_scaling_policy")
    require(ApplicationAutoScalingResponse, "_validate_params")

    def put_scaling_policy(self: Any) -> str:
        self._validate_params()  # enum checks on namespace and dimension, as RegisterScalableTarget does
        backend = self.applicationautoscaling_backend
        namespace, resource_id = self._get_param("ServiceNamespace"), self._get_param("ResourceId")
        dimension = self._get_param("ScalableDimension")
        if not backend._scalable_target_exists(resource_id, dimension):
            raise JsonRESTError(
                "ObjectNotFoundException",
                f"No scalable target registered for service namespace: {namespace}, resource ID: {resource_id}, "
                f"scalable dimension: {dimension}",
            )
        return original(self)

    ApplicationAutoScalingResponse.put_scaling_policy = put_scaling_policy


# --- Application Auto Scaling: DescribeScalableTargets repeats its first NextToken forever ---------


def describe_scalable_targets_paging() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse, _build_target

    require(ApplicationAutoScalingResponse, "describe_scalable_targets")

    def describe_scalable_targets(self: Any) -> str:
        self._validate_params()
        targets = self.applicationautoscaling_backend.describe_scalable_targets(
            self._get_param("ServiceNamespace"), self._get_param("ResourceIds"), self._get_param("ScalableDimension")
        )
        chunk, next_token = page(targets, start=self._get_param("NextToken"),
                                 size=self._get_int_param("MaxResults"), limit=50)
        return json.dumps({"ScalableTargets": [_build_target(t) for t in chunk], "NextToken": next_token})

    ApplicationAutoScalingResponse.describe_scalable_targets = describe_scalable_targets


# --- Application Auto Scaling: target tracking on Lambda provisioned concurrency creates no alarms --

# The two alarms AAS manages for a target-tracking policy (the test cites the recordings): AlarmHigh when
# the metric is above the target for 3 one-minute datapoints, AlarmLow when below 90 % of it for 15.
_TRACKING_ALARMS = (("AlarmHigh", "GreaterThanThreshold", 3, 1.0), ("AlarmLow", "LessThanThreshold", 15, 0.9))


def target_tracking_alarms() -> None:
    """moto creates target-tracking alarms for DynamoDB and ECS only. For Lambda, AWS creates two, named
    ``TargetTracking-function:<fn>:<alias>-AlarmHigh-<uuid>`` / ``-AlarmLow-<uuid>``; and an updated policy's
    alarms replace its old ones (moto left those in CloudWatch). Switchable: ``SWITCHES.scaling_alarms``."""
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeApplicationAutoscalingPolicy

    original_create = require(FakeApplicationAutoscalingPolicy, "create_alarms")
    require(FakeApplicationAutoscalingPolicy, "delete_alarms")
    original_put = require(ApplicationAutoscalingBackend, "put_scaling_policy")

    def create_alarms(self: Any) -> None:
        original_create(self)
        if (SWITCHES.scaling_alarms and self.policy_type == "TargetTrackingScaling"
                and self.service_namespace == "lambda"):
            self.alarms.extend(_lambda_tracking_alarms(self))

    def put_scaling_policy(self: Any, policy_name: str, service_namespace: str, resource_id: str,
                           scalable_dimension: str, policy_body: dict[str, Any], policy_type: str | None) -> Any:
        key = FakeApplicationAutoscalingPolicy.formulate_key(service_namespace, resource_id, scalable_dimension,
                                                             policy_name)
        replaced = self.policies.get(key)
        policy = original_put(self, policy_name=policy_name, service_namespace=service_namespace,
                              resource_id=resource_id, scalable_dimension=scalable_dimension,
                              policy_body=policy_body, policy_type=policy_type)
        if replaced is not None and replaced is not policy:
            replaced.delete_alarms(self.account_id, self.region_name)
        return policy

    FakeApplicationAutoscalingPolicy.create_alarms = create_alarms
    ApplicationAutoscalingBackend.put_scaling_policy = put_scaling_policy


def _tracked_metric(resource_id: str, config: dict[str, Any]) -> dict[str, Any] | None:
    """The CloudWatch metric a Lambda target-tracking configuration follows, or None if not emulated."""
    predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
    if predefined == "LambdaProvisionedConcurrencyUtilization":
        _, function_name, qualifier = (resource_id.split(":", 2) + ["", ""])[:3]
        return {"Namespace": "AWS/Lambda", "MetricName": "ProvisionedConcurrencyUtilization", "Statistic": "Average",
                "Dimensions": [{"Name": "FunctionName", "Value": function_name},
                               {"Name": "Resource", "Value": f"{function_name}:{qualifier}"}]}
    custom = config.get("CustomizedMetricSpecification") or {}
    if custom.get("MetricName") and custom.get("Namespace"):  # a single metric (metric math is not emulated)
        return {"Namespace": custom["Namespace"], "MetricName": custom["MetricName"],
                "Statistic": custom.get("Statistic") or "Average", "Unit": custom.get("Unit"),
                "Dimensions": [dict(d) for d in custom.get("Dimensions") or []]}
    return None


def _lambda_tracking_alarms(policy: Any) -> list[Any]:
    from moto.cloudwatch.models import cloudwatch_backends

    config = policy.target_tracking_scaling_policy_configuration or {}
    metric = _tracked_metric(policy.resource_id, config)
    if metric is None or config.get("TargetValue") is None:
        return []
    cloudwatch = cloudwatch_backends[policy.account_id][policy.region_name]
    action = f"{policy.policy_arn}:createdBy/{uuid.uuid4()}"
    target = float(config["TargetValue"])
    return [
        cloudwatch.put_metric_alarm(
            name=f"TargetTracking-{policy.resource_id}-{kind}-{uuid.uuid4()}",
            namespace=metric["Namespace"], metric_name=metric["MetricName"], metric_data_queries=[],
            comparison_operator=operator, evaluation_periods=periods, period=60,
            threshold=round(target * factor, 10), statistic=metric["Statistic"], unit=metric.get("Unit"),
            description=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {action}.",
            dimensions=metric["Dimensions"], alarm_actions=[action],
        )
        for kind, operator, periods, factor in _TRACKING_ALARMS
    ]
