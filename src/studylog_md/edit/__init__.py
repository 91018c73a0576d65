"""Edits that touch only what they must: a status change, a new entry.

Every edit is a replacement of a span of the source, followed by a safety check that
re-parses what the edit touched and confirms that exactly the intended span changed and the
model is otherwise equal. A failed check raises :class:`SafetyCheckError` and leaves the
document as it was (nothing gets written): silent corruption is the one failure users never
forgive.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..document.cells import escape_cell, split_row
from ..document.markers import DEFAULT_SPELLING, DEFAULT_VOCABULARY, Status, Vocabulary
from ..document.model import Cell, Document, Entry, Row, Section, Table
from ..document.query import find_entry, normalize
from ..errors import EditError, SafetyCheckError


@dataclass(frozen=True, slots=True)
class Change:
    """What an edit did: the entry, where, and the text before and after."""

    kind: str  # "status" | "add"
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
    doc: Document, query: str, *, to: Status | None = None, section: str | None = None
) -> Change:
    """Flip done ↔ to do (in progress and unknown become done), or set ``to``."""
    entry = find_entry(doc.entries, query, section=section)
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


# -- adding entries -----------------------------------------------------------------------------
def _find_section(doc: Document, text: str) -> Section:
    wanted = normalize(text)
    sections = [s for s in doc.sections if s.level > 0]
    exact = [s for s in sections if normalize(s.title) == wanted]
    hits = exact or [s for s in sections if wanted in normalize(s.title)]
    if not hits:
        names = ", ".join(repr(s.title) for s in sections[:8])
        raise EditError(f"no heading contains {text!r}; headings are: {names}")
    if len(hits) > 1:
        where = "; ".join(f"line {s.line + 1}: {s.title!r}" for s in hits)
        raise EditError(f"{text!r} matches {len(hits)} headings ({where}); be more precise")
    return hits[0]


def _duplicate_of(doc: Document, title: str, url: str | None) -> Entry | None:
    key = normalize(title)
    canonical = None
    if url:
        from ..urls import canonical_url

        canonical = canonical_url(url)
    for entry in doc.entries:
        if key and normalize(entry.title) == key:
            return entry
        if canonical and entry.url:
            from ..urls import canonical_url

            if canonical_url(entry.url) == canonical:
                return entry
    return None


def _link_text(title: str) -> str:
    return title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def add_entry(
    doc: Document,
    section: str,
    title: str,
    *,
    url: str | None = None,
    status: Status = Status.TODO,
    notes: str | None = None,
    allow_duplicate: bool = False,
) -> Change:
    """Append an entry to the table (or task list) directly under the heading ``section``."""
    from ..document.parse import build

    title = " ".join(title.split())
    if not title:
        raise EditError("the title is empty")
    heading = _find_section(doc, section)
    if not allow_duplicate:
        dup = _duplicate_of(doc, title, url)
        if dup is not None:
            raise EditError(
                f"line {dup.line} already has {dup.title!r}"
                f"{' (' + dup.url + ')' if dup.url else ''}; use --allow-duplicate to add it anyway"
            )
    tables = [t for t in doc.tables if t.section is heading and t.is_log]
    tasks = [e for e in doc.entries if e.kind == "task" and e.section == heading.path]
    if tables:
        new_line, after = _new_row(doc, tables[-1], title, url, status, notes)
    elif tasks:
        new_line, after = _new_task(doc, tasks[-1], title, url, status)
    else:
        raise EditError(
            f"no study-log table or task list directly under {heading.title!r} "
            f"(line {heading.line + 1}); add a table first — creating tables is not this "
            "command's job"
        )
    before_entries = [(e.title, e.status, e.marker, e.url, e.section) for e in doc.entries]
    lines = list(doc.lines)
    endings = list(doc.endings)
    ending = endings[after] or doc.newline
    if not endings[after]:
        endings[after] = ending
        new_ending = ""
    else:
        new_ending = endings[after]
    lines.insert(after + 1, new_line)
    endings.insert(after + 1, new_ending)
    new_doc = build(lines, endings, bom=doc.bom, path=doc.path, vocabulary=doc.vocabulary)
    added = [e for e in new_doc.entries if e.line == after + 2]
    if len(added) != 1:
        raise _bug(f"the new line {after + 2} does not read as one entry")
    entry = added[0]
    rest = [
        (e.title, e.status, e.marker, e.url, e.section) for e in new_doc.entries if e is not entry
    ]
    if rest != before_entries:
        raise _bug("other entries changed when adding a line")
    if normalize(entry.title) != normalize(title) or entry.status is not status:
        raise _bug(
            f"the new entry reads as {entry.title!r} ({entry.status.value}), "
            f"not {title!r} ({status.value})"
        )
    # Adopt the new state (the document is edited in place, like a status change).
    for name in (
        "lines",
        "endings",
        "sections",
        "tables",
        "entries",
        "blocks",
        "references",
        "problems",
    ):
        setattr(doc, name, getattr(new_doc, name))
    _invalidate(doc)
    return Change("add", entry.title, entry.line, "", new_line, None, status)


def _new_row(
    doc: Document, table: Table, title: str, url: str | None, status: Status, notes: str | None
) -> tuple[str, int]:
    """A row in the style of the table's last row; returns (line text, index to insert after)."""
    model = table.rows[-1] if table.rows else table.header
    source = doc.lines[model.line]
    prefix = source[: model.start]
    columns = table.columns
    contents = [""] * columns
    title_col = table.title_col if table.title_col is not None else 0
    contents[title_col] = escape_cell(f"[{_link_text(title)}]({url})" if url else title)
    assert table.status_col is not None
    probe = Entry("", None, (), status, "", None, None, (), 0, 0, "row", table=table, row=model)
    contents[table.status_col] = escape_cell(choose_marker(doc, probe, status))
    if notes and table.notes_col is not None:
        contents[table.notes_col] = escape_cell(notes)
    parts: list[str] = []
    for col in range(columns):
        ref_row = next((r for r in reversed(table.rows) if col < len(r.cells)), table.header)
        ref_line = doc.lines[ref_row.line]
        cell = ref_row.cells[col] if col < len(ref_row.cells) else None
        if cell is None:
            parts.append(contents[col])
            continue
        raw = ref_line[cell.raw_start : cell.raw_end]
        if cell.start >= cell.end:  # an empty reference cell: keep its whitespace if we're empty
            if not contents[col]:
                parts.append(raw)
                continue
            lead = raw[:1] if raw else ""
            trail = raw[1:2] if len(raw) > 1 else ""
        else:
            lead = ref_line[cell.raw_start : cell.start]
            trail = ref_line[cell.end : cell.raw_end]
        parts.append(lead + contents[col] + trail if contents[col] else lead + trail)
    body = "|".join(parts)
    line = (
        prefix + ("|" if model.leading_pipe else "") + body + ("|" if model.trailing_pipe else "")
    )
    if not model.leading_pipe and not model.trailing_pipe and columns == 1:
        line = prefix + "|" + body + "|"
    return line, table.end_line - 1


def _new_task(
    doc: Document, last: Entry, title: str, url: str | None, status: Status
) -> tuple[str, int]:
    source = doc.lines[last.marker_line]
    marker = choose_marker(doc, last, status)
    text = f"[{_link_text(title)}]({url})" if url else title
    line = source[: last.marker_start] + marker + " " + text
    # Insert after the last task item and anything that belongs to it (its continuation lines).
    after = last.marker_line
    for block in doc.blocks:
        if block.start <= last.marker_line < block.end:
            after = max(after, block.end - 1)
    return line, after
