"""Task 1: the shared layer common-utils-layer-<id>: published for python3.12, its ``utils`` module and
the dependencies it carries."""

import re

from checks import python_source
from checks.lambda_medium.deployed import RUNTIME, latest_layer_package, republish
from checks.python_source import CodeProblem
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


@TASK.check("1.1", "Layer common-utils-layer-<id> has a published version", points=3, hint=PUBLISH)
def published(ctx: Context) -> Verdict:
    version = ctx.facts.latest_layer_version(ctx.name(LAYER))
    if not version:
        return failed(f"no layer named {ctx.name(LAYER)} in {ctx.region}")
    return passed(f"{ctx.name(LAYER)} is published (latest: version {version.get('Version')})",
                  latest=version.get("LayerVersionArn"))


@TASK.check("1.2", "Latest version is compatible with python3.12", points=1, requires=published, hint=PUBLISH)
def compatible(ctx: Context) -> Verdict:
    version = latest(ctx)
    runtimes = version.get("CompatibleRuntimes") or []
    if "python3.12" in runtimes:
        return passed(f"version {version.get('Version')} lists python3.12")
    return failed(
        f"version {version.get('Version')} lists {', '.join(runtimes) or 'no runtimes'}, not python3.12; "
        "publish a new version with --compatible-runtimes python3.12",
    )


@TASK.check("1.3", "Latest version has a description", points=1, requires=published, hint=PUBLISH)
def described(ctx: Context) -> Verdict:
    version = latest(ctx)
    if (version.get("Description") or "").strip():
        return passed(f"description: {version['Description']!r}")
    return failed(f"version {version.get('Version')} has no description; publish a new version with --description")


HELPERS = ("format_response", "log_event", "validate_input", "Timer")
DEPENDENCIES = {"requests": "requests", "boto3": "boto3", "dateutil": "python-dateutil"}  # module -> pip name
INSTALL = f"pip install {' '.join(DEPENDENCIES.values())} -t python/lib/{RUNTIME}/site-packages/"
UTILS_PLACES = f"python/utils.py or python/lib/{RUNTIME}/site-packages/utils.py"


def elsewhere(package, module: str) -> str:
    """Where the layer holds ``module`` outside the folders Lambda imports from (another Python's
    site-packages, outside python/), said after a verdict; "" when it holds none."""
    pattern = re.compile(rf"(?:^|/){re.escape(module)}(?:\.py|/__init__\.py)$")
    strays = sorted(n for n in package.names if pattern.search(n))
    if not strays:
        return ""
    found = strays[0].removesuffix("__init__.py")
    return f"; it has {found}, where {RUNTIME} does not look (only python/ and python/lib/{RUNTIME}/site-packages/)"


@TASK.check("1.4", "Layer's utils module defines format_response, log_event, validate_input and Timer", points=2,
            requires=published, hint=PUBLISH)
def utils_module(ctx: Context) -> Verdict:
    try:
        version, package = latest_layer_package(ctx)
        located = python_source.resolve("utils", None, [package], RUNTIME)
        if located is None:
            modules = sorted(n for n in package.sources if n.startswith("python/") and "site-packages/" not in n)
            held = f" (it holds {', '.join(modules[:5])})" if modules else ""
            raise CodeProblem(f"version {version.get('Version')} has no utils module at {UTILS_PLACES}{held}"
                              f"{elsewhere(package, 'utils')}")
        names = python_source.defined_names(python_source.parse(package, located.path).tree)
    except CodeProblem as problem:
        return failed(str(problem), hint=republish(ctx, str(problem), f"write python/utils.py defining {', '.join(HELPERS)}"))
    missing = [name for name in HELPERS if name not in names]
    defined = {name: f"{located.path}:{names[name]}" for name in HELPERS if name in names}
    if missing:
        lacks = f"{located.path} does not define {', '.join(missing)}"
        return failed(f"{lacks}{' (it defines ' + ', '.join(defined) + ')' if defined else ''}",
                      hint=republish(ctx, lacks, f"add {', '.join(missing)} to it"), defined=defined)
    return passed(f"{located.path} defines {', '.join(HELPERS[:-1])} and {HELPERS[-1]}", defined=defined)


@TASK.check("1.5", "Layer carries requests, boto3 and python-dateutil", points=1, requires=published, hint=PUBLISH)
def dependencies(ctx: Context) -> Verdict:
    try:
        version, package = latest_layer_package(ctx)
    except CodeProblem as problem:
        return failed(str(problem), hint=republish(ctx, str(problem), INSTALL))
    found = {}
    for module in DEPENDENCIES:
        located = python_source.resolve(module, None, [package], RUNTIME)
        if located is not None:
            found[module] = located.path.rsplit("/", 1)[0] + "/" if located.path.endswith("__init__.py") else located.path
    missing = [module for module in DEPENDENCIES if module not in found]
    if missing:
        carried = f" (it carries {', '.join(f'{m} at {p}' for m, p in found.items())})" if found else ""
        lacks = f"version {version.get('Version')} does not carry {', '.join(missing)}"
        return failed(f"{lacks}{carried}{elsewhere(package, missing[0])}",
                      hint=republish(ctx, lacks, INSTALL), found=found)
    return passed(f"version {version.get('Version')} carries {', '.join(found)}", found=found)
