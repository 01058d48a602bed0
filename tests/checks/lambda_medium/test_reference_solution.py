"""The reference solution earns every point, and students sharing an account never credit each other."""

from checks.lambda_medium import ASSESSMENT
from tests.conftest import failing_checks, new_student_id, scores


def test_complete_solution_scores_100(account):
    built = account.build()
    student = account.grade(built["sid"])
    assert failing_checks(student) == set()
    assert student.score == 100.0 and student.passed and student.complete
    assert all(c.status.value == "pass" for t in student.tasks for c in t.checks)


def test_rubric_points_sum_to_100_and_match_tasks():
    assert ASSESSMENT.max_score == 100
    assert [t.points for t in ASSESSMENT.tasks] == [8, 8, 10, 10, 10, 8, 6, 8, 8, 8, 6, 10]


def test_prefix_ids_get_no_credit_from_each_other(account):
    short = new_student_id("p")
    longer = short + "b"  # longer ID starts with the shorter one
    account.build(longer)
    empty = account.grade(short)
    assert empty.score == 0.0
    account.build(short)
    run = account.grade_run(short, longer)
    assert [s.score for s in run.students] == [100.0, 100.0]


def test_nothing_built_scores_zero_with_one_reason_per_resource(account):
    student = account.grade(new_student_id("none"))
    assert student.score == 0 and student.complete and not student.passed
    gate = student.check("2.1")
    assert gate.id == "2.1" and gate.status.value == "fail" and gate.points == 0
    assert gate.message == f"no function named layer-consumer-{student.student_id} in us-east-1"
    # Task 9's checks need task 2's function (the canary needs PROD): one reason each, no repeated search.
    assert [c.message.split(" (")[0] for c in student.tasks[8].checks] == ["not checked: 2.1"] * 3 + ["not checked: 9.3"]
    assert scores(student) == {n: 0 for n in range(1, 13)}
