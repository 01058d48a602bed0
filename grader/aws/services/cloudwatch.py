"""CloudWatch: metric alarms."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.services import ServiceFacts


class CloudWatchFacts(ServiceFacts):
    @reads("cloudwatch:DescribeAlarms")
    def metric_alarms(self) -> list[dict[str, Any]]:
        """Every metric alarm of the account and region (one paginated listing, shared by all)."""
        return self.read("cloudwatch", "DescribeAlarms", result_key="MetricAlarms") or []
