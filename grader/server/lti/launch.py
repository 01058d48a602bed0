"""The OpenID Connect third-party login and the launch it ends in (LTI 1.3 core §5.1, the Security
Framework §5.1.1), checked step by step; anything wrong is a :class:`Refused` with a sentence for the
page, never a traceback.

1. ``login``: the platform names itself (``iss``) and the user (``login_hint``); the tool makes a
   ``state`` and a ``nonce``, keeps them as a row, binds the state to this browser with a cookie, and
   sends the browser to the platform's ``auth_login_url``.
2. ``verify``: the platform posts back an ``id_token`` and the ``state``. The state must be this
   browser's (the cookie) and the token: signed by a key of the platform's key set (RS256), from the
   platform (``iss``), for this tool (``aud``, and ``azp`` when there are several audiences), not expired,
   carrying the nonce of this very state (then spent: a row is consumed once), for a known deployment,
   an LTI 1.3.0 resource link launch.
3. ``identify``: who the user is in the class: the custom claim ``student_id``, else the roster row whose
   email is the token's, else the LIS person sourcedid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from joserfc import errors as jose_errors
from joserfc import jwt
from joserfc.jws import extract_compact
from joserfc.jwt import JWTClaimsRegistry

from grader.roster import STUDENT_ID
from grader.server.db import students, utcnow
from grader.server.lti.client import PlatformError, PlatformKeys
from grader.server.lti.config import Platform
from grader.server.lti.tables import lti_launches

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
# LIS roles that open the instructor page (context roles, and the institution's and system's administrators).
# (not Mentor: a mentor follows some learners, and the instructor page shows the whole class)
INSTRUCTOR_ROLES = {MEMBERSHIP + "Instructor", MEMBERSHIP + "Administrator", MEMBERSHIP + "ContentDeveloper",
                    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
                    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
                    "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",
                    "Instructor", "Administrator", "ContentDeveloper", "TeachingAssistant"}
LOGIN_LIFETIME = dt.timedelta(minutes=10)
LEEWAY = 60  # seconds of clock difference allowed on exp and iat


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def cookie_name(state: str) -> str:
    """The cookie binding one login's state to the browser that started it (one per login: two tabs
    launching at once do not overwrite each other's)."""
    return "lti-state-" + hashlib.sha256(state.encode()).hexdigest()[:16]


def login(store: Any, platform: Platform, params: dict[str, str], launch_url: str) -> tuple[str, str]:
    """(the platform's authorisation URL to redirect to, the state) for a third-party login request."""
    if params.get("iss") != platform.issuer:
        raise Refused(400, "this login comes from a platform this server is not registered with")
    if params.get("client_id") not in (None, platform.client_id):
        raise Refused(400, "this login is for another tool (client_id)")
    if params.get("lti_deployment_id") not in (None, *platform.deployment_ids):
        raise Refused(400, "this login is for a deployment this server does not know")
    if not params.get("login_hint"):
        raise Refused(400, "the login names no user (login_hint)")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with store.write() as c:
        c.execute(lti_launches.delete().where(lti_launches.c.created_at < now - 6 * LOGIN_LIFETIME))
        c.execute(lti_launches.insert().values(state=state, nonce=nonce, created_at=now))
    query = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
             "client_id": platform.client_id, "redirect_uri": launch_url, "login_hint": params["login_hint"],
             "state": state, "nonce": nonce}
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return platform.auth_login_url + separator + urlencode(query), state


@dataclass(frozen=True)
class Launch:
    claims: dict[str, Any]

    @property
    def roles(self) -> list[str]:
        return [r for r in self.claims.get(LTI + "roles") or [] if isinstance(r, str)]

    @property
    def instructor(self) -> bool:
        return any(role in INSTRUCTOR_ROLES for role in self.roles)

    @property
    def sub(self) -> str:
        return self.claims["sub"]

    @property
    def ags(self) -> dict[str, Any]:
        found = self.claims.get(AGS_CLAIM)
        return found if isinstance(found, dict) else {}

    @property
    def memberships_url(self) -> str | None:
        found = self.claims.get(NRPS_CLAIM)
        url = found.get("context_memberships_url") if isinstance(found, dict) else None
        return url if isinstance(url, str) else None


def verify(store: Any, platform: Platform, keys: PlatformKeys, id_token: str | None, state: str | None,
           cookie: str | None) -> Launch:
    if not state or not id_token:
        raise Refused(400, "the launch carries no id_token or state")
    if cookie is None or not secrets.compare_digest(cookie.encode(), state.encode()):
        raise Refused(400, "this launch did not start in this browser (its cookie is missing: open the "
                      "assignment again from the course, in a new window if the LMS frames it)")
    try:
        header = extract_compact(id_token.encode()).protected
    except Exception:
        raise Refused(400, "the id_token is not a JWT") from None
    if header.get("alg") != "RS256":
        raise Refused(401, "the id_token must be signed with RS256")
    try:
        key_set = keys.for_kid(header.get("kid"))
    except PlatformError as exc:
        raise Refused(502, f"the platform's key set cannot be read: {exc}") from None
    try:
        token = jwt.decode(id_token, key_set, algorithms=["RS256"])
    except jose_errors.BadSignatureError:
        raise Refused(401, "the id_token's signature is not the platform's") from None
    except Exception as exc:  # an unknown kid, a malformed token: joserfc's errors and ValueErrors alike
        raise Refused(401, f"the id_token cannot be verified: {exc}") from None
    claims = dict(token.claims)
    checks = JWTClaimsRegistry(leeway=LEEWAY, iss={"essential": True, "value": platform.issuer},
                               aud={"essential": True, "value": platform.client_id},
                               exp={"essential": True}, iat={"essential": True},
                               sub={"essential": True}, nonce={"essential": True})
    try:
        checks.validate(claims)
    except jose_errors.ExpiredTokenError:
        raise Refused(401, "the id_token has expired: open the assignment again from the course") from None
    except jose_errors.JoseError as exc:
        claim = getattr(exc, "claim", None)
        raise Refused(401, f"the id_token's {claim or 'claims'} are not this platform's for this tool "
                      f"({exc.error})") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != platform.client_id:
        raise Refused(401, "the id_token has several audiences and its azp is not this tool")
    if claims.get(LTI + "deployment_id") not in platform.deployment_ids:
        raise Refused(403, "this launch comes from a deployment this server does not know")
    if claims.get(LTI + "version") != "1.3.0":
        raise Refused(400, "only LTI 1.3.0 launches are understood")
    if claims.get(LTI + "message_type") != "LtiResourceLinkRequest":
        raise Refused(400, f"a {claims.get(LTI + 'message_type')} message is not supported: launch a resource link")
    # The nonce is this state's, and both are spent now: a replayed token finds the row used.
    now = utcnow()
    with store.write() as c:
        spent = c.execute(lti_launches.update().where(
            lti_launches.c.state == state, lti_launches.c.nonce == str(claims["nonce"]),
            lti_launches.c.used_at.is_(None), lti_launches.c.created_at > now - LOGIN_LIFETIME).values(used_at=now))
    if spent.rowcount != 1:
        raise Refused(401, "this launch was already used or has expired (nonce): open the assignment again")
    return Launch(claims)


def identify(store: Any, launch: Launch) -> str | None:
    """The student ID this launch's user has in the class, or None."""
    claims = launch.claims
    custom = claims.get(LTI + "custom")
    wanted = custom.get("student_id") if isinstance(custom, dict) else None
    with store.read() as c:
        def active(sid: Any) -> str | None:
            if not isinstance(sid, str) or not STUDENT_ID.match(sid):
                return None
            return c.execute(sa.select(students.c.student_id).where(
                students.c.student_id == sid, students.c.active)).scalar()

        if wanted:
            return active(wanted)  # named by the course: no other guess
        email = claims.get("email")
        if isinstance(email, str) and email.strip():
            found = c.execute(sa.select(students.c.student_id).where(
                sa.func.lower(students.c.email) == email.strip().lower(), students.c.active)
                .order_by(students.c.student_id)).scalars().all()
            if len(found) == 1:
                return found[0]
        lis = claims.get("https://purl.imsglobal.org/spec/lti/claim/lis")
        return active(lis.get("person_sourcedid")) if isinstance(lis, dict) else None
