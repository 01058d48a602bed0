import json

from tests.checks.conftest import mistakes_cost_only_their_task


def configure(account, built, **settings):
    account.client("lambda").update_function_configuration(FunctionName=f"vpc-lambda-{built['sid']}", **settings)


def environment(built, **overrides):
    variables = {"VPC_ID": built["vpc_id"], "SUBNET_IDS": ",".join(built["subnet_ids"]),
                 "SECURITY_GROUP_ID": built["group_id"]}
    variables.update(overrides)
    return {"Variables": {k: v for k, v in variables.items() if v is not None}}


def one_subnet(account, built):
    configure(account, built, VpcConfig={"SubnetIds": built["subnet_ids"][:1], "SecurityGroupIds": [built["group_id"]]},
              Environment=environment(built, SUBNET_IDS=built["subnet_ids"][0]))


def same_zone_subnets(account, built):
    ec2 = account.client("ec2")
    zone = ec2.describe_subnets(SubnetIds=built["subnet_ids"][:1])["Subnets"][0]["AvailabilityZone"]
    extra = ec2.create_subnet(VpcId=built["vpc_id"], CidrBlock=f"172.31.{200 + hash(built['sid']) % 50}.0/24",
                              AvailabilityZone=zone)["Subnet"]["SubnetId"]
    subnets = [built["subnet_ids"][0], extra]
    configure(account, built, VpcConfig={"SubnetIds": subnets, "SecurityGroupIds": [built["group_id"]]},
              Environment=environment(built, SUBNET_IDS=",".join(subnets)))


def other_security_group(account, built):
    group = account.client("ec2").create_security_group(
        GroupName=f"web-sg-{built['sid']}", Description="wrong", VpcId=built["vpc_id"])["GroupId"]
    configure(account, built, VpcConfig={"SubnetIds": built["subnet_ids"], "SecurityGroupIds": [group]},
              Environment=environment(built, SECURITY_GROUP_ID=group))


def role(built):
    return f"vpc-lambda-role-{built['sid']}"


def without_eni_policy(account, built):
    iam = account.client("iam")
    iam.detach_role_policy(RoleName=role(built),
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    iam.attach_role_policy(RoleName=role(built),
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")


def explicit_deny(account, built):
    account.client("iam").put_role_policy(RoleName=role(built), PolicyName="no-eni", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"}}))


MISTAKES = {
    "memory 256": (lambda a, b: configure(a, b, MemorySize=256), {"3.3"}),
    "runtime python3.9": (lambda a, b: configure(a, b, Runtime="python3.9"), {"3.2"}),
    "one subnet": (one_subnet, {"3.4"}),
    "two subnets in one zone": (same_zone_subnets, {"3.4"}),
    "another security group": (other_security_group, {"3.5"}),
    "VPC_ID missing": (lambda a, b: configure(a, b, Environment=environment(b, VPC_ID=None)), {"3.6"}),
    "VPC_ID wrong": (lambda a, b: configure(a, b, Environment=environment(b, VPC_ID="vpc-0123456789abcdef0")), {"3.6"}),
    "SUBNET_IDS lists one subnet": (
        lambda a, b: configure(a, b, Environment=environment(b, SUBNET_IDS=b["subnet_ids"][0])), {"3.6"}),
    "role without ENI actions": (without_eni_policy, {"3.7"}),
    "role with an explicit Deny": (explicit_deny, {"3.7"}),
    "not in a VPC": (lambda a, b: configure(a, b, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []}),
                     {"3.4", "3.5", "3.6"}),
}


test_mistake_costs_only_task_3 = mistakes_cost_only_their_task(3, MISTAKES)


def wildcard_inline_policy_only(account, built):
    iam = account.client("iam")
    iam.detach_role_policy(RoleName=role(built),
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    iam.put_role_policy(RoleName=role(built), PolicyName="eni", PolicyDocument=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": ["ec2:*NetworkInterface*"], "Resource": "*"}]}))


def test_wildcard_inline_policy_is_enough(graded_mistake):
    _, student = graded_mistake(wildcard_inline_policy_only)
    assert student.score == 100


def test_subnet_ids_with_spaces_and_other_order_match(graded_mistake):
    _, student = graded_mistake(lambda a, b: configure(
        a, b, Environment=environment(b, SUBNET_IDS=" , ".join(reversed(b["subnet_ids"])))))
    assert student.score == 100
