"""Task 2: layer-consumer-<id> runs on the student's own layer."""

from checks.lambda_medium.common import configuration, function_exists, memory_check, runtime_check
from checks.shared import LAYER_VERSION_ARN, layer_arns
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(2, "Function using the layer", points=8)
FUNCTION = "layer-consumer"

exists = function_exists(TASK, FUNCTION, points=3, memory=256)
runtime = runtime_check(TASK, exists, FUNCTION, points=1.5)
memory = memory_check(TASK, exists, FUNCTION, 256, points=1.5)


@TASK.check(
    "Uses a version of common-utils-layer-<id>", points=2, requires=exists,
    hint="aws lambda update-function-configuration --function-name layer-consumer-{sid} --layers "
    "$(aws lambda list-layer-versions --layer-name common-utils-layer-{sid} "
    "--query 'LayerVersions[0].LayerVersionArn' --output text)",
)
def uses_layer(ctx: Context) -> Verdict:
    wanted = ctx.name("common-utils-layer")
    arns = layer_arns(configuration(ctx, FUNCTION) or {})
    for arn in arns:
        match = LAYER_VERSION_ARN.match(arn)
        # The exact name, in this account: another student's "common-utils-layer-<id>x" is not yours.
        if match and match["name"] == wanted and match["account"] == ctx.account:
            return passed(f"uses {wanted} version {match['version']}", layer=arn)
    found = ", ".join(a.split(":layer:")[-1] for a in arns) or "no layers"
    return failed(f"{ctx.name(FUNCTION)} has {found}; it must use a version of {wanted}", layers=arns)
