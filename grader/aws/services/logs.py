"""CloudWatch Logs: log groups."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.reader import Listing
from grader.aws.services import ServiceFacts

LOG_GROUPS = Listing("logs", "DescribeLogGroups", "logGroups", key="logGroupName")


class LogsFacts(ServiceFacts):
    @reads("logs:DescribeLogGroups")
    def log_group(self, name: str) -> dict[str, Any] | None:
        """The log group named exactly ``name`` (``retentionInDays`` absent: kept forever), or None."""
        if self.inventory:
            return self.listing(LOG_GROUPS).get(name)
        # A prefix, not a name, is all the API filters by: "/aws/lambda/x" also lists "/aws/lambda/x-2".
        groups = self.read("logs", "DescribeLogGroups", result_key="logGroups", logGroupNamePrefix=name) or []
        return next((group for group in groups if group.get("logGroupName") == name), None)
