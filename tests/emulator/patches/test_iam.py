"""IAM patches close their gaps."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.emulator import error_code


def test_aws_managed_policies_exist(account):
    iam = account.client("iam")
    for arn in ("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"):
        assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]


def test_simulate_principal_policy(account, role):
    iam = account.client("iam")
    name = role.rsplit("/", 1)[-1]
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    iam.put_role_policy(RoleName=name, PolicyName="deny", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"}]}))
    results = iam.simulate_principal_policy(
        PolicySourceArn=role,
        ActionNames=["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "s3:GetObject"])["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("ec2:CreateNetworkInterface", "allowed"), ("ec2:DeleteNetworkInterface", "explicitDeny"),
        ("s3:GetObject", "implicitDeny")]
    with pytest.raises(ClientError) as excinfo:
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::123456789012:role/nope", ActionNames=["s3:*"])
    assert error_code(excinfo) == "NoSuchEntity"


def test_a_new_accounts_requests_build_only_the_backends_they_use(emulator):
    from moto.iam.models import iam_backends

    from tests.conftest import new_account_id

    account = new_account_id()
    credentials = emulator.account_credentials(account)
    emulator.client("iam", credentials=credentials).list_roles()
    emulator.client("lambda", credentials=credentials).list_functions()
    assert set(iam_backends[account].keys()) == {"aws"}  # not the five other partitions as well
    assert emulator.client("sts", credentials=credentials).get_caller_identity()["Account"] == account
    assert emulator.client("sts").get_caller_identity()["Account"] == "123456789012"  # unknown key: default
