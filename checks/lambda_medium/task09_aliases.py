"""Task 9: layer-consumer-<id> has versions and the PROD / STAGING aliases, PROD as a canary."""

import math

from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(9, "Versions and aliases", points=8)
FUNCTION = "layer-consumer"

EXISTS = "2.1"  # task 2 scores the function's existence; here it gates the alias checks


def published_versions(ctx: Context) -> list[str]:
    versions = ctx.facts.versions(ctx.name(FUNCTION)) or []
    return [v["Version"] for v in versions if str(v.get("Version", "")).isdigit()]


def alias(ctx: Context, name: str) -> dict | None:
    for candidate in ctx.facts.aliases(ctx.name(FUNCTION)) or []:
        if candidate.get("Name") == name:
            return candidate
    return None


@TASK.check("9.2", "At least one published version", points=2, requires=EXISTS,
            hint='aws lambda publish-version --function-name layer-consumer-{sid} --description "First release"')
def versions(ctx: Context) -> Verdict:
    published = published_versions(ctx)
    if published:
        return passed(f"published versions: {', '.join(published)}")
    return failed(f"{ctx.name(FUNCTION)} has only $LATEST")


@TASK.check("9.3", "Alias PROD points to a published version", points=2, requires=EXISTS,
            hint="aws lambda create-alias --function-name layer-consumer-{sid} --name PROD --function-version 1")
def prod(ctx: Context) -> Verdict:
    found = alias(ctx, "PROD")
    if found is None:
        return failed("no alias named PROD (alias names are case-sensitive)")
    version = found.get("FunctionVersion")
    if version in published_versions(ctx):
        return passed(f"PROD -> version {version}")
    return failed(f"PROD points to {version}, not a published version",
                  hint="aws lambda update-alias --function-name layer-consumer-{sid} --name PROD --function-version 1")


@TASK.check("9.4", "Alias STAGING points to $LATEST", points=2, requires=EXISTS,
            hint="aws lambda create-alias --function-name layer-consumer-{sid} --name STAGING --function-version '$LATEST'")
def staging(ctx: Context) -> Verdict:
    found = alias(ctx, "STAGING")
    if found is None:
        return failed("no alias named STAGING (alias names are case-sensitive)")
    if found.get("FunctionVersion") == "$LATEST":
        return passed("STAGING -> $LATEST")
    return failed(f"STAGING points to {found.get('FunctionVersion')}, not $LATEST",
                  hint="aws lambda update-alias --function-name layer-consumer-{sid} --name STAGING --function-version '$LATEST'")


@TASK.check(
    "9.5", "PROD sends 10% to another version (canary)", points=2, requires=prod,
    hint="aws lambda publish-version --function-name layer-consumer-{sid}, then: aws lambda update-alias "
    "--function-name layer-consumer-{sid} --name PROD --function-version 1 "
    "--routing-config '{\"AdditionalVersionWeights\": {\"2\": 0.1}}'",
)
def canary(ctx: Context) -> Verdict:
    found = alias(ctx, "PROD") or {}
    weights = (found.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    for version, weight in weights.items():
        if isinstance(weight, (int, float)) and math.isclose(weight, 0.1) and version != found.get("FunctionVersion"):
            return passed(f"10% of PROD traffic goes to version {version}", weights=weights)
    if weights:
        shown = ", ".join(f"version {v}: {w}" for v, w in weights.items())
        return failed(f"PROD routes {shown}; expected weight 0.1 to one other version", weights=weights)
    return failed("PROD has no routing configuration")
