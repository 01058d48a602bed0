"""A run built by hand, no emulator: three students who between them meet every status a renderer shows.

- ``alice42`` passes everything (a name in several scripts);
- ``bob7`` is partial: a failed check with a hint and evidence (a set, a tuple, a nested dict, an object),
  two failures in one task with the same hint (the table says "the same as above"), an advisory warning, and a
  name and e-mail a spreadsheet would run as formulas;
- ``carol-3`` could not be graded: every check is ``error`` and a note says why (HTML and an escape
  sequence in it).
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.rubric import Assessment, Task, passed

P, F, E, W = Status.PASS, Status.FAIL, Status.ERROR, Status.WARN

LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:common-utils-layer-alice42:1"
FIX_LAYER = "aws lambda update-function-configuration --function-name layer-consumer-bob7 --layers <layer-arn>"
FIX_ENV = "aws lambda update-function-configuration --environment 'Variables={LOG_LEVEL=INFO,APP_ENV=dev}'"
UNREACHABLE = ("could not assume arn:aws:iam::210987654321:role/Grader<script>alert(1)</script> "
               "(AccessDenied)\x1b[2J")

# (number, title, ((id, title, points), ...))
RUBRIC = (
    (1, "Lambda layer", (("1.1", "Layer exists", 3.0), ("1.2", "Function uses the layer", 3.0))),
    (2, "Environment <config> & “quotes”", (("2.1", "Variables are set", 2.0),
                                           ("2.2", "LOG_LEVEL is =cmd()", 2.0),
                                           ("2.3", "Tags name an owner (advice, no points)", 0.0))),
    (3, "Reserved concurrency", (("3.1", "Reserved concurrency is 5", 5.0),)),
)


def student(sid: str, outcomes: dict[str, tuple], **fields) -> StudentResult:
    """``outcomes``: check id → (status, message[, hint[, evidence]]); points follow the status."""
    tasks = []
    for number, title, checks in RUBRIC:
        results = []
        for cid, ctitle, points in checks:
            status, message, *rest = outcomes[cid]
            hint = rest[0] if rest else None
            evidence = rest[1] if len(rest) > 1 else {}
            results.append(CheckResult(cid, ctitle, status, points if status is P else 0.0, points, message, hint,
                                       evidence))
        tasks.append(TaskResult(number, title, tuple(results)))
    defaults = {"account": "123456789012", "region": "us-east-1", "pass_mark": 70.0}
    return StudentResult(sid, tasks=tuple(tasks), **{**defaults, **fields})


class Opaque:
    """An object a check might put in its evidence by mistake: it goes out as its text."""

    def __str__(self) -> str:
        return "<Opaque thing>"


ALICE = student("alice42", {
    "1.1": (P, "common-utils-layer-alice42 version 1 exists", None, {"arn": LAYER}),
    "1.2": (P, "uses common-utils-layer-alice42 version 1", None, {"layer": LAYER}),
    "2.1": (P, "all three are set", None, {"variables": ("APP_ENV", "LOG_LEVEL", "TABLE")}),
    "2.2": (P, "LOG_LEVEL is INFO"),
    "2.3": (P, "Owner tag: alice"),
    "3.1": (P, "reserved concurrency 5", None, {"reserved": 5}),
}, name="Zoë Ångström 李小龍", email="zoe@school.example")

BOB = student("bob7", {
    "1.1": (P, "common-utils-layer-bob7 version 2 exists"),
    "1.2": (F, "layer-consumer-bob7 has no layers; it must use a version of your common-utils-layer-bob7",
            FIX_LAYER, {"layers": [], "missing": {"TABLE", "APP_ENV"}, "tags": {"Owner": "<script>x</script>",
                                                                            "Cost": ("a", 1)},
                        "code": PurePosixPath("/var/task/app.py"), "thing": Opaque()}),
    "2.1": (F, "layer-consumer-bob7 lacks APP_ENV", FIX_ENV, {"missing": ["APP_ENV"]}),
    "2.2": (F, "LOG_LEVEL is '=cmd()' <b>bold</b>, expected INFO", FIX_ENV, {"value": "=cmd()"}),
    "2.3": (W, "no Owner tag on layer-consumer-bob7", "aws lambda tag-resource --tags Owner=bob7"),
    "3.1": (P, "reserved concurrency 5", None, {"reserved": 5}),
}, name="=cmd|' /C calc'!A0", email="+bob@school.example", region="eu-west-1")

CAROL = student("carol-3", {
    cid: (E, f"not graded: {UNREACHABLE}") for _, _, checks in RUBRIC for cid, _, _ in checks
}, account=None, region="us-east-1", notes=(f"Not graded: {UNREACHABLE}",))

TITLE = "Lambda — medium <i>course</i> ✓"


@pytest.fixture
def class_run() -> RunResult:
    return RunResult("lambda_medium", TITLE, 70.0, (ALICE, BOB, CAROL))


@pytest.fixture
def one_student_run() -> RunResult:
    """bob7 alone: a student's own view (the table's single-student layout, markdown's "To fix")."""
    return RunResult("lambda_medium", TITLE, 70.0, (BOB,))


def _rubric() -> Assessment:
    """A two-task rubric for ``--explain``, with an advisory check and a fixed-name variant's wording."""
    layer = Task(1, "Lambda layer", points=6)
    exists = layer.check("1.1", "Layer common-utils-layer-<id> exists", points=3, hint="aws lambda publish-layer-version")(
        lambda ctx: passed("found"))
    layer.check("1.2", "Function uses the layer", points=3, requires=exists)(lambda ctx: passed("uses it"))
    environment = Task(2, "Environment “quotes” & <config>", points=2.5)
    environment.check("2.1", "Variables are set", points=2.5)(lambda ctx: passed("set"))
    environment.check("2.2", "Tags name an owner", points=1, advisory=True)(lambda ctx: passed("tagged"))
    return Assessment("demo", "Demo rubric — Zoë's ✓", [layer, environment])


@pytest.fixture
def rubric() -> Assessment:
    return _rubric()
