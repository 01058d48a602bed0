"""STS: who the credentials belong to."""

from __future__ import annotations

from grader.aws.actions import reads
from grader.aws.services import ServiceFacts


class StsFacts(ServiceFacts):
    @reads()  # sts:GetCallerIdentity needs no permission: AWS answers it for any valid credentials
    def account_id(self) -> str:
        return self.read("sts", "GetCallerIdentity")["Account"]
