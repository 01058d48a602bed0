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

    @reads("cloudwatch:DescribeAlarms")
    def metric_alarms_named(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        """The metric alarms of exactly these names: one request however many alarms the account holds
        (DescribeAlarms' ``AlarmNames``, at most 100 per request in botocore's model), or, answering from
        the shared listing, the same alarms taken from it."""
        if self.inventory:
            wanted = set(names)
            return [alarm for alarm in self.metric_alarms() if alarm.get("AlarmName") in wanted]
        found: list[dict[str, Any]] = []
        for start in range(0, len(names), 100):
            found += self.read("cloudwatch", "DescribeAlarms", result_key="MetricAlarms",
                               AlarmNames=list(names[start:start + 100])) or []
        return found
