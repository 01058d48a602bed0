"""An LTI 1.3 platform of the tests' own, on loopback: its key and key set, the OIDC authorisation
endpoint (the login redirect, answered with an auto-submitted form as LMSs do), the OAuth 2 token
endpoint (client credentials with a JWT assertion, verified against the tool's key set), line items and
their score service, and a paged membership service. It can answer 503 to scores, as an LMS that is down.

Claims follow LTI 1.3 core (§5.3: message claims), the Security Framework (§5.1.2: the id_token;
§4.1: the token endpoint's client assertion), AGS 2.0 (§3.4: the score service and its media type) and
NRPS 2.0 (§2.2: the membership container, paged with ``Link: rel="next"``).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@dataclass
class User:
    sub: str
    name: str | None = None
    email: str | None = None
    roles: tuple[str, ...] = (LEARNER,)
    custom: dict[str, str] | None = None
    sourcedid: str | None = None


@dataclass
class LtiPlatform:
    client_id: str = "grader-tool"
    deployment_id: str = "deployment-1"
    users: dict[str, User] = field(default_factory=dict)
    tool: str = ""  # the tool's base URL (its launch URL, its key set)
    tool_keys: Any = None  # or a callable giving the tool's JWKS (no HTTP tool)
    scores: list[dict[str, Any]] = field(default_factory=list)  # accepted: {"lineitem", "body", "content_type"}
    refusals: int = 0  # score posts answered 503
    down: bool = False  # every score post answered 503 while set
    token_requests: int = 0
    memberships: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    latency: float = 0.0  # seconds added to every token and score request (an LMS far away)

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "platform-key-1", "alg": "RS256", "use": "sig"},
                                       private=True)
        self.tokens: dict[str, tuple[str, float]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LtiPlatform:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tool is told --------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.url

    def lineitem(self, number: int = 1) -> str:
        return f"{self.url}/courses/7/lineitems/{number}?version=2"

    def config(self, **overrides: Any) -> dict[str, Any]:
        return {"issuer": self.issuer, "client_id": self.client_id, "deployment_ids": [self.deployment_id],
                "auth_login_url": f"{self.url}/auth", "auth_token_url": f"{self.url}/token",
                "key_set_url": f"{self.url}/jwks", **overrides}

    def claims(self, hint: str, nonce: str, /, **overrides: Any) -> dict[str, Any]:
        user = self.users[hint]
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": user.sub, "iat": now, "exp": now + 300,
            "nonce": nonce, "azp": self.client_id,
            LTI + "message_type": "LtiResourceLinkRequest", LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id, LTI + "target_link_uri": f"{self.tool}/lti/launch",
            LTI + "resource_link": {"id": "assignment-1", "title": "Lambda assessment"},
            LTI + "roles": list(user.roles), LTI + "context": {"id": "course-7", "title": "Cloud 101"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [SCORE_SCOPE], "lineitems": f"{self.url}/courses/7/lineitems", "lineitem": self.lineitem()},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/courses/7/memberships", "service_versions": ["2.0"]},
        }
        if user.name:
            claims["name"] = user.name
        if user.email:
            claims["email"] = user.email
        if user.custom:
            claims[LTI + "custom"] = user.custom
        if user.sourcedid:
            claims[LTI + "lis"] = {"person_sourcedid": user.sourcedid}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def id_token(self, claims: dict[str, Any], key: RSAKey | None = None) -> str:
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)

    def login_url(self, hint: str) -> str:
        """Where the course's link sends the browser: the tool's third-party login."""
        return f"{self.url}/launch?user={urllib.parse.quote(hint)}"

    # --- the tool's side, checked as a platform checks it -----------------------------------------

    def _tool_key_set(self) -> KeySet:
        if self.tool_keys is not None:
            return KeySet.import_key_set(self.tool_keys())
        with urllib.request.urlopen(f"{self.tool}/lti/jwks", timeout=10) as response:
            return KeySet.import_key_set(json.load(response))

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        if form.get("grant_type") != "client_credentials" or form.get("client_assertion_type") != \
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type"}
        try:
            assertion = jwt.decode(form.get("client_assertion", ""), self._tool_key_set(), algorithms=["RS256"])
        except Exception as exc:
            return 401, {"error": "invalid_client", "error_description": str(exc)}
        claims = assertion.claims
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id or \
                claims.get("aud") != f"{self.url}/token" or claims.get("exp", 0) < time.time() or not claims.get("jti"):
            return 401, {"error": "invalid_client", "error_description": "assertion claims"}
        scopes = set(form.get("scope", "").split())
        if not scopes or not scopes <= {SCORE_SCOPE, MEMBERSHIP_SCOPE}:
            return 400, {"error": "invalid_scope"}
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = (" ".join(sorted(scopes)), time.time() + 3600)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": " ".join(scopes)}

    def _authorised(self, header: str | None, scope: str) -> bool:
        scheme, _, token = (header or "").partition(" ")
        with self.lock:
            held = self.tokens.get(token)
        return scheme == "Bearer" and held is not None and scope in held[0].split() and held[1] > time.time()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def reply(self, status: int, body: Any = b"", content_type: str = "application/json",
                      headers: dict[str, str] | None = None) -> None:
                data = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str)
                                                             else json.dumps(body).encode())
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path == "/jwks":
                    return self.reply(200, KeySet([platform.key]).as_dict(private=False))
                if parts.path == "/launch":  # the course's link: third-party initiated login (GET form)
                    params = {"iss": platform.issuer, "login_hint": query["user"],
                              "target_link_uri": f"{platform.tool}/lti/launch", "lti_message_hint": "assignment-1",
                              "client_id": platform.client_id, "lti_deployment_id": platform.deployment_id}
                    return self.reply(302, headers={"Location": f"{platform.tool}/lti/login?"
                                                                f"{urllib.parse.urlencode(params)}"})
                if parts.path == "/auth":
                    return self.authorise(query)
                if parts.path == "/courses/7/memberships":
                    if not platform._authorised(self.headers.get("Authorization"), MEMBERSHIP_SCOPE):
                        return self.reply(401, {"error": "unauthorised"})
                    start = int(query.get("page", "0"))
                    members = platform.memberships[start:start + platform.page_size]
                    headers = {}
                    if start + platform.page_size < len(platform.memberships):
                        headers["Link"] = (f'<{platform.url}/courses/7/memberships?page={start + platform.page_size}>; '
                                           'rel="next"')
                    return self.reply(200, {"id": parts.path, "context": {"id": "course-7"}, "members": members},
                                      "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", headers)
                return self.reply(404, {"error": "not found"})

            def authorise(self, query: dict[str, str]) -> None:
                expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
                            "prompt": "none", "client_id": platform.client_id,
                            "redirect_uri": f"{platform.tool}/lti/launch"}
                wrong = [k for k, v in expected.items() if query.get(k) != v]
                if wrong or not query.get("nonce") or not query.get("state") or query.get("login_hint") not in \
                        platform.users:
                    return self.reply(400, f"bad authorisation request: {wrong}", "text/plain")
                token = platform.id_token(platform.claims(query["login_hint"], query["nonce"]))
                form = (f'<form method="post" action="{html.escape(query["redirect_uri"])}">'
                        f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
                        f'<input type="hidden" name="state" value="{html.escape(query["state"])}"></form>'
                        "<script>document.forms[0].submit()</script>")
                return self.reply(200, f"<!doctype html><html><body>{form}</body></html>", "text/html")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                time.sleep(platform.latency)
                if parts.path == "/token":
                    status, body = platform._token(dict(urllib.parse.parse_qsl(data.decode())))
                    return self.reply(status, body)
                if parts.path.startswith("/courses/7/lineitems/") and parts.path.endswith("/scores"):
                    if not platform._authorised(self.headers.get("Authorization"), SCORE_SCOPE):
                        return self.reply(401, {"error": "unauthorised"})
                    with platform.lock:
                        if platform.down or platform.refusals > 0:
                            platform.refusals = max(0, platform.refusals - 1)
                            return self.reply(503, {"error": "maintenance"})
                        platform.scores.append({"path": self.path, "body": json.loads(data),
                                                "content_type": self.headers.get("Content-Type")})
                    return self.reply(200, {})
                return self.reply(404, {"error": "not found"})

        return Handler
