"""Least privilege, proven on an emulator that enforces IAM: the printed policy is enough, every
action in it is needed, and without one action only the checks that read with it become errors."""

from __future__ import annotations

import json

import pytest

from checks.lambda_medium import ASSESSMENT
from grader.aws.actions import READ_OPERATION, iam_actions_needed
from grader.aws.connections import Connections
from grader.aws.permissions import least_privilege_policy, policy_actions
from grader.engine import Grader, facts_read
from grader.model import Status
from tests.conftest import Account, new_student_id, unsettle

ACTIONS = policy_actions(facts_read(ASSESSMENT))


def grader_keys(account: Account, actions: list[str]) -> dict[str, str]:
    iam = account.client("iam")
    name = new_student_id("grader")
    iam.create_user(UserName=name)
    policy = least_privilege_policy()
    policy["Statement"][0]["Action"] = actions
    iam.put_user_policy(UserName=name, PolicyName="grader", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def graded(account: Account, ids: list[str], credentials: dict[str, str] | None, inventory: bool,
           used: set[str] | None = None, settling: dict | None = None):
    """Grade with these credentials under IAM enforcement (None: unrestricted); ``used`` collects the
    IAM actions the run's requests needed; ``settling``: a build whose trigger is changing as grading starts."""
    if settling is not None:
        unsettle(account, settling)
    connections = Connections(endpoint_url=account.emulator.url, credentials=credentials or account.credentials,
                              region="us-east-1", inventory=inventory, session_options={"max_attempts": 1})
    if credentials is not None:
        account.emulator.enforce_iam(True)
    try:
        return Grader(account.assessment, connections.facts_for).grade(ids)
    finally:
        account.emulator.enforce_iam(False)
        if used is not None:
            used.update(action for call in connections.requests() for action in iam_actions_needed(call))


@pytest.fixture(scope="module")
def class_under_iam(emulator):
    from grader.emulator import patches

    account = Account(emulator)
    complete, broken = account.build(), account.build()
    account.client("lambda").update_function_configuration(FunctionName=f"layer-consumer-{broken['sid']}",
                                                           MemorySize=128)
    account.client("sqs").delete_queue(QueueUrl=broken["queues"]["lambda-dlq"]["url"])
    # Unreserved: 7.2 reads the account's concurrency quota (lambda:GetAccountSettings) to say whether AWS has room.
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{broken['sid']}")
    ids = [complete["sid"], broken["sid"], new_student_id("empty")]
    used: dict[bool, set[str]] = {False: set(), True: set()}
    # The complete student's trigger is always being updated as grading starts, so reading it again until
    # it settles (lambda:GetEventSourceMapping) is part of every grade here.
    previous = patches.configure(settle_seconds=1.2)
    unrestricted = {mode: graded(account, ids, None, mode, used[mode], complete) for mode in (False, True)}
    yield account, ids, unrestricted, used, complete
    patches.configure(settle_seconds=previous.settle_seconds)


def outcomes(students):
    return [({c.id: (c.status, c.points) for t in s.tasks for c in t.checks}, s.notes) for s in students]


@pytest.mark.parametrize("inventory", [False, True], ids=["direct", "inventory"])
def test_the_printed_policy_is_enough(class_under_iam, inventory):
    account, ids, unrestricted, _, complete = class_under_iam
    restricted = graded(account, ids, grader_keys(account, ACTIONS), inventory, settling=complete)
    assert outcomes(restricted.students) == outcomes(unrestricted[inventory].students)
    assert restricted.students[0].score == 100.0 and all(s.complete for s in restricted.students)


@pytest.mark.parametrize("action", ACTIONS)
def test_without_one_action_only_its_checks_fail_to_read(class_under_iam, action):
    account, ids, unrestricted, used, complete = class_under_iam
    keys = grader_keys(account, [a for a in ACTIONS if a != action])
    changed_somewhere = False
    # A run that never needed the action gets the same answers without it: only the others are re-graded.
    for inventory in (mode for mode in (False, True) if action in used[mode]):
        run = graded(account, ids, keys, inventory, settling=complete)
        for before, after in zip(unrestricted[inventory].students, run.students, strict=True):
            changed_somewhere |= only_reads_with(action, before, after)
    assert changed_somewhere, f"{action} is in the policy but no check needed it"


def only_reads_with(action: str, before, after) -> bool:
    """Whether anything changed without ``action``; whatever did is an error that names it."""
    changed = False
    old = {c.id: c for t in before.tasks for c in t.checks}
    for check in (c for t in after.tasks for c in t.checks):
        if (check.status, check.points) != (old[check.id].status, old[check.id].points):
            changed = True
            assert check.status is Status.ERROR, (action, check)
            assert action in check.message or check.message.startswith("not decided"), (action, check)
    if after.notes != before.notes:
        changed = True
        # The wrong-region note names the missing action, or is withheld from an incomplete grade.
        assert any(action in note for note in after.notes) or not after.complete, (action, after.notes)
    return changed


def test_a_class_run_sends_reads_only(account, monkeypatch):
    from moto.core.responses import BaseResponse

    seen = []
    original = BaseResponse.call_action

    def recording(self):
        seen.append(self._get_action())
        return original(self)

    ids = [account.build()["sid"] for _ in range(3)]
    monkeypatch.setattr(BaseResponse, "call_action", recording)
    for inventory in (False, True):
        account.grade_run(*ids, inventory=inventory)
    monkeypatch.undo()
    assert seen and all(READ_OPERATION.match(operation) for operation in seen), set(seen)
