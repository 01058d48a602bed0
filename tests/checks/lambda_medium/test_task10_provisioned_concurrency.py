import pytest

from tests.checks.conftest import assert_costs_only, mistakes_cost_only_their_task

DIMENSION = "lambda:function:ProvisionedConcurrency"


def target(built):
    return {"ServiceNamespace": "lambda", "ResourceId": f"function:layer-consumer-{built['sid']}:PROD",
            "ScalableDimension": DIMENSION}


def policy(account, built, value, metric="LambdaProvisionedConcurrencyUtilization"):
    account.client("application-autoscaling").put_scaling_policy(
        **target(built), PolicyName="pc-utilization", PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={"TargetValue": value,
                                                  "PredefinedMetricSpecification": {"PredefinedMetricType": metric}})


def provision(account, built, executions):
    """Change PROD's provisioned concurrency as AWS allows it: not while PROD has weights, so without them a moment."""
    lam, name = account.client("lambda"), f"layer-consumer-{built['sid']}"
    weights = lam.get_alias(FunctionName=name, Name="PROD").get("RoutingConfig") or {}
    lam.update_alias(FunctionName=name, Name="PROD", RoutingConfig={"AdditionalVersionWeights": {}})
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD",
                                           ProvisionedConcurrentExecutions=executions)
    lam.update_alias(FunctionName=name, Name="PROD", RoutingConfig=weights)


MISTAKES = {
    "provisioned 5": (lambda a, b: provision(a, b, 5), {"10.1"}),
    "no provisioned concurrency": (lambda a, b: a.client("lambda").delete_provisioned_concurrency_config(
        FunctionName=f"layer-consumer-{b['sid']}", Qualifier="PROD"), {"10.1"}),
    "max capacity 5": (lambda a, b: a.client("application-autoscaling").register_scalable_target(
        **target(b), MinCapacity=2, MaxCapacity=5), {"10.2"}),
    "target 0.5": (lambda a, b: policy(a, b, 0.5), {"10.3"}),
    "no scalable target": (lambda a, b: a.client("application-autoscaling").deregister_scalable_target(
        **target(b)), {"10.2", "10.3"}),
}


test_mistake_costs_only_task_10 = mistakes_cost_only_their_task(10, MISTAKES)


def test_the_assessment_texts_dimension_is_rejected_so_nothing_is_registered(graded_mistake):
    def erratum(account, built):
        scaling = account.client("application-autoscaling")
        scaling.deregister_scalable_target(**target(built))
        with pytest.raises(scaling.exceptions.ValidationException):
            scaling.register_scalable_target(**dict(target(built), ScalableDimension=(
                "lambda:function:ProvisionedConcurrentExecutions")), MinCapacity=2, MaxCapacity=10)

    _, student = graded_mistake(erratum)
    assert_costs_only(student, 10, {"10.2", "10.3"})
