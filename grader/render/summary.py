"""Class-level figures every class report shares: per-task pass rates, mean and median."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from grader.model import RunResult, Status

TASK_MARKS = {Status.PASS: "✓", Status.PARTIAL: "◐", Status.FAIL: "✗", Status.ERROR: "!"}


@dataclass(frozen=True)
class TaskRate:
    number: int
    title: str
    full_marks: int
    students: int

    @property
    def percent(self) -> float:
        return round(100 * self.full_marks / self.students, 1) if self.students else 0.0


def task_rates(run: RunResult) -> list[TaskRate]:
    if not run.students:
        return []
    rates = []
    for index, task in enumerate(run.students[0].tasks):
        full = sum(1 for s in run.students if s.tasks[index].status is Status.PASS)
        rates.append(TaskRate(task.number, task.title, full, len(run.students)))
    return rates


def median_score(run: RunResult) -> float:
    scores = [s.score for s in run.students]
    return round(statistics.median(scores), 2) if scores else 0.0


def hardest(run: RunResult, count: int = 3) -> list[TaskRate]:
    """The tasks the fewest students got full marks on (only those some student missed)."""
    rates = [r for r in task_rates(run) if r.full_marks < r.students]
    return sorted(rates, key=lambda r: (r.percent, r.number))[:count]
