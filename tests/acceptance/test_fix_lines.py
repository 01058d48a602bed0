"""Fix lines are executable specifications: for a mistake, the lines the grader prints are run as printed
with the real ``aws`` CLI (in-process, against the emulator), the student is graded again, and the mistake
is gone with nothing else changed.

Only values a student must choose may be left as ``<placeholders>`` (``CHOICES``): everything the grader
has read (a queue's URL, a role, a statement id, an API id, an alarm's settings) is filled in. Every fix
is valid bash (``bash -n``) and safe to paste into an interactive shell (no ``!`` outside single quotes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from checks.building import settled
from grader import shell
from grader.model import Status, StudentResult
from tests.acceptance.aws_cli import AwsCli, write_student_code
from tests.conftest import Account, new_student_id

# The values only the student can choose, and what this test chooses for them.
CHOICES = {"<trusted-account-id>": "111122223333", "<insights-version>": "53"}


@pytest.fixture
def aws(emulator, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # fileb://function.zip and friends are relative to where the student is
    write_student_code(tmp_path)  # function.zip and layer.zip, whose code the grader reads
    (tmp_path / "test-file.txt").write_text("one line\n")
    return AwsCli(emulator, monkeypatch, tmp_path)


def fixes_of(student: StudentResult) -> list[str]:
    """The fixes printed for a student, each once, in the order shown (skipped rows have none)."""
    return list(dict.fromkeys(c.hint for t in student.tasks for c in t.checks
                              if c.status is not Status.PASS and c.hint))


def choose(text: str) -> str:
    for placeholder, value in CHOICES.items():
        text = text.replace(placeholder, value)
    return text


def assert_pasteable(fix: str) -> None:
    for line in fix.splitlines():
        assert shell.history_safe(line), f"bash would history-expand: {line}"
    left = shell.placeholders(fix) - set(CHOICES)
    assert not left, f"placeholders the grader could have filled: {left}\n{fix}"
    if shutil.which("bash"):  # once the student has put in their choices, it is valid bash as printed
        checked = subprocess.run(["bash", "-n"], input=choose(fix), capture_output=True, text=True, timeout=10)
        assert checked.returncode == 0, f"not valid bash:\n{fix}\n{checked.stderr}"


def run_fix(aws: AwsCli, fix: str) -> None:
    assert_pasteable(fix)
    for line in shell.commands(choose(fix)):
        assert line.startswith("aws "), f"not an aws command: {line}"
        aws(line[len("aws "):])


def outside(student: StudentResult, tasks: set[int]) -> dict[str, Any]:
    return {c.id: (c.status, c.points, c.message, c.evidence) for t in student.tasks if t.number not in tasks
            for c in t.checks}


def fix_and_regrade(account: Account, aws: AwsCli, sid: str, mistake, tasks: set[int]) -> tuple[StudentResult, list]:
    baseline = account.grade_run(sid).students[0]
    assert baseline.score == 100
    mistake(account, sid)
    graded = account.grade_run(sid).students[0]
    failing = {c.id for t in graded.tasks for c in t.checks if c.status is Status.FAIL}
    assert failing and {int(c.split(".")[0]) for c in failing} <= tasks, failing
    fixes = fixes_of(graded)
    assert fixes, "no fix printed"
    for fix in fixes:
        run_fix(aws, fix)
    # Graded again once AWS has applied the fixes (a function updated by one reads InProgress for a while).
    lambda_client = account.client("lambda")
    listed = [f["FunctionName"] for page in lambda_client.get_paginator("list_functions").paginate()
              for f in page["Functions"]]
    settled(lambda_client, *(name for name in listed
                             if name.endswith(sid) or not account.assessment.names_end_in_student_id))
    again = account.grade_run(sid).students[0]
    still = {c.id: c.message for t in again.tasks for c in t.checks if c.status not in (Status.PASS, Status.WARN)}
    assert not still, f"still failing after the printed fixes {fixes}: {still}"
    assert outside(again, tasks) == outside(baseline, tasks), "the fix changed another task"
    return again, fixes


# --- lambda_medium: at least one mistake per task ---------------------------------------------------


def lam(account: Account) -> Any:
    return account.client("lambda")


def queue_url(account: Account, name: str) -> str:
    return account.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]


def new_layer_version_without_description(a, sid):
    lam(a).publish_layer_version(LayerName=f"common-utils-layer-{sid}", Content={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
                                 CompatibleRuntimes=["python3.12"])


def layers_replaced_by_insights_only(a, sid):
    config = lam(a).get_function_configuration(FunctionName=f"layer-consumer-{sid}")
    insights = [layer["Arn"] for layer in config["Layers"] if "LambdaInsightsExtension" in layer["Arn"]]
    lam(a).update_function_configuration(FunctionName=f"layer-consumer-{sid}", Layers=insights)


def subnet_ids_variable_wrong(a, sid):
    config = lam(a).get_function_configuration(FunctionName=f"vpc-lambda-{sid}")
    variables = dict(config["Environment"]["Variables"], SUBNET_IDS="subnet-0000", EXTRA="kept as it is!")
    lam(a).update_function_configuration(FunctionName=f"vpc-lambda-{sid}", Environment={"Variables": variables})


def vpc_role_without_eni_actions(a, sid):
    a.client("iam").detach_role_policy(
        RoleName=f"vpc-lambda-role-{sid}",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")


def success_queue_keeps_4_days(a, sid):
    a.client("sqs").set_queue_attributes(QueueUrl=queue_url(a, f"lambda-success-queue-{sid}"),
                                         Attributes={"MessageRetentionPeriod": "345600"})


def one_retry(a, sid):
    lam(a).update_function_event_invoke_config(FunctionName=f"async-processor-{sid}", MaximumRetryAttempts=1)


def batch_size_5(a, sid):
    mapping = lam(a).list_event_source_mappings(FunctionName=f"sqs-consumer-{sid}")["EventSourceMappings"][0]
    lam(a).update_event_source_mapping(UUID=mapping["UUID"], BatchSize=5)


def task_queue_visibility_30(a, sid):
    a.client("sqs").set_queue_attributes(QueueUrl=queue_url(a, f"task-queue-{sid}"),
                                         Attributes={"VisibilityTimeout": "30"})


def dlq_keeps_4_days(a, sid):
    a.client("sqs").set_queue_attributes(QueueUrl=queue_url(a, f"lambda-dlq-{sid}"),
                                         Attributes={"MessageRetentionPeriod": "345600"})


def reserved_10(a, sid):
    lam(a).put_function_concurrency(FunctionName=f"rate-limited-function-{sid}", ReservedConcurrentExecutions=10)


def insights_role_cannot_log(a, sid):
    iam = a.client("iam")
    iam.delete_role_policy(RoleName=f"lambda-role-{sid}", PolicyName="lambda-insights")
    iam.detach_role_policy(RoleName=f"lambda-role-{sid}",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")


def staging_on_version_1(a, sid):
    lam(a).update_alias(FunctionName=f"layer-consumer-{sid}", Name="STAGING", FunctionVersion="1")


def no_canary(a, sid):
    lam(a).update_alias(FunctionName=f"layer-consumer-{sid}", Name="PROD", RoutingConfig={"AdditionalVersionWeights": {}})


def scalable_target_from_1(a, sid):
    a.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="lambda", ResourceId=f"function:layer-consumer-{sid}:PROD",
        ScalableDimension="lambda:function:ProvisionedConcurrency", MinCapacity=1, MaxCapacity=10)


def public_instead_of_cross_account(a, sid):
    lam(a).remove_permission(FunctionName=f"layer-consumer-{sid}", StatementId="AllowCrossAccountInvoke")
    lam(a).add_permission(FunctionName=f"layer-consumer-{sid}", StatementId="Public", Action="lambda:InvokeFunction",
                          Principal="*")


def own_account_under_the_statement_id(a, sid):
    """AllowCrossAccountInvoke names the student's own account: the fix must remove it before adding it again
    (AWS refuses a statement id twice: tests/recordings/lambda/AddPermission.json statement-id-exists)."""
    lam(a).remove_permission(FunctionName=f"layer-consumer-{sid}", StatementId="AllowCrossAccountInvoke")
    lam(a).add_permission(FunctionName=f"layer-consumer-{sid}", StatementId="AllowCrossAccountInvoke",
                          Action="lambda:InvokeFunction", Principal="123456789012")


def no_provisioned_concurrency_behind_weights(a, sid):
    """PROD keeps its canary weights: AWS refuses provisioned concurrency until they come off, in the recorded
    form (tests/recordings/lambda/UpdateAlias.json weights-removed)."""
    lam(a).delete_provisioned_concurrency_config(FunctionName=f"layer-consumer-{sid}", Qualifier="PROD")


def duration_threshold_30000(a, sid):
    a.client("cloudwatch").put_metric_alarm(
        AlarmName=f"Lambda-HighDuration-{sid}", Namespace="AWS/Lambda", MetricName="Duration", Statistic="Average",
        Period=300, EvaluationPeriods=2, Threshold=30000, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-{sid}"}])


def throttles_alarm_on_a_typo(a, sid):
    a.client("cloudwatch").put_metric_alarm(
        AlarmName=f"Lambda-Throttles-{sid}", Namespace="AWS/Lambda", MetricName="Throttles", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": f"layer-consumer-{sid[:-1]}"}])


MEDIUM = {
    "1.3 a new layer version without description": (new_layer_version_without_description, {1}),
    "2.4 layers replaced by Insights alone": (layers_replaced_by_insights_only, {2}),
    "3.6 SUBNET_IDS wrong": (subnet_ids_variable_wrong, {3}),
    "3.7 VPC role without ENI actions": (vpc_role_without_eni_actions, {3}),
    "4.7 success queue keeps 4 days": (success_queue_keeps_4_days, {4}),
    "4.4 one retry": (one_retry, {4}),
    "5.7 batch size 5": (batch_size_5, {5}),
    "5.2 visibility timeout 30": (task_queue_visibility_30, {5}),
    "6.2 DLQ keeps 4 days": (dlq_keeps_4_days, {6}),
    "7.2 reserved concurrency 10": (reserved_10, {7}),
    "8.2 role cannot write Insights logs": (insights_role_cannot_log, {8}),
    "9.4 STAGING on version 1": (staging_on_version_1, {9}),
    "9.5 no canary": (no_canary, {9}),
    "10.2 scalable target from 1": (scalable_target_from_1, {10}),
    "11.2 public instead of cross-account": (public_instead_of_cross_account, {11}),
    "11.2 own account under the statement id": (own_account_under_the_statement_id, {11}),
    "10.1 no provisioned concurrency behind PROD's weights": (no_provisioned_concurrency_behind_weights, {10}),
    "12.3 Duration threshold 30000": (duration_threshold_30000, {12}),
    "12.4 Throttles alarm on layer-consumer-<id minus a character>": (throttles_alarm_on_a_typo, {12}),
}


@pytest.mark.parametrize("mistake", MEDIUM, ids=list(MEDIUM))
def test_medium_fix_lines_fix_the_mistake_and_nothing_else(emulator, aws, mistake):
    account = Account(emulator)
    sid = new_student_id("fx")
    account.build(sid)
    apply, tasks = MEDIUM[mistake]
    fix_and_regrade(account, aws, sid, apply, tasks)


def test_4_7_fixes_only_the_queue_that_is_wrong(emulator, aws):
    account = Account(emulator)
    sid = new_student_id("fx")
    account.build(sid)
    _, fixes = fix_and_regrade(account, aws, sid, success_queue_keeps_4_days, {4})
    assert fixes == [f"aws sqs set-queue-attributes --queue-url {queue_url(account, f'lambda-success-queue-{sid}')} "
                     "--attributes MessageRetentionPeriod=86400"]


def test_3_6_keeps_the_students_other_variables(emulator, aws):
    account = Account(emulator)
    sid = new_student_id("fx")
    account.build(sid)
    fix_and_regrade(account, aws, sid, subnet_ids_variable_wrong, {3})
    variables = lam(account).get_function_configuration(FunctionName=f"vpc-lambda-{sid}")["Environment"]["Variables"]
    assert variables["EXTRA"] == "kept as it is!"


# --- lambda_lab: several mistakes ---------------------------------------------------------------------


def lab_runtime_311(a, _):
    lam(a).update_function_configuration(FunctionName="HelloWorldFunction", Runtime="python3.11")


def lab_api_permission_removed(a, _):
    lam(a).remove_permission(FunctionName="HelloWorldFunction", StatementId="lambda-apigateway-invoke")


def lab_debug_variable_missing(a, _):
    config = lam(a).get_function_configuration(FunctionName="HelloWorldFunction")
    variables = dict(config["Environment"]["Variables"])
    del variables["ENABLE_DEBUG_LOGGING"]
    lam(a).update_function_configuration(FunctionName="HelloWorldFunction", Environment={"Variables": variables})


def lab_memory_128(a, _):
    lam(a).update_function_configuration(FunctionName="HelloWorldFunction", MemorySize=128)


def lab_alarm_threshold_10(a, _):
    a.client("cloudwatch").put_metric_alarm(
        AlarmName="HelloWorldFunction-Errors", Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Dimensions=[{"Name": "FunctionName", "Value": "HelloWorldFunction"}], Period=300, EvaluationPeriods=1,
        Threshold=10, ComparisonOperator="GreaterThanThreshold")


def lab_trigger_on_put_only(a, _):
    s3 = a.client("s3")
    bucket = next(b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("lambda-lab-"))
    arn = lam(a).get_function_configuration(FunctionName="S3FileProcessor")["FunctionArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:Put"]}]})


def lab_role_without_s3(a, _):
    a.client("iam").detach_role_policy(RoleName="S3FileProcessor-role",
                                       PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")


def lab_permission_for_another_bucket(a, _):
    """s3-invoke limited to a bucket that is not the lab's: it grants the lab's nothing, and the fix removes it
    before adding it again (AWS refuses a statement id twice)."""
    lam(a).remove_permission(FunctionName="S3FileProcessor", StatementId="s3-invoke")
    lam(a).add_permission(FunctionName="S3FileProcessor", StatementId="s3-invoke", Action="lambda:InvokeFunction",
                          Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::lambda-lab-deleted-last-week")


def lab_no_retries(a, _):
    lam(a).update_function_event_invoke_config(FunctionName="AsyncProcessor", MaximumRetryAttempts=0)


def lab_reserved_3(a, _):
    lam(a).put_function_concurrency(FunctionName="AsyncProcessor", ReservedConcurrentExecutions=3)


LAB = {
    "1.2 runtime python3.11": (lab_runtime_311, {1}),
    "2.3 API Gateway's permission removed": (lab_api_permission_removed, {2}),
    "3.1 ENABLE_DEBUG_LOGGING missing": (lab_debug_variable_missing, {3}),
    "3.4 memory 128": (lab_memory_128, {3}),
    "4.3 alarm threshold 10": (lab_alarm_threshold_10, {4}),
    "5.2 trigger on Put only": (lab_trigger_on_put_only, {5}),
    "5.4 role without S3 access": (lab_role_without_s3, {5}),
    "5.3 permission for another bucket": (lab_permission_for_another_bucket, {5}),
    "7.3 no retries": (lab_no_retries, {7}),
    "7.5 reserved concurrency 3": (lab_reserved_3, {7}),
}


@pytest.mark.parametrize("mistake", LAB, ids=list(LAB))
def test_lab_fix_lines_fix_the_mistake_and_nothing_else(own_account, aws, monkeypatch, mistake):
    for key, value in own_account.credentials.items():
        monkeypatch.setenv(key.upper(), value)
    own_account.build("lab")
    apply, tasks = LAB[mistake]
    again, fixes = fix_and_regrade(own_account, aws, "lab", apply, tasks)
    if mistake.startswith("3.1"):
        variables = lam(own_account).get_function_configuration(
            FunctionName="HelloWorldFunction")["Environment"]["Variables"]
        # The student's own values are kept; the suffix's "!" went through the shell untouched.
        assert variables["GREETING_PREFIX"] == "Greetings" and variables["GREETING_SUFFIX"] == "Thanks for using our API!"
        assert "'" in fixes[0] and json.loads(shell.split_words(fixes[0])[-1].strip("'"))


def test_lab_7_5_on_a_new_accounts_quota_asks_service_quotas_first(own_account, aws, monkeypatch):
    """A new account's quota (10) leaves no room for 5 (tests/recordings/lambda/PutFunctionConcurrency.json):
    the printed request raises it (the emulator grants it at once), then the reservation is accepted."""
    import dataclasses

    from grader.emulator import patches

    for key, value in own_account.credentials.items():
        monkeypatch.setenv(key.upper(), value)
    own_account.build("lab")
    saved = patches.configure()

    def unreserved_in_a_new_account(a, sid):
        lam(a).delete_function_concurrency(FunctionName="AsyncProcessor")
        patches.configure(concurrency_quota=10)

    try:
        _, fixes = fix_and_regrade(own_account, aws, "lab", unreserved_in_a_new_account, {7})
    finally:
        patches.configure(**dataclasses.asdict(saved))
    assert "aws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384" in fixes[0]
    assert own_account.client("lambda").get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 1000
