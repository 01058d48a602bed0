"""Who is asking the class server, and the instructor's sessions.

- The instructor: their token (``--token``) as ``Authorization: Bearer <token>`` or ``?token=``, or the
  session cookie that ``/instructor?token=…`` or the login form sets. A session is ``<issued>.<mac>``:
  when it was issued (seconds since the epoch) and an HMAC of that under a key made of the class
  database's secret, the instructor's token and the sessions' *generation* (``meta`` row
  ``sessions``). It ends ``lifetime`` after it was issued (the cookie's ``Max-Age`` too); logging out
  (``POST /instructor/logout``) or ``serve --revoke-sessions`` gives the generation a new random value,
  which ends every session on every instance sharing the database (within ``refresh`` seconds on the
  others); another ``--token`` ends them too.
- A student: their link's key, an HMAC of their ID (``links.py``), for their own routes only.

Wrong credentials are counted per client (``limits.FailedLogins``). Past the limit the instructor's token
is not even compared for that client (a right guess would tell): its attempts answer 429 with
``Retry-After``, while students' keys and open sessions keep working — 192-bit keys and HMAC cookies
cannot be guessed, and a classmate behind the same address cannot lock the others out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from grader.roster import STUDENT_ID
from grader.server.limits import FailedLogins
from grader.server.links import student_key

COOKIE = "grader_instructor"
SESSION_HOURS = 12.0


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def revoke_sessions(store: Any) -> str:
    """A new generation for the class's instructor sessions: every session issued so far ends."""
    generation = secrets.token_hex(16)
    store.set_setting("sessions", generation)
    return generation


class Sessions:
    """The instructor's sessions: issued, checked, all revoked at once."""

    def __init__(
        self,
        store: Any,
        secret: str,
        token: str,
        lifetime: float = SESSION_HOURS * 3600,
        refresh: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.lifetime, self.refresh, self.clock = store, lifetime, refresh, clock
        self.key = hmac.new(
            bytes.fromhex(secret), b"instructor-session:" + hashlib.sha256(token.encode()).digest(), hashlib.sha256
        ).digest()
        self.lock = threading.Lock()
        self.generation, self.read_at = "", -math.inf

    def current(self) -> str:
        """The sessions' generation, read again from the database at most every ``refresh`` seconds."""
        with self.lock:
            if time.monotonic() - self.read_at >= self.refresh:
                self.generation = self.store.setting("sessions") or ""
                self.read_at = time.monotonic()
            return self.generation

    def mac(self, issued: int, generation: str) -> str:
        return hmac.new(self.key, f"{issued}:{generation}".encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        issued = int(self.clock())
        return f"{issued}.{self.mac(issued, self.current())}"

    def valid(self, value: str | None) -> bool:
        issued_text, _, mac = (value or "").partition(".")
        if not issued_text.isascii() or not issued_text.isdigit() or len(issued_text) > 12:
            return False
        issued, now = int(issued_text), self.clock()
        if not now - self.lifetime < issued <= now + 60:  # expired, or from the future (a clock a minute off)
            return False
        return hmac.compare_digest(mac.encode(), self.mac(issued, self.current()).encode())

    def revoke(self) -> None:
        """End every session, here and on every instance sharing the database."""
        generation = revoke_sessions(self.store)
        with self.lock:
            self.generation, self.read_at = generation, time.monotonic()


class Access:
    """Who a request is: the instructor, one student, or nobody (401, or 429 past the failures' limit)."""

    def __init__(self, token: str, secret: str, sessions: Sessions, logins: FailedLogins | None = None) -> None:
        self.token, self.secret, self.sessions = token, secret, sessions
        self.logins = logins or FailedLogins()

    @staticmethod
    def bearer(request: Any) -> str | None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None

    @staticmethod
    def client(request: Any) -> str:
        return request.client.host if request.client else "-"

    def token_is_right(self, request: Any, given: str | None) -> bool:
        """``given`` is the instructor's token; never compared for a client past the limit."""
        if given is None or self.logins.retry_after(self.client(request)):
            return False
        return same(given, self.token)

    def session(self, request: Any) -> bool:
        if not self.sessions.valid(request.cookies.get(COOKIE)):
            return False
        # A cookie rides along on any request to this site: a change must come from the page's script.
        if request.method != "GET" and request.headers.get("x-requested-with") != "grader":
            raise ApiError(403, "send X-Requested-With: grader with the instructor's cookie")
        return True

    def is_instructor(self, request: Any) -> bool:
        if self.token_is_right(request, self.bearer(request) or request.query_params.get("token")):
            return True
        return self.session(request)

    def refuse(self, request: Any, presented: bool, message: str) -> ApiError:
        """The error for a request no credential let in; a presented one counts as a failure."""
        client = self.client(request)
        if presented:
            wait = self.logins.retry_after(client)
            self.logins.failed(client)  # counted even past the limit: hammering keeps the door shut
            if wait:
                seconds = max(1, math.ceil(wait))
                return ApiError(
                    429, f"too many wrong credentials from this address: try again in {seconds} s", retry_after=seconds
                )
        return ApiError(401, message)

    def require_instructor(self, request: Any) -> None:
        if self.is_instructor(request):
            return
        given = self.bearer(request) or request.query_params.get("token")
        if given is None and request.cookies.get(COOKIE):
            raise ApiError(401, "the instructor's session has ended: open /instructor?token=… again")
        raise self.refuse(
            request,
            given is not None,
            "the instructor's token is not valid" if given else "the instructor's token is needed",
        )

    def who(self, request: Any, sid: str) -> str:
        """'instructor' or 'student' (this student's own link); 401 (or 429) otherwise."""
        if self.is_instructor(request):
            return "instructor"
        given = self.bearer(request) or request.headers.get("x-student-token") or request.query_params.get("token")
        if not given:
            raise ApiError(401, "a credential is needed: open your private link")
        if STUDENT_ID.match(sid) and same(given, student_key(self.secret, sid)):
            return "student"
        raise self.refuse(request, True, "this link is not valid for this student")

    def login(self, request: Any, given: str) -> bool:
        """The login form's or ``/instructor?token=``'s token: right, wrong (counted), or 429 past the limit."""
        if self.token_is_right(request, given):
            return True
        error = self.refuse(request, True, "")
        if error.status == 429:
            raise error
        return False
