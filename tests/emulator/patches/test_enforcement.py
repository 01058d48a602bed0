"""IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT) behaves as AWS does for signatures, action names and denials."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import new_student_id
from tests.support.emulator import error_code


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
