
from tests.checks.conftest import assert_costs_only, mistakes_cost_only_their_task


def alias(account, built, name, version, weights=None):
    account.client("lambda").update_alias(
        FunctionName=f"layer-consumer-{built['sid']}", Name=name, FunctionVersion=version,
        RoutingConfig={"AdditionalVersionWeights": weights or {}})


MISTAKES = {
    "STAGING on version 1": (lambda a, b: alias(a, b, "STAGING", "1"), {"9.4"}),
    "STAGING missing": (lambda a, b: a.client("lambda").delete_alias(
        FunctionName=f"layer-consumer-{b['sid']}", Name="STAGING"), {"9.4"}),
    "PROD on $LATEST": (lambda a, b: alias(a, b, "PROD", "$LATEST"), {"9.3", "9.5"}),
    "no canary": (lambda a, b: alias(a, b, "PROD", "1"), {"9.5"}),
    "canary at 20%": (lambda a, b: alias(a, b, "PROD", "1", {"2": 0.2}), {"9.5"}),
}


test_mistake_costs_only_task_9 = mistakes_cost_only_their_task(9, MISTAKES)


def test_lowercase_alias_is_not_prod(graded_mistake):
    def lowercase(account, built):
        lam, name = account.client("lambda"), f"layer-consumer-{built['sid']}"
        lam.delete_alias(FunctionName=name, Name="STAGING")
        lam.create_alias(FunctionName=name, Name="staging", FunctionVersion="$LATEST")

    _, student = graded_mistake(lowercase)
    assert_costs_only(student, 9, {"9.4"})
