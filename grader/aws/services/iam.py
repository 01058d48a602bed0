"""IAM: a role's attached and inline policies, and managed policy documents."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.reader import Listing, json_document
from grader.aws.services import ServiceFacts

# Every role with its attached and inline policies, in one paginated listing.
ROLES = Listing("iam", "GetAccountAuthorizationDetails", "RoleDetailList", key="RoleName",
                params=(("Filter", ("Role",)),))


class IamFacts(ServiceFacts):
    @reads("iam:ListAttachedRolePolicies", "iam:GetAccountAuthorizationDetails")
    def attached_role_policies(self, role_name: str) -> list[dict[str, Any]] | None:
        if self.inventory:
            role = self.listing(ROLES).get(role_name)
            return None if role is None else role.get("AttachedManagedPolicies") or []
        return self.read("iam", "ListAttachedRolePolicies", result_key="AttachedPolicies", RoleName=role_name)

    @reads("iam:ListRolePolicies", "iam:GetRolePolicy", "iam:GetAccountAuthorizationDetails")
    def inline_role_policies(self, role_name: str) -> dict[str, Any] | None:
        """Inline policy name -> document."""
        if self.inventory:
            role = self.listing(ROLES).get(role_name)
            if role is None:
                return None
            return {p.get("PolicyName"): json_document(p.get("PolicyDocument"), "iam:GetAccountAuthorizationDetails")
                    for p in role.get("RolePolicyList") or []}
        names = self.read("iam", "ListRolePolicies", result_key="PolicyNames", RoleName=role_name)
        if names is None:
            return None
        responses = self.parallel(*[lambda n=name: self.read("iam", "GetRolePolicy", RoleName=role_name, PolicyName=n)
                                    for name in names])
        return {name: json_document(response.get("PolicyDocument"), "iam:GetRolePolicy")
                for name, response in zip(names, responses, strict=True) if response is not None}

    @reads("iam:GetPolicy", "iam:GetPolicyVersion")
    def managed_policy_document(self, policy_arn: str) -> dict[str, Any] | None:
        """The default version's document of a managed policy (shared by every role in the run)."""
        policy = self.read("iam", "GetPolicy", result_key="Policy", PolicyArn=policy_arn)
        if policy is None:
            return None
        version = self.read("iam", "GetPolicyVersion", result_key="PolicyVersion", PolicyArn=policy_arn,
                            VersionId=policy["DefaultVersionId"])
        return None if version is None else json_document(version.get("Document"), "iam:GetPolicyVersion")
