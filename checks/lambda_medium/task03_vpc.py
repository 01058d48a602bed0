"""Task 3: vpc-lambda-<id> runs in a VPC, on two AZs, behind lambda-sg-<id>."""

import json

from checks import policy_evaluation, python_behaviour
from checks.lambda_medium.common import configuration, function_exists, memory_check, runtime_check
from checks.lambda_medium.deployed import code_check, redeploy, where
from checks.python_source import Handler, Source
from checks.shared import missing_role_fix, role_name, role_policy_documents, role_request
from grader import shell
from grader.rubric import Context, Task, Verdict, failed, passed

TASK = Task(3, "VPC function", points=10)
FUNCTION = "vpc-lambda"
ENI_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
VPC_ACCESS = "arn:{partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"

exists = function_exists(TASK, "3.1", FUNCTION, points=1.5, memory=512)
runtime = runtime_check(TASK, "3.2", exists, FUNCTION, points=0.5)
memory = memory_check(TASK, "3.3", exists, FUNCTION, 512, points=0.5)


def vpc_config(ctx: Context) -> dict:
    return (configuration(ctx, FUNCTION) or {}).get("VpcConfig") or {}


def subnet_ids(ctx: Context) -> tuple[str, ...]:
    return tuple(vpc_config(ctx).get("SubnetIds") or ())


def group_ids(ctx: Context) -> tuple[str, ...]:
    return tuple(vpc_config(ctx).get("SecurityGroupIds") or ())


def zones_ok(ctx: Context) -> bool:
    ids = subnet_ids(ctx)
    zones = {s.get("AvailabilityZone") for s in ctx.facts.subnets(ids) if s.get("AvailabilityZone")}
    return len(zones) >= 2  # a subnet is in one zone: two zones are two subnets


def own_group_id(ctx: Context) -> str | None:
    """The id of lambda-sg-<id> when the function has it attached (the grader knows no other)."""
    groups = ctx.facts.security_groups(group_ids(ctx))
    return next((g.get("GroupId") for g in groups if g.get("GroupName") == ctx.name("lambda-sg")), None)


def vpc_fix(ctx: Context) -> str:
    """update-function-configuration --vpc-config, with what is already right filled in; what the grader
    has not read (the default VPC's subnets, a new group's id) is looked up by the lines before it."""
    name = ctx.name(FUNCTION)
    group = own_group_id(ctx)
    vpc = vpc_config(ctx).get("VpcId")
    lines = []
    if zones_ok(ctx):
        subnets = ",".join(subnet_ids(ctx))
    else:
        lines += [shell.comment("two subnets in different Availability Zones (the default VPC's, here):"),
                  "VPC=" + (shell.quote(vpc) if vpc else "$(aws ec2 describe-vpcs --filters Name=is-default,Values=true "
                                                        "--query 'Vpcs[0].VpcId' --output text)"),
                  "SUBNETS=$(aws ec2 describe-subnets --filters Name=vpc-id,Values=$VPC "
                  "Name=default-for-az,Values=true --query 'Subnets[:2].SubnetId' --output text | tr '\\t' ,)"]
        subnets = "$SUBNETS"
        vpc = "$VPC"
    if group is None:
        lines.append(shell.comment(f"the function's own security group (if {ctx.name('lambda-sg')} exists, "
                                   "set SG to its id instead):"))
        lines.append("SG=$(" + shell.aws("ec2", "create-security-group", "--group-name", ctx.name("lambda-sg"),
                                         "--description", "Lambda in VPC", "--vpc-id", "VPCID", "--query", "GroupId",
                                         "--output", "text").replace("VPCID", f'"{vpc}"' if vpc else "$VPC") + ")")
        group = "$SG"
    config = f"SubnetIds={subnets},SecurityGroupIds={group}"
    lines.append(shell.aws("lambda", "update-function-configuration", "--function-name", name, "--vpc-config",
                           "CONFIG").replace("CONFIG", f'"{config}"' if "$" in config else config))
    return shell.fix(*lines)


@TASK.check("3.4", "Attached to 2+ subnets in 2+ Availability Zones", points=1.5, requires=exists)
def subnets(ctx: Context) -> Verdict:
    ids = subnet_ids(ctx)
    if not ids:
        return failed(f"{ctx.name(FUNCTION)} is not attached to a VPC", hint=vpc_fix(ctx))
    found = ctx.facts.subnets(ids)
    zones = sorted({s.get("AvailabilityZone") for s in found if s.get("AvailabilityZone")})
    if len(ids) >= 2 and len(zones) >= 2:
        return passed(f"{len(ids)} subnets in {', '.join(zones)}", subnets=ids, zones=zones)
    return failed(
        f"{len(ids)} subnet(s) in {len(zones)} Availability Zone(s) ({', '.join(zones) or 'none found'}); "
        "use at least two subnets in different zones",
        hint=vpc_fix(ctx), subnets=ids, zones=zones,
    )


@TASK.check("3.5", "Security group lambda-sg-<id> attached", points=1, requires=exists)
def security_group(ctx: Context) -> Verdict:
    wanted = ctx.name("lambda-sg")
    groups = ctx.facts.security_groups(group_ids(ctx))
    names = sorted(g.get("GroupName", "") for g in groups)
    if wanted in names:
        return passed(f"{wanted} is attached")
    return failed(f"attached security groups: {', '.join(names) or 'none'}; attach {wanted}", hint=vpc_fix(ctx))


def environment_fix(ctx: Context, variables: dict[str, str]) -> str:
    """--environment replaces every variable: the fix writes the student's others back with the three."""
    vpc_ids = sorted({s.get("VpcId") for s in ctx.facts.subnets(subnet_ids(ctx)) if s.get("VpcId")})
    wanted = {
        "VPC_ID": vpc_ids[0] if len(vpc_ids) == 1 else (vpc_config(ctx).get("VpcId") or shell.placeholder("vpc-id")),
        "SUBNET_IDS": ",".join(subnet_ids(ctx)),  # never empty: the fix waits for 3.4's until it is not
        "SECURITY_GROUP_ID": own_group_id(ctx) or ",".join(group_ids(ctx)) or shell.placeholder("sg-id"),
    }
    document = json.dumps({"Variables": {**variables, **wanted}}, separators=(",", ":"))
    return shell.aws("lambda", "update-function-configuration", "--function-name", ctx.name(FUNCTION),
                     "--environment", document)


@TASK.check("3.6", "VPC_ID, SUBNET_IDS and SECURITY_GROUP_ID match the VPC configuration", points=1.5,
            requires=exists)
def environment(ctx: Context) -> Verdict:
    config = configuration(ctx, FUNCTION) or {}
    variables = (config.get("Environment") or {}).get("Variables") or {}
    subnet_set = set(subnet_ids(ctx))
    groups = ctx.facts.security_groups(group_ids(ctx))
    vpc_ids = {s.get("VpcId") for s in ctx.facts.subnets(tuple(subnet_set))} or {vpc_config(ctx).get("VpcId")}
    own_group = {g.get("GroupId") for g in groups if g.get("GroupName") == ctx.name("lambda-sg")}

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
        hint = environment_fix(ctx, variables) if subnet_ids(ctx) else shell.comment(
            "attach the function to its VPC first (3.4's fix); graded again, this fix is filled in with its "
            "VPC, subnets and group")
        return failed("; ".join(problems), hint=hint, variables=variables)
    return passed("the three variables match the VPC configuration")


def eni_resources(ctx: Context) -> dict[str, list[str]]:
    """The resources IAM evaluates each ENI action on when Lambda joins the function to its VPC: the network
    interface, and for its creation the subnets and security groups too; describing supports no resource but
    ``*`` (Service Authorization Reference, Amazon EC2). A role scoped to network-interface/* alone is refused
    ("The provided execution role does not have permissions to call CreateNetworkInterface on EC2")."""
    interface = ctx.arn("ec2", "network-interface/*")
    created = [interface, *(ctx.arn("ec2", f"subnet/{s}") for s in subnet_ids(ctx)),
               *(ctx.arn("ec2", f"security-group/{g}") for g in group_ids(ctx))]
    return {"ec2:CreateNetworkInterface": created, "ec2:DescribeNetworkInterfaces": ["*"],
            "ec2:DeleteNetworkInterface": [interface]}


@TASK.check("3.7", "Execution role allows the ENI actions", points=1.5, requires=exists)
def eni_permissions(ctx: Context) -> Verdict:
    role = (configuration(ctx, FUNCTION) or {}).get("Role")
    documents = role_policy_documents(ctx, role)
    attach = shell.aws("iam", "attach-role-policy", "--role-name", role_name(role) or shell.placeholder("vpc-lambda-role"),
                       "--policy-arn", ctx.fill(VPC_ACCESS))
    if documents is None:
        return failed(f"the execution role {role} does not exist", hint=missing_role_fix(role, attach))
    missing = policy_evaluation.missing_on(documents, eni_resources(ctx), **role_request(ctx))
    if missing:
        return failed(f"the execution role does not allow {', '.join(missing)}", hint=attach, role=role)
    return passed("the execution role allows creating, describing and deleting network interfaces", role=role)


VARIABLES = ("VPC_ID", "SUBNET_IDS", "SECURITY_GROUP_ID")


def reads_variables(ctx: Context, handler: Handler, modules: list[Source]) -> Verdict:
    read = python_behaviour.environment_reads(modules)
    missing = [name for name in VARIABLES if name not in read]
    if missing:
        lacks = f"{handler.source.path} does not read {', '.join(missing)} from the environment"
        return failed(lacks, hint=redeploy(ctx, FUNCTION, f"{lacks} (os.environ.get('{missing[0]}'))"),
                      reads={name: read[name] for name in VARIABLES if name in read}, handler=where(handler))
    return passed(f"reads {', '.join(f'{name} ({read[name]})' for name in VARIABLES)}",
                  reads={name: read[name] for name in VARIABLES})


reads = code_check(TASK, "3.8", "The handler reads VPC_ID, SUBNET_IDS and SECURITY_GROUP_ID", FUNCTION, exists,
                   points=2, judge=reads_variables)
