
from checks.lambda_medium.solution import LAYER
from tests.checks.conftest import mistakes_cost_only_their_task


def publish(account, built, **options):
    account.client("lambda").publish_layer_version(
        LayerName=f"common-utils-layer-{built['sid']}", Content={"ZipFile": LAYER}, **options)


MISTAKES = {
    "latest version for python3.11 only": (
        lambda a, b: publish(a, b, Description="d", CompatibleRuntimes=["python3.11"]), {"1.2"}),
    "latest version without description": (
        lambda a, b: publish(a, b, CompatibleRuntimes=["python3.12"]), {"1.3"}),
    "layer deleted": (
        lambda a, b: a.client("lambda").delete_layer_version(
            LayerName=f"common-utils-layer-{b['sid']}", VersionNumber=1), {"1.1", "1.2", "1.3", "1.4", "1.5"}),
}


test_mistake_costs_only_task_1 = mistakes_cost_only_their_task(1, MISTAKES)


def test_missing_layer_fails_dependents_with_one_reason(graded_mistake):
    built, student = graded_mistake(MISTAKES["layer deleted"][0])
    checks = {c.id: c for c in student.tasks[0].checks}
    assert checks["1.1"].message == f"no layer named common-utils-layer-{built['sid']} in us-east-1"
    assert checks["1.2"].message == checks["1.3"].message == (
        "not checked: 1.1 (Layer common-utils-layer-<id> has a published version) failed")
    assert checks["1.2"].hint is None and checks["1.1"].hint.startswith("aws lambda publish-layer-version")
