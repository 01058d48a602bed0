"""What the reference-solution builders share: plain (writable) clients, zips, the Lambda trust policy.

Builders write, so nothing here uses the grader's read-only session.
"""

from __future__ import annotations

import io
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
