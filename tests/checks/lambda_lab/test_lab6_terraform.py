from checks.building import zip_of
from grader.model import Status
from tests.checks.conftest import mistakes_cost_only_their_task

FUNCTION = "terraform-managed-lambda"
LOG_GROUP = f"/aws/lambda/{FUNCTION}"


def function_arn(b):
    return f"arn:aws:lambda:{b['region']}:{b['account']}:function:{FUNCTION}"


def method_get_instead_of_any(a, b):
    apigw, api = a.client("apigateway"), b["terraform_api"]
    apigw.delete_method(restApiId=api["id"], resourceId=api["resource"], httpMethod="ANY")
    apigw.put_method(restApiId=api["id"], resourceId=api["resource"], httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api["id"], resourceId=api["resource"], httpMethod="GET", type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=f"arn:aws:apigateway:{b['region']}:lambda:path/2015-03-31/"
                          f"functions/{function_arn(b)}/invocations")


def stage_production(a, b):
    apigw, api = a.client("apigateway"), b["terraform_api"]
    apigw.delete_stage(restApiId=api["id"], stageName="prod")
    apigw.create_deployment(restApiId=api["id"], stageName="production")


def terraform_destroy(a, b):
    lam, apigw = a.client("lambda"), a.client("apigateway")
    lam.delete_function(FunctionName=FUNCTION)
    apigw.delete_rest_api(restApiId=b["terraform_api"]["id"])
    a.client("logs").delete_log_group(logGroupName=LOG_GROUP)


MISTAKES = {
    "runtime python3.11": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=FUNCTION, Runtime="python3.11"), {"6.2"}),
    "no APP_VERSION": (lambda a, b: a.client("lambda").update_function_configuration(
        FunctionName=FUNCTION, Environment={"Variables": {"ENVIRONMENT": "production"}}), {"6.3"}),
    "tag ManagedBy=Console": (lambda a, b: a.client("lambda").tag_resource(
        Resource=function_arn(b), Tags={"ManagedBy": "Console"}), {"6.4"}),
    "retention 14 days": (lambda a, b: a.client("logs").put_retention_policy(
        logGroupName=LOG_GROUP, retentionInDays=14), {"6.5"}),
    "logs kept forever": (lambda a, b: a.client("logs").delete_retention_policy(logGroupName=LOG_GROUP), {"6.5"}),
    "GET instead of ANY": (method_get_instead_of_any, {"6.6"}),
    "stage production": (stage_production, {"6.7"}),
    "terraform destroy before grading": (terraform_destroy, {"6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.9"}),
    "code that ignores APP_VERSION": (lambda a, b: a.client("lambda").update_function_code(FunctionName=FUNCTION, ZipFile=zip_of(
        {"lambda_function.py": "import os\n\ndef lambda_handler(event, context):\n"
                               "    return {'statusCode': 200, 'body': os.environ['ENVIRONMENT']}\n"})), {"6.9"}),
}

test_mistake_costs_only_lab_6 = mistakes_cost_only_their_task(6, MISTAKES)


def test_a_missing_api_permission_is_advice_that_costs_nothing(graded_mistake):
    _, student = graded_mistake(lambda a, b: a.client("lambda").remove_permission(
        FunctionName=FUNCTION, StatementId="AllowAPIGatewayInvoke"))
    advice = student.check("6.8")
    assert advice.status is Status.WARN and advice.hint and student.score == 100


def test_destroy_is_explained_in_the_hint(graded_mistake):
    _, student = graded_mistake(terraform_destroy)
    assert "terraform destroy" in student.check("6.1").hint
