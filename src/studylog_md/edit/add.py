"""Adding an entry in its neighbours' style, refused when the resource is already there."""

from __future__ import annotations

from ..document import _inline
from ..document.cells import escape_cell
from ..document.markers import Status
from ..document.model import Document, Entry, Section, Table
from ..document.query import normalize
from ..document.replace import Replacement
from ..document.titles import clean, may_change
from ..errors import EditError
from .apply import apply_edit
from .status import Change, choose_marker
from .verify import Declaration, Expect


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


def _duplicate_of(
    doc: Document, title: str, url: str | None, section: tuple[str, ...]
) -> Entry | None:
    """The entry that already lists this resource (:mod:`studylog_md.document.identity`)."""
    from ..document.identity import find_duplicate

    return find_duplicate(doc.entries, title, url, section)


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
    title = " ".join(title.split())
    if not title:
        raise EditError("the title is empty")
    if url is not None:
        _check_url(url)
    heading = _find_section(doc, section)
    if not allow_duplicate:
        dup = _duplicate_of(doc, title, url, heading.path)
        if dup is not None:
            raise EditError(
                f"line {dup.line} already has {dup.title!r}"
                f"{' (' + dup.url + ')' if dup.url else ''}; use --allow-duplicate to add it anyway"
            )
    tables = [t for t in doc.tables if t.section is heading and t.is_log]
    tasks = [e for e in doc.entries if e.kind == "task" and e.section == heading.path]
    if tables:
        table = tables[-1]
        if notes and table.notes_col is None:
            # Dropping the notes silently would lose what the user typed.
            columns = ", ".join(repr(table.header_text(col)) for col in range(table.columns))
            raise EditError(
                f"the table under {heading.title!r} has no notes column (its columns: "
                f"{columns}); add one, or leave out the notes"
            )
        new_line, after = _new_row(doc, table, title, url, status, notes)
    elif tasks:
        if notes:
            raise EditError(
                f"the task list under {heading.title!r} has no notes column; leave out the notes"
            )
        new_line, after = _new_task(doc, tasks[-1], title, url, status)
    else:
        raise EditError(
            f"no study-log table or task list directly under {heading.title!r} "
            f"(line {heading.line + 1}); add a table first — creating tables is not this "
            "command's job"
        )
    if after + 1 < len(doc.lines) or doc.endings[after]:
        # The new line takes the ending of the line it follows and goes right after it.
        at = doc.line_offset(after + 1)
        text = new_line + (doc.endings[after] or doc.newline)
    else:  # after the last line of a file without a final newline
        at = doc.line_offset(after + 1)
        text = doc.newline + new_line
    expect = Expect(
        title=_expected_title(new_line, tables, doc),
        status=status,
        urls=(url,) if url else (),
    )
    apply_edit(doc, Declaration((Replacement(at, at, text),), added=(expect,)))
    return Change("add", expect.title or title, after + 2, "", new_line, None, status)


def _check_url(url: str) -> None:
    """Refuse a URL that does not read back as itself inside ``[title](url)``.

    Spaces, unbalanced parentheses and character references change what GitHub links to;
    writing such a link would make a different (or no) link than the one asked for.
    """
    links = _inline.scan(f"[x]({url})").links
    if not url or len(links) != 1 or links[0].url != url:
        raise EditError(
            f"the URL {url!r} does not survive as a Markdown link as written (spaces, "
            "unbalanced parentheses or character references); percent-encode them "
            "(space → %20, ( → %28, ) → %29, & → %26) and try again"
        )


def _expected_title(line: str, tables: list[Table], doc: Document) -> str:
    """The title the new line must read as, found the way the parser finds it."""
    if tables:
        from ..document.cells import split_row

        table = tables[-1]
        model = table.rows[-1] if table.rows else table.header
        cells = split_row(line, model.start).cells
        span = cells[table.title_col if table.title_col is not None else 0]
        # GFM turns "\|" into "|" before inline parsing (as parse.py does for title cells).
        text = line[span.start : span.end].replace("\\|", "|")
    else:
        text = line[line.index("]") + 1 :].strip(" \t")
    plain = _inline.scan(text, doc.references).text
    # As the parser reads it: a trailing duration ("Intro (12:30)") is the entry's duration.
    return clean(plain).text if may_change(plain) else plain


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
