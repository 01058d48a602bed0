
from tests.checks.conftest import mistakes_cost_only_their_task


def replace_permission(account, built, principal, action="lambda:InvokeFunction"):
    lam, name = account.client("lambda"), f"layer-consumer-{built['sid']}"
    lam.remove_permission(FunctionName=name, StatementId="AllowCrossAccountInvoke")
    lam.add_permission(FunctionName=name, StatementId="Replaced", Action=action, Principal=principal)


MISTAKES = {
    "public principal": (lambda a, b: replace_permission(a, b, "*"), {"11.2"}),
    "own account": (lambda a, b: replace_permission(a, b, b["account"]), {"11.2"}),
    "other action": (lambda a, b: replace_permission(a, b, "111122223333", "lambda:GetFunction"), {"11.2"}),
    "no policy": (lambda a, b: a.client("lambda").remove_permission(
        FunctionName=f"layer-consumer-{b['sid']}", StatementId="AllowCrossAccountInvoke"), {"11.1", "11.2"}),
}


test_mistake_costs_only_task_11 = mistakes_cost_only_their_task(11, MISTAKES)


def test_public_principal_has_its_own_message(graded_mistake):
    _, student = graded_mistake(MISTAKES["public principal"][0])
    assert student.check("11.2").message == (
        "the policy lets anyone (*) invoke the function: name one trusted account instead")
    assert student.tasks[10].score == 2


def test_root_arn_principal_counts(graded_mistake):
    _, student = graded_mistake(lambda a, b: replace_permission(a, b, "arn:aws:iam::111122223333:root"))
    assert student.score == 100
