"""Where a student's missing resources are: the notes that are not checks.

The two most common reasons a resource is "missing" are building it (or everything) in another region
than the one graded, and a typo in the student ID. For each resource a task names (the assessment's
``resources``: functions, layers, queues, alarms, security groups, scalable targets) that is missing
from the graded region, the grader looks in the partition's other regions and names where it is.

The cost stays bounded: nothing is read for a task at full marks (nothing of it is missing), other
regions are read only for the kinds of resource missing, each from one account-wide listing per region
(shared by every student graded on the same credentials: once per class), and when nothing at all is
in the graded region the functions are looked for first (where they are is then the whole answer; found
nowhere, only the first task's resources are looked for: the note says to start there).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grader.aws.errors import FactUnavailable
from grader.model import Status, TaskResult
from grader.rubric import RESOURCE_KINDS, Assessment, Resource, partition_of

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor


def _alarm_names(facts: Any) -> set[str]:
    return {str(a.get("AlarmName")) for a in facts.metric_alarms()}


def _made_by_auto_scaling(alarm: dict[str, Any]) -> bool:
    """A target-tracking policy's own alarm (``TargetTracking-function:<fn>:<alias>-AlarmHigh-<uuid>``, acting
    on the policy: AWS Lambda developer guide, "Configuring provisioned concurrency"), not the student's."""
    actions = [str(a) for a in alarm.get("AlarmActions") or []]
    return str(alarm.get("AlarmName", "")).startswith("TargetTracking-") and any(
        ":autoscaling:" in a and ":scalingPolicy:" in a for a in actions
    )


def _watched(facts: Any) -> set[str]:
    """The functions watched by the region's alarms on AWS/Lambda metrics (the student's own alarms)."""
    return {
        str(d.get("Value"))
        for a in facts.metric_alarms()
        if a.get("Namespace") == "AWS/Lambda" and not _made_by_auto_scaling(a)
        for d in a.get("Dimensions") or []
        if d.get("Name") == "FunctionName"
    }


@dataclass(frozen=True)
class Kind:
    """A kind of resource: how it is named in a note, whether one is in the graded region (from what the
    checks read), and the names of all of them in another region (an account-wide listing)."""

    label: str  # "the queue {}"
    plural: str  # "queues"
    here: Callable[[Any, str], bool]
    names: Callable[[Any], Collection[str]]
    reads: tuple[str, ...]  # the facts both read (the least-privilege policy follows from them)
    # Any one of a task's resources of this kind will do (alarms on any of the student's functions): they
    # are missing only when none of them is in the graded region.
    any_of: bool = False


KINDS: dict[str, Kind] = {
    "function": Kind(
        "{}",
        "functions",
        lambda f, n: f.function(n) is not None,
        lambda f: f.function_names(),
        ("function", "function_names"),
    ),
    "layer": Kind(
        "the layer {}",
        "layers",
        lambda f, n: f.latest_layer_version(n) is not None,
        lambda f: f.layer_names(),
        ("latest_layer_version", "layer_names"),
    ),
    "queue": Kind(
        "the queue {}",
        "queues",
        lambda f, n: f.queue(n) is not None,
        lambda f: f.queue_names(),
        ("queue", "queue_names"),
    ),
    "security group": Kind(
        "the security group {}",
        "security groups",
        lambda f, n: n in f.security_group_names(),
        lambda f: f.security_group_names(),
        ("security_group_names",),
    ),
    "scalable target": Kind(
        "the scalable target {}",
        "scalable targets",
        lambda f, n: bool(f.scalable_targets("lambda", n)),
        lambda f: f.scalable_target_ids("lambda"),
        ("scalable_targets", "scalable_target_ids"),
    ),
    "alarm": Kind("the alarm {}", "alarms", lambda f, n: n in _alarm_names(f), _alarm_names, ("metric_alarms",)),
    "alarms on": Kind(
        "alarms on {}", "sets of alarms", lambda f, n: n in _watched(f), _watched, ("metric_alarms",), any_of=True
    ),
}


if tuple(KINDS) != RESOURCE_KINDS:  # a kind the rubric accepts is one this module can look for
    raise ImportError(f"grader.whereabouts.KINDS {tuple(KINDS)} differ from grader.rubric.RESOURCE_KINDS")


def facts_read(assessment: Assessment) -> list[str]:
    """The facts looking for the assessment's resources may read."""
    kinds = dict.fromkeys(r.kind for r in assessment.resources("id"))
    if not kinds:
        return []
    return ["enabled_regions", *(fact for kind in kinds for fact in KINDS[kind].reads)]


def named(resources: list[Resource]) -> str:
    """``layer-consumer-kim7, the queue task-queue-kim7 and alarms on sqs-consumer-kim7``."""
    parts = [KINDS[r.kind].label.format(r.name) for r in resources]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def counted(resources: list[Resource], functions: int) -> str:
    """``4 of 6 functions, 2 queues`` (what of a student's was found in one region)."""
    by_kind: dict[str, int] = {}
    for resource in resources:
        by_kind[resource.kind] = by_kind.get(resource.kind, 0) + 1
    parts = []
    for kind, count in by_kind.items():
        if kind == "function":
            parts.append(f"{count} of {functions} functions")
        elif kind == "alarms on":
            parts.append(f"alarms on {count} function{'s' if count > 1 else ''}")
        else:
            parts.append(KINDS[kind].label.format("").strip() if count == 1 else f"{count} {KINDS[kind].plural}")
    return ", ".join(parts)


class Whereabouts:
    """The notes of one student graded in ``facts``' region: where their missing resources are."""

    def __init__(
        self,
        assessment: Assessment,
        sid: str,
        facts: Any,
        pool: ThreadPoolExecutor,
        only_tasks: tuple[int, ...] | None = None,
    ) -> None:
        self.assessment = assessment
        self.sid = sid
        self.facts = facts
        self.region = facts.region
        self.pool = pool
        self.only_tasks = only_tasks

    def notes(self, tasks: tuple[TaskResult, ...]) -> tuple[str, ...]:
        if any(t.status is Status.ERROR for t in tasks):
            return ()  # what could not be read is said by the checks; a guess here could be wrong
        graded = {t.number for t in tasks}
        short = {t.number for t in tasks if t.status is not Status.PASS}
        declared = list(
            dict.fromkeys((r.kind, r.name) for r in self.assessment.resources(self.sid) if r.task in graded)
        )
        tasks_of = {}
        for r in self.assessment.resources(self.sid):
            tasks_of.setdefault((r.kind, r.name), set()).add(r.task)
        whole_run = self.only_tasks is None
        functions = [name for kind, name in declared if kind == "function"]
        # In a whole run every function is looked at (the checks read them all): none here is "nothing here".
        candidates = [
            Resource(min(tasks_of[(kind, name)]), kind, name)
            for kind, name in declared
            if (whole_run and kind == "function") or tasks_of[(kind, name)] & short
        ]
        missing = self._missing(candidates)
        if not missing:
            return ()
        nothing_here = (
            whole_run
            and bool(functions)
            and all(any(m.kind == "function" and m.name == name for m in missing) for name in functions)
        )
        try:
            # The graded region's partition only: an account of one partition has no other partition's regions.
            regions = [
                r
                for r in self.facts.enabled_regions()
                if r != self.region and partition_of(r) == partition_of(self.region)
            ]
        except FactUnavailable as exc:
            if not nothing_here:
                return ()
            return (
                f"Nothing of yours was found in {self.region}; other regions could not be listed ({exc.describe()}).",
            )
        if nothing_here:
            return self._nothing_here(missing, regions, len(functions))
        found, _ = self._look(missing, regions)
        return self._elsewhere(found)

    def _missing(self, candidates: list[Resource]) -> list[Resource]:
        """The candidates not in the graded region (mostly read already by the checks). One that cannot be
        read (a check skipped before reading it, and a permission missing) is not said to be missing."""

        def absent(resource: Resource) -> bool:
            try:
                return not KINDS[resource.kind].here(self.facts, resource.name)
            except FactUnavailable:
                return False

        answers = dict(zip(candidates, self.pool.map(absent, candidates), strict=True))
        for kind in {r.kind for r in candidates if KINDS[r.kind].any_of}:
            group = [r for r in candidates if r.kind == kind]
            if not all(answers[r] for r in group):  # one of them is here: the student builds them here
                answers.update(dict.fromkeys(group, False))
        return [r for r in candidates if answers[r]]

    def _look(
        self, missing: list[Resource], regions: list[str]
    ) -> tuple[dict[str, list[Resource]], dict[str, FactUnavailable]]:
        """Which of ``missing`` each other region has (one listing per kind and region), and the regions
        that could not be read (e.g. one the account cannot use, or a permission missing)."""
        kinds = list(dict.fromkeys(r.kind for r in missing))
        asked = [(region, kind) for region in regions for kind in kinds]

        def names(question: tuple[str, str]) -> Collection[str] | FactUnavailable:
            region, kind = question
            try:
                return KINDS[kind].names(self.facts.in_region(region))
            except FactUnavailable as exc:
                return exc

        answers = dict(zip(asked, self.pool.map(names, asked), strict=True))
        found: dict[str, list[Resource]] = {}
        failures: dict[str, FactUnavailable] = {}
        for (region, kind), answer in answers.items():
            if isinstance(answer, FactUnavailable):
                failures.setdefault(region, answer)
                continue
            here = [r for r in missing if r.kind == kind and r.name in answer]
            if here:
                found.setdefault(region, []).extend(here)
        order = {(r.kind, r.name): i for i, r in enumerate(missing)}
        return (
            {region: sorted(rs, key=lambda r: order[(r.kind, r.name)]) for region, rs in sorted(found.items())},
            failures,
        )

    def _nothing_here(self, missing: list[Resource], regions: list[str], functions: int) -> tuple[str, ...]:
        """Not one of the student's functions in the graded region: where are they, or is the ID mistyped?"""
        found, failures = self._look([m for m in missing if m.kind == "function"], regions)
        if found:  # the functions are elsewhere: that region is the answer, whatever else is there
            where = ", ".join(f"{r} ({counted(rs, functions)})" for r, rs in found.items())
            best = max(found, key=lambda r: len(found[r]))
            return (
                f"Nothing of yours is in {self.region}, but your functions are in {where}. "
                f"Grade that region with --region {best}, or rebuild in {self.region}.",
            )
        typo = id_typo(self.assessment, self.sid, self.facts) if self.assessment.names_end_in_student_id else None
        if typo:
            return (typo,)
        # No function anywhere: the note says to start with the first task, so only its resources are looked
        # for (a layer built in another region): a student who has not started costs one listing per region.
        first_task = min((m.task for m in missing if m.kind != "function"), default=None)
        rest = [m for m in missing if m.kind != "function" and m.task == first_task]
        others, not_looked = self._look(rest, regions)
        unread = sorted(failures)
        naming = f" (names must end in -{self.sid})" if self.assessment.names_end_in_student_id else ""
        searched = f"the {len(regions) - len(unread)} other regions enabled for this account"
        reasons = sorted({exc.describe() for exc in failures.values()})
        also = f"; {', '.join(unread)} could not be read ({'; '.join(reasons)})" if unread else ""
        if not_looked:
            reasons = sorted({exc.describe() for exc in not_looked.values()})
            also += f"; other resources could not be looked for everywhere ({'; '.join(reasons)})"
        first = min(t.number for t in self.assessment.tasks)
        return (
            f"None of your functions were found in {self.region} or in {searched}{also}: "
            f"start with task {first}{naming}.",
            *self._elsewhere(others),
        )

    def _elsewhere(self, found: dict[str, list[Resource]]) -> tuple[str, ...]:
        """Part of the work in another region: the grader reads one region, so it counts as missing."""
        notes = []
        for other, resources in found.items():
            one = len(resources) == 1
            notes.append(
                f"{named(resources)} {'is' if one else 'are'} in {other}, not in {self.region} (the region "
                f"graded): everything must be in one region, so build {'it' if one else 'them'} again "
                f"in {self.region} (or grade {other} with --region {other} if the rest is there too)."
            )
        return tuple(notes)


# --- a mistyped student ID ---------------------------------------------------------------------------


def mistyped(typed: str, meant: str) -> bool:
    """Whether ``typed`` is ``meant`` with its case changed, two neighbouring characters swapped, or one
    character left out or doubled. Not one character changed: ``student41`` is not a typo of ``student40``,
    it is the next student of the class."""
    return how_mistyped(typed, meant) is not None


def how_mistyped(typed: str, meant: str) -> str | None:
    """How ``typed`` differs from ``meant``, in words (``nc1 is nc01 without its '0'``), if it is a typo of it."""
    if typed == meant:
        return None
    if typed.lower() == meant.lower():
        return f"Student IDs are case-sensitive: {typed} is not {meant}."
    a, b = typed.lower(), meant.lower()
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return f"{typed} has {typed[diff[0] : diff[1] + 1]!r} where {meant} has {meant[diff[0] : diff[1] + 1]!r}."
        return None
    if abs(len(a) - len(b)) != 1:
        return None
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    at = next((i for i in range(len(long_)) if long_[:i] + long_[i + 1 :] == short), None)
    if at is None:
        return None
    if len(a) < len(b):
        return f"{typed} is {meant} without its {meant[at]!r} (character {at + 1})."
    return f"{typed} is {meant} with one {typed[at]!r} more (character {at + 1})."


def id_typo(assessment: Assessment, sid: str, facts: Any) -> str | None:
    """``kmi7`` or ``Kim7`` typed for ``kim7``: the IDs found in this region's names that are nearly ``sid``."""
    from grader.discovery import discover

    try:
        found = discover(assessment, facts)
    except FactUnavailable:
        return None
    close = [other for other in found if other != sid and mistyped(sid, other)]
    if not close:
        return None
    shown = " or ".join(close)
    example = next(iter(sorted(found[close[0]]))).replace("*", close[0])
    return (
        f"Nothing in {facts.region} ends in -{sid}, but there are resources for {shown} (such as "
        f"{example}): did you mean --student-id {close[0]}? {how_mistyped(sid, close[0])}"
    )
