"""Each emulator patch closes its gap, and the AWS errors around it are kept."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from checks.building import LAMBDA_TRUST
from checks.lambda_medium.solution import HANDLER, LAYER
from grader.emulator import patches
from tests.conftest import new_student_id


def error_code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def lam(account):
    return account.client("lambda")


@pytest.fixture
def role(account):
    name = new_student_id("role")
    return account.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))["Role"]["Arn"]


@pytest.fixture
def make_function(lam, role):
    def make(**extra):
        name = new_student_id("fn")
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                            Code={"ZipFile": HANDLER}, **extra)
        return name

    return make


@pytest.fixture
def queue_arn(account):
    sqs = account.client("sqs")
    url = sqs.create_queue(QueueName=new_student_id("q"))["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_version_guard_refuses_untested_moto():
    patches.check_version("5.2.5")
    patches.check_version("5.2.1")
    for untested in ("5.3.0", "5.1.22", "6.0.0"):
        with pytest.raises(patches.UntestedMotoVersion, match=untested):
            patches.check_version(untested)


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


def test_describe_alarms_pages(account):
    cloudwatch = account.client("cloudwatch")
    prefix = new_student_id("alarm")
    for index in range(5):
        cloudwatch.put_metric_alarm(AlarmName=f"{prefix}-{index}", Namespace="AWS/Lambda", MetricName="Errors",
                                    Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold")
    pages = list(cloudwatch.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 2}))
    names = [a["AlarmName"] for page in pages for a in page["MetricAlarms"]]
    assert {f"{prefix}-{i}" for i in range(5)} <= set(names) and len(names) == len(set(names))
    assert all(len(page["MetricAlarms"]) <= 2 for page in pages)


def test_deregistering_a_target_deletes_its_policies_and_the_wrong_dimension_is_rejected(account):
    scaling = account.client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{new_student_id('f')}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=2)
    scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration={"TargetValue": 0.7, "PredefinedMetricSpecification": {
                                   "PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}})
    scaling.deregister_scalable_target(**target)
    policies = scaling.describe_scaling_policies(ServiceNamespace="lambda", ResourceId=target["ResourceId"])
    assert policies["ScalingPolicies"] == []
    with pytest.raises(ClientError) as excinfo:
        scaling.register_scalable_target(**dict(target, ScalableDimension="lambda:function:ProvisionedConcurrentExecutions"),
                                         MinCapacity=1, MaxCapacity=2)
    assert error_code(excinfo) == "ValidationException"


def test_aws_managed_policies_exist(account):
    iam = account.client("iam")
    for arn in ("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy"):
        assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]


def test_scaling_policy_needs_a_registered_target_and_a_valid_dimension(account):
    scaling = account.client("application-autoscaling")
    target = {"ServiceNamespace": "lambda", "ResourceId": f"function:{new_student_id('f')}:PROD",
              "ScalableDimension": "lambda:function:ProvisionedConcurrency"}
    config = {"TargetValue": 0.7,
              "PredefinedMetricSpecification": {"PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"}}
    with pytest.raises(ClientError) as excinfo:
        scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration=config)
    assert error_code(excinfo) == "ObjectNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        scaling.put_scaling_policy(**dict(target, ScalableDimension="lambda:function:ProvisionedConcurrentExecutions"),
                                   PolicyName="p", PolicyType="TargetTrackingScaling",
                                   TargetTrackingScalingPolicyConfiguration=config)
    assert error_code(excinfo) == "ValidationException"
    scaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=2)
    scaling.put_scaling_policy(**target, PolicyName="p", PolicyType="TargetTrackingScaling",
                               TargetTrackingScalingPolicyConfiguration=config)


def test_describe_scalable_targets_pages(account):
    scaling = account.client("application-autoscaling")
    prefix = new_student_id("page")
    for index in range(7):
        scaling.register_scalable_target(ServiceNamespace="lambda", ResourceId=f"function:{prefix}-{index}:PROD",
                                         ScalableDimension="lambda:function:ProvisionedConcurrency",
                                         MinCapacity=1, MaxCapacity=2)
    pages = list(scaling.get_paginator("describe_scalable_targets").paginate(
        ServiceNamespace="lambda", PaginationConfig={"PageSize": 3}))
    ids = [t["ResourceId"] for page in pages for t in page["ScalableTargets"]]
    assert {f"function:{prefix}-{i}:PROD" for i in range(7)} <= set(ids) and len(ids) == len(set(ids))


def test_iam_enforcement_reads_signatures_action_names_and_denials_like_aws(account):
    """Under INITIAL_NO_AUTH_ACTION_COUNT enforcement: body-less GETs verify, CloudWatch actions are
    ``cloudwatch:*``, and a JSON client reads its denial as its own error code."""
    import boto3

    iam = account.client("iam")
    user = new_student_id("enforced")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["lambda:ListFunctions", "cloudwatch:DescribeAlarms"],
                       "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]

    def client(service):
        return boto3.client(service, region_name="us-east-1", endpoint_url=account.emulator.url,
                            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    account.emulator.enforce_iam(True)
    try:
        client("lambda").list_functions()  # a body-less GET, allowed: its signature verifies
        client("cloudwatch").describe_alarms()  # allowed as cloudwatch:DescribeAlarms
        with pytest.raises(ClientError) as lambda_denied:
            client("lambda").list_layers()
        with pytest.raises(ClientError) as sqs_denied:
            client("sqs").list_queues()
    finally:
        account.emulator.enforce_iam(False)
    assert error_code(lambda_denied) == "AccessDeniedException" and "lambda:ListLayers" in str(lambda_denied.value)
    assert error_code(sqs_denied) == "AccessDenied" and "sqs:ListQueues" in str(sqs_denied.value)


def test_simulate_principal_policy(account, role):
    iam = account.client("iam")
    name = role.rsplit("/", 1)[-1]
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
    iam.put_role_policy(RoleName=name, PolicyName="deny", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ec2:DeleteNetworkInterface", "Resource": "*"}]}))
    results = iam.simulate_principal_policy(
        PolicySourceArn=role,
        ActionNames=["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "s3:GetObject"])["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("ec2:CreateNetworkInterface", "allowed"), ("ec2:DeleteNetworkInterface", "explicitDeny"),
        ("s3:GetObject", "implicitDeny")]
    with pytest.raises(ClientError) as excinfo:
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::123456789012:role/nope", ActionNames=["s3:*"])
    assert error_code(excinfo) == "NoSuchEntity"


def test_update_function_code_changes_the_architecture(lam, make_function):
    name = make_function()
    assert lam.update_function_code(FunctionName=name, ZipFile=HANDLER, Architectures=["arm64"])["Architectures"] == [
        "arm64"]
    assert lam.get_function(FunctionName=name)["Configuration"]["Architectures"] == ["arm64"]
    lam.update_function_code(FunctionName=name, ZipFile=HANDLER)  # without the parameter it stays
    assert lam.get_function(FunctionName=name)["Configuration"]["Architectures"] == ["arm64"]
    with pytest.raises(ClientError):
        lam.update_function_code(FunctionName=name, ZipFile=HANDLER, Architectures=["x86_64", "arm64"])


def test_rest_apis_and_their_resources_page_at_25_like_aws(own_account):
    apigw = own_account.client("apigateway")
    ids = {apigw.create_rest_api(name=f"api-{n}")["id"] for n in range(27)}
    first = apigw.get_rest_apis()
    assert len(first["items"]) == 25 and first["position"]
    listed = [api["id"] for page in apigw.get_paginator("get_rest_apis").paginate() for api in page["items"]]
    assert sorted(listed) == sorted(ids)
    api = sorted(ids)[0]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    for n in range(26):
        apigw.create_resource(restApiId=api, parentId=root, pathPart=f"r{n}")
    pages = list(apigw.get_paginator("get_resources").paginate(restApiId=api, PaginationConfig={"PageSize": 10}))
    assert [len(p["items"]) for p in pages] == [10, 10, 7]
    with pytest.raises(ClientError) as missing:
        apigw.get_resources(restApiId="nosuchapi")
    assert error_code(missing) == "NotFoundException"


def wait_for_deliveries(seconds: float = 30) -> None:
    """Let asynchronous runs (S3 deliveries, Event invocations) finish, so none writes into moto while the
    next step does (moto is not safe for concurrent writes)."""
    import threading
    import time

    deadline = time.monotonic() + seconds
    while (any(t.name in ("s3-notification", "lambda-event") for t in threading.enumerate())
           and time.monotonic() < deadline):
        time.sleep(0.05)


def test_s3_notifications_to_lambda_are_delivered_not_run_in_docker(own_account, capfd):
    s3, lam = own_account.client("s3"), own_account.client("lambda")
    role = own_account.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
    arn = lam.create_function(FunctionName="fn", Runtime="python3.12", Role=role["Role"]["Arn"], Handler="h.h",
                              Code={"ZipFile": HANDLER})["FunctionArn"]
    bucket = new_student_id("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [
        {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [
            {"Name": "suffix", "Value": ".txt"}]}}}]})
    before = len(patches.S3_LAMBDA_EVENTS)
    s3.put_object(Bucket=bucket, Key="skipped.json", Body=b"{}")  # the filter keeps this one out
    s3.put_object(Bucket=bucket, Key="a file.txt", Body=b"hello")
    wait_for_deliveries()
    recorded = patches.S3_LAMBDA_EVENTS[before:]
    assert [(fn, e["Records"][0]["s3"]["object"]["key"]) for fn, e in recorded] == [(arn, "a+file.txt")]
    assert recorded[0][1]["Records"][0]["eventName"] == "ObjectCreated:Put"
    assert "docker" not in capfd.readouterr().err.lower()


def test_a_new_accounts_requests_build_only_the_backends_they_use(emulator):
    from moto.iam.models import iam_backends

    from tests.conftest import new_account_id

    account = new_account_id()
    credentials = emulator.account_credentials(account)
    emulator.client("iam", credentials=credentials).list_roles()
    emulator.client("lambda", credentials=credentials).list_functions()
    assert set(iam_backends[account].keys()) == {"aws"}  # not the five other partitions as well
    assert emulator.client("sts", credentials=credentials).get_caller_identity()["Account"] == account
    assert emulator.client("sts").get_caller_identity()["Account"] == "123456789012"  # unknown key: default
