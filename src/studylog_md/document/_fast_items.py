"""A shortcut through markdown-it-py's block rules for one-line task items.

markdown-it-py parses each list item's content with the whole block-rule chain: table, code,
fence, blockquote, hr, list, reference, html, heading, setext heading (which scans ahead
with the paragraph terminators) and finally paragraph (which scans ahead with them again).
For ``- [ ] Read chapter 3`` followed by the next item, all of that ends in one paragraph of
one line. A 1,000,000-line task list spent most of its 35-54 s there (issue 17, item 11).

:func:`simple_paragraph` recognises exactly that case and makes the paragraph's three tokens
itself, the same tokens markdown-it-py would make (the parity test in
``tests/hardening/test_large_task_lists.py`` compares both token streams over generated lists,
the fixtures and the corpus). Anything else (a first character that could open another
block, extra indentation, a blank line or any line after the item that is not a sibling item
ending the paragraph) goes the normal way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it.rules_block import StateBlock


def _list_rule() -> Any:
    from markdown_it.rules_block.list import list_block

    return list_block


def simple_paragraph(state: StateBlock, start: int, end: int, list_rule: Any) -> bool:
    """Tokenize a task item whose content is one plain paragraph line; False when it is not.

    Called instead of ``md.block.tokenize(state, start, end)`` for a list item's content.
    """
    tokens = state.tokens
    if state.parentType != "list" or not tokens:
        return False
    opened = tokens[-1]
    # Only right after a task item's list_item_open: markdown-it-py has moved bMarks past the
    # checkbox, so the content starts at bMarks + tShift.
    if opened.type != "list_item_open" or not opened.meta or "checked" not in opened.meta:
        return False
    following = start + 1
    if following >= end or state.level >= state.md.options.maxNesting:
        return False
    blk = state.blkIndent
    if state.sCount[start] != blk:
        return False
    src = state.src
    pos = state.bMarks[start] + state.tShift[start]
    stop = state.eMarks[start]
    if pos >= stop:
        return False
    first = src[pos]
    # A letter cannot open any other block; a digit can (``1. x`` is a nested list).
    if not first.isalpha() and not (first.isdigit() and not _ordered_marker(src, pos, stop)):
        return False
    # The next line must end this paragraph: not blank, less indented than the content, and
    # a list item (the paragraph's terminators would stop at it).
    if state.isEmpty(following):
        return False
    indent = state.sCount[following]
    if indent < 0 or indent >= blk:
        return False
    old_parent = state.parentType
    state.parentType = "paragraph"
    try:
        if not list_rule(state, following, end, True):
            return False
    finally:
        state.parentType = old_parent
    # What the paragraph rule and the tokenize loop would do for this one line.
    content = state.getLines(start, following, blk, False).strip()
    state.line = following
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, following]
    token = state.push("inline", "", 0)
    token.content = content
    token.map = [start, following]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.tight = True
    return True


def _ordered_marker(src: str, pos: int, stop: int) -> bool:
    """Whether ``src[pos:stop]`` starts like an ordered list marker (digits then ``.`` or ``)``)."""
    end = pos
    while end < stop and src[end].isdigit():
        end += 1
    return end < stop and src[end] in ".)"
