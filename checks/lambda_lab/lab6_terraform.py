"""Lab 6: the function, log group and REST API that the lab's Terraform configuration creates."""

from checks import python_behaviour
from checks.lambda_lab.common import (
    TERRAFORM,
    configuration,
    environment,
    execute_api_arn,
    function_exists,
    routes_to,
    service_may_invoke,
    settings_check,
)
from checks.lambda_lab.deployed import Lacks, code_check, module_file, where
from checks.python_source import Handler, Source
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(6, "Infrastructure as code with Terraform", points=14)
LOG_GROUP = f"/aws/lambda/{TERRAFORM}"
API = f"{TERRAFORM}-api"
STAGE = "prod"
APPLY = ("# grading reads what Terraform created: run terraform destroy only after you are graded\n"
         "cd lab6-terraform/terraform && terraform apply")

exists = function_exists(TASK, "6.1", TERRAFORM, points=2, hint=APPLY)
settings = settings_check(TASK, "6.2", TERRAFORM, {"Runtime": "python3.12", "Timeout": 10, "MemorySize": 256}, points=1.5,
                          requires=exists)


@TASK.check("6.3", "ENVIRONMENT and APP_VERSION are set", points=1.5, requires=exists,
            hint='# set environment_variables in variables.tf, e.g. { ENVIRONMENT = "production", '
            'APP_VERSION = "1.0.0" }, then terraform apply')
def variables(ctx: Context) -> Verdict:
    found = environment(ctx, TERRAFORM) or {}
    absent = [name for name in ("ENVIRONMENT", "APP_VERSION") if not str(found.get(name) or "").strip()]
    if absent:
        return failed(f"{TERRAFORM} lacks {', '.join(absent)}", missing=absent)
    return passed(f"ENVIRONMENT={found['ENVIRONMENT']}, APP_VERSION={found['APP_VERSION']}")


@TASK.check("6.4", "Tagged ManagedBy=Terraform", points=1.5, requires=exists,
            hint='# give the function tags = var.tags with ManagedBy = "Terraform", then terraform apply')
def tagged(ctx: Context) -> Verdict:
    tags = ctx.facts.function_tags(TERRAFORM) or {}
    if tags.get("ManagedBy") == "Terraform":
        return passed("ManagedBy=Terraform")
    return failed(f"ManagedBy is {tags.get('ManagedBy')!r}, expected 'Terraform'", tags=tags)


@TASK.check("6.5", f"Log group {LOG_GROUP} keeps logs 7 days", points=2,
            hint='# an aws_cloudwatch_log_group named "/aws/lambda/terraform-managed-lambda" with '
            "retention_in_days = 7, then terraform apply")
def log_retention(ctx: Context) -> Verdict:
    group = ctx.facts.log_group(LOG_GROUP)
    if group is None:
        return failed(f"no log group {LOG_GROUP}")
    days = group.get("retentionInDays")
    if days == 7:
        return passed("retention 7 days")
    return failed(f"{LOG_GROUP} keeps logs {'forever' if days is None else f'{days} days'}, expected 7 days",
                  retention=days)


def the_api(ctx: Context) -> list[dict]:
    return [api for api in ctx.facts.rest_apis() if api.get("name") == API]


@TASK.check("6.6", f"REST API {API}: ANY /{{proxy+}} is a Lambda proxy integration with {TERRAFORM}", points=2,
            hint="# aws_api_gateway_resource with path_part \"{proxy+}\", aws_api_gateway_method with http_method "
            "\"ANY\", aws_api_gateway_integration with type \"AWS_PROXY\"; then terraform apply")
def proxy_route(ctx: Context) -> Verdict:
    apis = the_api(ctx)
    if not apis:
        return failed(f"no REST API named {API}")
    found = routes_to(ctx, TERRAFORM, apis)
    for route in found:
        if route.path.endswith("/{proxy+}") and route.method == "ANY" and route.is_proxy:
            return passed(f"{route.label} invokes {TERRAFORM}")
    if found:
        shown = "; ".join(f"{r.method} {r.path} ({r.integration})" for r in found)
        return failed(f"{API} invokes {TERRAFORM} through {shown}, not ANY /{{proxy+}} with AWS_PROXY")
    return failed(f"{API} has no method integrated with {TERRAFORM}")


@TASK.check("6.7", f"{API} is deployed to stage {STAGE}", points=1.5,
            hint=f'# an aws_api_gateway_deployment with stage_name = "{STAGE}", then terraform apply')
def stage(ctx: Context) -> Verdict:
    apis = the_api(ctx)
    if not apis:
        return failed(f"no REST API named {API}")
    names = sorted(str(s.get("stageName")) for api in apis for s in ctx.facts.rest_api_stages(str(api.get("id"))))
    if STAGE in names:
        return passed(f"stage {STAGE}")
    return failed(f"{API} has {'stages ' + ', '.join(names) if names else 'no stage'}, not {STAGE}", stages=names)


@TASK.check("6.8", f"API Gateway may invoke {TERRAFORM}", points=0, advisory=True,
            hint="# an aws_lambda_permission with principal \"apigateway.amazonaws.com\" and source_arn "
            "\"${aws_api_gateway_rest_api.main.execution_arn}/*/*\"")
def permitted(ctx: Context) -> Verdict:
    if configuration(ctx, TERRAFORM) is None:
        return failed(f"the function {TERRAFORM} does not exist")
    policy = ctx.facts.function_policy(TERRAFORM)
    sources = [execute_api_arn(ctx, route, STAGE) for route in routes_to(ctx, TERRAFORM, the_api(ctx))]
    allowed, detail = service_may_invoke(ctx, policy, "apigateway.amazonaws.com", sources, TERRAFORM,
                                         f"no method of {API} invokes {TERRAFORM}")
    if allowed:
        return passed(f"apigateway.amazonaws.com may invoke it ({detail})")
    return failed(f"{detail}: calls to the API will fail with 500 until it may")


CODE_FOLDER = "lab6-terraform/lambda-code"
RESPONSE_KEYS = ("statusCode", "body")  # behind the API's proxy integration, as lab 2's handler


def terraform_redeploy(ctx: Context, correction: str) -> str:
    """Terraform deploys the code: its archive of lambda-code/ changes, so apply updates the function."""
    file = module_file((configuration(ctx, TERRAFORM) or {}).get("Handler"))
    return shell.fix(
        shell.comment(f"{correction}; correct {CODE_FOLDER}/{file}, then apply (Terraform zips lambda-code/ again "
                      "and updates the function's code):"),
        "cd lab6-terraform/terraform && terraform apply",
        shell.comment(f"without Terraform: zip lambda-code/ as function.zip, then aws lambda update-function-code "
                      f"--function-name {TERRAFORM} --zip-file fileb://function.zip"),
    )


def reports_its_version(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict | Lacks:
    read, returned = python_behaviour.environment_reads(modules), python_behaviour.returned_keys(modules)
    absent = [name for name in ("ENVIRONMENT", "APP_VERSION") if name not in read]
    unreturned = [key for key in RESPONSE_KEYS if key not in returned]
    file = handler.source.path
    said = []
    if absent:
        said.append(f"never reads {' or '.join(absent)} from its environment")
    if unreturned:
        said.append(f"returns no {' and no '.join(unreturned)}")
    if said:
        return Lacks(f"{file} {'; it '.join(said)}", f"{file} must read ENVIRONMENT and APP_VERSION with "
                     "os.environ.get(...) and return {'statusCode': 200, 'body': json.dumps({...})}",
                     {"reads": {name: read[name] for name in ("ENVIRONMENT", "APP_VERSION") if name in read}})
    return passed(f"{where(handler)} reads ENVIRONMENT and APP_VERSION and returns statusCode and body",
                  reads={name: read[name] for name in ("ENVIRONMENT", "APP_VERSION")})


code = code_check(TASK, "6.9", f"{TERRAFORM}'s code reads ENVIRONMENT and APP_VERSION and returns statusCode and body",
                  TERRAFORM, points=2, requires=exists, judge=reports_its_version, fix=terraform_redeploy,
                  hint=f"# correct {CODE_FOLDER}/lambda_function.py, then terraform apply")
