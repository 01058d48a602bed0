"""Values read from AWS as messages show them (issue 21.5): CloudWatch answers a threshold as a double
(``Threshold: 10.0``; botocore's cloudwatch model, MetricAlarm.Threshold is a double), printed ``10``."""

from __future__ import annotations

import pytest

from checks.lambda_lab import ASSESSMENT as LAB
from checks.shared import value_text
from tests.checks.handbuilt import grade
from tests.checks.lambda_lab.test_every_field import SID, account, errors_alarm


@pytest.mark.parametrize(
    "value, shown",
    [(10.0, "10"), (25000.0, "25000"), (2.5, "2.5"), (5, "5"), ("Average", "'Average'"), (None, "None"), (-1.0, "-1")],
)
def test_value_text(value, shown):
    assert value_text(value) == shown


def test_a_whole_threshold_is_printed_whole():
    facts = account()
    errors_alarm(facts)["Threshold"] = 10.0
    student = grade(LAB, facts, SID)
    message = next(c.message for t in student.tasks for c in t.checks if c.id == "4.3")
    assert message == "Threshold is 10 (expected 5)"
