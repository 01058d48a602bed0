"""The tool's requests to the platform: its key set (to verify launches), access tokens (the OAuth 2
client-credentials grant with a JWT assertion signed by the tool's key, RFC 7523 as LTI's Security
Framework §4.1 sets it out) and the service calls made with them (scores, memberships).

Plain ``urllib`` in worker threads: a request at a time per thread, with a timeout, and every failure
an :class:`PlatformError` saying whether trying again later may help.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet

from grader.server.lti.config import Platform
from grader.server.lti.keys import ALGORITHM, ToolKeys

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TIMEOUT = 20.0
KEY_SET_TTL = 300.0  # seconds the platform's key set is trusted before it is read again
KEY_SET_REFRESH = 10.0  # an unknown kid reads it again, at most this often


class PlatformError(Exception):
    def __init__(self, message: str, status: int | None = None, transient: bool = True) -> None:
        super().__init__(message)
        self.status, self.transient = status, transient


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = TIMEOUT) -> Answer:
    """One HTTP request; a 2xx answer, else :class:`PlatformError` (5xx, 408, 429 and network faults are
    transient, other 4xx not)."""
    call = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:  # noqa: S310 (URLs from the platform file)
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        status = error.code
        detail = error.read()[:300].decode("utf-8", "replace").strip()
        raise PlatformError(f"{method} {url} answered {status}" + (f": {detail}" if detail else ""), status,
                            transient=status >= 500 or status in (401, 408, 425, 429)) from None
    except (OSError, ValueError) as exc:  # refused, reset, timed out, DNS
        raise PlatformError(f"{method} {url} failed: {getattr(exc, 'reason', None) or exc}") from None


class PlatformKeys:
    """The platform's key set (``key_set_url``), cached; read again when a launch names an unknown kid."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._keys: KeySet | None = None
        self._kids: set[str] = set()
        self._read_at = -1e9

    def _fetch(self) -> None:
        answer = request("GET", self.url, headers={"Accept": "application/json"})
        try:
            keys = KeySet.import_key_set(answer.json())
        except Exception as exc:
            raise PlatformError(f"the platform's key set at {self.url} cannot be read: {exc}") from None
        self._keys, self._kids = keys, {k.kid for k in keys.keys if k.kid}
        self._read_at = time.monotonic()

    def for_kid(self, kid: str | None) -> KeySet:
        with self._lock:
            age = time.monotonic() - self._read_at
            if self._keys is None or age > KEY_SET_TTL or (kid not in self._kids and age > KEY_SET_REFRESH):
                self._fetch()
            assert self._keys is not None
            return self._keys


class PlatformClient:
    """Access tokens (cached until a minute before they expire) and the calls made with them."""

    def __init__(self, platform: Platform, keys: ToolKeys) -> None:
        self.platform = platform
        self.keys = keys
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self.tokens_taken = 0

    def assertion(self) -> str:
        now = int(time.time())
        claims = {"iss": self.platform.client_id, "sub": self.platform.client_id,
                  "aud": self.platform.token_audience, "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(18)}
        key = self.keys.signing_key()
        return jwt.encode({"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}, claims, key)

    def token(self, scope: str) -> str:
        with self._lock:
            held = self._tokens.get(scope)
            if held and held[1] > time.monotonic():
                return held[0]
        form = urllib.parse.urlencode({
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.assertion(), "scope": scope}).encode()
        answer = request("POST", self.platform.auth_token_url, form,
                         {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
        try:
            body = answer.json()
            value, lifetime = body["access_token"], float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise PlatformError(f"the token endpoint {self.platform.auth_token_url} answered no access_token") from None
        with self._lock:
            self._tokens[scope] = (value, time.monotonic() + max(0.0, lifetime - 60))
            self.tokens_taken += 1
        return value

    def drop(self, scope: str) -> None:
        with self._lock:
            self._tokens.pop(scope, None)

    def call(self, method: str, url: str, scope: str, body: Any = None, content_type: str | None = None,
             accept: str = "application/json") -> Answer:
        """A service call with a bearer token for ``scope``; a 401 takes a new token and tries once more."""
        data = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.token(scope)}", "Accept": accept}
            if content_type:
                headers["Content-Type"] = content_type
            try:
                return request(method, url, data, headers)
            except PlatformError as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                self.drop(scope)
        raise AssertionError("unreachable")
