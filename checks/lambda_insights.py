"""Who publishes the Lambda Insights extension: AWS's accounts, per region and architecture.

From the table of AWS's "Available versions of the Lambda Insights extension" page (CloudWatch user
guide, Lambda-Insights-extension-versionsx86-64 / versionsARM), as AWS CDK carries it
(aws/aws-cdk `packages/aws-cdk-lib/region-info/build-tools/fact-tables.ts`,
`CLOUDWATCH_LAMBDA_INSIGHTS_ARNS`); every account also found in the archived doc source
(awsdocs/amazon-cloudwatch-user-guide `doc_source/Lambda-Insights-extension-versions*.md`) agrees.
A layer of the same name published by anyone else (the student included) is a look-alike.
"""

from __future__ import annotations

DEFAULT_PUBLISHER = "580247275435"  # most regions

X86_64 = {
    "af-south-1": "012438385374", "ap-east-1": "519774774795", "ap-east-2": "145023102084",
    "ap-northeast-3": "194566237122", "ap-south-2": "891564319516", "ap-southeast-3": "439286490199",
    "ap-southeast-4": "158895979263", "ap-southeast-5": "590183865173", "ap-southeast-6": "727646510379",
    "ap-southeast-7": "761018874580", "ca-west-1": "946466191631", "cn-north-1": "488211338238",
    "cn-northwest-1": "488211338238", "eu-central-2": "033019950311", "eu-south-1": "339249233099",
    "eu-south-2": "352183217350", "il-central-1": "459530977127", "me-central-1": "732604637566",
    "me-south-1": "285320876703", "mx-central-1": "879381266642", "us-gov-east-1": "122132214140",
    "us-gov-west-1": "751350123760",
}
ARM64 = {
    **{region: X86_64[region] for region in (
        "af-south-1", "ap-east-1", "ap-northeast-3", "ap-south-2", "ap-southeast-3", "cn-north-1",
        "cn-northwest-1", "eu-central-2", "eu-south-1", "eu-south-2", "me-central-1", "me-south-1")},
    "ap-southeast-4": "605207715842", "ca-west-1": "761377655185", "il-central-1": "066549572091",
    # The newest GovCloud Arm64 version is published by 198461476570; earlier ones by the x86_64 accounts.
    "us-gov-east-1": "198461476570", "us-gov-west-1": "198461476570",
}
LAYERS = {"LambdaInsightsExtension": (X86_64,), "LambdaInsightsExtension-Arm64": (ARM64, X86_64)}


def publishers(layer: str, region: str) -> set[str]:
    """The AWS accounts that publish ``layer`` (an Insights layer name) in ``region``."""
    tables = LAYERS.get(layer, ())
    return {table.get(region, DEFAULT_PUBLISHER) for table in tables}


def is_insights_layer(layer: str, account: str, region: str) -> bool:
    """Whether a layer version ``layer`` of ``account`` in ``region`` is AWS's Lambda Insights extension."""
    return account in publishers(layer, region)
