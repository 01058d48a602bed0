"""Lab 1: the first function, HelloWorldFunction, created from scratch."""

import re

from checks.lambda_lab.common import HELLO, configuration, function_exists, settings_check
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(1, "First Lambda function", points=12)
PYTHON = re.compile(r"^python3\.(\d+)$")
OLDEST_MINOR = 12  # python3.12, or any newer python3.x the console offers as "latest"

exists = function_exists(TASK, "1.1", HELLO, points=6)


@TASK.check("1.2", "Runtime is python3.12 or a newer python3.x", points=2, requires=exists,
            hint="aws lambda update-function-configuration --function-name HelloWorldFunction --runtime python3.12")
def runtime(ctx: Context) -> Verdict:
    value = (configuration(ctx, HELLO) or {}).get("Runtime")
    match = PYTHON.match(str(value))
    if match and int(match[1]) >= OLDEST_MINOR:
        return passed(f"runtime {value}")
    return failed(f"runtime is {value!r}; the lab uses python3.12 or newer", runtime=value)


@TASK.check("1.3", "Architecture is x86_64", points=2, requires=exists,
            hint="# the architecture changes only with the code: deploy your function.zip again for x86_64\n"
            "aws lambda update-function-code --function-name HelloWorldFunction --architectures x86_64 "
            "--zip-file fileb://function.zip")
def architecture(ctx: Context) -> Verdict:
    architectures = (configuration(ctx, HELLO) or {}).get("Architectures") or ["x86_64"]  # AWS's default
    if architectures == ["x86_64"]:
        return passed("x86_64")
    return failed(f"architecture is {', '.join(map(str, architectures))}, not x86_64", architectures=architectures)


handler = settings_check(TASK, "1.4", HELLO, {"Handler": "lambda_function.lambda_handler"}, points=2, requires=exists)
