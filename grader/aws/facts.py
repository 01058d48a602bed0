"""Gathering: every fact the checks judge, read from AWS once per run and shared.

A fact is the answer to one question about the account (``function("x")``, ``queue("y")``...).
It is fetched the first time any check asks, in that check's thread; every later or concurrent asker
of the same fact waits for that one request and gets the same answer. Missing resources are facts
(``None`` or an empty list); anything that prevents reading raises :class:`FactUnavailable`, which
the engine turns into an ``error`` result naming the IAM action.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from grader.aws.errors import FactUnavailable, classify, error_code
from grader.aws.session import ReadOnlySession

NOT_FOUND = {
    "ResourceNotFoundException",
    "NoSuchEntity",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "ProvisionedConcurrencyConfigNotFoundException",
}

class _Cell:
    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: FactUnavailable | None = None


class Facts:
    """The facts of one account and region, memoized and safe to share between threads."""

    def __init__(self, session: ReadOnlySession, region: str, store: FactStore | None = None) -> None:
        self.session = session
        self.region = region
        self._store = store
        self._cells: dict[tuple[Any, ...], _Cell] = {}
        self._lock = threading.Lock()

    def in_region(self, region: str) -> Facts:
        """The same account's facts in another region (shared with anyone else asking for them)."""
        return self._store(region) if self._store else Facts(self.session, region)

    # --- plumbing --------------------------------------------------------------------------------

    def _once(self, key: tuple[Any, ...], load: Callable[[], Any]) -> Any:
        with self._lock:
            cell = self._cells.get(key)
            owner = cell is None
            if owner:
                cell = self._cells[key] = _Cell()
        assert cell is not None
        if owner:
            try:
                cell.value = load()
            except FactUnavailable as exc:
                cell.error = exc
            except Exception as exc:  # anything else from botocore: classified, never lost
                cell.error = classify(exc, str(key[0]))
            finally:
                cell.done.set()
        else:
            cell.done.wait()
        if cell.error is not None:
            raise cell.error
        return cell.value

    def _read(self, service: str, operation: str, *, result_key: str | None = None, **params: Any) -> Any:
        """One read: the whole (paginated) result, or None when the resource does not exist."""
        action = f"{service}:{operation}"  # boto3 client names equal the IAM prefixes used here
        key = (action, tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in params.items())))

        def load() -> Any:
            client = self.session.client(service, self.region)
            method = _snake(operation)
            try:
                if result_key and client.can_paginate(method):
                    pages = client.get_paginator(method).paginate(**params)
                    return [item for page in pages for item in page.get(result_key, [])]
                response = getattr(client, method)(**params)
                return response.get(result_key) if result_key else response
            except ClientError as exc:
                if error_code(exc) in NOT_FOUND:
                    return None
                raise classify(exc, action) from None
            except FactUnavailable:
                raise
            except Exception as exc:
                raise classify(exc, action) from None

        return self._once(key, load)

    # --- STS / EC2 -------------------------------------------------------------------------------

    def account_id(self) -> str:
        return self._read("sts", "GetCallerIdentity")["Account"]

    def enabled_regions(self) -> list[str]:
        regions = self._read("ec2", "DescribeRegions", result_key="Regions") or []
        return sorted(r["RegionName"] for r in regions)

    def subnets(self, subnet_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not subnet_ids:
            return []
        filters = [{"Name": "subnet-id", "Values": sorted(subnet_ids)}]
        return self._read("ec2", "DescribeSubnets", result_key="Subnets", Filters=filters) or []

    def security_groups(self, group_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not group_ids:
            return []
        filters = [{"Name": "group-id", "Values": sorted(group_ids)}]
        return self._read("ec2", "DescribeSecurityGroups", result_key="SecurityGroups", Filters=filters) or []

    # --- Lambda ----------------------------------------------------------------------------------

    def function(self, name: str) -> dict[str, Any] | None:
        """GetFunction: ``Configuration`` plus ``Concurrency`` (reserved), or None."""
        return self._read("lambda", "GetFunction", FunctionName=name)

    def function_names(self) -> set[str]:
        """Names of every function in the region (one paginated listing, shared by all students)."""
        functions = self._read("lambda", "ListFunctions", result_key="Functions") or []
        return {f.get("FunctionName") for f in functions}

    def layer_names(self) -> set[str]:
        """Names of every layer in the region (one paginated listing)."""
        layers = self._read("lambda", "ListLayers", result_key="Layers") or []
        return {layer.get("LayerName") for layer in layers}

    def layer_versions(self, layer_name: str) -> list[dict[str, Any]]:
        """Versions of a layer, newest first."""
        versions = self._read("lambda", "ListLayerVersions", result_key="LayerVersions", LayerName=layer_name)
        return sorted(versions or [], key=lambda v: v.get("Version", 0), reverse=True)

    def event_invoke_config(self, function_name: str) -> dict[str, Any] | None:
        return self._read("lambda", "GetFunctionEventInvokeConfig", FunctionName=function_name)

    def event_source_mappings(self, function_name: str) -> list[dict[str, Any]]:
        mappings = self._read(
            "lambda", "ListEventSourceMappings", result_key="EventSourceMappings", FunctionName=function_name
        )
        return mappings or []

    def aliases(self, function_name: str) -> list[dict[str, Any]] | None:
        return self._read("lambda", "ListAliases", result_key="Aliases", FunctionName=function_name)

    def versions(self, function_name: str) -> list[dict[str, Any]] | None:
        return self._read("lambda", "ListVersionsByFunction", result_key="Versions", FunctionName=function_name)

    def provisioned_concurrency(self, function_name: str, qualifier: str) -> dict[str, Any] | None:
        return self._read(
            "lambda", "GetProvisionedConcurrencyConfig", FunctionName=function_name, Qualifier=qualifier
        )

    def function_policy(self, function_name: str) -> dict[str, Any] | None:
        """The function's resource-based policy document, or None when it has none."""
        response = self._read("lambda", "GetPolicy", FunctionName=function_name)
        if response is None:
            return None
        return _json_document(response.get("Policy"), "lambda:GetPolicy")

    # --- SQS -------------------------------------------------------------------------------------

    def queue(self, name: str) -> dict[str, Any] | None:
        """All attributes of the queue named exactly ``name`` (``QueueArn`` included), or None."""
        found = self._read("sqs", "GetQueueUrl", QueueName=name)
        if found is None:
            return None
        return self._read("sqs", "GetQueueAttributes", result_key="Attributes", QueueUrl=found["QueueUrl"],
                          AttributeNames=["All"])

    # --- IAM -------------------------------------------------------------------------------------

    def attached_role_policies(self, role_name: str) -> list[dict[str, Any]] | None:
        return self._read("iam", "ListAttachedRolePolicies", result_key="AttachedPolicies", RoleName=role_name)

    def inline_role_policies(self, role_name: str) -> dict[str, Any] | None:
        """Inline policy name -> document."""
        names = self._read("iam", "ListRolePolicies", result_key="PolicyNames", RoleName=role_name)
        if names is None:
            return None
        documents = {}
        for name in names:
            response = self._read("iam", "GetRolePolicy", RoleName=role_name, PolicyName=name)
            if response is not None:
                documents[name] = _json_document(response.get("PolicyDocument"), "iam:GetRolePolicy")
        return documents

    def managed_policy_document(self, policy_arn: str) -> dict[str, Any] | None:
        """The default version's document of a managed policy (shared by every role in the run)."""
        policy = self._read("iam", "GetPolicy", result_key="Policy", PolicyArn=policy_arn)
        if policy is None:
            return None
        version = self._read("iam", "GetPolicyVersion", result_key="PolicyVersion", PolicyArn=policy_arn,
                             VersionId=policy["DefaultVersionId"])
        return None if version is None else _json_document(version.get("Document"), "iam:GetPolicyVersion")

    # --- Application Auto Scaling / CloudWatch ---------------------------------------------------

    def scalable_targets(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        targets = self._read("application-autoscaling", "DescribeScalableTargets", result_key="ScalableTargets",
                             ServiceNamespace=namespace, ResourceIds=[resource_id])
        return targets or []

    def scaling_policies(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        policies = self._read("application-autoscaling", "DescribeScalingPolicies", result_key="ScalingPolicies",
                              ServiceNamespace=namespace, ResourceId=resource_id)
        return policies or []

    def metric_alarms(self) -> list[dict[str, Any]]:
        """Every metric alarm of the account and region (one paginated listing, shared by all)."""
        return self._read("cloudwatch", "DescribeAlarms", result_key="MetricAlarms") or []


class FactStore:
    """One :class:`Facts` per region of a session, created on first use."""

    def __init__(self, session: ReadOnlySession) -> None:
        self.session = session
        self._by_region: dict[str, Facts] = {}
        self._lock = threading.Lock()

    def __call__(self, region: str | None = None) -> Facts:
        region = region or self.session.default_region
        with self._lock:
            if region not in self._by_region:
                self._by_region[region] = Facts(self.session, region, self)
            return self._by_region[region]


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


def _json_document(document: Any, action: str) -> dict[str, Any]:
    """A policy document as a dict: IAM returns it URL-encoded JSON (boto3 decodes most), Lambda as JSON."""
    if isinstance(document, dict):
        return document
    if isinstance(document, str):
        for text in (document, unquote(document)):
            try:
                parsed = json.loads(text)
            except ValueError:
                continue
            if isinstance(parsed, dict):
                return parsed
    raise FactUnavailable(action, "unexpected", "the policy document is not a JSON object")
