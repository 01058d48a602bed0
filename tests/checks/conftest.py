"""A student who followed an assessment and then made one mistake: what every assessment's tests share.

Each assessment's own conftest provides the ``graded_mistake`` fixture (how its students are built).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.model import Status, StudentResult
from tests.conftest import Account, failing_checks

Mistake = Callable[[Account, dict[str, Any]], None]


def assert_costs_exactly(student: StudentResult, failing: set[str]) -> dict[int, float]:
    """Exactly ``failing`` checks fail (a fail, never an error), each losing all its points and nothing else
    losing any: every task's score is exact. Returns the scores of the tasks that lost points."""
    assert failing_checks(student) == failing
    lost = {}
    for task in student.tasks:
        for check in task.checks:
            if check.id in failing:
                assert check.status is Status.FAIL and check.points == 0, (check.id, check.status, check.message)
            else:
                assert check.points == check.max_points, (check.id, check.status, check.message)
        expected = round(task.max_score - sum(c.max_points for c in task.checks if c.id in failing), 2)
        assert task.score == expected, f"task {task.number}: {task.score}, expected {expected}"
        if expected < task.max_score:
            lost[task.number] = expected
    assert student.score == round(sum(t.max_score for t in student.tasks) - sum(
        c.max_points for t in student.tasks for c in t.checks if c.id in failing), 2)
    assert student.complete
    return lost


def assert_costs_only(student: StudentResult, task_number: int, failing: set[str]) -> None:
    """The mistake fails exactly ``failing`` checks, all in its own task, which loses exactly their points;
    every other task keeps full marks."""
    lost = assert_costs_exactly(student, failing)
    assert set(lost) == {task_number}, f"tasks {sorted(lost)} lost points for a task {task_number} mistake"


def mistakes_cost_only_their_task(task_number: int, mistakes: dict[str, tuple[Mistake, set[str]]]) -> Callable:
    """A test, one case per mistake: it fails exactly the listed checks, all in ``task_number``."""

    @pytest.mark.parametrize("mistake", mistakes, ids=list(mistakes))
    def test(graded_mistake: Callable, mistake: str) -> None:
        apply, failing = mistakes[mistake]
        _, student = graded_mistake(apply)
        assert_costs_only(student, task_number, failing)

    return test


ROOT = Path(__file__).resolve().parents[2]


def readme_rubric(assessment: Any) -> list[tuple[str, str, float]]:
    """The (check, title, points) rows of the "How you are graded" table in the assessment's README."""
    section = (ROOT / assessment.readme).read_text(encoding="utf-8").split("## How you are graded", 1)[1]
    rows = re.findall(r"^\| (\d+\.\d+) \| (.+?) \| ([\d.]+) \|$", section, flags=re.MULTILINE)
    return [(check_id, title, float(points)) for check_id, title, points in rows]


def rubric(assessment: Any) -> list[tuple[str, str, float]]:
    """The same rows, from the checks themselves."""
    return [(c.id, c.title + (" (advice, no points)" if c.advisory else ""), c.points)
            for t in assessment.tasks for c in t.checks]
