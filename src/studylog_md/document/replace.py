"""The one primitive every edit is made of: replace a span of the document's text."""

from __future__ import annotations

from typing import NamedTuple


class Replacement(NamedTuple):
    """Replace ``text[start:end]`` of ``Document.dumps()`` (BOM excluded) with ``new``."""

    start: int
    end: int
    new: str


def apply_replacements(text: str, replacements: list[Replacement] | tuple[Replacement, ...]) -> str:
    """Apply non-overlapping replacements; raises ``ValueError`` when two overlap."""
    ordered = sorted(replacements)
    parts: list[str] = []
    pos = 0
    for rep in ordered:
        if rep.start < pos or rep.end < rep.start or rep.end > len(text):
            raise ValueError(f"overlapping or out-of-range replacement {rep!r}")
        parts.append(text[pos : rep.start])
        parts.append(rep.new)
        pos = rep.end
    parts.append(text[pos:])
    return "".join(parts)
