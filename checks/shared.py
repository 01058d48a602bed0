"""What any assessment's checks share: functions and their hints, layer ARNs, a role's policies, principals.

Assessment-specific builders live beside their checks (``checks/<assessment>/common.py``).
"""

from __future__ import annotations

import re
from typing import Any

from grader.rubric import Check, Context, Task, Verdict, failed, passed

# --- Functions -----------------------------------------------------------------------------------

ROLE_HINT = "--role arn:{partition}:iam::{account}:role/<your-lambda-role>"


def create_function_hint(name: str, *, memory: int | None = None, architectures: str | None = None,
                         extra: str = "") -> str:
    """The command that creates a function, ``name`` as the student types it (``{sid}`` filled in later)."""
    options = (f" --architectures {architectures}" if architectures else "") + (
        f" --memory-size {memory}" if memory else "")
    return (f"aws lambda create-function --function-name {name} --runtime python3.12{options} "
            f"--handler lambda_function.lambda_handler {ROLE_HINT} --zip-file fileb://function.zip{extra}")


def configuration(ctx: Context, base: str) -> dict[str, Any] | None:
    """The ($LATEST) configuration of the student's function ``base`` (suffixed with the ID where names are)."""
    function = ctx.facts.function(ctx.name(base))
    return None if function is None else function.get("Configuration") or {}


def function_exists(task: Task, check_id: str, base: str, *, points: float, label: str, hint: str,
                    title: str | None = None) -> Check:
    """The check that the student's function ``base`` exists (``label``: its name as titles show it)."""
    @task.check(check_id, title or f"Function {label} exists", points=points, hint=hint)
    def exists(ctx: Context) -> Verdict:
        name = ctx.name(base)
        config = configuration(ctx, base)
        if config is None:
            return failed(f"no function named {name} in {ctx.region}")
        return passed(f"{name} exists", arn=config.get("FunctionArn"))

    return exists


# --- ARNs ----------------------------------------------------------------------------------------

LAYER_VERSION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):layer:(?P<name>[A-Za-z0-9_-]+):(?P<version>\d+)$"
)


def layer_arns(config: dict[str, Any]) -> list[str]:
    return [layer.get("Arn", "") for layer in config.get("Layers") or [] if isinstance(layer, dict)]


def uses_own_layer(ctx: Context, function: str, config: dict[str, Any], layer: str) -> Verdict:
    """Whether the function runs a version of the layer named exactly ``layer`` in the student's account and
    region: a layer of the same name elsewhere, or one whose name only starts the same, is not theirs."""
    arns = layer_arns(config)

    def own(match: re.Match[str] | None) -> bool:
        return bool(match and match["account"] == ctx.account and match["region"] == ctx.region)

    for arn in arns:
        match = LAYER_VERSION_ARN.match(arn)
        if own(match) and match["name"] == layer:
            return passed(f"uses {layer} version {match['version']}", layer=arn)
    # The student's own layers by name and version; anyone else's (or another region's) by full ARN.
    found = ", ".join(arn.split(":layer:")[-1] if own(LAYER_VERSION_ARN.match(arn)) else arn for arn in arns)
    return failed(f"{function} has {found or 'no layers'}; it must use a version of your {layer}", layers=arns)


def role_name(role_arn: str | None) -> str | None:
    """The role's name: the last segment of its ARN (roles may have paths)."""
    if not role_arn or ":role/" not in role_arn:
        return None
    return role_arn.rsplit("/", 1)[-1]


# --- IAM -----------------------------------------------------------------------------------------


def principals(statement: dict[str, Any], kind: str) -> list[str]:
    """A policy statement's principals of one kind (``AWS``, ``Service``); a bare ``"*"`` is anyone."""
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, dict):
        value = principal.get(kind)
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, str)]
    return []


def role_policy_documents(ctx: Context, role_arn: str | None) -> list[Any] | None:
    """Every policy document of the role (inline and attached), or None when the role does not exist."""
    name = role_name(role_arn)
    if name is None:
        return None
    facts = ctx.facts

    def managed() -> list[Any] | None:  # as soon as the attached list is in: not after the inline policies
        attached = facts.attached_role_policies(name)
        if attached is None:
            return None
        documents = facts.parallel(*[lambda arn=p["PolicyArn"]: facts.managed_policy_document(arn) for p in attached])
        return [document for document in documents if document is not None]

    documents, inline = facts.parallel(managed, lambda: facts.inline_role_policies(name))
    if documents is None or inline is None:
        return None
    return list(inline.values()) + documents


# AWS managed policies that nearly every Lambda execution role has (the console attaches the first to
# each role it makes; a function in a VPC needs the second): worth reading before the role is known.
LAMBDA_ROLE_POLICIES = ("service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole")


def aws_managed_policy_arn(ctx: Context, name: str) -> str:
    return f"arn:{ctx.partition}:iam::aws:policy/{name}"


def attached_policy_arns(ctx: Context, role_arn: str | None) -> set[str]:
    """The ARNs of the managed policies attached to the role: an AWS managed policy is
    ``arn:<partition>:iam::aws:policy/...``; a policy of the student's own may carry the same name."""
    name = role_name(role_arn)
    attached = ctx.facts.attached_role_policies(name) if name else None
    return {str(p.get("PolicyArn", "")) for p in attached or []}
