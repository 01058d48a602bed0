"""API Gateway (REST APIs): where moto differs from AWS."""

from __future__ import annotations

import json
from typing import Any

from grader.emulator.patches._common import page, require

# --- API Gateway: GetRestApis and GetResources ignore limit / position ----------------------------


def rest_api_paging() -> None:
    """AWS pages both at 25 items by default (500 at most), with an opaque ``position`` to go on."""
    from moto.apigateway.responses import APIGatewayResponse

    require(APIGatewayResponse, "get_rest_apis")
    require(APIGatewayResponse, "get_resources")

    def paged(self: Any, items: list[dict[str, Any]]) -> str:
        chunk, position = page(items, start=self._get_param("position"), size=self._get_param("limit") or 25,
                               limit=500)
        return json.dumps({"item": chunk, **({"position": position} if position else {})})

    def get_rest_apis(self: Any) -> str:
        apis = sorted(self.backend.list_apis(), key=lambda api: api.id)
        return paged(self, [api.to_dict() for api in apis])

    def get_resources(self: Any) -> str:
        api_id = self.path.replace("/restapis/", "", 1).split("/")[0]
        resources = sorted(self.backend.get_resources(api_id), key=lambda resource: resource.id)
        return paged(self, [resource.to_dict() for resource in resources])

    APIGatewayResponse.get_rest_apis = get_rest_apis
    APIGatewayResponse.get_resources = get_resources
