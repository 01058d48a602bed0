"""The LMS import files on their own (issue 24): the columns an LMS matches students by go verbatim, so an
ID starting with ``-`` still matches; names, which no importer matches, stay neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from grader.model import RunResult, StudentResult
from grader.render import gradebooks
from grader.roster import Student


def run_of(*scores: tuple[str, float]) -> RunResult:
    return RunResult(
        "lambda_medium",
        "Lambda",
        70.0,
        tuple(StudentResult(sid, "123456789012", "us-east-1", (), 70.0) for sid, _ in scores),
    )


ROSTER = [
    Student("-kim7", name='=HYPERLINK("x") Kim', email="-kim7@school.example", extra=(("section", "+B2"),)),
    Student("ann1", name="Ann One", email="ann@school.example", extra=(("section", "A1"),)),
]


def test_canvas_matches_by_the_student_id_and_email_as_they_are():
    rows = list(csv.reader(io.StringIO(gradebooks.canvas(run_of(("-kim7", 0), ("ann1", 0)), ROSTER, 100))))
    assert rows[2] == ['\'=HYPERLINK("x") Kim', "", "-kim7", "-kim7@school.example", "'+B2", "0"]
    assert rows[3] == ["Ann One", "", "ann1", "ann@school.example", "A1", "0"]  # Section: the roster's section


def test_moodle_matches_by_the_id_number_and_email_as_they_are():
    rows = list(csv.DictReader(io.StringIO(gradebooks.moodle(run_of(("-kim7", 0)), ROSTER[:1]))))
    assert (rows[0]["ID number"], rows[0]["Email address"], rows[0]["First name"]) == (
        "-kim7",
        "-kim7@school.example",
        '\'=HYPERLINK("x")',
    )


def test_the_gradebook_renderers_take_the_roster_and_options_through_one_interface():
    from grader.render import FORMATS, Roster

    roster = Roster(tuple(ROSTER), 100.0, {"assignment": "Lab", "assignment_id": "42", "grade_item": "Lab grade"})
    run = run_of(("ann1", 0))
    assert FORMATS["canvas"].download(run, roster) == gradebooks.canvas(run, ROSTER, 100, "Lab", "42")
    assert FORMATS["moodle"].text(run, roster=roster) == gradebooks.moodle(run, ROSTER, "Lab grade")
    for name in ("canvas", "moodle"):
        with pytest.raises(ValueError, match="needs the roster"):
            FORMATS[name].text(run)
