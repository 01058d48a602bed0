"""Close the gaps between moto and real AWS that this project's assessments hit, one module per service.

``PATCHES`` declares every patch, in the order ``apply()`` applies them, each with the moto gap it closes.
A patch replaces the moto internals its docstring names. They are applied once, before
the emulator serves its first request (the Flask URL map of a service is built then), and only on a moto
version they were tested against: an untested version fails loudly instead of grading against an
emulator that quietly behaves differently. Importing this package does not import moto.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from grader.emulator.patches import (
    apigateway,
    application_autoscaling,
    cloudwatch,
    enforcement,
    iam,
    lambda_,
    lambda_aliases,
    lambda_concurrency,
    lambda_packages,
    lambda_permissions,
    lambda_roles,
    lambda_states,
    s3,
    service_quotas,
    sqs,
)
from grader.emulator.patches._common import SWITCHES, Switches, UntestedMotoVersion

__all__ = ["PATCHES", "SWITCHES", "TESTED_MOTO", "Patch", "Switches", "UntestedMotoVersion", "apply", "check_version",
           "configure"]

TESTED_MOTO = ((5, 2, 1), (5, 3, 0))  # [lower, upper): tested on 5.2.1 and 5.2.5


@dataclass(frozen=True)
class Patch:
    service: str
    gap: str  # what moto does that AWS does not, in one line
    apply: Callable[[], None]

    @property
    def name(self) -> str:
        return f"{self.apply.__module__.rsplit('.', 1)[-1]}.{self.apply.__name__}"


PATCHES: tuple[Patch, ...] = (
    # Lambda
    Patch("lambda", "DeadLetterConfig dropped on CreateFunction and UpdateFunctionConfiguration",
          lambda_.dead_letter_config),
    Patch("lambda", "VpcConfig.VpcId always vpc-123abc", lambda_.vpc_id),
    Patch("lambda", "a layer version of another account (Lambda Insights) refused or rewritten to a local namesake",
          lambda_.cross_account_layers),
    Patch("lambda", "ListEventSourceMappings(FunctionName=) matches only the creator's exact string",
          lambda_.event_source_mapping_filter),
    Patch("lambda", "a second PutFunctionEventInvokeConfig ignored, UpdateFunctionEventInvokeConfig not merging",
          lambda_.event_invoke_config_replace),
    Patch("lambda", "ListEventSourceMappings ignores MaxItems / Marker", lambda_.event_source_mapping_paging),
    Patch("lambda", "an event source mapping is Enabled/Disabled at once (AWS: Creating, Updating, Enabling or "
          "Disabling first); its StateTransitionReason is not AWS's", lambda_.event_source_mapping_states),
    Patch("lambda", "ListFunctions ignores MaxItems / Marker", lambda_.list_functions_paging),
    Patch("lambda", "provisioned-concurrency operations not routed (404)", lambda_.provisioned_concurrency),
    Patch("lambda", "UpdateFunctionCode ignores Architectures", lambda_.update_code_architectures),
    Patch("lambda", "Invoke runs functions in Docker (offline: a Docker error), Event and DryRun synchronously",
          lambda_.local_python_runtime),
    Patch("lambda", "a destination, dead-letter queue, SQS trigger or VPC accepted whatever the execution role may "
          "do (AWS: InvalidParameterValueException without sqs:SendMessage / ReceiveMessage / ec2:CreateNetworkInterface...)",
          lambda_roles.execution_role_permissions),
    Patch("lambda", "an alias whose weights were removed keeps an empty RoutingConfig", lambda_aliases.routing_config_removed),
    Patch("lambda", "AddPermission: account IDs and ARNs kept bare as principals, EventSourceToken dropped, "
          "FunctionUrlAuthType not a condition, a statement id accepted twice", lambda_permissions.aws_stored_statements),
    Patch("lambda", "no GetAccountSettings, and no concurrency quota: reserved and provisioned concurrency accepted "
          "whatever they leave unreserved", lambda_concurrency.account_concurrency),
    Patch("lambda", "a function is Active and updated at once (AWS: Pending after a create, LastUpdateStatus "
          "InProgress after an update, another change meanwhile refused with 409)", lambda_states.function_states),
    # Service Quotas
    Patch("service-quotas", "no RequestServiceQuotaIncrease; GetServiceQuota knows VPC's quotas only",
          service_quotas.lambda_concurrency_requests),
    Patch("lambda", "GetFunction's Code.Location is an S3 URL nothing answers, GetLayerVersion's Content.Location "
          "the literal s3://", lambda_packages.package_locations),
    # CloudWatch
    Patch("cloudwatch", "DescribeAlarms ignores MaxRecords / NextToken", cloudwatch.describe_alarms_paging),
    # Application Auto Scaling
    Patch("application-autoscaling", "DeregisterScalableTarget leaves the target's scaling policies behind",
          application_autoscaling.deregister_deletes_policies),
    Patch("application-autoscaling", "PutScalingPolicy accepts an unregistered target and any dimension",
          application_autoscaling.scaling_policy_needs_target),
    Patch("application-autoscaling", "DescribeScalableTargets repeats its first NextToken forever",
          application_autoscaling.describe_scalable_targets_paging),
    Patch("application-autoscaling", "target tracking on Lambda provisioned concurrency creates no CloudWatch alarms; "
          "an updated policy leaves its old alarms behind", application_autoscaling.target_tracking_alarms),
    # API Gateway
    Patch("apigateway", "GetRestApis and GetResources ignore limit / position", apigateway.rest_api_paging),
    # S3
    Patch("s3", "an event notification to Lambda runs the function in Docker, inside the upload's request",
          s3.lambda_notifications),
    # SQS
    Patch("sqs", "ListQueues returns every queue, never paging (moto 5.2.1; 5.2.5 pages as AWS does)",
          sqs.list_queues_paging),
    # IAM
    Patch("iam", "speed: finding an access key's account builds every partition's IAM backend of every account",
          iam.account_lookup),
    # IAM enforcement, every service
    Patch("enforcement", "body-less requests fail their signature; monitoring:/operation action names; XML denials "
          "to JSON clients", enforcement.server_mode_checks),
    Patch("lambda", "under enforcement, GetFunction returns Tags to a caller not allowed lambda:ListTags",
          enforcement.get_function_tags_need_list_tags),
)

_applied = False
_lock = threading.Lock()


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
    """Apply every patch of ``PATCHES`` once, in order (idempotent, thread-safe)."""
    global _applied
    with _lock:
        if _applied:
            return
        import moto

        check_version(moto.__version__)
        for patch in PATCHES:
            patch.apply()
        _applied = True


def configure(**switches: object) -> Switches:
    """Set some of ``SWITCHES`` (process-wide) and return what they were, to restore them later."""
    previous = dataclasses.replace(SWITCHES)
    for name, value in switches.items():
        if not hasattr(SWITCHES, name):
            raise TypeError(f"no such emulator switch: {name}")
        setattr(SWITCHES, name, value)
    return previous
