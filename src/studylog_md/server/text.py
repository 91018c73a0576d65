"""An editor's text and LSP positions: lines, code units, incremental changes, minimal edits.

LSP positions count *code units* of the negotiated encoding (UTF-16 unless the client offers
another), on lines split at ``\\r\\n``, ``\\r`` and ``\\n`` only (LSP 3.17, "Text Documents").
Python indexes code points, and ``str.splitlines`` also splits at ``\\x0c``, ``\\x85``,
``\\u2028``…, so both are converted here, in one place, and never with ``splitlines``.
Nothing here knows about study logs; it is pure text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

_BREAK = re.compile(r"\r\n|\r|\n")


class Spot(NamedTuple):
    """A 0-based line and a column in client code units (an LSP ``Position``)."""

    line: int
    character: int


class TextChange(NamedTuple):
    """Replace the text between two offsets (code points) with ``new``."""

    start: int
    end: int
    new: str


def units(text: str, encoding: str) -> int:
    """How many code units ``text`` takes in ``encoding``."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        # Lone surrogates (undecodable bytes kept by surrogateescape) count as the 3 bytes
        # an editor would show for them; never raise on them.
        return len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        return len(text)
    # The codec counts in C; a lone surrogate is one unit, as in the editor's string.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def index_of(line: str, count: int, encoding: str) -> int:
    """The code-point index of the ``count``-th code unit of ``line`` (clamped to its end).

    A count that falls inside a character (half a surrogate pair) rounds up past it, as
    VS Code does.
    """
    if count <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    seen = 0
    for index, ch in enumerate(line):
        if seen >= count:
            return index
        seen += units(ch, encoding)
    return len(line)


class LineIndex:
    """Where each line of a text starts, for turning offsets into positions and back."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [0]
        starts.extend(match.end() for match in _BREAK.finditer(text))
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_text(self, line: int) -> str:
        """The text of 0-based ``line`` without its line ending ('' past the end)."""
        if line < 0 or line >= len(self._starts):
            return ""
        start = self._starts[line]
        end = self._starts[line + 1] if line + 1 < len(self._starts) else len(self._text)
        text = self._text[start:end]
        if text.endswith("\r\n"):
            return text[:-2]
        if text.endswith(("\n", "\r")):
            return text[:-1]
        return text

    def offset(self, spot: Spot, encoding: str) -> int:
        """The code-point offset of an LSP position (clamped into the text)."""
        if spot.line < 0:
            return 0
        if spot.line >= len(self._starts):
            return len(self._text)
        return self._starts[spot.line] + index_of(
            self.line_text(spot.line), spot.character, encoding
        )

    def spot(self, offset: int, encoding: str) -> Spot:
        """The LSP position of a code-point offset."""
        import bisect

        offset = min(max(offset, 0), len(self._text))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        column = min(offset - start, len(self.line_text(line)))
        return Spot(line, units(self._text[start : start + column], encoding))


def apply_change(text: str, start: Spot, end: Spot, new: str, encoding: str) -> str:
    """``text`` after a ``didChange`` content change of a range."""
    index = LineIndex(text)
    first = index.offset(start, encoding)
    last = max(index.offset(end, encoding), first)
    return text[:first] + new + text[last:]


def changes_between(before: str, after: str) -> list[TextChange]:
    """The smallest replacements (per run of changed lines) that turn ``before`` into ``after``.

    One region (a status toggle) is found by trimming the common prefix and suffix; several
    regions (every safe fix at once) by a line diff first, each hunk then trimmed the same way.
    """
    if before == after:
        return []
    prefix = _common_prefix(before, after)
    suffix = _common_suffix(before[prefix:], after[prefix:])
    single = TextChange(prefix, len(before) - suffix, after[prefix : len(after) - suffix])
    if single.end - single.start + len(single.new) < 4096:
        return [_whole_breaks(before, single)]
    import difflib

    old_lines = _keep_ends(before)
    new_lines = _keep_ends(after)
    old_starts = _starts(old_lines)
    new_starts = _starts(new_lines)
    result: list[TextChange] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old = before[old_starts[i1] : old_starts[i2]]
        new = after[new_starts[j1] : new_starts[j2]]
        head = _common_prefix(old, new)
        tail = _common_suffix(old[head:], new[head:])
        start, end = old_starts[i1] + head, old_starts[i2] - tail
        change = TextChange(start, end, new[head : len(new) - tail])
        result.append(_whole_breaks(before, change))
    return result


def _whole_breaks(text: str, change: TextChange) -> TextChange:
    """``change`` widened so that neither end falls between the ``\r`` and ``\n`` of a CRLF.

    A position cannot point between them (they are one line break), so such an edge would
    become a different edit on the client.
    """
    start, end, new = change
    if 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
        start -= 1
        new = "\r" + new
    if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
        end += 1
        new += "\n"
    return TextChange(start, end, new)


def _keep_ends(text: str) -> list[str]:
    parts = _BREAK.split(text)
    lines = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    count = 0
    # Compare in blocks first: the prefix of a large document is long.
    step = 4096
    while count + step <= limit and a[count : count + step] == b[count : count + step]:
        count += step
    while count < limit and a[count] == b[count]:
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    count = 0
    # Compare in blocks first: the suffix of a large document is long.
    step = 4096
    while (
        count + step <= limit
        and a[len(a) - count - step : len(a) - count] == b[len(b) - count - step : len(b) - count]
    ):
        count += step
    while count < limit and a[len(a) - count - 1] == b[len(b) - count - 1]:
        count += 1
    return count
