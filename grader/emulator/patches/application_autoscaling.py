"""Application Auto Scaling: where moto differs from AWS for Lambda provisioned-concurrency targets."""

from __future__ import annotations

import json
from typing import Any

from grader.emulator.patches._common import page, require

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
