"""``validate_tasks.py serve --lti FILE``: the platform file's errors are one line with exit 2; a served
class publishes the tool's keys and registration and says where the LMS should point."""

from __future__ import annotations

import json

import pytest

from tests.server.conftest import TOKEN, http
from tests.server.lti_platform import LtiPlatform
from tests.server.test_cli_serve import run


@pytest.mark.parametrize("content, message", [
    (None, "cannot read --lti"),
    ("{not json", "is not JSON"),
    (json.dumps({"issuer": "https://lms.example"}), "missing client_id, deployment_ids"),
    (json.dumps({"issuer": "https://lms.example", "client_id": "c", "deployment_ids": ["d"],
                 "auth_login_url": "ftp://lms.example/a", "auth_token_url": "https://lms.example/t",
                 "key_set_url": "https://lms.example/k"}), "auth_login_url must be an https:// URL"),
])
def test_a_platform_file_that_cannot_be_used_is_one_line(tmp_path, monkeypatch, capsys, content, message):
    path = tmp_path / "lms.json"
    if content is not None:
        path.write_text(content)
    code, _, err = run("lambda_medium", "-s", "a1", "--db", str(tmp_path / "c.sqlite3"), "--lti", str(path),
                       monkeypatch=monkeypatch, capsys=capsys, env={"GRADER_TOKEN": "t" * 16})
    assert code == 2, err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_class_served_as_an_lti_tool(serve, tmp_path):
    with LtiPlatform() as platform:
        (tmp_path / "lms.json").write_text(json.dumps(platform.config()))
        args = ["lambda_medium", "--sandbox", "-s", "lti1", "--port", "0", "--db", str(tmp_path / "class.sqlite3"),
                "--lti", str(tmp_path / "lms.json"), "--counted", "latest"]
        served = serve(*args, env={"GRADER_TOKEN": TOKEN})
        out = served.out.read_text()
        assert f"LTI 1.3 tool for {platform.issuer}: login {served.base}/lti/login" in out
        assert "latest score passed back" in out
        kid = http("GET", f"{served.base}/lti/jwks").json()["keys"][0]["kid"]
        assert http("GET", f"{served.base}/lti/config").json()["jwks_uri"] == f"{served.base}/lti/jwks"
        assert served.stop() == 0
        again = serve(*args, env={"GRADER_TOKEN": TOKEN})  # a restart keeps the tool's key
        assert http("GET", f"{again.base}/lti/jwks").json()["keys"][0]["kid"] == kid
        assert again.stop() == 0
        assert "Traceback" not in again.err.read_text()
