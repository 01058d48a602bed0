"""The lowest layer of ``grader/aws/``: which IAM action each API operation needs, and the read-only rule.

Everything above imports from here; this module imports nothing of the grader's. The reads a fact
makes are declared with :func:`reads` (Cloud Custodian style); what they add up to, the grader's
least-privilege policy, is worked out over every fact in :mod:`grader.aws.permissions`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# API operations whose IAM action is not named ``service:Operation``.
IAM_ACTIONS = {
    ("apigateway", "GetRestApis"): "apigateway:GET",
    ("apigateway", "GetResources"): "apigateway:GET",
    ("apigateway", "GetStages"): "apigateway:GET",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
}

# IAM actions an API call needs for part of its answer, authorized without a request of their own.
ALSO_NEEDED = {
    "lambda:GetFunction": ("lambda:ListTags",),  # its Tags (botocore lambda model, GetFunctionResponse.Tags)
}

# The read-only rule: reads by name, nothing else, whatever the service...
READ_OPERATION = re.compile(r"^(Get|List|Describe)[A-Z]")
# ...but for getting temporary credentials into a student's own account, which changes nothing there.
ALSO_ALLOWED = {("sts", "AssumeRole")}


def is_allowed(service: str, operation: str) -> bool:
    """Whether the grader may send this operation at all (the session refuses every other one)."""
    return bool(READ_OPERATION.match(operation)) or (service, operation) in ALSO_ALLOWED


def iam_action(service: str, operation: str) -> str:
    """The IAM action that allows an API operation (boto3 client names equal the IAM prefixes used here)."""
    return IAM_ACTIONS.get((service, operation), f"{service}:{operation}")


def iam_actions_needed(call: str) -> tuple[str, ...]:
    """Every IAM action a ``service:Operation`` call's whole answer needs: its own, and any that only part needs."""
    action = iam_action(*call.split(":", 1))
    return (action, *ALSO_NEEDED.get(action, ()))


def reads(*actions: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the IAM actions a fact is read with (both ways of gathering it together)."""
    def declare(method: Callable[..., Any]) -> Callable[..., Any]:
        method.actions = actions  # type: ignore[attr-defined]
        return method

    return declare
