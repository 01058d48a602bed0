"""How an assessment is written: tasks of small checks, each a pure function of gathered facts.

A check module reads like its rubric::

    TASK = Task(7, "Reserved concurrency", points=6)

    @TASK.check("Function exists", points=3, hint="aws lambda create-function --function-name ...-{sid} ...")
    def exists(ctx):
        ...
        return passed("found") or failed("not found")

Metadata are plain attributes (cfn-lint); a check may ``require`` an earlier one, and when that one did
not pass, the dependent check fails with that single reason instead of repeating it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from grader.model import Status

if TYPE_CHECKING:  # only for annotations: --explain and --help must not import boto3
    from grader.aws.facts import Facts


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str
    hint: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def passed(message: str, **evidence: Any) -> Verdict:
    return Verdict(Status.PASS, message, None, evidence)


def failed(message: str, hint: str | None = None, **evidence: Any) -> Verdict:
    """A mistake. Without a ``hint`` the check's own fix is shown."""
    return Verdict(Status.FAIL, message, hint, evidence)


@dataclass(frozen=True)
class Context:
    """What a check may look at: the student, where they are graded, and the gathered facts."""

    sid: str
    account: str
    region: str
    facts: Facts

    def name(self, prefix: str) -> str:
        """A resource name of this student: ``prefix-<student id>``."""
        return f"{prefix}-{self.sid}"

    def fill(self, template: str) -> str:
        """Put the student's values into a hint (plain replacement: hints hold JSON braces)."""
        return (
            template.replace("{sid}", self.sid).replace("{region}", self.region).replace("{account}", self.account)
        )


Judge = Callable[[Context], Verdict]


@dataclass
class Check:
    id: str
    title: str
    points: float
    judge: Judge
    hint: str | None = None
    requires: Check | None = None
    advisory: bool = False  # a failed advisory check is a warning, worth nothing either way


class Task:
    def __init__(self, number: int, title: str, points: float) -> None:
        self.number = number
        self.title = title
        self.points = points
        self.checks: list[Check] = []

    def check(
        self,
        title: str,
        *,
        points: float,
        hint: str | None = None,
        requires: Check | None = None,
        advisory: bool = False,
    ) -> Callable[[Judge], Check]:
        def register(judge: Judge) -> Check:
            check = Check(
                id=f"{self.number}.{len(self.checks) + 1}",
                title=title,
                points=0.0 if advisory else points,
                judge=judge,
                hint=hint,
                requires=requires,
                advisory=advisory,
            )
            self.checks.append(check)
            return check

        return register


@dataclass
class Assessment:
    name: str
    title: str
    tasks: list[Task]
    # Resource names whose absence everywhere in the graded region means "look in other regions".
    landmarks: Callable[[str], list[str]] = lambda sid: []
    readme: str = ""
    # --all-students: name prefixes that reveal a student ID, by kind ("functions", "layers").
    discovery: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Starts the reads every student needs before the checks ask (speed only; never changes a verdict).
    prefetch: Callable[[Context], None] = lambda ctx: None
    # The facts (methods of grader.aws.facts.Facts) the checks read: the assessment's least-privilege
    # policy and the services to prepare clients for follow from them.
    reads: tuple[str, ...] = ()
    # False when the assessment uses fixed resource names: one student per account, and the student
    # ID only labels the result.
    names_end_in_student_id: bool = True

    def __post_init__(self) -> None:
        total = sum(t.points for t in self.tasks)
        for task in self.tasks:
            check_total = round(sum(c.points for c in task.checks), 6)
            if check_total != task.points:
                raise ValueError(f"{self.name} task {task.number}: checks sum to {check_total}, not {task.points}")
        self.max_score = total
