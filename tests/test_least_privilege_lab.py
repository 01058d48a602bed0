"""Least privilege for lambda_lab, proven as for lambda_medium (tests/test_least_privilege.py): its printed
policy is enough, every action in it is needed, and without one action only the checks that read with it
become errors naming it. Each lab student is graded in an account of their own."""

from __future__ import annotations

import json

import pytest

from checks.lambda_lab import ASSESSMENT as LAB
from checks.lambda_lab import solution
from grader.aws.permissions import policy_actions
from grader.engine import facts_read
from grader.model import StudentResult
from tests.conftest import Account, new_account_id
from tests.test_least_privilege import graded, grader_keys, only_reads_with, outcomes

ACTIONS = policy_actions(facts_read(LAB))


@pytest.fixture(scope="module")
def lab_under_iam(emulator):
    done, empty, unreserved = (Account(emulator, credentials=emulator.account_credentials(new_account_id()),
                                       assessment=LAB, solution=solution) for _ in range(3))
    done.build("done")
    # 7.5 unreserved: the check reads the account's concurrency quota (lambda:GetAccountSettings).
    unreserved.build("unreserved")
    unreserved.client("lambda").delete_function_concurrency(FunctionName="AsyncProcessor")
    done.client("iam").put_role_policy(  # an inline policy too, which has its own read
        RoleName="S3FileProcessor-role", PolicyName="bucket", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    students = [(done, "done"), (empty, "empty"), (unreserved, "unreserved")]
    used = {(sid, mode): set() for _, sid in students for mode in (False, True)}
    unrestricted = {mode: [grade(a, sid, None, mode, used[sid, mode]) for a, sid in students] for mode in (False, True)}
    return students, unrestricted, used


def grade(account: Account, sid: str, keys: dict[str, str] | None, inventory: bool,
          used: set[str] | None = None) -> StudentResult:
    return graded(account, [sid], keys, inventory, used).students[0]


@pytest.mark.parametrize("inventory", [False, True], ids=["direct", "inventory"])
def test_the_printed_policy_is_enough(lab_under_iam, inventory):
    students, unrestricted, _ = lab_under_iam
    restricted = [grade(a, sid, grader_keys(a, ACTIONS), inventory) for a, sid in students]
    assert outcomes(restricted) == outcomes(unrestricted[inventory])
    assert restricted[0].score == 100.0 and all(s.complete for s in restricted)


@pytest.mark.parametrize("action", ACTIONS)
def test_without_one_action_only_its_checks_fail_to_read(lab_under_iam, action):
    students, unrestricted, used = lab_under_iam
    keys = [grader_keys(a, [x for x in ACTIONS if x != action]) for a, _ in students]
    changed_somewhere = False
    for inventory in (False, True):
        for (account, sid), key, before in zip(students, keys, unrestricted[inventory], strict=True):
            if action in used[sid, inventory]:  # a run that never needed it gets the same answers without it
                changed_somewhere |= only_reads_with(action, before, grade(account, sid, key, inventory))
    assert changed_somewhere, f"{action} is in the policy but no check needed it"
