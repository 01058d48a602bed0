"""The emulator's local Lambda runtime: Python functions really run, as their role, against the emulator."""

from __future__ import annotations

import base64
import json
import time

from checks.building import LAMBDA_TRUST, settled, zip_of
from tests.conftest import new_student_id
from tests.support.emulator import wait_for_deliveries

HANDLER = '''
import json, logging, os
import boto3
import common_utils

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def lambda_handler(event, context):
    print(f"hello {event.get('name')}")
    logger.info("configured prefix %s", os.environ.get("GREETING_PREFIX"))
    if event.get("fail"):
        raise ValueError("asked to fail")
    me = boto3.client("sts").get_caller_identity()["Arn"]
    return {"statusCode": 200, "greeting": common_utils.greet(event.get("name")), "as": me,
            "remaining": context.get_remaining_time_in_millis() > 0, "request": context.aws_request_id}
'''
LAYER = zip_of({"python/common_utils.py": "def greet(name):\n    return f'Welcome, {name}!'\n"})


def make_function(account, code: str, **extra):
    iam, lam = account.client("iam"), account.client("lambda")
    name = new_student_id("run")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="lambda_function.lambda_handler",
                        Code={"ZipFile": zip_of({"lambda_function.py": code})}, Timeout=15, **extra)
    settled(lam, name)  # AWS refuses to invoke a function while it is Pending
    return name, role


def test_a_python_function_runs_with_its_layer_variables_role_and_logs(own_account):
    lam = own_account.client("lambda")
    layer = lam.publish_layer_version(LayerName="common-utilities", Content={"ZipFile": LAYER},
                                      CompatibleRuntimes=["python3.12"])["LayerVersionArn"]
    name, role = make_function(own_account, HANDLER, Layers=[layer],
                               Environment={"Variables": {"GREETING_PREFIX": "Greetings"}})
    response = lam.invoke(FunctionName=name, Payload=json.dumps({"name": "Ada"}), LogType="Tail")
    answer = json.loads(response["Payload"].read())
    assert "FunctionError" not in response and answer["statusCode"] == 200 and answer["remaining"]
    assert answer["greeting"] == "Welcome, Ada!"
    account = role.split(":")[4]
    assert answer["as"].startswith(f"arn:aws:sts::{account}:assumed-role/{name}/")  # its own role, its own account
    logs = own_account.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    text = "\n".join(e["message"] for e in logs)
    assert "hello Ada" in text and "configured prefix Greetings" in text and "REPORT RequestId" in text


def test_an_exception_is_a_function_error_with_its_type(own_account):
    name, _ = make_function(own_account, HANDLER.replace("import common_utils\n", ""))
    response = own_account.client("lambda").invoke(FunctionName=name, Payload=json.dumps({"fail": True}))
    answer = json.loads(response["Payload"].read())
    assert response["FunctionError"] and answer == {"errorMessage": "asked to fail", "errorType": "ValueError"}


def test_an_s3_upload_runs_the_triggered_function_asynchronously(own_account):
    processor = '''
import json, boto3
s3 = boto3.client("s3")
def lambda_handler(event, context):
    for record in event["Records"]:
        bucket, key = record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]
        if not key.startswith("analysis/"):
            text = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
            s3.put_object(Bucket=bucket, Key=f"analysis/{key}.json", Body=json.dumps({"words": len(text.split())}))
'''
    name, role = make_function(own_account, processor)
    own_account.client("iam").attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    s3 = own_account.client("s3")
    bucket = new_student_id("lambda-lab-run").lower()
    s3.create_bucket(Bucket=bucket)
    arn = own_account.client("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket=bucket, Key="test-file.txt", Body=b"one two three")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = s3.list_objects_v2(Bucket=bucket, Prefix="analysis/").get("Contents", [])
        if found:
            break
        time.sleep(0.2)
    assert [o["Key"] for o in found] == ["analysis/test-file.txt.json"]
    assert json.loads(s3.get_object(Bucket=bucket, Key="analysis/test-file.txt.json")["Body"].read()) == {"words": 3}
    wait_for_deliveries()  # the result's own upload triggers one more run


def test_log_result_is_the_tail_of_the_log(own_account):
    name, _ = make_function(own_account, "def lambda_handler(event, context):\n    print('tail me')\n    return 1\n")
    response = own_account.client("lambda").invoke(FunctionName=name, LogType="Tail")
    assert json.loads(response["Payload"].read()) == 1
    assert "tail me" in base64.b64decode(response["LogResult"]).decode()


GATED = '''
import time
import boto3

def lambda_handler(event, context):
    s3 = boto3.client("s3")
    while not s3.list_objects_v2(Bucket=event["bucket"], Prefix="gate").get("Contents"):
        time.sleep(0.1)
    s3.put_object(Bucket=event["bucket"], Key="done", Body=b"1")
'''


def wait_for_key(s3, bucket: str, key: str, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if s3.list_objects_v2(Bucket=bucket, Prefix=key).get("Contents"):
            return True
        time.sleep(0.1)
    return False


def test_an_event_invocation_is_accepted_before_it_runs_and_dry_run_runs_nothing(own_account):
    s3, lam = own_account.client("s3"), own_account.client("lambda")
    bucket = new_student_id("gate").lower()
    s3.create_bucket(Bucket=bucket)
    name, _ = make_function(own_account, GATED)
    # The function waits for a gate only this test opens, after Invoke has answered: run synchronously,
    # it could never finish.
    response = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"bucket": bucket}))
    assert response["StatusCode"] == 202 and response["Payload"].read() == b""
    s3.put_object(Bucket=bucket, Key="gate", Body=b"open")
    assert wait_for_key(s3, bucket, "done")
    s3.delete_object(Bucket=bucket, Key="done")
    assert lam.invoke(FunctionName=name, InvocationType="DryRun", Payload=json.dumps({"bucket": bucket}))[
        "StatusCode"] == 204
    assert not wait_for_key(s3, bucket, "done", seconds=3)
    wait_for_deliveries()


def test_imports_resolve_in_lambdas_order_package_then_site_packages_then_python(own_account):
    """/var/task, then /opt/python/lib/python3.12/site-packages, then /opt/python (AWS's Python base images,
    bootstrap.py set_default_sys_path: "precedence: LAMBDA_TASK_ROOT -> /opt/python/lib/pythonN.N/site-packages
    -> /opt/python"); checks/python_source.py resolves imports in the same order."""
    lam = own_account.client("lambda")
    layer = lam.publish_layer_version(LayerName=new_student_id("order"), Content={"ZipFile": zip_of({
        "python/where.py": "PLACE = 'python'\n", "python/lib/python3.12/site-packages/where.py": "PLACE = 'site'\n",
        "python/only_python.py": "PLACE = 'python'\n"})}, CompatibleRuntimes=["python3.12"])["LayerVersionArn"]
    code = ("import where, only_python\n\ndef lambda_handler(event, context):\n"
            "    return [where.PLACE, only_python.PLACE]\n")
    name, _ = make_function(own_account, code, Layers=[layer])
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == ["site", "python"]
    lam.update_function_code(FunctionName=name, ZipFile=zip_of({"lambda_function.py": code,
                                                                "where.py": "PLACE = 'package'\n"}))
    assert json.loads(lam.invoke(FunctionName=name)["Payload"].read()) == ["package", "python"]
