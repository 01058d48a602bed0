"""Lambda patches close their gaps, and the AWS errors around them are kept."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from checks.building import settled
from checks.lambda_medium.solution import HANDLER, LAYER
from tests.conftest import new_student_id
from tests.emulator.patches.conftest import make_role
from tests.support.emulator import botocore_doc, error_code


def test_dead_letter_config_is_kept_on_create_update_and_versions(lam, make_function, queue_arn):
    name = make_function(DeadLetterConfig={"TargetArn": queue_arn})
    assert lam.get_function(FunctionName=name)["Configuration"]["DeadLetterConfig"] == {"TargetArn": queue_arn}
    lam.publish_version(FunctionName=name)
    assert lam.get_function(FunctionName=name, Qualifier="1")["Configuration"]["DeadLetterConfig"]["TargetArn"] == queue_arn
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": ""})
    assert "DeadLetterConfig" not in lam.get_function(FunctionName=name)["Configuration"]
    settled(lam, name)  # one update at a time, as AWS takes them
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
    settled(lam, name)
    lam.update_function_code(FunctionName=name, ZipFile=HANDLER)  # without the parameter it stays
    assert lam.get_function(FunctionName=name)["Configuration"]["Architectures"] == ["arm64"]
    settled(lam, name)
    with pytest.raises(ClientError):
        lam.update_function_code(FunctionName=name, ZipFile=HANDLER, Architectures=["x86_64", "arm64"])


# Event source mapping states as AWS reports them (localstack/localstack, tests/aws/services/lambda_/
# event_source_mapping/test_lambda_integration_sqs.snapshot.json, all aws.validated):
# - test_sqs_event_source_mapping_update: "create-event-source-mapping-response" State "Creating",
#   "updated_esm" (after UpdateEventSourceMapping) "Updating", "updated_event_source_mapping" later "Enabled";
# - test_fifo_message_group_parallelism: "create_esm_disabled" (Enabled=False) "Disabled" at once,
#   "update_esm_enabling" (Enabled=True) "Enabling";
# - test_lambda_integration_dynamodbstreams.snapshot.json, test_disabled_dynamodb_event_source_mapping:
#   "update_event_source_mapping_result" (Enabled=False) "Disabling".
# StateTransitionReason is "USER_INITIATED" for SQS in all of them ("User action" for streams). botocore's
# EventSourceMappingConfiguration.State lists the seven states.


def _state(lam, uuid):
    mapping = lam.get_event_source_mapping(UUID=uuid)
    return mapping["State"], mapping["StateTransitionReason"]


def _settles(lam, uuid, expected, seconds=10.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _state(lam, uuid)[0] == expected:
            return True
        time.sleep(0.05)
    return False


def test_event_source_mapping_states_pass_through_aws_transitions(lam, make_function, queue_arn, switches):
    assert all(state in botocore_doc("lambda", "EventSourceMappingConfiguration", "State") for state in (
        "Creating", "Enabling", "Enabled", "Disabling", "Disabled", "Updating", "Deleting"))
    switches(settle_seconds=0.5)
    name = make_function()
    created = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, BatchSize=10)
    uuid = created["UUID"]
    assert (created["State"], created["StateTransitionReason"]) == ("Creating", "USER_INITIATED")
    assert _state(lam, uuid) == ("Creating", "USER_INITIATED")
    assert _settles(lam, uuid, "Enabled")

    assert lam.update_event_source_mapping(UUID=uuid, BatchSize=5)["State"] == "Updating"
    assert _state(lam, uuid)[0] == "Updating" and _settles(lam, uuid, "Enabled")
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    assert _settles(lam, uuid, "Disabled")
    assert lam.update_event_source_mapping(UUID=uuid, BatchSize=10)["State"] == "Updating"
    assert _settles(lam, uuid, "Disabled")
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    assert _settles(lam, uuid, "Enabled")

    disabled = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, Enabled=False)
    assert disabled["State"] == "Disabled" and _state(lam, disabled["UUID"])[0] == "Disabled"
    assert lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"


def test_event_source_mapping_states_settle_at_once_when_switched_off(lam, make_function, queue_arn, switches):
    switches(settle_seconds=0)  # moto's way, for checks that do not expect AWS's transitions yet
    name = make_function()
    created = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name)
    assert (created["State"], created["StateTransitionReason"]) == ("Enabled", "USER_INITIATED")
    assert lam.update_event_source_mapping(UUID=created["UUID"], Enabled=False)["State"] == "Disabled"


def test_event_source_mappings_page_as_aws_does(own_account):
    # botocore lambda model, ListEventSourceMappingsRequest.MaxItems: "returns a maximum of 100 items in each
    # response, even if you set the number higher"; ListEventSourceMappingsResponse.NextMarker.
    assert "maximum of 100 items" in botocore_doc("lambda", "ListEventSourceMappingsRequest", "MaxItems")
    lam, sqs = own_account.client("lambda"), own_account.client("sqs")
    role = make_role(own_account.client("iam"), "r")
    lam.create_function(FunctionName="fn", Runtime="python3.12", Role=role, Handler="h.h",
                        Code={"ZipFile": HANDLER})
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    made = [lam.create_event_source_mapping(EventSourceArn=queue, FunctionName="fn")["UUID"] for _ in range(103)]

    first = lam.list_event_source_mappings(FunctionName="fn")
    assert len(first["EventSourceMappings"]) == 100 and first["NextMarker"]
    assert len(lam.list_event_source_mappings(FunctionName="fn", MaxItems=1000)["EventSourceMappings"]) == 100
    rest = lam.list_event_source_mappings(FunctionName="fn", Marker=first["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 3 and "NextMarker" not in rest
    pages = list(lam.get_paginator("list_event_source_mappings").paginate(
        EventSourceArn=queue, PaginationConfig={"PageSize": 40}))
    assert [len(p["EventSourceMappings"]) for p in pages] == [40, 40, 23]
    assert [m["UUID"] for p in pages for m in p["EventSourceMappings"]] == made


# PutProvisionedConcurrencyConfig on an alias with weights: AWS answers InvalidParameterValueException "Alias with
# weights can not be used with Provisioned Concurrency" (hashicorp/terraform#24957, quoting AWS); the Lambda
# guide (awsdocs/aws-lambda-developer-guide, doc_source/provisioned-concurrency.md): "You can add a routing
# configuration to an alias that has provisioned concurrency ... you can't manage provisioned concurrency settings
# on the alias while the routing configuration is in place".


def test_provisioned_concurrency_is_refused_on_a_weighted_alias_not_before_weights(lam, make_function):
    name = make_function()
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="second")
    settled(lam, name)  # AWS refuses to publish while the update is in progress
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="CANARY", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    with pytest.raises(ClientError) as refused:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="CANARY", ProvisionedConcurrentExecutions=2)
    assert error_code(refused) == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == "Alias with weights can not be used with Provisioned Concurrency"

    lam.create_alias(FunctionName=name, Name="PROD", FunctionVersion="1")
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD", ProvisionedConcurrentExecutions=2)
    lam.update_alias(FunctionName=name, Name="PROD", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})  # weights afterwards: accepted
    assert lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD")["Status"] == "READY"
    assert lam.get_alias(FunctionName=name, Name="PROD")["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}


def test_removing_an_aliass_weights_leaves_no_routing_configuration(lam, make_function):
    """The recorded form (tests/recordings/lambda/UpdateAlias.json weights-removed): empty AdditionalVersionWeights,
    after which AWS reads the alias without RoutingConfig, and provisioned concurrency may be put on it again."""
    from tests.recordings import corpus

    recorded = corpus.case("lambda", "UpdateAlias", "weights-removed")
    name = make_function()
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="second")
    settled(lam, name)  # AWS refuses to publish while the update is in progress
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="PROD", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    updated = lam.update_alias(FunctionName=name, Name="PROD", RoutingConfig=recorded["params"]["RoutingConfig"])
    assert "RoutingConfig" not in updated and set(recorded["response"]) <= set(updated) | {"ResponseMetadata"}
    assert "RoutingConfig" not in lam.get_alias(FunctionName=name, Name="PROD")
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="PROD", ProvisionedConcurrentExecutions=2)
