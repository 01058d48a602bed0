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
from pathlib import Path

import pytest

from checks.building import LAMBDA_TRUST, MANAGED, zip_of
from tests.conftest import Account, new_account_id, new_student_id
from tests.test_cli import ROOT

MEDIUM = (ROOT / "README_lambda_medium.md").read_text(encoding="utf-8")
AWS_CLI = Path(sys.executable).with_name("aws")


def task_blocks(readme: str, first: int, last: int) -> list[str]:
    """The bash blocks of tasks ``first`` to ``last``, in the order they are written."""
    start = readme.index(f"## Task {first} ")
    end = readme.index(f"## Task {last + 1} ")
    return re.findall(r"```bash\n(.*?)```", readme[start:end], flags=re.DOTALL)


def task_code(readme: str, number: int) -> dict[str, str]:
    """The code a task gives to save as ``lambda_function.py`` (the Python block the README marks with the
    file it is, ``<!-- checks/lambda_medium/code/<function>/lambda_function.py -->``), if any."""
    section = readme[readme.index(f"## Task {number} "):readme.index(f"## Task {number + 1} ")]
    found = re.search(r"<!-- checks/lambda_medium/code/[\w-]+/lambda_function\.py -->\n```python\n(.*?)```", section,
                      flags=re.DOTALL)
    return {"lambda_function.py": found.group(1)} if found else {}


def filled(block: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        block = block.replace(placeholder, value)
    left = re.findall(r"<[a-z][a-z0-9-]*>", block)
    assert not left, f"placeholders this test does not fill: {left}"
    return block


def paste(blocks: list[str], env: dict[str, str], cwd: Path) -> None:
    """Each block run as a student pastes it: in one bash, stopping at the first command AWS refuses."""
    for block in blocks:
        script = 'aws() { "$AWS_CLI" --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }\nset -e\n' + block
        done = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"refused:\n{block}\n{done.stderr}"


@pytest.mark.skipif(not shutil.which("bash") or not AWS_CLI.exists(), reason="needs bash and the aws CLI")
def test_tasks_4_to_6_pasted_in_order_on_a_fresh_account_earn_their_points(emulator, tmp_path):
    account = Account(emulator, credentials=emulator.account_credentials(new_account_id()))
    sid, role = new_student_id("rb"), "course-lambda-role"
    iam = account.client("iam")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    iam.attach_role_policy(RoleName=role, PolicyArn=MANAGED + "service-role/AWSLambdaBasicExecutionRole")
    account_id = account.client("sts").get_caller_identity()["Account"]
    values = {"<id>": sid, "<region>": "us-east-1", "<account>": account_id, "<your-lambda-role>": role}
    credentials = account.credentials
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CLI=str(AWS_CLI), AWS_ENDPOINT_URL=emulator.url, AWS_DEFAULT_REGION="us-east-1",
               AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
               AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"],
               AWS_SESSION_TOKEN=credentials["aws_session_token"], AWS_EC2_METADATA_DISABLED="true")

    for number in (4, 5, 6):  # as the README says: each function's code saved and zipped before its create-function
        (tmp_path / "function.zip").write_bytes(zip_of(task_code(MEDIUM, number)))
        paste([filled(block, values) for block in task_blocks(MEDIUM, number, number)], env, tmp_path)

    graded = account.grade_run(sid).students[0]
    by_id = {c.id: c for t in graded.tasks for c in t.checks}
    for task in (4, 5, 6):
        wrong = {i: c.message for i, c in by_id.items() if i.startswith(f"{task}.") and c.status.value != "pass"}
        assert wrong == {}, f"task {task}: {wrong}"


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
        for block in task_blocks(MEDIUM, number, number) if number < 12 else []:
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
