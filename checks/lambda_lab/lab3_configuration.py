"""Lab 3: HelloWorldFunction configured through environment variables, memory and timeout."""

from checks.lambda_lab.common import HELLO, environment, missing, settings_check
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(3, "Environment variables and configuration", points=14)
VARIABLES = ("GREETING_PREFIX", "GREETING_SUFFIX", "ENVIRONMENT", "MAX_RESPONSE_LENGTH", "ENABLE_DEBUG_LOGGING")
SET_HINT = (
    "aws lambda update-function-configuration --function-name HelloWorldFunction --environment "
    "\"Variables={GREETING_PREFIX=Welcome,GREETING_SUFFIX='Thanks for using our API!',ENVIRONMENT=development,"
    "MAX_RESPONSE_LENGTH=500,ENABLE_DEBUG_LOGGING=true}\" (this replaces every variable: list them all)"
)


@TASK.check("All five environment variables are set", points=5, hint=SET_HINT)
def variables(ctx: Context) -> Verdict:
    found = environment(ctx, HELLO)
    if found is None:
        return missing(HELLO)
    absent = [name for name in VARIABLES if not str(found.get(name) or "").strip()]
    if absent:
        near = sorted(k for k in found if k.upper() in absent and k not in absent)
        spelled = f" ({', '.join(near)} differ only in case: names are case-sensitive)" if near else ""
        return failed(f"{HELLO} lacks {', '.join(absent)}{spelled}", missing=absent)
    return passed("all five are set", variables=sorted(found))


@TASK.check("MAX_RESPONSE_LENGTH is a whole number", points=2, hint=SET_HINT)
def max_length(ctx: Context) -> Verdict:
    found = environment(ctx, HELLO)
    if found is None:
        return missing(HELLO)
    value = found.get("MAX_RESPONSE_LENGTH")
    if value is not None and value.strip().isdigit():
        return passed(f"MAX_RESPONSE_LENGTH={value}")
    shown = "not set" if value is None else repr(value)
    return failed(f"MAX_RESPONSE_LENGTH is {shown}: the handler's int() would fail on it", value=value)


@TASK.check("ENABLE_DEBUG_LOGGING is true or false", points=1, hint=SET_HINT)
def debug_flag(ctx: Context) -> Verdict:
    found = environment(ctx, HELLO)
    if found is None:
        return missing(HELLO)
    value = found.get("ENABLE_DEBUG_LOGGING")
    if value is not None and value.strip().lower() in ("true", "false"):
        return passed(f"ENABLE_DEBUG_LOGGING={value}")
    shown = "not set" if value is None else repr(value)
    return failed(f"ENABLE_DEBUG_LOGGING is {shown}: the handler only recognises 'true'", value=value)


memory = settings_check(TASK, HELLO, {"MemorySize": 256}, points=3)
timeout = settings_check(TASK, HELLO, {"Timeout": 10}, points=3)
