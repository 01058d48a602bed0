from checks.lambda_lab.solution import HANDLER
from grader.model import Status
from tests.checks.conftest import mistakes_cost_only_their_task


def configure(**settings):
    return lambda a, b: a.client("lambda").update_function_configuration(FunctionName="HelloWorldFunction", **settings)


MISTAKES = {
    "runtime python3.11": (configure(Runtime="python3.11"), {"1.2"}),
    "runtime nodejs20.x": (configure(Runtime="nodejs20.x"), {"1.2"}),
    "arm64": (lambda a, b: a.client("lambda").update_function_code(
        FunctionName="HelloWorldFunction", ZipFile=HANDLER, Architectures=["arm64"]), {"1.3"}),
    "handler app.handler": (configure(Handler="app.handler"), {"1.4"}),
}

test_mistake_costs_only_lab_1 = mistakes_cost_only_their_task(1, MISTAKES)


def test_a_newer_python_is_accepted(graded_mistake):
    _, student = graded_mistake(configure(Runtime="python3.13"))
    assert student.score == 100


def test_without_hello_world_function_every_check_about_it_points_to_lab_1(graded_mistake):
    _, student = graded_mistake(lambda a, b: a.client("lambda").delete_function(FunctionName="HelloWorldFunction"))
    lost = {t.number for t in student.tasks if t.score < t.max_score}
    assert lost == {1, 2, 3}  # the function's own lab, its API, its configuration
    about_it = [c for t in student.tasks[1:3] for c in t.checks if c.status is Status.FAIL]
    assert about_it and all("lab 1" in c.message or "not checked" in c.message for c in about_it)
    assert student.tasks[3].score == 12  # its log group and alarm outlive it
