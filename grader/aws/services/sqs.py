"""SQS: queues by name and their attributes."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.reader import Listing, expect
from grader.aws.services import ServiceFacts


def _queue_name(url: str) -> str:
    return str(url).rstrip("/").rsplit("/", 1)[-1]


# Without MaxResults ListQueues returns at most 1,000 URLs and no NextToken (botocore's sqs model,
# ListQueuesRequest.MaxResults): a page size makes it page through every queue.
QUEUES = Listing("sqs", "ListQueues", "QueueUrls", key=_queue_name, params=(("MaxResults", 1000),))


class SqsFacts(ServiceFacts):
    def _queue_url(self, name: str) -> str | None:
        if self.inventory:
            return self.listing(QUEUES).get(name)
        found = self.read("sqs", "GetQueueUrl", QueueName=name)
        return None if found is None else found["QueueUrl"]

    @reads("sqs:GetQueueUrl", "sqs:ListQueues", "sqs:GetQueueAttributes")
    def queue(self, name: str) -> dict[str, Any] | None:
        """All attributes of the queue named exactly ``name`` (``QueueArn`` included) and its ``QueueUrl``, or None."""
        url = self._queue_url(name)
        if url is None:
            return None
        attributes = self.read("sqs", "GetQueueAttributes", result_key="Attributes", QueueUrl=url,
                               AttributeNames=["All"])
        found = expect({} if attributes is None else attributes, dict, "sqs:GetQueueAttributes")
        return {**found, "QueueUrl": url}

    @reads("sqs:ListQueues")
    def queue_names(self) -> set[str]:
        """Names of every queue in the region (one paginated listing, shared by all students)."""
        return set(self.listing(QUEUES))
