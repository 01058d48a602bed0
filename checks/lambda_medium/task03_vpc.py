"""Task 3: vpc-lambda-<id> runs in a VPC, on two AZs, behind lambda-sg-<id>."""

from checks import policy_evaluation
from checks.lambda_medium.common import configuration, function_exists, memory_check, runtime_check
from checks.shared import role_policy_documents
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(3, "VPC function", points=10)
FUNCTION = "vpc-lambda"
ENI_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
VPC_HINT = (
    "aws lambda update-function-configuration --function-name vpc-lambda-{sid} "
    "--vpc-config SubnetIds=<subnet-in-az-a>,<subnet-in-az-b>,SecurityGroupIds=<id of lambda-sg-{sid}>"
)

exists = function_exists(TASK, "3.1", FUNCTION, points=2, memory=512)
runtime = runtime_check(TASK, "3.2", exists, FUNCTION, points=1)
memory = memory_check(TASK, "3.3", exists, FUNCTION, 512, points=1)


def vpc_config(ctx: Context) -> dict:
    return (configuration(ctx, FUNCTION) or {}).get("VpcConfig") or {}


def subnet_ids(ctx: Context) -> tuple[str, ...]:
    return tuple(vpc_config(ctx).get("SubnetIds") or ())


def group_ids(ctx: Context) -> tuple[str, ...]:
    return tuple(vpc_config(ctx).get("SecurityGroupIds") or ())


@TASK.check("3.4", "Attached to 2+ subnets in 2+ Availability Zones", points=2, requires=exists, hint=VPC_HINT)
def subnets(ctx: Context) -> Verdict:
    ids = subnet_ids(ctx)
    if not ids:
        return failed(f"{ctx.name(FUNCTION)} is not attached to a VPC")
    found = ctx.facts.subnets(ids)
    zones = sorted({s.get("AvailabilityZone") for s in found if s.get("AvailabilityZone")})
    if len(ids) >= 2 and len(zones) >= 2:
        return passed(f"{len(ids)} subnets in {', '.join(zones)}", subnets=ids, zones=zones)
    return failed(
        f"{len(ids)} subnet(s) in {len(zones)} Availability Zone(s) ({', '.join(zones) or 'none found'}); "
        "use at least two subnets in different zones",
        subnets=ids, zones=zones,
    )


@TASK.check("3.5", "Security group lambda-sg-<id> attached", points=1, requires=exists, hint=VPC_HINT)
def security_group(ctx: Context) -> Verdict:
    wanted = ctx.name("lambda-sg")
    groups = ctx.facts.security_groups(group_ids(ctx))
    names = sorted(g.get("GroupName", "") for g in groups)
    if wanted in names:
        return passed(f"{wanted} is attached")
    return failed(
        f"attached security groups: {', '.join(names) or 'none'}; attach {wanted}",
        hint="aws ec2 create-security-group --group-name lambda-sg-{sid} --description 'Lambda in VPC' "
        "--vpc-id <vpc-id>, then: " + VPC_HINT,
    )


@TASK.check(
    "3.6", "VPC_ID, SUBNET_IDS and SECURITY_GROUP_ID match the VPC configuration", points=1.5, requires=exists,
    hint="aws lambda update-function-configuration --function-name vpc-lambda-{sid} --environment "
    '"Variables={VPC_ID=<vpc-id>,SUBNET_IDS=\'<subnet-a>,<subnet-b>\',SECURITY_GROUP_ID=<sg-id>}"',
)
def environment(ctx: Context) -> Verdict:
    config = configuration(ctx, FUNCTION) or {}
    variables = (config.get("Environment") or {}).get("Variables") or {}
    subnet_set = set(subnet_ids(ctx))
    groups = ctx.facts.security_groups(group_ids(ctx))
    vpc_ids = {s.get("VpcId") for s in ctx.facts.subnets(tuple(subnet_set))} or {vpc_config(ctx).get("VpcId")}
    own_group = {g["GroupId"] for g in groups if g.get("GroupName") == ctx.name("lambda-sg")}

    def id_set(value: str | None) -> set[str]:
        return {part.strip() for part in (value or "").split(",") if part.strip()}

    problems = []
    if "VPC_ID" not in variables:
        problems.append("VPC_ID is missing")
    elif variables["VPC_ID"].strip() not in vpc_ids - {None, ""}:
        problems.append(f"VPC_ID is {variables['VPC_ID']!r}, the function's VPC is {', '.join(sorted(v for v in vpc_ids if v)) or 'unknown'}")
    if "SUBNET_IDS" not in variables:
        problems.append("SUBNET_IDS is missing")
    elif id_set(variables["SUBNET_IDS"]) != subnet_set:
        problems.append(f"SUBNET_IDS is {variables['SUBNET_IDS']!r}, the function uses {','.join(sorted(subnet_set))}")
    if "SECURITY_GROUP_ID" not in variables:
        problems.append("SECURITY_GROUP_ID is missing")
    elif id_set(variables["SECURITY_GROUP_ID"]) not in ({*group_ids(ctx)}, own_group):
        problems.append(
            f"SECURITY_GROUP_ID is {variables['SECURITY_GROUP_ID']!r}, the function uses {','.join(group_ids(ctx)) or 'none'}"
        )
    if problems:
        return failed("; ".join(problems), variables=variables)
    return passed("the three variables match the VPC configuration")


@TASK.check(
    "3.7", "Execution role allows the ENI actions", points=1.5, requires=exists,
    hint="aws iam attach-role-policy --role-name <vpc-lambda-role> "
    "--policy-arn arn:{partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
)
def eni_permissions(ctx: Context) -> Verdict:
    role = (configuration(ctx, FUNCTION) or {}).get("Role")
    documents = role_policy_documents(ctx, role)
    if documents is None:
        return failed(f"the execution role {role} does not exist")
    missing = policy_evaluation.missing_actions(documents, ENI_ACTIONS)
    if missing:
        return failed(f"the execution role does not allow {', '.join(missing)}", role=role)
    return passed("the execution role allows creating, describing and deleting network interfaces", role=role)
