"""Status edits: choose the marker a table already uses and replace that one span."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ..document.cells import split_row
from ..document.markers import DEFAULT_SPELLING, DEFAULT_VOCABULARY, Status, Vocabulary
from ..document.model import Cell, Document, Entry, Row
from ..document.query import find_entry
from ..errors import EditError, SafetyCheckError

ChangeKind = Literal["status", "add"]


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit did: the entry, where, and the text before and after."""

    kind: ChangeKind
    title: str
    line: int  # 1-based line of the changed or added entry
    old: str  # old marker ("" for an added entry)
    new: str  # new marker, or the added line
    old_status: Status | None
    new_status: Status

    @property
    def changed(self) -> bool:
        return self.kind == "add" or self.old != self.new

    def describe(self, path: str) -> str:
        """One line for people: ``FILE:64: U-Net: Convolutional Networks… ⬜ → ✅``."""
        title = self.title if len(self.title) <= 40 else self.title[:39].rstrip() + "…"
        if self.kind == "add":
            return f"{path}:{self.line}: added {title} ({self.new_status.value})"
        old = self.old or "(empty)"
        new = self.new or "(empty)"
        if not self.changed:
            return f"{path}:{self.line}: {title}: already {self.new_status.value} ({old})"
        return f"{path}:{self.line}: {title} {old} → {new}"


def _vocab(doc: Document) -> Vocabulary:
    return doc.vocabulary or DEFAULT_VOCABULARY


# -- choosing a marker --------------------------------------------------------------------------
def _spellings(
    entries: list[Entry], status: Status, kind: str, exclude: Entry | None = None
) -> Counter[str]:
    """How often each spelling of ``status`` is used (the entry being edited not counted)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        if entry is exclude:
            continue
        if entry.status is status and entry.kind == kind and entry.marker_line >= 0:
            marker = entry.marker
            if any(ch.isdigit() for ch in marker):
                continue  # a count such as "3/7" is not a spelling to copy
            counts[marker] += 1
    return counts


def choose_marker(doc: Document, entry: Entry, status: Status) -> str:
    """The marker this table (or file) already uses for ``status``; else the default."""
    if entry.kind == "task":
        if status is Status.DONE:
            counts = _spellings(doc.entries, Status.DONE, "task", entry)
            return counts.most_common(1)[0][0] if counts else "[x]"
        return "[ ]"
    if status is Status.UNKNOWN:
        raise EditError("cannot set an entry's status to 'unknown'")
    scopes: list[list[Entry] | None] = []
    if entry.table is not None:
        scopes.append(entry.table.entries)
    scopes.append(None)  # the whole file: listed only if the table has no spelling to copy,
    # so that an edit costs what its table costs, not what the file costs
    for scope in scopes:
        if scope is None:
            scope = [e for e in doc.entries if e.kind == "row"]
        counts = _spellings(scope, status, "row", entry)
        if counts:
            # Ties go to the spelling seen first, so the choice is stable.
            best = max(counts.values())
            for candidate in scope:
                if candidate is entry:
                    continue
                if candidate.status is status and counts.get(candidate.marker) == best:
                    return candidate.marker
    return DEFAULT_SPELLING[status]


# -- status changes -----------------------------------------------------------------------------
def toggle(
    doc: Document,
    query: str | None,
    *,
    to: Status | None = None,
    section: str | None = None,
    line: int | None = None,
) -> Change:
    """Flip done ↔ to do (in progress and unknown become done), or set ``to``.

    The entry is the one ``query`` names (title words or a URL), or the one on ``line``.
    """
    entry = find_entry(doc.entries, query, section=section, line=line)
    target = to if to is not None else (Status.TODO if entry.status is Status.DONE else Status.DONE)
    return set_status(doc, entry, target)


def set_status(doc: Document, entry: Entry, status: Status) -> Change:
    """Replace ``entry``'s marker so that it reads ``status``; nothing else changes."""
    if entry.marker_line < 0:
        raise EditError(
            f"line {entry.line}: this row has no status cell; add the missing cell "
            "(`studylog-md fix` adds empty cells) and try again"
        )
    new_marker = choose_marker(doc, entry, status)
    old_marker = entry.marker
    if new_marker == old_marker and entry.status is status:
        return Change(
            "status", entry.title, entry.line, old_marker, old_marker, entry.status, status
        )
    index = entry.marker_line
    line = doc.lines[index]
    start, end = entry.marker_start, entry.marker_end
    if not old_marker and not new_marker:
        return Change("status", entry.title, entry.line, "", "", entry.status, status)
    if not new_marker and entry.kind == "row" and entry.row is not None:
        # Removing a marker: take it out of the cell and keep the padding as it was around it.
        pass
    new_line = line[:start] + new_marker + line[end:]
    if entry.kind == "task":
        _check_task(line, new_line, entry, status)
        new_end = start + len(new_marker)
        doc.lines[index] = new_line
    else:
        row = _check_row(doc, entry, line, new_line, start, new_marker, status)
        doc.lines[index] = new_line
        assert entry.row is not None
        entry.row.cells[:] = row.cells
        new_end = start + len(new_marker)
    old_status = entry.status
    entry.marker = new_marker
    entry.status = status
    entry.marker_end = new_end
    if not new_marker and entry.kind == "row" and entry.row is not None:
        cell = entry.row.cells[entry.table.status_col] if entry.table else None  # type: ignore[index]
        if cell is not None:
            entry.marker_start = entry.marker_end = cell.raw_start + (
                1 if cell.raw_end > cell.raw_start else 0
            )
    _invalidate(doc)
    return Change("status", entry.title, entry.line, old_marker, new_marker, old_status, status)


def _invalidate(doc: Document) -> None:
    doc._offsets = None
    doc._links = None


def _bug(message: str) -> SafetyCheckError:
    return SafetyCheckError(
        f"safety check failed, nothing was written: {message}. This is a bug in studylog-md; "
        "please report it with the file"
    )


def _check_row(
    doc: Document,
    entry: Entry,
    old_line: str,
    new_line: str,
    start: int,
    new_marker: str,
    status: Status,
) -> Row:
    """Re-split and re-parse the edited row; confirm only the marker changed."""
    from ..document.parse import _is_status_header, parse_tokens

    table, row = entry.table, entry.row
    if table is None or row is None or table.status_col is None:
        raise _bug(f"line {entry.line} is not a table row")
    split = split_row(new_line, row.start)
    if len(split.cells) != len(row.cells):
        raise _bug(f"line {entry.line}: cell count changed ({len(row.cells)} → {len(split.cells)})")
    cells: list[Cell] = []
    for col, (old, span) in enumerate(zip(row.cells, split.cells)):
        text = new_line[span.start : span.end]
        if col != table.status_col and text != old.text:
            raise _bug(f"line {entry.line}: cell {col + 1} changed from {old.text!r} to {text!r}")
        cells.append(Cell(row.line, span.raw_start, span.raw_end, span.start, span.end, text))
    if (
        new_line[:start] != old_line[:start]
        or new_line[start + len(new_marker) :] != old_line[entry.marker_end :]
    ):
        raise _bug(f"line {entry.line}: bytes outside the marker changed")
    status_text = cells[table.status_col].text
    words = _is_status_header(table.header_text(table.status_col))
    reread = _vocab(doc).classify(status_text, words=words)
    if reread.status is not status:
        raise _bug(
            f"line {entry.line}: the new marker {new_marker!r} reads as {reread.status.value}, "
            f"not {status.value}"
        )
    # Re-parse the table's header, delimiter and the edited row: still one 3-line table?
    lines = doc.lines
    snippet = "\n".join(
        [
            lines[table.header.line][table.header.start :],
            lines[table.delimiter.line][table.delimiter.start :],
            new_line[row.start :],
        ]
    )
    tokens = parse_tokens(snippet, {})
    tables = [t for t in tokens if t.type == "table_open"]
    if len(tables) != 1 or tables[0].map != [0, 3]:
        raise _bug(f"line {entry.line}: the edited row no longer parses as a row of its table")
    return Row(row.line, cells, split.leading_pipe, split.trailing_pipe, split.start, split.end)


def _check_task(old_line: str, new_line: str, entry: Entry, status: Status) -> None:
    from ..document.parse import parse_tokens

    tokens = parse_tokens(new_line.lstrip(" \t>"), {})
    items = [t for t in tokens if t.type == "list_item_open" and t.meta.get("checked") is not None]
    if not items or items[-1].meta.get("checked") is not (status is Status.DONE):
        raise _bug(f"line {entry.line}: the edited task item does not read as {status.value}")
    if len(old_line) - (entry.marker_end - entry.marker_start) != len(new_line) - 3:
        raise _bug(f"line {entry.line}: bytes outside the checkbox changed")
