"""LTI 1.3 launches against the tests' own platform (tests/server/lti_platform.py): the OIDC login
redirect, a verified launch opening the student's page or the instructor's, and the refusals the
Security Framework (§5.1.3, "Authentication Response Validation") requires: a replayed nonce, a foreign
audience, an expired token, an unknown deployment, a wrong signature, a state not this browser's."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from joserfc.jwk import RSAKey

from grader.roster import Student
from grader.server.lti import Lti
from grader.server.lti.config import ConfigError, parse
from tests.server.conftest import TOKEN, Reply
from tests.server.lti_platform import INSTRUCTOR, LTI, LtiPlatform, User

STUDENTS = [Student("ada01", name="Ada Lovelace", email="Ada@School.example"),
            Student("bob02", name="Bob", email="bob@school.example"), Student("cyd03", name="Cyd")]


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None


_opener = urllib.request.build_opener(_Stay)


def _headers(message) -> dict[str, str]:
    found = {k.lower(): v for k, v in message.items()}
    found["set-cookie"] = "\n".join(message.get_all("Set-Cookie") or [])
    return found


def call(method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    """One request, redirects not followed; every Set-Cookie kept (one a line)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return Reply(response.status, _headers(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, _headers(error.headers), error.read())


@pytest.fixture
def platform():
    with LtiPlatform() as running:
        running.users = {
            "u-ada": User("lms-ada", name="Ada Lovelace", email="ada@school.example"),  # by email, any case
            "u-bob": User("lms-bob", custom={"student_id": "cyd03"}, email="bob@school.example"),  # custom wins
            "u-cyd": User("lms-cyd", sourcedid="cyd03"),  # by LIS sourcedid
            "u-eve": User("lms-eve", name="Eve", email="eve@elsewhere.example"),  # on no roster
            "u-ghost": User("lms-ghost", custom={"student_id": "ghost99"}),
            "u-teach": User("lms-teach", name="Prof", roles=(INSTRUCTOR,)),
            "u-mentor": User("lms-mentor", email="ada@school.example",
                             roles=("http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor",)),
        }
        yield running


@pytest.fixture
def tool(start, sqlite_url, platform):
    def make(store, service):
        return Lti(parse(platform.config()), store, instance=service.instance, poll=0.05, sweep=0.5)

    server = start(sqlite_url, STUDENTS, lti=make)
    platform.tool = server.base
    return server


def begin(tool, platform, hint: str) -> tuple[str, str, str]:
    """The platform's third-party login through the tool: (state, nonce, the state's cookie)."""
    query = urllib.parse.urlencode({"iss": platform.issuer, "login_hint": hint, "client_id": platform.client_id,
                                    "target_link_uri": f"{tool.base}/lti/launch", "lti_message_hint": "x"})
    answer = call("GET", f"{tool.base}/lti/login?{query}")
    assert answer.status == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(f"{platform.url}/auth?")
    sent = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert sent["redirect_uri"] == f"{tool.base}/lti/launch" and sent["login_hint"] == hint
    assert sent["response_mode"] == "form_post" and sent["scope"] == "openid" and sent["lti_message_hint"] == "x"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/lti/" in cookie and "Max-Age=600" in cookie
    return sent["state"], sent["nonce"], cookie.split(";")[0]


def finish(tool, id_token: str, state: str, cookie: str | None) -> Reply:
    form = urllib.parse.urlencode({"id_token": id_token, "state": state}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    if cookie:
        headers["Cookie"] = cookie
    return call("POST", f"{tool.base}/lti/launch", form, headers)


def launch(tool, platform, hint: str, **overrides) -> Reply:
    state, nonce, cookie = begin(tool, platform, hint)
    return finish(tool, platform.id_token(platform.claims(hint, nonce, **overrides)), state, cookie)


def test_a_student_launch_opens_their_own_page(tool, platform):
    answer = launch(tool, platform, "u-ada")
    assert answer.status == 303
    assert answer.headers["location"] == f"/s/ada01?token={tool.link_key('ada01')}"
    assert "lti-state-" in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert call("GET", tool.base + answer.headers["location"]).status == 200
    with tool.store.read() as c:
        from grader.server.lti.tables import lti_users

        [row] = c.execute(lti_users.select()).all()
    assert (row.student_id, row.sub, row.lineitem) == ("ada01", "lms-ada", platform.lineitem())


def test_a_link_without_the_score_service_gets_no_passback(tool, platform):
    ags = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
    claim = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
             "lineitem": platform.lineitem()}
    assert launch(tool, platform, "u-ada", **{ags: claim}).status == 303
    with tool.store.read() as c:
        from grader.server.db import meta
        from grader.server.lti.tables import lti_users

        assert [r.lineitem for r in c.execute(lti_users.select())] == [None]
        assert c.execute(meta.select().where(meta.c.key == "lti_lineitem")).first() is None


def test_who_the_student_is_custom_claim_then_email_then_sourcedid(tool, platform):
    assert launch(tool, platform, "u-bob").headers["location"].startswith("/s/cyd03?")  # not bob02 by email
    assert launch(tool, platform, "u-cyd").headers["location"].startswith("/s/cyd03?")


@pytest.mark.parametrize("hint, said", [("u-eve", "eve@elsewhere.example"), ("u-ghost", "'ghost99'")])
def test_a_user_on_no_roster_gets_a_clear_page(tool, platform, hint, said):
    answer = launch(tool, platform, hint)
    assert answer.status == 403 and "text/html" in answer.headers["content-type"]
    assert "You are not on this class&#39;s roster" in answer.text and said.replace("'", "&#39;") in answer.text
    assert "Traceback" not in answer.text


def test_an_instructor_launch_opens_the_instructor_page(tool, platform):
    answer = launch(tool, platform, "u-teach")
    assert answer.status == 200 and 'content="0;url=/instructor"' in answer.text
    cookie = [c for c in answer.headers["set-cookie"].splitlines() if c.startswith("grader_instructor=")]
    assert cookie and "SameSite=strict" in cookie[0] and "HttpOnly" in cookie[0]
    page = call("GET", f"{tool.base}/instructor", headers={"Cookie": cookie[0].split(";")[0], "Accept": "text/html"})
    assert page.status == 200 and 'id="class-body"' in page.text  # the session a login gives, expiring as it does
    assert f"Max-Age={12 * 3600}" in cookie[0]


def test_a_mentor_does_not_get_the_instructor_page(tool, platform):
    answer = launch(tool, platform, "u-mentor")
    assert "grader_instructor=" not in answer.headers["set-cookie"]
    assert answer.status == 303  # treated as the learner the email names, nothing more


def test_a_replayed_launch_or_nonce_is_refused(tool, platform):
    state, nonce, cookie = begin(tool, platform, "u-ada")
    token = platform.id_token(platform.claims("u-ada", nonce))
    assert finish(tool, token, state, cookie).status == 303
    again = finish(tool, token, state, cookie)  # the very same post
    assert again.status == 401 and "already used" in again.text
    state2, _, cookie2 = begin(tool, platform, "u-ada")  # a new login, the old token (and nonce)
    replayed = finish(tool, token, state2, cookie2)
    assert replayed.status == 401 and "nonce" in replayed.text


@pytest.mark.parametrize("overrides, status, said", [
    ({"aud": "another-tool"}, 401, "aud"),
    ({"aud": ["another-tool", "grader-tool"], "azp": "another-tool"}, 401, "azp"),
    ({"iss": "https://lms.elsewhere.example"}, 401, "iss"),
    ({"exp": int(time.time()) - 120, "iat": int(time.time()) - 420}, 401, "expired"),
    ({LTI + "deployment_id": "deployment-9"}, 403, "deployment"),
    ({LTI + "version": "1.1"}, 400, "1.3.0"),
    ({LTI + "message_type": "LtiDeepLinkingRequest"}, 400, "not supported"),
    ({"nonce": None}, 401, "nonce"),
])
def test_a_token_not_for_this_tool_is_refused(tool, platform, overrides, status, said):
    answer = launch(tool, platform, "u-ada", **overrides)
    assert answer.status == status and said in answer.text, answer.text
    assert "Traceback" not in answer.text
    with tool.store.read() as c:
        from grader.server.lti.tables import lti_users

        assert c.execute(lti_users.select()).all() == []  # nobody was let in


def test_a_wrong_signature_is_refused(tool, platform):
    state, nonce, cookie = begin(tool, platform, "u-ada")
    forged = RSAKey.generate_key(2048, parameters={"kid": platform.key.kid}, private=True)  # same kid, other key
    answer = finish(tool, platform.id_token(platform.claims("u-ada", nonce), forged), state, cookie)
    assert answer.status == 401 and "signature is not the platform" in answer.text
    unknown = RSAKey.generate_key(2048, parameters={"kid": "nobody-s-key"}, private=True)
    answer = finish(tool, platform.id_token(platform.claims("u-ada", nonce), unknown), state, cookie)
    assert answer.status == 401 and "cannot be verified" in answer.text
    token = platform.id_token(platform.claims("u-ada", nonce))
    tampered = token.split(".")
    tampered[1] = tampered[1][:-4] + ("AAAA" if not tampered[1].endswith("AAAA") else "BBBB")
    assert finish(tool, ".".join(tampered), state, cookie).status in (400, 401)
    assert finish(tool, token, state, cookie).status == 303  # the state was not spent by the forgeries


def test_a_launch_without_this_browser_s_state_is_refused(tool, platform):
    state, nonce, cookie = begin(tool, platform, "u-ada")
    token = platform.id_token(platform.claims("u-ada", nonce))
    answer = finish(tool, token, state, None)
    assert answer.status == 400 and "did not start in this browser" in answer.text
    _, _, other = begin(tool, platform, "u-ada")
    assert finish(tool, token, state, other).status == 400  # another login's cookie


def test_a_login_from_another_platform_is_refused(tool, platform):
    answer = call("GET", f"{tool.base}/lti/login?iss=https%3A%2F%2Fevil.example&login_hint=x", headers={"Accept": "text/html"})
    assert answer.status == 400 and "not registered" in answer.text
    answer = call("POST", f"{tool.base}/lti/login", urllib.parse.urlencode(
        {"iss": platform.issuer, "login_hint": "u-ada", "lti_deployment_id": "deployment-9"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 400 and "deployment" in answer.text
    answer = call("POST", f"{tool.base}/lti/login", urllib.parse.urlencode(
        {"iss": platform.issuer, "login_hint": "u-ada"}).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 302  # the POST form of the same login


def test_the_key_set_and_the_registration_document(tool, platform):
    keys = call("GET", f"{tool.base}/lti/jwks").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0] and "p" not in keys[0]  # public only
    config = call("GET", f"{tool.base}/lti/config").json()
    assert config["initiate_login_uri"] == f"{tool.base}/lti/login"
    assert config["redirect_uris"] == [f"{tool.base}/lti/launch"] and config["jwks_uri"] == f"{tool.base}/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scope"].split()
    assert call("GET", f"{tool.base}/lti/passbacks").status == 401
    assert call("GET", f"{tool.base}/lti/passbacks", headers={"Authorization": f"Bearer {TOKEN}"}).status == 200


@pytest.mark.parametrize("change, said", [
    ({"issuer": ""}, "issuer"), ({"deployment_ids": []}, "deployment_ids"),
    ({"auth_token_url": "http://lms.example/token"}, "https://"), ({"extra": 1}, "unknown"),
    ({"key_rotation_days": 0}, "key_rotation_days"),
])
def test_the_platform_file_is_checked(change, said):
    good = LtiPlatform.config(type("P", (), {"issuer": "https://lms.example", "client_id": "c", "deployment_id": "d",
                                              "url": "https://lms.example"})())
    assert parse(good).deployment_ids == ("d",)
    with pytest.raises(ConfigError, match=said):
        parse({**good, **change})


def test_a_launch_is_spent_once_across_instances_even_at_the_same_moment(start, postgres_url, platform):
    """Two instances on one PostgreSQL database: a login made through one is launched through either, once."""
    from concurrent.futures import ThreadPoolExecutor

    def make(store, service):
        return Lti(parse(platform.config()), store, instance=service.instance, poll=0.05, sweep=0.5)

    one = start(postgres_url, STUDENTS, lti=make)
    two = start(postgres_url, STUDENTS, lti=make)
    platform.tool = one.base
    for _ in range(3):
        state, nonce, cookie = begin(one, platform, "u-ada")
        token = platform.id_token(platform.claims("u-ada", nonce))
        with ThreadPoolExecutor(6) as pool:
            statuses = sorted(pool.map(lambda n, t=token, s=state, k=cookie: finish(two if n % 2 else one, t, s, k)
                                       .status, range(6)))
        assert statuses == [303, 401, 401, 401, 401, 401]
    assert call("GET", f"{one.base}/lti/jwks").json() == call("GET", f"{two.base}/lti/jwks").json()
