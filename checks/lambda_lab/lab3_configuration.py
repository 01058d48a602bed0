"""Lab 3: HelloWorldFunction configured through environment variables, memory and timeout."""

import json
from collections.abc import Callable

from checks import python_behaviour
from checks.lambda_lab.common import HELLO, environment, missing, settings_check
from checks.lambda_lab.deployed import Lacks, code_check, where
from checks.python_source import Handler, Source
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(3, "Environment variables and configuration", points=14)
VARIABLES = ("GREETING_PREFIX", "GREETING_SUFFIX", "ENVIRONMENT", "MAX_RESPONSE_LENGTH", "ENABLE_DEBUG_LOGGING")
# The lab's values, for the variables a student has not set.
DEFAULTS = {"GREETING_PREFIX": "Welcome", "GREETING_SUFFIX": "Thanks for using our API!", "ENVIRONMENT": "development",
            "MAX_RESPONSE_LENGTH": "500", "ENABLE_DEBUG_LOGGING": "true"}


def set_fix(found: dict[str, str]) -> str:
    """--environment replaces every variable: the fix writes back each one the student has, with the missing
    ones added and the two the handler parses made valid (single-quoted JSON: nothing in it is expanded)."""
    variables = dict(found)
    for name in VARIABLES:
        if not str(variables.get(name) or "").strip():
            variables[name] = DEFAULTS[name]
    if not str(variables["MAX_RESPONSE_LENGTH"]).strip().isdigit():
        variables["MAX_RESPONSE_LENGTH"] = DEFAULTS["MAX_RESPONSE_LENGTH"]
    if str(variables["ENABLE_DEBUG_LOGGING"]).strip().lower() not in ("true", "false"):
        variables["ENABLE_DEBUG_LOGGING"] = DEFAULTS["ENABLE_DEBUG_LOGGING"]
    document = json.dumps({"Variables": variables}, ensure_ascii=False, separators=(",", ":"))
    return shell.aws("lambda", "update-function-configuration", "--function-name", HELLO, "--environment", document)


@TASK.check("3.1", "All five environment variables are set", points=4)
def variables(ctx: Context) -> Verdict:
    found = environment(ctx, HELLO)
    if found is None:
        return missing(ctx, HELLO)
    absent = [name for name in VARIABLES if not str(found.get(name) or "").strip()]
    if absent:
        near = sorted(k for k in found if k.upper() in absent and k not in absent)
        spelled = f" ({', '.join(near)} differ only in case: names are case-sensitive)" if near else ""
        return failed(f"{HELLO} lacks {', '.join(absent)}{spelled}", hint=set_fix(found), missing=absent)
    return passed("all five are set", variables=sorted(found))


def value_check(check_id: str, variable: str, title: str, accepts: Callable[[str], bool], why: str, *, points: float) -> None:
    """A check that ``variable`` holds a value the lab's handler can use."""

    @TASK.check(check_id, title, points=points)
    def value(ctx: Context) -> Verdict:
        found = environment(ctx, HELLO)
        if found is None:
            return missing(ctx, HELLO)
        given = found.get(variable)
        if given is not None and accepts(given.strip()):
            return passed(f"{variable}={given}")
        if given is None:
            return failed(f"{variable} is not set (see 3.1)", hint=set_fix(found))
        return failed(f"{variable} is {given!r}: {why}", hint=set_fix(found), value=given)


value_check("3.2", "MAX_RESPONSE_LENGTH", "MAX_RESPONSE_LENGTH is a whole number", str.isdigit,
            "the handler's int() would fail on it", points=2)
value_check("3.3", "ENABLE_DEBUG_LOGGING", "ENABLE_DEBUG_LOGGING is true or false", lambda v: v.lower() in ("true", "false"),
            "the handler only recognises 'true'", points=1)


memory = settings_check(TASK, "3.4", HELLO, {"MemorySize": 256}, points=2.5)
timeout = settings_check(TASK, "3.5", HELLO, {"Timeout": 10}, points=2.5)


# The variables every version of the handler from lab 3 on reads (lab 4's keeps reading these two, whatever
# else it drops): reading them is what makes the configuration change the answer.
READ = ("GREETING_PREFIX", "ENVIRONMENT")


def reads_configuration(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    read = python_behaviour.environment_reads(modules)
    found = {name: read[name] for name in VARIABLES if name in read}
    absent = [name for name in READ if name not in read]
    file = handler.source.path
    if absent:
        return Lacks(f"{file} never reads {' or '.join(absent)} from its environment: changing the variables "
                     "changes nothing", f"{file} must read {' and '.join(absent)} with os.environ.get(...)",
                     {"reads": found})
    return passed(f"{where(handler)} reads {', '.join(found)} from its environment", reads=found)


reads_variables = code_check(TASK, "3.6", "HelloWorldFunction's code reads GREETING_PREFIX and ENVIRONMENT", HELLO,
                             points=2, judge=reads_configuration)
