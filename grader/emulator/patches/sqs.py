"""SQS: where moto's SQS differs from AWS's."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from grader.emulator.patches._common import page, require

# --- SQS: ListQueues returns every queue (moto 5.2.1; 5.2.5 already pages as AWS does) ---------------

# AWS returns at most this many queue URLs per ListQueues (botocore sqs model: ListQueuesResult.QueueUrls,
# ListQueuesRequest.MaxResults "Value range is 1 to 1000").
LIST_QUEUES_LIMIT = 1000


def list_queues_paging() -> None:
    """Without MaxResults, AWS returns the first 1,000 URLs and never a NextToken; with MaxResults it pages
    with NextToken ("You must set MaxResults to receive a value for NextToken in the response")."""
    from moto.core.responses import ActionResult
    from moto.sqs.responses import SQSResponse

    require(SQSResponse, "list_queues")

    def list_queues(self: Any) -> Any:
        prefix = self._get_param("QueueNamePrefix") or ""
        # All of them: moto 5.2.1's SQSBackend.list_queues stops at 1,000, which paging must go beyond.
        queues = [queue for name, queue in self.sqs_backend.queues.items() if name.startswith(prefix)]
        urls = [queue.url(urlparse(self.uri)) for queue in queues]
        size = self._get_param("MaxResults")
        if size:
            chunk, next_token = page(urls, start=self._get_param("NextToken"), size=size, limit=LIST_QUEUES_LIMIT)
        else:
            chunk, next_token = urls[:LIST_QUEUES_LIMIT], None
        result: dict[str, Any] = {"QueueUrls": chunk} if chunk else {}
        if next_token:
            result["NextToken"] = next_token
        return ActionResult(result)

    SQSResponse.list_queues = list_queues
