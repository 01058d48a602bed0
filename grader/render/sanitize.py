"""Text from outside (AWS resource names, roster cells) made safe to show: no control characters.

Each renderer still escapes for its own format (markup, HTML, XML, CSV formulas); this removes what
no format should carry: terminal escape sequences and other control characters, shown visibly instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(value: object) -> str:
    """The text with every control character written out (``\\x1b``), newlines and tabs kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
