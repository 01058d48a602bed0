"""Who publishes the Lambda Insights extension in each region: every entry of checks/lambda_insights.py.

The record below was transcribed from two public tables other than the one the module was written from:
x86_64 from a CDK construct's ``getLambdaInsightsLayerArn`` region map (Amazon, Apache-2.0: the latest
version per region), Arm64 from aws-cdk's ``CLOUDWATCH_LAMBDA_INSIGHTS_ARNS`` version 1.0.229.0
(``packages/aws-cdk-lib/region-info/build-tools/fact-tables.ts``); every region they list agrees with
the module. ``FROM_THE_MODULE`` are the entries neither lists (regions or Arm64 versions newer than they
are): recorded as the module has them, so a change to them is seen, not re-verified here.
"""

from __future__ import annotations

import pytest

from checks import lambda_insights

DEFAULT = "580247275435"
X86_64 = {  # region -> publisher of LambdaInsightsExtension
    "us-east-1": DEFAULT, "us-east-2": DEFAULT, "us-west-1": DEFAULT, "us-west-2": DEFAULT,
    "af-south-1": "012438385374", "ap-southeast-7": "761018874580", "ap-east-1": "519774774795",
    "ap-south-2": "891564319516", "ap-southeast-3": "439286490199", "ap-southeast-5": "590183865173",
    "ap-southeast-4": "158895979263", "ap-south-1": DEFAULT, "ap-northeast-3": "194566237122",
    "ap-northeast-2": DEFAULT, "ap-southeast-1": DEFAULT, "ap-southeast-2": DEFAULT, "ap-northeast-1": DEFAULT,
    "ca-central-1": DEFAULT, "ca-west-1": "946466191631", "cn-north-1": "488211338238",
    "cn-northwest-1": "488211338238", "eu-central-1": DEFAULT, "eu-west-1": DEFAULT, "eu-west-2": DEFAULT,
    "eu-south-1": "339249233099", "eu-west-3": DEFAULT, "eu-south-2": "352183217350", "eu-north-1": DEFAULT,
    "eu-central-2": "033019950311", "il-central-1": "459530977127", "mx-central-1": "879381266642",
    "me-south-1": "285320876703", "me-central-1": "732604637566", "sa-east-1": DEFAULT,
    "us-gov-east-1": "122132214140", "us-gov-west-1": "751350123760",
}
ARM64 = {  # region -> publisher of LambdaInsightsExtension-Arm64 (aws-cdk 1.0.229.0)
    "af-south-1": "012438385374", "ap-east-1": "519774774795", "ap-northeast-1": DEFAULT, "ap-northeast-2": DEFAULT,
    "ap-northeast-3": "194566237122", "ap-south-1": DEFAULT, "ap-southeast-1": DEFAULT, "ap-southeast-2": DEFAULT,
    "ap-southeast-3": "439286490199", "ca-central-1": DEFAULT, "eu-central-1": DEFAULT, "eu-north-1": DEFAULT,
    "eu-south-1": "339249233099", "eu-west-1": DEFAULT, "eu-west-2": DEFAULT, "eu-west-3": DEFAULT,
    "me-south-1": "285320876703", "sa-east-1": DEFAULT, "us-east-1": DEFAULT, "us-east-2": DEFAULT,
    "us-west-1": DEFAULT, "us-west-2": DEFAULT,
}
FROM_THE_MODULE = {
    "LambdaInsightsExtension": {"ap-east-2": "145023102084", "ap-southeast-6": "727646510379"},
    "LambdaInsightsExtension-Arm64": {
        "ap-southeast-4": "605207715842", "ca-west-1": "761377655185", "il-central-1": "066549572091",
        "us-gov-east-1": "198461476570", "us-gov-west-1": "198461476570",
        # Arm64 published by the x86_64 account in these regions.
        **{region: X86_64[region] for region in ("ap-south-2", "cn-north-1", "cn-northwest-1", "eu-central-2",
                                                 "eu-south-2", "me-central-1")}},
}
RECORD = {"LambdaInsightsExtension": {**X86_64, **FROM_THE_MODULE["LambdaInsightsExtension"]},
          "LambdaInsightsExtension-Arm64": {**ARM64, **FROM_THE_MODULE["LambdaInsightsExtension-Arm64"]}}
CASES = [(layer, region, account) for layer, table in RECORD.items() for region, account in table.items()]


@pytest.mark.parametrize("layer, region, account", CASES)
def test_the_regions_publisher_is_aws(layer, region, account):
    assert lambda_insights.is_insights_layer(layer, account, region)


@pytest.mark.parametrize("layer, region, account", [c for c in CASES if c[2] != DEFAULT])
def test_where_a_region_has_its_own_publisher_the_usual_one_is_a_look_alike(layer, region, account):
    own = {account} | ({X86_64[region]} if layer.endswith("-Arm64") and region in X86_64 else set())
    assert lambda_insights.publishers(layer, region) == own
    assert not lambda_insights.is_insights_layer(layer, DEFAULT, region)


def test_earlier_arm64_versions_were_published_by_the_x86_64_accounts():
    # The newest GovCloud Arm64 version is published by 198461476570, earlier ones by the x86_64 accounts.
    assert lambda_insights.publishers("LambdaInsightsExtension-Arm64", "us-gov-west-1") == {"198461476570", "751350123760"}
    assert lambda_insights.publishers("LambdaInsightsExtension", "us-gov-west-1") == {"751350123760"}


@pytest.mark.parametrize("layer", ["LambdaInsightsExtensionX", "lambdainsightsextension", "CommonUtils"])
def test_another_layer_name_has_no_publisher(layer):
    assert lambda_insights.publishers(layer, "us-east-1") == set()
    assert not lambda_insights.is_insights_layer(layer, DEFAULT, "us-east-1")
