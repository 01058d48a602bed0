"""API Gateway (REST APIs): APIs, their resources with methods and integrations, and stages."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.services import ServiceFacts


class ApiGatewayFacts(ServiceFacts):
    @reads("apigateway:GET")
    def rest_apis(self) -> list[dict[str, Any]]:
        """Every REST API of the account and region (``id``, ``name``...)."""
        return self.read("apigateway", "GetRestApis", result_key="items") or []

    @reads("apigateway:GET")
    def rest_api_resources(self, api_id: str) -> list[dict[str, Any]]:
        """The API's resources, each with its methods and their integrations (``embed=methods``)."""
        # Without embed AWS lists each method's name only, not its integration.
        return self.read("apigateway", "GetResources", result_key="items", restApiId=api_id,
                         embed=["methods"]) or []

    @reads("apigateway:GET")
    def rest_api_stages(self, api_id: str) -> list[dict[str, Any]]:
        return self.read("apigateway", "GetStages", result_key="item", restApiId=api_id) or []
