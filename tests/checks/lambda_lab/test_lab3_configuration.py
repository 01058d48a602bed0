from tests.checks.conftest import mistakes_cost_only_their_task

LAB = {"GREETING_PREFIX": "Welcome", "GREETING_SUFFIX": "Thanks for using our API!", "ENVIRONMENT": "development",
       "MAX_RESPONSE_LENGTH": "500", "ENABLE_DEBUG_LOGGING": "true"}


def variables(**changes):
    wanted = {k: v for k, v in {**LAB, **changes}.items() if v is not None}
    return lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName="HelloWorldFunction", Environment={"Variables": wanted})


def configure(**settings):
    return lambda a, b: a.client("lambda").update_function_configuration(FunctionName="HelloWorldFunction", **settings)


MISTAKES = {
    "ENABLE_DEBUG_LOGGING missing": (variables(ENABLE_DEBUG_LOGGING=None), {"3.1", "3.3"}),
    "greeting_prefix in lower case": (variables(GREETING_PREFIX=None, greeting_prefix="Welcome"), {"3.1"}),
    "MAX_RESPONSE_LENGTH not a number": (variables(MAX_RESPONSE_LENGTH="five hundred"), {"3.2"}),
    "ENABLE_DEBUG_LOGGING yes": (variables(ENABLE_DEBUG_LOGGING="yes"), {"3.3"}),
    "memory 128": (configure(MemorySize=128), {"3.4"}),
    "timeout 3": (configure(Timeout=3), {"3.5"}),
}

test_mistake_costs_only_lab_3 = mistakes_cost_only_their_task(3, MISTAKES)


def test_the_lab_values_before_step_3_4_pass_too(graded_mistake):
    _, student = graded_mistake(variables())
    assert student.score == 100


def test_case_slip_is_named(graded_mistake):
    _, student = graded_mistake(variables(GREETING_PREFIX=None, greeting_prefix="Welcome"))
    assert student.check("3.1").message == (
        "HelloWorldFunction lacks GREETING_PREFIX (greeting_prefix differ only in case: names are case-sensitive)")
