"""Task 8: Lambda Insights on at least one of the student's functions, with a role that can report."""

from checks import policy_evaluation
from checks.lambda_medium.common import FUNCTIONS, configuration
from checks.shared import LAYER_VERSION_ARN, attached_policy_names, layer_arns, role_name, role_policy_documents
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(8, "Lambda Insights", points=8)
# The extension is published by a different account in some regions, with its own versions: match the name.
INSIGHTS_LAYERS = {"LambdaInsightsExtension", "LambdaInsightsExtension-Arm64"}
INSIGHTS_POLICY = "CloudWatchLambdaInsightsExecutionRolePolicy"
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def functions_with_insights(ctx: Context) -> list[tuple[str, dict]]:
    found = []
    for prefix in FUNCTIONS:
        config = configuration(ctx, prefix)
        if config is None:
            continue
        for arn in layer_arns(config):
            match = LAYER_VERSION_ARN.match(arn)
            if match and match["name"] in INSIGHTS_LAYERS:
                found.append((ctx.name(prefix), config))
                break
    return found


INSIGHTS_PUBLISHER = "580247275435"  # in most regions; the AWS documentation lists the others


@TASK.check("8.1", "A function of yours has the Lambda Insights extension layer", points=5)
def has_extension(ctx: Context) -> Verdict:
    found = functions_with_insights(ctx)
    if found:
        return passed(f"Lambda Insights on {', '.join(name for name, _ in found)}")
    # --layers replaces the list: the fix keeps the layers the function already has.
    base = next((b for b in FUNCTIONS if configuration(ctx, b) is not None), FUNCTIONS[0])
    name = ctx.name(base)
    current = layer_arns(configuration(ctx, base) or {})
    insights = (f"arn:{ctx.partition}:lambda:{ctx.region}:{INSIGHTS_PUBLISHER}:layer:LambdaInsightsExtension:"
                "<insights-version>")
    return failed("none of your functions has a LambdaInsightsExtension layer", hint=shell.fix(
        shell.comment(f"<insights-version>: the latest for {ctx.region}, from the AWS documentation's list of "
                      "Lambda Insights extension versions"),
        shell.aws("lambda", "update-function-configuration", "--function-name", name, "--layers", current, insights)))


@TASK.check("8.2", "That function's role may write Lambda Insights logs", points=3, requires=has_extension)
def role_can_report(ctx: Context) -> Verdict:
    reasons = []
    roles = []
    for name, config in functions_with_insights(ctx):
        role = config.get("Role")
        if INSIGHTS_POLICY in attached_policy_names(ctx, role):
            return passed(f"{name}'s role has {INSIGHTS_POLICY}", role=role)
        documents = role_policy_documents(ctx, role)
        if documents is None:
            reasons.append(f"{name}: role {role} does not exist")
            continue
        missing = policy_evaluation.missing_actions(documents, LOG_ACTIONS)
        if not missing:
            return passed(f"{name}'s role allows {' and '.join(LOG_ACTIONS)}", role=role)
        reasons.append(f"{name}'s role does not allow {', '.join(missing)}")
        roles.append(role_name(role))
    fix = shell.aws("iam", "attach-role-policy", "--role-name", roles[0] if roles else "<that-functions-role>",
                    "--policy-arn", f"arn:{ctx.partition}:iam::aws:policy/{INSIGHTS_POLICY}")
    return failed("; ".join(reasons), hint=fix)
