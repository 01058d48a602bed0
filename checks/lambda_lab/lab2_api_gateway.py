"""Lab 2: HelloWorldFunction behind a REST API (the console's "Add trigger: API Gateway")."""

from checks import python_behaviour
from checks.lambda_lab.common import (
    HELLO,
    configuration,
    execute_api_arn,
    missing,
    remove_first,
    routes_to,
    service_may_invoke,
)
from checks.lambda_lab.deployed import Lacks, code_check, where
from checks.python_source import Handler, Source
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(2, "API Gateway integration", points=16)
TRIGGER_HINT = ("# in the HelloWorldFunction console: Add trigger > API Gateway > Create a new API > REST API, "
                "Security: Open")


def permission_fix(ctx: Context) -> str:
    """add-permission for API Gateway, limited to the student's API (its id filled in when the grader found it)."""
    proxies = [r for r in routes_to(ctx, HELLO) if r.is_proxy]
    if not proxies:
        return shell.comment("the console's API Gateway trigger (2.1) adds this permission; built by hand, grade "
                             "again once the API's proxy method exists: this fix is then filled in with its id")
    api, path = proxies[0].api_id, proxies[0].path
    return shell.fix(remove_first(ctx, HELLO, "apigateway-invoke"), shell.aws(
        "lambda", "add-permission", "--function-name", HELLO, "--statement-id", "apigateway-invoke",
        "--action", "lambda:InvokeFunction", "--principal", "apigateway.amazonaws.com",
        "--source-arn", ctx.arn("execute-api", f"{api}/*/*{path}")))


@TASK.check("2.1", "A REST API method invokes HelloWorldFunction through a Lambda proxy integration", points=5,
            hint=TRIGGER_HINT)
def integrated(ctx: Context) -> Verdict:
    if configuration(ctx, HELLO) is None:
        return missing(ctx, HELLO)
    found = routes_to(ctx, HELLO)
    proxies = [r for r in found if r.is_proxy]
    if proxies:
        return passed(f"{proxies[0].label} is a Lambda proxy integration", routes=[r.label for r in proxies])
    if found:
        return failed(f"{found[0].label} is a {found[0].integration} integration, not AWS_PROXY: the function "
                      "receives no HTTP request details", hint="# tick 'Use Lambda Proxy integration' on the "
                      "method's integration request, then deploy the API again")
    return failed(f"no REST API in {ctx.region} has a method integrated with {HELLO} (an HTTP API does not "
                  "count: the lab asks for a REST API)")


@TASK.check("2.2", "The API is deployed to a stage", points=4, requires=integrated)
def deployed(ctx: Context) -> Verdict:
    proxies = [r for r in routes_to(ctx, HELLO) if r.is_proxy]
    for route in proxies:
        stages = [s.get("stageName") for s in ctx.facts.rest_api_stages(route.api_id) if s.get("deploymentId")]
        if stages:
            return passed(f"{route.api_name} is deployed to {', '.join(map(str, stages))}", stages=stages)
    apis = sorted({r.api_name for r in proxies})
    return failed(f"{', '.join(apis)} has no stage: callers cannot reach it until it is deployed",
                  hint=shell.aws("apigateway", "create-deployment", "--rest-api-id", proxies[0].api_id,
                                 "--stage-name", "default"))


@TASK.check("2.3", "HelloWorldFunction's resource policy lets API Gateway invoke it", points=4)
def permitted(ctx: Context) -> Verdict:
    if configuration(ctx, HELLO) is None:
        return missing(ctx, HELLO)
    policy = ctx.facts.function_policy(HELLO)
    if policy is None:
        return failed(f"{HELLO} has no resource-based policy: API Gateway's calls are refused",
                      hint=permission_fix(ctx))
    sources = []
    for route in (r for r in routes_to(ctx, HELLO) if r.is_proxy):
        stages = [str(s.get("stageName")) for s in ctx.facts.rest_api_stages(route.api_id)] or ["default"]
        sources += [execute_api_arn(ctx, route, stage) for stage in stages]
    allowed, detail = service_may_invoke(ctx, policy, "apigateway.amazonaws.com", sources, HELLO,
                                         f"no Lambda proxy method of a REST API invokes {HELLO} (2.1)")
    if allowed:
        return passed(f"apigateway.amazonaws.com may invoke {HELLO} ({detail})")
    return failed(detail, hint=permission_fix(ctx))


# What API Gateway's Lambda proxy integration passes as the event (REST API, payload 1.0; the last two are
# an HTTP API's 2.0), and the response it needs back: "Lambda proxy integrations in API Gateway", API
# Gateway Developer Guide ("Input format" and "Output format of a Lambda function for proxy integration").
REQUEST_FIELDS = ("httpMethod", "path", "resource", "pathParameters", "queryStringParameters",
                  "multiValueQueryStringParameters", "headers", "multiValueHeaders", "body", "requestContext",
                  "rawPath", "rawQueryString")
RESPONSE_KEYS = ("statusCode", "body")


def answers_requests(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    read, returned = python_behaviour.keys_read(modules), python_behaviour.returned_keys(modules)
    fields = {key: read[key] for key in REQUEST_FIELDS if key in read}
    absent = [key for key in RESPONSE_KEYS if key not in returned]
    file = handler.source.path
    said = []
    if not fields:
        said.append("reads none of the request's fields (httpMethod, path, queryStringParameters, body...): "
                    "every request gets the same answer")
    if absent:
        said.append(f"returns no {' and no '.join(absent)}: API Gateway needs both from a proxy integration")
    if said:
        return Lacks(f"{file} {'; it '.join(said)}", f"{file} must read the request from the proxy event "
                     "(event['httpMethod'], event.get('queryStringParameters'), event.get('body')) and return "
                     "{'statusCode': 200, 'headers': {...}, 'body': json.dumps(...)}", {"reads": fields})
    return passed(f"{where(handler)} reads {', '.join(fields)} and returns statusCode and body", reads=fields,
                  returns={key: returned[key] for key in RESPONSE_KEYS})


reads_requests = code_check(TASK, "2.4", "HelloWorldFunction's code reads the proxy request and returns statusCode "
                            "and body", HELLO, points=3, judge=answers_requests)
