"""IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT) behaves as AWS does for signatures, action names and denials."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import new_student_id
from tests.support.emulator import botocore_constraints, botocore_doc, error_code


def test_iam_enforcement_reads_signatures_action_names_and_denials_like_aws(account):
    """Under INITIAL_NO_AUTH_ACTION_COUNT enforcement: body-less GETs verify, CloudWatch actions are
    ``cloudwatch:*``, and a JSON client reads its denial as its own error code."""
    import boto3

    iam = account.client("iam")
    user = new_student_id("enforced")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["lambda:ListFunctions", "cloudwatch:DescribeAlarms"],
                       "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]

    def client(service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=account.emulator.url,
                            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    account.emulator.enforce_iam(True)
    try:
        client("lambda").list_functions()  # a body-less GET, allowed: its signature verifies
        client("cloudwatch").describe_alarms()  # allowed as cloudwatch:DescribeAlarms
        with pytest.raises(ClientError) as lambda_denied:
            client("lambda").list_layers()
        with pytest.raises(ClientError) as sqs_denied:
            client("sqs").list_queues()
    finally:
        account.emulator.enforce_iam(False)
    assert error_code(lambda_denied) == "AccessDeniedException" and "lambda:ListLayers" in str(lambda_denied.value)
    assert error_code(sqs_denied) == "AccessDenied" and "sqs:ListQueues" in str(sqs_denied.value)


def _user_client(account, service, statements):
    """A client acting as a new IAM user whose only policy has these statements."""
    import boto3

    iam = account.client("iam")
    user = new_student_id("tags")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return boto3.client(service, region_name="us-east-1", endpoint_url=account.emulator.url,
                        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])


def test_get_function_returns_tags_only_to_a_caller_allowed_list_tags(account, make_function):
    # botocore lambda model, GetFunctionResponse.Tags: "Lambda returns tag data only if you have explicit allow
    # permissions for lambda:ListTags"; GetFunctionResponse.TagsError: {ErrorCode, Message}, the message at
    # least 84 characters (TagsErrorMessage).
    assert "only if you have explicit allow permissions for" in botocore_doc("lambda", "GetFunctionResponse", "Tags")
    assert "ListTags" in botocore_doc("lambda", "GetFunctionResponse", "Tags")
    shortest = botocore_constraints("lambda", "TagsErrorMessage")["min"]
    name = make_function(Tags={"ManagedBy": "Terraform"})
    account.client("lambda").publish_version(FunctionName=name)
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    get = {"Effect": "Allow", "Action": "lambda:GetFunction", "Resource": "*"}
    without = _user_client(account, "lambda", [get])
    allowed = _user_client(account, "lambda", [get, {"Effect": "Allow", "Action": "lambda:ListTags", "Resource": arn}])
    denied = _user_client(account, "lambda", [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
                                              {"Effect": "Deny", "Action": "lambda:ListTags", "Resource": "*"}])
    account.emulator.enforce_iam(True)
    try:
        untold = without.get_function(FunctionName=name)
        told = allowed.get_function(FunctionName=name, Qualifier="1")  # a version: tags are the function's
        refused = denied.get_function(FunctionName=name)
    finally:
        account.emulator.enforce_iam(False)
    assert "Tags" not in untold and untold["TagsError"]["ErrorCode"] == "AccessDeniedException"
    message = untold["TagsError"]["Message"]
    assert len(message) >= shortest and f"lambda:ListTags on resource: {arn}" in message
    assert message.endswith("because no identity-based policy allows the lambda:ListTags action")
    assert told["Tags"] == {"ManagedBy": "Terraform"} and "TagsError" not in told
    assert "Tags" not in refused and refused["TagsError"]["Message"].endswith("with an explicit deny in an "
                                                                             "identity-based policy")
    assert account.client("lambda").get_function(FunctionName=name)["Tags"] == {"ManagedBy": "Terraform"}  # not enforced
