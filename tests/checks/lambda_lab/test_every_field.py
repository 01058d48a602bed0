"""Every value a lambda_lab check reads, wrong in turn: each costs exactly its checks, with a message naming it.

Judged over hand-built facts (``tests/checks/handbuilt.py``): the student's own account with labs 1-7
done as ``checks/lambda_lab/solution.py`` does them. Each case changes one value (too low and too high
where it is a number, another account's or region's ARN, a name that only starts the same, the right
name in the wrong place) and states the exact failing checks and lab scores. ``ACCEPTED`` are
variations a correct lab may have (with, where given, the messages and evidence they must show).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from checks.lambda_lab import ASSESSMENT
from checks.lambda_lab.solution import DEPLOYED, LAYER_CODE, files
from grader.aws.packages import Package
from tests.checks.handbuilt import (
    AWS_MANAGED,
    OTHER_ACCOUNT,
    OTHER_REGION,
    HandBuiltFacts,
    Mistakes,
    assert_fixes_golden,
    assert_mistake,
    document,
    fixes_printed,
    grade,
)

SID = "lab-student"
MAX = {t.number: t.points for t in ASSESSMENT.tasks}
HELLO, PROCESSOR, TERRAFORM = "HelloWorldFunction", "S3FileProcessor", "terraform-managed-lambda"
ADVANCED, ASYNC = "AdvancedProcessor", "AsyncProcessor"
BUCKET = "lambda-lab-1764040656a1b2c3"
HELLO_API, TF_API = "h3ll0w0rld", "t3rr4f0rm1"


def invocations(f: HandBuiltFacts, function_arn: str) -> str:
    return f"arn:aws:apigateway:{f.region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def rest_api(f: HandBuiltFacts, api_id: str, name: str, path: str, function: str, stage: str) -> None:
    """A REST API whose ANY ``path`` is a Lambda proxy integration with ``function``, deployed to ``stage``."""
    f.apis.append({"id": api_id, "name": name, "rootResourceId": f"{api_id[:4]}root"})
    method = {"httpMethod": "ANY", "authorizationType": "NONE",
              "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST",
                                    "uri": invocations(f, f.function_arn(function))}}
    f.resources[api_id] = [{"id": f"{api_id[:4]}root", "path": "/"},
                           {"id": f"{api_id[:4]}res", "parentId": f"{api_id[:4]}root", "pathPart": path.lstrip("/"),
                            "path": path, "resourceMethods": {"ANY": method}}]
    f.stages[api_id] = [{"stageName": stage, "deploymentId": f"dep{api_id[:3]}"}]


def account() -> HandBuiltFacts:
    """Labs 1-7 done as the lab has them, in the student's own account."""
    f = HandBuiltFacts()
    basic = "service-role/AWSLambdaBasicExecutionRole"
    # Labs 1-4.
    f.add_role("HelloWorldFunction-role", (basic,))
    f.add_function(HELLO, "HelloWorldFunction-role", MemorySize=256, Timeout=10, Environment={"Variables": {
        "GREETING_PREFIX": "Greetings", "GREETING_SUFFIX": "Thanks for using our API!", "ENVIRONMENT": "staging",
        "MAX_RESPONSE_LENGTH": "500", "ENABLE_DEBUG_LOGGING": "true"}})
    rest_api(f, HELLO_API, "HelloWorldFunction-API", f"/{HELLO}", HELLO, "default")
    f.policies[HELLO] = document({
        "Sid": "lambda-apigateway-invoke", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": f.function_arn(HELLO),
        "Condition": {"ArnLike": {"AWS:SourceArn": f.arn("execute-api", f"{HELLO_API}/*/*/{HELLO}")}}})
    f.log_groups[f"/aws/lambda/{HELLO}"] = {"logGroupName": f"/aws/lambda/{HELLO}"}
    f.alarms.append({"AlarmName": "HelloWorldFunction-Errors", "Namespace": "AWS/Lambda", "MetricName": "Errors",
                     "Statistic": "Sum", "Dimensions": [{"Name": "FunctionName", "Value": HELLO}], "Period": 300,
                     "EvaluationPeriods": 1, "Threshold": 5.0, "ComparisonOperator": "GreaterThanThreshold"})
    # Lab 5: a lambda-lab-* bucket triggers S3FileProcessor (beside a bucket of something else).
    f.add_role("S3FileProcessor-role", (basic, "AmazonS3FullAccess"))
    f.add_function(PROCESSOR, "S3FileProcessor-role")
    f.policies[PROCESSOR] = document({
        "Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": f.function_arn(PROCESSOR),
        "Condition": {"StringEquals": {"AWS:SourceAccount": f.account},
                      "ArnLike": {"AWS:SourceArn": f"arn:aws:s3:::{BUCKET}"}}})
    f.buckets[BUCKET] = {"notifications": {"LambdaFunctionConfigurations": [
        {"Id": "trigger", "LambdaFunctionArn": f.function_arn(PROCESSOR), "Events": ["s3:ObjectCreated:*"]}]},
        "keys": ["analysis/test-file.txt.json", "test-file.txt"]}
    f.buckets["website-assets"] = {"notifications": {}, "keys": ["index.html"]}
    # Lab 6: what terraform apply creates.
    f.add_role("terraform-managed-lambda-role", (basic,))
    f.add_function(TERRAFORM, "terraform-managed-lambda-role", MemorySize=256, Timeout=10, Environment={
        "Variables": {"ENVIRONMENT": "production", "APP_VERSION": "2.0.0", "FEATURE_FLAG": "enabled"}})
    f.tag_sets[TERRAFORM] = {"Project": "Lambda Lab", "ManagedBy": "Terraform", "Environment": "Learning"}
    f.log_groups[f"/aws/lambda/{TERRAFORM}"] = {"logGroupName": f"/aws/lambda/{TERRAFORM}", "retentionInDays": 7}
    rest_api(f, TF_API, f"{TERRAFORM}-api", "/{proxy+}", TERRAFORM, "prod")
    f.policies[TERRAFORM] = document({
        "Sid": "AllowAPIGatewayInvoke", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": f.function_arn(TERRAFORM),
        "Condition": {"ArnLike": {"AWS:SourceArn": f.arn("execute-api", f"{TF_API}/*/*")}}})
    # Lab 7.
    layer = f.arn("lambda", "layer:common-utilities:1")
    f.layer_versions["common-utilities"] = {"LayerVersionArn": layer, "Version": 1, "CompatibleRuntimes": ["python3.12"],
                                            "Description": "Common utilities for Lambda functions"}
    f.add_role("lab7-role", (basic,), {"send-to-dlq": document(
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": f.queue_arn("lambda-dlq")})})
    f.add_function(ADVANCED, "lab7-role", Layers=[{"Arn": layer}])
    f.add_function(ASYNC, "lab7-role", Timeout=10)
    f.add_queue("lambda-dlq")
    f.invoke_configs[ASYNC] = {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 2, "DestinationConfig": {
        "OnSuccess": {}, "OnFailure": {"Destination": f.queue_arn("lambda-dlq")}}}
    f.reserved[ASYNC] = 5
    # The lab's code in every function (HelloWorldFunction's as lab 4 leaves it), and in the layer.
    for name, folder in DEPLOYED.items():
        f.packages[name] = Package.of(files(folder))
    f.layer_contents[layer] = Package.of(files(LAYER_CODE))
    return f


MISTAKES = Mistakes(MAX)
ACCEPTED: dict[str, object] = {}


wrong = MISTAKES.wrong  # one case per wrong value


def config(name: str):
    return lambda f: f.config(name)


def lab(number: int) -> str:
    return f"does not exist (lab {number})"


def create(name: str, role: str = "lab7-role") -> str:
    """The fix shown for a missing function: the lab's create-function command, with the role the grader read
    for it (its other functions' role)."""
    return (f"aws lambda create-function --function-name {name} --runtime python3.12 --architectures x86_64 "
            f"--handler lambda_function.lambda_handler --role arn:aws:iam::123456789012:role/{role} "
            "--zip-file fileb://function.zip")


# --- lab 1 ---------------------------------------------------------------------------------------

MISTAKES.add("1.1 the function named in lower case", lambda f: f.configurations.__setitem__(
    "helloworldfunction", dict(f.configurations.pop(HELLO), FunctionName="helloworldfunction")),
    "1.1 1.2 1.3 1.4 2.1 2.2 2.3 2.4 3.1 3.2 3.3 3.4 3.5 3.6 4.4", score={1: 0, 2: 0, 3: 0, 4: 9},
    says={"1.1": "no function named HelloWorldFunction in us-east-1", "2.1": lab(1), "2.3": lab(1), "2.4": lab(1),
          "3.1": lab(1), "3.2": lab(1), "3.3": lab(1), "3.4": lab(1), "3.5": lab(1), "3.6": lab(1), "4.4": lab(1)},
    fix={"1.1": create(HELLO), "3.4": create(HELLO), "3.1": create(HELLO)})
wrong("1.2", "runtime", config(HELLO), "Runtime", ["python3.11", "python3.9", "python3.1", "python3", "python3.12x",
                                                   "nodejs20.x", None], score=10, says="the lab uses python3.12 or newer")
wrong("1.3", "architecture", config(HELLO), "Architectures", [["arm64"], ["x86_64", "arm64"]], score=10,
      says="arm64, not x86_64")
CODE_OF_HELLO = ("2.4", "3.6", "4.4")  # the checks of HelloWorldFunction's code
# A Handler setting that names no handler of the package: the function cannot start, and its code checks say why.
for value, unfound in (("app.handler", "the handler app.handler names app.py, which is not in the package; it holds "
                                       "lambda_function.py"),
                       ("lambda_function.handler", "lambda_function.py defines no handler"),
                       ("lambda_function", "the handler setting 'lambda_function' is not <module>.<function>")):
    MISTAKES.add(f"1.4 handler {value!r}", lambda f, v=value: f.config(HELLO).__setitem__("Handler", v),
                 "1.4 2.4 3.6 4.4", score={1: 10, 2: 13, 3: 12, 4: 9},
                 says={"1.4": ("handler is ", value), "2.4": unfound, "3.6": unfound, "4.4": unfound})
MISTAKES.add("1.4 the whole message and fix", lambda f: f.config(HELLO).__setitem__("Handler", "app.handler"),
             "1.4 2.4 3.6 4.4", score={1: 10, 2: 13, 3: 12, 4: 9}, says={check: "names app.py" for check in CODE_OF_HELLO},
             message={"1.4": "HelloWorldFunction: handler is 'app.handler' (expected 'lambda_function.lambda_handler')"},
             fix="aws lambda update-function-configuration --function-name HelloWorldFunction "
                 "--handler lambda_function.lambda_handler", evidence={"Handler": "app.handler"})

# --- lab 2 ---------------------------------------------------------------------------------------

integration = lambda f: f.resources[HELLO_API][1]["resourceMethods"]["ANY"]["methodIntegration"]  # noqa: E731
permission = lambda f: f.policies[HELLO]["Statement"][0]  # noqa: E731
NOT_INTEGRATED = "no REST API in us-east-1 has a method integrated with HelloWorldFunction"

# Without a proxy method to the function, the permission's source ARN names no route the lab graded: it
# grants that route nothing (a limited permission counts only for the source it names).
NO_PROXY_ROUTE = "and no Lambda proxy method of a REST API invokes HelloWorldFunction (2.1)"
MISTAKES.add("2.1 not a proxy integration", lambda f: integration(f).__setitem__("type", "AWS"), "2.1 2.2 2.3", score=3,
             says={"2.1": "ANY /HelloWorldFunction of HelloWorldFunction-API (h3ll0w0rld) is a AWS integration, not AWS_PROXY",
                   "2.3": NO_PROXY_ROUTE})
for label, arn in {"another function": lambda f: f.function_arn(PROCESSOR),
                   "a function whose name starts the same": lambda f: f.function_arn(HELLO + "2"),
                   "the function's name in another account": lambda f: f.function_arn(HELLO, account=OTHER_ACCOUNT),
                   "the function's name in another region": lambda f: f.function_arn(HELLO, region=OTHER_REGION)}.items():
    MISTAKES.add(f"2.1 the integration invokes {label}", lambda f, a=arn: integration(f).__setitem__(
        "uri", invocations(f, a(f))), "2.1 2.2 2.3", score=3,
    says={"2.1": NOT_INTEGRATED, "2.3": NO_PROXY_ROUTE})
MISTAKES.add("2.1 an integration URI that is no Lambda invocation", lambda f: integration(f).__setitem__(
    "uri", invocations(f, f.function_arn(HELLO)).removesuffix("/invocations")), "2.1 2.2 2.3", score=3,
    says={"2.1": NOT_INTEGRATED, "2.3": NO_PROXY_ROUTE})
MISTAKES.add("2.1 the API deleted", lambda f: f.apis.pop(0), "2.1 2.2 2.3", score=3,
    says={"2.1": NOT_INTEGRATED, "2.3": NO_PROXY_ROUTE})
MISTAKES.add("2.1 two non-proxy methods: the first is named", lambda f: (
    integration(f).__setitem__("type", "AWS"),
    f.resources[HELLO_API][1]["resourceMethods"].__setitem__("GET", {"httpMethod": "GET", "methodIntegration": dict(
        integration(f), type="HTTP")})), "2.1 2.2 2.3", score=3,
    says={"2.1": "ANY /HelloWorldFunction of HelloWorldFunction-API (h3ll0w0rld) is a AWS integration, not AWS_PROXY",
          "2.3": NO_PROXY_ROUTE})
MISTAKES.add("2.2 never deployed, with a permission for the default stage", lambda f: (
    f.stages[HELLO_API].clear(), permission(f).__setitem__("Condition", {"ArnLike": {
        "AWS:SourceArn": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/default/GET/{HELLO}"}})), "2.2",
    score=12, says="HelloWorldFunction-API has no stage")
MISTAKES.add("2.3 a permission for POST requests only", lambda f: permission(f).__setitem__("Condition", {"ArnLike": {
    "AWS:SourceArn": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/*/POST/{HELLO}"}}), "2.3", score=12,
    says="apigateway.amazonaws.com may invoke it only for ")
MISTAKES.add("2.2 a stage without a deployment", lambda f: f.stages[HELLO_API][0].pop("deploymentId"), "2.2", score=12,
             says="HelloWorldFunction-API has no stage")
MISTAKES.add("2.2 never deployed", lambda f: f.stages[HELLO_API].clear(), "2.2", score=12,
             says="HelloWorldFunction-API has no stage")
MISTAKES.add("2.3 no resource-based policy", lambda f: f.policies.pop(HELLO), "2.3", score=12,
             says="HelloWorldFunction has no resource-based policy")
NOT_FOR_THIS_API = "apigateway.amazonaws.com may invoke it only for "
for label, source in {"another API": f"arn:aws:execute-api:us-east-1:123456789012:oldapi1234/*/*/{HELLO}",
                      "the API in another account": f"arn:aws:execute-api:us-east-1:{OTHER_ACCOUNT}:{HELLO_API}/*/*/{HELLO}",
                      "the API in another region": f"arn:aws:execute-api:{OTHER_REGION}:123456789012:{HELLO_API}/*/*/{HELLO}",
                      "another stage": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/prod/*/{HELLO}",
                      "another path": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/*/*/other"}.items():
    MISTAKES.add(f"2.3 permission for {label}", lambda f, s=source: permission(f).__setitem__(
        "Condition", {"ArnLike": {"AWS:SourceArn": s}}), "2.3", score=12, says=(NOT_FOR_THIS_API, source))
MISTAKES.add("2.3 permission for another source account", lambda f: permission(f)["Condition"].__setitem__(
    "StringEquals", {"AWS:SourceAccount": OTHER_ACCOUNT}), "2.3", score=12, says=NOT_FOR_THIS_API)
MISTAKES.add("2.3 permission for any account but the student's", lambda f: permission(f)["Condition"].__setitem__(
    "StringNotEquals", {"AWS:SourceAccount": f.account}), "2.3", score=12, says=NOT_FOR_THIS_API)
NO_STATEMENT = "no statement allows apigateway.amazonaws.com to call lambda:InvokeFunction"
wrong("2.3", "principal", permission, "Principal", [{"Service": "s3.amazonaws.com"}, {"AWS": OTHER_ACCOUNT}], score=12,
      says=NO_STATEMENT)
wrong("2.3", "action", permission, "Action", ["lambda:GetFunction"], score=12, says=NO_STATEMENT, absent=True)
wrong("2.3", "effect", permission, "Effect", ["Deny"], score=12, says=NO_STATEMENT, absent=True)
SECOND_API = "s3c0nd4p1x"
second_api = lambda f: rest_api(f, SECOND_API, "HelloWorldFunction-API-2", "/hello", HELLO, "default")  # noqa: E731
MISTAKES.add("2.3 two proxy APIs built with the CLI, no permission: the fix names the first", lambda f: (
    second_api(f), f.policies.pop(HELLO)), "2.3", score=12, says="HelloWorldFunction has no resource-based policy",
    fix="aws lambda add-permission --function-name HelloWorldFunction --statement-id apigateway-invoke --action "
        "lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn "
        f"'arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/*/*/{HELLO}'")
MISTAKES.add("2.2 two proxy APIs, neither deployed: the fix deploys the first", lambda f: (
    second_api(f), f.stages[HELLO_API].clear(), f.stages[SECOND_API].clear()), "2.2", score=12,
    message="HelloWorldFunction-API, HelloWorldFunction-API-2 has no stage: callers cannot reach it until it is deployed",
    fix=f"aws apigateway create-deployment --rest-api-id {HELLO_API} --stage-name default")

# --- lab 3 ---------------------------------------------------------------------------------------

env = lambda f: f.config(HELLO)["Environment"]["Variables"]  # noqa: E731
for variable, failing, score, says in (
    ("GREETING_PREFIX", "3.1", 10, {}), ("GREETING_SUFFIX", "3.1", 10, {}), ("ENVIRONMENT", "3.1", 10, {}),
    ("MAX_RESPONSE_LENGTH", "3.1 3.2", 8, {"3.2": "MAX_RESPONSE_LENGTH is not set (see 3.1)"}),
    ("ENABLE_DEBUG_LOGGING", "3.1 3.3", 9, {"3.3": "ENABLE_DEBUG_LOGGING is not set (see 3.1)"}),
):
    MISTAKES.add(f"3.1 {variable} missing", lambda f, v=variable: env(f).pop(v), failing, score=score,
                 says={"3.1": f"HelloWorldFunction lacks {variable}", **says})
    MISTAKES.add(f"3.1 {variable} in lower case", lambda f, v=variable: env(f).__setitem__(v.lower(), env(f).pop(v)),
                 failing, score=score, says={"3.1": f"{variable.lower()} differ only in case", **says})
MISTAKES.add("3.1 the whole message for a missing variable", lambda f: env(f).pop("ENVIRONMENT"), "3.1", score=10,
             message="HelloWorldFunction lacks ENVIRONMENT", evidence={"missing": ["ENVIRONMENT"]})
MISTAKES.add("3.1 the whole message for a variable in lower case", lambda f: env(f).__setitem__(
    "environment", env(f).pop("ENVIRONMENT")), "3.1", score=10,
    message="HelloWorldFunction lacks ENVIRONMENT (environment differ only in case: names are case-sensitive)")
MISTAKES.add("3.1 GREETING_PREFIX blank", lambda f: env(f).__setitem__("GREETING_PREFIX", "  "), "3.1", score=10,
             says="HelloWorldFunction lacks GREETING_PREFIX")
MISTAKES.add("3.1 no variables at all", lambda f: f.config(HELLO).pop("Environment"), "3.1 3.2 3.3", score=7,
             says={"3.1": "lacks GREETING_PREFIX, GREETING_SUFFIX, ENVIRONMENT, MAX_RESPONSE_LENGTH, ENABLE_DEBUG_LOGGING",
                   "3.2": "is not set (see 3.1)", "3.3": "is not set (see 3.1)"})
wrong("3.2", "value", env, "MAX_RESPONSE_LENGTH", ["five hundred", "500.0", "-500", "5e2"], score=12,
      says="the handler's int() would fail on it")
MISTAKES.add("3.2 MAX_RESPONSE_LENGTH empty", lambda f: env(f).__setitem__("MAX_RESPONSE_LENGTH", ""), "3.1 3.2",
             score=8, says={"3.1": "lacks MAX_RESPONSE_LENGTH", "3.2": "MAX_RESPONSE_LENGTH is ''"})
wrong("3.3", "value", env, "ENABLE_DEBUG_LOGGING", ["yes", "1", "on", "truee"], score=13,
      says="the handler only recognises 'true'")
SET_VARIABLES = "aws lambda update-function-configuration --function-name HelloWorldFunction --environment "
MISTAKES.add("3.1 ENVIRONMENT missing: the fix keeps ENABLE_DEBUG_LOGGING 'True' and a greeting in Spanish", lambda f: (
    env(f).pop("ENVIRONMENT"), env(f).update(GREETING_PREFIX="¡Hola", ENABLE_DEBUG_LOGGING="True")), "3.1", score=10,
    says="HelloWorldFunction lacks ENVIRONMENT",
    fix=SET_VARIABLES + '\'{"Variables":{"GREETING_PREFIX":"¡Hola","GREETING_SUFFIX":"Thanks for using our API!",'
        '"MAX_RESPONSE_LENGTH":"500","ENABLE_DEBUG_LOGGING":"True","ENVIRONMENT":"development"}}\'')
MISTAKES.add("3.2 MAX_RESPONSE_LENGTH 'five hundred': the fix keeps ENABLE_DEBUG_LOGGING 'False'", lambda f: env(f).update(
    MAX_RESPONSE_LENGTH="five hundred", ENABLE_DEBUG_LOGGING="False"), "3.2", score=12,
    says="MAX_RESPONSE_LENGTH is 'five hundred'",
    fix=SET_VARIABLES + '\'{"Variables":{"GREETING_PREFIX":"Greetings","GREETING_SUFFIX":"Thanks for using our API!",'
        '"ENVIRONMENT":"staging","MAX_RESPONSE_LENGTH":"500","ENABLE_DEBUG_LOGGING":"False"}}\'')
wrong("3.4", "memory", config(HELLO), "MemorySize", [128, 255, 257, 512], score=11.5, says="memory is ")
wrong("3.5", "timeout", config(HELLO), "Timeout", [3, 9, 11, 30], score=11.5, says="timeout is ")
MISTAKES.add("3.4 the whole message and fix", lambda f: f.config(HELLO).__setitem__("MemorySize", 128), "3.4", score=11.5,
             message="HelloWorldFunction: memory is 128 (expected 256 MB)",
             fix="aws lambda update-function-configuration --function-name HelloWorldFunction --memory-size 256")
MISTAKES.add("3.5 the whole message and fix", lambda f: f.config(HELLO).__setitem__("Timeout", 3), "3.5", score=11.5,
             message="HelloWorldFunction: timeout is 3 (expected 10 s)",
             fix="aws lambda update-function-configuration --function-name HelloWorldFunction --timeout 10")

# --- lab 4 ---------------------------------------------------------------------------------------

errors_alarm = lambda f: f.alarm("HelloWorldFunction-Errors")  # noqa: E731
MISTAKES.add("4.1 the function never ran", lambda f: f.log_groups.pop(f"/aws/lambda/{HELLO}"), "4.1", score=9,
             says="no log group /aws/lambda/HelloWorldFunction")
MISTAKES.add("4.1 only another function's log group", lambda f: f.log_groups.__setitem__(
    f"/aws/lambda/{HELLO}2", f.log_groups.pop(f"/aws/lambda/{HELLO}")), "4.1", score=9,
    says="no log group /aws/lambda/HelloWorldFunction:")
MISTAKES.add("4.2 the alarm named differently", lambda f: errors_alarm(f).__setitem__("AlarmName", "HelloWorld-Errors"),
             "4.2 4.3", score=6, says="no alarm named HelloWorldFunction-Errors; HelloWorld-Errors watches the right metric")
MISTAKES.add("4.2 no alarm", lambda f: f.alarms.clear(), "4.2 4.3", score=6,
             says="no alarm named HelloWorldFunction-Errors in us-east-1")
MISTAKES.add("4.2 a renamed alarm on another metric", lambda f: errors_alarm(f).update(
    AlarmName="HelloWorld-Errors", MetricName="Throttles"), "4.2 4.3", score=6,
    says="no alarm named HelloWorldFunction-Errors in us-east-1")
for key, value, says in (
    ("Namespace", "Custom/Lambda", "watches Custom/Lambda Errors (FunctionName=HelloWorldFunction), not AWS/Lambda Errors"),
    ("MetricName", "Invocations", "watches AWS/Lambda Invocations (FunctionName=HelloWorldFunction)"),
    ("Dimensions", [{"Name": "FunctionName", "Value": PROCESSOR}], "(FunctionName=S3FileProcessor)"),
    ("Dimensions", [{"Name": "FunctionName", "Value": HELLO + "2"}], "(FunctionName=HelloWorldFunction2)"),
    ("Dimensions", [{"Name": "Resource", "Value": HELLO}], "(Resource=HelloWorldFunction)"),
    ("Dimensions", [], "(no dimensions)"),
):
    MISTAKES.add(f"4.2 {key} {value!r}", lambda f, k=key, v=value: errors_alarm(f).__setitem__(k, v), "4.2 4.3", score=6,
                 says=says)
for key, values in {"Statistic": ["Average", "Maximum"], "Period": [60, 299, 301, 600], "Threshold": [4.0, 6.0, 50.0],
                    "ComparisonOperator": ["GreaterThanOrEqualToThreshold", "LessThanThreshold"]}.items():
    wrong("4.3", "alarm", errors_alarm, key, values, score=9, says=f"{key} is ")

# --- lab 5 ---------------------------------------------------------------------------------------

trigger = lambda f: f.buckets[BUCKET]["notifications"]["LambdaFunctionConfigurations"][0]  # noqa: E731
s3_permission = lambda f: f.policies[PROCESSOR]["Statement"][0]  # noqa: E731
processor_role = lambda f: f.roles["S3FileProcessor-role"]  # noqa: E731
ONLY_OTHER = f"none of {BUCKET} triggers S3FileProcessor, so it is unclear which is the lab's"

MISTAKES.add("5.1 the function missing", lambda f: f.configurations.pop(PROCESSOR), "5.1 5.3 5.4 5.6", score=6,
             says={"5.1": "no function named S3FileProcessor", "5.3": lab(5)}, fix={"5.1": create(PROCESSOR)})
wrong("5.2", "events", trigger, "Events", [["s3:ObjectCreated:Put"], ["s3:ObjectRemoved:*"],
                                           ["s3:ObjectCreated:Put", "s3:ObjectCreated:Post"]], score=12,
      says=f"{BUCKET} invokes S3FileProcessor only on s3:Object")
for label, arn in {"another function": lambda f: f.function_arn(HELLO),
                   "the function's name in another account": lambda f: f.function_arn(PROCESSOR, account=OTHER_ACCOUNT),
                   "the function's name in another region": lambda f: f.function_arn(PROCESSOR, region=OTHER_REGION),
                   "a function whose name starts the same": lambda f: f.function_arn(PROCESSOR + "Old")}.items():
    MISTAKES.add(f"5.2 the trigger invokes {label}", lambda f, a=arn: trigger(f).__setitem__(
        "LambdaFunctionArn", a(f)), "5.2", score=12, says=ONLY_OTHER)
MISTAKES.add("5.2 no trigger", lambda f: f.buckets[BUCKET]["notifications"].clear(), "5.2", score=12, says=ONLY_OTHER)
MISTAKES.add("5.2 EventBridge on, trigger on Put only: the fix keeps EventBridge on", lambda f: (
    f.buckets[BUCKET]["notifications"].__setitem__("EventBridgeConfiguration", {}),
    trigger(f).__setitem__("Events", ["s3:ObjectCreated:Put"])), "5.2", score=12,
    says=f"{BUCKET} invokes S3FileProcessor only on s3:ObjectCreated:Put")
MISTAKES.add("5.2 the trigger on a bucket not named lambda-lab-*", lambda f: f.buckets.__setitem__(
    "my-lab-bucket", f.buckets.pop(BUCKET)), "5.2 5.3 5.4 5.5", score=5, says={
        "5.2": "no bucket named lambda-lab-*", "5.3": "and no lambda-lab-* bucket triggers S3FileProcessor (5.2)",
        "5.4": "no bucket named lambda-lab-*", "5.5": "no bucket named lambda-lab-*"})
MISTAKES.add("5.2 two lambda-lab-* buckets, neither triggering", lambda f: (
    f.buckets[BUCKET]["notifications"].clear(), f.buckets.__setitem__("lambda-lab-old", {"notifications": {}, "keys": []})),
    "5.2 5.3 5.4 5.5", score=5, says={"5.2": f"none of {BUCKET}, lambda-lab-old triggers S3FileProcessor",
                                     "5.3": "and no lambda-lab-* bucket triggers S3FileProcessor (5.2)",
                                     "5.4": "so it is unclear which is the lab's", "5.5": "so it is unclear which is the lab's"})
MISTAKES.add("5.3 a negated source condition written ForAnyValue:ArnNotLike", lambda f: s3_permission(f).__setitem__(
    "Condition", {"ForAnyValue:ArnNotLike": {"AWS:SourceArn": f"arn:aws:s3:::{BUCKET}"}}), "5.3", score=13.5,
    says=f"s3.amazonaws.com may invoke it only for anything but arn:aws:s3:::{BUCKET}")
# A single-valued key is a set of one (IAM User Guide, "Conditions with multiple context keys or values"): under
# ForAllValues it must match, so this limits the source to lambda-lab-other (it holds only where the key is absent).
MISTAKES.add("5.3 a ForAllValues condition limits a single-valued key that is present", lambda f: s3_permission(f).__setitem__(
    "Condition", {"ForAllValues:ArnLike": {"AWS:SourceArn": ["arn:aws:s3:::lambda-lab-other"]}}), "5.3", score=13.5,
    says="s3.amazonaws.com may invoke it only for arn:aws:s3:::lambda-lab-other")
MISTAKES.add("5.3 a limit after a ForAllValues condition still limits", lambda f: s3_permission(f).__setitem__(
    "Condition", {"ForAllValues:StringLike": {"aws:TagKeys": ["a*"]},
                  "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::lambda-lab-other"}}), "5.3", score=13.5,
    says="s3.amazonaws.com may invoke it only for arn:aws:s3:::lambda-lab-other")
MISTAKES.add("5.5 two buckets trigger: the first by name is the lab's, and has no results", lambda f: (
    f.buckets.__setitem__("lambda-lab-0000", {"notifications": copy.deepcopy(f.buckets[BUCKET]["notifications"]),
                                              "keys": []})), "5.3 5.5", score=11.5,
    says={"5.3": f"s3.amazonaws.com may invoke it only for arn:aws:s3:::{BUCKET}"},
    message={"5.5": "lambda-lab-0000 has no analysis/*.json: the function has not processed an upload (check its CloudWatch logs "
            "for errors)"})
LATER_BUCKET = "lambda-lab-1764041234d4e5f6"
MISTAKES.add("5.2 two buckets trigger on Put only: the first by name is named", lambda f: (
    trigger(f).__setitem__("Events", ["s3:ObjectCreated:Put"]),
    f.buckets.__setitem__(LATER_BUCKET, {"notifications": {"LambdaFunctionConfigurations": [
        {"Id": "trigger", "LambdaFunctionArn": f.function_arn(PROCESSOR), "Events": ["s3:ObjectCreated:Post"]}]},
        "keys": []})), "5.2", score=12,
    message=f"{BUCKET} invokes S3FileProcessor only on s3:ObjectCreated:Put; the lab asks for all object create events",
    evidence={"events": ["s3:ObjectCreated:Put"]})
MISTAKES.add("5.3 no lambda-lab-* bucket and no permission yet: the fix names a placeholder bucket", lambda f: (
    f.buckets.pop(BUCKET), f.policies.pop(PROCESSOR)), "5.2 5.3 5.4 5.5", score=5, says={
        "5.2": "no bucket named lambda-lab-*", "5.3": "S3FileProcessor has no resource-based policy",
        "5.4": "no bucket named lambda-lab-*", "5.5": "no bucket named lambda-lab-*"},
    fix={"5.3": "aws lambda add-permission --function-name S3FileProcessor --statement-id s3-invoke --action "
                "lambda:InvokeFunction --principal s3.amazonaws.com --source-arn arn:aws:s3:::<your-bucket> "
                "--source-account 123456789012"})
MISTAKES.add("5.3 no resource-based policy", lambda f: f.policies.pop(PROCESSOR), "5.3", score=13.5,
             says="S3FileProcessor has no resource-based policy: S3 cannot invoke it")
S3_ONLY_FOR = "s3.amazonaws.com may invoke it only for "
for label, source in {"another bucket": "arn:aws:s3:::lambda-lab-someone-else",
                      "a bucket whose name starts the same": f"arn:aws:s3:::{BUCKET}x",
                      "every bucket but the lab's": None}.items():
    if source is None:
        change = lambda f: s3_permission(f)["Condition"].update(  # noqa: E731
            ArnLike={"AWS:SourceArn": "arn:aws:s3:::*"}, ArnNotLike={"AWS:SourceArn": f"arn:aws:s3:::{BUCKET}"})
        says = S3_ONLY_FOR + f"anything but arn:aws:s3:::{BUCKET}, arn:aws:s3:::*"
    else:
        change = lambda f, s=source: s3_permission(f)["Condition"].__setitem__("ArnLike", {"AWS:SourceArn": s})  # noqa: E731
        says = S3_ONLY_FOR + source
    MISTAKES.add(f"5.3 permission for {label}", change, "5.3", score=13.5, says=says)
MISTAKES.add("5.3 permission for another source account", lambda f: s3_permission(f)["Condition"].__setitem__(
    "StringEquals", {"AWS:SourceAccount": OTHER_ACCOUNT}), "5.3", score=13.5, says=S3_ONLY_FOR + f"arn:aws:s3:::{BUCKET}")
wrong("5.3", "principal", s3_permission, "Principal", [{"Service": "apigateway.amazonaws.com"}], score=13.5,
      says="no statement allows s3.amazonaws.com to call lambda:InvokeFunction")
wrong("5.3", "effect", s3_permission, "Effect", ["Deny"], score=13.5, says="no statement allows s3.amazonaws.com",
      absent=True)
wrong("5.3", "action", s3_permission, "Action", ["lambda:InvokeAsync"], score=13.5, says="no statement allows s3.amazonaws.com",
      absent=True)


def s3_access(*statements):
    def apply(f):
        processor_role(f)["attached"] = [p for p in processor_role(f)["attached"] if "S3" not in p["PolicyName"]]
        if statements:
            processor_role(f)["inline"]["bucket"] = document(*statements)
    return apply


MISTAKES.add("5.4 no S3 access", s3_access(), "5.4", score=13.5,
             says=f"the role may not s3:GetObject or s3:PutObject in {BUCKET}")
MISTAKES.add("5.4 read-only access", lambda f: processor_role(f)["attached"].__setitem__(1, {
    "PolicyName": "AmazonS3ReadOnlyAccess", "PolicyArn": AWS_MANAGED + "AmazonS3ReadOnlyAccess"}), "5.4", score=13.5,
    says=f"the role may not s3:PutObject in {BUCKET}")
MISTAKES.add("5.4 access to another bucket", s3_access({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                                         "Resource": "arn:aws:s3:::lambda-lab-other/*"}),
             "5.4", score=13.5, says="the role may not s3:GetObject or s3:PutObject")
MISTAKES.add("5.4 access to the bucket, not its objects", s3_access(
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{BUCKET}"}),
    "5.4", score=13.5, says="the role may not s3:GetObject or s3:PutObject")
MISTAKES.add("5.4 writes only under analysis/ but reads nothing", s3_access(
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{BUCKET}/analysis/*"}),
    "5.4", score=13.5, says="the role may not s3:GetObject in")
MISTAKES.add("5.4 an explicit Deny of PutObject", lambda f: processor_role(f)["inline"].__setitem__("deny", document(
    {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"})), "5.4", score=13.5, says="may not s3:PutObject")
MISTAKES.add("5.4 the role does not exist", lambda f: f.roles.pop("S3FileProcessor-role"), "5.4", score=13.5,
             says="the role arn:aws:iam::123456789012:role/S3FileProcessor-role does not exist")
for label, keys in {"nothing written": ["test-file.txt"], "a result that is not JSON": ["analysis/test-file.txt"],
                    "a JSON file outside analysis/": ["test-file.txt.json", "analysis.json"],
                    "results under another case": ["Analysis/test-file.txt.json"]}.items():
    MISTAKES.add(f"5.5 {label}", lambda f, k=keys: f.buckets[BUCKET].__setitem__("keys", k), "5.5", score=14,
                 says=f"{BUCKET} has no analysis/*.json")

# --- lab 6 ---------------------------------------------------------------------------------------

tf_integration = lambda f: f.resources[TF_API][1]["resourceMethods"]["ANY"]["methodIntegration"]  # noqa: E731
tf_resource = lambda f: f.resources[TF_API][1]  # noqa: E731
tf_env = lambda f: f.config(TERRAFORM)["Environment"]["Variables"]  # noqa: E731

MISTAKES.add("6.1 the function missing", lambda f: f.configurations.pop(TERRAFORM), "6.1 6.2 6.3 6.4 6.9", score=5.5,
             says="no function named terraform-managed-lambda",
             fix="# grading reads what Terraform created: run terraform destroy only after you are graded\n"
                 "cd lab6-terraform/terraform && terraform apply")
MISTAKES.add("6.2 the whole message and fix", lambda f: f.config(TERRAFORM).update(Runtime="python3.11", Timeout=3), "6.2",
             score=12.5, message="terraform-managed-lambda: runtime is 'python3.11' (expected 'python3.12'), timeout is 3 "
                               "(expected 10 s)",
             fix="aws lambda update-function-configuration --function-name terraform-managed-lambda --runtime python3.12 "
                 "--timeout 10 --memory-size 256", evidence={"Runtime": "python3.11", "Timeout": 3})
wrong("6.2", "runtime", config(TERRAFORM), "Runtime", ["python3.11", "python3.13"], score=12.5, says="runtime is ")
wrong("6.2", "timeout", config(TERRAFORM), "Timeout", [3, 9, 11], score=12.5, says="timeout is ")
wrong("6.2", "memory", config(TERRAFORM), "MemorySize", [128, 255, 257, 512], score=12.5, says="memory is ")
for variable in ("ENVIRONMENT", "APP_VERSION"):
    MISTAKES.add(f"6.3 {variable} missing", lambda f, v=variable: tf_env(f).pop(v), "6.3", score=12.5,
                 says=f"terraform-managed-lambda lacks {variable}")
    MISTAKES.add(f"6.3 {variable} blank", lambda f, v=variable: tf_env(f).__setitem__(v, " "), "6.3", score=12.5,
                 says=f"terraform-managed-lambda lacks {variable}")
MISTAKES.add("6.3 no variables", lambda f: f.config(TERRAFORM).pop("Environment"), "6.3", score=12.5,
             says="lacks ENVIRONMENT, APP_VERSION")
wrong("6.4", "tag", lambda f: f.tag_sets[TERRAFORM], "ManagedBy", ["Console", "terraform", "Terraform "], score=12.5,
      says="ManagedBy is ")
MISTAKES.add("6.4 the tag's key in lower case", lambda f: f.tag_sets[TERRAFORM].__setitem__(
    "managedby", f.tag_sets[TERRAFORM].pop("ManagedBy")), "6.4", score=12.5, says="ManagedBy is None, expected 'Terraform'")
MISTAKES.add("6.4 untagged", lambda f: f.tag_sets.pop(TERRAFORM), "6.4", score=12.5, says="ManagedBy is None")
wrong("6.5", "retention", lambda f: f.log_groups[f"/aws/lambda/{TERRAFORM}"], "retentionInDays", [1, 5, 14], score=12,
      says=" days, expected 7 days")
MISTAKES.add("6.5 logs kept forever", lambda f: f.log_groups[f"/aws/lambda/{TERRAFORM}"].pop("retentionInDays"), "6.5",
             score=12, says="keeps logs forever, expected 7 days")
MISTAKES.add("6.5 no log group", lambda f: f.log_groups.pop(f"/aws/lambda/{TERRAFORM}"), "6.5", score=12,
             says="no log group /aws/lambda/terraform-managed-lambda")
MISTAKES.add("6.6 the API named differently", lambda f: f.apis[1].__setitem__("name", "terraform-managed-lambda-api-2"),
             "6.6 6.7", score=10.5, says={"6.6": "no REST API named terraform-managed-lambda-api",
                                        "6.7": "no REST API named terraform-managed-lambda-api"})
MISTAKES.add("6.6 /proxy instead of /{proxy+}", lambda f: tf_resource(f).update(path="/proxy", pathPart="proxy"), "6.6",
             score=12, says="through ANY /proxy (AWS_PROXY), not ANY /{proxy+} with AWS_PROXY")
MISTAKES.add("6.6 GET instead of ANY", lambda f: tf_resource(f).__setitem__(
    "resourceMethods", {"GET": tf_resource(f)["resourceMethods"]["ANY"]}), "6.6", score=12,
    says="through GET /{proxy+} (AWS_PROXY)")
MISTAKES.add("6.6 not a proxy integration", lambda f: tf_integration(f).__setitem__("type", "AWS"), "6.6", score=12,
             says="through ANY /{proxy+} (AWS)")
for label, arn in {"another function": lambda f: f.function_arn(HELLO),
                   "the function's name in another account": lambda f: f.function_arn(TERRAFORM, account=OTHER_ACCOUNT)}.items():
    MISTAKES.add(f"6.6 the integration invokes {label}", lambda f, a=arn: tf_integration(f).__setitem__(
        "uri", invocations(f, a(f))), "6.6", score=12,
        says="terraform-managed-lambda-api has no method integrated with terraform-managed-lambda")
wrong("6.7", "stage", lambda f: f.stages[TF_API][0], "stageName", ["production", "Prod", "default"], score=12.5,
      says="terraform-managed-lambda-api has stages ")
MISTAKES.add("6.7 never deployed", lambda f: f.stages[TF_API].clear(), "6.7", score=12.5,
             says="terraform-managed-lambda-api has no stage, not prod")

# --- lab 7 ---------------------------------------------------------------------------------------

async_config = lambda f: f.invoke_configs[ASYNC]  # noqa: E731

wrong("7.1", "runtimes", lambda f: f.layer_versions["common-utilities"], "CompatibleRuntimes",
      [["python3.11"], ["python3.13"]], score=14, says="not python3.12: publish a new version")
wrong("7.1", "runtimes", lambda f: f.layer_versions["common-utilities"], "CompatibleRuntimes", [[]], score=14,
      says="common-utilities version 1 lists no runtimes")
MISTAKES.add("7.1 no layer", lambda f: f.layer_versions.pop("common-utilities"), "7.1 7.6", score=12,
             says={"7.1": "no layer named common-utilities in us-east-1",
                   "7.6": "no layer named common-utilities in us-east-1 (see 7.1)"})
def shown(arn: str | None) -> str:
    """How the message shows a layer: the student's own (this account and region) by name, others by ARN."""
    if arn is None:
        return "no layers"
    return arn.split(":layer:")[-1] if arn.startswith("arn:aws:lambda:us-east-1:123456789012:") else arn


for label, arn in {"no layer": None,
                   "a layer of the same name in another account": f"arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:layer:common-utilities:1",
                   "a layer of the same name in another region": f"arn:aws:lambda:{OTHER_REGION}:123456789012:layer:common-utilities:1",
                   "a layer whose name starts the same": "arn:aws:lambda:us-east-1:123456789012:layer:common-utilities-v2:1"}.items():
    MISTAKES.add(f"7.2 {label}", lambda f, a=arn: f.config(ADVANCED).__setitem__("Layers", [{"Arn": a}] if a else []),
                 "7.2 7.7", score=12.5, says=(f"AdvancedProcessor has {shown(arn)}", "it must use a version of your common-utilities"))
MISTAKES.add("7.2 the function missing", lambda f: f.configurations.pop(ADVANCED), "7.2 7.7", score=12.5,
             says="the function AdvancedProcessor does not exist (lab 7)")
wrong("7.3", "event age", async_config, "MaximumEventAgeInSeconds", [60, 3599, 3601, 21600], score=13,
      says="MaximumEventAgeInSeconds is ")
wrong("7.3", "retries", async_config, "MaximumRetryAttempts", [0, 1, 3], score=13, says="MaximumRetryAttempts is ")
# What AWS leaves out (a limit never set) is its default: events kept 6 hours, not the lab's hour.
MISTAKES.add("7.3 event age never set: AWS's default 6 hours", lambda f: async_config(f).pop("MaximumEventAgeInSeconds"),
             "7.3", score=13,
             message="MaximumEventAgeInSeconds is not set, so AWS's default 21600 (expected 3600 s and 2 retries)",
             fix="aws lambda update-function-event-invoke-config --function-name AsyncProcessor "
                 "--maximum-event-age-in-seconds 3600")
MISTAKES.add("7.3 no asynchronous settings", lambda f: f.invoke_configs.pop(ASYNC), "7.3 7.4", score=11,
             says={"7.3": "AsyncProcessor has no asynchronous invocation settings",
                   "7.4": "AsyncProcessor sends failed events nowhere"})
for label, queue in {"another queue of the account": lambda f: f.queue_arn("lambda-dlq-old"),
                     "the queue's name in another account": lambda f: f.queue_arn("lambda-dlq", account=OTHER_ACCOUNT),
                     "the queue's name in another region": lambda f: f.queue_arn("lambda-dlq", region=OTHER_REGION)}.items():
    MISTAKES.add(f"7.4 failures to {label}", lambda f, q=queue: async_config(f)["DestinationConfig"].__setitem__(
        "OnFailure", {"Destination": q(f)}), "7.4", score=14,
        says=("failed events go to arn:aws:sqs:", "not arn:aws:sqs:us-east-1:123456789012:lambda-dlq"))
MISTAKES.add("7.4 successes, not failures, to the queue", lambda f: async_config(f).__setitem__("DestinationConfig", {
    "OnSuccess": {"Destination": f.queue_arn("lambda-dlq")}, "OnFailure": {}}), "7.4", score=14,
    says="AsyncProcessor sends failed events nowhere")
MISTAKES.add("7.4 no queue", lambda f: f.queues.pop("lambda-dlq"), "7.4", score=14, says="no SQS queue named lambda-dlq")


def nowhere_and_may_not_send(f):
    async_config(f)["DestinationConfig"]["OnFailure"] = {}
    f.roles["lab7-role"]["inline"].pop("send-to-dlq")


# AWS accepts the destination only once the role may send to it: the fix grants it first.
MISTAKES.add("7.4 failures nowhere, the role may not send to the queue", nowhere_and_may_not_send, "7.4", score=14,
             says="sends failed events nowhere", fix=(
                 "# AWS refuses the queue until the function's role may SendMessage on it:\n"
                 "aws iam put-role-policy --role-name lab7-role --policy-name send-to-lambda-dlq --policy-document "
                 "'{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\"],"
                 "\"Resource\":\"arn:aws:sqs:us-east-1:123456789012:lambda-dlq\"}]}'\n"
                 "aws lambda put-function-event-invoke-config --function-name AsyncProcessor "
                 "--maximum-event-age-in-seconds 3600 --maximum-retry-attempts 2 --destination-config "
                 "'{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:us-east-1:123456789012:lambda-dlq\"}}'"))
wrong("7.5", "reserved", lambda f: f.reserved, ASYNC, [0, 4, 6], score=14, says="reserved concurrency is ")
MISTAKES.add("7.5 a new account's quota leaves no room", lambda f: (f.reserved.pop(ASYNC), setattr(
    f, "concurrency_quota", 10)), "7.5", score=14,
    says=("AWS refuses 5 in this account", "concurrency quota in us-east-1 is 10 (a new account's)"), fix=(
        "# the account's concurrency quota is 10: ask Service Quotas for 1000 (AWS may take hours or days, and may "
        "ask why)\naws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384 "
        "--desired-value 1000\n# once `aws lambda get-account-settings --query AccountLimit.ConcurrentExecutions` "
        "shows it:\naws lambda put-function-concurrency --function-name AsyncProcessor --reserved-concurrent-executions 5"))
MISTAKES.add("7.5 not reserved", lambda f: f.reserved.pop(ASYNC), "7.5", score=14,
             says="reserved concurrency is not set (expected 5)")
MISTAKES.add("7.5 the function missing", lambda f: f.configurations.pop(ASYNC), "7.3 7.4 7.5 7.8", score=7.5,
             says={"7.3": lab(7), "7.4": lab(7), "7.5": lab(7), "7.8": lab(7)}, fix={"7.5": create(ASYNC, role="HelloWorldFunction-role")})


# --- what a correct lab may look like --------------------------------------------------------------

ACCEPTED.update({
    "2.1 two proxy methods": (lambda f: f.resources[HELLO_API][1]["resourceMethods"].__setitem__("GET", {
        "httpMethod": "GET", "methodIntegration": integration(f)}), {
        "2.1": "ANY /HelloWorldFunction of HelloWorldFunction-API (h3ll0w0rld) is a Lambda proxy integration"}),
    "2.3 a permission without a Sid": (lambda f: permission(f).pop("Sid"), {
        "2.3": "apigateway.amazonaws.com may invoke HelloWorldFunction (statement)"}),
    "1.2 a newer Python": lambda f: f.config(HELLO).__setitem__("Runtime", "python3.13"),
    "1.2 a much newer Python": lambda f: f.config(HELLO).__setitem__("Runtime", "python3.100"),
    "1.3 no architecture listed (x86_64 by default)": lambda f: f.config(HELLO).pop("Architectures"),
    "2.1 a second, non-proxy method beside the proxy one": lambda f: f.resources[HELLO_API][1]["resourceMethods"].__setitem__(
        "GET", {"httpMethod": "GET", "methodIntegration": dict(integration(f), type="AWS")}),
    "2.1 the integration invokes an alias of the function": lambda f: integration(f).__setitem__(
        "uri", invocations(f, f.function_arn(HELLO) + ":live")),
    "2.3 a permission for any API of the account": lambda f: permission(f).__setitem__(
        "Condition", {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:*"}}),
    "2.3 a permission without conditions": lambda f: permission(f).pop("Condition"),
    "2.3 a permission for the account, not the API": lambda f: permission(f).__setitem__(
        "Condition", {"StringEquals": {"AWS:SourceAccount": "123456789012"}}),
    "3.3 ENABLE_DEBUG_LOGGING in capitals": lambda f: env(f).__setitem__("ENABLE_DEBUG_LOGGING", "TRUE"),
    "3.3 ENABLE_DEBUG_LOGGING false": lambda f: env(f).__setitem__("ENABLE_DEBUG_LOGGING", " false "),
    "3.2 MAX_RESPONSE_LENGTH with spaces": lambda f: env(f).__setitem__("MAX_RESPONSE_LENGTH", " 1000 "),
    "4.2 another alarm on the same metric beside the lab's": lambda f: f.alarms.insert(0, dict(
        errors_alarm(f), AlarmName="HelloWorld-Errors", Threshold=1.0)),
    "5.2 a second configuration with all create events": lambda f: f.buckets[BUCKET]["notifications"][
        "LambdaFunctionConfigurations"].insert(0, dict(trigger(f), Id="put", Events=["s3:ObjectCreated:Put"])),
    "5.5 two uploads processed: the first result is shown": (lambda f: f.buckets[BUCKET].__setitem__("keys", [
        "analysis/notes.txt.json", "analysis/test-file.txt.json", "notes.txt", "test-file.txt"]), {
        "5.5": f"2 result(s) in {BUCKET}/analysis/"}, {"5.5": {"first": "analysis/notes.txt.json"}}),
    "5.3 a permission for the account only": lambda f: s3_permission(f).__setitem__(
        "Condition", {"StringEquals": {"AWS:SourceAccount": "123456789012"}}),
    "5.4 an inline policy on the bucket's objects": s3_access({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                                                               "Resource": f"arn:aws:s3:::{BUCKET}/*"}),
    "6.2 ... and the tag among others": lambda f: f.tag_sets[TERRAFORM].update(Owner="me"),
    "6.6 ANY /{proxy+} under another resource": lambda f: tf_resource(f).update(path="/v1/{proxy+}"),
    "7.2 the layer beside another": lambda f: f.config(ADVANCED)["Layers"].insert(0, {
        "Arn": "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53"}),
    "2.3 a permission for GET requests on the default stage": lambda f: permission(f).__setitem__("Condition", {
        "ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/default/GET/{HELLO}"}}),
    "2.3 deployed to prod, a permission for prod": lambda f: (
        f.stages[HELLO_API][0].__setitem__("stageName", "prod"), permission(f).__setitem__("Condition", {
            "ArnLike": {"AWS:SourceArn": f"arn:aws:execute-api:us-east-1:123456789012:{HELLO_API}/prod/*/{HELLO}"}})),
    "2.3 anyone may invoke (AWS: *)": lambda f: permission(f).update(Principal={"AWS": "*"}, Condition={}),
    "2.3 anyone may invoke (*)": lambda f: permission(f).update(Principal="*", Condition={}),
    "2.3 a statement for another account before the right one": lambda f: f.policies[HELLO]["Statement"].insert(0, dict(
        permission(f), Sid="other", Condition={"StringEquals": {"AWS:SourceAccount": OTHER_ACCOUNT}})),
    "5.3 the lab's bucket among the buckets allowed": lambda f: s3_permission(f).__setitem__("Condition", {"ArnLike": {
        "AWS:SourceArn": ["arn:aws:s3:::lambda-lab-other", f"arn:aws:s3:::{BUCKET}"]}}),
    "7.3 retries never set: AWS's default 2": lambda f: async_config(f).pop("MaximumRetryAttempts"),
    "7.4 a dead-letter queue instead of a destination": lambda f: (
        async_config(f).__setitem__("DestinationConfig", {"OnFailure": {}}),
        f.config(ASYNC).__setitem__("DeadLetterConfig", {"TargetArn": f.queue_arn("lambda-dlq")})),
})


# What the grader says, and saw, when everything is right: every message and every piece of evidence.
ALL_RIGHT = {
    "1.1": ('HelloWorldFunction exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction'}),
    "1.2": ('runtime python3.12', {}),
    "1.3": ('x86_64', {}),
    "1.4": ('HelloWorldFunction: handler lambda_function.lambda_handler', {}),
    "2.1": ('ANY /HelloWorldFunction of HelloWorldFunction-API (h3ll0w0rld) is a Lambda proxy integration', {'routes': ['ANY /HelloWorldFunction of HelloWorldFunction-API (h3ll0w0rld)']}),
    "2.2": ('HelloWorldFunction-API is deployed to default', {'stages': ['default']}),
    "2.3": ('apigateway.amazonaws.com may invoke HelloWorldFunction (lambda-apigateway-invoke)', {}),
    "2.4": ('lambda_function.py:43 lambda_handler reads httpMethod, path, queryStringParameters, body and returns statusCode and body', {'reads': {'httpMethod': 'lambda_function.py:49', 'path': 'lambda_function.py:50', 'queryStringParameters': 'lambda_function.py:33', 'body': 'lambda_function.py:35'}, 'returns': {'statusCode': 'lambda_function.py:65', 'body': 'lambda_function.py:65'}}),
    "3.1": ('all five are set', {'variables': ['ENABLE_DEBUG_LOGGING', 'ENVIRONMENT', 'GREETING_PREFIX', 'GREETING_SUFFIX', 'MAX_RESPONSE_LENGTH']}),
    "3.2": ('MAX_RESPONSE_LENGTH=500', {}),
    "3.3": ('ENABLE_DEBUG_LOGGING=true', {}),
    "3.4": ('HelloWorldFunction: memory 256 MB', {}),
    "3.5": ('HelloWorldFunction: timeout 10 s', {}),
    "3.6": ('lambda_function.py:43 lambda_handler reads GREETING_PREFIX, GREETING_SUFFIX, ENVIRONMENT, MAX_RESPONSE_LENGTH, ENABLE_DEBUG_LOGGING from its environment', {'reads': {'GREETING_PREFIX': 'lambda_function.py:24', 'GREETING_SUFFIX': 'lambda_function.py:25', 'ENVIRONMENT': 'lambda_function.py:26', 'MAX_RESPONSE_LENGTH': 'lambda_function.py:27', 'ENABLE_DEBUG_LOGGING': 'lambda_function.py:6'}}),
    "4.1": ('/aws/lambda/HelloWorldFunction exists', {}),
    "4.2": ('HelloWorldFunction-Errors watches AWS/Lambda Errors of HelloWorldFunction', {}),
    "4.3": ('Sum of Errors over 300 s, greater than 5', {}),
    "4.4": ('lambda_function.py:16 writes json.dumps(...) log lines', {'logs': 'lambda_function.py:16'}),
    "5.1": ('S3FileProcessor exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:S3FileProcessor'}),
    "5.2": ('lambda-lab-1764040656a1b2c3 invokes S3FileProcessor on s3:ObjectCreated:*', {'bucket': 'lambda-lab-1764040656a1b2c3'}),
    "5.3": ('s3.amazonaws.com may invoke S3FileProcessor (s3-invoke)', {}),
    "5.4": ('the role may read and write objects in lambda-lab-1764040656a1b2c3', {'role': 'arn:aws:iam::123456789012:role/S3FileProcessor-role'}),
    "5.5": ('1 result(s) in lambda-lab-1764040656a1b2c3/analysis/', {'first': 'analysis/test-file.txt.json'}),
    "5.6": ('lambda_function.py:9 lambda_handler reads Records, bucket and key; get_object at lambda_function.py:28, put_object at lambda_function.py:31, the analysis/ key at lambda_function.py:30', {'reads': {'Records': 'lambda_function.py:12', 'bucket': 'lambda_function.py:13', 'key': 'lambda_function.py:14'}, 'gets': 'lambda_function.py:28', 'puts': 'lambda_function.py:31', 'key': 'lambda_function.py:30'}),
    "6.1": ('terraform-managed-lambda exists', {'arn': 'arn:aws:lambda:us-east-1:123456789012:function:terraform-managed-lambda'}),
    "6.2": ('terraform-managed-lambda: runtime python3.12, timeout 10 s, memory 256 MB', {}),
    "6.3": ('ENVIRONMENT=production, APP_VERSION=2.0.0', {}),
    "6.4": ('ManagedBy=Terraform', {}),
    "6.5": ('retention 7 days', {}),
    "6.6": ('ANY /{proxy+} of terraform-managed-lambda-api (t3rr4f0rm1) invokes terraform-managed-lambda', {}),
    "6.7": ('stage prod', {}),
    "6.8": ('apigateway.amazonaws.com may invoke it (AllowAPIGatewayInvoke)', {}),
    "6.9": ('lambda_function.py:6 lambda_handler reads ENVIRONMENT and APP_VERSION and returns statusCode and body', {'reads': {'ENVIRONMENT': 'lambda_function.py:10', 'APP_VERSION': 'lambda_function.py:11'}}),
    "7.1": ('common-utilities version 1 lists python3.12', {}),
    "7.2": ('uses common-utilities version 1', {'layer': 'arn:aws:lambda:us-east-1:123456789012:layer:common-utilities:1'}),
    "7.3": ('maximum event age 3600 s, 2 retries', {}),
    "7.4": ('lambda-dlq is the on-failure destination', {'queue': 'arn:aws:sqs:us-east-1:123456789012:lambda-dlq'}),
    "7.5": ('reserved concurrency 5', {}),
    "7.6": ("version 1's python/common_utils.py defines format_response, validate_input, DataProcessor", {'defined': {'format_response': 'python/common_utils.py:7', 'validate_input': 'python/common_utils.py:16', 'DataProcessor': 'python/common_utils.py:23'}}),
    "7.7": ('lambda_function.py:1 takes DataProcessor, format_response, validate_input from common_utils: python/common_utils.py of common-utilities:1', {'uses': {'DataProcessor': 'lambda_function.py:1', 'format_response': 'lambda_function.py:1', 'validate_input': 'lambda_function.py:1'}, 'module': 'common-utilities:1 python/common_utils.py'}),
    "7.8": ('lambda_function.py:10 lambda_handler raises at lambda_function.py:18', {'raises': ['lambda_function.py:18']}),
}


@pytest.fixture(scope="module")
def complete():
    return grade(ASSESSMENT, account(), SID)


def test_the_complete_lab_scores_every_point(complete):
    assert [(c.id, c.status.value) for t in complete.tasks for c in t.checks if c.status.value != "pass"] == []
    assert {t.number: t.score for t in complete.tasks} == MAX and complete.score == 100
    assert {c.id: (c.message, c.evidence) for t in complete.tasks for c in t.checks} == ALL_RIGHT


def test_an_empty_account_scores_zero():
    assert grade(ASSESSMENT, HandBuiltFacts(), SID).score == 0


@pytest.mark.parametrize("name", MISTAKES)
def test_one_wrong_value_costs_exactly_its_checks(name):
    facts = account()
    MISTAKES[name].apply(facts)
    assert_mistake(grade(ASSESSMENT, facts, SID), MISTAKES[name], MAX)


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_correct_variation_scores_every_point(name):
    entry = ACCEPTED[name] if isinstance(ACCEPTED[name], tuple) else (ACCEPTED[name],)
    change, says, seen = (*entry, {}, {})[:3]  # the change, then messages and evidence it must show, by check
    facts = account()
    change(facts)
    student = grade(ASSESSMENT, facts, SID)
    assert [(c.id, c.message) for t in student.tasks for c in t.checks if c.status.value != "pass"] == []
    assert student.score == 100
    checks = {c.id: c for t in student.tasks for c in t.checks}
    assert {check: checks[check].message for check in says} == says
    assert {check: checks[check].evidence for check in seen} == seen


def test_the_assessment_is_named_after_its_package():
    import checks

    assert ASSESSMENT.name == "lambda_lab" and checks.load("lambda_lab") is ASSESSMENT


ADVICE = {  # lab 6.8: a missing or misdirected API permission is a warning that costs nothing
    "no resource-based policy": (lambda f: f.policies.pop(TERRAFORM),
                                 "no statement allows apigateway.amazonaws.com to call lambda:InvokeFunction: "
                                 "calls to the API will fail with 500 until it may"),
    "a permission for another API": (lambda f: f.policies[TERRAFORM]["Statement"][0]["Condition"].__setitem__(
        "ArnLike", {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:oldapi/*/*"}),
        "apigateway.amazonaws.com may invoke it only for arn:aws:execute-api:us-east-1:123456789012:oldapi/*/*"),
    "the function missing": (lambda f: f.configurations.pop(TERRAFORM), "the function terraform-managed-lambda does not exist"),
}


@pytest.mark.parametrize("name", ADVICE)
def test_the_api_permission_is_advice_that_costs_nothing(name):
    change, message = ADVICE[name]
    facts = account()
    change(facts)
    advice = next(c for c in grade(ASSESSMENT, facts, SID).tasks[5].checks if c.id == "6.8")
    assert advice.status.value == "warn" and advice.points == 0 and advice.message.startswith(message)


def test_every_mistake_prints_the_fixes_of_the_golden_file():
    """Each mistake's fixes, whole (and those of an account with nothing built): what a student pastes."""
    nothing = {"nothing built": lambda f: f.__dict__.update(HandBuiltFacts().__dict__)}
    assert_fixes_golden(fixes_printed(ASSESSMENT, account, MISTAKES, SID, nothing),
                        Path(__file__).parent / "golden_fixes.json")
