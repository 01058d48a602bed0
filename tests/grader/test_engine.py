"""Judging: a crash or an unreadable fact is one error row; dependents follow their prerequisite."""

from __future__ import annotations

from types import SimpleNamespace

from grader.aws.errors import FactUnavailable
from grader.engine import Grader, judge_task
from grader.model import RunResult, Status
from grader.rubric import Assessment, Context, Task, failed, passed


def make_task():
    task = Task(1, "Demo", points=6)

    @task.check("exists", points=2)
    def exists(ctx):
        return passed("yes") if ctx.facts.present else failed("no", hint="create it --name x-{sid}")

    @task.check("depends", points=2, requires=exists)
    def depends(ctx):
        return passed("fine")

    @task.check("crashes", points=1)
    def crashes(ctx):
        raise KeyError("Configuration")

    @task.check("denied", points=1)
    def denied(ctx):
        raise FactUnavailable("lambda:GetPolicy", "denied", "User is not authorized")

    return task


def context(present: bool) -> Context:
    return Context("alice", "123456789012", "us-east-1", SimpleNamespace(present=present))


def test_crash_and_denial_are_single_error_rows():
    result = judge_task(make_task(), context(True))
    by_title = {c.title: c for c in result.checks}
    assert by_title["exists"].status is Status.PASS and by_title["depends"].status is Status.PASS
    assert by_title["crashes"].status is Status.ERROR and "KeyError" in by_title["crashes"].message
    assert by_title["denied"].status is Status.ERROR and "lambda:GetPolicy" in by_title["denied"].message
    assert result.score == 4 and result.status is Status.ERROR


def test_failed_prerequisite_fails_dependents_once_with_hint_filled():
    result = judge_task(make_task(), context(False))
    exists, depends = result.checks[:2]
    assert exists.hint == "create it --name x-alice"
    assert depends.status is Status.FAIL and depends.message == "not checked: 1.1 (exists) failed"
    assert depends.hint is None


def test_error_prerequisite_makes_dependents_undecided():
    task = Task(1, "T", points=2)

    @task.check("reads", points=1)
    def reads(ctx):
        raise FactUnavailable("sqs:GetQueueUrl", "throttled", "Rate exceeded")

    @task.check("after", points=1, requires=reads)
    def after(ctx):
        return passed("never reached")

    result = judge_task(task, context(True))
    assert [c.status for c in result.checks] == [Status.ERROR, Status.ERROR]


def test_task_points_must_match_their_checks():
    task = Task(1, "T", points=5)
    task.check("only", points=2)(lambda ctx: passed("x"))
    try:
        Assessment("x", "X", [task])
    except ValueError as exc:
        assert "checks sum to 2" in str(exc)
    else:
        raise AssertionError("a rubric whose points do not add up was accepted")


class FakeStore:
    present = True

    def __init__(self):
        self.region = "us-east-1"

    def __call__(self, region=None):
        return self

    def account_id(self):
        return "123456789012"


def test_incomplete_run_exits_3():
    task = make_task()
    run: RunResult = Grader(Assessment("demo", "Demo", [task]), FakeStore()).grade(["alice"])
    assert run.students[0].score == 4
    assert not run.students[0].complete and run.exit_code == 3
