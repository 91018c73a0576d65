"""Text from a file (titles, headings, file names) made safe to show on a terminal.

A title or a file name can hold C0/C1 control characters: ESC starts a terminal escape
sequence that can recolour, hide or rewrite what is on the screen, or set the window title;
CR and the line separators can make one line of output look like two. Every piece of file
content or file name that reaches human output goes through :func:`printable` (JSON output
escapes controls itself, and ``fix -`` writes the file's bytes unchanged, as it must).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 controls (TAB, CR and LF included: each printed item is one line), DEL, the C1 controls,
# and the two Unicode line separators some terminals break lines at.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with every control character shown as an escape: ESC becomes ``\x1b``.

    >>> printable("Intro\x1b]0;owned\x07 to ML")
    'Intro\\x1b]0;owned\\x07 to ML'
    >>> printable("plain ✅ text")
    'plain ✅ text'
    """
    if text.isprintable():  # the usual case, without a regex
        return text
    return _CONTROL.sub(_escape, text)
