"""S3 patches close their gaps."""

from __future__ import annotations

import json

from checks.building import LAMBDA_TRUST
from checks.lambda_medium.solution import HANDLER
from grader.emulator.patches.s3 import S3_LAMBDA_EVENTS
from tests.conftest import new_student_id
from tests.support.emulator import wait_for_deliveries


def test_s3_notifications_to_lambda_are_delivered_not_run_in_docker(own_account, capfd):
    s3, lam = own_account.client("s3"), own_account.client("lambda")
    role = own_account.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    arn = lam.create_function(FunctionName="fn", Runtime="python3.12", Role=role["Role"]["Arn"], Handler="h.h",
                              Code={"ZipFile": HANDLER})["FunctionArn"]
    bucket = new_student_id("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [
            {"Name": "suffix", "Value": ".txt"}]}}}]})
    before = len(S3_LAMBDA_EVENTS)
    s3.put_object(Bucket=bucket, Key="skipped.json", Body=b"{}")  # the filter keeps this one out
    s3.put_object(Bucket=bucket, Key="a file.txt", Body=b"hello")
    wait_for_deliveries()
    recorded = S3_LAMBDA_EVENTS[before:]
    assert [(fn, e["Records"][0]["s3"]["object"]["key"]) for fn, e in recorded] == [(arn, "a+file.txt")]
    assert recorded[0][1]["Records"][0]["eventName"] == "ObjectCreated:Put"
    assert "docker" not in capfd.readouterr().err.lower()
