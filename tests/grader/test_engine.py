"""Judging: a crash or an unreadable fact is one error row; dependents follow their prerequisite,
in any task; check ids are written, not counted."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from grader.aws.errors import FactUnavailable
from grader.engine import Grader, judge_all
from grader.model import RunResult, Status
from grader.rubric import Assessment, Context, Task, failed, passed


def make_task():
    task = Task(1, "Demo", points=6)

    @task.check("1.1", "exists", points=2, hint="create it --name x-{sid}")
    def exists(ctx):
        return passed("yes") if ctx.facts.present else failed("no")

    @task.check("1.2", "depends", points=2, requires=exists)
    def depends(ctx):
        return passed("fine")

    @task.check("1.3", "crashes", points=1)
    def crashes(ctx):
        raise KeyError("Configuration")

    @task.check("1.4", "denied", points=1)
    def denied(ctx):
        raise FactUnavailable("lambda:GetPolicy", "denied", "User is not authorized")

    return task


def context(present: bool) -> Context:
    return Context("alice", "123456789012", "us-east-1", SimpleNamespace(present=present))


def judge(*tasks, present=True):
    return judge_all(Assessment("demo", "Demo", list(tasks)), context(present))


def test_crash_and_denial_are_single_error_rows():
    result = judge(make_task())[0]
    by_title = {c.title: c for c in result.checks}
    assert by_title["exists"].status is Status.PASS and by_title["depends"].status is Status.PASS
    assert by_title["crashes"].status is Status.ERROR and by_title["crashes"].evidence == {"crashed": "KeyError"}
    assert by_title["crashes"].message == "the check crashed (KeyError: 'Configuration'); please report this"
    assert by_title["denied"].status is Status.ERROR and by_title["denied"].evidence == {}
    assert by_title["denied"].message == "could not read: " + FactUnavailable(
        "lambda:GetPolicy", "denied", "User is not authorized").describe()
    assert [c.points for c in result.checks] == [2, 2, 0, 0]
    assert result.score == 4 and result.status is Status.ERROR


def test_failed_prerequisite_fails_dependents_once_with_hint_filled():
    result = judge(make_task(), present=False)[0]
    exists, depends = result.checks[:2]
    assert exists.hint == "create it --name x-alice"
    assert depends.status is Status.FAIL and depends.message == "not checked: 1.1 (exists) failed"
    assert depends.hint is None


def test_error_prerequisite_makes_dependents_undecided():
    task = Task(1, "T", points=2)

    @task.check("1.1", "reads", points=1)
    def reads(ctx):
        raise FactUnavailable("sqs:GetQueueUrl", "throttled", "Rate exceeded")

    @task.check("1.2", "after", points=1, requires=reads)
    def after(ctx):
        return passed("never reached")

    assert [c.status for c in judge(task)[0].checks] == [Status.ERROR, Status.ERROR]


def two_tasks(requires):
    """Task 2's check requires task 1's, named as given (the check or its id)."""
    first, second = Task(1, "First", points=1), Task(2, "Second", points=1)
    second.check("2.1", "needs 1.1", points=1, requires=requires)(lambda ctx: passed("after"))

    @first.check("1.1", "exists", points=1)
    def exists(ctx):
        return passed("yes") if ctx.facts.present else failed("no")

    return first, second, exists


@pytest.mark.parametrize("by", ["id", "check"])
def test_a_requirement_in_another_task_is_judged_first_and_followed(by):
    # Before stable ids, a requirement in another task was looked up outside the error guard: KeyError
    # ended the whole run. Task 2 is listed first here, so it would also be judged before task 1.
    first, second, exists = two_tasks("1.1")
    if by == "check":
        first, second, exists = two_tasks(None)
        second.checks[0].requires = (exists,)
    results = judge_all(Assessment("demo", "Demo", [second, first]), context(False))
    assert results[0].checks[0].status is Status.FAIL
    assert results[0].checks[0].message == "not checked: 1.1 (exists) failed"
    results = judge_all(Assessment("demo", "Demo", [second, first]), context(True))
    assert [r.checks[0].status for r in results] == [Status.PASS, Status.PASS]


def test_a_requirement_that_is_no_check_of_the_assessment_is_refused_when_it_loads():
    first, second, _ = two_tasks("1.9")
    with pytest.raises(ValueError, match="requires '1.9'"):
        Assessment("demo", "Demo", [first, second])
    stranger = Task(3, "Elsewhere", points=1)
    other = stranger.check("3.1", "other", points=1)(lambda ctx: passed("x"))
    lone = Task(1, "Lone", points=1)
    lone.check("1.1", "needs a stranger", points=1, requires=other)(lambda ctx: passed("x"))
    with pytest.raises(ValueError, match="requires 3.1"):
        Assessment("demo", "Demo", [lone])


def test_a_cycle_of_requirements_is_refused():
    task = Task(1, "T", points=2)
    task.check("1.1", "a", points=1, requires="1.2")(lambda ctx: passed("x"))
    task.check("1.2", "b", points=1, requires="1.1")(lambda ctx: passed("x"))
    with pytest.raises(ValueError, match="cycle"):
        Assessment("demo", "Demo", [task])


def test_ids_are_written_not_counted():
    task = Task(4, "T", points=2)
    task.check("4.7", "late", points=1)(lambda ctx: passed("x"))
    task.check("4.2", "inserted before it in the file", points=1)(lambda ctx: passed("x"))
    assert [c.id for c in judge(task)[0].checks] == ["4.7", "4.2"]
    with pytest.raises(ValueError, match="unique"):
        task.check("4.2", "again", points=0)
    with pytest.raises(ValueError, match="'4.<n>'"):
        task.check("5.1", "wrong task", points=0)


def test_an_assessment_naming_an_unknown_fact_is_refused_when_it_loads():
    task = Task(1, "T", points=1)
    task.check("1.1", "x", points=1)(lambda ctx: passed("x"))
    with pytest.raises(ValueError, match="unknown facts: functoin"):
        Assessment("demo", "Demo", [task], reads=("function", "functoin"))


def test_task_points_must_match_their_checks():
    task = Task(1, "T", points=5)
    task.check("1.1", "only", points=2)(lambda ctx: passed("x"))
    with pytest.raises(ValueError, match="checks sum to 2"):
        Assessment("x", "X", [task])


class FakeStore:
    present = True

    def __init__(self):
        self.region = "us-east-1"

    def __call__(self, region=None):
        return self

    def account_id(self):
        return "123456789012"

    def claim(self, key):
        return True


def test_incomplete_run_exits_3():
    task = make_task()
    run: RunResult = Grader(Assessment("demo", "Demo", [task]), FakeStore()).grade(["alice"])
    assert run.students[0].score == 4
    assert not run.students[0].complete and run.exit_code == 3


def test_a_failed_check_without_any_hint_shows_none():
    task = Task(1, "T", points=1)
    task.check("1.1", "bare", points=1)(lambda ctx: failed("no"))
    check = judge(task)[0].checks[0]
    assert check.status is Status.FAIL and check.hint is None and check.message == "no"


def test_groups_judged_side_by_side_are_all_waited_for():
    from concurrent.futures import ThreadPoolExecutor

    first, second = Task(1, "Slow", points=1), Task(2, "Fast", points=1)

    @first.check("1.1", "slow", points=1)
    def slow(ctx):
        time.sleep(0.3)
        return passed("late")

    second.check("2.1", "fast", points=1)(lambda ctx: passed("early"))
    with ThreadPoolExecutor(2) as pool:
        results = judge_all(Assessment("demo", "Demo", [first, second]), context(True), pool)
    assert [(c.id, c.message) for t in results for c in t.checks] == [("1.1", "late"), ("2.1", "early")]


def test_a_student_who_cannot_be_reached_has_every_check_an_error_worth_nothing():
    def connect(student):
        raise FactUnavailable("sts:GetCallerIdentity", "credentials", "The security token included is invalid")

    run = Grader(Assessment("demo", "Demo", [make_task()]), connect).grade(["alice"])
    student = run.students[0]
    reason = "sts:GetCallerIdentity refused the credentials: The security token included is invalid"
    assert [(c.status, c.points, c.message) for c in student.tasks[0].checks] == [
        (Status.ERROR, 0.0, f"not graded: {reason}")] * 4
    assert student.score == 0 and student.notes == (f"Not graded: {reason}",) and run.exit_code == 3


def test_every_check_is_judged_once_in_an_order_that_puts_requirements_first():
    from checks.lambda_lab import ASSESSMENT as LAB
    from checks.lambda_medium import ASSESSMENT as MEDIUM

    for assessment in (MEDIUM, LAB):
        ordered = [check.id for group in assessment.order for check in group]
        assert sorted(ordered) == sorted(assessment.checks)
        for check in assessment.checks.values():
            assert all(ordered.index(r.id) < ordered.index(check.id) for r in check.requires)


def test_names_end_in_the_student_id_unless_the_assessment_says_not():
    facts = SimpleNamespace()
    assert Context("kim7", "123456789012", "us-east-1", facts).name("layer-consumer") == "layer-consumer-kim7"
    assert Context("kim7", "123456789012", "us-east-1", facts, False).name("HelloWorldFunction") == "HelloWorldFunction"


@pytest.mark.parametrize("region, partition", [("us-east-1", "aws"), ("eu-west-1", "aws"), ("cn-north-1", "aws-cn"),
                                               ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
                                               ("us-gov-east-1", "aws-us-gov")])
def test_hints_and_arns_are_in_the_graded_regions_partition(region, partition):
    ctx = Context("kim7", "123456789012", region, SimpleNamespace())
    assert ctx.partition == partition
    assert ctx.fill("{sid} {region} {account} arn:{partition}:x") == f"kim7 {region} 123456789012 arn:{partition}:x"
    assert ctx.arn("sqs", "q") == f"arn:{partition}:sqs:{region}:123456789012:q"
    assert ctx.arn("s3", "b", region=False, account=False) == f"arn:{partition}:s3:::b"


def chain() -> tuple[Task, Task]:
    """1.1 <- 1.2 <- 2.1 (a chain across tasks), and 2.2 on its own."""
    first = Task(1, "First", points=2)

    @first.check("1.1", "root", points=1)
    def root(ctx):
        return passed("yes") if ctx.facts.present else failed("no")

    @first.check("1.2", "middle", points=1, requires=root)
    def middle(ctx):
        return passed("fine")

    second = Task(2, "Second", points=2)

    @second.check("2.1", "leaf", points=1, requires=middle)
    def leaf(ctx):
        return passed("fine")

    @second.check("2.2", "alone", points=1)
    def alone(ctx):
        return passed("fine")

    return first, second


def test_a_skipped_check_names_the_first_failure_of_its_chain():
    checks = {c.id: c for t in judge(*chain(), present=False) for c in t.checks}
    assert (checks["1.1"].status, checks["1.1"].skipped_by) == (Status.FAIL, None)
    assert (checks["1.2"].skipped_by, checks["1.2"].message) == ("1.1", "not checked: 1.1 (root) failed")
    # 2.1 waits on 1.2, which was never checked: the chain's first failure is named, not 1.2.
    assert (checks["2.1"].skipped_by, checks["2.1"].message) == ("1.1", "not checked: 1.2 (middle) failed")


def test_only_the_chosen_tasks_are_graded_with_the_checks_they_require():
    first, second = chain()
    judged: list[str] = []
    for task in (first, second):
        for check in task.checks:
            check.judge = (lambda original, cid: lambda ctx: (judged.append(cid), original(ctx))[1])(check.judge, check.id)
    results = judge_all(Assessment("demo", "Demo", [first, second]), context(True), only_tasks=(2,))
    assert [t.number for t in results] == [2]
    assert sorted(judged) == ["1.1", "1.2", "2.1", "2.2"]
    judged.clear()
    results = judge_all(Assessment("demo", "Demo", [first, second]), context(True), only_tasks=(1,))
    assert [t.number for t in results] == [1] and sorted(judged) == ["1.1", "1.2"]


def test_a_verdicts_hint_is_kept_as_its_check_wrote_it():
    """Only a check's own template is filled: a value read from AWS (an alarm described "pages {account} in
    {region}", a stray brace) reaches the fix as it was read."""
    task = Task(1, "Demo", points=1)

    @task.check("1.1", "described", points=1, hint="unused --name x-{sid}")
    def described(ctx):
        return failed("no", hint="aws cloudwatch put-metric-alarm --alarm-description 'pages {account} in {region} {'")

    check = judge_all(Assessment("demo", "Demo", [task]), context(True))[0].checks[0]
    assert check.hint == "aws cloudwatch put-metric-alarm --alarm-description 'pages {account} in {region} {'"
