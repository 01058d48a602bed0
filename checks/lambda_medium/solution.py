"""The reference solution: a complete lambda_medium account for one student, built step by step as the
assessment asks (its CLI lines and console steps, through boto3). Used by ``--sandbox``, by
``validate_tasks.py sandbox --seed`` and by the tests, which then make one mistake at a time.

This module writes, so it never uses the grader's read-only session: it takes a plain client factory.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

from checks.building import LAMBDA_TRUST, MANAGED, ClientFactory, queue_arn, settled, zip_of

OTHER_ACCOUNT = "111122223333"  # the "trusted account" of task 11
INSIGHTS_PUBLISHER = "580247275435"
INSIGHTS_VERSION = 53

# The permissions task 8 asks for, in a policy of the solution's own.
INSIGHTS_LOGGING = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:*:*:*"},
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringEquals": {"cloudwatch:namespace": "LambdaInsights"}}},
    ],
}

# The assessment's code, as files (README_lambda_medium.md shows the same): one folder per function, and
# the layer's python/ folder.
CODE = Path(__file__).parent / "code"
SITE_PACKAGES = "python/lib/python3.12/site-packages/"
DEPENDENCIES = ("requests", "boto3", "dateutil")  # pip install requests boto3 python-dateutil -t SITE_PACKAGES


def function_files(prefix: str) -> dict[str, str]:
    """The files of the function ``prefix``'s package: its lambda_function.py."""
    return {"lambda_function.py": (CODE / prefix / "lambda_function.py").read_text(encoding="utf-8")}


def layer_files() -> dict[str, bytes]:
    """The layer's files: python/utils.py, and the dependencies as pip installs them in site-packages (copied
    from this interpreter's: the emulator needs them, as moto does)."""
    return dict(_layer_files())


@functools.cache
def _layer_files() -> tuple[tuple[str, bytes], ...]:
    files = {"python/utils.py": (CODE / "layer" / "python" / "utils.py").read_bytes()}
    for module in DEPENDENCIES:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:  # not installed here: a stand-in
            files[f"{SITE_PACKAGES}{module}/__init__.py"] = b"# pip install it into the layer\n"
            continue
        folder = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files[f"{SITE_PACKAGES}{module}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return tuple(files.items())


@functools.cache
def function_zip(prefix: str) -> bytes:
    return zip_of(function_files(prefix))


@functools.cache
def layer_zip() -> bytes:
    return zip_of(layer_files(), compressed=True)


def __getattr__(name: str) -> bytes:
    """``HANDLER`` and ``LAYER``, made when first asked: a function's zip that answers any event (the VPC
    function's) and the layer's, for tests that deploy a package of the assessment."""
    if name == "HANDLER":
        return function_zip("vpc-lambda")
    if name == "LAYER":
        return layer_zip()
    raise AttributeError(name)


def queue_permissions(queues: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the execution role needs of the queues: send to the destinations and the dead-letter queue, read
    and delete from the two queues that trigger a function."""
    def arns(*prefixes: str) -> list[str]:
        return [queues[prefix]["arn"] for prefix in prefixes]

    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage",
         "Resource": arns("lambda-success-queue", "lambda-failure-queue", "lambda-dlq")},
        {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
         "Resource": arns("task-queue", "lambda-dlq")},
    ]}


def build(client: ClientFactory, sid: str) -> dict[str, Any]:
    """Build every task for student ``sid``; returns the identifiers a test may want to break."""
    iam, lam, sqs, ec2 = client("iam"), client("lambda"), client("sqs"), client("ec2")
    region = lam.meta.region_name
    account = client("sts").get_caller_identity()["Account"]
    built: dict[str, Any] = {"sid": sid, "region": region, "account": account}

    # Execution roles: one for most functions, one for the VPC function.
    def role(name: str, managed: list[str]) -> str:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
        for policy in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED + policy)
        return arn

    lambda_role = role(f"lambda-role-{sid}", ["service-role/AWSLambdaBasicExecutionRole"])
    iam.put_role_policy(RoleName=f"lambda-role-{sid}", PolicyName="lambda-insights",
                        PolicyDocument=json.dumps(INSIGHTS_LOGGING))
    vpc_role = role(f"vpc-lambda-role-{sid}", ["service-role/AWSLambdaVPCAccessExecutionRole"])
    built.update(lambda_role=lambda_role, vpc_role=vpc_role)

    def function(name: str, role_arn: str = lambda_role, **extra: Any) -> dict[str, Any]:
        prefix = name.removesuffix(f"-{sid}")
        return lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn,
                                   Handler="lambda_function.lambda_handler", Code={"ZipFile": function_zip(prefix)},
                                   **extra)

    # Task 1: the layer.
    layer = lam.publish_layer_version(LayerName=f"common-utils-layer-{sid}", Description="Shared helpers",
                                      Content={"ZipFile": layer_zip()}, CompatibleRuntimes=["python3.12"])
    built["layer_arn"] = layer["LayerVersionArn"]

    # Task 2 (and 8: the Insights extension rides on the same function).
    insights = f"arn:aws:lambda:{region}:{INSIGHTS_PUBLISHER}:layer:LambdaInsightsExtension:{INSIGHTS_VERSION}"
    function(f"layer-consumer-{sid}", MemorySize=256, Layers=[layer["LayerVersionArn"], insights])

    # Task 3: two subnets in two zones of the default VPC, and the function's own security group.
    vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets}
    subnet_ids = [by_zone[zone] for zone in sorted(by_zone)[:2]]
    group_id = ec2.create_security_group(GroupName=f"lambda-sg-{sid}", Description="Lambda in VPC",
                                         VpcId=vpc_id)["GroupId"]
    function(f"vpc-lambda-{sid}", vpc_role, MemorySize=512,
             VpcConfig={"SubnetIds": subnet_ids, "SecurityGroupIds": [group_id]},
             Environment={"Variables": {"VPC_ID": vpc_id, "SUBNET_IDS": ",".join(subnet_ids),
                                        "SECURITY_GROUP_ID": group_id}})
    built.update(vpc_id=vpc_id, subnet_ids=subnet_ids, group_id=group_id)

    # Task 4: destination queues and the async function.
    queues = {}
    for prefix, attributes in {
        "lambda-success-queue": {"MessageRetentionPeriod": "86400"},
        "lambda-failure-queue": {"MessageRetentionPeriod": "86400"},
        "task-queue": {"VisibilityTimeout": "300", "MessageRetentionPeriod": "345600"},
        "lambda-dlq": {"MessageRetentionPeriod": "1209600"},
    }.items():
        url = sqs.create_queue(QueueName=f"{prefix}-{sid}", Attributes=attributes)["QueueUrl"]
        queues[prefix] = {"url": url, "arn": queue_arn(sqs, url)}
    built["queues"] = queues
    # AWS checks the execution role before it accepts a queue (InvalidParameterValueException "The function's
    # execution role does not have permissions to call SendMessage on ..."): destinations and the dead-letter
    # queue need sqs:SendMessage, the triggers sqs:ReceiveMessage, DeleteMessage and GetQueueAttributes.
    iam.put_role_policy(RoleName=f"lambda-role-{sid}", PolicyName="queues",
                        PolicyDocument=json.dumps(queue_permissions(queues)))
    function(f"async-processor-{sid}", MemorySize=256)
    lam.put_function_event_invoke_config(
        FunctionName=f"async-processor-{sid}", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=6 * 3600,
        DestinationConfig={"OnSuccess": {"Destination": queues["lambda-success-queue"]["arn"]},
                           "OnFailure": {"Destination": queues["lambda-failure-queue"]["arn"]}},
    )

    # Task 5: the SQS trigger.
    function(f"sqs-consumer-{sid}", MemorySize=256)
    built["task_mapping"] = lam.create_event_source_mapping(
        EventSourceArn=queues["task-queue"]["arn"], FunctionName=f"sqs-consumer-{sid}", BatchSize=10,
        MaximumBatchingWindowInSeconds=5, FunctionResponseTypes=["ReportBatchItemFailures"],
    )["UUID"]

    # Task 6: the dead-letter queue of the async function, and its processor. A new function is Pending for a
    # while, and AWS refuses a change until it is Active.
    settled(lam, f"async-processor-{sid}")
    lam.update_function_configuration(FunctionName=f"async-processor-{sid}",
                                      DeadLetterConfig={"TargetArn": queues["lambda-dlq"]["arn"]})
    function(f"dlq-processor-{sid}")
    built["dlq_mapping"] = lam.create_event_source_mapping(
        EventSourceArn=queues["lambda-dlq"]["arn"], FunctionName=f"dlq-processor-{sid}")["UUID"]

    # Task 7: reserved concurrency (and a timeout longer than the handler's 10 s sleep).
    function(f"rate-limited-function-{sid}", Timeout=30)
    lam.put_function_concurrency(FunctionName=f"rate-limited-function-{sid}", ReservedConcurrentExecutions=5)

    # Task 9: version 1, aliases, then version 2 as a 10 % canary behind PROD.
    consumer = f"layer-consumer-{sid}"
    settled(lam, consumer)
    lam.publish_version(FunctionName=consumer, Description="Initial production version")
    lam.create_alias(FunctionName=consumer, Name="PROD", FunctionVersion="1")
    lam.create_alias(FunctionName=consumer, Name="STAGING", FunctionVersion="$LATEST")
    lam.update_function_configuration(FunctionName=consumer, Description="Second release")
    settled(lam, consumer)  # AWS refuses to publish while the update is in progress
    lam.publish_version(FunctionName=consumer, Description="Canary")
    # Task 10's provisioned concurrency goes on PROD before task 9's weights: AWS refuses it on an alias
    # that already has weights ("Alias with weights can not be used with Provisioned Concurrency"), and
    # accepts weights on an alias that has it.
    lam.put_provisioned_concurrency_config(FunctionName=consumer, Qualifier="PROD",
                                           ProvisionedConcurrentExecutions=2)
    lam.update_alias(FunctionName=consumer, Name="PROD", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})

    # Task 10: Application Auto Scaling scales PROD's provisioned concurrency.
    scaling = client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{consumer}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=2, MaxCapacity=10)
    scaling.put_scaling_policy(
        **target, PolicyName="pc-utilization", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 0.7,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"},
        },
    )

    # Task 11: another account may invoke the function.
    lam.add_permission(FunctionName=consumer, StatementId="AllowCrossAccountInvoke",
                       Action="lambda:InvokeFunction", Principal=OTHER_ACCOUNT)

    # Task 12: three alarms.
    cloudwatch = client("cloudwatch")
    alarm = {"Namespace": "AWS/Lambda", "Period": 300, "Dimensions": [{"Name": "FunctionName", "Value": consumer}]}
    cloudwatch.put_metric_alarm(AlarmName=f"Lambda-HighErrorRate-{sid}", MetricName="Errors", Statistic="Sum",
                                EvaluationPeriods=2, Threshold=5, ComparisonOperator="GreaterThanThreshold",
                                TreatMissingData="notBreaching", **alarm)
    cloudwatch.put_metric_alarm(AlarmName=f"Lambda-HighDuration-{sid}", MetricName="Duration", Statistic="Average",
                                EvaluationPeriods=2, Threshold=25000, ComparisonOperator="GreaterThanThreshold",
                                **alarm)
    cloudwatch.put_metric_alarm(AlarmName=f"Lambda-Throttles-{sid}", MetricName="Throttles", Statistic="Sum",
                                EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                                **alarm)
    # As a student leaves the account once AWS has finished: every function Active, its last update done.
    settled(lam, *(f"{prefix}-{sid}" for prefix in ("layer-consumer", "vpc-lambda", "async-processor", "sqs-consumer",
                                                    "dlq-processor", "rate-limited-function")))
    return built
