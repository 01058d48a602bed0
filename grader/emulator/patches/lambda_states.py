"""Lambda: a function settles as it does on AWS; moto's is Active and updated the moment it is created or changed.

Recorded against AWS (LocalStack ``tests/aws/services/lambda_/test_lambda_api.snapshot.json``, every create
response: ``State`` Pending, ``StateReason`` "The function is being created.", ``StateReasonCode`` Creating; every
update response and a GetFunction right after it: ``State`` Active, ``LastUpdateStatus`` InProgress with the same
reason and code; test_lambda_concurrent_code_updates / _config_updates: another update meanwhile is refused,
``ResourceConflictException`` 409, "The operation cannot be performed at this time. An update is in progress for
resource: <function ARN>"; ``tests/recordings/lambda/CreateFunction.json``, ``UpdateFunctionConfiguration.json``,
``UpdateFunctionCode.json``, ``GetFunction.json``). While Pending a function can be neither invoked nor modified
(Lambda developer guide, troubleshooting invocation: "The operation cannot be performed at this time. The function
is currently in the following state: Pending"). Publishing a version during an update is refused like another
update (assumed: no recording; SDK retry logic treats it so).

Each lasts ``SWITCHES.settle_seconds`` (the switch event source mappings settle by; 0: at once, moto's way); then
the function is Active and its last update Successful, which botocore's FunctionActiveV2 / FunctionUpdatedV2
waiters (``aws lambda wait function-active-v2`` / ``function-updated-v2``) wait for.
"""

from __future__ import annotations

import time
from typing import Any

from grader.emulator.patches._common import SWITCHES, function_key, require

BEING_CREATED = "The function is being created."
UPDATE_IN_PROGRESS = "The operation cannot be performed at this time. An update is in progress for resource: {arn}"
PENDING = "The operation cannot be performed at this time. The function is currently in the following state: Pending"


def _busy(function: Any) -> str | None:
    """"Pending" or "InProgress" while the function (its $LATEST) is being created or updated, else None."""
    state = getattr(function, "grader_settling", None)
    if state is None or str(getattr(function, "version", "$LATEST")) != "$LATEST":
        return None
    kind, until = state
    return kind if time.monotonic() < until else None


def _settling(function: Any, kind: str) -> None:
    seconds = SWITCHES.settle_seconds
    function.grader_settling = (kind, time.monotonic() + seconds) if seconds > 0 else None


def function_states() -> None:
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    class Conflict(LambdaClientError):
        code = 409

        def __init__(self, message: str) -> None:
            super().__init__("ResourceConflictException", message)

    original_configuration = require(LambdaFunction, "get_configuration")
    original_create = require(LambdaBackend, "create_function")
    original_update = require(LambdaBackend, "update_function_configuration")  # lambda_roles', applied before
    original_code = require(LambdaBackend, "update_function_code")
    original_publish = require(LambdaBackend, "publish_version")
    original_invoke = require(LambdaBackend, "invoke")

    def refuse_while_busy(function: Any) -> None:
        busy = _busy(function)
        if busy == "Pending":
            raise Conflict(PENDING)
        if busy == "InProgress":
            raise Conflict(UPDATE_IN_PROGRESS.format(arn=function.function_arn))

    def latest(backend: Any, name_or_arn: str) -> Any:
        return backend.get_function(function_key(name_or_arn)[0])

    def get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
        config = original_configuration(self, on_create)
        busy = _busy(self)
        if busy == "Pending":
            config.update(State="Pending", StateReason=BEING_CREATED, StateReasonCode="Creating")
            for key in ("LastUpdateStatus", "LastUpdateStatusReason", "LastUpdateStatusReasonCode"):
                config.pop(key, None)
        elif busy == "InProgress":
            config.update(State="Active", LastUpdateStatus="InProgress", LastUpdateStatusReason=BEING_CREATED,
                          LastUpdateStatusReasonCode="Creating")
        return config

    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        function = original_create(self, spec)
        _settling(function, "Pending")
        return function

    def update_function_configuration(self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
        function = self.get_function(function_name, qualifier)
        refuse_while_busy(function)
        answer = original_update(self, function_name, qualifier, body)
        _settling(function, "InProgress")
        return function.get_configuration() if answer is not None else answer

    def update_function_code(self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
        function = self.get_function(function_name, qualifier)
        refuse_while_busy(function)
        answer = original_code(self, function_name, qualifier, body)
        _settling(function, "InProgress")
        return function.get_configuration() if isinstance(answer, dict) and not body.get("Publish") else answer

    def publish_version(self: Any, function_name: str, description: str = "") -> Any:
        refuse_while_busy(latest(self, function_name))
        return original_publish(self, function_name, description)

    def invoke(self: Any, function_name: str, qualifier: str | None, *args: Any, **kwargs: Any) -> Any:
        if not qualifier or qualifier == "$LATEST":
            if _busy(latest(self, function_name)) == "Pending":
                raise Conflict(PENDING)
        return original_invoke(self, function_name, qualifier, *args, **kwargs)

    LambdaFunction.get_configuration = get_configuration
    LambdaBackend.create_function = create_function
    LambdaBackend.update_function_configuration = update_function_configuration
    LambdaBackend.update_function_code = update_function_code
    LambdaBackend.publish_version = publish_version
    LambdaBackend.invoke = invoke
