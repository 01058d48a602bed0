"""The LTI endpoints, a router the application includes when ``--lti`` is given.

| route | who | what |
|---|---|---|
| ``GET /lti/jwks`` | anyone | the tool's public keys (JWKS) |
| ``GET /lti/config`` | anyone | the tool's registration (OpenID Connect dynamic registration's document, with the LTI tool configuration) |
| ``GET\\|POST /lti/login`` | the platform (through the browser) | third-party login: a redirect to ``auth_login_url`` |
| ``POST /lti/launch`` | the platform (through the browser) | the launch: the student's page, or the instructor's |
| ``POST /lti/roster`` | the instructor | the roster read from the LMS (NRPS) |
| ``GET /lti/passbacks`` | the instructor | grade passbacks by state, the last failures |
| ``POST /lti/keys/rotate`` | the instructor | a new signing key now |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from grader.server.links import student_key
from grader.server.lti import Lti
from grader.server.lti.client import LINEITEM_SCOPE, MEMBERSHIP_SCOPE, SCORE_SCOPE, PlatformError
from grader.server.lti.launch import LTI, Refused, cookie_name, identify, login, verify
from grader.server.lti.nrps import read_roster


async def _params(request: Request) -> dict[str, str]:
    """The query's parameters and, for a POST, the form's (url-encoded, as platforms send them)."""
    found = dict(request.query_params)
    if request.method == "POST":
        found.update(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    return found


def router(lti: Lti, store: Any, page: Callable[..., Response], signed_in: Callable[[Response, Request], Response],
           require_instructor: Callable[[Request], None], title: str = "") -> APIRouter:
    routes = APIRouter()
    secret = store.meta("secret")

    def base(request: Request) -> str:
        return (lti.public_url or str(request.base_url)).rstrip("/")

    def refused(exc: Refused) -> Response:
        return page("error.html", {"status": exc.status, "message": exc.message}, exc.status)

    @routes.get("/lti/jwks")
    async def jwks() -> Response:
        return JSONResponse(await to_thread.run_sync(lti.keys.key_set), headers={"Cache-Control": "max-age=300"})

    @routes.get("/lti/config")
    async def config(request: Request) -> Response:
        root = base(request)
        return JSONResponse({
            "application_type": "web", "response_types": ["id_token"],
            "grant_types": ["implicit", "client_credentials"],
            "initiate_login_uri": f"{root}/lti/login", "redirect_uris": [f"{root}/lti/launch"],
            "client_name": f"AWS assessment grader: {title}",
            "jwks_uri": f"{root}/lti/jwks", "token_endpoint_auth_method": "private_key_jwt",
            "scope": " ".join([SCORE_SCOPE, LINEITEM_SCOPE, MEMBERSHIP_SCOPE]),
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                "domain": urlsplit(root).netloc, "target_link_uri": f"{root}/lti/launch",
                "custom_parameters": {}, "claims": ["iss", "sub", "name", "email"],
                "messages": [{"type": "LtiResourceLinkRequest", "target_link_uri": f"{root}/lti/launch"}]},
            "platform": {"issuer": lti.platform.issuer, "client_id": lti.platform.client_id,
                         "deployment_ids": list(lti.platform.deployment_ids)}})

    @routes.api_route("/lti/login", methods=["GET", "POST"])
    async def third_party_login(request: Request) -> Response:
        params = await _params(request)
        try:
            target, state = await to_thread.run_sync(login, store, lti.platform, params, f"{base(request)}/lti/launch")
        except Refused as exc:
            return refused(exc)
        response = Response(status_code=302, headers={"Location": target})
        secure = urlsplit(base(request)).scheme == "https"
        # The launch comes back as a cross-site POST: only SameSite=None reaches it (and needs Secure).
        response.set_cookie(cookie_name(state), state, max_age=600, path="/lti/", httponly=True, secure=secure,
                            samesite="none" if secure else "lax")
        return response

    @routes.post("/lti/launch")
    async def launch(request: Request) -> Response:
        params = await _params(request)
        if params.get("error"):
            return refused(Refused(400, f"the LMS refused the launch: {params.get('error_description') or params['error']}"))
        state = params.get("state") or ""
        try:
            verified = await to_thread.run_sync(verify, store, lti.platform, lti.platform_keys, params.get("id_token"),
                                                state, request.cookies.get(cookie_name(state)))
        except Refused as exc:
            return refused(exc)
        if verified.instructor:
            await to_thread.run_sync(lti.remember, verified, None)
            response = page("lti_open.html", {"target": "/instructor", "what": "instructor's"})
            response = signed_in(response, request)  # the instructor's session, as a login gives it
        else:
            sid = await to_thread.run_sync(identify, store, verified)
            if sid is None:
                claims = verified.claims
                who = claims.get("email") or claims.get("name") or "your LMS account"
                custom = claims.get(LTI + "custom")
                named = custom.get("student_id") if isinstance(custom, dict) else None
                reason = (f"the student ID {named!r} the course gives you" if named else f"{who}")
                return page("error.html", {"status": 403, "message": (
                    f"You are not on this class's roster: {reason} matches no student of it. Ask your instructor "
                    "to add you (with your email or student ID), then open the assignment again.")}, 403)
            await to_thread.run_sync(lti.remember, verified, sid)
            response = Response(status_code=303, headers={"Location": f"/s/{sid}?token={student_key(secret, sid)}"})
        response.delete_cookie(cookie_name(state), path="/lti/")
        return response

    @routes.post("/lti/roster")
    async def roster(request: Request) -> Response:
        require_instructor(request)
        try:
            read = await to_thread.run_sync(read_roster, store, lti.client)
        except LookupError as exc:
            return JSONResponse({"error": str(exc)}, 409)
        except PlatformError as exc:
            return JSONResponse({"error": f"the LMS's membership service: {exc}"}, 502)
        lti.passbacks.notice_all()
        return JSONResponse(read.as_dict())

    @routes.get("/lti/passbacks")
    async def passbacks(request: Request) -> Response:
        require_instructor(request)
        return JSONResponse(await to_thread.run_sync(lti.passbacks.counts))

    @routes.post("/lti/keys/rotate")
    async def rotate(request: Request) -> Response:
        require_instructor(request)
        return JSONResponse({"kid": await to_thread.run_sync(lti.keys.rotate)})

    return routes
