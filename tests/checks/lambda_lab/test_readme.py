"""README_lambda_lab.md's "How you are graded" is the rubric the grader applies (--explain), and what
it tells students matches what the grader does."""

import re

from checks.lambda_lab import ASSESSMENT
from tests.checks.conftest import ROOT, readme_rubric, rubric

TEXT = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")


def test_readme_rubric_matches_the_checks():
    assert readme_rubric(ASSESSMENT) == rubric(ASSESSMENT)


def test_readme_has_a_section_per_lab_with_its_points():
    headings = re.findall(r"^## Lab (\d) — .+ \((\d+) points\)$", TEXT, flags=re.MULTILINE)
    assert headings == [(str(t.number), f"{t.points:g}") for t in ASSESSMENT.tasks]


def test_readme_warns_about_destroying_before_grading():
    assert "terraform destroy" in TEXT and "grade first" in TEXT
