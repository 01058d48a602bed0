"""The checks of the code the lab's functions and layer hold (2.4, 3.6, 4.4, 5.6, 6.9, 7.6, 7.7, 7.8), over
hand-built facts: the complete lab of ``test_every_field.account()`` with one package changed.

``MISTAKES``: stub handlers, earlier labs' versions, a layer without ``common_utils.py`` and each other code
mistake cost exactly their checks and their lab, with a message naming file and line where there is one.
``ACCEPTED``: equivalent code keeps every point (reformatted, renamed, ``import ... as``, a handler in
another file the ``Handler`` setting names, helpers in another module, other libraries).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from checks.lambda_lab import ASSESSMENT
from checks.lambda_lab.solution import DEPLOYED, LAYER_CODE, files
from grader.aws.errors import FactUnavailable
from grader.aws.packages import Package
from grader.model import Status
from tests.checks.handbuilt import HandBuiltFacts, Mistakes, assert_fixes_golden, assert_mistake, fixes_printed, grade
from tests.checks.lambda_lab.test_every_field import ADVANCED, ASYNC, HELLO, MAX, PROCESSOR, SID, TERRAFORM, account

LAYER_ARN = "arn:aws:lambda:us-east-1:123456789012:layer:common-utilities:1"
HELLO_CODE = ("2.4", "3.6", "4.4")
STUB = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"


def deploy(name: str, package: dict[str, str] | Package, handler: str | None = None):
    """The function ``name`` runs this package (and this Handler setting)."""
    def apply(f: HandBuiltFacts) -> None:
        f.packages[name] = package if isinstance(package, Package) else Package.of(package)
        if handler:
            f.config(name)["Handler"] = handler
    return apply


def code(name: str) -> str:
    """The lab's code of function ``name``, as the reference solution deploys it."""
    return files(DEPLOYED[name])["lambda_function.py"]


def edited(name: str, old: str, new: str, *, count: int = 1) -> dict[str, str]:
    """The lab's code of ``name`` with ``old`` replaced (it must be there ``count`` times)."""
    text = code(name)
    assert text.count(old) == count, f"{old!r} is in {name}'s code {text.count(old)} times"
    return {"lambda_function.py": text.replace(old, new)}


def layer(files_: dict[str, str], arn: str = LAYER_ARN):
    return lambda f: f.layer_contents.__setitem__(arn, Package.of(files_))


UTILS = files(LAYER_CODE)["python/common_utils.py"]
LOGGED = '''    if level == "ERROR":
        logger.error(line)
    else:
        logger.info(line)'''  # how lab 4's log() writes its JSON line

MISTAKES = Mistakes(MAX)

# --- HelloWorldFunction (labs 2, 3 and 4) ---------------------------------------------------------

MISTAKES.add("stub HelloWorldFunction", deploy(HELLO, {"lambda_function.py": STUB}), "2.4 3.6 4.4",
             score={2: 13, 3: 12, 4: 9}, says={
                 "2.4": ("lambda_function.py reads none of the request's fields", "returns no body"),
                 "3.6": "lambda_function.py never reads GREETING_PREFIX or ENVIRONMENT from its environment",
                 "4.4": "lambda_function.py writes no JSON log line"},
             fix={"2.4": "# lambda_function.py must read the request from the proxy event (event['httpMethod'], "
                         "event.get('queryStringParameters'), event.get('body')) and return {'statusCode': 200, "
                         "'headers': {...}, 'body': json.dumps(...)}; zip the corrected code (lambda_function.py at "
                         "the root) as function.zip, then:\naws lambda update-function-code --function-name "
                         "HelloWorldFunction --zip-file fileb://function.zip"},
             evidence={"2.4": {"handler": "lambda_function.py:1 lambda_handler", "reads": {}}})
for lab, folder, failing in ((1, "lab1-hello", "2.4 3.6 4.4"), (2, "lab2-api-gateway", "3.6 4.4"),
                             (3, "lab3-configuration", "4.4")):
    lost = {int(c[0]): MAX[int(c[0])] - {"2.4": 3, "3.6": 2, "4.4": 3}[c] for c in failing.split()}
    MISTAKES.add(f"HelloWorldFunction still runs lab {lab}'s code", deploy(HELLO, files(folder)), failing, score=lost,
                 says={"2.4": "reads none of the request's fields", "3.6": "never reads GREETING_PREFIX or ENVIRONMENT",
                       "4.4": "writes no JSON log line: its logs are plain text"})
MISTAKES.add("HelloWorldFunction's package empty", deploy(HELLO, {}), "2.4 3.6 4.4", score={2: 13, 3: 12, 4: 9},
             message={check: "HelloWorldFunction: the handler lambda_function.lambda_handler names lambda_function.py, "
                             "which is not in the package; it holds no Python file at its root" for check in HELLO_CODE})
MISTAKES.add("HelloWorldFunction's code does not parse", deploy(HELLO, edited(HELLO, "def settings():", "def settings(:")),
             "2.4 3.6 4.4", score={2: 13, 3: 12, 4: 9},
             says={check: "HelloWorldFunction: lambda_function.py:21: invalid syntax" for check in HELLO_CODE})
MISTAKES.add("HelloWorldFunction's package is not a zip", deploy(HELLO, Package.broken("not a zip archive")),
             "2.4 3.6 4.4", score={2: 13, 3: 12, 4: 9},
             says={check: "the deployment package cannot be judged: not a zip archive" for check in HELLO_CODE})
MISTAKES.add("HelloWorldFunction's helper module does not parse", deploy(HELLO, {
    "lambda_function.py": "from greeting import answer\n\ndef lambda_handler(event, context):\n    return answer(event)\n",
    "greeting.py": "def answer(event)\n    return {}\n"}), "2.4 3.6 4.4", score={2: 13, 3: 12, 4: 9},
    says={check: "greeting.py:1: " for check in HELLO_CODE})
MISTAKES.add("4.4 a JSON dump inside a text line", deploy(HELLO, edited(
    HELLO, LOGGED, '    logger.info(f"{level}: {line}")')), "4.4", score=9,
    message="lambda_function.py writes no JSON log line: its logs are plain text, which Logs Insights cannot filter "
            "or count by field")
MISTAKES.add("4.4 the JSON format without the logging module", lambda f: (
    deploy(HELLO, files("lab2-api-gateway"))(f), f.config(HELLO).__setitem__("LoggingConfig", {"LogFormat": "JSON"})),
    "3.6 4.4", score={3: 12, 4: 9}, says={"4.4": "writes no JSON log line", "3.6": "never reads"})
MISTAKES.add("3.6 a variable misspelt", deploy(HELLO, edited(HELLO, '"GREETING_PREFIX"', '"GREETING_PREFX"')), "3.6",
             score=12, message="lambda_function.py never reads GREETING_PREFIX from its environment: changing the "
                               "variables changes nothing")
MISTAKES.add("2.4 no statusCode returned", deploy(HELLO, edited(HELLO, '"statusCode"', '"status"', count=2)), "2.4",
             score=13,
             says="returns no statusCode: API Gateway needs both from a proxy integration")

# --- S3FileProcessor (lab 5) ----------------------------------------------------------------------

MISTAKES.add("stub S3FileProcessor", deploy(PROCESSOR, {"lambda_function.py": STUB}), "5.6", score=13,
             message="lambda_function.py never reads the event's Records, bucket, key; it never gets the uploaded object "
                     "(get_object); it never puts an object (put_object); it builds no key under analysis/ ending in "
                     ".json: uploads are not analysed into analysis/<key>.json")
MISTAKES.add("5.6 results written elsewhere", deploy(PROCESSOR, edited(PROCESSOR, 'f"analysis/{key}.json"',
                                                                       'f"results/{key}.json"')),
             "5.6", score=13, says="builds no key under analysis/ ending in .json")
MISTAKES.add("5.6 results never written", deploy(PROCESSOR, edited(
    PROCESSOR, "    s3.put_object(Bucket=bucket, Key=target, Body=json.dumps(counts, indent=2), "
               "ContentType=\"application/json\")\n", "")), "5.6", score=13, says="never puts an object (put_object)")
MISTAKES.add("5.6 a fixed object instead of the event's", deploy(PROCESSOR, {"lambda_function.py": (
    "import boto3\n\ns3 = boto3.client('s3')\n\ndef lambda_handler(event, context):\n"
    "    text = s3.get_object(Bucket='lambda-lab-1', Key='test-file.txt')['Body'].read()\n"
    "    s3.put_object(Bucket='lambda-lab-1', Key='analysis/test-file.txt.json', Body=str(len(text)))\n")}),
    "5.6", score=13, says="never reads the event's Records, bucket, key: uploads are not analysed")
MISTAKES.add("5.6 the handler names a function the module lacks", deploy(PROCESSOR, files(DEPLOYED[PROCESSOR]),
                                                                         "lambda_function.handler"), "5.6", score=13,
             says="S3FileProcessor: lambda_function.py defines no handler (the handler setting is lambda_function.handler)",
             fix="# the package holds lambda_function.lambda_handler: point the Handler setting at it\n"
                 "aws lambda update-function-configuration --function-name S3FileProcessor --handler "
                 "lambda_function.lambda_handler")
MISTAKES.add("5.6 the folder zipped, not its files", deploy(PROCESSOR, {"lab5/": "", "lab5/lambda_function.py": code(
    PROCESSOR)}), "5.6", score=13, message="S3FileProcessor: the handler lambda_function.lambda_handler names "
    "lambda_function.py, which is not in the package; it holds no Python file at its root (lab5/lambda_function.py is "
    "in a folder: zip the files themselves, not their folder)")
MISTAKES.add("5.6 the handler names a module the package lacks", deploy(PROCESSOR, {"handler.py": code(PROCESSOR)},
                                                                        "app.lambda_handler"), "5.6", score=13,
             message="S3FileProcessor: the handler app.lambda_handler names app.py, which is not in the package; it holds "
                     "handler.py",
             fix="# the handler app.lambda_handler names app.py, which is not in the package; it holds handler.py; zip "
                 "the corrected code (app.py at the root) as function.zip, then:\naws lambda update-function-code "
                 "--function-name S3FileProcessor --zip-file fileb://function.zip")

# --- terraform-managed-lambda (lab 6) ---------------------------------------------------------------

MISTAKES.add("stub terraform-managed-lambda", deploy(TERRAFORM, {"lambda_function.py": STUB}), "6.9", score=12,
             message="lambda_function.py never reads ENVIRONMENT or APP_VERSION from its environment; it returns no body",
             fix="# lambda_function.py must read ENVIRONMENT and APP_VERSION with os.environ.get(...) and return "
                 "{'statusCode': 200, 'body': json.dumps({...})}; correct lab6-terraform/lambda-code/lambda_function.py, "
                 "then apply (Terraform zips lambda-code/ again and updates the function's code):\n"
                 "cd lab6-terraform/terraform && terraform apply\n# without Terraform: zip lambda-code/ as function.zip, "
                 "then aws lambda update-function-code --function-name terraform-managed-lambda --zip-file "
                 "fileb://function.zip")
MISTAKES.add("6.9 APP_VERSION never read", deploy(TERRAFORM, edited(TERRAFORM, 'os.environ.get("APP_VERSION", "0.0.0")',
                                                                    '"1.0.0"')), "6.9", score=12,
             message="lambda_function.py never reads APP_VERSION from its environment",
             evidence={"handler": "lambda_function.py:6 lambda_handler",
                       "reads": {"ENVIRONMENT": "lambda_function.py:10"}})

# --- the layer and AdvancedProcessor (lab 7) --------------------------------------------------------

MISTAKES.add("the layer without common_utils.py", layer({"python/utils.py": UTILS}), "7.6 7.7", score=12.5, says={
    "7.6": "version 1 holds no common_utils.py where Lambda imports from (python/ or python/lib/python3.12/site-packages/)",
    "7.7": "import common_utils finds nothing: neither the package nor its layers (common-utilities:1) hold "
           "common_utils.py"})
MISTAKES.add("the layer zipped with its folder", layer({"layer-content/python/common_utils.py": UTILS}), "7.6 7.7",
             score=12.5, says={"7.6": ": it is at layer-content/python/common_utils.py", "7.7": "finds nothing"},
             fix={"7.6": "# put common_utils.py in python/; zip the python/ folder (python/ at the zip's root) as "
                         "common-layer.zip, then:\naws lambda publish-layer-version --layer-name common-utilities "
                         "--description 'Common utilities for Lambda functions' --zip-file fileb://common-layer.zip "
                         "--compatible-runtimes python3.12 --compatible-architectures x86_64\n# then give "
                         "AdvancedProcessor the new version: update-function-configuration --layers with the "
                         "LayerVersionArn printed (and its other layers)"})
MISTAKES.add("the layer's modules for another Python", layer({
    "python/lib/python3.11/site-packages/common_utils.py": UTILS}), "7.6 7.7", score=12.5,
    says={"7.6": "it is at python/lib/python3.11/site-packages/common_utils.py", "7.7": "finds nothing"})
MISTAKES.add("the layer's common_utils without DataProcessor", layer({"python/common_utils.py": UTILS.split(
    "class DataProcessor")[0]}), "7.6 7.7", score=12.5, says={
    "7.6": "version 1's python/common_utils.py defines no DataProcessor",
    "7.7": "lambda_function.py takes DataProcessor from common_utils, which python/common_utils.py of common-utilities:1 "
           "does not define: the import fails"})
MISTAKES.add("the layer's common_utils does not parse", layer({"python/common_utils.py": UTILS.replace(
    "def validate_input(", "def validate_input((")}), "7.6 7.7", score=12.5,
    says={"7.6": "version 1: python/common_utils.py:16: ", "7.7": "common-utilities:1: python/common_utils.py:16: "})
MISTAKES.add("the layer's content is not a zip", lambda f: f.layer_contents.__setitem__(
    LAYER_ARN, Package.broken("not a zip archive")), "7.6 7.7", score=12.5, says={
    "7.6": "version 1 of common-utilities cannot be judged: not a zip archive", "7.7": "finds nothing"})
MISTAKES.add("stub AdvancedProcessor", deploy(ADVANCED, {"lambda_function.py": STUB}), "7.7", score=14.5,
             message="lambda_function.py never imports common_utils: the layer is attached but its helpers are not used")
MISTAKES.add("AdvancedProcessor ships its own common_utils.py", deploy(ADVANCED, {
    **files(DEPLOYED[ADVANCED]), "common_utils.py": UTILS}), "7.7", score=14.5,
    says="the package ships its own common_utils.py, which Lambda imports instead of the layer's",
    evidence={"handler": "lambda_function.py:4 lambda_handler", "shadowing": "common_utils.py"})


def older_version_attached(f: HandBuiltFacts) -> None:
    newest = LAYER_ARN[:-1] + "2"
    f.layer_versions["common-utilities"].update(LayerVersionArn=newest, Version=2)
    f.layer_contents[newest] = f.layer_contents[LAYER_ARN]
    f.layer_contents[LAYER_ARN] = Package.of({"python/helpers.py": UTILS})


MISTAKES.add("AdvancedProcessor runs an older layer version without common_utils", older_version_attached, "7.7",
             score=14.5, message="AdvancedProcessor runs common-utilities:1, which has no common_utils; the newest "
                                 "version, 2, has it",
             fix="aws lambda update-function-configuration --function-name AdvancedProcessor --layers "
                 "arn:aws:lambda:us-east-1:123456789012:layer:common-utilities:2")

# --- AsyncProcessor (lab 7) -------------------------------------------------------------------------

MISTAKES.add("stub AsyncProcessor", deploy(ASYNC, {"lambda_function.py": STUB}), "7.8", score=14.5,
             message="lambda_function.py never raises: a failed task returns normally, so Lambda neither retries it "
                     "nor sends it to lambda-dlq")
MISTAKES.add("AsyncProcessor answers its failures instead of raising", deploy(ASYNC, edited(
    ASYNC, '        raise TaskFailed(f"task {task} failed")', '        return {"statusCode": 500}')), "7.8",
    score=14.5, says="never raises")


@pytest.mark.parametrize("name", MISTAKES)
def test_a_code_mistake_costs_exactly_its_checks(name):
    facts = account()
    MISTAKES[name].apply(facts)
    assert_mistake(grade(ASSESSMENT, facts, SID), MISTAKES[name], MAX)


def test_every_code_mistake_prints_the_fixes_of_the_golden_file():
    assert_fixes_golden(fixes_printed(ASSESSMENT, account, MISTAKES, SID, {}),
                        Path(__file__).parent / "golden_code_fixes.json")


# --- equivalent code ------------------------------------------------------------------------------------


def reformatted(f: HandBuiltFacts) -> None:
    """Every package as ``ast.unparse`` writes it: other quotes, layout and line numbers, no comments."""
    for packages in (f.packages, f.layer_contents):
        for key, package in packages.items():
            packages[key] = Package.of({path: ast.unparse(ast.parse(text)) + "\n" for path, text in package.sources.items()})


RENAMED_HELLO = '''
import json, logging as log, os as operating_system
from os import environ as env
from json import dumps as to_json

LOG = log.getLogger(__name__)
LOG.setLevel(log.INFO)


def lambda_handler(request, runtime_context):
    prefix = env.get("GREETING_PREFIX", "Hi")
    stage = operating_system.getenv("ENVIRONMENT")
    params = request.get("queryStringParameters") or {}
    record = {"msg": "answering", "stage": stage, "who": params.get("name")}
    LOG.info(to_json(record))
    response = {}
    response["statusCode"] = 200
    response["body"] = json.dumps({"message": f"{prefix}, {params.get('name', 'World')}!"})
    return response
'''
# What a student who kept only what lab 4's text reads has: two variables, a helper that logs JSON entries.
LAB4_AS_WRITTEN = '''
import json
import os
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)

def log_entry(level, message, **extra):
    entry = dict(level=level, message=message, **extra)
    logger.info(json.dumps(entry))

def lambda_handler(event, context):
    log_entry("INFO", "start", request_id=context.aws_request_id)
    greeting = os.environ.get("GREETING_PREFIX", "Hello")
    environment = os.environ.get("ENVIRONMENT", "unknown")
    method = event.get("httpMethod", "DIRECT_INVOKE")
    name = (event.get("queryStringParameters") or {}).get("name", "Developer")
    return {"statusCode": 200, "body": json.dumps({"message": f"{greeting}, {name}!", "env": environment,
                                                   "method": method})}
'''
PRINTED_JSON = edited(HELLO, LOGGED, "    print(line)")
POWERTOOLS = code("HelloWorldFunction").split("def log(")[0] + '''
from aws_lambda_powertools import Logger

structured = Logger(service="hello")


def log(level, message, **fields):
    structured.info(message, extra=fields)
''' + "def settings(" + code(HELLO).split("def settings(", 1)[1]
RESOURCE_PROCESSOR = '''
import boto3
from urllib.parse import unquote_plus

storage = boto3.resource("s3")
PREFIX = "analysis/"


def handle(evt, _ctx):
    for rec in evt["Records"]:
        where, name = rec["s3"]["bucket"]["name"], unquote_plus(rec["s3"]["object"]["key"])
        if name.startswith(PREFIX):
            continue
        words = len(storage.Object(where, name).get()["Body"].read().split())
        storage.Object(where, PREFIX + name + ".json").put(Body=str(words))
'''
SPLIT_PROCESSOR = {
    "lambda_function.py": "from files import analyse\n\n\ndef lambda_handler(event, context):\n"
                          "    for record in event['Records']:\n"
                          "        analyse(record['s3']['bucket']['name'], record['s3']['object']['key'])\n",
    "files.py": "import boto3\n\nclient = boto3.client('s3')\n\n\ndef analyse(bucket, key):\n"
                "    body = client.get_object(Bucket=bucket, Key=key)['Body'].read()\n"
                "    client.upload_fileobj(body, bucket, 'analysis/{}.json'.format(key))\n",
}
ALIASED_ADVANCED = code(ADVANCED).replace(
    "from common_utils import DataProcessor, format_response, validate_input", "import common_utils as cu").replace(
    "validate_input(", "cu.validate_input(").replace("format_response(", "cu.format_response(").replace(
    "DataProcessor.", "cu.DataProcessor.")
RERAISING_ASYNC = '''
import time


def work(task):
    time.sleep(1)
    if not task:
        raise ValueError("no task")


def run(event, context):
    try:
        work(event.get("task_id"))
    except ValueError:
        print("failed; Lambda will retry")
        raise
    return {"statusCode": 200}
'''

ACCEPTED = {
    "every package reformatted": reformatted,
    "HelloWorldFunction renamed throughout": deploy(HELLO, {"lambda_function.py": RENAMED_HELLO}),
    "HelloWorldFunction as lab 4's text has it": deploy(HELLO, {"lambda_function.py": LAB4_AS_WRITTEN}),
    "HelloWorldFunction printing its JSON lines": deploy(HELLO, PRINTED_JSON),
    "HelloWorldFunction logging with Powertools": deploy(HELLO, {"lambda_function.py": POWERTOOLS}),
    # With the log format JSON, what goes through the logging module is written as JSON, print stays text
    # (AWS Lambda Developer Guide, python-logging.html, "Using Lambda advanced logging controls with Python").
    "HelloWorldFunction on lab 3's code with Lambda's JSON log format": lambda f: (
        deploy(HELLO, files("lab3-configuration"))(f),
        f.config(HELLO).__setitem__("LoggingConfig", {"LogFormat": "JSON", "LogGroup": f"/aws/lambda/{HELLO}"})),
    "S3FileProcessor in processor.py, with a boto3 resource": deploy(
        PROCESSOR, {"processor.py": RESOURCE_PROCESSOR}, "processor.handle"),
    "S3FileProcessor's S3 calls in a module of its own": deploy(PROCESSOR, SPLIT_PROCESSOR),
    "terraform-managed-lambda in a package folder": deploy(
        TERRAFORM, {"app/__init__.py": "", "app/main.py": code(TERRAFORM)}, "app/main.lambda_handler"),
    "HelloWorldFunction answering through a package of its own": deploy(HELLO, {
        "lambda_function.py": "from helpers.http import answer\n\n\ndef lambda_handler(event, context):\n"
                              "    return answer(event)\n",
        "helpers/__init__.py": "",
        "helpers/http.py": LAB4_AS_WRITTEN.replace("def lambda_handler(event, context):", "def answer(event):").replace(
            "request_id=context.aws_request_id", "source='api'")}),
    "AdvancedProcessor imports common_utils as cu": deploy(ADVANCED, {"lambda_function.py": ALIASED_ADVANCED}),
    "AdvancedProcessor's handler in another file": deploy(ADVANCED, {"advanced.py": code(ADVANCED)},
                                                          "advanced.lambda_handler"),
    "the layer's module in site-packages": layer({"python/lib/python3.12/site-packages/common_utils.py": UTILS}),
    "the layer's module as a package": layer({
        "python/common_utils/__init__.py": "from .helpers import DataProcessor, format_response, validate_input\n",
        "python/common_utils/helpers.py": UTILS}),
    "AsyncProcessor re-raising from a helper, in worker.py": deploy(ASYNC, {"worker.py": RERAISING_ASYNC}, "worker.run"),
}


@pytest.mark.parametrize("name", ACCEPTED)
def test_equivalent_code_keeps_every_point(name):
    facts = account()
    ACCEPTED[name](facts)
    student = grade(ASSESSMENT, facts, SID)
    assert [(c.id, c.message) for t in student.tasks for c in t.checks if c.status is not Status.PASS
            and c.id != "6.8"] == []
    assert student.score == 100


def test_the_accepted_variants_change_what_the_checks_read():
    """Each variant is really another package: none is the lab's code as deployed."""
    for name, change in ACCEPTED.items():
        facts = account()
        change(facts)
        assert {k: dict(p.sources) for k, p in facts.packages.items()} != {
            k: dict(p.sources) for k, p in account().packages.items()} or {
            k: dict(p.sources) for k, p in facts.layer_contents.items()} != {
            k: dict(p.sources) for k, p in account().layer_contents.items()}, name


def test_a_package_the_grader_cannot_read_is_one_error_row():
    class Unreadable(HandBuiltFacts):
        def function_package(self, name):
            if name == PROCESSOR:
                raise FactUnavailable("lambda:GetFunction", "unexpected", "the package's URL expired")
            return super().function_package(name)

    facts = account()
    unreadable = Unreadable()
    unreadable.__dict__.update(facts.__dict__)
    student = grade(ASSESSMENT, unreadable, SID)
    rows = {c.id: c for t in student.tasks for c in t.checks}
    assert {i for i, c in rows.items() if c.status is not Status.PASS} == {"5.6"}
    assert rows["5.6"].status is Status.ERROR and "the package's URL expired" in rows["5.6"].message
    assert {t.number: t.score for t in student.tasks} == {**MAX, 5: 13}


def test_a_layer_the_grader_cannot_read_is_an_error_for_the_checks_that_read_it():
    class Unreadable(HandBuiltFacts):
        def layer_package(self, arn):
            raise FactUnavailable("lambda:GetLayerVersion", "denied", "AccessDeniedException")

    unreadable = Unreadable()
    unreadable.__dict__.update(account().__dict__)
    student = grade(ASSESSMENT, unreadable, SID)
    rows = {c.id: c for t in student.tasks for c in t.checks}
    assert {i: c.status for i, c in rows.items() if c.status is not Status.PASS} == {
        "7.6": Status.ERROR, "7.7": Status.ERROR}
    assert "grant the grader lambda:GetLayerVersion" in rows["7.6"].message


def test_line_numbers_follow_the_code():
    """Evidence names the file and line the code has: the same check on code moved down names other lines."""
    facts = account()
    deploy(ASYNC, {"lambda_function.py": "\n\n\n" + code(ASYNC)})(facts)
    moved = next(c for t in grade(ASSESSMENT, facts, SID).tasks for c in t.checks if c.id == "7.8")
    assert moved.evidence == {"raises": ["lambda_function.py:21"]}
    assert moved.message == "lambda_function.py:13 lambda_handler raises at lambda_function.py:21"


def test_the_log_format_compared_is_one_lambda_reports():
    """4.4 compares GetFunction's Configuration.LoggingConfig.LogFormat with "JSON": botocore's Lambda model
    has that member and that value."""
    import botocore.session

    lam = botocore.session.get_session().get_service_model("lambda")
    logging_config = lam.shape_for("FunctionConfiguration").members["LoggingConfig"]
    assert logging_config.members["LogFormat"].enum == ["JSON", "Text"]
