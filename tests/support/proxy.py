"""A loopback HTTP proxy in front of the emulator that makes it behave like AWS far away, busy or failing.

It adds a fixed latency to every request, can enforce AWS's request quotas (answering throttling
errors beyond them, as AWS does), can inject faults (throttling, 503s, dropped connections, slow
answers, an endpoint going down or credentials expiring mid-run), and counts what passed through.
Test and benchmark support, not shipped with the grader: used by the tests and by ``bench/benchmark.py``
(``python -m tests.support.proxy``, from the project root).
It only ever forwards to the emulator it was given, on loopback.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import signal
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from grader.aws.pacing import AWS_QUOTAS, quota_group

_SCOPE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
_LAMBDA_FUNCTION = re.compile(r"^/[\d-]+/functions/[^/]+/?$")
_LAMBDA_POLICY = re.compile(r"^/[\d-]+/functions/[^/]+/policy/?$")
_RPC_V2 = re.compile(r"/operation/(\w+)$")
_QUERY_ACTION = re.compile(rb"(?:^|&)Action=(\w+)")


PACKAGES = ("packages", "GET")  # a deployment package's presigned download: no signature, no quota


def operation_of(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[str, str]:
    """(service, operation) of a signed AWS request; for Lambda only what the quotas tell apart. A deployment
    package's download (``Code.Location``, on the emulator's address: grader/emulator/packages.py) is
    ``PACKAGES``."""
    if urlsplit(path).path.startswith("/_grader/lambda-packages/"):
        return PACKAGES
    scope = _SCOPE.search(headers.get("authorization", ""))
    service = scope.group(1) if scope else "unknown"
    path = urlsplit(path).path
    if service == "lambda":
        if method == "GET" and _LAMBDA_FUNCTION.match(path):
            return service, "GetFunction"
        if method == "GET" and _LAMBDA_POLICY.match(path):
            return service, "GetPolicy"
        return service, f"{method} {re.sub(r'/functions/[^/]+', '/functions/*', path)}"
    target = headers.get("x-amz-target")
    if target:
        return service, target.rsplit(".", 1)[-1]
    rpc = _RPC_V2.search(path)
    if rpc:
        return service, rpc.group(1)
    action = _QUERY_ACTION.search(body)
    return service, action.group(1).decode() if action else f"{method} {path}"


def _cbor_text_map(values: dict[str, str]) -> bytes:
    """A CBOR map of short text strings (an rpc-v2-cbor error body)."""
    def text(value: str) -> bytes:
        raw = value.encode()
        return (bytes([0x60 | len(raw)]) if len(raw) < 24 else bytes([0x78, len(raw)])) + raw
    return bytes([0xA0 | len(values)]) + b"".join(text(k) + text(v) for k, v in values.items())


def throttle_response(service: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """What AWS answers when a quota is exceeded, in the protocol the client speaks."""
    if service == "lambda":
        return 429, {"x-amzn-errortype": "TooManyRequestsException", "content-type": "application/json"}, \
            b'{"Type":"User","message":"Rate exceeded","Reason":"CallerRateLimitExceeded"}'
    content_type = headers.get("content-type", "")
    if "cbor" in content_type:
        return 400, {"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"}, \
            _cbor_text_map({"__type": "Throttling", "message": "Rate exceeded"})
    if headers.get("x-amz-target"):
        return 400, {"content-type": "application/x-amz-json-1.0"}, \
            b'{"__type":"Throttling","message":"Rate exceeded"}'
    return 400, {"content-type": "text/xml"}, (
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
        b"</Error><RequestId>proxy</RequestId></ErrorResponse>")


def error_response(service: str, headers: dict[str, str], status: int, code: str,
                   message: str) -> tuple[int, dict[str, str], bytes]:
    """An AWS error in the protocol the client speaks."""
    if service == "lambda":
        body = json.dumps({"Type": "Service" if status >= 500 else "User", "message": message}).encode()
        return status, {"x-amzn-errortype": code, "content-type": "application/json"}, body
    if "cbor" in headers.get("content-type", ""):
        return status, {"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"}, \
            _cbor_text_map({"__type": code, "message": message})
    if headers.get("x-amz-target"):
        return status, {"content-type": "application/x-amz-json-1.0"}, \
            json.dumps({"__type": code, "message": message}).encode()
    body = (f"<ErrorResponse><Error><Type>{'Receiver' if status >= 500 else 'Sender'}</Type><Code>{code}</Code>"
            f"<Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>").encode()
    return status, {"content-type": "text/xml"}, body


@dataclass
class Faults:
    """What goes wrong, and how often: shares of requests, drawn from a seeded generator."""

    throttle: float = 0.0  # answered "Rate exceeded"
    server_error: float = 0.0  # answered 503
    reset: float = 0.0  # connection closed without an answer
    slow: float = 0.0  # answered after ``slow_seconds`` (past the client's read timeout)
    slow_seconds: float = 0.0
    failing_services: frozenset[str] = frozenset()  # every request to these answered 503
    down_after: int | None = None  # the endpoint stops answering after this many requests
    expired_after: int | None = None  # credentials "expire" after this many requests
    seed: int = 7


class _Bucket:
    """Non-blocking token bucket: the server side of a quota."""

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.last = rate, max(1.0, rate), time.monotonic()
        self.lock = threading.Lock()

    def try_take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(max(1.0, self.rate), self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (a read timeout it was meant to meet) is not an error of the proxy.
        pass


class AwsLikeProxy:
    def __init__(self, upstream: str, *, latency: float = 0.0, quotas: dict[str, float] | None = None,
                 faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        target = urlsplit(upstream)
        if target.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the proxy forwards to a loopback emulator only")
        self.upstream = (target.hostname, target.port or 80)
        self.latency = latency
        # CloudWatch signs as "monitoring"; the quota table names it "cloudwatch".
        self.quotas = dict(quotas or {})
        self._buckets = {group: _Bucket(rate) for group, rate in self.quotas.items()}
        self.requests: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()
        self.package_bytes = 0  # body bytes of deployment package downloads passed on
        self.faults = faults or Faults()
        self.injected: Counter[str] = Counter()
        self._random = random.Random(self.faults.seed)
        self._seen = 0
        self._lock = threading.Lock()
        self._server = _QuietServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AwsLikeProxy:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> AwsLikeProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.throttled.clear()
            self.injected.clear()
            self.package_bytes = 0

    def _fault(self, service: str) -> str | None:
        """Which fault (if any) this request meets."""
        f = self.faults
        with self._lock:
            self._seen += 1
            seen, draw = self._seen, self._random.random()
        fault = None
        if f.down_after is not None and seen > f.down_after:
            fault = "down"
        elif f.expired_after is not None and seen > f.expired_after:
            fault = "expired"
        elif service in f.failing_services:
            fault = "server_error"
        else:
            edge = 0.0
            for name in ("throttle", "server_error", "reset", "slow"):
                edge += getattr(f, name)
                if draw < edge:
                    fault = name
                    break
        if fault:
            with self._lock:
                self.injected[fault] += 1
        return fault

    def _admit(self, service: str, operation: str) -> bool:
        service = "cloudwatch" if service == "monitoring" else service
        group = quota_group(service, operation, self.quotas)
        with self._lock:
            self.requests[f"{service}:{operation}"] += 1
        if group is None or self._buckets[group].try_take():
            return True
        with self._lock:
            self.throttled[group] += 1
        return False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes: without this, Nagle's algorithm meets the
            # client's delayed ACK and every response waits ~40 ms that AWS would not add.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _forward(self) -> None:
                if self.path.startswith("/__proxy/"):
                    self._control()
                    return
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                service, operation = operation_of(self.command, self.path, headers, body)
                if proxy.latency:
                    time.sleep(proxy.latency)
                fault = proxy._fault(service)
                if fault in ("reset", "down"):
                    self.close_connection = True  # no answer at all: the client sees the connection drop
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "throttle":
                    self._reply(*throttle_response(service, headers))
                    return
                if fault == "server_error":
                    self._reply(*error_response(service, headers, 503, "ServiceUnavailable", "Service unavailable"))
                    return
                if fault == "expired":
                    code = "ExpiredToken" if not headers.get("x-amz-target") and service != "lambda" else "ExpiredTokenException"
                    self._reply(*error_response(service, headers, 403, code, "The security token included in the request is expired"))
                    return
                if fault == "slow":
                    time.sleep(proxy.faults.slow_seconds)
                if not proxy._admit(service, operation):
                    status, extra, payload = throttle_response(service, headers)
                    self._reply(status, extra, payload)
                    return
                connection = http.client.HTTPConnection(*proxy.upstream, timeout=60)
                try:
                    connection.request(self.command, self.path, body=body or None, headers=dict(self.headers))
                    response = connection.getresponse()
                    payload = response.read()
                    if (service, operation) == PACKAGES:
                        with proxy._lock:
                            proxy.package_bytes += len(payload)
                    extra = {k: v for k, v in response.getheaders()
                             if k.lower() not in ("content-length", "connection", "transfer-encoding")}
                    self._reply(response.status, extra, payload)
                finally:
                    connection.close()

            def _control(self) -> None:
                """``GET /__proxy/stats`` (counts as JSON: requests by operation, throttled by quota, package bytes),
                ``POST /__proxy/reset`` (zero them)."""
                if self.path == "/__proxy/reset" and self.command == "POST":
                    proxy.reset_counts()
                with proxy._lock:
                    stats = {"requests": dict(proxy.requests), "throttled": dict(proxy.throttled),
                             "package_bytes": proxy.package_bytes}
                self._reply(200, {"content-type": "application/json"}, json.dumps(stats).encode())

            def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

        return Handler


def main() -> None:
    """Serve the proxy in its own process, so its work is not counted against the grader it measures."""
    parser = argparse.ArgumentParser(description="AWS-like latency/quota proxy in front of the emulator")
    parser.add_argument("--upstream", required=True, help="the emulator's URL (loopback)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--quotas", action="store_true", help="enforce AWS's Lambda and CloudWatch quotas")
    options = parser.parse_args()
    proxy = AwsLikeProxy(options.upstream, latency=options.latency, port=options.port,
                         quotas=AWS_QUOTAS if options.quotas else None)
    print(f"proxy listening on {proxy.url}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=proxy.stop).start())
    proxy._server.serve_forever()


if __name__ == "__main__":
    main()
