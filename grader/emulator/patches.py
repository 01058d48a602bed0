"""Close the gaps between moto and real AWS that this project's assessments hit.

Each patch replaces one moto internal, named in ``shared/emulator-notes.md``. They are applied once,
before the emulator serves its first request (the Flask URL map of a service is built then), and only
on a moto version they were tested against: an untested version fails loudly instead of grading
against an emulator that quietly behaves differently.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

TESTED_MOTO = ((5, 2, 1), (5, 3, 0))  # [lower, upper): tested on 5.2.1 and 5.2.5

_applied = False
_lock = threading.Lock()


class UntestedMotoVersion(RuntimeError):
    pass


def check_version(version: str) -> None:
    """Refuse a moto the patches were not tested on."""
    low, high = TESTED_MOTO
    parsed = tuple(int(part) for part in re.findall(r"\d+", version)[:3])
    if not low <= parsed < high:
        raise UntestedMotoVersion(
            f"moto {version} is untested with this emulator "
            f"(tested: >= {'.'.join(map(str, low))}, < {'.'.join(map(str, high))}); "
            "install a tested version: pip install -e '.[sandbox]'"
        )


def apply() -> None:
    """Apply every patch once (idempotent, thread-safe)."""
    global _applied
    with _lock:
        if _applied:
            return
        import moto

        check_version(moto.__version__)
        _patch_dead_letter_config()
        _patch_vpc_id()
        _patch_cross_account_layers()
        _patch_event_source_mapping_filter()
        _patch_event_invoke_config_replace()
        _patch_list_functions_paging()
        _patch_describe_alarms_paging()
        _patch_provisioned_concurrency()
        _patch_deregister_deletes_policies()
        _patch_scaling_policy_needs_target()
        _patch_describe_scalable_targets_paging()
        _patch_iam_enforcement()
        _patch_simulate_principal_policy()
        _patch_account_lookup()
        _patch_update_code_architectures()
        _patch_rest_api_paging()
        _patch_s3_lambda_notifications()
        _patch_local_python_runtime()
        _applied = True


def _require(owner: Any, name: str) -> Any:
    """The moto internal a patch replaces; fail loudly if moto renamed it."""
    if not hasattr(owner, name):
        raise UntestedMotoVersion(f"moto internal {owner.__name__}.{name} is gone; patches need updating")
    return getattr(owner, name)


# --- Lambda: DeadLetterConfig is dropped on create and update -------------------------------------


def _patch_dead_letter_config() -> None:
    from moto.awslambda.models import LambdaFunction

    original_init = _require(LambdaFunction, "__init__")
    original_get_configuration = _require(LambdaFunction, "get_configuration")
    original_update = _require(LambdaFunction, "update_configuration")

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


def _patch_vpc_id() -> None:
    from moto.awslambda.models import LambdaFunction

    _require(LambdaFunction, "vpc_config")

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


def _patch_cross_account_layers() -> None:
    from moto.awslambda.exceptions import UnknownLayerVersionException
    from moto.awslambda.models import LambdaFunction, lambda_backends

    _require(LambdaFunction, "_get_layers_data")

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


def _patch_event_source_mapping_filter() -> None:
    from moto.awslambda.models import LambdaBackend

    _require(LambdaBackend, "list_event_source_mappings")

    def list_event_source_mappings(self: Any, event_source_arn: str, function_name: str) -> list[Any]:
        mappings = list(self._event_source_mappings.values())
        if event_source_arn:
            mappings = [m for m in mappings if m.event_source_arn == event_source_arn]
        if function_name:
            # AWS accepts a name, a full or partial ARN, with or without a qualifier, and compares
            # the function it designates.
            wanted = _function_key(function_name)
            mappings = [m for m in mappings if _function_key(m.function_arn) == wanted]
        return mappings

    LambdaBackend.list_event_source_mappings = list_event_source_mappings


def _function_key(name_or_arn: str) -> tuple[str, str | None]:
    """(function name, qualifier) of a name, partial ARN (ACCOUNT:function:NAME) or full ARN."""
    parts = name_or_arn.split(":")
    if "function" in parts:
        rest = parts[parts.index("function") + 1 :]
    else:
        rest = parts
    return rest[0], (rest[1] if len(rest) > 1 else None)


# --- Lambda: a second PutFunctionEventInvokeConfig is ignored (appended; Get returns the first) -----


def _patch_event_invoke_config_replace() -> None:
    from moto.awslambda.models import EventInvokeConfig, LambdaBackend

    _require(LambdaBackend, "put_function_event_invoke_config")
    _require(LambdaBackend, "update_function_event_invoke_config")

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


def _patch_list_functions_paging() -> None:
    from moto.awslambda.responses import LambdaResponse

    _require(LambdaResponse, "list_functions")

    def list_functions(self: Any) -> str:
        func_version = self.querystring.get("FunctionVersion", [None])[0]
        page, next_marker = _page(
            _function_configurations(self.backend, func_version == "ALL"),
            start=self.querystring.get("Marker", [None])[0],
            size=self.querystring.get("MaxItems", [None])[0],
            limit=50,  # AWS returns at most 50 functions per call
        )
        result: dict[str, Any] = {"Functions": page}
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


def _page(items: list[Any], start: str | None, size: str | int | None, limit: int) -> tuple[list[Any], str | None]:
    """One page of items; markers are plain offsets, opaque to the client as AWS's are."""
    offset = int(start) if start and str(start).isdigit() else 0
    count = min(int(size), limit) if size else limit
    page = items[offset : offset + count]
    more = offset + count < len(items)
    return page, (str(offset + count) if more else None)


# --- CloudWatch: DescribeAlarms ignores MaxRecords / NextToken ------------------------------------


def _patch_describe_alarms_paging() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse
    from moto.core.responses import ActionResult

    original = _require(CloudWatchResponse, "describe_alarms")

    def describe_alarms(self: Any) -> Any:
        result = original(self).result
        metric_alarms = sorted(result["MetricAlarms"], key=lambda alarm: alarm.name)
        page, next_token = _page(
            metric_alarms,
            start=self._get_param("NextToken"),
            size=self._get_param("MaxRecords"),
            limit=100,  # AWS's MaxRecords ceiling
        )
        paged = {"MetricAlarms": page, "CompositeAlarms": result["CompositeAlarms"]}
        if next_token:
            paged["NextToken"] = next_token
        return ActionResult(paged)

    CloudWatchResponse.describe_alarms = describe_alarms


# --- Application Auto Scaling: deregistering a target leaves its scaling policies behind ----------


def _patch_deregister_deletes_policies() -> None:
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

    original = _require(ApplicationAutoscalingBackend, "deregister_scalable_target")

    def deregister_scalable_target(self: Any, namespace: str, r_id: str, dimension: str) -> None:
        original(self, namespace, r_id, dimension)  # raises ValidationException for an unknown target
        # AWS deletes the target's scaling policies (and their alarms) with it.
        for key, policy in list(self.policies.items()):
            if (policy.service_namespace, policy.resource_id, policy.scalable_dimension) == (namespace, r_id, dimension):
                policy.delete_alarms(self.account_id, self.region_name)
                del self.policies[key]

    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target


# --- Application Auto Scaling: PutScalingPolicy accepts any dimension and no registered target ------


def _patch_scaling_policy_needs_target() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    original = _require(ApplicationAutoScalingResponse, "put_scaling_policy")
    _require(ApplicationAutoScalingResponse, "_validate_params")

    def put_scaling_policy(self: Any) -> str:
        self._validate_params()  # enum checks on namespace and dimension, as RegisterScalableTarget does
        backend = self.applicationautoscaling_backend
        namespace, resource_id = self._get_param("ServiceNamespace"), self._get_param("ResourceId")
        dimension = self._get_param("ScalableDimension")
        if not backend._scalable_target_exists(resource_id, dimension):
            raise JsonRESTError(
                "ObjectNotFoundException",
                f"No scalable target registered for service namespace: {namespace}, resource ID: {resource_id}, "
                f"scalable dimension: {dimension}",
            )
        return original(self)

    ApplicationAutoScalingResponse.put_scaling_policy = put_scaling_policy


# --- Application Auto Scaling: DescribeScalableTargets repeats its first NextToken forever ---------


def _patch_describe_scalable_targets_paging() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse, _build_target

    _require(ApplicationAutoScalingResponse, "describe_scalable_targets")

    def describe_scalable_targets(self: Any) -> str:
        self._validate_params()
        targets = self.applicationautoscaling_backend.describe_scalable_targets(
            self._get_param("ServiceNamespace"), self._get_param("ResourceIds"), self._get_param("ScalableDimension")
        )
        page, next_token = _page(targets, start=self._get_param("NextToken"),
                                 size=self._get_int_param("MaxResults"), limit=50)
        return json.dumps({"ScalableTargets": [_build_target(t) for t in page], "NextToken": next_token})

    ApplicationAutoScalingResponse.describe_scalable_targets = describe_scalable_targets


# --- IAM enforcement (INITIAL_NO_AUTH_ACTION_COUNT) in server mode ------------------------------


def _patch_iam_enforcement() -> None:
    """Three gaps when moto checks signatures and permissions, as a least-privilege test needs:

    - a body-less request (a Lambda GET) is verified against its parsed query as payload, so every
      such signature "does not match";
    - CloudWatch's actions are named after its signing name (``monitoring:``), not IAM's ``cloudwatch:``,
      and API Gateway's after its operations, not IAM's ``apigateway:GET``/``POST``/...;
    - the denial is XML even for JSON services, which their clients cannot read.
    """
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError
    from moto.iam.access_control import IAMRequestBase

    original_create = _require(IAMRequestBase, "_create_aws_request")
    original_init = _require(IAMRequestBase, "__init__")
    original_authorize = _require(ActionAuthenticatorMixin, "_authenticate_and_authorize_action")

    def _create_aws_request(self: Any) -> Any:
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            saved, self._data = self._data, b""  # the payload that was signed: none
            try:
                return original_create(self)
            finally:
                self._data = saved
        return original_create(self)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self._action.startswith("monitoring:"):
            self._action = "cloudwatch:" + self._action.split(":", 1)[1]
        elif self._action.startswith("apigateway:"):  # API Gateway's IAM actions are its HTTP methods
            self._action = f"apigateway:{self._method.upper()}"

    def _authenticate_and_authorize_action(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            original_authorize(self, *args, **kwargs)
        except Exception as exc:
            error_type = getattr(exc, "error_type", None)
            rest_json = getattr(self, "service_name", "") in ("awslambda", "apigateway")
            json_protocol = self.headers.get("X-Amz-Target") or rest_json
            if not error_type or not json_protocol or isinstance(exc, JsonRESTError):
                raise
            if rest_json and error_type == "AccessDenied":
                error_type = "AccessDeniedException"  # Lambda's and API Gateway's name for it
            json_error = JsonRESTError(error_type, getattr(exc, "message", str(exc)))
            json_error.code = getattr(exc, "code", 403)
            raise json_error from exc

    IAMRequestBase._create_aws_request = _create_aws_request
    IAMRequestBase.__init__ = __init__
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action


# --- IAM: SimulatePrincipalPolicy is not implemented ----------------------------------------------


def _patch_simulate_principal_policy() -> None:
    """Evaluate a user's or role's own policies with moto's policy engine (explicit Deny first)."""
    from moto.core.responses import ActionResult
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.iam.responses import IamResponse

    if hasattr(IamResponse, "simulate_principal_policy"):
        raise UntestedMotoVersion("moto now implements SimulatePrincipalPolicy; drop this patch")

    def policies_of(backend: Any, arn: str) -> list[Any]:
        name = arn.rsplit("/", 1)[-1]
        if ":role/" in arn:
            inline = [backend.get_role_policy(name, p)[1] for p in backend.list_role_policies(name)]
            return inline + list(backend.list_attached_role_policies(name)[0])
        if ":user/" in arn:
            inline = [backend.get_user_policy(name, p) for p in backend.list_user_policies(name)]
            documents = inline + list(backend.list_attached_user_policies(name)[0])
            for group in backend.get_groups_for_user(name):
                documents += [backend.get_group_policy(group.name, p) for p in backend.list_group_policies(group.name)]
            return documents
        backend.get_role_by_arn(arn)  # raises NoSuchEntity for anything else
        return []

    def simulate_principal_policy(self: Any) -> Any:
        documents = policies_of(self.backend, self._get_param("PolicySourceArn"))
        results = []
        for action in self._get_param("ActionNames", []):
            for resource in self._get_param("ResourceArns", []) or ["*"]:
                decision = "implicitDeny"
                for document in documents:
                    outcome = IAMPolicy(document).is_action_permitted(action, resource)
                    if outcome == PermissionResult.DENIED:
                        decision = "explicitDeny"
                        break
                    if outcome == PermissionResult.PERMITTED:
                        decision = "allowed"
                results.append({"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": decision,
                                "MatchedStatements": [], "MissingContextValues": []})
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    IamResponse.simulate_principal_policy = simulate_principal_policy


_JSON = {"Content-Type": "application/json"}


# --- IAM: finding an access key's account builds every partition's backend of every account ------


def _patch_account_lookup() -> None:
    """Speed only, same answers: every request looks up which account its access key belongs to, and
    moto's lookup created the IAM backend of all six partitions of every account on the way — each
    loading about 1,600 AWS managed policies (0.2 s), so a new account's first request took over a
    second. A key can only be in a backend that exists: look there alone."""
    from moto.iam import models

    _require(models, "get_account_id_from")

    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(models.iam_backends.items()):
            for backend in list(account.values()):  # the partitions that exist; none is created
                if access_key in backend.access_keys:
                    return account_id
        return models.DEFAULT_ACCOUNT_ID

    models.get_account_id_from = get_account_id_from


# --- Lambda: UpdateFunctionCode ignores Architectures ------------------------------------------------


def _patch_update_code_architectures() -> None:
    """AWS changes the architecture with the code (the only way to change it); moto kept the old one."""
    from moto.awslambda.models import LambdaFunction

    original = _require(LambdaFunction, "update_function_code")

    def update_function_code(self: Any, updated_spec: dict[str, Any]) -> dict[str, Any]:
        if "Architectures" in updated_spec:
            self.architectures = updated_spec["Architectures"]  # moto's setter validates, as AWS does
        return original(self, updated_spec)

    LambdaFunction.update_function_code = update_function_code


# --- API Gateway: GetRestApis and GetResources ignore limit / position ----------------------------


def _patch_rest_api_paging() -> None:
    """AWS pages both at 25 items by default (500 at most), with an opaque ``position`` to go on."""
    from moto.apigateway.responses import APIGatewayResponse

    _require(APIGatewayResponse, "get_rest_apis")
    _require(APIGatewayResponse, "get_resources")

    def paged(self: Any, items: list[dict[str, Any]]) -> str:
        page, position = _page(items, start=self._get_param("position"), size=self._get_param("limit") or 25,
                               limit=500)
        return json.dumps({"item": page, **({"position": position} if position else {})})

    def get_rest_apis(self: Any) -> str:
        apis = sorted(self.backend.list_apis(), key=lambda api: api.id)
        return paged(self, [api.to_dict() for api in apis])

    def get_resources(self: Any) -> str:
        api_id = self.path.replace("/restapis/", "", 1).split("/")[0]
        resources = sorted(self.backend.get_resources(api_id), key=lambda resource: resource.id)
        return paged(self, [resource.to_dict() for resource in resources])

    APIGatewayResponse.get_rest_apis = get_rest_apis
    APIGatewayResponse.get_resources = get_resources


# --- S3: an event notification to Lambda runs the function in Docker --------------------------------

# (function ARN, event) of every S3 notification that would have invoked a function, newest last.
S3_LAMBDA_EVENTS: list[tuple[str, dict[str, Any]]] = []


def _patch_s3_lambda_notifications() -> None:
    """moto invoked the function inside the upload's request, in Docker (offline: Docker errors printed,
    nothing run). AWS delivers the event asynchronously: so does this, to the local runtime below, and
    records it."""
    from moto.awslambda.utils import get_backend
    from moto.s3 import notifications

    _require(notifications, "_invoke_awslambda")

    def _invoke_awslambda(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        del S3_LAMBDA_EVENTS[:-99]  # a bounded record
        S3_LAMBDA_EVENTS.append((fn_arn, event_body))

        def deliver() -> None:
            try:
                get_backend(account_id, region_name).get_function(fn_arn).invoke(json.dumps(event_body), {}, {})
            except Exception:  # as on AWS, a failed delivery does not fail the upload
                pass

        threading.Thread(target=deliver, name="s3-notification", daemon=True).start()

    notifications._invoke_awslambda = _invoke_awslambda


# --- Lambda: Invoke runs functions in Docker --------------------------------------------------------


def _patch_local_python_runtime() -> None:
    """Without Docker, moto's Invoke answers with a Docker error. Python functions run in the local
    runtime instead (``grader/emulator/runtime.py``), as their execution role; others keep moto's way.
    Like AWS, an ``Event`` invocation is accepted at once and runs in the background, and ``DryRun``
    runs nothing (moto ran both, synchronously)."""
    import boto3
    from moto.awslambda.models import LambdaFunction
    from moto.awslambda.utils import get_backend

    from grader.emulator import runtime

    original = _require(LambdaFunction, "_invoke_lambda")

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

    original_invoke = _require(LambdaFunction, "invoke")

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


def _patch_provisioned_concurrency() -> None:
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
        name, qualifier_in_name = _function_key(function_name)
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
        return 202, _JSON, json.dumps(dict(body, Status="IN_PROGRESS"))

    def get_provisioned_concurrency_config(self: Any) -> Any:
        if "List" in self.querystring:  # moto 5.2.1's router does not tell ?List=ALL apart
            return list_provisioned_concurrency_configs(self)
        function_name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        function, qualifier = _resolve(self.backend, function_name, qualifier)
        config = _configs(self.backend).get((function.function_name, qualifier))
        if config is None:
            raise ProvisionedConcurrencyConfigNotFound()
        return 200, _JSON, json.dumps({k: v for k, v in config.items() if k != "FunctionArn"})

    def list_provisioned_concurrency_configs(self: Any) -> Any:
        name, _ = _function_key(unquote(self.path.split("?")[0].rstrip("/").split("/")[-2]))
        self.backend.get_function(name)  # ResourceNotFoundException for an unknown function
        configs = [c for (fn, _q), c in _configs(self.backend).items() if fn == name]
        return 200, _JSON, json.dumps({"ProvisionedConcurrencyConfigs": configs})

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
