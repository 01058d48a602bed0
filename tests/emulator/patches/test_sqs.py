"""SQS patches close their gaps."""

from __future__ import annotations

from grader.emulator.patches import sqs
from tests.support.emulator import botocore_doc


def test_list_queues_returns_1000_urls_without_max_results_and_pages_with_it(own_account):
    # botocore sqs model (AWS's reference): ListQueuesResult.QueueUrls "up to 1,000 entries, or the value of
    # MaxResults"; ListQueuesRequest.MaxResults "Value range is 1 to 1000. You must set MaxResults to receive a
    # value for NextToken in the response"; ListQueuesResult.NextToken null "if you did not set MaxResults".
    assert "up to 1,000 entries" in botocore_doc("sqs", "ListQueuesResult", "QueueUrls")
    assert "You must set <code>MaxResults</code> to receive a value for <code>NextToken</code>" in botocore_doc(
        "sqs", "ListQueuesRequest", "MaxResults")
    assert sqs.LIST_QUEUES_LIMIT == 1000
    from moto.sqs.models import sqs_backends

    account = own_account.client("sts").get_caller_identity()["Account"]
    backend = sqs_backends[account][own_account.region]
    for index in range(1003):  # straight into the emulator's backend: 1,003 API calls would take seconds
        backend.create_queue(f"q{index:04d}")
    client = own_account.client("sqs")

    unpaged = client.list_queues()
    assert len(unpaged["QueueUrls"]) == 1000 and "NextToken" not in unpaged
    first = client.list_queues(MaxResults=600)
    assert len(first["QueueUrls"]) == 600 and first["NextToken"]
    rest = client.list_queues(MaxResults=600, NextToken=first["NextToken"])
    assert len(rest["QueueUrls"]) == 403 and "NextToken" not in rest
    listed = [url for p in client.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 1000})
              for url in p["QueueUrls"]]
    assert len(listed) == len(set(listed)) == 1003
    prefixed = client.list_queues(QueueNamePrefix="q100", MaxResults=2)
    assert [u.rsplit("/", 1)[1] for u in prefixed["QueueUrls"]] == ["q1000", "q1001"] and prefixed["NextToken"]
    assert client.list_queues(QueueNamePrefix="nothing").get("QueueUrls", []) == []
