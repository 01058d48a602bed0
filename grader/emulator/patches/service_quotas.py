"""Service Quotas: the request a student makes for a higher Lambda concurrency quota; moto knows only VPC's quotas.

``RequestServiceQuotaIncrease`` for Lambda's "Concurrent executions" (``L-B99A9384``) answers as AWS does
(``Status`` PENDING: a request, not yet a grant) and, unlike AWS, which takes hours or days and may ask
why, grants it at once: the account's quota in that Region becomes the desired value
(``lambda_concurrency.py``). ``GetServiceQuota`` reads it back.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from typing import Any

from grader.emulator.patches._common import require

LAMBDA_CONCURRENCY = ("lambda", "L-B99A9384")
QUOTA_NAME = "Concurrent executions"


def lambda_concurrency_requests() -> None:
    from moto.awslambda.models import lambda_backends
    from moto.servicequotas.responses import ServiceQuotasResponse

    from grader.emulator.patches.lambda_concurrency import _quota

    original_get = require(ServiceQuotasResponse, "get_service_quota")

    def described(self: Any, value: float) -> dict[str, Any]:
        return {"ServiceCode": "lambda", "ServiceName": "AWS Lambda", "QuotaCode": LAMBDA_CONCURRENCY[1],
                "QuotaArn": f"arn:aws:servicequotas:{self.region}:{self.current_account}:lambda/{LAMBDA_CONCURRENCY[1]}",
                "QuotaName": QUOTA_NAME, "Value": float(value), "Unit": "None", "Adjustable": True,
                "GlobalQuota": False}

    def get_service_quota(self: Any) -> str:
        params = json.loads(self.body)
        if (params.get("ServiceCode"), params.get("QuotaCode")) != LAMBDA_CONCURRENCY:
            return original_get(self)
        backend = lambda_backends[self.current_account][self.region]
        return json.dumps({"Quota": described(self, _quota(backend))})

    def request_service_quota_increase(self: Any) -> str:
        params = json.loads(self.body)
        desired = float(params["DesiredValue"])
        if (params.get("ServiceCode"), params.get("QuotaCode")) == LAMBDA_CONCURRENCY:
            lambda_backends[self.current_account][self.region].grader_concurrency_quota = int(desired)
        now = datetime.now(timezone.utc).timestamp()
        requested = {**described(self, desired), "Id": uuid.uuid4().hex, "RequestType": "AutomaticManagement",
                     "ServiceCode": params.get("ServiceCode"), "QuotaCode": params.get("QuotaCode"),
                     "DesiredValue": desired, "Status": "PENDING", "Created": now, "LastUpdated": now,
                     "Requester": json.dumps({"accountId": self.current_account})}
        requested.pop("Value", None)
        requested.pop("Adjustable", None)
        return json.dumps({"RequestedQuota": requested})

    ServiceQuotasResponse.get_service_quota = get_service_quota
    ServiceQuotasResponse.request_service_quota_increase = request_service_quota_increase
