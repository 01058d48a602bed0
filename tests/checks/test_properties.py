"""Property-based: no shape of API response makes a check crash.

Well-shaped responses are generated from botocore's own service models (what AWS may legally send);
malformed ones are arbitrary JSON where a policy document or attribute map is expected. Either way a
check must pass, fail with a reason or say it could not decide — a crash would be a grader bug.
"""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.lambda_lab import ASSESSMENT as LAB
from checks.lambda_medium import ASSESSMENT as MEDIUM
from checks.lambda_medium.solution import function_files, layer_files
from grader.aws.packages import Package
from grader.aws.reader import expect
from grader.engine import judge_all
from grader.rubric import Context

NAMES = st.sampled_from(["layer-consumer-h1", "vpc-lambda-h1", "lambda-sg-h1", "python3.12", "PROD", "STAGING",
                         "$LATEST", "1", "2", "AWS/Lambda", "Errors", "Duration", "Throttles", "FunctionName",
                         "arn:aws:sqs:us-east-1:123456789012:lambda-dlq-h1", "Enabled",
                         "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:5",
                         "arn:aws:lambda:us-east-1:123456789012:layer:common-utils-layer-h1:1",
                         "arn:aws:iam::123456789012:role/r", "ReportBatchItemFailures", "*", "111122223333",
                         "HelloWorldFunction", "S3FileProcessor", "terraform-managed-lambda-api", "lambda-lab-1",
                         "AWS_PROXY", "ANY", "/{proxy+}", "prod", "s3:ObjectCreated:*", "ManagedBy", "Terraform",
                         "arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction",
                         "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:"
                         "123456789012:function:S3FileProcessor/invocations", "apigateway.amazonaws.com",
                         "s3.amazonaws.com", "AWS:SourceArn", "arn:aws:s3:::lambda-lab-1", "analysis/a.json",
                         "lambda_function.lambda_handler", "src/app.main"])
TEXT = st.one_of(NAMES, st.text(max_size=12))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)
POLICY_KEYS = st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Principal", "Resource",
                               "Condition", "AWS", "Allow", "Deny"])
POLICY = st.recursive(st.none() | TEXT | POLICY_KEYS | st.integers(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(POLICY_KEYS | TEXT, inner, max_size=4),
                      max_leaves=15)
# Deployment packages: the assessment's code, fragments of it, code that does not parse, any text, as any
# member of a function's package or a layer; or a package that cannot be judged.
SOURCES = st.sampled_from([*(function_files(p)["lambda_function.py"] for p in (
    "layer-consumer", "vpc-lambda", "async-processor", "sqs-consumer", "dlq-processor", "rate-limited-function")),
    layer_files()["python/utils.py"].decode(), "def lambda_handler(e, c):\n    return {}\n", "import utils\n",
    "from . import x\nfrom .. import y\n", "def (:\n", "x = 1\x00", "lambda_handler = 1\n", ""]) | st.text(max_size=40)
PATHS = st.sampled_from(["lambda_function.py", "app.py", "utils.py", "utils/__init__.py", "src/app.py",
                         "python/utils.py", "python/lib/python3.12/site-packages/utils.py",
                         "python/lib/python3.12/site-packages/requests/__init__.py", "python/boto3/__init__.py",
                         "requests-2.0.dist-info/RECORD", "python/"]) | TEXT
PACKAGES = st.builds(lambda usual, others: Package.of({**usual, **others}),
                     st.fixed_dictionaries({}, optional={"lambda_function.py": SOURCES}),
                     st.dictionaries(PATHS, SOURCES | st.binary(max_size=8), max_size=4)) | st.builds(Package.broken, TEXT)


@functools.cache
def model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def from_shape(shape: Any, depth: int = 0) -> st.SearchStrategy:
    if depth > 5:
        return st.none()
    kind = shape.type_name
    if kind == "structure":
        return st.fixed_dictionaries({}, optional={name: from_shape(member, depth + 1)
                                                   for name, member in shape.members.items()})
    if kind == "list":
        return st.lists(from_shape(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, from_shape(shape.value, depth + 1), max_size=3)
    if kind == "string":
        return st.sampled_from(shape.enum) if shape.enum else TEXT
    if kind in ("integer", "long"):
        return st.integers(min_value=-1, max_value=2**31)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return st.none()


@functools.cache
def output(service: str, operation: str, key: str | None = None) -> st.SearchStrategy:
    shape = model(service).operation_model(operation).output_shape
    return from_shape(shape.members[key] if key else shape)


def item(service: str, operation: str, key: str) -> st.SearchStrategy:
    shape = model(service).operation_model(operation).output_shape.members[key]
    return from_shape(shape.member)


class GeneratedFacts:
    """Facts answered by hypothesis: each fact drawn once, then the same answer for every asker."""

    def __init__(self, data: st.DataObject, malformed: bool) -> None:
        self.data, self.malformed, self.drawn = data, malformed, {}
        self.region, self.inventory = "us-east-1", False

    def _draw(self, key: tuple, strategy: st.SearchStrategy, may_be_missing: bool = True) -> Any:
        if key not in self.drawn:
            if self.malformed and key[0] in ("queue", "inline", "policy", "document"):
                strategy = POLICY if key[0] != "queue" else JSON
            self.drawn[key] = self.data.draw(st.none() | strategy if may_be_missing else strategy)
        return self.drawn[key]

    def parallel(self, *reads):
        return [read() for read in reads]

    def prefetch(self, *reads):
        pass

    def function(self, name):
        found = self._draw(("function", name), output("lambda", "GetFunction"))
        config = found.get("Configuration") if isinstance(found, dict) else None
        if isinstance(config, dict) and self._draw(("usual handler", name), st.booleans(), False):
            config["Handler"] = "lambda_function.lambda_handler"  # so that the code checks read the code
        return found

    def function_names(self):
        return set(self._draw(("function-names",), st.lists(NAMES | TEXT, max_size=4), False))

    def reserved_concurrency(self, name):
        return self._draw(("reserved", name), st.integers(-1, 1000))

    def account_concurrency(self):
        return self._draw(("account",), st.fixed_dictionaries({}, optional={
            "ConcurrentExecutions": st.integers(0, 2000), "UnreservedConcurrentExecutions": st.integers(-100, 2000)}),
            False)

    # Deployment packages: the assessments' own code, fragments, stubs, any bytes, and (PACKAGE) the lab's
    # code with its lines shuffled (mostly not Python); or a package that cannot be judged.
    def function_package(self, name):
        return self._draw(("package", name), PACKAGES | PACKAGE)

    def layer_package(self, layer_version_arn):
        return self._draw(("layer-package", layer_version_arn), PACKAGES | PACKAGE)

    def latest_layer_version(self, name):
        return self._draw(("layer", name), item("lambda", "ListLayerVersions", "LayerVersions"))

    def event_invoke_config(self, name):
        return self._draw(("invoke", name), output("lambda", "GetFunctionEventInvokeConfig"))

    def event_source_mappings(self, name):
        return self._draw(("esm", name), output("lambda", "ListEventSourceMappings", "EventSourceMappings"), False)

    def aliases(self, name):
        return self._draw(("aliases", name), output("lambda", "ListAliases", "Aliases"))

    def versions(self, name):
        return self._draw(("versions", name), output("lambda", "ListVersionsByFunction", "Versions"))

    def provisioned_concurrency(self, name, qualifier):
        return self._draw(("pc", name), output("lambda", "GetProvisionedConcurrencyConfig"))

    def function_policy(self, name):
        return self._draw(("policy", name), POLICY)

    def queue(self, name):
        found = self._draw(("queue", name), st.dictionaries(TEXT, TEXT, max_size=4))
        return None if found is None else expect(found, dict, "sqs:GetQueueAttributes")  # as Facts.queue does

    def subnets(self, ids):
        return self._draw(("subnets", ids), output("ec2", "DescribeSubnets", "Subnets"), False)

    def security_groups(self, ids):
        return self._draw(("groups", ids), output("ec2", "DescribeSecurityGroups", "SecurityGroups"), False)

    def attached_role_policies(self, role):
        return self._draw(("attached", role), output("iam", "ListAttachedRolePolicies", "AttachedPolicies"))

    def inline_role_policies(self, role):
        return self._draw(("inline", role), st.dictionaries(TEXT, POLICY, max_size=2))

    def managed_policy_document(self, arn):
        return self._draw(("document", arn), POLICY)

    def scalable_targets(self, namespace, resource_id):
        return self._draw(("targets", resource_id),
                          output("application-autoscaling", "DescribeScalableTargets", "ScalableTargets"), False)

    def scaling_policies(self, namespace, resource_id):
        return self._draw(("scaling", resource_id),
                          output("application-autoscaling", "DescribeScalingPolicies", "ScalingPolicies"), False)

    def metric_alarms(self):
        return self._draw(("alarms",), output("cloudwatch", "DescribeAlarms", "MetricAlarms"), False)

    def metric_alarms_named(self, names):
        return self._draw(("alarms named", names), output("cloudwatch", "DescribeAlarms", "MetricAlarms"), False)

    def function_tags(self, name):
        return self._draw(("tags", name), st.dictionaries(TEXT, TEXT, max_size=3))

    def log_group(self, name):
        return self._draw(("log-group", name), item("logs", "DescribeLogGroups", "logGroups"))

    def rest_apis(self):
        return self._draw(("apis",), output("apigateway", "GetRestApis", "items"), False)

    def rest_api_resources(self, api_id):
        return self._draw(("resources", api_id), output("apigateway", "GetResources", "items"), False)

    def rest_api_stages(self, api_id):
        return self._draw(("stages", api_id), output("apigateway", "GetStages", "item"), False)

    def bucket_names(self):
        return self._draw(("buckets",), st.lists(TEXT, max_size=3), False)

    def bucket_notifications(self, bucket):
        return self._draw(("notifications", bucket), output("s3", "GetBucketNotificationConfiguration"))

    def object_keys(self, bucket, prefix):
        return self._draw(("keys", bucket), st.lists(TEXT, max_size=3))


def _code_snippets() -> list[str]:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "checks"
    return sorted(path.read_text(encoding="utf-8") for path in root.glob("*/code/**/*.py"))


SNIPPETS = _code_snippets()
SOURCE = st.one_of(
    st.sampled_from(SNIPPETS or ["def lambda_handler(event, context):\n    return {}\n"]),
    st.lists(st.sampled_from([line for text in SNIPPETS for line in text.splitlines()] or ["pass"]),
             max_size=12).map("\n".join),
    st.sampled_from(["", "def lambda_handler(event, context):\n    return {'statusCode': 200}\n",
                     "lambda_handler = None\n", "def lambda_handler(:\n", "from . import x\n", "import common_utils\n"]),
    TEXT,
)
MEMBERS = st.sampled_from(["lambda_function.py", "app.py", "utils.py", "common_utils.py", "python/utils.py",
                           "python/common_utils.py", "python/lib/python3.12/site-packages/common_utils.py",
                           "python/common_utils/__init__.py", "python/lib/python3.12/site-packages/requests/",
                           "python/lib/python3.12/site-packages/boto3/__init__.py", "src/__init__.py", "src/app.py"])


def _package(members: dict, broken: str | None) -> Package:
    return Package.broken(broken) if broken else Package.of(members)


PACKAGE = st.builds(_package, st.dictionaries(MEMBERS, SOURCE, max_size=4), st.none() | TEXT)


def crashes(data: st.DataObject, malformed: bool) -> list[str]:
    assessment = data.draw(st.sampled_from([MEDIUM, LAB]))
    return crashed(assessment, GeneratedFacts(data, malformed))


def crashed(assessment: Any, facts: Any) -> list[str]:
    context = Context("h1", "123456789012", "us-east-1", facts, assessment.names_end_in_student_id)
    results = [c for task in judge_all(assessment, context) for c in task.checks]
    # The engine marks a check that raised with evidence {"crashed": "<ExceptionType>"}: every other
    # outcome (pass, fail, a fact that could not be read) carries no such mark.
    return [f"{c.id}: {c.evidence['crashed']}: {c.message}" for c in results if "crashed" in c.evidence]


class BrokenFacts:
    """Facts whose every answer is a number where a structure is expected: any check reading one crashes."""

    region, inventory = "us-east-1", False

    def parallel(self, *reads):
        return [read() for read in reads]

    def prefetch(self, *reads):
        pass

    def __getattr__(self, name):
        return lambda *args: 7


@pytest.mark.parametrize("assessment", [MEDIUM, LAB], ids=["lambda_medium", "lambda_lab"])
def test_a_crash_is_told_by_its_type_not_its_words(assessment):
    """The detector the properties rely on: a crashing check is marked {"crashed": <type>}, and nothing else is."""
    found = crashed(assessment, BrokenFacts())
    assert found and all(": TypeError: " in line or ": AttributeError: " in line for line in found)
    context = Context("h1", "123456789012", "us-east-1", BrokenFacts(), assessment.names_end_in_student_id)
    results = [c for task in judge_all(assessment, context) for c in task.checks]
    assert {c.status.value for c in results if "crashed" in c.evidence} == {"error"}
    assert len(found) == sum(1 for c in results if c.message.startswith("the check crashed ("))


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.data_too_large])


@SETTINGS
@given(st.data())
def test_well_shaped_responses_never_crash_a_check(data):
    assert crashes(data, malformed=False) == []


@SETTINGS
@given(st.data())
def test_malformed_documents_never_crash_a_check(data):
    assert crashes(data, malformed=True) == []


@SETTINGS
@given(st.lists(POLICY, max_size=3), st.sampled_from(["ec2:CreateNetworkInterface", "logs:PutLogEvents",
                                                      "lambda:InvokeFunction"]))
def test_policy_evaluation_accepts_any_document(documents, action):
    from checks import policy_evaluation

    assert policy_evaluation.allows(documents, action) in (True, False)
