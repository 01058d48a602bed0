"""Whether the account has room for the concurrency a task reserves or provisions, and what to ask AWS for when not.

AWS keeps part of a Region's concurrency quota unreserved and refuses reserved or provisioned concurrency that
would leave less ("Specified ReservedConcurrentExecutions for function decreases account's
UnreservedConcurrentExecution below its minimum value of [10]."; tests/recordings/lambda/
PutFunctionConcurrency.json, PutProvisionedConcurrencyConfig.json): 100 at the default quota of 1,000, the whole
quota on a new account's 10, where nothing can be reserved until Service Quotas raises it (quota code
L-B99A9384, "Concurrent executions"). The quota and what is unreserved are read (GetAccountSettings).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader import shell
from grader.rubric import Context

QUOTA_CODE = "L-B99A9384"  # Service Quotas: Lambda "Concurrent executions"
MINIMUM_UNRESERVED = 100
NEW_ACCOUNT_QUOTA = 10
ASK_FOR = 1000  # AWS's default quota: what an established account has


@dataclass(frozen=True)
class NoRoom:
    """Why AWS refuses the concurrency in this account, and the request that makes room for it."""

    message: str
    request: str


def minimum_unreserved(quota: int) -> int:
    return min(quota, MINIMUM_UNRESERVED)


def no_room(ctx: Context, wanted: int, already: int = 0) -> NoRoom | None:
    """Why AWS would refuse ``wanted`` concurrency (replacing ``already``, what the function or alias holds now
    out of the unreserved pool), or None when it fits or the account's figures are not given."""
    limits = ctx.facts.account_concurrency()
    quota, unreserved = limits.get("ConcurrentExecutions"), limits.get("UnreservedConcurrentExecutions")
    if quota is None or unreserved is None:
        return None
    keep = minimum_unreserved(quota)
    left = unreserved + already - wanted
    if left >= keep:
        return None
    # The quota at which it fits: what is used elsewhere, this, and the 100 AWS keeps at such a quota.
    desired = max(ASK_FOR, quota - unreserved - already + wanted + MINIMUM_UNRESERVED)
    new = " (a new account's)" if quota <= NEW_ACCOUNT_QUOTA else ""
    message = (f"AWS refuses {wanted} in this account: its concurrency quota in {ctx.region} is {quota}{new} with "
               f"{unreserved} unreserved, and AWS keeps {keep} unreserved (\"decreases account's "
               f"UnreservedConcurrentExecution below its minimum value of [{keep}]\"): ask for a higher quota first")
    request = shell.fix(
        shell.comment(f"the account's concurrency quota is {quota}: ask Service Quotas for {desired} (AWS may take "
                      "hours or days, and may ask why)"),
        shell.aws("service-quotas", "request-service-quota-increase", "--service-code", "lambda",
                  "--quota-code", QUOTA_CODE, "--desired-value", desired),
        shell.comment("once `aws lambda get-account-settings --query AccountLimit.ConcurrentExecutions` shows it:"))
    return NoRoom(message, request)
