"""Lambda: an account's concurrency quota, as AWS holds it; moto has no GetAccountSettings and enforces no quota.

AWS keeps part of a Region's concurrency quota unreserved: reserved concurrency (PutFunctionConcurrency) and
provisioned concurrency (PutProvisionedConcurrencyConfig) that would leave less than that are refused, with
the messages LocalStack recorded against AWS (tests/aws/services/lambda_/test_lambda_api.snapshot.json,
test_function_concurrency_limits and test_provisioned_concurrency_limits, in
``tests/recordings/lambda/PutFunctionConcurrency.json`` and ``PutProvisionedConcurrencyConfig.json``).
The minimum kept unreserved is 100 on an account with the default quota of 1,000 (Lambda API reference,
PutFunctionConcurrency: "as long as you leave at least 100 simultaneous executions unreserved") and the
whole quota on a new account's 10 ("...below its minimum value of [10]", reported from new accounts):
``min(quota, 100)``.

The quota is ``SWITCHES.concurrency_quota`` (high by default, so that the sandbox holds whole classes in one
account; 10 models a new account), raised per account and Region by a Service Quotas request
(``service_quotas.py``).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from grader.emulator.patches._common import JSON, SWITCHES, function_key, require

RESERVED_BELOW_MINIMUM = ("Specified ReservedConcurrentExecutions for function decreases account's "
                          "UnreservedConcurrentExecution below its minimum value of [{minimum}].")
PROVISIONED_BELOW_MINIMUM = ("Specified ConcurrentExecutions for function decreases account's "
                             "UnreservedConcurrentExecution below its minimum value of [{minimum}].")
PROVISIONED_ABOVE_QUOTA = "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [{quota}]."
MINIMUM_UNRESERVED = 100
# AccountLimit's code storage limits as AWS documents them (Lambda quotas: 75 GB, 50 MB zipped, 250 MB unzipped).
CODE_LIMITS = {"TotalCodeSize": 80530636800, "CodeSizeZipped": 52428800, "CodeSizeUnzipped": 262144000}


def _quota(backend: Any) -> int:
    """The account's concurrency quota in the backend's Region (a granted increase, else the switch)."""
    return int(getattr(backend, "grader_concurrency_quota", None) or SWITCHES.concurrency_quota)


def _minimum_unreserved(limit: int) -> int:
    return min(limit, MINIMUM_UNRESERVED)


def _provisioned(backend: Any, name: str) -> dict[str, int]:
    configs = getattr(backend, "_provisioned_concurrency", {})  # kept by lambda_.provisioned_concurrency
    return {qualifier: int(c["RequestedProvisionedConcurrentExecutions"])
            for (function, qualifier), c in configs.items() if function == name}


def _used(backend: Any, reserved: dict[str, int], provisioned: dict[str, dict[str, int]]) -> int:
    """Concurrency taken from the unreserved pool: a function's reservation, which holds its provisioned
    concurrency, or else its provisioned concurrency."""
    names = set(reserved) | set(provisioned)
    return sum(max(reserved.get(n, 0), sum(provisioned.get(n, {}).values())) for n in names)


def _state(backend: Any) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    reserved, provisioned = {}, {}
    for name, group in backend._lambdas._functions.items():
        latest = group.get("latest")
        if latest is None:
            continue
        if latest.reserved_concurrency is not None:
            reserved[name] = int(latest.reserved_concurrency)
        found = _provisioned(backend, name)
        if found:
            provisioned[name] = found
    return reserved, provisioned


def _unreserved(backend: Any) -> int:
    return _quota(backend) - _used(backend, *_state(backend))


def account_concurrency() -> None:
    from moto.awslambda import urls
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import LambdaBackend
    from moto.awslambda.responses import LambdaResponse

    original_reserve = require(LambdaBackend, "put_function_concurrency")
    original_provision = require(LambdaResponse, "put_provisioned_concurrency_config")  # lambda_'s, applied before

    def put_function_concurrency(self: Any, function_name: str, reserved_concurrency: Any) -> Any:
        name = self.get_function(function_name).function_name
        reserved, provisioned = _state(self)
        reserved[name] = int(reserved_concurrency)
        limit = _quota(self)
        if limit - _used(self, reserved, provisioned) < _minimum_unreserved(limit):
            raise InvalidParameterValueException(RESERVED_BELOW_MINIMUM.format(minimum=_minimum_unreserved(limit)))
        return original_reserve(self, function_name, int(reserved_concurrency))

    def put_provisioned_concurrency_config(self: Any) -> Any:
        name, _ = function_key(unquote(self.path.split("?")[0].rstrip("/").split("/")[-2]))
        qualifier = self.querystring.get("Qualifier", [None])[0]
        requested = int(self.json_body["ProvisionedConcurrentExecutions"])
        backend, limit = self.backend, _quota(self.backend)
        function = backend.get_function(name)  # ResourceNotFoundException first, as AWS
        if requested > limit:
            raise InvalidParameterValueException(PROVISIONED_ABOVE_QUOTA.format(quota=limit))
        reserved, provisioned = _state(backend)
        provisioned.setdefault(function.function_name, {})[str(qualifier)] = requested
        if limit - _used(backend, reserved, provisioned) < _minimum_unreserved(limit):
            raise InvalidParameterValueException(PROVISIONED_BELOW_MINIMUM.format(minimum=_minimum_unreserved(limit)))
        return original_provision(self)

    def get_account_settings(self: Any) -> Any:
        backend = self.backend
        functions = [group["latest"] for group in backend._lambdas._functions.values() if group.get("latest")]
        limit = _quota(backend)
        body = {"AccountLimit": {**CODE_LIMITS, "ConcurrentExecutions": limit,
                                 "UnreservedConcurrentExecutions": _unreserved(backend)},
                "AccountUsage": {"TotalCodeSize": sum(int(f.code_size or 0) for f in functions),
                                 "FunctionCount": len(functions)}}
        return 200, JSON, json.dumps(body)

    LambdaBackend.put_function_concurrency = put_function_concurrency
    LambdaResponse.put_provisioned_concurrency_config = put_provisioned_concurrency_config
    LambdaResponse.get_account_settings = get_account_settings
    urls.url_paths[r"{0}/(?P<api_version>[^/]+)/account-settings/?$"] = LambdaResponse.dispatch
