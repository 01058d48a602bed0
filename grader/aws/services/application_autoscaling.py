"""Application Auto Scaling: scalable targets and scaling policies."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.reader import Listing
from grader.aws.services import ServiceFacts


def targets_listing(namespace: str) -> Listing:
    return Listing("application-autoscaling", "DescribeScalableTargets", "ScalableTargets", key="ResourceId",
                   params=(("ServiceNamespace", namespace),), many=True)


def policies_listing(namespace: str) -> Listing:
    return Listing("application-autoscaling", "DescribeScalingPolicies", "ScalingPolicies", key="ResourceId",
                   params=(("ServiceNamespace", namespace),), many=True)


class AutoScalingFacts(ServiceFacts):
    @reads("application-autoscaling:DescribeScalableTargets")
    def scalable_targets(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        if self.inventory:
            return self.listing(targets_listing(namespace)).get(resource_id, [])
        return self.read("application-autoscaling", "DescribeScalableTargets", result_key="ScalableTargets",
                         ServiceNamespace=namespace, ResourceIds=[resource_id]) or []

    @reads("application-autoscaling:DescribeScalingPolicies")
    def scaling_policies(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        if self.inventory:
            return self.listing(policies_listing(namespace)).get(resource_id, [])
        return self.read("application-autoscaling", "DescribeScalingPolicies", result_key="ScalingPolicies",
                         ServiceNamespace=namespace, ResourceId=resource_id) or []

    @reads("application-autoscaling:DescribeScalableTargets")
    def scalable_target_ids(self, namespace: str) -> set[str]:
        """The resource IDs of every scalable target of a service namespace in the region (one listing)."""
        return {str(key) for key in self.listing(targets_listing(namespace)) if key}
