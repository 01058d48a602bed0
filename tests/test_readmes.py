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


def student_policy() -> dict:
    block = README.split("**What an instructor can do.**", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    return json.loads(block)


def test_the_example_student_policy_is_valid_and_limited_to_the_suffix():
    """Issue 24, item 8: the policy an instructor may give student kim7 in a shared account."""
    from checks.policy_evaluation import allows

    policy = student_policy()
    assert policy["Version"] == "2012-10-17" and len({s["Sid"] for s in policy["Statement"]}) == len(policy["Statement"])
    # Not named by the suffix, as the README says: reads, triggers (their condition is), the Deny, the log group
    # Lambda Insights writes every function's metrics to, what AWS does not name in ARNs.
    shared = {"ReadTheAccount": "*", "OwnTriggers": "*", "KeepTheBoundary": "*", "SharedByDesign": "*",
              "InsightsLogs": "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*"}
    for statement in policy["Statement"]:
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Sid"] in shared:
            assert resources == [shared[statement["Sid"]]], statement["Sid"]
        else:
            assert all(r.endswith(("-kim7", "-kim7:*")) for r in resources), statement["Sid"]
    assert policy["Statement"][2]["Condition"]["StringLike"]["lambda:FunctionArn"][0].endswith(":function:*-kim7")
    account, region = "123456789012", "us-east-1"
    mine = {"lambda:UpdateFunctionConfiguration": f"arn:aws:lambda:{region}:{account}:function:rate-limited-function-{{}}",
            "lambda:PublishLayerVersion": f"arn:aws:lambda:{region}:{account}:layer:common-utils-layer-{{}}",
            "sqs:SetQueueAttributes": f"arn:aws:sqs:{region}:{account}:lambda-dlq-{{}}",
            "iam:PassRole": f"arn:aws:iam::{account}:role/lambda-role-{{}}",
            "iam:PutRolePolicy": f"arn:aws:iam::{account}:role/lambda-role-{{}}",
            "cloudwatch:PutMetricAlarm": f"arn:aws:cloudwatch:{region}:{account}:alarm:Lambda-Throttles-{{}}",
            "logs:PutLogEvents": f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/layer-consumer-{{}}:*"}
    for action, arn in mine.items():
        assert allows([policy], action, arn.format("kim7")), action
        for classmate in ("bob", "kim7b", "kim70"):
            assert not allows([policy], action, arn.format(classmate)), (action, classmate)
    assert not allows([policy], "iam:DeleteRolePermissionsBoundary", f"arn:aws:iam::{account}:role/lambda-role-kim7")


def test_every_action_of_the_example_student_policy_is_one_aws_has():
    """Each action names an operation of the service's botocore model (a wildcard, at least one):
    ``iam:PassRole`` alone is a permission with no operation of its own."""
    import fnmatch

    import botocore.session

    session = botocore.session.get_session()
    for statement in student_policy()["Statement"]:
        for action in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
            service, name = action.split(":")
            if action == "iam:PassRole":
                continue
            operations = session.get_service_model(service).operation_names
            assert fnmatch.filter(operations, name), action


# --- issue 21.4: figures dated and reproducible, the sandbox's installation said --------------------

LAB = (ROOT / "README_lambda_lab.md").read_text(encoding="utf-8")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
SANDBOX_INSTALL = 'pip install -e ".[sandbox]" awscli'


@pytest.mark.parametrize("text", [README, MEDIUM, LAB], ids=["README", "README_lambda_medium", "README_lambda_lab"])
def test_no_placeholder_is_left_in_a_readme(text):
    assert not re.search(r"^[A-Z][A-Z_]{4,}$", text, flags=re.MULTILINE)  # a line that is a placeholder
    assert not re.search(r"\b[A-Z_]*(FIGURES|MINUTES)\b", text)


def test_the_servers_figures_are_dated_and_name_their_command():
    measured = README.split("**Measured**", 1)[1].split("## Performance", 1)[0]
    assert DATE.search(measured) and "`python bench/server_load.py" in measured and "machine" in measured
    assert "SQLite" in measured and "PostgreSQL" in measured
    assert re.search(r"\| SQLite \| [\d.]+ / [\d.]+ / [\d.]+ s \|", measured)


def test_every_timing_of_the_performance_section_is_dated():
    performance = README.split("## Performance", 1)[1].split("## How it is built", 1)[0]
    help_sentence = performance.split("validate_tasks.py --help` takes", 1)[1].split("This machine's", 1)[0]
    assert DATE.search(help_sentence) and "/usr/bin/time" in help_sentence
    assert DATE.search(performance.split("Figures", 1)[1].split("|", 1)[0])  # the benchmark's tables
    assert "`python bench/benchmark.py`" in performance


def test_the_sandbox_says_what_to_install():
    students = README.split("Practise without an AWS account:", 1)[1]
    for text in (students, MEDIUM.split("Practising without AWS?", 1)[1], LAB.split("Practising without AWS?", 1)[1]):
        assert SANDBOX_INSTALL in " ".join(text.split()[:30]), text[:400]  # said first, before the commands
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "moto" in requirements or SANDBOX_INSTALL in requirements
