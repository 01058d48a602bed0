"""How an assessment is written: tasks of small checks, each a pure function of gathered facts.

A check module reads like its rubric::

    TASK = Task(7, "Reserved concurrency", points=6)

    @TASK.check("7.1", "Function exists", points=3, hint="aws lambda create-function --function-name ...-{sid} ...")
    def exists(ctx):
        ...
        return passed("found") or failed("not found")

Metadata are plain attributes (cfn-lint). Each check's id is written beside it and never derived from
its position, so inserting a check renumbers nothing in gradebooks or ``--resume`` files. A check may
``require`` any check of the assessment (the object, or its id): it is judged after it, and when that
one did not pass, fails with that single reason instead of repeating it. The assessment validates ids,
requirements and the facts it names when it loads.
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
    # The graded account's ID; None: the account of ``facts``' credentials, read when first asked (so
    # reads that do not need it can leave while it is on its way).
    given_account: str | None
    region: str
    facts: Facts
    names_end_in_student_id: bool = True

    @property
    def account(self) -> str:
        return self.given_account if self.given_account is not None else self.facts.account_id()

    def name(self, base: str) -> str:
        """A resource name of this student: ``base-<student id>``, or ``base`` in a fixed-name assessment."""
        return f"{base}-{self.sid}" if self.names_end_in_student_id else base

    @property
    def partition(self) -> str:
        """The ARN partition of the graded region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
        return partition_of(self.region)

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """An ARN in the graded account and region: ``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")

    def fill(self, template: str) -> str:
        """Put the student's values into a hint (plain replacement: hints hold JSON braces)."""
        return (
            template.replace("{sid}", self.sid).replace("{region}", self.region).replace("{account}", self.account)
            .replace("{partition}", self.partition)
        )


def partition_of(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


Judge = Callable[[Context], Verdict]


# The kinds of resource a task may name; grader/whereabouts.py knows how to look for each (its KINDS, keyed
# by these: the layer above the rubric, which the rubric does not import).
RESOURCE_KINDS = ("function", "layer", "queue", "security group", "scalable target", "alarm", "alarms on")


@dataclass(frozen=True)
class Resource:
    """A resource a task names: ``kind`` is one of :data:`RESOURCE_KINDS` (``function``,
    ``queue``...), ``name`` its exact name (for ``alarms on``, the function the alarms watch)."""

    task: int
    kind: str
    name: str


@dataclass(eq=False)
class Check:
    id: str
    title: str
    points: float
    judge: Judge
    hint: str | None = None
    # Checks (of any task, or their ids) that must pass first; resolved to checks when the assessment loads.
    requires: tuple[Check | str, ...] = ()
    advisory: bool = False  # a failed advisory check is a warning, worth nothing either way
    task: int = 0
    # The assessment's last word on a fix, given what was read (set when the assessment loads).
    finish: Callable[[Context, str], str] | None = None


class Task:
    def __init__(self, number: int, title: str, points: float) -> None:
        self.number = number
        self.title = title
        self.points = points
        self.checks: list[Check] = []

    def check(
        self,
        check_id: str,
        title: str,
        *,
        points: float,
        hint: str | None = None,
        requires: Check | str | tuple[Check | str, ...] | None = None,
        advisory: bool = False,
    ) -> Callable[[Judge], Check]:
        """Register a check with its stable id (``"<task>.<n>"``, unique in the assessment)."""
        if not check_id.startswith(f"{self.number}.") or any(c.id == check_id for c in self.checks):
            raise ValueError(f"task {self.number}: check id {check_id!r} must be '{self.number}.<n>' and unique")

        def register(judge: Judge) -> Check:
            check = Check(
                id=check_id,
                title=title,
                points=0.0 if advisory else points,
                judge=judge,
                hint=hint,
                requires=tuple(requires) if isinstance(requires, (tuple, list)) else (requires,) if requires else (),
                advisory=advisory,
                task=self.number,
            )
            self.checks.append(check)
            return check

        return register


@dataclass
class Assessment:
    name: str
    title: str
    tasks: list[Task]
    # The resources each task names, for a student ID: when one is missing from the graded region, the
    # grader looks for it in the partition's other regions and says where it is (grader/whereabouts.py).
    resources: Callable[[str], list[Resource]] = lambda sid: []
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
    # What every printed fix goes through last, with what was read (lambda: waiting for a function AWS is still
    # creating or updating before changing it); None: printed as the check made it.
    finish_fix: Callable[[Context, str], str] | None = None

    def __post_init__(self) -> None:
        total = sum(t.points for t in self.tasks)
        for task in self.tasks:
            check_total = round(sum(c.points for c in task.checks), 6)
            if check_total != task.points:
                raise ValueError(f"{self.name} task {task.number}: checks sum to {check_total}, not {task.points}")
        self.max_score = total
        self.checks = {c.id: c for t in self.tasks for c in t.checks}
        if len(self.checks) != sum(len(t.checks) for t in self.tasks):
            raise ValueError(f"{self.name}: check ids are not unique")
        for check in self.checks.values():
            resolved = []
            for required in check.requires:
                if isinstance(required, str):
                    if required not in self.checks:
                        raise ValueError(f"{self.name} check {check.id} requires {required!r}, which is no check of it")
                    required = self.checks[required]
                elif self.checks.get(required.id) is not required:
                    raise ValueError(f"{self.name} check {check.id} requires {required.id}, which is no check of it")
                resolved.append(required)
            check.requires = tuple(resolved)
        for check in self.checks.values():
            check.finish = self.finish_fix
        self.order = judging_order(self)
        from grader.aws.permissions import unknown_facts  # cheap: no botocore

        unknown = unknown_facts(self.reads)
        if unknown:
            raise ValueError(f"{self.name} reads unknown facts: {', '.join(unknown)}")
        numbers = {t.number for t in self.tasks}
        for resource in self.resources("id"):
            if resource.kind not in RESOURCE_KINDS or resource.task not in numbers:
                raise ValueError(f"{self.name}: resource {resource} is of no known kind or task")

    def landmarks(self, sid: str) -> list[str]:
        """The student's functions: when none is in the graded region, nothing of theirs is."""
        return list(dict.fromkeys(r.name for r in self.resources(sid) if r.kind == "function"))


def judging_order(assessment: Assessment) -> list[list[Check]]:
    """The checks in groups that can be judged side by side, each group in dependency order.

    Tasks linked by a requirement share a group (one thread judges it, so a requirement is always
    decided first); a cycle of requirements is refused.
    """
    group_of = {t.number: t.number for t in assessment.tasks}

    def root(n: int) -> int:
        while group_of[n] != n:
            n = group_of[n]
        return n

    for check in assessment.checks.values():
        for required in check.requires:
            group_of[root(check.task)] = root(required.task)
    ordered: list[Check] = []
    state: dict[str, str] = {}

    def visit(check: Check) -> None:
        if state.get(check.id) == "done":
            return
        if state.get(check.id) == "visiting":
            raise ValueError(f"{assessment.name}: requirements form a cycle through {check.id}")
        state[check.id] = "visiting"
        for required in check.requires:
            visit(required)
        state[check.id] = "done"
        ordered.append(check)

    for check in assessment.checks.values():
        visit(check)
    groups: dict[int, list[Check]] = {}
    for check in ordered:
        groups.setdefault(root(check.task), []).append(check)
    return list(groups.values())
