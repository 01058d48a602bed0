"""The hand-built facts ask the questions the real facts answer, with the same arguments."""

from __future__ import annotations

import inspect

import pytest

from checks.lambda_lab import ASSESSMENT as LAB
from checks.lambda_medium import ASSESSMENT as MEDIUM
from grader.aws.facts import Facts
from tests.checks.handbuilt import HandBuiltFacts


@pytest.mark.parametrize("fact", sorted({*MEDIUM.reads, *LAB.reads}))
def test_every_fact_an_assessment_reads_is_answered_with_the_same_parameters(fact):
    real = [p.name for p in inspect.signature(getattr(Facts, fact)).parameters.values()]
    fake = [p.name for p in inspect.signature(getattr(HandBuiltFacts, fact)).parameters.values()]
    assert fake == real


def test_facts_of_a_function_that_does_not_exist_are_missing_as_aws_says():
    facts = HandBuiltFacts()
    facts.invoke_configs["gone"] = {"MaximumRetryAttempts": 2}
    facts.policies["gone"] = {"Statement": []}
    facts.provisioned[("gone", "PROD")] = {"Status": "READY"}
    assert [facts.function("gone"), facts.event_invoke_config("gone"), facts.function_policy("gone"),
            facts.provisioned_concurrency("gone", "PROD"), facts.aliases("gone"), facts.versions("gone"),
            facts.function_tags("gone"), facts.reserved_concurrency("gone")] == [None] * 8
