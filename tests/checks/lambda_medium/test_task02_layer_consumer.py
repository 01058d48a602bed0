
from tests.checks.conftest import assert_costs_only, mistakes_cost_only_their_task
from tests.conftest import new_student_id


def configure(account, built, **settings):
    account.client("lambda").update_function_configuration(FunctionName=f"layer-consumer-{built['sid']}", **settings)


def insights(built):
    return f"arn:aws:lambda:{built['region']}:580247275435:layer:LambdaInsightsExtension:53"


MISTAKES = {
    "memory 128": (lambda a, b: configure(a, b, MemorySize=128), {"2.3"}),
    "runtime python3.11": (lambda a, b: configure(a, b, Runtime="python3.11"), {"2.2"}),
    "own layer removed": (lambda a, b: configure(a, b, Layers=[insights(b)]), {"2.4"}),
}


test_mistake_costs_only_task_2 = mistakes_cost_only_their_task(2, MISTAKES)


def test_layer_of_a_student_whose_id_extends_yours_is_not_yours(account):
    short = new_student_id("q")
    other = account.build(short + "9")
    mine = account.build(short)
    account.client("lambda").update_function_configuration(
        FunctionName=f"layer-consumer-{short}", Layers=[other["layer_arn"], insights(mine)])
    student = account.grade(short)
    assert_costs_only(student, 2, {"2.4"})
    assert student.check("2.4").message == (
        f"layer-consumer-{short} has common-utils-layer-{short}9:1, {insights(mine)}; "
        f"it must use a version of your common-utils-layer-{short}")


def test_layer_of_a_student_whose_id_is_a_prefix_of_yours_is_not_yours(account):
    long_id = new_student_id("r") + "long"
    other = account.build(long_id[:-4])
    mine = account.build(long_id)
    account.client("lambda").update_function_configuration(
        FunctionName=f"layer-consumer-{long_id}", Layers=[other["layer_arn"], insights(mine)])
    assert_costs_only(account.grade(long_id), 2, {"2.4"})
