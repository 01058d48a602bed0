"""The grader's own permissions: which IAM action each read needs, and the least-privilege policy.

Every fact declares the actions it reads with (``@reads``, Cloud Custodian style); an assessment's
policy is the union over the facts it names. (Judging the *students'* policies is another matter:
``checks/policy_evaluation.py``.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def fact_actions() -> dict[str, tuple[str, ...]]:
    """Every fact's name and the IAM actions it reads with."""
    from grader.aws.facts import Facts

    return {name: getattr(Facts, name).actions for name in dir(Facts)
            if hasattr(getattr(Facts, name, None), "actions")}


def unknown_facts(names: Iterable[str]) -> list[str]:
    """The names that are not facts (an assessment validates its ``reads`` with this when it loads)."""
    known = fact_actions()
    return [name for name in names if name not in known]


def policy_actions(facts: Iterable[str] | None = None) -> list[str]:
    """The IAM actions the named facts (default: every fact) read with: a least-privilege policy's."""
    known = fact_actions()
    names = list(known if facts is None else facts)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"no such fact: {', '.join(unknown)}")
    return sorted({action for name in names for action in known[name]})


def services(facts: Iterable[str]) -> tuple[str, ...]:
    """The AWS services the named facts call, in the order the facts are named (clients are made in it)."""
    known = fact_actions()
    ordered = [action.split(":")[0] for name in facts for action in known.get(name, ())]
    return tuple(dict.fromkeys(ordered))


def least_privilege_policy(facts: Iterable[str] | None = None) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "AssessmentGraderReadOnly", "Effect": "Allow", "Action": policy_actions(facts),
                           "Resource": "*"}]}
