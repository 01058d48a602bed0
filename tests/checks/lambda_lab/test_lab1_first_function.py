from checks.lambda_lab.solution import HANDLER
from tests.checks.conftest import assert_costs_exactly, mistakes_cost_only_their_task

CODE_OF_HELLO = {"2.4", "3.6", "4.4"}  # the checks of HelloWorldFunction's code (labs 2, 3 and 4)


def configure(**settings):
    return lambda a, b: a.client("lambda").update_function_configuration(FunctionName="HelloWorldFunction", **settings)


MISTAKES = {
    "runtime python3.11": (configure(Runtime="python3.11"), {"1.2"}),
    "runtime nodejs20.x": (configure(Runtime="nodejs20.x"), {"1.2"}),
    "arm64": (lambda a, b: a.client("lambda").update_function_code(
        FunctionName="HelloWorldFunction", ZipFile=HANDLER, Architectures=["arm64"]), {"1.3"}),
}

test_mistake_costs_only_lab_1 = mistakes_cost_only_their_task(1, MISTAKES)


def test_a_newer_python_is_accepted(graded_mistake):
    _, student = graded_mistake(configure(Runtime="python3.13"))
    assert student.score == 100


def test_a_handler_setting_naming_another_file_stops_the_code_too(graded_mistake):
    """The package holds lambda_function.py: Handler app.handler names a file Lambda cannot find, so the
    function cannot start, and each check of its code says so (with the setting as the fix)."""
    _, student = graded_mistake(configure(Handler="app.handler"))
    assert assert_costs_exactly(student, {"1.4", *CODE_OF_HELLO}) == {1: 10, 2: 13, 3: 12, 4: 9}
    code = [c for t in student.tasks for c in t.checks if c.id in CODE_OF_HELLO]
    assert {c.message for c in code} == {"HelloWorldFunction: the handler app.handler names app.py, which is not in "
                                         "the package; it holds lambda_function.py"}
    assert {c.hint.splitlines()[-1] for c in code} == {"aws lambda update-function-configuration --function-name "
                                                       "HelloWorldFunction --handler lambda_function.lambda_handler"}


def test_without_hello_world_function_every_check_about_it_points_to_lab_1(graded_mistake):
    _, student = graded_mistake(lambda a, b: a.client("lambda").delete_function(FunctionName="HelloWorldFunction"))
    # The function's own lab, its API, its configuration; its log group and alarm (lab 4) outlive it.
    assert assert_costs_exactly(student, {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "3.4",
                                          "3.5", *CODE_OF_HELLO}) == {1: 0, 2: 0, 3: 0, 4: 9}
    gone = "the function HelloWorldFunction does not exist (lab 1)"
    assert {c.id: c.message for t in student.tasks[1:3] for c in t.checks} == {
        "2.1": gone, "2.2": "not checked: 2.1 (A REST API method invokes HelloWorldFunction through a Lambda proxy "
        "integration) failed", "2.3": gone, "2.4": gone, "3.1": gone, "3.2": gone, "3.3": gone, "3.4": gone,
        "3.5": gone, "3.6": gone}
