"""A lab account built the way the lab has it built: its own ``aws`` CLI lines, and for its console
and Terraform steps the CLI calls that make the same resources; then graded by our CLI, with no student ID.

The functions run the lab's code (checks/lambda_lab/code/, as README_lambda_lab.md gives it), really, in the
emulator's local runtime: invoking HelloWorldFunction creates its log group, and the uploaded test file
makes S3FileProcessor write its ``analysis/<key>.json``.
"""

from __future__ import annotations

import json
import time

import pytest

from checks.lambda_lab.solution import DEPLOYED, LAYER_CODE, files
from tests.acceptance.aws_cli import AwsCli, write_zip
from tests.conftest import new_account_id
from tests.support.emulator import wait_for_deliveries
from tests.test_cli import cli, own_account_env

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class LabCli(AwsCli):
    """The aws CLI acting in one student's own account."""

    def __init__(self, emulator, monkeypatch, tmp_path, env):
        super().__init__(emulator, monkeypatch, tmp_path)
        for key, value in env.items():
            monkeypatch.setenv(key, value)


def build_lab_with_cli(aws: LabCli, bucket: str) -> None:
    tmp = aws.tmp
    for zip_name, function in (("hello", "HelloWorldFunction"), ("processor", "S3FileProcessor"),
                               ("terraform", "terraform-managed-lambda"), ("advanced", "AdvancedProcessor"),
                               ("async", "AsyncProcessor")):
        write_zip(tmp / f"{zip_name}.zip", files(DEPLOYED[function]))
    write_zip(tmp / "common-layer.zip", files(LAYER_CODE))
    account = aws("sts get-caller-identity --query Account --output text")
    region = "us-east-1"

    def role(name: str, *policies: str) -> str:
        arn = aws(f"iam create-role --role-name {name} --assume-role-policy-document '{TRUST}' --query Role.Arn "
                  "--output text")
        for policy in ("service-role/AWSLambdaBasicExecutionRole", *policies):
            aws(f"iam attach-role-policy --role-name {name} --policy-arn arn:aws:iam::aws:policy/{policy}")
        return arn

    def create(name: str, role_arn: str, extra: str, code: str) -> str:
        arn = aws(f"lambda create-function --function-name {name} --runtime python3.12 --architectures x86_64 "
                  f"--role {role_arn} --handler lambda_function.lambda_handler --zip-file fileb://{tmp}/{code}.zip "
                  f"{extra} --query FunctionArn --output text")
        # A new function is Pending, and can be neither changed nor invoked, until Active (the console waits too).
        aws(f"lambda wait function-active-v2 --function-name {name}")
        return arn

    def proxy_api(name: str, path: str, function_arn: str, stage: str) -> str:
        api = aws(f"apigateway create-rest-api --name {name} --query id --output text")
        root = aws(f"apigateway get-resources --rest-api-id {api} --query 'items[?path==`/`].id' --output text")
        resource = aws(f"apigateway create-resource --rest-api-id {api} --parent-id {root} --path-part '{path}' "
                       "--query id --output text")
        aws(f"apigateway put-method --rest-api-id {api} --resource-id {resource} --http-method ANY "
            "--authorization-type NONE")
        aws(f"apigateway put-integration --rest-api-id {api} --resource-id {resource} --http-method ANY "
            f"--type AWS_PROXY --integration-http-method POST --uri arn:aws:apigateway:{region}:lambda:path/"
            f"2015-03-31/functions/{function_arn}/invocations")
        aws(f"apigateway create-deployment --rest-api-id {api} --stage-name {stage}")
        return api

    # Lab 1 (console: author from scratch) and lab 2 (console: add an API Gateway trigger, REST, open).
    hello = create("HelloWorldFunction", role("HelloWorldFunction-role"), "", "hello")
    api = proxy_api("HelloWorldFunction-API", "HelloWorldFunction", hello, "default")
    aws("lambda add-permission --function-name HelloWorldFunction --statement-id apigateway-invoke "
        "--action lambda:InvokeFunction --principal apigateway.amazonaws.com "
        f"--source-arn 'arn:aws:execute-api:{region}:{account}:{api}/*/*/HelloWorldFunction'")
    # Lab 3 (console: environment variables, then general configuration).
    aws("lambda update-function-configuration --function-name HelloWorldFunction --memory-size 256 --timeout 10 "
        "--environment 'Variables={GREETING_PREFIX=Welcome,GREETING_SUFFIX=Thanks for using our API!,"
        "ENVIRONMENT=development,MAX_RESPONSE_LENGTH=500,ENABLE_DEBUG_LOGGING=true}'")
    # Lab 4: a test run (Lambda makes the function's log group), and the alarm of step 4.6.
    aws(f"lambda invoke --function-name HelloWorldFunction --payload '{{\"name\": \"DevOps Student\"}}' "
        f"{tmp}/response.json")
    assert json.loads(json.loads((tmp / "response.json").read_text())["body"])["message"] == (
        "Welcome, DevOps Student! Thanks for using our API!")
    aws("cloudwatch put-metric-alarm --alarm-name HelloWorldFunction-Errors --namespace AWS/Lambda "
        "--metric-name Errors --dimensions Name=FunctionName,Value=HelloWorldFunction --statistic Sum --period 300 "
        "--evaluation-periods 1 --threshold 5 --comparison-operator GreaterThanThreshold")
    # Lab 5: the lab's own lines for the bucket and the uploads; the console's trigger as CLI calls.
    aws(f"s3 mb s3://{bucket}")
    processor = create("S3FileProcessor", role("S3FileProcessor-role", "AmazonS3FullAccess"), "", "processor")
    aws("lambda add-permission --function-name S3FileProcessor --statement-id s3-trigger --action lambda:InvokeFunction "
        f"--principal s3.amazonaws.com --source-arn arn:aws:s3:::{bucket} --source-account {account}")
    notification = json.dumps({"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": processor, "Events": ["s3:ObjectCreated:*"]}]})
    aws(f"s3api put-bucket-notification-configuration --bucket {bucket} --notification-configuration '{notification}'")
    (tmp / "test-file.txt").write_text("This is a test file for Lambda processing.\nLambda is awesome!\n")
    aws(f"s3 cp {tmp}/test-file.txt s3://{bucket}/")
    for _ in range(100):  # the lab waits ("sleep 5") for the asynchronous trigger
        if aws(f"s3api list-objects-v2 --bucket {bucket} --prefix analysis/ --query 'Contents[].Key' "
               "--output text") != "None":
            break
        time.sleep(0.1)
    aws(f"s3 cp s3://{bucket}/analysis/test-file.txt.json {tmp}/analysis-result.json")
    assert json.loads((tmp / "analysis-result.json").read_text())["lines"] == 2
    wait_for_deliveries()  # the result's own upload triggers one more (skipped) run
    # Lab 6: what terraform apply calls, with the lab's variables.
    aws("logs create-log-group --log-group-name /aws/lambda/terraform-managed-lambda "
        "--tags Project='Lambda Lab',ManagedBy=Terraform,Environment=Learning")
    aws("logs put-retention-policy --log-group-name /aws/lambda/terraform-managed-lambda --retention-in-days 7")
    managed = create("terraform-managed-lambda", role("terraform-managed-lambda-role"),
                     "--timeout 10 --memory-size 256 --environment 'Variables={ENVIRONMENT=production,APP_VERSION=1.0.0}' "
                     "--tags 'Project=Lambda Lab,ManagedBy=Terraform,Environment=Learning'", "terraform")
    tf_api = proxy_api("terraform-managed-lambda-api", "{proxy+}", managed, "prod")
    aws("lambda add-permission --function-name terraform-managed-lambda --statement-id AllowAPIGatewayInvoke "
        "--action lambda:InvokeFunction --principal apigateway.amazonaws.com "
        f"--source-arn 'arn:aws:execute-api:{region}:{account}:{tf_api}/*/*'")
    # Lab 7: the lab's own lines for the layer and the queue; the console's settings as CLI calls.
    layer = aws("lambda publish-layer-version --layer-name common-utilities "
                "--description 'Common utilities for Lambda functions' "
                f"--zip-file fileb://{tmp}/common-layer.zip --compatible-runtimes python3.12 "
                "--compatible-architectures x86_64 --query LayerVersionArn --output text")
    lab7 = role("lab7-role", "AmazonSQSFullAccess")
    create("AdvancedProcessor", lab7, f"--layers {layer}", "advanced")
    create("AsyncProcessor", lab7, "--timeout 10", "async")
    aws("sqs create-queue --queue-name lambda-dlq")
    queue_arn = aws(f"sqs get-queue-attributes --queue-url {aws.endpoint}/{account}/lambda-dlq "
                    "--attribute-names QueueArn --query Attributes.QueueArn --output text")
    aws("lambda put-function-event-invoke-config --function-name AsyncProcessor --maximum-event-age-in-seconds 3600 "
        f"--maximum-retry-attempts 2 --destination-config '{{\"OnFailure\":{{\"Destination\":\"{queue_arn}\"}}}}'")
    aws("lambda put-function-concurrency --function-name AsyncProcessor --reserved-concurrent-executions 5")
    aws(f"lambda invoke --function-name AsyncProcessor --invocation-type Event --payload '{{\"task_id\": \"task-001\"}}' "
        f"{tmp}/async.json")
    wait_for_deliveries()


@pytest.fixture
def lab_cli(emulator, monkeypatch, tmp_path):
    from tests.conftest import Account

    student = Account(emulator, credentials=emulator.account_credentials(new_account_id()))
    env = own_account_env(student)
    return LabCli(emulator, monkeypatch, tmp_path, env), env


def grade(env):
    result = cli("lambda_lab", "--format", "json", env=env)
    return result.returncode, json.loads(result.stdout)["students"][0]


def test_lab_built_with_the_aws_cli_scores_100(lab_cli):
    aws, env = lab_cli
    build_lab_with_cli(aws, f"lambda-lab-{new_account_id()}")
    code, student = grade(env)
    failing = [c for t in student["tasks"] for c in t["checks"] if c["status"] != "pass"]
    assert failing == [] and student["score"] == 100.0 and code == 0

