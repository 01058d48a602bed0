"""The class's reports list everyone on the roster: a student without an attempt to count is a row of
their own, every check "not graded: no attempt yet" (as the command line shows a student it could not
grade), so a report is a gradebook of the whole class and nobody is missing from it."""

from __future__ import annotations

import dataclasses
from typing import Any

from grader.engine import unreachable
from grader.model import RunResult, StudentResult
from grader.roster import Student

NO_ATTEMPT = "no attempt yet"


def no_attempt(student: Student, assessment: Any, pass_mark: float) -> StudentResult:
    return StudentResult(student.student_id, student.account_id or "-", student.region or "-",
                         tuple(unreachable(task, NO_ATTEMPT) for task in assessment.tasks), pass_mark,
                         (f"{NO_ATTEMPT}: nothing counted for this student",), student.name, student.email,
                         student.extra)


def everyone(run: RunResult, roster: list[Student], assessment: Any) -> RunResult:
    """``run`` with a row for every student of ``roster`` (in its order), graded or not."""
    graded = {s.student_id: s for s in run.students}
    return dataclasses.replace(run, students=tuple(graded.get(s.student_id) or no_attempt(s, assessment, run.pass_mark)
                                                   for s in roster))
