"""The emulator holds an account's concurrency quota as AWS does (recorded: tests/recordings/lambda/
GetAccountSettings.json, PutFunctionConcurrency.json, PutProvisionedConcurrencyConfig.json, each naming its
sources), a new account's 10 behind a switch, and a Service Quotas request raises it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from checks.building import settled
from checks.lambda_medium.solution import HANDLER
from tests.emulator.patches.conftest import make_role
from tests.recordings import corpus
from tests.support.emulator import assert_refused_as_recorded


@pytest.fixture
def new_account(own_account, switches):
    switches(concurrency_quota=10)  # every account starts with a new account's quota
    lam = own_account.client("lambda")
    role = make_role(own_account.client("iam"), "r")
    for name in ("rate-limited-function", "layer-consumer"):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h", Code={"ZipFile": HANDLER})
    settled(lam, "rate-limited-function", "layer-consumer")
    lam.publish_version(FunctionName="layer-consumer")
    lam.create_alias(FunctionName="layer-consumer", Name="PROD", FunctionVersion="1")
    return own_account


def limits(lam):
    return lam.get_account_settings()["AccountLimit"]


def test_a_new_account_reads_and_refuses_as_recorded(new_account):
    lam = new_account.client("lambda")
    recorded = corpus.response("lambda", "GetAccountSettings", "new-account")
    settings = lam.get_account_settings()
    assert settings["AccountLimit"] == recorded["AccountLimit"]
    assert set(settings["AccountUsage"]) == set(recorded["AccountUsage"]) and settings["AccountUsage"]["FunctionCount"] == 2

    with pytest.raises(ClientError) as refused:
        lam.put_function_concurrency(FunctionName="rate-limited-function", ReservedConcurrentExecutions=5)
    assert_refused_as_recorded(refused, "lambda", "PutFunctionConcurrency", "new-account-below-minimum")
    with pytest.raises(ClientError) as refused:
        lam.put_provisioned_concurrency_config(FunctionName="layer-consumer", Qualifier="PROD",
                                               ProvisionedConcurrentExecutions=2)
    assert_refused_as_recorded(refused, "lambda", "PutProvisionedConcurrencyConfig", "new-account-below-minimum")
    with pytest.raises(ClientError) as refused:
        lam.put_provisioned_concurrency_config(FunctionName="layer-consumer", Qualifier="PROD",
                                               ProvisionedConcurrentExecutions=11)
    assert_refused_as_recorded(refused, "lambda", "PutProvisionedConcurrencyConfig", "above-the-quota")
    assert "Concurrency" not in lam.get_function(FunctionName="rate-limited-function")  # nothing was reserved
    assert limits(lam)["UnreservedConcurrentExecutions"] == 10


def test_a_granted_quota_request_makes_room_as_an_established_account_has(new_account):
    lam, quotas = new_account.client("lambda"), new_account.client("service-quotas")
    asked = quotas.request_service_quota_increase(ServiceCode="lambda", QuotaCode="L-B99A9384", DesiredValue=1000)
    assert (asked["RequestedQuota"]["Status"], asked["RequestedQuota"]["DesiredValue"]) == ("PENDING", 1000)
    assert quotas.get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")["Quota"]["Value"] == 1000
    assert limits(lam)["ConcurrentExecutions"] == 1000

    lam.put_function_concurrency(FunctionName="rate-limited-function", ReservedConcurrentExecutions=5)
    lam.put_provisioned_concurrency_config(FunctionName="layer-consumer", Qualifier="PROD",
                                           ProvisionedConcurrentExecutions=2)
    recorded = corpus.response("lambda", "GetAccountSettings", "established-account")["AccountLimit"]
    assert limits(lam) == recorded  # 1000 less 5 reserved and 2 provisioned
    lam.put_function_concurrency(FunctionName="rate-limited-function", ReservedConcurrentExecutions=6)  # replaces 5
    assert limits(lam)["UnreservedConcurrentExecutions"] == 992

    with pytest.raises(ClientError) as refused:  # 100 stay unreserved at this quota
        lam.put_function_concurrency(FunctionName="rate-limited-function", ReservedConcurrentExecutions=899)
    assert_refused_as_recorded(refused, "lambda", "PutFunctionConcurrency", "default-quota-below-minimum")
    lam.put_function_concurrency(FunctionName="rate-limited-function", ReservedConcurrentExecutions=898)
    lam.delete_function_concurrency(FunctionName="rate-limited-function")
    lam.delete_provisioned_concurrency_config(FunctionName="layer-consumer", Qualifier="PROD")
    assert limits(lam)["UnreservedConcurrentExecutions"] == 1000


def test_provisioned_concurrency_inside_a_reservation_takes_nothing_more(new_account):
    lam = new_account.client("lambda")
    new_account.client("service-quotas").request_service_quota_increase(
        ServiceCode="lambda", QuotaCode="L-B99A9384", DesiredValue=200)
    lam.put_function_concurrency(FunctionName="layer-consumer", ReservedConcurrentExecutions=10)
    lam.put_provisioned_concurrency_config(FunctionName="layer-consumer", Qualifier="PROD",
                                           ProvisionedConcurrentExecutions=2)
    assert limits(lam)["UnreservedConcurrentExecutions"] == 190


def test_other_quota_requests_change_nothing(new_account):
    lam, quotas = new_account.client("lambda"), new_account.client("service-quotas")
    quotas.request_service_quota_increase(ServiceCode="lambda", QuotaCode="L-2ACBD22F", DesiredValue=100)
    assert limits(lam)["ConcurrentExecutions"] == 10
