"""The replay harness answers like AWS through botocore, in any order, and never silently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from grader.aws.session import ReadOnlyViolation
from tests.recordings import corpus
from tests.recordings.replay import Replay, Unrecorded, failure, ok, pages


def replay_of(*cases: tuple[str, str, str]) -> Replay:
    replay = Replay()
    for service, operation, name in cases:
        case = corpus.case(service, operation, name)
        replay.add(service, operation, case["params"], {k: v for k, v in case.items() if k != "params"})
    return replay


def test_a_recorded_response_comes_back_as_botocore_returns_it():
    replay = replay_of(("lambda", "GetFunction", "tags-error"), ("iam", "GetRolePolicy", "statement-object-action-string"))
    session = replay.session()
    function = session.client("lambda").get_function(FunctionName="my-function")
    assert function["TagsError"]["ErrorCode"] == "AccessDeniedException" and "Tags" not in function
    assert function["ResponseMetadata"]["HTTPStatusCode"] == 200
    # IAM sends the document URL-encoded; botocore's own handler decodes it, as on AWS.
    document = session.client("iam").get_role_policy(RoleName="lambda-role", PolicyName="dlq-send")["PolicyDocument"]
    assert document["Statement"] == {"Effect": "Allow", "Action": "sqs:SendMessage",
                                     "Resource": "arn:aws:sqs:us-east-1:111111111111:my-dlq"}
    assert session.requests["lambda:GetFunction"] == 1, "the session still counts its requests"
    replay.check()


def test_timestamps_are_datetimes_where_the_model_says_so():
    session = replay_of(("lambda", "GetEventSourceMapping", "enabled-after-enabling")).session()
    mapping = session.client("lambda").get_event_source_mapping(UUID="8a2d4e6f-1b3c-4d5e-8f90-a1b2c3d4e5f6")
    assert mapping["LastModified"].year == 2025


def test_an_error_answer_is_the_client_error_botocore_raises():
    session = replay_of(("sqs", "GetQueueUrl", "does-not-exist"), ("lambda", "GetPolicy", "no-policy")).session()
    with pytest.raises(ClientError) as raised:
        session.client("sqs").get_queue_url(QueueName="doesnotexist")
    assert raised.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as raised:
        session.client("lambda").get_policy(FunctionName="my-function")
    assert type(raised.value).__name__ == "ResourceNotFoundException"


def test_pages_are_walked_by_the_paginator_in_any_order():
    replay = Replay()
    replay.add("sqs", "ListQueues", {"MaxResults": 1}, pages({"QueueUrls": ["u1"]}, {"QueueUrls": ["u2"]}, {"QueueUrls": ["u3"]}))
    replay.add("sts", "GetCallerIdentity", {}, {"response": corpus.response("sts", "GetCallerIdentity", "user")})
    session = replay.session()

    def urls() -> list[str]:
        paginator = session.client("sqs").get_paginator("list_queues")
        return [u for page in paginator.paginate(MaxResults=1) for u in page["QueueUrls"]]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: urls() if i % 2 else session.client("sts").get_caller_identity()["Account"],
                                range(16)))
    assert all(r == ["u1", "u2", "u3"] for r in results[1::2]) and set(results[::2]) == {"111111111111"}
    replay.check()


def test_a_resolver_answers_by_parameters():
    replay = Replay()
    replay.on("lambda", "ListAliases", lambda params, region: ok({"Aliases": []}) if params["FunctionName"] == "f"
              else failure("ResourceNotFoundException", "Function not found", 404))
    lam = replay.session().client("lambda")
    assert lam.list_aliases(FunctionName="f")["Aliases"] == []
    with pytest.raises(ClientError):
        lam.list_aliases(FunctionName="g")


def test_an_unanswered_request_fails_loudly_even_when_the_caller_swallows_it():
    replay = replay_of(("sts", "GetCallerIdentity", "user"))
    lam = replay.session().client("lambda")
    try:
        lam.list_aliases(FunctionName="f")
    except Exception:  # the grader turns any exception into an error row: the replay must still tell
        pass
    with pytest.raises(Unrecorded, match="lambda:ListAliases"):
        replay.check()


def test_a_response_not_of_the_operations_shape_is_refused():
    replay = Replay()
    with pytest.raises(Unrecorded, match="CodeSize"):
        replay.add("lambda", "GetFunction", {"FunctionName": "f"}, ok({"Configuration": {"CodeSize": "<code-size>"}}))
    replay.on("lambda", "GetFunction", lambda params, region: ok({"Configuration": {"MemorySize": "256"}}))
    with pytest.raises(Unrecorded):
        replay.session().client("lambda").get_function(FunctionName="f")
    with pytest.raises(Unrecorded, match="MemorySize"):
        replay.check()


def test_writes_are_still_refused_before_anything_is_answered():
    replay = Replay()
    replay.on("lambda", "DeleteFunction", lambda params, region: ok({}))
    with pytest.raises(ReadOnlyViolation):
        # botocore's whole model: the grader's own (trimmed) clients have no delete_function at all
        replay.session().client("lambda").delete_function(FunctionName="f")
    assert replay.calls == {}
