"""A GFM table block rule that decides exactly what markdown-it-py's ``table`` rule decides.

markdown-it-py's own rule emits ~5 tokens per cell (and autocompletes missing cells, so a 1.5 KB
table can expand into 200,000 tokens) and drops the columns we need. This rule makes the same
decisions — the header/delimiter checks, the column count, every termination condition and the
autocompletion cap that ends a table — and emits one ``table_open``/``table_close`` pair whose
``meta`` carries the alignments and, for each line, the column where the row's text starts
(after a blockquote's ``>`` or a list item's indentation). ``tests/document/test_table_rule.py``
checks that both rules find the same tables on the spec examples and the corpus.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import rules_block
from markdown_it.common.utils import isStrSpace
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS
from mdit_py_plugins.front_matter import index as front_matter

_HEADER_CELL = re.compile(r"^:?-+:?$")
_SPACES = " \t\n\v\f\r"


def _line_text(state: StateBlock, line: int) -> str:
    pos = state.bMarks[line] + state.tShift[line]
    return state.src[pos : state.eMarks[line]]


def _column(state: StateBlock, line: int) -> int:
    """Column (in the original line) where this line's content starts."""
    pos = state.bMarks[line] + state.tShift[line]
    return pos - (state.src.rfind("\n", 0, pos) + 1)


# The rules that can end a table (markdown-it-py's "blockquote" terminators), and the only
# characters a line they match can start with. A row that starts with any other character
# (almost every row starts with "|") cannot end the table, so they need not run on it.
_KNOWN_TERMINATORS = frozenset(
    rule
    for rule in (
        rules_block.fence,
        rules_block.blockquote,
        rules_block.hr,
        rules_block.list_block,
        rules_block.html_block,
        rules_block.heading,
        # matches on the first line only, where no table row is; private, hence getattr: if
        # a new plugin version renames it, rows just take the slow path
        getattr(front_matter, "_front_matter_rule", None),
    )
    if rule is not None
)
_TERMINATOR_STARTS = frozenset("`~>*-_+<#0123456789")


def _count_cells(text: str) -> int:
    """The cell count markdown-it-py's ``escapedSplit`` gives ``text``, without splitting.

    ``escapedSplit`` splits on every pipe that does not directly follow a backslash; an empty
    first or last piece does not count. Its character loop cost a quarter of a big log's
    parse; ``str.count`` does the same in C (``\\|`` cannot overlap itself, so
    ``count("\\|")`` is the number of escaped pipes).
    """
    pipes = text.count("|") - text.count("\\|")
    n = pipes + 1
    if not text or text[0] == "|":
        n -= 1
    if n and pipes and text[-1] == "|" and (len(text) < 2 or text[-2] != "\\"):
        n -= 1
    return n


def table_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Recognise a table (same decisions as markdown-it-py's ``table`` rule)."""
    if startLine + 2 > endLine:
        return False
    nextLine = startLine + 1
    if state.sCount[nextLine] < state.blkIndent:
        return False
    if state.is_code_block(nextLine):
        return False
    pos = state.bMarks[nextLine] + state.tShift[nextLine]
    maximum = state.eMarks[nextLine]
    if pos >= maximum:
        return False
    src = state.src
    first_ch = src[pos]
    pos += 1
    if first_ch not in ("|", "-", ":"):
        return False
    if pos >= maximum:
        return False
    second_ch = src[pos]
    pos += 1
    if second_ch not in ("|", "-", ":") and not isStrSpace(second_ch):
        return False
    if first_ch == "-" and isStrSpace(second_ch):
        return False
    while pos < maximum:
        ch = src[pos]
        if ch not in ("|", "-", ":") and not isStrSpace(ch):
            return False
        pos += 1

    columns = _line_text(state, startLine + 1).split("|")
    aligns: list[str] = []
    for i, column in enumerate(columns):
        t = column.strip(_SPACES)
        if not t:
            if i == 0 or i == len(columns) - 1:
                continue
            return False
        if not _HEADER_CELL.search(t):
            return False
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        elif t[0] == ":":
            aligns.append("left")
        else:
            aligns.append("")

    header = _line_text(state, startLine).strip(_SPACES)
    if "|" not in header:
        return False
    if state.is_code_block(startLine):
        return False
    column_count = _count_cells(header)
    if column_count == 0 or column_count != len(aligns):
        return False
    if silent:
        return True

    terminators = state.md.block.ruler.getRules("blockquote")
    # Another parser's terminators may start with anything: then every row asks them all.
    by_first_char = _KNOWN_TERMINATORS.issuperset(terminators)
    starts = [_column(state, startLine), _column(state, startLine + 1)]
    autocompleted = 0
    nextLine = startLine + 2
    old_parent = state.parentType
    state.parentType = "table"
    while nextLine < endLine:
        if state.sCount[nextLine] < state.blkIndent:
            break
        at = state.bMarks[nextLine] + state.tShift[nextLine]
        first = src[at : at + 1]  # "" at the very end of the text
        if (not by_first_char or first in _TERMINATOR_STARTS) and any(
            rule(state, nextLine, endLine, True) for rule in terminators
        ):
            break
        text = _line_text(state, nextLine).strip(_SPACES)
        if not text:
            break
        if state.is_code_block(nextLine):
            break
        autocompleted += column_count - _count_cells(text)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        starts.append(_column(state, nextLine))
        nextLine += 1
    state.parentType = old_parent

    token = state.push("table_open", "table", 1)
    token.map = [startLine, nextLine]
    meta: dict[str, Any] = {"aligns": aligns, "starts": starts}
    token.meta = meta
    token = state.push("table_close", "table", -1)
    state.line = nextLine
    return True
