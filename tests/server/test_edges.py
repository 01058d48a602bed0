"""The class server's edges a hostile client probes (issue 24): request bodies too large to read, attempt
ids no database holds, wrong tokens tried in a loop, sessions that must end."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from grader.roster import Student
from tests.server.conftest import TOKEN, http

POST_ROUTES = ["/instructor/login", "/instructor/logout", "/api/students/ann1/check", "/api/class/check"]


@pytest.fixture
def server(start, sqlite_url):
    return start(sqlite_url, [Student("ann1"), Student("bob2")])


def raw(server, head: bytes, body: bytes = b"", wait: float = 10) -> tuple[bytes, float]:
    """Send ``head`` (and ``body``) and read the answer without sending anything more: (answer, seconds)."""
    host, port = server.base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head + body)
        answer = b""
        while True:  # to the end: every answer here closes the connection
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer, time.monotonic() - started


# --- request bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_body_declared_over_the_limit_is_refused_before_it_is_sent(server, path, caplog):
    """300 MB declared, not one byte of it sent: the answer is a 413 straight away (the server used to read
    it all, 113 → 724 MB, before answering 401)."""
    caplog.set_level(logging.INFO)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 314572800\r\n\r\n"
    ).encode()
    answer, seconds = raw(server, head)
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 413 Request Entity Too Large", answer[:300]
    assert rest.endswith(b'{"error":"the request body is over 8 KB"}') and seconds < 5
    assert b"x-content-type-options: nosniff" in rest.lower()  # the server's headers, as on every answer
    assert f'"POST {path}" 413' in "\n".join(r.getMessage() for r in caplog.records)  # and its access log


@pytest.mark.parametrize("path", POST_ROUTES)
def test_a_chunked_body_is_read_only_up_to_the_limit(server, path):
    """No length declared: 12 KB of chunks sent, the body never finished, and still the answer comes."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunks = b"".join(b"1000\r\n" + b"a" * 4096 + b"\r\n" for _ in range(3))
    answer, seconds = raw(server, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413 ") and seconds < 5, answer[:300]


def test_a_bad_content_length_is_refused_unread(server):
    head = b"POST /instructor/login HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"
    answer, _ = raw(server, head)
    assert answer.startswith(b"HTTP/1.1 4"), answer[:200]  # the HTTP server's own 400, or ours


def test_bodies_within_the_limit_still_work(server):
    form = b"token=" + TOKEN.encode() + b"&pad=" + b"x" * 7000
    head = (
        f"POST /instructor/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n"
    ).encode()
    answer, _ = raw(server, head, form)
    assert answer.startswith(b"HTTP/1.1 303 ") and b"set-cookie: grader_instructor=" in answer.lower(), answer[:300]
    chunked = b"".join(b"800\r\n" + b"b" * 2048 + b"\r\n" for _ in range(3)) + b"0\r\n\r\n"
    head = (
        f"POST /api/class/check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    answer, _ = raw(server, head, chunked)
    assert answer.startswith(b"HTTP/1.1 202 "), answer[:200]


# --- attempt ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        "%C2%B2",
        "%D9%A1",
        "%EF%BC%91",
        "9223372036854775807",
        "9223372036854775808",
        "9" * 40,
        "+1",
        "%201",
        "1%0A",
        "0x1",
        "1.0",
    ],
)
def test_an_attempt_id_no_database_holds_is_404_never_500(server, attempt, caplog):
    """'²'.isdigit() is True and int('²') fails; SQLite's integers stop at 2**63 - 1."""
    caplog.set_level(logging.INFO)
    reply = server.get(f"/api/students/ann1/attempts/{attempt}")
    assert reply.status == 404 and reply.json() == {"error": "no such attempt"}, reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- wrong tokens ----------------------------------------------------------------------------------


def login(server, token: str) -> object:
    return http(
        "POST",
        f"{server.base}/instructor/login",
        data=f"token={token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )


def test_wrong_tokens_are_limited_per_client_and_the_right_one_is_not_compared_past_it(server):
    session = http("GET", f"{server.base}/instructor?token={TOKEN}").headers["set-cookie"].split(";")[0]
    key = server.link_key("ann1")
    for n in range(20):
        guess = f"wrong-guess-{n}"
        reply = login(server, guess) if n % 2 else server.get("/api/class", token=guess)
        assert reply.status == 401, (n, reply.status)
    refused = login(server, "another-guess")
    assert refused.status == 429 and 1 <= int(refused.headers["retry-after"]) <= 300
    for reply in (
        login(server, TOKEN),
        server.get("/api/class"),
        server.get(f"/instructor?token={TOKEN}", token=None),
        server.get("/api/students/ann1", token="wrong-key"),
    ):
        assert reply.status == 429, reply.status  # the right token is not even compared: a hit would tell
    assert "too many wrong credentials" in server.get("/api/class").json()["error"]
    # A student's key and an open session cannot be guessed: they keep working for this address.
    assert server.get("/api/students/ann1", token=key).status == 200
    assert server.get("/api/class", token=None, headers={"Cookie": session}).status == 200
    # No credential at all is not a guess.
    assert server.get("/api/class", token=None).status == 401


# --- sessions --------------------------------------------------------------------------------------


def test_the_instructor_s_session_expires_and_ends_at_logout(server):
    page = http("GET", f"{server.base}/instructor?token={TOKEN}")
    cookie = page.headers["set-cookie"]
    assert "Max-Age=43200" in cookie  # 12 hours
    session = cookie.split(";")[0]
    assert server.get("/api/class", token=None, headers={"Cookie": session}).status == 200
    assert http("POST", f"{server.base}/instructor/logout", headers={"Cookie": session}).status == 403  # no CSRF
    out = http("POST", f"{server.base}/instructor/logout", headers={"Cookie": session, "X-Requested-With": "grader"})
    assert out.status == 200 and out.json() == {"revoked": True}
    assert 'grader_instructor=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    after = server.get("/api/class", token=None, headers={"Cookie": session})
    assert after.status == 401 and "session has ended" in after.json()["error"]
    assert server.get("/api/class").status == 200  # the token itself still works
    again = http("GET", f"{server.base}/instructor?token={TOKEN}").headers["set-cookie"].split(";")[0]
    assert server.get("/api/class", token=None, headers={"Cookie": again}).status == 200
