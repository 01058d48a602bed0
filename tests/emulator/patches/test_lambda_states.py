"""Functions settle as on AWS behind the settle switch (recorded: tests/recordings/lambda/CreateFunction.json,
UpdateFunctionConfiguration.json, UpdateFunctionCode.json, GetFunction.json; the waiters are botocore's)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from checks.building import settled
from checks.lambda_medium.solution import HANDLER
from tests.conftest import new_student_id
from tests.recordings import corpus
from tests.support.emulator import assert_refused_as_recorded

FIELDS = ("State", "StateReason", "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
          "LastUpdateStatusReasonCode")


def states(config):
    return {key: config[key] for key in FIELDS if key in config}


def recorded_states(operation, case, part=None):
    response = corpus.response("lambda", operation, case)
    return states(response[part] if part else response)


@pytest.fixture
def pending(lam, role, switches):
    switches(settle_seconds=1.0)
    name = new_student_id("fn")
    created = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                                  Code={"ZipFile": HANDLER})
    return name, created


def test_a_new_function_is_pending_then_active(lam, pending):
    name, created = pending
    assert states(created) == recorded_states("CreateFunction", "created")
    assert lam.get_function(FunctionName=name)["Configuration"]["State"] == "Pending"
    with pytest.raises(ClientError) as refused:
        lam.update_function_configuration(FunctionName=name, MemorySize=256)
    assert_refused_as_recorded(refused, "lambda", "UpdateFunctionConfiguration", "function-pending")
    with pytest.raises(ClientError) as refused:
        lam.invoke(FunctionName=name, Payload=b"{}")
    assert_refused_as_recorded(refused, "lambda", "UpdateFunctionConfiguration", "function-pending")
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert states(lam.get_function_configuration(FunctionName=name)) == {"State": "Active",
                                                                            "LastUpdateStatus": "Successful"}


def test_an_update_is_in_progress_then_successful_and_refuses_another_meanwhile(lam, pending):
    name, _ = pending
    settled(lam, name)
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    updated = lam.update_function_configuration(FunctionName=name, MemorySize=256)
    assert states(updated) == recorded_states("UpdateFunctionConfiguration", "update-started")
    got = lam.get_function(FunctionName=name)["Configuration"]
    # Read during the update: its new configuration already, as AWS shows it (GetFunction update-in-progress).
    assert states(got) == recorded_states("GetFunction", "update-in-progress", "Configuration") and got["MemorySize"] == 256
    recorded_arn = "arn:aws:lambda:us-east-1:111111111111:function:my-function"
    for attempt in (lambda: lam.update_function_code(FunctionName=name, ZipFile=HANDLER),
                    lambda: lam.update_function_configuration(FunctionName=name, Timeout=10),
                    lambda: lam.publish_version(FunctionName=name)):
        with pytest.raises(ClientError) as refused:
            attempt()
        assert_refused_as_recorded(refused, "lambda", "UpdateFunctionCode", "update-in-progress", **{recorded_arn: arn})
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert lam.get_function_configuration(FunctionName=name)["LastUpdateStatus"] == "Successful"
    code = lam.update_function_code(FunctionName=name, ZipFile=HANDLER)
    assert code["LastUpdateStatus"] == "InProgress"
    settled(lam, name)
    assert lam.publish_version(FunctionName=name)["State"] == "Active"


def test_published_versions_are_active_while_latest_updates(lam, pending):
    name, _ = pending
    settled(lam, name)
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="next")
    assert lam.get_function(FunctionName=name, Qualifier="1")["Configuration"].get("LastUpdateStatus") != "InProgress"
    lam.invoke(FunctionName=name, Qualifier="1", InvocationType="DryRun")


def test_functions_settle_at_once_when_switched_off(lam, role, switches):
    switches(settle_seconds=0)
    name = new_student_id("fn")
    created = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                                  Code={"ZipFile": HANDLER})
    assert created["State"] == "Active"
    lam.update_function_configuration(FunctionName=name, MemorySize=256)
    lam.update_function_configuration(FunctionName=name, MemorySize=512)  # no update in progress to wait for
