"""The reference solution: a complete lambda_lab account, built as the lab has it done (its CLI lines,
and through boto3 what its console steps and Terraform configuration create). Used by ``--sandbox``,
by ``validate_tasks.py sandbox --seed`` and by the tests, which then make one mistake at a time.

Its functions run the lab's code (``code/``, the files README_lambda_lab.md shows, zipped in memory), as
each stands when the lab is done: HelloWorldFunction lab 4's version. Nothing is run while it builds: where
the lab has its code run (the first test creates the log group; an upload makes S3FileProcessor write
``analysis/<key>.json``) the builder writes what that run leaves behind.
``tests/acceptance/test_aws_cli_lab.py`` has the real thing run instead.

This module writes, so it never uses the grader's read-only session: it takes a plain client factory.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from pathlib import Path
from typing import Any

from checks.building import LAMBDA_TRUST, MANAGED, ClientFactory, queue_arn, settled, zip_of

CODE = Path(__file__).parent / "code"
# The code README_lambda_lab.md gives, lab by lab: one folder of files each, shown as they are.
LAB_CODE = {
    1: ("lab1-hello",),
    2: ("lab2-api-gateway",),
    3: ("lab3-configuration",),
    4: ("lab4-monitoring",),
    5: ("lab5-s3-processor",),
    6: ("lab6-terraform",),
    7: ("lab7-layer", "lab7-advanced-processor", "lab7-async-processor"),
}
# The code each function runs once the lab is done (HelloWorldFunction's is replaced in labs 2, 3 and 4).
DEPLOYED = {
    "HelloWorldFunction": "lab4-monitoring",
    "S3FileProcessor": "lab5-s3-processor",
    "terraform-managed-lambda": "lab6-terraform",
    "AdvancedProcessor": "lab7-advanced-processor",
    "AsyncProcessor": "lab7-async-processor",
}
LAYER_CODE = "lab7-layer"  # python/common_utils.py


def files(folder: str) -> dict[str, str]:
    """The files of one folder of ``code/``, by their path in the package (``python/common_utils.py``)."""
    root = CODE / folder
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(root.rglob("*.py")) if "__pycache__" not in path.parts}


@functools.cache
def function_zip(name: str) -> bytes:
    """The deployment package of the lab's function ``name``."""
    return zip_of(files(DEPLOYED[name]), compressed=True)


@functools.cache
def layer_zip() -> bytes:
    """common-layer.zip: the layer's python/ folder at the zip's root."""
    return zip_of(files(LAYER_CODE), compressed=True)


HANDLER = function_zip("HelloWorldFunction")
LAYER = layer_zip()
TEST_FILE = b"This is a test file for Lambda processing.\nIt has multiple lines.\n"


def analysis_of(key: str, content: bytes) -> dict[str, Any]:
    """What S3FileProcessor writes to analysis/<key>.json for a text file (code/lab5-s3-processor)."""
    text = content.decode("utf-8")
    return {"file": key, "lines": len(text.splitlines()), "words": len(text.split()), "characters": len(text)}


def build(client: ClientFactory, sid: str | None = None) -> dict[str, Any]:
    """Build labs 1-7 in the clients' account; returns the identifiers a test may want to break."""
    iam, lam, apigw, logs = client("iam"), client("lambda"), client("apigateway"), client("logs")
    region = lam.meta.region_name
    account = client("sts").get_caller_identity()["Account"]
    built: dict[str, Any] = {"sid": sid, "region": region, "account": account}

    def role(name: str, *managed: str) -> str:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
        for policy in ("service-role/AWSLambdaBasicExecutionRole", *managed):
            iam.attach_role_policy(RoleName=name, PolicyArn=MANAGED + policy)
        return arn

    def function(name: str, role_arn: str, **extra: Any) -> str:
        created = lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn, Architectures=["x86_64"],
                                      Handler="lambda_function.lambda_handler", Code={"ZipFile": function_zip(name)},
                                      **extra)
        return created["FunctionArn"]

    def rest_api(name: str, path: str, function_arn: str, stage: str) -> dict[str, str]:
        """A REST API whose ANY ``path`` is a Lambda proxy integration, deployed to ``stage``."""
        api = apigw.create_rest_api(name=name)["id"]
        root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
        resource = apigw.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
        apigw.put_method(restApiId=api, resourceId=resource, httpMethod="ANY", authorizationType="NONE")
        apigw.put_integration(restApiId=api, resourceId=resource, httpMethod="ANY", type="AWS_PROXY",
                              integrationHttpMethod="POST",
                              uri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations")
        apigw.create_deployment(restApiId=api, stageName=stage)
        return {"id": api, "resource": resource}

    # Lab 1: HelloWorldFunction, "author from scratch" (the console also makes its execution role).
    hello_role = role("HelloWorldFunction-role")
    hello = function("HelloWorldFunction", hello_role)
    built["hello_role"] = hello_role

    # Lab 2: Add trigger > API Gateway > new REST API, open: a proxy method, stage "default", a permission.
    api = rest_api("HelloWorldFunction-API", "HelloWorldFunction", hello, "default")
    lam.add_permission(FunctionName="HelloWorldFunction", StatementId="lambda-apigateway-invoke",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{region}:{account}:{api['id']}/*/*/HelloWorldFunction")
    built["hello_api"] = api

    # Lab 3: environment variables (as changed in step 3.4), 256 MB, 10 s, once the new function is Active.
    settled(lam, "HelloWorldFunction")
    lam.update_function_configuration(FunctionName="HelloWorldFunction", MemorySize=256, Timeout=10, Environment={
        "Variables": {"GREETING_PREFIX": "Greetings", "GREETING_SUFFIX": "Thanks for using our API!",
                      "ENVIRONMENT": "staging", "MAX_RESPONSE_LENGTH": "500", "ENABLE_DEBUG_LOGGING": "true"}})

    # Lab 4: the function has run (its log group), and the errors alarm.
    logs.create_log_group(logGroupName="/aws/lambda/HelloWorldFunction")
    client("cloudwatch").put_metric_alarm(
        AlarmName="HelloWorldFunction-Errors", Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
        Dimensions=[{"Name": "FunctionName", "Value": "HelloWorldFunction"}], Period=300, EvaluationPeriods=1,
        Threshold=5, ComparisonOperator="GreaterThanThreshold")

    # Lab 5: a lambda-lab-<time> bucket triggers S3FileProcessor, whose role has AmazonS3FullAccess.
    s3 = client("s3")
    bucket = f"lambda-lab-{int(time.time())}{uuid.uuid4().hex[:6]}"  # unique: bucket names are global
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **location)
    processor_role = role("S3FileProcessor-role", "AmazonS3FullAccess")
    processor = function("S3FileProcessor", processor_role)
    lam.add_permission(FunctionName="S3FileProcessor", StatementId="s3-invoke", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}", SourceAccount=account)
    # The upload and the result the trigger's run writes, then the trigger: the same end state, without a
    # run in the background while the build goes on (moto is not safe for concurrent writes).
    s3.put_object(Bucket=bucket, Key="test-file.txt", Body=TEST_FILE, ContentType="text/plain")
    s3.put_object(Bucket=bucket, Key="analysis/test-file.txt.json", ContentType="application/json",
                  Body=json.dumps(analysis_of("test-file.txt", TEST_FILE), indent=2).encode())
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": processor, "Events": ["s3:ObjectCreated:*"]}]})
    built.update(bucket=bucket, processor_role=processor_role)

    # Lab 6: what terraform apply creates (with the lab's updated variables).
    tf_role = role("terraform-managed-lambda-role")
    tags = {"Project": "Lambda Lab", "ManagedBy": "Terraform", "Environment": "Learning"}
    logs.create_log_group(logGroupName="/aws/lambda/terraform-managed-lambda", tags=tags)
    logs.put_retention_policy(logGroupName="/aws/lambda/terraform-managed-lambda", retentionInDays=7)
    managed = function("terraform-managed-lambda", tf_role, Timeout=10, MemorySize=256, Tags=tags, Environment={
        "Variables": {"ENVIRONMENT": "production", "APP_VERSION": "2.0.0", "FEATURE_FLAG": "enabled"}})
    tf_api = rest_api("terraform-managed-lambda-api", "{proxy+}", managed, "prod")
    lam.add_permission(FunctionName="terraform-managed-lambda", StatementId="AllowAPIGatewayInvoke",
                       Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:{region}:{account}:{tf_api['id']}/*/*")
    built["terraform_api"] = tf_api

    # Lab 7: the layer and its user, the async processor with its DLQ, reserved concurrency.
    layer = lam.publish_layer_version(LayerName="common-utilities", Description="Common utilities for Lambda functions",
                                      Content={"ZipFile": LAYER}, CompatibleRuntimes=["python3.12"],
                                      CompatibleArchitectures=["x86_64"])
    lab7_role = role("lab7-role")
    function("AdvancedProcessor", lab7_role, Layers=[layer["LayerVersionArn"]])
    function("AsyncProcessor", lab7_role, Timeout=10)
    sqs = client("sqs")
    dlq_url = sqs.create_queue(QueueName="lambda-dlq")["QueueUrl"]
    # AWS refuses a destination the function's role may not send to (the console adds this for you).
    iam.put_role_policy(RoleName="lab7-role", PolicyName="send-to-dlq", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                                                "Resource": queue_arn(sqs, dlq_url)}]}))
    lam.put_function_event_invoke_config(FunctionName="AsyncProcessor", MaximumEventAgeInSeconds=3600,
                                         MaximumRetryAttempts=2,
                                         DestinationConfig={"OnFailure": {"Destination": queue_arn(sqs, dlq_url)}})
    lam.put_function_concurrency(FunctionName="AsyncProcessor", ReservedConcurrentExecutions=5)
    built.update(layer=layer["LayerVersionArn"], dlq_url=dlq_url)
    settled(lam, "HelloWorldFunction", "S3FileProcessor", "terraform-managed-lambda", "AdvancedProcessor",
            "AsyncProcessor")
    return built
