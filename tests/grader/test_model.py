import json
from pathlib import PurePosixPath

from grader.model import CheckResult, RunResult, Status, StudentResult, TaskResult, json_safe


def check(status, points, max_points=2.0):
    return CheckResult("1.1", "c", status, points, max_points, "m")


def task(*checks):
    return TaskResult(1, "T", tuple(checks))


def test_task_status():
    assert task(check(Status.PASS, 2)).status is Status.PASS
    assert task(check(Status.PASS, 2), check(Status.FAIL, 0)).status is Status.PARTIAL
    assert task(check(Status.FAIL, 0)).status is Status.FAIL
    assert task(check(Status.PASS, 2), check(Status.ERROR, 0)).status is Status.ERROR
    assert task(check(Status.PASS, 2), check(Status.WARN, 0, 0)).status is Status.PASS


def test_exit_codes_and_json_contract():
    passing = StudentResult("a", "1", "us-east-1", (task(check(Status.PASS, 2)),), 70)
    failing = StudentResult("b", "1", "us-east-1", (task(check(Status.FAIL, 0)),), 70)
    assert RunResult("x", "X", 70, (passing,)).exit_code == 0
    run = RunResult("x", "X", 70, (passing, failing))
    assert run.exit_code == 1
    data = run.to_dict()
    # Fields are only ever added: reference_solution says whether --sandbox built what was graded.
    assert set(data) == {"assessment", "pass_mark", "students", "summary", "reference_solution"}
    assert data["summary"] == {"students": 2, "passed": 1, "mean_score": 1.0}
    student = data["students"][0]
    assert set(student) == {"student_id", "account", "region", "score", "max_score", "passed", "complete", "tasks", "notes"}
    assert isinstance(student["score"], float) and isinstance(data["pass_mark"], float)
    assert set(student["tasks"][0]) == {"number", "title", "score", "max_score", "status", "checks"}
    assert set(student["tasks"][0]["checks"][0]) == {"id", "title", "status", "points", "max_points", "message", "hint",
                                                      "evidence", "skipped_by"}


def test_class_statistics():
    def student(sid, *statuses):  # one task per status, 2 points each
        tasks = tuple(TaskResult(n, f"T{n}", (check(s, 2 if s is Status.PASS else 0),))
                      for n, s in enumerate(statuses, 1))
        return StudentResult(sid, "1", "us-east-1", tasks, 70)

    run = RunResult("x", "X", 70, (student("a", Status.PASS, Status.PASS, Status.FAIL),
                                   student("b", Status.PASS, Status.FAIL, Status.FAIL),
                                   student("c", Status.PASS, Status.PASS, Status.ERROR)))
    assert [(r.number, r.full_marks, r.students, r.percent) for r in run.task_rates] == [
        (1, 3, 3, 100.0), (2, 2, 3, 66.7), (3, 0, 3, 0.0)]
    assert [r.number for r in run.hardest()] == [3, 2]  # task 1: nobody missed it
    assert [r.number for r in run.hardest(1)] == [3]
    assert (run.mean_score, run.median_score, run.passed_count) == (3.33, 4.0, 0)
    assert run.summary() == {"students": 3, "passed": 0, "mean_score": 3.33}
    empty = RunResult("x", "X", 70, ())
    assert (empty.task_rates, empty.hardest(), empty.mean_score, empty.median_score) == ((), (), 0.0, 0.0)


def test_evidence_is_json_safe():
    assert json_safe({"t": ("a", 1), "s": {"b", "a"}, "p": PurePosixPath("/x"), 3: None, "n": float("nan"),
                      "e": Status.WARN, "d": {"k": [frozenset({2, 1})]}, "m": {1, "a"}}) == {
        "t": ["a", 1], "s": ["a", "b"], "p": "/x", "3": None, "n": "nan", "e": "warn", "d": {"k": [[1, 2]]},
        "m": [1, "a"]}
    assert json_safe(True) is True and isinstance(json_safe(Status.PASS), str) and type(json_safe(Status.PASS)) is str


def test_evidence_goes_out_and_comes_back():
    evidence = {"missing": {"B", "A"}, "pair": ("x", 2), "object": PurePosixPath("/var/task")}
    failing = CheckResult("1.1", "c", Status.FAIL, 0, 2, "m", "fix it", evidence)
    student = StudentResult("a", "1", "us-east-1", (task(failing),), 70)
    data = json.loads(json.dumps(student.to_dict(), allow_nan=False))  # strict JSON
    assert data["tasks"][0]["checks"][0]["evidence"] == {"missing": ["A", "B"], "pair": ["x", 2], "object": "/var/task"}
    back = StudentResult.from_dict(data, 70)  # --resume
    assert back.tasks[0].checks[0].evidence == data["tasks"][0]["checks"][0]["evidence"]
    assert back.to_dict() == data
    del data["tasks"][0]["checks"][0]["evidence"]  # a report written before evidence went out
    assert StudentResult.from_dict(data, 70).tasks[0].checks[0].evidence == {}
