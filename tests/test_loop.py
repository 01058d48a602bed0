"""Practise, read, fix, re-grade: the loop a student and an instructor live in, through the command line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import new_student_id
from tests.test_cli import ROOT, assert_one_line_error, cli, emulator_env, free_port

# --- 1. practice that stays in the sandbox -----------------------------------------------------------


def start_sandbox(*args: str) -> tuple[subprocess.Popen, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    server = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "sandbox", *args], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = server.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C"):
            break
    return server, lines


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.communicate(timeout=30)


@pytest.fixture(scope="module")
def sandbox():
    server, printed = start_sandbox("--port", str(free_port()))
    try:
        yield printed
    finally:
        stop(server)


def bash(script: str, tmp_path: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """``script`` in a bash that sees the real user's environment, minus anything of AWS's, plus the venv's aws."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PATH=f"{Path(sys.executable).parent}:{env.get('PATH', '')}", NO_COLOR="1",
               HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true", PYTHONPATH=str(ROOT))
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=timeout)


def pasted(printed: list[str]) -> str:
    """What the student pastes: the indented lines the sandbox printed under "paste these lines"."""
    start = next(i for i, line in enumerate(printed) if "paste these lines" in line) + 1
    block = []
    for line in printed[start:]:
        if not line.startswith("  "):
            break
        block.append(line.strip())
    return "\n".join(block)


needs_aws_cli = pytest.mark.skipif(not (Path(sys.executable).parent / "aws").exists() or not shutil.which("bash"),
                                   reason="the aws CLI of the test extra and bash are needed")


@needs_aws_cli
def test_every_service_of_both_assessments_stays_in_the_sandbox(sandbox, tmp_path):
    setup = pasted(sandbox)
    role = next(line.strip() for line in sandbox if line.strip().startswith("arn:aws:iam::"))
    (tmp_path / "lambda_function.py").write_text("def lambda_handler(event, context):\n    return 1\n")
    import zipfile

    with zipfile.ZipFile(tmp_path / "function.zip", "w") as archive:
        archive.write(tmp_path / "lambda_function.py", "lambda_function.py")
    sid = new_student_id("sb")
    commands = [
        "sts get-caller-identity", "iam get-role --role-name lambda-sandbox-role", "ec2 describe-vpcs",
        f"sqs create-queue --queue-name task-queue-{sid}", "sqs list-queues", "logs describe-log-groups",
        "cloudwatch describe-alarms", "application-autoscaling describe-scalable-targets --service-namespace lambda",
        "apigateway get-rest-apis", "s3api list-buckets", "s3 ls",
        # The first create-function of the assessment, with the role the sandbox printed.
        f"lambda create-function --function-name sqs-consumer-{sid} --runtime python3.12 --memory-size 256 "
        f"--handler lambda_function.lambda_handler --role {role} --zip-file fileb://function.zip",
    ]
    script = setup + "\nset -e\n" + "\n".join(f"aws {c} > /dev/null" for c in commands) + \
        f"\npython {ROOT}/validate_tasks.py lambda_medium -s {sid} --task 5 --format json"
    done = bash(script, tmp_path)
    assert done.returncode in (0, 1), done.stderr
    checks = {c["id"]: c["status"] for t in json.loads(done.stdout)["students"][0]["tasks"] for c in t["checks"]}
    assert checks["5.1"] == "pass" and checks["5.3"] == "pass"  # the queue and the function are in the sandbox


@needs_aws_cli
def test_without_the_shell_function_aws_sqs_leaves_the_sandbox(sandbox, tmp_path):
    """Why the sandbox prints a function and not only AWS_ENDPOINT_URL: awscli v1 sends ``aws sqs`` to
    queue.amazonaws.com whatever the variable says (the request never reaches the emulator)."""
    exports = next(line for line in pasted(sandbox).splitlines() if line.startswith("export "))
    done = bash(exports + "\naws sqs list-queues --debug 2>&1 | grep -m1 -o 'https://queue.amazonaws.com'; "
                "aws lambda list-functions > /dev/null && echo lambda-ok", tmp_path, timeout=120)
    assert "https://queue.amazonaws.com" in done.stdout and "lambda-ok" in done.stdout


# --- 4. regions, typos, unknown regions ------------------------------------------------------------


def test_unknown_region_is_refused_in_one_line():
    started = time.monotonic()
    result = cli("lambda_medium", "-s", "a", "--region", "eu-west-9",
                 env={"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"})
    assert_one_line_error(result, 2, "unknown region 'eu-west-9'", "eu-west-1")
    assert time.monotonic() - started < 20


def test_one_function_in_another_region_is_named(account):
    built = account.build()
    sid = built["sid"]
    lam = account.client("lambda")
    lam.delete_function(FunctionName=f"rate-limited-function-{sid}")
    account.client("lambda", "eu-west-1").create_function(
        FunctionName=f"rate-limited-function-{sid}", Runtime="python3.12", Role=built["lambda_role"],
        Handler="lambda_function.lambda_handler", Code={"ZipFile": account.solution.HANDLER})
    notes = account.grade(sid).notes
    assert len(notes) == 1 and f"rate-limited-function-{sid} is in eu-west-1, not in us-east-1" in notes[0]


def test_the_lab_is_told_its_region(own_account):
    own_account.build("lab", region="eu-west-2")
    notes = own_account.grade_run("lab").students[0].notes
    assert len(notes) == 1 and "eu-west-2" in notes[0] and "--region eu-west-2" in notes[0]


def test_nothing_anywhere_says_how_far_it_looked(account):
    notes = account.grade(new_student_id("none")).notes
    assert len(notes) == 1 and "other regions enabled for this account" in notes[0]
    assert "any other region" not in notes[0]


@pytest.mark.parametrize("typed", ["swap", "case"])
def test_a_mistyped_student_id_gets_a_did_you_mean(account, typed):
    sid = new_student_id("kim")
    account.build(sid)
    wrong = sid[:-2] + sid[-1] + sid[-2] if typed == "swap" else sid.upper()
    notes = account.grade_run(wrong).students[0].notes
    assert len(notes) == 1 and f"did you mean --student-id {sid}?" in notes[0], notes


def test_a_lowercase_prod_alias_gets_a_did_you_mean(account):
    built = account.build()
    sid = built["sid"]
    lam = account.client("lambda")
    lam.create_alias(FunctionName=f"layer-consumer-{sid}", Name="prod", FunctionVersion="1")
    lam.delete_provisioned_concurrency_config(FunctionName=f"layer-consumer-{sid}", Qualifier="PROD")
    lam.delete_alias(FunctionName=f"layer-consumer-{sid}", Name="PROD")
    check = {c.id: c for t in account.grade(sid).tasks for c in t.checks}["9.3"]
    assert "there is prod" in check.message and "case-sensitive" in check.message
    assert f"aws lambda create-alias --function-name layer-consumer-{sid} --name PROD --function-version 1" in check.hint


def test_an_alarm_on_a_near_miss_function_name_gets_a_did_you_mean(account):
    built = account.build()
    sid = built["sid"]
    account.client("cloudwatch").put_metric_alarm(
        AlarmName=f"Lambda-Throttles-{sid}", Namespace="AWS/Lambda", MetricName="Throttles", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-{sid}z"}])
    # Not sid[:-1]: in the shared account that may be a classmate's ID (s1x1 for s1x12), whose function
    # exists, and an existing function is never a near miss.
    check = {c.id: c for t in account.grade(sid).tasks for c in t.checks}["12.4"]
    assert f"watches layer-consumer-{sid}z: did you mean layer-consumer-{sid}?" in check.message


def test_a_near_miss_function_name_gets_a_did_you_mean(own_account):
    own_account.build("lab")
    lam = own_account.client("lambda")
    config = lam.get_function_configuration(FunctionName="AdvancedProcessor")
    lam.delete_function(FunctionName="AdvancedProcessor")
    lam.create_function(FunctionName="advancedprocessor", Runtime="python3.12", Role=config["Role"],
                        Handler="lambda_function.lambda_handler", Code={"ZipFile": own_account.solution.HANDLER})
    check = {c.id: c for t in own_account.grade_run("lab").students[0].tasks for c in t.checks}["7.2"]
    assert "AdvancedProcessor does not exist (lab 7); did you mean advancedprocessor?" in check.message


def test_a_near_miss_of_a_students_function_but_never_a_classmates(account):
    built = account.build()
    sid = built["sid"]
    classmate = account.build()["sid"]
    lam = account.client("lambda")
    lam.delete_function(FunctionName=f"dlq-processor-{sid}")
    lam.create_function(FunctionName=f"dlq_processor-{sid}", Runtime="python3.12", Role=built["lambda_role"],
                        Handler="lambda_function.lambda_handler", Code={"ZipFile": account.solution.HANDLER})
    lam.delete_function(FunctionName=f"rate-limited-function-{sid}")
    checks = {c.id: c for t in account.grade(sid).tasks for c in t.checks}
    assert f"did you mean dlq_processor-{sid}?" in checks["6.4"].message
    assert "did you mean" not in checks["7.1"].message and classmate not in checks["7.1"].message


def test_the_sandbox_grade_is_labelled_in_every_format(tmp_path):
    reports = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "csv", "junit", "markdown", "html", "gradescope")}
    result = cli("lambda_lab", "--sandbox", *[a for fmt, path in reports.items() for a in ("--report", f"{fmt}={path}")])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("REFERENCE SOLUTION")
    for fmt, path in reports.items():
        assert "reference solution" in path.read_text(encoding="utf-8").lower(), fmt
    assert json.loads(reports["json"].read_text())["reference_solution"] is True


# --- 6. instructors ------------------------------------------------------------------------------


def test_all_students_adds_no_phantom_student(account):
    sids = [account.build()["sid"] for _ in range(2)]
    result = cli("lambda_medium", "--all-students", "--format", "json", env=emulator_env(account.emulator))
    graded = [s["student_id"] for s in json.loads(result.stdout)["students"]]
    assert set(sids) <= set(graded) and "123456789012" not in graded


def test_roster_columns_notes_resume_and_umask(account, tmp_path):
    built = account.build(region="eu-west-1")
    done = account.build()
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student_id,section\n{done['sid']},A\n{built['sid']},B\n", encoding="utf-8")
    reports = tmp_path / "grades.json"
    env = dict(emulator_env(account.emulator))
    args = ["lambda_medium", "--roster", str(roster), "--report", f"json={reports}", "--report",
            f"csv={tmp_path / 'book.csv'}", "--format", "markdown"]
    first = subprocess.run(["bash", "-c", "umask 022; exec \"$@\"", "-", sys.executable, str(ROOT / "validate_tasks.py"),
                            *args], cwd=ROOT, env={**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
                                                   **env, "NO_COLOR": "1"}, capture_output=True, text=True, timeout=120)
    assert first.returncode == 1, first.stderr
    assert "| section |" in first.stdout and "### Notes" in first.stdout and "eu-west-1" in first.stdout
    assert oct(reports.stat().st_mode & 0o777) == "0o644"
    book = (tmp_path / "book.csv").read_text()
    assert book.splitlines()[0].startswith("student_id,section,") and "eu-west-1" in book
    again = cli(*args, "--resume", env=env)
    assert (f"--resume: 2 student(s) already graded completely in {reports} are not graded again: "
            f"{done['sid']}, {built['sid']}") in again.stderr


def test_explain_takes_the_format():
    data = json.loads(cli("lambda_medium", "--explain", "--format", "json").stdout)
    assert data["max_score"] == 100 and data["tasks"][8]["checks"][0]["requires"] == ["2.1"]
    markdown = cli("lambda_lab", "--explain", "--format", "markdown").stdout
    assert "| 7.5 | AsyncProcessor has reserved concurrency 5 | 2 |" in markdown


def test_print_policy_with_roles_allows_assuming_them(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,role_arn\nalice,arn:aws:iam::210987654321:role/Other\nbob,\n", encoding="utf-8")
    policy = json.loads(cli("lambda_medium", "--print-policy", "--roster", str(roster), "--role-arn-template",
                            "arn:aws:iam::{account_id}:role/GraderRole").stdout)
    assume = [s for s in policy["Statement"] if s["Action"] == "sts:AssumeRole"]
    assert assume == [{"Sid": "AssumeStudentGraderRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
                       "Resource": ["arn:aws:iam::*:role/GraderRole", "arn:aws:iam::210987654321:role/Other"]}]
    plain = json.loads(cli("lambda_medium", "--print-policy").stdout)
    assert len(plain["Statement"]) == 1


# --- 5. --task and --watch ------------------------------------------------------------------------


def test_task_grades_only_those_tasks_and_reads_only_their_facts(account):
    from checks.lambda_medium import ASSESSMENT
    from grader.aws.connections import Connections
    from grader.emulator import EMULATOR_CREDENTIALS
    from grader.engine import Grader

    sid = account.build()["sid"]
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS, region="us-east-1")
    run = Grader(ASSESSMENT, connections.facts_for, only_tasks=(7,)).grade([sid])
    assert [t.number for t in run.students[0].tasks] == [7] and run.students[0].score == 6
    # Who the account is, and the one function: not one read of SQS, IAM, CloudWatch...
    assert set(connections.requests()) == {"sts:GetCallerIdentity", "lambda:GetFunction"}
    # A task whose checks need another task's check (9.x needs 2.1) reads that too, and shows only its own.
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS, region="us-east-1")
    run = Grader(ASSESSMENT, connections.facts_for, only_tasks=(9,)).grade([sid])
    assert [t.number for t in run.students[0].tasks] == [9] and run.students[0].score == 8
    assert {op.split(":")[0] for op in connections.requests()} == {"lambda", "sts"}


def test_task_on_the_command_line(account):
    sid = account.build()["sid"]
    env = emulator_env(account.emulator)
    result = cli("lambda_medium", "-s", sid, "--task", "12", "--task", "1", "--format", "json", env=env)
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["tasks"] == [1, 12]
    assert [t["number"] for t in data["students"][0]["tasks"]] == [1, 12]
    assert_one_line_error(cli("lambda_medium", "-s", sid, "--task", "13", env=env), 2, "--task 13")


def test_watch_regrades_and_says_what_changed(account):
    built = account.build()
    sid = built["sid"]
    account.client("lambda").update_function_configuration(FunctionName=f"layer-consumer-{sid}", MemorySize=128)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **emulator_env(account.emulator),
           "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true"}
    watcher = subprocess.Popen([sys.executable, str(ROOT / "validate_tasks.py"), "lambda_medium", "-s", sid,
                                "--watch", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    seen: list[str] = []

    def until(fragment: str, limit: float = 90) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            line = watcher.stdout.readline()
            if not line:
                break
            seen.append(line)
            if fragment in line:
                return
        raise AssertionError(f"{fragment!r} never came:\n{''.join(seen)}")

    try:
        until("watching: graded again every 1 s")
        account.client("lambda").update_function_configuration(FunctionName=f"layer-consumer-{sid}", MemorySize=256)
        until("2.3 ✗ → ✓ Memory (MB) is 256 (+1)")
        until("score 99 → 100/100")
    finally:
        watcher.send_signal(signal.SIGINT)
        out, _ = watcher.communicate(timeout=30)
    assert "stopped watching" in out and watcher.returncode == 0
    assert "Score 100/100" in "".join(seen) + out
