"""The sandbox: the embedded emulator with an assessment's reference solution built in it.

``--sandbox`` grades the reference solution; ``validate_tasks.py sandbox`` serves the emulator for
practice. Both start it and seed it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import checks


class EmulatorError(Exception):
    """The emulator cannot be started or seeded (moto missing, a port taken, no reference solution)."""


def start_emulator(port: int = 0) -> Any:
    from grader.emulator import Emulator, EmulatorUnavailable

    try:
        return Emulator(port=port).start()
    except EmulatorUnavailable as exc:
        raise EmulatorError(str(exc)) from None


PRACTICE_ROLE = "lambda-sandbox-role"
# What the assessments' functions need between them: logs, VPC network interfaces, Lambda Insights,
# SQS triggers and destinations, the lab's S3 bucket.
PRACTICE_POLICIES = ("service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole",
                     "CloudWatchLambdaInsightsExecutionRolePolicy", "AmazonSQSFullAccess", "AmazonS3FullAccess")


def practice_role(emulator: Any, region: str) -> str:
    """A ready execution role for the functions a student creates in the sandbox: its ARN."""
    import json

    from checks.building import LAMBDA_TRUST, MANAGED

    iam = emulator.client("iam", region)
    arn = iam.create_role(RoleName=PRACTICE_ROLE, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                          Description="Execution role for practice functions")["Role"]["Arn"]
    for policy in PRACTICE_POLICIES:
        iam.attach_role_policy(RoleName=PRACTICE_ROLE, PolicyArn=MANAGED + policy)
    return arn


def shell_setup(url: str, region: str) -> list[str]:
    """Lines to paste into bash or zsh so that every ``aws`` command and the grader stay in the sandbox.

    The aws CLI v1 (what ``pip install awscli`` gives) ignores AWS_ENDPOINT_URL for some services: ``aws sqs``
    goes to queue.amazonaws.com whatever it says. So ``aws`` becomes a shell function that names the
    endpoint on every call; the test credentials would be refused by AWS anyway, and a profile or session
    token from the real account is set aside.
    """
    return [
        "unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN",
        f"export AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "
        f"AWS_DEFAULT_REGION={region} AWS_REGION={region}",
        'aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }',
    ]


def seed(emulator: Any, name: str, ids: list[str | None], region: str) -> None:
    """Build the assessment's reference solution for each student ID (None: the account's one student)."""
    solution = checks.solution(name)
    if solution is None:
        raise EmulatorError(f"{name} has no reference solution to build in the sandbox")
    with settled_at_once():
        for sid in ids:
            solution.build(lambda service: emulator.client(service, region), sid)


@contextmanager
def settled_at_once() -> Iterator[None]:
    """Seeded work as a student leaves it long before grading: functions and triggers already settled (the
    emulator's settle switch off while the reference solution is built, so it need not wait for each)."""
    from grader.emulator import patches

    previous = patches.configure(settle_seconds=0)
    try:
        yield
    finally:
        patches.configure(settle_seconds=previous.settle_seconds)


@contextmanager
def sandbox_with(name: str, ids: list[str | None], region: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A started emulator holding the reference solution of each student: its URL and credentials."""
    from grader.emulator import EMULATOR_CREDENTIALS

    emulator = start_emulator()
    try:
        seed(emulator, name, ids, region)
        yield emulator.url, dict(EMULATOR_CREDENTIALS)
    finally:
        emulator.stop()
