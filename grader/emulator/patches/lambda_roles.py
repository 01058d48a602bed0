"""Lambda: AWS checks a function's execution role before it accepts a queue or topic it will use; moto does not.

Lambda calls these services with the function's execution role, and refuses the configuration call when
the role may not (``InvalidParameterValueException``; the messages as AWS words them, quoted in
``tests/recordings/lambda/``):

- a destination (``PutFunctionEventInvokeConfig`` / ``UpdateFunctionEventInvokeConfig``): SQS
  ``SendMessage``, SNS ``Publish``, Lambda ``InvokeFunction``, EventBridge ``PutEvents`` on the target;
- a dead-letter queue or topic (``CreateFunction`` / ``UpdateFunctionConfiguration``): ``sqs:SendMessage`` /
  ``sns:Publish``;
- an SQS trigger (``CreateEventSourceMapping``): ``sqs:ReceiveMessage``, ``sqs:DeleteMessage`` and
  ``sqs:GetQueueAttributes`` on the queue, checked in that order;
- subnets to run in (``VpcConfig`` of ``CreateFunction`` / ``UpdateFunctionConfiguration``): the network
  interface actions Lambda creates and removes the function's interfaces with, on ``*``.

The role's policies are judged by moto's own IAM evaluation (an explicit Deny wins, then any Allow).
"""

from __future__ import annotations

from typing import Any

from grader.emulator.patches._common import require

# AWS's words (tests/recordings/lambda/*.json name where each was recorded).
DESTINATION_REFUSED = "The function's execution role does not have permissions to call {action} on {target}"
DEAD_LETTER_REFUSED = "The provided execution role does not have permissions to call {action} on {service}"  # also VPC
TRIGGER_REFUSED = "The function execution role does not have permissions to call {action} on SQS"

# What Lambda calls on a destination or dead-letter target, by the target's service.
DELIVERY_ACTIONS = {"sqs": "sqs:SendMessage", "sns": "sns:Publish", "lambda": "lambda:InvokeFunction",
                    "events": "events:PutEvents"}
SQS_TRIGGER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
# What Lambda does in a VPC as the role (AWSLambdaVPCAccessExecutionRole grants them): CreateNetworkInterface's
# refusal is the one AWS's users quote; the order of the other two is assumed.
VPC_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")


def execution_role_permissions() -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import LambdaBackend

    original_create = require(LambdaBackend, "create_function")
    original_update = require(LambdaBackend, "update_function_configuration")
    original_put_invoke = require(LambdaBackend, "put_function_event_invoke_config")
    original_update_invoke = require(LambdaBackend, "update_function_event_invoke_config")
    original_mapping = require(LambdaBackend, "create_event_source_mapping")

    def refuse_dead_letter(account_id: str, role: str | None, config: Any) -> None:
        target = (config or {}).get("TargetArn") if isinstance(config, dict) else None
        service = _service_of(target)
        if not target or service not in ("sqs", "sns"):
            return
        action = DELIVERY_ACTIONS[service]
        if not _role_allows(account_id, role, action, target):
            raise InvalidParameterValueException(DEAD_LETTER_REFUSED.format(
                action=action.split(":")[1], service=service.upper()))

    def refuse_destinations(account_id: str, role: str | None, config: dict[str, Any]) -> None:
        destinations = config.get("DestinationConfig") or {}
        for kind in ("OnSuccess", "OnFailure"):
            target = (destinations.get(kind) or {}).get("Destination")
            action = DELIVERY_ACTIONS.get(_service_of(target) or "")
            if target and action and not _role_allows(account_id, role, action, target):
                raise InvalidParameterValueException(DESTINATION_REFUSED.format(
                    action=action.split(":")[1], target=target))

    def refuse_vpc(account_id: str, role: str | None, config: Any) -> None:
        if not (isinstance(config, dict) and config.get("SubnetIds")):  # no subnets: the function leaves its VPC
            return
        for action in VPC_ACTIONS:
            if not _role_allows(account_id, role, action, "*"):
                raise InvalidParameterValueException(DEAD_LETTER_REFUSED.format(action=action.split(":")[1],
                                                                                service="EC2"))

    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        refuse_dead_letter(self.account_id, spec.get("Role"), spec.get("DeadLetterConfig"))
        refuse_vpc(self.account_id, spec.get("Role"), spec.get("VpcConfig"))
        return original_create(self, spec)

    def update_function_configuration(self: Any, function_name: str, qualifier: str, body: dict[str, Any]) -> Any:
        if "DeadLetterConfig" in body or "VpcConfig" in body:
            role = body.get("Role") or self.get_function(function_name, qualifier).role
            refuse_dead_letter(self.account_id, role, body.get("DeadLetterConfig"))
            refuse_vpc(self.account_id, role, body.get("VpcConfig"))
        return original_update(self, function_name, qualifier, body)

    def put_function_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> Any:
        refuse_destinations(self.account_id, self.get_function(function_name).role, config)
        return original_put_invoke(self, function_name, config)

    def update_function_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> Any:
        refuse_destinations(self.account_id, self.get_function(function_name).role, config)
        return original_update_invoke(self, function_name, config)

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        source = spec.get("EventSourceArn")
        if _service_of(source) == "sqs" and spec.get("FunctionName"):
            function = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec["FunctionName"])
            for action in SQS_TRIGGER_ACTIONS:
                if not _role_allows(self.account_id, function.role, action, source):
                    raise InvalidParameterValueException(TRIGGER_REFUSED.format(action=action.split(":")[1]))
        return original_mapping(self, spec)

    LambdaBackend.create_function = create_function
    LambdaBackend.update_function_configuration = update_function_configuration
    LambdaBackend.put_function_event_invoke_config = put_function_event_invoke_config
    LambdaBackend.update_function_event_invoke_config = update_function_event_invoke_config
    LambdaBackend.create_event_source_mapping = create_event_source_mapping


def _service_of(arn: Any) -> str | None:
    parts = str(arn or "").split(":")
    return parts[2] if len(parts) > 5 and parts[0] == "arn" else None


def _role_allows(account_id: str, role_arn: str | None, action: str, resource: str) -> bool:
    """Whether the role's identity policies (inline and attached) allow ``action`` on ``resource``:
    no explicit Deny and at least one Allow, as IAM evaluates them. A role that does not exist allows nothing."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    outcomes = [IAMPolicy(policy).is_action_permitted(action, resource) for policy in _role_policies(account_id, role_arn)]
    return PermissionResult.DENIED not in outcomes and PermissionResult.PERMITTED in outcomes


def _role_policies(account_id: str, role_arn: str | None) -> list[Any]:
    from moto.iam.models import iam_backends

    if not role_arn or ":role/" not in role_arn:
        return []
    parts = role_arn.split(":")
    account, partition, name = parts[4] or account_id, parts[1], role_arn.rsplit("/", 1)[-1]
    backend = iam_backends[account][partition]  # IAM's backends are one per partition
    try:
        names = backend.list_role_policies(name)
    except Exception:  # no such role
        return []
    policies: list[Any] = [backend.get_role_policy(name, policy)[1] for policy in names]
    attached, _marker = backend.list_attached_role_policies(name)
    return policies + list(attached)

