"""IAM patches close their gaps."""

from __future__ import annotations


def test_aws_managed_policies_exist(account):
    iam = account.client("iam")
    for arn in ("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"):
        assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]


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
