"""Names that carry markup, escape sequences, formulas or XML are shown as text everywhere, and
credentials never appear in anything the grader writes."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from grader import shell
from grader.model import Status
from tests.grader.test_shell import paste
from tests.test_cli import cli, emulator_env

HOSTILE = "[blink]\x1b[31mRED\x1b[0m<b>&'=SUM(A1)"
HOSTILE_NAME = "=cmd|' /C calc'!A0 [bold]\x1b[2J<script>x</script>"


def test_hostile_names_are_text_in_every_format(account, tmp_path):
    built = account.build()
    sid = built["sid"]
    account.client("cloudwatch").put_metric_alarm(  # an alarm name the student chose, shown in 12.1's message
        AlarmName=HOSTILE, Namespace="AWS/Lambda", MetricName="Invocations", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": f"sqs-consumer-{sid}"}])
    account.client("cloudwatch").delete_alarms(AlarmNames=[f"Lambda-HighDuration-{sid}", f"Lambda-Throttles-{sid}"])
    roster = tmp_path / "roster.csv"
    roster.write_text(f'student_id,name\n{sid},"{HOSTILE_NAME}"\n{sid}z,plain\n', encoding="utf-8")
    reports = {fmt: tmp_path / f"report.{fmt}" for fmt in ("junit", "csv", "markdown", "html", "json")}
    args = ["lambda_medium", "--roster", str(roster)] + sum((["--report", f"{f}={p}"] for f, p in reports.items()), [])
    env = emulator_env(account.emulator)
    table = cli(*args, env=env)
    single = cli("lambda_medium", "-s", sid, env=env)
    for output in (table.stdout, single.stdout, table.stderr):
        assert "\x1b" not in output  # no escape sequence reaches the terminal
    assert "[blink]" in single.stdout and "\\x1b[31mRED" in single.stdout  # shown, not interpreted
    assert "[bold]" in table.stdout

    root = ET.parse(reports["junit"]).getroot()  # parses: no raw control characters in the XML
    assert any("[blink]" in (f.get("message") or "") for f in root.iter("failure"))
    rows = list(csv.DictReader(io.StringIO(reports["csv"].read_text(encoding="utf-8"))))
    assert rows[0]["name"].startswith("'=cmd")
    html = reports["html"].read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html and "\x1b" not in html
    markdown = reports["markdown"].read_text(encoding="utf-8")
    assert "<script>" not in markdown and "\x1b" not in markdown
    data = json.loads(reports["json"].read_text(encoding="utf-8"))
    assert data["students"][0]["name"] == HOSTILE_NAME  # the data itself is kept exactly


def test_credentials_never_appear_in_output(account, tmp_path):
    secret, token = "SECRETkey/0123456789abcdefghijklmnopqrstuv", "TOKENtoken/FwoGZXIvYXdzEJr//////////wEaDM"
    built = account.build()
    report = tmp_path / "r.json"
    env = dict(emulator_env(account.emulator), AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token)
    runs = [
        cli("lambda_medium", "-s", built["sid"], "--report", f"json={report}", "--report",
            f"html={tmp_path / 'r.html'}", env=env),
        cli("lambda_medium", "-s", built["sid"], "--endpoint-url", "http://127.0.0.1:9", env=env),
        cli("lambda_medium", "-s", "bad id", env=env),
    ]
    written = [p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file()]
    for text in [r.stdout for r in runs] + [r.stderr for r in runs] + written:
        assert secret not in text and token not in text and "SECRETkey" not in text


def test_a_classmates_alarm_runs_nothing_when_its_fix_is_pasted(account, tmp_path):
    """The security review's attack: a classmate's alarm on bob's function, named like a placeholder with a
    quote in it, its description a command. Bob's fix names that alarm; pasted, it runs only ``aws``."""
    built = account.build()
    sid = built["sid"]
    cloudwatch = account.client("cloudwatch")
    cloudwatch.delete_alarms(AlarmNames=[f"Lambda-Throttles-{sid}"])
    cloudwatch.put_metric_alarm(
        AlarmName=f"<Throttles alarm for {sid}'s function>", AlarmDescription='x; touch PWNED; # "$(touch PWNED2)"',
        Namespace="AWS/Lambda", MetricName="Throttles", Statistic="Sum", Period=300, EvaluationPeriods=1,
        Threshold=2, ComparisonOperator="GreaterThanOrEqualToThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-{sid}"}])
    check = next(c for t in account.grade(sid).tasks for c in t.checks if c.id == "12.4")
    assert check.status is Status.FAIL and "<Throttles alarm for" in check.hint
    received = paste(check.hint, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["args"]  # no PWNED: nothing but `aws` ran
    assert received[:4] == ["cloudwatch", "put-metric-alarm", "--alarm-name", f"<Throttles alarm for {sid}'s function>"]
    assert 'x; touch PWNED; # "$(touch PWNED2)"' in received
    assert all(shell.history_safe(line) for line in check.hint.splitlines())


def test_a_symlink_planted_at_a_report_s_path_is_replaced_not_followed(tmp_path):
    """Another user who can write the reports' folder plants report.json -> a file of the instructor's:
    the report is written beside and renamed over the link, so the file it pointed at is untouched."""
    from grader.render.files import write_atomic

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    report = tmp_path / "reports" / "report.json"
    report.parent.mkdir()
    report.symlink_to(victim)
    write_atomic(report, "{}")
    assert victim.read_text() == "keep me"
    assert not report.is_symlink() and report.read_text() == "{}"
