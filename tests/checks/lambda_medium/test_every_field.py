"""Every value a lambda_medium check reads, wrong in turn: each costs exactly its checks, with a message naming it.

Judged over hand-built facts (``tests/checks/handbuilt.py``): a complete student ``kim7`` shares the
training account with a complete classmate ``kim7b`` (whose ID starts with ``kim7``), so "another student's
resource" is one that really exists. Each case changes one value, too low and too high where it is a
number, another student's, another account's or region's, or the right name in the wrong place, and
states the exact failing checks and task scores. ``ACCEPTED`` are variations a correct setup may have.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.lambda_medium import ASSESSMENT
from checks.lambda_medium.solution import function_files, layer_files, queue_permissions
from checks.lambda_medium.task03_vpc import ENI_ACTIONS
from checks.shared import value_text
from grader.aws.packages import Package
from tests.checks.handbuilt import (
    AWS_MANAGED,
    INSIGHTS_PUBLISHER,
    OTHER_ACCOUNT,
    OTHER_REGION,
    TRUSTED_ACCOUNT,
    HandBuiltFacts,
    Mistakes,
    assert_fixes_golden,
    assert_mistake,
    document,
    fixes_printed,
    grade,
)

SID, CLASSMATE = "kim7", "kim7b"
DIMENSION = "lambda:function:ProvisionedConcurrency"
MAX = {t.number: t.points for t in ASSESSMENT.tasks}
INSIGHTS_LOGGING = document(
    {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:*:*:*"})


def n(prefix: str, sid: str = SID) -> str:
    return f"{prefix}-{sid}"


def insights(account: str = INSIGHTS_PUBLISHER, name: str = "LambdaInsightsExtension", region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{account}:layer:{name}:53"


def layer_arn(f: HandBuiltFacts, sid: str = SID, *, account: str | None = None, region: str | None = None) -> str:
    return f.arn("lambda", f"layer:{n('common-utils-layer', sid)}:1", account=account, region=region)


FUNCTIONS = ("layer-consumer", "vpc-lambda", "async-processor", "sqs-consumer", "dlq-processor", "rate-limited-function")
LAYER_CONTENT = Package.of(layer_files())


def add_student(f: HandBuiltFacts, sid: str) -> None:
    """Everything the reference solution (checks/lambda_medium/solution.py) builds for ``sid``."""
    role = f.add_role(n("lambda-role", sid), ("service-role/AWSLambdaBasicExecutionRole",),
                      {"lambda-insights": INSIGHTS_LOGGING})
    vpc_role = f.add_role(n("vpc-lambda-role", sid), ("service-role/AWSLambdaVPCAccessExecutionRole",))
    # Task 1 and 2 (and 8).
    f.layer_versions[n("common-utils-layer", sid)] = {
        "LayerVersionArn": layer_arn(f, sid), "Version": 1, "Description": "Shared helpers",
        "CompatibleRuntimes": ["python3.12"]}
    consumer = n("layer-consumer", sid)
    f.add_function(consumer, role, MemorySize=256, Description="Second release",
                   Layers=[{"Arn": layer_arn(f, sid)}, {"Arn": insights()}])
    # Task 3: two subnets of the default VPC in two zones, the student's own group.
    group = f"sg-{sid}"
    f.group_map[group] = {"GroupId": group, "GroupName": n("lambda-sg", sid), "VpcId": "vpc-default"}
    f.add_function(n("vpc-lambda", sid), vpc_role, MemorySize=512,
                   VpcConfig={"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": [group], "VpcId": "vpc-default"},
                   Environment={"Variables": {"VPC_ID": "vpc-default", "SUBNET_IDS": "subnet-a,subnet-b",
                                              "SECURITY_GROUP_ID": group}})
    # Task 4 and 6.
    success = f.add_queue(n("lambda-success-queue", sid), MessageRetentionPeriod="86400")
    failure = f.add_queue(n("lambda-failure-queue", sid), MessageRetentionPeriod="86400")
    tasks = f.add_queue(n("task-queue", sid), VisibilityTimeout="300", MessageRetentionPeriod="345600")
    dlq = f.add_queue(n("lambda-dlq", sid), MessageRetentionPeriod="1209600")
    # AWS accepts the destinations, the dead-letter queue and the triggers only once the role may use them.
    f.roles[role.rsplit("/", 1)[-1]]["inline"]["queues"] = queue_permissions({
        prefix: {"arn": arn} for prefix, arn in (("lambda-success-queue", success), ("lambda-failure-queue", failure),
                                                 ("task-queue", tasks), ("lambda-dlq", dlq))})
    f.add_function(n("async-processor", sid), role, MemorySize=256, DeadLetterConfig={"TargetArn": dlq})
    f.invoke_configs[n("async-processor", sid)] = {
        "FunctionArn": f.function_arn(n("async-processor", sid)) + ":$LATEST", "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 21600,
        "DestinationConfig": {"OnSuccess": {"Destination": success}, "OnFailure": {"Destination": failure}}}
    # Task 5 and 6: the triggers.
    f.add_function(n("sqs-consumer", sid), role, MemorySize=256)
    f.mappings.append({"UUID": f"uuid-task-{sid}", "EventSourceArn": tasks, "State": "Enabled",
                       "FunctionArn": f.function_arn(n("sqs-consumer", sid)), "BatchSize": 10,
                       "MaximumBatchingWindowInSeconds": 5, "FunctionResponseTypes": ["ReportBatchItemFailures"]})
    f.add_function(n("dlq-processor", sid), role)
    f.mappings.append({"UUID": f"uuid-dlq-{sid}", "EventSourceArn": dlq, "State": "Enabled",
                       "FunctionArn": f.function_arn(n("dlq-processor", sid)), "BatchSize": 10,
                       "MaximumBatchingWindowInSeconds": 0, "FunctionResponseTypes": []})
    # Task 7.
    f.add_function(n("rate-limited-function", sid), role, Timeout=30)
    f.reserved[n("rate-limited-function", sid)] = 5
    # The assessment's code in every function, and in the layer (checks/lambda_medium/code/).
    for prefix in FUNCTIONS:
        f.packages[n(prefix, sid)] = Package.of(function_files(prefix))
    f.layer_contents[layer_arn(f, sid)] = LAYER_CONTENT
    # Task 9 and 10.
    f.published[consumer] = ["1", "2"]
    f.alias_lists[consumer] = [
        {"Name": "PROD", "FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}},
         "AliasArn": f.function_arn(consumer) + ":PROD"},
        {"Name": "STAGING", "FunctionVersion": "$LATEST", "AliasArn": f.function_arn(consumer) + ":STAGING"}]
    f.provisioned[(consumer, "PROD")] = {"RequestedProvisionedConcurrentExecutions": 2,
                                         "AllocatedProvisionedConcurrentExecutions": 2, "Status": "READY"}
    resource = f"function:{consumer}:PROD"
    f.targets.append({"ServiceNamespace": "lambda", "ResourceId": resource, "ScalableDimension": DIMENSION,
                      "MinCapacity": 2, "MaxCapacity": 10})
    policy_arn = f.arn("autoscaling", f"scalingPolicy:0a1b:resource/lambda/{resource}:policyName/pc-utilization")
    f.scaling.append({"PolicyName": "pc-utilization", "PolicyARN": policy_arn, "ServiceNamespace": "lambda",
                      "ResourceId": resource, "ScalableDimension": DIMENSION, "PolicyType": "TargetTrackingScaling",
                      "TargetTrackingScalingPolicyConfiguration": {
                          "TargetValue": 0.7,
                          "PredefinedMetricSpecification": {"PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}}})
    # Task 11.
    f.policies[consumer] = document({"Sid": "AllowCrossAccountInvoke", "Effect": "Allow",
                                     "Principal": {"AWS": f"arn:aws:iam::{TRUSTED_ACCOUNT}:root"},
                                     "Action": "lambda:InvokeFunction", "Resource": f.function_arn(consumer)})
    # Task 12: the three alarms, and the two Application Auto Scaling makes for the target-tracking policy.
    f.alarms += [alarm(f, n("Lambda-HighErrorRate", sid), "Errors", "Sum", 2, 5, "GreaterThanThreshold", consumer),
                 alarm(f, n("Lambda-HighDuration", sid), "Duration", "Average", 2, 25000, "GreaterThanThreshold", consumer),
                 alarm(f, n("Lambda-Throttles", sid), "Throttles", "Sum", 1, 1, "GreaterThanOrEqualToThreshold", consumer)]
    for kind, operator in (("AlarmHigh", "GreaterThanThreshold"), ("AlarmLow", "LessThanThreshold")):
        tracking = alarm(f, f"TargetTracking-{resource}-{kind}-aed0e274", "ProvisionedConcurrencyUtilization",
                         "Average", 3, 0.7, operator, consumer, AlarmActions=[policy_arn])
        tracking["Dimensions"].append({"Name": "Resource", "Value": f"{consumer}:PROD"})
        f.alarms.append(tracking)


def alarm(f: HandBuiltFacts, name: str, metric: str, statistic: str, periods: int, threshold: float, operator: str,
          function: str, **extra) -> dict:
    return {"AlarmName": name, "AlarmArn": f.arn("cloudwatch", f"alarm:{name}"), "Namespace": "AWS/Lambda",
            "MetricName": metric, "Statistic": statistic, "Period": 300, "EvaluationPeriods": periods,
            "Threshold": float(threshold), "ComparisonOperator": operator, "AlarmActions": [],
            "Dimensions": [{"Name": "FunctionName", "Value": function}], **extra}


def account() -> HandBuiltFacts:
    """The training account: kim7 and kim7b complete, the default VPC's subnets, a metric-math alarm."""
    f = HandBuiltFacts()
    f.subnet_map = {"subnet-a": {"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "VpcId": "vpc-default"},
                    "subnet-b": {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b", "VpcId": "vpc-default"},
                    "subnet-c": {"SubnetId": "subnet-c", "AvailabilityZone": "us-east-1a", "VpcId": "vpc-default"},
                    "subnet-o": {"SubnetId": "subnet-o", "AvailabilityZone": "us-east-1c", "VpcId": "vpc-other"}}
    f.group_map["sg-default"] = {"GroupId": "sg-default", "GroupName": "default", "VpcId": "vpc-default"}
    add_student(f, SID)
    add_student(f, CLASSMATE)
    # A classmate's metric-math alarm: no MetricName, no Dimensions, its metrics in Metrics.
    f.alarms.append({"AlarmName": "Lambda-ErrorRate-percent-kim7b", "Namespace": None, "Threshold": 5.0,
                     "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1,
                     "Metrics": [{"Id": "e1", "Expression": "100 * errors / invocations"}]})
    return f


MISTAKES = Mistakes(MAX)
ACCEPTED: dict[str, object] = {}


wrong = MISTAKES.wrong  # one case per wrong value


def config(prefix: str):
    return lambda f: f.config(n(prefix))


def delete_function(f: HandBuiltFacts, prefix: str) -> None:
    del f.configurations[n(prefix)]


# --- task 1: the layer -----------------------------------------------------------------------------

MISTAKES.add("1.1 only a classmate's layer", lambda f: f.layer_versions.pop(n("common-utils-layer")),
             "1.1 1.2 1.3 1.4 1.5", score=0, says="no layer named common-utils-layer-kim7 in us-east-1")
latest_layer = lambda f: f.layer_versions[n("common-utils-layer")]  # noqa: E731
wrong("1.2", "runtimes", latest_layer, "CompatibleRuntimes", [["python3.11"], ["python3.13"], ["python3.11", "nodejs20.x"]],
      score=7, says=("version 1 lists", "not python3.12"))
wrong("1.2", "runtimes", latest_layer, "CompatibleRuntimes", [[]], score=7, says="version 1 lists no runtimes")
wrong("1.3", "description", latest_layer, "Description", ["", "   ", None], score=7, says="version 1 has no description",
      absent=True)

# --- task 2: the function on the layer -------------------------------------------------------------

def create(prefix: str, memory: int | None = None, timeout: int | None = None) -> str:
    """The fix shown for a missing function: its create-function command, with the role the student's other
    functions use (the grader has read it)."""
    return (f"aws lambda create-function --function-name {prefix}-kim7 --runtime python3.12"
            + (f" --memory-size {memory}" if memory else "") + (f" --timeout {timeout}" if timeout else "")
            + " --handler lambda_function.lambda_handler "
            "--role arn:aws:iam::123456789012:role/lambda-role-kim7 --zip-file fileb://function.zip")


def rename_function(prefix: str, *names: str):
    """The student's function built under other names (only the last keeps the original's other values)."""
    def apply(f):
        config = f.configurations.pop(n(prefix))
        for name in names:
            f.configurations[name] = dict(config, FunctionName=name, FunctionArn=f.function_arn(name))
    return apply


# A missing function: a near-miss name of the student's own is suggested (a classmate's never is).
# What needs layer-consumer-<id>; task 12 too: its three alarms watch a function that is not there, and an
# alarm counts only for a function of the student's (a classmate could make them, issue 24).
GONE_TOO = {"8.1": "none of your functions has a LambdaInsightsExtension layer",
            "10.1": "no provisioned concurrency on layer-consumer-kim7:PROD",
            "12.1": "0 alarm(s) on AWS/Lambda metrics of your functions; create at least 3 (alarms on "
                    "layer-consumer-kim7, which does not exist in us-east-1: an alarm counts only for a function of yours)",
            "12.2": "no alarm on the Errors metric of your functions (alarms on layer-consumer-kim7, which does not",
            "12.3": "no alarm on the Duration metric", "12.4": "no alarm on the Throttles metric"}
GONE_CHECKS = "2.1 2.2 2.3 2.4 2.5 2.6 2.7 8.1 8.2 9.2 9.3 9.4 9.5 10.1 11.1 11.2 12.1 12.2 12.3 12.4"
GONE_SCORES = {2: 0, 8: 0, 9: 0, 10: 5, 11: 0, 12: 0}
MISTAKES.add("2.1 the function named with another case", rename_function("layer-consumer", "Layer-Consumer-kim7"),
             GONE_CHECKS, score=GONE_SCORES,
             says=GONE_TOO, message={"2.1": "no function named layer-consumer-kim7 in us-east-1; did you mean "
                                            "Layer-Consumer-kim7? (names must match exactly, case included)"})
MISTAKES.add("2.1 the ID in capitals", rename_function("layer-consumer", "layer-consumer-KIM7"),
             GONE_CHECKS, score=GONE_SCORES,
             says={"2.1": "; did you mean layer-consumer-KIM7?", **GONE_TOO})
MISTAKES.add("2.1 four case variants: three are suggested", rename_function(
    "layer-consumer", "LAYER-consumer-kim7", "Layer-consumer-kim7", "layer-Consumer-kim7", "layer-consumer-Kim7"),
    GONE_CHECKS, score=GONE_SCORES, says=GONE_TOO,
    message={"2.1": "no function named layer-consumer-kim7 in us-east-1; did you mean LAYER-consumer-kim7 or "
                    "Layer-consumer-kim7 or layer-Consumer-kim7? (names must match exactly, case included)"})
MISTAKES.add("2.1 only a classmate's layer-consumer", lambda f: delete_function(f, "layer-consumer"),
             GONE_CHECKS, score=GONE_SCORES,
             fix={"2.1": create("layer-consumer", 256)},
             message={"2.1": "no function named layer-consumer-kim7 in us-east-1"},  # kim7b's is never suggested
             says=GONE_TOO)
wrong("2.2", "runtime", config("layer-consumer"), "Runtime", ["python3.11", "python3.13", None], score=7)
wrong("2.3", "memory", config("layer-consumer"), "MemorySize", [128, 255, 257, 512], score=7)
# A function AWS is still updating (LastUpdateStatus InProgress) or creating (Pending) refuses another change:
# the fix waits for it first (tests/recordings/lambda/UpdateFunctionConfiguration.json update-in-progress).
MISTAKES.add("2.3 memory 128 while an update is in progress", lambda f: f.config(n("layer-consumer")).update(
    MemorySize=128, LastUpdateStatus="InProgress"), "2.3", score=7, says="Memory (MB) of layer-consumer-kim7 is 128",
    fix="aws lambda wait function-updated-v2 --function-name layer-consumer-kim7\naws lambda update-function-configuration "
        "--function-name layer-consumer-kim7 --memory-size 256")
MISTAKES.add("2.3 memory 128 while the function is still being created", lambda f: f.config(n("layer-consumer")).update(
    MemorySize=128, State="Pending"), "2.3", score=7, says="Memory (MB) of layer-consumer-kim7 is 128",
    fix="aws lambda wait function-active-v2 --function-name layer-consumer-kim7\naws lambda update-function-configuration "
        "--function-name layer-consumer-kim7 --memory-size 256")


def layers(*arns: str):
    return lambda f: f.config(n("layer-consumer")).__setitem__("Layers", [{"Arn": a} for a in arns])


MISTAKES.add("2.4 a classmate's layer (kim7b)", lambda f: layers(layer_arn(f, CLASSMATE), insights())(f), "2.4",
             score=6.5, says="common-utils-layer-kim7b:1")
MISTAKES.add("2.4 a layer of the same name in another account",
             lambda f: layers(layer_arn(f, account=OTHER_ACCOUNT), insights())(f), "2.4", score=6.5, says=OTHER_ACCOUNT)
MISTAKES.add("2.4 a layer of the same name in another region",
             lambda f: layers(layer_arn(f, region=OTHER_REGION), insights())(f), "2.4", score=6.5, says=OTHER_REGION)
MISTAKES.add("2.4 a classmate's layer, none of the student's published: the fix publishes first", lambda f: (
    f.layer_versions.pop(n("common-utils-layer")), layers(layer_arn(f, CLASSMATE), insights())(f)), "1.1 1.2 1.3 1.4 1.5 2.4",
    score={1: 0, 2: 6.5}, says={"1.1": "no layer named common-utils-layer-kim7", "2.4": "common-utils-layer-kim7b:1"})
MISTAKES.add("2.4 only the Insights layer", layers(insights()), "2.4", score=6.5, says="LambdaInsightsExtension:53")
MISTAKES.add("2.4 no layers", layers(), "2.4 8.1 8.2", score={2: 6.5, 8: 0},
             says={"2.4": "no layers", "8.1": "none of your functions"})
MISTAKES.add("2.4 a layer whose name only starts like the student's",
             lambda f: layers(f.arn("lambda", "layer:common-utils-layer-kim:1"), insights())(f), "2.4", score=6.5,
             says="common-utils-layer-kim:1")

# --- task 3: the VPC function ----------------------------------------------------------------------

vpc_config = lambda f: f.config(n("vpc-lambda"))["VpcConfig"]  # noqa: E731
variables = lambda f: f.config(n("vpc-lambda"))["Environment"]["Variables"]  # noqa: E731


def attach(subnets=None, groups=None):
    """Attach these subnets and groups, and (as a careful student would) say so in the variables."""
    def apply(f):
        if subnets is not None:
            vpc_config(f)["SubnetIds"] = subnets
            variables(f)["SUBNET_IDS"] = ",".join(subnets)
        if groups is not None:
            vpc_config(f)["SecurityGroupIds"] = groups
            variables(f)["SECURITY_GROUP_ID"] = ",".join(groups)
    return apply


MISTAKES.add("3.1 only a classmate's vpc-lambda", lambda f: delete_function(f, "vpc-lambda"),
             "3.1 3.2 3.3 3.4 3.5 3.6 3.7 3.8", score=0, says="no function named vpc-lambda-kim7",
             fix=create("vpc-lambda", 512))
wrong("3.2", "runtime", config("vpc-lambda"), "Runtime", ["python3.11", "python3.13"], score=9.5)
wrong("3.3", "memory", config("vpc-lambda"), "MemorySize", [256, 511, 513, 1024], score=9.5)
MISTAKES.add("3.4 one subnet", attach(["subnet-a"]), "3.4", score=8.5, says="1 subnet(s) in 1 Availability Zone(s)")
MISTAKES.add("3.4 two subnets in one zone", attach(["subnet-a", "subnet-c"]), "3.4", score=8.5,
             says="2 subnet(s) in 1 Availability Zone(s) (us-east-1a)")
MISTAKES.add("3.4 a subnet that does not exist", attach(["subnet-a", "subnet-gone"]), "3.4", score=8.5,
             says="2 subnet(s) in 1 Availability Zone(s)")
MISTAKES.add("3.4 subnets that cannot be found", lambda f: (
    attach(["subnet-gone1", "subnet-gone2"])(f)), "3.4", score=8.5, says="2 subnet(s) in 0 Availability Zone(s) (none found)")
MISTAKES.add("3.6 not in a VPC, and the variables empty", lambda f: (
    f.config(n("vpc-lambda")).__setitem__("VpcConfig", {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}),
    variables(f).update(VPC_ID="", SUBNET_IDS="", SECURITY_GROUP_ID="")), "3.4 3.5 3.6", score=6,
    says={"3.4": "not attached to a VPC", "3.5": "attached security groups: none"},
    message={"3.6": "VPC_ID is '', the function's VPC is unknown"})
MISTAKES.add("3.6 SECURITY_GROUP_ID names neither of two attached groups", lambda f: (
    attach(groups=["sg-kim7", "sg-default"])(f), variables(f).__setitem__("SECURITY_GROUP_ID", "sg-kim7b")), "3.6",
    score=8.5, message="SECURITY_GROUP_ID is 'sg-kim7b', the function uses sg-kim7,sg-default")
MISTAKES.add("3.4 not in a VPC", lambda f: f.config(n("vpc-lambda")).__setitem__(
    "VpcConfig", {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""}), "3.4 3.5 3.6", score=6,
    says={"3.4": "vpc-lambda-kim7 is not attached to a VPC", "3.5": "attached security groups: none",
          "3.6": ("VPC_ID is 'vpc-default'", "SUBNET_IDS is 'subnet-a,subnet-b'", "SECURITY_GROUP_ID is 'sg-kim7', "
                  "the function uses none")})
MISTAKES.add("3.5 a classmate's group (lambda-sg-kim7b)", attach(groups=["sg-kim7b"]), "3.5", score=9,
             says=("lambda-sg-kim7b", "attach lambda-sg-kim7"))
MISTAKES.add("3.5 the default group", attach(groups=["sg-default"]), "3.5", score=9, says="attached security groups: default")
for variable in ("VPC_ID", "SUBNET_IDS", "SECURITY_GROUP_ID"):
    MISTAKES.add(f"3.6 {variable} missing", lambda f, v=variable: variables(f).pop(v), "3.6", score=8.5,
                 says=f"{variable} is missing")
wrong("3.6", "variable", variables, "VPC_ID", ["vpc-other", ""], score=8.5, says="the function's VPC is vpc-default")
wrong("3.6", "variable", variables, "SUBNET_IDS", ["subnet-a", "subnet-a,subnet-b,subnet-c", "subnet-a,subnet-o"],
      score=8.5, says="the function uses subnet-a,subnet-b")
wrong("3.6", "variable", variables, "SECURITY_GROUP_ID", ["sg-kim7b", "lambda-sg-kim7", "sg-kim7,sg-default"],
      score=8.5, says="the function uses sg-kim7")


def vpc_role(f):
    return f.roles[n("vpc-lambda-role")]


def eni_actions(*allowed: str):
    """The VPC role's managed policy swapped for an inline one allowing only ``allowed``."""
    def apply(f):
        vpc_role(f)["attached"] = []
        vpc_role(f)["inline"] = {"eni": document({"Effect": "Allow", "Action": list(allowed), "Resource": "*"})}
    return apply


MISTAKES.add("3.7 the basic execution role instead of the VPC one", lambda f: vpc_role(f).__setitem__(
    "attached", [{"PolicyName": "AWSLambdaBasicExecutionRole",
                  "PolicyArn": AWS_MANAGED + "service-role/AWSLambdaBasicExecutionRole"}]), "3.7", score=8.5,
    says="does not allow ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface")
for missing in ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"):
    MISTAKES.add(f"3.7 role lacks {missing}", eni_actions(*[a for a in (
        "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface") if a != missing]),
        "3.7", score=8.5, says=f"does not allow {missing}")
MISTAKES.add("3.7 an explicit Deny", lambda f: vpc_role(f)["inline"].__setitem__("no-eni", document(
    {"Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"})), "3.7", score=8.5,
    says="does not allow ec2:DeleteNetworkInterface")
# The resources the check needs: creating an ENI is evaluated on the subnets and groups too, describing on * only.
MISTAKES.add("3.7 ENI actions only on network-interface/*", lambda f: vpc_role(f).update(attached=[], inline={
    "eni": document({"Effect": "Allow", "Action": list(ENI_ACTIONS),
                     "Resource": "arn:aws:ec2:us-east-1:123456789012:network-interface/*"})}), "3.7", score=8.5,
    says="does not allow ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces")
MISTAKES.add("3.7 ENI actions only in another Region", lambda f: vpc_role(f).update(attached=[], inline={
    "eni": document({"Effect": "Allow", "Action": list(ENI_ACTIONS), "Resource": "*",
                     "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})}), "3.7", score=8.5,
    says="does not allow ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface")
MISTAKES.add("3.7 a configuration without a role", lambda f: f.config(n("vpc-lambda")).pop("Role"), "3.7", score=8.5,
             message="the execution role None does not exist")
MISTAKES.add("3.7 the role does not exist", lambda f: f.roles.pop(n("vpc-lambda-role")), "3.7", score=8.5,
             says="the execution role arn:aws:iam::123456789012:role/vpc-lambda-role-kim7 does not exist")
# The variables' fix writes the function's VPC, subnets and group: from what the grader could read.
MISTAKES.add("3.6 VPC_ID wrong while the subnets cannot be read: the fix takes the function's VPC", lambda f: (
    attach(["subnet-gone1", "subnet-gone2"])(f), variables(f).update(VPC_ID="vpc-other",
                                                                      SUBNET_IDS="subnet-gone1,subnet-gone2")),
    "3.4 3.6", score=7, says={"3.4": "2 subnet(s) in 0 Availability Zone(s)", "3.6": "VPC_ID is 'vpc-other'"})
MISTAKES.add("3.6 VPC_ID wrong, subnets in two VPCs and none in the configuration", lambda f: (
    f.subnet_map.__setitem__("subnet-o", {"SubnetId": "subnet-o", "AvailabilityZone": "us-east-1b", "VpcId": "vpc-other"}),
    attach(["subnet-a", "subnet-o"])(f), f.config(n("vpc-lambda"))["VpcConfig"].pop("VpcId"),
    variables(f).update(VPC_ID="vpc-third", SUBNET_IDS="subnet-a,subnet-o")),
    "3.6", score=8.5, says="VPC_ID is 'vpc-third'")
MISTAKES.add("3.6 no security group attached, SECURITY_GROUP_ID another", lambda f: (
    attach(groups=[])(f), variables(f).__setitem__("SECURITY_GROUP_ID", "sg-other")), "3.5 3.6", score=7.5,
    says={"3.5": "attached security groups: none", "3.6": "SECURITY_GROUP_ID is 'sg-other', the function uses none"})
MISTAKES.add("3.6 two groups, neither the student's, SECURITY_GROUP_ID another: the fix names both", lambda f: (
    attach(groups=["sg-default", "sg-kim7b"])(f), variables(f).__setitem__("SECURITY_GROUP_ID", "sg-other")),
    "3.5 3.6", score=7.5, says={"3.5": "attach lambda-sg-kim7", "3.6": "the function uses sg-default,sg-kim7b"})

# --- task 4: asynchronous destinations -------------------------------------------------------------

invoke = lambda f: f.invoke_configs[n("async-processor")]  # noqa: E731
destinations = lambda f: invoke(f)["DestinationConfig"]  # noqa: E731

MISTAKES.add("4.1 only a classmate's async-processor", lambda f: delete_function(f, "async-processor"),
             "4.1 4.2 4.3 4.4 4.5 4.6 4.8 6.3", score={4: 1, 6: 6}, says={"4.1": "no function named async-processor-kim7"},
             fix={"4.1": create("async-processor", 256)})
wrong("4.2", "runtime", config("async-processor"), "Runtime", ["python3.11", "python3.13"], score=9.5)
wrong("4.3", "memory", config("async-processor"), "MemorySize", [128, 255, 257, 512], score=9.5)
wrong("4.4", "retries", invoke, "MaximumRetryAttempts", [0, 1, 3], score=8.5,
      says="retry attempts")
wrong("4.4", "event age", invoke, "MaximumEventAgeInSeconds", [3600, 21599, 21601], score=8.5,
      says="maximum event age")
MISTAKES.add("4.4 no asynchronous configuration", lambda f: f.invoke_configs.pop(n("async-processor")),
             "4.4 4.5 4.6", score=5.5, says={"4.4": "async-processor-kim7 has no asynchronous invocation configuration",
                                           "4.5": "on success goes to nowhere", "4.6": "on failure goes to nowhere"})
for kind, queue in (("OnSuccess", "lambda-success-queue"), ("OnFailure", "lambda-failure-queue")):
    check = "4.5" if kind == "OnSuccess" else "4.6"
    for label, arn in {
        "a classmate's queue (kim7b)": lambda f, q=queue: f.queue_arn(n(q, CLASSMATE)),
        "the same name in another account": lambda f, q=queue: f.queue_arn(n(q), account=OTHER_ACCOUNT),
        "the same name in another region": lambda f, q=queue: f.queue_arn(n(q), region=OTHER_REGION),
        "the task queue": lambda f: f.queue_arn(n("task-queue")),
    }.items():
        MISTAKES.add(f"{check} {kind} to {label}", lambda f, k=kind, a=arn: destinations(f).__setitem__(
            k, {"Destination": a(f)}), check, score=8.5,
            says=("goes to arn:aws:sqs:", f"expected arn:aws:sqs:us-east-1:123456789012:{n(queue)}"))
    MISTAKES.add(f"{check} no {kind} destination", lambda f, k=kind: destinations(f).pop(k), check, score=8.5,
                 says="goes to nowhere")
    MISTAKES.add(f"{check} {queue} does not exist", lambda f, q=queue: f.queues.pop(n(q)), f"{check} 4.7", score=7.5,
                 says={check: f"the queue {n(queue)} does not exist", "4.7": f"{n(queue)} does not exist"})
MISTAKES.add("4.5 destinations swapped", lambda f: destinations(f).update(
    OnSuccess=destinations(f)["OnFailure"], OnFailure=destinations(f)["OnSuccess"]), "4.5 4.6", score=7,
    says={"4.5": "on success goes to lambda-failure-queue-kim7: success and failure are swapped",
          "4.6": "on failure goes to lambda-success-queue-kim7: success and failure are swapped"})
no_queue_permissions = lambda f: f.roles[n("lambda-role")]["inline"].pop("queues")  # noqa: E731
SEND_GRANT = ("# AWS refuses the queue until the function's role may SendMessage on it:\n"
              "aws iam put-role-policy --role-name lambda-role-kim7 --policy-name {name} --policy-document "
              "'{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\"],"
              "\"Resource\":{resource}}}]}}'\n")
TRIGGER_GRANT = ("# AWS refuses the queue until the function's role may ReceiveMessage, DeleteMessage and "
                 "GetQueueAttributes on it:\naws iam attach-role-policy --role-name lambda-role-kim7 --policy-arn "
                 "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole\n")
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:{}-kim7"
SUCCESS_ARN, FAILURE_ARN = QUEUE_ARN.format("lambda-success-queue"), QUEUE_ARN.format("lambda-failure-queue")


def without_queue_permissions(mistake):
    def apply(f):
        mistake(f)
        no_queue_permissions(f)
    return apply


MISTAKES.add("4.5 destinations swapped, the role may not send to them", without_queue_permissions(
    lambda f: destinations(f).update(OnSuccess=destinations(f)["OnFailure"], OnFailure=destinations(f)["OnSuccess"])),
    "4.5 4.6", score=7, says={"4.5": "swapped", "4.6": "swapped"},
    fix={"4.5": SEND_GRANT.format(name="lambda-destinations-kim7", resource=f'["{SUCCESS_ARN}","{FAILURE_ARN}"]') + (
        "aws lambda put-function-event-invoke-config --function-name async-processor-kim7 --maximum-retry-attempts 2 "
        f"--maximum-event-age-in-seconds 21600 --destination-config '{{\"OnSuccess\":{{\"Destination\":\"{SUCCESS_ARN}\"}},"
        f"\"OnFailure\":{{\"Destination\":\"{FAILURE_ARN}\"}}}}'")})
# The grader does not grade the permissions themselves (AWS refused the configuration without them).
MISTAKES.add("4.5 a role without its queue permissions costs nothing", no_queue_permissions, "", score={})
for queue in ("lambda-success-queue", "lambda-failure-queue"):
    wrong("4.7", f"{queue} retention", lambda f, q=queue: f.queues[n(q)], "MessageRetentionPeriod",
          ["86399", "86401", "345600"], score=9, says=f"{n(queue)} keeps messages")

# --- task 5: the SQS trigger -----------------------------------------------------------------------

task_mapping = lambda f: next(m for m in f.mappings if m["UUID"] == "uuid-task-kim7")  # noqa: E731

MISTAKES.add("5.1 only a classmate's task-queue", lambda f: f.queues.pop(n("task-queue")), "5.1 5.2 5.6 5.7 5.8",
             score=4, says={"5.1": "no SQS queue named task-queue-kim7 in us-east-1",
                            "5.6": "the queue task-queue-kim7 does not exist (see 5.1)"},
             fix={"5.1": "aws sqs create-queue --queue-name task-queue-kim7 --attributes "
                         "VisibilityTimeout=300,MessageRetentionPeriod=345600"})
MISTAKES.add("5.2 both attributes wrong", lambda f: f.queues[n("task-queue")].update(
    VisibilityTimeout="30", MessageRetentionPeriod="86400"), "5.2", score=9,
    message="task-queue-kim7: VisibilityTimeout is '30' (expected 300), MessageRetentionPeriod is '86400' (expected 345600)",
    fix="aws sqs set-queue-attributes --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/task-queue-kim7 "
        "--attributes VisibilityTimeout=300,MessageRetentionPeriod=345600")
wrong("5.2", "attribute", lambda f: f.queues[n("task-queue")], "VisibilityTimeout", ["30", "299", "301"], score=9,
      says="VisibilityTimeout is ")
wrong("5.2", "attribute", lambda f: f.queues[n("task-queue")], "MessageRetentionPeriod", ["345599", "345601", "86400"],
      score=9, says="MessageRetentionPeriod is ")
MISTAKES.add("5.3 only a classmate's sqs-consumer", lambda f: delete_function(f, "sqs-consumer"),
             "5.3 5.4 5.5 5.6 5.7 5.8 5.9", score=2.5, says="no function named sqs-consumer-kim7",
             fix=create("sqs-consumer", 256))
wrong("5.4", "runtime", config("sqs-consumer"), "Runtime", ["python3.11", "python3.13"], score=9.5)
wrong("5.5", "memory", config("sqs-consumer"), "MemorySize", [128, 255, 257, 512], score=9.5)
NO_TRIGGER = "sqs-consumer-kim7 has no trigger from task-queue-kim7"
MISTAKES.add("5.6 no trigger", lambda f: f.mappings.remove(task_mapping(f)), "5.6 5.7 5.8", score=6.5, says=NO_TRIGGER)
MISTAKES.add("5.6 no trigger, the role may not read the queue", without_queue_permissions(
    lambda f: f.mappings.remove(task_mapping(f))), "5.6 5.7 5.8", score=6.5, says=NO_TRIGGER,
    fix={"5.6": TRIGGER_GRANT + "aws lambda create-event-source-mapping --function-name sqs-consumer-kim7 "
         "--event-source-arn arn:aws:sqs:us-east-1:123456789012:task-queue-kim7 --batch-size 10 "
         "--maximum-batching-window-in-seconds 5 --function-response-types ReportBatchItemFailures"})
for label, source in {"a classmate's queue (kim7b)": lambda f: f.queue_arn(n("task-queue", CLASSMATE)),
                      "the dead-letter queue": lambda f: f.queue_arn(n("lambda-dlq")),
                      "the same name in another account": lambda f: f.queue_arn(n("task-queue"), account=OTHER_ACCOUNT)}.items():
    MISTAKES.add(f"5.6 trigger from {label}", lambda f, s=source: task_mapping(f).__setitem__("EventSourceArn", s(f)),
                 "5.6 5.7 5.8", score=6.5, says=NO_TRIGGER)
MISTAKES.add("5.6 trigger to a classmate's function (kim7b)", lambda f: task_mapping(f).__setitem__(
    "FunctionArn", f.function_arn(n("sqs-consumer", CLASSMATE))), "5.6 5.7 5.8", score=6.5, says=NO_TRIGGER)
for state, says in {"Disabled": "the trigger is Disabled", "Disabling": "the trigger is Disabling",
                    "Deleting": "the trigger uuid-task-kim7 is being deleted"}.items():
    MISTAKES.add(f"5.6 trigger {state}", lambda f, s=state: task_mapping(f).__setitem__("State", s), "5.6 5.7 5.8",
                 score=6.5, says=says)
wrong("5.7", "batch", task_mapping, "BatchSize", [1, 9, 11, 100], score=9, says="batch size")
MISTAKES.add("5.7 the fix names the trigger", lambda f: task_mapping(f).__setitem__("BatchSize", 5), "5.7", score=9,
             message="batch size 5, batching window 5 s (expected 10 and 5)",
             fix="aws lambda update-event-source-mapping --uuid uuid-task-kim7 --batch-size 10 "
                 "--maximum-batching-window-in-seconds 5")
MISTAKES.add("5.8 the fix names the trigger", lambda f: task_mapping(f).__setitem__("FunctionResponseTypes", []), "5.8",
             score=9, says="does not report batch item failures",
             fix="aws lambda update-event-source-mapping --uuid uuid-task-kim7 --function-response-types "
                 "ReportBatchItemFailures")
wrong("5.7", "batch", task_mapping, "MaximumBatchingWindowInSeconds", [0, 4, 6], score=9, says="batching window")
wrong("5.8", "response types", task_mapping, "FunctionResponseTypes", [[], None], score=9,
      says="does not report batch item failures", absent=True)

# --- task 6: the dead-letter queue -----------------------------------------------------------------

dlq_mapping = lambda f: next(m for m in f.mappings if m["UUID"] == "uuid-dlq-kim7")  # noqa: E731

MISTAKES.add("6.1 only a classmate's lambda-dlq", lambda f: f.queues.pop(n("lambda-dlq")), "6.1 6.2 6.3 6.5",
             score=2.5, says={"6.1": "no SQS queue named lambda-dlq-kim7",
                              "6.5": "the queue lambda-dlq-kim7 does not exist (see 6.1)"})
wrong("6.2", "attribute", lambda f: f.queues[n("lambda-dlq")], "MessageRetentionPeriod", ["345600", "1209599", "1209601"],
      score=7, says="MessageRetentionPeriod is ")
for label, target in {"a classmate's dead-letter queue (kim7b)": lambda f: f.queue_arn(n("lambda-dlq", CLASSMATE)),
                      "the same name in another account": lambda f: f.queue_arn(n("lambda-dlq"), account=OTHER_ACCOUNT),
                      "the same name in another region": lambda f: f.queue_arn(n("lambda-dlq"), region=OTHER_REGION),
                      "the failure queue": lambda f: f.queue_arn(n("lambda-failure-queue"))}.items():
    MISTAKES.add(f"6.3 dead letters to {label}", lambda f, t=target: f.config(n("async-processor")).__setitem__(
        "DeadLetterConfig", {"TargetArn": t(f)}), "6.3", score=6, says="async-processor-kim7 dead-letter target is arn:aws:sqs:")
MISTAKES.add("6.3 no dead-letter configuration", lambda f: f.config(n("async-processor")).pop("DeadLetterConfig"), "6.3",
             score=6, says="dead-letter target is not set")
MISTAKES.add("6.3 no dead-letter configuration, the role may not send", without_queue_permissions(
    lambda f: f.config(n("async-processor")).pop("DeadLetterConfig")), "6.3", score=6, says="not set",
    fix=SEND_GRANT.format(name="lambda-dlq-kim7", resource='"{}"'.format(QUEUE_ARN.format("lambda-dlq"))) + (
        "aws lambda update-function-configuration --function-name async-processor-kim7 --dead-letter-config "
        "TargetArn=arn:aws:sqs:us-east-1:123456789012:lambda-dlq-kim7"))
MISTAKES.add("6.4 only a classmate's dlq-processor", lambda f: delete_function(f, "dlq-processor"), "6.4 6.5 6.6",
             score=4.5, says="no function named dlq-processor-kim7", fix=create("dlq-processor"))
DLQ_UNREAD = "dlq-processor-kim7 has no trigger from lambda-dlq-kim7"
MISTAKES.add("6.5 no trigger", lambda f: f.mappings.remove(dlq_mapping(f)), "6.5", score=7, says=DLQ_UNREAD)
MISTAKES.add("6.5 no trigger, the role may not read the queue", without_queue_permissions(
    lambda f: f.mappings.remove(dlq_mapping(f))), "6.5", score=7, says=DLQ_UNREAD,
    fix=TRIGGER_GRANT + "aws lambda create-event-source-mapping --function-name dlq-processor-kim7 "
        "--event-source-arn arn:aws:sqs:us-east-1:123456789012:lambda-dlq-kim7")
MISTAKES.add("6.5 trigger from a classmate's queue (kim7b)", lambda f: dlq_mapping(f).__setitem__(
    "EventSourceArn", f.queue_arn(n("lambda-dlq", CLASSMATE))), "6.5", score=7, says=DLQ_UNREAD)
MISTAKES.add("6.5 trigger to a classmate's function (kim7b)", lambda f: dlq_mapping(f).__setitem__(
    "FunctionArn", f.function_arn(n("dlq-processor", CLASSMATE))), "6.5", score=7, says=DLQ_UNREAD)

# --- task 7: reserved concurrency ------------------------------------------------------------------

MISTAKES.add("7.1 only a classmate's rate-limited-function", lambda f: delete_function(f, "rate-limited-function"),
             "7.1 7.2 7.4", score=0, says="no function named rate-limited-function-kim7", fix=create("rate-limited-function", timeout=15))
wrong("7.2", "reserved", lambda f: f.reserved, n("rate-limited-function"), [0, 4, 6, 10], score=3.5,
      says="reserved concurrency is ")
MISTAKES.add("7.2 not reserved", lambda f: f.reserved.pop(n("rate-limited-function")), "7.2", score=3.5,
             says="reserved concurrency is not set (expected 5)")

# A new account's concurrency quota is 10, all of which AWS keeps unreserved (tests/recordings/lambda/
# GetAccountSettings.json, PutFunctionConcurrency.json): neither 7.2 nor 10.1 can be done until it is raised.
QUOTA_REQUEST = ("# the account's concurrency quota is 10: ask Service Quotas for 1000 (AWS may take hours or days, "
                 "and may ask why)\naws service-quotas request-service-quota-increase --service-code lambda "
                 "--quota-code L-B99A9384 --desired-value 1000\n# once `aws lambda get-account-settings --query "
                 "AccountLimit.ConcurrentExecutions` shows it:\n")


def new_account(f):
    f.concurrency_quota = 10
    f.reserved.clear()  # nobody in the account could reserve or provision anything
    f.provisioned.clear()


MISTAKES.add("7.2 a new account's quota leaves no room", new_account, "7.2 10.1", score={7: 3.5, 10: 5},
             message={"7.2": "reserved concurrency is not set (expected 5); AWS refuses 5 in this account: its "
                             "concurrency quota in us-east-1 is 10 (a new account's) with 10 unreserved, and AWS keeps "
                             "10 unreserved (\"decreases account's UnreservedConcurrentExecution below its minimum "
                             "value of [10]\"): ask for a higher quota first"},
             says={"7.2": "AWS refuses 5 in this account", "10.1": ("AWS refuses 2 in this account",
                                                                     "minimum value of [10]")},
             fix={"7.2": QUOTA_REQUEST + "aws lambda put-function-concurrency --function-name rate-limited-function-kim7 "
                         "--reserved-concurrent-executions 5"})


def classmates_reserved(amount):
    def apply(f):
        f.reserved.pop(n("rate-limited-function"))
        f.reserved[n("rate-limited-function", CLASSMATE)] = amount
    return apply


# At the default quota AWS keeps 100 unreserved: a classmate reserving 894 (and the two PROD aliases provisioning
# 2 each) leaves 102 unreserved, too few for 5 more; 891 leaves 105, enough.
MISTAKES.add("7.2 classmates reserved nearly everything", classmates_reserved(894), "7.2", score=3.5,
             says=("AWS refuses 5 in this account", "quota in us-east-1 is 1000 with 102 unreserved",
                   "minimum value of [100]"))
MISTAKES.add("7.2 classmates reserved a lot, room remains", classmates_reserved(891), "7.2", score=3.5,
             message="reserved concurrency is not set (expected 5)")

# --- task 8: Lambda Insights ------------------------------------------------------------------------

role = lambda f: f.roles[n("lambda-role")]  # noqa: E731
MISTAKES.add("8.1 no Insights layer", layers(layer_arn(HandBuiltFacts())), "8.1 8.2", score=0,
             says="none of your functions has a LambdaInsightsExtension layer")
MISTAKES.add("8.1 a look-alike layer name", layers(layer_arn(HandBuiltFacts()), insights(name="LambdaInsightsExtensionX")),
             "8.1 8.2", score=0, says="none of your functions has a LambdaInsightsExtension layer")
MISTAKES.add("8.1 the extension's name published by the student", layers(
    layer_arn(HandBuiltFacts()), insights(account="123456789012")), "8.1 8.2", score=0,
    says=("layer-consumer-kim7 has LambdaInsightsExtension:53 published by your own account: a look-alike",
          "(published by 580247275435 in us-east-1)"))
MISTAKES.add("8.1 two look-alikes: the first is named", layers(
    layer_arn(HandBuiltFacts()), insights(account=OTHER_ACCOUNT), insights(account="123456789012")), "8.1 8.2", score=0,
    says=f"layer-consumer-kim7 has LambdaInsightsExtension:53 published by account {OTHER_ACCOUNT}: a look-alike",
    evidence={"8.1": {"lookalike": insights(account=OTHER_ACCOUNT)}})
MISTAKES.add("8.1 the extension's name published by another account", layers(
    layer_arn(HandBuiltFacts()), insights(account=OTHER_ACCOUNT)), "8.1 8.2", score=0,
    says=f"published by account {OTHER_ACCOUNT}: a look-alike")
MISTAKES.add("8.2 the role may not write logs", lambda f: role(f).update(attached=[], inline={}), "8.2", score=5,
             says="layer-consumer-kim7's role does not allow logs:CreateLogStream, logs:PutLogEvents")
MISTAKES.add("8.2 an explicit Deny of PutLogEvents", lambda f: role(f)["inline"].__setitem__("deny", document(
    {"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": "*"})), "8.2", score=5,
    says="does not allow logs:PutLogEvents")
MISTAKES.add("8.2 the role does not exist", lambda f: f.roles.pop(n("lambda-role")), "8.2", score=5,
             says="role arn:aws:iam::123456789012:role/lambda-role-kim7 does not exist")
MISTAKES.add("8.2 two functions with Insights, neither role may write logs: the first is fixed", lambda f: (
    f.config(n("vpc-lambda")).__setitem__("Layers", [{"Arn": insights()}]), role(f).update(attached=[], inline={}),
    f.roles[n("vpc-lambda-role")].update(attached=[], inline={})), "3.7 8.2", score={3: 8.5, 8: 5},
    says={"3.7": "does not allow", "8.2": ("layer-consumer-kim7's role does not allow",
                                           "vpc-lambda-kim7's role does not allow")})
MISTAKES.add("8.2 two functions with Insights, both roles gone: the first is created", lambda f: (
    f.config(n("vpc-lambda")).__setitem__("Layers", [{"Arn": insights()}]), f.roles.pop(n("lambda-role")),
    f.roles.pop(n("vpc-lambda-role"))), "3.7 8.2", score={3: 8.5, 8: 5},
    says={"3.7": "does not exist", "8.2": "role arn:aws:iam::123456789012:role/lambda-role-kim7 does not exist"})
MISTAKES.add("8.2 a configuration without a role", lambda f: f.config(n("layer-consumer")).pop("Role"), "8.2", score=5,
             says="layer-consumer-kim7: role None does not exist")


def own_policy_named_like_insights(f):
    """The role's only policy is the student's own, named CloudWatchLambdaInsightsExecutionRolePolicy."""
    arn = f"arn:aws:iam::{f.account}:policy/CloudWatchLambdaInsightsExecutionRolePolicy"
    f.managed[arn] = document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    role(f).update(attached=[{"PolicyName": "CloudWatchLambdaInsightsExecutionRolePolicy", "PolicyArn": arn}], inline={})


MISTAKES.add("8.2 the Insights policy's name on a policy of the student's own", own_policy_named_like_insights, "8.2",
             score=5, says="does not allow logs:CreateLogStream, logs:PutLogEvents")

# The resource the check needs: the extension writes to /aws/lambda-insights, not to the function's own group.
CONSOLE_LOGGING = document({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/layer-consumer-kim7:*"})
MISTAKES.add("8.2 the console's role policy: logs only in the function's own group", lambda f: role(f).update(
    attached=[], inline={"console": CONSOLE_LOGGING}), "8.2", score=5,
    says="layer-consumer-kim7's role does not allow logs:CreateLogStream, logs:PutLogEvents")
MISTAKES.add("8.2 logging allowed only in another Region", lambda f: role(f).update(attached=[], inline={"region": document(
    {"Effect": "Allow", "Action": "logs:*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})}), "8.2", score=5,
    says="does not allow logs:CreateLogStream, logs:PutLogEvents")
MISTAKES.add("8.2 logging allowed only under a tag the grader cannot see", lambda f: role(f).update(
    attached=[], inline={"tagged": document({"Effect": "Allow", "Action": "logs:*", "Resource": "*",
                                             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "data"}}})}),
    "8.2", score=5, says="does not allow logs:CreateLogStream, logs:PutLogEvents")

# --- task 9: versions and aliases -------------------------------------------------------------------


def alias_of(name: str):
    return lambda f: next(a for a in f.alias_lists[n("layer-consumer")] if a["Name"] == name)


def drop_alias(name: str):
    def apply(f):
        f.alias_lists[n("layer-consumer")].remove(alias_of(name)(f))
        f.provisioned.pop((n("layer-consumer"), name), None)  # AWS deletes the alias's provisioned concurrency
    return apply


MISTAKES.add("9.2 no published version", lambda f: f.published.__setitem__(n("layer-consumer"), []), "9.2 9.3 9.5",
             score={9: 2}, says={"9.2": "layer-consumer-kim7 has only $LATEST",
                                 "9.3": "PROD points to 1, not a published version"})
MISTAKES.add("9.3 no PROD alias", drop_alias("PROD"), "9.3 9.5 10.1", score={9: 4, 10: 5},
             says={"9.3": "no alias named PROD", "10.1": "no provisioned concurrency on layer-consumer-kim7:PROD"})
MISTAKES.add("9.3 PROD named prod, on version 2 with weights: the fix keeps both", lambda f: (
    alias_of("PROD")(f).update(Name="prod", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}}),
    f.provisioned.pop((n("layer-consumer"), "PROD"))), "9.3 9.5 10.1", score={9: 4, 10: 5},
    says={"9.3": "no alias named PROD, but there is prod", "10.1": "no provisioned concurrency"})
MISTAKES.add("9.3 both prod and Prod: the closest is named", lambda f: (
    alias_of("PROD")(f).update(Name="Prod"), f.provisioned.pop((n("layer-consumer"), "PROD")),
    f.alias_lists[n("layer-consumer")].append({"Name": "prod", "FunctionVersion": "2", "AliasArn": "x"})),
    "9.3 9.5 10.1", score={9: 4, 10: 5}, says={"9.3": "no alias named PROD, but there is Prod:", "10.1": "no provisioned"})
MISTAKES.add("9.3 no PROD and no published version", lambda f: (
    drop_alias("PROD")(f), f.published.__setitem__(n("layer-consumer"), [])), "9.2 9.3 9.5 10.1",
    score={9: 2, 10: 5}, says={"9.2": "has only $LATEST", "9.3": "no alias named PROD", "10.1": "no provisioned"})
MISTAKES.add("9.5 no weights, versions 2 and 3 published: the fix routes to the newest", lambda f: (
    alias_of("PROD")(f).pop("RoutingConfig"), f.published[n("layer-consumer")].append("3")), "9.5", score=6,
    says="PROD has no routing configuration")
MISTAKES.add("9.5 PROD on the only published version, no weights: the fix publishes another", lambda f: (
    alias_of("PROD")(f).pop("RoutingConfig"), f.published.__setitem__(n("layer-consumer"), [
        v for v in f.published[n("layer-consumer")] if v != "2"])), "9.5", score=6,
    says="PROD has no routing configuration")
wrong("9.3", "PROD version", alias_of("PROD"), "FunctionVersion", ["$LATEST", "7"], failing="9.3 9.5", score=4,
      says="not a published version")
MISTAKES.add("9.4 no STAGING alias", drop_alias("STAGING"), "9.4", score=6, says="no alias named STAGING")
wrong("9.4", "STAGING version", alias_of("STAGING"), "FunctionVersion", ["1", "2"], score=6,
      says="STAGING points to")
wrong("9.4", "alias name", alias_of("STAGING"), "Name", ["staging", "Staging"], score=6,
      says=("no alias named STAGING, but there is ", ": alias names are case-sensitive"), absent=True)
weights = lambda f: alias_of("PROD")(f)["RoutingConfig"]  # noqa: E731
wrong("9.5", "weights", weights, "AdditionalVersionWeights", [{"2": 0.2}, {"2": 0.05}, {"2": 0.11}, {"1": 0.1}, {"2": "0.1"}],
      score=6, says="PROD routes version")
MISTAKES.add("9.5 no routing configuration", lambda f: alias_of("PROD")(f).pop("RoutingConfig"), "9.5", score=6,
             says="PROD has no routing configuration")
MISTAKES.add("9.5 no weights and no provisioned concurrency yet: the weights' fix waits for 10.1's", lambda f: (
    alias_of("PROD")(f).pop("RoutingConfig"), f.provisioned.pop((n("layer-consumer"), "PROD"))), "9.5 10.1",
    score={9: 6, 10: 5}, says={"9.5": "PROD has no routing configuration",
                               "10.1": "no provisioned concurrency on layer-consumer-kim7:PROD"},
    fix={"9.5": "# provisioned concurrency on PROD first (10.1's fix): AWS refuses it once PROD has weights; "
                "graded again, this fix is then a command",
         "10.1": "aws lambda put-provisioned-concurrency-config --function-name layer-consumer-kim7 --qualifier PROD "
                 "--provisioned-concurrent-executions 2"})

# --- task 10: provisioned concurrency ---------------------------------------------------------------

provisioned = lambda f: f.provisioned[(n("layer-consumer"), "PROD")]  # noqa: E731
target = lambda f: f.targets[0]  # noqa: E731 (kim7's: added first)
scaling = lambda f: f.scaling[0]  # noqa: E731
tracking = lambda f: scaling(f)["TargetTrackingScalingPolicyConfiguration"]  # noqa: E731

wrong("10.1", "requested", provisioned, "RequestedProvisionedConcurrentExecutions", [1, 3, 10], score=5,
      says="provisioned concurrency on PROD is ")
MISTAKES.add("10.1 FAILED", lambda f: provisioned(f).update(Status="FAILED", StatusReason="FUNCTION_ERROR_INIT_FAILURE"),
             "10.1", score=5, says="provisioned concurrency 2 on PROD FAILED: FUNCTION_ERROR_INIT_FAILURE",
             evidence={"status": "FAILED", "reason": "FUNCTION_ERROR_INIT_FAILURE"})
MISTAKES.add("10.1 FAILED without a reason", lambda f: provisioned(f).update(Status="FAILED"), "10.1", score=5,
             message="provisioned concurrency 2 on PROD FAILED: no reason given")
MISTAKES.add("10.1 none while PROD has weights", lambda f: f.provisioned.pop((n("layer-consumer"), "PROD")), "10.1",
             score=5, says="AWS refuses it while PROD has weights")
MISTAKES.add("10.1 provisioned on STAGING instead", lambda f: f.provisioned.__setitem__(
    (n("layer-consumer"), "STAGING"), f.provisioned.pop((n("layer-consumer"), "PROD"))), "10.1", score=5,
    says="no provisioned concurrency on layer-consumer-kim7:PROD")
MISTAKES.add("10.2 no scalable target", lambda f: f.targets.remove(target(f)), "10.2", score=5,
             says="no scalable target for function:layer-consumer-kim7:PROD")
wrong("10.2", "resource", target, "ResourceId", ["function:layer-consumer-kim7:STAGING", "function:layer-consumer-kim7b:PROD",
                                                 "function:layer-consumer-kim7"], score=5,
      says="no scalable target for function:layer-consumer-kim7:PROD", absent=True)
wrong("10.2", "dimension", target, "ScalableDimension", ["lambda:function:ProvisionedConcurrentExecutions"], score=5,
      says="expected lambda:function:ProvisionedConcurrency")
MISTAKES.add("10.2 two targets of other dimensions: the first is named", lambda f: (
    target(f).__setitem__("ScalableDimension", "lambda:function:First"),
    f.targets.insert(1, dict(target(f), ScalableDimension="lambda:function:Second"))), "10.2", score=5,
    message="the scalable target's dimension is lambda:function:First, expected lambda:function:ProvisionedConcurrency")
wrong("10.2", "capacity", target, "MinCapacity", [1, 3], score=5, says="(expected 2 to 10)")
wrong("10.2", "capacity", target, "MaxCapacity", [9, 11], score=5, says="(expected 2 to 10)")
MISTAKES.add("10.3 no scaling policy", lambda f: f.scaling.remove(scaling(f)), "10.3", score=6,
             says="no target-tracking policy on function:layer-consumer-kim7:PROD")
wrong("10.3", "policy", scaling, "PolicyType", ["StepScaling"], score=6, says="no target-tracking policy", absent=True)
wrong("10.3", "policy", scaling, "ResourceId", ["function:layer-consumer-kim7b:PROD"], score=6,
      says="no target-tracking policy", absent=True)
wrong("10.3", "target", tracking, "TargetValue", [0.69, 0.71, 70.0, 7.0], score=6,
      says="expected LambdaProvisionedConcurrencyUtilization at 0.7; found pc-utilization: ")
wrong("10.3", "metric", tracking, "PredefinedMetricSpecification",
      [{"PredefinedMetricType": "ALBRequestCountPerTarget"}, {}], score=6, says="found pc-utilization: ")

# --- task 11: cross-account invoke ------------------------------------------------------------------

statement = lambda f: f.policies[n("layer-consumer")]["Statement"][0]  # noqa: E731
MISTAKES.add("11.1 no resource-based policy", lambda f: f.policies.pop(n("layer-consumer")), "11.1 11.2", score=0,
             says="layer-consumer-kim7 has no resource-based policy")
MISTAKES.add("11.1 a policy without statements", lambda f: f.policies[n("layer-consumer")].__setitem__("Statement", []),
             "11.1 11.2", score=0, says="has no resource-based policy")
wrong("11.2", "principal", statement, "Principal", [{"AWS": "*"}, "*"], score=2, says="anyone (*)")
MISTAKES.add("11.2 a public statement without a Sid", lambda f: (
    statement(f).pop("Sid"), statement(f).__setitem__("Principal", "*")), "11.2", score=2, says="anyone (*)")
wrong("11.2", "principal", statement, "Principal", [{"AWS": "123456789012"}, {"AWS": "arn:aws:iam::123456789012:root"}],
      score=2, says="only your own account 123456789012 may invoke it")
wrong("11.2", "principal", statement, "Principal", [{"Service": "s3.amazonaws.com"}, {"AWS": "11112222333"},
                                                    {"AWS": "arn:aws:iam::111122223333:rooted"}], score=2,
      says="no statement allows another account lambda:InvokeFunction")
wrong("11.2", "action", statement, "Action", ["lambda:GetFunction", "lambda:InvokeAsync"], score=2,
      says="no statement allows another account lambda:InvokeFunction", absent=True)
wrong("11.2", "effect", statement, "Effect", ["Deny"], score=2, says="no statement allows another account", absent=True)
# A statement counts only for what it grants: to whom, on which function, under which conditions (for a direct call
# no aws:SourceArn/SourceAccount nor function-URL key is present; the caller's organization is unknown).
for label, condition in {
    "only in an organization": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    "only for a tag the grader cannot see": {"StringEquals": {"aws:PrincipalTag/team": "data"}},
}.items():
    MISTAKES.add(f"11.2 the account may invoke {label}", lambda f, c=condition: statement(f).__setitem__("Condition", c),
                 "11.2", score=2, says=("no statement certainly lets another account invoke it", "may not apply"))
for label, condition in {
    "only through a function URL": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}},
    "only when invoked via a function URL": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}},
    "only for a source account (a service's limit)": {"StringEquals": {"AWS:SourceAccount": TRUSTED_ACCOUNT}},
}.items():
    MISTAKES.add(f"11.2 the account may invoke {label}", lambda f, c=condition: statement(f).__setitem__("Condition", c),
                 "11.2", score=2, says="no statement allows another account lambda:InvokeFunction")
MISTAKES.add("11.2 anyone, but only in an organization", lambda f: statement(f).update(
    Principal="*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), "11.2", score=2,
    says="anyone (*) under aws:PrincipalOrgID may not apply")
MISTAKES.add("11.2 a deleted role (its unique ID)", lambda f: statement(f).__setitem__(
    "Principal", {"AWS": "AROAEXAMPLEID12345678"}), "11.2", score=2,
    says="no statement allows another account lambda:InvokeFunction")
MISTAKES.add("11.2 the statement is about another function", lambda f: statement(f).__setitem__(
    "Resource", "arn:aws:lambda:us-east-1:123456789012:function:layer-consumer-kim7b"), "11.2", score=2,
    says="no statement allows another account lambda:InvokeFunction")
MISTAKES.add("11.2 an explicit Deny for the account", lambda f: f.policies[n("layer-consumer")]["Statement"].append({
    "Sid": "NoThanks", "Effect": "Deny", "Principal": {"AWS": TRUSTED_ACCOUNT}, "Action": "lambda:*",
    "Resource": f.function_arn(n("layer-consumer"))}), "11.2", score=2,
    says="no statement allows another account lambda:InvokeFunction")

# --- task 12: alarms ---------------------------------------------------------------------------------

errors = lambda f: f.alarm(n("Lambda-HighErrorRate"))  # noqa: E731
duration = lambda f: f.alarm(n("Lambda-HighDuration"))  # noqa: E731
throttles = lambda f: f.alarm(n("Lambda-Throttles"))  # noqa: E731
TWO_LEFT = "2 alarm(s) on AWS/Lambda metrics of your functions"



def watching(function: str):
    """The alarm's FunctionName dimension changed to ``function`` (its other dimensions kept)."""
    return lambda a: a.__setitem__("Dimensions", [dict(d, Value=function) if d["Name"] == "FunctionName" else d
                                                  for d in a["Dimensions"]])


# An alarm on a function that does not exist, named nearly like the student's: pointed out, and moved.
MISTAKES.add("12.2 an Errors alarm with every setting, the threshold wrong: the fix writes each back", lambda f: errors(
    f).update(Threshold=4.0, AlarmDescription="errors of the consumer", DatapointsToAlarm=2, TreatMissingData="notBreaching",
              Unit="Count", ActionsEnabled=False, AlarmActions=[f.arn("sns", "alarms")], OKActions=[f.arn("sns", "ok")],
              InsufficientDataActions=[f.arn("sns", "data")]), "12.2", score=8, says="Threshold is 4 (expected 5)")
# PutMetricAlarm takes "either Statistic or ExtendedStatistic, but not both" (botocore's cloudwatch model).
MISTAKES.add("12.3 a Duration alarm on p90: the fix sets Average and drops the percentile's settings", lambda f: (
    duration(f).pop("Statistic"), duration(f).update(ExtendedStatistic="p90", EvaluateLowSampleCountPercentile="ignore")),
    "12.3", score=8, says="Statistic is None (expected 'Average')")
MISTAKES.add("12.2 the Errors alarm on layer-consumer-kim (the ID cut short)", lambda f: watching(
    "layer-consumer-kim")(errors(f)), "12.1 12.2", score=4,
    says={"12.1": "Lambda-HighErrorRate-kim7 watches layer-consumer-kim: did you mean layer-consumer-kim7?",
          "12.2": "Lambda-HighErrorRate-kim7 watches layer-consumer-kim: did you mean layer-consumer-kim7?"})
MISTAKES.add("12.4 the Throttles alarm on layer-consumer-kmi7 (letters swapped)", lambda f: watching(
    "layer-consumer-kmi7")(throttles(f)), "12.1 12.4", score=4,
    says={"12.1": "(Lambda-Throttles-kim7 watches layer-consumer-kmi7: did you mean layer-consumer-kim7?)",
          "12.4": "Lambda-Throttles-kim7 watches layer-consumer-kmi7: did you mean layer-consumer-kim7?"})
MISTAKES.add("12.4 a near miss listed after another namespace's alarm", lambda f: (
    f.alarms.insert(0, alarm(f, "Custom-first", "Errors", "Sum", 1, 1, "GreaterThanThreshold", "layer-consumer-kim",
                             Namespace="Custom/Lambda")),
    watching("layer-consumer-kmi7")(throttles(f))), "12.1 12.4", score=4,
    says={"12.1": "(Lambda-Throttles-kim7 watches layer-consumer-kmi7: did you mean layer-consumer-kim7?)",
          "12.4": "Lambda-Throttles-kim7 watches layer-consumer-kmi7"})
MISTAKES.add("12.3 a p90 Duration alarm on layer-consumer-kim, by function and alias: moved as it is", lambda f: (
    duration(f).pop("Statistic"), duration(f).update(
        ExtendedStatistic="p90", EvaluateLowSampleCountPercentile="ignore", AlarmDescription="",
        Dimensions=[{"Name": "FunctionName", "Value": "layer-consumer-kim"},
                    {"Name": "Resource", "Value": "layer-consumer-kim:PROD"}])), "12.1 12.3", score=4,
    says={"12.1": "Lambda-HighDuration-kim7 watches layer-consumer-kim: did you mean layer-consumer-kim7?",
          "12.3": "Lambda-HighDuration-kim7 watches layer-consumer-kim"})
MISTAKES.add("12.2 and 12.4 both on near misses: each check names its own", lambda f: (
    watching("layer-consumer-kim")(errors(f)), watching("layer-consumer-kmi7")(throttles(f))), "12.1 12.2 12.4",
    score=2, says={"12.1": ("Lambda-HighErrorRate-kim7 watches layer-consumer-kim", "Lambda-Throttles-kim7 watches"),
                   "12.2": "Lambda-HighErrorRate-kim7 watches layer-consumer-kim:",
                   "12.4": "Lambda-Throttles-kim7 watches layer-consumer-kmi7:"})
MISTAKES.add("12.2 on a classmate's function: not a near miss (it exists)", lambda f: watching(
    n("layer-consumer", CLASSMATE))(errors(f)), "12.1 12.2", score=4, says={"12.1": "2 alarm(s)"},
    message={"12.2": "no alarm on the Errors metric of your functions"})
MISTAKES.add("12.2 a near miss in another namespace is not pointed out", lambda f: (
    watching("layer-consumer-kim")(errors(f)), errors(f).__setitem__("Namespace", "Custom/Lambda")), "12.1 12.2",
    score=4, says={"12.1": "2 alarm(s)", "12.2": "no alarm on the Errors metric of your functions"})

# Issue 24: a near miss is offered only for an alarm named for the student (its name ends in their ID after
# a character that is no letter or digit): a classmate's alarm is never moved onto the student's function.
ERRORS_FIX = ("aws cloudwatch put-metric-alarm --alarm-name Lambda-HighErrorRate-kim7 --namespace AWS/Lambda --metric-name "
              "Errors --statistic Sum --period 300 --evaluation-periods 2 --threshold 5 --comparison-operator "
              "GreaterThanThreshold --dimensions Name=FunctionName,Value=layer-consumer-kim7")
for owner, label in (("kim", "classmate kim's alarm, its function not made yet"),
                     ("akim7", "alarm of akim7, the ID after a letter")):
    MISTAKES.add(f"12.2 gone: {label}, on layer-consumer-kim, is never offered", lambda f, o=owner: (
        f.alarms.remove(errors(f)),
        f.alarms.append(alarm(f, n("Lambda-HighErrorRate", o), "Errors", "Sum", 2, 5, "GreaterThanThreshold",
                              "layer-consumer-kim"))), "12.1 12.2", score=4,
        says={"12.1": TWO_LEFT}, message={"12.2": "no alarm on the Errors metric of your functions"},
        fix={"12.1": "# the Errors alarm: see the fix under 12.2", "12.2": ERRORS_FIX})
MISTAKES.add("12.2 an alarm named for KIM7 (the ID's case aside) on layer-consumer-kim: offered", lambda f: (
    watching("layer-consumer-kim")(errors(f)), errors(f).__setitem__("AlarmName", "lambda-errors-KIM7")),
    "12.1 12.2", score=4, says={c: "lambda-errors-KIM7 watches layer-consumer-kim: did you mean layer-consumer-kim7?"
                                for c in ("12.1", "12.2")})

MISTAKES.add("12.1 only two alarms", lambda f: f.alarms.remove(throttles(f)), "12.1 12.4", score=4,
             says={"12.1": TWO_LEFT, "12.4": "no alarm on the Throttles metric of your functions"},
             fix={"12.1": "# the Throttles alarm: see the fix under 12.4"},
             evidence={"12.1": {"alarms": ["Lambda-HighDuration-kim7", "Lambda-HighErrorRate-kim7"]}})
MISTAKES.add("12.1 only one alarm", lambda f: (f.alarms.remove(throttles(f)), f.alarms.remove(errors(f))),
             "12.1 12.2 12.4", score=2, says={"12.1": "1 alarm(s) on AWS/Lambda metrics of your functions: "
                                                      "Lambda-HighDuration-kim7; create at least 3",
                                              "12.2": "no alarm on the Errors metric", "12.4": "no alarm on the Throttles metric"},
             fix={"12.1": "# the Errors, Throttles alarms: see the fix under 12.2, 12.4"})
MISTAKES.add("12.1 no alarm", lambda f: f.alarms.clear(), "12.1 12.2 12.3 12.4", score=0,
             says={"12.1": "0 alarm(s) on AWS/Lambda metrics of your functions; create at least 3",
                   "12.2": "no alarm on the Errors metric", "12.3": "no alarm on the Duration metric",
                   "12.4": "no alarm on the Throttles metric"},
             fix={"12.1": "# the Errors, Duration, Throttles alarms: see the fix under 12.2, 12.3, 12.4"},
             evidence={"12.1": {"alarms": []}})
for label, change in {
    "in another namespace": lambda f: errors(f).__setitem__("Namespace", "Custom/Lambda"),
    "without a namespace": lambda f: errors(f).pop("Namespace"),
    "on a classmate's function (kim7b)": lambda f: errors(f).__setitem__(
        "Dimensions", [{"Name": "FunctionName", "Value": n("layer-consumer", CLASSMATE)}]),
    "on a function whose name only starts like the student's": lambda f: errors(f).__setitem__(
        "Dimensions", [{"Name": "FunctionName", "Value": "layer-consumer-kim"}]),
    "on the function's name under another dimension": lambda f: errors(f).__setitem__(
        "Dimensions", [{"Name": "Resource", "Value": n("layer-consumer")}]),
    "without dimensions": lambda f: errors(f).pop("Dimensions"),
}.items():
    MISTAKES.add(f"12.1 the Errors alarm {label}", change, "12.1 12.2", score=4,
                 says={"12.1": TWO_LEFT, "12.2": "no alarm on the Errors metric of your functions"})


def auto_scaling_alarms_only(rename: bool):
    """Only the Errors alarm of the student's own, and Application Auto Scaling's two (optionally renamed)."""
    def apply(f):
        f.alarms.remove(duration(f))
        f.alarms.remove(throttles(f))
        if rename:
            for a in f.alarms:
                a["AlarmName"] = a["AlarmName"].replace("TargetTracking-", "PC-")
    return apply


MISTAKES.add("12.1 Application Auto Scaling's alarms are not the student's", auto_scaling_alarms_only(False),
             "12.1 12.3 12.4", score=2, says={"12.1": "1 alarm(s) on AWS/Lambda metrics of your functions: Lambda-HighErrorRate-kim7",
                                              "12.3": "no alarm on the Duration metric", "12.4": "no alarm on the Throttles metric"})
MISTAKES.add("12.3 alarms of the student's own acting on the scaling policy count, but watch no Duration",
             auto_scaling_alarms_only(True), "12.3 12.4", score=6,
             says={"12.3": "no alarm on the Duration metric", "12.4": "no alarm on the Throttles metric"})
for alarm_of, check, fields in (
    (errors, "12.2", {"Statistic": ["Average", "Maximum"], "Period": [60, 299, 301, 600], "EvaluationPeriods": [1, 3],
                      "Threshold": [4.0, 4.9, 5.1, 6.0], "ComparisonOperator": ["GreaterThanOrEqualToThreshold",
                                                                               "LessThanThreshold"]}),
    (duration, "12.3", {"Statistic": ["Sum", "Maximum"], "Threshold": [24999.0, 25001.0, 30000.0],
                        "ComparisonOperator": ["GreaterThanOrEqualToThreshold"]}),
    (throttles, "12.4", {"Statistic": ["Average", "Maximum"], "Threshold": [0.0, 2.0],
                         "ComparisonOperator": ["GreaterThanThreshold"]}),
):
    for key, values in fields.items():
        for value in values:
            MISTAKES.add(f"{check} {key} {value!r}", lambda f, a=alarm_of, k=key, v=value: a(f).__setitem__(k, v), check,
                         score=8, says=(f"{key} is {value_text(value)}", "(expected "))
MISTAKES.add("12.2 a right Errors alarm on a classmate's function beside a wrong one of the student's", lambda f: (
    errors(f).__setitem__("Threshold", 4.0),
    f.alarms.append(alarm(f, "Lambda-Errors-copy", "Errors", "Sum", 2, 5, "GreaterThanThreshold", n("layer-consumer", CLASSMATE)))),
    "12.2", score=8, says="Lambda-HighErrorRate-kim7: Threshold is 4 (expected 5)")
MISTAKES.add("12.2 of two Errors alarms as wrong as each other, the first listed is named", lambda f: (
    errors(f).__setitem__("Threshold", 4.0),
    f.alarms.append(alarm(f, "Errors-2", "Errors", "Sum", 2, 5, "GreaterThanOrEqualToThreshold", n("sqs-consumer")))),
    "12.2", score=8, message="Lambda-HighErrorRate-kim7: Threshold is 4 (expected 5)",
    evidence={"alarm": "Lambda-HighErrorRate-kim7"})
MISTAKES.add("12.2 the closest of two wrong Errors alarms is named", lambda f: (
    errors(f).update(Threshold=4.0, Period=60),
    f.alarms.append(alarm(f, "Errors-2", "Errors", "Sum", 2, 6, "GreaterThanThreshold", n("sqs-consumer")))),
    "12.2", score=8, says="Errors-2: Threshold is 6 (expected 5)")


# --- what a correct setup may look like --------------------------------------------------------------

ACCEPTED.update({
    "1.2 python3.12 among other runtimes": lambda f: latest_layer(f).__setitem__(
        "CompatibleRuntimes", ["python3.11", "python3.12", "python3.13"]),
    "2.4 the student's layer after the Insights layer": layers(insights(), layer_arn(HandBuiltFacts())),
    "3.4 three subnets in two zones": attach(["subnet-a", "subnet-b", "subnet-c"]),
    "3.6 SUBNET_IDS reordered, with spaces": lambda f: variables(f).__setitem__("SUBNET_IDS", " subnet-b , subnet-a "),
    "3.6 SECURITY_GROUP_ID names the own group among two attached": lambda f: (
        attach(groups=["sg-kim7", "sg-default"])(f), variables(f).__setitem__("SECURITY_GROUP_ID", "sg-kim7")),
    "3.6 VPC_ID with surrounding spaces": lambda f: variables(f).__setitem__("VPC_ID", " vpc-default "),
    "3.7 a wildcard inline policy": lambda f: eni_actions("ec2:*NetworkInterface*")(f),
    "5.6 a trigger still being created": lambda f: task_mapping(f).__setitem__("State", "Creating"),
    "5.6 a trigger still enabling": lambda f: task_mapping(f).__setitem__("State", "Enabling"),
    "5.6 a trigger still updating": lambda f: task_mapping(f).__setitem__("State", "Updating"),
    "5.6 a trigger on an alias of the function": lambda f: task_mapping(f).__setitem__(
        "FunctionArn", f.function_arn(n("sqs-consumer")) + ":LIVE"),
    "5.6 a classmate's trigger on the same queue beside the student's": lambda f: f.mappings.insert(0, dict(
        task_mapping(f), UUID="uuid-other", State="Disabled", FunctionArn=f.function_arn(n("sqs-consumer", CLASSMATE)))),
    "7.2 reserved concurrency 5 with a 15 s timeout": lambda f: f.config(n("rate-limited-function")).__setitem__("Timeout", 15),
    "8.1 the Arm64 extension": layers(layer_arn(HandBuiltFacts()), insights(name="LambdaInsightsExtension-Arm64")),
    "8.1 Insights on another function of the student's": lambda f: (
        layers(layer_arn(f))(f), f.config(n("sqs-consumer")).__setitem__("Layers", [{"Arn": insights()}])),
    "8.2 an attached-policy entry without its ARN is passed over": lambda f: role(f)["attached"].insert(
        0, {"PolicyName": "broken"}),
    "8.2 AWS's managed Insights policy alone": lambda f: role(f).update(inline={}, attached=[
        {"PolicyName": "CloudWatchLambdaInsightsExecutionRolePolicy",
         "PolicyArn": AWS_MANAGED + "CloudWatchLambdaInsightsExecutionRolePolicy"}]),
    "9.5 weight 0.1 as an integer-free float": lambda f: weights(f).__setitem__("AdditionalVersionWeights", {"2": 0.1000000001}),
    "10.1 provisioned concurrency still being allocated": lambda f: provisioned(f).update(Status="IN_PROGRESS"),
    "10.3 target 0.7 among another policy": lambda f: f.scaling.insert(0, dict(scaling(f), PolicyName="step",
                                                                               PolicyType="StepScaling")),
    "11.2 the account as 12 digits": lambda f: statement(f).__setitem__("Principal", {"AWS": TRUSTED_ACCOUNT}),
    "11.2 the account among the student's own": lambda f: statement(f).__setitem__(
        "Principal", {"AWS": ["arn:aws:iam::123456789012:root", TRUSTED_ACCOUNT]}),
    "11.2 lambda:* allows invoking": lambda f: statement(f).__setitem__("Action", "lambda:*"),
    # What AWS leaves out (a limit never set) is its default: 2 retries, 6 hours (aws_rules.async_limits).
    "4.4 retries never set: AWS's default 2": lambda f: invoke(f).pop("MaximumRetryAttempts"),
    "4.4 neither limit set: AWS's defaults": lambda f: (invoke(f).pop("MaximumRetryAttempts"),
                                                       invoke(f).pop("MaximumEventAgeInSeconds")),
    "11.2 a role of the other account": lambda f: statement(f).__setitem__(
        "Principal", {"AWS": f"arn:aws:iam::{TRUSTED_ACCOUNT}:role/Invoker"}),
    "11.2 a condition that holds for a direct call (HTTPS)": lambda f: statement(f).__setitem__(
        "Condition", {"Bool": {"aws:SecureTransport": "true"}}),
    "11.2 a negated service limit, which a direct call meets": lambda f: statement(f).__setitem__(
        "Condition", {"StringNotEquals": {"AWS:SourceAccount": OTHER_ACCOUNT}}),
    "11.2 a Deny for someone else": lambda f: f.policies[n("layer-consumer")]["Statement"].append({
        "Effect": "Deny", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "lambda:InvokeFunction"}),
    "3.7 ENI actions on the account's EC2 resources, describing on *": lambda f: vpc_role(f).update(
        attached=[], inline={"eni": document(
            {"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
             "Resource": "arn:aws:ec2:us-east-1:123456789012:*"},
            {"Effect": "Allow", "Action": "ec2:DescribeNetworkInterfaces", "Resource": "*"})}),
    "8.2 logs allowed in this Region only": lambda f: role(f).update(attached=[], inline={"region": document(
        {"Effect": "Allow", "Action": "logs:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}})}),
    "8.2 logs allowed on the Insights group alone": lambda f: role(f).update(attached=[], inline={"insights": document(
        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda-insights:*"})}),
    "12.1 an alarm of the student's own named like Application Auto Scaling's": lambda f: throttles(f).__setitem__(
        "AlarmName", "TargetTracking-mine"),
    "12.2 the Errors alarm on another function of the student's": lambda f: errors(f).__setitem__(
        "Dimensions", [{"Name": "FunctionName", "Value": n("sqs-consumer")}]),
    "12.2 a wrong Errors alarm beside the right one": lambda f: f.alarms.insert(0, alarm(
        f, "Errors-old", "Errors", "Sum", 1, 10, "GreaterThanThreshold", n("layer-consumer"))),
    "12.1 an alarm of the student's own named like AAS's, acting on a function whose name looks like a policy":
        lambda f: throttles(f).update(AlarmName="TargetTracking-throttles", AlarmActions=[
            "arn:aws:lambda:us-east-1:123456789012:function:scalingPolicy:live"]),
    "8.2 a second function with Insights whose role may report, after one whose role is gone": lambda f: (
        f.config(n("layer-consumer")).__setitem__("Role", f.role_arn("gone")),
        f.config(n("sqs-consumer")).update(Layers=[{"Arn": insights()}], Role=f.role_arn(n("vpc-lambda-role")))),
    "11.2 the invoke statement after another": lambda f: f.policies[n("layer-consumer")]["Statement"].insert(0, {
        "Sid": "Read", "Effect": "Allow", "Principal": {"AWS": OTHER_ACCOUNT}, "Action": "lambda:GetFunction"}),
})
# These also say what they saw.
ACCEPTED["2.1 an update in progress"] = (lambda f: f.config(n("layer-consumer")).update(
    LastUpdateStatus="InProgress", LastUpdateStatusReason="The function is being created.",
    LastUpdateStatusReasonCode="Creating"), {
    "2.1": "layer-consumer-kim7 exists (an update is in progress: judged by the configuration it is moving to)"})
ACCEPTED["2.1 still being created"] = (lambda f: f.config(n("layer-consumer")).update(State="Pending"), {
    "2.1": "layer-consumer-kim7 exists (still being created: judged by the configuration it will have)"})
ACCEPTED["4.4 neither limit set: AWS's defaults"] = (ACCEPTED["4.4 neither limit set: AWS's defaults"], {
    "4.4": "2 retries, events kept 6 hours (retry attempts and event age not set: AWS's defaults apply)"})
ACCEPTED["8.2 AWS's managed Insights policy alone"] = (ACCEPTED["8.2 AWS's managed Insights policy alone"], {
    "8.2": "layer-consumer-kim7's role has CloudWatchLambdaInsightsExecutionRolePolicy"})
ACCEPTED["10.1 provisioned concurrency still being allocated"] = (
    ACCEPTED["10.1 provisioned concurrency still being allocated"],
    {"10.1": "2 provisioned executions requested, still being allocated (IN_PROGRESS)"})
for prefix in ("layer-consumer", "vpc-lambda", "async-processor", "sqs-consumer", "dlq-processor", "rate-limited-function"):
    ACCEPTED[f"8.1 Insights on {prefix} alone"] = lambda f, p=prefix: (
        layers(layer_arn(f))(f), f.config(n(p)).__setitem__("Layers", [*f.config(n(p)).get("Layers", []), {"Arn": insights()}]))
    ACCEPTED[f"12.2 the Errors alarm on {prefix}"] = lambda f, p=prefix: errors(f).__setitem__(
        "Dimensions", [{"Name": "FunctionName", "Value": n(p)}])


# What the grader says, and saw, when everything is right: every message and every piece of evidence.
ALL_RIGHT = {
    "1.1": ('common-utils-layer-kim7 is published (latest: version 1)', {'latest': 'arn:aws:lambda:us-east-1:123456789012:layer:common-utils-layer-kim7:1'}),
    "1.2": ('version 1 lists python3.12', {}),
    "1.3": ("description: 'Shared helpers'", {}),
    "1.4": ('python/utils.py defines format_response, log_event, validate_input and Timer', {'defined': {'format_response': 'python/utils.py:9', 'log_event': 'python/utils.py:20', 'validate_input': 'python/utils.py:26', 'Timer': 'python/utils.py:33'}}),
    "1.5": ('version 1 carries requests, boto3, dateutil', {'found': {'requests': 'python/lib/python3.12/site-packages/requests/', 'boto3': 'python/lib/python3.12/site-packages/boto3/', 'dateutil': 'python/lib/python3.12/site-packages/dateutil/'}}),
    "2.1": ('layer-consumer-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:layer-consumer-kim7'}),
    "2.2": ('Runtime is python3.12', {}),
    "2.3": ('Memory (MB) is 256', {}),
    "2.4": ('uses common-utils-layer-kim7 version 1', {'layer': 'arn:aws:lambda:us-east-1:123456789012:layer:common-utils-layer-kim7:1'}),
    "2.5": ("layer-consumer-kim7's handler is lambda_function.py:4 lambda_handler", {'handler': 'lambda_function.py:4 lambda_handler'}),
    "2.6": ('lambda_function.py:2 takes format_response, log_event, validate_input, Timer from utils', {'uses': {'format_response': 'lambda_function.py:2', 'log_event': 'lambda_function.py:2', 'validate_input': 'lambda_function.py:2', 'Timer': 'lambda_function.py:2'}}),
    "2.7": ('the package ships no utils of its own: utils is python/utils.py of common-utils-layer-kim7:1', {'utils': 'common-utils-layer-kim7:1 python/utils.py'}),
    "3.1": ('vpc-lambda-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:vpc-lambda-kim7'}),
    "3.2": ('Runtime is python3.12', {}),
    "3.3": ('Memory (MB) is 512', {}),
    "3.4": ('2 subnets in us-east-1a, us-east-1b', {'subnets': ('subnet-a', 'subnet-b'), 'zones': ['us-east-1a', 'us-east-1b']}),
    "3.5": ('lambda-sg-kim7 is attached', {}),
    "3.6": ('the three variables match the VPC configuration', {}),
    "3.7": ('the execution role allows creating, describing and deleting network interfaces', {'role': 'arn:aws:iam::123456789012:role/vpc-lambda-role-kim7'}),
    "3.8": ('reads VPC_ID (lambda_function.py:12), SUBNET_IDS (lambda_function.py:13), SECURITY_GROUP_ID (lambda_function.py:14)', {'reads': {'VPC_ID': 'lambda_function.py:12', 'SUBNET_IDS': 'lambda_function.py:13', 'SECURITY_GROUP_ID': 'lambda_function.py:14'}}),
    "4.1": ('async-processor-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:async-processor-kim7'}),
    "4.2": ('Runtime is python3.12', {}),
    "4.3": ('Memory (MB) is 256', {}),
    "4.4": ('2 retries, events kept 6 hours', {}),
    "4.5": ('on success: lambda-success-queue-kim7', {}),
    "4.6": ('on failure: lambda-failure-queue-kim7', {}),
    "4.7": ('both queues exist with MessageRetentionPeriod 86400', {}),
    "4.8": ('raises at lambda_function.py:19', {'raises': ['lambda_function.py:19']}),
    "5.1": ('task-queue-kim7 exists', {'arn': 'arn:aws:sqs:us-east-1:123456789012:task-queue-kim7'}),
    "5.2": ('task-queue-kim7 has VisibilityTimeout 300, MessageRetentionPeriod 345600', {}),
    "5.3": ('sqs-consumer-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:sqs-consumer-kim7'}),
    "5.4": ('Runtime is python3.12', {}),
    "5.5": ('Memory (MB) is 256', {}),
    "5.6": ('trigger uuid-task-kim7 is Enabled', {'uuid': 'uuid-task-kim7', 'state': 'Enabled'}),
    "5.7": ('batch size 10, window 5 s', {}),
    "5.8": ('ReportBatchItemFailures is on', {}),
    "5.9": ('returns batchItemFailures (lambda_function.py:29) with itemIdentifier (lambda_function.py:29)', {'batchItemFailures': 'lambda_function.py:29', 'itemIdentifier': 'lambda_function.py:29'}),
    "6.1": ('lambda-dlq-kim7 exists', {'arn': 'arn:aws:sqs:us-east-1:123456789012:lambda-dlq-kim7'}),
    "6.2": ('lambda-dlq-kim7 has MessageRetentionPeriod 1209600', {}),
    "6.3": ('dead letters go to lambda-dlq-kim7', {}),
    "6.4": ('dlq-processor-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:dlq-processor-kim7'}),
    "6.5": ('trigger uuid-dlq-kim7 reads lambda-dlq-kim7', {'uuid': 'uuid-dlq-kim7'}),
    "6.6": ("reads event['Records'] (lambda_function.py:9) and each record's body (lambda_function.py:10)", {'reads': {'Records': 'lambda_function.py:9', 'body': 'lambda_function.py:10'}}),
    "7.1": ('rate-limited-function-kim7 exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:rate-limited-function-kim7'}),
    "7.2": ('reserved concurrency 5', {}),
    "7.3": ('timeout 30 s', {}),
    "7.4": ('sleeps at lambda_function.py:9 (10 s)', {'sleeps': 'lambda_function.py:9'}),
    "8.1": ('Lambda Insights on layer-consumer-kim7', {}),
    "8.2": ("layer-consumer-kim7's role allows logs:CreateLogStream and logs:PutLogEvents", {'role': 'arn:aws:iam::123456789012:role/lambda-role-kim7'}),
    "9.2": ('published versions: 1, 2', {}),
    "9.3": ('PROD -> version 1', {}),
    "9.4": ('STAGING -> $LATEST', {}),
    "9.5": ('10% of PROD traffic goes to version 2', {'weights': {'2': 0.1}}),
    "10.1": ('2 provisioned executions (READY)', {'status': 'READY'}),
    "10.2": ('capacity 2 to 10', {}),
    "10.3": ('pc-utilization: utilization target 0.7', {}),
    "11.1": ('1 statement(s)', {}),
    "11.2": ('account 111122223333 may invoke it', {'accounts': ['111122223333']}),
    "12.1": ('3 alarms: Lambda-HighDuration-kim7, Lambda-HighErrorRate-kim7, Lambda-Throttles-kim7', {'alarms': ['Lambda-HighDuration-kim7', 'Lambda-HighErrorRate-kim7', 'Lambda-Throttles-kim7']}),
    "12.2": ('Lambda-HighErrorRate-kim7 matches', {'alarm': 'Lambda-HighErrorRate-kim7'}),
    "12.3": ('Lambda-HighDuration-kim7 matches', {'alarm': 'Lambda-HighDuration-kim7'}),
    "12.4": ('Lambda-Throttles-kim7 matches', {'alarm': 'Lambda-Throttles-kim7'}),
}


@pytest.fixture(scope="module")
def complete():
    return grade(ASSESSMENT, account(), SID)


def test_the_complete_student_scores_every_point(complete):
    assert [(c.id, c.status.value) for t in complete.tasks for c in t.checks if c.status.value != "pass"] == []
    assert {t.number: t.score for t in complete.tasks} == MAX and complete.score == 100
    assert {c.id: (c.message, c.evidence) for t in complete.tasks for c in t.checks} == ALL_RIGHT


def test_the_classmate_is_graded_on_their_own_resources():
    student = grade(ASSESSMENT, account(), CLASSMATE)
    assert student.score == 100


def test_someone_with_nothing_scores_zero_among_complete_classmates():
    """kim7 and kim7b are complete; "kim" (a prefix of both) built nothing and earns nothing from them."""
    student = grade(ASSESSMENT, account(), "kim")
    assert student.score == 0


def test_alarms_count_only_for_a_function_the_student_has():
    """Issue 24: in a shared account anyone can make alarms on layer-consumer-<id>. kim has built nothing; three
    alarms a classmate made on kim's names, right in every setting, earn kim nothing, nor a fix that moves them."""
    facts = account()
    for metric, statistic, periods, threshold, operator in (
            ("Errors", "Sum", 2, 5, "GreaterThanThreshold"), ("Duration", "Average", 2, 25000, "GreaterThanThreshold"),
            ("Throttles", "Sum", 1, 1, "GreaterThanOrEqualToThreshold")):
        facts.alarms.append(alarm(facts, f"gift-{metric}", metric, statistic, periods, threshold, operator,
                                  n("layer-consumer", "kim")))
    student = grade(ASSESSMENT, facts, "kim")
    checks = {c.id: c for t in student.tasks for c in t.checks}
    assert student.tasks[11].score == 0 and student.score == 0
    assert checks["12.1"].message == ("0 alarm(s) on AWS/Lambda metrics of your functions; create at least 3 (alarms on "
                                      "layer-consumer-kim, which does not exist in us-east-1: an alarm counts only for "
                                      "a function of yours)")
    assert checks["12.1"].hint == ("# layer-consumer-kim does not exist: create it first (the fix under 2.1); the alarms "
                                   "on it then count")
    assert "gift-" not in " ".join(c.hint or "" for c in checks.values())


@pytest.mark.parametrize("name", MISTAKES)
def test_one_wrong_value_costs_exactly_its_checks(name):
    facts = account()
    MISTAKES[name].apply(facts)
    assert_mistake(grade(ASSESSMENT, facts, SID), MISTAKES[name], MAX)


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_correct_variation_scores_every_point(name):
    change, says = ACCEPTED[name] if isinstance(ACCEPTED[name], tuple) else (ACCEPTED[name], {})
    facts = account()
    change(facts)
    student = grade(ASSESSMENT, facts, SID)
    assert [(c.id, c.message) for t in student.tasks for c in t.checks if c.status.value != "pass"] == []
    assert student.score == 100
    checks = {c.id: c for t in student.tasks for c in t.checks}
    assert {check: checks[check].message for check in says} == says


def test_the_assessment_is_named_after_its_package():
    import checks

    assert ASSESSMENT.name == "lambda_medium" and checks.load("lambda_medium") is ASSESSMENT


def test_every_student_who_started_is_discovered_by_their_resources():
    """--all-students: kim7 and kim7b, by their functions and their layers (grader/discovery.py)."""
    from grader.discovery import discover

    facts = account()
    facts.configurations.pop(n("vpc-lambda", CLASSMATE))
    facts.add_function("layer-consumer-x", "r")  # no student ID a roster accepts ends a name like this
    found = discover(ASSESSMENT, facts)
    patterns = {f"{prefix}-*" for prefix in ("layer-consumer", "vpc-lambda", "async-processor", "sqs-consumer",
                                            "dlq-processor", "rate-limited-function", "common-utils-layer")}
    assert found == {"kim7": patterns, "kim7b": patterns - {"vpc-lambda-*"}, "x": {"layer-consumer-*"}}


@pytest.mark.parametrize("timeout, status", [(3, "warn"), (10, "warn"), (11, "pass"), (None, "warn")])
def test_a_timeout_too_short_for_the_handler_is_advice_that_costs_nothing(timeout, status):
    facts = account()
    facts.config(n("rate-limited-function"))["Timeout"] = timeout
    student = grade(ASSESSMENT, facts, SID)
    advice = next(c for c in student.tasks[6].checks if c.id == "7.3")
    assert advice.status.value == status and advice.points == 0 and student.score == 100
    if status == "warn":
        assert advice.message == f"timeout is {timeout} s: every invocation will time out before its 10 s sleep ends"
        assert advice.hint.startswith("aws lambda update-function-configuration --function-name rate-limited-function-kim7")


def readme_alarms() -> dict[str, dict[str, str]]:
    """Task 12's table in README_lambda_medium.md: metric -> statistic, period, evaluation periods, threshold, comparison."""
    from tests.checks.conftest import ROOT

    text = (ROOT / ASSESSMENT.readme).read_text(encoding="utf-8").split("## Task 12", 1)[1]
    # A setting marked "(suggested)" is printed in the fix but not graded (12.3, 12.4).
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (\d+) s(?: \(suggested\))? \| (\d+)(?: \(suggested\))? \| "
                      r"(\d+)(?: \(ms\))? \| (\w+) \|$", text, re.MULTILINE)
    keys = ("statistic", "period", "evaluation-periods", "threshold", "comparison-operator")
    return {metric: dict(zip(keys, values, strict=True)) for metric, *values in rows}


def test_each_alarm_fix_creates_the_alarm_the_readme_describes():
    facts = account()
    facts.alarms.clear()
    checks = {c.id: c for c in grade(ASSESSMENT, facts, SID).tasks[11].checks}
    table = readme_alarms()
    assert sorted(table) == ["Duration", "Errors", "Throttles"]
    for check_id, metric, name in (("12.2", "Errors", "HighErrorRate"), ("12.3", "Duration", "HighDuration"),
                                   ("12.4", "Throttles", "Throttles")):
        options = dict(re.findall(r"--([a-z-]+) (\S+)", checks[check_id].hint))
        assert options == {"alarm-name": f"Lambda-{name}-kim7", "namespace": "AWS/Lambda", "metric-name": metric,
                           **table[metric], "dimensions": "Name=FunctionName,Value=layer-consumer-kim7"}, check_id


def test_every_mistake_prints_the_fixes_of_the_golden_file():
    """Each mistake's fixes, whole (and those of an account with nothing built): what a student pastes."""
    nothing = {"nothing built": lambda f: f.__dict__.update(HandBuiltFacts().__dict__)}
    assert_fixes_golden(fixes_printed(ASSESSMENT, account, MISTAKES, SID, nothing),
                        Path(__file__).parent / "golden_fixes.json")


def test_when_provisioned_concurrency_cannot_be_read_the_canary_fix_is_the_weights_command():
    """9.5's fix waits for 10.1's only when PROD is known to have no provisioned concurrency; unreadable (no
    lambda:GetProvisionedConcurrencyConfig) is an error for 10.1, and 9.5 shows the weights' command."""
    from grader.aws.errors import FactUnavailable

    class Unreadable(HandBuiltFacts):
        def provisioned_concurrency(self, function_name, qualifier):
            raise FactUnavailable("lambda:GetProvisionedConcurrencyConfig", "denied", "AccessDeniedException")

    facts = account()
    facts.__class__ = Unreadable  # the same data, one question refused
    alias_of("PROD")(facts).pop("RoutingConfig")
    checks = {c.id: c for t in grade(ASSESSMENT, facts, SID).tasks for c in t.checks}
    assert checks["10.1"].status.value == "error" and "lambda:GetProvisionedConcurrencyConfig" in checks["10.1"].message
    assert checks["9.5"].status.value == "fail"
    assert checks["9.5"].hint == ("aws lambda update-alias --function-name layer-consumer-kim7 --name PROD "
                                  "--routing-config '{\"AdditionalVersionWeights\": {\"2\": 0.1}}'")
