"""Paging at class scale: every listing the grader reads arrives in pages of one item, and is read to its end.

AWS decides where a page ends (50 functions, 100 triggers, 50 alarms... or fewer), so a reader that
stops after one page loses whatever a class has beyond it. Here the accounts in real shapes
(``tests/recordings/accounts.py``) answer every listing botocore pages one item at a time, in both
gathering ways: by name and from account-wide listings (``inventory``). Each listing was asked for as many
pages as it has, and the grades are the ones read unpaged.
"""

from __future__ import annotations

import pytest

from checks.lambda_lab import ASSESSMENT as LAB
from checks.lambda_lab.solution import LAYER as LAB_LAYER
from checks.lambda_medium import ASSESSMENT as MEDIUM
from grader.aws.facts import FactStore
from grader.engine import Grader
from tests.recordings.accounts import MEDIUM_MISTAKES, AwsAccount, Mapping, grade, lab_account, medium_account

SID = "kim7"
WAYS = pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])


def grade_paged(account: AwsAccount, sid: str, assessment, inventory: bool):
    replay = account.replay(page_size=1)
    store = FactStore(replay.session(region=account.region), inventory)
    student = Grader(assessment, lambda s: store(s.region)).grade([sid]).students[0]
    replay.check()
    return student, replay.pages


def crowded_medium() -> AwsAccount:
    """kim7 among 30 classmates, with at least two items in every listing grading kim7 reads."""
    account = medium_account(SID, classmates=30)
    account.layers[f"common-utils-layer-{SID}"].append(
        {"version": 2, "description": "Shared helpers, v2", "runtimes": ["python3.12"]})
    # A classmate's trigger on each of kim7's queues, listed before kim7's own.
    account.mappings[:0] = [Mapping("0c1d2e3f-0000-4000-8000-000000000001", "sqs-consumer-kim70", f"task-queue-{SID}",
                                    state="Disabled"),
                            Mapping("0c1d2e3f-0000-4000-8000-000000000002", "sqs-consumer-kim71", f"lambda-dlq-{SID}",
                                    state="Disabled")]
    for other in ("kim70", "kim71"):  # classmates' provisioned-concurrency scaling, in the namespace's listings
        resource = f"function:layer-consumer-{other}:PROD"
        account.scalable_targets.insert(0, {"resource": resource, "min": 1, "max": 3})
        account.scaling_policies.insert(0, {"resource": resource, "name": "pc", "target": 0.5,
                                            "metric": "LambdaProvisionedConcurrencyUtilization"})
    vpc_role = account.roles[f"vpc-lambda-role-{SID}"]
    vpc_role.managed.append("AWSLambdaBasicExecutionRole")
    vpc_role.inline = {"a": {"Version": "2012-10-17", "Statement": []}, "b": {"Version": "2012-10-17", "Statement": []}}
    account.security_groups["sg-0fedcba9876543210"] = "default-2"
    function = account.functions[f"vpc-lambda-{SID}"]
    function.vpc["SecurityGroupIds"] = [*function.vpc["SecurityGroupIds"], "sg-0fedcba9876543210"]
    return account


def crowded_lab() -> AwsAccount:
    account = lab_account()
    account.layers["common-utilities"].append({"version": 2, "description": "v2", "runtimes": ["python3.12"],
                                               "package": LAB_LAYER})  # the newest: what 7.6 reads
    account.layers["aaa-utilities"] = [{"version": 1, "description": "listed first", "runtimes": ["python3.11"]}]
    account.alarms.insert(0, account.metric_alarm("HelloWorldFunction-Invocations", "Invocations", "Sum", 100,
                                                  "GreaterThanThreshold", "HelloWorldFunction"))
    account.log_groups["/aws/lambda/HelloWorldFunction-old"] = 1  # listed with the lab's by the name prefix
    account.log_groups["/aws/lambda/terraform-managed-lambda-old"] = 1
    bucket = next(iter(account.buckets))
    account.buckets[bucket]["keys"].insert(0, "analysis/earlier.txt.json")
    account.buckets["lambda-lab-0000000000archive"] = {"lambda": [], "keys": []}
    account.apis.insert(0, account.apis[0].__class__("0ldap10000", "old-api", [], ["default"]))
    return account


# Which listings had more than one page, by gathering way (each must have been read to its last page).
MEDIUM_PAGED = {
    False: {"cloudwatch:DescribeAlarms", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
            "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "lambda:ListAliases",
            "lambda:ListEventSourceMappings", "lambda:ListLayerVersions", "lambda:ListVersionsByFunction"},
    True: {"application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
           "cloudwatch:DescribeAlarms", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
           "iam:GetAccountAuthorizationDetails", "lambda:ListAliases", "lambda:ListEventSourceMappings",
           "lambda:ListFunctions", "lambda:ListLayers", "sqs:ListQueues"},
}
LAB_PAGED = {
    False: {"apigateway:GetResources", "apigateway:GetRestApis", "cloudwatch:DescribeAlarms",
            "iam:ListAttachedRolePolicies", "lambda:ListLayerVersions", "logs:DescribeLogGroups", "s3:ListBuckets",
            "s3:ListObjectsV2"},
    True: {"apigateway:GetResources", "apigateway:GetRestApis", "cloudwatch:DescribeAlarms",
           "iam:GetAccountAuthorizationDetails", "lambda:ListFunctions", "lambda:ListLayers", "logs:DescribeLogGroups",
           "s3:ListBuckets", "s3:ListObjectsV2"},
}


def read_to_the_end(pages: dict[str, list[int]]) -> set[str]:
    """The operations whose listings had several pages; fails if any listing was not read to its last page."""
    unfinished = {request: f"{asked} of {total} pages" for request, (asked, total) in pages.items() if asked != total}
    assert unfinished == {}
    return {request.split()[0] for request, (_, total) in pages.items() if total > 1}


@WAYS
def test_a_class_sized_medium_account_read_one_item_per_page_scores_the_same(inventory):
    account = crowded_medium()
    student, pages = grade_paged(account, SID, MEDIUM, inventory)
    assert [c.id for t in student.tasks for c in t.checks if c.status.value != "pass"] == []
    assert student.score == 100
    assert read_to_the_end(pages) == MEDIUM_PAGED[inventory]


@WAYS
def test_a_lab_account_read_one_item_per_page_scores_the_same(inventory):
    student, pages = grade_paged(crowded_lab(), "lab-student", LAB, inventory)
    assert [c.id for t in student.tasks for c in t.checks if c.status.value != "pass"] == []
    assert student.score == 100
    assert read_to_the_end(pages) == LAB_PAGED[inventory]


# Mistakes that only a listing shows: a trigger's state, an alarm's statistic, an alias, a layer version.
ON_LISTINGS = ["SQS trigger disabled", "duration alarm on p95", "STAGING on version 1",
               "layer version without a description"]


@pytest.mark.parametrize("mistake", ON_LISTINGS)
def test_a_mistake_on_a_later_page_costs_what_it_costs_unpaged(mistake):
    make, task = MEDIUM_MISTAKES[mistake]
    account = crowded_medium()
    make(account, SID)
    unpaged = grade(account, SID, MEDIUM, False)
    lost = {t.number for t in unpaged.tasks if t.score < t.max_score}
    assert lost == {task}
    for inventory in (False, True):
        paged, pages = grade_paged(account, SID, MEDIUM, inventory)
        read_to_the_end(pages)
        assert paged == unpaged
