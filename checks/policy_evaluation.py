"""Does a set of students' IAM policy documents allow an action? Pure functions over documents.

Identity-policy semantics that matter for grading: an explicit Deny beats any Allow; ``Action`` and
``NotAction`` take strings or lists with ``*``/``?`` wildcards, case-insensitively; ``Resource`` and
``NotResource`` likewise, case-sensitively, when a resource is asked about; ``Statement`` may be one
object or a list. A conditional Deny is not counted as denying (it may not apply), a conditional
Allow is counted as allowing (the assessment's own Insights policy is conditional).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any


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


def allows(documents: Iterable[Any], action: str, resource: str | None = None) -> bool:
    allowed = False
    for document in documents:
        for statement in statements(document):
            if not statement_covers(statement, action) or not statement_applies_to(statement, resource):
                continue
            effect = statement.get("Effect")
            if effect == "Deny" and not statement.get("Condition"):
                return False
            if effect == "Allow":
                allowed = True
    return allowed


def missing_actions(documents: Iterable[Any], actions: Iterable[str], resource: str | None = None) -> list[str]:
    documents = list(documents)
    return [action for action in actions if not allows(documents, action, resource)]
