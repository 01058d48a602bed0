"""Lambda: where moto's Lambda differs from AWS's in what these assessments build and read."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from grader.emulator.patches._common import JSON, SWITCHES, function_key, page, require

# --- Lambda: DeadLetterConfig is dropped on create and update -------------------------------------


def dead_letter_config() -> None:
    from moto.awslambda.models import LambdaFunction

    original_init = require(LambdaFunction, "__init__")
    original_get_configuration = require(LambdaFunction, "get_configuration")
    original_update = require(LambdaFunction, "update_configuration")

    def __init__(self: Any, account_id: str, spec: dict[str, Any], region: str, version: Any = 1) -> None:
        original_init(self, account_id, spec, region, version)
        self.dead_letter_config = _dead_letter_or_none(spec.get("DeadLetterConfig"))

    def get_configuration(self: Any, on_create: bool = False) -> dict[str, Any]:
        config = original_get_configuration(self, on_create)
        dead_letter = getattr(self, "dead_letter_config", None)
        if dead_letter:
            config["DeadLetterConfig"] = dict(dead_letter)
        return config

    def update_configuration(self: Any, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            # AWS removes the DLQ when TargetArn is empty ("--dead-letter-config TargetArn=").
            self.dead_letter_config = _dead_letter_or_none(config_updates["DeadLetterConfig"])
        return original_update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


def _dead_letter_or_none(config: Any) -> dict[str, str] | None:
    if isinstance(config, dict) and config.get("TargetArn"):
        return {"TargetArn": config["TargetArn"]}
    return None


# --- Lambda: VpcConfig.VpcId is always vpc-123abc -------------------------------------------------


def vpc_id() -> None:
    from moto.awslambda.models import LambdaFunction

    require(LambdaFunction, "vpc_config")

    def vpc_config(self: Any) -> dict[str, Any] | None:
        if not self._vpc_config:
            return None
        config = {
            "SubnetIds": list(self._vpc_config.get("SubnetIds") or []),
            "SecurityGroupIds": list(self._vpc_config.get("SecurityGroupIds") or []),
        }
        # AWS reports the VPC of the subnets, and an empty VpcId once the function left its VPC.
        config["VpcId"] = _vpc_of_subnets(self.account_id, self.region, config["SubnetIds"])
        return config

    LambdaFunction.vpc_config = property(vpc_config)


def _vpc_of_subnets(account_id: str, region: str, subnet_ids: list[str]) -> str:
    if not subnet_ids:
        return ""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[account_id][region]
    for subnet_id in subnet_ids:
        try:
            return backend.get_subnet(subnet_id).vpc_id
        except Exception:  # an unknown subnet: AWS would have rejected it at create time
            continue
    return ""


# --- Lambda: layers published by another account (Lambda Insights) --------------------------------

_LAYER_VERSION_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"layer:(?P<name>[A-Za-z0-9_-]+):(?P<version>\d+)$"
)


def cross_account_layers() -> None:
    from moto.awslambda.exceptions import UnknownLayerVersionException
    from moto.awslambda.models import LambdaFunction, lambda_backends

    require(LambdaFunction, "_get_layers_data")

    def _get_layers_data(self: Any, layer_version_arns: list[str]) -> list[dict[str, Any]]:
        backend = lambda_backends[self.account_id][self.region]
        layers = []
        for arn in layer_version_arns:
            match = _LAYER_VERSION_ARN.match(arn)
            if match and match["account"] != self.account_id:
                # The emulator holds one account: another account's published layer (the Lambda
                # Insights extension) is trusted as AWS trusts a layer shared with the caller, and its
                # ARN is kept as given rather than rewritten to a same-named local layer.
                layers.append({"Arn": arn, "CodeSize": 0})
                continue
            version = backend.layers_versions_by_arn(arn) if match else None
            if version is None or (match and match["region"] != self.region):
                raise UnknownLayerVersionException(layer_version_arns)
            layers.append({"Arn": version.arn, "CodeSize": version.code_size})
        return layers

    LambdaFunction._get_layers_data = _get_layers_data


# --- Lambda: ListEventSourceMappings(FunctionName=...) matches only the creator's exact string -----


def event_source_mapping_filter() -> None:
    from moto.awslambda.models import LambdaBackend

    require(LambdaBackend, "list_event_source_mappings")

    def list_event_source_mappings(self: Any, event_source_arn: str, function_name: str) -> list[Any]:
        mappings = list(self._event_source_mappings.values())
        if event_source_arn:
            mappings = [m for m in mappings if m.event_source_arn == event_source_arn]
        if function_name:
            # AWS accepts a name, a full or partial ARN, with or without a qualifier, and compares
            # the function it designates.
            wanted = function_key(function_name)
            mappings = [m for m in mappings if function_key(m.function_arn) == wanted]
        return mappings

    LambdaBackend.list_event_source_mappings = list_event_source_mappings


# --- Lambda: ListEventSourceMappings ignores MaxItems / Marker --------------------------------------


def event_source_mapping_paging() -> None:
    """AWS pages at 100 mappings at most (botocore: ListEventSourceMappingsRequest.MaxItems), with NextMarker."""
    from moto.awslambda.responses import LambdaResponse

    require(LambdaResponse, "list_event_source_mappings")

    def list_event_source_mappings(self: Any) -> str:
        mappings = self.backend.list_event_source_mappings(self.querystring.get("EventSourceArn", [None])[0],
                                                           self.querystring.get("FunctionName", [None])[0])
        chunk, next_marker = page(list(mappings), start=self.querystring.get("Marker", [None])[0],
                                  size=self.querystring.get("MaxItems", [None])[0], limit=100)
        result: dict[str, Any] = {"EventSourceMappings": [mapping.get_configuration() for mapping in chunk]}
        if next_marker:
            result["NextMarker"] = next_marker
        return json.dumps(result)

    LambdaResponse.list_event_source_mappings = list_event_source_mappings


# --- Lambda: an event source mapping is Enabled or Disabled the moment it is created or updated ---------


def event_source_mapping_states() -> None:
    """As recorded on AWS: Creating after a create (Disabled at once when created disabled), Enabling or
    Disabling after an update that switches it, Updating after any other update; then Enabled or Disabled.
    How long a transition lasts is ``SWITCHES.settle_seconds`` (0: no transition, moto's way). The
    StateTransitionReason is AWS's: USER_INITIATED for SQS, "User action" for streams."""
    from moto.awslambda.models import EventSourceMapping, LambdaBackend

    original_init = require(EventSourceMapping, "__init__")
    original_configuration = require(EventSourceMapping, "get_configuration")
    original_update = require(LambdaBackend, "update_event_source_mapping")

    def __init__(self: Any, spec: dict[str, Any]) -> None:
        original_init(self, spec)
        self.grader_transition = _transition("Creating") if self.enabled else None

    def get_configuration(self: Any) -> dict[str, Any]:
        config = original_configuration(self)
        transition = getattr(self, "grader_transition", None)
        if transition is not None and time.monotonic() < transition[1]:
            config["State"] = transition[0]
        source = self.event_source_arn.split(":")[2]
        config["StateTransitionReason"] = "USER_INITIATED" if source == "sqs" else "User action"
        return config

    def update_event_source_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
        before = self.get_event_source_mapping(uuid)
        was_enabled = before.enabled if before is not None else None
        mapping = original_update(self, uuid, spec)
        if mapping is not None:
            if bool(mapping.enabled) != bool(was_enabled):
                mapping.grader_transition = _transition("Enabling" if mapping.enabled else "Disabling")
            else:
                mapping.grader_transition = _transition("Updating")
        return mapping

    EventSourceMapping.__init__ = __init__
    EventSourceMapping.get_configuration = get_configuration
    LambdaBackend.update_event_source_mapping = update_event_source_mapping


def _transition(state: str) -> tuple[str, float] | None:
    """A transitional state and when it ends, or None when the emulator settles at once."""
    seconds = SWITCHES.settle_seconds
    return (state, time.monotonic() + seconds) if seconds > 0 else None


# --- Lambda: a second PutFunctionEventInvokeConfig is ignored (appended; Get returns the first) -----


def event_invoke_config_replace() -> None:
    from moto.awslambda.models import EventInvokeConfig, LambdaBackend

    require(LambdaBackend, "put_function_event_invoke_config")
    require(LambdaBackend, "update_function_event_invoke_config")

    def put_function_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
        # Put replaces the whole configuration, as in AWS.
        fn = self.get_function(function_name)
        event_config = EventInvokeConfig(fn.function_arn, fn.last_modified, config)
        fn.event_invoke_config = [event_config]
        return event_config.response()

    def update_function_event_invoke_config(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
        # Update changes only the settings it is given, as in AWS.
        fn = self.get_function(function_name)
        current = dict(fn.event_invoke_config[0].config) if fn.event_invoke_config else {}
        current.update({k: v for k, v in config.items() if k != "FunctionName"})
        return put_function_event_invoke_config(self, function_name, current)

    LambdaBackend.put_function_event_invoke_config = put_function_event_invoke_config
    LambdaBackend.update_function_event_invoke_config = update_function_event_invoke_config


# --- Lambda: ListFunctions ignores MaxItems / Marker ----------------------------------------------


def list_functions_paging() -> None:
    from moto.awslambda.responses import LambdaResponse

    require(LambdaResponse, "list_functions")

    def list_functions(self: Any) -> str:
        func_version = self.querystring.get("FunctionVersion", [None])[0]
        chunk, next_marker = page(
            _function_configurations(self.backend, func_version == "ALL"),
            start=self.querystring.get("Marker", [None])[0],
            size=self.querystring.get("MaxItems", [None])[0],
            limit=50,  # AWS returns at most 50 functions per call
        )
        result: dict[str, Any] = {"Functions": chunk}
        if next_marker:
            result["NextMarker"] = next_marker
        return json.dumps(result)

    LambdaResponse.list_functions = list_functions


def _function_configurations(backend: Any, all_versions: bool) -> list[dict[str, Any]]:
    """Configurations in a stable order; with ALL, $LATEST first then each version, as AWS lists them.

    moto deep-copies every function to list all versions; reading the configurations directly gives
    the same answer without the copies (a class-sized account lists thousands).
    """
    configs = []
    for _name, group in sorted(backend._lambdas._functions.items()):
        latest = group["latest"]
        if latest is None:
            continue
        config = latest.get_configuration()
        if all_versions:
            config["FunctionArn"] = f"{config['FunctionArn']}:$LATEST"
            configs.append(config)
            configs += [v.get_configuration() for v in sorted(group["versions"], key=lambda v: int(v.version))]
        else:
            configs.append(config)
    return configs


# --- Lambda: UpdateFunctionCode ignores Architectures ------------------------------------------------


def update_code_architectures() -> None:
    """AWS changes the architecture with the code (the only way to change it); moto kept the old one."""
    from moto.awslambda.models import LambdaFunction

    original = require(LambdaFunction, "update_function_code")

    def update_function_code(self: Any, updated_spec: dict[str, Any]) -> dict[str, Any]:
        if "Architectures" in updated_spec:
            self.architectures = updated_spec["Architectures"]  # moto's setter validates, as AWS does
        return original(self, updated_spec)

    LambdaFunction.update_function_code = update_function_code


# --- Lambda: Invoke runs functions in Docker --------------------------------------------------------


def local_python_runtime() -> None:
    """Without Docker, moto's Invoke answers with a Docker error. Python functions run in the local
    runtime instead (``grader/emulator/runtime.py``), as their execution role; others keep moto's way.
    Like AWS, an ``Event`` invocation is accepted at once and runs in the background, and ``DryRun``
    runs nothing (moto ran both, synchronously)."""
    import boto3
    from moto.awslambda.models import LambdaFunction
    from moto.awslambda.utils import get_backend

    import grader.emulator.runtime as runtime  # the module itself, not the package that applies these patches

    original = require(LambdaFunction, "_invoke_lambda")

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        url = runtime.ENDPOINT.get("url")
        if not url or not str(self.run_time or "").startswith("python") or not self.code_bytes:
            return original(self, event)
        self.logs_backend.ensure_log_group(self.logs_group_name)
        backend = get_backend(self.account_id, self.region)
        layers = [version.code_bytes for version in (backend.layers_versions_by_arn(layer["Arn"])
                                                     for layer in self.layers or []) if version is not None]
        sts = boto3.client("sts", region_name=self.region, endpoint_url=url, aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        credentials = sts.assume_role(RoleArn=self.role, RoleSessionName=self.function_name[:64])["Credentials"]
        answer, failed, logs = runtime.run(self, {} if event is None else event, layers, credentials)
        self.save_logs(logs)
        return answer, failed, logs

    original_invoke = require(LambdaFunction, "invoke")

    def invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
        kind = request_headers.get("x-amz-invocation-type", "RequestResponse")
        if kind == "DryRun":  # AWS only checks that the call may be made: nothing runs
            return ""
        if kind == "Event" and runtime.ENDPOINT.get("url"):  # accepted at once (202), run in the background
            def run() -> None:
                try:
                    original_invoke(self, body, {}, {})
                except Exception:  # an asynchronous failure is the function's, not the caller's
                    pass

            threading.Thread(target=run, name="lambda-event", daemon=True).start()
            return ""
        return original_invoke(self, body, request_headers, response_headers)

    LambdaFunction._invoke_lambda = _invoke_lambda
    LambdaFunction.invoke = invoke


# --- Lambda: provisioned concurrency is not implemented -------------------------------------------


def provisioned_concurrency() -> None:
    from moto.awslambda import urls
    from moto.awslambda.exceptions import InvalidParameterValueException, LambdaClientError
    from moto.awslambda.responses import LambdaResponse
    from moto.awslambda.utils import make_function_arn

    class ProvisionedConcurrencyConfigNotFound(LambdaClientError):
        code = 404

        def __init__(self) -> None:
            super().__init__(
                "ProvisionedConcurrencyConfigNotFoundException",
                "No Provisioned Concurrency Config found for this function",
            )

    def _configs(backend: Any) -> dict[tuple[str, str], dict[str, Any]]:
        if not hasattr(backend, "_provisioned_concurrency"):
            backend._provisioned_concurrency = {}
        return backend._provisioned_concurrency

    def _resolve(backend: Any, function_name: str, qualifier: str | None) -> tuple[Any, str]:
        name, qualifier_in_name = function_key(function_name)
        qualifier = qualifier or qualifier_in_name
        if not qualifier or qualifier == "$LATEST":
            raise InvalidParameterValueException(
                "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
            )
        # Raises ResourceNotFoundException for an unknown function, alias or version, as AWS does.
        function = backend.get_function(name, qualifier)
        return function, qualifier

    def put_provisioned_concurrency_config(self: Any) -> Any:
        function_name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        requested = int(self.json_body["ProvisionedConcurrentExecutions"])
        if requested < 1:
            raise InvalidParameterValueException("ProvisionedConcurrentExecutions must be at least 1.")
        function, qualifier = _resolve(self.backend, function_name, qualifier)
        alias = next((a for a in self.backend.list_aliases(function.function_name) if a.name == qualifier), None)
        if alias is not None and (alias.routing_config or {}).get("AdditionalVersionWeights"):
            # AWS's refusal (quoted in hashicorp/terraform#24957); weights added afterwards are accepted.
            raise InvalidParameterValueException("Alias with weights can not be used with Provisioned Concurrency")
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        config = {
            "FunctionArn": f"{make_function_arn(self.region, self.current_account, function.function_name)}:{qualifier}",
            "RequestedProvisionedConcurrentExecutions": requested,
            # The emulator has nothing to warm up: the allocation is complete at once.
            "AvailableProvisionedConcurrentExecutions": requested,
            "AllocatedProvisionedConcurrentExecutions": requested,
            "Status": "READY",
            "LastModified": now,
        }
        _configs(self.backend)[(function.function_name, qualifier)] = config
        body = {k: v for k, v in config.items() if k != "FunctionArn"}
        return 202, JSON, json.dumps(dict(body, Status="IN_PROGRESS"))

    def get_provisioned_concurrency_config(self: Any) -> Any:
        if "List" in self.querystring:  # moto 5.2.1's router does not tell ?List=ALL apart
            return list_provisioned_concurrency_configs(self)
        function_name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        function, qualifier = _resolve(self.backend, function_name, qualifier)
        config = _configs(self.backend).get((function.function_name, qualifier))
        if config is None:
            raise ProvisionedConcurrencyConfigNotFound()
        return 200, JSON, json.dumps({k: v for k, v in config.items() if k != "FunctionArn"})

    def list_provisioned_concurrency_configs(self: Any) -> Any:
        name, _ = function_key(unquote(self.path.split("?")[0].rstrip("/").split("/")[-2]))
        self.backend.get_function(name)  # ResourceNotFoundException for an unknown function
        configs = [c for (fn, _q), c in _configs(self.backend).items() if fn == name]
        return 200, JSON, json.dumps({"ProvisionedConcurrencyConfigs": configs})

    def delete_provisioned_concurrency_config(self: Any) -> Any:
        function_name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        function, qualifier = _resolve(self.backend, function_name, qualifier)
        _configs(self.backend).pop((function.function_name, qualifier), None)
        return 204, {"status": 204}, ""

    LambdaResponse.put_provisioned_concurrency_config = put_provisioned_concurrency_config
    LambdaResponse.get_provisioned_concurrency_config = get_provisioned_concurrency_config
    LambdaResponse.list_provisioned_concurrency_configs = list_provisioned_concurrency_configs
    LambdaResponse.delete_provisioned_concurrency_config = delete_provisioned_concurrency_config

    # Both forms the AWS CLI sends: plain and with ?List=ALL; the operation is picked by moto's router.
    rule = r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/provisioned-concurrency/?$"
    urls.url_paths[rule] = LambdaResponse.dispatch
