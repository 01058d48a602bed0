"""What went wrong when a fact could not be read, in words a student or instructor can act on.

NotFound is not here: a missing resource is a fact (``None``), decided by the caller.
"""

from __future__ import annotations

import re
from typing import Any

# botocore is imported where an error is classified, not here: the facts (and this module's
# FactUnavailable) are imported by --explain and --help, which must stay quick.

ACCESS_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "UnauthorizedAccess",
}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ProvisionedThroughputExceededException",
}
CLOCK = {"RequestTimeTooSkewed", "SignatureExpired", "RequestExpired"}
BAD_CREDENTIALS = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
}

NOT_AWS = "the answer is not an AWS response (is the endpoint AWS, or an emulator of it?)"


# A URL's password (``http://user:password@host``): an --endpoint-url may carry one, and botocore's and
# urllib3's errors repeat the URL they could not reach.
URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@'\"]*):[^/\s@'\"]*@")


def masked(text: str) -> str:
    """``text`` with any URL's password shown as ``***`` (``http://user:***@host``), as database URLs are."""
    return URL_PASSWORD.sub(r"\1:***@", text)


class FactUnavailable(Exception):
    """A fact could not be read. ``kind``: denied, throttled, credentials, clock, network, package (a deployment
    package behind the URL ``action`` returned), unexpected."""

    def __init__(self, action: str, kind: str, detail: str) -> None:
        self.action = action
        self.kind = kind
        self.detail = masked(detail)  # printed in messages, reports and the server's pages
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.kind == "denied":
            return f"access denied to {self.action} (grant the grader {self.action})"
        if self.kind == "throttled":
            return f"{self.action} was throttled by AWS and retries ran out; run again"
        if self.kind == "credentials":
            return f"{self.action} refused the credentials: {self.detail}"
        if self.kind == "clock":
            return f"{self.action} was refused because this computer's clock is off ({self.detail}); set the clock right"
        if self.kind == "network":
            return f"{self.action} could not reach AWS: {self.detail}"
        if self.kind == "package":
            return f"the deployment package {self.action} points to could not be read: {self.detail}"
        return f"{self.action} failed: {self.detail}"


def error_code(exc: Any) -> str:
    """The AWS error code of a botocore ClientError."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def classify(exc: Exception, action: str) -> FactUnavailable:
    """What a failed read means, as an error naming the IAM action (never the raw exception)."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )
    from botocore.parsers import ResponseParserError

    if isinstance(exc, FactUnavailable):
        return exc
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = exc.response.get("Error", {}).get("Message") or code
        if code in ACCESS_DENIED:
            return FactUnavailable(action, "denied", message)
        if code in THROTTLED:
            return FactUnavailable(action, "throttled", message)
        if code in CLOCK or "Signature expired" in message:
            return FactUnavailable(action, "clock", f"{code}: {message}")
        if code in BAD_CREDENTIALS:
            return FactUnavailable(action, "credentials", f"{code}: {message}")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if not code:  # AWS names every error; an answer that names none came from something else
            return FactUnavailable(action, "unexpected", f"HTTP {status}: {NOT_AWS}")
        return FactUnavailable(action, "unexpected", one_line(f"{code or 'HTTP ' + str(status)}: {message}"))
    if isinstance(exc, NoCredentialsError):
        return FactUnavailable(action, "credentials", "no AWS credentials found")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)):
        return FactUnavailable(action, "network", str(exc))
    if isinstance(exc, ResponseParserError):  # its text holds the whole body, often a page of HTML
        return FactUnavailable(action, "unexpected", NOT_AWS)
    if isinstance(exc, BotoCoreError):
        return FactUnavailable(action, "unexpected", one_line(str(exc)))
    return FactUnavailable(action, "unexpected", one_line(f"{type(exc).__name__}: {exc}"))


def one_line(text: str, limit: int = 300) -> str:
    """An error's text as one line of at most ``limit`` characters: it ends up in a one-line message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
