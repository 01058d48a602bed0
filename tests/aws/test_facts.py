"""Gathering: each fact read once, missing is a fact, everything else an error naming the IAM action."""

from __future__ import annotations

import threading

import pytest
from botocore.stub import Stubber

from grader.aws.errors import FactUnavailable
from grader.aws.facts import Facts
from grader.aws.session import ReadOnlySession


@pytest.fixture
def offline_session():
    # Stubbed clients never send a request; the endpoint only has to be well-formed loopback.
    return ReadOnlySession(region="us-east-1", endpoint_url="http://127.0.0.1:9",
                           credentials={"aws_access_key_id": "x", "aws_secret_access_key": "y"}, max_attempts=1)


@pytest.fixture
def stubbed(offline_session):
    stubs = {}

    def stub(service):
        if service not in stubs:
            stubs[service] = Stubber(offline_session.client(service))
            stubs[service].activate()
        return stubs[service]

    yield stub
    for s in stubs.values():
        s.deactivate()


@pytest.mark.parametrize("code, status, kind", [
    ("AccessDeniedException", 403, "denied"),
    ("TooManyRequestsException", 429, "throttled"),
    ("ExpiredTokenException", 403, "credentials"),
    ("ServiceException", 500, "unexpected"),
])
def test_errors_are_classified_and_name_the_action(offline_session, stubbed, code, status, kind):
    stubbed("lambda").add_client_error("get_function", service_error_code=code, http_status_code=status)
    with pytest.raises(FactUnavailable) as excinfo:
        Facts(offline_session, "us-east-1").function("f")
    assert excinfo.value.kind == kind and excinfo.value.action == "lambda:GetFunction"
    assert "lambda:GetFunction" in excinfo.value.describe()


def test_access_denied_tells_which_permission_to_grant(offline_session, stubbed):
    stubbed("sqs").add_client_error("get_queue_url", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(FactUnavailable, match=r"grant the grader sqs:GetQueueUrl"):
        Facts(offline_session, "us-east-1").queue("q")


def test_not_found_is_a_fact_not_an_error(offline_session, stubbed):
    stubbed("lambda").add_client_error("get_function", service_error_code="ResourceNotFoundException",
                                       http_status_code=404)
    assert Facts(offline_session, "us-east-1").function("f") is None


def test_a_fact_is_read_once_even_when_asked_concurrently(offline_session, stubbed):
    stubbed("lambda").add_response("get_function", {"Configuration": {"FunctionName": "f"}}, {"FunctionName": "f"})
    facts = Facts(offline_session, "us-east-1")
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(facts.function("f"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One response was queued: a second request would have met Stubber's "unexpected call" error.
    assert len(answers) == 8 and all(a["Configuration"]["FunctionName"] == "f" for a in answers)
    stubbed("lambda").assert_no_pending_responses()


def test_an_error_is_remembered_too(offline_session, stubbed):
    stubbed("lambda").add_client_error("get_function", service_error_code="AccessDeniedException", http_status_code=403)
    facts = Facts(offline_session, "us-east-1")
    for _ in range(2):  # the second ask gets the remembered denial, not Stubber's "unexpected call"
        with pytest.raises(FactUnavailable) as excinfo:
            facts.function("f")
        assert excinfo.value.kind == "denied"


def test_malformed_policy_document_is_an_error(offline_session, stubbed):
    stubbed("lambda").add_response("get_policy", {"Policy": "not json"}, {"FunctionName": "f"})
    with pytest.raises(FactUnavailable, match="not a JSON object"):
        Facts(offline_session, "us-east-1").function_policy("f")


def test_shared_facts_in_a_real_run_are_read_once(account):
    built = account.build()
    session = account.session()
    account.grade_run(built["sid"], session=session)
    # The six functions are asked for by several tasks each; every fact still costs one request.
    assert session.requests["lambda:GetFunction"] == 6
    # The alarms the README names, asked for by name once: the whole listing (a page per hundred alarms, this
    # worker's emulator holding every test's) is read only when they do not settle task 12.
    assert session.requests["cloudwatch:DescribeAlarms"] == 1
    assert session.requests["lambda:GetFunction"] == max(session.requests.values())


def test_parallel_reads_inside_read_threads_cannot_deadlock(account):
    from grader.aws.facts import FactStore

    facts = FactStore(account.session(), fanout=2)()
    # Two pool threads, each fanning out again: waiting on the same pool would never finish.
    results = []
    worker = threading.Thread(target=lambda: results.append(
        facts.parallel(*[lambda: facts.parallel(facts.account_id, facts.account_id) for _ in range(4)])), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "nested parallel reads deadlocked"
    assert results == [[["123456789012", "123456789012"]] * 4]
