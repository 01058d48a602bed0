"""Task 10: provisioned concurrency on layer-consumer-<id>:PROD, scaled by Application Auto Scaling."""

import json
import math

from checks.account_concurrency import no_room
from grader import shell
from grader.model import Status
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(10, "Provisioned concurrency", points=8)
FUNCTION = "layer-consumer"
DIMENSION = "lambda:function:ProvisionedConcurrency"  # the only value AWS accepts for Lambda
TARGET_HINT = (
    "aws application-autoscaling register-scalable-target --service-namespace lambda "
    "--resource-id function:layer-consumer-{sid}:PROD --scalable-dimension " + DIMENSION
    + " --min-capacity 2 --max-capacity 10"
)


def resource_id(ctx: Context) -> str:
    return f"function:{ctx.name(FUNCTION)}:PROD"


PROVISION = ("aws lambda put-provisioned-concurrency-config --function-name layer-consumer-{sid} "
             "--qualifier PROD --provisioned-concurrent-executions 2")


def prod_weights(ctx: Context) -> dict | None:
    prod = next((a for a in ctx.facts.aliases(ctx.name(FUNCTION)) or [] if a.get("Name") == "PROD"), {})
    return (prod.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or None


def provision_fix(ctx: Context, weights: dict | None) -> str:
    """put-provisioned-concurrency-config; AWS refuses it on an alias with weights, so then the weights come
    off first and go back (the same ones) after."""
    provision = shell.aws("lambda", "put-provisioned-concurrency-config", "--function-name", ctx.name(FUNCTION),
                          "--qualifier", "PROD", "--provisioned-concurrent-executions", 2)
    if not weights:
        return provision
    alias = ["lambda", "update-alias", "--function-name", ctx.name(FUNCTION), "--name", "PROD"]
    # Weights come off with empty AdditionalVersionWeights, the form recorded against AWS (LocalStack's
    # test_alias_lifecycle, update_alias_1_1: the alias then has no RoutingConfig).
    return shell.fix(shell.comment("take PROD's weights off, provision it, then put the same weights back:"),
                     shell.aws(*alias, "--routing-config", json.dumps({"AdditionalVersionWeights": {}})), provision,
                     shell.aws(*alias, "--routing-config", json.dumps({"AdditionalVersionWeights": weights})))


def room_for_two(ctx: Context, held: int, verdict: Verdict) -> Verdict:
    """The failed verdict, or, when the account's quota has no room for 2 (a new account's 10 has none), the
    same with why AWS refuses its fix and the quota request first. Provisioned concurrency comes out of the
    function's reservation when it has one, else out of the unreserved pool (``held``: PROD's now)."""
    reserved = ctx.facts.reserved_concurrency(ctx.name(FUNCTION))
    refused = None if reserved is not None and reserved >= 2 else no_room(ctx, 2, held)
    if refused is None:
        return verdict
    return failed(f"{verdict.message}; {refused.message}", hint=shell.fix(refused.request, verdict.hint or PROVISION),
                  **verdict.evidence)


@TASK.check("10.1", "Provisioned concurrency 2 on PROD", points=3, hint=PROVISION)
def provisioned(ctx: Context) -> Verdict:
    config = ctx.facts.provisioned_concurrency(ctx.name(FUNCTION), "PROD")
    held = int((config or {}).get("RequestedProvisionedConcurrentExecutions") or 0)
    verdict = judge_provisioned(ctx, config)
    return verdict if verdict.status is Status.PASS else room_for_two(ctx, held, verdict)


def judge_provisioned(ctx: Context, config: dict | None) -> Verdict:
    if config is None:
        weights = prod_weights(ctx)
        if weights:
            # AWS refuses provisioned concurrency on an alias with weights: take them off, provision, put them back.
            return failed(
                f"no provisioned concurrency on {ctx.name(FUNCTION)}:PROD, and AWS refuses it while PROD has "
                "weights (\"Alias with weights can not be used with Provisioned Concurrency\")",
                hint=provision_fix(ctx, weights), weights=weights)
        # Provisioned concurrency lives on the alias: AWS refuses it until PROD (task 9) exists.
        return failed(f"no provisioned concurrency on {ctx.name(FUNCTION)}:PROD",
                      hint=needs_prod(ctx, provision_fix(ctx, None)))
    requested, status = config.get("RequestedProvisionedConcurrentExecutions"), config.get("Status")
    if requested != 2:
        return failed(f"provisioned concurrency on PROD is {requested} (expected 2)",
                      hint=provision_fix(ctx, prod_weights(ctx)), status=status)
    if status == "FAILED":  # Status READY | IN_PROGRESS | FAILED, with StatusReason (botocore's lambda model)
        return failed(f"provisioned concurrency 2 on PROD FAILED: {config.get('StatusReason') or 'no reason given'}",
                      hint=provision_fix(ctx, prod_weights(ctx)), status=status, reason=config.get("StatusReason"))
    if status == "IN_PROGRESS":
        return passed("2 provisioned executions requested, still being allocated (IN_PROGRESS)", status=status)
    return passed(f"2 provisioned executions ({status})", status=status)


def needs_prod(ctx: Context, fix: str) -> str:
    """A fix on PROD, or a word saying PROD comes first (AWS refuses both on an alias that does not exist)."""
    if any(a.get("Name") == "PROD" for a in ctx.facts.aliases(ctx.name(FUNCTION)) or []):
        return ctx.fill(fix)
    return shell.comment("PROD does not exist yet: create it first (9.3's fix); graded again, this fix is then "
                         "a command")


@TASK.check("10.2", "Scalable target on PROD, capacity 2 to 10", points=3, hint=TARGET_HINT)
def scalable_target(ctx: Context) -> Verdict:
    targets = [t for t in ctx.facts.scalable_targets("lambda", resource_id(ctx)) if t.get("ResourceId") == resource_id(ctx)]
    if not targets:
        return failed(f"no scalable target for {resource_id(ctx)}", hint=needs_prod(ctx, TARGET_HINT))
    target = next((t for t in targets if t.get("ScalableDimension") == DIMENSION), None)
    if target is None:
        return failed(f"the scalable target's dimension is {targets[0].get('ScalableDimension')}, expected {DIMENSION}")
    low, high = target.get("MinCapacity"), target.get("MaxCapacity")
    if (low, high) == (2, 10):
        return passed("capacity 2 to 10")
    return failed(f"capacity {low} to {high} (expected 2 to 10)")


POLICY_HINT = (
    "aws application-autoscaling put-scaling-policy --service-namespace lambda "
    "--resource-id function:layer-consumer-{sid}:PROD --scalable-dimension " + DIMENSION
    + " --policy-name pc-utilization --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration "
    "'{\"TargetValue\": 0.7, \"PredefinedMetricSpecification\": "
    "{\"PredefinedMetricType\": \"LambdaProvisionedConcurrencyUtilization\"}}'"
)


@TASK.check("10.3", "Target-tracking policy at 70% provisioned-concurrency utilization", points=2, hint=POLICY_HINT)
def scaling_policy(ctx: Context) -> Verdict:
    policies = [
        p for p in ctx.facts.scaling_policies("lambda", resource_id(ctx))
        if p.get("ResourceId") == resource_id(ctx) and p.get("PolicyType") == "TargetTrackingScaling"
    ]
    if not policies:
        return failed(f"no target-tracking policy on {resource_id(ctx)}", hint=needs_prod(ctx, POLICY_HINT))
    seen = []
    for policy in policies:
        config = policy.get("TargetTrackingScalingPolicyConfiguration") or {}
        metric = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        value = config.get("TargetValue")
        if metric == "LambdaProvisionedConcurrencyUtilization" and isinstance(value, (int, float)) and math.isclose(value, 0.7):
            return passed(f"{policy.get('PolicyName')}: utilization target 0.7")
        seen.append(f"{policy.get('PolicyName')}: {metric} at {value}")
    return failed(f"expected LambdaProvisionedConcurrencyUtilization at 0.7; found {'; '.join(seen)}")
