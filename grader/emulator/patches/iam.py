"""IAM: where moto's IAM differs from AWS's, or is slow."""

from __future__ import annotations

from typing import Any

from grader.emulator.patches._common import UntestedMotoVersion, require

# --- IAM: SimulatePrincipalPolicy is not implemented ----------------------------------------------


def simulate_principal_policy() -> None:
    """Evaluate a user's or role's own policies with moto's policy engine (explicit Deny first)."""
    from moto.core.responses import ActionResult
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.iam.responses import IamResponse

    if hasattr(IamResponse, "simulate_principal_policy"):
        raise UntestedMotoVersion("moto now implements SimulatePrincipalPolicy; drop this patch")

    def policies_of(backend: Any, arn: str) -> list[Any]:
        name = arn.rsplit("/", 1)[-1]
        if ":role/" in arn:
            inline = [backend.get_role_policy(name, p)[1] for p in backend.list_role_policies(name)]
            return inline + list(backend.list_attached_role_policies(name)[0])
        if ":user/" in arn:
            inline = [backend.get_user_policy(name, p) for p in backend.list_user_policies(name)]
            documents = inline + list(backend.list_attached_user_policies(name)[0])
            for group in backend.get_groups_for_user(name):
                documents += [backend.get_group_policy(group.name, p) for p in backend.list_group_policies(group.name)]
            return documents
        backend.get_role_by_arn(arn)  # raises NoSuchEntity for anything else
        return []

    def simulate_principal_policy(self: Any) -> Any:
        documents = policies_of(self.backend, self._get_param("PolicySourceArn"))
        results = []
        for action in self._get_param("ActionNames", []):
            for resource in self._get_param("ResourceArns", []) or ["*"]:
                decision = "implicitDeny"
                for document in documents:
                    outcome = IAMPolicy(document).is_action_permitted(action, resource)
                    if outcome == PermissionResult.DENIED:
                        decision = "explicitDeny"
                        break
                    if outcome == PermissionResult.PERMITTED:
                        decision = "allowed"
                results.append({"EvalActionName": action, "EvalResourceName": resource, "EvalDecision": decision,
                                "MatchedStatements": [], "MissingContextValues": []})
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    IamResponse.simulate_principal_policy = simulate_principal_policy


# --- IAM: finding an access key's account builds every partition's backend of every account ------


def account_lookup() -> None:
    """Speed only, same answers: every request looks up which account its access key belongs to, and
    moto's lookup created the IAM backend of all six partitions of every account on the way — each
    loading about 1,600 AWS managed policies (0.2 s), so a new account's first request took over a
    second. A key can only be in a backend that exists: look there alone."""
    from moto.iam import models

    require(models, "get_account_id_from")

    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(models.iam_backends.items()):
            for backend in list(account.values()):  # the partitions that exist; none is created
                if access_key in backend.access_keys:
                    return account_id
        return models.DEFAULT_ACCOUNT_ID

    models.get_account_id_from = get_account_id_from
