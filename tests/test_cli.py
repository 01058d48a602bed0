"""The command line as users meet it: real processes, exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "STUDENT_ID"}
    base.update({"AWS_EC2_METADATA_DISABLED": "true", "NO_COLOR": "1"})
    base.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "validate_tasks.py"), *args], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def emulator_env(emulator) -> dict:
    return {"AWS_ENDPOINT_URL": emulator.url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1"}


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_list_names_the_assessments():
    result = cli("list")
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert result.returncode == 0 and listed == ["lambda_lab", "lambda_medium"]


def test_explain_prints_the_rubric_without_aws():
    result = cli("lambda_medium", "--explain")
    assert result.returncode == 0
    assert "1.1" in result.stdout and "Reserved concurrency is 5" in result.stdout and "12.4" in result.stdout


def test_help_and_explain_do_not_import_boto3():
    code = ("import sys; from grader.cli import main\n"
            "try:\n    main.main(['lambda_medium', '--explain'], standalone_mode=False)\nexcept SystemExit: pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("[]"), result.stdout + result.stderr


@pytest.mark.parametrize("student_id", ["bad id", "a" * 41, "", "x;rm -rf", "[bold]x", "é"])
def test_invalid_student_id(student_id):
    assert_one_line_error(cli("lambda_medium", "-s", student_id), 2, "invalid student ID")


def test_unknown_assessment():
    assert_one_line_error(cli("lambda_hard", "-s", "a"), 2, "unknown assessment", "lambda_medium")


def test_no_student_id_without_a_terminal():
    assert_one_line_error(cli("lambda_medium"), 2, "no student ID")


@pytest.mark.parametrize("option, value, fragment", [
    ("--region", "bad_region", "invalid region"),
    ("--role-arn-template", "garbage", "--role-arn-template"),
    ("--role-arn-template", "arn:aws:iam::123456789012:role/Fixed", "--role-arn-template"),
    ("--endpoint-url", "http://127.0.0.1:99999", "bad port"),
    ("--report", "json=/nonexistent/dir/x.json", "does not exist"),
])
def test_bad_options_are_one_line(option, value, fragment):
    assert_one_line_error(cli("lambda_medium", "-s", "a", option, value), 2, fragment)


def test_pass_mark_out_of_range():
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--pass-mark", "150"), 2, "pass-mark")


def test_unreachable_endpoint(tmp_path):
    started = time.monotonic()
    result = cli("lambda_medium", "-s", "a", "--endpoint-url", f"http://127.0.0.1:{free_port()}",
                 env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"})
    assert_one_line_error(result, 3, "cannot reach")
    assert time.monotonic() - started < 30


def test_malformed_endpoint():
    result = cli("lambda_medium", "-s", "a", "--endpoint-url", "not a url",
                 env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"})
    assert_one_line_error(result, 2, "endpoint")


def test_missing_credentials(tmp_path):
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none")}
    assert_one_line_error(cli("lambda_medium", "-s", "a", env=env), 3, "no AWS credentials")


def test_unknown_profile(tmp_path):
    env = {"AWS_CONFIG_FILE": str(tmp_path / "none")}
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--profile", "nope", env=env), 2, "nope")


def test_grades_a_student_on_an_endpoint(account):
    built = account.build()
    result = cli("lambda_medium", "-s", built["sid"], env=emulator_env(account.emulator))
    assert result.returncode == 0, result.stderr
    assert "Score 100/100 — PASSED (pass mark 70)" in result.stdout
    assert "\x1b[" not in result.stdout  # NO_COLOR and a pipe: plain text


def test_json_contract_and_exit_1_below_the_pass_mark(account):
    built = account.build()
    account.client("lambda").delete_function(FunctionName=f"layer-consumer-{built['sid']}")
    env = dict(emulator_env(account.emulator), STUDENT_ID=built["sid"])
    result = cli("lambda_medium", "--format", "json", "--pass-mark", "90", env=env)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    student = data["students"][0]
    assert data["assessment"] == "lambda_medium" and data["pass_mark"] == 90.0
    assert student["student_id"] == built["sid"] and student["account"] == "123456789012"
    assert student["score"] < 90 and student["passed"] is False and student["complete"] is True
    assert [t["number"] for t in student["tasks"]] == list(range(1, 13))
    failed = [c for t in student["tasks"] for c in t["checks"] if c["status"] == "fail"]
    assert failed and all(c["hint"] for c in failed if not c["message"].startswith("not checked"))
    assert data["summary"] == {"students": 1, "passed": 0, "mean_score": student["score"]}


def test_the_process_leaves_with_its_output_and_reports_whole(account, tmp_path):
    # The command line ends its process without tearing the interpreter down: what it printed and wrote
    # must all be there, and its exit code be run()'s.
    built = account.build()
    report = tmp_path / "report.json"
    result = cli("lambda_medium", "-s", built["sid"], "--format", "json", "--report", f"json={report}",
                 env=emulator_env(account.emulator))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)  # all of it
    assert printed["students"][0]["score"] == 100
    assert json.loads(report.read_text())["students"] == printed["students"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_wrong_region_is_pointed_out(account):
    built = account.build(region="eu-west-1")
    result = cli("lambda_medium", "-s", built["sid"], "--format", "json", env=emulator_env(account.emulator))
    notes = json.loads(result.stdout)["students"][0]["notes"]
    assert result.returncode == 1 and len(notes) == 1
    assert "eu-west-1" in notes[0] and "--region eu-west-1" in notes[0]


def test_sandbox_grades_the_reference_solution():
    result = cli("lambda_medium", "--sandbox", "-s", "demo", "-s", "demo2", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["score"] for s in data["students"]] == [100.0, 100.0]


def test_sandbox_server_serves_until_terminated():
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    server = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "sandbox", "--port", str(port),
                               "--seed", "seeded"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        first_line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first_line
        grading = cli("lambda_medium", "-s", "seeded", env={
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing"})
        assert grading.returncode == 0 and "Score 100/100" in grading.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=20)
    assert server.returncode == 0 and "stopped" in out


def test_sandbox_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = cli("sandbox", "--port", str(busy.getsockname()[1]))
    assert_one_line_error(result, 2, "in use")


# --- lambda_lab: fixed names, one student per account, the student ID only a label -----------------


def own_account_env(own_account) -> dict:
    credentials = own_account.credentials
    return {"AWS_ENDPOINT_URL": own_account.emulator.url, "AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"],
            "AWS_SESSION_TOKEN": credentials["aws_session_token"], "AWS_DEFAULT_REGION": "us-east-1"}


def test_lab_grades_the_account_without_a_student_id(own_account):
    own_account.build()
    result = cli("lambda_lab", "--format", "json", env=own_account_env(own_account))
    assert result.returncode == 0, result.stderr
    student = json.loads(result.stdout)["students"][0]
    account = own_account.client("sts").get_caller_identity()["Account"]
    assert student["student_id"] == account == student["account"] and student["score"] == 100
    labelled = cli("lambda_lab", "-s", "alice", "--format", "json", env=own_account_env(own_account))
    assert json.loads(labelled.stdout)["students"][0]["student_id"] == "alice"
    table = cli("lambda_lab", env=own_account_env(own_account)).stdout.splitlines()
    assert table[1] == f"account {account} · region us-east-1"  # not labelled twice with the same number


def test_lab_refuses_two_students_in_one_account(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nalice\nbob\n", encoding="utf-8")
    assert_one_line_error(cli("lambda_lab", "--roster", str(roster)), 2, "fixed resource names", "alice and bob")
    assert_one_line_error(cli("lambda_lab", "--all-students"), 2, "fixed resource names")
    assert_one_line_error(cli("sandbox", "--assessment", "lambda_lab", "--seed", "a", "--seed", "b"), 2, "--seed once")


def test_lab_students_in_their_own_accounts(own_account, emulator, tmp_path):
    from tests.conftest import new_account_id

    own_account.build()
    done, empty = own_account.client("sts").get_caller_identity()["Account"], new_account_id()
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student_id,account_id\nalice,{done}\nbob,{empty}\n", encoding="utf-8")
    result = cli("lambda_lab", "--roster", str(roster), "--role-arn-template", "arn:aws:iam::{account_id}:role/Grader",
                 "--format", "json", env=emulator_env(emulator))
    graded = {s["student_id"]: (s["account"], s["score"]) for s in json.loads(result.stdout)["students"]}
    assert graded == {"alice": (done, 100.0), "bob": (empty, 0.0)} and result.returncode == 1


def test_lab_sandbox_and_explain():
    result = cli("lambda_lab", "--sandbox", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["students"][0]["score"] == 100.0
    assert "docker" not in result.stderr.lower()
    explained = cli("lambda_lab", "--explain")
    assert "Names are fixed" in explained.stdout and "7.5" in explained.stdout


@pytest.mark.parametrize("endpoint, code, fragment", [
    (f"http://grader:s3cret-pw@127.0.0.1:{free_port()}", 3, "cannot reach http://grader:***@127.0.0.1:"),
    ("http://grader:s3cret-pw@127.0.0.1:99999", 2, "invalid endpoint URL 'http://grader:***@127.0.0.1:99999'"),
    ("ftp://grader:s3cret-pw@host", 2, "invalid endpoint URL 'ftp://grader:***@host'"),
], ids=["unreachable", "bad port", "bad scheme"])
def test_a_password_in_the_endpoint_url_is_never_printed(endpoint, code, fragment):
    """Issue 24: an --endpoint-url may carry a password (a proxy's); errors name the URL without it."""
    for args, env in ((("--endpoint-url", endpoint), {}), ((), {"AWS_ENDPOINT_URL": endpoint})):
        result = cli("lambda_medium", "-s", "a", *args, env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", **env})
        assert_one_line_error(result, code, fragment)
        assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_fact_unavailable_never_holds_a_url_s_password():
    from grader.aws.errors import FactUnavailable, masked

    error = FactUnavailable("lambda:GetFunction", "network",
                            'Could not connect to the endpoint URL: "https://me:pa55@proxy.example:8443/2015-03-31/"')
    assert "pa55" not in str(error) and "https://me:***@proxy.example:8443/2015-03-31/" in error.describe()
    assert masked("no URL here: a:b@c") == "no URL here: a:b@c"
    assert masked("postgresql+psycopg://u:p@h/db and http://x@h") == "postgresql+psycopg://u:***@h/db and http://x@h"
