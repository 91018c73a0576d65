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

from typing import TYPE_CHECKING, Any, Literal

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


# --- runs of one-line task items --------------------------------------------------------------

# What follows a bullet marker on a one-line task item: 1-4 spaces, the checkbox, one space or
# tab (markdown-it-py consumes exactly one), and a character that can only start a paragraph.
_ITEM = None


def _item_pattern() -> Any:
    global _ITEM
    if _ITEM is None:
        import re

        _ITEM = re.compile(r"([-+*])( {1,4})\[([ xX])\][ \t](?=[^\W_])(?!\d{1,9}[.)])")
    return _ITEM


def _simple_line(
    state: StateBlock, line: int, container: int, marker: str
) -> tuple[int, bool] | None:
    """(content indent, checked) when ``line`` is a one-line task item of this list, else None."""
    relative = state.sCount[line] - container
    if relative < 0 or relative > 3:
        return None
    pos = state.bMarks[line] + state.tShift[line]
    match = _item_pattern().match(state.src, pos, state.eMarks[line])
    if match is None or match.group(1) != marker:
        return None
    return state.sCount[line] + 1 + len(match.group(2)), match.group(3) != " "


MIN_RUN = 16  # shorter lists gain nothing measurable; they take the ordinary path


def fast_list(original: Any) -> Any:
    """Wrap markdown-it-py's list rule: a run of one-line task items is tokenized in one loop.

    The items of the run except the last become one ``task_run`` token (its ``map`` the run's
    lines, ``meta["checked"]`` one byte per item, ``meta["tight"]``), standing for the tokens
    markdown-it-py's list rule would give them (:func:`expand_run`); then the list rule
    itself runs from the last item of the run, so everything it decides at the end of a list
    (more items, blank lines, a loose list, lazy lines, nesting) is its own decision, and its
    tokens join ours.
    """

    def list_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent or state.level + 3 >= state.md.options.maxNesting:
            return bool(original(state, start, end, silent))
        container = state.blkIndent
        if state.listIndent >= 0 and state.sCount[start] - state.listIndent >= 4:
            return bool(original(state, start, end, silent))
        pos = state.bMarks[start] + state.tShift[start]
        marker = state.src[pos] if pos < state.eMarks[start] else ""
        if marker not in "-+*" or not marker:
            return bool(original(state, start, end, silent))
        first = _simple_line(state, start, container, marker)
        if first is None:
            return bool(original(state, start, end, silent))
        # How far the run goes: each item must be followed by a sibling item of the run.
        items: list[tuple[int, bool]] = []
        line = start
        current = first
        while line + 1 < end:
            following = _simple_line(state, line + 1, container, marker)
            if following is None or state.sCount[line + 1] >= current[0]:
                break
            items.append(current)
            line += 1
            current = following
        if len(items) < MIN_RUN:
            return bool(original(state, start, end, silent))
        opened = state.push("bullet_list_open", "ul", 1)
        opened.markup = marker
        lines = [start, 0]
        opened.map = lines
        # One token for the whole run instead of five per item: a million items made five
        # million Token objects (2.6 GB). expand_run() gives the tokens it stands for.
        run = state.push("task_run", "", 0)
        run.markup = marker
        run.map = [start, start + len(items)]
        run.meta = {"checked": bytes(checked for _indent, checked in items)}
        # The rest of the list, from the run's last item, by markdown-it-py's own rule; its
        # list_item/paragraph tokens continue ours, its bullet_list_open is dropped.
        tail = len(state.tokens)
        state.level -= 1
        if not original(state, line, end, False):  # pragma: no cover - the line is an item
            raise AssertionError("the list rule refused an item it had accepted")
        tail_open = state.tokens.pop(tail)
        lines[1] = tail_open.map[1] if tail_open.map else state.line
        opened.attrs = dict(tail_open.attrs)
        run.meta["tight"] = state.tokens[tail + 1].hidden  # the tail's first paragraph
        return True

    return list_rule


def expand_run(run: Any, lines: list[str]) -> list[Any]:
    """The tokens markdown-it-py gives the items a ``task_run`` token stands for (for tests).

    ``lines`` are the parsed text's lines; an item's content is what follows its checkbox
    and the one space or tab after it.
    """
    from markdown_it.token import Token

    start, stop = run.map
    level = run.level
    hidden = bool(run.meta["tight"])
    tokens: list[Any] = []
    for index, checked in zip(range(start, stop), run.meta["checked"], strict=True):
        line = lines[index]
        content = line[line.index("]") + 2 :].strip()
        item = Token("list_item_open", "li", 1, markup=run.markup, map=[index, index + 1])
        item.meta = {"checked": bool(checked)}
        item.attrs = {"class": "task-list-item"}
        item.level = level
        tokens.append(item)
        parts: tuple[tuple[str, str, Literal[-1, 0, 1], int], ...] = (
            ("paragraph_open", "p", 1, 1),
            ("inline", "", 0, 2),
            ("paragraph_close", "p", -1, 1),
        )
        for kind, tag, nesting, depth in parts:
            token = Token(kind, tag, nesting, level=level + depth, block=True, hidden=hidden)
            if kind != "paragraph_close":
                token.map = [index, index + 1]
            if kind == "inline":
                token.content = content
                token.children = []
                token.hidden = False
            tokens.append(token)
        tokens.append(
            Token("list_item_close", "li", -1, markup=run.markup, level=level, block=True)
        )
        tokens[-5].block = True
    return tokens
