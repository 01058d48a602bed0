"""Grade import files for learning management systems, in the layouts their importers read.

- Canvas (Grades → Import): the columns of Canvas's own gradebook export — ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section`` (the roster's ``section``, if it has one) — then one
  assignment column ``<name> (<id>)``, and the ``Points Possible`` row under the header. Canvas matches a row by ``ID`` (its user ID, which a roster
  does not have), else by ``SIS User ID``/``SIS Login ID``: here the student ID and the email. A column
  whose ``(id)`` is not an existing assignment's number makes Canvas create a new assignment, with the
  points possible given; pass the assignment's number to fill an existing one.
- Moodle (Grades → Import → CSV file): a header row, one row per student; at import the instructor maps
  an identifier column (``ID number`` → user ID number, or ``Email address`` → email) and the grade
  column to a grade item. The columns are those of Moodle's own export.

A student without an attempt to count has an empty grade, which both importers leave alone.

Cells a spreadsheet would run as formulas are neutralised with a leading ``'``, as in the CSV report —
except the columns the LMS matches students by (``SIS User ID``/``SIS Login ID``, ``ID number``/``Email
address``), which go verbatim: the importer compares them with its own records character for character,
so ``'-kim7`` would match no one (an ID starting with ``-`` is valid). They cannot run anything: a student
ID is letters, digits, ``-`` and ``_`` only (``grader.roster.STUDENT_ID``: no parenthesis, quote, ``!`` or
``|``, which a function call or DDE needs; at most a spreadsheet reads ``-a1`` as a cell reference), and
the email is the instructor's own roster's. Names and sections, which no importer matches, are neutralised.
"""

from __future__ import annotations

import csv
import io

from grader.model import RunResult
from grader.render.csv_format import safe
from grader.roster import Student


def _points(value: float) -> str:
    return f"{value:g}"


def _csv(rows: list[list[str]], verbatim: set[int]) -> str:
    """The rows as CSV, the cells at ``verbatim`` (the columns the LMS matches by) as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell if i in verbatim else safe(cell) for i, cell in enumerate(row)])
    return buffer.getvalue()


def _section(student: Student) -> str:
    return dict(student.extra).get("section", "")


def canvas(run: RunResult, roster: list[Student], max_score: float, assignment: str | None = None,
           assignment_id: str | None = None) -> str:
    scores = {s.student_id: s.score for s in run.students}
    column = f"{assignment or run.title} ({assignment_id or run.assessment})"
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column],
            ["    Points Possible", "", "", "", "", _points(max_score)]]
    for student in roster:
        score = scores.get(student.student_id)
        rows.append([student.name or student.student_id, "", student.student_id, student.email or "",
                     _section(student), "" if score is None else _points(score)])
    return _csv(rows, verbatim={2, 3})


def moodle(run: RunResult, roster: list[Student], grade_item: str | None = None) -> str:
    scores = {s.student_id: s.score for s in run.students}
    rows = [["First name", "Last name", "ID number", "Email address", grade_item or run.title]]
    for student in roster:
        first, _, last = (student.name or "").strip().partition(" ")
        score = scores.get(student.student_id)
        rows.append([first, last, student.student_id, student.email or "", "" if score is None else _points(score)])
    return _csv(rows, verbatim={2, 3})
