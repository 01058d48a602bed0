"""S3: where moto differs from AWS."""

from __future__ import annotations

import json
import threading
from typing import Any

from grader.emulator.patches._common import require

# --- S3: an event notification to Lambda runs the function in Docker --------------------------------

# (function ARN, event) of every S3 notification that would have invoked a function, newest last.
S3_LAMBDA_EVENTS: list[tuple[str, dict[str, Any]]] = []


def lambda_notifications() -> None:
    """moto invoked the function inside the upload's request, in Docker (offline: Docker errors printed,
    nothing run). AWS delivers the event asynchronously: so does this, to the local runtime below, and
    records it."""
    from moto.awslambda.utils import get_backend
    from moto.s3 import notifications

    require(notifications, "_invoke_awslambda")

    def _invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        del S3_LAMBDA_EVENTS[:-99]  # a bounded record
        S3_LAMBDA_EVENTS.append((fn_arn, event_body))

        def deliver() -> None:
            try:
                get_backend(account_id, region_name).get_function(fn_arn).invoke(json.dumps(event_body), {}, {})
            except Exception:  # as on AWS, a failed delivery does not fail the upload
                pass

        threading.Thread(target=deliver, name="s3-notification", daemon=True).start()

    notifications._invoke_awslambda = _invoke_awslambda
