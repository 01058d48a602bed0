"""Lambda: an alias whose weights were removed reads without RoutingConfig on AWS; moto kept an empty one.

Recorded against AWS: LocalStack's test_alias_lifecycle, update_alias_1_1 and get_alias_1_1_after_update
(``tests/recordings/lambda/UpdateAlias.json`` weights-removed): after ``RoutingConfig={"AdditionalVersionWeights":
{}}`` the alias has no ``RoutingConfig`` at all.
"""

from __future__ import annotations

from typing import Any

from grader.emulator.patches._common import require


def routing_config_removed() -> None:
    from moto.awslambda.models import LambdaAlias

    original = require(LambdaAlias, "to_json")

    def to_json(self: Any) -> dict[str, Any]:
        answer = original(self)
        routing = answer.get("RoutingConfig")
        if not routing or not (routing or {}).get("AdditionalVersionWeights"):
            answer.pop("RoutingConfig", None)
        return answer

    LambdaAlias.to_json = to_json
