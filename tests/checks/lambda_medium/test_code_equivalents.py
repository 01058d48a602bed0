"""Equivalent code keeps every point in lambda_medium's code checks: aliases, renamed variables, other files and
folders for the handler, helpers of the student's own, utils and the dependencies where else Lambda finds them;
and a package the grader could not read is an ``error`` row that changes nothing else.
"""

from __future__ import annotations

import pytest

from checks.lambda_medium import ASSESSMENT
from checks.lambda_medium.solution import function_files
from grader.aws.errors import FactUnavailable
from grader.model import Status
from tests.checks.handbuilt import HandBuiltFacts, grade
from tests.checks.lambda_medium.test_code import ANY_FUNCTION, DEPENDENCIES, SITE, UTILS, deploy, original, publish
from tests.checks.lambda_medium.test_every_field import SID, account, layer_arn, n

ACCEPTED: dict[str, object] = {}


def any_function_everywhere(f: HandBuiltFacts) -> None:
    """The acceptance tests' student: one function.zip (ANY_FUNCTION) for all six functions."""
    for prefix in (
        "layer-consumer",
        "vpc-lambda",
        "async-processor",
        "sqs-consumer",
        "dlq-processor",
        "rate-limited-function",
    ):
        deploy(prefix, {"lambda_function.py": ANY_FUNCTION})(f)


ACCEPTED["one handler doing what every function is graded for, in all six"] = any_function_everywhere

# --- equivalent code keeps every point ---------------------------------------------------------------------

ALIASED = """import json
import utils as u


def lambda_handler(event, context):
    u.log_event(event, context)
    try:
        payload = json.loads(event.get("body", "{}"))
        u.validate_input(payload, ["name", "operation"])
        with u.Timer() as t:
            outcome = f"Processed {payload['operation']} for {payload['name']}"
        return u.format_response(200, {"message": "Success", "result": outcome, "duration": t.duration})
    except ValueError as problem:
        return u.format_response(400, {"error": str(problem)})
"""
REWRITTEN_CONSUMER = """import json
from helpers import build_response


def handle(event, context):
    failures = []
    for item in event["Records"]:
        try:
            json.loads(item["body"])
        except ValueError:
            failures.append(item["messageId"])
    return build_response(failures)

lambda_handler = handle
"""
HELPERS = """def build_response(ids):
    response = {"batchItemFailures": []}
    for message_id in ids:
        response["batchItemFailures"].append(dict(itemIdentifier=message_id))
    return response
"""
ACCEPTED.update(
    {
        "2.6 import utils as u": deploy("layer-consumer", {"lambda_function.py": ALIASED}),
        "2.6 import utils, its names read as attributes": deploy(
            "layer-consumer",
            {"lambda_function.py": ALIASED.replace("import utils as u", "import utils").replace("u.", "utils.")},
        ),
        "2.6 the handler in another file, named by Handler": deploy(
            "layer-consumer", {"app.py": original("layer-consumer")}, handler="app.lambda_handler"
        ),
        "2.6 the handler in a folder (src/app.main)": deploy(
            "layer-consumer",
            {"src/__init__.py": "", "src/app.py": original("layer-consumer").replace("def lambda_handler", "def main")},
            handler="src/app.main",
        ),
        "2.6 utils used by a module of the student's own the handler imports": deploy(
            "layer-consumer",
            {
                "lambda_function.py": "from service import handle\n\ndef lambda_handler(event, context):\n"
                "    return handle(event)\n",
                "service.py": "from utils import format_response\n\ndef handle(event):\n    return format_response(200, event)\n",
            },
        ),
        "1.4 utils.py in the layer's site-packages": publish({f"{SITE}utils.py": UTILS, **DEPENDENCIES}),
        "1.4 utils as a package re-exporting its helpers": publish(
            {
                "python/utils/__init__.py": "from .helpers import format_response, log_event, validate_input\n"
                "from .timing import Timer\n",
                "python/utils/helpers.py": UTILS,
                "python/utils/timing.py": "class Timer:\n    pass\n",
                **DEPENDENCIES,
            }
        ),
        "1.5 dependencies installed into python/ (pip install -t python/)": publish(
            {"python/utils.py": UTILS, **{k.replace(SITE, "python/"): v for k, v in DEPENDENCIES.items()}}
        ),
        "3.8 from os import environ, getenv, and a loop over the names": deploy(
            "vpc-lambda",
            {
                "lambda_function.py": (
                    "from os import environ, getenv\n\nNAMES = ('VPC_ID', 'SUBNET_IDS')\n\n\ndef lambda_handler(event, context):\n"
                    "    found = {name: environ[name] for name in NAMES}\n    found['group'] = getenv('SECURITY_GROUP_ID')\n"
                    "    return found\n"
                )
            },
        ),
        "3.8 the variables read by a config module": deploy(
            "vpc-lambda",
            {
                "lambda_function.py": "import config\n\ndef lambda_handler(event, context):\n    return config.settings()\n",
                "config.py": "import os\nenv = os.environ\nGROUP = 'SECURITY_GROUP_ID'\n\ndef settings():\n"
                "    return {'vpc': env.get('VPC_ID'), 'subnets': env['SUBNET_IDS'], 'group': os.getenv(GROUP)}\n",
            },
        ),
        "4.8 a custom exception, the handler renamed": deploy(
            "async-processor",
            {
                "worker.py": (
                    "class TaskFailed(Exception):\n    pass\n\n\ndef process(evt, ctx):\n    if evt.get('simulate_failure'):\n"
                    "        raise TaskFailed(evt.get('task_id'))\n    return {'status': 'completed'}\n"
                )
            },
            handler="worker.process",
        ),
        "5.9 the response built by a helper module, reformatted and renamed": deploy(
            "sqs-consumer", {"lambda_function.py": REWRITTEN_CONSUMER, "helpers.py": HELPERS}
        ),
        "5.9 keys through constants": deploy(
            "sqs-consumer",
            {
                "lambda_function.py": (
                    "FAILURES = 'batchItemFailures'\nID = 'itemIdentifier'\n\ndef lambda_handler(event, context):\n"
                    "    out = {}\n    out[FAILURES] = [{ID: r['messageId']} for r in event['Records']]\n    return out\n"
                )
            },
        ),
        "6.6 .get() instead of subscripts, renamed": deploy(
            "dlq-processor",
            {
                "lambda_function.py": (
                    "import json\n\ndef lambda_handler(evt, ctx):\n    for rec in evt.get('Records', []):\n"
                    "        failed_event = json.loads(rec.get('body') or '{}')\n        print(failed_event)\n"
                )
            },
        ),
        "7.4 from time import sleep as pause": deploy(
            "rate-limited-function",
            {
                "lambda_function.py": (
                    "from time import sleep as pause\n\n\ndef lambda_handler(event, context):\n    pause(10)\n    return 'done'\n"
                )
            },
        ),
        "7.4 import time as t": deploy(
            "rate-limited-function",
            {"lambda_function.py": ("import time as t\n\ndef lambda_handler(event, context):\n    t.sleep(10)\n")},
        ),
        "2.7 a vendored library beside the handler": deploy(
            "layer-consumer",
            {**function_files("layer-consumer"), "requests/__init__.py": "", "requests-2.31.0.dist-info/RECORD": ""},
        ),
    }
)


@pytest.mark.parametrize("name", ACCEPTED)
def test_equivalent_code_scores_every_point(name):
    facts = account()
    ACCEPTED[name](facts)
    student = grade(ASSESSMENT, facts, SID)
    assert [(c.id, c.message) for t in student.tasks for c in t.checks if c.status.value != "pass"] == []
    assert student.score == 100


class Unreadable(HandBuiltFacts):
    """The same account; the packages of ``refused`` (function names or layer ARNs) cannot be read."""

    refused: tuple[str, ...] = ()

    def function_package(self, name):
        if name in self.refused:
            raise FactUnavailable("lambda:GetFunction", "denied", "AccessDeniedException")
        return super().function_package(name)

    def layer_package(self, layer_version_arn):
        if layer_version_arn in self.refused:
            raise FactUnavailable("lambda:GetLayerVersion", "denied", "AccessDeniedException")
        return super().layer_package(layer_version_arn)


@pytest.mark.parametrize(
    "refused, errors",
    [
        (lambda f: (n("sqs-consumer"),), {"5.9"}),
        (lambda f: (n("layer-consumer"),), {"2.5", "2.6", "2.7"}),
        (lambda f: (layer_arn(f),), {"1.4", "1.5", "2.7"}),
    ],
)
def test_a_package_that_cannot_be_read_is_an_error_and_changes_nothing_else(refused, errors):
    facts = account()
    facts.__class__ = Unreadable
    facts.refused = refused(facts)
    student = grade(ASSESSMENT, facts, SID)
    status = {c.id: c.status for t in student.tasks for c in t.checks}
    assert {check for check, s in status.items() if s is not Status.PASS} == errors
    assert all(status[check] is Status.ERROR for check in errors) and not student.complete
    messages = {c.id: c.message for t in student.tasks for c in t.checks}
    assert all(
        messages[c].startswith(("could not read: access denied to lambda:Get", "not decided: 2.5")) for c in errors
    ), messages


def checks_of(facts: HandBuiltFacts) -> dict:
    return {c.id: c for t in grade(ASSESSMENT, facts, SID).tasks for c in t.checks}


def test_the_names_taken_from_utils_are_said_from_the_first_written():
    facts = account()
    deploy("layer-consumer", {"lambda_function.py": ALIASED})(facts)
    assert checks_of(facts)["2.6"].message == (
        "lambda_function.py:6 takes log_event, validate_input, Timer, format_response from utils"
    )


def test_only_the_students_own_layers_are_read_not_aws_insights_extension():
    facts = account()
    facts.__class__ = Unreadable
    facts.refused = ("arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53",)
    assert grade(ASSESSMENT, facts, SID).score == 100


def test_the_layers_site_packages_are_those_of_the_functions_runtime():
    """A python3.11 consumer finds utils in python/lib/python3.11/site-packages (2.2 and 1.4 say what is wrong)."""
    facts = account()
    facts.config(n("layer-consumer"))["Runtime"] = "python3.11"
    publish({"python/lib/python3.11/site-packages/utils.py": UTILS, **DEPENDENCIES})(facts)
    checks = checks_of(facts)
    assert {c for c, check in checks.items() if check.status is not Status.PASS} == {"1.4", "2.2"}
    assert checks["2.7"].message == (
        "the package ships no utils of its own: utils is "
        "python/lib/python3.11/site-packages/utils.py of common-utils-layer-kim7:1"
    )


def test_the_first_three_raises_are_named():
    facts = account()
    code = "def lambda_handler(e, c):\n" + "".join(
        f"    if e == {i}:\n        raise ValueError({i})\n" for i in range(4)
    )
    deploy("async-processor", {"lambda_function.py": code})(facts)
    assert (
        checks_of(facts)["4.8"].message == "raises at lambda_function.py:3, lambda_function.py:5, lambda_function.py:7"
    )


@pytest.mark.parametrize(
    "sleeps, message",
    [
        ("time.sleep(10)\n    time.sleep(seconds)", "sleeps at lambda_function.py:4 (10 s)"),
        ("time.sleep(seconds)\n    time.sleep(10)", "sleeps at lambda_function.py:4"),
        ("time.sleep()", "sleeps at lambda_function.py:4"),
    ],
)
def test_the_first_sleep_is_named_with_its_seconds_when_written(sleeps, message):
    facts = account()
    code = f"import time\n\ndef lambda_handler(event, context, seconds=1):\n    {sleeps}\n"
    deploy("rate-limited-function", {"lambda_function.py": code})(facts)
    assert checks_of(facts)["7.4"].message == message
