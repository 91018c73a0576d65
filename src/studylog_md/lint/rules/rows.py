"""Rules about the shape of table rows: cell counts, pipes, header/delimiter agreement.

markdown-it-py (like GitHub) silently pads a short row with empty cells and drops the cells
of a long one, so a row's shape is checked on the raw line (``Row.cells`` from ``cells.py``),
never on rendered tokens.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache

from ...document import _inline
from ...document.cells import split_row
from ...document.markers import Status, Vocabulary
from ...document.model import Row, Table
from ...document.replace import Replacement
from ..base import LintContext, rule
from ..diagnostic import Applicability, Diagnostic, Fix, Severity

_SNIPPET = 30


# Patterns only table-header-mismatch and tables inside HTML blocks need are compiled on first
# use (start-up of the pre-commit hook).
@cache
def _delimiter() -> re.Pattern[str]:
    """A GFM delimiter row: cells of dashes with optional alignment colons (spec 4.10)."""
    return re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


@cache
def _container_prefix() -> re.Pattern[str]:
    return re.compile(r"^[ \t>]*")


# --- scanning a row's raw text ---------------------------------------------------------------


def splitting_pipes(line: str, row: Row) -> list[int]:
    """Columns of unescaped pipes inside a code span or a link (see :func:`_splitting_pipes`).

    split-cell and column-count both ask for the same rows; the answer is kept for the last
    few rows (keyed by the line's text, whose hash Python keeps with the string).
    """
    if line.count("|", row.start, row.end) < 3:  # the outer pipes plus at least one inside
        return []
    return list(_splitting_pipes(line, row.start, row.end))


@lru_cache(maxsize=16)
def _splitting_pipes(line: str, start: int, end: int) -> tuple[int, ...]:
    """Columns of unescaped pipes inside a code span or a link, which GFM splits anyway.

    The row is scanned as one inline string (as its author read it): a pipe that falls inside
    `` `code` `` or ``[text](url)`` was meant as content, but GFM splits cells before it reads
    code spans and links (spec 4.10, example 200), so it cuts the cell in two.

    Linear in the row's length: code spans, bracket and parenthesis pairs come from the inline
    scanner's one-pass matchers (a scanner that looked for the closing bracket from every
    ``[`` took 20 s on a row of 16,000 of them), and the scan jumps over what it has read.
    """
    text = line[start:end]
    spans = _inline._code_spans(text)
    pairs = _inline._bracket_pairs(text, spans) if "[" in text else {}
    parens: dict[int, int] | None = None
    ticks: list[int] | None = None
    found: list[int] = []
    n = len(text)
    i = 0
    stop = _ROW_STOP.search
    while i < n:
        hit = stop(text, i)
        if hit is None:
            break
        i = hit.start()
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            span = spans.get(i)
            if span is None:
                while i < n and text[i] == "`":
                    i += 1
                continue
            width = span[0] - i
            found.extend(_pipes(text, span[0], span[1] - width, start))
            i = span[1]
            continue
        close = pairs.get(i, -1)  # ch == "["
        if close > 0 and close + 1 < n and text[close + 1] == "(":
            if parens is None:
                parens = _inline._paren_pairs(text)
            paren = parens.get(close + 1, -1)
            if paren > 0:
                if ticks is None:
                    ticks = [j for j, c in enumerate(text) if c == "`"]
                # A code span after "(" is not a link destination (GFM reads the span first).
                k = bisect.bisect_left(ticks, close + 1)
                if k == len(ticks) or ticks[k] > paren:
                    found.extend(_pipes(text, i + 1, paren, start))
                    i = paren + 1
                    continue
        i += 1
    return tuple(found)


# What the row scan acts on; everything else is skipped in C.
_ROW_STOP = re.compile(r"[\\`\[]")


def _pipes(text: str, begin: int, stop: int, base: int) -> list[int]:
    """Columns (``base`` + index) of the unescaped pipes in ``text[begin:stop]``."""
    found: list[int] = []
    j = text.find("|", begin, stop)
    while j >= 0:
        if j == 0 or text[j - 1] != "\\":
            found.append(base + j)
        j = text.find("|", j + 1, stop)
    return found


def _no_pipes(row: Row) -> bool:
    return not row.leading_pipe and not row.trailing_pipe and len(row.cells) == 1


def _snippet(text: str) -> str:
    plain = _inline.plain_text(text) or text
    return plain if len(plain) <= _SNIPPET else plain[: _SNIPPET - 1] + "…"


def _column_name(table: Table, col: int) -> str:
    name = _inline.plain_text(table.header_text(col)).replace("\xa0", " ").strip()
    return f"{name!r} column" if name else f"column {col + 1}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- split-cell --------------------------------------------------------------------------------


@rule(
    "SL003",
    "split-cell",
    Severity.ERROR,
    "An unescaped | inside a code span or link splits the cell; write \\|.",
    fixable=True,
    needs="tables",
)
def split_cell(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    for table in ctx.doc.tables:
        want = table.columns
        for row in table.rows:
            if len(row.cells) <= want:
                continue
            line = lines[row.line]
            pipes = splitting_pipes(line, row)
            if not pipes:
                continue
            fix = None
            if len(row.cells) - len(pipes) == want:
                fix = Fix(
                    "escape the | as \\|",
                    tuple(ctx.replace(row.line, p, p + 1, "\\|") for p in pipes),
                    _split_applicability(table, row, pipes[0]),
                )
            for index, pipe in enumerate(pipes):
                yield ctx.report(
                    "split-cell",
                    row.line + 1,
                    pipe + 1,
                    "this | is inside a code span or link but GFM splits the cell here; "
                    "write \\| instead",
                    fix=fix if index == 0 else None,
                )


def _split_applicability(table: Table, row: Row, pipe: int) -> Applicability:
    """Safe when the cells that merge come after a log table's title and status columns.

    Escaping the pipe merges two cells into one and moves every later cell one column left:
    harmless after the columns an entry is read from, a change of title or status before.
    In a table that is not a log the moved cells can make it one (new entries): unsafe.
    """
    if not table.is_log:
        return "unsafe"
    first = next(i for i, cell in enumerate(row.cells) if cell.raw_end >= pipe)
    roles = [c for c in (table.title_col, table.status_col) if c is not None]
    return "safe" if all(first > col for col in roles) else "unsafe"


# --- row-without-pipes -------------------------------------------------------------------------


@rule(
    "SL002",
    "row-without-pipes",
    Severity.WARNING,
    "A line without | glued under a table becomes a table row; add a blank line before it.",
    fixable=True,
    needs="tables",
)
def row_without_pipes(ctx: LintContext) -> Iterator[Diagnostic]:
    for table in ctx.doc.tables:
        for index, row in enumerate(table.rows):
            if not _no_pipes(row):
                continue
            fix = None
            rest = table.rows[index:]
            # The blank line takes every line after it out of the table too: offered only
            # when none of them is a real row (a row with pipes would become text).
            if table.container == "" and all(_no_pipes(later) for later in rest):
                # Inside a list or quote a blank line needs the container's prefix; only the
                # top level gets an automatic fix.
                # Unsafe: the line leaves the table, so GitHub shows one row fewer (what the
                # author meant, but a change of what the page shows all the same).
                newline = ctx.doc.newline
                fix = Fix(
                    "add a blank line before it",
                    (ctx.replace(row.line, 0, 0, newline),),
                    "unsafe",
                )
            yield ctx.report(
                "row-without-pipes",
                row.line + 1,
                row.start + 1,
                "this line has no | but GFM reads it as a row of the table above it; "
                "add a blank line before it",
                fix=fix,
                # The lines that leave the table with the fix (what an unsafe fix declares).
                end_line=rest[-1].line + 1 if fix is not None else None,
            )
            break  # once a blank line separates it, the lines after it leave the table too


# --- column-count ------------------------------------------------------------------------------


@rule(
    "SL001",
    "column-count",
    Severity.WARNING,
    "A row has fewer or more cells than its header; GitHub pads or drops cells silently.",
    fixable=True,
    needs="tables",
)
def column_count(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    vocab = ctx.vocabulary
    for table in ctx.doc.tables:
        want = table.columns
        empty_cell: str | None = None
        for row in table.rows:
            count = len(row.cells)
            if count == want or _no_pipes(row):
                continue
            line = lines[row.line]
            pipes = splitting_pipes(line, row) if count > want else []
            if pipes and count - len(pipes) == want:
                continue  # split-cell reports it, with the fix that makes the count right
            if empty_cell is None:
                empty_cell = _empty_cell_style(lines, table)
            if count < want:
                yield _too_few(ctx, table, row, line, empty_cell, vocab)
            else:
                yield _too_many(ctx, table, row, line, vocab, bool(pipes))


class _Features:
    """What a cell's content looks like, for guessing where a row's content belongs."""

    __slots__ = ("empty", "link", "marker", "status")

    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.empty = not text
        self.link = "](" in text or "://" in text or "<a " in text
        classified = vocab.classify(text, words=False)
        self.marker = (
            bool(text)
            and classified.symbolic
            and classified.status is not Status.UNKNOWN
            and len(text) <= len(classified.marker) + 2
        )
        self.status = self.marker or (
            bool(text) and vocab.classify(text, words=True).status is not Status.UNKNOWN
        )


def _fit(table: Table, features: list[_Features], columns: list[int]) -> int:
    """How well cells placed in ``columns`` match the table's column roles (higher: better)."""
    score = 0
    for cell, col in zip(features, columns):
        if cell.empty:
            continue
        if col == table.status_col:
            score += 2 if cell.status else -1
        elif cell.marker:
            score -= 2
        if cell.link:
            if col == table.title_col:
                score += 1
            elif col == table.category_col:
                score -= 1
    return score


def _best_gap(table: Table, features: list[_Features], missing: int) -> int:
    """Where ``missing`` cells were most likely left out: the index they go before."""
    count = len(features)
    if table.status_col is None:
        return count

    def placed(gap: int) -> list[int]:
        return [i if i < gap else i + missing for i in range(count)]

    best, best_score = count, _fit(table, features, placed(count))
    for gap in range(count):
        score = _fit(table, features, placed(gap))
        if score > best_score:
            best, best_score = gap, score
    return best


def _too_few(
    ctx: LintContext, table: Table, row: Row, line: str, empty_cell: str, vocab: Vocabulary
) -> Diagnostic:
    count, want = len(row.cells), table.columns
    missing = want - count
    features = [_Features(cell.text, vocab) for cell in row.cells]
    gap = _best_gap(table, features, missing)
    names = ", ".join(_column_name(table, col) for col in range(gap, gap + missing))
    head = f"this row has {count} cells but the header has {want}"
    if gap == count:
        message = (
            f"{head}: add {_plural(missing, 'empty cell')} at the end ({names}); "
            "GitHub pads the row silently"
        )
        column = row.end if row.trailing_pipe else row.end + 1
    else:
        cell = row.cells[gap]
        role = _column_name(table, gap + missing)
        message = (
            f"{head} and its content looks shifted: cell {gap + 1} "
            f"({_snippet(cell.text)!r}) belongs in the {role}; add "
            f"{_plural(missing, 'empty cell')} before it ({names})"
        )
        column = cell.column
    fix = _insert_cells(ctx, row, line, gap, missing, empty_cell, want)
    if fix is not None and not (
        gap == count
        and (table.status_col is None or not count <= table.status_col < count + missing)
    ):
        # Cells inserted before content move it to other columns, and an empty cell added
        # where the status belongs makes an unknown status read as "to do": a guess.
        fix = fix._replace(applicability="unsafe")
    return ctx.report("column-count", row.line + 1, column, message, fix=fix)


def _too_many(
    ctx: LintContext, table: Table, row: Row, line: str, vocab: Vocabulary, split: bool
) -> Diagnostic:
    count, want = len(row.cells), table.columns
    extra = count - want
    tail = row.cells[want:]
    head = f"this row has {count} cells but the header has {want}"
    if all(not cell.text for cell in tail):
        first = tail[0]
        # Delete from the pipe before the first extra cell to the end of the last one.
        fix = Fix(
            "remove the empty cells at the end",
            (ctx.replace(row.line, first.raw_start - 1, tail[-1].raw_end, ""),),
        )
        return ctx.report(
            "column-count",
            row.line + 1,
            first.raw_start,
            f"{head}: remove the {_plural(extra, 'empty cell')} at the end",
            fix=fix,
        )
    features = [_Features(cell.text, vocab) for cell in row.cells]
    gap = _extra_cells(table, features, extra)
    hint = "escape the | inside code or link text as \\| and " if split else ""
    if gap is None:
        first = tail[0]
        dropped = " | ".join(_snippet(cell.text) for cell in tail if cell.text)
        message = (
            f"{head}: GitHub drops {dropped!r}; {hint}remove the extra "
            f"{_plural(extra, 'cell')} or add a column to the header"
        )
        return ctx.report(
            "column-count", row.line + 1, first.column, message, severity=Severity.ERROR
        )
    cell = row.cells[gap]
    message = (
        f"{head} and its content looks shifted: cell {gap + 1} ({_snippet(cell.text)!r}) "
        f"pushes the cells after it one column right; {hint}remove or merge "
        f"{_plural(extra, 'cell')} there"
    )
    return ctx.report("column-count", row.line + 1, cell.column, message, severity=Severity.ERROR)


def looks_shifted(table: Table, row: Row, vocab: Vocabulary) -> bool:
    """Whether ``row`` has a wrong cell count and content in the wrong columns because of it.

    Other rules (``unknown-status``, ``missing-status``) leave such rows to ``column-count``:
    what sits in the status column of a shifted row is not its status.
    """
    count, want = len(row.cells), table.columns
    if count == want or table.status_col is None:
        return False
    features = [_Features(cell.text, vocab) for cell in row.cells]
    if count < want:
        return _best_gap(table, features, want - count) != count
    if all(not cell.text for cell in row.cells[want:]):
        return False
    return _extra_cells(table, features, count - want) is not None


def _extra_cells(table: Table, features: list[_Features], extra: int) -> int | None:
    """The index of the first cell that looks extra, when the content shows it; else None."""
    count = len(features)
    if table.status_col is None:
        return None

    def placed(gap: int) -> list[int]:
        return [i if i < gap else (i - extra if i >= gap + extra else -1) for i in range(count)]

    at_end = _fit(table, features, placed(count - extra))
    best, best_score = None, at_end
    for gap in range(count - extra):
        score = _fit(table, features, placed(gap))
        if score > best_score:
            best, best_score = gap, score
    return best


def _empty_cell_style(lines: list[str], table: Table) -> str:
    """How this table writes an empty cell: the commonest empty cell, else by its padding."""
    empties: Counter[str] = Counter()
    padded = bare = 0
    for row in (table.header, *table.rows):
        line = lines[row.line]
        for cell in row.cells:
            if not cell.text:
                empties[line[cell.raw_start : cell.raw_end]] += 1
            elif cell.start > cell.raw_start:
                padded += 1
            else:
                bare += 1
    if empties:
        # max() is most_common(1) (the first of the commonest) without importing heapq.
        return max(empties, key=empties.__getitem__)
    return " " if padded > bare else ""


def _insert_cells(
    ctx: LintContext, row: Row, line: str, gap: int, missing: int, empty: str, want: int
) -> Fix | None:
    """Insert ``missing`` empty cells before cell ``gap``; None when no insertion is safe."""
    spaced = " " if empty else ""
    candidates: list[tuple[int, str]] = []
    if gap == len(row.cells):
        if row.trailing_pipe:
            candidates.append((row.end, (empty + "|") * missing))
        else:
            # An empty last cell needs a closing pipe: "a | b" -> "a | b | |".
            candidates.append((row.end, (spaced + "|") * (missing + 1)))
    elif gap == 0 and not row.leading_pipe:
        candidates.append((row.start, "|" + (empty + "|") * missing + spaced))
    else:
        candidates.append((row.cells[gap].raw_start, (empty + "|") * missing))
    for at, new in candidates:
        fixed = line[:at] + new + line[at:]
        if len(split_row(fixed, row.start).cells) == want:
            return Fix(
                f"add {_plural(missing, 'empty cell')}",
                (ctx.replace(row.line, at, at, new),),
            )
    return None


# --- table-header-mismatch ---------------------------------------------------------------------


def _header_mismatch(header: str, delimiter: str) -> tuple[int, int] | None:
    """(header cells, delimiter cells) when ``delimiter`` is a delimiter row of another width."""
    if "|" not in header or "-" not in delimiter or "|" not in delimiter:
        return None
    prefix = _container_prefix()
    d_start = prefix.match(delimiter)
    h_start = prefix.match(header)
    assert d_start is not None and h_start is not None
    if not _delimiter().match(delimiter, d_start.end()):
        return None
    header_cells = len(split_row(header, h_start.end()).cells)
    delimiter_cells = len(split_row(delimiter, d_start.end()).cells)
    return None if header_cells == delimiter_cells else (header_cells, delimiter_cells)


@rule(
    "SL004",
    "table-header-mismatch",
    Severity.WARNING,
    "A header row and a delimiter row with different cell counts: GitHub shows text, not a table.",
)
def table_header_mismatch(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    for block in ctx.doc.blocks:
        if block.kind not in ("paragraph", "html"):
            continue
        for index in range(block.start, min(block.end, len(lines)) - 1):
            header, delimiter = lines[index], lines[index + 1]
            counts = _header_mismatch(header, delimiter)
            if counts is None:
                continue
            header_cells, delimiter_cells = counts
            prefix = _container_prefix().match(header)
            assert prefix is not None  # the pattern matches the empty string
            yield ctx.report(
                "table-header-mismatch",
                index + 1,
                prefix.end() + 1,
                f"the header row has {header_cells} cells but the delimiter row below it has "
                f"{delimiter_cells}, so GitHub shows these lines as text, not a table; "
                "make the counts equal",
            )


# --- orphan-row --------------------------------------------------------------------------------

# A list item's marker, after any indentation or quote markers.
_ITEM_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?")


def _row_like(line: str) -> int:
    """Where a ``|a|b|`` row starts in ``line`` (after a container prefix), or -1."""
    match = _ITEM_PREFIX.match(line)
    assert match is not None
    start = match.end()
    text = line[start:].rstrip(" \t")
    if len(text) < 3 or text[0] != "|" or text[-1] != "|" or text[-2] == "\\":
        return -1
    return start if len(split_row(line, start).cells) >= 2 else -1


@rule(
    "SL021",
    "orphan-row",
    Severity.WARNING,
    "A line written as a table row (|a|b|) that is not in any table: GitHub shows it as text.",
    fixable=True,
)
def orphan_row(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    # Where tables end (0-based line after the last row), including the tables this run's
    # fixes create, so that every row cut off from one rejoins it in a single fix run.
    ends = {table.end_line for table in ctx.doc.tables if table.container == ""}
    for block in ctx.doc.blocks:
        end = min(block.end, len(lines))
        if block.kind == "html" and _html_ends_at_blank(lines[block.start]):
            yield from _rows_in_html(ctx, block.start, end, ends)
        elif block.kind == "paragraph":
            yield from _rows_in_paragraph(ctx, block.start, end, ends)


def _rows_in_paragraph(
    ctx: LintContext, start: int, end: int, ends: set[int]
) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    starts = [_row_like(lines[index]) for index in range(start, end)]
    if all(column < 0 for column in starts):
        return
    # Rejoining is safe only for a paragraph made of top-level rows alone: any other line
    # would be glued under the table and become a row itself.
    joinable = all(column == 0 for column in starts)
    previous = False
    for index, column in enumerate(starts, start):
        if column < 0:
            previous = False
            continue
        if previous:
            continue  # one finding per run of row-like lines
        previous = True
        if index + 1 < end and _header_mismatch(lines[index], lines[index + 1]):
            continue  # table-header-mismatch says why these lines are not a table
        after_text = _previous_text(lines, index)
        if joinable and index == start and after_text in ends and after_text < index:
            # The rows were meant for the table above; a blank line cut them off
            # (honey-speaks-tech wrote six tables with no body that way).
            removal = Replacement(ctx.doc.line_offset(after_text), ctx.doc.line_offset(index), "")
            ends.add(end)
            yield ctx.report(
                "orphan-row",
                index + 1,
                column + 1,
                "this row is cut off from the table above by a blank line, so GitHub shows it "
                "as text; remove the blank line",
                # Unsafe: the rows join the table (new entries, new rows on the page).
                fix=Fix("remove the blank line above it", (removal,), "unsafe"),
            )
            continue
        yield ctx.report(
            "orphan-row",
            index + 1,
            column + 1,
            "this line is written as a table row but is in no table, so GitHub shows it as "
            "text; a row must follow its table's header and delimiter rows directly, without "
            "a blank line or a list marker",
        )


# HTML blocks that end at a blank line (GFM 4.6, kinds 6 and 7): the common <details>,
# <summary>, <a name>, <div> ... A table right under such a line is part of the block.
_HTML_START = r"^[ \t]*</?([A-Za-z][A-Za-z0-9-]*)"  # compiled on first use
_VERBATIM = frozenset({"pre", "script", "style", "textarea"})


def _html_ends_at_blank(first: str) -> bool:
    match = re.match(_HTML_START, first)
    return match is not None and match.group(1).lower() not in _VERBATIM


def _rows_in_html(ctx: LintContext, start: int, end: int, ends: set[int]) -> Iterator[Diagnostic]:
    """A table written inside an HTML block (no blank line after the HTML above it)."""
    lines = ctx.doc.lines
    for index in range(start + 1, end):
        column = _row_like(lines[index])
        if column < 0:
            continue
        if index + 1 < end and _header_mismatch(lines[index], lines[index + 1]):
            return  # table-header-mismatch says why these lines are not a table
        delimiter = lines[index + 1] if index + 1 < end else ""
        fix = None
        # A blank line makes a table only of a header with its delimiter row under it, and
        # inside a list or quote the blank line would need the container's prefix.
        if column == 0 and _delimiter().match(delimiter):
            # Unsafe: the text becomes a table on the page (new rows, maybe new entries).
            fix = Fix(
                "add a blank line before it",
                (ctx.replace(index, 0, 0, ctx.doc.newline),),
                "unsafe",
            )
            table_end = index + 2
            while table_end < end and _row_like(lines[table_end]) == 0:
                table_end += 1
            ends.add(table_end)
        yield ctx.report(
            "orphan-row",
            index + 1,
            column + 1,
            "this table is inside an HTML block (there is no blank line between it and the "
            "HTML above it), so GitHub shows it as text; add a blank line before it",
            fix=fix,
        )
        return


def _previous_text(lines: list[str], index: int) -> int:
    """The line after the last non-blank line before ``index``."""
    blank = index - 1
    while blank >= 0 and not lines[blank].strip():
        blank -= 1
    return blank + 1
