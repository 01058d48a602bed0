"""The emulator refuses a queue the execution role may not use, as AWS does (recorded refusals:
tests/recordings/lambda/PutFunctionEventInvokeConfig.json, CreateEventSourceMapping.json,
UpdateFunctionConfiguration.json, each naming its sources), and accepts it once the role may."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from checks.building import settled
from tests.conftest import new_student_id
from tests.support.emulator import assert_refused_as_recorded

RECORDED_QUEUE = "arn:aws:sqs:us-east-1:111111111111:success-queue"


def allow(account, role_arn, actions, resource):
    account.client("iam").put_role_policy(
        RoleName=role_arn.rsplit("/", 1)[-1], PolicyName=new_student_id("p"),
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": resource}]}))


def test_a_destination_needs_send_message_on_the_queue(account, lam, bare_role, make_function, queue_arn):
    name = make_function(bare_role)
    config = {"OnSuccess": {"Destination": queue_arn}, "OnFailure": {}}
    with pytest.raises(ClientError) as refused:
        lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, DestinationConfig=config)
    assert_refused_as_recorded(refused, "lambda", "PutFunctionEventInvokeConfig", "role-cannot-send",
                               **{RECORDED_QUEUE: queue_arn})
    with pytest.raises(ClientError) as refused:
        lam.update_function_event_invoke_config(FunctionName=name, DestinationConfig=config)
    assert_refused_as_recorded(refused, "lambda", "PutFunctionEventInvokeConfig", "role-cannot-send",
                               **{RECORDED_QUEUE: queue_arn})

    allow(account, bare_role, "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:some-other-queue")
    with pytest.raises(ClientError):  # a grant on another queue is not one on this queue
        lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig=config)
    allow(account, bare_role, "sqs:SendMessage", queue_arn)
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, DestinationConfig=config)
    got = lam.get_function_event_invoke_config(FunctionName=name)["DestinationConfig"]["OnSuccess"]
    assert got == {"Destination": queue_arn}


def test_limits_without_destinations_need_nothing_of_the_role(lam, bare_role, make_function):
    name = make_function(bare_role)
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1, MaximumEventAgeInSeconds=60)


def test_an_explicit_deny_wins_over_an_allow(account, lam, bare_role, make_function, queue_arn):
    allow(account, bare_role, "sqs:*", "*")
    account.client("iam").put_role_policy(
        RoleName=bare_role.rsplit("/", 1)[-1], PolicyName="deny",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": queue_arn}]}))
    name = make_function(bare_role)
    with pytest.raises(ClientError) as refused:
        lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    assert "SendMessage" in refused.value.response["Error"]["Message"]


def test_a_dead_letter_queue_needs_send_message_on_create_and_update(account, lam, bare_role, make_function, queue_arn):
    with pytest.raises(ClientError) as refused:
        make_function(bare_role, DeadLetterConfig={"TargetArn": queue_arn})
    assert_refused_as_recorded(refused, "lambda", "UpdateFunctionConfiguration", "dead-letter-role-cannot-send")
    name = make_function(bare_role)
    with pytest.raises(ClientError) as refused:
        lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": queue_arn})
    assert_refused_as_recorded(refused, "lambda", "UpdateFunctionConfiguration", "dead-letter-role-cannot-send")
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": ""})  # removing it: fine
    settled(lam, name)

    allow(account, bare_role, ["sqs:SendMessage"], queue_arn)
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": queue_arn})
    assert lam.get_function(FunctionName=name)["Configuration"]["DeadLetterConfig"] == {"TargetArn": queue_arn}


def test_a_new_role_given_with_the_queue_is_the_one_checked(account, lam, bare_role, role, make_function, queue_arn):
    name = make_function(bare_role)
    lam.update_function_configuration(FunctionName=name, Role=role, DeadLetterConfig={"TargetArn": queue_arn})


def test_an_sqs_trigger_needs_receive_delete_and_get_attributes(account, lam, bare_role, make_function, queue_arn):
    name = make_function(bare_role)
    granted = []
    for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes"):
        with pytest.raises(ClientError) as refused:
            lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, BatchSize=10)
        assert_refused_as_recorded(refused, "lambda", "CreateEventSourceMapping", "role-cannot-receive",
                                   ReceiveMessage=action)
        granted.append(f"sqs:{action}")
        allow(account, bare_role, granted, queue_arn)
    created = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, BatchSize=10)
    assert created["EventSourceArn"] == queue_arn


def test_the_managed_sqs_execution_policy_is_enough_for_a_trigger(account, lam, bare_role, make_function, queue_arn):
    # AWSLambdaSQSQueueExecutionRole: ReceiveMessage, DeleteMessage, GetQueueAttributes on * (with-sqs.md)
    account.client("iam").attach_role_policy(
        RoleName=bare_role.rsplit("/", 1)[-1],
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole")
    name = make_function(bare_role)
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name)


def test_a_function_whose_role_does_not_exist_may_use_no_queue(lam, role, make_function, queue_arn, account):
    name = make_function(role)
    iam, role_name = account.client("iam"), role.rsplit("/", 1)[-1]
    iam.delete_role_policy(RoleName=role_name, PolicyName="queues")
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role_name, PolicyArn=attached["PolicyArn"])
    iam.delete_role(RoleName=role_name)
    with pytest.raises(ClientError) as refused:
        lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_subnets_need_the_network_interface_permissions(account, lam, bare_role, make_function):
    """tests/recordings/lambda/CreateFunction.json and UpdateFunctionConfiguration.json,
    vpc-role-cannot-create-network-interface: Lambda creates the function's network interfaces as its role."""
    ec2 = account.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    group = ec2.create_security_group(GroupName=new_student_id("sg"), Description="t", VpcId=vpc)["GroupId"]
    in_vpc = {"SubnetIds": [subnet], "SecurityGroupIds": [group]}
    with pytest.raises(ClientError) as refused:
        make_function(bare_role, VpcConfig=in_vpc)
    assert_refused_as_recorded(refused, "lambda", "CreateFunction", "vpc-role-cannot-create-network-interface")
    name = make_function(bare_role)
    with pytest.raises(ClientError) as refused:
        lam.update_function_configuration(FunctionName=name, VpcConfig=in_vpc)
    assert_refused_as_recorded(refused, "lambda", "UpdateFunctionConfiguration",
                               "vpc-role-cannot-create-network-interface")
    lam.update_function_configuration(FunctionName=name, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})  # none
    settled(lam, name)

    allow(account, bare_role, ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces"], "*")
    with pytest.raises(ClientError, match="call DeleteNetworkInterface on EC2"):  # all three, not the first alone
        lam.update_function_configuration(FunctionName=name, VpcConfig=in_vpc)
    account.client("iam").attach_role_policy(
        RoleName=bare_role.rsplit("/", 1)[-1],
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    settled(lam, name)
    lam.update_function_configuration(FunctionName=name, VpcConfig=in_vpc)
    assert make_function(bare_role, VpcConfig=in_vpc)
