"""What the labs' checks share: the fixed resource names, function settings, and who may invoke what.

The lab is done in the student's own account, so names are fixed (no student-ID suffix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checks import policy_evaluation, shared
from checks.shared import configuration, principals
from grader.rubric import Check, Context, Task, Verdict, failed, passed

HELLO = "HelloWorldFunction"
S3_PROCESSOR = "S3FileProcessor"
TERRAFORM = "terraform-managed-lambda"
ADVANCED = "AdvancedProcessor"
ASYNC = "AsyncProcessor"
FUNCTIONS = (HELLO, S3_PROCESSOR, TERRAFORM, ADVANCED, ASYNC)
# Which lab creates each function: a later lab's check points back to it.
CREATED_IN = {HELLO: 1, S3_PROCESSOR: 5, TERRAFORM: 6, ADVANCED: 7, ASYNC: 7}

FUNCTION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:(?P<name>[A-Za-z0-9_-]+)"
    r"(?::(?P<qualifier>[A-Za-z0-9_$-]+))?$"
)
# An API Gateway integration's target: ".../functions/<function ARN>/invocations".
INVOKE_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/[0-9-]+/functions/(?P<arn>[^/]+)/invocations$")


def create_function_fix(ctx: Context, name: str) -> str:
    """create-function for one of the lab's functions, with the role the student's other functions use."""
    return shared.create_function_fix(ctx, name, shared.known_role(ctx, FUNCTIONS), architectures="x86_64")


def missing(ctx: Context, name: str) -> Verdict:
    """The verdict of a check about a function that does not exist: it points at the lab that creates it."""
    nearly = shared.near_miss(name, shared.function_names(ctx))
    return failed(f"the function {name} does not exist (lab {CREATED_IN[name]}){nearly}",
                  hint=create_function_fix(ctx, name))


def is_function(arn: Any, ctx: Context, name: str) -> bool:
    """Whether ``arn`` is the function ``name`` (or one of its versions or aliases) in this account and region."""
    match = FUNCTION_ARN.match(arn) if isinstance(arn, str) else None
    return bool(match and match["name"] == name and match["account"] == ctx.account and match["region"] == ctx.region)


def function_exists(task: Task, check_id: str, name: str, *, points: float, hint: str | None = None) -> Check:
    return shared.function_exists(task, check_id, name, points=points, label=name,
                                  fix=lambda ctx: hint or create_function_fix(ctx, name))


def settings_check(task: Task, check_id: str, name: str, expected: dict[str, Any], *, points: float,
                   requires: Check | None = None) -> Check:
    """One check that the function's configuration has every ``expected`` value."""
    labels = {"Runtime": "runtime", "MemorySize": "memory", "Timeout": "timeout", "Handler": "handler"}
    units = {"MemorySize": " MB", "Timeout": " s"}
    described = ", ".join(f"{labels.get(k, k)} {v}{units.get(k, '')}" for k, v in expected.items())
    options = {"Runtime": "--runtime", "MemorySize": "--memory-size", "Timeout": "--timeout", "Handler": "--handler"}
    fix = " ".join(f"{options[k]} {v}" for k, v in expected.items())

    title = described if len(expected) > 1 else described.replace(" ", " is ", 1)

    @task.check(check_id, title[0].upper() + title[1:], points=points, requires=requires,
                hint=f"aws lambda update-function-configuration --function-name {name} {fix}")
    def settings(ctx: Context) -> Verdict:
        config = configuration(ctx, name)
        if config is None:
            return missing(ctx, name)
        wrong = {k: config.get(k) for k, v in expected.items() if config.get(k) != v}
        if wrong:
            found = ", ".join(f"{labels.get(k, k)} is {v!r} (expected {expected[k]!r}{units.get(k, '')})"
                              for k, v in wrong.items())
            return failed(f"{name}: {found}", **{k: v for k, v in wrong.items()})
        return passed(f"{name}: {described}")

    return settings


def environment(ctx: Context, name: str) -> dict[str, str] | None:
    config = configuration(ctx, name)
    if config is None:
        return None
    variables = (config.get("Environment") or {}).get("Variables") or {}
    return variables if isinstance(variables, dict) else {}


# --- API Gateway ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One REST API method whose integration invokes a function."""

    api_id: str
    api_name: str
    path: str
    method: str
    integration: str  # AWS_PROXY for a Lambda proxy integration

    @property
    def is_proxy(self) -> bool:
        return self.integration == "AWS_PROXY"

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} of {self.api_name} ({self.api_id})"


def routes(ctx: Context, apis: Iterable[dict[str, Any]]) -> list[tuple[Route, str]]:
    """Every method of these APIs that has an integration with a Lambda function, with that function's ARN."""
    apis = list(apis)
    facts = ctx.facts
    listings = facts.parallel(*[lambda a=api: facts.rest_api_resources(str(a.get("id"))) for api in apis])
    found = []
    for api, resources in zip(apis, listings, strict=True):
        for resource in resources:
            for verb, method in (resource.get("resourceMethods") or {}).items():
                integration = (method or {}).get("methodIntegration") or {}
                target = INVOKE_URI.match(str(integration.get("uri") or ""))
                if target:
                    route = Route(str(api.get("id")), str(api.get("name")), str(resource.get("path")), verb,
                                  str(integration.get("type")))
                    found.append((route, target["arn"]))
    return found


def routes_to(ctx: Context, name: str, apis: Iterable[dict[str, Any]] | None = None) -> list[Route]:
    """The REST API methods (of ``apis``, default every REST API) whose integration invokes function ``name``."""
    return [route for route, arn in routes(ctx, ctx.facts.rest_apis() if apis is None else apis)
            if is_function(arn, ctx, name)]


def execute_api_arn(ctx: Context, route: Route, stage: str) -> str:
    """The ARN API Gateway presents as AWS:SourceArn when this route invokes the function."""
    verb = "GET" if route.method == "ANY" else route.method
    return ctx.arn("execute-api", f"{route.api_id}/{stage}/{verb}{route.path}")


# --- Resource-based policies ---------------------------------------------------------------------


def _condition_values(statement: dict[str, Any], key: str) -> tuple[list[str], list[str]]:
    """The values a statement's conditions give ``key``: (must match one, must match none).

    ``StringNotEquals``, ``ArnNotLike``... negate (IAM condition operators); ``...IfExists`` and
    ``ForAnyValue:`` keep their sense; ``ForAllValues:`` is not a limit on a single-valued key.
    """
    positive: list[str] = []
    negative: list[str] = []
    for operator, conditions in (statement.get("Condition") or {}).items():
        if not isinstance(conditions, dict) or operator.startswith("ForAllValues"):
            continue
        # A negated operator has "Not" in its name (StringNotEquals, ForAnyValue:ArnNotLike, ArnNotLikeIfExists);
        # no set prefix or IfExists suffix has.
        negated = "Not" in operator
        for name, value in conditions.items():
            if name.lower() == key.lower():
                values = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
                (negative if negated else positive).extend(values)
    return positive, negative


def _admits(values: tuple[list[str], list[str]], candidate: str) -> bool:
    positive, negative = values
    return ((not positive or any(policy_evaluation.resource_matches(p, candidate) for p in positive))
            and not any(policy_evaluation.resource_matches(n, candidate) for n in negative))


def service_may_invoke(ctx: Context, policy: Any, service: str, sources: list[str]) -> tuple[bool, str]:
    """Whether ``service`` may invoke the function for at least one of ``sources`` (ARNs it would act for).

    A statement limited to a source ARN or account counts only when the limit lets one of ``sources``
    (in this account) through: a permission left over for a deleted API or bucket does not. With no
    known source, any statement for the service counts. A bare ``"*"`` principal is every service.
    """
    for_service = [s for s in policy_evaluation.statements(policy) if s.get("Effect") == "Allow"
                   and policy_evaluation.statement_covers(s, "lambda:InvokeFunction")
                   and ({service, "*"} & {*principals(s, "Service"), *principals(s, "AWS")})]
    if not for_service:
        return False, f"no statement allows {service} to call lambda:InvokeFunction"
    for statement in for_service:
        if not _admits(_condition_values(statement, "AWS:SourceAccount"), ctx.account):
            continue
        arns = _condition_values(statement, "AWS:SourceArn")
        if not sources or any(_admits(arns, source) for source in sources):
            return True, str(statement.get("Sid") or "statement")
    limits = sorted({a for s in for_service for a in _condition_values(s, "AWS:SourceArn")[0]})
    return False, (f"{service} may invoke it only for {', '.join(limits) or 'another account or source'}, "
                   "which is not the source this lab set up")
