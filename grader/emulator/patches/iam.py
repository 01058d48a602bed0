"""IAM: where moto's IAM differs from AWS's, or is slow."""

from __future__ import annotations

from grader.emulator.patches._common import require

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
