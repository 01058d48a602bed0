"""Task 8: Lambda Insights on at least one of the student's functions, with a role that can report."""

from checks import lambda_insights, policy_evaluation
from checks.lambda_medium.common import FUNCTIONS, configuration
from checks.shared import (
    LAYER_VERSION_ARN,
    attached_policy_arns,
    layer_arns,
    missing_role_fix,
    role_name,
    role_policy_documents,
    role_request,
)
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(8, "Lambda Insights", points=8)
# AWS's extension layers, by name; who may publish them is checks/lambda_insights.py's.
INSIGHTS_LAYERS = {"LambdaInsightsExtension", "LambdaInsightsExtension-Arm64"}
INSIGHTS_POLICY = "CloudWatchLambdaInsightsExecutionRolePolicy"
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def insights_layers(config: dict) -> tuple[list[str], list[str]]:
    """The function's layers named like the Insights extension: (AWS's, look-alikes published by others)."""
    real, lookalikes = [], []
    for arn in layer_arns(config):
        match = LAYER_VERSION_ARN.match(arn)
        if match and match["name"] in INSIGHTS_LAYERS:
            genuine = lambda_insights.is_insights_layer(match["name"], match["account"], match["region"])
            (real if genuine else lookalikes).append(arn)
    return real, lookalikes


def functions_with_insights(ctx: Context) -> list[tuple[str, dict]]:
    found = []
    for prefix in FUNCTIONS:
        config = configuration(ctx, prefix)
        if config is not None and insights_layers(config)[0]:
            found.append((ctx.name(prefix), config))
    return found


def insights_hint(ctx: Context) -> str:
    """The extension added to a function of the student's; --layers replaces the list, so the layers the
    function already has are kept."""
    publisher = min(lambda_insights.publishers("LambdaInsightsExtension", ctx.region))
    base = next((b for b in FUNCTIONS if configuration(ctx, b) is not None), FUNCTIONS[0])
    current = [arn for arn in layer_arns(configuration(ctx, base) or {})
               if not ((m := LAYER_VERSION_ARN.match(arn)) and m["name"] in INSIGHTS_LAYERS)]
    insights = (f"arn:{ctx.partition}:lambda:{ctx.region}:{publisher}:layer:LambdaInsightsExtension:"
                + shell.placeholder("insights-version"))
    return shell.fix(
        shell.comment(f"<insights-version>: the latest for {ctx.region}, from the AWS documentation's list of "
                      "Lambda Insights extension versions"),
        shell.aws("lambda", "update-function-configuration", "--function-name", ctx.name(base),
                  "--layers", current, insights))


@TASK.check("8.1", "A function of yours has the Lambda Insights extension layer", points=5)
def has_extension(ctx: Context) -> Verdict:
    found = functions_with_insights(ctx)
    if found:
        return passed(f"Lambda Insights on {', '.join(name for name, _ in found)}")
    for prefix in FUNCTIONS:
        lookalikes = insights_layers(configuration(ctx, prefix) or {})[1]
        if lookalikes:
            arn = lookalikes[0]
            owner = arn.split(":")[4]
            whose = "your own account" if owner == ctx.account else f"account {owner}"
            return failed(f"{ctx.name(prefix)} has {arn.split(':layer:')[-1]} published by {whose}: a look-alike, "
                          "not AWS's Lambda Insights extension (published by "
                          f"{', '.join(sorted(lambda_insights.publishers('LambdaInsightsExtension', ctx.region)))} "
                          f"in {ctx.region})", hint=insights_hint(ctx), lookalike=arn)
    return failed("none of your functions has a LambdaInsightsExtension layer", hint=insights_hint(ctx))


def insights_log_resources(ctx: Context) -> dict[str, list[str]]:
    """Where the extension writes: log streams of /aws/lambda-insights (CloudWatch user guide, Lambda Insights;
    AWS's managed policy grants the two actions on arn:aws:logs:*:*:log-group:/aws/lambda-insights:*). A role
    that may write only to /aws/lambda/<function>, as the console's own policy, may not write there."""
    group = ctx.arn("logs", "log-group:/aws/lambda-insights")
    return {"logs:CreateLogStream": [f"{group}:*"], "logs:PutLogEvents": [f"{group}:log-stream:*"]}


@TASK.check("8.2", "That function's role may write Lambda Insights logs", points=3, requires=has_extension)
def role_can_report(ctx: Context) -> Verdict:
    reasons = []
    roles, absent = [], []
    for name, config in functions_with_insights(ctx):
        role = config.get("Role")
        # AWS's managed policy, by ARN: a policy of the student's own may be named the same and allow nothing.
        if f"arn:{ctx.partition}:iam::aws:policy/{INSIGHTS_POLICY}" in attached_policy_arns(ctx, role):
            return passed(f"{name}'s role has {INSIGHTS_POLICY}", role=role)
        documents = role_policy_documents(ctx, role)
        if documents is None:
            reasons.append(f"{name}: role {role} does not exist")
            absent.append(role)
            continue
        missing = policy_evaluation.missing_on(documents, insights_log_resources(ctx), **role_request(ctx))
        if not missing:
            return passed(f"{name}'s role allows {' and '.join(LOG_ACTIONS)}", role=role)
        reasons.append(f"{name}'s role does not allow {', '.join(missing)}")
        roles.append(role_name(role))
    def attach(role: str | None) -> str:
        return shell.aws("iam", "attach-role-policy", "--role-name", role or shell.placeholder("that-functions-role"),
                         "--policy-arn", f"arn:{ctx.partition}:iam::aws:policy/{INSIGHTS_POLICY}")

    fix = attach(roles[0]) if roles else missing_role_fix(absent[0], attach(role_name(absent[0])))
    return failed("; ".join(reasons), hint=fix)
