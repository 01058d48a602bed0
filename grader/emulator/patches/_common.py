"""What the service modules share: the guard on moto's internals, paging, and names of functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JSON = {"Content-Type": "application/json"}


class UntestedMotoVersion(RuntimeError):
    pass


def require(owner: Any, name: str) -> Any:
    """The moto internal a patch replaces; fail loudly if moto renamed it."""
    if not hasattr(owner, name):
        raise UntestedMotoVersion(f"moto internal {owner.__name__}.{name} is gone; patches need updating")
    return getattr(owner, name)


def page(items: list[Any], start: str | None, size: str | int | None, limit: int) -> tuple[list[Any], str | None]:
    """One page of items; markers are plain offsets, opaque to the client as AWS's are."""
    offset = int(start) if start and str(start).isdigit() else 0
    count = min(int(size), limit) if size else limit
    chunk = items[offset : offset + count]
    more = offset + count < len(items)
    return chunk, (str(offset + count) if more else None)


def function_key(name_or_arn: str) -> tuple[str, str | None]:
    """(function name, qualifier) of a name, partial ARN (ACCOUNT:function:NAME) or full ARN."""
    parts = name_or_arn.split(":")
    if "function" in parts:
        rest = parts[parts.index("function") + 1 :]
    else:
        rest = parts
    return rest[0], (rest[1] if len(rest) > 1 else None)


@dataclass
class Switches:
    """Recorded AWS behaviours that can be tuned or turned off (on by default: the sandbox meets what AWS does).

    Set by ``Emulator(...)`` options or their environment variables (see ``grader/emulator/__init__.py``);
    process-wide, as moto's state is.
    """

    # Event source mappings read Creating / Updating / Enabling / Disabling for this long after a create
    # or an update, then Enabled or Disabled; 0: they settle at once (moto's way).
    settle_seconds: float = 1.0
    # A target-tracking policy on Lambda provisioned concurrency creates its two CloudWatch alarms.
    scaling_alarms: bool = True
    # Every account's Lambda concurrency quota per Region (GetAccountSettings' ConcurrentExecutions) until a
    # Service Quotas request raises it: high, so that one account holds a whole class; 10 is a new account's.
    concurrency_quota: int = 100_000


SWITCHES = Switches()
