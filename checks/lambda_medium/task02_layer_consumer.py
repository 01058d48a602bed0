"""Task 2: layer-consumer-<id> runs on the student's own layer."""

from checks.lambda_medium.common import configuration, function_exists, memory_check, runtime_check
from checks.shared import uses_own_layer
from grader.rubric import Context, Task, Verdict

TASK = Task(2, "Function using the layer", points=8)
FUNCTION = "layer-consumer"

exists = function_exists(TASK, "2.1", FUNCTION, points=3, memory=256)
runtime = runtime_check(TASK, "2.2", exists, FUNCTION, points=1.5)
memory = memory_check(TASK, "2.3", exists, FUNCTION, 256, points=1.5)


@TASK.check("2.4", "Uses a version of common-utils-layer-<id>", points=2, requires=exists)
def uses_layer(ctx: Context) -> Verdict:
    # The exact name, in this account: another student's "common-utils-layer-<id>x" is not yours.
    return uses_own_layer(ctx, ctx.name(FUNCTION), configuration(ctx, FUNCTION) or {}, ctx.name("common-utils-layer"))
