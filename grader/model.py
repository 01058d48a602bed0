"""The one result model every renderer reads: check → task → student → run."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # could not be decided: names the permission or fault
    WARN = "warn"  # advice only: 0 points, never costs marks
    PARTIAL = "partial"  # tasks only


def json_safe(value: Any) -> Any:
    """``value`` as JSON carries it: tuples → lists, sets → sorted lists, keys → strings, anything else → its text."""
    if isinstance(value, enum.Enum):  # before str and int: Status is a str
        return json_safe(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # NaN and infinity are not JSON
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(json_safe(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [json_safe(v) for v in value]
        try:
            return sorted(items)
        except TypeError:  # mixed types: a stable order all the same
            return sorted(items, key=lambda v: (type(v).__name__, json.dumps(v, sort_keys=True)))
    return str(value)


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    status: Status
    points: float
    max_points: float
    message: str
    hint: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)  # what the check saw: passed(msg, **evidence)
    # Not checked because a check it requires did not pass: the first check of that chain that failed
    # (status stays ``fail``: no points, but nothing to fix here until that one passes).
    skipped_by: str | None = None

    @property
    def skipped(self) -> bool:
        return self.skipped_by is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "points": float(self.points),
            "max_points": float(self.max_points),
            "message": self.message,
            "hint": self.hint,
            "evidence": json_safe(self.evidence),
            "skipped_by": self.skipped_by,
        }


@dataclass(frozen=True)
class TaskResult:
    number: int
    title: str
    checks: tuple[CheckResult, ...]

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.checks), 2)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_points for c in self.checks), 2)

    @property
    def status(self) -> Status:
        if any(c.status is Status.ERROR for c in self.checks):
            return Status.ERROR
        if self.score >= self.max_score:
            return Status.PASS
        return Status.FAIL if self.score == 0 else Status.PARTIAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "status": self.status.value,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass(frozen=True)
class StudentResult:
    student_id: str
    account: str | None
    region: str
    tasks: tuple[TaskResult, ...]
    pass_mark: float
    notes: tuple[str, ...] = ()
    name: str | None = None
    email: str | None = None
    # Roster columns the grader does not use (``section``...), carried into the reports as they are.
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tasks), 2)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tasks), 2)

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 2) if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        return self.percent >= self.pass_mark

    @property
    def complete(self) -> bool:
        return all(t.status is not Status.ERROR for t in self.tasks)

    def check(self, check_id: str) -> CheckResult:
        """The result of the check with this id (``"7.3"``); KeyError when the assessment has none."""
        for task in self.tasks:
            for check in task.checks:
                if check.id == check_id:
                    return check
        raise KeyError(check_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "account": self.account,
            "region": self.region,
            "score": float(self.score),
            "max_score": float(self.max_score),
            "passed": self.passed,
            "complete": self.complete,
            "tasks": [t.to_dict() for t in self.tasks],
            "notes": list(self.notes),
            **{k: v for k, v in (("name", self.name), ("email", self.email)) if v},
            **({"roster": dict(self.extra)} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], pass_mark: float) -> StudentResult:
        """Read back a student from the JSON contract (``--resume``)."""
        tasks = tuple(
            TaskResult(t["number"], t["title"], tuple(
                CheckResult(c["id"], c["title"], Status(c["status"]), float(c["points"]), float(c["max_points"]),
                            c["message"], c.get("hint"), dict(c.get("evidence") or {}), _skipped_by(c))
                for c in t["checks"]))
            for t in data["tasks"]
        )
        return cls(data["student_id"], data.get("account"), data["region"], tasks, pass_mark,
                   tuple(data.get("notes") or ()), data.get("name"), data.get("email"),
                   tuple((str(k), str(v)) for k, v in (data.get("roster") or {}).items()))


def _skipped_by(check: dict[str, Any]) -> str | None:
    """A check's ``skipped_by``; a report written before the field existed says it in its message."""
    if check.get("skipped_by"):
        return str(check["skipped_by"])
    message = str(check.get("message") or "")
    if check.get("status") == "fail" and message.startswith("not checked: "):
        return message.removeprefix("not checked: ").split(" ", 1)[0]
    return None


@dataclass(frozen=True)
class TaskRate:
    """How many students of a run got full marks on one task."""

    number: int
    title: str
    full_marks: int
    students: int

    @property
    def percent(self) -> float:
        return round(100 * self.full_marks / self.students, 1) if self.students else 0.0


@dataclass(frozen=True)
class RunResult:
    assessment: str
    title: str
    pass_mark: float
    students: tuple[StudentResult, ...]
    # The sandbox's reference solution (--sandbox), not a student's own account: every format says so.
    reference: bool = False
    # When and by which version of the grader the run was made (ISO 8601, UTC); None in hand-built runs.
    graded_at: str | None = None
    version: str | None = None
    # Tasks graded when the run graded only some (--task); None: all of them.
    only_tasks: tuple[int, ...] | None = None

    @property
    def exit_code(self) -> int:
        """0 all passed; 1 someone below the pass mark; 3 grading incomplete."""
        if not all(s.complete for s in self.students):
            return 3
        return 0 if all(s.passed for s in self.students) else 1

    # Class statistics: every renderer reads them from here.

    @property
    def passed_count(self) -> int:
        return sum(s.passed for s in self.students)

    @property
    def mean_score(self) -> float:
        scores = [s.score for s in self.students]
        return round(math.fsum(scores) / len(scores), 2) if scores else 0.0  # statistics.fmean's sum

    @property
    def median_score(self) -> float:
        scores = [s.score for s in self.students]
        import statistics  # here: importing it is a tenth of the model's own start-up, for a class's figure

        return round(statistics.median(scores), 2) if scores else 0.0

    @property
    def task_rates(self) -> tuple[TaskRate, ...]:
        """Per task (in the rubric's order), the students with full marks on it."""
        if not self.students:
            return ()
        return tuple(
            TaskRate(task.number, task.title, sum(1 for s in self.students if s.tasks[index].status is Status.PASS),
                     len(self.students))
            for index, task in enumerate(self.students[0].tasks))

    def hardest_groups(self, count: int = 3) -> tuple[tuple[float, tuple[TaskRate, ...]], ...]:
        """The tasks the fewest students got full marks on (only those some student missed), as groups of
        equal share, lowest first: whole groups until at least ``count`` tasks, so a tie is never cut at an
        arbitrary task (a 10-way tie at 0 % is the ten tasks, not the first three)."""
        groups: dict[float, list[TaskRate]] = {}
        for rate in sorted((r for r in self.task_rates if r.full_marks < r.students), key=lambda r: (r.percent, r.number)):
            groups.setdefault(rate.percent, []).append(rate)
        kept: list[tuple[float, tuple[TaskRate, ...]]] = []
        for percent, rates in groups.items():
            if sum(len(r) for _, r in kept) >= count:
                break
            kept.append((percent, tuple(rates)))
        return tuple(kept)

    def hardest(self, count: int = 3) -> tuple[TaskRate, ...]:
        """The tasks of :meth:`hardest_groups`, lowest first."""
        return tuple(rate for _, rates in self.hardest_groups(count) for rate in rates)

    @property
    def has_names(self) -> bool:
        """Whether any student has a name (from a roster): else a class table has no Name column."""
        return any(s.name for s in self.students)

    def summary(self) -> dict[str, Any]:
        return {"students": len(self.students), "passed": self.passed_count, "mean_score": self.mean_score}

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessment": self.assessment,
            "pass_mark": float(self.pass_mark),
            "students": [s.to_dict() for s in self.students],
            "summary": self.summary(),
            "reference_solution": self.reference,
            **({"graded_at": self.graded_at} if self.graded_at else {}),
            **({"grader_version": self.version} if self.version else {}),
            **({"tasks": list(self.only_tasks)} if self.only_tasks is not None else {}),
        }
