"""Does a set of IAM policy documents allow an action? Pure functions over documents.

Identity-policy semantics that matter for grading: an explicit Deny beats any Allow; ``Action`` and
``NotAction`` take strings or lists with ``*``/``?`` wildcards, case-insensitively; ``Statement`` may be
one object or a list. A conditional Deny is not counted as denying (it may not apply), a conditional
Allow is counted as allowing (the assessment's own Insights policy is conditional).
"""

from __future__ import annotations

import fnmatch
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


def action_matches(pattern: Any, action: str) -> bool:
    return isinstance(pattern, str) and fnmatch.fnmatchcase(action.lower(), pattern.lower())


def statement_covers(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in _as_list(statement["NotAction"]))
    return any(action_matches(p, action) for p in _as_list(statement.get("Action")))


def allows(documents: Iterable[Any], action: str) -> bool:
    allowed = False
    for document in documents:
        for statement in statements(document):
            if not statement_covers(statement, action):
                continue
            effect = statement.get("Effect")
            if effect == "Deny" and not statement.get("Condition"):
                return False
            if effect == "Allow":
                allowed = True
    return allowed


def missing_actions(documents: Iterable[Any], actions: Iterable[str]) -> list[str]:
    documents = list(documents)
    return [action for action in actions if not allows(documents, action)]
