"""The lab's code (checks/lambda_lab/code/, what README_lambda_lab.md tells students to deploy) does what the
labs say when it runs: the grader never runs a student's code, but the code it hands out must work.

Each handler runs here in this interpreter with events shaped as AWS sends them (API Gateway's proxy
event, S3's notification, a direct invocation) and a context like Lambda's; boto3's S3 client is a fake.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest

from checks.lambda_lab.solution import CODE, TEST_FILE, analysis_of


class Context:
    function_name, function_version, memory_limit_in_mb = "HelloWorldFunction", "$LATEST", 256
    aws_request_id = "c0ffee00-0000-4000-8000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 9000


def load(folder: str, monkeypatch: pytest.MonkeyPatch, *path: Path) -> ModuleType:
    """lambda_function.py of ``folder`` as a fresh module (``path``: folders put first on sys.path, as layers)."""
    for folder_on_path in path:
        monkeypatch.syspath_prepend(str(folder_on_path))
    spec = importlib.util.spec_from_file_location(f"lab_code_{folder.replace('-', '_')}",
                                                  CODE / folder / "lambda_function.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def proxy_event(method="GET", query=None, body=None) -> dict:
    """A REST API's Lambda proxy event (payload 1.0), with what the handlers read (API Gateway Developer
    Guide, set-up-lambda-proxy-integrations.html, "Input format of a Lambda function for proxy integration")."""
    return {"resource": "/HelloWorldFunction", "path": "/HelloWorldFunction", "httpMethod": method,
            "headers": {"User-Agent": "curl/8.5.0"}, "queryStringParameters": query, "pathParameters": None,
            "requestContext": {"stage": "default"}, "body": body, "isBase64Encoded": False}


@pytest.mark.parametrize("folder", ["lab2-api-gateway", "lab3-configuration", "lab4-monitoring"])
def test_hello_world_answers_the_api(folder, monkeypatch):
    monkeypatch.setenv("GREETING_PREFIX", "Greetings")
    monkeypatch.setenv("GREETING_SUFFIX", "Thanks!")
    monkeypatch.setenv("ENVIRONMENT", "staging")
    monkeypatch.setenv("MAX_RESPONSE_LENGTH", "500")
    handler = load(folder, monkeypatch).lambda_handler
    by_query = handler(proxy_event(query={"name": "Ada"}), Context())
    by_body = handler(proxy_event("POST", body=json.dumps({"name": "Grace"})), Context())
    broken = handler(proxy_event("POST", body="not json{{"), Context())
    assert [r["statusCode"] for r in (by_query, by_body, broken)] == [200, 200, 200]
    messages = [json.loads(r["body"])["message"] for r in (by_query, by_body, broken)]
    if folder == "lab2-api-gateway":
        assert messages == ["Hello, Ada!", "Hello, Grace!", "Hello, World!"]
    else:  # the wording comes from the environment from lab 3 on
        assert messages == ["Greetings, Ada! Thanks!", "Greetings, Grace! Thanks!", "Greetings, World! Thanks!"]


def test_lab_4_logs_one_json_object_per_line(monkeypatch):
    module = load("lab4-monitoring", monkeypatch)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    module.logger.addHandler(handler)
    try:
        module.lambda_handler(proxy_event(query={"name": "Ada"}), Context())
    finally:
        module.logger.removeHandler(handler)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["message"] for e in entries] == ["started", "processing request", "answered"]
    assert entries[1]["name"] == "Ada" and entries[0]["request_id"] == Context.aws_request_id


def test_lab_1_greets_whom_the_test_event_names(monkeypatch):
    answer = load("lab1-hello", monkeypatch).lambda_handler({"name": "Ada"}, Context())
    assert answer["statusCode"] == 200 and json.loads(answer["body"])["message"].startswith("Hello, Ada! ")


class FakeS3:
    def __init__(self, objects: dict[tuple[str, str], tuple[bytes, str]]) -> None:
        self.objects, self.put = objects, {}

    def head_object(self, Bucket, Key):  # noqa: N803 (boto3's argument names)
        return {"ContentType": self.objects[(Bucket, Key)][1]}

    def get_object(self, Bucket, Key):  # noqa: N803
        return {"Body": io.BytesIO(self.objects[(Bucket, Key)][0])}

    def put_object(self, Bucket, Key, Body, ContentType):  # noqa: N803
        self.put[(Bucket, Key)] = (Body, ContentType)


def s3_event(bucket: str, key: str, size: int) -> dict:
    """An S3 ObjectCreated notification, keys URL-encoded as S3 sends them (Amazon S3 User Guide,
    notification-content-structure.html, "Event message structure")."""
    return {"Records": [{"eventName": "ObjectCreated:Put", "s3": {
        "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"}, "object": {"key": key, "size": size}}}]}


def test_the_s3_processor_writes_the_analysis_the_solution_leaves(monkeypatch):
    import boto3

    s3 = FakeS3({("lambda-lab-1", "my notes.txt"): (TEST_FILE, "text/plain"),
                 ("lambda-lab-1", "photo.png"): (b"\x89PNG", "image/png")})
    monkeypatch.setattr(boto3, "client", lambda service, **kwargs: s3)
    handler = load("lab5-s3-processor", monkeypatch).lambda_handler
    handler(s3_event("lambda-lab-1", "my+notes.txt", len(TEST_FILE)), Context())
    handler(s3_event("lambda-lab-1", "photo.png", 4), Context())
    handler(s3_event("lambda-lab-1", "analysis/my+notes.txt.json", 10), Context())  # its own result: skipped
    assert list(s3.put) == [("lambda-lab-1", "analysis/my notes.txt.json")]
    body, kind = s3.put[("lambda-lab-1", "analysis/my notes.txt.json")]
    assert json.loads(body) == analysis_of("my notes.txt", TEST_FILE) and kind == "application/json"


def test_the_terraform_function_reports_its_version(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("APP_VERSION", "2.0.0")
    answer = load("lab6-terraform", monkeypatch).lambda_handler(proxy_event(), Context())
    body = json.loads(answer["body"])
    assert answer["statusCode"] == 200 and (body["environment"], body["version"]) == ("production", "2.0.0")


def test_the_advanced_processor_runs_on_the_layer(monkeypatch):
    monkeypatch.delitem(sys.modules, "common_utils", raising=False)
    handler = load("lab7-advanced-processor", monkeypatch, CODE / "lab7-layer" / "python").lambda_handler
    metrics = handler(proxy_event(query={"operation": "metrics"}), Context())
    cleaned = handler(proxy_event(query={"operation": "sanitize", "text": "Hi! <b>there</b>"}), Context())
    missing = handler(proxy_event(), Context())
    assert json.loads(metrics["body"])["data"]["metrics"]["average"] == 30
    assert json.loads(cleaned["body"])["data"]["sanitized"] == "Hi bthereb"
    assert missing["statusCode"] == 400 and "operation" in json.loads(missing["body"])["data"]["error"]
    assert sys.modules["common_utils"].__file__ == str(CODE / "lab7-layer" / "python" / "common_utils.py")


@pytest.mark.parametrize("roll, fails", [(0.1, True), (0.9, False)])
def test_the_async_processor_raises_when_its_task_fails(roll, fails, monkeypatch):
    module = load("lab7-async-processor", monkeypatch)
    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(module.random, "random", lambda: roll)
    if fails:
        with pytest.raises(module.TaskFailed, match="task-7 failed"):
            module.lambda_handler({"task_id": "task-7"}, Context())
    else:
        assert json.loads(module.lambda_handler({"task_id": "task-7"}, Context())["body"])["status"] == "completed"
