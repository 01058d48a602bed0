"""A local Lambda runtime for Python functions: what moto does with Docker, done without it.

Offline there is no Docker, so moto's Invoke fails and S3 notifications run nothing. Here a Python
function runs in a child process of this interpreter: its code and layers unzipped (on the path in Lambda's
order: the package, then ``/opt/python/lib/python3.x/site-packages``, then ``/opt/python``), its environment variables set, a context object like Lambda's,
and its AWS calls pointed back at the emulator with the credentials of its execution role. What it
prints goes to its log group, as on AWS. Only the emulator imports this; it runs code the user
deployed to their own local emulator, as moto would in a container.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from typing import Any

# Set by the running Emulator: where the function's own AWS calls go.
ENDPOINT: dict[str, str] = {}

STARTUP_SECONDS = 10  # allowed on top of the function's timeout for Python and boto3 to start

RUNNER = r"""
import importlib, json, logging, sys, time
request = json.loads(sys.stdin.read())
sys.path[:0] = request["path"]
started = time.monotonic()

class Context:
    function_name = request["name"]
    function_version = request["version"]
    invoked_function_arn = request["arn"]
    memory_limit_in_mb = request["memory"]
    aws_request_id = request["request_id"]
    log_group_name = request["log_group"]
    log_stream_name = request["log_stream"]

    def get_remaining_time_in_millis(self):
        return max(0, int((request["timeout"] - (time.monotonic() - started)) * 1000))

result = sys.stdout
sys.stdout = sys.stderr  # what the function prints is its log, not its answer
logging.basicConfig(stream=sys.stderr, format="[%(levelname)s]\t%(asctime)s\t%(message)s")
module, _, function = request["handler"].rpartition(".")
try:
    answer = getattr(importlib.import_module(module), function)(request["event"], Context())
    result.write(json.dumps({"ok": answer}))
except Exception as exc:
    import traceback
    traceback.print_exc()
    result.write(json.dumps({"error": {"errorMessage": str(exc), "errorType": type(exc).__name__}}))
"""


def unzip(data: bytes, into: str) -> None:
    if data:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(into)


def run(function: Any, event: Any, layers: list[bytes], credentials: dict[str, str]) -> tuple[str, bool, str]:
    """Run one invocation: (the JSON answer, whether it failed, the log lines)."""
    request_id = str(uuid.uuid4())
    with tempfile.TemporaryDirectory(prefix="lambda-") as root:
        task, opt = os.path.join(root, "task"), os.path.join(root, "opt")
        unzip(function.code_bytes, task)
        for layer in layers:
            unzip(layer, opt)
        environment = {
            "PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "TZ": ":UTC",
            **{k: str(v) for k, v in (function.environment_vars or {}).items()},
            "AWS_REGION": function.region, "AWS_DEFAULT_REGION": function.region,
            "AWS_ENDPOINT_URL": ENDPOINT.get("url", ""), "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size), "LAMBDA_TASK_ROOT": task,
            "_HANDLER": function.handler,
        }
        request = {
            # Lambda's order: the package, then the layers' site-packages of the function's Python, then their
            # python/ (AWS's Python base images, bootstrap.py set_default_sys_path).
            "path": [task, os.path.join(opt, "python", "lib", str(function.run_time or "python3.12"), "site-packages"),
                     os.path.join(opt, "python")], "handler": function.handler, "event": event,
            "name": function.function_name, "version": "$LATEST", "arn": function.function_arn,
            "memory": function.memory_size, "request_id": request_id, "timeout": function.timeout,
            "log_group": function.logs_group_name, "log_stream": request_id,
        }
        started = time.monotonic()
        try:
            done = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(request), capture_output=True,
                                  text=True, env=environment, cwd=task, timeout=function.timeout + STARTUP_SECONDS)
            stdout, logs = done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            stdout, logs = "", f"{exc.stderr or ''}Task timed out after {function.timeout:.2f} seconds\n"
        duration = (time.monotonic() - started) * 1000
    try:
        outcome = json.loads(stdout)
    except ValueError:
        outcome = {"error": {"errorMessage": "Runtime exited without providing a reason",
                             "errorType": "Runtime.ExitError"}}
    failed = "error" in outcome
    answer = json.dumps(outcome["error"] if failed else outcome["ok"])
    lines = [f"START RequestId: {request_id} Version: $LATEST", *logs.splitlines(), f"END RequestId: {request_id}",
             f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\tMemory Size: {function.memory_size} MB"]
    return answer, failed, "\n".join(lines)
