"""Where our own summary blocks are: the lines between two HTML comments on their own lines::

    <!-- studylog-md:stats -->
    <!-- /studylog-md:stats -->

The markers are defined once, in :mod:`studylog_md.document.parse` (which must not read the
block's table as a log). :mod:`.stats` renders the block; this module only finds it, so that
counting and history can leave our own output out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document.parse import GENERATED_END as END_MARKER
from ..document.parse import GENERATED_START as START_MARKER
from ..errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document, Entry

__all__ = ["END_MARKER", "START_MARKER", "counted_entries", "find_blocks"]

# Blocks whose lines markdown-it-py reads literally: a marker shown there is an example in the
# documentation, not a place to write.
_LITERAL_BLOCKS = frozenset({"fence", "code"})


def find_blocks(doc: Document, *, strict: bool = True) -> list[tuple[int, int]]:
    """The summary blocks of ``doc`` as ``(start_marker_line, end_marker_line)``, 0-based.

    Markers count only on their own line (surrounding spaces allowed) and outside fenced or
    indented code, so documentation that shows the markers is left alone. With ``strict``, a
    start without an end (or an end without a start) raises :class:`UserError`; otherwise such
    markers are ignored.
    """
    literal = [(b.start, b.end) for b in doc.blocks if b.kind in _LITERAL_BLOCKS]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate(doc.lines):
        text = line.strip()
        if text not in (START_MARKER, END_MARKER):
            continue
        if any(s <= index < e for s, e in literal):
            continue
        if text == START_MARKER:
            if start is not None and strict:
                raise UserError(
                    f"{_where(doc, start)}a second {START_MARKER} before its "
                    f"{END_MARKER}; close each block before opening the next"
                )
            start = index
        elif start is None:
            if strict:
                raise UserError(f"{_where(doc, index)}{END_MARKER} without a {START_MARKER} above")
        else:
            spans.append((start, index))
            start = None
    if start is not None and strict:
        raise UserError(
            f"{_where(doc, start)}{START_MARKER} is never closed; add a line {END_MARKER} below it"
        )
    return spans


def _where(doc: Document, index: int) -> str:
    return f"{doc.path or '<string>'}:{index + 1}: "


def counted_entries(doc: Document) -> list[Entry]:
    """The document's entries, minus anything inside a summary block (our own output)."""
    spans = find_blocks(doc, strict=False)
    if not spans:
        return list(doc.entries)
    # Entry.line is 1-based; spans are 0-based marker lines.
    return [e for e in doc.entries if not any(s < e.line - 1 < t for s, t in spans)]
