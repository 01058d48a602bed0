"""What any assessment's checks share: functions and their hints, layer ARNs, a role's policies, principals.

Assessment-specific builders live beside their checks (``checks/<assessment>/common.py``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from grader import shell
from grader.rubric import Check, Context, Task, Verdict, failed, passed

T = TypeVar("T")

# --- Functions -----------------------------------------------------------------------------------

ROLE_PLACEHOLDER = shell.placeholder("your-lambda-role")


def known_role(ctx: Context, bases: tuple[str, ...]) -> str | None:
    """The execution role most of the student's existing functions among ``bases`` use (already read)."""
    roles = [str(role) for base in bases if (role := (configuration(ctx, base) or {}).get("Role"))]
    return max(dict.fromkeys(roles), key=roles.count) if roles else None


def role_or_placeholder(ctx: Context, role: str | None) -> str:
    return role or f"arn:{ctx.partition}:iam::{ctx.account}:role/{ROLE_PLACEHOLDER}"


def create_function_fix(ctx: Context, name: str, role: str | None, *, memory: int | None = None,
                        architectures: str | None = None, timeout: int | None = None, extra: tuple = ()) -> str:
    """The command that creates function ``name``, with the role of the student's other functions when known."""
    return shell.aws(
        "lambda", "create-function", "--function-name", name, "--runtime", "python3.12",
        ("--architectures", architectures) if architectures else (), ("--memory-size", memory) if memory else (),
        ("--timeout", timeout) if timeout else (), "--handler", "lambda_function.lambda_handler",
        "--role", role_or_placeholder(ctx, role), "--zip-file", "fileb://function.zip", extra)


def configuration(ctx: Context, base: str) -> dict[str, Any] | None:
    """The ($LATEST) configuration of the student's function ``base`` (suffixed with the ID where names are)."""
    function = ctx.facts.function(ctx.name(base))
    return None if function is None else function.get("Configuration") or {}


def function_exists(task: Task, check_id: str, base: str, *, points: float, label: str,
                    fix: Callable[[Context], str], title: str | None = None) -> Check:
    """The check that the student's function ``base`` exists (``label``: its name as titles show it);
    ``fix`` makes the command that creates it (the check's hint for ``--explain`` is made for student <id>)."""
    @task.check(check_id, title or f"Function {label} exists", points=points)
    def exists(ctx: Context) -> Verdict:
        name = ctx.name(base)
        config = configuration(ctx, base)
        if config is None:
            return failed(f"no function named {name} in {ctx.region}{near_miss(name, own_names(ctx, function_names(ctx)))}",
                          hint=fix(ctx))
        return passed(f"{name} exists{settling_note(config)}", arn=config.get("FunctionArn"))

    return exists


def settling_note(config: dict[str, Any]) -> str:
    """What a check says of a function AWS is still creating or updating: it is judged by the configuration it
    is moving to (which GetFunction already shows: tests/recordings/lambda/GetFunction.json update-in-progress)."""
    if config.get("State") == "Pending":
        return " (still being created: judged by the configuration it will have)"
    if config.get("LastUpdateStatus") == "InProgress":
        return " (an update is in progress: judged by the configuration it is moving to)"
    return ""


# --- Names that are nearly right -----------------------------------------------------------------


def for_advice(read: Callable[[], T], unreadable: T) -> T:
    """A read that only a fix or a suggestion needs, never a verdict: when it cannot be read (no permission,
    throttled) the check still decides, with ``unreadable`` standing in."""
    from grader.aws.errors import FactUnavailable

    try:
        return read()
    except FactUnavailable:
        return unreadable


def function_names(ctx: Context) -> set[str]:
    """Every function name in the region (one shared listing; read only when something is missing, and
    only for advice: when it cannot be read there is no suggestion)."""
    return for_advice(ctx.facts.function_names, set())


def own_names(ctx: Context, names: Iterable[str]) -> list[str]:
    """The names that may be the student's: all of them in a fixed-name assessment (one student per
    account), else those ending in their ID (case aside): another student's resource is never suggested."""
    if not ctx.names_end_in_student_id:
        return list(names)
    return [n for n in names if n.lower().endswith(ctx.sid.lower())]


def value_text(value: Any) -> str:
    """A value read from AWS as a message shows it: ``10`` for the 10.0 CloudWatch answers for a threshold
    (AWS keeps it as a double), ``2.5`` as it is, text in quotes (``'Average'``)."""
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return repr(value)


def close_names(wanted: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Names that are probably ``wanted`` mistyped: another case, a swapped or missing character."""
    candidates = sorted({c for c in candidates if c and c != wanted})  # sorted: the same words on every run
    same_but_case = [c for c in candidates if c.lower() == wanted.lower()]
    if same_but_case:
        return same_but_case[:limit]
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(wanted.lower(), list(lowered), n=limit, cutoff=0.85)
    return [lowered[c] for c in close]


def near_miss(wanted: str, candidates: Iterable[str]) -> str:
    """``"; did you mean X?"`` when a candidate is ``wanted`` nearly spelled right, else ``""``."""
    close = close_names(wanted, candidates)
    if not close:
        return ""
    shown = " or ".join(close)
    return f"; did you mean {shown}? (names must match exactly, case included)"


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
    latest = (ctx.facts.latest_layer_version(layer) or {}).get("LayerVersionArn")
    # --layers replaces the whole list: the fix keeps every other layer the function has.
    # (and another student's version of the layer, common-utils-layer-kim7b for kim7: it is not theirs to keep).
    def replaced(name: str) -> bool:
        if ctx.names_end_in_student_id:  # layer is <base><sid>
            return name.startswith(layer[:-len(ctx.sid)])
        return name == layer

    others = [a for a in arns if (m := LAYER_VERSION_ARN.match(a)) is None or not replaced(m["name"])]
    if latest:
        fix = shell.aws("lambda", "update-function-configuration", "--function-name", function, "--layers",
                        latest, others)
    else:
        fix = shell.fix(shell.comment(f"publish {layer} first; then, with the LayerVersionArn it prints:"),
                        shell.aws("lambda", "update-function-configuration", "--function-name", function,
                                  "--layers", shell.placeholder("layer-version-arn"), others))
    return failed(f"{function} has {found or 'no layers'}; it must use a version of your {layer}", hint=fix, layers=arns)


def put_alarm_fix(alarm: dict[str, Any], changes: dict[str, Any]) -> str:
    """``put-metric-alarm`` for an alarm the grader read, with ``changes``: put-metric-alarm replaces the whole
    alarm, so every setting it has is written again (actions, dimensions, missing-data treatment...)."""
    settings = {**alarm, **changes}
    # "you must specify either Statistic or ExtendedStatistic, but not both" (PutMetricAlarm, botocore's model)
    if "Statistic" in changes:
        settings.pop("ExtendedStatistic", None)
        settings.pop("EvaluateLowSampleCountPercentile", None)
    words: list[Any] = ["cloudwatch", "put-metric-alarm", "--alarm-name", settings.get("AlarmName")]
    options = (("AlarmDescription", "--alarm-description"), ("Namespace", "--namespace"),
               ("MetricName", "--metric-name"), ("Statistic", "--statistic"),
               ("ExtendedStatistic", "--extended-statistic"), ("Period", "--period"),
               ("EvaluationPeriods", "--evaluation-periods"), ("DatapointsToAlarm", "--datapoints-to-alarm"),
               ("Threshold", "--threshold"), ("ComparisonOperator", "--comparison-operator"),
               ("TreatMissingData", "--treat-missing-data"), ("Unit", "--unit"),
               ("EvaluateLowSampleCountPercentile", "--evaluate-low-sample-count-percentile"))
    for key, option in options:
        value = settings.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        words += [option, value]
    dimensions = [f"Name={d.get('Name')},Value={d.get('Value')}" for d in settings.get("Dimensions") or []]
    if dimensions:
        words += ["--dimensions", *dimensions]
    for key, option in (("AlarmActions", "--alarm-actions"), ("OKActions", "--ok-actions"),
                        ("InsufficientDataActions", "--insufficient-data-actions")):
        if settings.get(key):
            words += [option, *settings[key]]
    if settings.get("ActionsEnabled") is False:
        words.append("--no-actions-enabled")
    return shell.aws(*words)


def role_name(role_arn: str | None) -> str | None:
    """The role's name: the last segment of its ARN (roles may have paths)."""
    if not role_arn or ":role/" not in role_arn:
        return None
    return role_arn.rsplit("/", 1)[-1]


# --- IAM -----------------------------------------------------------------------------------------


def role_request(ctx: Context) -> dict[str, Any]:
    """What a request made with a function's execution role carries that a condition may test (the keys
    ``policy_evaluation.allows`` takes as ``context``): its Region and account, over HTTPS, as an assumed role.
    Every other key is unknown, so a statement limited by one may not apply and grants nothing."""
    return {"context": {"aws:RequestedRegion": ctx.region, "aws:PrincipalAccount": ctx.account,
                        "aws:ResourceAccount": ctx.account, "aws:SecureTransport": "true",
                        "aws:PrincipalType": "AssumedRole"}}


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
        arns = [p["PolicyArn"] for p in attached if isinstance(p, dict) and isinstance(p.get("PolicyArn"), str)]
        documents = facts.parallel(*[lambda arn=arn: facts.managed_policy_document(arn) for arn in arns])
        return [document for document in documents if document is not None]

    documents, inline = facts.parallel(managed, lambda: facts.inline_role_policies(name))
    if documents is None or inline is None:
        return None
    inline_documents = list(inline.values()) if isinstance(inline, dict) else []
    return inline_documents + documents


# AWS managed policies that nearly every Lambda execution role has (the console attaches the first to
# each role it makes; a function in a VPC needs the second): worth reading before the role is known.
LAMBDA_ROLE_POLICIES = ("service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole")


def aws_managed_policy_arn(ctx: Context, name: str) -> str:
    return f"arn:{ctx.partition}:iam::aws:policy/{name}"


def missing_role_fix(role_arn: str | None, then: str) -> str:
    """A fix on a function's role that does not exist: create it first (its name read from the function)."""
    name = role_name(role_arn)
    role = f"the role {name}" if name else "the function's execution role"
    return shell.fix(shell.comment(f"create {role} (trusting lambda.amazonaws.com), then:"), then)


def attached_policy_arns(ctx: Context, role_arn: str | None) -> set[str]:
    """The ARNs of the managed policies attached to the role: an AWS managed policy is
    ``arn:<partition>:iam::aws:policy/...``; a policy of the student's own may carry the same name."""
    name = role_name(role_arn)
    attached = ctx.facts.attached_role_policies(name) if name else None
    return {str(p.get("PolicyArn", "")) for p in attached or [] if isinstance(p, dict)}
