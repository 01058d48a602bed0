"""README_lambda_medium.md's "How you are graded" is the rubric the grader applies (--explain)."""

from checks.lambda_medium import ASSESSMENT
from tests.checks.conftest import ROOT, readme_rubric, rubric


def test_readme_rubric_matches_the_checks():
    assert readme_rubric(ASSESSMENT) == rubric(ASSESSMENT)


def test_readme_uses_the_dimension_aws_accepts():
    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    assert "--scalable-dimension lambda:function:ProvisionedConcurrency " in text
    assert "--scalable-dimension lambda:function:ProvisionedConcurrentExecutions" not in text
