"""CloudWatch: where moto's CloudWatch differs from AWS's."""

from __future__ import annotations

from typing import Any

from grader.emulator.patches._common import page, require

# --- CloudWatch: DescribeAlarms ignores MaxRecords / NextToken ------------------------------------


def describe_alarms_paging() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult

    original = require(CloudWatchResponse, "describe_alarms")

    def describe_alarms(self: Any) -> Any:
        result = original(self).result
        metric_alarms = sorted(result["MetricAlarms"], key=lambda alarm: alarm.name)
        chunk, next_token = page(
            metric_alarms,
            start=self._get_param("NextToken"),
            size=self._get_param("MaxRecords"),
            limit=100,  # AWS's MaxRecords ceiling
        )
        paged = {"MetricAlarms": chunk, "CompositeAlarms": result["CompositeAlarms"]}
        if next_token:
            paged["NextToken"] = next_token
        return ActionResult(paged)

    CloudWatchResponse.describe_alarms = describe_alarms
