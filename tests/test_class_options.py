"""Who is graded and how: discovery, per-student accounts and roles, resuming, formats on stdout."""

from __future__ import annotations

import csv
import io
import json

import boto3

from checks.lambda_medium import ASSESSMENT, solution
from grader.aws.connections import Connections
from grader.emulator import EMULATOR_CREDENTIALS
from grader.engine import Grader
from grader.roster import Student
from tests.conftest import new_student_id
from tests.test_cli import assert_one_line_error, cli, emulator_env


def test_all_students_discovers_who_started(account):
    prefix = new_student_id("d")
    complete, partial = account.build(prefix + "a"), prefix + "b"
    account.client("lambda").publish_layer_version(LayerName=f"common-utils-layer-{partial}",
                                                   Content={"ZipFile": solution.LAYER})
    result = cli("lambda_medium", "--all-students", "--format", "json", env=emulator_env(account.emulator))
    graded = {s["student_id"]: s["score"] for s in json.loads(result.stdout)["students"]}
    assert graded[complete["sid"]] == 100 and graded[partial] == 6
    assert "Discovered" in result.stderr and "common-utils-layer-*" in result.stderr and partial in result.stderr


def assumed_clients(emulator, account_id: str):
    """Clients acting inside another (emulated) account, as a student in their own account would."""
    sts = emulator.client("sts")
    granted = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/Builder", RoleSessionName="build")["Credentials"]

    def client(service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=emulator.url,
                            aws_access_key_id=granted["AccessKeyId"], aws_secret_access_key=granted["SecretAccessKey"],
                            aws_session_token=granted["SessionToken"])

    return client


def test_students_in_their_own_accounts_through_an_assumed_role(emulator, tmp_path):
    own_account = "210987654321"
    sid = new_student_id("own")
    solution.build(assumed_clients(emulator, own_account), sid)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"student_id,account_id\n{sid},{own_account}\n{sid}x,\n", encoding="utf-8")
    result = cli("lambda_medium", "--roster", str(roster), "--role-arn-template",
                 "arn:aws:iam::{account_id}:role/GraderRole", "--format", "json", env=emulator_env(emulator))
    students = {s["student_id"]: s for s in json.loads(result.stdout)["students"]}
    assert students[sid]["account"] == own_account and students[sid]["score"] == 100
    assert students[f"{sid}x"]["account"] == "123456789012" and students[f"{sid}x"]["score"] == 0


def test_a_student_whose_account_cannot_be_reached_is_only_that_students_error(account):
    built = account.build()
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS, region="us-east-1")
    run = Grader(ASSESSMENT, connections.facts_for).grade(
        [Student(built["sid"]), Student("nobody-here", profile="no-such-profile")])
    good, bad = run.students
    assert good.score == 100 and good.complete
    assert not bad.complete and bad.score == 0 and "no-such-profile" in bad.notes[0]
    assert all(c.status.value == "error" for t in bad.tasks for c in t.checks)
    assert run.exit_code == 3


def test_resume_skips_students_already_graded(account, tmp_path):
    first, second = account.build(), account.build()
    report = tmp_path / "class.json"
    env = emulator_env(account.emulator)
    cli("lambda_medium", "-s", first["sid"], "--report", f"json={report}", "--format", "json", env=env)
    assert [s["student_id"] for s in json.loads(report.read_text())["students"]] == [first["sid"]]
    # The first student's account changes; a resumed run keeps their recorded grade and grades the second.
    account.client("lambda").delete_function(FunctionName=f"layer-consumer-{first['sid']}")
    result = cli("lambda_medium", "-s", first["sid"], "-s", second["sid"], "--report", f"json={report}",
                 "--resume", "--format", "json", env=env)
    scores = {s["student_id"]: s["score"] for s in json.loads(report.read_text())["students"]}
    assert scores == {first["sid"]: 100.0, second["sid"]: 100.0} and result.returncode == 0


def test_reports_are_rewritten_as_each_student_finishes(account, tmp_path, monkeypatch):
    from grader import render
    from grader.class_run import grade_class

    seen = []
    monkeypatch.setattr(render, "write_report", lambda fmt, run, path, several, roster: seen.append(len(run.students)))
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS, region="us-east-1")
    students = [Student(new_student_id("w")) for _ in range(3)]
    run = grade_class(ASSESSMENT, connections, students, {}, 70.0, [("json", tmp_path / "r.json")])
    assert seen == [1, 2, 3, 3] and len(run.students) == 3


def test_resume_needs_a_json_report():
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--resume"), 2, "--resume needs --report json=PATH")


def test_bad_report_spec():
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--report", "pdf=x.pdf"), 2, "FORMAT=PATH")


def test_a_gradebook_report_needs_the_roster():
    assert_one_line_error(cli("lambda_medium", "-s", "a", "--report", "canvas=c.csv"), 2,
                          "the canvas gradebook lists the class from its roster: pass --roster FILE")


def test_canvas_and_moodle_gradebooks_from_the_command_line(account, tmp_path):
    built = account.build()
    idle = new_student_id("idle")
    roster = tmp_path / "r.csv"
    roster.write_text(f"student_id,name,email\n{built['sid']},Ada Done,ada@school.example\n{idle},Ian Idle,\n",
                      encoding="utf-8")
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    result = cli("lambda_medium", "--roster", str(roster), "--report", f"canvas={canvas}", "--report",
                 f"moodle={moodle}", "--format", "json", env=emulator_env(account.emulator))
    assert result.returncode == 1, result.stderr  # the idle student is below the pass mark
    rows = list(csv.reader(io.StringIO(canvas.read_text(encoding="utf-8"))))
    assert rows[0][5] == f"{ASSESSMENT.title} (lambda_medium)" and rows[1][5] == "100"
    assert rows[2:] == [["Ada Done", "", built["sid"], "ada@school.example", "", "100"],
                        ["Ian Idle", "", idle, "", "", "0"]]
    grades = {r["ID number"]: r[ASSESSMENT.title] for r in csv.DictReader(io.StringIO(moodle.read_text("utf-8")))}
    assert grades == {built["sid"]: "100", idle: "0"}


def test_bad_roster_grades_nobody(account, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("student_id\nok1\nnot ok\n", encoding="utf-8")
    report = tmp_path / "out.json"
    result = cli("lambda_medium", "--roster", str(roster), "--report", f"json={report}",
                 env=emulator_env(account.emulator))
    assert_one_line_error(result, 2, "row 3")
    assert not report.exists()


def test_class_table_csv_and_markdown_on_stdout(account):
    built = account.build()
    env = emulator_env(account.emulator)
    ids = [built["sid"], new_student_id("none")]
    table = cli("lambda_medium", *sum((["-s", i] for i in ids), []), env=env)
    assert "class of 2" in table.stdout and "Full marks per task" in table.stdout and "1 of 2 passed" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("lambda_medium", "-s", ids[0], "-s", ids[1], "--format", "csv",
                                                env=env).stdout)))
    assert [r["score"] for r in rows] == ["100", "0"]
    markdown = cli("lambda_medium", "-s", ids[1], "--format", "markdown", env=env).stdout
    assert "### To fix" in markdown and "aws lambda publish-layer-version" in markdown
