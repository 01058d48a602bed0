"""Facts written by hand: a student's account as plain data, judged in milliseconds without AWS or the emulator.

:class:`HandBuiltFacts` answers every question checks ask of :class:`grader.aws.facts.Facts` (same method
names, arguments and result shapes: ``function()`` is ``{"Configuration": ...}``, queue attributes are
strings, listings are filtered by what the real read asks AWS for), from dictionaries a test changes one
value of. ``tests/checks/<assessment>/test_every_field.py`` build a complete student with it, then make
each checked value wrong in turn; ``tools/mutation.py`` runs those tests first because they are fast.

:class:`Mistake` and :func:`assert_mistake` state what one wrong value must cost: exactly these failing
checks, exactly these task scores, every other task full marks, and a message that names what is wrong
(dependents say "not checked: <their prerequisite>").
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.aws.packages import Package
from grader.engine import judge_all
from grader.model import Status, StudentResult
from grader.rubric import Context

ACCOUNT = "123456789012"  # the graded account
REGION = "us-east-1"  # the graded region
OTHER_ACCOUNT = "210987654321"  # someone else's account
OTHER_REGION = "eu-west-1"  # a region the student is not graded in
TRUSTED_ACCOUNT = "111122223333"  # lambda_medium task 11's other account
INSIGHTS_PUBLISHER = "580247275435"  # AWS's Lambda Insights publisher in us-east-1

AWS_MANAGED = "arn:aws:iam::aws:policy/"
# AWS managed policies as AWS has them (the statements that matter to the checks).
MANAGED_DOCUMENTS = {
    "service-role/AWSLambdaBasicExecutionRole": [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "*"}],
    "service-role/AWSLambdaVPCAccessExecutionRole": [
        {"Sid": "AWSLambdaVPCAccessExecutionPermissions", "Effect": "Allow", "Action": [
            "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], "Resource": "*"}],
    "CloudWatchLambdaInsightsExecutionRolePolicy": [
        {"Sid": "CloudWatchLambdaInsightsExecutionRolePolicy", "Effect": "Allow", "Action": "logs:CreateLogGroup",
         "Resource": "*"},
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*"}],
    "AmazonS3FullAccess": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
    "AmazonS3ReadOnlyAccess": [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*",
                                       "s3-object-lambda:List*"], "Resource": "*"}],
}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@dataclass
class HandBuiltFacts:
    """One account and region's facts as data; each method answers as ``grader.aws.facts.Facts`` does."""

    account: str = ACCOUNT
    region: str = REGION
    configurations: dict[str, dict[str, Any]] = field(default_factory=dict)  # function -> ($LATEST) configuration
    reserved: dict[str, int] = field(default_factory=dict)  # function -> reserved concurrency
    tag_sets: dict[str, dict[str, str]] = field(default_factory=dict)  # function -> tags
    layer_versions: dict[str, dict[str, Any]] = field(default_factory=dict)  # layer -> its latest version
    invoke_configs: dict[str, dict[str, Any]] = field(default_factory=dict)  # function -> event invoke config
    mappings: list[dict[str, Any]] = field(default_factory=list)  # event source mappings of the account
    alias_lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # function -> aliases
    published: dict[str, list[str]] = field(default_factory=dict)  # function -> published version numbers
    provisioned: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (function, qualifier) -> config
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)  # function -> resource-based policy
    queues: dict[str, dict[str, str]] = field(default_factory=dict)  # queue name -> attributes (QueueArn included)
    subnet_map: dict[str, dict[str, Any]] = field(default_factory=dict)  # subnet id -> subnet
    group_map: dict[str, dict[str, Any]] = field(default_factory=dict)  # security group id -> group
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> {"attached": [...], "inline": {...}}
    managed: dict[str, dict[str, Any]] = field(default_factory=dict)  # managed policy ARN -> default document
    targets: list[dict[str, Any]] = field(default_factory=list)  # Application Auto Scaling scalable targets
    scaling: list[dict[str, Any]] = field(default_factory=list)  # Application Auto Scaling scaling policies
    alarms: list[dict[str, Any]] = field(default_factory=list)  # CloudWatch metric alarms
    log_groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> log group
    apis: list[dict[str, Any]] = field(default_factory=list)  # REST APIs
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # API id -> resources (methods embedded)
    stages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # API id -> stages
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"notifications": ..., "keys": [...]}
    concurrency_quota: int = 1000  # the Region's Lambda concurrency quota (AWS's default; a new account's is 10)
    packages: dict[str, Package] = field(default_factory=dict)  # function -> its deployment package
    layer_contents: dict[str, Package] = field(default_factory=dict)  # layer version ARN -> its content
    inventory: bool = False

    def __post_init__(self) -> None:
        for name, statements in MANAGED_DOCUMENTS.items():
            self.managed[AWS_MANAGED + name] = document(*copy.deepcopy(statements))

    # --- building ------------------------------------------------------------------------------

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        return f"arn:aws:{service}:{self.region if region is None else region}:{account or self.account}:{resource}"

    def function_arn(self, name: str, *, region: str | None = None, account: str | None = None) -> str:
        return self.arn("lambda", f"function:{name}", region=region, account=account)

    def queue_arn(self, name: str, *, region: str | None = None, account: str | None = None) -> str:
        return self.arn("sqs", name, region=region, account=account)

    def role_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{name}"

    def add_function(self, name: str, role: str, **settings: Any) -> dict[str, Any]:
        config = {"FunctionName": name, "FunctionArn": self.function_arn(name), "Runtime": "python3.12",
                  "Role": self.role_arn(role), "Handler": "lambda_function.lambda_handler", "MemorySize": 128,
                  "Timeout": 3, "Architectures": ["x86_64"], "Version": "$LATEST", "State": "Active", **settings}
        self.configurations[name] = config
        return config

    def add_role(self, name: str, managed: tuple[str, ...] = (), inline: dict[str, Any] | None = None) -> str:
        self.roles[name] = {"attached": [{"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": AWS_MANAGED + p}
                                         for p in managed], "inline": dict(inline or {})}
        return name

    def add_queue(self, name: str, **attributes: str) -> str:
        arn = self.queue_arn(name)
        # As the queue fact has it: the attributes and the URL it was read by.
        self.queues[name] = {"QueueArn": arn, "QueueUrl": f"https://sqs.{self.region}.amazonaws.com/{self.account}/{name}",
                             "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600",
                             "DelaySeconds": "0", **attributes}
        return arn

    def config(self, name: str) -> dict[str, Any]:
        return self.configurations[name]

    def alarm(self, name: str) -> dict[str, Any]:
        return next(a for a in self.alarms if a["AlarmName"] == name)

    # --- the questions checks ask (grader.aws.services.*) -------------------------------------

    def parallel(self, *reads: Callable[[], Any]) -> list[Any]:
        return [read() for read in reads]

    def prefetch(self, *reads: Callable[[], Any]) -> None:
        pass

    def account_id(self) -> str:
        return self.account

    def function(self, name: str) -> dict[str, Any] | None:
        config = self.configurations.get(name)
        return None if config is None else {"Configuration": copy.deepcopy(config)}

    def function_names(self) -> set[str]:
        return set(self.configurations)

    def function_tags(self, name: str) -> dict[str, str] | None:
        return None if name not in self.configurations else dict(self.tag_sets.get(name, {}))

    def function_package(self, name: str) -> Package | None:
        if name not in self.configurations:
            return None
        return self.packages.get(name, Package())  # a function always has a package: empty unless given

    def layer_package(self, layer_version_arn: str) -> Package | None:
        return self.layer_contents.get(layer_version_arn)

    def reserved_concurrency(self, name: str) -> int | None:
        return self.reserved.get(name) if name in self.configurations else None

    def account_concurrency(self) -> dict[str, int]:
        """As GetAccountSettings has it: a reservation holds the function's provisioned concurrency, else the
        provisioned concurrency comes out of the unreserved pool (tests/recordings/lambda/GetAccountSettings.json)."""
        provisioned: dict[str, int] = {}
        for (function, _qualifier), config in self.provisioned.items():
            provisioned[function] = provisioned.get(function, 0) + int(config.get("RequestedProvisionedConcurrentExecutions") or 0)
        used = sum(max(self.reserved.get(n, 0), provisioned.get(n, 0)) for n in set(self.reserved) | set(provisioned))
        return {"ConcurrentExecutions": self.concurrency_quota,
                "UnreservedConcurrentExecutions": self.concurrency_quota - used}

    def layer_names(self) -> set[str]:
        return set(self.layer_versions)

    def latest_layer_version(self, layer_name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.layer_versions.get(layer_name))

    def event_invoke_config(self, function_name: str) -> dict[str, Any] | None:
        if function_name not in self.configurations:
            return None
        return copy.deepcopy(self.invoke_configs.get(function_name))

    def event_source_mappings(self, source_arn: str) -> list[dict[str, Any]]:
        # ListEventSourceMappings(EventSourceArn=...) and the listing indexed by EventSourceArn alike.
        return [copy.deepcopy(m) for m in self.mappings if m.get("EventSourceArn") == source_arn]

    def aliases(self, function_name: str) -> list[dict[str, Any]] | None:
        if function_name not in self.configurations:
            return None
        return copy.deepcopy(self.alias_lists.get(function_name, []))

    def versions(self, function_name: str) -> list[dict[str, Any]] | None:
        config = self.configurations.get(function_name)
        if config is None:
            return None
        return [dict(copy.deepcopy(config), Version=v, FunctionArn=f"{config['FunctionArn']}:{v}")
                for v in ("$LATEST", *self.published.get(function_name, []))]

    def provisioned_concurrency(self, function_name: str, qualifier: str) -> dict[str, Any] | None:
        if function_name not in self.configurations:
            return None
        return copy.deepcopy(self.provisioned.get((function_name, qualifier)))

    def function_policy(self, function_name: str) -> dict[str, Any] | None:
        if function_name not in self.configurations:
            return None
        return copy.deepcopy(self.policies.get(function_name))

    def queue(self, name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.queues.get(name))

    def subnets(self, subnet_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.subnet_map[i]) for i in dict.fromkeys(subnet_ids) if i in self.subnet_map]

    def security_groups(self, group_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.group_map[i]) for i in dict.fromkeys(group_ids) if i in self.group_map]

    def attached_role_policies(self, role_name: str) -> list[dict[str, Any]] | None:
        role = self.roles.get(role_name)
        return None if role is None else copy.deepcopy(role["attached"])

    def inline_role_policies(self, role_name: str) -> dict[str, Any] | None:
        role = self.roles.get(role_name)
        return None if role is None else copy.deepcopy(role["inline"])

    def managed_policy_document(self, policy_arn: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.managed.get(policy_arn))

    def scalable_targets(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(t) for t in self.targets
                if t.get("ServiceNamespace") == namespace and t.get("ResourceId") == resource_id]

    def scaling_policies(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(p) for p in self.scaling
                if p.get("ServiceNamespace") == namespace and p.get("ResourceId") == resource_id]

    def metric_alarms(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.alarms)

    def metric_alarms_named(self, names: tuple[str, ...]) -> list[dict[str, Any]]:
        return copy.deepcopy([a for a in self.alarms if a["AlarmName"] in names])

    def log_group(self, name: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.log_groups.get(name))

    def rest_apis(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.apis)

    def rest_api_resources(self, api_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.resources.get(api_id, []))

    def rest_api_stages(self, api_id: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self.stages.get(api_id, []))

    def bucket_names(self) -> list[str]:
        return sorted(self.buckets)

    def bucket_notifications(self, bucket: str) -> dict[str, Any] | None:
        found = self.buckets.get(bucket)
        return None if found is None else copy.deepcopy(found["notifications"])

    def object_keys(self, bucket: str, prefix: str) -> list[str] | None:
        found = self.buckets.get(bucket)
        return None if found is None else [k for k in found["keys"] if k.startswith(prefix)]


def grade(assessment: Any, facts: HandBuiltFacts, sid: str) -> StudentResult:
    """The student's result over these facts, judged by the engine as a run judges it (one thread)."""
    context = Context(sid, facts.account, facts.region, facts, assessment.names_end_in_student_id)
    return StudentResult(sid, facts.account, facts.region, judge_all(assessment, context), 70.0)


# --- what one mistake costs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One wrong value: the checks it fails, the tasks' scores after it, and what each failing message says."""

    name: str
    apply: Callable[[HandBuiltFacts], Any]
    failing: frozenset[str]
    scores: dict[int, float]  # the tasks that lose points -> their exact score; every other task keeps all
    says: dict[str, tuple[str, ...]]  # failing check -> words its message contains
    fix: dict[str, str] = field(default_factory=dict)  # failing check -> its whole hint (the fix shown)
    message: dict[str, str] = field(default_factory=dict)  # failing check -> its whole message
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)  # failing check -> its whole evidence


class Mistakes(dict):
    """An assessment's mistakes by name, each registered where its task's cases are written."""

    def __init__(self, max_scores: dict[int, float]) -> None:
        super().__init__()
        self.max_scores = max_scores

    def add(self, name: str, apply: Callable[[HandBuiltFacts], Any], failing: str, *,
            score: float | dict[int, float], says: str | tuple[str, ...] | dict[str, Any] = (),
            fix: str | dict[str, str] | None = None, evidence: dict[str, Any] | None = None,
            message: str | dict[str, str] | None = None) -> None:
        """``failing``: the check ids, space-separated. ``score``: the exact score of the first failing check's
        task (or a dict of every task that loses points). ``says``: what the first failing check's message
        names (or a dict check -> words, for every failing check that is not a dependent). ``fix``,
        ``evidence`` and ``message``: the first failing check's whole hint, evidence and message (or dicts by
        check), when given."""
        if name in self:
            raise ValueError(f"two mistakes named {name!r}")
        ids = failing.split()
        if not isinstance(score, dict):
            score = {int(ids[0].split(".")[0]): score}
        if not isinstance(says, dict):
            says = {ids[0]: says} if says else {}
        words = {check: (w,) if isinstance(w, str) else tuple(w) for check, w in says.items()}
        fixes = {} if fix is None else fix if isinstance(fix, dict) else {ids[0]: fix}
        seen = {} if evidence is None else evidence if set(evidence) <= set(ids) else {ids[0]: evidence}
        messages = {} if message is None else message if isinstance(message, dict) else {ids[0]: message}
        self[name] = Mistake(name, apply, frozenset(ids), dict(score), words, fixes, messages, seen)

    def wrong(self, check: str, name: str, where: Callable[[HandBuiltFacts], Any], key: str, values: Any, *,
              score: float | dict[int, float], says: str | tuple[str, ...] = (), failing: str | None = None,
              absent: bool = False) -> None:
        """One case per value: only ``where(facts)[key]`` is wrong, and the message names the value (and
        ``says``). ``absent``: the value makes the thing the check looks for absent, and the message names
        what is missing."""
        for value in values:
            self.add(f"{check} {name} {value!r}", lambda f, v=value: where(f).__setitem__(key, v), failing or check,
                     score=score, says=(*([] if absent else named(value)), *([says] if isinstance(says, str) else says)))


def named(value: Any) -> list[str]:
    """How a message names a wrong value: a scalar as text, a list by its items; a mapping or nothing is named
    by the words the case gives."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return [f"{value:.0f}"]  # a whole threshold is shown whole: 10, not 10.0
    return [] if isinstance(value, dict) or value == "" else [str(value)]



def assert_mistake(student: StudentResult, mistake: Mistake, max_scores: dict[int, float]) -> None:
    checks = {c.id: c for t in student.tasks for c in t.checks}
    failing = {c.id for c in checks.values() if c.status not in (Status.PASS, Status.WARN)}
    crashed = {c.id: c.message for c in checks.values() if "crashed" in c.evidence}
    assert not crashed, f"checks crashed: {crashed}"
    assert failing == mistake.failing, f"failing {sorted(failing)}, expected {sorted(mistake.failing)}"
    assert all(checks[c].status is Status.FAIL for c in failing), "a mistake is a fail, never an error"
    expected = {n: mistake.scores.get(n, full) for n, full in max_scores.items()}
    assert {t.number: t.score for t in student.tasks} == expected
    assert student.score == sum(expected.values())
    for check_id in failing:
        message = checks[check_id].message
        if check_id in mistake.message:
            continue  # the whole message is stated below
        if check_id in mistake.says:
            for words in mistake.says[check_id]:
                assert words in message, f"{check_id}: {message!r} does not name {words!r}"
        else:  # a dependent: one reason, its failed prerequisite's
            assert message.startswith("not checked: "), f"{check_id}: {message!r} (say what it names)"
            assert message.split()[2] in failing, f"{check_id}: {message!r} names a check that did not fail"
    for check_id, hint in mistake.fix.items():
        assert checks[check_id].hint == hint, f"{check_id}: the fix shown is {checks[check_id].hint!r}"
    for check_id, message in mistake.message.items():
        assert checks[check_id].message == message, f"{check_id}: the message is {checks[check_id].message!r}"
    for check_id, seen in mistake.evidence.items():
        assert checks[check_id].evidence == seen, f"{check_id}: the evidence is {checks[check_id].evidence!r}"


# --- the fixes each mistake prints ------------------------------------------------------------------

UPDATE_GOLDEN = bool(os.environ.get("UPDATE_GOLDEN"))


def fixes_printed(assessment: Any, account: Callable[[], HandBuiltFacts], mistakes: Mistakes, sid: str,
                  more: dict[str, Callable[[HandBuiltFacts], Any]]) -> dict[str, dict[str, str]]:
    """Mistake name -> {check id: the fix it prints}, for every failing check that was checked (a skipped
    one prints its prerequisite's), over every listed mistake and the ``more`` accounts."""
    printed = {}
    for name, change in [*((m, mistakes[m].apply) for m in mistakes), *more.items()]:
        facts = account()
        change(facts)
        student = grade(assessment, facts, sid)
        printed[name] = {c.id: c.hint for t in student.tasks for c in t.checks
                         if c.status is not Status.PASS and c.hint and not c.skipped_by}
    return printed


def assert_fixes_golden(printed: dict[str, dict[str, str]], path: Path) -> None:
    """The fixes as students get them, compared with a golden file. Each is an executable specification:
    ``tests/acceptance/test_fix_lines.py`` runs such lines with the real aws CLI and grades again. After an
    intended change: ``UPDATE_GOLDEN=1 pytest -n 0 tests/checks`` and review ``git diff`` of the file."""
    text = json.dumps(printed, indent=1, ensure_ascii=False) + "\n"
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}: run UPDATE_GOLDEN=1 pytest -n 0 tests/checks and review it"
    golden = json.loads(path.read_text(encoding="utf-8"))
    differ = {name: {"printed": printed.get(name), "golden": golden.get(name)}
              for name in sorted(set(printed) | set(golden)) if printed.get(name) != golden.get(name)}
    assert not differ, f"{len(differ)} mistake(s) print other fixes than {path.name}: " + json.dumps(
        dict(list(differ.items())[:3]), indent=1)
