"""README_lambda_medium.md's "How you are graded" is the rubric the grader applies (--explain)."""

import re
from pathlib import Path

from checks.lambda_medium import ASSESSMENT

README = Path(__file__).resolve().parents[3] / ASSESSMENT.readme


def readme_rows() -> list[tuple[str, str, float]]:
    section = README.read_text(encoding="utf-8").split("## How you are graded", 1)[1]
    rows = re.findall(r"^\| (\d+\.\d+) \| (.+?) \| ([\d.]+) \|$", section, flags=re.MULTILINE)
    return [(check_id, title, float(points)) for check_id, title, points in rows]


def test_readme_rubric_matches_the_checks():
    expected = [
        (c.id, c.title + (" (advice, no points)" if c.advisory else ""), c.points)
        for t in ASSESSMENT.tasks for c in t.checks
    ]
    assert readme_rows() == expected


def test_readme_uses_the_dimension_aws_accepts():
    text = README.read_text(encoding="utf-8")
    assert "--scalable-dimension lambda:function:ProvisionedConcurrency " in text
    assert "--scalable-dimension lambda:function:ProvisionedConcurrentExecutions" not in text
