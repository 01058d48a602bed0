import pytest

from tests.checks.conftest import mistakes_cost_only_their_task
from tests.conftest import failing_checks


def layers(account, built, *arns):
    account.client("lambda").update_function_configuration(
        FunctionName=f"layer-consumer-{built['sid']}", Layers=[built["layer_arn"], *arns])


def strip_role(account, built):
    iam, name = account.client("iam"), f"lambda-role-{built['sid']}"
    iam.delete_role_policy(RoleName=name, PolicyName="lambda-insights")
    iam.detach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")


def own_policy_named_like_insights(account, built):
    """The role's only policy is the student's own, named like AWS's Insights policy and allowing nothing of it."""
    strip_role(account, built)
    iam = account.client("iam")
    arn = iam.create_policy(PolicyName="CloudWatchLambdaInsightsExecutionRolePolicy", Path=f"/{built['sid']}/",
                            PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                            '"Action": "s3:GetObject", "Resource": "*"}]}')["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=f"lambda-role-{built['sid']}", PolicyArn=arn)


MISTAKES = {
    "a policy of the student's own named like AWS's": (own_policy_named_like_insights, {"8.2"}),
    "no Insights layer": (lambda a, b: layers(a, b), {"8.1", "8.2"}),
    "a look-alike layer name": (lambda a, b: layers(
        a, b, f"arn:aws:lambda:{b['region']}:580247275435:layer:LambdaInsightsExtensionX:1"), {"8.1", "8.2"}),
    "role cannot write logs": (strip_role, {"8.2"}),
}


test_mistake_costs_only_task_8 = mistakes_cost_only_their_task(8, MISTAKES)


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38",
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20",
])
def test_insights_layer_matched_by_its_publisher_not_its_version(graded_mistake, arn):
    _, student = graded_mistake(lambda a, b: layers(a, b, arn))
    assert student.score == 100


def test_an_insights_named_layer_of_another_regions_publisher_is_a_look_alike(graded_mistake):
    # 012438385374 publishes the extension in af-south-1, not in us-east-1 (AWS's "Available versions of the
    # Lambda Insights extension" table, as aws-cdk's region-info fact table carries it).
    arn = "arn:aws:lambda:us-east-1:012438385374:layer:LambdaInsightsExtension:38"
    _, student = graded_mistake(lambda a, b: layers(a, b, arn))
    assert failing_checks(student) == {"8.1", "8.2"} and student.tasks[7].score == 0
    assert "look-alike" in student.check("8.1").message
    assert ":580247275435:layer:LambdaInsightsExtension:" in student.check("8.1").hint


def test_managed_insights_policy_alone_is_enough(graded_mistake):
    def managed_only(account, built):
        strip_role(account, built)
        account.client("iam").attach_role_policy(
            RoleName=f"lambda-role-{built['sid']}",
            PolicyArn="arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy")

    _, student = graded_mistake(managed_only)
    assert student.score == 100
