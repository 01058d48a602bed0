"""The printed least-privilege policy is exactly what grading reads with: nothing missing, nothing unused."""

import json

from checks.lambda_medium import ASSESSMENT
from grader.aws.connections import Connections
from grader.aws.facts import least_privilege_policy, policy_actions
from grader.discovery import discover
from grader.emulator import EMULATOR_CREDENTIALS
from grader.engine import Grader
from grader.roster import Student
from tests.conftest import new_student_id
from tests.test_cli import cli


def used_actions(account, students, inventory):
    connections = Connections(endpoint_url=account.emulator.url, credentials=EMULATOR_CREDENTIALS,
                              region="us-east-1", inventory=inventory)
    Grader(ASSESSMENT, connections.facts_for).grade(students)
    if inventory:
        discover(ASSESSMENT, connections.facts_for(Student("discovery")))
    return set(connections.requests())


def test_policy_covers_every_read_and_has_no_unused_action(account):
    complete = account.build()["sid"]
    others = [account.build()["sid"] for _ in range(2)]
    used = used_actions(account, [complete, new_student_id("empty")], inventory=False)
    used |= used_actions(account, [complete, *others], inventory=True)
    # GetCallerIdentity is answered for any credentials: it needs no place in a policy.
    assert used - {"sts:GetCallerIdentity"} == set(policy_actions())


def test_print_policy_needs_no_aws():
    result = cli("lambda_medium", "--print-policy")
    assert result.returncode == 0 and json.loads(result.stdout) == least_privilege_policy()
    actions = json.loads(result.stdout)["Statement"][0]["Action"]
    assert all(action.split(":")[1].startswith(("Get", "List", "Describe")) for action in actions)
