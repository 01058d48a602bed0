"""S3: buckets, their event notifications, and object keys."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.services import ServiceFacts


class S3Facts(ServiceFacts):
    @reads("s3:ListAllMyBuckets")
    def bucket_names(self) -> list[str]:
        """Names of every bucket the account owns (S3 lists all regions at once)."""
        buckets = self.read("s3", "ListBuckets", result_key="Buckets") or []
        return sorted(str(b.get("Name")) for b in buckets if b.get("Name"))

    @reads("s3:GetBucketNotification")
    def bucket_notifications(self, bucket: str) -> dict[str, Any] | None:
        """The bucket's event notification configuration (``LambdaFunctionConfigurations``...), or None."""
        response = self.read("s3", "GetBucketNotificationConfiguration", Bucket=bucket)
        if response is None:
            return None
        return {k: v for k, v in response.items() if k != "ResponseMetadata"}

    @reads("s3:ListBucket")
    def object_keys(self, bucket: str, prefix: str) -> list[str] | None:
        """Keys under ``prefix`` in the bucket, or None when the bucket does not exist."""
        objects = self.read("s3", "ListObjectsV2", result_key="Contents", Bucket=bucket, Prefix=prefix)
        return None if objects is None else [str(o.get("Key")) for o in objects]
