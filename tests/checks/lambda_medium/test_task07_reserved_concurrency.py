
from grader.model import Status
from tests.checks.conftest import mistakes_cost_only_their_task


def function(built):
    return f"rate-limited-function-{built['sid']}"


MISTAKES = {
    "reserved 10": (lambda a, b: a.client("lambda").put_function_concurrency(
        FunctionName=function(b), ReservedConcurrentExecutions=10), {"7.2"}),
    "no reserved concurrency": (lambda a, b: a.client("lambda").delete_function_concurrency(
        FunctionName=function(b)), {"7.2"}),
    "function missing": (lambda a, b: a.client("lambda").delete_function(FunctionName=function(b)), {"7.1", "7.2", "7.4"}),
}


test_mistake_costs_only_task_7 = mistakes_cost_only_their_task(7, MISTAKES)


def test_short_timeout_is_advice_that_costs_nothing(graded_mistake):
    _, student = graded_mistake(lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=function(b), Timeout=3))
    advice = student.check("7.3")
    assert advice.status is Status.WARN and advice.points == 0
    assert advice.message == "timeout is 3 s: every invocation will time out before its 10 s sleep ends"
    assert advice.hint.startswith("aws lambda update-function-configuration --function-name rate-limited-function-")
    assert student.score == 100 and student.tasks[6].status is Status.PASS
