"""Whole accounts in real shapes: what AWS would answer the grader about a student's finished work.

An :class:`AwsAccount` is a small model of an account's resources (functions, queues, roles...). Its
:meth:`~AwsAccount.replay` answers every read the grader makes, in either gathering way, with responses
built from the corpus (``tests/recordings/<service>/<Operation>.json``): each answer starts from a
recorded response of that operation and only the names, ARNs and settings are the account's. Shapes,
types, states, ARN forms and error codes are the recorded ones; where AWS's behaviour is not settled by
a recording, the corpus file's ``notes`` say what was chosen, and so do the comments here.

:func:`medium_account` is one complete ``lambda_medium`` student as the reference solution
(``checks/lambda_medium/solution.py``) leaves them on AWS, among classmates in the same training account;
:func:`lab_account` one complete ``lambda_lab`` student, in any partition. The ``MEDIUM_MISTAKES``
functions each change one thing, as a student might get it wrong.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from checks.lambda_lab.solution import DEPLOYED as LAB_DEPLOYED
from checks.lambda_lab.solution import LAYER as LAB_LAYER  # the lab's layer (common_utils.py)
from checks.lambda_lab.solution import function_zip as lab_function_zip
from checks.lambda_medium.common import FUNCTIONS as MEDIUM_FUNCTIONS
from checks.lambda_medium.solution import (  # the reference solution's packages
    HANDLER,
    INSIGHTS_LOGGING,  # the solution's inline policy for task 8
    LAYER,
    function_zip,
)
from grader.aws.package_http import partition_of
from tests.recordings import corpus
from tests.recordings.replay import Answer, Replay, Unrecorded, ok, pages

INSIGHTS_PUBLISHER = "580247275435"
OTHER_ACCOUNT = "111122223333"
MANAGED_PATHS = {  # AWS managed policies the accounts attach, and their paths
    "AWSLambdaBasicExecutionRole": "/service-role/",
    "AWSLambdaVPCAccessExecutionRole": "/service-role/",
    "CloudWatchLambdaInsightsExecutionRolePolicy": "/",
    "AmazonS3FullAccess": "/",
}
ZONE_IDS = {"us-east-1a": "use1-az4", "us-east-1b": "use1-az6", "us-east-1c": "use1-az1"}
# Page sizes AWS uses when the caller sets none (ListFunctions and ListLayers 50, DescribeAlarms 50,
# DescribeLogGroups 50, GetResources 25, ListEventSourceMappings 100, IAM 100).
PAGE = {"ListFunctions": 50, "ListLayers": 50, "DescribeAlarms": 50, "DescribeLogGroups": 50, "GetResources": 25,
        "ListEventSourceMappings": 100, "GetAccountAuthorizationDetails": 100, "GetRestApis": 25}


# --- the model ---------------------------------------------------------------------------------


@dataclass
class Function:
    name: str
    role: str  # role name
    memory: int = 128
    timeout: int = 3
    description: str = ""
    layers: list[str] = field(default_factory=list)  # layer version ARNs
    environment: dict[str, str] = field(default_factory=dict)
    vpc: dict[str, Any] | None = None  # {"SubnetIds": [...], "SecurityGroupIds": [...], "VpcId": ...}
    dead_letter: str | None = None  # target ARN
    reserved: int | None = None
    tags: dict[str, str] | None = None  # None: untagged
    tags_error: bool = False  # GetFunction answers TagsError instead of Tags (no lambda:ListTags for the caller)
    versions: dict[str, str] = field(default_factory=dict)  # published version -> its description
    aliases: dict[str, tuple[str, dict[str, float] | None]] = field(default_factory=dict)  # name -> (version, weights)
    invoke_config: dict[str, Any] | None = None  # {"MaximumRetryAttempts":..., "OnSuccess": arn|None, ...}
    statements: list[dict[str, Any]] = field(default_factory=list)  # resource-based policy statements
    provisioned: dict[str, dict[str, Any]] = field(default_factory=dict)  # qualifier -> {"requested", "status", "reason"}
    package: bytes = b""  # the deployment package (a zip); empty: the reference solution's (solution.HANDLER)


@dataclass
class Mapping:
    uuid: str
    function: str
    queue: str
    state: str = "Enabled"
    qualifier: str | None = None  # the alias or version it was created on, if any
    batch: int = 10
    window: int = 0
    response_types: list[str] = field(default_factory=list)
    stuck: bool = False  # a transitional state that does not settle while the grader reads

    def settled_state(self) -> str:
        """What GetEventSourceMapping answers a little later: Creating, Enabling and Updating become Enabled
        (corpus lambda/GetEventSourceMapping), Disabling Disabled."""
        if self.stuck:
            return self.state
        return {"Creating": "Enabled", "Enabling": "Enabled", "Updating": "Enabled", "Disabling": "Disabled"}.get(
            self.state, self.state)


@dataclass
class Role:
    name: str
    managed: list[str] = field(default_factory=list)  # AWS managed policy names
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RestApi:
    id: str
    name: str
    routes: list[tuple[str, str, str]]  # (path part, verb, function name) of Lambda proxy methods
    stages: list[str]


@dataclass
class AwsAccount:
    account: str
    region: str = "us-east-1"
    partition: str = "aws"
    caller: str = "assumed-role"  # the GetCallerIdentity case
    functions: dict[str, Function] = field(default_factory=dict)
    layers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # name -> versions, oldest first
    mappings: list[Mapping] = field(default_factory=list)
    queues: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> attributes that differ from defaults
    roles: dict[str, Role] = field(default_factory=dict)
    vpc_id: str = "vpc-0c1d2e3f4a5b6c7d8"
    subnets: dict[str, str] = field(default_factory=dict)  # subnet id -> availability zone
    security_groups: dict[str, str] = field(default_factory=dict)  # group id -> name
    scalable_targets: list[dict[str, Any]] = field(default_factory=list)  # {"resource", "min", "max"}
    scaling_policies: list[dict[str, Any]] = field(default_factory=list)  # {"resource", "name", "target", "metric"}
    alarms: list[dict[str, Any]] = field(default_factory=list)  # DescribeAlarms MetricAlarms items
    log_groups: dict[str, int | None] = field(default_factory=dict)  # name -> retention days
    apis: list[RestApi] = field(default_factory=list)
    buckets: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"lambda": [(fn, events)], "keys": [...]}
    concurrency_quota: int = 1000  # GetAccountSettings' ConcurrentExecutions (AWS's default; a new account's is 10)

    # --- names ---------------------------------------------------------------------------------

    def arn(self, service: str, resource: str, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region}:{self.account if account is None else account}:{resource}"

    def function_arn(self, name: str, qualifier: str | None = None) -> str:
        return self.arn("lambda", f"function:{name}" + (f":{qualifier}" if qualifier else ""))

    def role_arn(self, name: str) -> str:
        return self.arn("iam", f"role/{name}", region="")

    def queue_arn(self, name: str) -> str:
        return self.arn("sqs", name)

    def queue_url(self, name: str) -> str:
        domain = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        return f"https://sqs.{self.region}.{domain}/{self.account}/{name}"

    def managed_arn(self, name: str) -> str:
        return f"arn:{self.partition}:iam::aws:policy{MANAGED_PATHS[name]}{name}"

    def layer_arn(self, name: str, version: int | None = None, account: str | None = None) -> str:
        return self.arn("lambda", f"layer:{name}" + (f":{version}" if version else ""), account=account)

    def insights_arn(self, version: int = 53) -> str:
        return self.layer_arn("LambdaInsightsExtension", version, account=INSIGHTS_PUBLISHER)

    def in_partition(self, value: Any) -> Any:
        """A corpus fragment (recorded in the aws partition) as this account's partition writes it."""
        if self.partition == "aws":
            return value
        return json.loads(json.dumps(value).replace("arn:aws:", f"arn:{self.partition}:"))

    # --- the replay ----------------------------------------------------------------------------

    def replay(self, page_size: int | None = None) -> Replay:
        """A replay answering every read the grader makes of this account, in both gathering ways.

        ``page_size``: every listing botocore pages is answered in pages of that many items (AWS decides
        where a page ends; a reader that stops after the first page must lose what follows). The pages each
        request has, and how many of them the grader asked for, are in ``replay.pages``
        ("service:Operation params" -> [pages asked for, pages]).
        """
        replay = Replay()
        for (service, operation), resolver in self._resolvers().items():
            paging = corpus.paginator_config(service, operation)
            if page_size is not None and paging is not None:
                resolver = _repaged(f"{service}:{operation}", resolver, paging, page_size, replay.pages)
            replay.on(service, operation, resolver)
        replay.package_source = lambda url: self.packages().get(url)
        return replay

    def _resolvers(self) -> dict[tuple[str, str], Callable[[dict[str, Any], str], Answer]]:
        def here(resolver: Callable[[dict[str, Any]], Answer],
                 elsewhere: dict[str, Any] | None = None) -> Callable[[dict[str, Any], str], Answer]:
            def in_region(params: dict[str, Any], region: str) -> Answer:
                # IAM is global: botocore's client for it is in the partition's pseudo-region (aws-global...).
                if region not in (self.region, f"{self.partition}-global"):
                    if elsewhere is not None and region in self.regions():
                        return ok(elsewhere)  # the account's other regions hold nothing
                    raise Unrecorded(f"the account is modelled in {self.region} only")
                return resolver(params)
            return in_region

        return {
            ("sts", "GetCallerIdentity"): here(self._caller_identity),
            ("ec2", "DescribeRegions"): here(self._regions),
            ("ec2", "DescribeSubnets"): here(self._subnets),
            ("ec2", "DescribeSecurityGroups"): here(self._security_groups, {"SecurityGroups": []}),
            ("lambda", "GetFunction"): here(self._get_function),
            ("lambda", "ListFunctions"): here(self._list_functions, {"Functions": []}),
            ("lambda", "ListLayers"): here(self._list_layers, {"Layers": []}),
            ("lambda", "ListLayerVersions"): here(self._list_layer_versions),
            ("lambda", "GetLayerVersion"): here(self._get_layer_version),
            ("lambda", "GetFunctionEventInvokeConfig"): here(self._invoke_config),
            ("lambda", "ListEventSourceMappings"): here(self._list_mappings),
            ("lambda", "GetEventSourceMapping"): here(self._get_mapping),
            ("lambda", "ListAliases"): here(self._list_aliases),
            ("lambda", "ListVersionsByFunction"): here(self._list_versions),
            ("lambda", "GetProvisionedConcurrencyConfig"): here(self._provisioned),
            ("lambda", "GetPolicy"): here(self._get_policy),
            ("lambda", "GetAccountSettings"): here(self._account_settings),
            ("sqs", "GetQueueUrl"): here(self._queue_url),
            ("sqs", "ListQueues"): here(self._list_queues, {}),
            ("sqs", "GetQueueAttributes"): here(self._queue_attributes),
            ("iam", "GetAccountAuthorizationDetails"): here(self._authorization_details),
            ("iam", "ListAttachedRolePolicies"): here(self._attached_policies),
            ("iam", "ListRolePolicies"): here(self._inline_policy_names),
            ("iam", "GetRolePolicy"): here(self._inline_policy),
            ("iam", "GetPolicy"): here(self._managed_policy),
            ("iam", "GetPolicyVersion"): here(self._managed_policy_version),
            ("application-autoscaling", "DescribeScalableTargets"): here(self._scalable_targets, {"ScalableTargets": []}),
            ("application-autoscaling", "DescribeScalingPolicies"): here(self._scaling_policies),
            ("cloudwatch", "DescribeAlarms"): here(self._alarms, {"MetricAlarms": [], "CompositeAlarms": []}),
            ("logs", "DescribeLogGroups"): here(self._log_groups),
            ("apigateway", "GetRestApis"): here(self._rest_apis),
            ("apigateway", "GetResources"): here(self._resources),
            ("apigateway", "GetStages"): here(self._stages),
            ("s3", "ListBuckets"): here(self._buckets),
            ("s3", "GetBucketNotificationConfiguration"): here(self._notifications),
            ("s3", "ListObjectsV2"): here(self._objects),
        }

    # --- STS / EC2 -----------------------------------------------------------------------------

    def regions(self) -> list[str]:
        """The account's enabled regions: the recorded ones of its partition, and its own."""
        case = "aws-cn" if self.partition == "aws-cn" else "enabled"
        recorded = [r["RegionName"] for r in corpus.response("ec2", "DescribeRegions", case)["Regions"]]
        return sorted({*recorded, self.region}) if self.partition in ("aws", "aws-cn") else [self.region]

    def _regions(self, params: dict[str, Any]) -> Answer:
        _expect(params)
        domain = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        return ok({"Regions": [{"Endpoint": f"ec2.{r}.{domain}", "OptInStatus": "opt-in-not-required", "RegionName": r}
                               for r in self.regions()]})

    def _caller_identity(self, params: dict[str, Any]) -> Answer:
        _expect(params)
        response = corpus.response("sts", "GetCallerIdentity", self.caller)
        response["Account"] = self.account
        response["Arn"] = f"arn:{self.partition}:sts::{self.account}:assumed-role/GraderRole/grading"
        return ok(response)

    def _subnets(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"Filters"})
        template = corpus.response("ec2", "DescribeSubnets", "by-subnet-id")["Subnets"][0]
        wanted = _filter_values(params, "subnet-id")
        subnets = []
        for subnet_id, zone in self.subnets.items():
            if wanted is None or subnet_id in wanted:
                subnet = dict(template, SubnetId=subnet_id, AvailabilityZone=zone, VpcId=self.vpc_id, OwnerId=self.account,
                              SubnetArn=self.arn("ec2", f"subnet/{subnet_id}"),
                              AvailabilityZoneId=ZONE_IDS.get(zone, template["AvailabilityZoneId"]))
                subnets.append(subnet)
        return ok({"Subnets": subnets})

    def _security_groups(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"Filters"})
        template = corpus.response("ec2", "DescribeSecurityGroups", "by-group-id")["SecurityGroups"][0]
        wanted = _filter_values(params, "group-id")
        groups = [dict(template, GroupId=gid, GroupName=name, VpcId=self.vpc_id, OwnerId=self.account,
                       SecurityGroupArn=self.arn("ec2", f"security-group/{gid}"))
                  for gid, name in self.security_groups.items() if wanted is None or gid in wanted]
        return ok({"SecurityGroups": groups})

    # --- Lambda --------------------------------------------------------------------------------

    def _function(self, name: str) -> Function | None:
        if name.startswith("arn:"):
            raise Unrecorded("the accounts model lookups by function name only")
        return self.functions.get(name)

    def _not_found(self, name: str) -> Answer:
        error = corpus.error("lambda", "GetFunction", "not-found")
        error["Message"] = f"Function not found: {self.function_arn(name)}"
        return {"error": error}

    def configuration(self, function: Function, version: str = "$LATEST", listed: bool = False) -> dict[str, Any]:
        """The function's (or a version's) FunctionConfiguration as GetFunction or a listing returns it."""
        if listed:
            config = corpus.response("lambda", "ListFunctions", "all-versions")["Functions"][0]
        else:
            config = corpus.response("lambda", "GetFunction", "python-function")["Configuration"]
        qualified = listed or version != "$LATEST"
        config.update({
            "FunctionName": function.name, "FunctionArn": self.function_arn(function.name, version if qualified else None),
            "Role": self.role_arn(function.role), "MemorySize": function.memory, "Timeout": function.timeout,
            "Description": function.versions.get(version, function.description), "Version": version,
            "Environment": {"Variables": dict(function.environment)},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function.name}"},
            "CodeSha256": code_sha256(function.package or HANDLER), "CodeSize": len(function.package or HANDLER),
        })
        if "RuntimeVersionConfig" in config:
            config["RuntimeVersionConfig"] = self.in_partition(config["RuntimeVersionConfig"])
            config["RuntimeVersionConfig"]["RuntimeVersionArn"] = config["RuntimeVersionConfig"]["RuntimeVersionArn"].replace(
                "us-east-1", self.region)
        if function.layers:
            sizes = [layer["CodeSize"] for layer in corpus.response("lambda", "GetFunction", "layers")["Configuration"]["Layers"]]
            config["Layers"] = [{"Arn": arn, "CodeSize": sizes[1] if ":LambdaInsightsExtension" in arn else sizes[0]}
                                for arn in function.layers]
        if function.vpc is not None:
            config["VpcConfig"] = dict(corpus.response("lambda", "GetFunction", "in-vpc")["Configuration"]["VpcConfig"],
                                       **function.vpc)
        if function.dead_letter:
            config["DeadLetterConfig"] = {"TargetArn": function.dead_letter}
        return dict(sorted(config.items()))

    def _get_function(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        response = corpus.response("lambda", "GetFunction", "python-function")
        response["Configuration"] = self.configuration(function)
        response["Code"]["Location"] = self.package_url("tasks", function.name, function.package or HANDLER) + \
            "?versionId=Jd8WJ6lTiRBLbmC9uC3L4Yk1XxVv7n4b"
        if function.reserved is not None:
            response["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved}
        if function.tags_error:
            response["TagsError"] = corpus.response("lambda", "GetFunction", "tags-error")["TagsError"]
        elif function.tags:
            response["Tags"] = dict(function.tags)
        return ok(response)

    def _list_functions(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"FunctionVersion"})
        every = params.get("FunctionVersion") == "ALL"
        if "FunctionVersion" in params and not every:
            raise Unrecorded("FunctionVersion other than ALL")
        entries = []
        for function in self.functions.values():
            if every:
                entries += [self.configuration(function, v, listed=True) for v in ("$LATEST", *function.versions)]
            else:
                entry = self.configuration(function, listed=True)
                entry["FunctionArn"] = self.function_arn(function.name)  # the default listing does not qualify
                entries.append(entry)
        return _paged("Functions", entries, PAGE["ListFunctions"])

    def _layer_version(self, name: str, version: dict[str, Any]) -> dict[str, Any]:
        item = corpus.response("lambda", "ListLayerVersions", "two-versions")["LayerVersions"][0]
        item.pop("LicenseInfo", None)
        item.update(Version=version["version"], LayerVersionArn=self.layer_arn(name, version["version"]),
                    CompatibleRuntimes=list(version.get("runtimes", ["python3.12"])))
        if version.get("description"):
            item["Description"] = version["description"]
        else:
            item.pop("Description")
        return item

    def _list_layers(self, params: dict[str, Any]) -> Answer:
        _expect(params)
        layers = [{"LayerArn": self.layer_arn(name), "LayerName": name,
                   "LatestMatchingVersion": self._layer_version(name, versions[-1])}
                  for name, versions in self.layers.items() if versions]
        return _paged("Layers", layers, PAGE["ListLayers"])

    def _get_layer_version(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"LayerName", "VersionNumber"})
        name = params["LayerName"]
        if name.startswith("arn:"):
            if not name.startswith(self.layer_arn("")):
                raise Unrecorded("the accounts model their own layers only")
            name = name.split(":")[-1]
        version = next((v for v in self.layers.get(name, []) if v["version"] == params["VersionNumber"]), None)
        if version is None:
            return {"error": corpus.error("lambda", "GetLayerVersion", "does-not-exist")}
        response = corpus.response("lambda", "GetLayerVersion", "layer-version")
        code = version.get("package") or LAYER
        response.update(LayerArn=self.layer_arn(name), LayerVersionArn=self.layer_arn(name, version["version"]),
                        Version=version["version"], CompatibleRuntimes=list(version.get("runtimes", ["python3.12"])))
        response["Content"] = {"CodeSha256": code_sha256(code), "CodeSize": len(code),
                               "Location": self.package_url("layers", name, code) + "?versionId=27iWyA73cCAYqyHx"}
        if version.get("description"):
            response["Description"] = version["description"]
        else:
            response.pop("Description")
        return ok(response)

    def package_url(self, kind: str, name: str, code: bytes) -> str:
        """Where Lambda keeps a package (the recorded bucket form, in the account's partition), without the
        presigned query: ``kind`` is ``tasks`` (functions) or ``layers``."""
        suffix = (partition_of(self.region) or {"outputs": {"dnsSuffix": "amazonaws.com"}})["outputs"]["dnsSuffix"]
        return (f"https://prod-04-2014-{kind}.s3.{self.region}.{suffix}/snapshots/{self.account}/{name}-"
                f"{hashlib.sha256(code).hexdigest()[:32]}")

    def packages(self) -> dict[str, bytes]:
        """Every package of the account by its URL (without the presigned query)."""
        found = {self.package_url("tasks", f.name, f.package or HANDLER): f.package or HANDLER
                 for f in self.functions.values()}
        for name, versions in self.layers.items():
            for version in versions:
                code = version.get("package") or LAYER
                found[self.package_url("layers", name, code)] = code
        return found

    def _list_layer_versions(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"LayerName"})
        versions = self.layers.get(params["LayerName"], [])
        return ok({"LayerVersions": [self._layer_version(params["LayerName"], v) for v in reversed(versions)]})

    def _invoke_config(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        if function.invoke_config is None:
            error = corpus.error("lambda", "GetFunctionEventInvokeConfig", "not-configured")
            error["Message"] = f"The function {self.function_arn(function.name, '$LATEST')} doesn't have an EventInvokeConfig"
            return {"error": error}
        response = corpus.response("lambda", "GetFunctionEventInvokeConfig", "retries-only")
        settings = function.invoke_config
        response["FunctionArn"] = self.function_arn(function.name, "$LATEST")
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
            response.pop(key, None)
            if settings.get(key) is not None:
                response[key] = settings[key]
        response["DestinationConfig"] = {
            kind: ({"Destination": settings[kind]} if settings.get(kind) else {}) for kind in ("OnFailure", "OnSuccess")}
        return ok(response)

    def mapping_item(self, mapping: Mapping) -> dict[str, Any]:
        item = corpus.response("lambda", "ListEventSourceMappings", "by-function-name")["EventSourceMappings"][0]
        item.update(UUID=mapping.uuid, EventSourceArn=self.queue_arn(mapping.queue), State=mapping.state,
                    EventSourceMappingArn=self.arn("lambda", f"event-source-mapping:{mapping.uuid}"),
                    FunctionArn=self.function_arn(mapping.function, mapping.qualifier), BatchSize=mapping.batch,
                    MaximumBatchingWindowInSeconds=mapping.window, FunctionResponseTypes=list(mapping.response_types))
        return item

    def _list_mappings(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"FunctionName", "EventSourceArn"})
        name = params.get("FunctionName")
        if name is not None and name.startswith("arn:"):
            raise Unrecorded("the accounts model lookups by function name only")
        items = []
        for mapping in self.mappings:
            if "EventSourceArn" in params and self.queue_arn(mapping.queue) != params["EventSourceArn"]:
                continue
            if name is not None:
                # Not settled by a recording (see the corpus notes): an unqualified name lists the mappings on
                # the unqualified function, "name:qualifier" those on that alias or version.
                wanted, _, qualifier = name.partition(":")
                if (mapping.function, mapping.qualifier or "") != (wanted, qualifier):
                    continue
            items.append(self.mapping_item(mapping))
        return _paged("EventSourceMappings", items, PAGE["ListEventSourceMappings"])

    def _get_mapping(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"UUID"})
        for mapping in self.mappings:
            if mapping.uuid == params["UUID"]:
                item = self.mapping_item(mapping)
                item["State"] = mapping.settled_state()
                return ok(item)
        return {"error": corpus.error("lambda", "GetEventSourceMapping", "not-found")}

    def _list_aliases(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        template = corpus.response("lambda", "ListAliases", "prod-canary-and-staging")["Aliases"][0]
        aliases = []
        for alias, (version, weights) in function.aliases.items():
            item = dict(template, AliasArn=self.function_arn(function.name, alias), Name=alias, FunctionVersion=version)
            item.pop("RoutingConfig")
            if weights:
                item["RoutingConfig"] = {"AdditionalVersionWeights": dict(weights)}
            aliases.append(item)
        return ok({"Aliases": aliases})

    def _list_versions(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        return ok({"Versions": [self.configuration(function, v, listed=True) for v in ("$LATEST", *function.versions)]})

    def _account_settings(self, params: dict[str, Any]) -> Answer:
        """The quota and what is unreserved: a reservation holds the function's provisioned concurrency, else
        that comes out of the unreserved pool (corpus lambda/GetAccountSettings, established-account)."""
        _expect(params)
        response = corpus.response("lambda", "GetAccountSettings", "default-quota")
        used = sum(max(f.reserved or 0, sum(int(c["requested"]) for c in f.provisioned.values()))
                   for f in self.functions.values())
        response["AccountLimit"].update(ConcurrentExecutions=self.concurrency_quota,
                                        UnreservedConcurrentExecutions=self.concurrency_quota - used)
        response["AccountUsage"]["FunctionCount"] = len(self.functions)
        return ok(response)

    def _provisioned(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName", "Qualifier"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        qualifier = params["Qualifier"]
        if qualifier not in function.aliases and qualifier not in function.versions:
            error = corpus.error("lambda", "GetProvisionedConcurrencyConfig", "alias-not-found")
            error["Message"] = f"Cannot find alias arn: {self.function_arn(function.name, qualifier)}"
            return {"error": error}
        config = function.provisioned.get(qualifier)
        if config is None:
            return {"error": corpus.error("lambda", "GetProvisionedConcurrencyConfig", "not-configured")}
        case = {"READY": "ready", "IN_PROGRESS": "in-progress", "FAILED": "failed"}[config["status"]]
        response = corpus.response("lambda", "GetProvisionedConcurrencyConfig", case)
        allocated = config["requested"] if config["status"] == "READY" else 0
        response.update(RequestedProvisionedConcurrentExecutions=config["requested"],
                        AllocatedProvisionedConcurrentExecutions=allocated, AvailableProvisionedConcurrentExecutions=allocated)
        return ok(response)

    def _get_policy(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"FunctionName"})
        function = self._function(params["FunctionName"])
        if function is None:
            return self._not_found(params["FunctionName"])
        if not function.statements:
            return {"error": corpus.error("lambda", "GetPolicy", "no-policy")}
        response = corpus.response("lambda", "GetPolicy", "account-principal")
        document = json.loads(response["Policy"])
        document["Statement"] = [dict(s, Resource=s.get("Resource", self.function_arn(function.name)))
                                 for s in function.statements]
        response["Policy"] = json.dumps(document, separators=(",", ":"))
        return ok(response)

    # --- SQS -----------------------------------------------------------------------------------

    def _queue_url(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"QueueName"})
        if params["QueueName"] not in self.queues:
            return {"error": corpus.error("sqs", "GetQueueUrl", "does-not-exist")}
        return ok({"QueueUrl": self.queue_url(params["QueueName"])})

    def _list_queues(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"MaxResults"})
        urls = [self.queue_url(name) for name in self.queues]
        if "MaxResults" not in params:
            # Without MaxResults SQS answers at most 1,000 URLs and no NextToken (corpus sqs/ListQueues).
            return ok({"QueueUrls": urls[:1000]} if urls else {})
        return _paged("QueueUrls", urls, params["MaxResults"])

    def _queue_attributes(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"QueueUrl", "AttributeNames"})
        if params["AttributeNames"] != ["All"]:
            raise Unrecorded("attribute names other than All")
        name = params["QueueUrl"].rsplit("/", 1)[-1]
        if name not in self.queues or params["QueueUrl"] != self.queue_url(name):
            return {"error": corpus.error("sqs", "GetQueueAttributes", "does-not-exist")}
        attributes = corpus.response("sqs", "GetQueueAttributes", "defaults")["Attributes"]
        attributes.update(self.queues[name], QueueArn=self.queue_arn(name))
        return ok({"Attributes": attributes})

    # --- IAM -----------------------------------------------------------------------------------

    def _attached(self, role: Role) -> list[dict[str, str]]:
        return [{"PolicyArn": self.managed_arn(name), "PolicyName": name} for name in role.managed]

    def _authorization_details(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"Filter"})
        if params["Filter"] != ["Role"]:
            raise Unrecorded("a filter other than Role")
        template = corpus.response("iam", "GetAccountAuthorizationDetails", "roles")["RoleDetailList"][0]
        roles = []
        for role in self.roles.values():
            detail = dict(copy.deepcopy(template), RoleName=role.name, Arn=self.role_arn(role.name),
                          RoleId=f"AROA{zlib.crc32(role.name.encode()):016d}", AttachedManagedPolicies=self._attached(role),
                          RolePolicyList=[{"PolicyName": n, "PolicyDocument": d} for n, d in role.inline.items()])
            roles.append(detail)
        return _paged("RoleDetailList", roles, PAGE["GetAccountAuthorizationDetails"], {"IsTruncated": False})

    def _role(self, params: dict[str, Any]) -> Role | Answer:
        role = self.roles.get(params["RoleName"])
        if role is None:
            error = corpus.error("iam", "ListAttachedRolePolicies", "role-not-found")
            error["Message"] = f"The role with name {params['RoleName']} cannot be found."
            return {"error": error}
        return role

    def _attached_policies(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"RoleName"})
        role = self._role(params)
        if not isinstance(role, Role):
            return role
        return ok({"AttachedPolicies": self._attached(role), "IsTruncated": False})

    def _inline_policy_names(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"RoleName"})
        role = self._role(params)
        if not isinstance(role, Role):
            return role
        return ok({"IsTruncated": False, "PolicyNames": sorted(role.inline)})

    def _inline_policy(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"RoleName", "PolicyName"})
        role = self._role(params)
        if not isinstance(role, Role):
            return role
        if params["PolicyName"] not in role.inline:
            error = corpus.error("iam", "GetRolePolicy", "not-found")
            error["Message"] = f"The role policy with name {params['PolicyName']} cannot be found."
            return {"error": error}
        return ok({"PolicyDocument": role.inline[params["PolicyName"]], "PolicyName": params["PolicyName"],
                   "RoleName": role.name})

    def _managed_name(self, arn: str) -> str | Answer:
        for name in MANAGED_PATHS:
            if arn == self.managed_arn(name):
                return name
        error = corpus.error("iam", "GetPolicy", "not-found")
        error["Message"] = f"Policy {arn} was not found."
        return {"error": error}

    def _managed_policy(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"PolicyArn"})
        name = self._managed_name(params["PolicyArn"])
        if not isinstance(name, str):
            return name
        return ok(self.in_partition(corpus.response("iam", "GetPolicy", name)))

    def _managed_policy_version(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"PolicyArn", "VersionId"})
        name = self._managed_name(params["PolicyArn"])
        if not isinstance(name, str):
            return name
        case = corpus.case("iam", "GetPolicyVersion", name)
        if params["VersionId"] != case["params"]["VersionId"]:
            raise Unrecorded(f"only the default version of {name} is recorded")
        return ok(self.in_partition(case["response"]))

    # --- Application Auto Scaling / CloudWatch -------------------------------------------------

    def _scalable_targets(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"ServiceNamespace"}, {"ResourceIds"})
        if params["ServiceNamespace"] != "lambda":
            raise Unrecorded("a namespace other than lambda")
        template = corpus.response("application-autoscaling", "DescribeScalableTargets", "lambda-by-resource-id")["ScalableTargets"][0]
        wanted = params.get("ResourceIds")
        targets = [self.in_partition(dict(template, ResourceId=t["resource"], MinCapacity=t["min"], MaxCapacity=t["max"],
                                          RoleARN=template["RoleARN"].replace(corpus_account(template["RoleARN"]), self.account),
                                          ScalableTargetARN=self.arn("application-autoscaling", f"scalable-target/0c2a{i:032x}")))
                   for i, t in enumerate(self.scalable_targets) if wanted is None or t["resource"] in wanted]
        return ok({"ScalableTargets": targets})

    def policy_arn(self, policy: dict[str, Any]) -> str:
        return self.arn("autoscaling", f"scalingPolicy:12266dbb-1524-4e2a-a64e-9a0a34b996fa:resource/lambda/{policy['resource']}"
                                       f":policyName/{policy['name']}")

    def tracking_alarm_names(self, policy: dict[str, Any]) -> tuple[str, str]:
        return (f"TargetTracking-{policy['resource']}-AlarmHigh-aed0e274-5b1c-40fe-8cba-2e78f000c0a7",
                f"TargetTracking-{policy['resource']}-AlarmLow-7e1a928e-9f4d-4d2b-8c01-782321bc6f66")

    def _scaling_policies(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"ServiceNamespace"}, {"ResourceId"})
        if params["ServiceNamespace"] != "lambda":
            raise Unrecorded("a namespace other than lambda")
        template = corpus.response("application-autoscaling", "DescribeScalingPolicies", "target-tracking")["ScalingPolicies"][0]
        found = []
        for policy in self.scaling_policies:
            if params.get("ResourceId") not in (None, policy["resource"]):
                continue
            item = copy.deepcopy(template)
            item.update(PolicyName=policy["name"], ResourceId=policy["resource"], PolicyARN=self.policy_arn(policy))
            item["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] = policy["target"]
            item["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"] = policy["metric"]
            item["Alarms"] = [{"AlarmARN": self.arn("cloudwatch", f"alarm:{name}"), "AlarmName": name}
                              for name in self.tracking_alarm_names(policy)]
            found.append(item)
        return ok({"ScalingPolicies": found})

    def _alarms(self, params: dict[str, Any]) -> Answer:
        # AlarmNames: only the alarms of those names (botocore's model, DescribeAlarmsInput.AlarmNames).
        _expect(params, optional={"AlarmNames"})
        names = params.get("AlarmNames")
        alarms = self.alarms if names is None else [a for a in self.alarms if a["AlarmName"] in names]
        return _paged("MetricAlarms", alarms, PAGE["DescribeAlarms"], {"CompositeAlarms": []})

    def metric_alarm(self, name: str, metric: str, statistic: str, threshold: float, operator: str, function: str,
                     periods: int = 1, period: int = 300, **extra: Any) -> dict[str, Any]:
        """A single-metric AWS/Lambda alarm as DescribeAlarms returns it (corpus own-metric-alarm)."""
        alarm = corpus.response("cloudwatch", "DescribeAlarms", "own-metric-alarm")["MetricAlarms"][0]
        alarm.pop("TreatMissingData", None)
        alarm.update(AlarmName=name, AlarmArn=self.arn("cloudwatch", f"alarm:{name}"), MetricName=metric, Statistic=statistic,
                     Threshold=float(threshold), ComparisonOperator=operator, EvaluationPeriods=periods, Period=period,
                     Dimensions=[{"Name": "FunctionName", "Value": function}], **extra)
        return dict(sorted(alarm.items()))

    def tracking_alarms(self, policy: dict[str, Any]) -> list[dict[str, Any]]:
        """The two alarms Application Auto Scaling creates for a target-tracking policy (corpus target-tracking-alarms)."""
        function, alias = policy["resource"].split(":")[1:3]
        recorded = corpus.response("cloudwatch", "DescribeAlarms", "target-tracking-alarms")["MetricAlarms"]
        alarms = []
        for alarm, name in zip(recorded, self.tracking_alarm_names(policy), strict=True):
            alarm = self.in_partition(alarm)
            alarm.update(AlarmName=name, AlarmArn=self.arn("cloudwatch", f"alarm:{name}"), AlarmActions=[self.policy_arn(policy)],
                         AlarmDescription=f"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {self.policy_arn(policy)}.",
                         Dimensions=[{"Name": "FunctionName", "Value": function}, {"Name": "Resource", "Value": f"{function}:{alias}"}])
            alarms.append(alarm)
        return alarms

    # --- Logs / API Gateway / S3 ---------------------------------------------------------------

    def _log_groups(self, params: dict[str, Any]) -> Answer:
        _expect(params, optional={"logGroupNamePrefix"})
        template = corpus.response("logs", "DescribeLogGroups", "by-prefix-kept-forever")["logGroups"][0]
        groups = []
        for name, days in sorted(self.log_groups.items()):
            if not name.startswith(params.get("logGroupNamePrefix", "")):
                continue
            group = dict(template, logGroupName=name, arn=self.arn("logs", f"log-group:{name}:*"),
                         logGroupArn=self.arn("logs", f"log-group:{name}"))
            if days is not None:
                group["retentionInDays"] = days
            groups.append(dict(sorted(group.items())))
        return _paged("logGroups", groups, PAGE["DescribeLogGroups"])

    def _api(self, api_id: str) -> RestApi | Answer:
        for api in self.apis:
            if api.id == api_id:
                return api
        error = corpus.error("apigateway", "GetResources", "api-not-found")
        error["Message"] = f"Invalid API identifier specified {self.account}:{api_id}"
        return {"error": error}

    def _rest_apis(self, params: dict[str, Any]) -> Answer:
        _expect(params)
        template = corpus.response("apigateway", "GetRestApis", "one-api")["items"][0]
        return _paged("items", [dict(template, id=api.id, name=api.name, rootResourceId=f"{api.id[:4]}root")
                                for api in self.apis], PAGE["GetRestApis"])

    def _resources(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"restApiId", "embed"})
        if params["embed"] != ["methods"]:
            raise Unrecorded("GetResources without embed=methods")
        api = self._api(params["restApiId"])
        if not isinstance(api, RestApi):
            return api
        root, child = corpus.response("apigateway", "GetResources", "embedded-methods")["items"]
        root = dict(root, id=f"{api.id[:4]}root")
        items = [root]
        for index, (part, verb, function) in enumerate(api.routes):
            resource_id = f"{api.id[:3]}{index:03d}"
            method = copy.deepcopy(child["resourceMethods"]["ANY"])
            method["httpMethod"] = verb
            method["methodIntegration"].update(
                cacheNamespace=resource_id,
                uri=f"arn:{self.partition}:apigateway:{self.region}:lambda:path/2015-03-31/functions/{self.function_arn(function)}/invocations")
            items.append(dict(child, id=resource_id, parentId=root["id"], pathPart=part, path=f"/{part}",
                              resourceMethods={verb: method}))
        return _paged("items", items, PAGE["GetResources"])

    def _stages(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"restApiId"})
        api = self._api(params["restApiId"])
        if not isinstance(api, RestApi):
            return api
        template = corpus.response("apigateway", "GetStages", "one-stage")["item"][0]
        return ok({"item": [dict(template, stageName=name, deploymentId=f"dep{api.id[:3]}") for name in api.stages]})

    def _buckets(self, params: dict[str, Any]) -> Answer:
        _expect(params)
        response = corpus.response("s3", "ListBuckets", "two-buckets")
        template = response["Buckets"][0]
        buckets = [dict(template, Name=name, BucketArn=f"arn:{self.partition}:s3:::{name}", BucketRegion=self.region)
                   for name in self.buckets]
        return pages(dict(response, Buckets=buckets))

    def _notifications(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"Bucket"})
        bucket = self.buckets.get(params["Bucket"])
        if bucket is None:
            error = corpus.error("s3", "GetBucketNotificationConfiguration", "no-such-bucket")
            error["BucketName"] = params["Bucket"]
            return {"error": error}
        if not bucket.get("lambda"):
            return ok({})
        template = corpus.response("s3", "GetBucketNotificationConfiguration", "lambda-trigger")["LambdaFunctionConfigurations"][0]
        return ok({"LambdaFunctionConfigurations": [
            dict(template, LambdaFunctionArn=self.function_arn(fn), Events=list(events)) for fn, events in bucket["lambda"]]})

    def _objects(self, params: dict[str, Any]) -> Answer:
        _expect(params, {"Bucket"}, {"Prefix"})
        bucket = self.buckets.get(params["Bucket"])
        if bucket is None:
            error = corpus.error("s3", "ListObjectsV2", "no-such-bucket")
            error["BucketName"] = params["Bucket"]
            return {"error": error}
        prefix = params.get("Prefix", "")
        response = corpus.response("s3", "ListObjectsV2", "by-prefix")
        template = response["Contents"][0]
        contents = [dict(template, Key=key) for key in bucket.get("keys", []) if key.startswith(prefix)]
        response.update(Name=params["Bucket"], Prefix=prefix, KeyCount=len(contents), Contents=contents)
        if not contents:
            response.pop("Contents")
        return pages(response)


# --- helpers -----------------------------------------------------------------------------------


def code_sha256(code: bytes) -> str:
    """Lambda's CodeSha256: the package's SHA-256, base64 (botocore: FunctionConfiguration.CodeSha256)."""
    return base64.b64encode(hashlib.sha256(code).digest()).decode()


def _expect(params: dict[str, Any], required: set[str] = frozenset(), optional: set[str] = frozenset()) -> None:
    """Refuse (loudly) parameters the model does not answer: the grader asked something new."""
    missing, extra = set(required) - set(params), set(params) - set(required) - set(optional)
    if missing or extra:
        raise Unrecorded(f"parameters not modelled: missing {sorted(missing)}, unexpected {sorted(extra)}")


def _filter_values(params: dict[str, Any], name: str) -> set[str] | None:
    filters = params.get("Filters")
    if filters is None:
        return None
    if len(filters) != 1 or filters[0].get("Name") != name:
        raise Unrecorded(f"filters other than {name}: {filters}")
    return set(filters[0]["Values"])


def _repaged(name: str, resolver: Callable[[dict[str, Any], str], Answer], paging: dict[str, Any], size: int,
             counts: dict[str, list[int]]) -> Callable[[dict[str, Any], str], Answer]:
    """``resolver``'s listings cut into pages of ``size`` items (of every result key, in order)."""
    keys = paging["result_key"] if isinstance(paging["result_key"], list) else [paging["result_key"]]

    def resolve(params: dict[str, Any], region: str) -> Answer:
        answer = resolver(params, region)
        if "error" in answer:
            return answer
        bodies = answer["pages"] if "pages" in answer else [answer["response"]]
        items = [(key, item) for body in bodies for key in keys for item in body.get(key) or []]
        base = {k: v for k, v in bodies[0].items() if k not in keys}
        chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
        split = []
        for chunk in chunks:
            page = dict(copy.deepcopy(base), **{key: [] for key in keys if key in bodies[0]})  # as the answer has them
            for key, item in chunk:
                page.setdefault(key, []).append(item)
            split.append(page)
        # The resolver is asked once per page requested (the paginator asks again for each later page with
        # the same parameters): a request read through to its end was asked for as many pages as it has.
        asked = counts.setdefault(f"{name} {json.dumps(params, sort_keys=True)}", [0, len(split)])
        asked[0] += 1
        return pages(*split)

    return resolve


def _paged(key: str, items: list[Any], size: int, extra: dict[str, Any] | None = None) -> Answer:
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    return pages(*[{key: chunk, **(extra or {})} for chunk in chunks])


def corpus_account(arn: str) -> str:
    return arn.split(":")[4]


# --- lambda_medium -----------------------------------------------------------------------------


def medium_account(sid: str = "kim7", classmates: int = 30) -> AwsAccount:
    """The shared training account with student ``sid``'s complete work, as the reference solution leaves it,
    and ``classmates`` other students' functions, queues and alarms (enough that listings run to pages)."""
    account = AwsAccount(account="111111111111")
    a = account
    name = lambda prefix: f"{prefix}-{sid}"  # noqa: E731

    # Roles: the basic one (and task 8's logging permissions, and sqs:SendMessage for the dead-letter
    # queue written as IAM allows: one Statement object, a string Action), and the VPC one.
    a.roles[name("lambda-role")] = Role(name("lambda-role"), ["AWSLambdaBasicExecutionRole"], {
        "lambda-insights": INSIGHTS_LOGGING,
        "dlq-send": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage",
                                                             "Resource": a.queue_arn(name("lambda-dlq"))}}})
    a.roles[name("vpc-lambda-role")] = Role(name("vpc-lambda-role"), ["AWSLambdaVPCAccessExecutionRole"])
    role = name("lambda-role")

    # Task 1 and 2 (and 8): the layer, and the function running it with the Insights extension.
    a.layers[name("common-utils-layer")] = [{"version": 1, "description": "Shared helpers", "runtimes": ["python3.12"]}]
    consumer = Function(name("layer-consumer"), role, memory=256, description="Second release",
                        layers=[a.layer_arn(name("common-utils-layer"), 1), a.insights_arn()])
    a.functions[consumer.name] = consumer

    # Task 3: two subnets in two zones of the default VPC, the function's own security group.
    a.subnets = {"subnet-0a1b2c3d4e5f60718": "us-east-1a", "subnet-0f1e2d3c4b5a69788": "us-east-1b",
                 "subnet-07a8b9c0d1e2f3a4b": "us-east-1c"}
    a.security_groups = {"sg-0a1b2c3d4e5f60718": name("lambda-sg"), "sg-01234567890abcdef": "default"}
    subnets, group = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"], "sg-0a1b2c3d4e5f60718"
    a.functions[name("vpc-lambda")] = Function(
        name("vpc-lambda"), name("vpc-lambda-role"), memory=512,
        vpc={"SubnetIds": subnets, "SecurityGroupIds": [group], "VpcId": a.vpc_id},
        environment={"VPC_ID": a.vpc_id, "SUBNET_IDS": ",".join(subnets), "SECURITY_GROUP_ID": group})

    # Task 4 and 6: the queues, the async function with its destinations and dead-letter queue.
    a.queues.update({name("lambda-success-queue"): {"MessageRetentionPeriod": "86400"},
                     name("lambda-failure-queue"): {"MessageRetentionPeriod": "86400"},
                     name("task-queue"): {"VisibilityTimeout": "300", "MessageRetentionPeriod": "345600"},
                     name("lambda-dlq"): {"MessageRetentionPeriod": "1209600"}})
    a.functions[name("async-processor")] = Function(
        name("async-processor"), role, memory=256, dead_letter=a.queue_arn(name("lambda-dlq")),
        invoke_config={"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600,
                       "OnSuccess": a.queue_arn(name("lambda-success-queue")),
                       "OnFailure": a.queue_arn(name("lambda-failure-queue"))})

    # Task 5 and 6: the triggers.
    a.functions[name("sqs-consumer")] = Function(name("sqs-consumer"), role, memory=256)
    a.mappings.append(Mapping("3f1c9a2e-7b41-4c55-9d0a-6e8f2b1c4d01", name("sqs-consumer"), name("task-queue"),
                              batch=10, window=5, response_types=["ReportBatchItemFailures"]))
    a.functions[name("dlq-processor")] = Function(name("dlq-processor"), role)
    a.mappings.append(Mapping("8a2d4e6f-1b3c-4d5e-8f90-a1b2c3d4e5f6", name("dlq-processor"), name("lambda-dlq")))

    # Task 7: reserved concurrency (GetFunction's Concurrency).
    a.functions[name("rate-limited-function")] = Function(name("rate-limited-function"), role, timeout=30, reserved=5)
    for prefix in MEDIUM_FUNCTIONS:  # each function holds the assessment's code for it, as the solution deploys
        a.functions[name(prefix)].package = function_zip(prefix)

    # Task 9 and 10: versions 1 and 2, STAGING on $LATEST, provisioned concurrency put on PROD while it
    # pointed at version 1 alone (AWS refuses it on a weighted alias), then the 10 % canary, then
    # Application Auto Scaling's target and target-tracking policy, which creates two alarms of its own.
    consumer.versions = {"1": "Initial production version", "2": "Canary"}
    consumer.aliases = {"PROD": ("1", {"2": 0.1}), "STAGING": ("$LATEST", None)}
    consumer.provisioned = {"PROD": {"requested": 2, "status": "READY"}}
    resource = f"function:{consumer.name}:PROD"
    a.scalable_targets.append({"resource": resource, "min": 2, "max": 10})
    policy = {"resource": resource, "name": "pc-utilization", "target": 0.7, "metric": "LambdaProvisionedConcurrencyUtilization"}
    a.scaling_policies.append(policy)

    # Task 11: another account may invoke it (add-permission --principal <12 digits> becomes the account root).
    consumer.statements = [{"Sid": "AllowCrossAccountInvoke", "Effect": "Allow",
                            "Principal": {"AWS": f"arn:{a.partition}:iam::{OTHER_ACCOUNT}:root"},
                            "Action": "lambda:InvokeFunction"}]

    # Task 12: the three alarms, with AAS's two on the same function.
    a.alarms += [
        a.metric_alarm(name("Lambda-HighErrorRate"), "Errors", "Sum", 5, "GreaterThanThreshold", consumer.name, periods=2,
                       TreatMissingData="notBreaching"),
        a.metric_alarm(name("Lambda-HighDuration"), "Duration", "Average", 25000, "GreaterThanThreshold", consumer.name, periods=2),
        a.metric_alarm(name("Lambda-Throttles"), "Throttles", "Sum", 1, "GreaterThanOrEqualToThreshold", consumer.name),
        *a.tracking_alarms(policy),
    ]

    # Classmates (including one whose ID starts with this student's): functions, a layer, a queue, alarms;
    # one has a metric-math alarm (no MetricName, its metrics in Metrics).
    for index in range(classmates):
        other = f"{sid}{index}" if index < 2 else f"student{index:02d}"
        for prefix in ("layer-consumer", "sqs-consumer"):
            a.functions[f"{prefix}-{other}"] = Function(f"{prefix}-{other}", f"lambda-role-{other}", memory=256)
        a.layers[f"common-utils-layer-{other}"] = [{"version": 1, "description": "utils", "runtimes": ["python3.12"]}]
        a.queues[f"task-queue-{other}"] = {"VisibilityTimeout": "300"}
        a.roles[f"lambda-role-{other}"] = Role(f"lambda-role-{other}", ["AWSLambdaBasicExecutionRole"])
        a.alarms.append(a.metric_alarm(f"Lambda-HighErrorRate-{other}", "Errors", "Sum", 5, "GreaterThanThreshold",
                                       f"layer-consumer-{other}", periods=2))
    math = corpus.response("cloudwatch", "DescribeAlarms", "metric-math")["MetricAlarms"][0]
    math.update(AlarmName="Lambda-ErrorRate-percent-student02", AlarmArn=a.arn("cloudwatch", "alarm:Lambda-ErrorRate-percent-student02"))
    a.alarms.append(math)
    return a


# One mistake each, and the task it costs. Each takes the complete account and changes it in place.
def _no_layer_description(a: AwsAccount, sid: str) -> None:
    a.layers[f"common-utils-layer-{sid}"].append({"version": 2, "description": "", "runtimes": ["python3.12"]})


def _vpc_memory(a: AwsAccount, sid: str) -> None:
    a.functions[f"vpc-lambda-{sid}"].memory = 128


def _destinations_swapped(a: AwsAccount, sid: str) -> None:
    config = a.functions[f"async-processor-{sid}"].invoke_config
    config["OnSuccess"], config["OnFailure"] = config["OnFailure"], config["OnSuccess"]


def _trigger_disabled(a: AwsAccount, sid: str) -> None:
    next(m for m in a.mappings if m.function == f"sqs-consumer-{sid}").state = "Disabled"


def _dlq_retention(a: AwsAccount, sid: str) -> None:
    a.queues[f"lambda-dlq-{sid}"]["MessageRetentionPeriod"] = "345600"


def _reserved_ten(a: AwsAccount, sid: str) -> None:
    a.functions[f"rate-limited-function-{sid}"].reserved = 10


def _no_insights(a: AwsAccount, sid: str) -> None:
    function = a.functions[f"layer-consumer-{sid}"]
    function.layers = [arn for arn in function.layers if ":LambdaInsightsExtension:" not in arn]


def _staging_on_version(a: AwsAccount, sid: str) -> None:
    a.functions[f"layer-consumer-{sid}"].aliases["STAGING"] = ("1", None)


def _provisioned_five(a: AwsAccount, sid: str) -> None:
    a.functions[f"layer-consumer-{sid}"].provisioned["PROD"] = {"requested": 5, "status": "READY"}


def _public_invoke(a: AwsAccount, sid: str) -> None:
    a.functions[f"layer-consumer-{sid}"].statements = [
        {"Sid": "AllowCrossAccountInvoke", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}]


def _duration_statistic(a: AwsAccount, sid: str) -> None:
    alarm = next(x for x in a.alarms if x["AlarmName"] == f"Lambda-HighDuration-{sid}")
    alarm.pop("Statistic")
    alarm["ExtendedStatistic"] = "p95"  # an ExtendedStatistic alarm has no Statistic (corpus extended-statistic)


MEDIUM_MISTAKES: dict[str, tuple[Callable[[AwsAccount, str], None], int]] = {
    "layer version without a description": (_no_layer_description, 1),
    "VPC function with 128 MB": (_vpc_memory, 3),
    "destinations swapped": (_destinations_swapped, 4),
    "SQS trigger disabled": (_trigger_disabled, 5),
    "dead-letter queue keeps 4 days": (_dlq_retention, 6),
    "reserved concurrency 10": (_reserved_ten, 7),
    "no Lambda Insights layer": (_no_insights, 8),
    "STAGING on version 1": (_staging_on_version, 9),
    "provisioned concurrency 5": (_provisioned_five, 10),
    "anyone may invoke": (_public_invoke, 11),
    "duration alarm on p95": (_duration_statistic, 12),
}


# --- lambda_lab --------------------------------------------------------------------------------


def lab_account(partition: str = "aws", region: str = "us-east-1", account: str = "444444444444") -> AwsAccount:
    """One student's own account with labs 1-7 done as the lab has them (checks/lambda_lab/solution.py)."""
    a = AwsAccount(account=account, region=region, partition=partition)
    for role, managed in {"HelloWorldFunction-role": [], "S3FileProcessor-role": ["AmazonS3FullAccess"],
                          "terraform-managed-lambda-role": [], "lab7-role": []}.items():
        a.roles[role] = Role(role, ["AWSLambdaBasicExecutionRole", *managed])
    a.roles["lab7-role"].inline["send-to-dlq"] = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": a.queue_arn("lambda-dlq")}]}

    # Labs 1-4: the function, behind a REST API (console trigger: a proxy ANY method, stage "default",
    # a permission limited to that API), configured, run once (its log group), with an errors alarm.
    hello = Function("HelloWorldFunction", "HelloWorldFunction-role", memory=256, timeout=10, environment={
        "GREETING_PREFIX": "Greetings", "GREETING_SUFFIX": "Thanks for using our API!", "ENVIRONMENT": "staging",
        "MAX_RESPONSE_LENGTH": "500", "ENABLE_DEBUG_LOGGING": "true"})
    a.functions[hello.name] = hello
    a.apis.append(RestApi("h3ll0w0rld", "HelloWorldFunction-API", [("HelloWorldFunction", "ANY", hello.name)], ["default"]))
    hello.statements = [{"Sid": "lambda-apigateway-invoke", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                         "Action": "lambda:InvokeFunction",
                         "Condition": {"ArnLike": {"AWS:SourceArn": a.arn("execute-api", "h3ll0w0rld/*/*/HelloWorldFunction")}}}]
    a.log_groups["/aws/lambda/HelloWorldFunction"] = None
    a.alarms.append(a.metric_alarm("HelloWorldFunction-Errors", "Errors", "Sum", 5, "GreaterThanThreshold", hello.name))

    # Lab 5: a lambda-lab-* bucket triggers S3FileProcessor, which wrote its result.
    bucket = "lambda-lab-1764040656a1b2c3"
    a.functions["S3FileProcessor"] = Function("S3FileProcessor", "S3FileProcessor-role", statements=[
        {"Sid": "s3-invoke", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
         "Condition": {"StringEquals": {"AWS:SourceAccount": account},
                       "ArnLike": {"AWS:SourceArn": f"arn:{partition}:s3:::{bucket}"}}}])
    a.buckets[bucket] = {"lambda": [("S3FileProcessor", ["s3:ObjectCreated:*"])],
                         "keys": ["analysis/test-file.txt.json", "test-file.txt"]}

    # Lab 6: what terraform apply creates.
    tags = {"Project": "Lambda Lab", "ManagedBy": "Terraform", "Environment": "Learning"}
    a.functions["terraform-managed-lambda"] = Function(
        "terraform-managed-lambda", "terraform-managed-lambda-role", memory=256, timeout=10, tags=tags,
        environment={"ENVIRONMENT": "production", "APP_VERSION": "2.0.0", "FEATURE_FLAG": "enabled"},
        statements=[{"Sid": "AllowAPIGatewayInvoke", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                     "Action": "lambda:InvokeFunction",
                     "Condition": {"ArnLike": {"AWS:SourceArn": a.arn("execute-api", "t3rr4f0rm1/*/*")}}}])
    a.log_groups["/aws/lambda/terraform-managed-lambda"] = 7
    a.apis.append(RestApi("t3rr4f0rm1", "terraform-managed-lambda-api", [("{proxy+}", "ANY", "terraform-managed-lambda")], ["prod"]))

    # Lab 7: the layer and its user, the async processor (on-failure destination, OnSuccess {}), reserved 5.
    a.layers["common-utilities"] = [{"version": 1, "description": "Common utilities for Lambda functions",
                                     "runtimes": ["python3.12"], "package": LAB_LAYER}]
    a.functions["AdvancedProcessor"] = Function("AdvancedProcessor", "lab7-role", layers=[a.layer_arn("common-utilities", 1)])
    a.queues["lambda-dlq"] = {}
    a.functions["AsyncProcessor"] = Function("AsyncProcessor", "lab7-role", timeout=10, reserved=5, invoke_config={
        "MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600, "OnFailure": a.queue_arn("lambda-dlq")})
    for function in LAB_DEPLOYED:  # the code each function runs once the lab is done, as the solution deploys it
        a.functions[function].package = lab_function_zip(function)
    return a


# --- grading a replayed account ----------------------------------------------------------------


def grade(account: AwsAccount, sid: str, assessment: Any, inventory: bool, page_size: int | None = None) -> Any:
    """Grade ``sid`` on the account through the grader's engine, as ``tests/conftest.py``'s ``Account.grade_run``
    does, with every request answered by the account's replay; fails on any request it could not answer.
    ``page_size``: listings come in pages of that many items."""
    from grader.aws.facts import FactStore
    from grader.engine import Grader

    replay = account.replay(page_size)
    store = FactStore(replay.session(region=account.region), inventory)
    result = Grader(assessment, lambda student: store(student.region)).grade([sid]).students[0]
    replay.check()
    return result


def grade_both_ways(account: AwsAccount, sid: str, assessment: Any) -> tuple[Any, Any]:
    """The student's result read by name and from account-wide listings (``inventory``)."""
    return grade(account, sid, assessment, False), grade(account, sid, assessment, True)
