"""Helpers for tests that drive the embedded emulator."""

from __future__ import annotations

import threading
import time


def error_code(excinfo) -> str:
    """The AWS error code of a ``pytest.raises(ClientError)`` result."""
    return excinfo.value.response["Error"]["Code"]


def wait_for_deliveries(seconds: float = 30) -> None:
    """Let asynchronous runs (S3 deliveries, Event invocations) finish, so none writes into moto while the
    next step does (moto is not safe for concurrent writes)."""
    deadline = time.monotonic() + seconds
    while (any(t.name in ("s3-notification", "lambda-event") for t in threading.enumerate())
           and time.monotonic() < deadline):
        time.sleep(0.05)


def botocore_doc(service: str, shape: str, member: str | None = None) -> str:
    """The documentation botocore ships for a shape (or one of its members): AWS's own reference, on disk."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service).shape_for(shape)
    return (model.members[member] if member else model).documentation


def botocore_constraints(service: str, shape: str) -> dict:
    """The constraints (min, max, pattern) botocore's model gives a shape."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service).shape_for(shape).metadata


def assert_refused_as_recorded(excinfo, service: str, operation: str, case: str, **replace: str) -> None:
    """The emulator refused as AWS did in the recorded case (``tests/recordings/<service>/<operation>.json``):
    the same code, status and message, the recording's values replaced (``replace``: recorded -> here)."""
    from tests.recordings import corpus

    recorded = corpus.error(service, operation, case)
    message = recorded["Message"]
    for old, new in replace.items():
        message = message.replace(old, new)
    response = excinfo.value.response
    assert (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]) == (
        recorded["Code"], recorded["HTTPStatusCode"], message)
