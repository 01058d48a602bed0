"""One ranged GET over botocore's own HTTP stack, against a loopback server: the Range header sent as given,
a redirect answered but never followed, the body cut at the limit, a closed port a fault worth retrying."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from grader.aws.package_http import HttpTransport, TransientError

BODY = bytes(range(256)) * 64


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.seen.append((self.path, self.headers.get("Range")))
        if self.path.startswith("/moved"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(206)
        self.send_header("Content-Range", f"bytes 0-{len(BODY) - 1}/{len(BODY)}")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_ranged_get_reads_no_more_than_its_limit(server):
    transport = HttpTransport()
    answer = transport(f"{server}/object?X-Amz-Signature=a%2Fb", "bytes=0-99", 100)
    assert (answer.status, answer.body, answer.truncated) == (206, BODY[:100], True)
    assert answer.headers["content-range"] == f"bytes 0-{len(BODY) - 1}/{len(BODY)}"
    whole = transport(f"{server}/object", "bytes=-20000", 20000)
    assert (whole.body, whole.truncated) == (BODY, False)
    assert Handler.seen[0] == ("/object?X-Amz-Signature=a%2Fb", "bytes=0-99")  # the presigned query untouched


def test_a_redirect_is_answered_not_followed(server):
    answer = HttpTransport()(f"{server}/moved", "bytes=-10", 10)
    assert (answer.status, answer.headers["location"]) == (302, "http://127.0.0.1:9/elsewhere")
    assert [path for path, _ in Handler.seen] == ["/moved"]


def test_a_closed_port_is_a_transient_fault():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientError):
        HttpTransport(connect_timeout=1, read_timeout=1)(f"http://127.0.0.1:{port}/x", "bytes=-10", 10)
