"""Fixes as shell text: commands built word by word (so they paste into bash or zsh as they are), laid
out for a terminal with ``\\`` continuations, and read back (by the tests that run them).

A fix is one or more lines: a line starting with ``#`` says something (a console step, a choice to
make) and a shell ignores it; every other line is a command. Words are quoted only when they need it,
and then in single quotes, inside which neither ``$`` nor ``!`` (bash's history expansion) means
anything. A word in angle brackets (``<trusted-account-id>``) is a value only the student can choose:
the grader fills in everything it has read.

Values read from AWS are a classmate's to choose in a shared account (an alarm may be named
``<x> 'y``), so they are always quoted when they are not plain: only the placeholders the grader
declares itself (:func:`placeholder`: lowercase words and hyphens) stay bare, and only beside plain
characters.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

PLACEHOLDER = re.compile(r"<[a-z][a-z0-9-]*>")
# Characters no shell gives a meaning to inside a word: a word made only of these needs no quotes.
PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")
CONTINUATION_INDENT = "    "
_DECLARED: set[str] = set()  # the placeholders the grader writes itself


def placeholder(name: str) -> str:
    """``<name>``: a value only the student can choose, left bare in a fix (it must be edited anyway).
    Declared by the grader's own code, never built from a value read from AWS."""
    text = f"<{name}>"
    if not PLACEHOLDER.fullmatch(text):
        raise ValueError(f"a placeholder is lowercase words joined by hyphens, not {name!r}")
    _DECLARED.add(text)
    return text


def quote(word: str) -> str:
    """One shell word: bare when it is plain, else single-quoted. A word such as
    ``arn:aws:iam::123456789012:role/<your-lambda-role>`` stays bare only because the grader declared that
    placeholder; the same brackets in a value read from AWS are quoted like any other character."""
    word = str(word)
    unplaced = PLACEHOLDER.sub(lambda found: "x" if found.group(0) in _DECLARED else found.group(0), word)
    if PLAIN_WORD.fullmatch(unplaced):
        return word
    return shlex.quote(word)


def command(*words: object) -> str:
    """A command line from its words (``None`` words are left out; a tuple or list is several words)."""
    flat: list[str] = []
    for word in words:
        if word is None:
            continue
        if isinstance(word, (list, tuple)):
            flat.extend(str(w) for w in word)
        else:
            flat.append(str(word))
    return " ".join(quote(w) for w in flat)


def aws(*words: object) -> str:
    """An ``aws`` CLI command line."""
    return command("aws", *words)


def comment(text: str) -> str:
    return "# " + text


def fix(*lines: str | None) -> str:
    """A fix of several lines (commands and ``#`` comments), ``None`` lines left out."""
    return "\n".join(line for line in lines if line)


def split_words(line: str) -> list[str]:
    """A command line's words as written (quotes kept), split where the shell would split them."""
    words: list[str] = []
    current: list[str] = []
    quote_char = ""
    escaped = False
    for char in line:
        if escaped:
            current.append(char)
            escaped = False
        elif quote_char:
            current.append(char)
            if char == quote_char:
                quote_char = ""
            elif char == "\\" and quote_char == '"':
                escaped = True
        elif char in "'\"":
            quote_char = char
            current.append(char)
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


def lay_out(line: str, width: int | None, indent: int = 0) -> list[str]:
    """One fix line as printed in ``width`` columns (after ``indent``): a command too long for it is
    broken before an option (an option stays with its values), each line but the last ending in `` \\``
    (still one command when pasted). A word longer than the line is never broken: the terminal shows it
    whole. Comments are not broken."""
    if width is None or line.startswith("#") or indent + len(line) <= width:
        return [line]
    units: list[str] = []  # the command's words before its first option, then each option with its values
    for word in split_words(line):
        if not units or word.startswith("-"):
            units.append(word)
        else:
            units[-1] += " " + word
    lines: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current} {unit}" if current else unit
        if current and indent + len(candidate) + 2 > width:  # +2: the " \\" that ends a continued line
            lines.append(current + " \\")
            current = CONTINUATION_INDENT + unit
        else:
            current = candidate
    lines.append(current)
    return lines


def commands(fix_text: str) -> list[str]:
    """The commands of a fix, continuations joined and comments left out (what a shell would run)."""
    found: list[str] = []
    pending = ""
    for raw in fix_text.splitlines():
        line = raw.strip()
        if pending:
            line = pending + " " + line
            pending = ""
        if line.endswith("\\") and not line.startswith("#"):
            pending = line[:-1].rstrip()
            continue
        if line and not line.startswith("#"):
            found.append(line)
    if pending:
        found.append(pending)
    return found


def placeholders(fix_text: str) -> set[str]:
    """The ``<...>`` values left for the student to choose in a fix's commands."""
    return {p for line in commands(fix_text) for p in PLACEHOLDER.findall(line)}


def history_safe(line: str) -> bool:
    """No ``!`` outside single quotes: pasted into an interactive bash, nothing is history-expanded."""
    quote_char = ""
    for char in line:
        if quote_char:
            if char == quote_char:
                quote_char = ""
            elif char == "!" and quote_char == '"':
                return False
        elif char in "'\"":
            quote_char = char
        elif char == "!":
            return False
    return True


# Lambda commands that change a function, which AWS refuses while it is being created or updated.
FUNCTION_CHANGES = ("update-function-configuration", "update-function-code", "publish-version")


def waits_before_changes(fix_text: str, waiter: Callable[[str], str | None]) -> str:
    """``fix_text`` with, before its first command that changes function F, the line ``aws lambda wait W
    --function-name F`` when ``waiter(F)`` names a waiter W (F is still being created or updated: AWS refuses
    a change meanwhile). Lines are kept as they are; a waiter is added once per function."""
    lines, waited = [], set()
    for line in fix_text.splitlines():
        words = [w.strip("'") for w in split_words(line)] if line and not line.startswith("#") else []
        if words[:2] == ["aws", "lambda"] and len(words) > 2 and words[2] in FUNCTION_CHANGES and \
                "--function-name" in words[:-1]:
            name = words[words.index("--function-name") + 1]
            wait = waiter(name) if name not in waited else None
            if wait:
                lines.append(aws("lambda", "wait", wait, "--function-name", name))
            waited.add(name)
        lines.append(line)
    return "\n".join(lines)

