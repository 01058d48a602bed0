"""What the labs' checks share: the fixed resource names, function settings, and who may invoke what.

The lab is done in the student's own account, so names are fixed (no student-ID suffix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checks import policy_evaluation, shared
from checks.shared import configuration
from grader import shell
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


def remove_first(ctx: Context, function: str, sid: str) -> str | None:
    """remove-permission for a statement id the function's policy already holds, before a fix adds it again: AWS
    refuses a statement id twice (ResourceConflictException; tests/recordings/lambda/AddPermission.json)."""
    policy = ctx.facts.function_policy(function)
    if not any(s.get("Sid") == sid for s in policy_evaluation.statements(policy)):
        return None
    return shell.aws("lambda", "remove-permission", "--function-name", function, "--statement-id", sid)


def service_request(ctx: Context, source: str | None) -> dict[str, Any]:
    """What a service's call to Invoke carries for a policy condition: the ARN it acts for (the API route, the
    bucket) and the account that owns it (aws:SourceArn, aws:SourceAccount); a direct call's keys (function URL,
    Alexa's event source token) are absent, and a service principal belongs to no organization. With no known
    source (the API or bucket is missing) the source ARN is unknown, so a statement limited to one grants nothing."""
    context: dict[str, Any] = {"aws:SourceAccount": ctx.account, "aws:SecureTransport": "true"}
    if source is not None:
        context["aws:SourceArn"] = source
    return {"context": context, "absent": ("lambda:FunctionUrlAuthType", "lambda:InvokedViaFunctionUrl",
                                           "lambda:EventSourceToken", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")}


def service_may_invoke(ctx: Context, policy: Any, service: str, sources: list[str], function: str,
                       missing_source: str = "the source this lab sets up does not exist") -> tuple[bool, str]:
    """Whether ``service`` may invoke ``function`` for at least one of ``sources`` (the ARNs it would act for;
    ``missing_source`` says why there is none).

    A statement counts only for what it grants: lambda:InvokeFunction on this function, to the service (or to
    anyone), under conditions that hold for one of ``sources`` in this account. A permission left over for a
    deleted API or bucket, or for another one, grants the graded one nothing; so does one limited by a key the
    grader cannot judge. An explicit Deny that applies wins.
    """
    asking = policy_evaluation.Principal("Service", service)
    statements = [s for s in policy_evaluation.statements(policy) if policy_evaluation.principal_matches(s, asking)]
    function = ctx.arn("lambda", f"function:{function}")
    for_service = [s for s in statements if s.get("Effect") == "Allow"
                   and policy_evaluation.statement_covers(s, "lambda:InvokeFunction")]
    if not for_service:
        return False, f"no statement allows {service} to call lambda:InvokeFunction"
    for source in sources or [None]:
        request = dict(service_request(ctx, source), principal=policy_evaluation.Principal("Service", service))
        if policy_evaluation.allows([{"Statement": statements}], "lambda:InvokeFunction", function, **request):
            granting = next(s for s in for_service if policy_evaluation.statement_applies(
                s, "lambda:InvokeFunction", function, **request) is True)
            return True, str(granting.get("Sid") or "statement")
    limits = sorted({limit for s in for_service for limit in _source_limits(s)})
    keys = sorted({k for s in for_service for k in policy_evaluation.limits(s) if k.lower() != "aws:sourcearn"})
    detail = ", ".join(limits) if limits else ("conditions on " + ", ".join(keys) if keys else "another source")
    if not sources:
        return False, f"{service} may invoke it only for {detail}, and {missing_source}"
    return False, f"{service} may invoke it only for {detail}, which is not the source this lab set up"


def _source_limits(statement: dict[str, Any]) -> list[str]:
    """The source ARNs a statement's conditions name: as written, or ``anything but ...`` under a negated
    operator (ArnNotLike, StringNotEquals...)."""
    found = []
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, dict):
            continue
        for key, values in block.items():
            if str(key).lower() == "aws:sourcearn":
                for value in values if isinstance(values, list) else [values]:
                    found.append(f"anything but {value}" if "Not" in str(operator) else str(value))
    return found
