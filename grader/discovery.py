"""``--all-students``: find every student who started, from the assessment's resource names."""

from __future__ import annotations

from grader.aws.facts import Facts
from grader.roster import STUDENT_ID
from grader.rubric import Assessment

# Which fact lists the names of each kind of resource.
LISTINGS = {"functions": "function_names", "layers": "layer_names"}


def discover(assessment: Assessment, facts: Facts) -> dict[str, set[str]]:
    """Student ID -> the name patterns it was found by (``layer-consumer-*``...)."""
    found: dict[str, set[str]] = {}
    for kind, prefixes in assessment.discovery.items():
        names = getattr(facts, LISTINGS[kind])()
        for prefix in prefixes:
            for name in names:
                if name and name.startswith(prefix + "-"):
                    sid = name[len(prefix) + 1:]
                    if STUDENT_ID.match(sid):
                        found.setdefault(sid, set()).add(f"{prefix}-*")
    return dict(sorted(found.items()))
