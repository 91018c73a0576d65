"""What an editor shows about a study log: outline, code lenses, hover, marker completion."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from lsprotocol import types

from .diagnostics import to_range
from .snapshot import Snapshot

if TYPE_CHECKING:  # pragma: no cover
    from .. import Entry, Section

_STATUS_WORDS = {
    "done": "done",
    "todo": "to do",
    "in-progress": "in progress",
    "unknown": "unknown",
}


def status_words(entry: Entry) -> str:
    """``to do (⬜)``: the status as people say it, and the marker as written."""
    words = _STATUS_WORDS.get(entry.status.value, entry.status.value)
    return f"{words} ({entry.marker})" if entry.marker else words


def entry_at(snap: Snapshot, line: int) -> Entry | None:
    """The entry on 0-based ``line``."""
    if snap.doc is None:
        return None
    for entry in snap.doc.entries:
        if entry.line - 1 == line:
            return entry
    return None


def _headings(snap: Snapshot) -> list[Section]:
    assert snap.doc is not None
    return [s for s in snap.doc.sections if s.line >= 0]


def _ends(snap: Snapshot, headings: list[Section]) -> list[int]:
    """The last 0-based line of each heading's section (up to the next one as high or higher)."""
    assert snap.doc is not None
    last = max(len(snap.doc.lines) - 1, 0)
    ends: list[int] = []
    for index, section in enumerate(headings):
        end = last
        for later in headings[index + 1 :]:
            if later.level <= section.level:
                end = later.line - 1
                break
        ends.append(end)
    return ends


def _line_range(snap: Snapshot, first: int, last: int) -> types.Range:
    return to_range(snap.spot(first, 0), snap.spot(last, len(snap.line_text(last))))


def _entry_symbol(snap: Snapshot, entry: Entry) -> types.DocumentSymbol:
    line = entry.line - 1
    text = snap.line_text(line)
    start = min(max(entry.column - 1, 0), len(text))
    end = len(text.rstrip())
    row = snap.row_at(line)
    if row is not None:
        for cell in row.cells:
            if cell.raw_start <= start <= cell.raw_end:
                end = max(cell.end, start)
                break
    return types.DocumentSymbol(
        name=entry.title or "(untitled)",
        kind=types.SymbolKind.Object,
        detail=status_words(entry),
        range=_line_range(snap, line, line),
        selection_range=to_range(snap.spot(line, start), snap.spot(line, max(end, start))),
    )


def symbols(snap: Snapshot) -> list[types.DocumentSymbol]:
    """Headings as namespaces (nested by level), each entry under the heading it is under."""
    if snap.doc is None:
        return []
    headings = _headings(snap)
    ends = _ends(snap, headings)
    lines = [s.line for s in headings]
    nodes: list[types.DocumentSymbol] = []
    kids: list[list[types.DocumentSymbol]] = []  # each heading's children, in file order
    for section, end in zip(headings, ends):
        kids.append([])
        nodes.append(
            types.DocumentSymbol(
                name=section.title.strip() or "(untitled heading)",
                kind=types.SymbolKind.Namespace,
                range=_line_range(snap, section.line, max(end, section.line)),
                selection_range=_line_range(snap, section.line, section.line),
                children=kids[-1],
            )
        )
    top: list[types.DocumentSymbol] = []
    for entry in snap.doc.entries:
        owner = bisect.bisect_right(lines, entry.line - 1) - 1
        (top if owner < 0 else kids[owner]).append(_entry_symbol(snap, entry))
    # Nest the headings: each one goes under the nearest earlier heading of a lower level.
    stack: list[tuple[int, int]] = []  # (level, index) of the open headings
    result: list[types.DocumentSymbol] = []
    for index, (section, node) in enumerate(zip(headings, nodes)):
        while stack and stack[-1][0] >= section.level:
            stack.pop()
        (kids[stack[-1][1]] if stack else result).append(node)
        stack.append((section.level, index))
    # Entries before the first heading come first, as the file has them.
    return top + result


def section_counts(snap: Snapshot) -> list[tuple[Section, int, int]]:
    """``(heading, done, total)`` for each heading with entries (subsections included).

    Entries inside a summary block (``stats --write``'s own output) are not counted, as in
    ``stats``.
    """
    from ..progress.block import counted_entries

    if snap.doc is None:
        return []
    headings = _headings(snap)
    ends = _ends(snap, headings)
    entries = sorted(counted_entries(snap.doc), key=lambda e: e.line)
    lines = [e.line - 1 for e in entries]
    done_before = [0]  # done_before[i]: entries[:i] that are done
    for entry in entries:
        done_before.append(done_before[-1] + (entry.status.value == "done"))
    result: list[tuple[Section, int, int]] = []
    for section, end in zip(headings, ends):
        first = bisect.bisect_right(lines, section.line)
        last = bisect.bisect_right(lines, end)
        if last > first:
            result.append((section, done_before[last] - done_before[first], last - first))
    return result


def lenses(snap: Snapshot) -> list[types.CodeLens]:
    """``7/11 done`` over each heading that has entries."""
    return [
        types.CodeLens(
            range=_line_range(snap, section.line, section.line),
            command=types.Command(
                title=f"{done}/{total} done",
                command="studylog-md.stats",
                arguments=[snap.uri],
            ),
        )
        for section, done, total in section_counts(snap)
    ]


def hover(snap: Snapshot, line: int) -> types.Hover | None:
    """Title, status, section, URL and the cached link verdicts of the entry on ``line``."""
    entry = entry_at(snap, line)
    if entry is None:
        return None
    parts = [f"**{_escape(entry.title) or '(untitled)'}**", ""]
    parts.append(f"Status: {status_words(entry)}  ")
    parts.append(f"Section: {_escape(' > '.join(entry.section) or '(top of file)')}  ")
    if entry.url:
        parts.append(f"URL: <{entry.url}>  ")
    verdicts = _verdicts(snap, entry)
    if verdicts:
        parts.append("")
        parts.append("Link check (cached, not checked now):  ")
        for url, text in verdicts:
            parts.append(f"- {text}: <{url}>")
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n".join(parts)),
        range=_line_range(snap, line, line),
    )


def _verdicts(snap: Snapshot, entry: Entry) -> list[tuple[str, str]]:
    """The link cache's fresh verdicts on the entry's links (no network, no write)."""
    if snap.path is None:
        return []
    urls = [link.url for link in entry.links] or ([entry.url] if entry.url else [])
    try:
        from ..linkcheck.peek import cached_verdicts
    except ImportError:  # pragma: no cover - an installation without online checking
        return []
    found = cached_verdicts(snap.config, snap.path, urls)
    result: list[tuple[str, str]] = []
    for url, verdict in found.items():
        text: str = verdict.verdict
        if verdict.status is not None:
            text += f" (HTTP {verdict.status})"
        if verdict.final_url:
            text += f" → {verdict.final_url}"
        result.append((url, text))
    return result


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)


def completions(snap: Snapshot, line: int, column: int) -> list[types.CompletionItem]:
    """The markers this table uses (and the default of a status it lacks), in a status cell.

    ``column`` is a code-point index into the model's line.
    """
    from .. import Status
    from ..document.markers import DEFAULT_SPELLING

    if snap.doc is None:
        return []
    row = snap.row_at(line)
    if row is None:
        return []
    table = next((t for t in snap.doc.tables if t.status_col is not None and row in t.rows), None)
    if table is None or table.status_col is None or table.status_col >= len(row.cells):
        return []
    cell = row.cells[table.status_col]
    if not cell.raw_start <= column <= cell.raw_end:
        return []
    seen: dict[str, Status] = {}
    for entry in table.entries:
        marker = entry.marker
        if marker and entry.status is not Status.UNKNOWN and not any(c.isdigit() for c in marker):
            seen.setdefault(marker, entry.status)
    for status, marker in DEFAULT_SPELLING.items():
        if status not in seen.values():
            seen.setdefault(marker, status)
    # Replace the cell's content (its padding stays), as a status change would.
    start, end = (cell.start, cell.end) if cell.start < cell.end else (column, column)
    edit_range = to_range(snap.spot(line, start), snap.spot(line, end))
    items: list[types.CompletionItem] = []
    for order, (marker, status) in enumerate(seen.items()):
        words = _STATUS_WORDS.get(status.value, status.value)
        items.append(
            types.CompletionItem(
                label=marker,
                kind=types.CompletionItemKind.EnumMember,
                detail=words,
                filter_text=f"{marker} {words}",
                sort_text=f"{order:03d}",
                text_edit=types.TextEdit(range=edit_range, new_text=marker),
            )
        )
    return items
