"""Task 9: layer-consumer-<id> has versions and the PROD / STAGING aliases, PROD as a canary."""

import json
import math

from checks.shared import close_names, for_advice
from grader import shell
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
            hint="aws lambda publish-version --function-name layer-consumer-{sid} --description 'First release'")
def versions(ctx: Context) -> Verdict:
    published = published_versions(ctx)
    if published:
        return passed(f"published versions: {', '.join(published)}")
    return failed(f"{ctx.name(FUNCTION)} has only $LATEST")


def missing_alias(ctx: Context, name: str, version: str) -> Verdict:
    """No alias ``name``: say which alias is nearly it (``prod``), and create it where that one points."""
    others = [a for a in ctx.facts.aliases(ctx.name(FUNCTION)) or [] if a.get("Name")]
    close = close_names(name, [str(a["Name"]) for a in others])
    create = ["lambda", "create-alias", "--function-name", ctx.name(FUNCTION), "--name", name]
    if close:
        near = next(a for a in others if a["Name"] == close[0])
        routing = (near.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
        return failed(f"no alias named {name}, but there is {close[0]}: alias names are case-sensitive",
                      hint=shell.fix(
                          shell.aws(*create, "--function-version", near.get("FunctionVersion") or version,
                                    ("--routing-config", json.dumps({"AdditionalVersionWeights": routing}))
                                    if routing else ()),
                          shell.comment(f"and once nothing uses {close[0]}: aws lambda delete-alias "
                                        f"--function-name {ctx.name(FUNCTION)} --name {close[0]}")),
                      aliases=sorted(str(a["Name"]) for a in others))
    return failed(f"no alias named {name} (alias names are case-sensitive)",
                  hint=shell.aws(*create, "--function-version", version))


def newest_version(ctx: Context) -> str:
    published = published_versions(ctx)
    return max(published, key=int) if published else "1"


@TASK.check("9.3", "Alias PROD points to a published version", points=2, requires=EXISTS)
def prod(ctx: Context) -> Verdict:
    found = alias(ctx, "PROD")
    if found is None:
        return missing_alias(ctx, "PROD", min(published_versions(ctx), key=int, default="1"))
    version = found.get("FunctionVersion")
    if version in published_versions(ctx):
        return passed(f"PROD -> version {version}")
    return failed(f"PROD points to {version}, not a published version", hint=shell.aws(
        "lambda", "update-alias", "--function-name", ctx.name(FUNCTION), "--name", "PROD", "--function-version",
        newest_version(ctx)))


@TASK.check("9.4", "Alias STAGING points to $LATEST", points=2, requires=EXISTS)
def staging(ctx: Context) -> Verdict:
    found = alias(ctx, "STAGING")
    if found is None:
        return missing_alias(ctx, "STAGING", "$LATEST")
    if found.get("FunctionVersion") == "$LATEST":
        return passed("STAGING -> $LATEST")
    return failed(f"STAGING points to {found.get('FunctionVersion')}, not $LATEST", hint=shell.aws(
        "lambda", "update-alias", "--function-name", ctx.name(FUNCTION), "--name", "STAGING",
        "--function-version", "$LATEST"))


def canary_fix(ctx: Context, prod_version: str | None) -> str:
    """Weights to a published version other than PROD's; one is published first when there is none."""
    others = sorted((v for v in published_versions(ctx) if v != prod_version), key=int)
    name = ctx.name(FUNCTION)

    def route(version: str) -> str:
        return shell.aws("lambda", "update-alias", "--function-name", name, "--name", "PROD",
                         "--routing-config", json.dumps({"AdditionalVersionWeights": {version: 0.1}}))

    if others:
        return route(others[-1])
    following = str(int(newest_version(ctx)) + 1)
    return shell.fix(
        shell.comment("a new version needs a change since the last one (publish-version returns the last one "
                      "otherwise), for example its description:"),
        shell.aws("lambda", "update-function-configuration", "--function-name", name, "--description", "Release 2"),
        # AWS refuses to publish while the update is in progress (ResourceConflictException): wait for it.
        shell.aws("lambda", "wait", "function-updated-v2", "--function-name", name),
        shell.aws("lambda", "publish-version", "--function-name", name, "--query", "Version", "--output", "text"),
        shell.comment(f"publish-version prints the new version: {following} here unless a version was deleted"),
        route(following))


def provisioned(ctx: Context) -> bool:
    """Whether PROD has provisioned concurrency (for the fix only: unreadable counts as yes, and the weights'
    command is shown)."""
    return for_advice(lambda: ctx.facts.provisioned_concurrency(ctx.name(FUNCTION), "PROD") is not None, True)


@TASK.check("9.5", "PROD sends 10% to another version (canary)", points=2, requires=prod)
def canary(ctx: Context) -> Verdict:
    found = alias(ctx, "PROD") or {}
    weights = (found.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    for version, weight in weights.items():
        if isinstance(weight, (int, float)) and math.isclose(weight, 0.1) and version != found.get("FunctionVersion"):
            return passed(f"10% of PROD traffic goes to version {version}", weights=weights)
    fix = canary_fix(ctx, found.get("FunctionVersion"))
    if not weights and not provisioned(ctx):
        # AWS refuses provisioned concurrency on an alias with weights (task 10.1): weights come second.
        fix = shell.comment("provisioned concurrency on PROD first (10.1's fix): AWS refuses it once PROD has "
                            "weights; graded again, this fix is then a command")
    if weights:
        shown = ", ".join(f"version {v}: {w}" for v, w in weights.items())
        return failed(f"PROD routes {shown}; expected weight 0.1 to one other version", hint=fix, weights=weights)
    return failed("PROD has no routing configuration", hint=fix)
