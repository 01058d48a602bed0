"""README_lambda_medium.md's "How you are graded" is the rubric the grader applies (--explain)."""

from checks.lambda_medium import ASSESSMENT
from tests.checks.conftest import ROOT, readme_rubric, rubric


def test_readme_rubric_matches_the_checks():
    assert readme_rubric(ASSESSMENT) == rubric(ASSESSMENT)


def test_readme_uses_the_dimension_aws_accepts():
    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    assert "--scalable-dimension lambda:function:ProvisionedConcurrency " in text
    assert "--scalable-dimension lambda:function:ProvisionedConcurrentExecutions" not in text


def test_readme_provisions_prod_before_its_canary_weights():
    # AWS refuses PutProvisionedConcurrencyConfig on an alias with weights ("Alias with weights can not be
    # used with Provisioned Concurrency", quoted in hashicorp/terraform#24957); weights added afterwards
    # are accepted (Lambda API reference, ProvisionedConcurrencyConfigListItem).
    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8")
    provision = text.index("aws lambda put-provisioned-concurrency-config")
    weights = text.index("--routing-config '{\"AdditionalVersionWeights\"")
    assert provision < weights
    assert "Alias with weights can not be used with Provisioned Concurrency" in text
