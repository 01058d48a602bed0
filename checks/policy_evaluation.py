"""Does a policy allow a request? Pure functions over IAM documents, judged the way IAM evaluates them.

A statement counts only for what it grants: its ``Action`` (or ``NotAction``) on the resource the check needs
(``Resource`` / ``NotResource``; a resource-based policy's statement without one is about its own resource),
for the principal asking (``Principal`` in every form AWS stores: ``"*"``, ``{"AWS": "*"}``, account IDs,
``arn:...:root``, role and user ARNs, services), under its ``Condition`` (``checks/policy_conditions.py``: every
operator; a key the grader does not know for the request means the statement may not apply, and a statement
that may not apply grants nothing). An explicit Deny that applies beats any Allow; a Deny that may not apply
does not deny. Wildcards ``*`` and ``?`` match without backtracking; ``Statement`` may be one object.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from checks.policy_conditions import condition_keys, conditions_hold


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


# Longer than any ARN (2,048 characters) or action IAM accepts: such a pattern or value matches nothing.
MAX_WILDCARD_TEXT = 4096


def _wildcard(pattern: str, value: str, *, ignore_case: bool) -> bool:
    """IAM's ``*`` (any run of characters) and ``?`` (one character); nothing else is special.

    Matched without a backtracking regex (a classmate's policy may hold ``ec2:************Z``): the text
    between stars must appear in order, the first piece at the start and the last at the end, and the
    leftmost place each piece fits is always as good as any later one. Each piece is looked for once."""
    if len(pattern) > MAX_WILDCARD_TEXT or len(value) > MAX_WILDCARD_TEXT:
        return False
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    first, *pieces = pattern.split("*")
    if not pieces:
        return len(value) == len(first) and _fits(first, value, 0)
    last = pieces.pop()
    end = len(value) - len(last)
    if end < len(first) or not _fits(first, value, 0) or not _fits(last, value, end):
        return False
    position = len(first)
    for piece in pieces:
        found = _find(piece, value, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _fits(piece: str, value: str, at: int) -> bool:
    """Whether ``piece`` (``?`` for any one character) is ``value``'s text from ``at``."""
    return len(value) - at >= len(piece) and all(c == "?" or c == v for c, v in zip(piece, value[at:], strict=False))


def _find(piece: str, value: str, start: int, end: int) -> int:
    """Where ``piece`` first fits wholly inside ``value[start:end]``, or -1."""
    if "?" not in piece:
        return value.find(piece, start, end)
    found = _piece_pattern(piece).search(value, start, end)  # fixed length: no backtracking between pieces
    return found.start() if found else -1


@functools.lru_cache(maxsize=1024)
def _piece_pattern(piece: str) -> re.Pattern[str]:
    return re.compile("".join("." if c == "?" else re.escape(c) for c in piece), re.DOTALL)


def action_matches(pattern: Any, action: str) -> bool:
    return isinstance(pattern, str) and _wildcard(pattern, action, ignore_case=True)


def statement_covers(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in _as_list(statement["NotAction"]))
    return any(action_matches(p, action) for p in _as_list(statement.get("Action")))


def resource_matches(pattern: Any, resource: str) -> bool:
    # ARNs match case-sensitively; ``*`` and ``?`` may span ``/`` and ``:``, as IAM's do.
    return isinstance(pattern, str) and _wildcard(pattern, resource, ignore_case=False)


def statement_applies_to(statement: dict[str, Any], resource: str | None) -> bool:
    """Whether the statement's Resource (or NotResource) covers ``resource``; None asks about none."""
    if resource is None:
        return True
    if "NotResource" in statement:
        return not any(resource_matches(p, resource) for p in _as_list(statement["NotResource"]))
    if "Resource" not in statement:  # a resource-based policy: the resource is the one it is attached to
        return True
    return any(resource_matches(p, resource) for p in _as_list(statement["Resource"]))


def statement_applies(statement: dict[str, Any], action: str, resource: str | None = None,
                      context: Mapping[str, Any] | None = None, absent: Iterable[str] = (),
                      principal: Principal | None = None) -> bool | None:
    """Whether the statement is about this request: True, False, or None when its conditions cannot be judged.
    ``principal``: who asks, for a resource-based policy (its statements name whom they are about)."""
    if not statement_covers(statement, action) or not statement_applies_to(statement, resource):
        return False
    if principal is not None and not principal_matches(statement, principal):
        return False
    return conditions_hold(statement.get("Condition"), context or {}, absent)


def allows(documents: Iterable[Any], action: str, resource: str | None = None,
           context: Mapping[str, Any] | None = None, absent: Iterable[str] = (),
           principal: Principal | None = None) -> bool:
    """Whether the documents allow ``action`` on ``resource`` for a request carrying ``context`` (condition
    key -> value or values; ``absent``: keys it is known not to carry), by ``principal`` when the documents are
    resource-based: an Allow that applies and no Deny that does. A conditional Allow whose condition the grader
    cannot judge allows nothing."""
    absent = tuple(absent)
    allowed = False
    for document in documents:
        for statement in statements(document):
            applies = statement_applies(statement, action, resource, context, absent, principal)
            if applies is not True:
                continue
            effect = statement.get("Effect")
            if effect == "Deny":
                return False
            if effect == "Allow":
                allowed = True
    return allowed


def missing_actions(documents: Iterable[Any], actions: Iterable[str], resource: str | None = None,
                    context: Mapping[str, Any] | None = None, absent: Iterable[str] = ()) -> list[str]:
    documents = list(documents)
    return [action for action in actions if not allows(documents, action, resource, context, absent)]


def missing_on(documents: Iterable[Any], needs: Mapping[str, Iterable[str]], context: Mapping[str, Any] | None = None,
               absent: Iterable[str] = ()) -> list[str]:
    """The actions of ``needs`` (action -> every resource IAM evaluates it on) not allowed on all their resources."""
    documents = list(documents)
    return [action for action, resources in needs.items()
            if not all(allows(documents, action, resource, context, absent) for resource in resources)]


# --- principals (resource-based policies) ----------------------------------------------------------------------

ACCOUNT_ID = re.compile(r"^\d{12}$")
PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):(root|role/.+|user/.+|assumed-role/.+|federated-user/.+)$")


@dataclass(frozen=True)
class Principal:
    """One principal a statement names: ``kind`` is ``*`` (a bare star), ``AWS``, ``Service``, ``Federated`` or
    ``CanonicalUser``; ``value`` as AWS stores it (GetPolicy turns an account ID into ``arn:aws:iam::ID:root``,
    keeps role and user ARNs, and shows a deleted role as its unique ID, ``AROA...``)."""

    kind: str
    value: str

    @property
    def everyone(self) -> bool:
        return self.kind == "*" or (self.kind == "AWS" and self.value == "*")

    @property
    def account(self) -> str | None:
        """The AWS account the principal is of (an account, or a role, user or session in it), or None."""
        if self.kind != "AWS":
            return None
        if ACCOUNT_ID.match(self.value):
            return self.value
        found = PRINCIPAL_ARN.match(self.value)
        return found[1] if found else None

    @property
    def whole_account(self) -> bool:
        """Anyone in the account (an account ID or its ``:root``), not one role or user of it."""
        return self.account is not None and (ACCOUNT_ID.match(self.value) is not None or self.value.endswith(":root"))

    def __str__(self) -> str:
        if self.everyone:
            return "anyone (*)"
        if self.whole_account:
            return f"account {self.account}"
        if self.account:
            return f"{self.value.split(':', 5)[-1].split('/', 1)[0]} {self.value}"
        return f"{self.kind.lower()} {self.value}"


def _named(principal: Any) -> list[Principal]:
    if principal == "*":
        return [Principal("*", "*")]
    if not isinstance(principal, dict):
        return []
    return [Principal(str(kind), value) for kind, values in principal.items()
            for value in _as_list(values) if isinstance(value, str)]


def statement_principals(statement: dict[str, Any]) -> list[Principal]:
    """The principals a statement grants or denies; ``NotPrincipal`` (everyone but those) counts as everyone."""
    if "NotPrincipal" in statement:
        return [Principal("*", "*")]
    return _named(statement.get("Principal"))


def _covers(named: Principal, asking: Principal) -> bool:
    """Whether a principal a statement names includes the one asking: everyone; an account, everyone in it (a
    role, user or session of it); else the very same principal."""
    if named.everyone:
        return True
    if named.whole_account:
        return asking.account == named.account
    return (named.kind, named.value) == (asking.kind, asking.value)


def principal_matches(statement: dict[str, Any], asking: Principal) -> bool:
    """Whether a resource-based statement is about ``asking`` (``NotPrincipal``: about everyone else); a statement
    naming no principal is an identity policy's, about its holder."""
    if "NotPrincipal" in statement:
        return not any(_covers(p, asking) for p in _named(statement["NotPrincipal"]))
    if "Principal" not in statement:
        return True
    return any(_covers(p, asking) for p in _named(statement.get("Principal")))


def limits(statement: dict[str, Any]) -> list[str]:
    """The condition keys that limit a statement, as written."""
    return condition_keys(statement.get("Condition"))
