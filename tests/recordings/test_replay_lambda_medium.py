"""lambda_medium graded on an account in real shapes: every response built from recordings of AWS.

The complete student scores 100 by name and from account-wide listings alike, and one mistake costs its
own task only. The last tests are verdicts on responses AWS really gives (each failed on the grader before
its fix).
"""

from __future__ import annotations

import pytest

from checks.lambda_medium import ASSESSMENT
from tests.recordings.accounts import MEDIUM_MISTAKES, AwsAccount, Mapping, grade, grade_both_ways, medium_account

SID = "kim7"


def scores(student) -> dict[int, float]:
    return {task.number: task.score for task in student.tasks}


def check(student, check_id: str):
    return next(c for t in student.tasks for c in t.checks if c.id == check_id)


@pytest.fixture(scope="module")
def complete():
    return grade_both_ways(medium_account(SID), SID, ASSESSMENT)


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_the_complete_student_scores_full_marks(complete, inventory):
    student = complete[inventory]
    assert [c.id for t in student.tasks for c in t.checks if c.status.value not in ("pass", "warn")] == []
    assert student.score == student.max_score == 100
    assert student.complete


def test_both_gathering_ways_reach_the_same_result(complete):
    assert complete[0] == complete[1]


@pytest.mark.parametrize("mistake", list(MEDIUM_MISTAKES))
def test_one_mistake_costs_exactly_its_task(complete, mistake):
    make, task = MEDIUM_MISTAKES[mistake]
    account = medium_account(SID)
    make(account, SID)
    by_name, inventory = grade_both_ways(account, SID, ASSESSMENT)
    assert by_name == inventory, "the two gathering ways disagree"
    full, got = scores(complete[0]), scores(by_name)
    assert {n for n in full if got[n] != full[n]} == {task}
    assert got[task] < full[task]


def test_the_classmate_whose_id_starts_the_same_is_not_this_student():
    """kim70's and kim71's functions, layers and alarms are in the same account and listings: not kim7's."""
    account = medium_account(SID)
    for function in [f for f in account.functions if f.endswith(f"-{SID}")]:
        del account.functions[function]
    by_name, inventory = grade_both_ways(account, SID, ASSESSMENT)
    assert by_name == inventory
    for check_id in ("2.1", "3.1", "4.1", "5.3", "6.4", "7.1"):  # "Function ...-<id> exists"
        assert check(by_name, check_id).status.value == "fail"


# --- verdicts that hold on real AWS ----------------------------------------------------


def _one_own_alarm(account: AwsAccount) -> None:
    account.alarms = [a for a in account.alarms
                      if a["AlarmName"] not in (f"Lambda-HighDuration-{SID}", f"Lambda-Throttles-{SID}")]


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_application_auto_scaling_alarms_are_not_the_students(inventory):
    """Target tracking on PROD makes AAS create two alarms on AWS/Lambda with FunctionName=layer-consumer-<id>
    (corpus cloudwatch/DescribeAlarms target-tracking-alarms): they are not alarms the student made."""
    account = medium_account(SID)
    _one_own_alarm(account)
    names = [a["AlarmName"] for a in account.alarms if f"layer-consumer-{SID}:PROD" in a["AlarmName"]]
    assert len(names) == 2 and all(n.startswith("TargetTracking-function:") for n in names)
    student = grade(account, SID, ASSESSMENT, inventory)
    assert check(student, "12.1").status.value == "fail"


@pytest.mark.parametrize("state", ["Creating", "Updating"])
def test_a_trigger_being_created_or_updated_costs_nothing(state):
    """AWS answers Creating right after CreateEventSourceMapping and Updating right after an update
    (corpus lambda/ListEventSourceMappings states): a student who grades at once has done the task."""
    account = medium_account(SID)
    next(m for m in account.mappings if m.function == f"sqs-consumer-{SID}").state = state
    by_name, inventory = grade_both_ways(account, SID, ASSESSMENT)
    assert scores(by_name)[5] == scores(inventory)[5] == 10


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_failed_provisioned_concurrency_is_not_provisioned(inventory):
    """FAILED with StatusReason FUNCTION_ERROR_INIT_FAILURE and nothing allocated (corpus
    lambda/GetProvisionedConcurrencyConfig failed): the requested 2 never became available."""
    account = medium_account(SID)
    account.functions[f"layer-consumer-{SID}"].provisioned["PROD"] = {"requested": 2, "status": "FAILED"}
    student = grade(account, SID, ASSESSMENT, inventory)
    assert check(student, "10.1").status.value == "fail"


def test_a_trigger_on_an_alias_grades_the_same_both_ways():
    """A mapping created on sqs-consumer-<id>:LIVE keeps ':LIVE' in its FunctionArn (corpus
    lambda/ListEventSourceMappings qualified-functions). Asked by function name, AWS's answer for an
    unqualified name is not settled by a recording (the replay lists the unqualified function's mappings
    only, see the corpus notes); asked by queue (EventSourceArn), or from the account-wide listing, it is there."""
    account = medium_account(SID)
    consumer = account.functions[f"sqs-consumer-{SID}"]
    consumer.versions = {"1": ""}
    consumer.aliases = {"LIVE": ("1", None)}
    mapping: Mapping = next(m for m in account.mappings if m.function == consumer.name)
    mapping.qualifier = "LIVE"
    by_name, inventory = grade_both_ways(account, SID, ASSESSMENT)
    assert by_name == inventory


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_an_own_layer_named_like_the_extension_is_not_lambda_insights(inventory):
    """ListLayers lists the account's own layers only, and one may be named LambdaInsightsExtension
    (corpus lambda/ListLayers own-layers); the extension is published by AWS's accounts, not the student's."""
    account = medium_account(SID)
    account.layers["LambdaInsightsExtension"] = [{"version": 1, "description": "not the extension", "runtimes": ["python3.12"]}]
    function = account.functions[f"layer-consumer-{SID}"]
    function.layers = [arn for arn in function.layers if ":LambdaInsightsExtension:" not in arn]
    function.layers.append(account.layer_arn("LambdaInsightsExtension", 1))
    student = grade(account, SID, ASSESSMENT, inventory)
    verdict = check(student, "8.1")
    assert verdict.status.value == "fail" and verdict.message == (
        f"layer-consumer-{SID} has LambdaInsightsExtension:1 published by your own account: a look-alike, not AWS's "
        "Lambda Insights extension (published by 580247275435 in us-east-1)")
    assert student.tasks[7].score == 0


def test_a_new_accounts_quota_is_named_with_the_request_that_raises_it():
    """A new account's concurrency quota is 10, all of which AWS keeps unreserved (corpus lambda/
    GetAccountSettings new-account; lambda/PutFunctionConcurrency and PutProvisionedConcurrencyConfig
    new-account-below-minimum): tasks 7 and 10 are refused until Service Quotas raises it."""
    account = medium_account(SID)
    account.concurrency_quota = 10
    account.functions[f"rate-limited-function-{SID}"].reserved = None
    account.functions[f"layer-consumer-{SID}"].provisioned.clear()
    by_name, inventory = grade_both_ways(account, SID, ASSESSMENT)
    assert by_name == inventory
    for check_id, wanted in (("7.2", 5), ("10.1", 2)):
        found = check(by_name, check_id)
        assert found.status.value == "fail"
        assert f"AWS refuses {wanted} in this account: its concurrency quota in us-east-1 is 10" in found.message
        assert "minimum value of [10]" in found.message
        assert ("aws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384 "
                "--desired-value 1000") in found.hint


def test_the_default_quota_leaves_room_and_says_nothing_of_it():
    account = medium_account(SID)
    account.functions[f"rate-limited-function-{SID}"].reserved = None
    student = grade(account, SID, ASSESSMENT, False)
    assert check(student, "7.2").message == "reserved concurrency is not set (expected 5)"


def test_a_permission_counts_only_for_whom_and_when_it_grants():
    """Principals and conditions as AWS stores them (corpus lambda/AddPermission: role-principal,
    function-url-for-an-organization, alexa-skill): a role of the other account may invoke; anyone limited to an
    organization, to a function URL or to an Alexa skill's token is not another account invoking directly."""
    function = f"arn:aws:lambda:us-east-1:{medium_account(SID).account}:function:layer-consumer-{SID}"
    for statement, verdict in (
        ({"Principal": {"AWS": "arn:aws:iam::111122223333:role/Invoker"}}, "pass"),
        ({"Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1234567890"}}}, "fail"),
        ({"Principal": "*", "Action": "lambda:InvokeFunctionUrl",
          "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}, "fail"),
        ({"Principal": "*", "Condition": {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.x"}}}, "fail"),
    ):
        account = medium_account(SID)
        account.functions[f"layer-consumer-{SID}"].statements = [
            {"Sid": "grant", "Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function, **statement}]
        found = check(grade(account, SID, ASSESSMENT, False), "11.2")
        assert found.status.value == verdict, (statement, found.message)


def test_limits_aws_leaves_out_are_its_defaults():
    """A configuration whose limits were never set has neither key (corpus lambda/GetFunctionEventInvokeConfig
    destinations-without-limits): AWS then retries twice and keeps events 6 hours, which is what task 4 asks."""
    account = medium_account(SID)
    settings = account.functions[f"async-processor-{SID}"].invoke_config
    settings.pop("MaximumRetryAttempts", None)
    settings.pop("MaximumEventAgeInSeconds", None)
    found = check(grade(account, SID, ASSESSMENT, False), "4.4")
    assert found.status.value == "pass"
    assert found.message == "2 retries, events kept 6 hours (retry attempts and event age not set: AWS's defaults apply)"
