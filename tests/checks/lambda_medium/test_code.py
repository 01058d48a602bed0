"""What lambda_medium's code checks read of the deployed code, over hand-built packages: each code mistake
(a stub handler, a layer without utils.py or its dependencies, a consumer that never imports the layer or
ships its own utils, an SQS consumer without batchItemFailures, a Handler naming what is not there, a syntax
error...) costs exactly its check and its task's points, with the fix it prints pinned in
golden_code_fixes.json. Equivalent code and unreadable packages: test_code_equivalents.py.

The complete student of ``test_every_field.py`` deploys the assessment's code (checks/lambda_medium/code/);
each case here changes one function's package or the layer's content.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.lambda_medium import ASSESSMENT
from checks.lambda_medium.solution import function_files, layer_files
from grader.aws.packages import Package
from tests.checks.handbuilt import HandBuiltFacts, Mistakes, assert_fixes_golden, assert_mistake, fixes_printed, grade
from tests.checks.lambda_medium.test_every_field import MAX, SID, account, layer_arn, n

STUB = "def lambda_handler(event, context):\n    return {'statusCode': 200}\n"
SITE = "python/lib/python3.12/site-packages/"
UTILS = layer_files()["python/utils.py"].decode()
DEPENDENCIES = {f"{SITE}{module}/__init__.py": "" for module in ("requests", "boto3", "dateutil")}


def original(prefix: str) -> str:
    return function_files(prefix)["lambda_function.py"]


def deploy(prefix: str, files: dict[str, str] | Package, handler: str | None = None):
    """The function ``prefix`` redeployed with ``files`` (and, when given, another Handler setting)."""

    def apply(f: HandBuiltFacts) -> None:
        f.packages[n(prefix)] = files if isinstance(files, Package) else Package.of(files)
        if handler is not None:
            f.config(n(prefix))["Handler"] = handler

    return apply


def edited(prefix: str, *changes: tuple[str, str]) -> dict[str, str]:
    """The assessment's lambda_function.py of ``prefix`` with each (old, new) replaced (old must be there)."""
    text = original(prefix)
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return {"lambda_function.py": text}


def publish(files: dict[str, str] | Package):
    """The layer's (only, latest) version 1 holding ``files``."""

    def apply(f: HandBuiltFacts) -> None:
        f.layer_contents[layer_arn(f)] = files if isinstance(files, Package) else Package.of(files)

    return apply


def both(*changes):
    def apply(f: HandBuiltFacts) -> None:
        for change in changes:
            change(f)

    return apply


# One handler that does what every function's code is graded for (the grader reads the code: 1.4 to 7.4),
# so that one function.zip serves every create-function and update-function-code a fix prints.
ANY_FUNCTION = """import os
import time

from utils import format_response


def lambda_handler(event, context):
    if event.get("fail"):
        raise RuntimeError("failed as asked")
    if event.get("sleep"):
        time.sleep(10)
    failed = [{"itemIdentifier": r["messageId"]} for r in event.get("Records", []) if not r["body"]]
    network = {name: os.environ.get(name) for name in ("VPC_ID", "SUBNET_IDS", "SECURITY_GROUP_ID")}
    return {"batchItemFailures": failed, **format_response(200, network)}
"""


CODE = Mistakes(MAX)
REDEPLOY = "aws lambda update-function-code --function-name {} --zip-file fileb://function.zip"


def redeploy(prefix: str, lacks: str) -> str:
    return (
        f"# {lacks}; zip the corrected code as function.zip (its files at the zip's root), then:\n"
        + REDEPLOY.format(n(prefix))
    )


# --- stubs: the two-line handler in each function, and everywhere at once -----------------------------

STUBBED = {
    "layer-consumer": ("2.6", 7, "lambda_function.py never imports utils"),
    "vpc-lambda": ("3.8", 8, "lambda_function.py does not read VPC_ID, SUBNET_IDS, SECURITY_GROUP_ID"),
    "async-processor": ("4.8", 8, "lambda_function.py never raises"),
    "sqs-consumer": ("5.9", 8.5, "lambda_function.py returns no batchItemFailures and names no itemIdentifier"),
    "dlq-processor": ("6.6", 6.5, "lambda_function.py does not read 'Records' or 'body' of the event"),
    "rate-limited-function": ("7.4", 4.5, "lambda_function.py never calls time.sleep"),
}
for prefix, (check, score, says) in STUBBED.items():
    CODE.add(
        f"{check} a stub handler in {prefix}",
        deploy(prefix, {"lambda_function.py": STUB}),
        check,
        score=score,
        says=says,
        evidence={"handler": "lambda_function.py:1 lambda_handler", **({"reads": {}} if check == "3.8" else {})},
    )
CODE.add(
    "every function a stub, the layer one function",
    both(
        *[deploy(prefix, {"lambda_function.py": STUB}) for prefix in STUBBED],
        publish({"python/helpers.py": "def format_response(status, body):\n    return {'statusCode': status}\n"}),
    ),
    "1.4 1.5 2.6 3.8 4.8 5.9 6.6 7.4",
    score={1: 5, 2: 7, 3: 8, 4: 8, 5: 8.5, 6: 6.5, 7: 4.5},
    says={
        "1.4": "version 1 has no utils module at python/utils.py or python/lib/python3.12/site-packages/utils.py "
        "(it holds python/helpers.py)",
        "1.5": "version 1 does not carry requests, boto3, dateutil",
        **{check: says for check, _, says in STUBBED.values()},
    },
)

# --- task 1: the layer's content --------------------------------------------------------------------------

REPUBLISH = (
    "aws lambda publish-layer-version --layer-name common-utils-layer-kim7 --description 'Shared helpers for "
    "the course functions' --compatible-runtimes python3.12 --zip-file fileb://layer.zip\n# then give "
    "layer-consumer-kim7 the new version: update-function-configuration --layers with the LayerVersionArn "
    "printed, and its other layers"
)
CODE.add(
    "1.4 the layer holds one function instead of utils.py",
    publish({"python/helpers.py": "def format_response(status, body):\n    return body\n", **DEPENDENCIES}),
    "1.4",
    score=6,
    message="version 1 has no utils module at python/utils.py or python/lib/python3.12/site-packages/utils.py (it "
    "holds python/helpers.py)",
)
CODE.add(
    "1.4 utils.py with one function",
    publish({"python/utils.py": "def format_response(s, b):\n    return b\n", **DEPENDENCIES}),
    "1.4",
    score=6,
    message="python/utils.py does not define log_event, validate_input, Timer (it defines format_response)",
    fix="# python/utils.py does not define log_event, validate_input, Timer; add log_event, validate_input, Timer "
    "to it, zip the python/ folder (python/ at the root) as layer.zip, then:\n" + REPUBLISH,
    evidence={"defined": {"format_response": "python/utils.py:1"}},
)
CODE.add(
    "1.4 utils.py outside python/",
    publish({"utils.py": UTILS, **DEPENDENCIES}),
    "1.4",
    score=6,
    says=("has no utils module at python/utils.py", "; it has utils.py, where python3.12 does not look"),
)
CODE.add(
    "1.4 utils.py in another Python's site-packages",
    publish({"python/lib/python3.11/site-packages/utils.py": UTILS, **DEPENDENCIES}),
    "1.4",
    score=6,
    says="it has python/lib/python3.11/site-packages/utils.py, where python3.12 does not look",
)
CODE.add(
    "1.4 a syntax error in utils.py",
    publish(
        {
            "python/utils.py": UTILS.replace("def log_event(event, context):", "def log_event(event, context)"),
            **DEPENDENCIES,
        }
    ),
    "1.4",
    score=6,
    message="python/utils.py:20: expected ':'",
)
CODE.add(
    "1.5 the layer carries utils.py alone",
    publish({"python/utils.py": UTILS}),
    "1.5",
    score=7,
    message="version 1 does not carry requests, boto3, dateutil",
    fix="# version 1 does not carry requests, boto3, dateutil; pip install requests boto3 python-dateutil -t "
    "python/lib/python3.12/site-packages/, zip the python/ folder (python/ at the root) as layer.zip, then:\n"
    + REPUBLISH,
)
CODE.add(
    "1.5 boto3 missing",
    publish({"python/utils.py": UTILS, f"{SITE}requests/__init__.py": "", f"{SITE}dateutil/__init__.py": ""}),
    "1.5",
    score=7,
    says="does not carry boto3 (it carries requests at python/lib/python3.12/site-packages/requests/, dateutil at ",
)
CODE.add(
    "1.5 dependencies for another Python",
    publish({"python/utils.py": UTILS, **{k.replace("python3.12", "python3.11"): v for k, v in DEPENDENCIES.items()}}),
    "1.5",
    score=7,
    says="it has python/lib/python3.11/site-packages/requests/, where python3.12 does not look",
)
CODE.add(
    "1.4 the layer's content is not a zip",
    publish(Package.broken("not a zip archive")),
    "1.4 1.5",
    score=5,
    says={
        "1.4": "version 1's content cannot be judged: not a zip archive",
        "1.5": "version 1's content cannot be judged: not a zip archive",
    },
)

CODE.add(
    "1.4 utils.py in two wrong places: the first is named",
    publish({"utils.py": UTILS, "lib/utils.py": UTILS, **DEPENDENCIES}),
    "1.4",
    score=6,
    says="; it has lib/utils.py, where python3.12 does not look",
)
CODE.add(
    "1.4 a layer of many modules, utils not among them: five are named",
    publish({f"python/m{i}.py": "" for i in range(6)} | DEPENDENCIES),
    "1.4",
    score=6,
    message="version 1 has no utils module at python/utils.py or python/lib/python3.12/site-packages/utils.py (it "
    "holds python/m0.py, python/m1.py, python/m2.py, python/m3.py, python/m4.py)",
)
CODE.add(
    "1.4 utils.py defining none of the helpers",
    publish({"python/utils.py": "import json\n", **DEPENDENCIES}),
    "1.4",
    score=6,
    message="python/utils.py does not define format_response, log_event, validate_input, Timer",
)
CODE.add(
    "1.4 the layer version's content is gone",
    lambda f: f.layer_contents.pop(layer_arn(f)),
    "1.4 1.5",
    score=5,
    says={
        "1.4": "version 1 of common-utils-layer-kim7 has no content to read",
        "1.5": "version 1 of common-utils-layer-kim7 has no content to read",
    },
)

# --- task 2: the consumer's code ---------------------------------------------------------------------------

NEVER_IMPORTS = """import json

def lambda_handler(event, context):
    body = json.loads(event.get('body', '{}'))
    return {'statusCode': 200, 'body': json.dumps({'message': 'Success', 'name': body.get('name')})}
"""
CODE.add(
    "2.6 the consumer never imports the layer",
    deploy("layer-consumer", {"lambda_function.py": NEVER_IMPORTS}),
    "2.6",
    score=7,
    message="lambda_function.py never imports utils: the layer is attached but its helpers are not used",
    fix=redeploy(
        "layer-consumer", "lambda_function.py must import utils (from utils import format_response, ...) and use it"
    ),
)
CODE.add(
    "2.7 the consumer ships its own utils.py",
    deploy("layer-consumer", {"lambda_function.py": original("layer-consumer"), "utils.py": UTILS}),
    "2.7",
    score=7.5,
    message="the package ships its own utils.py, which Lambda imports instead of the layer's (the package comes first "
    "on the path)",
    fix=redeploy("layer-consumer", "leave utils.py out of function.zip"),
)
CODE.add(
    "2.7 the consumer ships a utils package",
    deploy("layer-consumer", {"lambda_function.py": original("layer-consumer"), "utils/__init__.py": UTILS}),
    "2.7",
    score=7.5,
    says="ships its own utils/__init__.py",
)


def newer_layer_only(f: HandBuiltFacts) -> None:
    """The consumer runs version 1, published without utils; version 2, the newest, has it."""
    f.layer_contents[layer_arn(f)] = Package.of({"python/helpers.py": "x = 1\n", **DEPENDENCIES})
    v2 = layer_arn(f).removesuffix(":1") + ":2"
    f.layer_versions[n("common-utils-layer")].update(LayerVersionArn=v2, Version=2)
    f.layer_contents[v2] = Package.of(layer_files())


CODE.add(
    "2.7 the consumer runs an older layer version without utils",
    newer_layer_only,
    "2.7",
    score=7.5,
    message="layer-consumer-kim7 runs common-utils-layer-kim7:1, which has no utils; the newest version, 2, has it",
    fix="aws lambda update-function-configuration --function-name layer-consumer-kim7 --layers "
    "arn:aws:lambda:us-east-1:123456789012:layer:common-utils-layer-kim7:2 "
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53",
)
CODE.add(
    "2.5 the handler names a module that is not in the package",
    deploy("layer-consumer", function_files("layer-consumer"), handler="app.lambda_handler"),
    "2.5 2.6",
    score=6,
    message="layer-consumer-kim7: the handler app.lambda_handler names app.py, which is not in the package; it holds "
    "lambda_function.py",
    fix="# the handler app.lambda_handler names app.py, which is not in the package; it holds lambda_function.py; "
    "lambda_function.lambda_handler is in the package:\naws lambda update-function-configuration --function-name "
    "layer-consumer-kim7 --handler lambda_function.lambda_handler",
)
CODE.add(
    "2.5 the handler names a function the module does not define",
    deploy("layer-consumer", function_files("layer-consumer"), handler="lambda_function.handler"),
    "2.5 2.6",
    score=6,
    message="layer-consumer-kim7: lambda_function.py defines no handler (the handler setting is "
    "lambda_function.handler)",
)
CODE.add(
    "2.5 a syntax error in the consumer",
    deploy("layer-consumer", edited("layer-consumer", ("def process_data(data):", "def process_data(data)"))),
    "2.5 2.6",
    score=6,
    says="layer-consumer-kim7: lambda_function.py:33: expected ':'",
)
CODE.add(
    "2.5 an empty package",
    deploy("layer-consumer", {}),
    "2.5 2.6",
    score=6,
    says="names lambda_function.py, which is not in the package; it holds no Python file at its root",
)
CODE.add(
    "2.5 a container image",
    deploy("layer-consumer", Package.broken("a container image (PackageType Image)")),
    "2.5 2.6 2.7",
    score=5.5,
    says={
        "2.5": "layer-consumer-kim7: the deployment package cannot be judged: a container image (PackageType Image)",
        "2.7": "layer-consumer-kim7: the deployment package cannot be judged: a container image",
    },
)

# --- tasks 3 to 7: what each function's code does ---------------------------------------------------------

CODE.add(
    "5.9 a syntax error beside a module that has the handler: the code is redeployed, the setting kept",
    deploy("sqs-consumer", {"lambda_function.py": "def lambda_handler(e, c)\n", "app.py": original("sqs-consumer")}),
    "5.9",
    score=8.5,
    says="sqs-consumer-kim7: lambda_function.py:1: expected ':'",
    fix=redeploy("sqs-consumer", "lambda_function.py:1: expected ':'"),
)
CODE.add(
    "5.9 the handler's module is missing: the module that defines its function is suggested",
    deploy(
        "sqs-consumer",
        {"lambda_function.py": original("sqs-consumer"), "other.py": "def main(e, c):\n    pass\n"},
        handler="app.main",
    ),
    "5.9",
    score=8.5,
    says="the handler app.main names app.py, which is not in the package; it holds lambda_function.py, other.py",
    fix="# the handler app.main names app.py, which is not in the package; it holds lambda_function.py, other.py; "
    "other.main is in the package:\naws lambda update-function-configuration --function-name sqs-consumer-kim7 "
    "--handler other.main",
)

CODE.add(
    "3.8 only VPC_ID read",
    deploy(
        "vpc-lambda",
        edited(
            "vpc-lambda",
            ("os.environ.get('SUBNET_IDS', 'unknown')", "'unknown'"),
            ("os.environ.get('SECURITY_GROUP_ID', 'unknown')", "'unknown'"),
        ),
    ),
    "3.8",
    score=8,
    message="lambda_function.py does not read SUBNET_IDS, SECURITY_GROUP_ID from the environment",
    evidence={"reads": {"VPC_ID": "lambda_function.py:12"}, "handler": "lambda_function.py:5 lambda_handler"},
)
CODE.add(
    "3.8 a syntax error",
    deploy("vpc-lambda", edited("vpc-lambda", ("'vpc_id':", "'vpc_id'"))),
    "3.8",
    score=8,
    message="vpc-lambda-kim7: lambda_function.py:12: invalid syntax. Perhaps you forgot a comma?",
    fix=redeploy("vpc-lambda", "lambda_function.py:12: invalid syntax. Perhaps you forgot a comma"),
)
CODE.add(
    "4.8 every failure caught and returned",
    deploy(
        "async-processor",
        edited(
            "async-processor",
            (
                'raise Exception(f"Task {task_id} failed during processing")',
                "return {'status': 'failed', 'task_id': task_id}",
            ),
        ),
    ),
    "4.8",
    score=8,
    message="lambda_function.py never raises: every invocation succeeds, so nothing reaches the failure queue",
)
CODE.add(
    "4.8 a helper module that does not parse",
    deploy(
        "async-processor",
        {
            "lambda_function.py": "from work import run\n\ndef lambda_handler(event, context):\n    return run(event)\n",
            "work.py": "def run(event)\n    raise RuntimeError('failed')\n",
        },
    ),
    "4.8",
    score=8,
    says="async-processor-kim7: work.py:1: expected ':'",
)
CODE.add(
    "4.8 the raise is in a library pip installed, not the student's code",
    deploy(
        "async-processor",
        {
            "lambda_function.py": "import requests\n\ndef lambda_handler(event, context):\n    return {'ok': True}\n",
            "requests/__init__.py": "def get(url):\n    raise ValueError(url)\n",
            "requests-2.31.0.dist-info/RECORD": "",
        },
    ),
    "4.8",
    score=8,
    says="lambda_function.py never raises",
)
CODE.add(
    "5.9 no batchItemFailures returned",
    deploy(
        "sqs-consumer",
        edited(
            "sqs-consumer",
            (
                "    if failed:\n        return {\n            'batchItemFailures': [{'itemIdentifier': f['messageId']} for f in failed]\n"
                "        }\n",
                "",
            ),
        ),
    ),
    "5.9",
    score=8.5,
    message="lambda_function.py returns no batchItemFailures and names no itemIdentifier: a failed message is never "
    "reported on its own",
    fix=redeploy(
        "sqs-consumer",
        "lambda_function.py returns no batchItemFailures and names no itemIdentifier; "
        "return {'batchItemFailures': [{'itemIdentifier': messageId}, ...]}",
    ),
)
CODE.add(
    "5.9 messageId instead of itemIdentifier",
    deploy(
        "sqs-consumer", edited("sqs-consumer", ("{'itemIdentifier': f['messageId']}", "{'messageId': f['messageId']}"))
    ),
    "5.9",
    score=8.5,
    says="lambda_function.py names no itemIdentifier",
)
CODE.add(
    "5.9 the handler names a module that is not in the package",
    deploy("sqs-consumer", function_files("sqs-consumer"), handler="consumer.lambda_handler"),
    "5.9",
    score=8.5,
    message="sqs-consumer-kim7: the handler consumer.lambda_handler names consumer.py, which is not in the package; "
    "it holds lambda_function.py",
)
CODE.add(
    "5.9 a handler setting without a function",
    deploy("sqs-consumer", function_files("sqs-consumer"), handler="lambda_function"),
    "5.9",
    score=8.5,
    message="sqs-consumer-kim7: the handler setting 'lambda_function' is not <module>.<function>",
)
CODE.add(
    "5.9 the handler's file was not read",
    deploy(
        "sqs-consumer",
        Package(
            names=("lambda_function.py",), skipped={"lambda_function.py": "larger than the 1 MB read for a source"}
        ),
    ),
    "5.9",
    score=8.5,
    message="sqs-consumer-kim7: lambda_function.py was not read: larger than the 1 MB read for a source",
)
CODE.add(
    "6.6 the records' body never read",
    deploy(
        "dlq-processor",
        {
            "lambda_function.py": (
                "def lambda_handler(event, context):\n    for record in event['Records']:\n        print(record['messageId'])\n"
            )
        },
    ),
    "6.6",
    score=6.5,
    message="lambda_function.py does not read 'body' of the event: the failed events are never looked at",
)
CODE.add(
    "7.4 no sleep",
    deploy(
        "rate-limited-function", edited("rate-limited-function", ("time.sleep(10)  # 10 second task", "time.time()"))
    ),
    "7.4",
    score=4.5,
    message="lambda_function.py never calls time.sleep: each invocation ends at once, so the cap is never reached",
)
CODE.add(
    "7.4 another module's sleep",
    deploy(
        "rate-limited-function",
        edited(
            "rate-limited-function",
            ("time.sleep(10)", "asyncio.sleep(10)"),
            ("import time\n", "import asyncio\nimport time\n"),
        ),
    ),
    "7.4",
    score=4.5,
    says="never calls time.sleep",
)


@pytest.mark.parametrize("name", CODE)
def test_each_code_mistake_costs_exactly_its_check(name):
    facts = account()
    CODE[name].apply(facts)
    assert_mistake(grade(ASSESSMENT, facts, SID), CODE[name], MAX)


def test_the_stubbed_student_of_the_issue_no_longer_scores_100():
    """Issue 22: six two-line handlers and a one-function layer scored 100/100."""
    facts = account()
    CODE["every function a stub, the layer one function"].apply(facts)
    assert grade(ASSESSMENT, facts, SID).score == 87.5


def test_the_evidence_names_file_and_line():
    checks = {c.id: c for t in grade(ASSESSMENT, account(), SID).tasks for c in t.checks}
    assert checks["5.9"].evidence == {
        "batchItemFailures": "lambda_function.py:29",
        "itemIdentifier": "lambda_function.py:29",
    }
    assert checks["1.4"].evidence["defined"]["Timer"] == "python/utils.py:33"


def test_every_code_mistake_prints_the_fixes_of_the_golden_file():
    assert_fixes_golden(
        fixes_printed(ASSESSMENT, account, CODE, SID, {}), Path(__file__).parent / "golden_code_fixes.json"
    )
