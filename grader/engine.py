"""Judge and score: run an assessment's checks over gathered facts, concurrently, never dying.

Tasks run in a thread pool; facts are fetched by the first check that asks and shared with every other
(see :mod:`grader.aws.facts`), so independent reads overlap and none is made twice. A check that cannot
read its facts is ``error`` naming what could not be read; a check that raises is ``error`` too, and the
rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from grader.aws.errors import FactUnavailable
from grader.aws.facts import FactStore
from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.rubric import Assessment, Check, Context, Task, Verdict


def judge_check(check: Check, ctx: Context, earlier: dict[str, CheckResult]) -> CheckResult:
    def result(status: Status, message: str, hint: str | None = None, evidence: dict | None = None) -> CheckResult:
        points = check.points if status is Status.PASS else 0.0
        if check.advisory and status is Status.FAIL:
            status = Status.WARN
        return CheckResult(check.id, check.title, status, points, check.points, message, hint, evidence or {})

    if check.requires is not None:
        prerequisite = earlier[check.requires.id]
        if prerequisite.status is Status.ERROR:
            return result(Status.ERROR, f"not decided: {check.requires.id} could not be read")
        if prerequisite.status is not Status.PASS:
            return result(Status.FAIL, f"not checked: {check.requires.id} ({check.requires.title}) failed")
    try:
        verdict = check.judge(ctx)
        if not isinstance(verdict, Verdict):
            raise TypeError(f"check returned {type(verdict).__name__}, not a Verdict")
    except FactUnavailable as exc:
        return result(Status.ERROR, f"could not read: {exc.describe()}")
    except Exception as exc:  # a bug in a check must cost one row, not the run
        return result(Status.ERROR, f"the check crashed ({type(exc).__name__}: {exc}); please report this")
    hint = None
    if verdict.status is not Status.PASS:
        hint = ctx.fill(verdict.hint or check.hint or "") or None
    return result(verdict.status, verdict.message, hint, verdict.evidence)


def judge_task(task: Task, ctx: Context) -> TaskResult:
    results: dict[str, CheckResult] = {}
    for check in task.checks:
        results[check.id] = judge_check(check, ctx, results)
    return TaskResult(task.number, task.title, tuple(results.values()))


class Grader:
    """Grades students of one assessment with one read-only session; facts are shared across students."""

    def __init__(self, assessment: Assessment, facts: FactStore, *, pass_mark: float = 70.0, workers: int = 16):
        self.assessment = assessment
        self.facts = facts
        self.pass_mark = pass_mark
        self.workers = workers

    def grade(self, student_ids: Iterable[str], region: str | None = None) -> RunResult:
        student_ids = list(student_ids)
        facts = self.facts(region)
        account = facts.account_id()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="grade") as pool:
            futures = {
                sid: [
                    pool.submit(judge_task, task, Context(sid, account, facts.region, facts))
                    for task in self.assessment.tasks
                ]
                for sid in student_ids
            }
            students = []
            for sid in student_ids:
                tasks = tuple(f.result() for f in futures[sid])
                notes = self._region_notes(sid, tasks, facts.region, pool)
                students.append(StudentResult(sid, account, facts.region, tasks, self.pass_mark, notes))
        return RunResult(self.assessment.name, self.assessment.title, self.pass_mark, tuple(students))

    def _region_notes(self, sid: str, tasks: tuple[TaskResult, ...], region: str, pool: ThreadPoolExecutor) -> tuple[str, ...]:
        """Nothing found here? The most common mistake is building in another region: say where."""
        if any(t.score for t in tasks) or any(t.status is Status.ERROR for t in tasks):
            return ()
        landmarks = self.assessment.landmarks(sid)
        if not landmarks:
            return ()
        try:
            regions = [r for r in self.facts(region).enabled_regions() if r != region]
        except FactUnavailable as exc:
            return (f"Nothing of yours was found in {region}; other regions could not be listed ({exc.describe()}).",)

        def found_in(other: str) -> list[str]:
            try:
                names = self.facts(other).function_names()
            except FactUnavailable:  # e.g. a region the account cannot use
                return []
            return [name for name in landmarks if name in names]

        found = {r: names for r, names in zip(regions, pool.map(found_in, regions), strict=True) if names}
        if not found:
            return (f"None of your resources were found in {region} or any other region: "
                    "start with task 1 (names must end in -" + sid + ").",)
        where = ", ".join(f"{r} ({len(n)} of {len(landmarks)} functions)" for r, n in sorted(found.items()))
        best = max(found, key=lambda r: len(found[r]))
        return (
            f"Nothing of yours is in {region}, but your functions are in {where}. "
            f"Grade that region with --region {best}, or rebuild in {region}.",
        )
