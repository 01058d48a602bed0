"""Client-side pacing keeps a class under AWS's quotas; measured in tokens and counts, not seconds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from grader.aws.pacing import AWS_QUOTAS, Pacer, TokenBucket, quota_group
from grader.aws.session import ReadOnlySession
from grader.emulator import EMULATOR_CREDENTIALS
from tests.support.proxy import AwsLikeProxy, operation_of


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_token_bucket_spaces_calls_at_its_rate():
    clock = FakeClock()
    bucket = TokenBucket(15, burst=5, clock=clock, sleep=clock.sleep)
    waits = [bucket.take() for _ in range(35)]
    assert waits[:5] == [0.0] * 5 and all(w > 0 for w in waits[5:])
    assert clock.now == pytest.approx(30 / 15)  # 5 from the burst, then 15 per second


@pytest.mark.parametrize("service, operation, group", [
    ("lambda", "GetFunction", "lambda:GetFunction"),
    ("lambda", "GetPolicy", "lambda:GetPolicy"),
    ("lambda", "ListAliases", "lambda:*"),
    ("lambda", "GetProvisionedConcurrencyConfig", "lambda:*"),
    ("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
    ("sqs", "GetQueueAttributes", None),
])
def test_quota_groups(service, operation, group):
    assert quota_group(service, operation, AWS_QUOTAS) == group


def test_proxy_recognises_operations():
    auth = {"authorization": "AWS4-HMAC-SHA256 Credential=AK/20261122/us-east-1/lambda/aws4_request, ..."}
    assert operation_of("GET", "/2015-03-31/functions/f-1", auth, b"") == ("lambda", "GetFunction")
    assert operation_of("GET", "/2015-03-31/functions/f-1/policy", auth, b"") == ("lambda", "GetPolicy")
    assert operation_of("GET", "/2015-03-31/functions/f-1/aliases?x=1", auth, b"")[1].endswith("/aliases")
    sqs = {"authorization": auth["authorization"].replace("/lambda/", "/sqs/"),
           "x-amz-target": "AmazonSQS.GetQueueAttributes"}
    assert operation_of("POST", "/", sqs, b"{}") == ("sqs", "GetQueueAttributes")
    iam = {"authorization": auth["authorization"].replace("/lambda/", "/iam/")}
    assert operation_of("POST", "/", iam, b"Action=ListRolePolicies&Version=2010-05-08") == ("iam", "ListRolePolicies")


def burst_of_reads(url: str, pacer: Pacer | None, calls: int) -> int:
    """Send ``calls`` reads from 16 threads, no retries; returns how many were refused."""
    session = ReadOnlySession(region="us-east-1", endpoint_url=url, credentials=EMULATOR_CREDENTIALS,
                              pacer=pacer, max_attempts=1)
    client = session.client("lambda")

    def read(_: int) -> bool:
        try:
            client.list_layers()
            return True
        except client.exceptions.TooManyRequestsException:
            return False

    with ThreadPoolExecutor(16) as pool:
        return sum(not ok for ok in pool.map(read, range(calls)))


def test_paced_client_is_never_throttled_and_an_unpaced_one_is(emulator):
    quotas = {"lambda:*": 10.0}
    with AwsLikeProxy(emulator.url, quotas=quotas) as proxy:
        refused = burst_of_reads(proxy.url, pacer=None, calls=100)  # far faster than 10 per second
        assert refused > 0 and sum(proxy.throttled.values()) >= refused  # AWS would have said "Rate exceeded"...
    with AwsLikeProxy(emulator.url, quotas=quotas) as proxy:  # ...a fresh quota for the paced client:
        assert burst_of_reads(proxy.url, pacer=Pacer(quotas), calls=30) == 0
        assert proxy.throttled == {} and proxy.requests["lambda:GET /2018-10-31/layers"] == 30


def test_throttling_answers_are_retried_by_botocore(emulator):
    with AwsLikeProxy(emulator.url, quotas={"lambda:*": 5.0}) as proxy:
        client = boto3.client("lambda", region_name="us-east-1", endpoint_url=proxy.url, **EMULATOR_CREDENTIALS)
        for _ in range(8):
            client.list_layers()  # no exception: 429 TooManyRequestsException is retried
        assert sum(proxy.throttled.values()) >= 1
