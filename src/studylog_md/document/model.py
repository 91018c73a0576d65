"""The typed model of a study log: document → sections → tables → rows → cells, and entries.

Every position refers back to the source: line indexes are 0-based inside the model and shown
1-based to users (``Entry.line``, ``Link.line``). Columns count characters of the decoded line.
The :class:`Document` owns the source lines; everything else is a view onto them, so writing an
unedited document gives back the exact bytes it was read from.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal, NamedTuple

from . import _lines
from ._inline import InlineScan, LinkKind
from .markers import Status, Vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from ..edit import Change


# Public records are plain classes with __slots__ and a written __init__: they do not compare
# equal to plain tuples (a NamedTuple does, and its field order would be API), and they cost
# next to nothing to define. Not dataclasses: the pre-commit hook imports this module on every
# commit, and ``dataclasses`` compiles every generated method when the class is created:
# 0.4-0.8 ms a class (a NamedTuple costs about 0.2 ms, a plain class 0.01 ms). Records that
# never change after parsing (Section, Cell, Row, Link) compare by value and hash; the ones an
# edit re-derives (Table, Entry, Document) compare by identity.
class _Record:
    """Value equality and a repr from ``__slots__``, for the immutable public records."""

    __slots__: tuple[str, ...] = ()

    def _key(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"


class Section(_Record):
    """A heading and what follows it up to the next heading of the same or a higher level."""

    __slots__ = ("level", "line", "path", "raw", "title")

    def __init__(
        self,
        path: tuple[str, ...],  # heading texts, outermost first
        level: int,  # 1-6; 0 for the part of the file before the first heading
        line: int,  # 0-based line of the heading; -1 for the preamble
        title: str,  # plain text of the heading
        raw: str = "",  # the heading's inline Markdown (for slugs and links)
    ) -> None:
        self.path = path
        self.level = level
        self.line = line
        self.title = title
        self.raw = raw

    @property
    def display(self) -> str:
        return " > ".join(self.path) if self.path else "(top of file)"


class Cell(_Record):
    """One cell: ``raw_start:raw_end`` is between the pipes, ``start:end`` without padding."""

    __slots__ = ("end", "line", "raw_end", "raw_start", "start", "text")

    def __init__(
        self,
        line: int,
        raw_start: int,
        raw_end: int,
        start: int,
        end: int,
        text: str,  # the content's source text (padding excluded, escapes kept)
    ) -> None:
        self.line = line
        self.raw_start = raw_start
        self.raw_end = raw_end
        self.start = start
        self.end = end
        self.text = text

    @property
    def column(self) -> int:
        """1-based column of the content (of the cell, when empty)."""
        return (self.start if self.start < self.raw_end else self.raw_start) + 1


class Row(_Record):
    """A table row as written: its cells, and whether it has outer pipes."""

    __slots__ = ("cells", "end", "leading_pipe", "line", "start", "trailing_pipe")

    def __init__(
        self,
        line: int,
        cells: tuple[Cell, ...],
        leading_pipe: bool,
        trailing_pipe: bool,
        start: int,  # column where the row begins (after indentation or a container's prefix)
        end: int,  # column where it ends (trailing whitespace excluded)
    ) -> None:
        self.line = line
        self.cells = cells
        self.leading_pipe = leading_pipe
        self.trailing_pipe = trailing_pipe
        self.start = start
        self.end = end


ColumnRole = Literal["title", "status", "notes", "category"]


class Table:
    """A GFM pipe table. ``status_col`` is None for tables that are not study-log tables."""

    __slots__ = (
        "alignments",
        "category_col",
        "container",
        "delimiter",
        "entries",
        "header",
        "legend",
        "link_col",
        "notes_col",
        "reason",
        "rows",
        "section",
        "status_col",
        "title_col",
    )

    def __init__(
        self,
        section: Section,
        header: Row,
        delimiter: Row,
        rows: list[Row],
        alignments: list[str],  # "left" | "right" | "center" | "" per header column
        title_col: int | None = None,
        status_col: int | None = None,
        notes_col: int | None = None,
        category_col: int | None = None,
        container: str = "",  # "" | "blockquote" | "list": tables in containers are editable
        entries: list[Entry] | None = None,
    ) -> None:
        self.section = section
        self.header = header
        self.delimiter = delimiter
        self.rows = rows
        self.alignments = alignments
        self.title_col = title_col
        self.status_col = status_col
        self.notes_col = notes_col
        self.category_col = category_col
        self.container = container
        self.entries: list[Entry] = [] if entries is None else entries
        # A column of links that is not the title ("Day | Topic | [View](url)"): where an
        # entry's URL comes from when its title cell has none.
        self.link_col: int | None = None
        # Why a table yields no entries (None for a log): "a legend", "no status column
        # found"... shown by ``list --explain`` and the ``table-not-a-log`` finding.
        self.reason: str | None = None
        # For a legend table: the symbols it explains and what they mean.
        self.legend: dict[str, Status] | None = None

    def __repr__(self) -> str:
        return f"Table(line={self.start_line + 1}, rows={len(self.rows)}, log={self.is_log})"

    @property
    def columns(self) -> int:
        return len(self.header.cells)

    @property
    def start_line(self) -> int:
        return self.header.line

    @property
    def end_line(self) -> int:
        """0-based line after the table."""
        return (self.rows[-1].line if self.rows else self.delimiter.line) + 1

    @property
    def is_log(self) -> bool:
        """Whether the table tracks progress (it has a status column)."""
        return self.status_col is not None

    def header_text(self, col: int) -> str:
        cells = self.header.cells
        return cells[col].text if col < len(cells) else ""


class Link(_Record):
    """A link in the document. ``line``/``column`` are 1-based and point at the URL."""

    __slots__ = (
        "column",
        "end_column",
        "end_offset",
        "image",
        "kind",
        "line",
        "offset",
        "text",
        "url",
    )

    def __init__(
        self,
        text: str,
        url: str,
        line: int,
        column: int,
        end_column: int,
        image: bool = False,
        kind: LinkKind = "inline",
        offset: int = -1,  # offset of the URL in ``Document.dumps()``; -1: not in the source
        end_offset: int = -1,
    ) -> None:
        self.text = text
        self.url = url
        self.line = line
        self.column = column
        self.end_column = end_column
        self.image = image
        self.kind = kind
        self.offset = offset
        self.end_offset = end_offset


EntryKind = Literal["row", "task"]
BlockKind = Literal[
    "paragraph", "heading", "table", "fence", "code", "html", "hr", "front_matter", "list", "quote"
]


class Entry:
    """A resource being tracked: a row of a study-log table, or a task-list item.

    ``marker_line``/``marker_start``/``marker_end`` say where the marker is (0-based line,
    columns): what a status change replaces. For an empty status cell the span is empty and
    sits where a marker would be inserted; -1: no cell.
    """

    __slots__ = (
        "category",
        "column",
        "duration",
        "kind",
        "line",
        "links",
        "marker",
        "marker_end",
        "marker_line",
        "marker_start",
        "notes",
        "origin",
        "raw_title",
        "row",
        "section",
        "status",
        "status_reason",
        "table",
        "title",
        "url",
    )

    def __init__(
        self,
        title: str,
        url: str | None,
        links: tuple[Link, ...],
        status: Status,
        marker: str,  # the exact source text of the marker ("" for an empty status cell)
        notes: str | None,
        category: str | None,
        section: tuple[str, ...],
        line: int,  # 1-based
        column: int,  # 1-based column of the title
        kind: EntryKind = "row",
        table: Table | None = None,
        row: Row | None = None,
        marker_line: int = -1,
        marker_start: int = -1,
        marker_end: int = -1,
        raw_title: str = "",  # the title cell's Markdown
        duration: str | None = None,  # "12:30", "45 min", "4 videos" taken off the title
        status_reason: str | None = None,  # why the status reads as it does, when not obvious
    ) -> None:
        self.title = title
        self.url = url
        self.links = links
        self.status = status
        self.marker = marker
        self.notes = notes
        self.category = category
        self.section = section
        self.line = line
        self.column = column
        self.kind: EntryKind = kind
        self.table = table
        self.row = row
        self.marker_line = marker_line
        self.marker_start = marker_start
        self.marker_end = marker_end
        self.raw_title = raw_title
        # The parse that made this entry (set by the parser): an edit re-derives the document,
        # and an entry of an older parse (or of another document) must not be edited.
        self.origin: Derived | None = None
        self.duration = duration
        self.status_reason = status_reason

    def __repr__(self) -> str:
        return f"Entry({self.title!r}, status={self.status.value}, line={self.line})"

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of ``studylog-md list --format json``."""
        return {
            "title": self.title,
            "url": self.url,
            "status": self.status.value,
            "marker": self.marker,
            "line": self.line,
            "column": self.column,
            "section": list(self.section),
            "category": self.category,
            "notes": self.notes,
            "kind": self.kind,
            "links": [link.url for link in self.links],
            "duration": self.duration,
            "status_reason": self.status_reason,
        }


class Block(NamedTuple):
    """A leaf block as markdown-it-py saw it (0-based lines, end exclusive)."""

    kind: BlockKind
    start: int
    end: int


class ParseProblem(NamedTuple):
    """Something the parser could not read (content it skipped, caps it hit)."""

    line: int  # 1-based
    message: str
    rule: str = "parse-truncated"


class Derived:
    """Everything one parse derives from a text: the lines and the model built on them.

    A :class:`Document` holds one at a time. An edit parses the edited text into a new one
    and, once the result is verified, the document takes it over whole (``Document._adopt``):
    nothing is patched in place, so no offset or cache can outlive the text it was computed
    from. Entries point back at the parse that made them (``Entry.origin``).
    """

    __slots__ = (
        "blocks",
        "endings",
        "entries",
        "lines",
        "links",
        "offsets",
        "owner",
        "problems",
        "references",
        "scans",
        "sections",
        "tables",
    )

    def __init__(self, lines: list[str], endings: list[str]) -> None:
        self.lines = lines
        self.endings = endings
        self.sections: list[Section] = []
        self.tables: list[Table] = []
        self.entries: list[Entry] = []
        self.blocks: list[Block] = []
        self.references: dict[str, str] = {}
        self.problems: list[ParseProblem] = []
        self.offsets: list[int] | None = None
        self.links: list[Link] | None = None
        self.owner: Document | None = None
        # Inline scans of cell and item texts by text, shared with the next parse after an
        # edit (see parse.build's ``previous``).
        self.scans: dict[str, InlineScan] = {}


class Document:
    """A parsed study log. Build it with :func:`studylog_md.load` or :func:`studylog_md.loads`."""

    __slots__ = ("_state", "bom", "path", "snapshot", "vocabulary")

    def __init__(
        self,
        lines: list[str],
        endings: list[str],
        bom: bool = False,
        path: str | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.bom = bom
        self.path = path
        self.vocabulary = vocabulary
        self.snapshot: object | None = None  # the safe_write.Snapshot it was read from
        self._state = Derived(lines, endings)
        self._state.owner = self

    # The parsed state, one attribute each (read-only: an edit replaces the whole state).
    @property
    def lines(self) -> list[str]:
        return self._state.lines

    @property
    def endings(self) -> list[str]:
        return self._state.endings

    @property
    def sections(self) -> list[Section]:
        return self._state.sections

    @property
    def tables(self) -> list[Table]:
        return self._state.tables

    @property
    def entries(self) -> list[Entry]:
        return self._state.entries

    @property
    def blocks(self) -> list[Block]:
        return self._state.blocks

    @property
    def references(self) -> dict[str, str]:
        return self._state.references

    @property
    def problems(self) -> list[ParseProblem]:
        return self._state.problems

    @property
    def generation(self) -> Derived:
        """The current parse: entries whose ``origin`` is not this one are stale."""
        return self._state

    def _adopt(self, other: Document) -> None:
        """Take over ``other``'s parse (the re-parse of an edited, verified text)."""
        state = other._state
        state.owner = self
        self._state = state

    def __repr__(self) -> str:
        where = f"{self.path!r}, " if self.path else ""
        return f"Document({where}{len(self.lines)} lines, {len(self.entries)} entries)"

    # -- bytes ----------------------------------------------------------------------------
    def dumps(self) -> str:
        """The document's text (without the BOM): identical to the input when unedited."""
        return "".join([line + ending for line, ending in zip(self.lines, self.endings)])

    def to_bytes(self) -> bytes:
        """The document as bytes: BOM, line endings and undecodable bytes as they were read."""
        return _lines.encode(self.dumps(), self.bom)

    @property
    def final_newline(self) -> bool:
        return bool(self.endings) and self.endings[-1] != ""

    @property
    def newline(self) -> str:
        """The file's dominant line ending."""
        return _lines.dominant_newline(self.endings)

    def line_offset(self, index: int) -> int:
        """Offset of 0-based line ``index`` in :meth:`dumps` (of the unedited text)."""
        state = self._state
        if state.offsets is None:
            offsets = [0]
            total = 0
            for line, ending in zip(state.lines, state.endings):
                total += len(line) + len(ending)
                offsets.append(total)
            state.offsets = offsets
        return state.offsets[index]

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of an offset in the unedited text."""
        import bisect

        self.line_offset(0)
        offsets = self._state.offsets
        assert offsets is not None
        line = bisect.bisect_right(offsets, offset) - 1
        line = min(max(line, 0), max(len(self.lines) - 1, 0))
        return line, offset - offsets[line]

    # -- structure ------------------------------------------------------------------------
    @property
    def links(self) -> list[Link]:
        """Every link in the file outside code (tables, paragraphs, headings, HTML)."""
        state = self._state
        if state.links is None:
            from .parse import collect_links

            state.links = collect_links(self)
        return state.links

    @property
    def invalid_utf8(self) -> list[tuple[int, int, int]]:
        """Undecodable bytes as ``(line, column, count)``, 1-based line and column."""
        return [(i + 1, c + 1, n) for i, c, n in _lines.invalid_positions(self.lines)]

    def find(self, query: str, section: str | None = None, *, line: int | None = None) -> Entry:
        """The one entry ``query`` (a title or a URL) names; raises ``NotFound`` or
        ``AmbiguousQuery``."""
        from .query import find_entry

        return find_entry(self.entries, query, section=section, line=line)

    # -- edits: the one allowed cycle (document -> edit, io); see docs/architecture.md ------

    def set_status(self, entry: Entry, status: Status) -> Change:
        """Change ``entry``'s marker in place; nothing else in the file moves."""
        from ..edit import set_status

        return set_status(self, entry, status)

    def toggle(
        self,
        query: str | None,
        *,
        to: Status | None = None,
        section: str | None = None,
        line: int | None = None,
    ) -> Change:
        """Flip (or set, with ``to``) the status of the one entry ``query`` (or ``line``) names."""
        from ..edit import toggle

        return toggle(self, query, to=to, section=section, line=line)

    def add_entry(
        self,
        section: str,
        title: str,
        url: str | None = None,
        status: Status = Status.TODO,
        notes: str | None = None,
        *,
        allow_duplicate: bool = False,
    ) -> Change:
        """Append an entry to the table (or task list) directly under ``section``."""
        from ..edit import add_entry

        return add_entry(
            self,
            section,
            title,
            url=url,
            status=status,
            notes=notes,
            allow_duplicate=allow_duplicate,
        )

    def save(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Write the document atomically; returns False when the bytes did not change."""
        from ..io import save

        return save(self, path)
