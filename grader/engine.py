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
from grader.whereabouts import Whereabouts


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
        # A typed mark, not only words: tests and reports tell a grader bug from an unreadable fact by it.
        return result(Status.ERROR, f"the check crashed ({type(exc).__name__}: {exc}); please report this",
                      evidence={"crashed": type(exc).__name__})
    hint = None
    if verdict.status is not Status.PASS:
        # Only the check's own template is filled: a verdict's hint may carry values read from AWS (an alarm
        # described "pages {account}") and is written whole by its check (ctx.fill for any template it uses).
        hint = verdict.hint or ctx.fill(check.hint or "") or None
        if hint and check.finish is not None:
            try:
                hint = check.finish(ctx, hint)
            except FactUnavailable:  # what the fix would wait for could not be read: printed as made
                pass
    return result(verdict.status, verdict.message, hint, verdict.evidence)


def judge_group(checks: list[Check], ctx: Context, results: dict[str, CheckResult]) -> None:
    """Judge checks in the order given (requirements first), recording each result."""
    for check in checks:
        results[check.id] = judge_check(check, ctx, results)


def needed_checks(assessment: Assessment, only_tasks: Iterable[int]) -> set[str]:
    """The checks of these tasks and every check they require, however far (9.5 needs 9.3 needs 2.1)."""
    wanted = set(only_tasks)
    todo = [c for t in assessment.tasks if t.number in wanted for c in t.checks]
    needed: set[str] = set()
    while todo:
        check = todo.pop()
        if check.id not in needed:
            needed.add(check.id)
            todo.extend(check.requires)  # resolved to checks when the assessment loaded
    return needed


def judge_all(assessment: Assessment, ctx: Context, pool: ThreadPoolExecutor | None = None,
              only_tasks: tuple[int, ...] | None = None) -> tuple[TaskResult, ...]:
    """Every task's results (or only those of ``only_tasks``, judging just the checks they need);
    independent groups of checks are judged side by side on ``pool``."""
    results: dict[str, CheckResult] = {}
    groups = assessment.order
    if only_tasks is not None:
        needed = needed_checks(assessment, only_tasks)
        groups = [kept for group in groups if (kept := [c for c in group if c.id in needed])]
    if pool is None:
        for group in groups:
            judge_group(group, ctx, results)
    else:
        for future in [pool.submit(judge_group, group, ctx, results) for group in groups]:
            future.result()
    return tuple(TaskResult(t.number, t.title, tuple(results[c.id] for c in t.checks)) for t in assessment.tasks
                 if only_tasks is None or t.number in only_tasks)


def unreachable(task: Task, reason: str) -> TaskResult:
    """Every check of a task that could not be graded at all."""
    return TaskResult(task.number, task.title, tuple(
        CheckResult(c.id, c.title, Status.ERROR, 0.0, c.points, f"not graded: {reason}") for c in task.checks))


Connect = Callable[[Student], Facts]


def start_reads(assessment: Assessment, student: Student, facts: Facts,
                only_tasks: tuple[int, ...] | None = None) -> None:
    """Send the student's independent reads (the assessment's prefetch), once per student and facts; none
    with ``--task`` (``only_tasks``), whose checks read only what they ask for.

    Reads that need the account's ID ask for it themselves (``Context.account``), so they can start
    before it is known: with the request that proves the credentials, in a one-student run.
    """
    if only_tasks is None and facts.claim(("reads started", student.student_id)):
        assessment.prefetch(Context(student.student_id, None, facts.region, facts,
                                    assessment.names_end_in_student_id))


def facts_read(assessment: Assessment) -> tuple[str, ...]:
    """Every fact a run of this assessment may read: its checks', and the engine's own around them."""
    from grader.discovery import LISTINGS
    from grader.whereabouts import facts_read as looking_elsewhere

    engine = ["account_id", *looking_elsewhere(assessment)]  # the student's resources in other regions
    discovery = [LISTINGS[kind] for kind in assessment.discovery]
    # In the assessment's order (roughly the order grading needs them), each once.
    return tuple(dict.fromkeys([*assessment.reads, *engine, *discovery]))


class Grader:
    """Grades students of one assessment; ``connect`` says which facts (account, region) each is graded on."""

    def __init__(self, assessment: Assessment, connect: Connect, *, pass_mark: float = 70.0,
                 workers: int = 16, student_workers: int = 4, notes: tuple[str, ...] = (),
                 only_tasks: tuple[int, ...] | None = None) -> None:
        self.assessment = assessment
        self.connect = connect
        self.pass_mark = pass_mark
        self.workers = workers
        self.student_workers = student_workers
        self.notes = notes  # said of every student of the run (the sandbox's reference solution)
        # --task: only these tasks are graded, and only what their checks ask is read (no prefetch).
        self.only_tasks = only_tasks

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
            account = facts.account_id()  # first: a student whose account cannot be read is not graded
        except FactUnavailable as exc:
            reason = exc.describe()
            tasks = tuple(unreachable(task, reason) for task in self.assessment.tasks
                          if self.only_tasks is None or task.number in self.only_tasks)
            return StudentResult(sid, student.account_id, region, tasks, self.pass_mark,
                                 (*self.notes, f"Not graded: {reason}"), student.name, student.email, student.extra)
        start_reads(self.assessment, student, facts, self.only_tasks)  # unless the run started them already
        context = Context(sid, account, facts.region, facts, self.assessment.names_end_in_student_id)
        tasks = judge_all(self.assessment, context, pool, self.only_tasks)
        notes = self.notes + Whereabouts(self.assessment, sid, facts, pool, self.only_tasks).notes(tasks)
        return StudentResult(sid, account, facts.region, tasks, self.pass_mark, notes, student.name, student.email,
                             student.extra)
