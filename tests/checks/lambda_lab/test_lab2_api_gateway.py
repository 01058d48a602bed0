from tests.checks.conftest import mistakes_cost_only_their_task


def api(built):
    return built["hello_api"]


def integrate(kind="AWS_PROXY", function="HelloWorldFunction"):
    def apply(a, b):
        arn = f"arn:aws:lambda:{b['region']}:{b['account']}:function:{function}"
        a.client("apigateway").put_integration(
            restApiId=api(b)["id"], resourceId=api(b)["resource"], httpMethod="ANY", type=kind,
            integrationHttpMethod="POST",
            uri=f"arn:aws:apigateway:{b['region']}:lambda:path/2015-03-31/functions/{arn}/invocations")
    return apply


def permission_for(source_api):
    def apply(a, b):
        lam = a.client("lambda")
        lam.remove_permission(FunctionName="HelloWorldFunction", StatementId="lambda-apigateway-invoke")
        lam.add_permission(FunctionName="HelloWorldFunction", StatementId="old-api", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn=f"arn:aws:execute-api:{b['region']}:{b['account']}:{source_api}/*/*/HelloWorldFunction")
    return apply


# Without a proxy method to HelloWorldFunction, its permission (limited to the API's ARN) names no route the lab
# grades: a permission counts only for the source it names, so 2.3 fails too.
MISTAKES = {
    "not a proxy integration": (integrate(kind="AWS"), {"2.1", "2.2", "2.3"}),
    "integration invokes another function": (integrate(function="S3FileProcessor"), {"2.1", "2.2", "2.3"}),
    "never deployed": (lambda a, b: a.client("apigateway").delete_stage(restApiId=api(b)["id"], stageName="default"),
                       {"2.2"}),
    "no permission for API Gateway": (lambda a, b: a.client("lambda").remove_permission(
        FunctionName="HelloWorldFunction", StatementId="lambda-apigateway-invoke"), {"2.3"}),
    "permission left for a deleted API": (permission_for("oldapi1234"), {"2.3"}),
    "API deleted": (lambda a, b: a.client("apigateway").delete_rest_api(restApiId=api(b)["id"]), {"2.1", "2.2", "2.3"}),
}

test_mistake_costs_only_lab_2 = mistakes_cost_only_their_task(2, MISTAKES)


def test_a_permission_for_any_api_of_the_account_is_enough(graded_mistake):
    _, student = graded_mistake(permission_for("*"))
    assert student.score == 100
