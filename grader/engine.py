"""Judge and score: run an assessment's checks over gathered facts, concurrently, never dying.

Students are graded side by side, and each student's tasks run in a shared thread pool; facts are
fetched by the first check that asks and shared with every other (see :mod:`grader.aws.facts`), so
independent reads overlap and none is made twice. A check that cannot read its facts is ``error``
naming what could not be read; a check that raises is ``error`` too; a student whose account cannot be
reached is that student's error. Nothing one student meets changes another student's result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from grader.aws.errors import FactUnavailable
from grader.aws.facts import Facts
from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult
from grader.roster import Student
from grader.rubric import Assessment, Check, Context, Task, Verdict


def judge_check(check: Check, ctx: Context, earlier: dict[str, CheckResult]) -> CheckResult:
    def result(status: Status, message: str, hint: str | None = None, evidence: dict | None = None,
               skipped_by: str | None = None) -> CheckResult:
        points = check.points if status is Status.PASS else 0.0
        if check.advisory and status is Status.FAIL:
            status = Status.WARN
        return CheckResult(check.id, check.title, status, points, check.points, message, hint, evidence or {},
                           skipped_by)

    try:
        for required in check.requires:
            prerequisite = earlier[required.id]  # judged first: see rubric.judging_order
            if prerequisite.status is Status.ERROR:
                return result(Status.ERROR, f"not decided: {required.id} could not be read")
            if prerequisite.status is not Status.PASS:
                # Skipped, naming the first failure of the chain (9.5 needs 9.3, which needs 2.1).
                return result(Status.FAIL, f"not checked: {required.id} ({required.title}) failed",
                              skipped_by=prerequisite.skipped_by or required.id)
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


def judge_group(checks: list[Check], ctx: Context, results: dict[str, CheckResult]) -> None:
    """Judge checks in the order given (requirements first), recording each result."""
    for check in checks:
        results[check.id] = judge_check(check, ctx, results)


def judge_all(assessment: Assessment, ctx: Context, pool: ThreadPoolExecutor | None = None) -> tuple[TaskResult, ...]:
    """Every task's results; independent groups of checks are judged side by side on ``pool``."""
    results: dict[str, CheckResult] = {}
    if pool is None:
        for group in assessment.order:
            judge_group(group, ctx, results)
    else:
        for future in [pool.submit(judge_group, group, ctx, results) for group in assessment.order]:
            future.result()
    return tuple(TaskResult(t.number, t.title, tuple(results[c.id] for c in t.checks)) for t in assessment.tasks)


def unreachable(task: Task, reason: str) -> TaskResult:
    """Every check of a task that could not be graded at all."""
    return TaskResult(task.number, task.title, tuple(
        CheckResult(c.id, c.title, Status.ERROR, 0.0, c.points, f"not graded: {reason}") for c in task.checks))


Connect = Callable[[Student], Facts]


def facts_read(assessment: Assessment) -> tuple[str, ...]:
    """Every fact a run of this assessment may read: its checks', and the engine's own around them."""
    from grader.discovery import LISTINGS

    engine = ["account_id"]
    if assessment.landmarks("id"):  # looking for the student's resources in other regions
        engine += ["enabled_regions", "function_names"]
    discovery = [LISTINGS[kind] for kind in assessment.discovery]
    # In the assessment's order (roughly the order grading needs them), each once.
    return tuple(dict.fromkeys([*assessment.reads, *engine, *discovery]))


class Grader:
    """Grades students of one assessment; ``connect`` says which facts (account, region) each is graded on."""

    def __init__(self, assessment: Assessment, connect: Connect, *, pass_mark: float = 70.0,
                 workers: int = 16, student_workers: int = 4) -> None:
        self.assessment = assessment
        self.connect = connect
        self.pass_mark = pass_mark
        self.workers = workers
        self.student_workers = student_workers

    def grade(self, students: Iterable[Student | str],
              on_result: Callable[[StudentResult], None] | None = None) -> RunResult:
        students = [s if isinstance(s, Student) else Student(s) for s in students]
        with ThreadPoolExecutor(self.workers, thread_name_prefix="task") as tasks, \
                ThreadPoolExecutor(self.student_workers, thread_name_prefix="student") as per_student:
            def one(student: Student) -> StudentResult:
                result = self.grade_student(student, tasks)
                if on_result is not None:
                    on_result(result)
                return result

            results = list(per_student.map(one, students))
        return RunResult(self.assessment.name, self.assessment.title, self.pass_mark, tuple(results))

    def grade_student(self, student: Student, pool: ThreadPoolExecutor) -> StudentResult:
        sid = student.student_id
        region = student.region or "?"
        try:
            facts = self.connect(student)
            region = facts.region
            account = facts.account_id()
        except FactUnavailable as exc:
            reason = exc.describe()
            tasks = tuple(unreachable(task, reason) for task in self.assessment.tasks)
            return StudentResult(sid, student.account_id, region, tasks, self.pass_mark,
                                 (f"Not graded: {reason}",), student.name, student.email)
        context = Context(sid, account, facts.region, facts, self.assessment.names_end_in_student_id)
        self.assessment.prefetch(context)
        tasks = judge_all(self.assessment, context, pool)
        notes = self._region_notes(sid, tasks, facts, pool)
        return StudentResult(sid, account, facts.region, tasks, self.pass_mark, notes, student.name, student.email)

    def _region_notes(self, sid: str, tasks: tuple[TaskResult, ...], facts: Facts,
                      pool: ThreadPoolExecutor) -> tuple[str, ...]:
        """Nothing found here? The most common mistake is building in another region: say where."""
        if any(t.score for t in tasks) or any(t.status is Status.ERROR for t in tasks):
            return ()
        landmarks = self.assessment.landmarks(sid)
        if not landmarks:
            return ()
        region = facts.region
        try:
            regions = [r for r in facts.enabled_regions() if r != region]
        except FactUnavailable as exc:
            return (f"Nothing of yours was found in {region}; other regions could not be listed ({exc.describe()}).",)

        def found_in(other: str) -> list[str]:
            try:
                names = facts.in_region(other).function_names()
            except FactUnavailable:  # e.g. a region the account cannot use
                return []
            return [name for name in landmarks if name in names]

        found = {r: names for r, names in zip(regions, pool.map(found_in, regions), strict=True) if names}
        if not found:
            naming = f" (names must end in -{sid})" if self.assessment.names_end_in_student_id else ""
            return (f"None of your resources were found in {region} or any other region: "
                    f"start with task 1{naming}.",)
        where = ", ".join(f"{r} ({len(n)} of {len(landmarks)} functions)" for r, n in sorted(found.items()))
        best = max(found, key=lambda r: len(found[r]))
        return (
            f"Nothing of yours is in {region}, but your functions are in {where}. "
            f"Grade that region with --region {best}, or rebuild in {region}.",
        )
