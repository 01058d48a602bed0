"""Range requests for deployment packages: which hosts may be asked, and one ranged GET over botocore's HTTP stack.

The presigned URL Lambda returns (``Code.Location``, ``Content.Location``) is a plain HTTPS GET on S3: it
needs no credentials and none are ever sent. Only S3's hosts in the graded region's partition are asked
(virtual-hosted, path-style, dual-stack or legacy dash forms: the S3 user guide's "Virtual hosting of
buckets" and "Dual-stack endpoints"), or the grader's own configured endpoint (the emulator, a test proxy);
anything else, and every redirect, is refused. The bytes come through botocore's own ``URLLib3Session``
(its TLS verification, its proxies from the environment), no redirect followed, streamed so no more than
asked for is ever held.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from grader.aws.errors import FactUnavailable

USER_AGENT = "aws-assessment-grader (deployment package reader)"


@dataclass(frozen=True)
class Response:
    """What a ranged GET answered: the status, its headers (lower-case names) and at most ``limit`` bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False  # the body went on past the limit


# A transport sends one GET with a Range header and reads at most ``limit`` bytes of its body:
# ``transport(url, range_header, limit) -> Response``. It raises TransientError for a fault worth retrying.
Transport = Callable[[str, str, int], Response]


class TransientError(Exception):
    """The request met a fault worth trying again (a dropped connection, a timeout)."""


class Refused(Exception):
    """A URL the reader will not fetch (a host outside AWS's S3, a redirect)."""


# --- which hosts ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _partitions() -> list[dict[str, Any]]:
    import botocore.loaders

    return list(botocore.loaders.create_loader().load_data("partitions")["partitions"])


def partition_of(region: str) -> dict[str, Any] | None:
    """botocore's partition (``aws``, ``aws-cn``, ``aws-us-gov``...) holding ``region``."""
    for partition in _partitions():
        if region in partition.get("regions", {}):
            return partition
    for partition in _partitions():
        if re.match(partition["regionRegex"], region):
            return partition
    return None


def in_partition(region: str, partition: dict[str, Any]) -> bool:
    return region in partition.get("regions", {}) or bool(re.match(partition["regionRegex"], region))


_S3_HOST = re.compile(
    r"^(?:[a-z0-9][a-z0-9.-]*\.)?s3(?:(?:\.dualstack)?\.(?P<region>[a-z0-9-]+)|-(?P<legacy>[a-z0-9-]+))?$"
)


def refusal(url: str, region: str, trusted: tuple[str, ...] = ()) -> str | None:
    """Why ``url`` may not be fetched for a student graded in ``region`` (None: it may).

    ``trusted``: origins (``scheme://host[:port]``) of the grader's own configured endpoint."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2].lower()}"
    if origin in {t.lower().rstrip("/") for t in trusted}:
        return None
    if parts.scheme != "https" or parts.port not in (None, 443) or "@" in parts.netloc:
        return f"{parts.scheme}://{parts.netloc} is not an HTTPS address of Amazon S3"
    partition = partition_of(region)
    if partition is None:
        return f"no AWS partition holds {region}"
    suffix = "." + partition["outputs"]["dnsSuffix"]
    match = _S3_HOST.match(host[: -len(suffix)]) if host.endswith(suffix) else None
    if match is not None:
        named = match.group("region") or match.group("legacy")
        if named is None and partition["id"] == "aws":  # the legacy global endpoint, bucket.s3.amazonaws.com
            return None
        if named is not None and in_partition(named, partition):
            return None
    return f"{host} is not an Amazon S3 host of the {partition['id']} partition"


# --- one ranged GET --------------------------------------------------------------------------------


class HttpTransport:
    """Ranged GETs through botocore's ``URLLib3Session``: TLS verified, proxies from the environment, no
    redirect followed (urllib3's ``Retry(False)``), the body streamed and cut at the limit."""

    def __init__(self, connect_timeout: float = 5, read_timeout: float = 20, max_connections: int = 16) -> None:
        self.timeout = (connect_timeout, read_timeout)
        self.max_connections = max_connections
        self._sessions: dict[tuple[tuple[str, str], ...], Any] = {}
        self._lock = threading.Lock()

    def _session(self, url: str) -> Any:
        from botocore.httpsession import URLLib3Session
        from botocore.utils import get_environ_proxies

        proxies = tuple(sorted(get_environ_proxies(url).items()))
        with self._lock:
            if proxies not in self._sessions:
                self._sessions[proxies] = URLLib3Session(
                    proxies=dict(proxies) or None, timeout=self.timeout, max_pool_connections=self.max_connections
                )
            return self._sessions[proxies]

    def __call__(self, url: str, byte_range: str, limit: int) -> Response:
        from botocore.awsrequest import AWSRequest
        from botocore.exceptions import (
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            HTTPClientError,
            ProxyConnectionError,
            ReadTimeoutError,
        )
        from urllib3.exceptions import HTTPError as Urllib3Error

        request = AWSRequest(method="GET", url=url, headers={"Range": byte_range, "User-Agent": USER_AGENT})
        request.stream_output = True
        prepared = request.prepare()
        try:
            answer = self._session(url).send(prepared)
        except (
            ConnectionClosedError,
            ConnectTimeoutError,
            EndpointConnectionError,
            ReadTimeoutError,
            ProxyConnectionError,
            HTTPClientError,
        ) as exc:
            raise TransientError(str(exc)) from None
        raw = answer.raw
        try:
            body = raw.read(limit + 1, decode_content=False) if answer.status_code < 300 else raw.read(64 * 1024)
        except (Urllib3Error, OSError) as exc:
            raise TransientError(f"the answer was cut off: {exc}") from None
        finally:
            raw.close() if raw.length_remaining else raw.release_conn()
        headers = {str(k).lower(): str(v) for k, v in answer.headers.items()}
        return Response(answer.status_code, headers, bytes(body[:limit]), truncated=len(body) > limit)


# --- the requests of one package, retried -----------------------------------------------------------


@dataclass
class Retries:
    """How transient faults are retried: ``attempts`` in all, ``backoff`` seconds before the second, doubled
    each time (with jitter), never past ``deadline`` seconds for one package."""

    attempts: int = 4
    backoff: float = 0.25
    deadline: float = 90.0
    sleep: Callable[[float], None] = time.sleep


class Expired(Exception):
    """The URL was refused (403: expired or not allowed) or its object is gone (404)."""


class Fetcher:
    """The ranged GETs of one package: allowed hosts only, transient faults (a dropped connection, a timeout,
    429, 5xx, a short body) retried, a refused URL replaced once by ``refresh()``'s; what cannot be fetched
    raises FactUnavailable (kind ``package``) naming ``action``, the read that gave the URL."""

    def __init__(
        self,
        transport: Transport,
        url: str,
        region: str,
        trusted: tuple[str, ...],
        *,
        refresh: Callable[[], str | None] | None = None,
        action: str = "lambda:GetFunction",
        retries: Retries | None = None,
        count: Callable[[Response], None] = lambda response: None,
    ) -> None:
        self.transport, self.url, self.region, self.trusted = transport, url, region, trusted
        self.refresh, self.action, self.count = refresh, action, count
        self.retries = retries or Retries()
        self.deadline = time.monotonic() + self.retries.deadline
        self.size: int | None = None  # the object's, as the first answer gave it

    def tail(self, length: int) -> tuple[bytes, int]:
        """The file's last ``length`` bytes (all of it when shorter), and its size."""
        return self._get(f"bytes=-{length}", None, length)

    def range(self, start: int, end: int) -> bytes:
        """Bytes [start, end) of the file."""
        return self._get(f"bytes={start}-{end - 1}", start, end - start)[0]

    def unavailable(self, detail: str) -> FactUnavailable:
        return FactUnavailable(self.action, "package", detail)

    def _get(self, byte_range: str, start: int | None, length: int) -> tuple[bytes, int]:
        refreshed = False
        while True:
            try:
                return self._attempts(byte_range, start, length)
            except Expired as exc:
                fresh = None if refreshed or self.refresh is None else self.refresh()
                if not fresh:
                    again = ", and so was a fresh one" if refreshed else ""
                    raise self.unavailable(f"its URL was refused ({exc}){again}") from None
                self.url, refreshed = fresh, True

    def _attempts(self, byte_range: str, start: int | None, length: int) -> tuple[bytes, int]:
        why = refusal(self.url, self.region, self.trusted)
        if why:
            raise self.unavailable(f"its URL was not fetched: {why}")
        last, made = "", 0
        for attempt in range(self.retries.attempts):
            if attempt:
                pause = self.retries.backoff * 2 ** (attempt - 1) * (0.5 + random.random())
                if time.monotonic() + pause > self.deadline:
                    break
                self.retries.sleep(pause)
            made += 1
            try:
                response = self.transport(self.url, byte_range, length)
                self.count(response)
                data, size = answer(response, start, length)
            except TransientError as exc:
                last = str(exc)
                continue
            except Refused as exc:
                raise self.unavailable(str(exc)) from None
            if self.size is not None and size != self.size:  # a fresh URL to a new deployment: start again
                raise self.unavailable(f"it changed while it was read ({self.size:,} bytes, then {size:,}); run again")
            self.size = size
            return data, size
        raise self.unavailable(f"it could not be downloaded: {last} ({made} attempts)")


def answer(response: Response, start: int | None, length: int) -> tuple[bytes, int]:
    """The bytes a ranged GET brought and the file's size; else Refused, Expired or TransientError."""
    status = response.status
    if 300 <= status < 400:
        raise Refused(
            f"its URL redirected to {response.headers.get('location', 'elsewhere')}: redirects are not followed"
        )
    if status in (403, 404):
        raise Expired(f"HTTP {status}{_s3_error(response.body)}")
    if status == 429 or status >= 500 or _error_code(response.body) in retried_error_codes():
        raise TransientError(f"HTTP {status}{_s3_error(response.body)}")
    if status == 416 and start is None:
        return b"", 0  # a suffix range of an empty object
    if status == 200:  # the whole object: the Range header was not honoured
        if response.truncated:
            raise Refused(f"the server ignored the Range header and sent more than {length:,} bytes")
        body = response.body
        return (body[-length:] if start is None else body[start : start + length]), len(body)
    if status != 206:
        raise Refused(f"HTTP {status}{_s3_error(response.body)}")
    match = re.match(r"bytes (\d+)-(\d+)/(\d+)", response.headers.get("content-range", ""))
    if not match:
        raise Refused("a partial answer without a Content-Range")
    first, last, total = (int(g) for g in match.groups())
    expected = max(0, total - length) if start is None else start
    if first != expected or len(response.body) != last - first + 1:
        raise TransientError(f"bytes {first}-{last} of {total} announced, {len(response.body)} arrived")
    return response.body, total


@cache
def retried_error_codes() -> frozenset[str]:
    """The error codes botocore's standard retry mode tries again whatever their status (a 400 RequestTimeout,
    a throttled request: botocore/retries/standard.py, its transient and throttled checkers)."""
    from botocore.retries import standard

    return frozenset(getattr(standard.TransientRetryableChecker, "_TRANSIENT_ERROR_CODES", ("RequestTimeout",))) | \
        frozenset(getattr(standard.ThrottledRetryableChecker, "_THROTTLED_ERROR_CODES", ("Throttling", "SlowDown")))


def _error_code(body: bytes) -> str:
    code = re.search(rb"<Code>([^<]{1,64})</Code>", body or b"")
    return code.group(1).decode("utf-8", "replace") if code else ""


def _s3_error(body: bytes) -> str:
    """S3's error code and message from an XML error body, if there is one."""
    code = re.search(rb"<Code>([^<]{1,64})</Code>", body or b"")
    message = re.search(rb"<Message>([^<]{1,200})</Message>", body or b"")
    text = ": ".join(m.group(1).decode("utf-8", "replace") for m in (code, message) if m)
    return f" {text}" if text else ""
