"""What a new user saw (issue 21.2 and 21.5): --task does not change what a task shows, the page for an
empty account points at --task (not JSON), no empty Name column without a roster, ties said as ties, and
every line laid out alike: one line per message in a pipe (as fixes are), no trailing spaces anywhere."""

from __future__ import annotations

import dataclasses
import re

import pytest

from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.render import FORMATS


def hardest_line(run: RunResult) -> str:
    return next((line for line in FORMATS["markdown"].text(run).splitlines() if line.startswith("Hardest:")), "")


F = Status.FAIL
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def nothing(number: int) -> TaskResult:
    return TaskResult(
        number,
        f"Task {number}",
        (
            CheckResult(
                f"{number}.1",
                f"Check {number}.1",
                F,
                0.0,
                4,
                "does not exist",
                f"aws lambda create-function --function-name f{number}",
            ),
            CheckResult(
                f"{number}.2", f"Check {number}.2", F, 0.0, 4, f"not checked: {number}.1", skipped_by=f"{number}.1"
            ),
        ),
    )


def empty(*numbers: int, name: str | None = None, sid: str = "nobody") -> StudentResult:
    return StudentResult(sid, "123456789012", "us-east-1", tuple(nothing(n) for n in numbers), 70.0, name=name)


def run_of(*students: StudentResult, only_tasks: tuple[int, ...] | None = None) -> RunResult:
    return RunResult("lambda_medium", "Lambda Medium", 70.0, students, only_tasks=only_tasks)


def test_task_shows_every_task_asked_for_whole():
    page = FORMATS["table"].text(run_of(empty(8, 12), only_tasks=(8, 12)), width=100)
    assert "f8" in page and "f12" in page  # each task asked for, with its fix, as a whole run shows it
    assert "Start with the first task" not in page and "--format json" not in page


def test_an_empty_account_is_pointed_at_task_not_at_json():
    page = FORMATS["table"].text(run_of(empty(*range(1, 13))), width=100)
    assert "f1" in page and "f2" not in page  # the short page stays for the whole run
    assert "--task N" in page and "--format json" not in page


def test_no_name_column_without_names():
    unnamed = run_of(empty(1, 2, sid="a1"), empty(1, 2, sid="b2"))
    named = run_of(empty(1, 2, sid="a1", name="Ann Lee"), empty(1, 2, sid="b2"))
    for fmt in ("table", "markdown", "html"):
        assert "Name" not in FORMATS[fmt].text(unnamed), fmt
        assert "Name" in FORMATS[fmt].text(named) and "Ann Lee" in FORMATS[fmt].text(named), fmt
    header = next(line for line in FORMATS["markdown"].text(unnamed).splitlines() if line.startswith("| Student"))
    separator = (
        FORMATS["markdown"].text(unnamed).splitlines()[FORMATS["markdown"].text(unnamed).splitlines().index(header) + 1]
    )
    assert header.count("|") == separator.count("|")  # a well-formed table without the column


def test_a_tie_for_hardest_is_said_as_a_tie():
    everyone = run_of(empty(*range(1, 11), sid="a1"), empty(*range(1, 11), sid="b2"))
    assert hardest_line(everyone) == "Hardest: 10 tasks tied at 0%"
    assert len(everyone.hardest()) == 10  # the table marks all ten, not the first three


def test_hardest_keeps_whole_groups():
    def scored(numbers_passed: set[int], sid: str) -> StudentResult:
        tasks = []
        for n in range(1, 6):
            task = nothing(n)
            if n in numbers_passed:
                task = dataclasses.replace(
                    task,
                    checks=tuple(
                        dataclasses.replace(c, status=Status.PASS, points=4, skipped_by=None) for c in task.checks
                    ),
                )
            tasks.append(task)
        return StudentResult(sid, "1", "us-east-1", tuple(tasks), 70.0)

    run = run_of(scored({2, 3, 4, 5}, "a"), scored({3, 4, 5}, "b"), scored({1, 2}, "c"))
    # task 1: 1/3; tasks 2, 3, 4, 5: 2/3 each: one task, then the whole 4-way tie
    assert hardest_line(run) == "Hardest: task 1 (33.3%), 4 tasks tied at 66.7% (2, 3, 4, 5)"


LONG = ("the function is missing and " * 10).strip()


def long_student() -> StudentResult:
    student = empty(1, 2)
    task = student.tasks[0]
    first = dataclasses.replace(task.checks[0], message=LONG)
    return dataclasses.replace(
        student,
        tasks=(dataclasses.replace(task, checks=(first, *task.checks[1:])), *student.tasks[1:]),
        notes=("a long note " * 20,),
    )


def test_in_a_pipe_a_message_is_one_line_as_a_fix_is():
    page = FORMATS["table"].text(run_of(long_student()), width=None)
    assert any(line.strip().endswith(LONG) for line in page.splitlines()), page
    assert any(line.strip() == "Note: " + ("a long note " * 20).strip() for line in page.splitlines()), page
    classes = FORMATS["table"].text(run_of(long_student(), dataclasses.replace(long_student(), student_id="b")))
    assert any(line.strip().endswith(("a long note " * 20).strip()) for line in classes.splitlines()), classes


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [60, 80, 120])
def test_no_line_ends_in_spaces(width, color):
    for run in (run_of(long_student()), run_of(long_student(), dataclasses.replace(long_student(), student_id="b"))):
        page = FORMATS["table"].text(run, width=width, color=color)
        wrapped = [ANSI.sub("", line) for line in page.splitlines()]
        assert not any(line.strip().endswith(("a long note " * 20).strip()) for line in wrapped)  # it was wrapped
        assert [line for line in wrapped if line != line.rstrip()] == []
