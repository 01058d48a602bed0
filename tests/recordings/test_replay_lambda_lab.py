"""lambda_lab graded on an account in real shapes (responses built from recordings of AWS), in the aws
partition and in China's, where every ARN starts ``arn:aws-cn:``."""

from __future__ import annotations

import pytest

from checks.lambda_lab import ASSESSMENT
from tests.recordings.accounts import grade, grade_both_ways, lab_account

SID = "lab-student"
CHINA = {"partition": "aws-cn", "region": "cn-north-1", "account": "222222222222"}


def check(student, check_id: str):
    return next(c for t in student.tasks for c in t.checks if c.id == check_id)


def not_passed(student) -> list[str]:
    return [f"{c.id} {c.status.value}: {c.message}" for t in student.tasks for c in t.checks
            if c.status.value not in ("pass", "warn")]


def test_the_complete_lab_scores_full_marks_both_ways():
    by_name, inventory = grade_both_ways(lab_account(), SID, ASSESSMENT)
    assert by_name == inventory
    assert not_passed(by_name) == []
    assert by_name.score == by_name.max_score == 100


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_tags_hidden_without_list_tags_are_an_error_naming_it(inventory):
    """GetFunction returns Tags only to a caller allowed lambda:ListTags, else TagsError (corpus
    lambda/GetFunction tags-error): the grader could not read the tags, the student did nothing wrong."""
    account = lab_account()
    account.functions["terraform-managed-lambda"].tags_error = True
    tagged = check(grade(account, SID, ASSESSMENT, inventory), "6.4")
    assert tagged.status.value == "error"
    assert tagged.message == "could not read: access denied to lambda:ListTags (grant the grader lambda:ListTags)"
    assert tagged.points == 0 and tagged.evidence == {}


def test_a_correct_lab_in_the_china_partition_scores_full_marks():
    """cn-north-1: functions, queues, roles, execute-api and S3 ARNs are all arn:aws-cn:..., and a
    correct setup there must not fail because a check expects arn:aws:."""
    by_name, inventory = grade_both_ways(lab_account(**CHINA), SID, ASSESSMENT)
    assert by_name == inventory
    assert not_passed(by_name) == []
    assert by_name.score == 100


@pytest.mark.parametrize("inventory", [False, True], ids=["by-name", "inventory"])
def test_a_negated_source_account_condition_is_not_a_limit_to_that_account(inventory):
    """A statement S3 may use unless the source account is 999999999999 (``StringNotEquals``) lets this
    account's bucket invoke the function. AddPermission writes only StringEquals/ArnLike, but
    PutResourcePolicy takes any document (botocore's lambda model; corpus lambda/GetPolicy
    resource-policy-string-not-equals)."""
    account = lab_account()
    processor = account.functions["S3FileProcessor"]
    bucket = next(iter(account.buckets))
    processor.statements = [{
        "Sid": "S3NotFromOtherAccounts", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Condition": {"ArnLike": {"AWS:SourceArn": f"arn:aws:s3:::{bucket}"},
                      "StringNotEquals": {"AWS:SourceAccount": "999999999999"}}}]
    assert check(grade(account, SID, ASSESSMENT, inventory), "5.3").status.value == "pass"
