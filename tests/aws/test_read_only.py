"""The AWS layer cannot write: writes are refused before a request is built."""

import pytest

from grader.aws.actions import READ_OPERATION
from grader.aws.connections import Connections
from grader.aws.session import ReadOnlySession, ReadOnlyViolation


def test_a_write_is_refused_before_it_is_sent(account):
    built = account.build()
    session = account.session()  # botocore's whole models (nothing trimmed): writes can be expressed
    lam = session.client("lambda")
    with pytest.raises(ReadOnlyViolation, match="lambda:DeleteFunction"):
        lam.delete_function(FunctionName=f"layer-consumer-{built['sid']}")
    with pytest.raises(ReadOnlyViolation):
        session.client("sqs").purge_queue(QueueUrl=built["queues"]["task-queue"]["url"])
    assert session.requests == {}  # nothing reached the point of being sent
    assert account.client("lambda").get_function(FunctionName=f"layer-consumer-{built['sid']}")  # still there


def test_the_grader_s_own_clients_cannot_even_express_a_write(account):
    built = account.build()
    # The sessions grading makes (Connections) load models trimmed to the facts' reads (grader.aws.models).
    session = Connections(region=account.region, endpoint_url=account.emulator.url,
                          credentials=account.credentials).default
    lam = session.client("lambda")
    assert not hasattr(lam, "delete_function") and not hasattr(session.client("sqs"), "purge_queue")
    assert all(READ_OPERATION.match(op) for op in lam.meta.service_model.operation_names)
    assert lam.get_function(FunctionName=f"layer-consumer-{built['sid']}")["Configuration"]


def test_reads_pass(account):
    session = account.session()
    assert session.client("sts").get_caller_identity()["Account"] == "123456789012"


@pytest.mark.parametrize("operation, is_read", [
    ("GetFunction", True), ("ListAliases", True), ("DescribeAlarms", True),
    ("PutFunctionConcurrency", False), ("DeleteFunction", False), ("Getaway", False),
    ("InvokeFunction", False), ("UpdateAlias", False),
])
def test_only_get_list_describe_are_reads(operation, is_read):
    assert bool(READ_OPERATION.match(operation)) is is_read


def test_every_run_uses_reads_only(account):
    built = account.build()
    session = account.session()
    account.grade_run(built["sid"], session=session)
    assert session.requests and all(READ_OPERATION.match(op.split(":")[1]) for op in session.requests)


def test_clients_are_created_once_per_service_and_region():
    session = ReadOnlySession(region="eu-west-1", endpoint_url="http://127.0.0.1:9",
                              credentials={"aws_access_key_id": "x", "aws_secret_access_key": "y"})
    assert session.client("lambda") is session.client("lambda")
    assert session.client("lambda") is not session.client("lambda", "us-east-1")
    assert session.client("lambda").meta.region_name == "eu-west-1"
