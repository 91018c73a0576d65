"""Progress counts: totals and per-section tallies, and the self-updating summary block.

Counting is pure: it takes entries (anything with ``section``, ``status`` and ``line``) and
returns frozen dataclasses that the CLI prints, :mod:`.svg` draws and :mod:`.badge` summarises.

The summary block lives between two HTML comments on their own lines::

    <!-- studylog-md:stats -->
    <!-- /studylog-md:stats -->

:func:`render_block` fills it with a small Markdown table; :func:`update_block` rewrites only
the lines between the markers, so no byte outside the block ever changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from ..document.markers import Status
from ..document.replace import Replacement, apply_replacements
from ..errors import UserError
from .block import END_MARKER, START_MARKER, counted_entries, find_blocks

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document

GroupBy = Literal["leaf", "top"]

BAR_FULL = "█"
BAR_EMPTY = "░"
BLOCK_BAR_WIDTH = 10


class _EntryLike(Protocol):
    @property
    def section(self) -> tuple[str, ...]: ...

    @property
    def status(self) -> Status: ...

    @property
    def line(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Counts:
    """How many entries are done, to do, in progress and of unknown status."""

    done: int = 0
    todo: int = 0
    in_progress: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.done + self.todo + self.in_progress + self.unknown

    @property
    def fraction(self) -> float:
        """Done / total, 0.0 when there is nothing to count."""
        return self.done / self.total if self.total else 0.0

    @property
    def percent(self) -> float:
        """Done as a percentage rounded to one decimal (28.2 for 11 of 39)."""
        return round(100.0 * self.fraction, 1)

    @property
    def whole_percent(self) -> int:
        """Done as a whole percentage, rounded down so that 99.6 % never shows as 100 %."""
        return (100 * self.done) // self.total if self.total else 0

    def add(self, status: Status) -> Counts:
        """These counts plus one entry of ``status``."""
        return self + _ONE[status]

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.done + other.done,
            self.todo + other.todo,
            self.in_progress + other.in_progress,
            self.unknown + other.unknown,
        )

    def to_dict(self) -> dict[str, int | float]:
        """The counts in the JSON shape of ``studylog-md stats --format json``."""
        return {
            "total": self.total,
            "done": self.done,
            "todo": self.todo,
            "in_progress": self.in_progress,
            "unknown": self.unknown,
            "percent": self.percent,
        }


_ONE = {
    Status.DONE: Counts(done=1),
    Status.TODO: Counts(todo=1),
    Status.IN_PROGRESS: Counts(in_progress=1),
    Status.UNKNOWN: Counts(unknown=1),
}


@dataclass(frozen=True, slots=True)
class SectionStats:
    """The counts of one section (a heading path) of one file."""

    section: tuple[str, ...]
    counts: Counts
    file: str | None = None

    @property
    def label(self) -> str:
        """The heading path for people: ``Foundations › Programming``."""
        return " › ".join(self.section) if self.section else "(top of file)"

    def to_dict(self) -> dict[str, object]:
        return {"section": list(self.section), "file": self.file, **self.counts.to_dict()}


@dataclass(frozen=True, slots=True)
class FileStats:
    """The counts of one file and of its sections, in document order."""

    file: str | None
    counts: Counts
    sections: tuple[SectionStats, ...]

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, **self.counts.to_dict()}


@dataclass(frozen=True, slots=True)
class Report:
    """Progress over one run: every file's sections, added up."""

    files: tuple[FileStats, ...] = ()
    counts: Counts = field(default_factory=Counts)

    @property
    def sections(self) -> tuple[SectionStats, ...]:
        return tuple(s for f in self.files for s in f.sections)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``studylog-md stats --format json``."""
        return {
            **self.counts.to_dict(),
            "files": [f.to_dict() for f in self.files],
            "sections": [s.to_dict() for s in self.sections],
        }


def group_key(section: tuple[str, ...], common: int, by: GroupBy) -> tuple[str, ...]:
    """The heading path an entry is counted under.

    ``leaf`` counts an entry under its own (innermost) heading. ``top`` counts it under the
    outermost heading that tells the file's parts apart: headings every entry shares (the
    ``common`` first ones, typically a document title such as ``# Study Log``) are kept, and
    the next level decides the group.
    """
    if by == "leaf":
        return section
    return section[: common + 1]


def _common_prefix(paths: Sequence[tuple[str, ...]]) -> int:
    if not paths:
        return 0
    first = paths[0]
    length = min(len(p) for p in paths)
    for index in range(length):
        if any(p[index] != first[index] for p in paths):
            return index
    return length


def count_entries(
    entries: Iterable[_EntryLike], *, by: GroupBy = "leaf", file: str | None = None
) -> FileStats:
    """Count ``entries`` per section (sections in order of their first entry)."""
    items = list(entries)
    common = _common_prefix([e.section for e in items])
    groups: dict[tuple[str, ...], Counts] = {}
    total = Counts()
    for entry in items:
        key = group_key(entry.section, common, by)
        groups[key] = groups.get(key, Counts()).add(entry.status)
        total = total.add(entry.status)
    sections = tuple(SectionStats(key, counts, file) for key, counts in groups.items())
    return FileStats(file, total, sections)


def file_stats(doc: Document, *, by: GroupBy = "leaf", file: str | None = None) -> FileStats:
    """Count one parsed document."""
    return count_entries(counted_entries(doc), by=by, file=file if file is not None else doc.path)


def combine(files: Sequence[FileStats]) -> Report:
    """Add several files up into one report."""
    total = Counts()
    for item in files:
        total = total + item.counts
    return Report(tuple(files), total)


# -- bars -------------------------------------------------------------------------------------


def bar(counts: Counts, width: int) -> str:
    """A text progress bar: ``████░░░░░░`` for 40 % at width 10.

    Cells are rounded down so that a bar is only full when everything is done.
    """
    filled = (counts.done * width) // counts.total if counts.total else 0
    return BAR_FULL * filled + BAR_EMPTY * (width - filled)


# -- the summary block ------------------------------------------------------------------------


def render_block(stats: FileStats, newline: str = "\n", indent: str = "") -> str:
    """The block's content: a blank line, a Markdown table, a blank line (each line ended).

    The blank lines keep the table a table on every renderer: without them the HTML comment
    above or below could be read as part of it. ``indent`` (the start marker's own) keeps a
    block inside a list item inside it.
    """
    rows = ["| Section | Done | Progress |", "| --- | ---: | --- |"]
    for section in stats.sections:
        rows.append(_block_row(_escape_cell(section.label), section.counts))
    rows.append(_block_row("**Total**", stats.counts, bold=True))
    return newline + newline.join(indent + row for row in rows) + newline + newline


def _block_row(label: str, counts: Counts, *, bold: bool = False) -> str:
    done = f"{counts.done}/{counts.total}"
    if bold:
        done = f"**{done}**"
    progress = f"{bar(counts, BLOCK_BAR_WIDTH)} {counts.whole_percent}%"
    return f"| {label} | {done} | {progress} |"


def _escape_cell(text: str) -> str:
    # A pipe would split the cell; a backslash before it escapes it in GFM tables.
    return text.replace("\\", "\\\\").replace("|", "\\|")


@dataclass(frozen=True, slots=True)
class BlockUpdate:
    """The result of filling a document's summary blocks."""

    text: str  # the whole new text (BOM excluded)
    changed: bool
    blocks: int  # how many blocks were found
    replacements: tuple[Replacement, ...] = ()  # what changed, for the write's safety check


def update_block(doc: Document, *, by: GroupBy = "leaf") -> BlockUpdate:
    """Fill every summary block of ``doc`` with its current counts.

    Raises :class:`UserError` when the document has no block. Only the lines strictly between
    the markers are replaced, with the file's own line ending.
    """
    spans = find_blocks(doc)
    if not spans:
        raise UserError(missing_block_message(doc.path))
    stats = file_stats(doc, by=by)
    original = doc.dumps()
    replacements = []
    for start, end in spans:
        marker = doc.lines[start]
        indent = marker[: len(marker) - len(marker.lstrip())]
        content = render_block(stats, doc.newline, indent)
        replacements.append(Replacement(doc.line_offset(start + 1), doc.line_offset(end), content))
    text = apply_replacements(original, replacements)
    return BlockUpdate(text, text != original, len(spans), tuple(replacements))


def missing_block_message(path: str | None) -> str:
    """How to add a summary block, for a file that has none."""
    where = f"{path} has" if path else "the file has"
    return (
        f"{where} no summary block. Add these two lines where the table should go, "
        f"each on its own line, then run the command again:\n  {START_MARKER}\n  {END_MARKER}"
    )


# -- text width -------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, emoji) characters count two."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or char in "\u200d\ufe0e\ufe0f":
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, ending in ``…`` when something was cut."""
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        step = display_width(char)
        if used + step > width - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept).rstrip() + "…"
