"""Fixtures the patch tests share: a function, its role, a queue, in the shared emulated account."""

from __future__ import annotations

import dataclasses
import json

import pytest

from checks.building import LAMBDA_TRUST, settled
from checks.lambda_medium.solution import HANDLER
from tests.conftest import new_student_id


@pytest.fixture
def lam(account):
    return account.client("lambda")


# What AWS checks an execution role for before it accepts a queue as a destination, dead-letter queue or
# trigger (grader/emulator/patches/lambda_roles.py): the tests' functions may use any queue.
QUEUE_USE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
    "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": "*"}]}


def make_role(iam, name: str, *, queues: bool = True) -> str:
    """An execution role trusting Lambda; with ``queues``, allowed what a function needs of its queues and of
    a VPC's subnets (AWS checks both: grader/emulator/patches/lambda_roles.py)."""
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    if queues:
        iam.put_role_policy(RoleName=name, PolicyName="queues", PolicyDocument=json.dumps(QUEUE_USE))
        iam.attach_role_policy(RoleName=name,
                               PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    return arn


@pytest.fixture
def role(account):
    return make_role(account.client("iam"), new_student_id("role"))


@pytest.fixture
def bare_role(account):
    """An execution role allowed nothing (as a role made in the console before anything is attached)."""
    return make_role(account.client("iam"), new_student_id("role"), queues=False)


@pytest.fixture
def make_function(lam, role):
    """A function of the tests' role (or of the role given), once Active (AWS refuses changes while it is
    Pending: lambda_states)."""
    def make(execution_role: str = role, **extra):
        name = new_student_id("fn")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=execution_role, Handler="h.h",
                            Code={"ZipFile": HANDLER}, **extra)
        settled(lam, name)
        return name

    return make


@pytest.fixture
def queue_arn(account):
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName=new_student_id("q"))["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


@pytest.fixture
def switches():
    """Turn switchable AWS behaviours on for one test (``switches(settle_seconds=...)``), off again after it."""
    from grader.emulator import patches

    saved = patches.configure()
    yield patches.configure
    patches.configure(**dataclasses.asdict(saved))

