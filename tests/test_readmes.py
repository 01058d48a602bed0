"""The READMEs say what the grader does: checked against the grader itself where a test can."""

from __future__ import annotations

import json
import re

import pytest

from checks.lambda_medium import task12_alarms
from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.sandbox import shell_setup
from tests.test_cli import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MEDIUM = (ROOT / "README_lambda_medium.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [README, MEDIUM], ids=["README", "README_lambda_medium"])
def test_the_sandbox_lines_are_the_ones_it_prints(text):
    for line in shell_setup("http://127.0.0.1:5000", "us-east-1"):
        assert f"\n{line}\n" in text, line


def test_every_option_is_in_the_options_table():
    from grader.cli import make_assessment_command

    table = README.split("### Options", 1)[1].split("Exit codes", 1)[0]
    for param in make_assessment_command("lambda_medium").params:
        long = next((o for o in param.opts if o.startswith("--")), None)
        if long:
            assert f"`{long}" in table or f", {long}" in table or f"`{long} " in table, long


def test_the_json_example_is_the_contract():
    example = README.split("`--format json` prints one object:", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    data = json.loads(example)
    check = CheckResult("1.1", "t", Status.PASS, 4, 4, "m")
    student = StudentResult("alice42", "1", "us-east-1", (TaskResult(1, "T", (check,)),), 70.0)
    real = RunResult("lambda_medium", "T", 70.0, (student,), graded_at="x", version="y").to_dict()
    assert set(data) == set(real)
    assert set(data["students"][0]) == set(real["students"][0])
    assert set(data["students"][0]["tasks"][0]) == set(real["students"][0]["tasks"][0])
    assert set(data["students"][0]["tasks"][0]["checks"][0]) == set(real["students"][0]["tasks"][0]["checks"][0])


def test_task_12_table_says_which_settings_are_graded():
    section = MEDIUM.split("## Task 12", 1)[1].split("```", 1)[0]
    columns = ("Statistic", "Period", "EvaluationPeriods", "Threshold", "ComparisonOperator")
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section, flags=re.MULTILINE)
    assert [metric for metric, _ in rows] == ["Errors", "Duration", "Throttles"]
    for metric, cells in rows:
        expected = task12_alarms.EXPECTED[metric]
        for column, cell in zip(columns, [c.strip() for c in cells.split("|")], strict=True):
            if column in expected:
                value = expected[column]
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                assert cell.startswith(shown) and "suggested" not in cell, (metric, column, cell)
            else:
                assert "(suggested)" in cell, (metric, column, cell)


def test_task_11_public_permission_earns_what_the_readme_says(account):
    built = account.build()
    sid = built["sid"]
    lam = account.client("lambda")
    lam.remove_permission(FunctionName=f"layer-consumer-{sid}", StatementId="AllowCrossAccountInvoke")
    lam.add_permission(FunctionName=f"layer-consumer-{sid}", StatementId="Everyone", Action="lambda:InvokeFunction",
                       Principal="*")
    task = account.grade(sid).tasks[10]
    assert (task.score, task.max_score) == (2, 6)
    assert "it earns only 11.1's 2\npoints" in MEDIUM or "earns only 11.1's 2 points" in " ".join(MEDIUM.split())


def test_task_8_basic_execution_role_is_enough_as_the_readme_says(account):
    built = account.build()
    iam = account.client("iam")
    iam.delete_role_policy(RoleName=f"lambda-role-{built['sid']}", PolicyName="lambda-insights")
    assert account.grade(built["sid"]).tasks[7].score == 8
    assert "`AWSLambdaBasicExecutionRole` already\ndoes" in MEDIUM


def test_every_file_the_layout_table_names_exists():
    table = README.split("## How it is built", 1)[1].split("A check is a pure function", 1)[0]
    named = re.findall(r"^\| `([^`]+)`", table, flags=re.MULTILINE)
    paths = [n for part in named for n in re.findall(r"[\w./-]+\.py|[\w/]+/$", part)]
    assert paths and all((ROOT / path).exists() for path in paths), [p for p in paths if not (ROOT / p).exists()]


def test_fidelity_names_tests_and_recordings_that_exist_and_says_what_each_assumption_changes():
    text = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    sections = ("## Proven by a recording", "## Documented by AWS, not recorded", "## Assumed")
    assert all(section in text for section in sections)
    for path, name in re.findall(r"`(tests/[\w/.-]+?\.(?:py|json))(?:::(\w+))?", text):
        if path.startswith("tests/aws/services/"):  # LocalStack's snapshots, named as that repository has them
            continue
        assert (ROOT / path).exists(), path
        if name:
            assert re.search(rf"^def {name}\b|^{name} = ", (ROOT / path).read_text(), flags=re.MULTILINE), (path, name)
    assumed = text.split("## Assumed", 1)[1].split("\n\n")[2]
    rows = [row for row in assumed.splitlines() if row.startswith("| ") and not row.startswith("| assumption")]
    assert rows and all(len([c for c in row.split(" | ") if c.strip(" |")]) == 3 for row in rows), rows
