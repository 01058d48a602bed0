"""Lambda: functions, versions, aliases, layers, invoke configuration, triggers, policies."""

from __future__ import annotations

import time
from typing import Any

from grader.aws.actions import reads
from grader.aws.errors import FactUnavailable
from grader.aws.reader import Listing, expect, json_document
from grader.aws.services import ServiceFacts


def mapping_function_name(mapping: dict[str, Any]) -> str:
    """The (unqualified) name of the function a trigger invokes: a trigger on an alias or version counts."""
    if not isinstance(mapping, dict):
        return ""
    return str(mapping.get("FunctionArn", "")).split(":function:")[-1].split(":")[0]


FUNCTIONS = Listing("lambda", "ListFunctions", "Functions", key="FunctionName")
ALL_VERSIONS = Listing("lambda", "ListFunctions", "Functions", key="FunctionName",
                       params=(("FunctionVersion", "ALL"),), many=True)
LAYERS = Listing("lambda", "ListLayers", "Layers", key="LayerName")
EVENT_SOURCE_MAPPINGS = Listing("lambda", "ListEventSourceMappings", "EventSourceMappings",
                                key="EventSourceArn", many=True)
# A mapping reads Creating, Enabling or Updating for a while after it is created or changed (botocore's
# EventSourceMappingConfiguration.State; recorded in localstack's test_lambda_integration_sqs.snapshot.json,
# test_sqs_event_source_mapping_update): such a state is read again until it settles, for so long.
SETTLING_STATES = frozenset({"Creating", "Enabling", "Updating", "Disabling"})
SETTLE_SECONDS = 5.0
SETTLE_INTERVAL = 0.5
# Provisioned concurrency is IN_PROGRESS while it is allocated (then READY or FAILED).
PROVISIONING_STATES = frozenset({"IN_PROGRESS"})


class LambdaFacts(ServiceFacts):
    def _latest_configurations(self) -> dict[str, dict[str, Any]]:
        """Every function's ($LATEST) configuration by name, from one listing for the whole region."""
        if not self.inventory:
            return self.listing(FUNCTIONS)

        def from_versions() -> dict[str, dict[str, Any]]:
            latest = {}
            for name, versions in self.listing(ALL_VERSIONS).items():
                for version in versions:
                    if version.get("Version") == "$LATEST":
                        # The ALL listing qualifies $LATEST's ARN; GetFunction and ListFunctions do not.
                        arn = str(version.get("FunctionArn", "")).removesuffix(":$LATEST")
                        latest[name] = dict(version, FunctionArn=arn)
            return latest

        return self.derived("latest-configurations", from_versions)

    @reads("lambda:ListFunctions")
    def function_names(self) -> set[str]:
        """Names of every function in the region (one paginated listing, shared by all students)."""
        return set(self._latest_configurations())

    @reads("lambda:GetFunction", "lambda:ListFunctions")
    def function(self, name: str) -> dict[str, Any] | None:
        """``{"Configuration": ...}`` of the function named exactly ``name``, or None."""
        if self.inventory:
            config = self._latest_configurations().get(name)
            return None if config is None else {"Configuration": config}
        return self.read("lambda", "GetFunction", FunctionName=name)

    @reads("lambda:GetFunction", "lambda:ListTags")
    def function_tags(self, name: str) -> dict[str, str] | None:
        """The function's tags ({} when untagged), or None when it does not exist."""
        found = self.read("lambda", "GetFunction", FunctionName=name)  # no listing carries tags
        if found is None:
            return None
        if "Tags" not in found and found.get("TagsError"):
            # GetFunction returns Tags only to a caller allowed lambda:ListTags, else TagsError
            # (botocore's lambda model, GetFunctionResponse.Tags and TagsError).
            error = found["TagsError"] if isinstance(found["TagsError"], dict) else {}
            raise FactUnavailable("lambda:ListTags", "denied", str(error.get("Message") or error.get("ErrorCode")))
        return expect(found.get("Tags") or {}, dict, "lambda:GetFunction")

    @reads("lambda:GetFunction")
    def reserved_concurrency(self, name: str) -> int | None:
        """The function's reserved concurrency, None when unreserved (or the function is missing)."""
        # No listing returns it; GetFunction does, under its own quota (100 req/s, not the shared 15).
        found = self.read("lambda", "GetFunction", FunctionName=name)
        return ((found or {}).get("Concurrency") or {}).get("ReservedConcurrentExecutions")

    @reads("lambda:GetAccountSettings")
    def account_concurrency(self) -> dict[str, int]:
        """The Region's concurrency quota and what is left unreserved (GetAccountSettings' ``AccountLimit``:
        ``ConcurrentExecutions``, ``UnreservedConcurrentExecutions``); a new account's quota is 10."""
        found = self.read("lambda", "GetAccountSettings") or {}
        limit = expect(found.get("AccountLimit") or {}, dict, "lambda:GetAccountSettings")
        return {key: int(limit[key]) for key in ("ConcurrentExecutions", "UnreservedConcurrentExecutions")
                if isinstance(limit.get(key), (int, float))}

    @reads("lambda:ListLayers")
    def layer_names(self) -> set[str]:
        """Names of every layer in the region (one paginated listing)."""
        return set(self.listing(LAYERS))

    @reads("lambda:ListLayerVersions", "lambda:ListLayers")
    def latest_layer_version(self, layer_name: str) -> dict[str, Any] | None:
        """The newest version of a layer (``Version``, ``Description``, ``CompatibleRuntimes``...), or None."""
        if self.inventory:
            return (self.listing(LAYERS).get(layer_name) or {}).get("LatestMatchingVersion")
        versions = self.read("lambda", "ListLayerVersions", result_key="LayerVersions", LayerName=layer_name)
        return max(versions or [], key=lambda v: v.get("Version", 0), default=None)

    @reads("lambda:GetFunctionEventInvokeConfig")
    def event_invoke_config(self, function_name: str) -> dict[str, Any] | None:
        return self.read("lambda", "GetFunctionEventInvokeConfig", FunctionName=function_name)

    @reads("lambda:ListEventSourceMappings", "lambda:GetEventSourceMapping")
    def event_source_mappings(self, source_arn: str) -> list[dict[str, Any]]:
        """Every trigger reading from ``source_arn`` (a queue), whichever function, version or alias it
        invokes, each read again until its state has settled (at most ``SETTLE_SECONDS``)."""
        if self.inventory:
            found = self.listing(EVENT_SOURCE_MAPPINGS).get(source_arn, [])
        else:
            found = self.read("lambda", "ListEventSourceMappings", result_key="EventSourceMappings",
                              EventSourceArn=source_arn) or []
        return [self._settled(mapping) for mapping in found]

    def _settled(self, mapping: dict[str, Any]) -> dict[str, Any]:
        uuid = mapping.get("UUID")
        attempt, deadline = 0, time.monotonic() + SETTLE_SECONDS
        while mapping.get("State") in SETTLING_STATES and uuid and time.monotonic() < deadline:
            time.sleep(SETTLE_INTERVAL)
            attempt += 1
            mapping = self.read("lambda", "GetEventSourceMapping", UUID=uuid, again=attempt) or mapping
        return mapping

    @reads("lambda:ListAliases")
    def aliases(self, function_name: str) -> list[dict[str, Any]] | None:
        return self.read("lambda", "ListAliases", result_key="Aliases", FunctionName=function_name)

    @reads("lambda:ListVersionsByFunction", "lambda:ListFunctions")
    def versions(self, function_name: str) -> list[dict[str, Any]] | None:
        """$LATEST and every published version of the function, or None when it does not exist."""
        if self.inventory:
            return self.listing(ALL_VERSIONS).get(function_name)
        return self.read("lambda", "ListVersionsByFunction", result_key="Versions", FunctionName=function_name)

    @reads("lambda:GetProvisionedConcurrencyConfig")
    def provisioned_concurrency(self, function_name: str, qualifier: str) -> dict[str, Any] | None:
        """The alias's provisioned concurrency (``Status`` read again while IN_PROGRESS, a few seconds)."""
        config = self.read("lambda", "GetProvisionedConcurrencyConfig", FunctionName=function_name,
                           Qualifier=qualifier)
        attempt, deadline = 0, time.monotonic() + SETTLE_SECONDS
        while config and config.get("Status") in PROVISIONING_STATES and time.monotonic() < deadline:
            time.sleep(SETTLE_INTERVAL)
            attempt += 1
            config = self.read("lambda", "GetProvisionedConcurrencyConfig", FunctionName=function_name,
                               Qualifier=qualifier, again=attempt) or config
        return config

    @reads("lambda:GetPolicy")
    def function_policy(self, function_name: str) -> dict[str, Any] | None:
        """The function's resource-based policy document, or None when it has none."""
        response = self.read("lambda", "GetPolicy", FunctionName=function_name)
        if response is None:
            return None
        return json_document(response.get("Policy"), "lambda:GetPolicy")

