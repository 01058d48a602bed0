"""Task 12: CloudWatch alarms on the student's functions: errors, duration, throttles."""

from checks.lambda_medium.common import FUNCTIONS, readme_alarms
from checks.shared import close_names, configuration, function_names, put_alarm_fix, value_text
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(12, "CloudWatch alarms", points=10)


def put_alarm_hint(name: str, metric: str, statistic: str, periods: int, threshold: int, operator: str) -> str:
    return (
        f"aws cloudwatch put-metric-alarm --alarm-name {readme_alarms('{sid}', name)[0]} --namespace AWS/Lambda "
        f"--metric-name {metric} --statistic {statistic} --period 300 --evaluation-periods {periods} "
        f"--threshold {threshold} --comparison-operator {operator} "
        "--dimensions Name=FunctionName,Value=layer-consumer-{sid}"
    )


def made_by_auto_scaling(alarm: dict) -> bool:
    """An alarm Application Auto Scaling made for a target-tracking policy (task 10's makes two:
    ``TargetTracking-function:<fn>:<alias>-AlarmHigh-<uuid>`` and ``-AlarmLow-``, acting on the policy;
    AWS Lambda developer guide, "Configuring provisioned concurrency"). It has both marks: an alarm of the
    student's own is theirs whatever it is named, and whatever it acts on."""
    actions = [str(a) for a in alarm.get("AlarmActions") or []]
    return (str(alarm.get("AlarmName", "")).startswith("TargetTracking-")
            and any(":autoscaling:" in a and ":scalingPolicy:" in a for a in actions))


def watched_functions(alarm: dict) -> set[str]:
    return {str(d.get("Value")) for d in alarm.get("Dimensions") or [] if d.get("Name") == "FunctionName"}


def present(ctx: Context) -> set[str]:
    """The student's functions that exist in the graded region. An alarm names its function by a string
    anyone in a shared account can write: alarms on ``layer-consumer-<id>`` are nobody's work until the
    function is there, so an alarm counts only for one of these."""
    return {ctx.name(prefix) for prefix in FUNCTIONS if configuration(ctx, prefix) is not None}


def student_alarms(ctx: Context, *, named_only: bool = False) -> list[dict]:
    """The alarms on AWS/Lambda metrics whose FunctionName is exactly one of the student's functions that
    exist: every such alarm, or (``named_only``) those of them the README names (``Lambda-Throttles-<id>``)."""
    own = present(ctx)
    alarms = []
    listed = ctx.facts.metric_alarms_named(readme_alarms(ctx.sid)) if named_only else ctx.facts.metric_alarms()
    for alarm in listed:
        if alarm.get("Namespace") != "AWS/Lambda" or made_by_auto_scaling(alarm):
            continue
        if watched_functions(alarm) & own:
            alarms.append(alarm)
    return alarms


def named_for(ctx: Context, alarm: dict) -> bool:
    """The alarm's name ends in the student's ID after a character that is not a letter or digit
    (``Lambda-Errors-kim7`` is kim7's, not im7's; case aside): the only alarms the grader offers to move.
    A fix rewriting a classmate's alarm (``Lambda-Errors-kim`` on kim's function, not made yet) would take
    kim's work for kim7."""
    name, sid = str(alarm.get("AlarmName", "")), ctx.sid
    if not name.lower().endswith(sid.lower()):
        return False
    before = name[: len(name) - len(sid)]
    return before == "" or not before[-1].isalnum()


def near_misses(ctx: Context) -> list[tuple[dict, str, str]]:
    """Alarms of the student's own (``named_for``) on a function that does not exist and whose name is
    nearly one of the student's (``layer-consumer-kim`` for ``kim7``): (alarm, the name it watches, the
    function it probably means). An existing function (another student's) is never a near miss, and the
    fix only ever moves an alarm named for the student onto one of the student's names."""
    own = [ctx.name(prefix) for prefix in FUNCTIONS]
    existing: set[str] | None = None
    found = []
    for alarm in ctx.facts.metric_alarms():
        if alarm.get("Namespace") != "AWS/Lambda" or made_by_auto_scaling(alarm) or not named_for(ctx, alarm):
            continue
        for watched in sorted(watched_functions(alarm) - set(own)):
            close = close_names(watched, own, limit=1)  # layer-consumer-kim for kim7 too: all names are long
            if not close:
                continue
            if existing is None:
                existing = function_names(ctx)
            if watched not in existing:
                found.append((alarm, watched, close[0]))
    return found


# The check whose fix creates each function (tests/checks/lambda_medium/test_task12_alarms.py holds it to them).
CREATED_BY = {"layer-consumer": "2.1", "vpc-lambda": "3.1", "async-processor": "4.1", "sqs-consumer": "5.3",
              "dlq-processor": "6.4", "rate-limited-function": "7.1"}


def on_absent_functions(ctx: Context, metric: str | None = None) -> tuple[str, str | None]:
    """(`` (alarms on layer-consumer-kim7, which does not exist ...)`` for the message, a fix saying to
    create it first) for alarms on the student's names whose functions are not there: they count once the
    function is, and writing them again would change nothing."""
    there = present(ctx)
    missing = {ctx.name(prefix): prefix for prefix in FUNCTIONS if ctx.name(prefix) not in there}
    watched = sorted({w for a in ctx.facts.metric_alarms()
                      if a.get("Namespace") == "AWS/Lambda" and not made_by_auto_scaling(a)
                      and (metric is None or a.get("MetricName") == metric) for w in watched_functions(a) & set(missing)})
    if not watched:
        return "", None
    names, one = ", ".join(watched), len(watched) == 1
    fixes = ", ".join(CREATED_BY[missing[w]] for w in watched)
    return (f" (alarms on {names}, which {'does' if one else 'do'} not exist in {ctx.region}: an alarm counts only "
            "for a function of yours)",
            shell.comment(f"{names} {'does' if one else 'do'} not exist: create {'it' if one else 'them'} first "
                          f"(the fix under {fixes}); the alarms on {'it' if one else 'them'} then count"))


def retarget(alarm: dict, watched: str, meant: str) -> str:
    """The alarm moved to the function meant: its FunctionName, and a Resource dimension naming the same
    function (``<function>`` or ``<function>:<qualifier>``: Lambda's metric dimensions, as aws-cdk's
    LambdaMetrics and its alias metrics (aws/aws-cdk#3728) write them)."""
    def moved(dimension: dict) -> dict:
        value = str(dimension.get("Value"))
        if dimension.get("Name") in ("FunctionName", "Resource") and value.split(":")[0] == watched:
            return dict(dimension, Value=meant + value[len(watched):])
        return dimension

    return put_alarm_fix(alarm, {"Dimensions": [moved(d) for d in alarm.get("Dimensions") or []]})


def near_miss_note(ctx: Context, metric: str | None = None) -> tuple[str, str | None]:
    """(`` — did you mean ...`` for the message, the fix that points those alarms at the right function)."""
    misses = [m for m in near_misses(ctx) if metric is None or m[0].get("MetricName") == metric]
    if not misses:
        return "", None
    shown = "; ".join(f"{a.get('AlarmName')} watches {w}: did you mean {m}?" for a, w, m in misses)
    return f" ({shown})", shell.fix(*[retarget(a, w, m) for a, w, m in misses])


@TASK.check("12.1", "At least 3 alarms on your functions", points=4)
def three_alarms(ctx: Context) -> Verdict:
    named = student_alarms(ctx, named_only=True)
    alarms = named if len(named) >= 3 else student_alarms(ctx)
    names = sorted(a.get("AlarmName", "") for a in alarms)
    if len(alarms) >= 3:
        return passed(f"{len(alarms)} alarms: {', '.join(names)}", alarms=names)
    # Fewer than three alarms cannot watch all three metrics: the fix names those none of them watches.
    metrics = {a.get("MetricName") for a in alarms}
    missing = [m for m in ("Errors", "Duration", "Throttles") if m not in metrics]
    note, retargeted = near_miss_note(ctx)
    # The missing ones are 12.2-12.4's, whose fixes create them: said once, under each of those.
    checks = {"Errors": "12.2", "Duration": "12.3", "Throttles": "12.4"}
    # Fewer than three alarms leave a metric unwatched: ``missing`` is never empty here.
    absent, create_first = on_absent_functions(ctx)
    hint = retargeted or create_first or shell.comment(f"the {', '.join(missing)} alarm{'s' if len(missing) > 1 else ''}: see the "
                                       f"fix under {', '.join(checks[m] for m in missing)}")
    listed = f": {', '.join(names)}" if names else ""
    return failed(f"{len(alarms)} alarm(s) on AWS/Lambda metrics of your functions{listed}; create at least 3{note}"
                  f"{absent}",
                  hint=hint, alarms=names)


def alarm_check(check_id: str, metric: str, expected: dict, points: float, hint: str):
    described = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in expected.items())

    @TASK.check(check_id, f"{metric} alarm ({described})", points=points, hint=hint)
    def alarm(ctx: Context) -> Verdict:
        for candidate in student_alarms(ctx, named_only=True):
            if candidate.get("MetricName") == metric and all(candidate.get(k) == v for k, v in expected.items()):
                return passed(f"{candidate.get('AlarmName')} matches", alarm=candidate.get("AlarmName"))
        candidates = [a for a in student_alarms(ctx) if a.get("MetricName") == metric]
        if not candidates:
            note, retargeted = near_miss_note(ctx, metric)
            absent, create_first = on_absent_functions(ctx, metric)
            return failed(f"no alarm on the {metric} metric of your functions{note}{absent}",
                          hint=retargeted or create_first)
        best, best_wrong = None, None
        for candidate in candidates:
            wrong = {k: candidate.get(k) for k, v in expected.items() if candidate.get(k) != v}
            if not wrong:
                return passed(f"{candidate.get('AlarmName')} matches", alarm=candidate.get("AlarmName"))
            if best_wrong is None or len(wrong) < len(best_wrong):
                best, best_wrong = candidate, wrong
        found = ", ".join(f"{k} is {value_text(v)} (expected {value_text(expected[k])})" for k, v in best_wrong.items())
        return failed(f"{best.get('AlarmName')}: {found}", hint=put_alarm_fix(best, {k: expected[k] for k in best_wrong}),
                      alarm=best.get("AlarmName"))

    return alarm


HINTS = {
    "Errors": put_alarm_hint("HighErrorRate", "Errors", "Sum", 2, 5, "GreaterThanThreshold"),
    "Duration": put_alarm_hint("HighDuration", "Duration", "Average", 2, 25000, "GreaterThanThreshold"),
    "Throttles": put_alarm_hint("Throttles", "Throttles", "Sum", 1, 1, "GreaterThanOrEqualToThreshold"),
}

# What each of 12.2-12.4 grades (the README's table says which settings are only suggested).
EXPECTED = {
    "Errors": {"Statistic": "Sum", "Period": 300, "EvaluationPeriods": 2, "Threshold": 5.0,
               "ComparisonOperator": "GreaterThanThreshold"},
    "Duration": {"Statistic": "Average", "Threshold": 25000.0, "ComparisonOperator": "GreaterThanThreshold"},
    "Throttles": {"Statistic": "Sum", "Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold"},
}

errors = alarm_check("12.2", "Errors", EXPECTED["Errors"], 2, HINTS["Errors"])
duration = alarm_check("12.3", "Duration", EXPECTED["Duration"], 2, HINTS["Duration"])
throttles = alarm_check("12.4", "Throttles", EXPECTED["Throttles"], 2, HINTS["Throttles"])
