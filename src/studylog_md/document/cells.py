"""Split a GFM table row into cells, keeping exact spans and padding.

The rules are GFM's (spec section 4.10), as markdown-it-py applies them: a pipe splits cells
unless a backslash escapes it — also inside code spans and link text, as on GitHub (write
``\\|``). Leading and trailing pipes are optional. Each cell keeps the whitespace around its
content as padding, so an edit replaces the content and nothing else.
"""

from __future__ import annotations

from typing import NamedTuple

_PAD = " \t"


class CellSpan(NamedTuple):
    """Where one cell is in its line: ``raw_*`` between the pipes, ``start:end`` without padding."""

    raw_start: int
    raw_end: int
    start: int
    end: int


class RowSplit(NamedTuple):
    cells: tuple[CellSpan, ...]
    leading_pipe: bool
    trailing_pipe: bool
    start: int  # first column of the row (after indentation / container prefix)
    end: int  # end of the row's text (trailing whitespace after the last pipe excluded)


def split_row(line: str, start: int = 0) -> RowSplit:
    """Split ``line[start:]`` into cells."""
    spans, leading, trailing, pos, end = cell_bounds(line, start)
    return RowSplit(tuple(_cell(line, a, b) for a, b in spans), leading, trailing, pos, end)


def cell_bounds(line: str, start: int = 0) -> tuple[list[tuple[int, int]], bool, bool, int, int]:
    """:func:`split_row` without the objects, for the parser (which makes its own per cell).

    Returns the ``(raw_start, raw_end)`` of each cell (between the pipes), whether the row has
    a leading and a trailing pipe, and the columns where its text starts and ends.
    """
    n = len(line)
    pos = start
    while pos < n and line[pos] in _PAD:
        pos += 1
    end = n
    while end > pos and line[end - 1] in _PAD:
        end -= 1
    pipes: list[int] = []
    escaped = False
    i = pos
    # Same escape rule as markdown-it-py's escapedSplit: any backslash escapes the next char.
    find = line.find
    while True:
        j = find("|", i, end)
        if j < 0:
            break
        # Count backslash directly before: markdown-it treats "\|" as escaped whenever the
        # previous character is a backslash.
        escaped = j > pos and line[j - 1] == "\\"
        if not escaped:
            pipes.append(j)
        i = j + 1
    leading = bool(pipes) and pipes[0] == pos
    trailing = bool(pipes) and pipes[-1] == end - 1 and (not leading or len(pipes) > 1)
    if leading:
        seg_start = pos + 1
        inner = pipes[1:]
    else:
        seg_start = start
        inner = pipes
    if trailing:
        inner = inner[:-1]
    spans: list[tuple[int, int]] = []
    for p in inner:
        spans.append((seg_start, p))
        seg_start = p + 1
    last_end = end - 1 if trailing else n
    if trailing or seg_start < last_end or (not spans and not leading):
        spans.append((seg_start, last_end))
    return spans, leading, trailing, pos, end


def _cell(line: str, raw_start: int, raw_end: int) -> CellSpan:
    s = raw_start
    while s < raw_end and line[s] in _PAD:
        s += 1
    e = raw_end
    while e > s and line[e - 1] in _PAD:
        e -= 1
    return CellSpan(raw_start, raw_end, s, e)


def escape_cell(text: str) -> str:
    """Make ``text`` safe inside a cell: ``|`` becomes ``\\|`` and newlines become spaces."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("|", "\\|")
