"""Inline comments that turn rules off for part of a file.

``<!-- studylog-md-disable RULE[, RULE] -->`` ... ``<!-- studylog-md-enable RULE -->`` (no
rule: every rule), ``<!-- studylog-md-disable-next-line RULE -->``,
``<!-- studylog-md-disable-line RULE -->`` and ``<!-- studylog-md-disable-file RULE -->``.
Rules are named by name or code. Comments inside code blocks are examples, not directives.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document

# Compiled on first use (by ``re``'s own cache): most files have no directive at all.
_DIRECTIVE = (
    r"<!--\s*studylog-md-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->"
)
_SEPARATOR = r"[\s,]+"
ALL = "*"


class Suppressions:
    """The disable/enable comments of one document, ready to answer "is this finding off?"."""

    __slots__ = ("events", "lines", "whole_file")

    def __init__(
        self,
        whole_file: set[str] | None = None,
        events: list[tuple[int, bool, frozenset[str]]] | None = None,
        lines: dict[int, set[str]] | None = None,
    ) -> None:
        self.whole_file: set[str] = set() if whole_file is None else whole_file
        # (1-based line, disable?, rule names or {ALL}) in file order
        self.events: list[tuple[int, bool, frozenset[str]]] = [] if events is None else events
        self.lines: dict[int, set[str]] = {} if lines is None else lines

    def __repr__(self) -> str:
        return (
            f"Suppressions(whole_file={self.whole_file!r}, events={self.events!r}, "
            f"lines={self.lines!r})"
        )

    @classmethod
    def scan(cls, doc: Document, resolve: Callable[[str], str | None]) -> Suppressions:
        """Read the directives of ``doc``; ``resolve`` maps a name or code to a rule name."""
        found = cls()
        code_lines = [
            (block.start, block.end) for block in doc.blocks if block.kind in ("fence", "code")
        ]
        for index, line in enumerate(doc.lines):
            if "studylog-md-" not in line:
                continue
            if any(start <= index < end for start, end in code_lines):
                continue
            for match in re.finditer(_DIRECTIVE, line):
                kind = match.group(1)
                names = _names(match.group(2), resolve)
                number = index + 1
                if kind == "disable-file":
                    found.whole_file |= names
                elif kind == "disable-line":
                    found.lines.setdefault(number, set()).update(names)
                elif kind == "disable-next-line":
                    found.lines.setdefault(number + 1, set()).update(names)
                else:
                    found.events.append((number, kind == "disable", frozenset(names)))
        return found

    def file_disabled(self, rule: str) -> bool:
        """Whether ``rule`` is off for the whole file."""
        return ALL in self.whole_file or rule in self.whole_file

    def disabled(self, rule: str, line: int) -> bool:
        """Whether a finding of ``rule`` on 1-based ``line`` is turned off."""
        if self.file_disabled(rule):
            return True
        on_line = self.lines.get(line)
        if on_line is not None and (ALL in on_line or rule in on_line):
            return True
        off = False
        for at, disable, names in self.events:
            if at > line:
                break
            if ALL in names or rule in names:
                off = disable
        return off

    def __bool__(self) -> bool:
        return bool(self.whole_file or self.events or self.lines)


def _names(text: str, resolve: Callable[[str], str | None]) -> set[str]:
    keys = [key for key in re.split(_SEPARATOR, text.strip()) if key]
    if not keys:
        return {ALL}
    names: set[str] = set()
    for key in keys:
        name = resolve(key)
        if name is not None:
            names.add(name)
    return names
