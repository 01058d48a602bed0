"""Lambda: functions, versions, aliases, layers, invoke configuration, triggers, policies."""

from __future__ import annotations

import re
import time
from typing import Any

from grader.aws.actions import reads
from grader.aws.errors import FactUnavailable
from grader.aws.packages import Package
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
# A layer version's ARN (botocore's lambda model, LayerVersionArn): the layer's own ARN, then the version.
LAYER_VERSION_ARN = re.compile(r"^(?P<layer>arn:[a-z-]+:lambda:(?P<region>[a-z0-9-]+):\d{12}:layer:[A-Za-z0-9_-]+)"
                               r":(?P<version>\d+)$")


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

    # --- deployment packages (grader/aws/package_reader.py) ----------------------------------------

    @reads("lambda:GetFunction")
    def function_package(self, name: str) -> Package | None:
        """What the function's deployment package holds (read from ``Code.Location``), or None when the function
        does not exist; ``Package.broken`` when its code cannot be judged (a container image, not a zip...)."""
        def load() -> Package | None:
            found = self.read("lambda", "GetFunction", FunctionName=name)
            if found is None:
                return None
            config = expect(found.get("Configuration") or {}, dict, "lambda:GetFunction")
            code = expect(found.get("Code") or {}, dict, "lambda:GetFunction")
            sha256, size = str(config.get("CodeSha256") or ""), int(config.get("CodeSize") or 0)
            if code.get("RepositoryType") == "ECR" or code.get("ImageUri") or config.get("PackageType") == "Image":
                return Package.broken(f"a container image ({code.get('ImageUri') or 'from Amazon ECR'}), not a .zip "
                                      "package: its code cannot be read", sha256=sha256, size=size)

            def fresh() -> str | None:  # the URL is valid for ten minutes: ask again for another
                again = self.read("lambda", "GetFunction", FunctionName=name, again=1) or {}
                return (again.get("Code") or {}).get("Location")

            return self._package(code.get("Location"), sha256, size, fresh, "lambda:GetFunction", code.get("Error"))

        return self.once(("package", "function", name), load, "lambda:GetFunction")

    @reads("lambda:GetLayerVersion")
    def layer_package(self, layer_version_arn: str) -> Package | None:
        """What a layer version's archive holds (read from ``Content.Location``), or None when there is no such
        layer version (or the ARN is not one)."""
        match = LAYER_VERSION_ARN.match(layer_version_arn or "")
        if match is None:
            return None
        if match["region"] != self.region:  # a layer lives in its function's region; asked there
            return self.in_region(match["region"]).layer_package(layer_version_arn)  # type: ignore[attr-defined]

        def load() -> Package | None:
            def content(again: int = 0) -> dict[str, Any] | None:
                found = self.read("lambda", "GetLayerVersion", LayerName=match["layer"],
                                  VersionNumber=int(match["version"]), again=again)
                return None if found is None else expect(found.get("Content") or {}, dict, "lambda:GetLayerVersion")

            found = content()
            if found is None:
                return None
            return self._package(found.get("Location"), str(found.get("CodeSha256") or ""),
                                 int(found.get("CodeSize") or 0), lambda: (content(1) or {}).get("Location"),
                                 "lambda:GetLayerVersion")

        return self.once(("package", "layer", layer_version_arn), load, "lambda:GetLayerVersion")

    def _package(self, location: Any, sha256: str, size: int, fresh: Any, action: str,
                 error: Any = None) -> Package:
        if not isinstance(location, str) or not location:
            # GetFunction says why in Code.Error (botocore's lambda model, FunctionCodeLocationError).
            why = f": {error.get('ErrorCode')}: {error.get('Message')}" if isinstance(error, dict) else ""
            raise FactUnavailable(action, "unexpected", f"the answer has no download URL (Location){why}")
        if self.packages is None:
            from grader.aws.package_reader import PackageReader

            self.packages = PackageReader(getattr(self.session, "package_transport", None))
        # The grader's own endpoint (the emulator, a test proxy) serves its packages itself.
        endpoint = str(self.session.client("lambda", self.region).meta.endpoint_url).rstrip("/")
        return self.packages.package(location, sha256=sha256, size=size, region=self.region, trusted=(endpoint,),
                                     refresh=fresh, action=action)
