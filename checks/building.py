"""What the reference-solution builders share: plain (writable) clients, zips, the Lambda trust policy.

Builders write, so nothing here uses the grader's read-only session.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from typing import Any

ClientFactory = Callable[[str], Any]  # service name -> a boto3 client in the account being built

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
MANAGED = "arn:aws:iam::aws:policy/"


def zip_of(files: dict[str, str] | dict[str, bytes], *, compressed: bool = False) -> bytes:
    """A zip archive of ``files`` (path -> content), built in memory; ``compressed``: deflated, as ``zip -r`` makes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def queue_arn(sqs: Any, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def settled(lam: Any, *names: str, timeout: float = 120) -> None:
    """Wait until each function is Active and its last update done: AWS keeps a function Pending after its
    creation and its LastUpdateStatus InProgress after an update, and refuses another change meanwhile
    (ResourceConflictException). What botocore's FunctionActiveV2 and FunctionUpdatedV2 waiters wait for,
    asked more often than their once a second."""
    deadline = time.monotonic() + timeout
    for name in names:
        while True:
            config = lam.get_function_configuration(FunctionName=name)
            state, update = config.get("State"), config.get("LastUpdateStatus")
            if "Failed" in (state, update):
                raise RuntimeError(f"{name}: {config.get('StateReason') or config.get('LastUpdateStatusReason')}")
            if state == "Active" and update in (None, "Successful"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} is still {state} / {update}")
            time.sleep(0.05)

