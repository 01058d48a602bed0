"""Lab 4: HelloWorldFunction's logs, and an alarm on its errors."""

from checks.lambda_lab import code_reading
from checks.lambda_lab.common import HELLO, configuration
from checks.lambda_lab.deployed import Lacks, code_check
from checks.python_source import Handler, Source
from checks.shared import put_alarm_fix, value_text
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(4, "Monitoring and CloudWatch Logs", points=12)
LOG_GROUP = f"/aws/lambda/{HELLO}"
ALARM = f"{HELLO}-Errors"
EXPECTED = {"Statistic": "Sum", "Period": 300, "Threshold": 5.0, "ComparisonOperator": "GreaterThanThreshold"}
ALARM_HINT = (
    f"aws cloudwatch put-metric-alarm --alarm-name {ALARM} --namespace AWS/Lambda --metric-name Errors "
    f"--dimensions Name=FunctionName,Value={HELLO} --statistic Sum --period 300 --evaluation-periods 1 "
    "--threshold 5 --comparison-operator GreaterThanThreshold"
)


@TASK.check("4.1", f"Log group {LOG_GROUP} exists (the function has run)", points=3,
            hint="# run the function once (the console's Test button, or this line): Lambda creates the log group\n"
            f"aws lambda invoke --function-name {HELLO} out.json")
def log_group(ctx: Context) -> Verdict:
    group = ctx.facts.log_group(LOG_GROUP)
    if group is None:
        return failed(f"no log group {LOG_GROUP}: {HELLO} has never run, or its role may not write logs")
    return passed(f"{LOG_GROUP} exists")


def watches_errors(alarm: dict) -> bool:
    dimensions = {d.get("Name"): d.get("Value") for d in alarm.get("Dimensions") or []}
    return (alarm.get("Namespace") == "AWS/Lambda" and alarm.get("MetricName") == "Errors"
            and dimensions.get("FunctionName") == HELLO)


def the_alarm(ctx: Context) -> dict | None:
    return next((a for a in ctx.facts.metric_alarms() if a.get("AlarmName") == ALARM), None)


@TASK.check("4.2", f"Alarm {ALARM} watches the function's Errors metric", points=3, hint=ALARM_HINT)
def alarm(ctx: Context) -> Verdict:
    found = the_alarm(ctx)
    if found is None:
        others = sorted(str(a.get("AlarmName")) for a in ctx.facts.metric_alarms() if watches_errors(a))
        if others:
            return failed(f"no alarm named {ALARM}; {', '.join(others)} watches the right metric under another "
                          "name (alarm names cannot be changed: create it again with the lab's name)")
        return failed(f"no alarm named {ALARM} in {ctx.region}")
    if not watches_errors(found):
        dimensions = ", ".join(f"{d.get('Name')}={d.get('Value')}" for d in found.get("Dimensions") or [])
        return failed(f"{ALARM} watches {found.get('Namespace')} {found.get('MetricName')} "
                      f"({dimensions or 'no dimensions'}), not AWS/Lambda Errors of {HELLO}",
                      hint=put_alarm_fix(found, {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                                                 "Dimensions": [{"Name": "FunctionName", "Value": HELLO}]}))
    return passed(f"{ALARM} watches AWS/Lambda Errors of {HELLO}")


@TASK.check("4.3", "The alarm fires on more than 5 errors (Sum) in 5 minutes", points=3, requires=alarm, hint=ALARM_HINT)
def threshold(ctx: Context) -> Verdict:
    found = the_alarm(ctx) or {}
    wrong = {k: found.get(k) for k, v in EXPECTED.items() if found.get(k) != v}
    if wrong:
        return failed("; ".join(f"{k} is {value_text(v)} (expected {value_text(EXPECTED[k])})"
                                for k, v in wrong.items()),
                      hint=put_alarm_fix(found, {k: EXPECTED[k] for k in wrong}), **wrong)
    return passed("Sum of Errors over 300 s, greater than 5")


def logs_json(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    log_format = ((configuration(ctx, HELLO) or {}).get("LoggingConfig") or {}).get("LogFormat")
    found = code_reading.json_logging(modules, log_format)
    file = handler.source.path
    if found is None:
        return Lacks(f"{file} writes no JSON log line: its logs are plain text, which Logs Insights cannot "
                     "filter or count by field", f"{file} must log each step as one JSON object "
                     "(logger.info(json.dumps({'level': ..., 'message': ..., ...})))")
    at, how = found
    return passed(f"{at} {how}", logs=at)


structured = code_check(TASK, "4.4", "HelloWorldFunction's code writes structured (JSON) log lines", HELLO, points=3,
                        judge=logs_json)
