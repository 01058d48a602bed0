"""Lambda: a function's resource-based policy as AWS stores it (moto keeps some AddPermission fields as given,
drops others, and accepts a statement id twice).

As recorded against AWS (LocalStack ``tests/aws/services/lambda_/test_lambda_api.snapshot.json``,
TestLambdaPermissions: test_add_lambda_permission_fields, test_add_lambda_permission_aws, test_permission_exceptions;
``tests/recordings/lambda/AddPermission.json``):

- ``--principal 123456789012`` is stored as ``{"AWS": "arn:aws:iam::123456789012:root"}``, a role or user ARN as
  ``{"AWS": <arn>}``, a service as ``{"Service": ...}``, ``*`` as ``"*"`` (moto kept the account ID and ARNs bare);
- ``SourceArn``, ``SourceAccount`` and ``PrincipalOrgID`` become ``ArnLike`` / ``StringEquals`` conditions, all kept
  (moto's StringEquals for the account replaced the one for the organization);
- ``EventSourceToken`` and ``FunctionUrlAuthType`` become ``StringEquals`` conditions on ``lambda:EventSourceToken``
  and ``lambda:FunctionUrlAuthType`` (moto dropped the first and left the second a field of its own, so an Alexa
  skill's permission read as open to anyone); ``InvokedViaFunctionUrl`` a ``Bool`` condition on
  ``lambda:InvokedViaFunctionUrl`` (botocore's AddPermission documentation; the shape is assumed);
- a statement id that exists is refused: ``ResourceConflictException`` (409), "The statement id (...) provided
  already exists. Please provide a new statement id, or remove the existing statement." (moto added a second).
"""

from __future__ import annotations

import json
import re
from typing import Any

from grader.emulator.patches._common import require

DUPLICATE_STATEMENT = ("The statement id ({sid}) provided already exists. Please provide a new statement id, or remove "
                       "the existing statement.")
ACCOUNT_ID = re.compile(r"^\d{12}$")


def aws_stored_statements() -> None:
    from moto.awslambda.exceptions import LambdaClientError
    from moto.awslambda.models import LambdaBackend
    from moto.awslambda.policy import Policy

    class DuplicateStatement(LambdaClientError):
        code = 409

        def __init__(self, sid: str) -> None:
            super().__init__("ResourceConflictException", DUPLICATE_STATEMENT.format(sid=sid))

    original_add = require(LambdaBackend, "add_permission")
    original_decode = require(Policy, "decode_policy")
    require(Policy, "principal_formatter")

    def add_permission(self: Any, function_name: str, qualifier: str, raw: str) -> Any:
        sid = (json.loads(raw) or {}).get("StatementId")
        function = self.get_function(function_name, qualifier)
        if sid and any(s.get("Sid") == sid for s in function.policy.statements):
            raise DuplicateStatement(sid)
        return original_add(self, function_name, qualifier, raw)

    def decode_policy(self: Any, obj: dict[str, Any]) -> Any:
        partition = str(getattr(self.parent, "function_arn", None) or getattr(self.parent, "arn", "arn:aws")).split(":")[1]
        conditions: dict[str, dict[str, str]] = {}
        # All of them merged key by key (moto merged SourceAccount's StringEquals over PrincipalOrgID's).
        if "SourceArn" in obj:
            conditions.setdefault("ArnLike", {})["AWS:SourceArn"] = obj.pop("SourceArn")
        if "SourceAccount" in obj:
            conditions.setdefault("StringEquals", {})["AWS:SourceAccount"] = obj.pop("SourceAccount")
        if "PrincipalOrgID" in obj:
            conditions.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = obj.pop("PrincipalOrgID")
        if "EventSourceToken" in obj:
            conditions.setdefault("StringEquals", {})["lambda:EventSourceToken"] = obj.pop("EventSourceToken")
        if "FunctionUrlAuthType" in obj:
            conditions.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = obj.pop("FunctionUrlAuthType")
        if "InvokedViaFunctionUrl" in obj:
            value = obj.pop("InvokedViaFunctionUrl")
            conditions.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = str(value).lower()
        principal = obj.get("Principal")
        if isinstance(principal, str) and principal != "*":
            if ACCOUNT_ID.match(principal):
                obj["Principal"] = {"AWS": f"arn:{partition}:iam::{principal}:root"}
            elif principal.startswith("arn:"):
                obj["Principal"] = {"AWS": principal}
        policy = original_decode(self, obj)
        if conditions:
            statement = policy.statements[0]
            merged = statement.setdefault("Condition", {})
            for operator, keys in conditions.items():
                merged.setdefault(operator, {}).update(keys)
        return policy

    LambdaBackend.add_permission = add_permission
    Policy.decode_policy = decode_policy
