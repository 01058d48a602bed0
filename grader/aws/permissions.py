"""The grader's own permissions, worked out over the catalogue of every fact: the least-privilege policy.

Every fact declares the actions it reads with (``@reads`` in :mod:`grader.aws.actions`); an assessment's
policy is the union over the facts it names, and the operations the grader may ever call (the models
it trims) follow from the same declarations. (Judging the *students'* policies is another matter:
``checks/policy_evaluation.py``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grader.aws.actions import IAM_ACTIONS, is_allowed
from grader.aws.facts import Facts

# Read by the grader but declared by no fact: who the credentials are, and a student's role.
ALSO_CALLED = {"sts": ("GetCallerIdentity", "AssumeRole")}


def fact_actions() -> dict[str, tuple[str, ...]]:
    """Every fact's name and the IAM actions it reads with."""
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


def grader_operations() -> dict[str, tuple[str, ...]]:
    """Every operation the grader may call, by service: each fact's IAM actions as API operations."""
    by_action: dict[str, set[tuple[str, str]]] = {}
    for (service, operation), action in IAM_ACTIONS.items():
        by_action.setdefault(action, set()).add((service, operation))
    found: dict[str, set[str]] = {s: set(ops) for s, ops in ALSO_CALLED.items()}
    for actions in fact_actions().values():
        for action in actions:
            service, _, name = action.partition(":")
            # An action is named after its operation, or IAM_ACTIONS says which operations it allows.
            for svc, operation in by_action.get(action, set()) | {(service, name)}:
                if is_allowed(svc, operation):
                    found.setdefault(svc, set()).add(operation)
    return {service: tuple(sorted(ops)) for service, ops in sorted(found.items())}
