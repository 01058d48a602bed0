"""The lab done as written scores 100 in both ways of gathering; an empty account scores 0 and says why."""

from grader.model import Status


def test_the_lab_done_as_written_scores_100(own_account):
    own_account.build("lab-student")
    student = own_account.grade("lab-student")
    assert student.score == 100 and student.complete
    assert all(c.status is Status.PASS for t in student.tasks for c in t.checks)
    assert [t.max_score for t in student.tasks] == [12, 16, 14, 12, 16, 14, 16]


def test_an_empty_account_scores_0_and_points_to_lab_1(own_account):
    student = own_account.grade("nobody")
    assert student.score == 0 and student.complete
    assert student.notes and "start with task 1" in student.notes[0] and "-nobody" not in student.notes[0]
    first = student.check("1.1")
    assert first.status is Status.FAIL and first.message == "no function named HelloWorldFunction in us-east-1"
    assert first.hint.startswith("aws lambda create-function --function-name HelloWorldFunction ")


def test_another_accounts_lab_is_not_credited(own_account, emulator):
    """Fixed names: a classmate's finished lab in another account earns this account nothing."""
    from tests.conftest import Account, new_account_id

    classmate = Account(emulator, credentials=emulator.account_credentials(new_account_id()),
                        assessment=own_account.assessment, solution=own_account.solution)
    classmate.build("classmate")
    assert own_account.grade("me").score == 0 and classmate.grade("classmate").score == 100
