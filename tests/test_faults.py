"""Faults between the grader and AWS: grades survive what retries can fix, and what they cannot is
an error naming the fault, for the checks it touched only. The run always finishes."""

from __future__ import annotations

import pytest

from checks.lambda_medium import ASSESSMENT
from grader.aws.connections import Connections
from grader.emulator import EMULATOR_CREDENTIALS
from grader.engine import Grader
from grader.model import Status
from tests.support.proxy import AwsLikeProxy, Faults


def grade(url, ids, max_attempts=6, read_timeout=30.0, inventory=False):
    connections = Connections(endpoint_url=url, credentials=EMULATOR_CREDENTIALS, region="us-east-1",
                              inventory=inventory,
                              session_options={"max_attempts": max_attempts, "read_timeout": read_timeout})
    return Grader(ASSESSMENT, connections.facts_for).grade(ids)


def verdicts(student):
    return {c.id: (c.status, c.points) for t in student.tasks for c in t.checks}


@pytest.fixture
def two_students(account):
    complete = account.build()
    broken = account.build()
    account.client("lambda").update_function_configuration(FunctionName=f"vpc-lambda-{broken['sid']}", MemorySize=128)
    account.client("lambda").delete_function(FunctionName=f"rate-limited-function-{broken['sid']}")
    ids = [complete["sid"], broken["sid"]]
    return ids, grade(account.emulator.url, ids)


@pytest.mark.parametrize("inventory", [False, True])
def test_moderate_faults_change_no_grade(account, two_students, inventory):
    ids, clean = two_students
    faults = Faults(throttle=0.06, server_error=0.04, reset=0.03, slow=0.02, slow_seconds=1.5, seed=11)
    with AwsLikeProxy(account.emulator.url, faults=faults) as proxy:
        faulty = grade(proxy.url, ids, read_timeout=1.0, inventory=inventory)
        assert sum(proxy.injected.values()) >= 3  # faults really happened...
    assert [verdicts(s) for s in faulty.students] == [verdicts(s) for s in clean.students]  # ...and changed nothing
    assert faulty.exit_code == clean.exit_code == 0


def test_a_failing_service_errors_only_its_checks(account, two_students):
    ids, clean = two_students
    with AwsLikeProxy(account.emulator.url, faults=Faults(failing_services=frozenset({"sqs"}))) as proxy:
        run = grade(proxy.url, ids, max_attempts=2)
    assert run.exit_code == 3
    for before, after in zip(clean.students, run.students, strict=True):
        errors = {c.id: c.message for t in after.tasks for c in t.checks if c.status is Status.ERROR}
        # Every queue check, and nothing else, could not be decided...
        assert set(errors) >= {"4.5", "4.6", "4.7", "5.1", "6.1"} and not after.complete
        assert all("sqs:" in m or m.startswith("not decided") for m in errors.values())
        assert any("ServiceUnavailable" in m for m in errors.values())
        # ...and every other check kept its verdict.
        untouched = {k: v for k, v in verdicts(before).items() if k not in errors}
        assert {k: verdicts(after)[k] for k in untouched} == untouched


def test_endpoint_down_mid_run_finishes_with_errors(account, two_students):
    ids, _ = two_students
    with AwsLikeProxy(account.emulator.url, faults=Faults(down_after=12)) as proxy:
        run = grade(proxy.url, ids, max_attempts=2)
    messages = [c.message for s in run.students for t in s.tasks for c in t.checks if c.status is Status.ERROR]
    assert run.exit_code == 3 and messages
    assert any("could not reach AWS" in m for m in messages)
    assert any(c.status is Status.PASS for s in run.students for t in s.tasks for c in t.checks)  # partial results kept


def test_credentials_expiring_mid_run(account, two_students):
    ids, _ = two_students
    with AwsLikeProxy(account.emulator.url, faults=Faults(expired_after=12)) as proxy:
        run = grade(proxy.url, ids, max_attempts=2)
    messages = [c.message for s in run.students for t in s.tasks for c in t.checks if c.status is Status.ERROR]
    assert run.exit_code == 3 and any("refused the credentials" in m and "Expired" in m for m in messages)
