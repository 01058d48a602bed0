"""Lambda patches close their gaps, and the AWS errors around them are kept."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from checks.lambda_medium.solution import HANDLER, LAYER
from tests.conftest import new_student_id
from tests.support.emulator import error_code


def test_dead_letter_config_is_kept_on_create_update_and_versions(lam, make_function, queue_arn):
    name = make_function(DeadLetterConfig={"TargetArn": queue_arn})
    assert lam.get_function(FunctionName=name)["Configuration"]["DeadLetterConfig"] == {"TargetArn": queue_arn}
    lam.publish_version(FunctionName=name)
    assert lam.get_function(FunctionName=name, Qualifier="1")["Configuration"]["DeadLetterConfig"]["TargetArn"] == queue_arn
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": ""})
    assert "DeadLetterConfig" not in lam.get_function(FunctionName=name)["Configuration"]
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": queue_arn})
    assert lam.get_function_configuration(FunctionName=name)["DeadLetterConfig"]["TargetArn"] == queue_arn


def test_vpc_id_is_the_vpc_of_the_subnets(account, lam, make_function):
    ec2 = account.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=new_student_id("sg"), Description="d", VpcId=vpc)["GroupId"]
    name = make_function(VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [group]})
    config = lam.get_function(FunctionName=name)["Configuration"]["VpcConfig"]
    assert config == {"SubnetIds": [subnet], "SecurityGroupIds": [group], "VpcId": vpc}
    lam.update_function_configuration(FunctionName=name, VpcConfig={"SubnetIds": [], "SecurityGroupIds": []})
    assert lam.get_function(FunctionName=name)["Configuration"]["VpcConfig"]["VpcId"] == ""


def test_layer_of_another_account_is_accepted_and_its_arn_kept(lam, make_function):
    lam.publish_layer_version(LayerName="LambdaInsightsExtension", Content={"ZipFile": LAYER})  # a local namesake
    foreign = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53"
    name = make_function(Layers=[foreign])
    assert [layer["Arn"] for layer in lam.get_function(FunctionName=name)["Configuration"]["Layers"]] == [foreign]


def test_unknown_layer_of_own_account_is_still_rejected(lam, make_function):
    missing = "arn:aws:lambda:us-east-1:123456789012:layer:does-not-exist:1"
    with pytest.raises(ClientError) as excinfo:
        make_function(Layers=[missing])
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_provisioned_concurrency_lifecycle(lam, make_function):
    name = make_function()
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="PROD", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD", ProvisionedConcurrentExecutions=2)
    assert put["RequestedProvisionedConcurrentExecutions"] == 2 and put["Status"] == "IN_PROGRESS"
    got = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD")
    assert (got["RequestedProvisionedConcurrentExecutions"], got["Status"]) == (2, "READY")
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"] for c in listed] == [f"arn:aws:lambda:us-east-1:123456789012:function:{name}:PROD"]
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD")
    with pytest.raises(ClientError) as excinfo:
        lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD")
    assert error_code(excinfo) == "ProvisionedConcurrencyConfigNotFoundException"


def test_provisioned_concurrency_errors_match_aws(lam, make_function):
    name = make_function()
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=2)
    assert error_code(excinfo) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as excinfo:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="NOPE", ProvisionedConcurrentExecutions=2)
    assert error_code(excinfo) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        lam.get_provisioned_concurrency_config(FunctionName="no-such-function", Qualifier="PROD")
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_event_source_mappings_filter_by_name_or_arn(lam, make_function, queue_arn):
    name = make_function()
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=arn)
    for designation in (name, arn, f"123456789012:function:{name}"):
        mappings = lam.list_event_source_mappings(FunctionName=designation)["EventSourceMappings"]
        assert [m["EventSourceArn"] for m in mappings] == [queue_arn], designation
    assert lam.list_event_source_mappings(FunctionName=name + "x")["EventSourceMappings"] == []


def test_event_invoke_config_put_replaces_and_update_merges(lam, make_function, queue_arn):
    name = make_function()
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0, MaximumEventAgeInSeconds=60)
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2)
    config = lam.get_function_event_invoke_config(FunctionName=name)
    assert config["MaximumRetryAttempts"] == 2 and "MaximumEventAgeInSeconds" not in config
    lam.update_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=3600)
    config = lam.get_function_event_invoke_config(FunctionName=name)
    assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]) == (2, 3600)


def test_list_functions_pages(lam, make_function):
    made = {make_function() for _ in range(5)}
    pages = list(lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2}))
    names = [f["FunctionName"] for page in pages for f in page["Functions"]]
    assert made <= set(names) and len(names) == len(set(names))
    assert all(len(page["Functions"]) <= 2 for page in pages) and len(pages) >= 3


def test_update_function_code_changes_the_architecture(lam, make_function):
    name = make_function()
    assert lam.update_function_code(FunctionName=name, ZipFile=HANDLER, Architectures=["arm64"])["Architectures"] == [
        "arm64"]
    assert lam.get_function(FunctionName=name)["Configuration"]["Architectures"] == ["arm64"]
    lam.update_function_code(FunctionName=name, ZipFile=HANDLER)  # without the parameter it stays
    assert lam.get_function(FunctionName=name)["Configuration"]["Architectures"] == ["arm64"]
    with pytest.raises(ClientError):
        lam.update_function_code(FunctionName=name, ZipFile=HANDLER, Architectures=["x86_64", "arm64"])
