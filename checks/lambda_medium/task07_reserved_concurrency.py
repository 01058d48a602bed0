"""Task 7: rate-limited-function-<id> never runs more than 5 at once."""

from checks import python_behaviour
from checks.account_concurrency import no_room
from checks.lambda_medium.common import configuration, function_exists
from checks.lambda_medium.deployed import code_check, redeploy, where
from checks.python_source import Handler, Source
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(7, "Reserved concurrency", points=6)
FUNCTION = "rate-limited-function"

exists = function_exists(TASK, "7.1", FUNCTION, points=2, timeout=15)


RESERVE = ("aws lambda put-function-concurrency --function-name rate-limited-function-{sid} "
           "--reserved-concurrent-executions 5")


@TASK.check("7.2", "Reserved concurrency is 5", points=2.5, requires=exists, hint=RESERVE)
def reserved(ctx: Context) -> Verdict:
    value = ctx.facts.reserved_concurrency(ctx.name(FUNCTION))
    if value == 5:
        return passed("reserved concurrency 5")
    message = f"reserved concurrency is {'not set' if value is None else value} (expected 5)"
    # A new account's quota (10) leaves no room for any reservation: AWS refuses the fix until it is raised.
    refused = no_room(ctx, 5, value or 0)
    if refused:
        return failed(f"{message}; {refused.message}", hint=shell.fix(refused.request, ctx.fill(RESERVE)), reserved=value)
    return failed(message, reserved=value)


@TASK.check(
    "7.3", "Timeout leaves room for the 10 s the handler sleeps", points=0, requires=exists, advisory=True,
    hint="aws lambda update-function-configuration --function-name rate-limited-function-{sid} --timeout 15",
)
def timeout(ctx: Context) -> Verdict:
    seconds = (configuration(ctx, FUNCTION) or {}).get("Timeout")
    if isinstance(seconds, int) and seconds > 10:
        return passed(f"timeout {seconds} s")
    return failed(f"timeout is {seconds} s: every invocation will time out before its 10 s sleep ends")


def sleeps(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    found = python_behaviour.calls(modules, "time.sleep")
    if not found:
        lacks = f"{handler.source.path} never calls time.sleep: each invocation ends at once, so the cap is never reached"
        return failed(lacks, handler=where(handler), hint=redeploy(
            ctx, FUNCTION, f"{handler.source.path} must sleep as the task's handler does (time.sleep(10))"))
    at, call = found[0]
    seconds = call.args[0].value if call.args and isinstance(getattr(call.args[0], "value", None), (int, float)) else None
    return passed(f"sleeps at {at}" + (f" ({seconds} s)" if seconds is not None else ""), sleeps=at)


sleep = code_check(TASK, "7.4", "The handler sleeps (time.sleep)", FUNCTION, exists, points=1.5, judge=sleeps)
