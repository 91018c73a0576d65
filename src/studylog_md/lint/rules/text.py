"""Rules about the file's text: undecodable bytes, skipped content, invisible characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Fix, Severity

_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ
_MARKS = frozenset("\u200e\u200f")  # LRM, RLM
# Characters removing which can only change where a line may break: safe to fix.
_REMOVABLE = frozenset("\u200b\ufeff")
# Right-to-left scripts; compiled on first use, as _suspicious (start-up of the hook).
_RTL = "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]"


@cache
def _suspicious() -> re.Pattern[str]:
    """Zero-width and bidirectional control characters (U+2060 WORD JOINER is left alone: it
    is used on purpose to prevent line breaks), and C0/C1 control characters other than TAB
    (ESC starts a terminal escape sequence). Compiled by the first text that needs it."""
    return re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


_NAMES = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE (a byte order mark inside the text)",
    # unicodedata has no names for control characters.
    "\x00": "NULL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x9b": "CONTROL SEQUENCE INTRODUCER",
}


# --- invalid-utf8 ------------------------------------------------------------------------------


@rule(
    "SL017",
    "invalid-utf8",
    Severity.ERROR,
    "Bytes that are not valid UTF-8.",
)
def invalid_utf8(ctx: LintContext) -> Iterator[Diagnostic]:
    for line, column, count in ctx.doc.invalid_utf8:
        noun = "byte that is" if count == 1 else "bytes that are"
        yield ctx.report(
            "invalid-utf8",
            line,
            column,
            f"{count} {noun} not valid UTF-8 here; re-save the file as UTF-8",
        )


# --- parse-truncated ---------------------------------------------------------------------------


@rule(
    "SL018",
    "parse-truncated",
    Severity.ERROR,
    "Content nested so deeply that Markdown parsers (GitHub's too) skip it.",
)
def parse_truncated(ctx: LintContext) -> Iterator[Diagnostic]:
    for problem in ctx.doc.problems:
        yield ctx.report("parse-truncated", problem.line, 1, problem.message)


# --- suspicious-characters ---------------------------------------------------------------------


def _legitimate(text: str, index: int) -> bool:
    """Whether the invisible character at ``index`` does a job where it stands.

    ZWNJ and ZWJ shape Persian, Arabic and Indic words (shieldfy's README-fa has 67 of them)
    and build emoji sequences: between two non-ASCII characters they are text. LRM and RLM
    fix the direction of neutral characters in right-to-left text.
    """
    ch = text[index]
    if ch in _JOINERS:
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if not before or not after:
            return False
        # Inside a Latin word ("Oriente\u200bd") it only breaks search and copy-paste.
        return not (before.isascii() and before.isalnum()) and not (
            after.isascii() and after.isalnum()
        )
    if ch in _MARKS:
        return bool(re.search(_RTL, text))
    return False


def _is_control(ch: str) -> bool:
    return ch < " " or "\x7f" <= ch <= "\x9f"


def _describe(ch: str) -> str:
    name = _NAMES.get(ch) or unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


@rule(
    "SL019",
    "suspicious-characters",
    Severity.WARNING,
    "Zero-width, bidirectional or C0/C1 control characters in a title, heading or URL.",
    fixable=True,
)
def suspicious_characters(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    seen: set[tuple[int, int]] = set()
    for line, start, end, what in _spans(ctx):
        text = lines[line][start:end]
        if text.isascii() and text.isprintable():
            continue
        suspicious = _suspicious()
        if not suspicious.search(text):
            continue
        for match in suspicious.finditer(text):
            index = match.start()
            column = start + index
            if (line, column) in seen or _legitimate(text, index):
                continue
            seen.add((line, column))
            ch = match.group()
            fix = None
            if ch in _REMOVABLE:
                # In a heading the character changes nothing a log means; in a title it is
                # part of the entry's text (its search and duplicate keys) and in a URL part of
                # the target, so removing it there waits for --unsafe-fixes.
                fix = Fix(
                    "remove the invisible character",
                    (ctx.replace(line, column, column + 1, ""),),
                    "safe" if what == "heading" else "unsafe",
                )
            if _is_control(ch):
                message = (
                    f"control character {_describe(ch)} in this {what}; delete it (it can "
                    "rewrite what a terminal shows, and breaks search and links)"
                )
            else:
                message = (
                    f"invisible character {_describe(ch)} in this {what}; delete it "
                    "(it breaks search, duplicate detection and links)"
                )
            yield ctx.report("suspicious-characters", line + 1, column + 1, message, fix=fix)


def _spans(ctx: LintContext) -> Iterator[tuple[int, int, int, str]]:
    """(0-based line, start, end, what) of every title, heading and URL in the file."""
    doc = ctx.doc
    for entry in doc.entries:
        line = entry.line - 1
        if entry.kind == "task":
            yield line, entry.marker_end, len(doc.lines[line]), "title"
        elif entry.row is not None and entry.table is not None:
            col = entry.table.title_col if entry.table.title_col is not None else 0
            if col < len(entry.row.cells):
                cell = entry.row.cells[col]
                yield line, cell.start, cell.end, "title"
    for section in doc.sections:
        if section.line >= 0:
            yield section.line, 0, len(doc.lines[section.line]), "heading"
    for link in doc.links:
        if link.offset >= 0:
            yield link.line - 1, link.column - 1, link.end_column - 1, "URL"
