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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
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
    "NotFoundException",  # API Gateway
    "NoSuchBucket",
}

# API calls whose IAM action is not named ``service:Operation``.
IAM_ACTIONS = {
    "apigateway:GetRestApis": "apigateway:GET",
    "apigateway:GetResources": "apigateway:GET",
    "apigateway:GetStages": "apigateway:GET",
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
}


# IAM actions an API call needs for part of its answer, authorized without a request of their own.
ALSO_NEEDED = {
    "lambda:GetFunction": ("lambda:ListTags",),  # its Tags (botocore lambda model, GetFunctionResponse.Tags)
}


def iam_action(call: str) -> str:
    """The IAM action that allows an API call (``service:Operation``)."""
    return IAM_ACTIONS.get(call, call)


def iam_actions_needed(call: str) -> tuple[str, ...]:
    """Every IAM action an API call's whole answer needs: its own, and any that only some of it needs."""
    action = iam_action(call)
    return (action, *ALSO_NEEDED.get(action, ()))

def reads(*actions: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the IAM actions a fact is read with (direct and inventory ways together)."""
    def declare(method: Callable[..., Any]) -> Callable[..., Any]:
        method.actions = actions  # type: ignore[attr-defined]
        return method

    return declare


def policy_actions(facts: Iterable[str] | None = None) -> list[str]:
    """The IAM actions the named facts (default: every fact) read with: a least-privilege policy's."""
    names = vars(Facts) if facts is None else facts
    unknown = [name for name in names if not hasattr(Facts, name)]
    if unknown:
        raise ValueError(f"no such fact: {', '.join(unknown)}")
    return sorted({action for name in names for action in getattr(getattr(Facts, name), "actions", ())})


def services(facts: Iterable[str]) -> tuple[str, ...]:
    """The AWS services the named facts call, in the order the facts are named (clients are made in it).

    Every IAM prefix used here is also the botocore service name.
    """
    ordered = [action.split(":")[0] for name in facts for action in getattr(getattr(Facts, name), "actions", ())]
    return tuple(dict.fromkeys(ordered))


def least_privilege_policy(facts: Iterable[str] | None = None) -> dict[str, Any]:
    return {"Version": "2012-10-17",
            "Statement": [{"Sid": "AssessmentGraderReadOnly", "Effect": "Allow", "Action": policy_actions(facts),
                           "Resource": "*"}]}


class _Cell:
    __slots__ = ("done", "value", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: FactUnavailable | None = None


class Facts:
    """The facts of one account and region, memoized and safe to share between threads."""

    def __init__(self, session: ReadOnlySession, region: str, store: FactStore | None = None,
                 inventory: bool = False) -> None:
        self.session = session
        self.region = region
        self._store = store
        # Inventory: answer from account-wide listings fetched once and shared by every student
        # (cheaper for a class); otherwise ask for each resource by name (cheaper for one student).
        self.inventory = inventory
        self._cells: dict[tuple[Any, ...], _Cell] = {}
        self._lock = threading.Lock()

    def parallel(self, *reads: Callable[[], Any]) -> list[Any]:
        """Run independent reads at once and return their answers in order (errors raised in order).

        Inside a read thread they run one after the other instead: a pool thread that waited for work
        queued behind it in the same pool could wait for ever.
        """
        pool = self._store.pool if self._store else None
        if len(reads) < 2 or pool is None or threading.current_thread().name.startswith(_READ_THREAD):
            return [read() for read in reads]
        futures = [pool.submit(read) for read in reads]
        return [future.result() for future in futures]

    def prefetch(self, *reads: Callable[[], Any]) -> None:
        """Start reads whose answers will be asked for soon; errors wait for whoever asks."""
        pool = self._store.pool if self._store else None
        for read in reads:
            if pool is not None:
                pool.submit(_quietly, read)

    def in_region(self, region: str) -> Facts:
        """The same account's facts in another region (shared with anyone else asking for them)."""
        return self._store(region) if self._store else Facts(self.session, region, inventory=self.inventory)

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
        action = iam_action(f"{service}:{operation}")  # boto3 client names equal the IAM prefixes used here
        key = (action, tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in params.items())))

        def load() -> Any:
            client = self.session.client(service, self.region)
            method = _snake(operation)
            try:
                if result_key and self.session.can_paginate(service, method):
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

    def _derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A fact computed from other facts (an index over a listing), also built once."""
        return self._once(("derived", name), build)

    # --- STS / EC2 -------------------------------------------------------------------------------

    @reads()  # sts:GetCallerIdentity needs no permission: AWS answers it for any valid credentials
    def account_id(self) -> str:
        return self._read("sts", "GetCallerIdentity")["Account"]

    @reads("ec2:DescribeRegions")
    def enabled_regions(self) -> list[str]:
        regions = self._read("ec2", "DescribeRegions", result_key="Regions") or []
        return sorted(r["RegionName"] for r in regions)

    @reads("ec2:DescribeSubnets")
    def subnets(self, subnet_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not subnet_ids:
            return []
        if self.inventory:
            every = self._read("ec2", "DescribeSubnets", result_key="Subnets") or []
            return [s for s in every if s.get("SubnetId") in subnet_ids]
        filters = [{"Name": "subnet-id", "Values": sorted(subnet_ids)}]
        return self._read("ec2", "DescribeSubnets", result_key="Subnets", Filters=filters) or []

    @reads("ec2:DescribeSecurityGroups")
    def security_groups(self, group_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not group_ids:
            return []
        if self.inventory:
            every = self._read("ec2", "DescribeSecurityGroups", result_key="SecurityGroups") or []
            return [g for g in every if g.get("GroupId") in group_ids]
        filters = [{"Name": "group-id", "Values": sorted(group_ids)}]
        return self._read("ec2", "DescribeSecurityGroups", result_key="SecurityGroups", Filters=filters) or []

    # --- Lambda ----------------------------------------------------------------------------------

    def _functions(self) -> dict[str, dict[str, Any]]:
        """Every function's ($LATEST) configuration by name: one paginated listing for the whole region."""
        def index() -> dict[str, dict[str, Any]]:
            if self.inventory:
                latest = {}
                for name, versions in self._all_versions().items():
                    for version in versions:
                        if version.get("Version") == "$LATEST":
                            # The ALL listing qualifies $LATEST's ARN; GetFunction and ListFunctions do not.
                            arn = str(version.get("FunctionArn", "")).removesuffix(":$LATEST")
                            latest[name] = dict(version, FunctionArn=arn)
                return latest
            listed = self._read("lambda", "ListFunctions", result_key="Functions") or []
            return {f.get("FunctionName"): f for f in listed}

        return self._derived("functions", index)

    def _all_versions(self) -> dict[str, list[dict[str, Any]]]:
        """Every version of every function, by name: ListFunctions(FunctionVersion=ALL), once."""
        def index() -> dict[str, list[dict[str, Any]]]:
            by_name: dict[str, list[dict[str, Any]]] = {}
            for entry in self._read("lambda", "ListFunctions", result_key="Functions", FunctionVersion="ALL") or []:
                by_name.setdefault(entry.get("FunctionName"), []).append(entry)
            return by_name

        return self._derived("versions", index)

    @reads("lambda:ListFunctions")
    def function_names(self) -> set[str]:
        """Names of every function in the region (one paginated listing, shared by all students)."""
        return set(self._functions())

    @reads("lambda:GetFunction", "lambda:ListFunctions")
    def function(self, name: str) -> dict[str, Any] | None:
        """``{"Configuration": ...}`` of the function named exactly ``name``, or None."""
        if self.inventory:
            config = self._functions().get(name)
            return None if config is None else {"Configuration": config}
        return self._read("lambda", "GetFunction", FunctionName=name)

    @reads("lambda:GetFunction", "lambda:ListTags")
    def function_tags(self, name: str) -> dict[str, str] | None:
        """The function's tags ({} when untagged), or None when it does not exist.

        GetFunction returns them only to a caller allowed lambda:ListTags; to others a ``TagsError`` instead
        (botocore lambda model, GetFunctionResponse.Tags), which must not read as "untagged".
        """
        found = self._read("lambda", "GetFunction", FunctionName=name)  # no listing carries tags
        if found is None:
            return None
        tags_error = found.get("TagsError")
        if tags_error:
            kind = "denied" if tags_error.get("ErrorCode") == "AccessDeniedException" else "unexpected"
            raise FactUnavailable("lambda:ListTags", kind, str(tags_error.get("Message", "")))
        return expect(found.get("Tags") or {}, dict, "lambda:GetFunction")

    @reads("lambda:GetFunction")
    def reserved_concurrency(self, name: str) -> int | None:
        """The function's reserved concurrency, None when unreserved (or the function is missing)."""
        # No listing returns it; GetFunction does, under its own quota (100 req/s, not the shared 15).
        found = self._read("lambda", "GetFunction", FunctionName=name)
        return ((found or {}).get("Concurrency") or {}).get("ReservedConcurrentExecutions")

    def _layers(self) -> dict[str, dict[str, Any]]:
        def index() -> dict[str, dict[str, Any]]:
            listed = self._read("lambda", "ListLayers", result_key="Layers") or []
            return {layer.get("LayerName"): layer for layer in listed}

        return self._derived("layers", index)

    @reads("lambda:ListLayers")
    def layer_names(self) -> set[str]:
        """Names of every layer in the region (one paginated listing)."""
        return set(self._layers())

    @reads("lambda:ListLayerVersions", "lambda:ListLayers")
    def latest_layer_version(self, layer_name: str) -> dict[str, Any] | None:
        """The newest version of a layer (``Version``, ``Description``, ``CompatibleRuntimes``...), or None."""
        if self.inventory:
            return (self._layers().get(layer_name) or {}).get("LatestMatchingVersion")
        versions = self._read("lambda", "ListLayerVersions", result_key="LayerVersions", LayerName=layer_name)
        return max(versions or [], key=lambda v: v.get("Version", 0), default=None)

    @reads("lambda:GetFunctionEventInvokeConfig")
    def event_invoke_config(self, function_name: str) -> dict[str, Any] | None:
        return self._read("lambda", "GetFunctionEventInvokeConfig", FunctionName=function_name)

    @reads("lambda:ListEventSourceMappings")
    def event_source_mappings(self, function_name: str) -> list[dict[str, Any]]:
        if self.inventory:
            def index() -> dict[str, list[dict[str, Any]]]:
                by_function: dict[str, list[dict[str, Any]]] = {}
                for mapping in self._read("lambda", "ListEventSourceMappings", result_key="EventSourceMappings") or []:
                    name = str(mapping.get("FunctionArn", "")).split(":function:")[-1].split(":")[0]
                    by_function.setdefault(name, []).append(mapping)
                return by_function

            return self._derived("event-source-mappings", index).get(function_name, [])
        mappings = self._read(
            "lambda", "ListEventSourceMappings", result_key="EventSourceMappings", FunctionName=function_name
        )
        return mappings or []

    @reads("lambda:ListAliases")
    def aliases(self, function_name: str) -> list[dict[str, Any]] | None:
        return self._read("lambda", "ListAliases", result_key="Aliases", FunctionName=function_name)

    @reads("lambda:ListVersionsByFunction", "lambda:ListFunctions")
    def versions(self, function_name: str) -> list[dict[str, Any]] | None:
        """$LATEST and every published version of the function, or None when it does not exist."""
        if self.inventory:
            return self._all_versions().get(function_name)
        return self._read("lambda", "ListVersionsByFunction", result_key="Versions", FunctionName=function_name)

    @reads("lambda:GetProvisionedConcurrencyConfig")
    def provisioned_concurrency(self, function_name: str, qualifier: str) -> dict[str, Any] | None:
        return self._read(
            "lambda", "GetProvisionedConcurrencyConfig", FunctionName=function_name, Qualifier=qualifier
        )

    @reads("lambda:GetPolicy")
    def function_policy(self, function_name: str) -> dict[str, Any] | None:
        """The function's resource-based policy document, or None when it has none."""
        response = self._read("lambda", "GetPolicy", FunctionName=function_name)
        if response is None:
            return None
        return _json_document(response.get("Policy"), "lambda:GetPolicy")

    # --- SQS -------------------------------------------------------------------------------------

    def _queue_url(self, name: str) -> str | None:
        if self.inventory:
            def index() -> dict[str, str]:
                urls = self._read("sqs", "ListQueues", result_key="QueueUrls") or []
                return {url.rstrip("/").rsplit("/", 1)[-1]: url for url in urls}

            return self._derived("queues", index).get(name)
        found = self._read("sqs", "GetQueueUrl", QueueName=name)
        return None if found is None else found["QueueUrl"]

    @reads("sqs:GetQueueUrl", "sqs:ListQueues", "sqs:GetQueueAttributes")
    def queue(self, name: str) -> dict[str, Any] | None:
        """All attributes of the queue named exactly ``name`` (``QueueArn`` included), or None."""
        url = self._queue_url(name)
        if url is None:
            return None
        attributes = self._read("sqs", "GetQueueAttributes", result_key="Attributes", QueueUrl=url,
                                AttributeNames=["All"])
        return expect({} if attributes is None else attributes, dict, "sqs:GetQueueAttributes")

    # --- IAM -------------------------------------------------------------------------------------

    def _roles(self) -> dict[str, dict[str, Any]]:
        """Every role with its attached and inline policies: one paginated authorization-details listing."""
        def index() -> dict[str, dict[str, Any]]:
            roles = self._read("iam", "GetAccountAuthorizationDetails", result_key="RoleDetailList",
                               Filter=["Role"]) or []
            return {role.get("RoleName"): role for role in roles}

        return self._derived("roles", index)

    @reads("iam:ListAttachedRolePolicies", "iam:GetAccountAuthorizationDetails")
    def attached_role_policies(self, role_name: str) -> list[dict[str, Any]] | None:
        if self.inventory:
            role = self._roles().get(role_name)
            return None if role is None else role.get("AttachedManagedPolicies") or []
        return self._read("iam", "ListAttachedRolePolicies", result_key="AttachedPolicies", RoleName=role_name)

    @reads("iam:ListRolePolicies", "iam:GetRolePolicy", "iam:GetAccountAuthorizationDetails")
    def inline_role_policies(self, role_name: str) -> dict[str, Any] | None:
        """Inline policy name -> document."""
        if self.inventory:
            role = self._roles().get(role_name)
            if role is None:
                return None
            return {p.get("PolicyName"): _json_document(p.get("PolicyDocument"), "iam:GetAccountAuthorizationDetails")
                    for p in role.get("RolePolicyList") or []}
        names = self._read("iam", "ListRolePolicies", result_key="PolicyNames", RoleName=role_name)
        if names is None:
            return None
        responses = self.parallel(*[lambda n=name: self._read("iam", "GetRolePolicy", RoleName=role_name, PolicyName=n)
                                    for name in names])
        return {name: _json_document(response.get("PolicyDocument"), "iam:GetRolePolicy")
                for name, response in zip(names, responses, strict=True) if response is not None}

    @reads("iam:GetPolicy", "iam:GetPolicyVersion")
    def managed_policy_document(self, policy_arn: str) -> dict[str, Any] | None:
        """The default version's document of a managed policy (shared by every role in the run)."""
        policy = self._read("iam", "GetPolicy", result_key="Policy", PolicyArn=policy_arn)
        if policy is None:
            return None
        version = self._read("iam", "GetPolicyVersion", result_key="PolicyVersion", PolicyArn=policy_arn,
                             VersionId=policy["DefaultVersionId"])
        return None if version is None else _json_document(version.get("Document"), "iam:GetPolicyVersion")

    # --- Application Auto Scaling / CloudWatch ---------------------------------------------------

    @reads("application-autoscaling:DescribeScalableTargets")
    def scalable_targets(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        if self.inventory:
            every = self._read("application-autoscaling", "DescribeScalableTargets", result_key="ScalableTargets",
                               ServiceNamespace=namespace) or []
            return [t for t in every if t.get("ResourceId") == resource_id]
        targets = self._read("application-autoscaling", "DescribeScalableTargets", result_key="ScalableTargets",
                             ServiceNamespace=namespace, ResourceIds=[resource_id])
        return targets or []

    @reads("application-autoscaling:DescribeScalingPolicies")
    def scaling_policies(self, namespace: str, resource_id: str) -> list[dict[str, Any]]:
        if self.inventory:
            every = self._read("application-autoscaling", "DescribeScalingPolicies", result_key="ScalingPolicies",
                               ServiceNamespace=namespace) or []
            return [p for p in every if p.get("ResourceId") == resource_id]
        policies = self._read("application-autoscaling", "DescribeScalingPolicies", result_key="ScalingPolicies",
                              ServiceNamespace=namespace, ResourceId=resource_id)
        return policies or []

    @reads("cloudwatch:DescribeAlarms")
    def metric_alarms(self) -> list[dict[str, Any]]:
        """Every metric alarm of the account and region (one paginated listing, shared by all)."""
        return self._read("cloudwatch", "DescribeAlarms", result_key="MetricAlarms") or []

    # --- CloudWatch Logs -------------------------------------------------------------------------

    @reads("logs:DescribeLogGroups")
    def log_group(self, name: str) -> dict[str, Any] | None:
        """The log group named exactly ``name`` (``retentionInDays`` absent: kept forever), or None."""
        if self.inventory:
            def index() -> dict[str, dict[str, Any]]:
                groups = self._read("logs", "DescribeLogGroups", result_key="logGroups") or []
                return {group.get("logGroupName"): group for group in groups}

            return self._derived("log-groups", index).get(name)
        # A prefix, not a name, is all the API filters by: "/aws/lambda/x" also lists "/aws/lambda/x-2".
        groups = self._read("logs", "DescribeLogGroups", result_key="logGroups", logGroupNamePrefix=name) or []
        return next((group for group in groups if group.get("logGroupName") == name), None)

    # --- API Gateway (REST APIs) -----------------------------------------------------------------

    @reads("apigateway:GET")
    def rest_apis(self) -> list[dict[str, Any]]:
        """Every REST API of the account and region (``id``, ``name``...)."""
        return self._read("apigateway", "GetRestApis", result_key="items") or []

    @reads("apigateway:GET")
    def rest_api_resources(self, api_id: str) -> list[dict[str, Any]]:
        """The API's resources, each with its methods and their integrations (``embed=methods``)."""
        # Without embed AWS lists each method's name only, not its integration.
        return self._read("apigateway", "GetResources", result_key="items", restApiId=api_id,
                          embed=["methods"]) or []

    @reads("apigateway:GET")
    def rest_api_stages(self, api_id: str) -> list[dict[str, Any]]:
        return self._read("apigateway", "GetStages", result_key="item", restApiId=api_id) or []

    # --- S3 --------------------------------------------------------------------------------------

    @reads("s3:ListAllMyBuckets")
    def bucket_names(self) -> list[str]:
        """Names of every bucket the account owns (S3 lists all regions at once)."""
        buckets = self._read("s3", "ListBuckets", result_key="Buckets") or []
        return sorted(str(b.get("Name")) for b in buckets if b.get("Name"))

    @reads("s3:GetBucketNotification")
    def bucket_notifications(self, bucket: str) -> dict[str, Any] | None:
        """The bucket's event notification configuration (``LambdaFunctionConfigurations``...), or None."""
        response = self._read("s3", "GetBucketNotificationConfiguration", Bucket=bucket)
        if response is None:
            return None
        return {k: v for k, v in response.items() if k != "ResponseMetadata"}

    @reads("s3:ListBucket")
    def object_keys(self, bucket: str, prefix: str) -> list[str] | None:
        """Keys under ``prefix`` in the bucket, or None when the bucket does not exist."""
        objects = self._read("s3", "ListObjectsV2", result_key="Contents", Bucket=bucket, Prefix=prefix)
        return None if objects is None else [str(o.get("Key")) for o in objects]


class FactStore:
    """One :class:`Facts` per region of a session, created on first use."""

    def __init__(self, session: ReadOnlySession, inventory: bool = False, fanout: int = 32,
                 services: Iterable[str] = ()) -> None:
        self.session = session
        self.inventory = inventory
        # Threads for reads started ahead of need or side by side; never waits on its own work.
        self.pool = ThreadPoolExecutor(fanout, thread_name_prefix=_READ_THREAD) if fanout > 1 else None
        session.warm(("sts", *(s for s in services if s != "sts")))
        self._by_region: dict[str, Facts] = {}
        self._lock = threading.Lock()

    def __call__(self, region: str | None = None) -> Facts:
        region = region or self.session.default_region
        with self._lock:
            if region not in self._by_region:
                self._by_region[region] = Facts(self.session, region, self, self.inventory)
            return self._by_region[region]


_READ_THREAD = "fact-read"


def expect(value: Any, kind: type, action: str) -> Any:
    """A response part of the type the model promises, or an error naming the read: never a crash later."""
    if not isinstance(value, kind):
        raise FactUnavailable(action, "unexpected", f"malformed response: expected {kind.__name__}, "
                                                    f"got {type(value).__name__}")
    return value


def _quietly(read: Callable[[], Any]) -> None:
    try:
        read()
    except Exception:  # remembered by the fact's cell; reported to the check that asks
        pass


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
