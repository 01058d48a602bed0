"""IAM enforcement across services (moto's INITIAL_NO_AUTH_ACTION_COUNT) in server mode."""

from __future__ import annotations

import json
from typing import Any

from grader.emulator.patches._common import require

# --- IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT) in server mode ------------------------------


def server_mode_checks() -> None:
    """Three gaps when moto checks signatures and permissions, as a least-privilege test needs:

    - a body-less request (a Lambda GET) is verified against its parsed query as payload, so every
      such signature "does not match";
    - CloudWatch's actions are named after its signing name (``monitoring:``), not IAM's ``cloudwatch:``,
      and API Gateway's after its operations, not IAM's ``apigateway:GET``/``POST``/...;
    - the denial is XML even for JSON services, which their clients cannot read.
    """
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError
    from moto.iam.access_control import IAMRequestBase

    original_create = require(IAMRequestBase, "_create_aws_request")
    original_init = require(IAMRequestBase, "__init__")
    original_authorize = require(ActionAuthenticatorMixin, "_authenticate_and_authorize_action")

    def _create_aws_request(self: Any) -> Any:
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            saved, self._data = self._data, b""  # the payload that was signed: none
            try:
                return original_create(self)
            finally:
                self._data = saved
        return original_create(self)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self._action.startswith("monitoring:"):
            self._action = "cloudwatch:" + self._action.split(":", 1)[1]
        elif self._action.startswith("apigateway:"):  # API Gateway's IAM actions are its HTTP methods
            self._action = f"apigateway:{self._method.upper()}"

    def _authenticate_and_authorize_action(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            original_authorize(self, *args, **kwargs)
        except Exception as exc:
            error_type = getattr(exc, "error_type", None)
            rest_json = getattr(self, "service_name", "") in ("awslambda", "apigateway")
            json_protocol = self.headers.get("X-Amz-Target") or rest_json
            if not error_type or not json_protocol or isinstance(exc, JsonRESTError):
                raise
            if rest_json and error_type == "AccessDenied":
                error_type = "AccessDeniedException"  # Lambda's and API Gateway's name for it
            json_error = JsonRESTError(error_type, getattr(exc, "message", str(exc)))
            json_error.code = getattr(exc, "code", 403)
            raise json_error from exc

    IAMRequestBase._create_aws_request = _create_aws_request
    IAMRequestBase.__init__ = __init__
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action


# --- Lambda under enforcement: GetFunction returns Tags to any caller ----------------------------


def get_function_tags_need_list_tags() -> None:
    """AWS returns a function's ``Tags`` from GetFunction only to a caller explicitly allowed
    ``lambda:ListTags`` on it; to anyone else it returns ``TagsError`` instead (botocore lambda model,
    GetFunctionResponse.Tags / TagsError). moto returned the tags to every caller that could GetFunction.
    Applies only while IAM enforcement is on, as every permission is."""
    from moto import settings
    from moto.awslambda.responses import LambdaResponse
    from moto.core.authorization import ActionAuthenticatorMixin

    original = require(LambdaResponse, "get_function")

    def get_function(self: Any) -> Any:
        answer = original(self)
        enforcing = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        if not enforcing or not isinstance(answer, str):
            return answer
        body = json.loads(answer)
        function_arn = ":".join(body["Configuration"]["FunctionArn"].split(":")[:7])  # unqualified
        denied = _list_tags_denial(self, function_arn)
        if denied:
            body.pop("Tags", None)
            body["TagsError"] = {"ErrorCode": "AccessDeniedException", "Message": denied}
        return json.dumps(body)

    LambdaResponse.get_function = get_function


def _list_tags_denial(response: Any, function_arn: str) -> str | None:
    """Why the caller of this request may not ``lambda:ListTags`` the function (AWS's wording), or None."""
    from urllib.parse import urlparse

    from moto.iam.access_control import IAMPolicy, IAMRequest, PermissionResult

    path = response.raw_path + (f"?{urlparse(response.uri).query}" if urlparse(response.uri).query else "")
    request = IAMRequest(account_id=response.current_account, method=response.method, path=path,
                         data=response.data, body=response.raw_body, headers=response.headers, action="ListTags")
    caller = request._access_key
    outcomes = [IAMPolicy(document).is_action_permitted("lambda:ListTags", function_arn)
                for document in caller.collect_policies()]
    if PermissionResult.DENIED in outcomes:
        reason = "with an explicit deny in an identity-based policy"
    elif PermissionResult.PERMITTED in outcomes:
        return None
    else:
        reason = "because no identity-based policy allows the lambda:ListTags action"
    return f"User: {caller.arn} is not authorized to perform: lambda:ListTags on resource: {function_arn} {reason}"
