"""The reader: one read per service, operation and parameters; listings declared as data."""

from __future__ import annotations

import threading

import pytest

from grader.aws.errors import FactUnavailable
from grader.aws.reader import Listing, Reader
from grader.aws.services.lambda_ import EVENT_SOURCE_MAPPINGS, mapping_function_name


class FakeClient:
    """A client whose every operation answers with its own name and parameters, counting calls."""

    def __init__(self, calls):
        self.calls = calls

    def __getattr__(self, method):
        def call(**params):
            self.calls.append((method, params))
            if method == "get_queue_url":
                from botocore.exceptions import ClientError

                raise ClientError({"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue"}}, "GetQueueUrl")
            return {"items": [{"answer": method, **params}], "item": [{"answer": method, **params}]}

        return call


class FakeSession:
    def __init__(self):
        self.calls = []

    def client(self, service, region):
        return FakeClient(self.calls)

    def can_paginate(self, service, method):
        return False


def test_operations_sharing_an_iam_action_never_answer_for_each_other():
    # GetRestApis, GetResources and GetStages are all apigateway:GET. The cache was keyed by the IAM
    # action, so GetResources(restApiId=a) answered with the cached GetStages(restApiId=a).
    reader = Reader(FakeSession(), "us-east-1")
    stages = reader.read("apigateway", "GetStages", result_key="item", restApiId="a")
    resources = reader.read("apigateway", "GetResources", result_key="items", restApiId="a")
    assert stages[0]["answer"] == "get_stages"
    assert resources[0]["answer"] == "get_resources"


def test_each_read_is_sent_once_however_many_ask_at_once():
    session = FakeSession()
    reader = Reader(session, "us-east-1")
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(
        reader.read("lambda", "GetFunction", FunctionName="f"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert session.calls == [("get_function", {"FunctionName": "f"})]
    assert len(answers) == 8 and all(a is answers[0] for a in answers)
    reader.read("lambda", "GetFunction", FunctionName="g")  # other parameters: another read
    assert len(session.calls) == 2


def test_not_found_is_an_answer_and_other_failures_name_the_iam_action():
    reader = Reader(FakeSession(), "us-east-1")
    assert reader.read("sqs", "GetQueueUrl", QueueName="missing") is None
    with pytest.raises(FactUnavailable) as raised:
        reader.derived("broken", lambda: {}["Configuration"])
    assert raised.value.kind == "unexpected" and "KeyError" in raised.value.detail


def test_a_listing_is_read_once_and_indexed_as_declared():
    session = FakeSession()
    reader = Reader(session, "us-east-1")
    by_name = Listing("apigateway", "GetRestApis", "items", key="answer")
    assert reader.listing(by_name) == {"get_rest_apis": {"answer": "get_rest_apis"}}
    assert reader.listing(by_name) is reader.listing(by_name)
    assert len(session.calls) == 1


def test_triggers_are_indexed_by_their_source_and_name_their_function_unqualified():
    arn = "arn:aws:lambda:us-east-1:111111111111:function:sqs-consumer-kim7"
    queue = "arn:aws:sqs:us-east-1:111111111111:task-queue-kim7"
    mappings = [{"FunctionArn": arn, "UUID": "a", "EventSourceArn": queue},
                {"FunctionArn": arn + ":LIVE", "UUID": "b", "EventSourceArn": queue}, "junk"]
    indexed = EVENT_SOURCE_MAPPINGS.index(mappings)
    assert [m["UUID"] for m in indexed[queue]] == ["a", "b"]
    assert {mapping_function_name(m) for m in indexed[queue]} == {"sqs-consumer-kim7"}


def test_reads_started_from_a_read_thread_still_leave_side_by_side():
    # A prefetch (on a pool thread) that needs several reads used to send them one after the other:
    # a role's policies cost a round trip each.
    from concurrent.futures import ThreadPoolExecutor

    from grader.aws.reader import READ_THREAD

    barrier = threading.Barrier(3, timeout=5)  # passes only when all three reads are in flight at once

    def read():
        barrier.wait()
        return threading.current_thread().name

    with ThreadPoolExecutor(8, thread_name_prefix=READ_THREAD) as pool:
        reader = Reader(FakeSession(), "us-east-1", pool)
        names = pool.submit(lambda: reader.parallel(read, read, read)).result(timeout=10)
    assert len(set(names)) == 3


def test_a_read_thread_never_waits_for_work_queued_behind_it():
    # Every pool thread asks for reads side by side: none is free to run them, so each runs its own.
    from concurrent.futures import ThreadPoolExecutor

    from grader.aws.reader import READ_THREAD

    with ThreadPoolExecutor(2, thread_name_prefix=READ_THREAD) as pool:
        reader = Reader(FakeSession(), "us-east-1", pool)

        def nested(depth):
            if depth == 0:
                return 1
            return sum(reader.parallel(*[lambda: nested(depth - 1)] * 3))

        assert pool.submit(nested, 3).result(timeout=10) == 27
        assert [f.result(timeout=10) for f in [pool.submit(nested, 2) for _ in range(4)]] == [9] * 4


def test_parallel_reads_raise_the_first_error_in_order():
    from concurrent.futures import ThreadPoolExecutor

    from grader.aws.reader import READ_THREAD

    def fails(kind):
        def read():
            raise FactUnavailable(f"x:{kind}", "denied", kind)
        return read

    with ThreadPoolExecutor(4, thread_name_prefix=READ_THREAD) as pool:
        reader = Reader(FakeSession(), "us-east-1", pool)
        for run in (lambda f: f(), lambda f: pool.submit(f).result(timeout=10)):  # outside, inside a read thread
            with pytest.raises(FactUnavailable, match="first"):
                run(lambda: reader.parallel(lambda: 1, fails("first"), fails("second")))
