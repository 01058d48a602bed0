"""Task 1: the shared layer common-utils-layer-<id>."""

from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(1, "Lambda layer", points=8)
LAYER = "common-utils-layer"
PUBLISH = (
    "aws lambda publish-layer-version --layer-name common-utils-layer-{sid} "
    '--description "Shared helpers for the course functions" --zip-file fileb://layer.zip '
    "--compatible-runtimes python3.12"
)


def latest(ctx: Context) -> dict:
    return ctx.facts.latest_layer_version(ctx.name(LAYER)) or {}


@TASK.check("1.1", "Layer common-utils-layer-<id> has a published version", points=4, hint=PUBLISH)
def published(ctx: Context) -> Verdict:
    version = ctx.facts.latest_layer_version(ctx.name(LAYER))
    if not version:
        return failed(f"no layer named {ctx.name(LAYER)} in {ctx.region}")
    return passed(f"{ctx.name(LAYER)} is published (latest: version {version.get('Version')})",
                  latest=version.get("LayerVersionArn"))


@TASK.check("1.2", "Latest version is compatible with python3.12", points=2, requires=published, hint=PUBLISH)
def compatible(ctx: Context) -> Verdict:
    version = latest(ctx)
    runtimes = version.get("CompatibleRuntimes") or []
    if "python3.12" in runtimes:
        return passed(f"version {version.get('Version')} lists python3.12")
    return failed(
        f"version {version.get('Version')} lists {', '.join(runtimes) or 'no runtimes'}, not python3.12; "
        "publish a new version with --compatible-runtimes python3.12",
    )


@TASK.check("1.3", "Latest version has a description", points=2, requires=published, hint=PUBLISH)
def described(ctx: Context) -> Verdict:
    version = latest(ctx)
    if (version.get("Description") or "").strip():
        return passed(f"description: {version['Description']!r}")
    return failed(f"version {version.get('Version')} has no description; publish a new version with --description")
