"""Text from outside (AWS resource names, descriptions, roster cells) made safe to show.

Each renderer still escapes for its own format (markup, HTML, XML, CSV formulas); this removes what no
format should carry, writing it out visibly instead (``\\x1b``, ``\\u202e``):

- control characters: terminal escape sequences, a carriage return that draws over a line;
- bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C): they reorder what a
  terminal or browser shows, so a value could make a line read otherwise than it is (Trojan Source,
  CVE-2021-42574), and line and paragraph separators (U+2028, U+2029);
- what XML 1.0 cannot carry at all (its ``Char`` production): surrogates, U+FFFE and U+FFFF, so that one
  student's value never makes the whole class's JUnit file unparseable; and the other noncharacters
  (U+FDD0–U+FDEF, the last two of every plane), which XML discourages.

:func:`visible` keeps newlines and tabs (a fix is one command per line); :func:`one_line` writes them out
too, for whatever is shown as one line (a message, a note, a name), so no value can draw a line of its own
(a fake ``Score 100/100 — PASSED``).
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff{_NONCHARACTERS}]")
_UNSAFE_OR_BREAK = re.compile(f"{_UNSAFE.pattern[:-1]}\t\n]")


def _written_out(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\n\t":
        return "\\n" if char == "\n" else "\\t"
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(value: object) -> str:
    """The text with every unsafe character written out (``\\x1b``, ``\\u202e``), newlines and tabs kept."""
    return _UNSAFE.sub(_written_out, str(value))


def one_line(value: object) -> str:
    """The text as one line: every unsafe character, newlines and tabs too, written out (``\\n``)."""
    return _UNSAFE_OR_BREAK.sub(_written_out, str(value))


def fence(text: str, minimum: int = 3) -> str:
    """A markdown code fence no line of ``text`` can close: longer than its longest run of backticks."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(minimum, longest + 1)
