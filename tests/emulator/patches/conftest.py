"""Fixtures the patch tests share: a function, its role, a queue, in the shared emulated account."""

from __future__ import annotations

import dataclasses
import json

import pytest

from checks.building import LAMBDA_TRUST
from checks.lambda_medium.solution import HANDLER
from tests.conftest import new_student_id


@pytest.fixture
def lam(account):
    return account.client("lambda")


@pytest.fixture
def role(account):
    name = new_student_id("role")
    return account.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]


@pytest.fixture
def make_function(lam, role):
    def make(**extra):
        name = new_student_id("fn")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                            Code={"ZipFile": HANDLER}, **extra)
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

