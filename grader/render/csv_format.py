"""A gradebook CSV (Canvas, Moodle): one row per student, one column per task.

Text cells that a spreadsheet would run as a formula are neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from grader.model import RunResult

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text(run: RunResult) -> str:
    tasks = run.students[0].tasks if run.students else ()
    with_contacts = any(s.name or s.email for s in run.students)
    # The roster's own columns (section...) come along, after the ones the grader knows.
    extra = list(dict.fromkeys(key for s in run.students for key, _ in s.extra))
    header = ["student_id"] + (["name", "email"] if with_contacts else []) + extra
    header += ["score", "max_score", "percent", "passed", "complete"]
    header += [f"task_{t.number}" for t in tasks]
    header += ["notes"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for student in run.students:
        row: list[object] = [student.student_id] + ([student.name or "", student.email or ""] if with_contacts else [])
        values = dict(student.extra)
        row += [values.get(key, "") for key in extra]
        row += [f"{student.score:g}", f"{student.max_score:g}", f"{student.percent:g}",
                "yes" if student.passed else "no", "yes" if student.complete else "no"]
        row += [f"{t.score:g}" for t in student.tasks]
        row += [" | ".join(student.notes)]
        writer.writerow([safe(cell) for cell in row])
    return buffer.getvalue()
