"""IAM condition blocks judged against what the grader knows of a request: True (they hold), False (they do not),
None (they may or may not: an operator or key the grader cannot judge, a policy variable).

Every operator of the IAM User Guide ("IAM JSON policy elements: Condition operators"): String, Numeric, Date,
Bool, Binary, IpAddress, Arn and Null, each with ``...IfExists``, and the ``ForAnyValue:`` / ``ForAllValues:``
set prefixes. Condition keys are case-insensitive, values of String and Arn operators are not (``...IgnoreCase``
aside). A key the request is known not to carry (``absent``) makes a positive operator false, a negated one
(``StringNotEquals``, ``ArnNotLike``...) true, ``...IfExists`` true, ``ForAllValues:`` true and ``ForAnyValue:``
false; a key neither given nor known absent is unknown: the block may not apply.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

Match = Callable[[str, str], bool | None]  # (request value, policy value) -> matches? None: cannot tell


def _wildcard(pattern: str, value: str) -> bool:
    """IAM's ``*`` and ``?``, matched as policy_evaluation matches them (in linear time), case-sensitively."""
    from checks.policy_evaluation import _wildcard as wildcard  # imported late: that module imports this one

    return wildcard(pattern, value, ignore_case=False)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _date(text: str) -> datetime | None:
    try:
        if str(text).lstrip("-").isdigit():
            return datetime.fromtimestamp(int(text), timezone.utc)
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def _compare(parse: Callable[[str], Any], test: Callable[[Any, Any], bool]) -> Match:
    def match(value: str, wanted: str) -> bool | None:
        a, b = parse(value), parse(wanted)
        return None if a is None or b is None else test(a, b)
    return match


def _ip(value: str, wanted: str) -> bool | None:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(wanted, strict=False)
    except ValueError:
        return None


# The base operators (no IfExists, no set prefix): how one request value matches one policy value, and whether
# the operator is the negation of that match.
OPERATORS: dict[str, tuple[Match, bool]] = {
    "StringEquals": (lambda v, w: v == w, False),
    "StringNotEquals": (lambda v, w: v == w, True),
    "StringEqualsIgnoreCase": (lambda v, w: v.lower() == w.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda v, w: v.lower() == w.lower(), True),
    "StringLike": (lambda v, w: _wildcard(w, v), False),
    "StringNotLike": (lambda v, w: _wildcard(w, v), True),
    "NumericEquals": (_compare(_number, lambda a, b: a == b), False),
    "NumericNotEquals": (_compare(_number, lambda a, b: a == b), True),
    "NumericLessThan": (_compare(_number, lambda a, b: a < b), False),
    "NumericLessThanEquals": (_compare(_number, lambda a, b: a <= b), False),
    "NumericGreaterThan": (_compare(_number, lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_compare(_number, lambda a, b: a >= b), False),
    "DateEquals": (_compare(_date, lambda a, b: a == b), False),
    "DateNotEquals": (_compare(_date, lambda a, b: a == b), True),
    "DateLessThan": (_compare(_date, lambda a, b: a < b), False),
    "DateLessThanEquals": (_compare(_date, lambda a, b: a <= b), False),
    "DateGreaterThan": (_compare(_date, lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_compare(_date, lambda a, b: a >= b), False),
    "Bool": (lambda v, w: v.lower() == w.lower(), False),
    "BinaryEquals": (lambda v, w: v == w, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (lambda v, w: _wildcard(w, v), False),
    "ArnLike": (lambda v, w: _wildcard(w, v), False),
    "ArnNotEquals": (lambda v, w: _wildcard(w, v), True),
    "ArnNotLike": (lambda v, w: _wildcard(w, v), True),
}


def _as_strings(value: Any) -> list[str] | None:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, (str, int, float, bool)) for v in values):
        return None
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


def _all(results: Iterable[bool | None]) -> bool | None:
    results = list(results)
    return False if False in results else None if None in results else True


def _any(results: Iterable[bool | None]) -> bool | None:
    results = list(results)
    return True if True in results else None if None in results else False


def key_holds(operator: str, policy_values: Any, context: Mapping[str, Any], absent: frozenset[str],
              key: str) -> bool | None:
    """One key of one operator block."""
    set_prefix, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    wanted = _as_strings(policy_values)
    if set_prefix not in ("", "ForAnyValue", "ForAllValues") or wanted is None:
        return None
    if any("${" in w for w in wanted):  # a policy variable (${aws:username}...): not resolved here
        return None
    lowered = {k.lower(): v for k, v in context.items()}
    if base == "Null":
        present = True if key.lower() in lowered else False if key.lower() in absent else None
        if present is None:
            return None
        return _any(w.lower() == ("false" if present else "true") for w in wanted)
    if base not in OPERATORS:
        return None
    match, negated = OPERATORS[base]
    if key.lower() not in lowered:
        if key.lower() not in absent:
            return None
        if set_prefix == "ForAllValues":
            return True
        if set_prefix == "ForAnyValue":
            return False
        return True if (if_exists or negated) else False
    values = _as_strings(lowered[key.lower()])
    if values is None:
        return None

    def one(value: str) -> bool | None:
        found = _any(match(value, w) for w in wanted)
        return None if found is None else (not found if negated else found)

    if set_prefix == "ForAllValues":
        return _all(one(v) for v in values)
    if set_prefix == "ForAnyValue" or not negated:
        return _any(one(v) for v in values)
    return _all(one(v) for v in values)


def conditions_hold(condition: Any, context: Mapping[str, Any], absent: Iterable[str] = ()) -> bool | None:
    """A statement's whole ``Condition``: every operator block and every key in it must hold (values of one
    key: any of them)."""
    if condition is None or condition == {}:
        return True
    if not isinstance(condition, dict):
        return None
    missing = frozenset(k.lower() for k in absent)
    results = []
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            results.append(None)
            continue
        results += [key_holds(str(operator), values, context, missing, str(key)) for key, values in block.items()]
    return _all(results)


def condition_keys(condition: Any) -> list[str]:
    """The keys a ``Condition`` names, as written (for saying what limits a statement)."""
    if not isinstance(condition, dict):
        return []
    return list(dict.fromkeys(str(k) for block in condition.values() if isinstance(block, dict) for k in block))
