"""Each assessment's printed least-privilege policy is exactly what grading it reads with: nothing
missing, nothing unused."""

import json

from checks.lambda_lab import ASSESSMENT as LAB
from checks.lambda_medium import ASSESSMENT as MEDIUM
from grader.aws.actions import ALSO_NEEDED, iam_action
from grader.aws.connections import Connections
from grader.aws.permissions import least_privilege_policy, policy_actions
from grader.discovery import discover
from grader.engine import Grader, facts_read
from grader.roster import Student
from tests.conftest import new_student_id, unsettle
from tests.test_cli import cli


def used_actions(account, assessment, students, inventory):
    connections = Connections(endpoint_url=account.emulator.url, credentials=account.credentials,
                              region="us-east-1", inventory=inventory)
    Grader(assessment, connections.facts_for).grade(students)
    if inventory and assessment.discovery:
        discover(assessment, connections.facts_for(Student("discovery")))
    return {iam_action(*call.split(":", 1)) for call in connections.requests()}


def assert_policy_is(actions: list[str], used: set[str]) -> None:
    """Every action used is in the policy; beyond them, only actions a used call needs for part of its
    answer (lambda:ListTags for GetFunction's Tags), when the assessment reads that part."""
    used = used - {"sts:GetCallerIdentity"}  # answered for any credentials: it needs no place in a policy
    implied = {also for action in used for also in ALSO_NEEDED.get(action, ())}
    assert used <= set(actions) and set(actions) - used <= implied, (used, actions)


def test_lambda_medium_policy_covers_every_read_and_has_no_unused_action(account):
    built = account.build()
    complete = built["sid"]
    others = [account.build()["sid"] for _ in range(2)]
    # One unreserved: 7.2 reads the account's concurrency quota (lambda:GetAccountSettings) to say whether AWS has room.
    account.client("lambda").delete_function_concurrency(FunctionName=f"rate-limited-function-{others[0]}")
    from grader.emulator import patches

    previous = patches.configure(settle_seconds=2.0)  # long enough to be still Updating when grading reads it
    try:
        unsettle(account, built)  # a trigger still Updating is read again: lambda:GetEventSourceMapping
        used = used_actions(account, MEDIUM, [complete, new_student_id("empty")], inventory=False)
        unsettle(account, built)
        used |= used_actions(account, MEDIUM, [complete, *others], inventory=True)
    finally:
        patches.configure(settle_seconds=previous.settle_seconds)
    assert_policy_is(policy_actions(facts_read(MEDIUM)), used)


def test_lambda_lab_policy_covers_every_read_and_has_no_unused_action(own_account, emulator):
    from checks.lambda_lab import solution as lab_solution
    from tests.conftest import Account, new_account_id

    own_account.build("lab")
    own_account.client("iam").put_role_policy(  # an inline policy too: read with its own action
        RoleName="S3FileProcessor-role", PolicyName="extra", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}))
    empty = Account(emulator, credentials=emulator.account_credentials(new_account_id()), assessment=LAB)
    unreserved = Account(emulator, credentials=emulator.account_credentials(new_account_id()), assessment=LAB,
                         solution=lab_solution)
    unreserved.build("unreserved")
    unreserved.client("lambda").delete_function_concurrency(FunctionName="AsyncProcessor")
    used = used_actions(own_account, LAB, ["lab"], inventory=False) | used_actions(own_account, LAB, ["lab"], True)
    used |= used_actions(empty, LAB, ["nobody"], inventory=False)  # looks for the lab in other regions
    used |= used_actions(unreserved, LAB, ["unreserved"], inventory=False)  # 7.5 reads the concurrency quota
    assert_policy_is(policy_actions(facts_read(LAB)), used)
    assert "lambda:ListTags" in policy_actions(facts_read(LAB))  # 6.4 reads the tags GetFunction returns
    assert {"apigateway:GET", "s3:ListAllMyBuckets", "s3:GetBucketNotification", "s3:ListBucket",
            "logs:DescribeLogGroups"} <= used


def test_print_policy_is_the_assessments_own_and_needs_no_aws():
    for assessment in (MEDIUM, LAB):
        result = cli(assessment.name, "--print-policy")
        assert result.returncode == 0 and json.loads(result.stdout) == least_privilege_policy(facts_read(assessment))
        actions = json.loads(result.stdout)["Statement"][0]["Action"]
        assert all(action.split(":")[1].startswith(("Get", "List", "Describe", "GET")) for action in actions)
    medium, lab = (set(policy_actions(facts_read(a))) for a in (MEDIUM, LAB))
    assert "apigateway:GET" in lab - medium and "application-autoscaling:DescribeScalableTargets" in medium - lab
