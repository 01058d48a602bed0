"""README_lambda_medium.md's blocks, pasted in order into bash on a fresh account, are accepted by an emulator
that refuses what AWS refuses, and earn their tasks.

The student's role starts as the README's "Before you start" leaves it (AWSLambdaBasicExecutionRole only):
AWS checks the execution role before it accepts a destination, a dead-letter queue or an SQS trigger
(tests/recordings/lambda/PutFunctionEventInvokeConfig.json, UpdateFunctionConfiguration.json,
CreateEventSourceMapping.json), so the blocks must grant the permissions before they configure a queue,
and create every function before they configure it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from checks.building import LAMBDA_TRUST, MANAGED, zip_of
from tests.browser import unavailable
from tests.conftest import Account, new_account_id, new_student_id
from tests.test_cli import ROOT

MEDIUM = (ROOT / "README_lambda_medium.md").read_text(encoding="utf-8")
AWS_CLI = Path(sys.executable).with_name("aws")


def section(readme: str, number: int) -> str:
    """Task ``number``'s section: from its heading to the next one."""
    start = readme.index(f"## Task {number} ")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end >= 0 else len(readme)]


def task_blocks(readme: str, first: int, last: int) -> list[str]:
    """The bash blocks of tasks ``first`` to ``last``, in the order they are written."""
    return [block for number in range(first, last + 1)
            for block in re.findall(r"```bash\n(.*?)```", section(readme, number), flags=re.DOTALL)]


def task_code(readme: str, number: int) -> dict[str, str]:
    """The code a task gives, by its path under ``checks/lambda_medium/code/`` (the README marks each Python
    block with the file it is: ``<!-- checks/lambda_medium/code/<function>/lambda_function.py -->``)."""
    return dict(re.findall(r"<!-- checks/lambda_medium/code/([\w/.-]+) -->\n```python\n(.*?)```",
                           section(readme, number), flags=re.DOTALL))


def filled(block: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        block = block.replace(placeholder, value)
    left = re.findall(r"<[a-z][a-z0-9-]*>|<[A-Z][^>]*>", block)
    assert not left, f"placeholders this test does not fill: {left}"
    return block


# pip, offline: each package a folder with an __init__.py where ``-t`` says (the grader reads only its place).
PIP = """pip() { local target= packages=(); shift
  while [ $# -gt 0 ]; do case "$1" in -t) target="$2"; shift;; *) packages+=("$1");; esac; shift; done
  for p in "${packages[@]}"; do mkdir -p "$target/${p#python-}"; echo "# $p" > "$target/${p#python-}/__init__.py"; done; }
"""


def paste(blocks: list[str], env: dict[str, str], cwd: Path, refused: bool = False) -> str:
    """Each block run as a student pastes it: in one bash, stopping at the first command AWS refuses; or,
    when a refusal is expected (``refused``), going on after it as an interactive shell does. What the last
    block printed to stderr."""
    for block in blocks:
        script = 'aws() { "$AWS_CLI" --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }\n' + PIP + \
            ("" if refused else "set -e\n") + block
        done = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        if refused:
            assert "An error occurred" in done.stderr, f"accepted:\n{block}\n{done.stderr}"
        else:
            assert done.returncode == 0, f"refused:\n{block}\n{done.stderr}"
    return done.stderr


class FreshStudent:
    """A new account holding what "Before you start" asks for: a role with AWSLambdaBasicExecutionRole only."""

    def __init__(self, emulator, folder: Path) -> None:
        self.account = Account(emulator, credentials=emulator.account_credentials(new_account_id()))
        self.sid, self.role, self.folder = new_student_id("rb"), "course-lambda-role", folder
        iam = self.account.client("iam")
        iam.create_role(RoleName=self.role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        iam.attach_role_policy(RoleName=self.role, PolicyArn=MANAGED + "service-role/AWSLambdaBasicExecutionRole")
        self.values = {"<id>": self.sid, "<region>": "us-east-1", "<your-lambda-role>": self.role,
                       "<account>": self.account.client("sts").get_caller_identity()["Account"]}
        credentials = self.account.credentials
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.env.update(AWS_CLI=str(AWS_CLI), AWS_ENDPOINT_URL=emulator.url, AWS_DEFAULT_REGION="us-east-1",
                        AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
                        AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"],
                        AWS_SESSION_TOKEN=credentials["aws_session_token"], AWS_EC2_METADATA_DISABLED="true")

    def save_code(self, number: int) -> None:
        """What the task says to save before its commands: a function's code zipped as function.zip (each
        function's folder is this one, in turn), the layer's module at layer/python/."""
        for path, text in task_code(MEDIUM, number).items():
            if path.startswith("layer/"):
                (self.folder / path).parent.mkdir(parents=True, exist_ok=True)
                (self.folder / path).write_text(text, encoding="utf-8")
            else:
                (self.folder / "function.zip").write_bytes(zip_of({path.split("/", 1)[1]: text}))

    def do_task(self, number: int, edit: Callable[[str], str] = lambda block: block,
                refused: Callable[[str], bool] = lambda block: False) -> list[str]:
        """The task's blocks pasted one after the other (each changed by ``edit`` first); those ``refused``
        picks must be refused. What AWS answered to the refused ones."""
        self.save_code(number)
        answers = []
        for block in map(edit, task_blocks(MEDIUM, number, number)):
            answer = paste([filled(block, self.values)], self.env, self.folder, refused=refused(block))
            if refused(block):
                answers.append(answer)
            self.learn()
        return answers

    def learn(self) -> None:
        """What the student reads off their screen for the next block: the layer version ARN task 1 printed,
        the VPC and subnets task 3 lists, the group it created."""
        lam, ec2 = self.account.client("lambda"), self.account.client("ec2")
        versions = lam.list_layer_versions(LayerName=f"common-utils-layer-{self.sid}")["LayerVersions"]
        if versions:
            self.values["<LayerVersionArn printed in task 1>"] = versions[0]["LayerVersionArn"]
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
        zones = {subnet["AvailabilityZone"]: subnet["SubnetId"] for subnet in subnets}
        self.values.update({"<vpc-id>": vpc, "<subnet-a>": sorted(zones.values())[0],
                            "<subnet-b>": sorted(zones.values())[1]})
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"lambda-sg-{self.sid}"]}])
        if groups["SecurityGroups"]:
            self.values["<sg-id>"] = groups["SecurityGroups"][0]["GroupId"]


@pytest.fixture
def shell_tools() -> None:
    """bash, zip (the README's own commands) and the aws CLI (pip install -e ".[test]"); .ci/run installs zip."""
    missing = [tool for tool in ("bash", "zip") if not shutil.which(tool)] + ([] if AWS_CLI.exists() else ["aws"])
    if missing:
        unavailable(f"the README's blocks need {', '.join(missing)}")


NEEDS_CLI = pytest.mark.usefixtures("shell_tools")


@NEEDS_CLI
def test_tasks_4_to_6_pasted_in_order_on_a_fresh_account_earn_their_points(emulator, tmp_path):
    student = FreshStudent(emulator, tmp_path)
    for number in (4, 5, 6):
        student.do_task(number)

    student.account.settle(student.sid)
    graded = student.account.grade_run(student.sid).students[0]
    by_id = {c.id: c for t in graded.tasks for c in t.checks}
    for task in (4, 5, 6):
        wrong = {i: c.message for i, c in by_id.items() if i.startswith(f"{task}.") and c.status.value != "pass"}
        assert wrong == {}, f"task {task}: {wrong}"


@NEEDS_CLI
def test_the_whole_readme_pasted_in_order_on_a_fresh_account_earns_every_point(emulator, tmp_path):
    """Every block of every task, as written, one after the other: AWS (the emulator refusing what it refuses)
    accepts each, and the grader gives the result full marks. Placeholders are filled as the README says:
    the student's ID, region, account and role, what an earlier command printed, a Lambda Insights version
    and another account."""
    student = FreshStudent(emulator, tmp_path)
    student.values.update({"<insights-version>": "53", "<trusted-account-id>": "111122223333"})
    for number in range(1, 13):
        student.do_task(number)

    student.account.settle(student.sid)
    graded = student.account.grade_run(student.sid).students[0]
    wrong = {c.id: c.message for t in graded.tasks for c in t.checks if c.status.value not in ("pass", "warn")}
    assert wrong == {} and graded.score == 100, wrong


def test_no_block_configures_a_queue_before_granting_the_role_what_aws_checks():
    text = " ".join(task_blocks(MEDIUM, 4, 6))
    assert text.index("sqs:SendMessage") < text.index("put-function-event-invoke-config")
    assert text.index("AWSLambdaSQSQueueExecutionRole") < text.index("create-event-source-mapping")
    assert text.index("lambda-dlq-<id>\"}]}'") < text.index("--dead-letter-config")
    assert text.index("create-function --function-name dlq-processor-<id>") < text.index(
        "create-event-source-mapping --function-name dlq-processor-<id>")


CHANGES = ("update-function-configuration", "update-function-code", "publish-version")


def test_no_block_changes_a_function_aws_is_still_creating_or_updating():
    """A new function is Pending and an updated one InProgress for a while, and AWS refuses a change meanwhile
    (tests/recordings/lambda/UpdateFunctionConfiguration.json function-pending, UpdateFunctionCode.json
    update-in-progress): pasted in order, every change of a function created or changed earlier is preceded by
    the waiter that waits for it (botocore's FunctionActiveV2 / FunctionUpdatedV2)."""
    from grader import shell

    busy: dict[str, str] = {}  # function -> what it is doing since its last create or change
    for number in range(1, 13):
        for block in task_blocks(MEDIUM, number, number):
            for line in shell.commands(block):
                words = [w.strip("'\"") for w in shell.split_words(line)]
                if words[:2] != ["aws", "lambda"] or "--function-name" not in words:
                    continue
                name = words[words.index("--function-name") + 1]
                if words[2] == "wait":
                    busy.pop(name, None)
                elif words[2] in CHANGES:
                    assert name not in busy, f"task {number}: {words[2]} {name} while it is {busy.get(name)}"
                    if words[2] != "publish-version":  # a version is published from the settled function
                        busy[name] = "updating"
                elif words[2] == "create-function":
                    busy[name] = "Pending"
    assert busy, "the README changes no function: this test no longer reads its blocks"


@NEEDS_CLI
def test_the_assessment_texts_scaling_dimension_is_refused_and_costs_only_task_10(emulator, tmp_path):
    """The assessment text once gave the scalable dimension as lambda:function:ProvisionedConcurrentExecutions:
    Application Auto Scaling refuses it (botocore's model: ScalableDimension enum has only
    lambda:function:ProvisionedConcurrency for Lambda), so pasted with it (into an interactive shell, which goes
    on after an error) task 10's two auto-scaling commands fail and only 10.2 and 10.3 are lost."""
    student = FreshStudent(emulator, tmp_path)
    student.values.update({"<insights-version>": "53", "<trusted-account-id>": "111122223333"})
    erratum = "lambda:function:ProvisionedConcurrentExecutions"
    for number in range(1, 13):
        answers = student.do_task(number, edit=lambda b: b.replace("lambda:function:ProvisionedConcurrency", erratum),
                                  refused=lambda b: erratum in b)
        assert len(answers) == (number == 10) and all(
            answer.count("An error occurred (ValidationException)") == 2 for answer in answers), answers

    student.account.settle(student.sid)
    graded = student.account.grade_run(student.sid).students[0]
    wrong = {c.id for t in graded.tasks for c in t.checks if c.status.value not in ("pass", "warn")}
    assert wrong == {"10.2", "10.3"} and graded.score == 95, wrong
