"""A student account built the way students build it: with the ``aws`` CLI, then graded by our CLI.

The aws CLI runs in-process (its real argument and shorthand parsers, its own botocore) against the
emulator, so the emulator is tested against the requests students really send.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex

import pytest
from awscli.clidriver import create_clidriver

from tests.conftest import new_student_id
from tests.test_cli import cli, emulator_env


class AwsCli:
    def __init__(self, emulator, monkeypatch, tmp_path):
        for key, value in emulator_env(emulator).items():
            monkeypatch.setenv(key, value)
        # Explicit on every call: the aws CLI must never fall back to a real AWS endpoint.
        self.endpoint = emulator.url
        self.tmp = tmp_path
        self.driver = None

    def __call__(self, line: str, expect_failure: bool = False) -> str:
        out, err = io.StringIO(), io.StringIO()
        if self.driver is None:  # made once: building it loads every command's model (a quarter second)
            self.driver = create_clidriver()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = self.driver.main([*shlex.split(line), "--endpoint-url", self.endpoint])
        assert (code != 0) == expect_failure, f"aws {line}\n{err.getvalue()}"
        return out.getvalue().strip()


def write_zip(path, files):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def write_student_code(tmp) -> None:
    """function.zip (ANY_FUNCTION) and layer.zip (the assessment's utils.py and dependencies) in ``tmp``."""
    from checks.lambda_medium.solution import layer_files
    from tests.checks.lambda_medium.test_code import ANY_FUNCTION

    write_zip(tmp / "function.zip", {"lambda_function.py": ANY_FUNCTION})
    write_zip(tmp / "layer.zip", layer_files())


def build_with_cli(aws: AwsCli, sid: str, erratum_dimension: bool = False) -> None:
    tmp = aws.tmp
    write_student_code(tmp)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    role = aws(f"iam create-role --role-name lambda-exec-{sid} --assume-role-policy-document '{trust}' "
               "--query Role.Arn --output text")
    # AWS checks the role before it accepts a trigger (the README's task 5 attaches the SQS execution policy).
    for policy in ("service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole",
                   "CloudWatchLambdaInsightsExecutionRolePolicy", "service-role/AWSLambdaSQSQueueExecutionRole"):
        aws(f"iam attach-role-policy --role-name lambda-exec-{sid} --policy-arn arn:aws:iam::aws:policy/{policy}")
    region, account = "us-east-1", aws("sts get-caller-identity --query Account --output text")

    layer = aws(f"lambda publish-layer-version --layer-name common-utils-layer-{sid} --description 'Common utilities' "
                f"--zip-file fileb://{tmp}/layer.zip --compatible-runtimes python3.12 "
                "--query LayerVersionArn --output text")
    create = (f"lambda create-function --runtime python3.12 --handler lambda_function.lambda_handler "
              f"--role {role} --zip-file fileb://{tmp}/function.zip")
    insights = f"arn:aws:lambda:{region}:580247275435:layer:LambdaInsightsExtension:53"
    aws(f"{create} --function-name layer-consumer-{sid} --memory-size 256 --layers {layer} {insights}")

    vpc = aws("ec2 describe-vpcs --filters Name=is-default,Values=true --query Vpcs[0].VpcId --output text")
    subnets = aws(f"ec2 describe-subnets --filters Name=vpc-id,Values={vpc} "
                  "--query 'Subnets[?AvailabilityZone==`us-east-1a` || AvailabilityZone==`us-east-1b`].SubnetId' "
                  "--output text").split()
    group = aws(f"ec2 create-security-group --group-name lambda-sg-{sid} --description 'Lambda SG' --vpc-id {vpc} "
                "--query GroupId --output text")
    aws(f"{create} --function-name vpc-lambda-{sid} --memory-size 512 "
        f"--vpc-config SubnetIds={','.join(subnets)},SecurityGroupIds={group} "
        f"--environment 'Variables={{VPC_ID={vpc},SUBNET_IDS=\"{','.join(subnets)}\",SECURITY_GROUP_ID={group}}}'")

    aws(f"sqs create-queue --queue-name lambda-success-queue-{sid} --attributes MessageRetentionPeriod=86400")
    aws(f"sqs create-queue --queue-name lambda-failure-queue-{sid} --attributes MessageRetentionPeriod=86400")
    aws(f"{create} --function-name async-processor-{sid} --memory-size 256")
    queue = f"arn:aws:sqs:{region}:{account}"
    # ... and before it accepts a destination or dead-letter queue (the README's tasks 4 and 6).
    send = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": [
        f"{queue}:lambda-success-queue-{sid}", f"{queue}:lambda-failure-queue-{sid}", f"{queue}:lambda-dlq-{sid}"]}]})
    aws(f"iam put-role-policy --role-name lambda-exec-{sid} --policy-name queues --policy-document '{send}'")
    destinations = json.dumps({"OnSuccess": {"Destination": f"{queue}:lambda-success-queue-{sid}"},
                               "OnFailure": {"Destination": f"{queue}:lambda-failure-queue-{sid}"}})
    aws(f"lambda put-function-event-invoke-config --function-name async-processor-{sid} "
        f"--maximum-event-age-in-seconds 21600 --maximum-retry-attempts 2 --destination-config '{destinations}'")

    aws(f"sqs create-queue --queue-name task-queue-{sid} --attributes VisibilityTimeout=300,MessageRetentionPeriod=345600")
    aws(f"{create} --function-name sqs-consumer-{sid} --memory-size 256")
    aws(f"lambda create-event-source-mapping --function-name sqs-consumer-{sid} --event-source-arn {queue}:task-queue-{sid} "
        "--batch-size 10 --maximum-batching-window-in-seconds 5 --function-response-types ReportBatchItemFailures")

    aws(f"sqs create-queue --queue-name lambda-dlq-{sid} --attributes MessageRetentionPeriod=1209600")
    aws(f"lambda wait function-active-v2 --function-name async-processor-{sid}")  # the README's task 6, as on AWS
    aws(f"lambda update-function-configuration --function-name async-processor-{sid} "
        f"--dead-letter-config TargetArn={queue}:lambda-dlq-{sid}")
    aws(f"{create} --function-name dlq-processor-{sid}")
    aws(f"lambda create-event-source-mapping --function-name dlq-processor-{sid} --event-source-arn {queue}:lambda-dlq-{sid}")

    aws(f"{create} --function-name rate-limited-function-{sid} --timeout 15")
    aws(f"lambda put-function-concurrency --function-name rate-limited-function-{sid} --reserved-concurrent-executions 5")

    aws(f"lambda wait function-updated-v2 --function-name layer-consumer-{sid}")  # the README's task 9
    aws(f"lambda publish-version --function-name layer-consumer-{sid} --description 'Initial production version'")
    aws(f"lambda create-alias --function-name layer-consumer-{sid} --name PROD --function-version 1")
    aws(f"lambda create-alias --function-name layer-consumer-{sid} --name STAGING --function-version '$LATEST'")
    aws(f"lambda update-function-configuration --function-name layer-consumer-{sid} --description v2")
    aws(f"lambda wait function-updated-v2 --function-name layer-consumer-{sid}")  # AWS refuses to publish meanwhile
    aws(f"lambda publish-version --function-name layer-consumer-{sid}")
    # Provisioned concurrency (task 10) before the canary weights (task 9): AWS refuses it on a weighted alias.
    aws(f"lambda put-provisioned-concurrency-config --function-name layer-consumer-{sid} "
        "--provisioned-concurrent-executions 2 --qualifier PROD")
    # The shorthand exactly as the shell delivers it after stripping the quotes of {"2"=0.1}.
    aws(f"lambda update-alias --function-name layer-consumer-{sid} --name PROD --function-version 1 "
        "--routing-config AdditionalVersionWeights={2=0.1}")

    dimension = "ProvisionedConcurrentExecutions" if erratum_dimension else "ProvisionedConcurrency"
    target = (f"--service-namespace lambda --resource-id function:layer-consumer-{sid}:PROD "
              f"--scalable-dimension lambda:function:{dimension}")
    aws(f"application-autoscaling register-scalable-target {target} --min-capacity 2 --max-capacity 10",
        expect_failure=erratum_dimension)
    policy = json.dumps({"TargetValue": 0.70, "PredefinedMetricSpecification": {
        "PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}})
    aws(f"application-autoscaling put-scaling-policy {target} --policy-name target-tracking-policy "
        f"--policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration '{policy}'",
        expect_failure=erratum_dimension)

    aws(f"lambda add-permission --function-name layer-consumer-{sid} --statement-id AllowCrossAccountInvoke "
        "--action lambda:InvokeFunction --principal 111122223333")

    alarm = (f"cloudwatch put-metric-alarm --namespace AWS/Lambda --period 300 "
             f"--dimensions Name=FunctionName,Value=layer-consumer-{sid}")
    aws(f"{alarm} --alarm-name Lambda-HighErrorRate-{sid} --metric-name Errors --statistic Sum --evaluation-periods 2 "
        "--threshold 5 --comparison-operator GreaterThanThreshold --treat-missing-data notBreaching")
    aws(f"{alarm} --alarm-name Lambda-HighDuration-{sid} --metric-name Duration --statistic Average "
        "--evaluation-periods 2 --threshold 25000 --comparison-operator GreaterThanThreshold")
    aws(f"{alarm} --alarm-name Lambda-Throttles-{sid} --metric-name Throttles --statistic Sum --evaluation-periods 1 "
        "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold")


def grade_json(emulator, sid):
    result = cli("lambda_medium", "-s", sid, "--format", "json", env=emulator_env(emulator))
    return result.returncode, json.loads(result.stdout)["students"][0]


@pytest.fixture
def aws(emulator, monkeypatch, tmp_path):
    return AwsCli(emulator, monkeypatch, tmp_path)


def test_account_built_with_the_aws_cli_scores_100(emulator, aws):
    sid = new_student_id("cli")
    build_with_cli(aws, sid)
    code, student = grade_json(emulator, sid)
    failing = [c for t in student["tasks"] for c in t["checks"] if c["status"] != "pass"]
    assert failing == [] and student["score"] == 100.0 and code == 0


def test_the_assessment_texts_scaling_dimension_costs_only_task_10(emulator, aws):
    sid = new_student_id("cli")
    build_with_cli(aws, sid, erratum_dimension=True)
    code, student = grade_json(emulator, sid)
    failing = {c["id"] for t in student["tasks"] for c in t["checks"] if c["status"] != "pass"}
    assert failing == {"10.2", "10.3"} and student["score"] == 95.0 and code == 0
